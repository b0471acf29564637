"""Outcome non-response (a tracer study reaches only some trainees): weights and bounds.

Two answers to "what if the people who did not answer differ from those who did":

* **Inverse probability of response weights** (``training_effect(...,
  missing_outcome="ipw")``). Within each group that has blank outcomes (usually only the
  trainees: the survey comparison sample has its own weights), a logit of answering on
  characteristics known for everyone gives ``pi(x)``; respondents carry ``weight / pi(x)``.
  Right if, given those characteristics, answering is unrelated to the outcome (missing at
  random). The standard error includes the estimation of the response logit: every
  estimator's influence function ``phi`` is the derivative of the estimate with respect to
  a row's weight, so the response model adds ``sum_i phi_i * d log w_i / d gamma`` times
  the logit's own influence function.
* **Lee (2009) trimming bounds** (:func:`lee_bounds`), with no assumption on why people
  did not answer. The comparison group, reweighted to the trainees' characteristics (IPW
  for the ATT), stands for the trainees' untrained outcomes; the respondents are some share
  ``r`` of the trainees, so their untrained mean lies between the means of the lowest and
  the highest ``r`` share of that distribution. The bounds are for the trainees who
  answered (those a tracer study can speak for), assuming selection on observables for
  training itself. Standard errors come from the influence functions of the trimmed means
  (the trimming quantile drops out by the envelope argument) and the response share;
  the interval covers the effect with probability 95% (Imbens & Manski 2004).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from evaluation.text import t

from ._design import Design, build_design
from ._inference import clustered_se, unclustered_se
from ._propensity import Propensity, fit_logit
from ._text import Message, in_language, outcome_term

MISSING_OUTCOME = ("error", "complete", "ipw")


@dataclass
class ResponseModel:
    """A fitted logit of answering within one treatment group."""

    group: int  # 1: trainees, 0: comparison persons
    rows: np.ndarray  # boolean mask over the design rows
    model: Propensity  # fitted on ``rows`` only
    answered: np.ndarray  # 0/1 over ``rows``
    names: tuple[str, ...]

    @property
    def probability(self) -> np.ndarray:
        return self.model.score


def fit_response(des: Design, extra: np.ndarray | None, names: tuple[str, ...]) -> list[ResponseModel]:
    """Response logits for the groups with blank outcomes (weighted by the survey weights).

    ``extra``: further columns (n, m) for the response model, e.g. the center's records;
    only their values in the modelled groups are used.
    """
    if des.observed is None:
        return []
    out = []
    base = des.full[:, 1 : 1 + des.k]
    for flag in (1, 0):
        rows = des.d == flag
        if (des.observed[rows]).all():
            continue
        z = base[rows] if extra is None else np.column_stack([base[rows], extra[rows]])
        answered = des.observed[rows].astype(float)
        if answered.sum() == 0:
            raise ValueError(Message("trainees.refusal.no_one_answered"))
        out.append(ResponseModel(flag, rows, fit_logit(z, answered, des.w[rows]), answered, names))
    return out


def extra_columns(df: pd.DataFrame, des: Design, names: tuple[str, ...]) -> np.ndarray | None:
    """The response model's extra columns, validated on the rows of groups with blank outcomes."""
    from ._design import numeric_column

    if not names:
        return None
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise ValueError(f"response covariate(s) {missing} not found in the data")
    modelled = np.zeros(des.n, dtype=bool)
    for flag in (0, 1):
        rows = des.d == flag
        if des.observed is not None and not des.observed[rows].all():
            modelled |= rows
    extra = np.zeros((des.n, len(names)))
    if modelled.any():
        part = df.loc[modelled, list(names)]
        extra[modelled] = np.column_stack([numeric_column(part, c, "response covariate") for c in names])
    return extra


def response_probabilities(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: list[str],
    weights: str | None = None,
    response_covariates: list[str] | None = None,
) -> np.ndarray:
    """Estimated probability that each row's outcome is observed (1 in groups without blanks).

    The response logit of ``training_effect(..., missing_outcome="ipw")``, fitted once so that
    subgroup estimates can reuse it (``response_probability=`` column) instead of refitting it on
    a few dozen people.
    """
    des = build_design(df, outcome, treatment, covariates, weights, None, allow_missing_outcome=True)
    names = tuple(response_covariates or ())
    out = np.ones(des.n)
    for m in fit_response(des, extra_columns(df, des, names), tuple(des.covariates) + names):
        out[m.rows] = m.probability
    return out


def response_weights(des: Design, models: list[ResponseModel]) -> np.ndarray:
    """Survey weight / estimated response probability for respondents, 0 for the others."""
    w = np.where(des.observed, des.w, 0.0)
    for m in models:
        wg = w[m.rows]
        p = np.clip(m.probability, 1e-12, None)
        w[m.rows] = np.where(m.answered == 1, wg / p, 0.0)
    return w


