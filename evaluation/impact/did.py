"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) group-time effects.

``att_gt`` estimates every ATT(g, t) -- the average effect in year ``t`` on the centres
(or regencies) first treated in year ``g`` -- with never-treated or not-yet-treated
comparison units, and keeps the influence function of every cell so that
aggregations (simple, event time, cohort, calendar), the pre-trend Wald test and the
multiplier bootstrap need no re-estimation.

Conventions follow R ``did`` 2.5 with its defaults (doubly robust 2x2 estimator of
Sant'Anna & Zhao 2020, ``base_period="varying"``, propensity-score trimming at 0.995,
covariates taken from the earlier of the two periods, influence functions rescaled by
``n / n_cell``), so numbers can be pinned to R's output on ``mpdta``.

All cells are computed at once on wide ``unit x year`` arrays: with no covariates each
ATT(g, t) is a difference of cohort means and its influence function is a gather from a
small cohort table; with covariates the propensity logits are fitted jointly by Newton
steps on a stacked problem, and the outcome regressions by batched normal equations.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Sequence

import numpy as np
import pandas as pd

from ..formatting import Z975, plain

__all__ = [
    "DidInputError",
    "AttGtResult",
    "AggregateResult",
    "BootstrapResult",
    "WaldTest",
    "att_gt",
    "multiplier_bootstrap",
]

_CONTROL_GROUPS = {"never_treated": "never_treated", "nevertreated": "never_treated",
                   "not_yet_treated": "not_yet_treated", "notyettreated": "not_yet_treated"}
_METHODS = ("dr", "ipw", "reg")
_AGGREGATIONS = {"simple": "simple", "event": "event", "dynamic": "event",
                 "cohort": "cohort", "group": "cohort", "calendar": "calendar"}
# R did sets standard errors below this to NA (numerically zero variance).
_SE_FLOOR = np.sqrt(np.finfo(float).eps) * 10
_TRIM_LEVEL = 0.995  # DRDID default: controls with a propensity score above this are dropped
_PS_CAP = 1 - 1e-6   # DRDID: avoid dividing by zero in p / (1 - p)
# Rows of influence-function work done at a time (bounds peak memory on large panels).
_BLOCK_ELEMENTS = 1 << 18


#: BLAS threads used inside the estimators (None: leave the process setting alone). The
#: matrix products here are small and many; on a 2-core machine shared with other work,
#: one thread was 3-4x faster than OpenBLAS's default two in our measurements.
BLAS_THREADS: int | None = 1
_blas_controller = None


