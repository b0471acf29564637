"""Trainee outcomes from the tracer study: the sample's trainee table run through the estimators.

Trainees (``trained == 1``) are compared with similar people of the survey comparison sample,
adjusting for characteristics measured before training. Income is monthly, in rupiah.
"""

from __future__ import annotations

import pandas as pd

from .trainees import training_effect

COVARIATES = ["age", "female", "education_years", "married", "employed_before", "income_before_idr"]
PROPENSITY_TERMS = ["age**2", "education_years**2", "income_before_idr**2", "age*female"]
OUTCOMES = {"income_after_idr": "Monthly income after training (Rp)", "employed_after": "Employed after training (share)"}
METHODS = ("naive", "ols", "ra", "ipw", "match", "aipw")


def estimation_frame(trainees: pd.DataFrame, centers: pd.DataFrame) -> pd.DataFrame:
    """Trainee table with the attributes of each trainee's center (vocation, host type)."""
    df = trainees.merge(centers[["center_id", "vocation", "host_type"]], on="center_id", how="left")
    for col in ["trained", *COVARIATES, *OUTCOMES]:
        df[col] = df[col].astype(float)
    return df


def effects(df: pd.DataFrame, outcome: str, methods=METHODS, weights: str | None = "weight") -> dict:
    """Every method's estimate of the effect on trainees (ATT) for one outcome."""
    return {
        m: training_effect(df, outcome=outcome, treatment="trained", covariates=COVARIATES, method=m,
                           weights=weights, propensity_terms=PROPENSITY_TERMS)
        for m in methods
    }


def effects_table(results: dict) -> pd.DataFrame:
    return pd.concat([r.summary() for r in results.values()], ignore_index=True)


def by_group(df: pd.DataFrame, outcome: str, group: str, method: str = "aipw", min_treated: int = 30) -> pd.DataFrame:
    """Effect on the trainees of each vocation or host type, against the whole comparison sample.

    Groups with fewer than ``min_treated`` trainees are not estimated (too few to say anything).
    """
    controls = df[df["trained"] == 0]
    rows = []
    for value, treated in df[df["trained"] == 1].groupby(group):
        row = {group: value, "trainees": len(treated)}
        if len(treated) >= min_treated:
            r = training_effect(pd.concat([treated, controls]), outcome=outcome, treatment="trained",
                                covariates=COVARIATES, method=method, weights="weight", propensity_terms=PROPENSITY_TERMS)
            lo, hi = r.conf_int()
            row.update(estimate=r.estimate, se=r.se, ci_low=lo, ci_high=hi)
        rows.append(row)
    return pd.DataFrame(rows).sort_values("trainees", ascending=False).reset_index(drop=True)


def rse_flag(estimate: float, se: float) -> str:
    """BPS reliability rule on the relative standard error."""
    if estimate == 0:
        return "not reliable"
    rse = abs(se / estimate)
    return "usable" if rse <= 0.25 else ("use with caution" if rse <= 0.5 else "not reliable")


#: The experimental benchmark of the NSW job-training program (Dehejia & Wahba sample).
NSW_EXPERIMENTAL_ATT = 1794.34


def nsw_benchmark(methods=METHODS) -> pd.DataFrame:
    """Each estimator on NSW trainees vs the CPS-1 survey, against the experimental answer.

    This is why the estimators are trusted: on the same trainees, a randomised control group
    gives $1,794; an observational comparison from a labour-force survey must get close to it.
    """
    from ..config import REFERENCE_DIR
    from .trainees import NSW_COVARIATES, NSW_PROPENSITY_TERMS

    cps = pd.read_csv(REFERENCE_DIR / "lalonde" / "nsw_treated_vs_cps1.csv")
    rows = []
    for m in methods:
        r = training_effect(cps, outcome="re78", treatment="treat", covariates=NSW_COVARIATES, method=m,
                            propensity_terms=NSW_PROPENSITY_TERMS)
        lo, hi = r.conf_int()
        rows.append({"method": m, "estimate_usd": round(r.estimate), "se": round(r.se), "ci_low": round(lo), "ci_high": round(hi),
                     "gap_to_experiment": round(r.estimate - NSW_EXPERIMENTAL_ATT), "warnings": len(r.warnings)})
    return pd.DataFrame(rows)
