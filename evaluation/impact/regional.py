"""The regency-year panel for the regional impact question, and the estimates on it.

A regency's ``cohort`` is the year its first center opened (0 if none has). Outcomes:
the open unemployment rate (TPT, percentage points) and the log of the mean monthly wage.

:func:`estimate` is what a regional page reports: treated regencies compared with
regencies *of their own province* still without a center (:mod:`evaluation.impact.within`),
only where that comparison exists, with inference that holds for the number of treated
regencies at hand (analytic with many, placebo regencies with few or one:
:mod:`evaluation.impact.placebo`), a sup-t pre-trend test, sensitivity bounds for parallel
trends (:mod:`evaluation.impact.honest`) and the effect per center per 10,000 labour force.
Where nothing is identified, or inference is impossible, the result says so and why.

:func:`across_provinces` keeps the design that compares treated regencies with
comparison regencies of the whole country (Callaway and Sant'Anna exactly as R ``did``);
province trends load onto it, so it is shown only nationally, beside the within-province
estimate, as the textbook reference.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data.regions import NATIONAL
from ..formatting import Z975
from ..formatting import effect as format_effect
from ..text import has, t
from . import placebo as _placebo
from . import within as _within
from .within import Reason
from .did import AggregateResult, AttGtResult, att_gt
from .power import mde, mde_from_result
from .twfe import TwfeResult, compare_twfe_cs, twfe, twfe_event_study

OUTCOMES = {
    "unemployment_rate": "Open unemployment rate (TPT, pp)",
    "log_mean_wage": "Log mean monthly wage",
}


def outcome_label(outcome: str, language: str = "en") -> str:
    """An outcome's name as a reader sees it (:data:`OUTCOMES` in English)."""
    key = f"impact.outcome.{outcome}"
    return t(key, language) if has(key, language) else OUTCOMES.get(outcome, outcome)


#: How intervals were obtained (the labels results carry), and their catalogue keys.
_METHODS = {
    "analytic, clustered by regency": "impact.method.analytic_regency",
    "analytic, clustered by province": "impact.method.analytic_province",
    "placebo regencies": "impact.method.placebo",
    "sup-t over pre-period cells, multiplier bootstrap": "impact.method.multiplier",
}


def method_text(label: str, language: str = "en") -> str:
    """A result's inference label (``"placebo regencies"``, ...) in ``language``."""
    key = _METHODS.get(label)
    return t(key, language) if key else label


def _range(outcome: str, lo, hi, language: str) -> str:
    return t("impact.range", language, lo=format_effect(outcome, lo), hi=format_effect(outcome, hi))


def _yes_no(value, language: str):
    """A yes/no cell: the boolean itself in English (the table style writes it), words otherwise."""
    if language == "en" or value is None:
        return value
    return t("impact.yes" if value else "impact.no", language)

#: Fewest treated regencies, and fewest comparison regencies in every cell, for analytic
#: (influence-function) intervals in a region; otherwise placebo regencies. Chosen in
#: benchmarks/mc_regional.py (see benchmarks/results/mc_regional.json).
MIN_TREATED = 20
#: Sizes of the parallel-trends violations the sensitivity bounds allow (relative magnitudes).
MBAR_GRID = (0.0, 0.5, 1.0, 1.5, 2.0)


def regency_panel(centers: pd.DataFrame, regency_years: pd.DataFrame, center_years: pd.DataFrame | None = None) -> pd.DataFrame:
    """Regency-year panel with cohort, outcomes and dose (centers and trainees per 10,000 labour force)."""
    panel = regency_years.copy()
    first = centers.groupby("regency_code")["cohort"].min()
    panel["cohort"] = panel["regency_code"].map(first).fillna(0).astype(int)
    panel["unit"] = pd.factorize(panel["regency_code"], sort=True)[0] + 1
    panel["log_mean_wage"] = np.log(panel["mean_wage_idr"].astype(float))
    opened = centers.assign(n=1).pivot_table(index="regency_code", columns="cohort", values="n", aggfunc="sum", fill_value=0)
    open_by_year = opened.cumsum(axis=1)
    years = sorted(panel["year"].unique())
    open_by_year = open_by_year.reindex(columns=years).ffill(axis=1).fillna(0)
    lookup = open_by_year.stack().rename("centers_open")
    panel = panel.merge(lookup, left_on=["regency_code", "year"], right_index=True, how="left")
    panel["centers_open"] = panel["centers_open"].fillna(0).astype(int)
    panel["centers_per_10k_lf"] = panel["centers_open"] / panel["labour_force"] * 1e4
    if center_years is not None:
        trained = center_years.merge(centers[["center_id", "regency_code"]], on="center_id")
        trained = trained.groupby(["regency_code", "year"])["trainees_completed"].sum().rename("trainees_completed")
        panel = panel.merge(trained, left_on=["regency_code", "year"], right_index=True, how="left")
        panel["trainees_completed"] = panel["trainees_completed"].fillna(0).astype(int)
        panel["trainees_per_10k_lf"] = panel["trainees_completed"] / panel["labour_force"] * 1e4
    return panel.sort_values(["regency_code", "year"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------------------


@dataclass
class PreTest:
    """Sup-t test that every pre-period event-study coefficient is zero.

    The statistic is the largest ``|estimate / se|`` over pre-periods; its null
    distribution comes from the same draws as the intervals (multiplier bootstrap or
    placebo regencies), so its size does not rest on a chi-squared approximation with a
    covariance estimated from few regencies. ``computed`` is False, with the ``reason``,
    when there is nothing to test.
    """

    computed: bool
    statistic: float | None = None
    p_value: float | None = None
    periods: tuple[int, ...] = ()
    method: str = ""
    reason: str = ""
    why: Reason | None = None   # ``reason`` for a page in any language

    @classmethod
    def not_computed(cls, key: str, **kwargs) -> "PreTest":
        why = Reason.of(key)
        return cls(computed=False, reason=why.text(), why=why, **kwargs)

    def reason_text(self, language: str = "en") -> str:
        return self.reason if self.why is None or language == "en" else self.why.text(language)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"test": "sup-t over pre-periods", "statistic": self.statistic, "p_value": self.p_value,
                              "pre_periods": len(self.periods), "method": self.method,
                              "note": self.reason}])

    def text(self, language: str = "en") -> str:
        if not self.computed:
            return t("impact.pretest.not_computed", language, reason=self.reason_text(language))
        verdict = t("impact.pretest.parallel" if self.p_value >= 0.05 else "impact.pretest.diverged", language)
        n = len(self.periods)
        return t("impact.pretest.result_one" if n == 1 else "impact.pretest.result", language, n=n,
                 method=method_text(self.method, language), p=f"{self.p_value:.2f}", verdict=verdict)


