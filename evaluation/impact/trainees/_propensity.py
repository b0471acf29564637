"""Propensity score: weighted logit, explicit trimming rules and overlap diagnostics.

The logit is fitted by Newton's method on internally standardised columns, so terms
on very different scales (``re74**2`` next to ``black``) do not hurt convergence. The
fitted object keeps what the influence functions need: the design ``z`` (standardised,
with a constant), the scores and the inverse information.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

_MAX_ITER = 50
_TOL = 1e-10


@dataclass
class Propensity:
    """A fitted weighted logit of treatment on the propensity design."""

    score: np.ndarray  # fitted P(D=1 | X), shape (n,)
    z: np.ndarray  # standardised design with a leading constant, shape (n, q)
    info_inv: np.ndarray  # inverse of sum w p (1-p) z z', shape (q, q)
    converged: bool
    iterations: int
    separation: bool  # some fitted scores are numerically 0 or 1
    dropped_columns: int = 0  # exactly collinear design columns left out

    @property
    def logit(self) -> np.ndarray:
        p = np.clip(self.score, 1e-300, None)
        return np.log(p) - np.log1p(-np.minimum(self.score, 1 - 1e-16))

    def gamma_influence(self, d: np.ndarray, w: np.ndarray, gradient: np.ndarray) -> np.ndarray:
        """Per-row influence of the logit coefficients, projected on ``gradient``.

        Equals ``psi @ gradient`` with ``psi_i = w_i (d_i - p_i) z_i' I^{-1}`` (the
        coefficient influence function), without forming the n-by-q matrix ``psi``.
        """
        return w * (d - self.score) * (self.z @ (self.info_inv @ gradient))


_WARM_START_ROWS = 100_000


def _standardise(z_raw: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Centre and scale each column (a reparametrisation: fitted scores are unchanged).

    Means and SDs come from at most 100,000 rows; they only need to be roughly right.
    """
    n, q = z_raw.shape
    z = np.empty((n, q + 1), order="F")
    z[:, 0] = 1.0
    if q == 0:
        return z
    sample = z_raw if n <= _WARM_START_ROWS else z_raw[rng.choice(n, _WARM_START_ROWS, replace=False)]
    mean = sample.mean(axis=0)
    sd = sample.std(axis=0)
    sd[sd == 0] = 1.0
    np.subtract(z_raw, mean, out=z[:, 1:])
    z[:, 1:] /= sd
    return z


def _loglik(eta: np.ndarray, d: np.ndarray, w: np.ndarray) -> float:
    # log(1 + exp(eta)) computed stably
    return float(np.sum(w * (d * eta - np.logaddexp(0.0, eta))))


def _information(z: np.ndarray, w: np.ndarray, p: np.ndarray) -> np.ndarray:
    zs = z * np.sqrt(w * p * (1 - p))[:, None]
    return zs.T @ zs


def _newton(z, d, w, beta) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, int]:
    """Newton-Raphson with step halving; returns (beta, eta, information, converged, iterations)."""
    eta = z @ beta
    ll = _loglik(eta, d, w)
    info = None
    for it in range(1, _MAX_ITER + 1):
        p = expit(eta)
        grad = z.T @ (w * (d - p))
        info = _information(z, w, p)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        if np.max(np.abs(step)) < 1e-7:
            # Already at the optimum: the information just computed is the final one.
            return beta, eta, info, True, it
        t = 1.0
        while True:
            new_beta = beta + t * step
            new_eta = z @ new_beta
            new_ll = _loglik(new_eta, d, w)
            if new_ll >= ll - 1e-12 * abs(ll) or t < 1e-6:
                break
            t /= 2
        beta, eta = new_beta, new_eta
        change, ll = new_ll - ll, new_ll
        if abs(change) < _TOL * (abs(ll) + 1) and t == 1.0 and np.max(np.abs(step)) < 1e-4:
            # A tiny full step after a quadratic-convergence phase: beta is at the optimum
            # to ~1e-8 and the information of this iteration differs from the final one
            # by ~1e-4 relative, which is immaterial for standard errors.
            return beta, eta, info, True, it
    p = expit(eta)
    return beta, eta, _information(z, w, p), False, _MAX_ITER


