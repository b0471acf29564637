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
# # Center outcomes: training, placement and the road to independence
#
# **Question.** How much training do the centers of this region deliver, how many trainees
# finish, are certified and find work, and how far along the independence roadmap are the
# centers? The roadmap (Peta Jalan Kemandirian BLK Komunitas 2022–2024) expects a center to
# fund itself after about two years of ministry support; this page shows where the region stands.

# %% tags=["parameters"]
region: str = "33"  # Kemendagri province ("33") or regency ("33.26") code, or "ID" for national
data_dir: str = "../data/sample"  # folder with centers, center_years, regency_years[, trainees]
language: str = "en"  # labels: "en" (English) or "id" (Bahasa Indonesia)
min_cell: int = 10  # counts of people below this are published as "<10"

# %%
from evaluation.page import setup
page = setup(region=region, data_dir=data_dir, language=language, min_cell=min_cell)
from evaluation import outcomes, plots
df = outcomes.center_year_outcomes(page.local.center_years, page.local.centers)
print(outcomes.counts_text(page.name, page.local, df, page.language))

# %% [markdown]
# ## Training delivered, year by year
#
# Packages are training classes (about 16 trainees each) funded by the ministry (APBN) or by the
# center itself. Rates are pooled over centers: completers / enrolled, certified / completers,
# placed (employed or self-employed) / completers; own revenue as a share of operating cost.

# %%
outcomes.table(df, "year", page.params["min_cell"])

# %% tags=["figure"]
fig = plots.outcomes_over_time(outcomes.outcomes_by(df, "year"), page.language)

# %% [markdown]
# ## By vocation (*kejuruan*) and host institution

# %%
outcomes.table(df, "vocation", page.params["min_cell"], latest_year=True)

# %%
outcomes.table(df, "host_type", page.params["min_cell"], latest_year=True)

# %% [markdown]
# ## Independence stage by age
#
# Share of centers in each stage by years since opening, in the latest year of data. The roadmap
# expects the *mandiri* share to rise as centers age; a flat line means support ends before
# centers can stand alone.

# %% tags=["figure"]
by_age = outcomes.stage_by_age(df)
fig = plots.stage_by_age(by_age, page.language)
by_age

# %%
metrics = page.publish(outcomes.metrics(df, len(page.local.centers)))

# %% [markdown]
# ## Reading these numbers
#
# Completion and placement rates are as reported by the centers (tracer studies), not verified
# outcomes; the effect of training on trainees' income is estimated in the trainee-outcomes
# notebook against a comparison group, and the effect on the regency labour market in the
# regional-impact notebook.
