"""Same data, parameters and seed give the same numbers, whatever the parallelism."""

from __future__ import annotations

import pytest

from evaluation.config import NOTEBOOK_DIR
from evaluation.report.runner import run_report

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]


def test_metrics_identical_across_runs_and_jobs(small_sample, tmp_path):
    notebooks = [NOTEBOOK_DIR / "02_center_outcomes.ipynb", NOTEBOOK_DIR / "05_independence_risk.ipynb"]
    params = {"data_dir": str(small_sample)}
    first = run_report(notebooks, ["33", "34"], params, tmp_path / "a", "run", jobs=1, progress=False)
    second = run_report(notebooks, ["33", "34"], params, tmp_path / "b", "run", jobs=2, progress=False)
    assert first.ok and second.ok, [t.error for t in first.failed + second.failed]
    for region in ("33", "34"):
        a = (first.path / region / "metrics.json").read_bytes()
        b = (second.path / region / "metrics.json").read_bytes()
        assert a == b, f"metrics of region {region} differ between --jobs 1 and --jobs 2"
        assert b'"auc"' in a  # the risk metrics are part of what is compared
        register = f"05_independence_risk.risk_register_{region}.csv"
        assert (first.path / region / register).read_bytes() == (second.path / region / register).read_bytes()
        assert (second.path / region / f"05_independence_risk.risk_register_{region}.xlsx").stat().st_size > 0
    manifest = (second.path / "manifest.json").read_text()
    assert ".tmp-" not in manifest  # no temporary paths leak into what is published
