"""The command line as a user meets it: exit codes, messages, never a traceback."""

from __future__ import annotations

import json
import subprocess

import pytest

pytestmark = pytest.mark.cli


def run(cmd, env, cwd=None):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=900)


def test_validate_sample_exits_0(blkk_exe, project_env, sample_dir):
    out = run([*blkk_exe, "validate", str(sample_dir)], project_env)
    assert out.returncode == 0, out.stderr
    assert "4,282 centers" in out.stdout
    assert "OK" in out.stdout


def test_validate_malformed_exits_1_naming_file_and_column(blkk_exe, project_env, broken):
    df = broken.frame("center_years")
    df.loc[0, "trainees_enrolled"] = "lima"
    broken.write("center_years", df)
    out = run([*blkk_exe, "validate", str(broken.path)], project_env)
    assert out.returncode == 1
    assert "center_years.csv, column 'trainees_enrolled'" in out.stderr
    assert "line 2" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_validate_missing_folder(blkk_exe, project_env, tmp_path):
    out = run([*blkk_exe, "validate", str(tmp_path / "nowhere")], project_env)
    assert out.returncode == 1 and "does not exist" in out.stderr
    assert "Traceback" not in out.stderr


def test_report_refuses_bad_data_and_writes_nothing(blkk_exe, project_env, broken, tmp_path):
    df = broken.frame("centers")
    df.loc[0, "host_type"] = "gereja?"
    broken.write("centers", df)
    out_dir = tmp_path / "reports"
    out = run([*blkk_exe, "report", "--data-dir", str(broken.path), "--out", str(out_dir)], project_env)
    assert out.returncode == 1
    assert "centers.csv, column 'host_type'" in out.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())
    assert "Traceback" not in out.stderr


def test_report_unknown_region(blkk_exe, project_env, small_sample, tmp_path):
    out = run([*blkk_exe, "report", "--scope", "99", "--data-dir", str(small_sample), "--out", str(tmp_path)], project_env)
    assert out.returncode == 2 and "unknown region code" in out.stderr


@pytest.mark.notebooks
def test_report_writes_html_and_index(blkk_exe, project_env, small_sample, tmp_path):
    out_dir = tmp_path / "reports"
    out = run(
        [*blkk_exe, "report", "--scope", "33", "--notebooks", "01", "--data-dir", str(small_sample), "--out", str(out_dir)],
        project_env,
    )
    assert out.returncode == 0, out.stderr
    run_dir = out_dir / "33"
    assert (run_dir / "index.html").exists()
    html = (run_dir / "33" / "01_data_quality.html").read_text()
    assert "Data quality" in html
    assert "check_parameters" not in html  # code hidden by default
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["tasks"][0]["status"] == "ok"
