"""A researcher opens notebooks by hand: the first fits the national stage, the next read it.

Run with ``.venv/bin/python benchmarks/bench_fit_cache.py``. Writes
``benchmarks/results/fit_cache.json``.

In a fresh hand-run cache (``BLKK_FIT_CACHE`` pointed at a temporary folder), with the
embedded sample and every parameter at its default, as JupyterLab would:

* **in process**: :func:`evaluation.national.load_national` with an empty ``fit_dir``, first
  call (fits and stores) and second call (reads), and the same with the cache switched off
  (``BLKK_FIT_CACHE=off``, what every hand run did before), in one process;
* **notebooks**: papermill runs notebook 03 and then notebook 05 in fresh kernels, each
  timed to its first result (the cell that calls ``setup``, read from papermill's per-cell
  timings) and to the end. 03 is the first notebook opened (it fits); 05 the second (reads).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation import national  # noqa: E402
from evaluation.config import SAMPLE_DIR  # noqa: E402


def in_process(cache: Path) -> dict:
    out = {}
    os.environ[national.CACHE_ENV] = "off"
    t0 = time.perf_counter()
    national.load_national(SAMPLE_DIR)
    out["no_cache_s"] = time.perf_counter() - t0
    os.environ[national.CACHE_ENV] = str(cache)
    for name in ("first_s", "second_s"):
        t0 = time.perf_counter()
        national.load_national(SAMPLE_DIR)
        out[name] = time.perf_counter() - t0
    out["second_over_no_cache"] = out["second_s"] / out["no_cache_s"]
    return out


def notebook(name: str, out_dir: Path) -> dict:
    import nbformat
    import papermill as pm

    target = out_dir / f"{name}.ipynb"
    t0 = time.perf_counter()
    pm.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(target), cwd=str(ROOT / "notebooks"),
                        progress_bar=False, parameters={"data_dir": str(SAMPLE_DIR)})
    total = time.perf_counter() - t0
    nb = nbformat.read(target, as_version=4)
    durations = [(c.metadata.get("papermill", {}).get("duration") or 0.0, "setup(" in c.source)
                 for c in nb.cells if c.cell_type == "code"]
    to_first = 0.0
    for seconds, is_setup in durations:
        to_first += seconds
        if is_setup:
            break
    return {"total_s": total, "to_first_result_s": to_first}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fit_cache.json"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        proc = in_process(tmp / "cache_in_process")
        print(f"in process: no cache {proc['no_cache_s']:.1f} s, first {proc['first_s']:.1f} s, "
              f"second {proc['second_s']:.2f} s", flush=True)
        os.environ[national.CACHE_ENV] = str(tmp / "cache_notebooks")
        first = notebook("03_regional_impact", tmp)
        second = notebook("05_independence_risk", tmp)
        print(f"03 first opened: first result {first['to_first_result_s']:.1f} s, all {first['total_s']:.1f} s; "
              f"05 second: first result {second['to_first_result_s']:.1f} s, all {second['total_s']:.1f} s", flush=True)
    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "data": "embedded sample, default parameters",
        "in_process": proc,
        "notebooks": {"03_regional_impact (first opened)": first, "05_independence_risk (second opened)": second,
                      "second_to_first_result_over_first": second["to_first_result_s"] / first["to_first_result_s"]},
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
