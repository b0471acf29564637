"""Maps with real kab/kota boundaries: the shipped polygons and the choropleths drawn from them."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from evaluation import boundaries, maps  # noqa: E402
from evaluation.data.reference import load_regencies  # noqa: E402
from evaluation.data.regions import regions_for  # noqa: E402
from evaluation.text import CATALOGUES, section  # noqa: E402

#: kab/kota whose point in regencies.csv lies outside its boundary box (+0.5 degree): Mamberamo
#: Tengah's point there (-2.46, 138.45) lies in Kabupaten Sarmi (91.10); its polygon holds the
#: source's own point for it (-3.59, 139.02) and matches its reference area.
POINT_OFF = {"95.05"}


@pytest.fixture(scope="module")
def regencies() -> pd.DataFrame:
    return load_regencies()


@pytest.fixture(scope="module")
def jateng() -> pd.DataFrame:
    """Values for the 35 kab/kota of Jawa Tengah, without the slow placebo estimates."""
    values = maps.regency_points("33")
    rng = np.random.default_rng(7)
    values["labour_force"] = rng.uniform(2e5, 1e6, len(values))
    values["centers_per_10k_lf"] = rng.uniform(0, 0.6, len(values))
    values["high_share"] = rng.uniform(0, 0.6, len(values))
    values["tpt_estimate"] = rng.normal(0, 0.4, len(values))
    values.loc[values["regency_code"] == "33.26", ["high_share", "tpt_estimate"]] = np.nan
    return values


def _collections(ax, gid):
    return [c for c in ax.collections if c.get_gid() == gid]


def _drawn(ax, gids=("values", "no_value")) -> list:
    return [p for g in gids for c in _collections(ax, g) for p in c.get_paths()]


# --------------------------------------------------------------------------- the file


def test_the_file_has_exactly_the_514_codes_of_regencies_csv(regencies):
    with open(boundaries.BOUNDARIES_FILE, encoding="utf-8") as f:
        collection = json.load(f)
    ids = [feat["id"] for feat in collection["features"]]
    assert len(ids) == len(set(ids)) == 514
    assert set(ids) == set(regencies["regency_code"])
    assert all(feat["properties"]["regency_code"] == feat["id"] for feat in collection["features"])
    assert all(feat["geometry"]["type"] == "MultiPolygon" for feat in collection["features"])
    assert set(boundaries.shapes()) == set(regencies["regency_code"])
    src = boundaries.source()
    assert src["repository"] == "cahyadsn/wilayah_boundaries" and "MIT" in src["licence"]
    assert len(src["commit"]) == 40


def test_the_file_is_small_and_keeps_islands():
    assert boundaries.BOUNDARIES_FILE.stat().st_size < 2_000_000
    shapes = boundaries.shapes()
    assert all(s.parts >= 1 and len(s.rings[0]) >= 4 for s in shapes.values())
    # archipelagic kab/kota keep their islands
    assert shapes["21.01"].parts > 10 and shapes["81.01"].parts > 5 and shapes["31.01"].parts >= 2
    # Kota Magelang sits in a hole of Kabupaten Magelang: exterior counter-clockwise, hole clockwise
    def signed(r):
        return 0.5 * float(np.sum(r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1]))
    assert signed(shapes["33.71"].rings[0]) > 0
    assert any(signed(r) < 0 and np.allclose(np.sort(r[:-1], axis=0), np.sort(shapes["33.71"].rings[0][:-1], axis=0))
               for r in shapes["33.08"].rings)


def test_each_shape_contains_the_reference_point_of_its_kab_kota(regencies):
    """Catches latitude and longitude swapped (the source writes [lat, lng])."""
    shapes = boundaries.shapes()
    off = set()
    for r in regencies.itertuples(index=False):
        x0, y0, x1, y1 = shapes[r.regency_code].bounds
        if not (x0 - 0.5 <= r.lon <= x1 + 0.5 and y0 - 0.5 <= r.lat <= y1 + 0.5):
            off.add(r.regency_code)
    assert off <= POINT_OFF, sorted(off - POINT_OFF)
    # and the boxes are in longitude/latitude order: Indonesia lies between 94-142 E and 11 S-6 N
    boxes = np.array([s.bounds for s in shapes.values()])
    assert boxes[:, 0].min() > 94 and boxes[:, 2].max() < 142 and boxes[:, 1].min() > -12 and boxes[:, 3].max() < 7


def test_the_point_check_can_fail(regencies):
    """The check above would catch a swap: with lat/lng swapped no box holds its point."""
    shapes = boundaries.shapes()
    hits = 0
    for r in regencies.head(50).itertuples(index=False):
        y0, x0, y1, x1 = shapes[r.regency_code].bounds  # read the box the wrong way round
        hits += x0 - 0.5 <= r.lon <= x1 + 0.5 and y0 - 0.5 <= r.lat <= y1 + 0.5
    assert hits == 0


def test_a_province_outline_is_its_coast_and_border():
    codes = [c for c, s in boundaries.shapes().items() if s.province_code == "34"]
    seg = boundaries.outline(codes)
    inner = boundaries.outline(["34.71"])  # Kota Yogyakarta: inland, all its edges shared with neighbours
    assert len(seg) > 50 and len(inner) > 3
    # no edge of Kota Yogyakarta lies on the outline of its province
    keys = {tuple(np.round(s.ravel(), 4)) for s in seg} | {tuple(np.round(s[::-1].ravel(), 4)) for s in seg}
    assert not any(tuple(np.round(s.ravel(), 4)) in keys for s in inner)


# --------------------------------------------------------------------------- the maps


def test_a_map_of_jawa_tengah_fills_its_35_regencies_without_axes(jateng):
    fig = maps.plot_regencies(jateng, title="Jawa Tengah")
    try:
        fig.canvas.draw()  # colours are mapped when drawn
        panels = [ax for ax in fig.axes if _collections(ax, "values")]
        assert len(panels) == 3
        for ax in panels:
            assert len(_drawn(ax)) == 35
            assert not ax.axison
            assert ax.get_xlabel() == "" and ax.get_ylabel() == ""
            assert len(ax.get_xticklabels()) == 0 or not ax.xaxis.get_visible() or not ax.axison
            # filled: an opaque face per kab/kota
            faces = _collections(ax, "values")[0].get_facecolors()
            assert len(faces) == len(_collections(ax, "values")[0].get_paths()) and (faces[:, 3] == 1).all()
            # the neighbouring provinces in light grey for context, none of Jawa Tengah's own
            (context,) = _collections(ax, "context")
            assert to_hex(context.get_facecolor()[0]) == maps.CONTEXT
            assert len(context.get_paths()) > 5
            assert not set(map(id, context.get_paths())) & set(map(id, _drawn(ax)))
            assert ax.get_aspect() == 1.0
    finally:
        plt.close(fig)


def test_a_regency_without_a_value_is_grey(jateng):
    fig = maps.plot_regencies(jateng, columns=("high_share",))
    try:
        ax = next(ax for ax in fig.axes if _collections(ax, "values"))
        (grey,) = _collections(ax, "no_value")
        assert to_hex(grey.get_facecolor()[0]) == maps.NO_VALUE
        assert [id(p) for p in grey.get_paths()] == [id(maps._path("33.26"))]
        assert id(maps._path("33.26")) not in {id(p) for p in _collections(ax, "values")[0].get_paths()}
    finally:
        plt.close(fig)


def _texts(fig) -> str:
    fig.canvas.draw()  # tick labels are written when drawn
    out = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return "\n".join(out)


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_legends_come_from_the_catalogue(jateng, language):
    labels = section("map", language)
    fig = maps.plot_regencies(jateng, title="Jawa Tengah", language=language)
    try:
        text = _texts(fig)
        for col in ("centers_per_10k_lf", "high_share", "tpt_estimate"):
            assert labels[col] in text and labels["legend." + col] in text
        assert labels["no_value.high_share"] in text and labels["context_province"] in text
        other = section("map", "id" if language == "en" else "en")
        assert other["legend.high_share"] not in text and other["context_province"] not in text
        assert "latitude" not in text and "longitude" not in text
    finally:
        plt.close(fig)


def test_catalogue_keys_match_in_both_languages():
    keys = {lang: {k for k in CATALOGUES[lang] if k.startswith("map.")} for lang in ("en", "id")}
    assert keys["en"] == keys["id"]
    assert {"map.legend.centers_per_10k_lf", "map.no_value", "map.context_run"} <= keys["en"]


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_index_map_of_provinces_fills_each_province(language):
    regions = ["33", "34", "35", "51"]
    pts = maps.run_points(regions)
    pts["value"] = [0.1, np.nan, 0.3, 0.2]
    fig = maps.plot_regions(pts, "value", "share of open centers at high risk", language=language)
    try:
        ax = next(ax for ax in fig.axes if _collections(ax, "values"))
        n = {r: sum(s.province_code == r for s in boundaries.shapes().values()) for r in regions}
        assert len(_collections(ax, "values")[0].get_paths()) == n["33"] + n["35"] + n["51"]
        assert len(_collections(ax, "no_value")[0].get_paths()) == n["34"]
        assert not ax.axison
        text = _texts(fig)
        assert section("map", language)["no_value"] in text and "share of open centers at high risk" in text
        assert "30%" in text  # a share is written as a percent
    finally:
        plt.close(fig)


def test_the_index_map_of_regencies_and_a_national_map():
    pts = maps.run_points(regions_for("33", "regency"))
    pts["value"] = np.linspace(0, 0.5, len(pts))
    fig = maps.plot_regions(pts, "value", "label")
    try:
        ax = next(ax for ax in fig.axes if _collections(ax, "values"))
        assert len(_drawn(ax)) == 35
    finally:
        plt.close(fig)
    national = maps.regency_points("ID")
    national["labour_force"] = 1e5
    national["centers_per_10k_lf"] = np.random.default_rng(1).uniform(0, 1, len(national))
    fig = maps.plot_regencies(national, columns=("centers_per_10k_lf",), title="Indonesia")
    try:
        ax = next(ax for ax in fig.axes if _collections(ax, "values"))
        assert len(_drawn(ax)) == 514 and not _collections(ax, "context")
    finally:
        plt.close(fig)


def test_nothing_to_map_and_regency_pages():
    empty = maps.regency_points("33").assign(centers_per_10k_lf=np.nan, labour_force=np.nan)
    assert maps.plot_regencies(empty, columns=("centers_per_10k_lf",)) is None
    fig, why = maps.page_map(None, "33.26", language="id")
    assert fig is None and why == section("map", "id")["regency_page"]