def response_correction(des: Design, models: list[ResponseModel], phi: np.ndarray) -> np.ndarray:
    """The part of the influence function that comes from estimating the response logits.

    ``phi`` is the estimator's influence function over all design rows (0 where the outcome
    is blank). The estimate depends on gamma only through the weights ``w / pi(gamma)``, and
    ``d(w/pi)/d gamma = -(w/pi) (1 - pi) z``; ``phi_i / weight_i`` is the derivative of the
    estimate with respect to row i's weight.
    """
    out = np.zeros_like(phi)
    for m in models:
        p = m.probability
        grad = -(phi[m.rows] * m.answered * (1 - p)) @ m.model.z
        out[m.rows] += m.model.gamma_influence(m.answered, des.w[m.rows], grad)
    return out


def response_summary(des: Design, models: list[ResponseModel], w_star: np.ndarray) -> dict:
    """Counts and (survey-weighted) response rates by group, and how concentrated the weights are."""
    info = {}
    for flag, label in ((1, "treated"), (0, "control")):
        rows = des.d == flag
        answered = des.observed[rows]
        entry = {
            "rows": int(rows.sum()),
            "answered": int(answered.sum()),
            "response_rate": float(np.sum(des.w[rows] * answered) / np.sum(des.w[rows])),
        }
        model = next((m for m in models if m.group == flag), None)
        if model is not None:
            v = w_star[rows][answered]
            entry["max_weight_share"] = float(v.max() / v.sum())
            entry["weight_ess"] = float(v.sum() ** 2 / np.sum(v**2))
            entry["probability_min"] = float(model.probability.min())
            entry["response_covariates"] = list(model.names)
        info[label] = entry
    return info


# ------------------------------------------------------------------------------ Lee bounds


def _partial_means(y: np.ndarray, v: np.ndarray, r: float) -> tuple[float, float, float, float]:
    """Quantiles and means of the lowest and highest share ``r`` of a weighted distribution.

    Returns ``(q_low, mean_low, q_high, mean_high)``. With ``F`` the weighted CDF and
    ``q_low`` its ``r`` quantile, ``mean_low = q_low - E[(q_low - Y)+] / r``, exact with ties.
    """
    order = np.argsort(y, kind="stable")
    ys, vs = y[order], v[order] / v.sum()
    cdf = np.cumsum(vs)
    q_low = ys[min(np.searchsorted(cdf, r - 1e-12), ys.size - 1)]
    q_high = ys[min(np.searchsorted(cdf, 1 - r - 1e-12), ys.size - 1)]
    if r >= 1 - 1e-12:
        q_high = ys[0]
    mean_low = q_low - np.sum(vs * np.maximum(q_low - ys, 0.0)) / r
    mean_high = q_high + np.sum(vs * np.maximum(ys - q_high, 0.0)) / r
    return float(q_low), float(mean_low), float(q_high), float(mean_high)


def _imbens_manski(lower, upper, se_lower, se_upper, alpha):
    width = max(upper - lower, 0.0)
    sigma = max(se_lower, se_upper)
    lo_c, hi_c = stats.norm.ppf(1 - alpha), stats.norm.ppf(1 - alpha / 2)
    if sigma == 0 or width == 0:
        c = hi_c
    else:
        f = lambda c: stats.norm.cdf(c + width / sigma) - stats.norm.cdf(-c) - (1 - alpha)  # noqa: E731
        c = optimize.brentq(f, 0.0, hi_c + 1e-9) if f(lo_c) < 0 else lo_c
    return lower - c * se_lower, upper + c * se_upper


