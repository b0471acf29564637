"""After a plain ``pip install .`` into a fresh environment, ``blkk report`` runs from any folder:
notebooks and data ship in the package, and a kernel for the interpreter is registered on the fly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from evaluation.config import PROJECT_ROOT

pytestmark = [pytest.mark.cli, pytest.mark.slow]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("fresh") / "v"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    done = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "-c", str(PROJECT_ROOT / "constraints.txt"),
                           str(PROJECT_ROOT)], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return env_dir


def _blkk(env_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH")}
    env["PATH"] = "/usr/bin:/bin"  # nothing of the project's own environment on the path
    return subprocess.run([str(env_dir / "bin" / "blkk"), *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=1800)


def test_report_runs_from_any_folder_after_pip_install(installed, tmp_path):
    done = _blkk(installed, tmp_path, "report", "--scope", "33.26", "--notebooks", "01,03", "--no-progress")
    assert done.returncode == 0, done.stderr[-3000:]
    run = tmp_path / "reports" / "33.26"
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["summary"]["ok"] == 2
    # the kernel runs the installed interpreter, and the package was read from the install
    assert str(installed) in json.dumps(manifest["kernel"]) or manifest["kernel"]["name"].startswith("blkk")
    assert "site-packages" not in (run / "33.26" / "03_regional_impact.html").read_text()  # no machine paths shown
    nb = json.loads((run / "33.26" / "01_data_quality.ipynb").read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"  # opens in a stock JupyterLab

    # the same run in Bahasa Indonesia, compared with the previous one
    again = _blkk(installed, tmp_path, "report", "--scope", "33.26", "--notebooks", "01,03", "--no-progress",
                  "--language", "id", "--compare-to", str(run))
    assert again.returncode == 0, again.stderr[-3000:]
    index = (tmp_path / "reports" / "33.26-id" / "index.html").read_text()
    assert 'lang="id"' in index and "Yang berubah sejak eksekusi" in index
    assert 'href="../33.26/index.html"' in index  # the switch to the English report of the scope
    assert 'href="../33.26-id/index.html"' in (run / "index.html").read_text()
    assert sys.executable not in index
