"""Maps a reader takes in faster than a table of codes: regencies as points.

No regency boundary file with a licence compatible with the project ships with it, so
regencies are drawn as points at their reference coordinates (``data/reference/regencies.csv``,
see ``SOURCES.md``), sized by labour force and coloured by a number. Static images: they
work offline and weigh a few tens of kilobytes.

* :func:`regency_values` gathers, per regency of a region, the numbers a province page maps:
  centers per 10,000 labour force, the share of its open centers in the high risk band, and
  the regency's own labour-market estimate where one is identified.
* :func:`plot_regencies` draws one panel per number, with a legend and a caption.
* :func:`plot_regions` draws the regions of a report run (the index page), by status or by a
  headline number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.data.regions import NATIONAL, in_region, is_regency, region_name
from evaluation.text import section

_CMAPS = {"centers_per_10k_lf": "viridis", "high_share": "OrRd", "tpt_estimate": "RdBu_r"}


def regency_points(region: str) -> pd.DataFrame:
    """Regencies of a province (or all of them for ``"ID"``, or one) with name and coordinates."""
    from evaluation.data.reference import load_regencies

    reg = load_regencies()
    reg = reg[in_region(reg["regency_code"], region)]
    return reg[["regency_code", "province_code", "name", "lat", "lon"]].reset_index(drop=True)


def regency_values(dataset, region: str, risk=None, estimates: bool = True) -> pd.DataFrame:
    """Per regency of ``region``: centers per 10k labour force (latest year), share of open
    centers in the high band (from a fitted :class:`~evaluation.risk.RiskResult`) and the
    regency's TPT estimate where identified (``estimates``; placebo inference, a second or two
    per province)."""
    from evaluation.impact import placebo, regional, within

    pts = regency_points(region)
    ry = dataset.regency_years
    last = ry[ry["year"] == ry["year"].max()].set_index("regency_code")
    counts = dataset.centers.groupby("regency_code").size()
    lf = last["labour_force"].reindex(pts["regency_code"]).to_numpy(float)
    pts["labour_force"] = lf
    pts["centers"] = counts.reindex(pts["regency_code"]).fillna(0).to_numpy(int)
    pts["centers_per_10k_lf"] = pts["centers"] / lf * 1e4
    pts["high_share"] = np.nan
    if risk is not None:
        reg = risk.register_for(region)
        by = reg.groupby("regency_code")["risk_band"]
        share = by.apply(lambda b: float((b == "high").mean()))
        pts["high_share"] = share.reindex(pts["regency_code"]).to_numpy(float)
    pts["tpt_estimate"] = np.nan
    pts["tpt_identified"] = False
    if estimates and region != NATIONAL:
        panel = regional.regency_panel(dataset.centers, dataset.regency_years)
        d = within.design(panel, "unemployment_rate")
        res = placebo.residuals(d)
        cells = within.cells_for_region(d, region)
        for i, code in enumerate(pts["regency_code"]):
            if pts.at[i, "centers"] == 0:
                continue
            r = regional.estimate(panel, "unemployment_rate", code, design=d, residuals=res, sensitivity=False,
                                  draws=999, cells=cells)
            if r.estimated:
                pts.at[i, "tpt_estimate"] = r.simple.estimate
                pts.at[i, "tpt_identified"] = True
    return pts


def plot_regencies(values: pd.DataFrame, columns=("centers_per_10k_lf", "high_share", "tpt_estimate"),
                   title: str = "", language: str = "en"):
    """One panel per number; grey hollow points where a regency has no value."""
    import matplotlib.pyplot as plt

    labels = section("map", language)
    columns = [c for c in columns if c in values and values[c].notna().any()]
    if not columns:
        return None
    lon_span = max(float(values["lon"].max() - values["lon"].min()), 0.5)
    lat_span = max(float(values["lat"].max() - values["lat"].min()), 0.5)
    wide = lon_span / lat_span > 2.5  # a country-wide map: panels one above the other
    if wide:
        width = 10.0
        fig, axes = plt.subplots(len(columns), 1, figsize=(width, len(columns) * (width * lat_span / lon_span + 1.4)),
                                 squeeze=False)
        axes = axes[:, 0]
    else:
        fig, axes = plt.subplots(1, len(columns), figsize=(4.4 * len(columns), 4.0), squeeze=False)
        axes = axes[0]
    size = (8 if wide else 20) + (60 if wide else 180) * np.sqrt(values["labour_force"].fillna(0)
                                                                 / max(values["labour_force"].max(), 1))
    for ax, col in zip(axes, columns):
        v = values[col].astype(float)
        has = v.notna()
        ax.scatter(values.loc[~has, "lon"], values.loc[~has, "lat"], s=size[~has], facecolors="none",
                   edgecolors="#9e9e9e", linewidths=0.8, label="no value" if language != "id" else "tidak ada nilai")
        kwargs = {}
        if col == "tpt_estimate":
            lim = float(np.nanmax(np.abs(v))) if has.any() else 1.0
            kwargs = {"vmin": -lim, "vmax": lim}
        elif col == "centers_per_10k_lf" and has.sum() > 20:
            kwargs = {"vmax": float(np.nanpercentile(v, 95))}  # a few tiny regencies would flatten the rest
        pts = ax.scatter(values.loc[has, "lon"], values.loc[has, "lat"], c=v[has], s=size[has], cmap=_CMAPS[col],
                         edgecolors="#333333", linewidths=0.4, **kwargs)
        fig.colorbar(pts, ax=ax, shrink=0.6, orientation="horizontal", pad=0.12 if not wide else 0.18, aspect=40)
        ax.set_aspect("equal", adjustable="box")
        ax.tick_params(labelsize=7)
        ax.set_title(labels[col], fontsize=9, loc="left")
        if (~has).any():
            ax.legend(fontsize=7, frameon=False, loc="best")
    if title:
        fig.suptitle(title, fontsize=10, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def run_points(regions: list[str]) -> pd.DataFrame:
    """Coordinates of a run's regions: a regency at its point, a province at its capital."""
    from evaluation.data.reference import load_provinces, load_regencies

    reg = load_regencies().set_index("regency_code")
    prov = load_provinces().set_index("province_code")
    lat_col = "lat" if "lat" in prov.columns else next(c for c in prov.columns if "lat" in c)
    lon_col = "lon" if "lon" in prov.columns else next(c for c in prov.columns if "lon" in c)
    rows = []
    for r in regions:
        if r in reg.index:
            rows.append({"region": r, "name": reg.at[r, "name"], "lat": reg.at[r, "lat"], "lon": reg.at[r, "lon"]})
        elif r in prov.index:
            rows.append({"region": r, "name": prov.at[r, "name"], "lat": prov.at[r, lat_col], "lon": prov.at[r, lon_col]})
    return pd.DataFrame(rows, columns=["region", "name", "lat", "lon"])


