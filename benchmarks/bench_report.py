"""Regional report run at scale: ``blkk report`` against a naive loop of command-line tools.

Run with ``.venv/bin/python benchmarks/bench_report.py [--notebooks 01,02] [--naive-regions 2]``.
Writes ``benchmarks/results/report.json`` and prints a summary.

* **runner**: ``blkk report --scope 33 --each regency --jobs 2 --force`` (all 35 regencies
  of Jawa Tengah × the notebooks), warm kernels, national models fitted once per run,
  HTML rendered in-process. Wall time of the whole command.
* **naive**: what one would write by hand, one task after the other: the ``papermill``
  command line (``-y`` with the region, data folder and output folder, ``--cwd notebooks``) then
  ``jupyter nbconvert --to html --no-input`` for each region × notebook. It is timed on
  the first ``--naive-regions`` regencies and extrapolated linearly to all of them
  (the tasks are independent and each region costs about the same); the JSON says so.
* **metrics**: for the regions both ran, the metrics each notebook published (read back
  from the naive loop's executed notebooks with :func:`evaluation.report.metrics.collect`)
  must equal the runner's ``metrics.json``. Tasks the runner did not complete (failed,
  or withheld by the privacy guard) are listed and left out of the comparison.
* **outputs**: for the same regions, every cell of the runner's executed notebooks must
  show what the naive loop's show (output types, MIME bundles, number of images, text;
  :func:`evaluation.report.outputs.differences`), and no page of the full run may carry a
  missing-figure warning. A faster run that drops figures is not a faster run.
* **one region**: one regency, all notebooks, ``--jobs 1``, warm and cold
  (``--cold``), per-notebook seconds from the manifest, against the floor of the naive
  approach: (kernel start + imports of the stack) × notebooks, measured with papermill on a
  notebook that only imports the stack.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from evaluation import config
from evaluation.config import PROJECT_ROOT
from evaluation.data.regions import regions_for
from evaluation.report.metrics import collect

OUT = PROJECT_ROOT / "benchmarks" / "results" / "report.json"
BIN = Path(sys.executable).parent
SCOPE = "33"

IMPORTS_ONLY = """import numpy, pandas, matplotlib.pyplot, seaborn, statsmodels.api, statsmodels.formula.api
import sklearn.linear_model, sklearn.ensemble
import evaluation.data, evaluation.plots, evaluation.impact, evaluation.risk"""


def _env() -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def _run(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(), **kw)
    return time.perf_counter() - start, done


def _notebooks(prefixes: str | None) -> list[Path]:
    from evaluation.cli import default_notebooks

    notebooks = default_notebooks()
    if prefixes:
        wanted = [p.strip() for p in prefixes.split(",") if p.strip()]
        notebooks = [nb for nb in notebooks if any(nb.stem.startswith(w) for w in wanted)]
    return notebooks


def _blkk_report(out: Path, run: str, extra: list[str], notebooks: str | None) -> tuple[float, dict, int]:
    cmd = [str(BIN / "blkk"), "report", "--out", str(out), "--run", run, "--force", "--no-progress", *extra]
    if notebooks:
        cmd += ["--notebooks", notebooks]
    seconds, done = _run(cmd)
    manifest = json.loads((out / run / "manifest.json").read_text(encoding="utf-8"))
    return seconds, manifest, done.returncode


def runner_full(out: Path, jobs: int, notebooks: str | None) -> dict:
    seconds, manifest, code = _blkk_report(out, "full", ["--scope", SCOPE, "--each", "regency", "--jobs", str(jobs)], notebooks)
    tasks = manifest["tasks"]
    return {
        "command": f"blkk report --scope {SCOPE} --each regency --jobs {jobs} --force" + (f" --notebooks {notebooks}" if notebooks else ""),
        "seconds": round(seconds, 1),
        "exit_code": code,
        "regions": len(manifest["regions"]),
        "notebooks": [n["name"] for n in manifest["notebooks"]],
        "tasks": len(tasks),
        "summary": manifest["summary"],
        "national_fit": manifest["execution"].get("national_fit"),
        "not_ok": [{"region": t["region"], "notebook": t["notebook"], "status": t["status"], "error": t["error"]} for t in tasks if t["status"] != "ok"],
        "pages_with_warnings": [{"region": t["region"], "notebook": t["notebook"], "warnings": t.get("warnings")} for t in tasks if t.get("warnings")],
        "images": _images(out / "full", tasks),
    }


def _images(run_dir: Path, tasks: list[dict]) -> dict:
    """Images per notebook over the whole run (rendered pages), to see figures are there."""
    counts: dict[str, int] = {}
    for t in tasks:
        if t.get("html"):
            counts[t["notebook"]] = counts.get(t["notebook"], 0) + (run_dir / t["html"]).read_text(encoding="utf-8").count("<img")
    return counts


def compare_outputs(naive_dir: Path, runner_dir: Path, regions: list[str], notebooks: list[Path]) -> dict:
    """Cell-by-cell comparison of what the naive loop's and the runner's notebooks show."""
    from evaluation.report.outputs import differences

    result = {"compared": 0, "equal": 0, "differences": []}
    for region in regions:
        for nb in notebooks:
            a, b = naive_dir / region / f"{nb.stem}.ipynb", runner_dir / region / f"{nb.stem}.ipynb"
            if not (a.exists() and b.exists()):
                result["differences"].append({"task": f"{region}/{nb.stem}", "diffs": ["missing executed notebook"]})
                continue
            result["compared"] += 1
            diffs = differences(nbformat.read(a, as_version=4), nbformat.read(b, as_version=4))
            if diffs:
                result["differences"].append({"task": f"{region}/{nb.stem}", "diffs": diffs[:5]})
            else:
                result["equal"] += 1
    return result


def naive_loop(out: Path, regions: list[str], notebooks: list[Path], data_dir: Path) -> dict:
    per_region = []
    metrics: dict[str, dict] = {}
    failures = []
    for region in regions:
        start = time.perf_counter()
        metrics[region] = {}
        for nb in notebooks:
            target = out / region / f"{nb.stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            _, done = _run(
                [str(BIN / "papermill"), str(nb), str(target), "-y",
                 # the same deliverables as the runner: the register exported beside the page
                 json.dumps({"region": region, "data_dir": str(data_dir), "output_dir": str(target.parent)}),
                 "--cwd", str(nb.parent), "-k", config.KERNEL_NAME, "--no-progress-bar"]
            )
            if done.returncode != 0:
                failures.append({"region": region, "notebook": nb.stem, "step": "papermill", "error": done.stderr.strip()[-300:]})
            if target.exists():
                _, conv = _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(target)])
                if conv.returncode != 0:
                    failures.append({"region": region, "notebook": nb.stem, "step": "nbconvert", "error": conv.stderr.strip()[-300:]})
                metrics[region][nb.stem] = collect(nbformat.read(target, as_version=4))
        per_region.append(round(time.perf_counter() - start, 1))
    return {"regions": regions, "seconds_per_region": per_region, "metrics": metrics, "failures": failures}


def runner_metrics_unguarded(out: Path, regions: list[str], notebooks: list[Path], data_dir: Path) -> dict:
    """The runner's metrics for ``regions`` with the privacy guard switched off.

    Only for the comparison: the guard withholds a task's metrics when it finds something
    that looks like an identifier, so those tasks would otherwise go uncompared.
    """
    from evaluation.report import privacy
    from evaluation.report.runner import run_report

    original = privacy.guard_identifiers
    privacy.guard_identifiers = lambda *texts, names=(): []
    try:
        result = run_report(notebooks, regions, {"data_dir": str(data_dir)}, out, "unguarded", jobs=1, force=True, progress=False)
    finally:
        privacy.guard_identifiers = original
    metrics: dict = {}
    for task in result.tasks:
        metrics.setdefault(task.region, {})[task.notebook.stem] = task.metrics if task.status == "ok" else None
    return metrics


def floor_per_notebook(tmp: Path) -> float:
    """papermill (in-process, cold kernel) on a notebook that only imports the stack."""
    import papermill

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(IMPORTS_ONLY)])
    path = tmp / "imports_only.ipynb"
    nbformat.write(nb, path)
    times = []
    for i in range(3):
        start = time.perf_counter()
        papermill.execute_notebook(path, tmp / f"imports_out{i}.ipynb", kernel_name=config.KERNEL_NAME, progress_bar=False)
        times.append(time.perf_counter() - start)
    return sorted(times)[1]


def one_region(out: Path, region: str, notebooks: str | None, floor: float) -> dict:
    result = {"region": region}
    for label, extra in (("warm", []), ("cold", ["--cold"])):
        seconds, manifest, _ = _blkk_report(out, f"one-{label}", ["--regions", region, "--jobs", "1", *extra], notebooks)
        fit = (manifest["execution"].get("national_fit") or {}).get("seconds") or 0.0
        result[label] = {
            "seconds": round(seconds, 1),
            "seconds_without_national_fit": round(seconds - fit, 1),
            "per_notebook": {t["notebook"]: t["seconds"] for t in manifest["tasks"]},
            "national_fit_seconds": (manifest["execution"].get("national_fit") or {}).get("seconds"),
        }
    n = len(result["warm"]["per_notebook"])
    result["floor_kernel_plus_imports_per_notebook"] = round(floor, 2)
    result["floor_times_notebooks"] = round(floor * n, 1)
    result["warm_vs_floor"] = round(result["warm"]["seconds"] / (floor * n), 2)
    result["warm_without_fit_vs_floor"] = round(result["warm"]["seconds_without_national_fit"] / (floor * n), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", help="comma-separated notebook prefixes (default: every notebook)")
    parser.add_argument("--naive-regions", type=int, default=2, help="regencies the naive loop is timed on")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-full", action="store_true", help="skip the 35-regency runner run (quick check)")
    args = parser.parse_args()

    data_dir = config.SAMPLE_DIR.resolve()
    regions = regions_for(SCOPE, "regency")
    notebooks = _notebooks(args.notebooks)
    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        floor = floor_per_notebook(tmp)
        single = one_region(tmp / "one", regions[0], args.notebooks, floor)
        print(json.dumps(single, indent=1))
        naive = naive_loop(tmp / "naive", regions[: args.naive_regions], notebooks, data_dir)
        naive_total = sum(naive["seconds_per_region"]) / len(naive["seconds_per_region"]) * len(regions)
        print(f"naive: {naive['seconds_per_region']} s per region -> {naive_total:.0f} s for {len(regions)} (extrapolated)")
        full = None if args.skip_full else runner_full(tmp / "runner", args.jobs, args.notebooks)
        if full:
            print(f"runner: {full['seconds']} s for {full['tasks']} tasks")

        comparison = {"compared": 0, "equal": 0, "from_full_run": 0, "from_unguarded_rerun": 0, "differences": [], "not_compared": []}
        if full:
            unguarded = None
            for region in naive["regions"]:
                runner_metrics = json.loads((tmp / "runner" / "full" / region / "metrics.json").read_text(encoding="utf-8"))
                not_ok = {t["notebook"] for t in full["not_ok"] if t["region"] == region}
                for nb in notebooks:
                    b = runner_metrics.get(nb.stem)
                    if nb.stem in not_ok:
                        # withheld (e.g. by the privacy guard): the same runner, guard off
                        if unguarded is None:
                            unguarded = runner_metrics_unguarded(tmp / "unguarded", naive["regions"], notebooks, data_dir)
                        b = unguarded[region].get(nb.stem)
                        if b is None:
                            comparison["not_compared"].append(f"{region}/{nb.stem}")
                            continue
                        comparison["from_unguarded_rerun"] += 1
                    else:
                        comparison["from_full_run"] += 1
                    comparison["compared"] += 1
                    a = naive["metrics"][region].get(nb.stem)
                    if a == b:
                        comparison["equal"] += 1
                    else:
                        keys = sorted(k for k in set(a or {}) | set(b or {}) if (a or {}).get(k) != (b or {}).get(k))
                        comparison["differences"].append({"task": f"{region}/{nb.stem}", "keys": keys[:20]})

        outputs_equal = compare_outputs(tmp / "naive", tmp / "runner" / "full", naive["regions"], notebooks) if full else None
        if outputs_equal:
            print(f"outputs: {outputs_equal['equal']}/{outputs_equal['compared']} notebooks show the same in every cell")
        result = {
            "benchmark": "regional report run, Jawa Tengah regencies",
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
            "notebooks": [nb.stem for nb in notebooks],
            "regions": len(regions),
            "runner": full,
            "naive": {
                "how": "papermill CLI + jupyter nbconvert --to html --no-input CLI, one task after the other",
                "timed_regions": naive["regions"],
                "seconds_per_region": naive["seconds_per_region"],
                "seconds_all_regions_extrapolated": round(naive_total, 1),
                "extrapolated": len(naive["regions"]) < len(regions),
                "failures": naive["failures"],
            },
            "speedup_naive_over_runner": round(naive_total / full["seconds"], 2) if full else None,
            "metrics_identical": comparison,
            "outputs_identical": outputs_equal,
            "one_region": single,
        }
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"speedup: {result['speedup_naive_over_runner']}x; metrics: {comparison['equal']}/{comparison['compared']} equal")
        print(f"written {OUT}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
