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
# # Data quality of the BLKK outcome data
#
# **Question.** Are the center registry, the center-year outcomes, the regency labour-market panel
# and (where present) the trainee records complete and consistent enough to evaluate the
# *Balai Latihan Kerja Komunitas* program? Every later notebook builds on these tables; this page
# says what they hold and what is wrong with them, before any estimate is made.
#
# **Data.** The folder in `data_dir`, checked against the data contract (DESIGN.md): four tables,
# Kemendagri region codes as text, integer rupiah, years as integers. The default is the embedded
# synthetic sample, which is calibrated to published program figures but is **not real data**.

# %% tags=["parameters"]
region: str = "33"  # Kemendagri province ("33") or regency ("33.26") code, or "ID" for national
data_dir: str = "../data/sample"  # folder with centers, center_years, regency_years[, trainees]
language: str = "en"  # labels: "en" (English) or "id" (Bahasa Indonesia)

# %%
from evaluation.page import setup
page = setup(region=region, data_dir=data_dir, language=language)
page.say("page.region_and_data", name=page.name, region=page.region, data=page.data_dir.name)

# %% [markdown]
# ## Validation against the data contract
#
# Every problem is listed with the file, the column and example lines. Errors stop the report
# runs; warnings (for example a dropped column that looked like a personal identifier) do not.

# %%
from evaluation.data import quality
data_check = quality.check(page.data_dir)
print(data_check.counts_text(page.language))
data_check.table(page.language)

# %% [markdown]
# ## What the tables hold
#
# National totals first, then the slice for the region in the parameters.

# %%
quality.table_overview(data_check.dataset)

# %%
local = data_check.dataset.for_region(page.region)
quality.coverage_table(data_check.dataset, local, page.language)

# %% [markdown]
# ## Centers opened per year
#
# The program built 50 centers in 2017, 75 in 2018 and about a thousand a year from 2019 to 2020
# (Ministry of Manpower figures). Host institutions: pesantren first, other religious
# institutions, and from 2020 trade unions.

# %% tags=["figure"]
from evaluation import plots
fig = plots.centers_by_cohort(local.centers, language=page.language)
quality.centers_by_cohort(local)

# %% [markdown]
# ## Independence stage (*tahap kemandirian*)
#
# Stages of the roadmap (Peta Jalan Kemandirian BLK Komunitas 2022–2024): *tumbuh* (licensed,
# running training), *berkembang* (partnerships that fund training, works with alumni),
# *mandiri* (sustains itself). Nationally in August 2023: 46% / 41% / 13% of 3,757 centers.

# %% tags=["figure"]
shares = quality.stage_shares(local)
fig = plots.stage_over_time(shares, language=page.language)
shares

# %%
metrics = page.publish(quality.metrics(data_check, local))

# %% [markdown]
# ## What this means
#
# The tables above are the basis of every other notebook of this report. Counts are of centers,
# not of people; no personal identifier is read (columns that look like one are dropped on load).
