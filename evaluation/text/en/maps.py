"""Map titles, colour-bar labels (with units) and legends."""

TEXT = {
    "map.centers_per_10k_lf": "Centers per 10,000 labour force",
    "map.high_share": "Share of open centers in the high risk band",
    "map.tpt_estimate": "Effect on TPT where identified (pp)",
    "map.legend.centers_per_10k_lf": "centers per 10,000 people in the labour force (latest year)",
    "map.legend.high_share": "percent of the kab/kota's open centers in the high risk band",
    "map.legend.tpt_estimate": "effect on open unemployment, percentage points (blue: lower, red: higher)",
    "map.no_value.centers_per_10k_lf": "no labour-force figure",
    "map.no_value.high_share": "no open center scored",
    "map.no_value.tpt_estimate": "no center, or no effect identified",
    "map.no_value": "no value",
    "map.context_province": "other provinces",
    "map.context_run": "not in this run",
    "map.regency_page": "a regency page has no map of its own; the province page maps all its regencies",
    "map.nothing_to_map": "no regency of the region has a value to map",
}
