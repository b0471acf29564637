"""``training_effect``: one entry point for every estimator of the effect of training."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _diagnostics as diag
from ._design import build_design
from ._matching import match_att
from ._propensity import crump_bounds, fit_logit, overlap_summary
from ._result import TrainingEffect
from ._weighting import Fit, aipw, ipw, regression_adjustment, wls_hc1

METHODS = ("naive", "ols", "ra", "ipw", "match", "aipw")
ESTIMANDS = ("att", "ate")

_SE_NOTES = {
    "naive": "SE: heteroskedasticity-robust (HC1) from the regression of the outcome on the treatment.",
    "ols": "SE: heteroskedasticity-robust (HC1) from the regression of the outcome on treatment and covariates.",
    "ra": "SE: influence function of the two-step estimator (outcome regression estimated).",
    "ipw": "SE: influence function including the estimation of the propensity logit.",
    "aipw": "SE: influence function including the estimation of the outcome regression and the propensity logit.",
    "match": (
        "SE: Abadie-Imbens (2006) for the population ATT with within-group matching variances; "
        "it treats the propensity score as known (Abadie-Imbens 2016), so it is approximate."
    ),
}


def _resolve_trim(trim, p, d, w) -> tuple[np.ndarray, str] | None:
    if trim is None:
        return None
    if isinstance(trim, str):
        rule = trim.lower()
        if rule == "crump":
            low, high = crump_bounds(p, w)
            keep = (p >= low) & (p <= high)
            return keep, f"Crump et al. (2009) rule: kept scores in [{low:.3f}, {high:.3f}]"
        if rule == "support":
            lo, hi = p[d == 1].min(), p[d == 0].max()
            keep = np.where(d == 1, p <= hi, p >= lo)
            return keep, (
                f"common support: dropped comparison persons scoring below the lowest trainee ({lo:.3g}) "
                f"and trainees scoring above the highest comparison person ({hi:.3g})"
            )
        raise ValueError(f"trim={trim!r}: use (low, high), 'crump' or 'support'")
    try:
        low, high = (float(v) for v in trim)
    except (TypeError, ValueError):
        raise ValueError(f"trim={trim!r}: use (low, high) with 0 <= low < high <= 1, 'crump' or 'support'") from None
    if not 0 <= low < high <= 1:
        raise ValueError(f"trim={trim!r}: bounds must satisfy 0 <= low < high <= 1")
    keep = (p >= low) & (p <= high)
    return keep, f"kept propensity scores in [{low:g}, {high:g}]"


def training_effect(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: list[str] | None = None,
    method: str = "aipw",
    estimand: str = "att",
    weights: str | None = None,
    propensity_terms: list[str] | None = None,
    trim: tuple[float, float] | str | None = None,
    caliper: float | None = 0.2,
    n_neighbors: int = 5,
    bias_adjust: bool = True,
    seed: int = 0,
) -> TrainingEffect:
    """Estimate the effect of training on an outcome (income or employment).

    Parameters
    ----------
    df : one row per person.
    outcome : outcome column (earnings, or 0/1 employment).
    treatment : 0/1 column, 1 for trainees.
    covariates : pre-training characteristics; used linearly in the outcome model and,
        with ``propensity_terms``, in the propensity logit.
    method : ``"naive"`` (difference in means), ``"ols"`` (regression on treatment and
        covariates), ``"ra"`` (regression adjustment), ``"ipw"`` (normalised inverse
        probability weights), ``"match"`` (nearest-neighbour matching on the logit score)
        or ``"aipw"`` (doubly robust).
    estimand : ``"att"`` (effect on trainees, default) or ``"ate"`` (ra, ipw, aipw only).
    weights : survey-weight column; enters estimates and standard errors
        (as probability weights; frequency weights give the same point estimates).
    propensity_terms : extra logit terms: products and integer powers of columns,
        e.g. ``["age**2", "educ*re74"]``. Parsed, never evaluated.
    trim : ``(low, high)`` bounds on the propensity score, ``"crump"`` for the Crump et
        al. (2009) rule, or ``"support"`` for the common support. Rows outside are
        dropped (never clipped), the propensity model is refitted on the rest, and a
        warning says the estimand changed.
    caliper : for matching, the largest allowed distance in standard deviations of the
        logit score (pooled over groups); ``None`` for no caliper.
    n_neighbors, bias_adjust : matching options: the number of neighbours M (ties all
        kept) and the Abadie-Imbens (2011) regression bias correction. The defaults
        (M=5, corrected) follow Imbens & Xu (2024); with M=1 a few comparison persons
        are reused many times and the estimate is noisy.
    seed : accepted for a uniform signature; every estimator here is deterministic
        (tied matches are all used, none is drawn at random).
    """
    method = str(method).lower()
    estimand = str(estimand).lower()
    if method not in METHODS:
        raise ValueError(f"method={method!r}: choose one of {METHODS}")
    if estimand not in ESTIMANDS:
        raise ValueError(f"estimand={estimand!r}: choose 'att' or 'ate'")
    if method == "match" and estimand != "att":
        raise ValueError("matching here estimates the ATT only; use ra, ipw or aipw for the ATE")
    if method == "match" and (not isinstance(n_neighbors, (int, np.integer)) or n_neighbors < 1):
        raise ValueError(f"n_neighbors={n_neighbors!r} must be a positive integer")
    if caliper is not None and not caliper > 0:
        raise ValueError(f"caliper={caliper!r} must be positive (in SDs of the logit score) or None")

    des = build_design(df, outcome, treatment, covariates, weights, propensity_terms)
    if method in ("ra", "ipw", "match", "aipw", "ols") and des.k == 0:
        raise ValueError(f"method={method!r} needs covariates; for a raw comparison use method='naive'")

    y, d, w, x1, z_raw = des.y, des.d, des.w, des.x1, des.z_raw
    warnings: list[str] = []
    notes: list[str] = [_SE_NOTES[method]]
    if des.outcome_binary:
        notes.append(
            f"{outcome!r} is 0/1: the effect is a difference in shares (x100 for percentage points); "
            "outcome models are linear probability models."
        )
    if method == "match" and des.weighted:
        notes.append(
            "Survey weights weight the trainees' average and, within each match, the comparison "
            "persons; the number of neighbours counts people in the sample, not weighted people. With "
            "few neighbours the matched comparison group follows the sample rather than the weighted "
            "population on the variables that drive the weights: check balance(), or use more "
            "neighbours, ipw or aipw."
        )
    diagnostics: dict = {}
    balance_names = list(des.covariates) + list(des.terms)
    x_balance = z_raw if balance_names else None

    ps_full = ov = None
    has_ps = z_raw.shape[1] > 0
    if has_ps:
        ps_full = fit_logit(z_raw, d, w)
        ov = overlap_summary(ps_full.score, d, w)
        warnings += diag.overlap_warnings(ov, estimand)
        if 0 < ov["share_treated_above_max_control"] <= diag.MAX_TREATED_OUTSIDE:
            notes.append(
                f"{ov['treated_above_max_control']:,} trainees score above every comparison person "
                f"({ov['share_treated_above_max_control']:.1%} of trainee weight); too few to warn about."
            )
        if not ps_full.converged:
            warnings.append("The propensity logit did not converge; scores may be unreliable.")
        if ps_full.dropped_columns:
            notes.append(
                f"{ps_full.dropped_columns} propensity term(s) were exact linear combinations of others "
                "and were left out of the logit."
            )
        if ps_full.separation:
            warnings.append(
                "Some propensity scores are numerically 0 or 1 (near-perfect prediction of training): "
                "those people have no counterpart in the other group."
            )
    elif trim is not None:
        raise ValueError("trim needs a propensity score, so covariates must be given")

    keep = np.ones(des.n, dtype=bool)
    ps = ps_full
    if trim is not None and has_ps:
        keep, rule = _resolve_trim(trim, ps_full.score, d, w)
        dropped_t = int(np.sum(~keep & (d == 1)))
        dropped_c = int(np.sum(~keep & (d == 0)))
        share_t = float(np.sum(w[~keep & (d == 1)]) / np.sum(w[d == 1]))
        diagnostics["trim"] = {"rule": rule, "dropped_treated": dropped_t, "dropped_control": dropped_c}
        if not (keep & (d == 1)).any() or not (keep & (d == 0)).any():
            raise ValueError(f"trimming ({rule}) left no trainees or no comparison persons")
        if keep.all():
            notes.append(f"Trimming requested ({rule}) but no row fell outside; the estimand is unchanged.")
        else:
            warnings.append(
                f"Trimming changed the estimand: {rule}; dropped {dropped_t:,} trainees ({share_t:.1%} of "
                f"trainee weight) and {dropped_c:,} comparison persons. The effect now refers to the trainees "
                f"{'and comparison persons ' if estimand == 'ate' else ''}inside these bounds, not to all of them."
            )
        if not keep.all():
            y, d, w = y[keep], d[keep], w[keep]
            full = np.asfortranarray(des.full[keep])
            x1, z_raw = full[:, : 1 + des.k], full[:, 1:]
            ps = fit_logit(z_raw, d, w)

    n_t_used = int(np.sum((d == 1) & (w > 0)))
    n_c_used = int(np.sum((d == 0) & (w > 0)))
    if method == "naive":
        est, se = wls_hc1(y, np.column_stack([np.ones_like(d), d]), w, 1)
        fit = Fit(est, np.array([se]))
        notes.append("The raw difference in means is the effect only if training was assigned at random.")
    elif method == "ols":
        design = np.empty((len(y), x1.shape[1] + 1), order="F")
        design[:, 0], design[:, 1], design[:, 2:] = 1.0, d, x1[:, 1:]
        est, se = wls_hc1(y, design, w, 1)
        fit = Fit(est, np.array([se]))
        notes.append(
            "The OLS coefficient on training is a variance-weighted average of effects; it equals the "
            f"{estimand.upper()} only if the effect is the same for everyone."
        )
    elif method == "ra":
        fit = regression_adjustment(y, d, w, x1, estimand)
    elif method == "ipw":
        fit = ipw(y, d, w, ps, estimand)
    elif method == "aipw":
        fit = aipw(y, d, w, x1, ps, estimand)
    else:
        logit = ps.logit
        if caliper is None:
            cal = np.inf
        else:
            _, v1 = diag._wmean_var(logit[d == 1], w[d == 1])
            _, v0 = diag._wmean_var(logit[d == 0], w[d == 0])
            cal = caliper * float(np.sqrt((v1 + v0) / 2))
        fit = match_att(y, d, w, logit, x1, n_neighbors, cal, bias_adjust)
        info = fit.info
        if info["n_unmatched_treated"] > 0:
            warnings.append(
                f"The caliper ({caliper:g} SD of the logit score = {cal:.3g}) left {info['n_unmatched_treated']:,} "
                f"trainees ({info['unmatched_treated_weight_share']:.1%} of trainee weight) without a match; "
                "they are dropped, so the estimate refers to the matched trainees only."
            )
        n_t_used = info["n_matched_treated"]
        n_c_used = info["distinct_controls_used"]

    if not (np.isfinite(fit.estimate) and np.isfinite(fit.se)):
        raise ValueError(
            f"the {method} estimate is not finite: some propensity scores are numerically 0 or 1, so "
            "their weights are infinite. Simplify the propensity model or trim (e.g. trim='support')."
        )
    diagnostics.update(fit.info)
    warnings += diag.weight_warnings(fit.info, n_t_used, method)

    table = None
    if x_balance is not None:
        table = diag.balance_table(
            x_balance, balance_names, des.d, des.w, fit.treated_weight, fit.control_weight,
            x_after=z_raw if not keep.all() else None,
        )
        if fit.treated_weight is not None:
            warnings += diag.imbalance_warning(table, adjusted=True)
        elif method == "naive":
            warnings += diag.imbalance_warning(table, adjusted=False)

    return TrainingEffect(
        method=method,
        estimand=estimand,
        estimate=float(fit.estimate),
        se=float(fit.se),
        n_treated=n_t_used,
        n_control=n_c_used,
        outcome=outcome,
        treatment=treatment,
        covariates=des.covariates,
        warnings=warnings,
        notes=notes,
        diagnostics=diagnostics,
        balance_frame=table,
        overlap_info=ov,
        propensity_logit=None if ps_full is None else ps_full.logit,
        treated_flag=des.d,
        survey_weight=des.w,
    )