@dataclass
class EventStudy:
    """Effects by years since the first center opened; e = -1 (the year before) is zero."""

    event_time: np.ndarray
    estimate: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n_treated: np.ndarray
    vcov: np.ndarray
    method: str
    outcome: str
    pretest: PreTest

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"event_time": self.event_time, "estimate": self.estimate, "se": self.se,
                             "ci_low": self.ci_low, "ci_high": self.ci_high, "treated_regencies": self.n_treated})

    def plot(self, ax=None, title: str | None = None, language: str = "en"):
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 3.8))
        else:
            fig = ax.figure
        e = np.append(self.event_time, -1)
        est = np.append(self.estimate, 0.0)
        lo = np.append(self.ci_low, 0.0)
        hi = np.append(self.ci_high, 0.0)
        order = np.argsort(e)
        e, est, lo, hi = e[order], est[order], lo[order], hi[order]
        post = e >= 0
        for mask, color, label in ((~post, "#7f7f7f", t("impact.plot.before", language)),
                                   (post, "#1f5f8b", t("impact.plot.after", language))):
            if mask.any():
                ax.errorbar(e[mask], est[mask], yerr=[est[mask] - lo[mask], hi[mask] - est[mask]], fmt="o",
                            color=color, capsize=3, label=label)
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(-0.5, color="grey", ls=":", lw=0.8)
        ax.set_xlabel(t("impact.plot.event_x", language))
        ax.set_ylabel(outcome_label(self.outcome, language))
        ax.set_title(title or t("impact.plot.event_title", language, method=method_text(self.method, language)),
                     fontsize=10, loc="left")
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        return fig


@dataclass
class Sensitivity:
    """Rambachan-Roth bounds for the first post-period and the average post-period effect."""

    first: dict = field(default_factory=dict)     # method -> SensitivityResult
    average: dict = field(default_factory=dict)
    reason: str = ""
    why: tuple = ()    # ``reason`` as Reasons, for a page in any language

    def reason_text(self, language: str = "en") -> str:
        if language == "en" or not self.why:
            return self.reason.strip()
        return " ".join(r.text(language) for r in self.why)

    @property
    def computed(self) -> bool:
        return bool(self.first or self.average)

    def summary(self) -> pd.DataFrame:
        rows = []
        for target, by_method in (("first year after opening", self.first), ("average after opening", self.average)):
            for res in by_method.values():
                table = res.summary().rename(columns={res.parameter: "size"})
                table.insert(0, "restriction", "relative magnitudes (Mbar)" if res.method == "relative_magnitudes"
                             else "smoothness (M)")
                table.insert(0, "effect", target)
                table["breakdown"] = res.breakdown
                rows.append(table)
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()

    def breakdowns(self) -> dict:
        return {f"{target}_{method}": res.breakdown for target, by in (("first", self.first), ("average", self.average))
                for method, res in by.items()}

    def plot(self, language: str = "en"):
        import matplotlib.pyplot as plt

        panels = [(t(f"impact.sensitivity.{target}", language), r)
                  for target, by in (("first", self.first), ("average", self.average)) for r in by.values()]
        fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 3.4), squeeze=False)
        for ax, (target, res) in zip(axes[0], panels):
            res.plot(ax=ax, language=language)
            ax.set_title("")
            ax.set_title(f"{target}: {t(f'impact.restriction.{res.method}', language)}", fontsize=9, loc="left")
            ax.set_ylabel(t("impact.sensitivity.ylabel", language) if ax is axes[0][0] else "")
        fig.tight_layout()
        return fig


