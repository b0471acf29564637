"""Inference for one regency, or a province with few treated regencies: placebo regencies.

With one treated regency its own year-to-year noise is the largest part of the error of
its estimate, and an influence function cannot see it (the regency is its own mean). The
error has two independent parts:

* the treated regencies' own noise: its distribution is read off **placebo regencies**,
  regencies of *other* provinces that had no center over the same years, pretended to open
  in the same year (placebo-in-space, as Conley and Taber do for few treated groups). Their
  paths are residuals of a regency-and-year model fitted on the untreated regency-years of
  their own province, rescaled by the ratio of residual spreads of the two provinces
  (heteroskedasticity across provinces, as Ferman and Pinto advise);
* the noise of the comparison regencies of the region's own province, drawn the same
  way: each comparison regency gets its own placebo stand-in, used in every cell it
  enters (the comparison mean is shared by all treated regencies of a cell, and a
  province may have only four or five comparison regencies: their own spread says little
  about their noise).

Each draw is one set of stand-ins; the draws give
the null distribution of every estimate at once: a p-value (share of draws at least as
far from zero), an interval ``[est - q97.5, est - q2.5]``, a standard error and the
covariance the sensitivity bounds need. It assumes regencies' noise is alike across
provinces up to scale, and that placebo regencies are like the treated ones before
treatment; a region with too few placebo regencies gets no interval, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .within import Design, Reason, WithinProvinceDiD

#: Fewest placebo regencies a treated regency needs: with fewer, a 5% test cannot reject.
MIN_POOL = 19


class PlaceboUnavailable(ValueError):
    """Placebo inference cannot be done for this region; the message says why (in English),
    ``reason`` the same as a :class:`~evaluation.impact.within.Reason` for any language."""

    def __init__(self, reason: Reason):
        super().__init__(reason.text())
        self.reason = reason


@dataclass(frozen=True)
class Residuals:
    """Residuals of a regency + year model on each province's untreated regency-years."""

    u: np.ndarray            # units x years; NaN where the regency had a center
    sigma: dict              # province -> residual standard deviation (moderated)
    n_untreated: np.ndarray  # units x years: untreated regencies of the unit's province that year
    raw_sigma: dict = None   # province -> residual standard deviation of the province alone
    df: dict = None          # province -> residual degrees of freedom
    prior_df: float = 0.0    # weight of the pooled trend in the moderated sigma


def residuals(d: Design) -> Residuals:
    """Fit ``y = a_i + b_t`` by province on untreated regency-years; NaN elsewhere.

    A small province has few untreated regency-years, so its residual spread is itself
    noisy; an interval built on it would be too short about as often as too long, and
    too short matters more. Each province's variance is therefore moderated towards a
    trend across provinces (log variance on log outcome level), with a weight estimated
    from how far provinces scatter around that trend (empirical Bayes, as limma does
    for gene-wise variances, Smyth 2004).
    """
    n, T = d.y.shape
    untreated = (d.cohort[:, None] == 0) | (d.years[None, :] < d.cohort[:, None])
    u = np.full((n, T), np.nan)
    n_untr = np.zeros((n, T))
    raw, dfs, level = {}, {}, {}
    for p in np.unique(d.province):
        rows = np.flatnonzero(d.province == p)
        mask = untreated[rows]
        n_untr[rows] = mask.sum(axis=0)[None, :]
        ii, tt = np.nonzero(mask)
        if len(ii) == 0:
            continue
        yy = d.y[rows][ii, tt]
        units_p = np.unique(ii)
        years_p = np.unique(tt)
        df = len(ii) - len(units_p) - len(years_p) + 1
        if df < 3:
            continue
        X = np.zeros((len(ii), len(units_p) + len(years_p) - 1))
        X[np.arange(len(ii)), np.searchsorted(units_p, ii)] = 1.0
        year_col = np.searchsorted(years_p, tt)
        has = year_col > 0
        X[np.flatnonzero(has), len(units_p) + year_col[has] - 1] = 1.0
        beta, *_ = np.linalg.lstsq(X, yy, rcond=None)
        r = yy - X @ beta
        block = np.full((len(rows), T), np.nan)
        block[ii, tt] = r
        u[rows] = block
        raw[p] = float(np.sqrt((r**2).sum() / df))
        dfs[p] = df
        level[p] = float(np.mean(yy))
    sigma, prior_df = _moderate(raw, dfs, level)
    return Residuals(u=u, sigma=sigma, n_untreated=n_untr, raw_sigma=raw, df=dfs, prior_df=prior_df)


def _moderate(raw: dict, dfs: dict, level: dict) -> tuple[dict, float]:
    """Moderated residual standard deviations and the prior degrees of freedom."""
    from scipy.special import digamma, polygamma

    provinces = [p for p in raw if raw[p] > 0]
    if len(provinces) < 4:
        return dict(raw), 0.0
    s2 = np.array([raw[p] ** 2 for p in provinces])
    df = np.array([dfs[p] for p in provinces], float)
    lev = np.array([level[p] for p in provinces])
    # log s2 is biased by digamma(df/2) - log(df/2) and has variance trigamma(df/2)
    z = np.log(s2) - (digamma(df / 2) - np.log(df / 2))
    spread = lev.std() / abs(lev.mean()) if lev.mean() != 0 else 0.0
    X = np.column_stack([np.ones(len(z)), np.log(lev)]) if (np.all(lev > 0) and spread > 0.1) else np.ones((len(z), 1))
    coef, *_ = np.linalg.lstsq(X, z, rcond=None)
    resid = z - X @ coef
    excess = resid.var(ddof=X.shape[1]) * len(z) / len(z) - polygamma(1, df / 2).mean()
    prior_df = np.inf if excess <= 0 else _trigamma_inverse(excess) * 2
    out = dict(raw)
    for p, zp in zip(provinces, X @ coef):
        if np.isinf(prior_df):
            s0 = np.exp(zp)
            out[p] = float(np.sqrt(s0))
        else:
            s0 = np.exp(zp + digamma(prior_df / 2) - np.log(prior_df / 2))
            out[p] = float(np.sqrt((prior_df * s0 + dfs[p] * raw[p] ** 2) / (prior_df + dfs[p])))
    return out, float(prior_df)


