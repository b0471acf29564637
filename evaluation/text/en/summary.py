"""The regional summary (notebook 00) and the index headline."""

TEXT = {
    "summary.header": "## {name} ({region})\n\n- **{centers} centers** in {regencies} {regency_word}, opened {first}–{last}.\n- In {year}: **{mandiri}% mandiri**, {berkembang}% berkembang, {tumbuh}% tumbuh (national: {national}% mandiri).",
    "summary.header_empty": "## {name}\n\nNo centers in this region.",
    'summary.trainees': "Nationally, training raised trainees' monthly income by **{income}** (95% CI {lo} to {hi}) and their chance of employment by **{employment} points**, against similar people of the survey sample.",
    "summary.trainees_none": "No trainee records in this data: trainee effects cannot be estimated.",
    "headline.centers": "centers",
    "headline.mandiri": "mandiri",
    "headline.high_risk": "open centers in the national top {k} for risk",
    "headline.of": "{n} of {total}",
    "headline.income": "training effect on monthly income (national)",
    "headline.tpt_national": "effect on regency TPT (national)",
    "headline.tpt_with_mde": "{effect} (MDE {mde})",
    "headline.tpt_region": "effect on regency TPT (this region)",
    "headline.not_identified": "not estimated",
}
