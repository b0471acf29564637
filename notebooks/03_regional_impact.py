# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Regional impact: do the centers move local unemployment and wages?
#
# **Question.** Did regencies where a BLKK opened see lower open unemployment (TPT) or higher
# wages than they would have without one? Centers opened in different regencies in different
# years (2017–2023): a *staggered* adoption.
#
# **How.** A regency with a center is compared with regencies **of its own province** that had
# no center yet in the same year, relative to the year before its first center opened
# (Callaway and Sant'Anna's group-time comparison with not-yet-treated controls, run province by
# province). Comparing within a province removes every shock that hits a whole province in a
# year: provincial labour markets move very differently (the 2020 jump in Bali is not the one in
# Papua), and those swings would otherwise be read as effects of the centers.
#
# **What can be claimed.** By 2020 nearly every regency had a center, so in most provinces a
# comparison exists only for the first years after opening; later years are *not identified*
# and are not reported. Each estimate says which years it covers, how sure it is (with few
# treated regencies the interval comes from placebo regencies of other provinces, not from a
# normal approximation), whether trends already differed before opening, and how far trends
# would have to diverge after opening to change the conclusion (sensitivity bounds). The
# minimum detectable effect (MDE) says what size of effect the data could have seen at all: a
# result inside it means "too small to tell", not "no effect".

# %% tags=["parameters"]
region: str = "33"  # Kemendagri province ("33") or regency ("33.26") code, or "ID" for national
data_dir: str = "../data/sample"  # folder with centers, center_years, regency_years[, trainees]
language: str = "en"  # labels: "en" (English) or "id" (Bahasa Indonesia)
control_group: str = "never_treated"  # across-country reference design: "never_treated" or "not_yet_treated"
min_controls: int = 4  # fewest regencies of the province without a center yet for a year to be compared
min_treated: int = 20  # fewest treated and comparison regencies for analytic intervals in a province
fit_dir: str = ""  # folder of national models fitted once per run; empty: the hand-run cache (fitted there once)

# %%
from evaluation.page import setup
page = setup(region=region, data_dir=data_dir, language=language, fit_dir=fit_dir, control_group=control_group,
             min_controls=min_controls, min_treated=min_treated)
from evaluation import plots
from evaluation.impact import regional
national = page.national.impact

# %% [markdown]
# ## Nationally: every province compared within itself
#
# All regencies of the country, each compared only with regencies of its own province, with the
# default settings (at least four comparison regencies per year). Intervals come from influence
# functions, clustered by regency, or by province where that widens them.

# %%
page.show(regional.describe_all(national.within, "Indonesia", page.language))

# %%
regional.summary_table(national.within, page.language)

# %% tags=["figure"]
fig = regional.plot_region(national.within, "Indonesia", page.language)

# %% [markdown]
# ### The textbook design across provinces, for reference
#
# The same question answered the way R's `did` does by default: regencies with a center against
# regencies *of the whole country* without one (or not yet with one), and the static two-way
# fixed-effects regression readers know. Because untreated trends differ between provinces, this
# design mixes provincial swings into the effect; it is shown so that a reader who knows it can
# see how far it departs from the within-province estimate, not as the answer.

# %%
regional.across_table(national.across[page.params["control_group"]], page.language)

# %% [markdown]
# ## The region
#
# The region's regencies with a center, each compared with regencies of its own province that had
# none yet. For a single regency the figure shows its own path beside that comparison, with a
# p-value from placebo regencies; for a province, the event study (the year before opening is
# the reference; years before it are placebo estimates that should sit near zero).

# %%
local = regional.estimate_region(page.panel, page.region, national, min_controls=page.params["min_controls"],
                                 min_treated=page.params["min_treated"])
page.show(regional.describe_all(local, f"{page.name} ({page.region})", page.language))

# %%
regional.summary_table(local, page.language)

# %% [markdown]
# Which years after opening can be estimated, cohort by cohort (a cohort is the regencies whose
# first center opened in the same year), and why the later years cannot:

# %%
local["unemployment_rate"].identification(page.language)

# %% tags=["figure"]
fig = plots.figure_or_reason(regional.plot_region(local, page.name, page.language),
                             regional.why_no_figure(local, "estimate", page.language), page.language)

# %% [markdown]
# ### How robust is the conclusion to trends that were not parallel?
#
# Rambachan and Roth's bounds widen the interval for the open unemployment rate by allowing the
# trend gap after opening to differ from what the years before opening suggest. *Relative
# magnitudes* (M̄): each year's change in the gap after opening may be up to M̄ times the largest
# change seen before opening. *Smoothness* (M): the gap may bend away from a straight line by up
# to M per year. The breakdown value is the smallest M̄ or M at which the interval includes zero;
# when the interval includes zero already under parallel trends there is no conclusion to break.

# %% tags=["figure"]
fig = plots.figure_or_reason(regional.plot_sensitivity(local, language=page.language),
                             regional.why_no_figure(local, "sensitivity", page.language), page.language)

# %%
regional.sensitivity_table(local, language=page.language)

# %% [markdown]
# ## What this means
#
# Read each estimate against its interval and its minimum detectable effect: an effect smaller
# than the MDE could not be told apart from zero with this panel, whatever its true size. Years
# not listed as identified are not estimated at all, because no regency of the province was left
# without a center to show what would have happened otherwise. The program's effect is measured
# more directly on trainees themselves (trainee-outcomes notebook).

# %%
metrics = page.publish({**regional.metrics(national.within, "national"), **regional.metrics(local, "region")})

# %% [markdown]
# ## Check against truth (synthetic sample only)
#
# The sample has a planted effect (`truth/regency_effects.csv`). The true effect is averaged over
# exactly the regency-years each estimate uses. This section is skipped for real data.

# %%
regional.planted_truth_table(local, page.data_dir, page.panel, page.language)
