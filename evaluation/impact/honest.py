"""Sensitivity of event-study conclusions to violations of parallel trends.

Implements the robust confidence sets of Rambachan & Roth (2023), "A More Credible
Approach to Parallel Trends" (Review of Economic Studies 90(5)), with the defaults of the
R package HonestDiD, so a reader can ask: how large may the post-treatment violation of
parallel trends be before the estimated effect of the training centres stops being
significant?

An event study gives ``betahat = (beta_pre, beta_post)``: ``num_pre`` pre-period
coefficients (earliest first, reference period excluded) followed by ``num_post``
post-period coefficients, with covariance ``sigma``. Write ``beta = tau + delta`` where
``tau_pre = 0`` and ``delta`` is the difference in trends (``delta_0 = 0`` at the
reference period). The target is ``theta = l_vec' tau_post``. Parallel trends says
``delta_post = 0``; the two relaxations offered here are

* ``relative_magnitudes`` -- Delta^RM(Mbar): every post-period jump
  ``|delta_t - delta_{t-1}|`` is at most ``Mbar`` times the largest pre-period jump.
  Confidence sets are the conditional least-favourable hybrid (C-LF) of Andrews, Roth &
  Pakes (2023), inverted over a grid of ``theta`` (HonestDiD's default for RM);
* ``smoothness`` -- Delta^SD(M): the slope of ``delta`` changes by at most ``M`` between
  consecutive periods (``M = 0`` is an exactly linear pre-trend extrapolated forward).
  Confidence sets are the optimal fixed-length confidence intervals (FLCI) of Armstrong &
  Kolesar (HonestDiD's default for SD).

``breakdown`` on the result is the smallest grid value of ``Mbar`` / ``M`` at which the
robust set includes zero; ``breakdown_value`` refines it by bisection.

Numerical notes. The C-LF test needs, at each ``theta``, the linear programme
``eta = min_nu max_j (y_j - X_j nu) / sd_j`` and the range of its optimal dual vertex.
The moments of Delta^RM (two per post period) give a dual polytope with few vertices, so
they are enumerated once per (s, sign) block and every ``theta`` on the grid, and every
least-favourable simulation draw, is a matrix product instead of a solver call; only with
more than ``_MAX_ENUMERATED_POST`` post periods do we fall back to HiGHS
(``scipy.optimize.linprog``). The folded-normal quantile of the FLCI is computed exactly
(HonestDiD simulates it with 10^6 draws).

Where this differs from HonestDiD (0.2.x) by design:

* the least-favourable critical value uses 10,000 numpy draws by default (HonestDiD:
  1,000 draws of R's generator), so C-LF endpoints can differ from R's by a theta-grid
  step; on the README example they coincide with R's unrounded output;
* the range of the conditioning event is computed exactly from the vertices, where
  HonestDiD uses a 10^-6 bisection in degenerate programmes (its closed form in the
  others gives the same decisions);
* as in HonestDiD, with a single post period the second-stage truncation is not capped
  at the least-favourable critical value (with several post periods it is).

Light to import: numpy and pandas at module level; scipy inside the functions that need
it, matplotlib inside ``plot()``.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "SensitivityInputError",
    "SensitivityResult",
    "SensitivityWarning",
    "original_ci",
    "relative_magnitudes",
    "smoothness",
    "breakdown_value",
]

# HonestDiD defaults
_GRID_HALF_WIDTH_SD = 20.0      # theta grid = +/- 20 standard deviations of l'beta_post
_LF_SIMULATIONS = 10_000        # draws for the least-favourable critical value (HonestDiD: 1000)
_KAPPA_SHARE = 0.1              # first-stage size kappa = alpha / 10
# Vertex enumeration checks C(2T, T) bases; beyond this many post periods use HiGHS.
_MAX_ENUMERATED_POST = 10
_MAX_BLOCK = 1 << 22             # elements of a vertices x columns block held at once
_TIE_TOL = 1e-10                # slack when comparing LP values / slopes to 1
_PSD_TOL = 1e-10                # relative tolerance for negative eigenvalues of sigma


class SensitivityInputError(ValueError):
    """The event-study inputs cannot be used as they are; the message says why."""


class SensitivityWarning(UserWarning):
    """A robust confidence set may be unreliable (e.g. it reaches the edge of its grid)."""


# ----------------------------------------------------------------------------------------
# Result object
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Robust confidence sets for ``theta = l_vec' tau_post`` over a grid of restrictions.

    Attributes
    ----------
    method : ``"relative_magnitudes"`` or ``"smoothness"``.
    parameter : name of the restriction's size, ``"Mbar"`` (RM) or ``"M"`` (SD).
    grid : the values of that parameter, ascending.
    lower, upper : bounds of the robust confidence set at each grid value (NaN when the
        set is empty). For RM these are the smallest and largest accepted points of the
        theta grid, as in HonestDiD, so they are accurate to one theta-grid step.
    original : the ``1 - alpha`` confidence interval under exact parallel trends.
    l_vec : weights on the post-period effects.
    alpha : size of the tests.
    ci_method : ``"C-LF"`` (RM) or ``"FLCI"`` (SD), HonestDiD's labels.
    """

    method: str
    parameter: str
    grid: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    original: tuple[float, float]
    l_vec: np.ndarray
    alpha: float
    ci_method: str
    # everything needed to recompute at another parameter value (breakdown_value)
    _inputs: dict | None = field(default=None, repr=False)

    @property
    def covers_zero(self) -> np.ndarray:
        """Whether the robust set at each grid value contains zero."""
        with np.errstate(invalid="ignore"):
            return (self.lower <= 0) & (self.upper >= 0)

    @property
    def breakdown(self) -> float | None:
        """Smallest *grid* value at which the robust confidence set includes zero.

        This is a grid value, not an interpolation: the true breakdown lies between the
        previous grid value and this one (use ``breakdown_value`` to narrow it down).
        ``None`` if the set excludes zero at every grid value.
        """
        hits = np.flatnonzero(self.covers_zero)
        return float(self.grid[hits[0]]) if hits.size else None

    def summary(self) -> pd.DataFrame:
        """One row per grid value: parameter, lower, upper, method (HonestDiD's table)."""
        return pd.DataFrame({self.parameter: self.grid, "lower": self.lower,
                             "upper": self.upper, "method": self.ci_method,
                             "delta": "DeltaRM" if self.method == "relative_magnitudes"
                             else "DeltaSD"})

    def plot(self, ax=None, language: str = "en"):
        """HonestDiD's sensitivity plot: original CI, then robust CIs against the grid.

        The original (parallel-trends) interval is drawn one grid step left of the
        smallest grid value; a dashed vertical line marks ``breakdown``.
        """
        import matplotlib.pyplot as plt

        from ..text import t

        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        grid = self.grid.astype(float)
        step = float(np.min(np.diff(grid))) if grid.size > 1 else max(abs(grid[0]), 1.0)
        x_orig = grid[0] - step
        cap = step / 4
        lo, hi = self.original
        ax.vlines([x_orig], [lo], [hi], color="C3", lw=2, label=t("impact.honest.original", language))
        ax.hlines([lo, hi], x_orig - cap, x_orig + cap, color="C3", lw=2)
        ok = np.isfinite(self.lower) & np.isfinite(self.upper)
        ax.vlines(grid[ok], self.lower[ok], self.upper[ok], color="C0", lw=2,
                  label=t("impact.honest.robust", language, ci_method=self.ci_method))
        for edge in (self.lower[ok], self.upper[ok]):
            ax.hlines(edge, grid[ok] - cap, grid[ok] + cap, color="C0", lw=2)
        ax.axhline(0, color="black", lw=0.8)
        bd = self.breakdown
        if bd is not None:
            ax.axvline(bd, color="grey", ls="--", lw=1,
                       label=t("impact.honest.breakdown", language, parameter=self.parameter, value=f"{bd:.4g}"))
        ax.set_xticks([x_orig, *grid], [t("impact.honest.original_tick", language), *(f"{g:.3g}" for g in grid)],
                      rotation=45 if grid.size > 6 else 0)
        symbol = r"$\bar{M}$" if self.parameter == "Mbar" else "$M$"
        ax.set_xlabel(symbol)
        ax.set_ylabel(t("impact.honest.ylabel", language, level=f"{1 - self.alpha:.0%}"))
        ax.set_title(t("impact.honest.title_rm" if self.method == "relative_magnitudes" else "impact.honest.title_sd",
                       language), fontsize=10)
        ax.legend(fontsize=7, frameon=False, loc="upper left")
        fig.tight_layout()
        return fig