def fit_logit(z_raw: np.ndarray, d: np.ndarray, w: np.ndarray) -> Propensity:
    """Weighted maximum-likelihood logit by Newton's method with step halving.

    On large samples Newton first runs on a random subsample of 100,000 rows; the full
    data then need only one to three iterations from that start.
    """
    rng = np.random.default_rng(12345)
    z = _standardise(z_raw, rng)
    n = z.shape[0]
    # Z a = 0 exactly when Z'Z a = 0, so the QR of the small Gram matrix finds exact
    # collinearity (e.g. a term listed twice under different spellings).
    sample = slice(None) if n <= _WARM_START_ROWS else np.sort(rng.choice(n, _WARM_START_ROWS, replace=False))
    gram_rows = z[sample]
    r = np.linalg.qr(gram_rows.T @ gram_rows, mode="r")
    keep = np.abs(np.diag(r)) > 1e-9 * np.abs(np.diag(r)).max()
    dropped = int((~keep).sum())
    if dropped:
        z = np.asfortranarray(z[:, keep])
    beta = np.zeros(z.shape[1])
    mean_d = np.sum(w * d) / np.sum(w)
    beta[0] = np.log(mean_d / (1 - mean_d))
    # Step halving tries steps that overflow when scores separate; those are rejected, so the
    # floating-point warnings they raise say nothing (separation is reported by the caller).
    with np.errstate(over="ignore", invalid="ignore"):
        if n > _WARM_START_ROWS:
            sub = sample
            if d[sub].min() != d[sub].max():
                beta = _newton(np.asfortranarray(z[sub]), d[sub], w[sub], beta)[0]
        beta, eta, info, converged, it = _newton(z, d, w, beta)
    p = expit(eta)
    info_inv = np.linalg.pinv(info)
    separation = bool(np.any(p < 1e-10) or np.any(p > 1 - 1e-10))
    return Propensity(p, z, info_inv, converged, it, separation, dropped)


def crump_bounds(p: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Crump, Hotz, Imbens & Mitnik (2009) optimal trimming bounds ``(alpha, 1 - alpha)``.

    Keeps units whose ``1/(p(1-p))`` is at most gamma, where gamma solves
    ``gamma = 2 E[1/(p(1-p)) | 1/(p(1-p)) <= gamma]`` (weighted by survey weights).
    Returns ``(0, 1)`` when no trimming is needed.
    """
    g = 1.0 / np.clip(p * (1 - p), 1e-300, None)
    order = np.argsort(g)
    gs, ws = g[order], w[order]
    cum_mean = np.cumsum(gs * ws) / np.cumsum(ws)
    if gs[-1] <= 2 * cum_mean[-1]:
        return 0.0, 1.0
    ok = gs <= 2 * cum_mean
    gamma = gs[np.nonzero(ok)[0].max()]
    alpha = 0.5 - np.sqrt(max(0.25 - 1.0 / gamma, 0.0))
    return float(alpha), float(1 - alpha)


def overlap_summary(p: np.ndarray, d: np.ndarray, w: np.ndarray) -> dict:
    """Ranges of the score by group and counts of units outside the common support."""
    t, c = d == 1, d == 0
    pt, pc = p[t], p[c]
    min_t, max_t = float(pt.min()), float(pt.max())
    min_c, max_c = float(pc.min()), float(pc.max())
    below = pc < min_t
    above_c = pc > max_t
    above_t = pt > max_c
    below_t = pt < min_c
    return {
        "treated_min": min_t,
        "treated_median": float(np.median(pt)),
        "treated_max": max_t,
        "control_min": min_c,
        "control_median": float(np.median(pc)),
        "control_max": max_c,
        "n_treated": int(t.sum()),
        "n_control": int(c.sum()),
        "controls_below_min_treated": int(below.sum()),
        "share_controls_below_min_treated": float(np.sum(w[c][below]) / np.sum(w[c])),
        "controls_outside_support": int(below.sum() + above_c.sum()),
        "treated_above_max_control": int(above_t.sum()),
        "share_treated_above_max_control": float(np.sum(w[t][above_t]) / np.sum(w[t])),
        "treated_outside_support": int(above_t.sum() + below_t.sum()),
    }
