"""``training_effect``: one entry point for every estimator of the effect of training."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _diagnostics as diag
from ._design import numeric_column, build_design, subset
from ._inference import clustered_se, unclustered_se
from ._matching import match_att
from ._propensity import crump_bounds, fit_logit, overlap_summary
from ._response import (
    MISSING_OUTCOME,
    extra_columns,
    fit_response,
    response_correction,
    response_summary,
    response_weights,
)
from ._result import TrainingEffect
from ._sensitivity import ovb_sensitivity
from ._text import Message, outcome_term
from ._weighting import aipw, ipw, regression_adjustment, wls_influence

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
_CLUSTER_NOTE = {
    "naive": "CR1 (the regression's cluster-robust sandwich with factor G/(G-1)(n-1)/(n-k))",
    "ols": "CR1 (the regression's cluster-robust sandwich with factor G/(G-1)(n-1)/(n-k))",
    "match": (
        "the linear representation of the bias-corrected matching estimator (Otsu & Rai 2017) summed "
        "within clusters, factor G/(G-1); the Abadie-Imbens variance has no clustered form"
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
            return keep, Message("trainees.trim.crump", low=low, high=high)
        if rule == "support":
            lo, hi = p[d == 1].min(), p[d == 0].max()
            keep = np.where(d == 1, p <= hi, p >= lo)
            return keep, Message("trainees.trim.support", lo=lo, hi=hi)
        raise ValueError(f"trim={trim!r}: use (low, high), 'crump' or 'support'")
    try:
        low, high = (float(v) for v in trim)
    except (TypeError, ValueError):
        raise ValueError(f"trim={trim!r}: use (low, high) with 0 <= low < high <= 1, 'crump' or 'support'") from None
    if not 0 <= low < high <= 1:
        raise ValueError(f"trim={trim!r}: bounds must satisfy 0 <= low < high <= 1")
    keep = (p >= low) & (p <= high)
    return keep, Message("trainees.trim.bounds", low=low, high=high)


def _estimate(method, estimand, y, d, w, x1, ps, caliper, n_neighbors, bias_adjust, warnings, notes,
              n_t_used, n_c_used):
    """Run one estimator; returns its Fit and the numbers of trainees and comparison persons used."""
    if method == "naive":
        fit = wls_influence(y, np.column_stack([np.ones_like(d), d]), w, 1)
        notes.append("The raw difference in means is the effect only if training was assigned at random.")
    elif method == "ols":
        design = np.empty((len(y), x1.shape[1] + 1), order="F")
        design[:, 0], design[:, 1], design[:, 2:] = 1.0, d, x1[:, 1:]
        fit = wls_influence(y, design, w, 1)
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
            warnings.append(Message("trainees.warn.caliper", caliper=caliper, cal=cal, n=info["n_unmatched_treated"],
                                    share=info["unmatched_treated_weight_share"]))
        n_t_used = info["n_matched_treated"]
        n_c_used = info["distinct_controls_used"]
    return fit, n_t_used, n_c_used


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
    cluster: str | None = None,
    missing_outcome: str = "error",
    response_covariates: list[str] | None = None,
    response_probability: str | None = None,
    sensitivity: bool = True,
    benchmark_covariates: list[str] | None = None,
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
    cluster : column naming each row's cluster (e.g. the center for trainees, the
        regency-year for survey comparison persons). The standard error then allows any
        correlation within a cluster (``se_unclustered`` keeps the other one).
    missing_outcome : what a blank outcome means. ``"error"`` (default): refuse, naming the
        rows. ``"complete"``: drop those people (complete cases; right only if they would
        have answered like respondents). ``"ipw"``: weight respondents by the inverse of
        their estimated probability of answering (a logit on the covariates and
        ``response_covariates`` within each group with blanks); the standard error includes
        the response model. For bounds without a response model see :func:`lee_bounds`.
    response_covariates : extra columns for the response logit only (e.g. the records of
        the trainee's center); needed only for rows of groups with blank outcomes.
    response_probability : with ``missing_outcome="ipw"``, a column of response
        probabilities estimated elsewhere (e.g. once on the whole tracer study, see
        :func:`response_probabilities`) to use instead of fitting a response logit here;
        useful for subgroups too small to fit one. Its estimation is not in the SE.
    sensitivity : attach the Cinelli-Hazlett sensitivity analysis (:class:`Sensitivity`)
        of the regression estimate to an unobserved confounder.
    benchmark_covariates : covariates to benchmark the confounder against (default all).
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
    if missing_outcome not in MISSING_OUTCOME:
        raise ValueError(f"missing_outcome={missing_outcome!r}: choose one of {MISSING_OUTCOME}")

    full_des = build_design(df, outcome, treatment, covariates, weights, propensity_terms, cluster=cluster,
                            allow_missing_outcome=missing_outcome != "error")
    if method in ("ra", "ipw", "match", "aipw", "ols") and full_des.k == 0:
        raise ValueError(f"method={method!r} needs covariates; for a raw comparison use method='naive'")

    warnings: list[str] = []
    notes: list[str] = [_SE_NOTES[method]]
    diagnostics: dict = {}

    # ---- non-response: respondents only, reweighted when asked
    models = []
    nonresponse = None
    if full_des.observed is None:
        des = full_des
        answered = np.ones(full_des.n, dtype=bool)
    else:
        answered = full_des.observed
        if missing_outcome == "ipw" and response_probability is not None:
            if response_probability not in df.columns:
                raise ValueError(f"response probability column {response_probability!r} not found in the data")
            given = numeric_column(df.loc[answered], response_probability, "response probability")
            if not ((given > 0) & (given <= 1)).all():
                bad = list(df.index[answered][~((given > 0) & (given <= 1))][:5])
                raise ValueError(f"response probability column {response_probability!r} must lie in (0, 1]; "
                                 f"first offending rows: {bad}")
            w_star = np.zeros(full_des.n)
            w_star[answered] = full_des.w[answered] / given
        elif missing_outcome == "ipw":
            extra_names = tuple(response_covariates or ())
            extra = extra_columns(df, full_des, extra_names)
            models = fit_response(full_des, extra, tuple(full_des.covariates) + extra_names)
            w_star = response_weights(full_des, models)
        else:
            w_star = np.where(answered, full_des.w, 0.0)
        nonresponse = {"method": missing_outcome, **response_summary(full_des, models, w_star)}
        des = subset(full_des, answered, w_star[answered])
        rate = nonresponse["treated"]["response_rate"]
        blank_t = nonresponse["treated"]["rows"] - nonresponse["treated"]["answered"]
        blank_c = nonresponse["control"]["rows"] - nonresponse["control"]["answered"]
        who = (Message("trainees.who_both", blank_t=blank_t, share=1 - rate, blank_c=blank_c) if blank_c
               else Message("trainees.who", blank_t=blank_t, share=1 - rate))
        if missing_outcome == "complete":
            warnings.append(Message("trainees.warn.nonresponse_ignored", who=who, outcome=outcome_term(outcome)))
        elif response_probability is not None:
            notes.append(
                f"Non-response: {who} have no {outcome!r}. Respondents are weighted by the inverse of the "
                f"response probability in column {response_probability!r} (estimated elsewhere; that estimation "
                "is not in the SE). This assumes answering is unrelated to the outcome given what that model "
                "used; lee_bounds() needs no such assumption."
            )
        else:
            notes.append(
                f"Non-response: {who} have no {outcome!r}. Respondents are weighted by the inverse of their "
                "estimated probability of answering (logit on " + ", ".join(models[0].names if models else ())
                + "); the SE includes that model. This assumes answering is unrelated to the outcome given "
                "those variables; lee_bounds() needs no such assumption."
            )
            for label in ("treated", "control"):
                entry = nonresponse[label]
                if entry.get("max_weight_share", 0) > diag.MAX_WEIGHT_SHARE:
                    warnings.append(Message(f"trainees.warn.extreme_response_weights_{label}",
                                            share=entry["max_weight_share"], p=entry["probability_min"]))

    y, d, w, x1, z_raw = des.y, des.d, des.w, des.x1, des.z_raw
    if not ((d == 1) & (w > 0)).any() or not ((d == 0) & (w > 0)).any():
        raise ValueError(Message("trainees.refusal.no_group_left"))
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
            warnings.append(Message("trainees.warn.no_convergence"))
        if ps_full.dropped_columns:
            notes.append(
                f"{ps_full.dropped_columns} propensity term(s) were exact linear combinations of others "
                "and were left out of the logit."
            )
        if ps_full.separation:
            warnings.append(Message("trainees.warn.separation"))
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
            warnings.append(Message(f"trainees.warn.trimmed_{estimand}", rule=rule, dropped_t=dropped_t,
                                    share=share_t, dropped_c=dropped_c))
        if not keep.all():
            y, d, w = y[keep], d[keep], w[keep]
            full = np.asfortranarray(des.full[keep])
            x1, z_raw = full[:, : 1 + des.k], full[:, 1:]
            ps = fit_logit(z_raw, d, w)

    n_t_used = int(np.sum((d == 1) & (w > 0)))
    n_c_used = int(np.sum((d == 0) & (w > 0)))
    # Scores of exactly 0 or 1 make weights infinite; that is checked below and reported in
    # words, so numpy's own division warnings would only repeat it less clearly.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fit, n_t_used, n_c_used = _estimate(method, estimand, y, d, w, x1, ps, caliper, n_neighbors, bias_adjust,
                                            warnings, notes, n_t_used, n_c_used)

    # ---- inference: the influence function over every row of the input (blank outcomes
    # included: they carry the response model's part), then robust or clustered
    phi_des = np.zeros(des.n)
    phi_des[keep] = fit.phi
    phi_all = np.zeros(full_des.n)
    phi_all[answered] = phi_des
    with np.errstate(invalid="ignore", over="ignore"):
        if models:
            phi_all = phi_all + response_correction(full_des, models, phi_all)
        if fit.se_override is not None and not models:
            se_plain = float(fit.se_override)
        else:
            se_plain = unclustered_se(phi_all, fit.n_params)
            if fit.se_override is not None:
                notes.append("With response weights the matching SE uses the linear representation of Otsu & Rai (2017).")
        se, n_clusters = se_plain, None
        if full_des.clusters is not None:
            se, n_clusters = clustered_se(phi_all, full_des.clusters, fit.n_params)
    if n_clusters is not None:
        plain = f"{se_plain:,.0f}" if abs(se_plain) >= 100 else f"{se_plain:.3g}"
        notes.append(
            f"SE clustered by {cluster!r} ({n_clusters:,} clusters): "
            + _CLUSTER_NOTE.get(method, "cluster sums of the influence function, factor G/(G-1)")
            + f". Unclustered it would be {plain}."
        )
        if n_clusters < 30:
            warnings.append(Message("trainees.warn.few_clusters", n=n_clusters))

    if not (np.isfinite(fit.estimate) and np.isfinite(se)):
        raise ValueError(Message("trainees.refusal.not_finite", method=method))
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

    sens = None
    if sensitivity and des.k > 0:
        sens = ovb_sensitivity(y, d, x1, w, des.covariates, outcome, treatment,
                               benchmark=benchmark_covariates)

    return TrainingEffect(
        method=method,
        estimand=estimand,
        estimate=float(fit.estimate),
        se=float(se),
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
        se_unclustered=se_plain,
        cluster=cluster,
        n_clusters=n_clusters,
        sensitivity=sens,
        nonresponse=nonresponse,
    )