# ----------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------


def original_ci(betahat, sigma, num_pre, num_post, l_vec=None, alpha=0.05) -> tuple[float, float]:
    """Normal ``1 - alpha`` interval for ``l_vec' beta_post`` under exact parallel trends."""
    beta, sig, lvec = _validate(betahat, sigma, num_pre, num_post, l_vec, alpha)
    est, se = _post_estimate(beta, sig, num_pre, lvec)
    z = NormalDist().inv_cdf(1 - alpha / 2)
    return (est - z * se, est + z * se)


def relative_magnitudes(betahat, sigma, num_pre: int, num_post: int, *,
                        mbar: Sequence[float] = (0, 0.5, 1, 1.5, 2), l_vec=None,
                        alpha: float = 0.05, grid_points: int = 1000,
                        grid_bounds: tuple[float, float] | None = None,
                        lf_simulations: int = _LF_SIMULATIONS, seed: int = 0
                        ) -> SensitivityResult:
    """Robust confidence sets under relative-magnitude bounds, Delta^RM(Mbar).

    Delta^RM(Mbar) allows each post-period change in the trend gap,
    ``|delta_t - delta_{t-1}|``, to be at most ``Mbar`` times the largest pre-period
    change. It is a union over which pre-period change is largest (``s``) and its sign,
    so the confidence set is the union of one C-LF set per (s, sign), each found by
    testing every point of a ``theta`` grid, as HonestDiD does.

    Parameters
    ----------
    betahat, sigma : event-study coefficients (pre-periods first, earliest first, the
        reference period left out) and their covariance.
    num_pre, num_post : numbers of pre- and post-period coefficients (``num_pre >= 1``:
        one pre-period already gives one pre-period change, ``delta_0 - delta_{-1}``).
    mbar : values of Mbar (>= 0); sorted ascending in the result.
    l_vec : weights on the post-period effects; default: first post period.
    alpha : size; the first-stage least-favourable test uses ``kappa = alpha / 10``.
    grid_points, grid_bounds : the ``theta`` grid; HonestDiD's default is 1000 points on
        ``+/- 20`` standard errors of ``l_vec' beta_post`` around zero. The bounds
        reported are accurate to one grid step.
    lf_simulations, seed : normal draws (and their seed) for the least-favourable critical
        value. HonestDiD takes 1,000 draws from R's generator; 10,000 leave less Monte
        Carlo noise in the first-stage critical value and cost little here.

    Returns
    -------
    SensitivityResult with ``method="relative_magnitudes"``, ``parameter="Mbar"``.
    A ``SensitivityWarning`` says when a set reaches the edge of the theta grid (it may
    then be longer than reported) or is empty.
    """
    beta, sig, lvec = _validate(betahat, sigma, num_pre, num_post, l_vec, alpha,
                                 method="relative_magnitudes")
    mbars = _parameter_grid(mbar, "mbar")
    if int(grid_points) < 2:
        raise SensitivityInputError(f"grid_points must be at least 2, got {grid_points}.")
    if int(lf_simulations) < 10:
        raise SensitivityInputError(f"lf_simulations must be at least 10, got {lf_simulations}.")
    est, se = _post_estimate(beta, sig, num_pre, lvec)
    if grid_bounds is None:
        grid_bounds = (-_GRID_HALF_WIDTH_SD * se, _GRID_HALF_WIDTH_SD * se)
    lo_b, hi_b = (float(v) for v in grid_bounds)
    if not (np.isfinite(lo_b) and np.isfinite(hi_b) and lo_b < hi_b):
        raise SensitivityInputError(f"grid_bounds must be finite with lower < upper, got "
                                    f"{grid_bounds}.")
    options = dict(alpha=float(alpha), theta_grid=np.linspace(lo_b, hi_b, int(grid_points)),
                   lf_simulations=int(lf_simulations), seed=seed)
    bounds = np.empty((mbars.size, 2))
    for i, m in enumerate(mbars):
        bounds[i] = _rm_set(beta, sig, num_pre, num_post, lvec, m, **options)
    return SensitivityResult(
        method="relative_magnitudes", parameter="Mbar", grid=mbars,
        lower=bounds[:, 0], upper=bounds[:, 1],
        original=original_ci(beta, sig, num_pre, num_post, lvec, alpha), l_vec=lvec,
        alpha=float(alpha), ci_method="C-LF",
        _inputs=dict(beta=beta, sigma=sig, num_pre=num_pre, num_post=num_post, **options))


