"""Center outcomes (notebook 02)."""

TEXT = {
    "outcomes.counts": "{name}: {centers} centers, {center_years} center-years",
    "label.completion_rate": "completion",
    "label.certification_rate": "certification",
    "label.placement_rate": "placement",
    "label.rate": "rate",
    "label.own_revenue_share": "own revenue / operating cost",
    "label.year": "year",
    "label.age": "years since opening",
    "label.pct_of_centers": "% of centers",
}