def blas_limited(fn):
    """Run ``fn`` with BLAS limited to ``BLAS_THREADS`` (via threadpoolctl, if installed)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global _blas_controller
        if BLAS_THREADS is None:
            return fn(*args, **kwargs)
        if _blas_controller is None:
            try:
                from threadpoolctl import ThreadpoolController

                _blas_controller = ThreadpoolController()
            except ImportError:  # optional: without it BLAS keeps its own threads
                _blas_controller = False
        ctx = (contextlib.nullcontext() if _blas_controller is False
               else _blas_controller.limit(limits=BLAS_THREADS, user_api="blas"))
        with ctx:
            return fn(*args, **kwargs)

    return wrapper


class DidInputError(ValueError):
    """The panel handed to ``att_gt`` cannot be used as it is; the message says why."""


# ----------------------------------------------------------------------------------------
# Result objects
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaldTest:
    """Wald test that all pre-treatment ATT(g, t) are zero (parallel pre-trends)."""

    statistic: float
    df: int
    p_value: float

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"statistic": [self.statistic], "df": [self.df],
                             "p_value": [self.p_value]})


@dataclass(frozen=True)
class BootstrapResult:
    """Multiplier-bootstrap standard errors and the uniform-band critical value."""

    labels: pd.DataFrame
    att: np.ndarray
    se: np.ndarray
    crit_value: float
    iterations: int
    seed: int | None
    clustered: bool

    def summary(self) -> pd.DataFrame:
        out = self.labels.copy()
        out["att"] = self.att
        out["se"] = self.se
        out["uniform_lower"] = self.att - self.crit_value * self.se
        out["uniform_upper"] = self.att + self.crit_value * self.se
        return out


@dataclass
class AttGtResult:
    """All ATT(g, t) of one specification, with the influence function behind them.

    ``influence`` is ``n_units x n_cells``: column k is the influence function of cell k,
    scaled as in R ``did`` so that ``se = sqrt(sum(influence**2, axis=0)) / n_units``;
    rows follow ``unit_ids`` (sorted). Cells are ordered by cohort, then year.
    """

    cohort: np.ndarray
    time: np.ndarray
    base_period: np.ndarray
    att: np.ndarray
    influence: np.ndarray
    unit_ids: np.ndarray
    unit_cohort: np.ndarray
    unit_weights: np.ndarray
    cohorts: np.ndarray
    periods: np.ndarray
    control_group: str
    method: str
    anticipation: float
    covariates: tuple[str, ...]
    outcome: str
    cluster_codes: np.ndarray | None = None
    bootstrap_result: BootstrapResult | None = field(default=None, repr=False)
    #: index of each unit's cohort in ``[never] + cohorts`` (derived; cached for aggregation)
    unit_level: np.ndarray | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (f"AttGtResult(outcome={self.outcome!r}, cells={self.att.size}, "
                f"units={self.n_units}, cohorts={list(self.cohorts)}, "
                f"control_group={self.control_group!r}, method={self.method!r}, "
                f"covariates={list(self.covariates)})")

    # -- basic inference ------------------------------------------------------------------
    @property
    def n_units(self) -> int:
        return self.influence.shape[0]

    @property
    def post(self) -> np.ndarray:
        """True for cells at or after the cohort's first treated year."""
        return self.cohort <= self.time

    @property
    def se(self) -> np.ndarray:
        """Analytical (influence-function) standard errors, clustered by unit."""
        return _se_from_influence(self.influence)

    def vcov(self) -> np.ndarray:
        """Covariance matrix of the ATT(g, t) estimates."""
        n = self.n_units
        return self.influence.T @ self.influence / n**2

    def summary(self) -> pd.DataFrame:
        se = self.se
        return pd.DataFrame({
            "cohort": self.cohort, "time": self.time, "att": self.att, "se": se,
            "base_period": self.base_period, "post": self.post,
            "ci_low": self.att - Z975 * se, "ci_high": self.att + Z975 * se,
        })

    # -- aggregation, tests, bootstrap ----------------------------------------------------
    @blas_limited
    def aggregate(self, kind: str = "simple", *, min_e: float = -np.inf, max_e: float = np.inf,
                  balance_e: int | None = None) -> "AggregateResult":
        """Aggregate the ATT(g, t) into one summary (R ``aggte``).

        ``kind`` is ``"simple"`` (cohort-size weighted average of post cells), ``"event"``
        (by years since first treatment), ``"cohort"`` (by first treated year) or
        ``"calendar"`` (by year). ``min_e``/``max_e`` limit event times; ``balance_e``
        keeps only cohorts observed for that many years after treatment.
        """
        if kind not in _AGGREGATIONS:
            raise ValueError(f"Unknown aggregation {kind!r}; use one of "
                             "'simple', 'event', 'cohort', 'calendar'.")
        return _aggregate(self, _AGGREGATIONS[kind], min_e=min_e, max_e=max_e,
                          balance_e=balance_e)

    @blas_limited
    def pretest(self) -> WaldTest:
        """Wald test of the pre-treatment ATT(g, t) (analytical covariance, as in R)."""
        pre = np.flatnonzero(self.time < self.cohort - self.anticipation)
        se = self.se
        pre = pre[np.isfinite(se[pre]) & (se[pre] > _SE_FLOOR)]
        if pre.size == 0:
            raise ValueError("No pre-treatment periods to test.")
        v = self.vcov()[np.ix_(pre, pre)]
        if 1.0 / np.linalg.cond(v, 1) <= np.finfo(float).eps:
            raise ValueError("The covariance matrix of the pre-treatment ATT(g,t) is singular; "
                             "the Wald pre-test is not defined.")
        theta = self.att[pre]
        stat = float(theta @ np.linalg.solve(v, theta))
        from scipy.special import chdtrc

        return WaldTest(statistic=stat, df=int(pre.size), p_value=float(chdtrc(pre.size, stat)))

    @blas_limited
    def bootstrap(self, iterations: int = 999, seed: int | None = None,
                  alpha: float = 0.05) -> BootstrapResult:
        """Multiplier bootstrap (Rademacher weights, R ``did::mboot``).

        Gives IQR-based standard errors and the sup-t critical value for a uniform
        (simultaneous) band over all ATT(g, t). Clustering, if ``cluster`` was given,
        enters here, as in R. The result is also kept in ``bootstrap_result``.
        """
        se, crit = multiplier_bootstrap(self.influence, iterations=iterations, seed=seed,
                                        alpha=alpha, cluster_codes=self.cluster_codes)
        labels = pd.DataFrame({"cohort": self.cohort, "time": self.time})
        self.bootstrap_result = BootstrapResult(labels, self.att.copy(), se, crit, iterations,
                                                seed, self.cluster_codes is not None)
        return self.bootstrap_result

    def plot(self, uniform: bool = True, iterations: int = 999, seed: int | None = 0, ax=None):
        """One panel per cohort: ATT(g, t) by year, pointwise and (bootstrap) uniform bands."""
        import matplotlib.pyplot as plt

        boot = None
        if uniform:
            boot = self.bootstrap_result or self.bootstrap(iterations=iterations, seed=seed)
        se = self.se
        cohorts = np.unique(self.cohort)
        if ax is None:
            fig, axes = plt.subplots(len(cohorts), 1, sharex=True, squeeze=False,
                                     figsize=(7, 1.9 * len(cohorts) + 0.8))
            axes = axes[:, 0]
        else:
            axes = np.atleast_1d(ax)
            fig = axes[0].figure
        for a, g in zip(axes, cohorts):
            k = self.cohort == g
            _draw_estimates(a, self.time[k], self.att[k], se[k],
                            None if boot is None else boot.crit_value * boot.se[k],
                            self.post[k], legend=False)
            a.set_title(f"Cohort first treated in {plain(g)}", fontsize=9, loc="left")
        axes[-1].set_xlabel("Year")
        handles = {}
        for a in axes:
            for h, lab in zip(*a.get_legend_handles_labels()):
                handles.setdefault(lab, h)
        fig.legend(list(handles.values()), list(handles.keys()), fontsize=7, frameon=False,
                   loc="upper center", ncol=2)
        fig.supylabel(f"ATT(g,t) on {self.outcome}")
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / fig.get_figheight()))
        return fig


