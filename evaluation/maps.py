"""Maps a reader takes in faster than a table of codes: kab/kota as filled shapes.

Each kab/kota is drawn as its boundary (``data/reference/regency_boundaries.geojson``, simplified
from GitHub ``cahyadsn/wilayah_boundaries``, MIT; see ``SOURCES.md`` and
:mod:`evaluation.boundaries`), filled by a number, grey where it has none; around a province,
the neighbouring provinces in a lighter grey. No latitude/longitude axes: a colour bar says in
words what the colour means, with its unit. Plain matplotlib (one ``PathCollection`` per layer,
no GIS library); static images that work offline.

* :func:`regency_values` gathers, per regency of a region, the numbers a province page maps:
  centers per 10,000 labour force, the share of its open centers in the high risk band, and
  the regency's own labour-market estimate where one is identified.
* :func:`plot_regencies` draws one panel per number, with a colour bar and a legend.
* :func:`plot_regions` draws the regions of a report run (the index page), by status or by a
  headline number.
* :func:`page_map` is the map of a province (or national) page.

Every visible text comes from the catalogue (``map.*`` in :mod:`evaluation.text`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from evaluation import boundaries
from evaluation.data.regions import NATIONAL, in_region, is_regency, region_name
from evaluation.text import section

_CMAPS = {"centers_per_10k_lf": "viridis", "high_share": "OrRd", "tpt_estimate": "RdBu_r"}
#: Part of each colour map used: the palest end of a sequential map would read as "no value".
_CMAP_RANGE = {"high_share": (0.2, 1.0), "value": (0.2, 1.0)}
NO_VALUE = "#b3b3b3"     # a kab/kota of the map's region without a value
CONTEXT = "#ececec"      # a kab/kota outside the map's region (neighbouring provinces)
EDGE = "#d4d4d4"         # between kab/kota (light grey: pale neighbours stay apart)
OUTLINE = "#3a3a3a"      # around the map's province(s)


def regency_points(region: str) -> pd.DataFrame:
    """Regencies of a province (or all of them for ``"ID"``, or one) with name and coordinates."""
    from evaluation.data.reference import load_regencies

    reg = load_regencies()
    reg = reg[in_region(reg["regency_code"], region)]
    return reg[["regency_code", "province_code", "name", "lat", "lon"]].reset_index(drop=True)


def regency_values(dataset, region: str, risk=None, estimates: bool = True, *, min_controls: int | None = None,
                   min_treated: int | None = None) -> pd.DataFrame:
    """Per regency of ``region``: centers per 10k labour force (latest year), share of open
    centers in the high band (from a fitted :class:`~evaluation.risk.RiskResult`) and the
    regency's TPT estimate where identified (``estimates``; placebo inference, a second or two
    per province), with the run's comparison thresholds (defaults when None)."""
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
        thresholds = {k: v for k, v in (("min_controls", min_controls), ("min_treated", min_treated)) if v is not None}
        cells = within.cells_for_region(d, region, thresholds.get("min_controls", within.MIN_CONTROLS))
        for i, code in enumerate(pts["regency_code"]):
            if pts.at[i, "centers"] == 0:
                continue
            r = regional.estimate(panel, "unemployment_rate", code, design=d, residuals=res, sensitivity=False,
                                  draws=999, cells=cells, **thresholds)
            if r.estimated:
                pts.at[i, "tpt_estimate"] = r.simple.estimate
                pts.at[i, "tpt_identified"] = True
    return pts


# --------------------------------------------------------------------------- drawing


@lru_cache(maxsize=None)
def _path(code: str):
    """The kab/kota as one compound matplotlib ``Path`` (all islands, holes), or ``None``."""
    from matplotlib.path import Path

    shape = boundaries.shapes().get(code)
    if shape is None:
        return None
    vertices = np.concatenate(shape.rings)
    kinds = np.full(len(vertices), Path.LINETO, dtype=Path.code_type)
    start = 0
    for ring in shape.rings:
        kinds[start] = Path.MOVETO
        kinds[start + len(ring) - 1] = Path.CLOSEPOLY
        start += len(ring)
    return Path(vertices, kinds)


def _cmap(name: str, key: str):
    import matplotlib
    from matplotlib.colors import ListedColormap

    cmap = matplotlib.colormaps[name]
    lo, hi = _CMAP_RANGE.get(key, (0.0, 1.0))
    if (lo, hi) != (0.0, 1.0):
        cmap = ListedColormap(cmap(np.linspace(lo, hi, 256)), name=f"{name}_part")
    return cmap.with_extremes(bad=NO_VALUE)


