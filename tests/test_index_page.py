"""The index a reviewer opens first: fits a desktop and a phone, sorts and filters, shows a map."""

from __future__ import annotations

import html
import re

import pytest

from evaluation.data.regions import regions_for
from evaluation.report import index as index_mod
from evaluation.report import screenshots

NOTEBOOKS = ["00_regional_summary", "01_data_quality", "02_center_outcomes", "03_regional_impact",
             "04_trainee_income", "05_independence_risk"]


def run_manifest(regions, status=lambda r, nb: "ok"):
    tasks = [{"region": r, "notebook": nb, "status": status(r, nb), "html": f"{r}/{nb}.html", "ipynb": f"{r}/{nb}.ipynb",
              "warnings": ["no figure in plotting cell 7"] if (r, nb) == (regions[0], NOTEBOOKS[3]) else []}
             for r in regions for nb in NOTEBOOKS]
    return {"run_name": "33-regency", "regions": regions, "notebooks": NOTEBOOKS, "tasks": tasks,
            "parameters": {"data_dir": "/somewhere/else/data/sample"}, "options": {"language": "en"}}


def headline(i: int) -> dict:
    return {"name": f"Kabupaten Number {i}", "open_centers": 10 + i, "high_risk_open": i % 7,
            "headline": {"centers": f"{100 + i:,}", "mandiri": f"{10 + i % 9}%",
                         "open centers in the national top 200 for risk": f"{i % 7} of {10 + i}",
                         "training effect on monthly income (national)": "Rp 401,675",
                         "effect on regency TPT (national)": "-0.01 pp (MDE 0.13)",
                         "effect on regency TPT (this region)": "+0.07 pp (95% interval -0.59 pp to +0.75 pp)"}}


@pytest.fixture(scope="module")
def jateng_index(tmp_path_factory):
    regions = regions_for("33", "regency")
    manifest = run_manifest(regions, status=lambda r, nb: "failed" if (r, nb) == (regions[1], NOTEBOOKS[4]) else "ok")
    metrics = {(r, "00_regional_summary"): headline(i) for i, r in enumerate(regions)}
    out = tmp_path_factory.mktemp("index")
    page = index_mod.render_index(manifest, metrics)
    (out / "index.html").write_text(page, encoding="utf-8")
    return out / "index.html", page, regions


def test_one_row_per_region_with_sortable_headline_columns(jateng_index):
    _, page, regions = jateng_index
    rows = re.findall(r"<tr data-search=", page)
    assert len(rows) == len(regions) == 35
    headers = re.findall(r'<th data-type="(\w+)"', page)
    assert headers[0] == "text" and headers.count("num") == 6
    # sort keys are the numbers shown first: "Rp 401,675" -> 401675, "3 of 13" -> 3
    assert 'data-value="401675"' in page and 'data-value="-0.01"' in page
    assert '<input id="filter"' in page
    # one compact badge per notebook and region, a failed one marked
    assert page.count('class="badge ok"') == 35 * 6 - 2
    assert page.count('class="badge failed"') == 1 and page.count('class="badge warning"') == 1


def test_the_script_is_static_and_names_are_escaped():
    hostile = "<script>alert(1)</script>"
    manifest = run_manifest(["33.01"])
    page = index_mod.render_index(manifest, {("33.01", "00_regional_summary"): {"name": hostile, "headline": {hostile: hostile}}})
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert scripts == [index_mod._SCRIPT]
    assert hostile not in page and html.escape(hostile) in page
    # the machine's own paths are not shown
    assert "/somewhere/else" not in page and "sample" in page


def test_a_run_of_many_regions_has_a_map(jateng_index):
    _, page, _ = jateng_index
    assert re.search(r'<figure class="map"><img alt="[^"]+" src="data:image/png;base64,', page)
    assert "coloured by the share of its open centers" in page


@pytest.mark.skipif(screenshots.browser() is None, reason="no headless Chromium (the Makefile installs Debian's chromium)")
@pytest.mark.parametrize("width", screenshots.WIDTHS)
def test_the_index_fits_a_desktop_and_a_phone(jateng_index, width):
    path, _, _ = jateng_index
    assert screenshots.overflow(path, width) == 0


@pytest.mark.skipif(screenshots.browser() is None, reason="no headless Chromium (the Makefile installs Debian's chromium)")
def test_the_overflow_check_can_fail(tmp_path):
    wide = tmp_path / "wide.html"
    wide.write_text('<html><body><div style="width:2000px">x</div></body></html>')
    assert screenshots.overflow(wide, 1280) > 600
