"""Regional labour-market impact (notebook 03)."""

TEXT = {
    "impact.short": "{estimate} (95% interval {lo} to {hi})",
    # outcomes
    "impact.outcome.unemployment_rate": "Open unemployment rate (TPT, pp)",
    "impact.outcome.log_mean_wage": "Log mean monthly wage",
    # why a (province, cohort, year) comparison is not identified
    "impact.cell.first_year": "opened in {cohort}, the first year of the panel: no year before opening to compare with",
    "impact.cell.none_left": "every regency of the province had a center by {year}: nothing to compare with",
    "impact.cell.too_few_one": "only {n} regency of the province without a center by {year} (fewer than {min_controls})",
    "impact.cell.too_few": "only {n} regencies of the province without a center by {year} (fewer than {min_controls})",
    # why placebo inference is impossible
    "impact.placebo.no_noise": "too few regency-years without a center in province {province} to measure its noise",
    "impact.placebo.too_few_for_regency": ("only {n} regencies of other provinces had no center through {year}; "
                                           "at least {min_pool} are needed to stand in for regency {regency}"),
    "impact.placebo.too_few_for_comparison": ("only {n} regencies of other provinces had no center through {year}; "
                                              "at least {min_pool} are needed to stand in for comparison regency "
                                              "{regency}"),
    # why a region gets no estimate
    "impact.reason.no_center": "no regency of the region has a center: there is no effect to estimate",
    "impact.reason.no_valid_interval": "no valid interval: {detail}",
    "impact.reason.no_year_before": "no treated regency has a year before its first center in the panel",
    "impact.reason.too_few_controls": ("in no year after a center opened were at least {min_controls} regencies of "
                                       "the province still without a center (at most {best}): the province's own "
                                       "trend cannot be separated from the effect"),
    # pre-trend test
    "impact.pretest.not_computed": "Pre-trend test not computed: {reason}",
    "impact.pretest.result_one": "Pre-trend test (sup-t over {n} pre-period, {method}): p = {p}, {verdict}.",
    "impact.pretest.result": "Pre-trend test (sup-t over {n} pre-periods, {method}): p = {p}, {verdict}.",
    "impact.pretest.parallel": "no sign of diverging trends before opening",
    "impact.pretest.diverged": "trends already diverged before opening: read the estimate with the sensitivity bounds",
    "impact.pretest.no_pre": "no year before opening other than the reference year has a comparison",
    "impact.pretest.no_spread": "a pre-period estimate has no spread in the draws",
    "impact.pretest.no_se": "no pre-period cell with a standard error",
    # how intervals were obtained
    "impact.method.analytic_regency": "analytic, clustered by regency",
    "impact.method.analytic_province": "analytic, clustered by province",
    "impact.method.placebo": "placebo regencies",
    "impact.method.multiplier": "sup-t over pre-period cells, multiplier bootstrap",
    "impact.cluster.regency": "regency",
    "impact.cluster.province": "province",
    # describe()
    "impact.describe.refused": "**{label}.** No estimate for {where}: {reason}.",
    "impact.describe.scope_national": "regencies of the whole country, each compared within its own province",
    "impact.describe.scope_region": "regencies compared with regencies of their own province that had no center yet",
    "impact.describe.how_analytic": "interval from influence functions, clustered by {cluster}",
    "impact.describe.how_placebo_pools": ("interval and p-value from placebo regencies of other provinces "
                                          "({n} or more stand-ins per regency)"),
    "impact.describe.how_placebo": "interval from placebo regencies",
    "impact.describe.compared": ("**{label}.** {where}: {n} of {total} regencies with a center can be compared "
                                 "({scope}), in {years}."),
    "impact.describe.average": "Average effect **{estimate}** (95% interval {lo} to {hi}, p = {p}; {how}).",
    "impact.describe.undetectable": ("The data could detect an effect of about {mde} or more (80% power); a smaller "
                                     "one, in either direction, cannot be told apart from none."),
    "impact.describe.detectable": ("The interval excludes zero; the smallest effect these data detect reliably is "
                                   "about {mde}."),
    "impact.describe.dose": ("Per center per 10,000 labour force: {estimate} (95% interval {lo} to {hi}), assuming "
                             "the effect grows in proportion to the number of centers."),
    "impact.describe.sens_no_conclusion": ("Sensitivity: the effect in the opening year is not distinguishable from "
                                           "zero even if trends would have stayed exactly parallel, so there is no "
                                           "conclusion to break."),
    "impact.describe.sens_holds": ("Sensitivity: the opening-year effect stays away from zero even if trends after "
                                   "opening diverge {mbar} times as much as the largest change before opening."),
    "impact.describe.sens_breaks": ("Sensitivity: the opening-year effect stays away from zero only if trends after "
                                    "opening diverge less than {mbar} times the largest change before opening."),
    "impact.describe.sens_not_computed": "Sensitivity bounds not computed: {reason}",
    # sensitivity bounds
    "impact.sensitivity.not_requested": "not requested",
    "impact.sensitivity.needs_periods": ("needs at least one pre-period (e = -2) and the opening year (e = 0) in the "
                                         "event study"),
    "impact.sensitivity.failed": "{target} / {restriction}: the bounds could not be computed.",
    "impact.sensitivity.first": "first year",
    "impact.sensitivity.average": "average",
    "impact.sensitivity.ylabel": "95% set for the effect",
    "impact.restriction.relative_magnitudes": "relative magnitudes",
    "impact.restriction.smoothness": "smoothness",
    "impact.sens.opening_year": "opening year",
    "impact.sens.average_after": "average after opening",
    "impact.sens.rm_at": "relative magnitudes, M̄ = {value}",
    "impact.sens.sd_at": "smoothness, M = {value}",
    # which years are estimated
    "impact.years.none": "no year after opening",
    "impact.years.one": "year {years} after opening (0 = the opening year)",
    "impact.years.many": "years {years} after opening (0 = the opening year)",
    # table cells and headers
    "impact.none": "none",
    "impact.not_estimated": "not estimated",
    "impact.across.refused": "not estimated: these data do not give this comparison group (for example, every regency has a center)",
    "impact.not_computed": "not computed",
    "impact.range": "{lo} to {hi}",
    "impact.n_of": "{n} of {total}",
    "impact.no_conclusion": "no conclusion to break",
    "impact.yes": "yes",
    "impact.no": "no",
    "impact.col.note": "note",
    "impact.col.interval": "95% interval",
    "impact.col.p_value": "p-value",
    "impact.col.per_center": "per center per 10k labour force",
    "impact.col.mde": "smallest detectable (80% power)",
    "impact.col.compared": "treated regencies compared",
    "impact.col.inference": "inference",
    "impact.col.pretest_p": "pre-trend p-value",
    "impact.col.breakdown": "breakdown Mbar (opening year)",
    "impact.col.twfe": "static TWFE",
    "impact.col.contrast": "TWFE against the robust estimate",
    "impact.col.effect": "effect",
    "impact.col.restriction": "restriction",
    "impact.col.set": "95% set",
    "impact.col.includes_zero": "includes zero",
    "impact.col.truth": "truth",
    "impact.col.covered": "covered",
    "impact.col.dose_estimate": "dose estimate",
    "impact.col.dose_truth": "dose truth",
    "col.treated_regencies": "treated regencies",
    "col.years_estimated": "years estimated",
    "col.not_estimated_from": "not estimated from",
    "col.why_not": "why not",
    # where a figure cannot be drawn
    "impact.figure.sens_not_computed": "sensitivity bounds not computed: {reason}",
    "impact.figure.no_event_study": "no event study",
    "impact.figure.nothing": "nothing to draw",
    # figures
    "impact.plot.before": "before opening (placebo)",
    "impact.plot.after": "after opening",
    "impact.plot.event_x": "Years since the first center opened (reference: the year before)",
    "impact.plot.event_title": "Event study, 95% intervals ({method})",
    "impact.plot.region_title": "{name}: {outcome}\n95% intervals, {method}",
    "impact.plot.this_regency": "this regency",
    "impact.plot.comparison": "regencies of the province without a center yet (mean)",
    "impact.plot.trajectory_x": "Year (shaded: after the first center opened)",
    "impact.plot.change_since": "Change since {year}",
    "impact.plot.placebo_p": "; placebo p-value {p}",
    "impact.plot.trajectory": "Trajectory",
    "impact.honest.original": "original (parallel trends)",
    "impact.honest.original_tick": "original",
    "impact.honest.robust": "robust ({ci_method})",
    "impact.honest.breakdown": "breakdown {parameter} = {value}",
    "impact.honest.ylabel": "{level} confidence set for l'tau_post",
    "impact.honest.title_rm": "Relative magnitudes (Delta^RM)",
    "impact.honest.title_sd": "Smoothness (Delta^SD)",
    # TWFE against Callaway-Sant'Anna
    "impact.twfe.agree": ("TWFE ({twfe}) and the Callaway-Sant'Anna average effect ({cs}) agree within sampling "
                          "error, so the simple regression is not misleading here."),
    "impact.twfe.below": ("TWFE ({twfe}) is below the Callaway-Sant'Anna average effect ({cs}) by {diff}, more than "
                          "sampling error explains."),
    "impact.twfe.above": ("TWFE ({twfe}) is above the Callaway-Sant'Anna average effect ({cs}) by {diff}, more than "
                          "sampling error explains."),
    "impact.twfe.negative": ("TWFE gives negative weight to {n} of {total} treated cohort-year cells (most negative: "
                             "cohort {cohort} in {year}), because already-treated units serve as its controls."),
    "impact.twfe.biased": ("When effects grow with time since treatment these forbidden comparisons subtract part of "
                           "the growing effect, so TWFE is biased; report the Callaway-Sant'Anna estimate."),
    # the labour-market paragraph of the regional summary (notebook 00)
    "impact.headline.tpt": "open unemployment (TPT)",
    "impact.headline.wage": "the mean wage",
    "impact.headline.national": ("**Nationally**, regencies with a center, each compared with regencies of its own "
                                 "province that had none yet: change in {label} of **{short}**; the smallest effect "
                                 "these data could detect is about {mde}."),
    "impact.headline.how_placebo": "from placebo regencies",
    "impact.headline.how_analytic": "analytic",
    "impact.headline.local": ("**In {name}**: {short}, over {years} ({n} of {total} regencies with a center compared; "
                              "interval {how}; detectable about {mde})."),
    "impact.headline.refused": "**In {name}** there is no estimate: {reason}.",
    "impact.headline.zero": ("An interval that includes zero means the effect is too small to see with these data, "
                             "not that it is zero."),
}