def smoothness(betahat, sigma, num_pre: int, num_post: int, *,
               m: Sequence[float] | None = None, l_vec=None, alpha: float = 0.05
               ) -> SensitivityResult:
    """Robust confidence intervals under smoothness bounds, Delta^SD(M).

    Delta^SD(M) bounds every second difference of the trend gap,
    ``|(delta_{t+1} - delta_t) - (delta_t - delta_{t-1})| <= M``, across pre- and
    post-periods: ``M = 0`` extrapolates an exactly linear pre-trend, larger ``M``
    allows that extrapolation to bend. The interval is the optimal fixed-length CI
    (FLCI): the affine estimator ``a' beta_pre + l_vec' beta_post`` whose worst-case bias
    over Delta^SD(M) and standard error give the shortest ``estimate +/- half-length``.

    Parameters
    ----------
    betahat, sigma, num_pre, num_post, l_vec, alpha : as in ``relative_magnitudes``.
        Needs ``num_pre >= 1`` (HonestDiD's FLCI works with one pre-period; its
        data-driven default grid for M needs two).
    m : values of M (>= 0, in the units of the outcome per period squared); sorted
        ascending. Default, as HonestDiD: 10 values from 0 to the upper 95% bound of the
        largest pre-period second difference (``sqrt(sigma[0, 0])`` with one pre-period).

    Returns
    -------
    SensitivityResult with ``method="smoothness"``, ``parameter="M"``.
    """
    beta, sig, lvec = _validate(betahat, sigma, num_pre, num_post, l_vec, alpha,
                                 method="smoothness")
    if m is None:
        m = np.linspace(0, _default_m_upper(beta, sig, num_pre), 10)
    ms = _parameter_grid(m, "m")
    flci = _FLCI(sig, num_pre, num_post, lvec, float(alpha))
    bounds = np.array([flci.interval(beta, mv) for mv in ms])
    return SensitivityResult(
        method="smoothness", parameter="M", grid=ms, lower=bounds[:, 0],
        upper=bounds[:, 1], original=original_ci(beta, sig, num_pre, num_post, lvec, alpha),
        l_vec=lvec, alpha=float(alpha), ci_method="FLCI",
        _inputs=dict(beta=beta, flci=flci))


def breakdown_value(result: SensitivityResult, *, tol: float | None = None) -> float | None:
    """Refine ``result.breakdown`` by bisection on the restriction's size.

    Between the last grid value whose robust set excludes zero and ``result.breakdown``,
    halve the bracket until it is narrower than ``tol`` (default: 1/100 of the bracket)
    and return its upper end, the smallest value found at which the set includes zero.
    Assumes the sets widen with the parameter (true for the nested Delta's here up to
    the theta-grid resolution of RM). ``None`` if the set never includes zero on the grid.
    """
    hit = result.breakdown
    if hit is None:
        return None
    grid = result.grid
    i = int(np.flatnonzero(grid == hit)[0])
    lo, hi = (float(grid[i - 1]), hit) if i > 0 else (0.0, hit)
    if hi <= lo:
        return hi
    if i == 0 and _covers_zero_at(result, lo):
        return lo
    tol = (hi - lo) / 100 if tol is None else float(tol)
    if not tol > 0:
        raise SensitivityInputError(f"tol must be positive, got {tol}.")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if _covers_zero_at(result, mid):
            hi = mid
        else:
            lo = mid
    return hi


