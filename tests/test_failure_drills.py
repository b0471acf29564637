"""Failure drills for a report run: a failing notebook, and a run killed or interrupted mid-way.

``tests/test_report_runner.py`` already covers, with kernels: one notebook failing while
the others complete (status and error in the manifest and the index page), a timeout
recorded as ``"timeout"``, and a ``KeyboardInterrupt`` injected between tasks. The drills
here add what it leaves open:

- `blkk report` itself exits non-zero and names the failed task when a notebook fails,
  while the rest of the report is still published;
- a real run in another process, stopped after its first task has finished while its second
  is surely under way (the held fixture waits for a file that never comes, so the drill never
  races the machine's speed): by SIGINT (Ctrl-C, worker processes running) or by SIGKILL (no
  chance to clean up). The earlier report of the same name and other reports stay
  byte-identical; after SIGINT no hidden folder is left; after SIGKILL a stale
  ``.<run>.tmp-*`` may remain, and the next run still publishes a complete report that
  contains nothing from it;
- a worker that dies in the middle of a run (its process killed, with the process pool and
  with a real Dask ``LocalCluster``): its notebook is run again, or reported failed with the
  reason when it kills every worker it runs on; the other regions finish and the report that
  was there before stays as it was until the complete new one replaces it.
"""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaluation import cli
from evaluation.report import manifest as manifest_mod
from evaluation.report import runner as runner_mod
from evaluation.report.runner import TaskResult, run_report

#: Full report runs: the complete suite (`make check`), not the newcomer's (`make test`).
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
OK, HELD, KILLS = FIXTURES / "ok.ipynb", FIXTURES / "held.ipynb", FIXTURES / "kills_worker.ipynb"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fake_execute(task, options):
    """Stands in for papermill: tiny outputs; a notebook whose name starts with 02 fails in region 34."""
    task.out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(task.notebook).stem
    ipynb, page = task.out_dir / f"{stem}.ipynb", task.out_dir / f"{stem}.html"
    ipynb.write_text("{}", encoding="utf-8")
    page.write_text(f"<p>{html.escape(task.region)} {stem}</p>", encoding="utf-8")
    if stem.startswith("02") and task.region == "34":
        return TaskResult(task.notebook, task.region, "failed", "ValueError: planted drill failure", 0.01, {}, page, ipynb, 3)
    return TaskResult(task.notebook, task.region, "ok", None, 0.01, {"n": 1}, page, ipynb)


@pytest.fixture
def fake_runner(monkeypatch):
    monkeypatch.setattr(runner_mod, "execute_task", fake_execute)
    monkeypatch.setattr(manifest_mod, "kernel_info", lambda name: {"name": name, "display_name": "Fake"})


# ------------------------------------------------------------------ (a) one notebook fails


def test_report_command_exits_nonzero_and_publishes_the_rest(fake_runner, small_sample, tmp_path, capsys):
    out_root = tmp_path / "reports"
    code = cli.main(
        ["report", "--regions", "33", "34", "--notebooks", "01,02", "--data-dir", str(small_sample),
         "--out", str(out_root), "--run", "drill"]
    )
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.out + out.err
    assert "FAILED 34 02_center_outcomes: failed: ValueError: planted drill failure" in out.err
    run = out_root / "drill"
    assert f"report: {run / 'index.html'}" in out.out
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    status = {(t["region"], t["notebook"]): (t["status"], t["error"]) for t in manifest["tasks"]}
    assert status == {
        ("33", "01_data_quality"): ("ok", None),
        ("33", "02_center_outcomes"): ("ok", None),
        ("34", "01_data_quality"): ("ok", None),
        ("34", "02_center_outcomes"): ("failed", "ValueError: planted drill failure"),
    }
    assert manifest["summary"] == {"tasks": 4, "ok": 3, "failed": 1, "timeout": 0}
    page = (run / "index.html").read_text(encoding="utf-8")
    assert "status-failed" in page and "planted drill failure" in page
    for region in ("33", "34"):
        assert (run / region / "01_data_quality.html").is_file()
    assert sorted(p.name for p in out_root.iterdir()) == ["drill"]