def _norm(finite: np.ndarray):
    """Colour scale over the values given (a constant value gets a unit-wide scale)."""
    from matplotlib.colors import Normalize

    if not len(finite):
        return Normalize(0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    return Normalize(lo, hi if hi > lo else lo + 1.0)


def _view(codes, points: pd.DataFrame | None = None, margin: float = 0.04) -> tuple:
    """The box to show: around the kab/kota ``codes`` (or the points), with a margin."""
    box = boundaries.bounds(codes)
    if points is not None and len(points):  # places without a shape (none today) still fit
        lon, lat = points["lon"].astype(float), points["lat"].astype(float)
        pbox = (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))
        box = pbox if box is None else (min(box[0], pbox[0]), min(box[1], pbox[1]), max(box[2], pbox[2]),
                                        max(box[3], pbox[3]))
    if box is None:
        return (94.0, -11.5, 141.5, 6.5)
    x0, y0, x1, y1 = box
    w, h = max(x1 - x0, 0.3), max(y1 - y0, 0.3)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _context_codes(view: tuple, exclude) -> list[str]:
    """Kab/kota outside ``exclude`` whose box meets the view: the neighbours drawn in light grey."""
    x0, y0, x1, y1 = view
    skip = set(exclude)
    return [c for c, s in boundaries.shapes().items()
            if c not in skip and s.bounds[0] < x1 and s.bounds[2] > x0 and s.bounds[1] < y1 and s.bounds[3] > y0]


def _layer(ax, codes, *, values=None, cmap=None, norm=None, face=None, edge=None, width=0.3, zorder=1, gid=None):
    """One ``PathCollection`` of kab/kota shapes: coloured by ``values`` or filled with ``face``."""
    from matplotlib.collections import PathCollection

    pairs = [(p, i) for i, p in enumerate(map(_path, codes)) if p is not None]
    if not pairs:
        return None
    coll = PathCollection([p for p, _ in pairs], edgecolors=edge or EDGE, linewidths=width, zorder=zorder)
    if values is not None:
        coll.set_array(np.asarray(values, dtype=float)[[i for _, i in pairs]])
        coll.set_cmap(cmap)
        coll.set_norm(norm)
    else:
        coll.set_facecolor(face)
    coll.set_gid(gid)
    ax.add_collection(coll, autolim=False)
    return coll


@lru_cache(maxsize=256)
def _outline_path(codes: tuple):
    """The outline of a group of kab/kota as one ``Path`` of separate strokes (``None`` if empty)."""
    from matplotlib.path import Path

    segments = boundaries.outline(codes)
    if not len(segments):
        return None
    kinds = np.tile(np.array([Path.MOVETO, Path.LINETO], dtype=Path.code_type), len(segments))
    return Path(segments.reshape(-1, 2), kinds)


def _outline(ax, groups, color=OUTLINE, width=0.6, zorder=4) -> None:
    """The outlines of groups of kab/kota (provinces), as thin lines."""
    from matplotlib.collections import PathCollection

    paths = [p for p in (_outline_path(tuple(sorted(g))) for g in groups) if p is not None]
    if paths:
        ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=color, linewidths=width, zorder=zorder,
                                         capstyle="round", joinstyle="round"), autolim=False)


def _missing_points(ax, points: pd.DataFrame, has_shape, colors, zorder=5) -> None:
    """Places without a shape (none in the reference data today) as points, so nothing is lost."""
    lone = ~has_shape
    if lone.any():
        ax.scatter(points.loc[lone, "lon"], points.loc[lone, "lat"], s=18, c=[colors[i] for i in np.flatnonzero(lone)],
                   edgecolors="#333333", linewidths=0.4, zorder=zorder)


def _frame(ax, view: tuple) -> None:
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def _layout(n: int, view: tuple, stacked: bool, width: float, title: bool, text: float = 7.5):
    """A figure of ``n`` map panels (side by side, or one above the other), each with room below
    for its colour bar, the bar's label and a legend. Returns ``(fig, [(map_ax, bar_ax, legend_at),
    ...])``, ``legend_at`` the figure point (fractions) where the legend's top centre goes; the room
    below grows with the size of the text (``text``, points)."""
    import matplotlib.pyplot as plt

    aspect = (view[3] - view[1]) / (view[2] - view[0])
    map_h = float(np.clip(width * aspect, 1.6, 1.25 * width))
    map_w = map_h / aspect if width * aspect > 1.25 * width else width
    k = text / 7.5
    top, head, foot, gap, side = (0.4 if title else 0.1), 0.3, 1.05 * k, 0.3, 0.15
    block_h, block_w = head + map_h + foot, max(map_w, width)
    fig_w = 2 * side + (block_w if stacked else n * block_w + (n - 1) * gap)
    fig_h = top + (n * block_h if stacked else block_h)
    fig = plt.figure(figsize=(fig_w, fig_h))
    panels = []
    for i in range(n):
        left = side + (0 if stacked else i * (block_w + gap))
        bottom = fig_h - top - (i + 1 if stacked else 1) * block_h
        map_ax = fig.add_axes([(left + (block_w - map_w) / 2) / fig_w, (bottom + foot) / fig_h, map_w / fig_w, map_h / fig_h])
        bar_w = min(block_w * 0.8, 4.5)
        bar_ax = fig.add_axes([(left + (block_w - bar_w) / 2) / fig_w, (bottom + foot - 0.32 * k) / fig_h,
                               bar_w / fig_w, 0.11 * k / fig_h])
        legend_at = ((left + block_w / 2) / fig_w, (bottom + foot - 0.72 * k) / fig_h)
        panels.append((map_ax, bar_ax, legend_at))
    return fig, panels