@dataclass
class RegionalImpact:
    """What the data can say about a region's labour-market effect, and how sure.

    ``status`` is ``"estimated"`` or ``"refused"`` (then ``reason`` says why and the
    estimates are None). ``simple`` is the average effect over every identified
    regency-year after opening; ``dose`` the effect per center per 10,000 labour force;
    ``event`` the event study with its pre-trend test; ``sensitivity`` the bounds.
    ``cells`` lists every comparison of the region's province(s), identified or not, with
    the reason.
    """

    outcome: str
    region: str
    status: str
    reason: str
    inference: str | None
    cells: pd.DataFrame
    n_regencies: int
    n_treated: int
    n_treated_identified: int
    min_controls: int
    min_treated: int
    cluster: str
    simple: _within.LinearEstimate | None = None
    dose: _within.LinearEstimate | None = None
    event: EventStudy | None = None
    sensitivity: Sensitivity | None = None
    mde: float | None = None
    se_by_cluster: dict = field(default_factory=dict)
    pool_sizes: dict = field(default_factory=dict)
    trajectory: pd.DataFrame | None = None
    fewest_controls: int | None = None
    why: Reason | None = None   # ``reason`` for a page in any language

    @property
    def estimated(self) -> bool:
        return self.status == "estimated"

    def reason_text(self, language: str = "en") -> str:
        """Why there is no estimate, in ``language`` (``reason`` is the English)."""
        return self.reason if self.why is None or language == "en" else self.why.text(language)

    @property
    def pretest(self) -> PreTest | None:
        return None if self.event is None else self.event.pretest

    def identified(self) -> pd.DataFrame:
        """The region's treated cells with whether each is identified, and why not."""
        return self.cells[self.cells["region_treated"]].drop(columns="region_treated")

    def identified_years(self, language: str = "en") -> str:
        """Plain words: which years after opening the estimate covers."""
        post = self.cells[self.cells["region_treated"] & self.cells["identified"] & (self.cells["event_time"] >= 0)]
        if post.empty:
            return t("impact.years.none", language)
        e = sorted(post["event_time"].unique())
        return t("impact.years.many" if len(e) > 1 else "impact.years.one", language,
                 years=", ".join(str(x) for x in e))

    def identification(self, language: str = "en") -> pd.DataFrame:
        """One row per cohort of the region: regencies, years after opening estimated, why not more."""
        mine = self.cells[self.cells["region_treated"] & (self.cells["event_time"] >= 0)]
        rows = []
        for (p, g), grp in mine.groupby(["province_code", "cohort"]):
            ok = grp[grp["identified"]]
            missing = grp[~grp["identified"]]
            years = ok["year"].tolist()
            rows.append({
                "province_code": p, "cohort": int(g), "treated_regencies": int(grp["n_treated"].iloc[0]),
                "years_estimated": _years_text(years) if years else t("impact.none", language),
                "not_estimated_from": int(missing["year"].min()) if len(missing) else None,
                "why_not": _cell_reason(missing.sort_values("year").iloc[0], language) if len(missing) else "",
            })
        return pd.DataFrame(rows)

    def summary(self) -> pd.DataFrame:
        if not self.estimated:
            return pd.DataFrame([{"outcome": self.outcome, "region": self.region, "estimate": "not estimated",
                                  "note": self.reason}])
        rows = []
        for est in (self.simple, self.dose):
            if est is None:
                continue
            rows.append({"outcome": self.outcome, "region": self.region, "estimate": est.label, "value": est.estimate,
                         "se": est.se, "ci_low": est.ci_low, "ci_high": est.ci_high, "p_value": est.p_value,
                         "inference": est.method, "treated_regencies": est.n_treated, "regency_years": est.n_items,
                         "mde_80": self.mde if est is self.simple else None})
        return pd.DataFrame(rows)

    def metrics(self) -> dict:
        o = self.outcome
        out = {f"{o}_status": self.status, f"{o}_inference": self.inference,
               f"{o}_treated_identified": self.n_treated_identified}
        if not self.estimated:
            out[f"{o}_reason"] = self.reason
            return out
        lo, hi = self.simple.conf_int()
        out.update({
            f"{o}_att": float(self.simple.estimate), f"{o}_se": float(self.simple.se), f"{o}_ci": [float(lo), float(hi)],
            f"{o}_p": float(self.simple.p_value), f"{o}_mde80": float(self.mde),
            f"{o}_pretest_p": self.pretest.p_value if self.pretest and self.pretest.computed else None,
        })
        if self.dose is not None:
            out[f"{o}_per_center_per_10k_lf"] = float(self.dose.estimate)
            out[f"{o}_per_center_per_10k_lf_ci"] = [float(self.dose.ci_low), float(self.dose.ci_high)]
        if self.sensitivity is not None and self.sensitivity.computed:
            out.update({f"{o}_breakdown_{k}": v for k, v in self.sensitivity.breakdowns().items()})
        return out

    def plot(self, ax=None, title: str | None = None, language: str = "en"):
        """The event study; for a single regency its trajectory beside its comparison."""
        if self.trajectory is not None:
            p = self.simple.p_value if self.estimated else None
            return plot_trajectory(self.trajectory, self.outcome, title or f"{self.region}", p, ax=ax,
                                   language=language)
        if self.event is None:
            raise ValueError(f"no event study for {self.region}: {self.reason}")
        return self.event.plot(ax=ax, title=title, language=language)


# ---------------------------------------------------------------------------------------
# Estimation
# ---------------------------------------------------------------------------------------