# ------------------------------------------------------------ (c) a run stopped from outside

DRIVER = """
import sys
from pathlib import Path
from evaluation.report.runner import run_report

if __name__ == "__main__":
    out_root, run_name, jobs, hold = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    notebooks = [Path(p) for p in sys.argv[5:]]
    run_report(notebooks, ["33"], {"hold_dir": hold}, out_root, run_name, jobs=jobs, timeout=900, progress=False)
    print("finished")
"""


def _publish_earlier_reports(out_root: Path) -> None:
    """The report a stopped run would replace ("drill") and an unrelated one ("other")."""
    run_report([OK], ["33", "34"], {}, out_root, "drill", progress=False)
    run_report([OK], ["51"], {}, out_root, "other", progress=False)


def _stop_after_first_task(proc: subprocess.Popen, out_root: Path, hold: Path, how: signal.Signals) -> None:
    deadline = time.monotonic() + 300
    try:
        # the first task has finished and the second (held until released, which it never is) has started
        while not (list(out_root.glob(".drill.tmp-*/33/ok.html")) and (hold / "started-33").exists()):
            if proc.poll() is not None:
                pytest.fail(f"the run ended before it could be stopped: {proc.communicate()}")
            if time.monotonic() > deadline:
                pytest.fail("the first task did not finish and the second did not start within 300 s")
            time.sleep(0.1)
        if how == signal.SIGKILL:
            os.killpg(proc.pid, signal.SIGKILL)  # the runner and its kernel, with no chance to clean up
        else:
            os.kill(proc.pid, signal.SIGINT)  # Ctrl-C to the runner
        proc.wait(timeout=120)
    finally:
        try:  # whatever the run started and left behind
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.notebooks
@pytest.mark.parametrize(
    "how, jobs", [(signal.SIGINT, 2), (signal.SIGKILL, 1)], ids=["sigint-worker-processes", "sigkill-in-process"]
)
def test_run_stopped_midway_keeps_published_reports(how, jobs, tmp_path, project_env, monkeypatch):
    out_root = tmp_path / "reports"
    with monkeypatch.context() as m:
        m.setattr(runner_mod, "execute_task", fake_execute)
        m.setattr(manifest_mod, "kernel_info", lambda name: {"name": name, "display_name": "Fake"})
        _publish_earlier_reports(out_root)
    before = {name: snapshot(out_root / name) for name in ("drill", "other")}

    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    hold = tmp_path / "hold"
    hold.mkdir()
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(out_root), "drill", str(jobs), str(hold), str(OK), str(HELD)],
        env=project_env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    _stop_after_first_task(proc, out_root, hold, how)
    stdout, stderr = proc.communicate()
    assert "finished" not in stdout
    assert {name: snapshot(out_root / name) for name in ("drill", "other")} == before

    leftovers = sorted(p.name for p in out_root.iterdir() if p.name not in ("drill", "other"))
    if how == signal.SIGINT:
        assert proc.returncode != 0 and "KeyboardInterrupt" in stderr
        assert leftovers == [], leftovers  # a clean interruption removes its hidden folder
        return

    assert proc.returncode == -signal.SIGKILL
    assert leftovers and all(name.startswith(".drill.tmp-") for name in leftovers), leftovers
    assert (out_root / leftovers[0] / "33" / "ok.html").is_file()  # the killed run's partial output
    # The next run of the same name publishes a complete report with nothing from the stale folder.
    with monkeypatch.context() as m:
        m.setattr(runner_mod, "execute_task", fake_execute)
        m.setattr(manifest_mod, "kernel_info", lambda name: {"name": name, "display_name": "Fake"})
        result = run_report([OK], ["35"], {}, out_root, "drill", progress=False)
    assert result.ok
    assert sorted(snapshot(out_root / "drill")) == ["35/metrics.json", "35/ok.html", "35/ok.ipynb", "index.html", "manifest.json"]
    manifest = json.loads((out_root / "drill" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["regions"] == ["35"] and [t["status"] for t in manifest["tasks"]] == ["ok"]
    assert snapshot(out_root / "other") == before["other"]
    remaining = sorted(p.name for p in out_root.iterdir() if p.name not in ("drill", "other"))
    assert remaining == []  # the killed run's folder is recognised as stale and removed
    assert not [n for n in remaining if ".old-" in n]


def test_stale_temporary_folders_removed_only_when_their_run_is_gone(tmp_path):
    import subprocess
    import sys

    from evaluation.report.runner import _boot_id, _remove_stale_tmp

    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        for name, pid in (("live", alive.pid), ("dead", dead.pid)):
            folder = tmp_path / f".r.tmp-{name}"
            folder.mkdir()
            (folder / ".owner").write_text(f"{pid} {_boot_id()}")
        (tmp_path / ".r.tmp-unknown").mkdir()  # no owner record: left alone
        _remove_stale_tmp(tmp_path, "r")
        assert sorted(p.name for p in tmp_path.iterdir()) == [".r.tmp-live", ".r.tmp-unknown"]
    finally:
        alive.kill()


# ------------------------------------------------------------ (d) a worker killed mid-run


def _kill_drill(tmp_path, once: bool, **run):
    """Regions 33-35 with ok and a notebook that kills its worker in region 34 (first attempt
    only, or every attempt), into a folder that already holds an earlier report."""
    out_root = tmp_path / "reports"
    with pytest.MonkeyPatch.context() as m:
        m.setattr(runner_mod, "execute_task", fake_execute)
        m.setattr(manifest_mod, "kernel_info", lambda name: {"name": name, "display_name": "Fake"})
        _publish_earlier_reports(out_root)
    before = {name: snapshot(out_root / name) for name in ("drill", "other")}
    marks = tmp_path / "once"
    marks.mkdir()
    params = {"once_dir": str(marks)} if once else {}
    result = run_report([OK, KILLS], ["33", "34", "35"], params, out_root, "drill", timeout=300, progress=False, **run)
    assert snapshot(out_root / "other") == before["other"]
    assert sorted(p.name for p in out_root.iterdir() if not p.name.startswith("_")) == ["drill", "other"]
    status = {(t.region, Path(t.notebook).stem): t for t in result.tasks}
    for region in ("33", "35"):  # the other regions finish
        assert status[(region, "ok")].status == "ok" and status[(region, "kills_worker")].status == "ok"
        assert (result.path / region / "kills_worker.html").is_file()
    assert status[("34", "ok")].status == "ok"
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    return status[("34", "kills_worker")], marks, manifest


@pytest.mark.notebooks
@pytest.mark.parametrize("once", [True, False], ids=["killed-once-retried", "killed-every-time-reported"])
def test_a_pool_worker_killed_mid_run_loses_nothing(once, tmp_path):
    task, marks, manifest = _kill_drill(tmp_path, once, jobs=2)
    record = next(t for t in manifest["tasks"] if t["region"] == "34" and t["notebook"] == "kills_worker")
    assert (marks / "killed-34").exists() is once  # the first attempt did kill its worker
    if once:
        assert task.status == "ok" and task.metrics["survived"] == 1
        assert record["retried"] == ["the worker process was killed by SIGKILL"]
    else:
        assert task.status == "failed"
        assert task.error == ("worker died while running this notebook, 2 times (the worker process was killed by "
                              "SIGKILL; the worker process was killed by SIGKILL); not retried again")
        assert record["error"] == task.error


@pytest.mark.notebooks
@pytest.mark.parametrize("once", [True, False], ids=["killed-once-retried", "killed-every-time-reported"])
def test_a_dask_worker_killed_mid_run_loses_nothing(once, tmp_path):
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed")
    import dask

    # the scheduler runs a task again when its worker dies; after one such death it gives up
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
            task, marks, _ = _kill_drill(tmp_path, once, scheduler=cluster.scheduler_address)
    assert (marks / "killed-34").exists() is once
    if once:
        assert task.status == "ok" and task.metrics["survived"] == 1
    else:
        assert task.status == "failed"
        assert task.error.startswith("dask: worker died while running this notebook: KilledWorker")
        assert "2 different workers" in task.error
