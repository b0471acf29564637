"""Staggered DiD with comparisons inside each province: what a regional page can claim.

Centers opened in different years; a regency is *treated* from the year its first center
opened (its ``cohort``). Provincial labour markets move differently from year to year
(a shock in Jawa Tengah is not a shock in Papua), so a regency is compared only with
regencies **of its own province** that had no center yet, which absorbs every
province-by-year shock. For a cohort ``g`` of province ``p`` and a year ``t`` the cell is

``ATT_p(g, t) = mean_{i in p, G_i = g} (Y_it - Y_i,g-1) - mean_{j in C_p(g, t)} (Y_jt - Y_j,g-1)``

with ``C_p(g, t)`` the regencies of ``p`` without a center in ``max(t, g - 1)`` (never
treated or opened later). This is Callaway and Sant'Anna's estimator with not-yet-treated
controls and a *universal* base period (the year before opening), run province by
province: pre-period cells (``t < g - 1``) are placebo estimates on the same footing as
the post-period ones, which is what sensitivity bounds for parallel trends need.

A cell is **identified** only when its province still has at least ``min_controls``
regencies without a center in that year; others are listed with the reason and never
enter an aggregate. Every estimate is a weighted sum of the unit-level effects
``tau_it = (Y_it - Y_i,g-1) - m0(cell)`` over treated regency-years (:class:`Items`), so
the overall effect, the event study and the dose slope are one computation with
different weights (:meth:`WithinProvinceDiD.linear`).

Inference here is analytical (influence functions, clustered by regency or province),
valid when many treated regencies contribute; :mod:`evaluation.impact.placebo` gives
inference for a single regency or a province with few treated regencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy import sparse

from ..data.regions import NATIONAL, is_regency, province_of
from ..text import t as _t
from .did import DidInputError


#: Default fewest comparison regencies (without a center yet, same province, same year)
#: for a cell to count as identified; see benchmarks/mc_regional.py for the choice.
MIN_CONTROLS = 4


@dataclass(frozen=True)
class Reason:
    """Why something was not estimated, as a reader is told it: a catalogue key
    (:mod:`evaluation.text`, ``impact.*``) and its values, rendered in either language.
    A value may itself be a :class:`Reason` (a reason quoting another)."""

    key: str
    values: tuple = ()

    @classmethod
    def of(cls, key: str, **values) -> "Reason":
        return cls(key, tuple(values.items()))

    def text(self, language: str = "en") -> str:
        return _t(self.key, language, **{k: v.text(language) if isinstance(v, Reason) else v
                                         for k, v in self.values})

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Design:
    """A balanced regency-year panel as arrays: units in rows, years in columns."""

    units: np.ndarray      # regency codes, sorted
    province: np.ndarray   # province code of each unit
    cohort: np.ndarray     # first year with a center; 0 = none in the panel
    years: np.ndarray
    y: np.ndarray          # outcome, units x years
    dose: np.ndarray       # centers per 10,000 labour force, units x years
    outcome: str

    @property
    def n_units(self) -> int:
        return len(self.units)


def design(panel: pd.DataFrame, outcome: str, dose: str = "centers_per_10k_lf") -> Design:
    """Arrays for ``outcome`` from a regency panel (``regional.regency_panel``); checks balance."""
    need = ["regency_code", "year", "cohort", outcome]
    missing = [c for c in need if c not in panel.columns]
    if missing:
        raise DidInputError(f"the regency panel lacks column(s) {missing}")
    df = panel[need + ([dose] if dose in panel.columns else [])].copy()
    if not pd.api.types.is_numeric_dtype(df[outcome]):
        raise DidInputError(f"outcome {outcome!r} is not numeric")
    if df[outcome].isna().any():
        bad = df.loc[df[outcome].isna(), ["regency_code", "year"]].head(5).to_dict("records")
        raise DidInputError(f"outcome {outcome!r} is missing for regency-years such as {bad}")
    wide = df.pivot(index="regency_code", columns="year", values=outcome).sort_index()
    if wide.isna().any().any():
        gaps = wide.isna().sum(axis=1)
        raise DidInputError(f"the regency panel is not balanced: regencies {list(gaps[gaps > 0].index[:5])} "
                            "lack some years")
    cohort = df.groupby("regency_code")["cohort"].first().reindex(wide.index).to_numpy(int)
    d = (df.pivot(index="regency_code", columns="year", values=dose).reindex(wide.index).to_numpy(float)
         if dose in df.columns else np.zeros(wide.shape))
    units = wide.index.to_numpy(str)
    return Design(units=units, province=np.array([u.split(".")[0] for u in units]), cohort=cohort,
                  years=wide.columns.to_numpy(int), y=wide.to_numpy(float), dose=d, outcome=outcome)


@dataclass
class Cells:
    """Every (province, cohort, year) comparison, identified or not, with its pieces."""

    table: pd.DataFrame                 # one row per cell (see within_cells)
    controls: list[np.ndarray]          # unit indices of each cell's comparison group
    control_dev: list[np.ndarray]       # their (dY - m0), same order
    base: np.ndarray                    # base-year index of each cell


@dataclass
class Items:
    """Treated regency-years of identified cells: the unit-level effects everything averages."""

    unit: np.ndarray
    year: np.ndarray
    event_time: np.ndarray
    cell: np.ndarray
    tau: np.ndarray        # (Y_it - Y_i,g-1) - m0(cell)
    resid: np.ndarray      # for the analytic variance (see _treated_residuals)
    dose: np.ndarray       # centers per 10k labour force in that year

    def __len__(self) -> int:
        return len(self.unit)


def within_cells(d: Design, min_controls: int = MIN_CONTROLS, provinces=None) -> Cells:
    """All cells of the provinces given (default: every province with a treated regency).

    A cell that is not identified says why: ``reason`` in English, ``why`` the same
    :class:`Reason` for a page in any language (None for identified cells).
    """
    if min_controls < 2:
        raise ValueError("min_controls must be at least 2 (a comparison group of one has no variance)")
    years = d.years
    year_index = {int(t): k for k, t in enumerate(years)}
    wanted = None if provinces is None else {str(p) for p in provinces}
    rows, controls, devs, bases = [], [], [], []
    for p in np.unique(d.province):
        if wanted is not None and p not in wanted:
            continue
        in_p = np.flatnonzero(d.province == p)
        coh = d.cohort[in_p]
        for g in np.unique(coh[coh > 0]):
            treated = in_p[coh == g]
            if g - 1 not in year_index:
                why = Reason.of("impact.cell.first_year", cohort=int(g))
                for t in years:
                    rows.append(_row(p, g, t, len(treated), 0, np.nan, False, why))
                    controls.append(np.empty(0, int)); devs.append(np.empty(0)); bases.append(-1)
                continue
            b = year_index[g - 1]
            for k, t in enumerate(years):
                if k == b:
                    continue
                later = max(int(t), int(g) - 1)
                ctrl = in_p[(coh != g) & ((coh == 0) | (coh > later))]
                dy_t = d.y[treated, k] - d.y[treated, b]
                dy_c = d.y[ctrl, k] - d.y[ctrl, b]
                m0 = dy_c.mean() if len(ctrl) else np.nan
                ok = len(ctrl) >= min_controls
                if ok:
                    why = None
                elif len(ctrl) == 0:
                    why = Reason.of("impact.cell.none_left", year=later)
                else:
                    why = Reason.of("impact.cell.too_few_one" if len(ctrl) == 1 else "impact.cell.too_few",
                                    n=len(ctrl), year=later, min_controls=min_controls)
                rows.append(_row(p, g, t, len(treated), len(ctrl), dy_t.mean() - m0 if len(ctrl) else np.nan, ok, why))
                controls.append(ctrl)
                devs.append(dy_c - m0 if len(ctrl) else np.empty(0))
                bases.append(b)
    table = pd.DataFrame(rows, columns=["province_code", "cohort", "year", "event_time", "n_treated",
                                        "n_controls", "att", "identified", "reason", "why"])
    return Cells(table=table, controls=controls, control_dev=devs, base=np.asarray(bases, int))


def _row(p, g, t, n1, n0, att, ok, why):
    """A cell: ``reason`` is why it is not identified in English, ``why`` the same as a
    :class:`Reason` for a page in another language (None when identified)."""
    return (str(p), int(g), int(t), int(t) - int(g), int(n1), int(n0), float(att), bool(ok),
            "" if why is None else why.text(), why)


def treated_items(d: Design, cells: Cells, units_mask: np.ndarray | None = None) -> Items:
    """Unit-level effects of every treated regency-year in an identified cell.

    ``units_mask`` keeps only some treated regencies (a region); the comparison groups stay
    those of their province.
    """
    tab = cells.table
    year_index = {int(t): k for k, t in enumerate(d.years)}
    prov, coh, yr = tab["province_code"].to_numpy(), tab["cohort"].to_numpy(), tab["year"].to_numpy()
    att, ev = tab["att"].to_numpy(), tab["event_time"].to_numpy()
    wanted = tab["identified"].to_numpy().copy()
    if units_mask is not None:
        groups = set(zip(d.province[units_mask & (d.cohort > 0)], d.cohort[units_mask & (d.cohort > 0)]))
        wanted &= np.array([(p, g) in groups for p, g in zip(prov, coh)], dtype=bool)
    unit, year, evt, cell, tau, resid, dose = ([] for _ in range(7))
    for c in np.flatnonzero(wanted):
        members = np.flatnonzero((d.province == prov[c]) & (d.cohort == coh[c]))
        k, b = year_index[int(yr[c])], cells.base[c]
        dy = d.y[members, k] - d.y[members, b]
        m0 = float(dy.mean() - att[c])
        r = _treated_residuals(dy, m0)
        if units_mask is not None:
            keep = units_mask[members]
            members, dy, r = members[keep], dy[keep], r[keep]
        n = len(members)
        unit.append(members); year.append(np.full(n, int(yr[c]))); evt.append(np.full(n, int(ev[c])))
        cell.append(np.full(n, c)); tau.append(dy - m0); resid.append(r); dose.append(d.dose[members, k])
    cat = (lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.empty(0, dt))
    return Items(unit=cat(unit, int), year=cat(year, int), event_time=cat(evt, int), cell=cat(cell, int),
                 tau=cat(tau, float), resid=cat(resid, float), dose=cat(dose, float))


def _treated_residuals(dy: np.ndarray, m0: float) -> np.ndarray:
    """Deviation of each treated regency from its cohort mean, scaled to be unbiased for its
    variance (n / (n - 1)); a regency alone in its cohort is measured against the comparison
    mean instead (its own effect counts as noise: conservative, never zero)."""
    n = len(dy)
    if n >= 2:
        return (dy - dy.mean()) * np.sqrt(n / (n - 1))
    return dy - m0


@dataclass
class LinearEstimate:
    """One number that is a weighted sum of unit-level effects, with its inference.

    The result convention of the project: ``estimate``, ``se``, ``ci_low``, ``ci_high``,
    ``conf_int(level)``, ``summary()``. ``method`` says how the interval was obtained
    (``"analytic"``: influence functions, normal; ``"placebo"``: placebo regencies, see
    :mod:`evaluation.impact.placebo`). ``att`` is the same as ``estimate``.
    """

    label: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str
    n_treated: int
    n_items: int

    @property
    def att(self) -> float:
        return self.estimate

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        if abs(level - 0.95) < 1e-12:
            return self.ci_low, self.ci_high
        if self.method != "analytic":
            raise ValueError("placebo intervals are computed at 95% only")
        z = NormalDist().inv_cdf(0.5 + level / 2)
        return self.estimate - z * self.se, self.estimate + z * self.se

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"estimate": self.label, "value": self.estimate, "se": self.se, "ci_low": self.ci_low,
                              "ci_high": self.ci_high, "p_value": self.p_value, "inference": self.method,
                              "treated_regencies": self.n_treated, "regency_years": self.n_items}])


@dataclass
class WithinProvinceDiD:
    """Cells and unit-level effects of one region; estimates are weighted sums of them."""

    design: Design
    cells: Cells
    items: Items
    region_units: np.ndarray   # indices of the region's treated regencies with identified cells
    min_controls: int
    cluster: str = "regency"
    _psi_cache: dict = field(default_factory=dict, repr=False)

    # -- weights ---------------------------------------------------------------------------
    def parts(self, kind: str, event_time: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Numerator and denominator weights over ``items``: the estimate is
        ``sum(a * tau) / sum(b)``.

        ``"simple"``: every regency-year after opening alike; ``"event"``: one event time;
        ``"dose"``: least-squares slope of the effect on centers per 10,000 labour force,
        through the origin (``a = dose``, ``b = dose**2``).
        """
        it = self.items
        if kind == "simple":
            sel = (it.event_time >= 0).astype(float)
            return sel, sel
        if kind == "event":
            sel = (it.event_time == event_time).astype(float)
            return sel, sel
        if kind == "dose":
            sel = (it.event_time >= 0).astype(float)
            return it.dose * sel, it.dose**2 * sel
        raise ValueError(f"unknown estimate {kind!r}")

    def weights(self, kind: str, event_time: int | None = None) -> np.ndarray:
        """Weights over ``items`` (``a / sum(b)`` of :meth:`parts`); zeros if nothing to average."""
        a, b = self.parts(kind, event_time)
        total = b.sum()
        return a / total if total > 0 else np.zeros_like(a)

    def event_times(self, min_treated: int = 1) -> np.ndarray:
        """Event times with at least ``min_treated`` treated regencies (e = -1 is the reference)."""
        e, counts = np.unique(self.items.event_time, return_counts=True)
        n_units = np.array([len(np.unique(self.items.unit[self.items.event_time == k])) for k in e])
        return e[n_units >= min_treated]

    def linear(self, w: np.ndarray) -> float:
        return float(w @ self.items.tau)

    # -- analytic inference ---------------------------------------------------------------
    def psi(self, W: np.ndarray) -> np.ndarray:
        """Influence of every unit (rows) on each estimate (columns of ``W``, items x k).

        Treated regencies enter with their residual, comparison regencies with their
        deviation from the comparison mean (scaled by ``sqrt(n0/(n0-1))``); the variance of
        an estimate is the sum of squares over clusters.
        """
        W = self._as_matrix(W)
        it, n = self.items, self.design.n_units
        treat = sparse.csr_matrix((it.resid, (it.unit, np.arange(len(it)))), shape=(n, len(it)))
        return np.asarray(treat @ W) + self.psi_controls(W)

    def psi_controls(self, W: np.ndarray) -> np.ndarray:
        """The comparison regencies' part of :meth:`psi` (units x k)."""
        W = self._as_matrix(W)
        it, n = self.items, self.design.n_units
        ncell = len(self.cells.controls)
        cell_w = sparse.csr_matrix((np.ones(len(it)), (it.cell, np.arange(len(it)))), shape=(ncell, len(it))) @ W
        rows, cols, vals = self._control_matrix()
        if not len(rows):
            return np.zeros((n, W.shape[1]))
        ctrl = sparse.csr_matrix((vals, (rows, cols)), shape=(n, ncell))
        return -np.asarray(ctrl @ cell_w)

    def _as_matrix(self, W) -> np.ndarray:
        return np.asarray(W, float).reshape(len(self.items), -1)

    def _control_matrix(self):
        if "ctrl" not in self._psi_cache:
            rows, cols, vals = [], [], []
            used = set(np.unique(self.items.cell).tolist())
            for c in used:
                idx, dev = self.cells.controls[c], self.cells.control_dev[c]
                n0 = len(idx)
                rows.append(idx); cols.append(np.full(n0, c)); vals.append(dev / n0 * np.sqrt(n0 / (n0 - 1)))
            cat = (lambda xs: np.concatenate(xs) if xs else np.empty(0))
            self._psi_cache["ctrl"] = (cat(rows).astype(int), cat(cols).astype(int), cat(vals))
        return self._psi_cache["ctrl"]

    def cluster_scores(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """Per-cluster scores (clusters x k) whose squares sum to the variance.

        Clustered by regency: the influence functions of :meth:`psi`. Clustered by
        province: the delete-one-province jackknife, because within a province every
        influence function is a deviation from a mean of that province and sums to zero;
        the jackknife lets regencies of a province share any shock.
        """
        A, B = self._as_matrix(A), self._as_matrix(B)
        W = A / np.where(B.sum(axis=0) > 0, B.sum(axis=0), np.inf)
        if self.cluster == "regency":
            psi = self.psi(W)
            return psi[np.any(psi != 0, axis=1)]
        if self.cluster != "province":
            raise ValueError(f"cluster must be 'regency' or 'province', got {self.cluster!r}")
        prov = self.design.province[self.items.unit]
        groups = np.unique(prov)
        G = len(groups)
        if G < 2:
            raise ValueError("clustering by province needs regencies of at least two provinces")
        tau = self.items.tau
        leave = np.empty((G, A.shape[1]))
        for gi, p in enumerate(groups):
            keep = prov != p
            den = B[keep].sum(axis=0)
            leave[gi] = np.where(den > 0, (A[keep] * tau[keep, None]).sum(axis=0) / np.where(den > 0, den, 1), np.nan)
        centred = leave - np.nanmean(leave, axis=0)
        return np.nan_to_num(centred) * np.sqrt((G - 1) / G)

    def vcov(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        scores = self.cluster_scores(A, B)
        return scores.T @ scores

    def multiplier_draws(self, A: np.ndarray, B: np.ndarray, draws: int = 4999, seed: int = 0) -> np.ndarray:
        """Rademacher multiplier draws of the estimation error (draws x k), one sign per cluster."""
        scores = self.cluster_scores(A, B)
        rng = np.random.default_rng(seed)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(draws, scores.shape[0]))
        return signs @ scores


def cells_for_region(d: Design, region: str, min_controls: int = MIN_CONTROLS) -> Cells:
    """Cells of the provinces a region lies in (all of them for ``"ID"``)."""
    provinces = None if region == NATIONAL else [province_of(region) if is_regency(region) else region]
    return within_cells(d, min_controls=min_controls, provinces=provinces)


def region_mask(d: Design, region: str) -> np.ndarray:
    if region == NATIONAL:
        return np.ones(d.n_units, bool)
    if "." in region:
        return d.units == region
    return d.province == region


def fit(d: Design, region: str, min_controls: int = MIN_CONTROLS, cluster: str = "regency",
        cells: Cells | None = None) -> WithinProvinceDiD:
    """Cells and unit-level effects for ``region`` (``"ID"``, a province or a regency code)."""
    cells = cells if cells is not None else cells_for_region(d, region, min_controls)
    mask = region_mask(d, region)
    items = treated_items(d, cells, units_mask=mask)
    return WithinProvinceDiD(design=d, cells=cells, items=items, region_units=np.unique(items.unit),
                             min_controls=min_controls, cluster=cluster)
