"""Time to fit and score the independence-risk models on all sample centers (~4,300).

Compared, on the same standardised design matrix and in the same process:

* ``baseline.LogisticRegression``: a plain scikit-learn logistic regression, fitted on the
  labelled centers and scoring all centers (no calibration, no reasons);
* ``LogisticRiskModel``: the register model (Platt calibration on 5-fold out-of-fold scores,
  refit) plus per-center contributions;
* ``BoostedRiskModel``: HistGradientBoosting with 5-fold isotonic calibration;
* ``fit_risk`` without grouped CV: features, labels, time-split validation of both models,
  final fits and the register with reasons (what a national run does once);
* ``fit_risk`` with grouped CV by province (the full national stage).

And, on fresh samples (new seeds of the generator, settings chosen anew inside each sample's
training cohorts): AUC against the planted truth's and ECE on the untouched test cohorts, the
number of open centers in the register and of decided centers in it (must be 0), and what the
earlier register (every center not yet mandiri) would have counted.

Writes ``benchmarks/results/risk.json``. Run: ``python benchmarks/bench_risk.py [--repeat 5] [--seeds 10]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.config import SAMPLE_DIR  # noqa: E402
from evaluation.data.load import load_dataset  # noqa: E402
from evaluation.risk import BoostedRiskModel, LogisticRiskModel, center_features, fit_risk, label_frame  # noqa: E402
from evaluation.risk.models import RiskDesign  # noqa: E402


def timed(fn, repeat: int) -> dict:
    runs, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {"median_s": statistics.median(runs), "min_s": min(runs), "runs_s": runs,
            "median_cpu_s": statistics.median(cpus)}


def fresh_samples(seeds: list[int]) -> dict:
    """The risk analysis on new draws of the sample: quality on untouched cohorts, who is scored."""
    import tempfile

    from evaluation.data import synthetic

    rows = []
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            synthetic.write_sample(tmp, seed=seed)
            ds = load_dataset(tmp)
            r = fit_risk(ds, grouped_cv=False, odds_ratios=False)
        lab, m = r.labels, r.metrics
        decided = lab.index[lab["observed"] | lab["first_target_year"].notna()]
        latest = ds.center_years.sort_values("year").groupby("center_id").tail(1)
        rows.append({"seed": seed, "auc": m["auc"], "oracle_auc": m["oracle_auc"], "gap": m["oracle_auc"] - m["auc"],
                     "ece": m["ece"], "oracle_ece": m["oracle_ece"], "open_in_register": int(len(r.register)),
                     "decided_in_register": int(r.register["center_id"].isin(decided).sum()),
                     "earlier_register_size": int((latest["stage"] != "mandiri").sum()),
                     "high_band_observed_share_test": float(r.band_check.set_index("band").loc["high", "observed_share_not_reaching"]),
                     "params": m["logistic_params"]})
        print(f"seed {seed}: AUC {m['auc']:.3f} (oracle {m['oracle_auc']:.3f}), ECE {m['ece']:.3f}, "
              f"open {len(r.register)}, decided in register {rows[-1]['decided_in_register']}", flush=True)
    df = pd.DataFrame(rows)
    return {"seeds": seeds, "per_seed": rows,
            "max_gap_to_oracle_auc": float(df["gap"].max()), "mean_gap_to_oracle_auc": float(df["gap"].mean()),
            "max_ece": float(df["ece"].max()), "mean_ece": float(df["ece"].mean()),
            "share_seeds_gap_within_0_03": float((df["gap"] <= 0.03).mean()),
            "share_seeds_ece_below_0_03": float((df["ece"] < 0.03).mean()),
            "decided_in_register_total": int(df["decided_in_register"].sum())}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=10, help="fresh samples for the quality check (0: none)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "risk.json"))
    args = ap.parse_args(argv)

    from sklearn.linear_model import LogisticRegression

    ds = load_dataset(SAMPLE_DIR)
    feats = center_features(ds.centers, ds.center_years, ds.regency_years, decision_age=2)
    labels = label_frame(ds.centers, ds.center_years)
    lab = labels.index[labels["label"].notna()]
    y = labels.loc[lab, "label"].astype(int).to_numpy()
    design = RiskDesign().fit(feats.loc[lab])
    Z_all, Z_lab = design.transform(feats), design.transform(feats.loc[lab])

    def plain():
        with threadpool_limits(1):
            LogisticRegression(C=0.1, max_iter=5000).fit(Z_lab, y).predict_proba(Z_all)

    def logistic():
        m = LogisticRiskModel().fit(feats.loc[lab], y)
        m.predict_proba(feats)
        m.contributions(feats)

    def boosted():
        BoostedRiskModel().fit(feats.loc[lab], y).predict_proba(feats)

    def features_only():
        center_features(ds.centers, ds.center_years, ds.regency_years, decision_age=2)
        label_frame(ds.centers, ds.center_years)

    results = {}
    for name, fn, rep in (("baseline.LogisticRegression", plain, args.repeat),
                          ("features+labels", features_only, args.repeat),
                          ("LogisticRiskModel", logistic, args.repeat),
                          ("BoostedRiskModel", boosted, args.repeat),
                          ("fit_risk(grouped_cv=False)", lambda: fit_risk(ds, grouped_cv=False, odds_ratios=False),
                           max(3, args.repeat // 2)),
                          ("fit_risk", lambda: fit_risk(ds), 3)):
        fn()  # warm-up (imports, caches)
        results[name] = timed(fn, rep)
        print(f"{name:32s} median {results[name]['median_s']:.3f} s", flush=True)
    base = results["baseline.LogisticRegression"]["median_s"]
    for r in results.values():
        r["ratio_to_baseline"] = r["median_s"] / base

    out = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "numpy": np.__version__, "pandas": pd.__version__, "scikit-learn": sklearn.__version__,
                    "threads": 1},
        "task": "fit on the labelled centers and score every center of the sample (decision age 2, "
                "target mandiri within 4 years)",
        "timing": "median wall seconds of repeated runs in one process after one warm-up; cpu = process time",
        "centers": int(len(feats)), "labelled": int(len(lab)), "design_columns": int(Z_all.shape[1]),
        "results": results,
        "fresh_samples": fresh_samples(list(range(101, 101 + args.seeds))) if args.seeds else None,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main()
