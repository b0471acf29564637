"""Labels and features for the independence-risk model, as of a decision age.

Conventions (the same as the sample generator, ``evaluation.data.synthetic``):

* **age** of a center in a year is ``year - cohort + 1``; the opening year is age 1;
* a center **reaches** the target stage *within* ``horizon_years`` when its stage is the
  target (or a later stage) in some year with ``age <= horizon_years``, i.e. by the end of
  year ``cohort + horizon_years - 1``;
* the **label** is 1 when the center does *not* reach it (the risk the ministry cares about),
  and is only defined when the whole horizon lies inside the data (``cohort +
  horizon_years - 1 <= last observed year``); otherwise the center is scored but unlabelled;
* **features** use center-years with ``age <= decision_age`` and regency figures of the
  *decision year* ``cohort + decision_age - 1`` (or the latest earlier year available).
  Nothing after the decision point is read, so a model trained on them can be applied at
  the moment the ministry decides whether to extend support.

All functions are pure: they take frames and return new frames, indexed by ``center_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.data.schema import STAGES
from evaluation.text import has, section, t

__all__ = [
    "RiskSpec",
    "LEVERS",
    "CONTEXT_FEATURES",
    "NUMERIC_FEATURES",
    "CATEGORICAL_FEATURES",
    "FEATURE_LABELS",
    "feature_label",
    "category_label",
    "with_age",
    "decision_window",
    "label_frame",
    "center_features",
    "regency_context",
]

JAVA_PROVINCES = ("31", "32", "33", "34", "35", "36")


@dataclass(frozen=True)
class RiskSpec:
    """What is predicted and when: the target stage, the horizon and the decision age (years)."""

    target_stage: str = "mandiri"
    horizon_years: int = 4
    decision_age: int = 2

    def __post_init__(self):
        if self.target_stage not in STAGES:
            raise ValueError(f"target_stage must be one of {', '.join(STAGES)}, got {self.target_stage!r}")
        if int(self.horizon_years) < 1 or int(self.decision_age) < 1:
            raise ValueError("horizon_years and decision_age must be at least 1")
        if self.decision_age > self.horizon_years:
            raise ValueError(
                f"decision_age ({self.decision_age}) must not exceed horizon_years ({self.horizon_years}): "
                "features would see the outcome"
            )


#: Features read from center-years up to the decision age and from the center registry.
NUMERIC_FEATURES = (
    "years_observed",
    "completion_rate",
    "certification_rate",
    "placement_rate",
    "trainees_per_package",
    "apbn_packages_per_year",
    "self_funded_packages",
    "self_funded_last",
    "revenue_share_last",
    "revenue_share_growth",
    "log_revenue_last",
    "partnerships_last",
    "partnerships_first",
    "licensed_last",
    "years_licensed",
    "alumni_database_last",
    "years_alumni_database",
    "incubator_last",
    "instructors_last",
    "cohort",
    "kota",
    "java",
    "unemployment_rate",
    "log_mean_wage",
    "min_wage_ratio",
)
CATEGORICAL_FEATURES = ("host_type", "vocation")

#: Short English names for tables and figures (the catalogue's ``risk.feature.*``);
#: :func:`feature_label` gives them in another language.
FEATURE_LABELS = section("risk.feature", "en")


def feature_label(feature: str, language: str = "en", default: str | None = None) -> str:
    """A feature's short name in ``language``; ``default`` (or the name, spaced) when it has none."""
    key = f"risk.feature.{feature}"
    if has(key, language):
        return t(key, language)
    return default if default is not None else feature.replace("_", " ")


def category_label(feature: str, level: str, language: str = "en") -> str:
    """A category of ``feature`` (a host type, a vocation, the pooled "other") in ``language``:
    English shows the code as it is, another language its name where the catalogue has one."""
    if language == "en":
        return level
    if feature == "host_type" and has(f"risk.host.{level}", language):
        return t(f"risk.host.{level}", language)
    if level == "other":
        return t("risk.level.other", language)
    return level


#: What a program officer can act on, each with the features that measure it; the register's
#: indicators are read per lever (the contributions of a lever's features summed, so two
#: correlated measures of one thing cannot point in opposite directions).
LEVERS = {
    "partnerships": ("partnerships_last", "partnerships_first"),
    "self_funded_training": ("self_funded_packages", "self_funded_last"),
    "own_revenue": ("revenue_share_last", "revenue_share_growth", "log_revenue_last"),
    "alumni_database": ("alumni_database_last", "years_alumni_database"),
    "licence_or_accreditation": ("licensed_last", "years_licensed"),
    "certification": ("certification_rate",),
    "placement": ("placement_rate",),
}
#: Where and what a center is: shown beside the indicators as context, never as a reason.
CONTEXT_FEATURES = ("cohort", "kota", "java", "host_type", "vocation", "unemployment_rate", "log_mean_wage",
                    "min_wage_ratio")

