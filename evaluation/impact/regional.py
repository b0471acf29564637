"""The regency-year panel for the regional impact question, and the estimates on it.

A regency's ``cohort`` is the year its first center opened (0 if none has). Outcomes:
the open unemployment rate (TPT, percentage points) and the log of the mean monthly wage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .did import AggregateResult, AttGtResult, att_gt
from .power import mde_from_result
from .twfe import TwfeResult, compare_twfe_cs, twfe, twfe_event_study

OUTCOMES = {
    "unemployment_rate": "Open unemployment rate (TPT, pp)",
    "log_mean_wage": "Log mean monthly wage",
}


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


def in_region(panel: pd.DataFrame, region: str) -> pd.Series:
    from ..config import in_region as codes_in_region

    return codes_in_region(panel["regency_code"], region)


@dataclass
class RegionalImpact:
    """Callaway–Sant'Anna estimates for one outcome, with TWFE beside them and the MDE."""

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

    def summary(self) -> pd.DataFrame:
        lo, hi = self.simple.conf_int()
        return pd.DataFrame(
            [
                {"estimator": "Callaway-Sant'Anna (simple ATT)", "estimate": self.simple.att, "se": self.simple.se, "ci_low": lo, "ci_high": hi},
                {"estimator": "static TWFE", "estimate": self.twfe.att, "se": self.twfe.att_se,
                 "ci_low": self.twfe.att - 1.96 * self.twfe.att_se, "ci_high": self.twfe.att + 1.96 * self.twfe.att_se},
            ]
        ).assign(outcome=self.outcome, region=self.region, mde_80=self.mde)

    def metrics(self) -> dict:
        lo, hi = self.simple.conf_int()
        return {
            f"{self.outcome}_att": float(self.simple.att),
            f"{self.outcome}_se": float(self.simple.se),
            f"{self.outcome}_ci": [float(lo), float(hi)],
            f"{self.outcome}_mde80": float(self.mde),
            f"{self.outcome}_twfe": float(self.twfe.att),
            f"{self.outcome}_pretest_p": float(self.att.pretest().p_value) if _has_pre(self.att) else None,
        }

    def plot(self, ax=None):
        return self.event.plot(ax=ax)


def _has_pre(res: AttGtResult) -> bool:
    try:
        res.pretest()
        return True
    except Exception:
        return False


def estimate(panel: pd.DataFrame, outcome: str, region: str = "ID", control_group: str = "never_treated",
             seed: int = 0) -> RegionalImpact:
    """Effect of opening centers on a regency outcome, nationally or for one region.

    For a region, the treated regencies are those of the region and the comparison group is
    every never-treated regency of the country (a province alone has too few), so the regional
    estimate is a slice of the same design, not a different model.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {list(OUTCOMES)}, got {outcome!r}")
    data = panel
    if region != "ID":
        mask = in_region(panel, region) | (panel["cohort"] == 0)
        data = panel[mask]
        control_group = "never_treated"
    data = data[data["cohort"] != data["year"].min()]  # treated before the panel starts: no pre-period
    args = dict(outcome=outcome, time="year", unit="unit", cohort="cohort")
    res = att_gt(data, control_group=control_group, method="dr", **args)
    simple = res.aggregate("simple")
    event = res.aggregate("event")
    tw = twfe(data, **args)
    tw_event = twfe_event_study(data, **args)
    return RegionalImpact(
        outcome=outcome,
        region=region,
        att=res,
        simple=simple,
        event=event,
        twfe=tw,
        twfe_event=tw_event,
        contrast=compare_twfe_cs(tw, simple),
        mde=float(mde_from_result(simple)),
        n_regencies=int(data["regency_code"].nunique()),
        n_treated=int(data.loc[data["cohort"] > 0, "regency_code"].nunique()),
    )


CONTROL_GROUPS = ("never_treated", "not_yet_treated")


def national_estimates(panel: pd.DataFrame) -> dict[str, dict[str, RegionalImpact]]:
    """Every outcome nationally, for each comparison group; fitted once per report run."""
    return {cg: {out: estimate(panel, out, "ID", control_group=cg) for out in OUTCOMES} for cg in CONTROL_GROUPS}


def truth_check(impact: RegionalImpact, truth_att_gt: pd.DataFrame) -> pd.DataFrame:
    """Estimated ATT(g,t) beside the planted truth of the sample (truth/att_gt.csv)."""
    col = {"unemployment_rate": "att_unemployment_rate", "log_mean_wage": "att_log_mean_wage"}[impact.outcome]
    est = impact.att.summary().rename(columns={"time": "year"})
    merged = est.merge(truth_att_gt[["cohort", "year", col]], on=["cohort", "year"], how="left").rename(columns={col: "truth"})
    merged["covered"] = (merged["truth"] - merged["att"]).abs() <= 1.96 * merged["se"]
    return merged
