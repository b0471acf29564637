"""Words and sentences every page uses."""

TEXT = {
    "word.regency": "regency",
    "word.regencies": "regencies",
    "word.national": "national",
    "word.this_region": "this region",
    "word.warning": "warning",
    "page.region_and_data": "**Region:** {name} ({region}). **Data:** `{data}`.",
    "truth.none": "No planted truth in this data folder (real data): nothing to check.",
    "plot.rates_title": "Completion, certification, placement",
    "plot.self_financing_title": "Self-financing",
    "plot.no_figure": "No figure: {reason}",
    "plot.cohort": "Year opened",
    "plot.centers": "Centers",
    "plot.year": "Year",
    "plot.share_of_operating": "Share of operating centers (%)",
    "plot.centers_by_cohort": "Centers opened per year",
    "plot.stage_over_time": "Independence stage over time",
    "stage.tumbuh": "tumbuh (growing)",
    "stage.berkembang": "berkembang (developing)",
    "stage.mandiri": "mandiri (independent)",
}
