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
# # Independence risk: which centers may not reach *mandiri*, and what goes with it
#
# **Question.** Ministry support for a center lasts about two years, then tapers. The roadmap
# expects each center to become *mandiri* (self-sustaining: own revenue, accreditation or
# licence, an alumni database, partnerships). At the end of support the ministry decides where
# to extend help. This page says, for every center whose outcome is **still open** (it has not
# reached *mandiri* and its four years since opening have not passed), how likely it is **not**
# to get there within four years of opening, and the three indicators that go most with that
# risk. Centers whose four years have passed are not predicted: what happened to them is
# reported as an observed outcome.
#
# **How.** A model learns from older centers what their first two years looked like and whether
# they became *mandiri*. It is checked honestly: its settings are chosen and it is trained on
# earlier cohorts, then tested once on later cohorts it never saw. The probabilities are
# calibrated: of centers given 80%, about 80% do not reach *mandiri*. The model is fitted once
# for the whole country; this page reads its slice. The indicators are what the model associates
# with risk in earlier cohorts, not proven causes.

# %% tags=["parameters"]
region: str = "33"  # Kemendagri province ("33") or regency ("33.26") code, or "ID" for national
data_dir: str = "../data/sample"  # folder with centers, center_years, regency_years
language: str = "en"  # labels: "en" (English) or "id" (Bahasa Indonesia)
fit_dir: str = ""  # folder of national models fitted once per run; empty: the hand-run cache (fitted there once)
top_n: int = 15  # centers listed in the register excerpt
capacity: int = 200  # centers the ministry can support: the size of the high (and medium) band
output_dir: str = ""  # where the report run writes the register as CSV and XLSX; empty means no files

# %%
from evaluation.page import setup
page = setup(region=region, data_dir=data_dir, language=language, fit_dir=fit_dir, top_n=top_n, capacity=capacity,
             output_dir=output_dir)
risk = page.national.risk
print(risk.target_text(page.name, page.language))

# %% [markdown]
# ## How good are the predictions?
#
# Each labelled cohort played one role (below): the model's settings were chosen by
# cross-validation inside the training cohorts, and the test cohorts were scored once, at the
# end. Baselines: the single most telling indicator alone, and the overall share. On the
# synthetic sample the *oracle* row uses the planted true probabilities: no model can beat it.
# AUC: how well centers are ranked (1 = perfect, 0.5 = coin). Brier: mean squared error of
# the probabilities (lower is better). ECE: average gap between predicted and observed risk.
# Precision at k: share of the k highest-risk centers that indeed did not make it.

# %%
display(risk.cohort_roles(page.language))
page.show(risk.settings_text(page.language))
risk.validation_table(page.language)

# %% tags=["figure"]
fig = risk.plot(page.language)

# %% [markdown]
# ## What the model associates with risk (logistic model, national)
#
# Odds ratios per standard deviation of each indicator at the decision age: above 1 goes with
# higher odds of *not* becoming *mandiri*, below 1 with lower odds. These are associations in
# earlier cohorts, not effects. Cohort, island, kota, host type, vocation and the regency labour
# market enter the model so that the other indicators are compared like with like; they are
# context, not levers.

# %%
risk.odds_ratio_table(page.language)

# %% [markdown]
# ## Risk register for the region: centers whose outcome is still open
#
# Every center of the region that has not reached *mandiri* while its four years since opening
# are still running, with its probability of not reaching *mandiri* in time, its band and the
# three indicators a program officer can act on that go most with its risk (partnerships,
# self-funded training, own revenue, the alumni database, licence or accreditation,
# certification, placement), and its context. Bands follow the ministry's support capacity
# (parameter `capacity`): the bands sentence below gives the probability at each cut, and the
# table after it shows how the same cuts sorted the test cohorts. The full register is exported
# with the report as CSV and XLSX.

# %%
print(risk.export_text(page.output_dir, page.region, "05_independence_risk.risk_register", page.language))
page.show(risk.register_text(page.region, page.language))
risk.register_table(page.region, page.params["top_n"], page.language)

# %%
risk.band_check_table(page.language).round(3)

# %% [markdown]
# ## Centers whose outcome is known
#
# For these centers the four years since opening have passed (or they are already *mandiri*):
# whether they reached *mandiri* in time is observed, not predicted, and they are not ranked.
# The last column counts those that missed it and are still not *mandiri* today.

# %%
risk.decided_summary(page.region)

# %% [markdown]
# ## Time to independence
#
# Kaplan–Meier: share of centers that have reached *mandiri* by each age, nationally, by
# cohort, vocation and host type. The Cox model gives the drivers of reaching it (hazard ratio
# above 1 = reaches it sooner).

# %% tags=["figure"]
km = page.national.survival.km
fig = km.plot(page.language)
km.summary(page.language).round(3).head(20)

# %% tags=["figure"]
cox = page.national.survival.cox
fig = cox.plot(page.language)
cox.summary(page.language).round(3)

# %%
metrics = page.publish(risk.page_metrics(page.region))

# %% [markdown]
# ## Reading the register
#
# A high probability is not a verdict: it says that centers that looked like this one at the
# end of their second year rarely became *mandiri* in time. The indicators point at what a
# program officer can act on (partnerships, self-funded training, own revenue, the alumni
# database, the licence), but they are associations learned from earlier cohorts: a center that
# adds a partnership is not thereby known to become *mandiri*.
#
# ## Check against truth (synthetic sample only)
#
# The `oracle_*` figures above come from the planted true probabilities of the sample
# (`truth/center_mandiri_probability.csv`); for real data they are absent.

# %%
risk.truth_metrics()
