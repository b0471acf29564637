"""Report runs at scale: warm kernels without leaks, skipping unchanged tasks, Dask, the CLI.

Kernel-starting tests are marked ``notebooks`` and kept few: one warm run proves that no
state crosses notebooks or regions and that failures and timeouts are handled, one cold
run gives the reference, one Dask run uses a two-worker local cluster.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from evaluation import cli
from evaluation.report import engine as engine_mod
from evaluation.report import manifest as manifest_mod
from evaluation.report import reuse as reuse_mod
from evaluation.report import runner as runner_mod
from evaluation.report.runner import RunResult, TaskResult, run_report

#: Full report runs: the complete suite (`make check`), not the newcomer's (`make test`).
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
OK, BROKEN, SLOW = (FIXTURES / f"{n}.ipynb" for n in ("ok", "broken", "slow"))

PARAMETERS = 'region = "demo"  # region code\ndata_dir = "."  # folder with the input tables'

#: Publishes what a fresh kernel would show; any state left by an earlier notebook shows up here.
PROBE = """
import os, sys, warnings
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from evaluation.report.metrics import publish

publish({
    "region": region,
    "pid": os.getpid(),
    "leaked_names": sorted(n for n in ("planted_global", "planted_function", "np_alias") if n in globals()),
    "open_figures": len(plt.get_fignums()),
    "cwd": os.getcwd(),
    "linewidth": float(matplotlib.rcParams["lines.linewidth"]),
    "env": os.environ.get("BLKK_PLANTED"),
    "max_rows": int(pd.get_option("display.max_rows")),
    "sys_path_planted": "/planted/path" in sys.path,
    "helper_loaded": "leak_helper" in sys.modules,
    "np_divide": np.geterr()["divide"],
    "warnings_error": any(f[0] == "error" and f[2] is Warning and f[1] is None for f in warnings.filters),
    "execution_count": get_ipython().execution_count,
})
"""

#: Changes every kind of state the reset must undo.
PLANT = """
import os, sys, warnings
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import leak_helper

planted_global = region
def planted_function():
    return 1