_STAGE_RANK = {s: i for i, s in enumerate(STAGES)}


def with_age(centers: pd.DataFrame, center_years: pd.DataFrame) -> pd.DataFrame:
    """``center_years`` with the center's ``cohort`` and its ``age`` (opening year = 1)."""
    cohort = centers.set_index("center_id")["cohort"]
    out = center_years.copy()
    out["cohort"] = out["center_id"].map(cohort).astype("int64")
    out["age"] = out["year"].astype("int64") - out["cohort"] + 1
    return out


def decision_window(centers: pd.DataFrame, center_years: pd.DataFrame, decision_age: int) -> pd.DataFrame:
    """The center-years a decision at ``decision_age`` may use: ``1 <= age <= decision_age``."""
    cy = with_age(centers, center_years)
    return cy[(cy["age"] >= 1) & (cy["age"] <= decision_age)].sort_values(["center_id", "year"], kind="stable")


def label_frame(
    centers: pd.DataFrame,
    center_years: pd.DataFrame,
    target_stage: str = "mandiri",
    horizon_years: int = 4,
    last_year: int | None = None,
) -> pd.DataFrame:
    """Outcome per center: did it reach ``target_stage`` within ``horizon_years`` of opening?

    Columns: ``cohort``, ``horizon_end_year`` (cohort + horizon - 1), ``observed`` (the whole
    horizon lies within the data), ``reached`` (target stage or later seen by the horizon end),
    ``first_target_year`` (first year at the target stage or later, any age; NA if never),
    and ``label`` (1 = did *not* reach it, 0 = reached; NA when not observed).
    ``last_year`` defaults to the latest year in ``center_years``.
    """
    RiskSpec(target_stage, horizon_years, 1)  # validates the arguments
    if last_year is None:
        last_year = int(center_years["year"].max())
    c = centers.set_index("center_id")[["cohort"]].copy()
    cy = with_age(centers, center_years)
    rank = cy["stage"].map(_STAGE_RANK)
    at_target = cy[rank >= _STAGE_RANK[target_stage]]
    first = at_target.groupby("center_id")["year"].min()
    c["horizon_end_year"] = c["cohort"] + horizon_years - 1
    c["observed"] = c["horizon_end_year"] <= last_year
    c["first_target_year"] = first.reindex(c.index).astype("Int64")
    c["reached"] = (c["first_target_year"] <= c["horizon_end_year"]).fillna(False).astype(bool)
    c["label"] = pd.array(np.where(c["reached"], 0, 1), dtype="Int64")
    c.loc[~c["observed"], "label"] = pd.NA
    return c


def regency_context(centers: pd.DataFrame, regency_years: pd.DataFrame, decision_age: int) -> pd.DataFrame:
    """Regency labour market of each center in its decision year (``cohort + decision_age - 1``),
    or the latest earlier year on file: unemployment rate, log mean wage, minimum/mean wage."""
    c = centers[["center_id", "regency_code", "cohort"]].copy()
    c["decision_year"] = c["cohort"] + decision_age - 1
    ry = regency_years[["regency_code", "year", "unemployment_rate", "mean_wage_idr", "min_wage_idr"]]
    m = c.merge(ry, on="regency_code", how="left")
    m = m[m["year"] <= m["decision_year"]].sort_values(["center_id", "year"], kind="stable")
    last = m.groupby("center_id").tail(1).set_index("center_id")
    out = pd.DataFrame(index=pd.Index(centers["center_id"], name="center_id"))
    wage = last["mean_wage_idr"].astype(float)
    out["unemployment_rate"] = last["unemployment_rate"].astype(float)
    out["log_mean_wage"] = np.log(wage.where(wage > 0))
    out["min_wage_ratio"] = last["min_wage_idr"].astype(float) / wage.where(wage > 0)
    out["context_year"] = last["year"].astype("Int64")
    return out


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num, den = num.astype(float), den.astype(float)
    return (num / den.where(den > 0)).astype(float)


