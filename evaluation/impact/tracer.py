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


def results_table(results_by_outcome: dict) -> pd.DataFrame:
    """One row per outcome and method, with the BPS reliability flag of each estimate."""
    table = pd.concat([effects_table(r).assign(outcome=out) for out, r in results_by_outcome.items()], ignore_index=True)
    table["reliability (BPS RSE rule)"] = [rse_flag(e, s) for e, s in zip(table["estimate"], table["se"])]
    return table


def by_group(df: pd.DataFrame, outcome: str, group: str, method: str = "aipw", min_treated: int = 30) -> pd.DataFrame:
    """Effect on the trainees of each vocation or host type, against the whole comparison sample.

    Groups with fewer than ``min_treated`` trainees are not estimated (too few to say anything),
    nor groups the estimator refuses (the reason is in the ``note`` column).
    """
    controls = df[df["trained"] == 0]
    rows = []
    for value, treated in df[df["trained"] == 1].groupby(group):
        row = {group: value, "trainees": len(treated)}
        if len(treated) >= min_treated:
            try:
                r = training_effect(pd.concat([treated, controls]), outcome=outcome, treatment="trained",
                                    covariates=COVARIATES, method=method, weights="weight",
                                    propensity_terms=PROPENSITY_TERMS)
            except ValueError as exc:  # e.g. a small group separated from the comparison sample
                row.update(note=f"not estimated: {exc}")
            else:
                lo, hi = r.conf_int()
                row.update(estimate=r.estimate, se=r.se, ci_low=lo, ci_high=hi)
        rows.append(row)
    return pd.DataFrame(rows).sort_values("trainees", ascending=False).reset_index(drop=True)


def national_effects(trainees: pd.DataFrame, centers: pd.DataFrame, min_treated: int = 10) -> dict:
    """Every method for both outcomes, and income effects by vocation and host type, nationally.

    Fitted once per report run (``evaluation.fit``); subgroups are estimated down to
    ``min_treated`` trainees and a notebook hides those below its own minimum (:func:`at_least`).
    """
    frame = estimation_frame(trainees, centers)
    return {
        "effects": {out: effects(frame, out) for out in OUTCOMES},
        "by_vocation": by_group(frame, "income_after_idr", "vocation", min_treated=min_treated),
        "by_host_type": by_group(frame, "income_after_idr", "host_type", min_treated=min_treated),
    }


def at_least(table: pd.DataFrame, min_trainees: int) -> pd.DataFrame:
    """A subgroup table with the estimates of groups smaller than ``min_trainees`` left out."""
    out = table.copy()
    small = out["trainees"] < min_trainees
    for col in ("estimate", "se", "ci_low", "ci_high"):
        if col in out:
            out.loc[small, col] = float("nan")
    return out


def truth_check(results: dict, truth: pd.DataFrame) -> pd.DataFrame:
    """The doubly robust estimates beside the sample's planted effect (``truth/trainee_effects.csv``)."""
    row = truth.query("scope == 'overall'").iloc[0]
    rows = []
    for out, label, true_col, scale in (("income_after_idr", "income (Rp)", "att_income_idr_sample", 1),
                                         ("employed_after", "employment (pp)", "att_employed_pp_sample", 100)):
        aipw, naive = results[out]["aipw"], results[out]["naive"]
        rows.append({"outcome": label, "true ATT (sample)": row[true_col], "AIPW": scale * aipw.estimate,
                     "SE": scale * aipw.se, "naive": scale * naive.estimate})
    check = pd.DataFrame(rows)
    check["AIPW within 2 SE of truth"] = (check["AIPW"] - check["true ATT (sample)"]).abs() <= 2 * check["SE"]
    return check


def metrics(prefix: str, results_by_outcome: dict) -> dict:
    """The doubly robust estimate, SE and interval of each outcome, for a report's metrics."""
    out = {}
    for outcome, results in results_by_outcome.items():
        lo, hi = results["aipw"].conf_int()
        out.update({f"{prefix}_{outcome}_att": results["aipw"].estimate, f"{prefix}_{outcome}_se": results["aipw"].se,
                    f"{prefix}_{outcome}_ci": [lo, hi]})
    return out


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
