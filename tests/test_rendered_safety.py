"""What a reviewer's browser receives: names from the data are text, never markup or script."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from evaluation.config import NOTEBOOK_DIR
from evaluation.report.runner import run_report

pytestmark = pytest.mark.notebooks

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def evil_report(small_sample, tmp_path_factory):
    data = tmp_path_factory.mktemp("evil") / "data"
    shutil.copytree(small_sample, data)
    import pandas as pd

    centers = pd.read_csv(data / "centers.csv", dtype=str, keep_default_na=False)
    centers.loc[centers["province_code"] == "34", "center_name"] = EVIL
    centers.to_csv(data / "centers.csv", index=False)
    result = run_report([NOTEBOOK_DIR / "00_regional_summary.ipynb"], ["34"], {"data_dir": str(data)},
                        tmp_path_factory.mktemp("out"), "evil", progress=False)
    assert result.ok, [t.error for t in result.failed]
    return result


def test_center_names_are_escaped(evil_report):
    page = (evil_report.path / "34" / "00_regional_summary.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert EVIL not in page


def _browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_index_and_page_render_in_a_browser(evil_report, tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("no headless Chromium on this machine (the Makefile installs Debian's chromium where it can)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    index = evil_report.path / "index.html"
    dom = subprocess.run([browser, *flags, "--dump-dom", index.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "00_regional_summary" in dom and "34" in dom
    assert 'href="34/00_regional_summary.html"' in dom
    page = evil_report.path / "34" / "00_regional_summary.html"
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    # the name is shown as text in the table, and no script element carries it
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert EVIL not in dom
    shot = tmp_path / "index.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,900", index.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 5000