@dataclass
class AggregateResult:
    """An aggregation of ATT(g, t): overall effect and, except for ``simple``, elements."""

    kind: str
    att: float
    se: float
    influence: np.ndarray
    element_label: str | None
    elements: np.ndarray
    element_att: np.ndarray
    element_se: np.ndarray
    element_influence: np.ndarray
    cluster_codes: np.ndarray | None = None
    outcome: str = ""
    crit_value: float | None = None
    bootstrap_result: BootstrapResult | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (f"AggregateResult(kind={self.kind!r}, att={self.att:.6g}, se={self.se:.6g}, "
                f"elements={len(self.elements)})")

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """Normal interval of the overall effect at ``level`` (0.95: 95%)."""
        z = NormalDist().inv_cdf(0.5 + level / 2)
        return self.att - z * self.se, self.att + z * self.se

    def overall(self) -> pd.DataFrame:
        lo, hi = self.conf_int()
        return pd.DataFrame({"aggregation": [self.kind], "att": [self.att], "se": [self.se],
                             "ci_low": [lo], "ci_high": [hi]})

    def summary(self) -> pd.DataFrame:
        """Elements (event_time | cohort | time, att, se); the overall row for ``simple``."""
        if self.element_label is None:
            return self.overall()
        return pd.DataFrame({
            self.element_label: self.elements, "att": self.element_att, "se": self.element_se,
            "ci_low": self.element_att - Z975 * self.element_se,
            "ci_high": self.element_att + Z975 * self.element_se,
        })

    @blas_limited
    def bootstrap(self, iterations: int = 999, seed: int | None = None,
                  alpha: float = 0.05) -> BootstrapResult:
        """Multiplier bootstrap of the elements and the overall effect.

        Standard errors for every element and (last row) the overall effect; the
        critical value is the sup-t over the elements only, as in R ``aggte``.
        """
        infl = np.column_stack([self.element_influence, self.influence])
        n_el = self.element_influence.shape[1]
        se, crit = multiplier_bootstrap(infl, iterations=iterations, seed=seed, alpha=alpha,
                                        cluster_codes=self.cluster_codes, crit_columns=n_el)
        labels = pd.DataFrame({"element": list(self.elements) + ["overall"]})
        att = np.append(self.element_att, self.att)
        self.crit_value = crit
        self.bootstrap_result = BootstrapResult(labels, att, se, crit, iterations, seed,
                                                self.cluster_codes is not None)
        return self.bootstrap_result

    def plot(self, uniform: bool = True, iterations: int = 999, seed: int | None = 0, ax=None):
        """Elements with pointwise and (bootstrap) uniform 95% bands; event time by default."""
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        if self.element_label is None:
            lo, hi = self.conf_int()
            ax.errorbar([0], [self.att], yerr=[[self.att - lo], [hi - self.att]], fmt="o",
                        capsize=4, color="C0")
            ax.axhline(0, color="grey", lw=0.8)
            ax.set_xticks([0], ["overall ATT"])
            ax.set_ylabel(f"ATT on {self.outcome}")
            return fig
        boot = None
        if uniform and len(self.elements) > 0:
            boot = self.bootstrap_result or self.bootstrap(iterations=iterations, seed=seed)
        half_uniform = None
        if boot is not None:
            half_uniform = boot.crit_value * boot.se[:-1]
        post = (self.elements >= 0) if self.kind == "event" else np.ones(len(self.elements), bool)
        _draw_estimates(ax, self.elements, self.element_att, self.element_se, half_uniform, post)
        if self.kind == "event":
            ax.axvline(-0.5, color="grey", ls=":", lw=0.8)
        ax.set_xlabel({"event_time": "Years since first treatment", "cohort": "Cohort",
                       "time": "Year"}[self.element_label])
        ax.set_ylabel(f"ATT on {self.outcome}")
        ax.set_title(f"{self.kind} aggregation: overall {self.att:.4f} (se {self.se:.4f})",
                     fontsize=10, loc="left")
        fig.tight_layout()
        return fig



def _draw_estimates(ax, x, att, se, half_uniform, post, legend=True):
    from matplotlib.ticker import MaxNLocator

    x = np.asarray(x, dtype=float)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.axhline(0, color="grey", lw=0.8)
    for mask, colour, label in ((~post, "C0", "pre-treatment"), (post, "C3", "post-treatment")):
        if not mask.any():
            continue
        if half_uniform is not None:
            ax.vlines(x[mask], att[mask] - half_uniform[mask], att[mask] + half_uniform[mask],
                      color=colour, alpha=0.35, lw=6, label=f"{label}: uniform 95% band")
        ax.errorbar(x[mask], att[mask], yerr=Z975 * se[mask], fmt="o", color=colour,
                    capsize=3, ms=4, label=f"{label}: estimate, pointwise 95% CI")
    if legend:
        ax.legend(fontsize=7, loc="best", frameon=False)


# ----------------------------------------------------------------------------------------
# Inference helpers
# ----------------------------------------------------------------------------------------


def _se_from_influence(infl: np.ndarray) -> np.ndarray:
    n = infl.shape[0]
    se = np.sqrt(np.einsum("ij,ij->j", infl, infl)) / n if infl.ndim == 2 else \
        np.sqrt(infl @ infl) / n
    return np.where(se <= _SE_FLOOR, np.nan, se)


def _quantile_type1(x: np.ndarray, q: float, axis: int = 0) -> np.ndarray:
    # R quantile(type = 1): inverse of the empirical distribution function.
    return np.quantile(x, q, axis=axis, method="inverted_cdf")


