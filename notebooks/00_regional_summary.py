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
# # Regional summary
#
# The page to read first: what the region has, what the program does for its trainees and its
# labour market, and which of its centers need help to become independent. Each section points
# to the notebook with the detail.

# %% tags=["parameters"]
region: str = "33"  # Kemendagri province ("33") or regency ("33.26") code, or "ID" for national
data_dir: str = "../data/sample"  # folder with centers, center_years, regency_years[, trainees]
language: str = "en"  # labels: "en" (English) or "id" (Bahasa Indonesia)
fit_dir: str = ""  # folder of national models fitted once per run; empty: the hand-run cache (fitted there once)
output_dir: str = ""  # where the report run writes the map image beside this page; empty means none
capacity: int = 200  # centers the ministry can support: the size of the high (and medium) risk band
min_controls: int = 4  # fewest regencies of the province without a center yet for a year to be compared
min_treated: int = 20  # fewest treated and comparison regencies for analytic intervals in a province

# %%
from evaluation.page import setup
page = setup(region=region, data_dir=data_dir, language=language, fit_dir=fit_dir, output_dir=output_dir,
             capacity=capacity, min_controls=min_controls, min_treated=min_treated)
from evaluation.summary import regional_summary
summary = regional_summary(page.national, page.dataset, page.region, page.language, page.panel)

# %%
summary.section("header")

# %% [markdown]
# Where the centers are, where the open centers at high risk are, and where a regency's own
# labour-market estimate exists. Each regency is drawn with its boundary and filled by its value;
# mid-grey regencies have no value (e.g. no estimate is identified there); on a province page the
# neighbouring provinces are light grey.

# %% tags=["figure"]
fig = summary.plot_map(save_to=page.export_path("00_regional_summary.map.png"))

# %% [markdown]
# ## Trainees (detail: 04 Trainee outcomes)

# %%
summary.section("trainees")

# %% [markdown]
# ## Local labour market (detail: 03 Regional impact)

# %%
summary.section("labour_market")

# %% [markdown]
# ## Centers at risk of not becoming independent (detail: 05 Independence risk)

# %%
display(summary.section("risk"))
summary.register_table(10)

# %%
metrics = page.publish(summary.metrics())