def _covers_zero_at(result: SensitivityResult, value: float) -> bool:
    inp = result._inputs
    if result.method == "smoothness":
        lo, hi = inp["flci"].interval(inp["beta"], value)
    else:
        keys = ("alpha", "theta_grid", "lf_simulations", "seed")
        lo, hi = _rm_set(inp["beta"], inp["sigma"], inp["num_pre"], inp["num_post"],
                         result.l_vec, value, **{k: inp[k] for k in keys})
    return bool(lo <= 0 <= hi)


# ----------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------


_NEEDS_PRE = {
    "relative_magnitudes": "Delta^RM bounds post-period changes in the trend gap by the "
                           "largest pre-period change, and the first one, delta_0 - "
                           "delta_-1, needs one pre-period coefficient",
    "smoothness": "Delta^SD extrapolates the pre-trend through the reference period, which "
                  "needs at least one pre-period coefficient (HonestDiD's FLCI works with "
                  "one; its default M grid needs two)",
    None: "the robust sets bound post-period violations by what the pre-periods show",
}


def _validate(betahat, sigma, num_pre, num_post, l_vec, alpha, method=None):
    """Check shapes, symmetry, positive semi-definiteness; return float arrays."""
    for name, v in (("num_pre", num_pre), ("num_post", num_post)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise SensitivityInputError(f"{name} must be an integer, got {v!r}.")
    if num_pre < 1:
        raise SensitivityInputError(
            f"num_pre must be at least 1 (HonestDiD: numPrePeriods >= 1), got {num_pre}: "
            f"{_NEEDS_PRE[method]}. The reference period itself is not a coefficient.")
    if num_post < 1:
        raise SensitivityInputError(f"num_post must be at least 1, got {num_post}.")
    beta = np.asarray(betahat, dtype=float)
    if beta.ndim == 2 and 1 in beta.shape:
        beta = beta.ravel()
    if beta.ndim != 1:
        raise SensitivityInputError(f"betahat must be a vector, got shape {beta.shape}.")
    n = num_pre + num_post
    if beta.size != n:
        raise SensitivityInputError(
            f"betahat has {beta.size} coefficients but num_pre + num_post = {num_pre} + "
            f"{num_post} = {n}; pass the event-study coefficients only (pre-periods "
            "first, reference period left out).")
    sig = np.asarray(sigma, dtype=float)
    if sig.shape != (n, n):
        raise SensitivityInputError(
            f"sigma must be a {n} x {n} covariance matrix matching betahat, got shape "
            f"{sig.shape}.")
    if not (np.all(np.isfinite(beta)) and np.all(np.isfinite(sig))):
        raise SensitivityInputError("betahat and sigma must be finite (no NaN or inf).")
    scale = max(float(np.max(np.abs(sig))), np.finfo(float).tiny)
    asym = float(np.max(np.abs(sig - sig.T)))
    if asym > 1e-8 * scale:
        raise SensitivityInputError(
            f"sigma is not symmetric (largest asymmetry {asym:.3g}); pass a covariance "
            "matrix.")
    sig = 0.5 * (sig + sig.T)
    min_eig = float(np.linalg.eigvalsh(sig)[0])
    if min_eig < -_PSD_TOL * scale:
        raise SensitivityInputError(
            f"sigma is not positive semi-definite (smallest eigenvalue {min_eig:.3g}); a "
            "covariance matrix estimated with few clusters can be, but these bounds need "
            "a valid covariance.")
    if l_vec is None:
        lvec = np.zeros(num_post)
        lvec[0] = 1.0
    else:
        lvec = np.asarray(l_vec, dtype=float).ravel()
        if lvec.size != num_post:
            raise SensitivityInputError(
                f"l_vec has {lvec.size} weights but there are {num_post} post periods.")
        if not np.all(np.isfinite(lvec)) or not np.any(lvec != 0):
            raise SensitivityInputError("l_vec must be finite and not all zero.")
    if isinstance(alpha, bool) or not (0 < float(alpha) < 1):
        raise SensitivityInputError(f"alpha must lie strictly between 0 and 1, got {alpha!r}.")
    if float(lvec @ sig[num_pre:, num_pre:] @ lvec) <= 0:
        raise SensitivityInputError("l_vec' beta_post has zero variance under sigma.")
    return beta, sig, lvec


def _parameter_grid(values, name) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float)).ravel()
    if arr.size == 0:
        raise SensitivityInputError(f"{name} must contain at least one value.")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise SensitivityInputError(f"{name} values must be finite and >= 0, got {arr}.")
    return np.unique(arr)


def _post_estimate(beta, sig, num_pre, lvec) -> tuple[float, float]:
    return (float(lvec @ beta[num_pre:]),
            float(np.sqrt(lvec @ sig[num_pre:, num_pre:] @ lvec)))


