"""Map legends."""

TEXT = {
    "map.centers_per_10k_lf": "Centers per 10,000 labour force",
    "map.high_share": "Share of open centers in the high risk band",
    "map.tpt_estimate": "Effect on TPT where identified (pp)",
    "map.regency_page": "a regency page has no map of its own; the province page maps all its regencies",
    "map.nothing_to_map": "no regency of the region has a value to map",
}