def center_features(
    centers: pd.DataFrame,
    center_years: pd.DataFrame,
    regency_years: pd.DataFrame,
    decision_age: int = 2,
) -> pd.DataFrame:
    """One row per center (index ``center_id``) with :data:`NUMERIC_FEATURES` and
    :data:`CATEGORICAL_FEATURES`, from data available at ``decision_age`` only.

    Rates pool the years up to the decision age (completers / enrolled, and so on);
    "last" values are those of the latest year up to the decision age. A center with no
    year of data yet gets missing values (the models impute them) and ``years_observed = 0``.
    """
    from evaluation.data.reference import is_kota

    cy = decision_window(centers, center_years, decision_age)
    g = cy.groupby("center_id", sort=True)
    sums = g[["trainees_enrolled", "trainees_completed", "trainees_certified", "alumni_employed",
              "alumni_self_employed", "packages_apbn", "packages_self_funded"]].sum()
    last = g.tail(1).set_index("center_id")
    first = g.head(1).set_index("center_id")
    n_years = g.size()

    f = pd.DataFrame(index=pd.Index(centers["center_id"], name="center_id"))
    f["years_observed"] = n_years.reindex(f.index).fillna(0).astype(float)
    packages = sums["packages_apbn"] + sums["packages_self_funded"]
    f["completion_rate"] = _ratio(sums["trainees_completed"], sums["trainees_enrolled"])
    f["certification_rate"] = _ratio(sums["trainees_certified"], sums["trainees_completed"])
    f["placement_rate"] = _ratio(sums["alumni_employed"] + sums["alumni_self_employed"], sums["trainees_completed"])
    f["trainees_per_package"] = _ratio(sums["trainees_enrolled"], packages)
    f["apbn_packages_per_year"] = _ratio(sums["packages_apbn"], n_years)
    f["self_funded_packages"] = sums["packages_self_funded"].astype(float)
    f["self_funded_last"] = last["packages_self_funded"].astype(float)

    share_last = _ratio(last["own_revenue_idr"], last["operating_cost_idr"])
    share_first = _ratio(first["own_revenue_idr"], first["operating_cost_idr"])
    span = (last["year"] - first["year"]).astype(float)
    f["revenue_share_last"] = share_last
    # per year, so that a decision at age 3 or 4 reads the same way; 0 with a single year
    growth = ((share_last - share_first) / span.where(span > 0)).fillna(0.0)
    f["revenue_share_growth"] = growth.where(share_last.notna())
    f["log_revenue_last"] = np.log1p(last["own_revenue_idr"].astype(float))
    f["partnerships_last"] = last["partnerships"].astype(float)
    f["partnerships_first"] = first["partnerships"].astype(float)
    flags = cy[["center_id", "licensed", "accredited", "alumni_database", "incubator"]].copy()
    flags[["licensed", "accredited", "alumni_database", "incubator"]] = (
        flags[["licensed", "accredited", "alumni_database", "incubator"]].astype(float).fillna(0.0)
    )
    years_flag = flags.groupby("center_id").sum()
    # The roadmap's criterion is "licence or accreditation"; accreditation (LA-LPK, from 2021)
    # is so rare by year 2 that a separate coefficient would rest on a handful of centers.
    f["licensed_last"] = np.maximum(last["licensed"].astype(float).fillna(0),
                                    last["accredited"].astype(float).fillna(0))
    for col in ("alumni_database", "incubator"):
        f[f"{col}_last"] = last[col].astype(float)
    f["years_licensed"] = years_flag["licensed"]
    f["years_alumni_database"] = years_flag["alumni_database"]
    f["instructors_last"] = last["instructors"].astype(float)
    # The stage at the decision age is not a feature: it is defined by the levers themselves
    # (partnerships, alumni database, revenue, licence), so beside them its coefficient only
    # takes up what they leave (it came out with the wrong sign), and it is nothing a program
    # officer can act on directly. Training-cohort cross-validation: same log loss without it.

    reg = centers.set_index("center_id")
    f["cohort"] = reg["cohort"].astype(float)
    f["kota"] = reg["regency_code"].map(lambda c: float(is_kota(c)))
    f["java"] = reg["province_code"].isin(JAVA_PROVINCES).astype(float)
    ctx = regency_context(centers, regency_years, decision_age)
    for col in ("unemployment_rate", "log_mean_wage", "min_wage_ratio"):
        f[col] = ctx[col]
    f["host_type"] = reg["host_type"].astype(str)
    f["vocation"] = reg["vocation"].astype(str)
    # centers without data up to the decision age: counts are unknown, not zero
    f.loc[f["years_observed"] == 0, ["years_licensed", "years_alumni_database", "self_funded_packages"]] = np.nan
    return f[list(NUMERIC_FEATURES) + list(CATEGORICAL_FEATURES)]
