"""Balance tables and the plain-language warnings attached to every result."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: |standardised mean difference| above which a covariate counts as imbalanced.
SMD_THRESHOLD = 0.1
#: Share of the comparison group's weight one unit may carry before we call it extreme.
MAX_WEIGHT_SHARE = 0.05
#: Share of trainee weight scoring above every comparison unit that triggers a warning.
MAX_TREATED_OUTSIDE = 0.02
#: A single matched comparison unit standing in for more than this share of trainees.
MAX_REUSE_SHARE = 0.05


def _wmean_var(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = weights.sum()
    mean = weights @ values / total
    var = weights @ (values - mean) ** 2 / total
    return mean, var


def _group_moments(x: np.ndarray, weights: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Weighted means and variances of the columns of ``x`` for several weight vectors.

    Weight vectors are zero outside their group, so no rows are copied; one shifted
    copy of ``x`` is shared by all groups (the shift guards against cancellation).
    """
    shift = x[0]
    xc = x - shift
    means = [w @ xc / w.sum() for w in weights]
    np.square(xc, out=xc)
    out = []
    for w, m in zip(weights, means):
        var = np.maximum(w @ xc / w.sum() - m**2, 0.0)
        out.append((m + shift, var))
    return out


def balance_table(
    x: np.ndarray,
    names: list[str],
    d: np.ndarray,
    w: np.ndarray,
    treated_weight: np.ndarray | None,
    control_weight: np.ndarray | None,
    x_after: np.ndarray | None = None,
) -> pd.DataFrame:
    """Standardised mean differences before and after adjustment.

    The denominator is the pooled standard deviation of the raw groups,
    ``sqrt((s1^2 + s0^2) / 2)`` (survey-weighted), and is kept fixed after adjustment so
    the two columns are comparable. ``x_after`` is the covariate matrix of the analysis
    sample when trimming removed rows; the adjusted weights refer to its rows.
    """
    (m1, v1), (m0, v0) = _group_moments(x, [w * (d == 1), w * (d == 0)])
    sd = np.sqrt((v1 + v0) / 2)
    sd[sd == 0] = np.nan
    before = (m1 - m0) / sd
    if treated_weight is None or control_weight is None:
        after = np.full(len(names), np.nan)
        mean_t_after = np.full(len(names), np.nan)
        mean_c_after = np.full(len(names), np.nan)
    else:
        xa = x if x_after is None else x_after
        mean_t_after = treated_weight @ xa / treated_weight.sum()
        mean_c_after = control_weight @ xa / control_weight.sum()
        after = (mean_t_after - mean_c_after) / sd
    return pd.DataFrame(
        {
            "covariate": names,
            "smd_before": before,
            "smd_after": after,
            "mean_treated": m1,
            "mean_control_before": m0,
            "mean_control_after": mean_c_after,
        }
    )


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%" if share >= 0.001 else f"{100 * share:.2g}%"


def overlap_warnings(ov: dict, estimand: str) -> list[str]:
    out = []
    share = ov["share_controls_below_min_treated"]
    if share > 0.5:
        out.append(
            "Poor overlap: {n:,} of {nc:,} comparison persons ({pct} of comparison weight) have a "
            "propensity score below the lowest trainee's ({lo:.3g}); they resemble no trainee and "
            "the estimate rests on the few who do. Read it with care and compare methods.".format(
                n=ov["controls_below_min_treated"], nc=ov["n_control"], pct=_pct(share), lo=ov["treated_min"]
            )
        )
    if ov["share_treated_above_max_control"] > MAX_TREATED_OUTSIDE:
        out.append(
            f"Poor overlap: {ov['treated_above_max_control']:,} of {ov['n_treated']:,} trainees have a "
            f"propensity score above every comparison person's (max {ov['control_max']:.3g}); their "
            "counterfactual is extrapolated."
        )
    if estimand == "ate" and ov["treated_outside_support"] + ov["controls_outside_support"] > 0:
        out.append(
            "For the average effect over everyone (ATE), units outside the common support need "
            f"extrapolation: {ov['treated_outside_support']:,} trainees and "
            f"{ov['controls_outside_support']:,} comparison persons lie outside it."
        )
    return out


def weight_warnings(info: dict, n_treated: int, method: str) -> list[str]:
    out = []
    if "control_ess" not in info:
        return out
    ess, top = info["control_ess"], info["control_max_weight_share"]
    if method == "match":
        if top > MAX_REUSE_SHARE or ess < 0.5 * min(n_treated, info.get("distinct_controls_used", n_treated)):
            out.append(
                f"Matched comparison units are reused heavily: {info['distinct_controls_used']:,} distinct "
                f"comparison persons serve {info['n_matched_treated']:,} trainees; the most used one carries "
                f"{_pct(top)} of the counterfactual and the ten most used {_pct(info['control_top10_weight_share'])} "
                f"(effective number of comparison units {ess:.0f}). The estimate leans on a handful of people."
            )
        return out
    if top > MAX_WEIGHT_SHARE or ess < 0.25 * n_treated:
        out.append(
            f"Extreme weights: one comparison person carries {_pct(top)} of the comparison weight and the "
            f"ten heaviest {_pct(info['control_top10_weight_share'])}; the effective number of comparison "
            f"units is {ess:.0f} (for {n_treated:,} trainees). The estimate is sensitive to a few people."
        )
    if "treated_ess" in info and (info["treated_max_weight_share"] > MAX_WEIGHT_SHARE):
        out.append(
            f"Extreme weights among trainees: one carries {_pct(info['treated_max_weight_share'])} of the "
            f"trainee weight (effective number {info['treated_ess']:.0f})."
        )
    return out


def imbalance_warning(table: pd.DataFrame, adjusted: bool) -> list[str]:
    col = "smd_after" if adjusted else "smd_before"
    bad = table[np.abs(table[col]) > SMD_THRESHOLD]
    if bad.empty:
        return []
    listed = ", ".join(f"{r.covariate} ({getattr(r, col):+.2f})" for r in bad.itertuples())
    if adjusted:
        return [
            f"Residual imbalance after adjustment: |standardised difference| above {SMD_THRESHOLD} for "
            f"{listed}. Trainees and the reweighted/matched comparison group still differ."
        ]
    return [
        f"Trainees and comparison persons differ before adjustment (|standardised difference| above "
        f"{SMD_THRESHOLD}): {listed}. A raw comparison mixes the training effect with these differences."
    ]