def estimate(panel: pd.DataFrame, outcome: str, region: str = NATIONAL, *, min_controls: int = _within.MIN_CONTROLS,
             min_treated: int = MIN_TREATED, cluster: str = "auto", draws: int = 4999, seed: int = 0,
             sensitivity: bool = True, design: _within.Design | None = None,
             residuals: _placebo.Residuals | None = None, cells: _within.Cells | None = None) -> RegionalImpact:
    """Effect of opening centers on a regency outcome in ``region`` (``"ID"``, a province or a regency).

    Parameters
    ----------
    panel : output of :func:`regency_panel`.
    outcome : a key of :data:`OUTCOMES`.
    region : ``"ID"`` (every province, each compared within itself), a province ``"33"``
        or a regency ``"33.26"`` (compared with its own province's regencies).
    min_controls : fewest regencies of the province still without a center for a
        (cohort, year) comparison to count; see :mod:`evaluation.impact.within`.
    min_treated : fewest treated regencies, and fewest comparison regencies in every
        cell, for analytic intervals in a province; otherwise (and always for a regency)
        placebo-regency inference (:mod:`evaluation.impact.placebo`). The national
        estimate is always analytic (no other province is left to supply placebos).
    cluster : ``"regency"``, ``"province"`` or ``"auto"`` (analytic inference only):
        ``"auto"`` uses province clusters where the region spans several provinces and
        they widen the interval, regency clusters otherwise; both SEs are kept in
        ``se_by_cluster``.
    draws, seed : multiplier or placebo draws behind p-values, intervals and the pre-test.
    sensitivity : compute Rambachan-Roth bounds (a few seconds per region).
    design, residuals, cells : precomputed pieces for many regions of the same panel.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {list(OUTCOMES)}, got {outcome!r}")
    d = design if design is not None else _within.design(panel, outcome)
    if d.outcome != outcome:
        raise ValueError(f"design is for {d.outcome!r}, not {outcome!r}")
    if cells is None:
        cells = _within.cells_for_region(d, region, min_controls)
    mask = _within.region_mask(d, region)
    if not mask.any():
        raise ValueError(f"no regency of region {region!r} in the panel")
    fit = _within.fit(d, region, min_controls=min_controls, cells=cells)
    table = cells.table.copy()
    treated_units = np.flatnonzero(mask & (d.cohort > 0))
    region_cohorts = set(zip(d.province[treated_units], d.cohort[treated_units]))
    table["region_treated"] = [(p, g) in region_cohorts for p, g in zip(table["province_code"], table["cohort"])]
    traj = None
    if region.count(".") == 1 and len(treated_units) == 1:
        try:
            traj = trajectory(d, region, min_controls)
        except ValueError:
            traj = None
    base = dict(outcome=outcome, region=region, cells=table, n_regencies=int(mask.sum()),
                n_treated=int(len(treated_units)), min_controls=min_controls, min_treated=min_treated,
                cluster=cluster, trajectory=traj)
    post = fit.items.event_time >= 0
    n_ident = len(np.unique(fit.items.unit[post]))
    if len(treated_units) == 0:
        why = Reason.of("impact.reason.no_center")
        return RegionalImpact(status="refused", inference=None, n_treated_identified=0, reason=why.text(), why=why,
                              **base)
    if n_ident == 0:
        why = _nothing_identified(table, min_controls)
        return RegionalImpact(status="refused", inference=None, n_treated_identified=0, reason=why.text(), why=why,
                              **base)

    used_cells = np.unique(fit.items.cell)
    fewest_controls = int(cells.table["n_controls"].to_numpy()[used_cells].min())
    # influence-function intervals need many regencies on both sides of every comparison;
    # a province rarely has many without a center, so regions mostly get placebo inference
    analytic = region == NATIONAL or (region.count(".") == 0 and n_ident >= min_treated
                                      and fewest_controls >= min_treated)
    # analytic intervals need many treated regencies at each event time too; placebo draws do not
    events = [e for e in fit.event_times(min_treated=min_treated if analytic else 1) if e != -1]
    parts = [fit.parts("simple"), fit.parts("dose")] + [fit.parts("event", e) for e in events]
    A = np.column_stack([a for a, _ in parts])
    B = np.column_stack([b for _, b in parts])
    W = A / np.where(B.sum(axis=0) > 0, B.sum(axis=0), np.inf)
    est = W.T @ fit.items.tau
    n_by_event = [len(np.unique(fit.items.unit[fit.items.event_time == e])) for e in events]

    if analytic:
        method = "analytic"
        se_by = {}
        several = len(np.unique(d.province[fit.items.unit])) > 1
        for cl in ("regency", "province") if several else ("regency",):
            fit.cluster = cl
            se_by[cl] = np.sqrt(np.clip(np.diag(fit.vcov(A, B)), 0, None))
        if cluster in ("regency", "province"):
            if cluster not in se_by:
                raise ValueError(f"cluster={cluster!r} needs a region spanning several provinces")
            cl_choice = cluster
        else:
            cl_choice = "province" if "province" in se_by and se_by["province"][0] > se_by["regency"][0] else "regency"
        fit.cluster = cl_choice
        V = fit.vcov(A, B)
        se = np.sqrt(np.clip(np.diag(V), 0, None))
        sim = fit.multiplier_draws(A, B, draws=draws, seed=seed)
        lo, hi = est - Z975 * se, est + Z975 * se
        p = 2 * (1 - _norm_cdf(np.abs(est / np.where(se > 0, se, np.nan))))
        label_method = f"analytic, clustered by {cl_choice}"
        pools = {}
        se_by_cluster = {k: float(v[0]) for k, v in se_by.items()}
    else:
        method = "placebo"
        res = residuals if residuals is not None else _placebo.residuals(d)
        try:
            pd_draws = _placebo.draws(fit, W, res, n_draws=draws, seed=seed)
        except _placebo.PlaceboUnavailable as exc:
            why = Reason.of("impact.reason.no_valid_interval", detail=exc.reason)
            return RegionalImpact(status="refused", inference="placebo", n_treated_identified=n_ident,
                                  reason=why.text(), why=why, fewest_controls=fewest_controls, **base)
        sim = pd_draws.draws
        se = pd_draws.se()
        lo, hi = pd_draws.interval(est)
        p = pd_draws.p_value(est)
        V = pd_draws.vcov()
        label_method = "placebo regencies"
        pools = pd_draws.pool_sizes
        se_by_cluster = {}
        cl_choice = "placebo"

    n_units_post = n_ident
    simple = _within.LinearEstimate("average effect after opening", float(est[0]), float(se[0]), float(lo[0]),
                                    float(hi[0]), float(p[0]), method, n_units_post, int(post.sum()))
    dose = None
    if np.any(W[:, 1] != 0):
        dose = _within.LinearEstimate("effect per center per 10,000 labour force", float(est[1]), float(se[1]),
                                      float(lo[1]), float(hi[1]), float(p[1]), method, n_units_post, int(post.sum()))
    k = len(events)
    ev_idx = np.arange(2, 2 + k)
    pretest = _sup_t(np.asarray(events), est[ev_idx], se[ev_idx], sim[:, ev_idx], label_method)
    event = EventStudy(event_time=np.asarray(events, int), estimate=est[ev_idx], se=se[ev_idx], ci_low=lo[ev_idx],
                       ci_high=hi[ev_idx], n_treated=np.asarray(n_by_event, int), vcov=V[np.ix_(ev_idx, ev_idx)],
                       method=label_method, outcome=outcome, pretest=pretest)
    sens = _sensitivity(event) if sensitivity else _no_sensitivity("impact.sensitivity.not_requested")
    return RegionalImpact(status="estimated", reason="", inference=method, n_treated_identified=n_ident,
                          simple=simple, dose=dose, event=event, sensitivity=sens, mde=float(mde(simple.se)),
                          se_by_cluster=se_by_cluster, pool_sizes=pools, fewest_controls=fewest_controls,
                          **{**base, "cluster": cl_choice})


def _years_text(years) -> str:
    years = sorted(int(y) for y in years)
    runs, start = [], years[0]
    for a, b in zip(years, years[1:] + [None]):
        if b != a + 1:
            runs.append(str(start) if start == a else f"{start}-{a}")
            start = b
    return ", ".join(runs)


def _cell_reason(row, language: str) -> str:
    """Why a cell of the cells table is not identified, in ``language``."""
    why = row.get("why")
    return row["reason"] if language == "en" or not isinstance(why, Reason) else why.text(language)


def trajectory(d: _within.Design, regency: str, min_controls: int = _within.MIN_CONTROLS) -> pd.DataFrame:
    """A regency's outcome by year beside the mean of its province's regencies without a
    center in that year, both relative to the year before its first center; the comparison
    is left empty in years with fewer than ``min_controls`` such regencies."""
    k = int(np.flatnonzero(d.units == regency)[0])
    g = int(d.cohort[k])
    if g <= 0 or g - 1 not in set(d.years.tolist()):
        raise ValueError(f"regency {regency} has no year before a first center in the panel")
    b = int(np.flatnonzero(d.years == g - 1)[0])
    same = np.flatnonzero((d.province == d.province[k]) & (np.arange(d.n_units) != k))
    rows = []
    for j, year in enumerate(d.years):
        later = max(int(year), g - 1)
        comp = same[(d.cohort[same] == 0) | (d.cohort[same] > later)]
        rows.append({"year": int(year), "regency": float(d.y[k, j] - d.y[k, b]),
                     "comparison": float((d.y[comp, j] - d.y[comp, b]).mean()) if len(comp) >= min_controls else np.nan,
                     "comparison_regencies": int(len(comp))})
    return pd.DataFrame(rows).assign(cohort=g)


def plot_trajectory(traj: pd.DataFrame, outcome: str, title: str = "", p_value: float | None = None, ax=None,
                    language: str = "en"):
    """The regency's path and its comparison's, from the year before its first center."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.6))
    else:
        fig = ax.figure
    g = int(traj["cohort"].iloc[0])
    ax.plot(traj["year"], traj["regency"], marker="o", color="#1f5f8b", label=t("impact.plot.this_regency", language))
    shown = traj[traj["comparison"].notna()]
    ax.plot(shown["year"], shown["comparison"], marker="s", color="#7f7f7f", ls="--",
            label=t("impact.plot.comparison", language))
    ax.axvspan(g - 0.5, traj["year"].max() + 0.5, color="#1f5f8b", alpha=0.06, lw=0)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(t("impact.plot.trajectory_x", language))
    ax.set_ylabel(t("impact.plot.change_since", language, year=g - 1))
    note = t("impact.plot.placebo_p", language, p=f"{p_value:.2f}") if p_value is not None else ""
    ax.set_title((title or t("impact.plot.trajectory", language)) + note, fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
    fig.tight_layout()
    return fig


def describe(result: RegionalImpact, name: str | None = None, language: str = "en") -> str:
    """What a reviewer should read about one estimate, in plain words (Markdown)."""
    label = outcome_label(result.outcome, language)
    where = name or result.region
    if not result.estimated:
        return t("impact.describe.refused", language, label=label, where=where, reason=result.reason_text(language))
    s, o = result.simple, result.outcome
    lo, hi = s.conf_int()
    scope = t("impact.describe.scope_national" if result.region == NATIONAL else "impact.describe.scope_region",
              language)
    if s.method == "analytic":
        cluster = t(f"impact.cluster.{result.cluster}", language) if has(f"impact.cluster.{result.cluster}") \
            else result.cluster
        how = t("impact.describe.how_analytic", language, cluster=cluster)
    else:
        pools = list(result.pool_sizes.values())
        how = (t("impact.describe.how_placebo_pools", language, n=min(pools)) if pools
               else t("impact.describe.how_placebo", language))
    parts = [
        t("impact.describe.compared", language, label=label, where=where, n=s.n_treated, total=result.n_treated,
          scope=scope, years=result.identified_years(language)),
        t("impact.describe.average", language, estimate=format_effect(o, s.estimate), lo=format_effect(o, lo),
          hi=format_effect(o, hi), p=f"{s.p_value:.2f}", how=how),
    ]
    detectable = format_effect(o, result.mde, signed=False)
    if lo <= 0 <= hi:
        parts.append(t("impact.describe.undetectable", language, mde=detectable))
    else:
        parts.append(t("impact.describe.detectable", language, mde=detectable))
    if result.dose is not None:
        d = result.dose
        parts.append(t("impact.describe.dose", language, estimate=format_effect(o, d.estimate),
                       lo=format_effect(o, d.ci_low), hi=format_effect(o, d.ci_high)))
    parts.append(result.pretest.text(language))
    sens = result.sensitivity
    if sens is not None and sens.computed:
        rm = sens.first.get("relative_magnitudes")
        if rm is not None:
            if rm.original[0] <= 0 <= rm.original[1]:
                parts.append(t("impact.describe.sens_no_conclusion", language))
            elif rm.breakdown is None:
                parts.append(t("impact.describe.sens_holds", language, mbar=f"{rm.grid[-1]:g}"))
            else:
                parts.append(t("impact.describe.sens_breaks", language, mbar=f"{rm.breakdown:g}"))
    elif sens is not None and sens.reason:
        parts.append(t("impact.describe.sens_not_computed", language, reason=sens.reason_text(language)))
    return " ".join(parts)


def _norm_cdf(x):
    from scipy.special import ndtr

    return ndtr(x)


def _nothing_identified(table: pd.DataFrame, min_controls: int) -> Reason:
    mine = table[table["region_treated"]]
    post = mine[mine["event_time"] >= 0]
    if post.empty:
        return Reason.of("impact.reason.no_year_before")
    best = int(post["n_controls"].max())
    return Reason.of("impact.reason.too_few_controls", min_controls=min_controls, best=best)


def _sup_t(events: np.ndarray, est: np.ndarray, se: np.ndarray, sim: np.ndarray, method: str) -> PreTest:
    pre = np.flatnonzero(events < -1)
    if pre.size == 0:
        return PreTest.not_computed("impact.pretest.no_pre")
    s = se[pre]
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        return PreTest.not_computed("impact.pretest.no_spread", periods=tuple(events[pre]))
    stat = float(np.max(np.abs(est[pre] / s)))
    null = np.max(np.abs(sim[:, pre] / s[None, :]), axis=1)
    p = float((1 + np.sum(null >= stat - 1e-12)) / (1 + len(null)))
    return PreTest(computed=True, statistic=stat, p_value=p, periods=tuple(int(e) for e in events[pre]),
                   method=method)


def _sensitivity(event: EventStudy) -> Sensitivity:
    """Bounds on consecutive event times: pre-periods up to e = -2, post from e = 0."""
    from . import honest

    e = event.event_time
    pre = []
    k = -2
    while k in e:
        pre.insert(0, k)
        k -= 1
    post = []
    k = 0
    while k in e:
        post.append(k)
        k += 1
    if not pre or not post:
        return _no_sensitivity("impact.sensitivity.needs_periods")
    idx = [int(np.flatnonzero(e == k)[0]) for k in pre + post]
    beta = event.estimate[idx]
    sigma = event.vcov[np.ix_(idx, idx)]
    sigma = (sigma + sigma.T) / 2
    out = Sensitivity()
    targets = {"first": None}
    if len(post) > 1:
        targets["average"] = np.full(len(post), 1 / len(post))
    for name, l_vec in targets.items():
        store = out.first if name == "first" else out.average
        for method in ("relative_magnitudes", "smoothness"):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if method == "relative_magnitudes":
                        store[method] = honest.relative_magnitudes(beta, sigma, len(pre), len(post), mbar=MBAR_GRID,
                                                                   l_vec=l_vec, grid_points=401)
                    else:
                        store[method] = honest.smoothness(beta, sigma, len(pre), len(post), l_vec=l_vec)
            except Exception as exc:  # reported, not hidden
                out.reason += f"{name} / {method}: {exc}. "
                out.why += (Reason.of("impact.sensitivity.failed", target=Reason.of(f"impact.sensitivity.{name}"),
                                      restriction=Reason.of(f"impact.restriction.{method}")),)
    return out


def _no_sensitivity(key: str) -> Sensitivity:
    why = Reason.of(key)
    return Sensitivity(reason=why.text(), why=(why,))


# ---------------------------------------------------------------------------------------
# The across-country design (national reference, exact against R did)
# ---------------------------------------------------------------------------------------


@dataclass
class AcrossProvinces:
    """Callaway-Sant'Anna with comparison regencies from the whole country, TWFE beside it."""

    outcome: str
    region: str
    att: AttGtResult
    simple: AggregateResult
    event: AggregateResult
    twfe: TwfeResult
    twfe_event: TwfeResult
    contrast: str
    mde: float
    n_regencies: int
    n_treated: int
    control_group: str = "never_treated"

    def summary(self) -> pd.DataFrame:
        lo, hi = self.simple.conf_int()
        z = Z975
        return pd.DataFrame(
            [
                {"estimator": "Callaway-Sant'Anna (simple ATT)", "estimate": self.simple.att, "se": self.simple.se, "ci_low": lo, "ci_high": hi},
                {"estimator": "static TWFE", "estimate": self.twfe.att, "se": self.twfe.att_se,
                 "ci_low": self.twfe.att - z * self.twfe.att_se, "ci_high": self.twfe.att + z * self.twfe.att_se},
            ]
        ).assign(outcome=self.outcome, region=self.region, mde_80=self.mde)

    def contrast_text(self, language: str = "en") -> str:
        """:attr:`contrast` (TWFE against Callaway-Sant'Anna, in words) in ``language``."""
        return self.contrast if language == "en" else compare_twfe_cs(self.twfe, self.simple, language=language)

    def pretest(self) -> PreTest:
        """Sup-t test over pre-period ATT(g,t), multiplier bootstrap (replaces the Wald test,
        whose covariance from a few dozen comparison regencies made it reject far too often)."""
        pre = np.flatnonzero(self.att.time < self.att.cohort)
        se = self.att.se[pre]
        keep = pre[np.isfinite(se) & (se > 0)]
        if keep.size == 0:
            return PreTest.not_computed("impact.pretest.no_se")
        se = self.att.se[keep]
        boot = _did_pre_draws(self.att, keep)
        stat = float(np.max(np.abs(self.att.att[keep] / se)))
        null = np.max(np.abs(boot / se[None, :]), axis=1)
        return PreTest(computed=True, statistic=stat, p_value=float((1 + np.sum(null >= stat)) / (1 + len(null))),
                       periods=tuple(int(c) for c in keep), method="sup-t over pre-period cells, multiplier bootstrap")

    def metrics(self) -> dict:
        lo, hi = self.simple.conf_int()
        return {
            f"{self.outcome}_att": float(self.simple.att),
            f"{self.outcome}_se": float(self.simple.se),
            f"{self.outcome}_ci": [float(lo), float(hi)],
            f"{self.outcome}_mde80": float(self.mde),
            f"{self.outcome}_twfe": float(self.twfe.att),
            f"{self.outcome}_pretest_p": self.pretest().p_value,
        }

    def plot(self, ax=None):
        return self.event.plot(ax=ax)


def _did_pre_draws(res: AttGtResult, cols: np.ndarray, draws: int = 4999, seed: int = 0) -> np.ndarray:
    infl = res.influence[:, cols]
    rng = np.random.default_rng(seed)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(draws, infl.shape[0]))
    return signs @ infl / infl.shape[0]


