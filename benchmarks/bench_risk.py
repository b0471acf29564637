"""The independence-risk model on the sample and on fresh samples, and the time it takes.

**Quality** (``--seeds``, default 10 fresh draws of the generator, seeds 101-110, plus the
embedded sample): for each, ``fit_risk`` chooses its register model and settings inside the
training cohorts (the one-indicator rule, the capacity score or the logistic model on every
feature, :mod:`evaluation.risk.selection`) and is scored once on the untouched test cohorts.
Side by side on those cohorts: the register model, the logistic model on every feature (the
register model of earlier versions), the capacity score, the one-indicator baseline, boosting
and the oracle (the planted true probabilities): AUC, Brier, ECE and precision at the support
capacity ``k`` (the ``k`` highest risks of the test cohorts), the share of the test centers in
the register's high band that then missed the target, which model the selection chose and the
time ``fit_risk`` took. The issue's targets are checked per sample: register AUC at least the
baseline's, gap to the oracle's AUC at most 0.03 (mean at most 0.015), ECE below 0.03. Beside
the ECE: the oracle recalibrated on the training cohorts' labels, the floor their noise leaves.

**Speed** on the sample (~4,300 centers, one thread), in one process: the estimators alone, the
selection, and ``fit_risk`` with and without grouped CV. ``--before-ref REF`` (default ``HEAD``)
also loads ``evaluation/risk`` as committed at ``REF`` (from git, into a temporary package) and
times its ``fit_risk`` alternately with the current one on the same data, so that a shared,
noisy machine slows both alike: the ratio of the medians is the figure to read. Each fresh
sample is fitted by both as well.

Writes ``benchmarks/results/risk.json``. Run:
``python benchmarks/bench_risk.py [--repeat 5] [--seeds 10] [--before-ref HEAD]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import statistics
import subprocess
import sys
import tempfile
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
from evaluation.risk import (BoostedRiskModel, FactorRiskModel, LogisticRiskModel, center_features,  # noqa: E402
                             fit_risk, label_frame)
from evaluation.risk.models import RiskDesign  # noqa: E402
from evaluation.risk.selection import select_model  # noqa: E402
from evaluation.risk.validation import OneFeatureRule, time_split  # noqa: E402

#: What each row of the quality table compares (prediction column of the time split).
COLUMNS = {"register": None, "logistic": "logistic", "factor": "factor", "baseline": "baseline_one_feature",
           "boosted": "boosted", "oracle": "oracle"}
TARGETS = {"max_gap": 0.03, "mean_gap": 0.015, "ece": 0.03}


def timed(fn, repeat: int) -> dict:
    runs, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {"median_s": statistics.median(runs), "min_s": min(runs), "runs_s": runs,
            "median_cpu_s": statistics.median(cpus)}


def interleaved(fns: dict, repeat: int) -> dict:
    """Time several functions in turns (a, b, a, b ...), so that load on a shared machine hits all alike."""
    runs = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - t0)
    return {name: {"median_s": statistics.median(r), "min_s": min(r), "runs_s": r} for name, r in runs.items()}


def load_before(ref: str):
    """``evaluation/risk`` as committed at ``ref``, imported as a separate package (or None)."""
    try:
        sha = subprocess.run(["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        names = subprocess.run(["git", "ls-tree", "--name-only", ref, "evaluation/risk/"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None, None
    folder = Path(tempfile.mkdtemp(prefix="risk_before_"))
    package = folder / "risk_before"
    package.mkdir()
    for name in names:
        if not name.endswith(".py"):
            continue
        text = subprocess.run(["git", "show", f"{ref}:{name}"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout
        (package / Path(name).name).write_text(text.replace("from ..", "from evaluation."))
    sys.path.insert(0, str(folder))
    module = importlib.import_module("risk_before")
    # the committed code may name catalogue texts that have changed since: words are not timed
    from evaluation.text import t as current_t

    def tolerant(key, language="en", **values):
        try:
            return current_t(key, language, **values)
        except (KeyError, IndexError):
            return key

    for sub in ("api", "selection"):
        mod = importlib.import_module(f"risk_before.{sub}")
        if hasattr(mod, "t"):
            mod.t = tolerant
    return module, sha


def quality(result, seconds: float) -> dict:
    """The untouched-cohort figures of one fit, every model side by side."""
    m = result.time_split.metrics
    register = result.register_column
    row = {"model": result.model, "fit_s": seconds}
    for name, col in COLUMNS.items():
        col = col or register
        for metric in ("auc", "brier", "ece", "precision_at_k"):
            row[f"{name}_{metric}"] = float(m.loc[col, metric]) if col in m.index else float("nan")
    row["gap_to_oracle_auc"] = row["oracle_auc"] - row["register_auc"]
    row["high_band_observed_share_test"] = float(
        result.band_check.set_index("band").loc["high", "observed_share_not_reaching"])
    if result.selection is not None:
        row["selection_log_loss"] = {r["candidate"]: round(float(r["log_loss"]), 5)
                                     for _, r in result.selection.summary().iterrows()}
        row["selection_auc"] = {r["candidate"]: round(float(r["auc"]), 4)
                                for _, r in result.selection.summary().iterrows()}
    row["k"] = int(result.metrics["k"])
    row["register_beats_or_equals_baseline"] = bool(row["register_auc"] >= row["baseline_auc"])
    row["gap_within_0_03"] = bool(row["gap_to_oracle_auc"] <= TARGETS["max_gap"])
    row["ece_below_0_03"] = bool(row["register_ece"] < TARGETS["ece"])
    return row


def refit_oracle(ds, result) -> dict:
    """The planted true probability recalibrated (Platt) on the training cohorts' labels: the
    best any model can do that learns its level and slope from those labels. Its ECE on the
    test cohorts is the floor the training labels' own noise leaves."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import brier_score_loss

    from evaluation.risk import load_truth
    from evaluation.risk.validation import expected_calibration_error

    truth = load_truth(ds.data_dir, result.spec)
    if truth is None:
        return {}
    train, test, _ = time_split(result.labels, 2)

    def logit(index):
        p = truth.reindex(index).clip(1e-6, 1 - 1e-6).to_numpy()
        return np.log(p / (1 - p))[:, None]

    y, y_test = (result.labels.loc[i, "label"].astype(int).to_numpy() for i in (train, test))
    p = LogisticRegression(C=1e6).fit(logit(train), y).predict_proba(logit(test))[:, 1]
    return {"oracle_refit_ece": float(expected_calibration_error(y_test, p)),
            "oracle_refit_brier": float(brier_score_loss(y_test, p)),
            "train_share_minus_true_mean": float(y.mean() - truth.reindex(train).mean())}


