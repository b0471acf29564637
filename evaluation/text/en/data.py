"""Data quality (notebook 01)."""

TEXT = {
    "quality.no_problems": "No problems found: the data meet the contract.",
    "quality.counts": "{errors} error(s), {warnings} warning(s)",
    "coverage.centers": "centers",
    "coverage.provinces": "provinces with centers",
    "coverage.regencies_with_centers": "regencies with centers",
    "coverage.regencies_in_panel": "regencies in the labour-market panel",
    "coverage.center_years": "center-years",
    "coverage.trainees": "trainee records",
}