def _trigamma_inverse(x: float) -> float:
    """y with trigamma(y) = x (Newton's method, as limma's trigammaInverse)."""
    from scipy.special import polygamma

    y = 0.5 + 1 / x
    for _ in range(50):
        tri = polygamma(1, y)
        step = tri * (1 - tri / x) / polygamma(2, y)
        y += step
        if -step / y < 1e-8:
            break
    return float(y)


@dataclass
class PlaceboDraws:
    """Null draws of every requested estimate (draws x k) and what went into them."""

    draws: np.ndarray
    pool_sizes: dict      # treated regency code -> placebo regencies available
    n_controls_signed: int

    def se(self) -> np.ndarray:
        return self.draws.std(axis=0, ddof=1)

    def interval(self, estimate: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        lo_q, hi_q = np.quantile(self.draws, [(1 - level) / 2, (1 + level) / 2], axis=0)
        return estimate - hi_q, estimate - lo_q

    def p_value(self, estimate: np.ndarray) -> np.ndarray:
        far = (np.abs(self.draws) >= np.abs(np.asarray(estimate))[None, :] - 1e-15).sum(axis=0)
        return (1 + far) / (1 + self.draws.shape[0])

    def vcov(self) -> np.ndarray:
        return np.atleast_2d(np.cov(self.draws, rowvar=False))


def draws(fit: WithinProvinceDiD, W: np.ndarray, res: Residuals, n_draws: int = 4999, seed: int = 0,
          min_pool: int = MIN_POOL) -> PlaceboDraws:
    """Placebo null draws for the estimates ``W`` (items x k) of a region's ``fit``.

    Every regency the estimate uses, treated or comparison, gets a stand-in drawn from
    the regencies of other provinces without a center over the years it is used; the
    stand-in's residual path, rescaled to the region's province, replaces the regency's
    own noise wherever the regency enters (so a comparison regency shared by several
    cells stays one regency). Each draw is one set of stand-ins.
    """
    d, it = fit.design, fit.items
    W = np.asarray(W, float).reshape(len(it), -1)
    rng = np.random.default_rng(seed)
    year_index = {int(t): k for k, t in enumerate(d.years)}
    tab = fit.cells.table
    cell_year = tab["year"].to_numpy()
    ncell = len(tab)
    cell_w = np.zeros((ncell, W.shape[1]))
    np.add.at(cell_w, it.cell, W)
    # (unit, column index t, column index b, weight row) for every way a regency enters
    uses: dict[int, list] = {}
    for i in np.flatnonzero(np.any(W != 0, axis=1)):
        c = it.cell[i]
        uses.setdefault(int(it.unit[i]), []).append((year_index[int(it.year[i])], int(fit.cells.base[c]), W[i]))
    for c in np.flatnonzero(np.any(cell_w != 0, axis=1)):
        ctrl = fit.cells.controls[c]
        share = -cell_w[c] / len(ctrl)
        for j in ctrl:
            uses.setdefault(int(j), []).append((year_index[int(cell_year[c])], int(fit.cells.base[c]), share))
    measured = np.array([q in res.sigma for q in d.province])
    total = np.zeros((n_draws, W.shape[1]))
    pools = {}
    for unit, entries in uses.items():
        p = d.province[unit]
        sigma_p = res.sigma.get(p)
        if sigma_p is None:
            raise PlaceboUnavailable(Reason.of("impact.placebo.no_noise", province=str(p)))
        t_idx = np.array([e[0] for e in entries])
        b_idx = np.array([e[1] for e in entries])
        weights = np.array([e[2] for e in entries])                      # entries x k
        last = int(d.years[max(t_idx.max(), b_idx.max())])
        pool = np.flatnonzero((d.province != p) & ((d.cohort == 0) | (d.cohort > last)) & measured)
        if d.cohort[unit] > 0 and unit in set(fit.region_units.tolist()):
            pools[str(d.units[unit])] = len(pool)
        if len(pool) < min_pool:
            own = unit in set(fit.region_units.tolist())
            raise PlaceboUnavailable(Reason.of(
                "impact.placebo.too_few_for_regency" if own else "impact.placebo.too_few_for_comparison",
                n=len(pool), year=last, min_pool=min_pool, regency=str(d.units[unit])))
        u = res.u[pool]
        path = u[:, t_idx] - u[:, b_idx]                                 # pool x entries
        # residuals of a year model shrink by (n - 1) / n in each year: undo it
        n_min = np.minimum(res.n_untreated[pool][:, t_idx], res.n_untreated[pool][:, b_idx])
        path = path * np.sqrt(n_min / np.maximum(n_min - 1, 1))
        scale = sigma_p / np.array([res.sigma[q] for q in d.province[pool]])
        contrib = (path * scale[:, None]) @ weights                      # pool x k
        total += contrib[rng.integers(len(pool), size=n_draws)]
    return PlaceboDraws(draws=total, pool_sizes=pools, n_controls_signed=0)