def across_provinces(panel: pd.DataFrame, outcome: str, control_group: str = "never_treated") -> AcrossProvinces:
    """National Callaway-Sant'Anna (as R ``did``) with comparison regencies from every province."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {list(OUTCOMES)}, got {outcome!r}")
    data = panel[panel["cohort"] != panel["year"].min()]  # treated before the panel starts: no pre-period
    args = dict(outcome=outcome, time="year", unit="unit", cohort="cohort")
    res = att_gt(data, control_group=control_group, method="dr", **args)
    simple = res.aggregate("simple")
    tw = twfe(data, **args)
    return AcrossProvinces(
        outcome=outcome, region=NATIONAL, att=res, simple=simple, event=res.aggregate("event"), twfe=tw,
        twfe_event=twfe_event_study(data, **args), contrast=compare_twfe_cs(tw, simple),
        mde=float(mde_from_result(simple)), n_regencies=int(data["regency_code"].nunique()),
        n_treated=int(data.loc[data["cohort"] > 0, "regency_code"].nunique()), control_group=control_group,
    )


CONTROL_GROUPS = ("never_treated", "not_yet_treated")


@dataclass
class AcrossRefused:
    """The across-country design where the data cannot give it (e.g. one province's data in which
    every regency has a center: no never-treated comparison); ``reason`` says why."""

    outcome: str
    control_group: str
    reason: str
    estimated: bool = False


def _across_or_refused(panel: pd.DataFrame, outcome: str, control_group: str):
    from .did import DidInputError

    try:
        return across_provinces(panel, outcome, control_group=control_group)
    except DidInputError as exc:
        return AcrossRefused(outcome, control_group, str(exc))


def national_estimates(panel: pd.DataFrame, min_controls: int = _within.MIN_CONTROLS,
                       min_treated: int = MIN_TREATED) -> dict[str, dict]:
    """Every outcome nationally: within provinces (what the regional pages use, with the run's
    comparison thresholds) and across the country for both comparison groups (the R ``did``
    reference); fitted once per run."""
    from ..fitlog import record as record_fit
    record_fit("national_estimates")
    out: dict[str, dict] = {"within_province": {}}
    for o in OUTCOMES:
        out["within_province"][o] = estimate(panel, o, NATIONAL, min_controls=min_controls, min_treated=min_treated)
    for cg in CONTROL_GROUPS:
        out[cg] = {o: _across_or_refused(panel, o, cg) for o in OUTCOMES}
    return out


def truth_check(impact, truth_att_gt: pd.DataFrame) -> pd.DataFrame:
    """Estimated ATT(g,t) of the across-country design beside the planted truth (truth/att_gt.csv)."""
    col = {"unemployment_rate": "att_unemployment_rate", "log_mean_wage": "att_log_mean_wage"}[impact.outcome]
    est = impact.att.summary().rename(columns={"time": "year"})
    merged = est.merge(truth_att_gt[["cohort", "year", col]], on=["cohort", "year"], how="left").rename(columns={col: "truth"})
    merged["covered"] = (merged["truth"] - merged["att"]).abs() <= Z975 * merged["se"]
    return merged


def true_effect(result: RegionalImpact, regency_effects: pd.DataFrame, design: _within.Design | None = None,
                panel: pd.DataFrame | None = None) -> dict:
    """The planted effect over exactly the regency-years the estimate averages (synthetic data).

    ``regency_effects`` is ``truth/regency_effects.csv``; returns the true average effect
    and the true dose slope for the region's identified regency-years.
    """
    col = {"unemployment_rate": "effect_unemployment_rate_pp", "log_mean_wage": "effect_log_mean_wage"}[result.outcome]
    tab = result.cells
    rows = tab[tab["region_treated"] & tab["identified"] & (tab["event_time"] >= 0)]
    eff = regency_effects.set_index(["regency_code", "year"])[col]
    codes = regency_effects.assign(province_code=regency_effects["regency_code"].str.split(".").str[0])
    cohort = codes.groupby("regency_code")["cohort"].first()
    keep = []
    for r in rows.itertuples(index=False):
        members = cohort[(cohort == r.cohort)].index
        members = [m for m in members if m.split(".")[0] == r.province_code and _in(m, result.region)]
        keep.extend((m, int(r.year)) for m in members)
    if not keep:
        return {"att": None, "dose": None}
    values = eff.loc[keep].to_numpy(float)
    out = {"att": float(values.mean()), "dose": None}
    if panel is not None:
        dose = panel.set_index(["regency_code", "year"])["centers_per_10k_lf"].loc[keep].to_numpy(float)
        out["dose"] = float(values @ dose / (dose @ dose)) if (dose @ dose) > 0 else None
    return out


def _in(code: str, region: str) -> bool:
    return region == NATIONAL or code == region or code.startswith(region + ".")


# ---------------------------------------------------------------------------------------
# Page pieces (notebook 03 and 00 call these; each is one cell)
# ---------------------------------------------------------------------------------------


def estimate_region(panel: pd.DataFrame, region: str, national=None, **options) -> dict[str, RegionalImpact]:
    """Both outcomes for a region; for ``"ID"`` with the options the national stage was fitted
    with, its within-province results (``national``: :class:`evaluation.national.ImpactFits`)
    are reused."""
    if region == NATIONAL and national is not None:
        fitted = next(iter(national.within.values()))
        same = {"min_controls": fitted.min_controls, "min_treated": fitted.min_treated}
        if set(options) <= {"min_controls", "min_treated"} and all(options.get(k, v) == v for k, v in same.items()):
            return dict(national.within)
    return {o: estimate(panel, o, region, **options) for o in OUTCOMES}


def describe_all(results: dict[str, RegionalImpact], name: str, language: str = "en") -> str:
    """:func:`describe` of every outcome, one paragraph each (Markdown)."""
    return "\n\n".join(describe(r, name, language) for r in results.values())


def summary_table(results: dict[str, RegionalImpact], language: str = "en") -> pd.DataFrame:
    """One row per outcome: estimate, interval, p-value, inference, MDE, pre-test, breakdown."""
    col = (lambda name: t(f"impact.col.{name}", language))
    rows = []
    for o, r in results.items():
        row = {"outcome": outcome_label(o, language)}
        if not r.estimated:
            row.update({"estimate": t("impact.not_estimated", language), col("note"): r.reason_text(language)})
        else:
            lo, hi = r.simple.conf_int()
            rm = r.sensitivity.first.get("relative_magnitudes") if r.sensitivity else None
            row.update({
                "estimate": format_effect(o, r.simple.estimate),
                col("interval"): _range(o, lo, hi, language),
                col("p_value"): round(r.simple.p_value, 3),
                col("per_center"): format_effect(o, r.dose.estimate) if r.dose else "–",
                col("mde"): format_effect(o, r.mde, signed=False),
                col("compared"): t("impact.n_of", language, n=r.n_treated_identified, total=r.n_treated),
                col("inference"): method_text(r.event.method, language),
                col("pretest_p"): round(r.pretest.p_value, 3) if r.pretest.computed else t("impact.not_computed",
                                                                                              language),
                col("breakdown"): "–" if rm is None else (
                    t("impact.no_conclusion", language) if rm.original[0] <= 0 <= rm.original[1]
                    else (f"{rm.breakdown:g}" if rm.breakdown is not None else f"> {rm.grid[-1]:g}")),
            })
        rows.append(row)
    return pd.DataFrame(rows)


def across_table(results: dict[str, AcrossProvinces], language: str = "en") -> pd.DataFrame:
    """The across-country reference design: Callaway-Sant'Anna, TWFE, their contrast, pre-test."""
    col = (lambda name: t(f"impact.col.{name}", language))
    rows = []
    for o, r in results.items():
        if isinstance(r, AcrossRefused):
            rows.append({"outcome": outcome_label(o, language), "Callaway-Sant'Anna": t("impact.not_computed", language),
                         col("interval"): "", col("twfe"): "", col("pretest_p"): "", col("contrast"): t("impact.across.refused", language)})
            continue
        lo, hi = r.simple.conf_int()
        pre = r.pretest()
        rows.append({"outcome": outcome_label(o, language), "Callaway-Sant'Anna": format_effect(o, r.simple.att),
                     col("interval"): _range(o, lo, hi, language),
                     col("twfe"): format_effect(o, r.twfe.att),
                     col("pretest_p"): round(pre.p_value, 3) if pre.computed else t("impact.not_computed", language),
                     col("contrast"): r.contrast_text(language)})
    return pd.DataFrame(rows)