def plot_regions(points: pd.DataFrame, value: str | None, label: str, title: str = ""):
    """The regions of a run as points, coloured by ``value`` (grey where missing)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.2))
    v = points[value].astype(float) if value else pd.Series(np.nan, index=points.index)
    has = v.notna()
    ax.scatter(points.loc[~has, "lon"], points.loc[~has, "lat"], s=40, facecolors="none", edgecolors="#9e9e9e")
    if has.any():
        pts = ax.scatter(points.loc[has, "lon"], points.loc[has, "lat"], c=v[has], s=60, cmap="OrRd",
                         edgecolors="#333333", linewidths=0.4)
        fig.colorbar(pts, ax=ax, shrink=0.8, label=label)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def page_map(dataset, region: str, risk=None, language: str = "en", save_to: str | None = None):
    """The map of a province (or national) page: ``(figure, "")``, or ``(None, reason)``.

    ``save_to``: also write the image there (the report run puts it beside the page, and the
    index of a one-region run shows it).
    """
    if is_regency(region):
        return None, section("map", language)["regency_page"]
    values = regency_values(dataset, region, risk, estimates=region != NATIONAL)

    fig = plot_regencies(values, title=region_name(region), language=language)
    if fig is None:
        return None, section("map", language)["nothing_to_map"]
    if save_to:
        from pathlib import Path

        Path(save_to).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(save_to, dpi=90, bbox_inches="tight")
    return fig, ""
