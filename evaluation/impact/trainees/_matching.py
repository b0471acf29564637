"""Nearest-neighbour matching on the logit of the propensity score, with replacement.

Matching is one-dimensional, so it runs on the sorted comparison scores with binary
search instead of a tree: each trainee's ``M`` nearest comparison units (all ties
included, as in Abadie & Imbens 2006) form a contiguous run of the sorted array, and
every per-trainee average is a difference of prefix sums. Matching a million rows
takes about two seconds (benchmarks/bench_trainees.py).

A caliper drops trainees with no comparison unit within ``caliper`` on the logit scale;
the estimate then refers to the matched trainees only, and the front end says so.

Standard errors: Abadie & Imbens (2006) variance for the population ATT,

    V = [sum_i w_i^2 (y_i - yhat0_i - att)^2 + sum_j (K_j^2 - K'_j) sigma2_j] / W1^2,

where ``K_j`` is the total weight comparison unit ``j`` receives, ``K'_j`` the sum of
its squared per-match weights, and ``sigma2_j`` its conditional outcome variance,
estimated by matching it to its ``J`` nearest comparison neighbours. With unit weights
this is the Abadie-Imbens formula exactly. It treats the propensity score as known;
Abadie & Imbens (2016) show the correction for an estimated score can go either way
for the ATT, so read the standard error as approximate.

Clustered standard errors (and those with non-response weights) use the linear
representation of the bias-corrected estimator (Otsu & Rai 2017):

    att - truth ~ [sum_i w_i (y_i - mu0(x_i) - att) - sum_j K_j (y_j - mu0(x_j))] / W1,

over matched trainees i and comparison persons j, with ``mu0`` the bias-correction
regression (fitted on the matched comparison units). Its per-row terms are summed within
clusters; unclustered, their sum of squares is close to the Abadie-Imbens variance.

Survey weights weight each trainee's gap and, inside each match, the comparison units.
With a single neighbour the matched comparison unit is drawn from the sample, so on the
variables that drive the weights (strata, urban/rural) it represents the sample rather
than the weighted population; five or more neighbours, and the bias correction, largely
repair this (the balance table shows it).
"""

from __future__ import annotations

import numpy as np

from ._weighting import Fit


def _mth_distance(sorted_scores: np.ndarray, targets: np.ndarray, m: int) -> np.ndarray:
    """Distance from each target to its m-th nearest value in ``sorted_scores``."""
    n = sorted_scores.size
    m = min(m, n)
    pos = np.searchsorted(sorted_scores, targets)
    offsets = np.arange(-m, m)
    idx = pos[:, None] + offsets[None, :]
    valid = (idx >= 0) & (idx < n)
    dist = np.abs(sorted_scores[np.clip(idx, 0, n - 1)] - targets[:, None])
    dist[~valid] = np.inf
    return np.partition(dist, m - 1, axis=1)[:, m - 1]


