"""Speed and memory of ``att_gt`` against the Python ports of R ``did``.

Synthetic staggered panels (500 x 5, 5,000 x 10, 50,000 x 10 unit-years) whose effects
grow with exposure, so the true ATT is known. Each library gets the same data (in the
layout it requires, prepared outside the timing) and runs ATT(g,t) with analytical
standard errors plus the simple and event-study aggregations, doubly robust, never-
treated controls, without and with a covariate. Timings are medians of repeated runs in
this one process, the libraries taking turns within each repetition; wall and CPU time
are both kept (on a shared machine wall time also counts waiting for a core). Peak
memory is the tracemalloc peak of one separate run (numpy and pandas allocations).

Run:  python benchmarks/bench_did.py [--quick]
Writes benchmarks/results/did.json.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.impact.did import att_gt  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "did.json"
SIZES = [(500, 5, 7), (5_000, 10, 5), (50_000, 10, 3)]  # units, years, repetitions
# unconditional DR, and DR with one covariate (propensity logit + outcome regression per cell)
SPECS = {"unconditional": None, "covariate_x": "x"}


def make_panel(n_units: int, n_years: int, seed: int = 0, slope: float = 0.1):
    """Staggered adoption from the third year on, 1/3 never treated; effect slope*(e+1)."""
    rng = np.random.default_rng(seed)
    years = np.arange(2010, 2010 + n_years)
    cohorts = years[2:]
    g = np.where(rng.random(n_units) < 1 / 3, 0, rng.choice(cohorts, n_units))
    x = rng.normal(size=n_units)
    alpha = rng.normal(size=n_units) + 0.3 * (g > 0)
    trend = 0.05 * np.arange(n_years)[None, :]
    e = years[None, :] - g[:, None]
    effect = np.where((g[:, None] > 0) & (e >= 0), slope * (e + 1), 0.0)
    y = alpha[:, None] + trend + 0.1 * x[:, None] + effect + \
        rng.normal(scale=0.5, size=(n_units, n_years))
    df = pd.DataFrame({"unit": np.repeat(np.arange(n_units), n_years),
                       "year": np.tile(years, n_units), "y": y.ravel(),
                       "cohort": np.repeat(g, n_years), "x": np.repeat(x, n_years)})
    # true simple ATT: cohort-size weighted mean of post-treatment cells
    num = den = 0.0
    for c in cohorts:
        size = (g == c).sum()
        for t in years[years >= c]:
            num += size * slope * (t - c + 1)
            den += size
    return df, num / den


# --- one runner per library: returns (simple att, simple se, event overall att) ---------


def run_ours(df, cov):
    r = att_gt(df, outcome="y", time="year", unit="unit", cohort="cohort", method="dr",
               covariates=[cov] if cov else [])
    s, e = r.aggregate("simple"), r.aggregate("event")
    return s.att, s.se, e.att


def prep_csdid(df):
    return df


def run_csdid(df, cov):
    from csdid.att_gt import ATTgt

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = ATTgt(yname="y", tname="year", idname="unit", gname="cohort", data=df,
                  control_group="nevertreated", xformla=f"y~{cov}" if cov else None
                  ).fit(est_method="dr", bstrap=False)
        m.aggte(typec="simple", bstrap=False)
        s = dict(m.atte)
        m.aggte(typec="dynamic", bstrap=False)
        e = dict(m.atte)
    return s["overall_att"], s["overall_se"], e["overall_att"]


def prep_differences(df):
    d = df.assign(cohort=df["cohort"].replace(0, np.nan)).set_index(["unit", "year"])
    return d


def run_differences(d, cov):
    from differences import ATTgt

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = ATTgt(data=d, cohort_column="cohort")
        m.fit(formula=f"y ~ {cov}" if cov else "y", est_method="dr", control_group="never_treated", progress_bar=False)
        s = m.aggregate("simple")
        e = m.aggregate("event", overall=True)
    att = float(s.iloc[0, 0])
    se = float(s.iloc[0, 1])
    return att, se, float(e.iloc[0, 0])


LIBRARIES = {
    "evaluation.att_gt": (lambda df: df, run_ours),
    "csdid": (prep_csdid, run_csdid),
    "differences": (prep_differences, run_differences),
}


def available(name: str) -> bool:
    try:
        __import__({"csdid": "csdid.att_gt", "differences": "differences"}.get(name, "numpy"))
        return True
    except Exception as exc:  # report, do not fail the benchmark
        print(f"  {name} not available: {exc}")
        return False


def time_runs(fn, data, reps):
    walls, cpus, out = [], [], None
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn(data)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return walls, cpus, out


def peak_memory(fn, data):
    tracemalloc.start()
    fn(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main(quick: bool = False) -> dict:
    sizes = SIZES[:2] if quick else SIZES
    libs = {k: v for k, v in LIBRARIES.items() if available(k)}
    report = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "numpy": np.__version__, "pandas": pd.__version__},
              "task": "att_gt (dr, never-treated, analytical SEs) + simple + event aggregation; "
            "unconditional and with covariate x",
              "timing": "median wall seconds of repeated runs in one process; cpu = process time",
              "sizes": []}
    for n, T, reps in sizes:
        df, truth = make_panel(n, T)
        entry = {"units": n, "years": T, "repetitions": reps, "true_simple_att": truth,
                 "libraries": {}}
        print(f"\n{n:,} units x {T} years (true simple ATT {truth:.4f})")
        for spec, cov in SPECS.items():
            res = entry["libraries"].setdefault(spec, {})
            print(f" {spec}")
            fns = {}
            for name, (prep, run) in libs.items():
                data = prep(df)
                fns[name] = (lambda d, run=run: run(d, cov), data)  # noqa: E731
                fns[name][0](data)  # warm-up: imports, caches
            # repetitions interleave the libraries so that they share the machine's load
            walls = {k: [] for k in fns}
            cpus = {k: [] for k in fns}
            outs = {}
            for _ in range(reps):
                for name, (fn, data) in fns.items():
                    w, c, outs[name] = time_runs(fn, data, 1)
                    walls[name] += w
                    cpus[name] += c
            for name, (fn, data) in fns.items():
                att, se, ev = outs[name]
                mem = peak_memory(fn, data)
                res[name] = {
                    "median_s": statistics.median(walls[name]), "min_s": min(walls[name]),
                    "runs_s": walls[name], "median_cpu_s": statistics.median(cpus[name]),
                    "peak_mib": mem, "simple_att": float(att), "simple_se": float(se),
                    "event_att": float(ev)}
                print(f"  {name:18s} {statistics.median(walls[name]):8.3f} s "
                      f"(cpu {statistics.median(cpus[name]):.3f})  peak {mem:8.1f} MiB  "
                      f"simple {att:.4f} ({se:.4f})  event {ev:.4f}")
            ours = res["evaluation.att_gt"]
            entry.setdefault("speedup", {})[spec] = {
                k: {"wall": v["median_s"] / ours["median_s"],
                    "cpu": v["median_cpu_s"] / ours["median_cpu_s"]}
                for k, v in res.items() if k != "evaluation.att_gt"}
            entry.setdefault("max_abs_diff_simple_att", {})[spec] = max(
                abs(v["simple_att"] - ours["simple_att"]) for v in res.values())
            for k, ratio in entry["speedup"][spec].items():
                print(f"  speed-up vs {k}: {ratio['wall']:.1f}x wall, {ratio['cpu']:.1f}x cpu")
        report["sizes"].append(entry)
    report["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {RESULTS.relative_to(ROOT)}; process max RSS {report['max_rss_mib']:.0f} MiB")
    return report


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 50,000-unit panel")
    main(ap.parse_args().quick)
