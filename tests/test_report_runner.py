"""The report runner: metrics, manifest, rendering, index and the run itself.

Fixture notebooks in ``tests/fixtures/notebooks`` each stand for one way a run can go:
``ok`` (publishes metrics, draws a figure), ``broken`` (a cell raises), ``slow`` (a cell
outlives the timeout) and ``missing_param`` (uses a name never defined). Tests that
start kernels are marked ``notebooks``; three small runs are shared between them to
keep kernel starts few.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluation import hashing
from evaluation.report import index as index_mod
from evaluation.report import manifest as manifest_mod
from evaluation.report import metrics as metrics_mod
from evaluation.report import render as render_mod
from evaluation.report import runner as runner_mod
from evaluation.report.runner import RunResult, TaskResult, region_dir_name, run_report

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
OK, BROKEN, SLOW, MISSING = (FIXTURES / f"{n}.ipynb" for n in ("ok", "broken", "slow", "missing_param"))
HOSTILE = "<script>alert(1)</script>"
REGIONS = ["33", HOSTILE]


def published_by_ok(region: str) -> dict:
    """What ok.ipynb publishes for a region (see its cells)."""
    values = np.arange(1, 6) * (len(region) + 1)
    return {
        "region": region,
        "n_values": 5,
        "mean_value": float(values.mean()),
        "missing_share": None,
        "by_stage": {"tumbuh": 3, "mandiri": 1},
        "n_figures": 1,
    }


def tree_snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def without_timing(manifest: dict) -> dict:
    clean = json.loads(json.dumps(manifest))
    clean.pop("execution")
    for task in clean["tasks"]:
        task.pop("seconds")
    return clean


def hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


# --------------------------------------------------------------------------- metrics


def test_to_json_safe_converts_numpy_pandas_and_missing():
    value = {
        "i": np.int64(3),
        "f": np.float32(0.5),
        "nan": float("nan"),
        "np_nan": np.float64("nan"),
        "inf": float("inf"),
        "b": np.bool_(True),
        "arr": np.array([1, 2]),
        "na": pd.NA,
        "ts": pd.Timestamp("2024-01-02"),
        "nested": {1: (np.int32(1), None)},
    }
    safe = metrics_mod.to_json_safe(value)
    assert safe == {
        "i": 3,
        "f": 0.5,
        "nan": None,
        "np_nan": None,
        "inf": None,
        "b": True,
        "arr": [1, 2],
        "na": None,
        "ts": "2024-01-02T00:00:00",
        "nested": {"1": [1, None]},
    }
    assert type(safe["i"]) is int and type(safe["b"]) is bool
    json.dumps(safe, allow_nan=False)
    with pytest.raises(TypeError, match=r"metrics\['bad'\].*JSON"):
        metrics_mod.to_json_safe({"bad": object()})


def test_publish_emits_custom_mime_and_collect_merges_in_order(monkeypatch):
    import IPython.display

    sent = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw=False: sent.append((data, raw)))
    returned = metrics_mod.publish({"n": np.int64(2), "share": np.nan})
    assert returned == {"n": 2, "share": None}
    (data, raw), = sent
    assert raw is True and data[metrics_mod.METRICS_MIME] == {"n": 2, "share": None}
    assert "text/plain" in data

    nb = new_notebook(
        cells=[
            new_code_cell("a", outputs=[new_output("display_data", data={metrics_mod.METRICS_MIME: {"n": 1, "x": 1}})]),
            new_markdown_cell("text"),
            new_code_cell("b", outputs=[new_output("stream", name="stdout", text="hi")]),
            new_code_cell("c", outputs=[new_output("display_data", data={metrics_mod.METRICS_MIME: {"n": 2}})]),
        ]
    )
    assert metrics_mod.collect(nb) == {"n": 2, "x": 1}
    assert metrics_mod.collect(json.loads(nbformat.writes(nb))) == {"n": 2, "x": 1}
    with pytest.raises(TypeError):
        metrics_mod.publish([1, 2])


# --------------------------------------------------------------------------- manifest


def test_data_hashes_cover_data_files_including_truth(tmp_path):
    (tmp_path / "truth").mkdir()
    (tmp_path / ".cache").mkdir()
    files = {"centers.csv": b"a,b\n1,2\n", "center_years.parquet": b"PAR1", "truth/effects.csv": b"x\n1\n"}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "DATA_CARD.md").write_text("not data")
    (tmp_path / ".cache" / "tmp.csv").write_text("hidden")
    hashes = hashing.data_hashes(tmp_path)
    assert list(hashes) == sorted(files)
    assert hashes == {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    with pytest.raises(FileNotFoundError):
        hashing.data_hashes(tmp_path / "nope")


def test_package_versions_lists_key_packages():
    versions = manifest_mod.package_versions()
    for name in ("python", "evaluation", "numpy", "pandas", "papermill", "nbconvert", "ipykernel"):
        assert versions[name], name
    assert versions["pandas"] == pd.__version__


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_commit_reports_sha_and_dirty(tmp_path):
    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=tmp_path, check=True, capture_output=True)

    assert manifest_mod.git_commit(tmp_path) is None  # not a checkout
    git("init", "-q")
    assert manifest_mod.git_commit(tmp_path) is None  # nothing committed
    (tmp_path / "a.txt").write_text("1")
    git("add", "a.txt")
    git("commit", "-q", "-m", "first")
    sha = manifest_mod.git_commit(tmp_path)
    assert re.fullmatch(r"[0-9a-f]{40}", sha)
    (tmp_path / "untracked.txt").write_text("x")
    assert manifest_mod.git_commit(tmp_path) == sha
    (tmp_path / "a.txt").write_text("2")
    assert manifest_mod.git_commit(tmp_path) == sha + "+dirty"


# --------------------------------------------------------------------------- render


def synthetic_notebook():
    return new_notebook(
        cells=[
            new_markdown_cell(f"# Ringkasan {HOSTILE}"),
            new_code_cell('region = "33"', metadata={"tags": ["parameters"]}),
            new_code_cell('region = "34"', metadata={"tags": ["injected-parameters"]}),
            new_markdown_cell("## Results\n\ntext"),
            new_code_cell(
                "hidden_source_marker = 1\nprint('printed output')",
                outputs=[new_output("stream", name="stdout", text="printed output\n")],
            ),
            new_code_cell(
                "removed_cell_marker = 1",
                metadata={"tags": ["remove-cell"]},
                outputs=[new_output("stream", name="stdout", text="removed output\n")],
            ),
            new_code_cell(
                "publish({})",
                outputs=[new_output("display_data", data={metrics_mod.METRICS_MIME: {"n": 1}, "text/plain": "metrics: n = 1"})],
            ),
            new_markdown_cell("## Results\n\nsame heading twice"),
        ]
    )


def test_to_html_hides_code_builds_toc_and_escapes_footer():
    footer = {"parameters": {"region": HOSTILE}, "commit": None, "package_versions": {"pandas": "3.0"}}
    page = render_mod.to_html(synthetic_notebook(), footer=footer)
    assert "hidden_source_marker" not in page
    assert "printed output" in page
    assert "removed_cell_marker" not in page and "removed output" not in page
    assert 'region = "34"' not in page and "region" not in page.split("blkk-reproducibility")[0].split("<body")[1]
    assert "metrics: n = 1" not in page
    assert HOSTILE not in page
    assert html.escape(HOSTILE) in page

    toc = re.search(r'<nav class="blkk-toc".*?</nav>', page, re.S).group(0)
    links = [h[1:] for h in hrefs(toc)]
    assert len(links) == 3 and len(set(links)) == 3  # the repeated heading gets its own anchor
    ids = {html.unescape(i) for i in re.findall(r'<h[1-6][^>]*\bid="([^"]+)"', page)}
    assert set(links) <= ids
    assert page.index("blkk-toc") < page.index("printed output")

    assert page.index("printed output") < page.index('id="blkk-reproducibility"')
    assert "Reproducibility" in page and "not recorded" in page and "pandas" in page


def test_to_html_show_code_and_indonesian_labels():
    page = render_mod.to_html(synthetic_notebook(), show_code=True, footer={"commit": "abc"}, language="id")
    assert "hidden_source_marker" in page
    assert "injected-parameters" in page or "&quot;34&quot;" in page
    assert "removed_cell_marker" not in page
    assert "Daftar isi" in page and "Informasi reproduksibilitas" in page
    with pytest.raises(ValueError):
        render_mod.to_html(synthetic_notebook(), language="fr")


# --------------------------------------------------------------------------- index


def test_index_escapes_names_and_links_relatively(tmp_path):
    region_dir = region_dir_name(HOSTILE)
    manifest = {
        "run_name": "demo",
        "regions": [HOSTILE],
        "notebooks": [{"name": "ok", "path": "ok.ipynb"}, {"name": "broken", "path": "broken.ipynb"}],
        "parameters": {"data_dir": HOSTILE},
        "data_hashes": {f"{HOSTILE}.csv": "00"},
        "package_versions": {"pandas": "3"},
        "commit": None,
        "kernel": {"name": "blkk"},
        "options": {"language": "en"},
        "tasks": [
            {"region": HOSTILE, "notebook": "ok", "status": "ok", "error": None, "cell": None,
             "html": f"{region_dir}/ok.html", "ipynb": f"{region_dir}/ok.ipynb", "metrics": f"{region_dir}/metrics.json"},
            {"region": HOSTILE, "notebook": "broken", "status": "failed", "error": f"ValueError: {HOSTILE}", "cell": 4,
             "html": None, "ipynb": None, "metrics": f"{region_dir}/metrics.json"},
        ],
        "execution": {"started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00"},
    }
    (tmp_path / region_dir).mkdir()
    (tmp_path / region_dir / "metrics.json").write_text(json.dumps({"ok": {HOSTILE: 1.5, "n": 1200}, "broken": {}}))
    path = index_mod.write_index(tmp_path, manifest)
    page = path.read_text(encoding="utf-8")
    assert re.findall(r"<script>(.*?)</script>", page, re.S) == [index_mod._SCRIPT]  # static, no data
    assert HOSTILE not in page
    assert page.count(html.escape(HOSTILE)) >= 4  # region, error, metric name, parameter
    assert "1,200" in page and "1.5" in page
    assert "failed" in page and "(cell 4)" in page
    links = [h for h in hrefs(page) if not h.startswith("#")]
    assert set(links) == {f"{region_dir}/ok.html"}  # the page; a failure without files links nothing


# --------------------------------------------------------------------------- runner without kernels


def fake_execute(task, options):
    """Stands in for papermill: writes tiny outputs and reports success."""
    task.out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(task.notebook).stem
    ipynb = task.out_dir / f"{stem}.ipynb"
    page = task.out_dir / f"{stem}.html"
    ipynb.write_text("{}")
    page.write_text(f"<p>{html.escape(task.region)}</p>")
    return TaskResult(task.notebook, task.region, "ok", None, 0.01, {"n": len(task.region)}, page, ipynb)


@pytest.fixture
def fake_runner(monkeypatch):
    """Runner with papermill replaced by ``fake_execute``: no kernel needed or started."""
    monkeypatch.setattr(runner_mod, "execute_task", fake_execute)
    monkeypatch.setattr(manifest_mod, "kernel_info", lambda name: {"name": name, "display_name": "Fake"})


def test_validation_rejects_bad_inputs(tmp_path):
    with pytest.raises(ValueError, match="run_name"):
        run_report([OK], ["33"], {}, tmp_path, "../escape", progress=False)
    with pytest.raises(ValueError, match="unique"):
        run_report([OK, OK], ["33"], {}, tmp_path, "r", progress=False)
    with pytest.raises(FileNotFoundError):
        run_report([FIXTURES / "nope.ipynb"], ["33"], {}, tmp_path, "r", progress=False)
    with pytest.raises(ValueError, match="twice"):
        run_report([OK], ["33", "33"], {}, tmp_path, "r", progress=False)
    with pytest.raises(ValueError, match="not installed"):
        run_report([OK], ["33"], {}, tmp_path, "r", kernel_name="no-such-kernel", progress=False)
    with pytest.raises(TypeError, match="parameters"):
        run_report([OK], ["33"], {"bad": object()}, tmp_path, "r", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_region_dir_name_is_safe_and_unique():
    assert region_dir_name("33") == "33"
    assert region_dir_name("jawa-tengah") == "jawa-tengah"
    odd = [HOSTILE, "a/b", "a b", "..", "."]
    names = [region_dir_name(r) for r in odd]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", n) for n in names)


def test_run_is_deterministic_apart_from_timing(tmp_path, fake_runner):
    first = run_report([OK, BROKEN], REGIONS, {"year": 2023}, tmp_path, "a", progress=False)
    second = run_report([OK, BROKEN], REGIONS, {"year": 2023}, tmp_path, "b", progress=False)
    one, two = without_timing(first.manifest), without_timing(second.manifest)
    assert one.pop("run_name") == "a" and two.pop("run_name") == "b"
    assert one == two
    assert [(t.region, t.notebook.name, t.status) for t in first.tasks] == [
        (r, n, "ok") for r in REGIONS for n in ("ok.ipynb", "broken.ipynb")
    ]
    assert first.tasks[0].html == tmp_path / "a" / "33" / "ok.html"
    assert json.loads((tmp_path / "a" / "manifest.json").read_text()) == first.manifest


def test_unexpected_error_in_one_task_is_recorded(tmp_path, fake_runner, monkeypatch):
    def flaky(task, options):
        if task.region == "34":
            raise RuntimeError("disk quota <exceeded>")
        return fake_execute(task, options)

    monkeypatch.setattr(runner_mod, "execute_task", flaky)
    result = run_report([OK], ["33", "34", "35"], {}, tmp_path, "r", progress=False)
    assert [t.status for t in result.tasks] == ["ok", "failed", "ok"]
    assert result.tasks[1].error == "RuntimeError: disk quota <exceeded>"
    assert result.manifest["tasks"][1]["html"] is None


def test_second_run_replaces_first_and_leaves_no_temp(tmp_path, fake_runner):
    run_report([OK], ["33", "34"], {}, tmp_path, "r", progress=False)
    run_report([OK], ["35"], {}, tmp_path, "r", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["35", "index.html", "manifest.json"]


# --------------------------------------------------------------------------- runs with kernels


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    (folder / "centers.csv").write_text("center_id,center_name\nC1,<b>Pondok</b>\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory, data_dir) -> RunResult:
    """ok + broken over two regions, two worker processes."""
    out = tmp_path_factory.mktemp("reports")
    return run_report([OK, BROKEN], REGIONS, {"data_dir": str(data_dir)}, out, "mixed", jobs=2, timeout=60, progress=False)


@pytest.fixture(scope="module")
def code_run(tmp_path_factory, data_dir) -> RunResult:
    """ok alone over the same regions, in-process, code shown, Indonesian labels."""
    out = tmp_path_factory.mktemp("reports")
    return run_report(
        [OK], REGIONS, {"data_dir": str(data_dir)}, out, "code", jobs=1, show_code=True, language="id", timeout=60, progress=False
    )


@pytest.mark.notebooks
def test_failures_do_not_stop_other_tasks(mixed_run):
    status = {(t.region, t.notebook.stem): t for t in mixed_run.tasks}
    assert [(t.region, t.notebook.stem) for t in mixed_run.tasks] == [(r, n) for r in REGIONS for n in ("ok", "broken")]
    for region in REGIONS:
        assert status[(region, "ok")].status == "ok" and status[(region, "ok")].error is None
        broken = status[(region, "broken")]
        assert broken.status == "failed"
        assert broken.error.startswith("ValueError: planted failure")
        assert broken.cell == 4  # markdown, parameters, injected parameters, publish, raise
        assert broken.ipynb.is_file() and broken.html.is_file()  # partial notebook kept and rendered
        assert broken.metrics == {"before_error": 1}
    assert not mixed_run.ok and len(mixed_run.failed) == 2


@pytest.mark.notebooks
def test_layout_manifest_and_metrics_files(mixed_run, data_dir):
    root = mixed_run.path
    assert root.name == "mixed" and not [p for p in root.parent.iterdir() if p.name.startswith(".")]
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == mixed_run.manifest
    assert manifest["regions"] == REGIONS
    assert [n["name"] for n in manifest["notebooks"]] == ["ok", "broken"]
    assert manifest["data_hashes"] == hashing.data_hashes(data_dir)
    assert manifest["kernel"]["name"] == "blkk"
    assert manifest["package_versions"]["papermill"]
    assert manifest["summary"] == {"tasks": 4, "ok": 2, "failed": 2, "timeout": 0}
    failed = [t for t in manifest["tasks"] if t["status"] == "failed"]
    assert len(failed) == 2 and all("planted failure" in t["error"] for t in failed)
    for region in REGIONS:
        folder = root / region_dir_name(region)
        assert {p.name for p in folder.iterdir()} == {"ok.ipynb", "ok.html", "broken.ipynb", "broken.html", "metrics.json"}
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        assert list(metrics) == ["ok", "broken"]
        assert metrics["ok"] == published_by_ok(region)
        assert metrics["broken"] == {"before_error": 1}


@pytest.mark.notebooks
def test_index_lists_status_errors_metrics_and_links(mixed_run):
    page = (mixed_run.path / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script>(.*?)</script>", page, re.S) == [index_mod._SCRIPT]  # static, no data
    assert html.escape(HOSTILE) in page and HOSTILE not in page
    assert page.count("status-failed") >= 2 and "planted failure" in page
    assert "n_values" in page and "mean_value" in page
    links = {h for h in hrefs(page) if not h.startswith("#")}
    assert len(links) >= 4  # every page of 2 notebooks x 2 regions, and the executed notebooks of failures
    assert {f"{region_dir_name(r)}/{nb}.html" for r in REGIONS for nb in ("ok", "broken")} <= links
    for link in links:
        assert (mixed_run.path / unquote(link)).is_file(), link
    # Rebuilt from the files on disk or from the RunResult, the page is the same.
    from_disk = index_mod.render_index(*index_mod._load_manifest(mixed_run.path, None))
    from_result = index_mod.render_index(*index_mod._load_manifest(mixed_run.path, mixed_run))
    assert from_disk == from_result == page


@pytest.mark.notebooks
def test_html_hides_code_has_toc_figure_and_footer(mixed_run):
    page = (mixed_run.path / "33" / "ok.html").read_text(encoding="utf-8")
    assert "np.arange" not in page and "publish(" not in page
    assert "visible output from a code cell" not in page  # remove-cell
    assert 'data_dir = "."' not in page  # parameters cell hidden
    toc = re.search(r'<nav class="blkk-toc".*?</nav>', page, re.S).group(0)
    assert 'href="#Headline-numbers"' in toc and 'href="#Figure"' in toc
    assert 'id="Headline-numbers"' in page
    assert "data:image/png;base64" in page
    footer = page[page.index('id="blkk-reproducibility"') :]
    commit = mixed_run.manifest["commit"]
    assert "Commit" in footer and (commit in footer if commit else "not recorded" in footer)
    assert mixed_run.manifest["package_versions"]["pandas"] in footer
    assert "centers.csv" in footer and "blkk" in footer


@pytest.mark.notebooks
def test_show_code_and_same_metrics_in_process(code_run, mixed_run):
    page = (code_run.path / "33" / "ok.html").read_text(encoding="utf-8")
    assert "publish" in page and "arange" in page
    assert "Daftar isi" in page and "Informasi reproduksibilitas" in page
    assert "Wilayah" in (code_run.path / "index.html").read_text(encoding="utf-8")
    assert code_run.ok
    jobs1 = {t.region: t.metrics for t in code_run.tasks}
    jobs2 = {t.region: t.metrics for t in mixed_run.tasks if t.notebook.stem == "ok"}
    assert jobs1 == jobs2 == {r: published_by_ok(r) for r in REGIONS}


@pytest.mark.notebooks
def test_timeout_and_missing_parameter(tmp_path):
    result = run_report([SLOW, MISSING], ["33"], {}, tmp_path, "t", timeout=2, progress=False)
    slow, missing = result.tasks
    assert slow.status == "timeout" and "2 s" in slow.error and slow.ipynb.is_file()
    assert missing.status == "failed" and "NameError" in missing.error and "year_from" in missing.error
    assert result.manifest["summary"] == {"tasks": 2, "ok": 0, "failed": 1, "timeout": 1}
    page = (result.path / "index.html").read_text(encoding="utf-8")
    assert "status-timeout" in page


@pytest.mark.notebooks
@pytest.mark.parametrize("failure", ["interrupt", "error_in_index"])
def test_interrupted_run_keeps_previous_report(code_run, tmp_path, monkeypatch, failure):
    out_root = tmp_path / "reports"
    shutil.copytree(code_run.path, out_root / "code")
    before = tree_snapshot(out_root / "code")
    calls = []

    def interrupted(task, options):
        calls.append(task)
        if failure == "interrupt" and len(calls) == 2:
            raise KeyboardInterrupt
        return fake_execute(task, options)

    def broken_index(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(runner_mod, "execute_task", interrupted)
    monkeypatch.setattr(index_mod, "write_index", broken_index)
    expected = KeyboardInterrupt if failure == "interrupt" else OSError
    with pytest.raises(expected):
        run_report([OK], ["33", "34", "35"], {}, out_root, "code", progress=False)
    assert tree_snapshot(out_root / "code") == before
    assert sorted(p.name for p in out_root.iterdir()) == ["code"]


def test_index_prefers_a_notebooks_headline_and_shows_region_names():
    from evaluation.report.index import headline_metrics, render_index

    metrics = {"00": {"name": "Jawa Tengah", "auc": 0.8, "headline": {"centers": "634", "mandiri": "17%"}}, "01": {"errors": 0}}
    assert headline_metrics(metrics) == [("00", "centers", "634"), ("00", "mandiri", "17%")]
    assert headline_metrics({"01": {"errors": 0, "warnings": 2}}) == [("01", "errors", 0), ("01", "warnings", 2)]
    manifest = {"run_name": "r", "regions": ["33"], "notebooks": ["00"],
                "tasks": [{"region": "33", "notebook": "00", "status": "ok", "html": "33/00.html", "ipynb": "33/00.ipynb"}]}
    page = render_index(manifest, {("33", "00"): metrics["00"]})
    assert "Jawa Tengah" in page and "mandiri" in page and "17%" in page