def _default_m_upper(beta, sig, num_pre) -> float:
    """HonestDiD's default top of the M grid (DeltaSD_upperBound_Mpre)."""
    if num_pre == 1:
        return float(np.sqrt(sig[0, 0]))
    # second differences of (beta_pre, delta_0 = 0), the last one through the reference
    d2 = np.zeros((num_pre - 1, num_pre))
    for r in range(num_pre - 2):
        d2[r, r:r + 3] = (1, -2, 1)
    d2[num_pre - 2, num_pre - 2:] = (1, -2)
    diffs = d2 @ beta[:num_pre]
    se = np.sqrt(np.diag(d2 @ sig[:num_pre, :num_pre] @ d2.T))
    return float(np.max(np.concatenate([diffs, -diffs]) + NormalDist().inv_cdf(0.95)
                        * np.concatenate([se, se])))


# ----------------------------------------------------------------------------------------
# Delta^RM: conditional least-favourable hybrid (Andrews, Roth & Pakes)
# ----------------------------------------------------------------------------------------


def _rm_moments(num_pre, num_post, mbar, s, sign) -> np.ndarray:
    """Rows A of the post-period moments ``A delta <= 0`` of Delta^RM_{s, sign}(Mbar).

    Columns are periods -num_pre..-1, 1..num_post (``delta_0 = 0`` is dropped). With
    ``D_s = delta_s - delta_{s-1}`` the largest pre-period change (``sign`` = its sign),
    each post change ``d_t = delta_t - delta_{t-1}`` satisfies ``+/- d_t <= Mbar sign D_s``.
    HonestDiD's default ``postPeriodMomentsOnly`` drops the rows involving pre-periods
    only, so they are not built.
    """
    n = num_pre + num_post

    def col(t):  # column of period t, None for the reference period
        return None if t == 0 else (t + num_pre if t < 0 else num_pre + t - 1)

    def change(t):
        v = np.zeros(n)
        if col(t) is not None:
            v[col(t)] += 1
        if col(t - 1) is not None:
            v[col(t - 1)] -= 1
        return v

    bound = mbar * sign * change(s)
    plus = [change(t) - bound for t in range(1, num_post + 1)]
    minus = [-change(t) - bound for t in range(1, num_post + 1)]
    return np.array(plus + minus)


def _rm_set(beta, sig, num_pre, num_post, lvec, mbar, *, alpha, theta_grid,
            lf_simulations, seed) -> tuple[float, float]:
    """Union over (s, sign) of the C-LF acceptance regions; returns (min, max) accepted."""
    accept = np.zeros(theta_grid.size, dtype=bool)
    # tau_post = a1 * theta + null * nu with l'a1 = 1 and l'null = 0
    a1 = lvec / (lvec @ lvec)
    null = np.linalg.svd(lvec[None, :])[2][1:].T  # (num_post, num_post - 1), orthonormal
    for s in range(-(num_pre - 1), 1):
        for sign in (1.0, -1.0):
            a = _rm_moments(num_pre, num_post, mbar, s, sign)
            a_post = a[:, num_pre:]
            accept |= _hybrid_accepts(
                y0=a @ beta, slope=a_post @ a1, x=a_post @ null, sigma_y=a @ sig @ a.T,
                theta=theta_grid, alpha=alpha, kappa=_KAPPA_SHARE * alpha,
                simulations=lf_simulations, seed=seed,
                # HonestDiD's no-nuisance test (one post period) does not cap the
                # truncation region at the least-favourable critical value.
                cap_at_lf=num_post > 1)
    if not accept.any():
        warnings.warn(f"The robust confidence set at Mbar = {mbar:g} is empty on the theta "
                      "grid.", SensitivityWarning, stacklevel=3)
        return (math.nan, math.nan)
    if accept[0] or accept[-1]:
        warnings.warn(f"The robust confidence set at Mbar = {mbar:g} reaches the edge of the "
                      "theta grid, so it may be longer than reported; widen grid_bounds.",
                      SensitivityWarning, stacklevel=3)
    hits = theta_grid[accept]
    return (float(hits[0]), float(hits[-1]))


