"""Regression adjustment, inverse probability weighting and doubly robust (AIPW) estimators.

Each estimator returns its point estimate together with a per-row influence function
``phi`` such that ``estimate - truth ~ sum(phi)``; the standard error is
``sqrt(sum(phi**2))``. Survey weights enter every sum, so ``phi`` is the usual
linearisation (sandwich) for probability weights. The influence functions include the
estimation of the nuisance models (the outcome regression by weighted least squares
and the propensity logit), so the standard errors are those of the full two-step
estimators, not of an oracle that knew the propensity score.

ATT estimators (``estimand="att"``):

* RA: Oaxaca-Blinder, i.e. the mean over trainees of ``y - m0(x)`` with ``m0`` fitted
  on the comparison group.
* IPW: normalised (Hajek) weights; comparison units get ``p/(1-p)`` rescaled to sum
  to the trainees' total weight.
* AIPW: the doubly robust ATT (the cross-section form of Sant'Anna & Zhao 2020,
  eq. 3.1 with a linear outcome model): the IPW-ATT applied to the outcome residual
  ``y - m0(x)``. Consistent if either the outcome model or the propensity model is
  right.

ATE estimators (``estimand="ate"``) are the textbook counterparts with normalised
weights ``1/p`` and ``1/(1-p)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._propensity import Propensity


@dataclass
class Fit:
    """What an estimator hands back to the front end."""

    estimate: float
    phi: np.ndarray
    treated_weight: np.ndarray | None = None  # per-row weights for balance, treated rows
    control_weight: np.ndarray | None = None  # per-row weights for balance, control rows
    info: dict = field(default_factory=dict)
    #: A standard error computed otherwise than from ``phi`` (matching: Abadie-Imbens).
    se_override: float | None = None
    #: Columns of a regression whose coefficient is the estimate (naive, OLS): they set the
    #: HC1 / CR1 small-sample factors. 0 for the influence-function estimators.
    n_params: int = 0

    @property
    def se(self) -> float:
        if self.se_override is not None:
            return float(self.se_override)
        n = self.phi.size
        factor = n / (n - self.n_params) if self.n_params else 1.0
        return float(np.sqrt(factor * np.sum(self.phi**2)))


@dataclass
class OutcomeModel:
    """Weighted least squares of the outcome on ``[1, x]`` within one group."""

    beta: np.ndarray
    fitted: np.ndarray  # predictions for every row
    resid: np.ndarray  # y - fitted, for every row
    a_inv: np.ndarray  # inverse of X'WX over the group


def wls_hc1(y: np.ndarray, x: np.ndarray, w: np.ndarray, column: int) -> tuple[float, float]:
    """Coefficient ``column`` of weighted least squares and its HC1 standard error.

    Same numbers as statsmodels ``WLS(...).fit(cov_type="HC1")`` (sandwich with
    ``w_i^2 e_i^2`` in the meat, factor ``n / (n - k)``), without forming the
    pseudo-inverse of the n-by-k design, which is slow at a million rows.
    """
    xw = x * w[:, None]
    a_inv = np.linalg.inv(x.T @ xw)
    beta = a_inv @ (xw.T @ y)
    u = xw * (y - x @ beta)[:, None]
    n, k = x.shape
    cov = a_inv @ (u.T @ u) @ a_inv * n / (n - k)
    return float(beta[column]), float(np.sqrt(cov[column, column]))


def wls_influence(y: np.ndarray, x: np.ndarray, w: np.ndarray, column: int) -> Fit:
    """Weighted least squares coefficient ``column`` with its per-row influence function.

    ``phi_i = [(X'WX)^-1 x_i w_i e_i]_column``, so ``sqrt(n/(n-k) * sum(phi^2))`` is the HC1
    standard error (as :func:`wls_hc1`) and cluster sums of ``phi`` give the CR1 one.
    """
    xw = x * w[:, None]
    a_inv = np.linalg.pinv(x.T @ xw)
    beta = a_inv @ (xw.T @ y)
    resid = y - x @ beta
    phi = (x @ a_inv[:, column]) * w * resid
    return Fit(float(beta[column]), phi, n_params=x.shape[1])


def fit_outcome(x1: np.ndarray, y: np.ndarray, w: np.ndarray, rows: np.ndarray) -> OutcomeModel:
    # Zero weights outside the group instead of copying the group's rows.
    wg = np.where(rows, w, 0.0)
    a = x1.T @ (x1 * wg[:, None])
    a_inv = np.linalg.pinv(a)
    beta = a_inv @ (x1.T @ (wg * y))
    fitted = x1 @ beta
    return OutcomeModel(beta, fitted, y - fitted, a_inv)


def _beta_influence(model: OutcomeModel, x1: np.ndarray, w: np.ndarray, rows: np.ndarray,
                    gradient: np.ndarray) -> np.ndarray:
    """Contribution of the outcome-model coefficients: phi_beta @ gradient."""
    direction = x1 @ (model.a_inv @ gradient)
    return np.where(rows, w * model.resid * direction, 0.0)


def regression_adjustment(y, d, w, x1, estimand: str) -> Fit:
    """``x1``: covariates with a leading constant."""
    treated, control = d == 1, d == 0
    m0 = fit_outcome(x1, y, w, control)
    if estimand == "att":
        n1 = np.sum(w * d)
        gap = y - m0.fitted
        est = np.sum(w * d * gap) / n1
        s1 = (w * d) @ x1
        phi = (w * d * (gap - est) - _beta_influence(m0, x1, w, control, s1)) / n1
        return Fit(est, phi, info={"outcome_model": "linear, fitted on comparison group"})
    m1 = fit_outcome(x1, y, w, treated)
    n = np.sum(w)
    diff = m1.fitted - m0.fitted
    est = np.sum(w * diff) / n
    sx = w @ x1
    phi = (
        w * (diff - est)
        + _beta_influence(m1, x1, w, treated, sx)
        - _beta_influence(m0, x1, w, control, sx)
    ) / n
    return Fit(est, phi, info={"outcome_model": "linear, fitted separately by group"})


def _hajek(values: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    total = np.sum(v)
    return float(np.sum(v * values) / total), float(total)


def _weight_info(v: np.ndarray, rows: np.ndarray) -> dict:
    vg = v[rows]
    total = vg.sum()
    return {
        "control_ess": float(total**2 / np.sum(vg**2)),
        "control_max_weight_share": float(vg.max() / total),
        "control_top10_weight_share": float(np.sort(vg)[-10:].sum() / total),
    }


def ipw(y, d, w, ps: Propensity, estimand: str) -> Fit:
    p, z = ps.score, ps.z
    treated, control = d == 1, d == 0
    if estimand == "att":
        v1 = w * d
        v0 = w * (1 - d) * p / (1 - p)
        mu1, s1 = _hajek(y, v1)
        mu0, s0 = _hajek(y, v0)
        grad_gamma = (v0 * (y - mu0)) @ z / s0  # d mu0 / d gamma
        phi = v1 * (y - mu1) / s1 - v0 * (y - mu0) / s0 - ps.gamma_influence(d, w, grad_gamma)
    else:
        v1 = w * d / p
        v0 = w * (1 - d) / (1 - p)
        mu1, s1 = _hajek(y, v1)
        mu0, s0 = _hajek(y, v0)
        g1 = -(v1 * (1 - p) * (y - mu1)) @ z / s1
        g0 = (v0 * p * (y - mu0)) @ z / s0
        phi = v1 * (y - mu1) / s1 - v0 * (y - mu0) / s0 + ps.gamma_influence(d, w, g1 - g0)
    info = _weight_info(v0, control)
    if estimand == "ate":
        info.update({k.replace("control", "treated"): val for k, val in _weight_info(v1, treated).items()})
    return Fit(mu1 - mu0, phi, treated_weight=v1, control_weight=v0, info=info)


def aipw(y, d, w, x1, ps: Propensity, estimand: str) -> Fit:
    """``x1``: covariates with a leading constant."""
    p, z = ps.score, ps.z
    treated, control = d == 1, d == 0
    m0 = fit_outcome(x1, y, w, control)
    r0 = m0.resid
    if estimand == "att":
        v1 = w * d
        v0 = w * (1 - d) * p / (1 - p)
        a1, s1 = _hajek(r0, v1)
        a0, s0 = _hajek(r0, v0)
        grad_beta = -(v1 @ x1) / s1 + (v0 @ x1) / s0
        grad_gamma = -(v0 * (r0 - a0)) @ z / s0
        phi = (
            v1 * (r0 - a1) / s1
            - v0 * (r0 - a0) / s0
            + _beta_influence(m0, x1, w, control, grad_beta)
            + ps.gamma_influence(d, w, grad_gamma)
        )
        info = _weight_info(v0, control)
        return Fit(a1 - a0, phi, treated_weight=v1, control_weight=v0, info=info)
    m1 = fit_outcome(x1, y, w, treated)
    r1 = m1.resid
    n = np.sum(w)
    sx = w @ x1
    v1 = w * d / p
    v0 = w * (1 - d) / (1 - p)
    big_m1, big_m0 = np.sum(w * m1.fitted) / n, np.sum(w * m0.fitted) / n
    b1, s1 = _hajek(r1, v1)
    b0, s0 = _hajek(r0, v0)
    phi1 = (
        w * (m1.fitted - big_m1) / n
        + v1 * (r1 - b1) / s1
        + _beta_influence(m1, x1, w, treated, sx / n - (v1 @ x1) / s1)
        + ps.gamma_influence(d, w, -(v1 * (1 - p) * (r1 - b1)) @ z / s1)
    )
    phi0 = (
        w * (m0.fitted - big_m0) / n
        + v0 * (r0 - b0) / s0
        + _beta_influence(m0, x1, w, control, sx / n - (v0 @ x1) / s0)
        + ps.gamma_influence(d, w, (v0 * p * (r0 - b0)) @ z / s0)
    )
    info = _weight_info(v0, control)
    info.update({k.replace("control", "treated"): val for k, val in _weight_info(v1, treated).items()})
    return Fit((big_m1 + b1) - (big_m0 + b0), phi1 - phi0, treated_weight=v1, control_weight=v0, info=info)