def _colorbar(fig, coll, bar_ax, label: str, *, percent: bool = False, extend: str = "neither", text: float = 7.5):
    from matplotlib.ticker import PercentFormatter

    bar = fig.colorbar(coll, cax=bar_ax, orientation="horizontal", extend=extend)
    bar.set_label(label, fontsize=text)
    bar.ax.tick_params(labelsize=text - 0.5, length=2)
    bar.outline.set_linewidth(0.4)
    if percent:
        bar.ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    return bar


def _legend(fig, entries, at: tuple, text: float = 7.0) -> None:
    """Swatches explaining the greys, under the colour bar's label."""
    from matplotlib.patches import Patch

    if entries:
        handles = [Patch(facecolor=face, edgecolor="#999999", linewidth=0.4, label=text) for face, text in entries]
        fig.legend(handles=handles, loc="upper center", bbox_to_anchor=at, bbox_transform=fig.transFigure,
                   ncol=len(handles), fontsize=text, frameon=False, handlelength=1.2, handleheight=0.9,
                   columnspacing=1.2, borderaxespad=0.0, borderpad=0.0)


def plot_regencies(values: pd.DataFrame, columns=("centers_per_10k_lf", "high_share", "tpt_estimate"),
                   title: str = "", language: str = "en", context: bool = True):
    """One choropleth panel per number: each kab/kota of ``values`` filled by its value, grey
    where it has none; ``context``: the kab/kota around the region (neighbouring provinces) in
    light grey. A map of the whole country puts its panels one above the other."""
    from matplotlib.colors import Normalize

    labels = section("map", language)
    columns = [c for c in columns if c in values and values[c].notna().any()]
    if not columns:
        return None
    codes = values["regency_code"].astype(str).tolist()
    provinces = sorted({c.split(".")[0] for c in codes})
    has_shape = np.array([_path(c) is not None for c in codes])
    view = _view(codes, values.loc[~has_shape, ["lat", "lon"]])
    wide = (view[2] - view[0]) / (view[3] - view[1]) > 2.5  # a country-wide map
    around = _context_codes(view, codes) if context and not wide else []
    fig, panels = _layout(len(columns), view, stacked=wide, width=10.0 if wide else 4.2, title=bool(title))
    width = 0.08 if wide else 0.25
    for (ax, bar_ax, legend_at), col in zip(panels, columns):
        v = values[col].astype(float).to_numpy()
        has = ~np.isnan(v)
        extend = "neither"
        if col == "tpt_estimate":
            lim = float(np.nanmax(np.abs(v))) or 1.0
            norm = Normalize(-lim, lim)
        elif col == "centers_per_10k_lf" and has.sum() > 20:
            hi = float(np.nanpercentile(v, 95))  # a few tiny regencies would flatten the rest
            norm = Normalize(float(np.nanmin(v)), hi)
            extend = "max" if np.nanmax(v) > hi else "neither"
        else:
            norm = _norm(v[has])
        cmap = _cmap(_CMAPS[col], col)
        _layer(ax, around, face=CONTEXT, width=width, zorder=1, gid="context")
        _layer(ax, [c for c, h in zip(codes, has) if not h], face=NO_VALUE, width=width, zorder=2, gid="no_value")
        coll = _layer(ax, [c for c, h in zip(codes, has) if h], values=v[has], cmap=cmap, norm=norm, width=width,
                      zorder=3, gid="values")
        _outline(ax, [tuple(c for c in codes if c.startswith(p + ".")) for p in provinces],
                 width=0.25 if wide else 0.7)
        _missing_points(ax, values, has_shape, [cmap(norm(x)) if h else NO_VALUE for x, h in zip(v, has)])
        _frame(ax, view)
        ax.set_title(labels[col], fontsize=9, loc="left")
        _colorbar(fig, coll, bar_ax, labels["legend." + col], percent=col == "high_share", extend=extend)
        entries = [(NO_VALUE, labels["no_value." + col])] if (~has).any() else []
        if around:
            entries.append((CONTEXT, labels["context_province"]))
        _legend(fig, entries, legend_at)
    if title:
        fig.suptitle(title, fontsize=10, x=0.01, y=1 - 0.08 / fig.get_figheight(), ha="left", va="top")
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