class _DualPolytope:
    """Vertices of ``{g >= 0 : sum(g) = 1, X'g = 0}``, the dual of the ARP programme.

    For standardised moments ``y`` (unit variances), ``eta(y) = min_nu max_j (y_j - X_j
    nu) = max_g g'y`` over this polytope, a maximum over its vertices. Vertices are
    enumerated through all bases of size ``1 + rank(X)``; if there would be too many,
    they are collected lazily from HiGHS solutions (``complete = False``).
    """

    def __init__(self, x: np.ndarray):
        m = x.shape[0]
        if x.shape[1]:
            u, sv, _ = np.linalg.svd(x, full_matrices=False)
            x = u[:, sv > 1e-10 * max(sv[0], 1.0)]  # orthonormal basis of span(X)
        self.x = x
        self.m = m
        w = np.column_stack([np.ones(m), x])
        # If the constant is in span(X), eta is unbounded below and the test never rejects.
        self.unbounded = np.linalg.matrix_rank(w) < w.shape[1]
        k = w.shape[1]
        self.complete = math.comb(m, k) <= math.comb(2 * _MAX_ENUMERATED_POST,
                                                     _MAX_ENUMERATED_POST)
        self.vertices = np.zeros((0, m))
        if self.unbounded:
            return
        if self.complete:
            self.vertices = self._enumerate(w)
            # no vertex: no convex combination of the rows of X is zero, so (Farkas) nu
            # can push every moment to -infinity
            self.unbounded = len(self.vertices) == 0
        else:
            self.unbounded = self._solve(np.zeros(m)) is None

    @staticmethod
    def _enumerate(w: np.ndarray) -> np.ndarray:
        m, k = w.shape
        if k == 1:
            return np.eye(m)
        found = []
        rhs = np.zeros(k)
        rhs[0] = 1.0
        combos = itertools.combinations(range(m), k)
        while True:
            bases = np.array(list(itertools.islice(combos, 50_000)))
            if bases.size == 0:
                break
            blocks = np.transpose(w[bases], (0, 2, 1))  # (n, k, k): columns = basis rows
            ok = np.linalg.cond(blocks) < 1e10
            if not ok.any():
                continue
            g = np.linalg.solve(blocks[ok], np.broadcast_to(rhs, (ok.sum(), k))[..., None])
            g = g[..., 0]
            feasible = np.all(g >= -1e-10, axis=1)
            full = np.zeros((int(feasible.sum()), m))
            np.put_along_axis(full, bases[ok][feasible], np.clip(g[feasible], 0, None), 1)
            found.append(full)
        if not found:
            return np.zeros((0, m))
        return np.unique(np.round(np.vstack(found), 12), axis=0)

    def _solve(self, y: np.ndarray) -> np.ndarray | None:
        """Optimal vertex for one direction ``y`` by dual simplex (HiGHS); None if empty."""
        from scipy.optimize import linprog

        a_eq = np.vstack([np.ones(self.m), self.x.T])
        b_eq = np.zeros(a_eq.shape[0])
        b_eq[0] = 1.0
        res = linprog(-y, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs-ds")
        if res.status == 2:  # infeasible
            return None
        if res.status != 0:
            raise RuntimeError(f"HiGHS failed on the ARP dual programme: {res.message}")
        return np.clip(res.x, 0, None)

    def refine(self, y: np.ndarray) -> None:
        """Make ``maximise`` exact for the columns of ``y`` (HiGHS; no-op if complete)."""
        if self.complete or y.shape[1] == 0:
            return
        known = self.maximise(y)[0] if len(self.vertices) else np.full(y.shape[1], -np.inf)
        new = []
        for j in range(y.shape[1]):
            g = self._solve(y[:, j])
            if g @ y[:, j] > known[j] + _TIE_TOL:
                new.append(g)
        if new:
            self.vertices = np.unique(np.round(np.vstack([self.vertices, *new]), 12), axis=0)

    def maximise(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``max g'y`` over the known vertices for each column of ``y``, and the argmax.

        Exact when the vertex list is complete (or after ``refine(y)``); otherwise a lower
        bound on ``eta``.
        """
        n = y.shape[1]
        best = np.empty(n)
        idx = np.empty(n, dtype=int)
        step = max(1, _MAX_BLOCK // max(len(self.vertices), 1))
        for j in range(0, n, step):
            vals = self.vertices @ y[:, j:j + step]
            idx[j:j + step] = np.argmax(vals, axis=0)
            best[j:j + step] = vals[idx[j:j + step], np.arange(vals.shape[1])]
        return best, self.vertices[idx]


def _lf_critical_value(poly: _DualPolytope, draws: np.ndarray, level: float) -> float:
    """``level`` quantile of ``eta`` over simulated moments (least-favourable: mean zero).

    With an incomplete vertex list only the draws that can reach the upper order
    statistics are solved exactly: ``eta <= max_j y_j`` (take ``nu = 0``), so a draw whose
    largest moment is below the current lower bound of the relevant order statistic
    cannot change the quantile.
    """
    if poly.complete:
        return float(np.quantile(poly.maximise(draws)[0], level))
    n = draws.shape[1]
    pos = int(np.floor((n - 1) * level))
    upper = draws.max(axis=0)
    exact = np.zeros(n, dtype=bool)
    while True:
        vals = poly.maximise(draws)[0] if len(poly.vertices) else np.full(n, -np.inf)
        threshold = np.partition(vals, pos)[pos]
        todo = np.flatnonzero(~exact & (upper >= threshold))
        if todo.size == 0:
            return float(np.quantile(vals, level))
        todo = todo[np.argsort(-upper[todo])][:256]
        poly.refine(draws[:, todo])
        exact[todo] = True


def _hybrid_accepts(y0, slope, x, sigma_y, theta, alpha, kappa, simulations, seed,
                    cap_at_lf) -> np.ndarray:
    """Conditional least-favourable hybrid test of ``E[y0 - slope theta - x nu] <= 0``.

    For each theta: the statistic ``eta`` (the ARP linear programme); reject if it exceeds
    the least-favourable ``1 - kappa`` critical value; otherwise compare ``eta /
    sigma_B`` with the ``1 - (alpha - kappa) / (1 - kappa)`` quantile of a normal
    truncated to the range ``[v_lo, v_up]`` over which the optimal dual vertex stays
    optimal (``v_up`` capped at the first-stage critical value). Returns acceptance.
    """
    sd = np.sqrt(np.diag(sigma_y))
    if np.any(sd <= 0):
        raise SensitivityInputError(
            "A Delta^RM moment has zero variance under sigma; sigma is too degenerate for "
            "the conditional test.")
    y0, slope, x = y0 / sd, slope / sd, x / sd[:, None]
    corr = sigma_y / np.outer(sd, sd)
    poly = _DualPolytope(x)
    if poly.unbounded:
        return np.ones(theta.size, dtype=bool)

    # first stage: least-favourable critical value (all moments binding at zero)
    evals, evecs = np.linalg.eigh(corr)
    root = evecs * np.sqrt(np.clip(evals, 0, None))
    draws = root @ np.random.default_rng(seed).standard_normal((corr.shape[0], simulations))
    lf_cv = _lf_critical_value(poly, draws, 1 - kappa)

    y = y0[:, None] - slope[:, None] * theta[None, :]
    if not poly.complete:
        # a lower bound above the critical value already rejects; solve the rest exactly
        known = poly.maximise(y)[0] if len(poly.vertices) else np.full(theta.size, -np.inf)
        poly.refine(y[:, known <= lf_cv])
    eta, gam = poly.maximise(y)
    accept = eta <= lf_cv
    if not accept.any():
        return accept
    idx = np.flatnonzero(accept)
    y, eta, gam = y[:, idx], eta[idx], gam[idx]
    var_b = np.einsum("ij,jk,ik->i", gam, corr, gam)
    degenerate = var_b < np.finfo(float).eps
    var_b = np.where(degenerate, 1.0, var_b)
    sd_b = np.sqrt(var_b)
    # y = s + b c with c = gamma'y; gamma stays optimal for c in [v_lo, v_up]
    b = (corr @ gam.T) / var_b
    v_lo, v_up = _vertex_range(poly, y - b * eta, b, eta, sd_b)
    z_lo = v_lo / sd_b
    z_up = (np.minimum(v_up, lf_cv) if cap_at_lf else v_up) / sd_b
    stat = eta / sd_b
    inside = (z_lo <= stat) & (stat <= z_up)
    size2 = (alpha - kappa) / (1 - kappa)
    crit = np.zeros_like(stat)
    if inside.any():
        crit[inside] = np.maximum(0.0, _tn_quantile(1 - size2, z_lo[inside], z_up[inside]))
    reject = inside & (stat > crit)
    # numerically zero variance of the selected combination: reject iff eta > 0
    reject = np.where(degenerate, eta > 0, reject)
    accept[idx] = ~reject
    return accept


def _vertex_range(poly, s, b, eta, sd_b):
    """Range of ``c`` over which the chosen vertex stays optimal along ``s + b c``.

    With the vertex list complete this is closed form: every vertex ``g`` requires
    ``g's <= (1 - g'b) c``. Otherwise the bounds are checked with HiGHS and any vertex
    that beats the chosen one is added, until none does (a Newton iteration on the
    convex, piecewise-linear ``max_g g'(s + b c) - c``).
    """
    far_lo = np.minimum(-100.0, eta - 20 * sd_b)  # HonestDiD's search limits
    far_hi = np.maximum(100.0, eta + 20 * sd_b)
    for _ in range(100):
        gs = poly.vertices @ s
        gb = poly.vertices @ b
        slack = 1.0 - gb
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = gs / slack
        v_lo = np.max(np.where(slack > _TIE_TOL, ratio, -np.inf), axis=0, initial=-np.inf)
        v_up = np.min(np.where(slack < -_TIE_TOL, ratio, np.inf), axis=0, initial=np.inf)
        v_lo = np.where(v_lo < far_lo, -np.inf, v_lo)
        v_up = np.where(v_up > far_hi, np.inf, v_up)
        if poly.complete:
            return v_lo, v_up
        grown = len(poly.vertices)
        for bound, far in ((v_lo, far_lo), (v_up, far_hi)):
            poly.refine(s + b * np.where(np.isfinite(bound), bound, far))
        if len(poly.vertices) == grown:
            return v_lo, v_up
    raise RuntimeError("Vertex search for the conditional test did not converge.")


def _tn_quantile(p, lo, hi):
    """``p`` quantile of a standard normal truncated to ``[lo, hi]``, stable in the tails."""
    from scipy.special import log_ndtr, ndtri_exp

    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    upper_tail = lo > 0
    with np.errstate(divide="ignore"):
        # upper tail: survival S(q) = (1 - p) S(lo) + p S(hi)
        log_s = np.logaddexp(np.log1p(-p) + log_ndtr(-lo), np.log(p) + log_ndtr(-hi))
        # otherwise: F(q) = (1 - p) F(lo) + p F(hi)
        log_f = np.logaddexp(np.log1p(-p) + log_ndtr(lo), np.log(p) + log_ndtr(hi))
    q = np.where(upper_tail, -ndtri_exp(np.minimum(log_s, 0.0)),
                 ndtri_exp(np.minimum(log_f, 0.0)))
    return np.clip(q, lo, hi)


# ----------------------------------------------------------------------------------------
# Delta^SD: fixed-length confidence interval (Armstrong & Kolesar; Rambachan & Roth)
# ----------------------------------------------------------------------------------------


def _folded_normal_cv(r: float, alpha: float) -> tuple[float, float]:
    """``1 - alpha`` quantile ``c`` of ``|N(r, 1)|`` and its derivative ``dc/dr``."""
    from scipy.optimize import brentq
    from scipy.special import ndtr, ndtri

    r = abs(r)
    lo = r + float(ndtri(1 - alpha))       # P(|X| <= lo) <= P(X <= lo) = 1 - alpha
    hi = r + float(ndtri(1 - alpha / 2))   # P(|X| <= hi) >= 1 - alpha
    if r > 40:  # the lower tail is negligible
        c = lo
    else:
        c = brentq(lambda c: ndtr(c - r) - ndtr(-c - r) - (1 - alpha),
                   lo - 1e-12, hi + 1e-12, xtol=1e-14, rtol=1e-14)
    d_minus, d_plus = math.exp(-0.5 * (c - r) ** 2), math.exp(-0.5 * (c + r) ** 2)
    return c, (d_minus - d_plus) / (d_minus + d_plus)


class _FLCI:
    """Optimal affine FLCI for ``l' tau_post`` over Delta^SD(M), for any M.

    An estimator ``v'beta`` with ``v = (a, l)`` has finite worst-case bias over Delta^SD
    only if it is unbiased for a linear trend, ``v't = 0`` (``t`` the event times). The
    trend gap is then ``delta = c t + H u`` with ``u`` its second differences, ``|u| <=
    M`` coordinate-wise, so the worst-case bias is ``M ||H'v||_1``. The half-length of the
    fixed-length interval is ``sd(v) cv_alpha(bias / sd(v))`` with ``cv_alpha`` the folded
    normal quantile; it is convex in ``a`` and minimised here with SLSQP (epigraph form
    for the absolute values), starting from the minimum-variance (``M = 0``) solution.
    """

    def __init__(self, sig, num_pre, num_post, lvec, alpha):
        self.sig, self.num_pre, self.lvec, self.alpha = sig, num_pre, lvec, alpha
        t = np.concatenate([np.arange(-num_pre, 0), np.arange(1, num_post + 1)]).astype(float)
        n = t.size
        # second differences of (delta_{-K}, ..., delta_0 = 0, ..., delta_T), column 0 dropped
        full = np.zeros((n - 1, n + 1))
        for r in range(n - 1):
            full[r, r:r + 3] = (1, -2, 1)
        d2 = np.delete(full, num_pre, axis=1)
        h = np.linalg.pinv(d2)                       # a right inverse: d2 @ h = I
        t_pre, t_post = t[:num_pre], t[num_pre:]
        self.a0 = -t_pre * (t_post @ lvec) / (t_pre @ t_pre)   # v't = 0 at z = 0
        self.null = np.linalg.svd(t_pre[None, :])[2][1:].T    # (K, K-1): a = a0 + null z
        self.g0 = h[:num_pre].T @ self.a0 + h[num_pre:].T @ lvec  # bias weights at z = 0
        self.g = h[:num_pre].T @ self.null
        self._cache: dict[float, np.ndarray] = {}
        self.z_minvar = self._min_variance()

    def _v(self, z):
        return np.concatenate([self.a0 + self.null @ z, self.lvec])

    def _sd(self, z):
        v = self._v(z)
        return float(np.sqrt(v @ self.sig @ v))

    def _min_variance(self):
        k = self.null.shape[1]
        if k == 0:
            return np.zeros(0)
        k_pre = self.num_pre
        s_pp = self.null.T @ self.sig[:k_pre, :k_pre] @ self.null
        rhs = self.null.T @ (self.sig[:k_pre] @ self._v(np.zeros(k)))
        z, *_ = np.linalg.lstsq(s_pp, -rhs, rcond=None)
        return z

    def _half_length(self, z, m):
        sd = self._sd(z)
        bias = m * float(np.sum(np.abs(self.g0 + self.g @ z)))
        return sd * _folded_normal_cv(bias / sd, self.alpha)[0]

    def _optimise(self, m: float) -> np.ndarray:
        if m == 0 or self.null.shape[1] == 0:
            return self.z_minvar
        if m in self._cache:
            return self._cache[m]
        from scipy.optimize import minimize

        k, q = self.null.shape[1], self.g.shape[0]
        sig_pre = self.sig[:self.num_pre]

        def objective(x):
            z, u = x[:k], x[k:]
            v = self._v(z)
            sd = float(np.sqrt(v @ self.sig @ v))
            r = m * u.sum() / sd
            c, dc = _folded_normal_cv(r, self.alpha)
            d_sd = self.null.T @ (sig_pre @ v) / sd
            grad = np.concatenate([(c - r * dc) * d_sd, np.full(q, m * dc)])
            return sd * c, grad

        # u >= +/-(g0 + g z), linear
        jac = np.vstack([np.hstack([-self.g, np.eye(q)]), np.hstack([self.g, np.eye(q)])])
        cons = {"type": "ineq", "fun": lambda x: jac @ x + np.concatenate([-self.g0, self.g0]),
                "jac": lambda x: jac}
        x0 = np.concatenate([self.z_minvar, np.abs(self.g0 + self.g @ self.z_minvar)])
        res = minimize(objective, x0, jac=True, method="SLSQP", constraints=[cons],
                       options={"ftol": 1e-15, "maxiter": 1000})
        best = res.x[:k]
        # SLSQP may stop early (it reports precision loss near a flat optimum); never
        # return something worse than its starting point
        if not self._half_length(best, m) <= self._half_length(self.z_minvar, m):
            best = self.z_minvar
        self._cache[m] = best
        return best

    def interval(self, beta, m) -> tuple[float, float]:
        z = self._optimise(float(m))
        centre = float(self._v(z) @ beta)
        half = self._half_length(z, float(m))
        return (centre - half, centre + half)
