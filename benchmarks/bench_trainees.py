"""Time every training-effect estimator on NSW/CPS-1 and on a million-row synthetic survey.

Run with ``.venv/bin/python benchmarks/bench_trainees.py [--rows N] [--repeat R]``.
Writes ``benchmarks/results/trainees.json`` and prints a table. Each timing is the best
of ``--repeat`` runs of the full ``training_effect`` call (validation, propensity
logit, estimator, balance table and warnings), so it is what a notebook user waits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from evaluation.config import PROJECT_ROOT
from evaluation.impact.trainees import (
    METHODS,
    NSW_COVARIATES,
    NSW_PROPENSITY_TERMS,
    SIM_COVARIATES,
    simulate_trainees,
    training_effect,
)

CPS1 = PROJECT_ROOT / "data" / "reference" / "lalonde" / "nsw_treated_vs_cps1.csv"
OUT = PROJECT_ROOT / "benchmarks" / "results" / "trainees.json"


def _time(fn, repeat: int):
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(rows: int, repeat: int) -> dict:
    cps = pd.read_csv(CPS1)
    start = time.perf_counter()
    survey = simulate_trainees(rows, seed=2024)
    simulate_seconds = time.perf_counter() - start

    datasets = {
        "nsw_cps1": dict(df=cps, outcome="re78", covariates=NSW_COVARIATES,
                         propensity_terms=NSW_PROPENSITY_TERMS, weights=None, truth=1794.34),
        "synthetic_survey": dict(df=survey, outcome="income", covariates=SIM_COVARIATES,
                                 propensity_terms=None, weights="weight", truth=survey.attrs["att_income"]),
    }
    records = []
    for name, spec in datasets.items():
        df = spec["df"]
        for method in METHODS:
            seconds, r = _time(
                lambda: training_effect(
                    df, spec["outcome"], "treat", spec["covariates"], method=method,
                    weights=spec["weights"], propensity_terms=spec["propensity_terms"],
                ),
                repeat,
            )
            records.append(
                {
                    "dataset": name,
                    "rows": len(df),
                    "covariates": len(spec["covariates"]),
                    "propensity_terms": len(spec["propensity_terms"] or []),
                    "method": method,
                    "seconds": round(seconds, 4),
                    "estimate": round(r.estimate, 2),
                    "se": round(r.se, 2),
                    "benchmark_att": round(spec["truth"], 2),
                    "n_warnings": len(r.warnings),
                }
            )
    return {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "cpus": os.cpu_count(),
            "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "repeat": repeat,
        "simulate_seconds": round(simulate_seconds, 3),
        "notes": (
            "nsw_cps1: 185 NSW trainees + 15,992 CPS-1 persons, Dehejia-Wahba propensity terms, "
            "benchmark = experimental ATT. synthetic_survey: simulate_trainees(seed=2024) with "
            "survey weights, selection on observables, benchmark = planted weighted ATT."
        ),
        "results": records,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the synthetic survey")
    parser.add_argument("--repeat", type=int, default=2, help="runs per estimator; the best is kept")
    args = parser.parse_args(argv)
    report = run(args.rows, args.repeat)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    table = pd.DataFrame(report["results"])
    with pd.option_context("display.width", 140, "display.max_columns", 20):
        print(table.drop(columns=["covariates", "propensity_terms"]).to_string(index=False))
    print(f"\nload average at start {report['machine']['load_average_at_start']}; wrote {OUT}")


if __name__ == "__main__":
    main()
