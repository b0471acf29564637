"""A full Jawa Tengah run publishes the pinned numbers, and regional pages never refit a
national model.

``golden/metrics_33.json`` is the ``metrics.json`` of a full run of scope 33 on the sample
(all six notebooks), pinned before the notebooks were reduced to one call per cell and the
national stage became one typed object. Only names changed since then, to carry their
units (:data:`RENAMED`), and the regional summary's headline now stores its number beside
its text; every value must be the same. When a deliberate change moves a number (a new
sample, a corrected estimator), re-pin the file from a fresh run and say why in the commit.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from evaluation.config import SAMPLE_DIR

GOLDEN = Path(__file__).parent / "golden" / "metrics_33.json"
#: Metric names that gained their unit (``*_pct`` is per cent, ``*_share`` a fraction 0-1).
RENAMED = {
    "00_regional_summary": {"mandiri_share": "mandiri_pct", "trainee_income_att": "trainee_income_att_idr",
                            "trainee_employment_att": "trainee_employment_att_share",
                            "tpt_att_national": "tpt_att_national_pp", "tpt_mde80_national": "tpt_mde80_national_pp",
                            "tpt_att_region": "tpt_att_region_pp"},
    "01_data_quality": {"mandiri_share_last_year": "mandiri_pct_last_year"},
}
#: Every national fit, once per run (names given to :func:`evaluation.fitlog.record`).
NATIONAL_FITS = {"fit_national", "national_estimates", "national_effects", "fit_risk", "kaplan_meier", "cox_model",
                 "nsw_benchmark"}
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")

pytestmark = [pytest.mark.slow, pytest.mark.cli]


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in _NUMBER.findall(text)]


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
        return numeric and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def differences(golden: dict, metrics: dict) -> list[str]:
    out = []
    for notebook, pinned in golden.items():
        renamed = RENAMED.get(notebook, {})
        expected = {renamed.get(k, k): v for k, v in pinned.items()}
        got = metrics.get(notebook, {})
        for key in sorted(set(expected) | set(got)):
            a, b = expected.get(key, "<missing>"), got.get(key, "<missing>")
            if key == "headline" and isinstance(a, dict) and isinstance(b, dict):
                if list(a) != list(b):
                    out.append(f"{notebook}.headline labels {list(a)} != {list(b)}")
                for label in a:
                    shown = b.get(label, "")
                    text = shown.get("text", "") if isinstance(shown, dict) else str(shown)
                    if numbers(a[label]) != numbers(text)[:len(numbers(a[label]))]:
                        out.append(f"{notebook}.headline[{label}]: {a[label]!r} != {text!r}")
            elif not same(a, b):
                out.append(f"{notebook}.{key}: {a!r} != {b!r}")
    return out


def test_the_comparison_can_fail():
    golden = json.loads(GOLDEN.read_text())
    assert differences(golden, json.loads(json.dumps(golden).replace('"mandiri_share"', '"mandiri_pct"')
                                          .replace('"mandiri_share_last_year"', '"mandiri_pct_last_year"')))
    moved = json.loads(GOLDEN.read_text())
    moved["03_regional_impact"]["region_unemployment_rate_att"] += 1e-6
    assert any("region_unemployment_rate_att" in d for d in differences(golden, moved))


@pytest.fixture(scope="module")
def jateng_run(tmp_path_factory, blkk_exe, project_env):
    """``blkk report`` for Jawa Tengah and one of its regencies, every national fit logged."""
    out = tmp_path_factory.mktemp("golden")
    log = out / "fits.log"
    env = {**project_env, "BLKK_FIT_LOG": str(log)}
    proc = subprocess.run([*blkk_exe, "report", "--regions", "33", "33.26", "--data-dir", str(SAMPLE_DIR),
                           "--out", str(out), "--run", "r", "--jobs", "2", "--no-progress"],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out / "r", log


def test_a_full_jawa_tengah_run_publishes_the_pinned_numbers(jateng_run):
    run, _ = jateng_run
    metrics = json.loads((run / "33" / "metrics.json").read_text())
    assert differences(json.loads(GOLDEN.read_text()), metrics) == []


def test_every_national_model_is_fitted_once_per_run(jateng_run):
    run, log = jateng_run
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    counts = Counter(name for name, _ in lines)
    assert counts == {name: 1 for name in NATIONAL_FITS}, counts
    assert len({pid for _, pid in lines}) == 1  # all in the runner's national stage, none in a notebook kernel
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["execution"]["national_fit"]["fitted"] is True
    assert {t["status"] for t in manifest["tasks"]} == {"ok"} and len(manifest["tasks"]) == 12


def test_the_fit_log_sees_fits_inside_a_notebook_kernel(tmp_path, project_env):
    """The control for the test above: a notebook run by hand (no ``fit_dir``) fits the
    national stage in its kernel, and the log records it from there."""
    import papermill

    log = tmp_path / "fits.log"
    os.environ["BLKK_FIT_LOG"] = str(log)
    try:
        from evaluation.config import KERNEL_NAME, NOTEBOOK_DIR

        papermill.execute_notebook(NOTEBOOK_DIR / "05_independence_risk.ipynb", tmp_path / "out.ipynb",
                                   parameters={"region": "33.26", "data_dir": str(SAMPLE_DIR)}, progress_bar=False,
                                   kernel_name=KERNEL_NAME, cwd=str(NOTEBOOK_DIR))
    finally:
        os.environ.pop("BLKK_FIT_LOG")
    lines = [line.split("\t") for line in log.read_text().splitlines()]
    assert Counter(name for name, _ in lines) == {name: 1 for name in NATIONAL_FITS}
    assert {pid for _, pid in lines} != {str(os.getpid())}