def fit_both(ds, before) -> tuple[dict, dict | None]:
    t0 = time.perf_counter()
    result = fit_risk(ds, grouped_cv=False, odds_ratios=False)
    row = quality(result, time.perf_counter() - t0)
    row.update(refit_oracle(ds, result))
    lab = result.labels
    decided = lab.index[lab["observed"] | lab["first_target_year"].notna()]
    row["open_in_register"] = int(len(result.register))
    row["decided_in_register"] = int(result.register["center_id"].isin(decided).sum())
    old = None
    if before is not None:
        t0 = time.perf_counter()
        r0 = before.fit_risk(ds, grouped_cv=False, odds_ratios=False)
        old = {"fit_s": time.perf_counter() - t0, "auc": float(r0.metrics["auc"]), "ece": float(r0.metrics["ece"])}
        row["fit_before_s"] = old["fit_s"]
        row["fit_ratio_to_before"] = row["fit_s"] / old["fit_s"]
        row["before_auc"] = old["auc"]
    return row, old


def fresh_samples(seeds: list[int], before) -> dict:
    """The sample and new draws of it: quality on untouched cohorts, who is scored, time to fit."""
    from evaluation.data import synthetic

    rows = []
    for seed in ["sample"] + list(seeds):
        if seed == "sample":
            ds = load_dataset(SAMPLE_DIR)
            row, _ = fit_both(ds, before)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                synthetic.write_sample(tmp, seed=seed)
                ds = load_dataset(tmp)
                row, _ = fit_both(ds, before)
        rows.append({"seed": seed, **row})
        print(f"{seed!s:>6}: {row['model']:11s} AUC {row['register_auc']:.3f} (baseline {row['baseline_auc']:.3f}, "
              f"logistic {row['logistic_auc']:.3f}, boosted {row['boosted_auc']:.3f}, oracle {row['oracle_auc']:.3f}) "
              f"ECE {row['register_ece']:.3f} (oracle refit {row.get('oracle_refit_ece', float('nan')):.3f}) prec@k {row['register_precision_at_k']:.3f} fit {row['fit_s']:.1f} s"
              + (f" (before {row['fit_before_s']:.1f} s)" if "fit_before_s" in row else ""), flush=True)
    df = pd.DataFrame(rows)
    fresh = df[df["seed"] != "sample"]

    def summary(d: pd.DataFrame) -> dict:
        out = {"n": int(len(d)), "models_chosen": d["model"].value_counts().to_dict()}
        for col in [c for c in d.columns if c.endswith(("_auc", "_brier", "_ece", "_precision_at_k"))
                    and not c.startswith("selection")] + ["gap_to_oracle_auc", "fit_s"]:
            out[f"mean_{col}"] = float(d[col].mean())
        out["max_gap_to_oracle_auc"] = float(d["gap_to_oracle_auc"].max())
        out["max_register_ece"] = float(d["register_ece"].max())
        out["min_register_minus_baseline_auc"] = float((d["register_auc"] - d["baseline_auc"]).min())
        out["targets"] = {
            "register_auc_at_least_baseline_every_sample": bool(d["register_beats_or_equals_baseline"].all()),
            "mean_gap_at_most_0_015": bool(d["gap_to_oracle_auc"].mean() <= TARGETS["mean_gap"]),
            "no_gap_above_0_03": bool(d["gap_within_0_03"].all()),
            "ece_below_0_03_every_sample": bool(d["ece_below_0_03"].all()),
        }
        if "oracle_refit_ece" in d:
            out["samples_where_even_the_refit_oracle_has_ece_0_03_or_more"] = int((d["oracle_refit_ece"] >= 0.03).sum())
            out["samples_ece_below_0_03"] = int(d["ece_below_0_03"].sum())
        if "fit_before_s" in d:
            out["median_fit_ratio_to_before"] = float(d["fit_ratio_to_before"].median())
        return out

    return {"seeds": seeds, "per_sample": rows, "fresh": summary(fresh), "sample_and_fresh": summary(df),
            "decided_in_register_total": int(df["decided_in_register"].sum())}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=10, help="fresh samples for the quality check (0: none)")
    ap.add_argument("--before-ref", default="HEAD", help="git ref of evaluation/risk to compare the fit time with "
                                                         "('' for none)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "risk.json"))
    args = ap.parse_args(argv)

    from sklearn.linear_model import LogisticRegression

    before, before_sha = load_before(args.before_ref) if args.before_ref else (None, None)
    ds = load_dataset(SAMPLE_DIR)
    feats = center_features(ds.centers, ds.center_years, ds.regency_years, decision_age=2)
    labels = label_frame(ds.centers, ds.center_years)
    lab = labels.index[labels["label"].notna()]
    y = labels.loc[lab, "label"].astype(int).to_numpy()
    train, _, _ = time_split(labels, 2)
    y_train = labels.loc[train, "label"].astype(int).to_numpy()
    design = RiskDesign().fit(feats.loc[lab])
    Z_all, Z_lab = design.transform(feats), design.transform(feats.loc[lab])

    def plain():
        with threadpool_limits(1):
            LogisticRegression(C=0.1, max_iter=5000).fit(Z_lab, y).predict_proba(Z_all)

    def linear(make):
        def run():
            m = make().fit(feats.loc[lab], y)
            m.predict_proba(feats)
            m.contributions(feats)
        return run

    def boosted():
        BoostedRiskModel().fit(feats.loc[lab], y).predict_proba(feats)

    def one_feature():
        OneFeatureRule().fit(feats.loc[lab], y).predict_proba(feats)

    def features_only():
        center_features(ds.centers, ds.center_years, ds.regency_years, decision_age=2)
        label_frame(ds.centers, ds.center_years)

    results = {}
    for name, fn, rep in (("baseline.LogisticRegression", plain, args.repeat),
                          ("features+labels", features_only, args.repeat),
                          ("OneFeatureRule", one_feature, args.repeat),
                          ("FactorRiskModel", linear(FactorRiskModel), args.repeat),
                          ("LogisticRiskModel", linear(LogisticRiskModel), args.repeat),
                          ("BoostedRiskModel", boosted, args.repeat),
                          ("select_model (training cohorts)",
                           lambda: select_model(feats.loc[train], y_train), max(3, args.repeat // 2))):
        fn()  # warm-up (imports, caches)
        results[name] = timed(fn, rep)
        print(f"{name:34s} median {results[name]['median_s']:.3f} s", flush=True)
    base = results["baseline.LogisticRegression"]["median_s"]
    for r in results.values():
        r["ratio_to_baseline"] = r["median_s"] / base

    # fit_risk now and as committed at --before-ref, in turns
    comparisons = {}
    for label, kwargs, rep in (("fit_risk(grouped_cv=False)", {"grouped_cv": False, "odds_ratios": False},
                                max(3, args.repeat // 2 + 1)),
                               ("fit_risk", {}, 3)):
        fns = {"now": lambda kw=kwargs: fit_risk(ds, **kw)}
        if before is not None:
            fns["before"] = lambda kw=kwargs: before.fit_risk(ds, **kw)
        for fn in fns.values():
            fn()  # warm-up
        timing = interleaved(fns, rep)
        results[label] = {**timing["now"], "ratio_to_baseline": timing["now"]["median_s"] / base}
        if "before" in timing:
            comparisons[label] = {"now": timing["now"], "before": timing["before"],
                                  "ratio_now_to_before": timing["now"]["median_s"] / timing["before"]["median_s"]}
            print(f"{label:34s} median {timing['now']['median_s']:.2f} s, before {timing['before']['median_s']:.2f} s "
                  f"(ratio {comparisons[label]['ratio_now_to_before']:.2f})", flush=True)
        else:
            print(f"{label:34s} median {timing['now']['median_s']:.2f} s", flush=True)

    out = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "numpy": np.__version__, "pandas": pd.__version__, "scikit-learn": sklearn.__version__,
                    "threads": 1},
        "task": "fit on the labelled centers and score every center of the sample (decision age 2, "
                "target mandiri within 4 years)",
        "timing": "median wall seconds of repeated runs in one process after one warm-up; cpu = process time; "
                  "now/before: the current evaluation/risk and the one committed at before_ref, run in turns",
        "before_ref": args.before_ref or None, "before_commit": before_sha,
        "centers": int(len(feats)), "labelled": int(len(lab)), "design_columns": int(Z_all.shape[1]),
        "results": results,
        "before_and_now": comparisons,
        "targets": TARGETS,
        "fresh_samples": fresh_samples(list(range(101, 101 + args.seeds)), before) if args.seeds else None,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, default=str) + "\n")
    return out


if __name__ == "__main__":
    main()
