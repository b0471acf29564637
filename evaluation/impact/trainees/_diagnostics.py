"""Balance tables and the plain-language warnings attached to every result."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._text import Covariate, Joined, Message

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
        out.append(Message("trainees.warn.overlap_low", n=ov["controls_below_min_treated"], nc=ov["n_control"],
                           pct=_pct(share), lo=ov["treated_min"]))
    if ov["share_treated_above_max_control"] > MAX_TREATED_OUTSIDE:
        out.append(Message("trainees.warn.overlap_high", n=ov["treated_above_max_control"], nt=ov["n_treated"],
                           hi=ov["control_max"]))
    if estimand == "ate" and ov["treated_outside_support"] + ov["controls_outside_support"] > 0:
        out.append(Message("trainees.warn.overlap_ate", nt=ov["treated_outside_support"],
                           nc=ov["controls_outside_support"]))
    return out


def weight_warnings(info: dict, n_treated: int, method: str) -> list[str]:
    out = []
    if "control_ess" not in info:
        return out
    ess, top = info["control_ess"], info["control_max_weight_share"]
    if method == "match":
        if top > MAX_REUSE_SHARE or ess < 0.5 * min(n_treated, info.get("distinct_controls_used", n_treated)):
            out.append(Message("trainees.warn.match_reuse", distinct=info["distinct_controls_used"],
                               matched=info["n_matched_treated"], top=_pct(top),
                               top10=_pct(info["control_top10_weight_share"]), ess=ess))
        return out
    if top > MAX_WEIGHT_SHARE or ess < 0.25 * n_treated:
        out.append(Message("trainees.warn.extreme_weights", top=_pct(top),
                           top10=_pct(info["control_top10_weight_share"]), ess=ess, n=n_treated))
    if "treated_ess" in info and (info["treated_max_weight_share"] > MAX_WEIGHT_SHARE):
        out.append(Message("trainees.warn.extreme_trainee_weights", top=_pct(info["treated_max_weight_share"]),
                           ess=info["treated_ess"]))
    return out


def imbalance_warning(table: pd.DataFrame, adjusted: bool) -> list[str]:
    col = "smd_after" if adjusted else "smd_before"
    bad = table[np.abs(table[col]) > SMD_THRESHOLD]
    if bad.empty:
        return []
    listed = Joined(Message("trainees.smd_item", name=Covariate(r.covariate), smd=getattr(r, col))
                    for r in bad.itertuples())
    key = "trainees.warn.residual_imbalance" if adjusted else "trainees.warn.raw_imbalance"
    return [Message(key, threshold=SMD_THRESHOLD, listed=listed)]