def _range_sum(prefix: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return prefix[hi] - prefix[lo]


def _spread(lo: np.ndarray, hi: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Add ``values[i]`` to positions ``lo[i]:hi[i]`` of a length-n array."""
    diff = np.bincount(lo, values, minlength=n + 1) - np.bincount(hi, values, minlength=n + 1)
    return np.cumsum(diff[:-1])


def _within_group_variance(scores: np.ndarray, y: np.ndarray, which: np.ndarray, j: int) -> np.ndarray:
    """sigma^2 for positions ``which`` of the sorted arrays, matching to ``j`` neighbours."""
    n = scores.size
    j = min(j, n - 1)
    if j < 1:
        return np.zeros(which.size)
    offsets = np.concatenate([np.arange(-j, 0), np.arange(1, j + 1)])
    idx = which[:, None] + offsets[None, :]
    valid = (idx >= 0) & (idx < n)
    safe = np.clip(idx, 0, n - 1)
    dist = np.abs(scores[safe] - scores[which][:, None])
    dist[~valid] = np.inf
    nearest = np.argpartition(dist, j - 1, axis=1)[:, :j]
    neighbour_y = np.take_along_axis(y[safe], nearest, axis=1)
    return j / (j + 1) * (y[which] - neighbour_y.mean(axis=1)) ** 2


def match_att(
    y: np.ndarray,
    d: np.ndarray,
    w: np.ndarray,
    logit: np.ndarray,
    x1: np.ndarray,
    n_neighbors: int,
    caliper: float,
    bias_adjust: bool,
    variance_neighbors: int = 2,
) -> Fit:
    """ATT by M-nearest-neighbour matching with replacement on the logit score.

    ``x1`` (covariates with a leading constant) is used only for the bias correction.
    """
    t_idx = np.flatnonzero(d == 1)
    # Sorted needles make the binary searches below cache-friendly.
    t_idx = t_idx[np.argsort(logit[t_idx], kind="stable")]
    c_idx = np.flatnonzero(d == 0)
    # Comparison units with zero survey weight cannot serve as matches.
    c_idx = c_idx[w[c_idx] > 0]
    order = c_idx[np.argsort(logit[c_idx], kind="stable")]
    cs, cy, cw = logit[order], y[order], w[order]
    nc = cs.size
    ts = logit[t_idx]

    dm = _mth_distance(cs, ts, n_neighbors)
    radius = np.minimum(dm, caliper)
    tol = 1e-9 * np.maximum(1.0, np.abs(ts))
    lo = np.searchsorted(cs, ts - radius - tol, side="left")
    hi = np.searchsorted(cs, ts + radius + tol, side="right")
    matched = hi > lo
    prefix_w = np.concatenate([[0.0], np.cumsum(cw)])
    prefix_wy = np.concatenate([[0.0], np.cumsum(cw * cy)])
    set_w = _range_sum(prefix_w, lo, hi)
    matched &= set_w > 0

    if not matched.any():
        raise ValueError(
            f"no trainee has a comparison person within the caliper ({caliper:.3g} on the logit scale); "
            "widen it or set caliper=None"
        )
    lo_m, hi_m, set_w_m = lo[matched], hi[matched], set_w[matched]
    tm = t_idx[matched]
    wt = w[tm]
    y0_hat = _range_sum(prefix_wy, lo_m, hi_m) / set_w_m

    info: dict = {}
    # A linear prediction of y0 fitted on the matched comparison units (weights K_j): the
    # Abadie & Imbens (2011) bias correction, and mu0 of the linear representation below.
    k_pre = cw * _spread(lo_m, hi_m, wt / set_w_m, nc)
    used = k_pre > 0
    xc = x1[order[used]]  # only the matched comparison rows are copied
    a = xc.T @ (xc * k_pre[used][:, None])
    beta = np.linalg.pinv(a) @ (xc.T @ (k_pre[used] * cy[used]))
    mu_all = x1 @ beta
    mu_c = mu_all[order]
    mu_t = mu_all[tm]
    if bias_adjust and x1.shape[1] > 1:
        prefix_wmu = np.concatenate([[0.0], np.cumsum(cw * mu_c)])
        y0_hat = y0_hat + mu_t - _range_sum(prefix_wmu, lo_m, hi_m) / set_w_m
        info["bias_adjusted"] = True

    w1 = wt.sum()
    gap = y[tm] - y0_hat
    est = float(np.sum(wt * gap) / w1)

    share = wt / set_w_m  # weight per unit of comparison survey weight, per trainee
    k = cw * _spread(lo_m, hi_m, share, nc)
    k_sq = cw**2 * _spread(lo_m, hi_m, share**2, nc)
    used_pos = np.flatnonzero(k > 0)
    sigma2 = _within_group_variance(cs, cy, used_pos, variance_neighbors)
    var = (np.sum(wt**2 * (gap - est) ** 2) + np.sum((k[used_pos] ** 2 - k_sq[used_pos]) * sigma2)) / w1**2
    # Linear representation (Otsu & Rai 2017) for clustered and reweighted inference.
    phi = np.zeros_like(y)
    phi[tm] = wt * (y[tm] - mu_t - est) / w1
    phi[order] -= k * (cy - mu_c) / w1

    control_weight = np.zeros_like(y)
    control_weight[order] = k
    treated_weight = np.zeros_like(y)
    treated_weight[tm] = wt
    ku = k[used_pos]
    n_set = hi_m - lo_m
    info.update(
        {
            "n_matched_treated": int(matched.sum()),
            "n_unmatched_treated": int((~matched).sum()),
            "unmatched_treated_weight_share": float(w[t_idx[~matched]].sum() / w[t_idx].sum()),
            "caliper": float(caliper),
            "n_neighbors": int(n_neighbors),
            "distinct_controls_used": int(used_pos.size),
            "mean_matches_per_treated": float(n_set.mean()) if n_set.size else 0.0,
            "control_ess": float(ku.sum() ** 2 / np.sum(ku**2)) if ku.size else 0.0,
            "control_max_weight_share": float(ku.max() / ku.sum()) if ku.size else 0.0,
            "control_top10_weight_share": float(np.sort(ku)[-10:].sum() / ku.sum()) if ku.size else 0.0,
        }
    )
    return Fit(est, phi, treated_weight=treated_weight, control_weight=control_weight, info=info,
               se_override=float(np.sqrt(max(var, 0.0))))