def plot_region(results: dict[str, RegionalImpact], name: str, language: str = "en"):
    """Event studies (or a regency's trajectories) side by side; None if nothing is estimated."""
    import matplotlib.pyplot as plt

    shown = {o: r for o, r in results.items() if r.estimated and (r.event is not None or r.trajectory is not None)}
    if not shown:
        return None
    fig, axes = plt.subplots(1, len(shown), figsize=(6.2 * len(shown), 4.0), squeeze=False)
    for ax, (o, r) in zip(axes[0], shown.items()):
        label = outcome_label(o, language)
        r.plot(ax=ax, title=f"{name}: {label}", language=language)
        if r.trajectory is None:
            ax.set_title(t("impact.plot.region_title", language, name=name, outcome=label,
                           method=method_text(r.event.method, language)), fontsize=9, loc="left")
    fig.tight_layout()
    return fig


def plot_sensitivity(results: dict[str, RegionalImpact], outcome: str = "unemployment_rate", language: str = "en"):
    """Rambachan-Roth bounds of one outcome; None if they were not computed."""
    r = results.get(outcome)
    if r is None or not r.estimated or r.sensitivity is None or not r.sensitivity.computed:
        return None
    return r.sensitivity.plot(language=language)


def why_no_figure(results: dict[str, RegionalImpact], what: str = "estimate", language: str = "en") -> str:
    """The reason shown where a figure cannot be drawn."""
    for r in results.values():
        if not r.estimated:
            return r.reason_text(language)
        if what == "sensitivity" and (r.sensitivity is None or not r.sensitivity.computed):
            reason = r.sensitivity.reason_text(language) if r.sensitivity else t("impact.figure.no_event_study",
                                                                                 language)
            return t("impact.figure.sens_not_computed", language, reason=reason)
    return t("impact.figure.nothing", language)


