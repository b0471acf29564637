"""Center outcomes: training volume, completion, certification, placement, own revenue, stage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.schema import STAGES

RATES = {
    "completion_rate": ("trainees_completed", "trainees_enrolled"),
    "certification_rate": ("trainees_certified", "trainees_completed"),
    "placement_rate": ("placed", "trainees_completed"),
    "own_revenue_share": ("own_revenue_idr", "operating_cost_idr"),
}


def center_year_outcomes(center_years: pd.DataFrame, centers: pd.DataFrame) -> pd.DataFrame:
    """Center-years with age, attributes and the outcome rates (ratios, 0–1)."""
    attrs = centers[["center_id", "regency_code", "province_code", "host_type", "vocation", "cohort"]]
    df = center_years.merge(attrs, on="center_id", how="left", validate="many_to_one")
    df["age"] = df["year"] - df["cohort"] + 1
    df["placed"] = df["alumni_employed"] + df["alumni_self_employed"]
    df["packages"] = df["packages_apbn"] + df["packages_self_funded"]
    for rate, (num, den) in RATES.items():
        df[rate] = np.where(df[den] > 0, df[num] / df[den].where(df[den] > 0), np.nan)
    return df


def outcomes_by(df: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Totals and pooled rates by a grouping (year, age, vocation, host type, …).

    Rates are pooled (sum of numerators over sum of denominators), so large centers weigh
    as much as the trainees they train.
    """
    sums = df.groupby(by).agg(
        centers=("center_id", "nunique"),
        packages=("packages", "sum"),
        self_funded_packages=("packages_self_funded", "sum"),
        trainees_enrolled=("trainees_enrolled", "sum"),
        trainees_completed=("trainees_completed", "sum"),
        trainees_certified=("trainees_certified", "sum"),
        placed=("placed", "sum"),
        own_revenue_idr=("own_revenue_idr", "sum"),
        operating_cost_idr=("operating_cost_idr", "sum"),
    )
    for rate, (num, den) in RATES.items():
        sums[rate] = (sums[num] / sums[den].where(sums[den] > 0)).round(3)
    sums["mandiri_share"] = df.assign(m=df["stage"].eq("mandiri")).groupby(by)["m"].mean().round(3)
    return sums.reset_index()


def stage_by_age(df: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Share of centers in each stage by age (years since opening) in a given year."""
    year = int(df["year"].max()) if year is None else year
    snap = df[df["year"] == year]
    tab = pd.crosstab(snap["age"], snap["stage"], normalize="index").mul(100).round(1)
    tab = tab.reindex(columns=list(STAGES), fill_value=0.0)
    tab["centers"] = snap.groupby("age").size()
    return tab.reset_index()


#: The columns a reader needs, as published (rates in per cent: ``*_pct``); headers from the
#: catalogue (``col.*``).
READABLE = {
    "centers": "centers",
    "packages": "packages",
    "self_funded_packages": "self_funded_packages",
    "trainees_enrolled": "trainees_enrolled",
    "completion_rate": "completed_pct",
    "certification_rate": "certified_pct",
    "placement_rate": "placed_pct",
    "own_revenue_share": "own_revenue_pct",
    "mandiri_share": "mandiri_pct",
}


def readable(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """The columns a reader needs, rates as percentages, indexed by the grouping."""
    out = table[[by, *READABLE]].rename(columns=READABLE).set_index(by)
    for col in ("completed_pct", "certified_pct", "placed_pct", "own_revenue_pct", "mandiri_pct"):
        out[col] = (out[col] * 100).round(1)
    return out


def table(df: pd.DataFrame, by: str, min_cell: int, latest_year: bool = False) -> pd.DataFrame:
    """Outcomes by a grouping as a reader reads them (the latest year only, largest groups
    first, with ``latest_year``), counts of people below ``min_cell`` suppressed (and what
    would reveal them)."""
    from .report.privacy import suppress_small_cells

    if latest_year:
        df = df[df["year"] == df["year"].max()]
    grouped = outcomes_by(df, by)
    if latest_year:
        grouped = grouped.sort_values("centers", ascending=False)
    return suppress_small_cells(readable(grouped, by), ["trainees_enrolled"], min_cell)


def counts_text(name: str, local, df: pd.DataFrame, language: str = "en") -> str:
    """The region's size in one line: centers and center-years."""
    from .text import t

    return t("outcomes.counts", language, name=name, centers=f"{len(local.centers):,}", center_years=f"{len(df):,}")


def metrics(df: pd.DataFrame, centers: int) -> dict:
    """What the center-outcomes page publishes: the latest year's rates (shares, 0-1)."""
    by_year = outcomes_by(df, "year")
    last = by_year.iloc[-1]
    return {"centers": int(centers), "year": int(last["year"]), "completion_rate": float(last["completion_rate"]),
            "placement_rate": float(last["placement_rate"]), "own_revenue_share": float(last["own_revenue_share"]),
            "mandiri_share": float(last["mandiri_share"])}