def multiplier_bootstrap(influence: np.ndarray, iterations: int = 999, seed: int | None = None,
                         alpha: float = 0.05, cluster_codes: np.ndarray | None = None,
                         crit_columns: int | None = None) -> tuple[np.ndarray, float]:
    """Rademacher multiplier bootstrap of influence functions (R ``did::mboot``).

    Returns IQR-based standard errors for every column and the ``1 - alpha`` quantile of
    the sup-t statistic over the first ``crit_columns`` columns (all by default). With
    ``cluster_codes`` the multipliers are drawn per cluster on cluster-mean influence
    functions.
    """
    infl = np.asarray(influence, dtype=float)
    if infl.ndim == 1:
        infl = infl[:, None]
    n = infl.shape[0]
    if cluster_codes is not None:
        codes = np.asarray(cluster_codes)
        counts = np.bincount(codes)
        sums = np.zeros((counts.size, infl.shape[1]))
        np.add.at(sums, codes, infl)
        base = sums / counts[:, None]
    else:
        base = infl
    m = base.shape[0]
    rng = np.random.default_rng(seed)
    draws = np.empty((iterations, infl.shape[1]))
    chunk = max(1, min(iterations, _BLOCK_ELEMENTS // max(m, 1)))
    for start in range(0, iterations, chunk):
        b = min(chunk, iterations - start)
        v = rng.integers(0, 2, size=(b, m), dtype=np.int8).astype(float)
        v *= 2.0
        v -= 1.0
        draws[start:start + b] = v @ base
    draws *= np.sqrt(m) / m  # sqrt(m) * mean(v * psi)
    ok = np.isfinite(draws).all(axis=0) & ((draws**2).sum(axis=0) > _SE_FLOOR)
    q75, q25 = _quantile_type1(draws, 0.75), _quantile_type1(draws, 0.25)
    b_sigma = (q75 - q25) / (NormalDist().inv_cdf(0.75) - NormalDist().inv_cdf(0.25))
    b_sigma = np.where(ok & (b_sigma > _SE_FLOOR), b_sigma, np.nan)
    se = b_sigma / np.sqrt(n)
    k = infl.shape[1] if crit_columns is None else crit_columns
    t = np.abs(draws[:, :k] / b_sigma[:k])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sup_t = np.nanmax(np.where(np.isnan(t), -np.inf, t), axis=1) if k else np.array([])
    sup_t = sup_t[np.isfinite(sup_t)]
    crit = float(_quantile_type1(sup_t, 1 - alpha)) if sup_t.size else float("nan")
    if crit >= 7:
        warnings.warn("Simultaneous critical value is large (>= 7); the uniform band is "
                      "unreliable, usually because cohorts are small.", stacklevel=2)
    return se, crit


# ----------------------------------------------------------------------------------------
# Input checks and the wide panel
# ----------------------------------------------------------------------------------------


def _examples(values, k: int = 3) -> str:
    vals = pd.unique(pd.Series(values).dropna())[:k]
    return ", ".join(repr(v) for v in vals)


def _require_numeric(df: pd.DataFrame, col: str, role: str) -> None:
    s = df[col]
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        bad = s[pd.to_numeric(s, errors="coerce").isna() & s.notna()]
        ex = _examples(bad if len(bad) else s)
        raise DidInputError(f"The {role} column {col!r} must be numeric (years as numbers); "
                            f"it has dtype {s.dtype} with values such as {ex}.")


def _ids(ids, k: int = 5) -> str:
    ids = list(ids)
    more = f" and {len(ids) - k} more" if len(ids) > k else ""
    return ", ".join(repr(i.item() if hasattr(i, "item") else i) for i in ids[:k]) + more


@dataclass
class _Panel:
    unit_ids: np.ndarray
    periods: np.ndarray          # sorted time values
    y: np.ndarray                # n x T
    cohort: np.ndarray           # n, 0 = never treated
    x: np.ndarray | None         # n x T x k covariates (without intercept)
    x_time_varying: bool
    w: np.ndarray                # n, mean 1
    cluster: np.ndarray | None   # n, integer codes


def _unit_constant(wide: np.ndarray, name: str, unit_ids: np.ndarray) -> np.ndarray:
    first = wide[:, 0]
    same = (wide == first[:, None]) | (np.isnan(wide) & np.isnan(first)[:, None])
    if not same.all():
        bad = unit_ids[~same.all(axis=1)]
        raise DidInputError(f"Column {name!r} must be constant within each unit; it changes "
                            f"over time for unit(s) {_ids(bad)}.")
    return first


def build_panel(df, outcome, time, unit, cohort, covariates, weights, cluster) -> _Panel:
    if not isinstance(df, pd.DataFrame):
        raise DidInputError("att_gt needs a pandas DataFrame in long format (one row per unit "
                            "and year).")
    needed = [outcome, time, unit, cohort, *covariates]
    needed += [c for c in (weights, cluster) if c is not None]
    missing = [c for c in dict.fromkeys(needed) if c not in df.columns]
    if missing:
        raise DidInputError(f"Column(s) {', '.join(map(repr, missing))} not found in the data; "
                            f"available columns: {', '.join(map(str, df.columns[:20]))}.")
    if len(df) == 0:
        raise DidInputError("The data has no rows.")
    _require_numeric(df, time, "time")
    _require_numeric(df, cohort, "cohort")
    _require_numeric(df, outcome, "outcome")
    for c in covariates:
        _require_numeric(df, c, "covariate")
    if weights is not None:
        _require_numeric(df, weights, "weights")

    tcol = df[time].to_numpy(dtype=float)
    if np.isnan(tcol).any():
        rows = df.index[np.isnan(tcol)][:5].tolist()
        raise DidInputError(f"The time column {time!r} has missing values (rows {rows}).")
    ucodes, unit_ids = pd.factorize(df[unit], sort=True)
    if (ucodes < 0).any():
        raise DidInputError(f"The unit column {unit!r} has missing values.")
    tcodes, periods = pd.factorize(tcol, sort=True)
    n, T = len(unit_ids), len(periods)
    if T < 2:
        raise DidInputError("At least two time periods are needed.")
    flat = ucodes.astype(np.int64) * T + tcodes
    counts = np.bincount(flat, minlength=n * T).reshape(n, T)
    if (counts != 1).any():
        bad_rows = (counts != 1).any(axis=1)
        dup = (counts > 1).any()
        what = "duplicate unit-year rows" if dup and not (counts == 0).any() else \
            "missing or duplicate unit-year rows"
        raise DidInputError(
            f"The panel is unbalanced: {bad_rows.sum()} unit(s) have {what} "
            f"(each unit needs exactly one row in each of the {T} years). "
            f"Unit(s): {_ids(np.asarray(unit_ids)[bad_rows])}. Drop or complete these units.")

    def wide(col):
        out = np.empty(n * T)
        out[flat] = df[col].to_numpy(dtype=float)
        return out.reshape(n, T)

    unit_ids = np.asarray(unit_ids)
    y = wide(outcome)
    if np.isnan(y).any():
        raise DidInputError(f"The outcome {outcome!r} has missing values for unit(s) "
                            f"{_ids(unit_ids[np.isnan(y).any(axis=1)])}.")
    g = _unit_constant(wide(cohort), cohort, unit_ids)
    g = np.where(np.isnan(g), 0.0, g)

    x = None
    varying = False
    if covariates:
        x = np.empty((n, T, len(covariates)))
        for j, c in enumerate(covariates):
            xc = wide(c)
            if np.isnan(xc).any():
                raise DidInputError(f"Covariate {c!r} has missing values for unit(s) "
                                    f"{_ids(unit_ids[np.isnan(xc).any(axis=1)])}.")
            if np.ptp(xc) == 0:
                raise DidInputError(f"Covariate {c!r} is constant (always {xc.flat[0]:g}); it "
                                    "cannot be used to adjust the comparison. Drop it.")
            x[:, :, j] = xc
        varying = bool((x != x[:, :1, :]).any())

    if weights is None:
        w = np.ones(n)
    else:
        w = _unit_constant(wide(weights), weights, unit_ids)
        if np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
            raise DidInputError(f"Weights {weights!r} must be non-negative, not missing, and "
                                "not all zero.")
        w = w / w.mean()

    cl = None
    if cluster is not None:
        cflat = np.empty(n * T, dtype=np.int64)
        cflat[flat] = pd.factorize(df[cluster])[0]
        cw = cflat.reshape(n, T)
        if (cw < 0).any():
            raise DidInputError(f"The cluster column {cluster!r} has missing values.")
        if (cw != cw[:, :1]).any():
            bad = unit_ids[(cw != cw[:, :1]).any(axis=1)]
            raise DidInputError(f"The cluster column {cluster!r} must be constant within unit; "
                                f"it changes for unit(s) {_ids(bad)}.")
        cl = pd.factorize(cw[:, 0])[0]
    return _Panel(unit_ids, periods, y, g, x, varying, w, cl)


def _prepare_cohorts(p: _Panel, control_group: str, anticipation: float) -> _Panel:
    """Apply R did's sample rules to cohorts (later-than-panel = never; early units dropped)."""
    periods = p.periods
    g = p.cohort.copy()
    g[g > periods[-1] + anticipation] = 0.0  # treated after the panel ends: never treated here
    early = (g > 0) & (g <= periods[0] + anticipation)
    keep = ~early
    if early.any():
        warnings.warn(f"Dropped {early.sum()} unit(s) already treated in the first period "
                      f"{plain(periods[0])} (no pre-treatment year to compare with).",
                      stacklevel=4)
    sub = _subset(p, keep, g[keep])
    if not (sub.cohort == 0).any():
        if control_group == "never_treated":
            raise DidInputError(
                "No never-treated units (cohort 0 or missing) are left, so no cohort has "
                "controls under control_group='never_treated'. Use "
                "control_group='not_yet_treated'.")
        last = sub.cohort.max()
        keep_t = periods < last - anticipation
        if keep_t.sum() < 2:
            raise DidInputError("No never-treated units and too few years before the last "
                                "cohort is treated: no cohort has controls left.")
        g2 = np.where(sub.cohort == last, 0.0, sub.cohort)
        x = None if sub.x is None else sub.x[:, keep_t]
        sub = _Panel(sub.unit_ids, periods[keep_t], sub.y[:, keep_t], g2, x, sub.x_time_varying,
                     sub.w, sub.cluster)
    if not (sub.cohort > 0).any():
        raise DidInputError("No treated cohorts left: every unit is never treated (cohort 0 or "
                            "missing) or treated in the first period.")
    return sub


def _subset(p: _Panel, keep: np.ndarray, g: np.ndarray) -> _Panel:
    if keep.all():
        return _Panel(p.unit_ids, p.periods, p.y, g, p.x, p.x_time_varying, p.w, p.cluster)
    cl = None
    if p.cluster is not None:
        cl = pd.factorize(p.cluster[keep])[0]
    w = p.w[keep]
    w = w / w.mean()
    return _Panel(p.unit_ids[keep], p.periods, p.y[keep], g,
                  None if p.x is None else p.x[keep], p.x_time_varying, w, cl)


# ----------------------------------------------------------------------------------------
# The (g, t) cells
# ----------------------------------------------------------------------------------------


def _cells(cohorts, periods, anticipation, base_period):
    """Cells in R's order (cohort-major) as (cohort, time index, base-period index)."""
    rows = []
    T = len(periods)
    t_range = range(1, T) if base_period == "varying" else range(T)
    for g in cohorts:
        pre_idx = np.flatnonzero(periods + anticipation < g)
        pret_g = pre_idx[-1] if pre_idx.size else None
        for ti in t_range:
            post = g <= periods[ti]
            if base_period == "varying":
                bi = pret_g if post else ti - 1
            else:
                bi = pret_g
            if bi is None:
                break
            rows.append((g, ti, bi))
    return rows


@blas_limited
def att_gt(df: pd.DataFrame, outcome: str, time: str, unit: str, cohort: str,
           covariates: Sequence[str] = (), control_group: str = "never_treated",
           method: str = "dr", anticipation: float = 0, weights: str | None = None,
           cluster: str | None = None, base_period: str = "varying") -> AttGtResult:
    """Group-time average treatment effects ATT(g, t) for a staggered adoption panel.

    Parameters
    ----------
    df : long balanced panel, one row per unit and year.
    outcome, time, unit, cohort : column names. ``cohort`` is the first treated year;
        0 or missing means never treated. Units treated in the first year are dropped.
    covariates : unit characteristics to condition on (values from the earlier of the
        two years of each comparison).
    control_group : ``"never_treated"`` or ``"not_yet_treated"``.
    method : ``"dr"`` doubly robust (default), ``"ipw"`` or ``"reg"``.
    anticipation : years before ``cohort`` in which units may already react.
    weights : column of sampling weights, fixed within unit.
    cluster : column to cluster on (fixed within unit); affects ``bootstrap()`` only,
        as in R ``did``; analytical standard errors are clustered by unit.
    base_period : ``"varying"`` (R default) or ``"universal"``.
    """
    control = _CONTROL_GROUPS.get(control_group)
    if control is None:
        raise ValueError(f"control_group must be 'never_treated' or 'not_yet_treated', "
                         f"not {control_group!r}.")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, not {method!r}.")
    if base_period not in ("varying", "universal"):
        raise ValueError("base_period must be 'varying' or 'universal'.")
    if anticipation < 0:
        raise ValueError("anticipation must be >= 0.")
    covariates = tuple([covariates] if isinstance(covariates, str) else covariates)

    panel = build_panel(df, outcome, time, unit, cohort, covariates, weights, cluster)
    panel = _prepare_cohorts(panel, control, anticipation)
    periods = panel.periods
    cohorts = np.unique(panel.cohort[panel.cohort > 0])
    cells = _cells(cohorts, periods, anticipation, base_period)
    if not cells:
        raise DidInputError("No (cohort, year) cells can be estimated: no cohort has a "
                            "pre-treatment year.")
    cg = np.array([c[0] for c in cells], dtype=float)
    ti = np.array([c[1] for c in cells], dtype=np.int64)
    bi = np.array([c[2] for c in cells], dtype=np.int64)
    later = periods[np.maximum(ti, bi)]
    cutoff = np.full(len(cells), np.inf) if control == "never_treated" else later + anticipation

    # cohort index of every unit; code 0 is never treated
    levels = np.concatenate([[0.0], cohorts])
    ucode = np.searchsorted(levels, panel.cohort)
    # membership tables: levels x cells
    treat_tab = levels[:, None] == cg[None, :]
    ctrl_tab = (levels[:, None] == 0) | ((levels[:, None] > cutoff[None, :]) & ~treat_tab)
    ctrl_tab[0] = True
    _check_cells(panel, ucode, ctrl_tab, cg, periods[ti], control)

    if panel.x is None:
        att, infl = _cells_unconditional(panel, ucode, ti, bi, treat_tab, ctrl_tab)
    else:
        att, infl = _cells_covariates(panel, ucode, ti, bi, treat_tab, ctrl_tab, method,
                                      cg, periods)
    # universal base period: the reference cell is zero by construction
    same = ti == bi
    att[same] = 0.0
    infl[:, same] = 0.0

    if np.all(periods == np.round(periods)) and np.all(cohorts == np.round(cohorts)):
        # whole years: report them as integers
        periods, cohorts, cg = (a.astype(np.int64) for a in (periods, cohorts, cg))
    return AttGtResult(
        cohort=cg, time=periods[ti], base_period=periods[bi], att=att,
        influence=infl, unit_ids=panel.unit_ids, unit_cohort=panel.cohort,
        unit_weights=panel.w, cohorts=cohorts, periods=periods, control_group=control,
        method=method, anticipation=float(anticipation), covariates=covariates,
        outcome=outcome, cluster_codes=panel.cluster, unit_level=ucode)


def _check_cells(panel, ucode, ctrl_tab, cg, tvals, control):
    wsum = np.bincount(ucode, weights=panel.w, minlength=ctrl_tab.shape[0])
    n_ctrl = wsum @ ctrl_tab
    bad = np.flatnonzero(n_ctrl <= 0)
    if bad.size:
        k = bad[0]
        raise DidInputError(
            f"Cohort {plain(cg[k])} has no comparison units left in year {plain(tvals[k])} "
            f"(control group {control!r}: no such units with positive weight). "
            f"{bad.size} cell(s) are affected.")


def _cells_unconditional(panel, ucode, ti, bi, treat_tab, ctrl_tab):
    """No covariates: every estimator is a difference of weighted cohort means.

    The influence function of cell k for unit i is
    ``n * w_i * (D_ik (dY_ik - m1_k) / W1_k - C_ik (dY_ik - m0_k) / W0_k)``,
    which is DRDID's doubly robust influence function with an intercept-only model.
    """
    y, w = panel.y, panel.w
    n = y.shape[0]
    L = treat_tab.shape[0]
    wsum = np.bincount(ucode, weights=w, minlength=L)            # levels
    onehot_w = np.zeros((L, n))
    onehot_w[ucode, np.arange(n)] = w
    s = onehot_w @ y                                             # levels x T, weighted sums
    ds = s[:, ti] - s[:, bi]                                     # levels x K
    W1 = wsum @ treat_tab
    W0 = wsum @ ctrl_tab
    m1 = (ds * treat_tab).sum(axis=0) / W1
    m0 = (ds * ctrl_tab).sum(axis=0) / W0
    att = m1 - m0
    a = treat_tab / W1 - ctrl_tab / W0                           # levels x K
    b = treat_tab * (m1 / W1) - ctrl_tab * (m0 / W0)
    infl = np.empty((n, len(ti)))
    step = max(1, _BLOCK_ELEMENTS // max(len(ti), 1))
    for s0 in range(0, n, step):
        sl = slice(s0, min(n, s0 + step))
        c = ucode[sl]
        block = y[sl][:, ti] - y[sl][:, bi]
        block *= a[c]
        block -= b[c]
        block *= (n * w[sl])[:, None]
        infl[sl] = block
    return att, infl


def _fit_logit(x: np.ndarray, d: np.ndarray, w: np.ndarray, max_iter: int = 50,
               tol: float = 1e-9) -> tuple[np.ndarray, bool]:
    """Weighted logit MLE by Newton's method (IRLS), started at the intercept-only fit."""
    p = x.shape[1]
    beta = np.zeros(p)
    share = (w @ d) / w.sum()
    beta[0] = np.log(share / (1 - share))
    for _ in range(max_iter):
        mu = 1.0 / (1.0 + np.exp(-(x @ beta)))
        hess = x.T @ (x * (w * mu * (1 - mu))[:, None])
        step = np.linalg.solve(hess, x.T @ (w * (d - mu)))
        beta += step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            return 1.0 / (1.0 + np.exp(-(x @ beta))), True
    return 1.0 / (1.0 + np.exp(-(x @ beta))), False


def _cells_covariates(panel, ucode, ti, bi, treat_tab, ctrl_tab, method, cg, periods):
    """Covariates: doubly robust / IPW / regression 2x2 estimator of each cell.

    Each cell works on its own rows only (treated cohort plus comparison units). Cells
    that share those rows and the covariate year (with never-treated controls: all
    cells of a cohort) share one propensity fit and one design, and are solved
    together as columns of one matrix.
    """
    y, w = panel.y, panel.w
    n, K = y.shape[0], len(ti)
    att = np.empty(K)
    infl = np.zeros((n, K), order="F")
    small = ucode.astype(np.int16) if treat_tab.shape[0] < 2**15 else ucode  # radix sort
    by_level = np.split(np.argsort(small, kind="stable"),
                        np.cumsum(np.bincount(ucode, minlength=treat_tab.shape[0]))[:-1])
    xper = np.minimum(ti, bi) if panel.x_time_varying else np.zeros(K, dtype=np.int64)
    groups: dict = {}
    for k in range(K):
        key = (treat_tab[:, k].tobytes(), ctrl_tab[:, k].tobytes(), int(xper[k]))
        groups.setdefault(key, []).append(k)
    not_converged = 0
    for cols in groups.values():
        cols = np.asarray(cols)
        k0 = cols[0]
        lev_t = np.flatnonzero(treat_tab[:, k0])[0]
        members = np.flatnonzero(treat_tab[:, k0] | ctrl_tab[:, k0])
        rows = np.sort(np.concatenate([by_level[j] for j in members]))
        # column-major: the cross-products below are then contiguous BLAS calls
        x = np.asfortranarray(np.column_stack([np.ones(rows.size), panel.x[rows, xper[k0], :]]))
        ws = w[rows] / w[rows].mean()
        D = ucode[rows] == lev_t
        gram_controls = x.T @ (x * (~D)[:, None])
        if np.linalg.matrix_rank(gram_controls) < x.shape[1]:
            raise DidInputError(
                f"The covariates are collinear (or constant) among the units compared for "
                f"cohort {plain(cg[k0])} in year {plain(periods[ti[k0]])}; drop or combine "
                "covariates.")
        ps = None
        if method in ("dr", "ipw"):
            ps, ok = _fit_logit(x, D.astype(float), ws)
            not_converged += not ok
            if np.max(ps) >= 0.999:
                raise DidInputError(
                    f"Overlap fails for cohort {plain(cg[k0])} (year {plain(periods[ti[k0]])}): "
                    "some propensity scores reach 0.999, so the covariates almost perfectly "
                    "separate treated and comparison units. Use fewer or coarser covariates.")
        yr = y[rows]
        dy = yr[:, ti[cols]] - yr[:, bi[cols]]
        att[cols], inf = _dr_2x2(x, D, dy, ws, ps, method)
        inf *= n / rows.size
        infl[np.ix_(rows, cols)] = inf
    if not_converged:
        warnings.warn(f"Propensity score estimation did not converge for {not_converged} "
                      "comparison(s); their estimates may be unreliable.", stacklevel=4)
    return att, infl


def _dr_2x2(x, D, dy, w, mu, method):
    """Panel 2x2 ATTs and influence functions (DRDID drdid_panel / std_ipw / reg).

    One design for several outcome changes: ``x`` (with intercept), treatment ``D``,
    weights ``w`` (mean 1) and propensity ``mu`` are shared, ``dy`` has one column per
    cell. Returns the ATTs (m,) and influence functions (n1, m) on these rows.

    DRDID's influence function is a sum of terms; those linear in the residual ``r``
    are collected into one per-row coefficient, so only a handful of ``n1 x m``
    passes are made.
    """
    n1 = D.size
    Df = D.astype(float)
    C = 1.0 - Df
    use_or = method in ("dr", "reg")
    if use_or:
        wc_ols = w * C
        xw = x * wc_ols[:, None]
        xpx_inv = np.linalg.inv(x.T @ xw / n1)
        r = dy - x @ (xpx_inv @ (xw.T @ dy) / n1)
    else:
        r = dy
    if mu is not None:
        ps = np.minimum(mu, _PS_CAP)
        trim = np.where(D, 1.0, (ps < _TRIM_LEVEL).astype(float))
        wt = trim * w * Df
        wc = trim * w * C * ps / (1 - ps)
    else:
        wt = w * Df
        wc = None
    mwt = wt.mean()
    eta_t = (wt @ r) / (mwt * n1)
    coef = wt / mwt
    if use_or:  # estimation effect of the outcome regression on the treated term
        coef -= wc_ols * (x @ (xpx_inv @ (x.T @ wt / n1))) / mwt
    if wc is None:
        inf = r * coef[:, None]
        inf -= np.outer(wt / mwt, eta_t)
        return eta_t, inf
    mwc = wc.mean()
    eta_c = (wc @ r) / (mwc * n1)
    coef -= wc / mwc
    if use_or:  # ... and on the control term
        coef += wc_ols * (x @ (xpx_inv @ (x.T @ wc / n1))) / mwc
    # estimation effect of the propensity score (logit score times inverse information)
    xtwx_inv = np.linalg.inv(x.T @ (x * (w * ps * (1 - ps))[:, None]))
    v2 = xtwx_inv @ ((x * wc[:, None]).T @ r - np.outer(x.T @ wc, eta_c))
    # the centring terms and the propensity term in one product
    z = np.column_stack([wt / mwt, -wc / mwc, x * (w * (Df - ps) / mwc)[:, None]])
    inf = r * coef[:, None]
    inf -= z @ np.vstack([eta_t, eta_c, v2])
    return eta_t - eta_c, inf


# ----------------------------------------------------------------------------------------
# Aggregation (R aggte)
# ----------------------------------------------------------------------------------------


def _weights_influence(att, pg, codes, keep, w, ucode, n_levels):
    """Influence of estimating cohort-share weights, times the ATTs (R ``wif %*% att``).

    ``keep`` is cells x elements (bool); column j is the set of cells averaged with
    weights ``pg / sum(pg)`` in element j. R's two terms (numerator and denominator of
    the weights) reduce to ``w_i * table[cohort_i, j]``; returns units x elements.
    """
    keep = keep.astype(float)
    onehot = np.zeros((n_levels, att.size))
    onehot[codes, np.arange(att.size)] = 1.0
    s = pg @ keep                                              # sum of shares per element
    pga = (pg * att) @ keep
    table = (onehot @ (att[:, None] * keep)) / s - (onehot @ keep) * (pga / s**2)
    return w[:, None] * table[ucode]


def _aggregate(res: AttGtResult, kind: str, min_e, max_e, balance_e) -> AggregateResult:
    g, t, att, infl = res.cohort, res.time, res.att, res.influence
    n = res.n_units
    if np.isnan(att).any():
        raise ValueError("Some ATT(g,t) are missing; cannot aggregate.")
    w = res.unit_weights
    glist = res.cohorts
    n_lev = len(glist) + 1
    ucode = res.unit_level
    if ucode is None:
        ucode = np.searchsorted(np.concatenate([[0.0], glist]), res.unit_cohort)  # 0 = never
    pgg = np.bincount(ucode, weights=w, minlength=n_lev)[1:] / n             # cohort shares
    gcode = np.searchsorted(glist, g) + 1
    pg = pgg[gcode - 1]

    def elements(keep: np.ndarray, with_wif: bool, equal: bool = False):
        """ATT and influence functions of share-weighted averages of cells (columns)."""
        wts = keep * (1.0 if equal else pg[:, None])
        wts = wts / wts.sum(axis=0)
        e_att = att @ wts
        e_if = infl @ wts
        if with_wif:
            e_if += _weights_influence(att, pg, gcode, keep, w, ucode, n_lev)
        return e_att, e_if

    def finish(label, elems, e_att, e_if, overall_att, overall_if):
        return AggregateResult(
            kind=kind, att=float(overall_att), se=float(_se_from_influence(overall_if)),
            influence=overall_if, element_label=label, elements=np.asarray(elems),
            element_att=np.asarray(e_att, dtype=float),
            element_se=_se_from_influence(e_if) if e_if.shape[1] else np.empty(0),
            element_influence=e_if, cluster_codes=res.cluster_codes, outcome=res.outcome)

    post = (g <= t) & (t <= g + max_e)
    if kind == "simple":
        if not post.any():
            raise ValueError("No post-treatment cells to aggregate.")
        a, i = elements(post[:, None], True)
        return finish(None, [], [], np.empty((n, 0)), a[0], i[:, 0])

    if kind == "cohort":
        keep = post[:, None] & (g[:, None] == glist[None, :])
        used = keep.any(axis=0)
        if not used.any():
            raise ValueError("No post-treatment cells to aggregate.")
        keep = keep[:, used]
        e_att, e_if = elements(keep, False, equal=True)
        pgu = pgg[used]
        overall = e_att @ pgu / pgu.sum()
        ov_if = e_if @ (pgu / pgu.sum())
        ov_if += _weights_influence(e_att, pgu, np.flatnonzero(used) + 1,
                                    np.ones((used.sum(), 1), bool), w, ucode, n_lev)[:, 0]
        return finish("cohort", glist[used], e_att, e_if, overall, ov_if)

    if kind == "event":
        e_all = t - g
        include = np.ones(len(g), bool)
        eseq = np.unique(e_all)
        if balance_e is not None:
            t_max = res.periods.max()
            t_min = min(res.periods.min(), glist.min())
            include = (t_max - g) >= balance_e
            eseq = np.unique(e_all[include])
            eseq = eseq[(eseq <= balance_e) & (eseq >= balance_e - t_max + t_min)]
        eseq = eseq[(eseq >= min_e) & (eseq <= max_e)]
        if eseq.size == 0:
            raise ValueError("No event times left after min_e/max_e/balance_e.")
        keep = (e_all[:, None] == eseq[None, :]) & include[:, None]
        e_att, e_if = elements(keep, True)
        epos = eseq >= 0
        if not epos.any():
            overall, ov_if = np.nan, np.full(n, np.nan)
        else:
            overall = e_att[epos].mean()
            ov_if = e_if @ (epos / epos.sum())
        return finish("event_time", eseq, e_att, e_if, overall, ov_if)

    # calendar: years in which some cohort is treated
    tl = np.unique(t)
    tl = tl[tl >= g.min()]
    keep = (t[:, None] == tl[None, :]) & (g <= t)[:, None]
    used = keep.any(axis=0)
    keep, tl = keep[:, used], tl[used]
    e_att, e_if = elements(keep, True)
    return finish("time", tl, e_att, e_if, e_att.mean(), e_if @ np.full(tl.size, 1 / tl.size))