def sensitivity_table(results: dict[str, RegionalImpact], outcome: str = "unemployment_rate",
                      points: int = 5, language: str = "en") -> pd.DataFrame | None:
    """The bounds of one outcome in a readable size: every M-bar value of the relative
    magnitudes, and ``points`` values of M spread over the smoothness grid."""
    r = results.get(outcome)
    if r is None or not r.estimated or r.sensitivity is None or not r.sensitivity.computed:
        return None
    col = (lambda name: t(f"impact.col.{name}", language))
    rows = []
    for target, by in (("opening_year", r.sensitivity.first), ("average_after", r.sensitivity.average)):
        for method, res in by.items():
            keep = np.arange(len(res.grid)) if method == "relative_magnitudes" else \
                np.unique(np.linspace(0, len(res.grid) - 1, points).round().astype(int))
            for k in keep:
                rows.append({col("effect"): t(f"impact.sens.{target}", language),
                             col("restriction"): t("impact.sens.rm_at" if method == "relative_magnitudes"
                                                   else "impact.sens.sd_at", language, value=f"{res.grid[k]:.3g}"),
                             col("set"): _range(outcome, res.lower[k], res.upper[k], language),
                             col("includes_zero"): _yes_no(bool(res.covers_zero[k]), language)})
    return pd.DataFrame(rows)


