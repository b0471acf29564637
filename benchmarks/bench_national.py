"""The whole country by regency: ``blkk report --scope ID --each regency`` over all 514
regencies of the sample, on this machine, with the process pool and with a Dask
``LocalCluster``; wall time, tasks per minute and peak memory per worker.

Run with ``.venv/bin/python benchmarks/bench_national.py [--mode pool|dask|both]
[--notebooks 00,01,...] [--limit N]``. Writes ``benchmarks/results/national.json`` (each run
with its mode, notebooks and ``limit``: a run over the first N regencies says so).

A worker's memory is the resident set of the worker process plus the kernel it drives (a
worker runs one notebook at a time in its warm kernel), sampled every half second; the peak
over the run is reported per worker. The national stage (fitted once, in the main process for
the pool and in the command's process for Dask) is reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

from evaluation.config import PROJECT_ROOT, SAMPLE_DIR
from evaluation.data.regions import regions_for

OUT = PROJECT_ROOT / "benchmarks" / "results" / "national.json"
BLKK = [str(Path(sys.executable).parent / "blkk")]


class MemorySampler(threading.Thread):
    """Peak RSS of every process that drives a kernel (a worker) plus its kernels, and of the root."""

    def __init__(self, roots: list[int], every: float = 0.5):
        super().__init__(daemon=True)
        self.roots, self.every = roots, every
        self.workers: dict[int, int] = {}
        self.root_peak = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.sample()
            except psutil.Error:
                pass
            time.sleep(self.every)

    def sample(self):
        procs = []
        for pid in self.roots:
            try:
                root = psutil.Process(pid)
            except psutil.NoSuchProcess:
                continue
            procs.append(root)
            procs += root.children(recursive=True)
        kernels_by_parent: dict[int, int] = {}
        rss = {}
        for p in procs:
            try:
                rss[p.pid] = p.memory_info().rss
                if "ipykernel" in " ".join(p.cmdline()):
                    kernels_by_parent[p.ppid()] = kernels_by_parent.get(p.ppid(), 0) + rss[p.pid]
            except psutil.Error:
                continue
        for parent, kernel_rss in kernels_by_parent.items():
            total = rss.get(parent, 0) + kernel_rss
            self.workers[parent] = max(self.workers.get(parent, 0), total)
        for pid in self.roots:
            self.root_peak = max(self.root_peak, rss.get(pid, 0))


def run(mode: str, notebooks: str | None, limit: int | None, out_root: Path) -> dict:
    regions = regions_for("ID", "regency")
    scope = ["--scope", "ID", "--each", "regency"] if not limit else ["--regions", *regions[:limit]]
    cmd = [*BLKK, "report", *scope, "--data-dir", str(SAMPLE_DIR), "--out", str(out_root), "--run", mode,
           "--jobs", "2", "--force", "--no-progress"]
    if notebooks:
        cmd += ["--notebooks", notebooks]
    cluster = None
    roots = []
    if mode == "dask":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        cmd += ["--scheduler", cluster.scheduler_address]
        roots.append(os.getpid())  # the cluster's nannies and workers are this process's children
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    roots.append(proc.pid)
    sampler = MemorySampler(roots)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    if cluster is not None:
        cluster.close()
    manifest_path = out_root / mode / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    tasks = manifest.get("tasks", [])
    statuses: dict[str, int] = {}
    for t in tasks:
        statuses[t.get("status", "?")] = statuses.get(t.get("status", "?"), 0) + 1
    seconds = [t.get("seconds") for t in tasks if isinstance(t.get("seconds"), (int, float))]
    fit = (manifest.get("execution") or {}).get("national_fit") or {}
    workers_mb = sorted(round(v / 2**20) for v in sampler.workers.values())
    return {
        "mode": mode, "command": " ".join(cmd[1:]), "returncode": proc.returncode,
        "regions": len(manifest.get("regions") or []), "tasks": len(tasks), "statuses": statuses,
        "wall_seconds": round(wall, 1), "tasks_per_minute": round(60 * len(tasks) / wall, 1) if wall else None,
        "national_fit_seconds": fit.get("seconds"),
        "mean_task_seconds": round(sum(seconds) / len(seconds), 2) if seconds else None,
        "peak_mb_per_worker": workers_mb, "peak_mb_main_process": round(sampler.root_peak / 2**20),
        "stderr_tail": stderr[-800:] if proc.returncode else "",
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["pool", "dask", "both"], default="both")
    ap.add_argument("--notebooks", default=None, help="comma-separated prefixes (default: all)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N regencies (a trial run)")
    args = ap.parse_args(argv)
    modes = ["pool", "dask"] if args.mode == "both" else [args.mode]
    results = []
    with tempfile.TemporaryDirectory(prefix="blkk-national-") as tmp:
        for mode in modes:
            r = run(mode, args.notebooks, args.limit, Path(tmp))
            print(json.dumps(r, indent=1))
            results.append(r)
    for r in results:
        r["limit"] = args.limit  # None: every regency of the country
        r["date"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    record = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)},
        "notebooks": args.notebooks or "all", "runs": results,
    }
    # one mode at a time: keep the other mode's latest run of the same notebooks
    if OUT.exists():
        before = json.loads(OUT.read_text())
        if before.get("notebooks") == record["notebooks"]:
            kept = [r for r in before.get("runs", []) if r["mode"] not in modes]
            for r in kept:  # files written before runs carried their own date and limit
                r.setdefault("date", before.get("date"))
                r.setdefault("limit", before.get("limit"))
            record["runs"] = kept + results
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"written {OUT}")
    return 0 if all(r["returncode"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