def region_members(region: str) -> list[str]:
    """The kab/kota codes a region covers: itself, a province's kab/kota, or all for ``"ID"``."""
    shapes = boundaries.shapes()
    if is_regency(region):
        return [region] if region in shapes else []
    if region == NATIONAL:
        return list(shapes)
    return [c for c, s in shapes.items() if s.province_code == region]


def plot_regions(points: pd.DataFrame, value: str | None, label: str, title: str = "", language: str = "en"):
    """The regions of a run (``points``: ``region``, and ``lat``/``lon`` of :func:`run_points`)
    as their kab/kota shapes, filled by ``value`` (grey where missing), the rest of the map in
    light grey; ``label`` names the colour (shown under the colour bar). A value between 0 and
    1 is a share and is written as a percent."""
    import matplotlib

    matplotlib.use("Agg", force=False)

    labels = section("map", language)
    v = points[value].astype(float).to_numpy() if value else np.full(len(points), np.nan)
    members = [region_members(str(r)) for r in points["region"]]
    codes = [c for m in members for c in m]
    of = np.repeat(np.arange(len(points)), [len(m) for m in members])  # region of each kab/kota
    has_shape = np.array([len(m) > 0 for m in members], dtype=bool)
    view = _view(codes, points.loc[~has_shape, ["lat", "lon"]] if len(points) else None)
    text = 9.0  # the index shows the image at 80 dpi, smaller than a page's map
    fig, panels = _layout(1, view, stacked=True, width=8.0, title=bool(title), text=text)
    ax, bar_ax, legend_at = panels[0]
    wide = (view[2] - view[0]) / (view[3] - view[1]) > 2.5
    width = 0.08 if wide else 0.2
    has = ~np.isnan(v)
    cmap = _cmap("OrRd", "value")
    finite = v[has]
    norm = _norm(finite)
    code_has = has[of] if len(codes) else np.zeros(0, dtype=bool)
    around = _context_codes(view, codes)
    _layer(ax, around, face=CONTEXT, width=width, zorder=1, gid="context")
    _layer(ax, [c for c, h in zip(codes, code_has) if not h], face=NO_VALUE, width=width, zorder=2, gid="no_value")
    coll = _layer(ax, [c for c, h in zip(codes, code_has) if h], values=v[of][code_has] if len(codes) else [],
                  cmap=cmap, norm=norm, width=width, zorder=3, gid="values")
    # a province (or the country) of the run: its outline, so neighbouring regions stay apart
    _outline(ax, [tuple(m) for r, m in zip(points["region"], members) if not is_regency(str(r)) and m],
             width=0.5 if wide else 0.7)
    _missing_points(ax, points, has_shape, [cmap(norm(x)) if h else NO_VALUE for x, h in zip(v, has)])
    _frame(ax, view)
    if title:
        fig.suptitle(title, fontsize=10, x=0.01, y=1 - 0.08 / fig.get_figheight(), ha="left", va="top")
    percent = bool(len(finite)) and finite.min() >= 0 and finite.max() <= 1
    if coll is not None:
        _colorbar(fig, coll, bar_ax, label, percent=percent, text=text)
    else:
        bar_ax.set_axis_off()
    entries = [(NO_VALUE, labels["no_value"])] if (~has).any() else []
    if around:
        entries.append((CONTEXT, labels["context_run"]))
    _legend(fig, entries, legend_at, text=text - 0.5)
    return fig


def page_map(dataset, region: str, risk=None, language: str = "en", save_to: str | None = None, **thresholds):
    """The map of a province (or national) page: ``(figure, "")``, or ``(None, reason)``.

    ``save_to``: also write the image there (the report run puts it beside the page, and the
    index of a one-region run shows it). ``thresholds``: ``min_controls``/``min_treated`` of the
    regency estimates (the run's, as on page 03).
    """
    if is_regency(region):
        return None, section("map", language)["regency_page"]
    values = regency_values(dataset, region, risk, estimates=region != NATIONAL, **thresholds)

    fig = plot_regencies(values, title=region_name(region), language=language)
    if fig is None:
        return None, section("map", language)["nothing_to_map"]
    if save_to:
        from pathlib import Path

        Path(save_to).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(save_to, dpi=90, bbox_inches="tight")
    return fig, ""