def truth_table(results: dict[str, RegionalImpact], regency_effects: pd.DataFrame, panel: pd.DataFrame,
                language: str = "en") -> pd.DataFrame:
    """Estimates beside the planted effect over the same regency-years (synthetic data only)."""
    col = (lambda name: t(f"impact.col.{name}", language))
    rows = []
    for o, r in results.items():
        if not r.estimated:
            rows.append({"outcome": outcome_label(o, language), "estimate": None, col("truth"): None,
                         col("covered"): None, col("note"): r.reason_text(language)})
            continue
        truth = true_effect(r, regency_effects, panel=panel)
        lo, hi = r.simple.conf_int()
        covered = bool(lo <= truth["att"] <= hi) if truth["att"] is not None else None
        rows.append({"outcome": outcome_label(o, language), "estimate": r.simple.estimate, "ci_low": lo, "ci_high": hi,
                     col("truth"): truth["att"], col("covered"): _yes_no(covered, language),
                     col("dose_estimate"): r.dose.estimate if r.dose else None, col("dose_truth"): truth["dose"]})
    return pd.DataFrame(rows)


def planted_truth_table(results: dict[str, RegionalImpact], data_dir, panel: pd.DataFrame, language: str = "en"):
    """:func:`truth_table` against the sample's ``truth/regency_effects.csv``; for real data,
    the sentence saying there is no planted truth."""
    from pathlib import Path

    path = Path(data_dir) / "truth" / "regency_effects.csv"
    if not path.exists():
        from IPython.display import Markdown

        return Markdown(t("truth.none", language))
    return truth_table(results, pd.read_csv(path, dtype={"regency_code": str}), panel, language)


def metrics(results: dict[str, RegionalImpact], prefix: str) -> dict:
    return {f"{prefix}_{k}": v for r in results.values() for k, v in r.metrics().items()}


def short(result: RegionalImpact, language: str = "en") -> str:
    """One line: the estimate with its interval, or that there is none."""
    o = result.outcome
    if not result.estimated:
        return t("headline.not_identified", language)
    lo, hi = result.simple.conf_int()
    return t("impact.short", language, estimate=format_effect(o, result.simple.estimate), lo=format_effect(o, lo),
             hi=format_effect(o, hi))


def headline_text(national: RegionalImpact, local: RegionalImpact | None, name: str, language: str = "en") -> str:
    """The labour-market paragraph of the regional summary (notebook 00), in plain words."""
    o = national.outcome
    label = t("impact.headline.tpt" if o == "unemployment_rate" else "impact.headline.wage", language)
    parts = [t("impact.headline.national", language, label=label, short=short(national, language),
               mde=format_effect(o, national.mde, signed=False))]
    if local is None or local.region == NATIONAL:
        return parts[0]
    if local.estimated:
        how = t("impact.headline.how_placebo" if local.inference == "placebo" else "impact.headline.how_analytic",
                language)
        parts.append(t("impact.headline.local", language, name=name, short=short(local, language),
                       years=local.identified_years(language), n=local.n_treated_identified, total=local.n_treated,
                       how=how, mde=format_effect(o, local.mde, signed=False)))
    else:
        parts.append(t("impact.headline.refused", language, name=name, reason=local.reason_text(language)))
    parts.append(t("impact.headline.zero", language))
    return " ".join(parts)