@dataclass
class LeeBounds:
    """Bounds on the effect of training on the trainees who answered, with no model of answering.

    Attributes
    ----------
    lower, upper : the bounds (outcome units).
    se_lower, se_upper : their standard errors (clustered when a cluster column was given).
    response_rate : survey-weighted share of trainees with an outcome.
    respondent_mean : mean outcome of the responding trainees.
    untrained_low, untrained_high : mean untrained outcome of the lowest / highest
        ``response_rate`` share of the reweighted comparison group.
    """

    outcome: str
    treatment: str
    lower: float
    upper: float
    se_lower: float
    se_upper: float
    response_rate: float
    respondent_mean: float
    untrained_low: float
    untrained_high: float
    n_treated: int
    n_responded: int
    n_control: int
    cluster: str | None = None
    n_clusters: int | None = None
    notes: list[str] = field(default_factory=list)

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """Imbens & Manski (2004) interval: covers the (partially identified) effect with probability ``level``."""
        return tuple(float(v) for v in _imbens_manski(self.lower, self.upper, self.se_lower, self.se_upper, 1 - level))

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        low, high = self.conf_int(1 - alpha)
        return pd.DataFrame([{
            "method": "lee_bounds",
            "estimand": "att of respondents",
            "lower": self.lower,
            "upper": self.upper,
            "se_lower": self.se_lower,
            "se_upper": self.se_upper,
            "ci_low": low,
            "ci_high": high,
            "response_rate": self.response_rate,
            "n_treated": self.n_treated,
            "n_responded": self.n_responded,
            "n_control": self.n_control,
        }])

    def plot(self, truth: float | None = None, figsize: tuple[float, float] = (7.0, 2.2), language: str = "en"):
        """The bounds and their interval on one axis, with a reference value (e.g. the truth)."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=figsize, constrained_layout=True)
        low, high = self.conf_int()
        ax.plot([low, high], [0, 0], color="tab:grey", linewidth=2, label=t("trainees.lee.interval", language))
        ax.plot([self.lower, self.upper], [0, 0], color="tab:blue", linewidth=8, solid_capstyle="butt",
                label=t("trainees.lee.bounds", language))
        if truth is not None:
            ax.axvline(truth, color="tab:red", linestyle="--", label=t("trainees.lee.reference", language))
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks([])
        ax.set_xlabel(in_language(outcome_term(self.outcome), language))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45), ncol=3, frameon=False, fontsize=8)
        ax.set_title(t("trainees.lee.title", language, rate=self.response_rate))
        return fig


def lee_bounds(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: list[str],
    weights: str | None = None,
    propensity_terms: list[str] | None = None,
    cluster: str | None = None,
) -> LeeBounds:
    """Lee (2009) bounds on the effect on responding trainees when some trainees' outcomes are blank.

    The comparison group must be complete (a survey with its own weights); training is
    assumed to depend on the covariates only (as for every estimator here), answering the
    tracer study on anything at all.
    """
    des = build_design(df, outcome, treatment, covariates, weights, propensity_terms, cluster=cluster,
                       allow_missing_outcome=True)
    if des.k == 0:
        raise ValueError("lee_bounds needs covariates to reweight the comparison group to the trainees")
    observed = np.ones(des.n, dtype=bool) if des.observed is None else des.observed
    if not observed[des.d == 0].all():
        n_blank = int((~observed[des.d == 0]).sum())
        raise ValueError(
            f"lee_bounds trims the comparison group, so every comparison person needs an outcome; "
            f"{n_blank:,} have none in {outcome!r}. Drop them (or reweight the survey) first."
        )
    d, w, y = des.d, des.w, des.y
    ps = fit_logit(des.z_raw, d, w)
    p = ps.score
    v0 = w * (1 - d) * p / (1 - p)
    s0 = v0.sum()
    wt = w * d
    n1 = wt.sum()
    answered = observed.astype(float)
    r = float(np.sum(wt * answered) / n1)
    s1 = np.sum(wt * answered)
    m1 = float(np.sum(wt * answered * y) / s1)
    control = d == 0
    q_low, mean_low, q_high, mean_high = _partial_means(y[control], v0[control], r)

    phi_m1 = wt * answered * (y - m1) / s1
    phi_r = wt * (answered - r) / n1

    def ipw_mean_phi(h: np.ndarray) -> tuple[float, np.ndarray]:
        mean = float(np.sum(v0 * h) / s0)
        grad = (v0 * (h - mean)) @ ps.z / s0
        return mean, v0 * (h - mean) / s0 + ps.gamma_influence(d, w, grad)

    a, phi_a = ipw_mean_phi(np.maximum(q_low - y, 0.0))
    b, phi_b = ipw_mean_phi(np.maximum(y - q_high, 0.0))
    phi_low_mean = -phi_a / r + (a / r**2) * phi_r
    phi_high_mean = phi_b / r - (b / r**2) * phi_r
    phi_upper = phi_m1 - phi_low_mean
    phi_lower = phi_m1 - phi_high_mean

    if des.clusters is not None:
        se_u, g = clustered_se(phi_upper, des.clusters)
        se_l, _ = clustered_se(phi_lower, des.clusters)
    else:
        se_u, se_l, g = unclustered_se(phi_upper), unclustered_se(phi_lower), None
    notes = [
        "Bounds on the effect for the trainees who answered, whatever the reason others did not "
        "(Lee 2009 trimming against the comparison group reweighted to the trainees' characteristics). "
        "Training itself is assumed to depend on the covariates only."
    ]
    if r >= 1:
        notes.append("Every trainee answered: the bounds collapse to the weighting estimate.")
    return LeeBounds(
        outcome=outcome,
        treatment=treatment,
        lower=m1 - mean_high,
        upper=m1 - mean_low,
        se_lower=se_l,
        se_upper=se_u,
        response_rate=r,
        respondent_mean=m1,
        untrained_low=mean_low,
        untrained_high=mean_high,
        n_treated=int(np.sum(d == 1)),
        n_responded=int(np.sum((d == 1) & observed)),
        n_control=int(np.sum(control)),
        cluster=cluster,
        n_clusters=g,
        notes=notes,
    )