np_alias = np
plt.rcParams["lines.linewidth"] = 7.5
keep_open = [plt.figure() for _ in range(3)]
plt.ioff()
os.environ["BLKK_PLANTED"] = "yes"
pd.set_option("display.max_rows", 3)
sys.path.insert(0, "/planted/path")
np.seterr(divide="raise")
warnings.simplefilter("error")
os.chdir("/")
"""


def notebook(path: Path, *cells: str) -> Path:
    nb = new_notebook(cells=[new_markdown_cell(f"# {path.stem}")])
    nb.cells.append(new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}))
    nb.cells.extend(new_code_cell(c) for c in cells)
    nb.metadata["kernelspec"] = {"name": "blkk", "display_name": "Python (blkk)", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def probe_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("probe_notebooks")
    (folder / "leak_helper.py").write_text("STATE = []\n")
    notebook(folder / "a_probe.ipynb", PROBE)
    notebook(folder / "b_plant_and_fail.ipynb", PROBE, PLANT, "raise RuntimeError('planted failure after planting state')")
    notebook(folder / "c_probe.ipynb", PROBE, PLANT)
    notebook(folder / "d_slow.ipynb", "import time\ntime.sleep(30)")
    notebook(folder / "e_die.ipynb", "import os\nos._exit(1)")
    return folder


def expected_clean(probe_dir: Path) -> dict:
    return {
        "leaked_names": [],
        "open_figures": 0,
        "cwd": str(probe_dir),
        "env": None,
        "max_rows": 60,
        "sys_path_planted": False,
        "helper_loaded": False,
        "np_divide": "warn",
        "warnings_error": False,
    }


def clean_part(metrics: dict) -> dict:
    return {k: metrics[k] for k in ("leaked_names", "open_figures", "cwd", "env", "max_rows", "sys_path_planted",
                                    "helper_loaded", "np_divide", "warnings_error")}


@pytest.fixture(scope="module")
def warm_run(tmp_path_factory, probe_dir) -> RunResult:
    """Five notebooks × two regions in one warm worker: probe, plant+fail, probe+plant, timeout, kernel dies."""
    out = tmp_path_factory.mktemp("reports")
    notebooks = sorted(probe_dir.glob("*.ipynb"))
    notebooks.insert(3, OK)  # after the state was planted: figures still render inline
    return run_report(notebooks, ["r1", "r2"], {}, out, "warm", jobs=1, timeout=3, progress=False, engine="warm")


@pytest.fixture(scope="module")
def cold_run(tmp_path_factory, probe_dir) -> RunResult:
    out = tmp_path_factory.mktemp("reports")
    notebooks = [probe_dir / "a_probe.ipynb", probe_dir / "c_probe.ipynb"]
    return run_report(notebooks, ["r1"], {}, out, "cold", jobs=1, timeout=30, progress=False, engine="cold")


def published_by_ok(region: str) -> dict:
    """What tests/fixtures/notebooks/ok.ipynb publishes for a region."""
    values = [i * (len(region) + 1) for i in range(1, 6)]
    return {"region": region, "n_values": 5, "mean_value": sum(values) / 5, "missing_share": None,
            "by_stage": {"tumbuh": 3, "mandiri": 1}, "n_figures": 1}


def by_task(result: RunResult) -> dict:
    return {(t.region, t.notebook.stem): t for t in result.tasks}


# --------------------------------------------------------------------------- warm kernels


@pytest.mark.notebooks
def test_warm_kernel_leaks_no_state_between_notebooks_or_regions(warm_run, probe_dir):
    tasks = by_task(warm_run)
    clean = expected_clean(probe_dir)
    # every probe, including those after a notebook that planted state and failed, sees a clean slate
    for key in [("r1", "a_probe"), ("r1", "b_plant_and_fail"), ("r1", "c_probe"), ("r2", "a_probe"), ("r2", "c_probe")]:
        metrics = tasks[key].metrics
        assert clean_part(metrics) == clean, key
        assert metrics["region"] == key[0]
        assert metrics["linewidth"] == pytest.approx(1.5)
    # cells are numbered as in a fresh kernel (the cold test checks the value against one)
    assert len({tasks[key].metrics["execution_count"] for key in tasks if "execution_count" in tasks[key].metrics}) == 1
    # one kernel served a_probe, the failing notebook and c_probe: it was reused, not restarted
    assert tasks[("r1", "a_probe")].metrics["pid"] == tasks[("r1", "b_plant_and_fail")].metrics["pid"]
    assert tasks[("r1", "a_probe")].metrics["pid"] == tasks[("r1", "c_probe")].metrics["pid"]
    assert tasks[("r1", "a_probe")].metrics["pid"] != os.getpid()
    # the timeout discarded it: region r2 got a new kernel
    assert tasks[("r2", "a_probe")].metrics["pid"] != tasks[("r1", "a_probe")].metrics["pid"]


@pytest.mark.notebooks
def test_warm_kernel_reports_failures_and_timeouts(warm_run):
    tasks = by_task(warm_run)
    for region in ("r1", "r2"):
        failed = tasks[(region, "b_plant_and_fail")]
        assert failed.status == "failed" and failed.error.startswith("RuntimeError: planted failure")
        assert failed.cell is not None and failed.html.is_file()
        slow = tasks[(region, "d_slow")]
        assert slow.status == "timeout" and "3 s" in slow.error
        died = tasks[(region, "e_die")]
        assert died.status == "failed" and "died" in died.error.lower()
        assert tasks[(region, "a_probe")].status == tasks[(region, "c_probe")].status == "ok"
        ok = tasks[(region, "ok")]
        assert ok.status == "ok" and ok.metrics == published_by_ok(region)
        assert "data:image/png;base64" in ok.html.read_text(encoding="utf-8")
    assert warm_run.manifest["summary"] == {"tasks": 12, "ok": 6, "failed": 4, "timeout": 2}
    assert warm_run.manifest["options"]["engine"] == "warm"
    assert engine_mod.current_kernel() is None and not engine_mod._all_kernels  # nothing left running


@pytest.mark.notebooks
def test_cold_engine_starts_a_kernel_per_notebook_with_same_results(cold_run, warm_run, probe_dir):
    cold = by_task(cold_run)
    assert cold_run.ok and cold_run.manifest["options"]["engine"] == "cold"
    assert cold[("r1", "a_probe")].metrics["pid"] != cold[("r1", "c_probe")].metrics["pid"]
    warm = by_task(warm_run)
    for stem in ("a_probe", "c_probe"):
        a, b = dict(cold[("r1", stem)].metrics), dict(warm[("r1", stem)].metrics)
        a.pop("pid"), b.pop("pid")
        assert a == b


# --------------------------------------------------------------------------- skip unchanged (no kernels)


@pytest.fixture
def counting_runner(monkeypatch):
    """Runner with papermill replaced: writes tiny outputs, fails notebook 'broken' in region '34'."""
    calls: list[tuple[str, str]] = []

    def fake_execute(task, options):
        calls.append((task.region, Path(task.notebook).stem))
        task.out_dir.mkdir(parents=True, exist_ok=True)
        stem = Path(task.notebook).stem
        ipynb, page = task.out_dir / f"{stem}.ipynb", task.out_dir / f"{stem}.html"
        ipynb.write_text(json.dumps({"region": task.region, "parameters": task.parameters}))
        page.write_text(f"<p>{html.escape(task.region)} {len(calls)}</p>")
        if task.region == "34" and stem == "broken":
            return TaskResult(task.notebook, task.region, "failed", "ValueError: planted", 0.01, {"n": 0}, page, ipynb, 3)
        return TaskResult(task.notebook, task.region, "ok", None, 0.01, {"n": len(task.region), "call": len(calls)}, page, ipynb)

    monkeypatch.setattr(runner_mod, "execute_task", fake_execute)
    monkeypatch.setattr(manifest_mod, "kernel_info", lambda name: {"name": name, "display_name": "Fake"})
    return calls


def test_rerun_skips_unchanged_tasks_and_carries_their_outputs(tmp_path, counting_runner):
    calls = counting_runner
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    ok, broken = shutil.copy(OK, nb_dir / "ok.ipynb"), shutil.copy(BROKEN, nb_dir / "broken.ipynb")
    data = tmp_path / "data"
    data.mkdir()
    (data / "centers.csv").write_text("center_id\nC1\n")
    params = {"data_dir": str(data), "year": 2023}
    out = tmp_path / "reports"

    first = run_report([ok, broken], ["33", "34"], params, out, "r", progress=False)
    assert len(calls) == 4 and [t.reused for t in first.tasks] == [False] * 4
    reused_pages = ["33/ok.html", "33/broken.html", "34/ok.html"]
    before = {name: (out / "r" / name).read_bytes() for name in reused_pages}

    calls.clear()
    second = run_report([ok, broken], ["33", "34"], params, out, "r", progress=False)
    assert calls == [("34", "broken")]  # only the failed task runs again
    assert [(t.region, t.notebook.stem, t.status, t.reused) for t in second.tasks] == [
        ("33", "ok", "ok", True), ("33", "broken", "ok", True), ("34", "ok", "ok", True), ("34", "broken", "failed", False),
    ]
    # outputs and metrics carried over into the new folder, which replaced the old one as a whole
    assert sorted(p.name for p in out.iterdir()) == ["r"]
    after = {name: (out / "r" / name).read_bytes() for name in reused_pages}
    assert after == before
    for task in second.tasks:
        assert task.html.is_file() and task.ipynb.is_file() and task.html.parent.parent == out / "r"
    assert second.tasks[0].metrics == first.tasks[0].metrics
    region_metrics = json.loads((out / "r" / "33" / "metrics.json").read_text())
    assert region_metrics == {"ok": first.tasks[0].metrics, "broken": first.tasks[1].metrics}
    manifest = json.loads((out / "r" / "manifest.json").read_text())
    assert [t["reused"] for t in manifest["tasks"]] == [True, True, True, False]
    assert manifest["execution"]["reused"] == 3 and manifest["execution"]["executed"] == 1
    assert all(len(t["inputs"]) == 64 for t in manifest["tasks"])
    page = (out / "r" / "index.html").read_text()
    assert page.count("skipped (unchanged)") == 3 and "3 of them skipped" in page
    assert "34" in page and "planted" in page  # which region failed, and why

    # a parameter the notebooks do not declare never reaches them, so it changes nothing
    calls.clear()
    run_report([ok, broken], ["33", "34"], {**params, "year": 2024}, out, "r", progress=False)
    assert calls == [("34", "broken")]
    # a changed declared parameter, notebook or data file, or --force, runs the affected tasks again
    calls.clear()
    run_report([ok, broken], ["33", "34"], {**params, "data_dir": str(data) + "/."}, out, "r", progress=False)
    assert len(calls) == 4
    calls.clear()
    nb = nbformat.read(ok, as_version=4)
    nb.cells.append(new_markdown_cell("one more paragraph"))
    nbformat.write(nb, ok)
    run_report([ok, broken], ["33", "34"], {**params, "data_dir": str(data) + "/."}, out, "r", progress=False)
    assert sorted(calls) == [("33", "ok"), ("34", "broken"), ("34", "ok")]
    calls.clear()
    (data / "centers.csv").write_text("center_id\nC1\nC2\n")
    run_report([ok, broken], ["33", "34"], {**params, "year": 2024}, out, "r", progress=False)
    assert len(calls) == 4
    calls.clear()
    run_report([ok, broken], ["33", "34"], {**params, "year": 2024}, out, "r", progress=False, force=True)
    assert len(calls) == 4
    calls.clear()
    run_report([ok, broken], ["33", "34"], {**params, "year": 2024}, out, "r", progress=False, language="id")
    assert len(calls) == 4  # rendering options are inputs too


def test_reuse_ignores_missing_files_and_unreadable_manifest(tmp_path, counting_runner):
    calls = counting_runner
    out = tmp_path / "reports"
    run_report([OK], ["33", "35"], {}, out, "r", progress=False)
    (out / "r" / "33" / "ok.html").unlink()
    calls.clear()
    result = run_report([OK], ["33", "35"], {}, out, "r", progress=False)
    assert calls == [("33", "ok")] and [t.reused for t in result.tasks] == [False, True]
    (out / "r" / "manifest.json").write_text("{not json")
    calls.clear()
    run_report([OK], ["33", "35"], {}, out, "r", progress=False)
    assert len(calls) == 2
    assert reuse_mod.previous_tasks(tmp_path / "nowhere") == {}


def test_fingerprint_covers_every_input():
    base = dict(notebook_digest="a", parameters={"region": "33"}, data_hashes={"c.csv": "1"}, versions={"pandas": "3"},
                source="s", kernel_name="blkk", render={"show_code": False, "language": "en"})
    reference = reuse_mod.fingerprint(**base)
    assert reuse_mod.fingerprint(**base) == reference
    for key, value in [("notebook_digest", "b"), ("parameters", {"region": "34"}), ("data_hashes", {"c.csv": "2"}),
                       ("versions", {"pandas": "3.1"}), ("source", "t"), ("kernel_name", "python3"),
                       ("render", {"show_code": True, "language": "en"})]:
        assert reuse_mod.fingerprint(**{**base, key: value}) != reference, key


def test_progress_bar_counts_reused_and_executed(tmp_path, counting_runner, capsys):
    run_report([OK], ["33", "35"], {}, tmp_path, "r", progress=True)
    err = capsys.readouterr().err
    assert "r: 100%" in err and "2/2" in err
    run_report([OK, BROKEN], ["33", "35"], {}, tmp_path, "r", progress=True)
    err = capsys.readouterr().err
    assert "4/4" in err and "reused=2" in err


# --------------------------------------------------------------------------- CLI (runner replaced)


def test_cli_report_options_and_exit_code(monkeypatch, small_sample, tmp_path, capsys):
    seen = {}

    def fake_run_report(**kwargs):
        seen.update(kwargs)
        task = TaskResult(Path("01_data_quality.ipynb"), "33.01", "timeout", "a cell did not finish within 5 s", 5.0)
        good = TaskResult(Path("01_data_quality.ipynb"), "33.02", "ok", None, 1.0)
        return RunResult([task, good], tmp_path / "r", {"execution": {"executed": 1, "reused": 1, "seconds": 6.0}})

    monkeypatch.setattr(runner_mod, "run_report", fake_run_report)
    code = cli.main(["report", "--regions", "33.01", "33.02", "--data-dir", str(small_sample), "--out", str(tmp_path),
                     "--force", "--cold", "--scheduler", "tcp://127.0.0.1:8786", "--timeout", "0", "--no-progress",
                     "--notebooks", "01"])
    captured = capsys.readouterr()
    assert code == 1
    assert seen["force"] is True and seen["engine"] == "cold" and seen["scheduler"] == "tcp://127.0.0.1:8786"
    assert seen["timeout"] is None and seen["progress"] is False and seen["regions"] == ["33.01", "33.02"]
    assert "FAILED 33.01 01_data_quality: timeout" in captured.err and "1 region(s) with failures: 33.01" in captured.err
    assert "1 skipped (unchanged)" in captured.out

    seen.clear()
    monkeypatch.setattr(runner_mod, "run_report", lambda **kw: seen.update(kw) or RunResult([], tmp_path, {}))
    assert cli.main(["report", "--regions", "33.01", "--data-dir", str(small_sample), "--out", str(tmp_path), "--notebooks", "01"]) == 0
    assert seen["force"] is False and seen["engine"] == "warm" and seen["scheduler"] is None and seen["timeout"] == 900


def test_unknown_engine_is_refused(tmp_path):
    assert set(engine_mod.ENGINES) == set(runner_mod.ENGINE_CHOICES)
    with pytest.raises(ValueError, match="engine"):
        run_report([OK], ["33"], {}, tmp_path, "r", progress=False, engine="lukewarm")


# --------------------------------------------------------------------------- Dask


@pytest.mark.notebooks
def test_dask_local_cluster_runs_the_same_tasks(tmp_path):
    distributed = pytest.importorskip(
        "distributed", reason="Dask distributed is not installed (pip install 'blkk-evaluation[dask]')"
    )
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        result = run_report([OK, BROKEN], ["33", "34"], {}, tmp_path, "dask", timeout=60, progress=False,
                            scheduler=cluster.scheduler_address)
        workers = len(cluster.scheduler_info["workers"])
    assert workers == 2
    tasks = by_task(result)
    for region in ("33", "34"):
        assert tasks[(region, "ok")].status == "ok" and tasks[(region, "ok")].metrics == published_by_ok(region)
        assert tasks[(region, "ok")].html.is_file()
        assert tasks[(region, "broken")].status == "failed" and "planted failure" in tasks[(region, "broken")].error
    assert result.manifest["execution"]["scheduler"].startswith("tcp://")
    assert (result.path / "index.html").is_file() and (result.path / "34" / "metrics.json").is_file()


@pytest.mark.notebooks
@pytest.mark.slow
def test_dask_local_cluster_runs_the_project_notebooks_like_the_process_pool(tmp_path, small_sample):
    """The project's own notebooks (the national stage included) through two Dask workers
    publish the same numbers as through the process pool."""
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed")
    notebooks = [p for p in cli.default_notebooks() if p.stem.startswith(("00", "05"))]
    params = {"data_dir": str(small_sample)}
    pool = run_report(notebooks, ["33.26", "33.75"], params, tmp_path, "pool", jobs=2, progress=False)
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        dask = run_report(notebooks, ["33.26", "33.75"], params, tmp_path, "dask", progress=False,
                          scheduler=cluster.scheduler_address)
    assert {t.status for t in pool.tasks} == {t.status for t in dask.tasks} == {"ok"}
    assert {(t.region, Path(t.notebook).name): t.metrics for t in pool.tasks} == \
        {(t.region, Path(t.notebook).name): t.metrics for t in dask.tasks}
    # the pool run fitted the national stage; the Dask workers read the same fit (not refitted)
    fits = [run.manifest["execution"]["national_fit"] for run in (pool, dask)]
    assert [f["fitted"] for f in fits] == [True, False] and fits[0]["dir"] == fits[1]["dir"]


# --------------------------------------------------------------------------- fit once (no kernels)


def fit_and_plain(tmp_path):
    """A notebook that takes a ``fit_dir``, one that does not, and a data folder."""
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    with_fit = notebook(nb_dir / "with_fit.ipynb", "print(1)")
    nb = nbformat.read(with_fit, as_version=4)
    nb.cells[1].source += '\nfit_dir: str = ""  # folder of national models'
    nbformat.write(nb, with_fit)
    plain = notebook(nb_dir / "plain.ipynb", "print(2)")
    data = tmp_path / "data"
    data.mkdir()
    (data / "centers.csv").write_text("center_id\nC1\n")
    return with_fit, plain, data


def test_national_models_fitted_once_and_passed_to_notebooks_that_ask(tmp_path, counting_runner, monkeypatch):
    from evaluation import national

    fits = []

    def fake_ensure(data_dir, root, hashes=None, settings=None):
        fit_dir = Path(root) / "abc"
        fits.append((Path(data_dir), fit_dir))
        fit_dir.mkdir(parents=True, exist_ok=True)
        return fit_dir, True

    monkeypatch.setattr(national, "ensure", fake_ensure)
    seen = []
    fake = runner_mod.execute_task
    monkeypatch.setattr(runner_mod, "execute_task", lambda task, options: seen.append(dict(task.parameters)) or fake(task, options))
    with_fit, plain, data = fit_and_plain(tmp_path)
    out = tmp_path / "reports"

    first = run_report([with_fit, plain], ["33", "34"], {"data_dir": str(data)}, out, "r", progress=False)
    assert len(fits) == 1 and fits[0][0] == data.resolve()
    fit_dir = fits[0][1]
    assert fit_dir.parent.parent == out / "_fit"
    assert [p.get("fit_dir") for p in seen] == [str(fit_dir), None, str(fit_dir), None]
    record = first.manifest["execution"]["national_fit"]
    assert record["fitted"] is True and record["dir"] == str(fit_dir.relative_to(out))
    # the fit folder is not an input: a rerun reuses everything and fits nothing
    fits.clear(), seen.clear()
    second = run_report([with_fit, plain], ["33", "34"], {"data_dir": str(data)}, out, "r", progress=False)
    assert fits == [] and seen == [] and all(t.reused for t in second.tasks)
    assert second.manifest["execution"]["national_fit"] is None


def test_a_failed_national_fit_fails_the_notebooks_that_need_it_and_only_those(tmp_path, counting_runner, monkeypatch):
    from evaluation import national

    def broken(data_dir, root, hashes=None, settings=None):
        raise RuntimeError("planted: the risk model did not converge")

    monkeypatch.setattr(national, "ensure", broken)
    with_fit, plain, data = fit_and_plain(tmp_path)
    result = run_report([with_fit, plain], ["33"], {"data_dir": str(data)}, tmp_path / "reports", "r", progress=False)
    status = {Path(t.notebook).stem: t for t in result.tasks}
    assert status["with_fit"].status == "failed" and "planted: the risk model did not converge" in status["with_fit"].error
    assert status["plain"].status == "ok"
    assert "did not converge" in result.manifest["execution"]["national_fit"]["error"]