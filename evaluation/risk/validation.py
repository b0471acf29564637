"""Honest validation: train on earlier cohorts and test on later ones, plus grouped CV by province.

Metrics (all on the risk of *not* reaching the target stage):

* ROC-AUC and PR-AUC (average precision, positive class = at risk);
* Brier score;
* expected calibration error (ECE): centers sorted by predicted risk and cut into
  ``n_bins`` (default 10) bins of equal size; ECE = sum over bins of
  ``(bin size / n) x |mean observed - mean predicted|``;
* precision among the top ``k`` flagged (``k`` = centers the ministry can support; capped
  at the test size): the share of the ``k`` highest-risk centers that indeed did not reach
  the target stage. Where most centers are at risk (82% on the sample) the top 200 are
  all at risk for any useful model, so precision at 10%, 25% and 50% of the scored centers
  is reported too.

Each model is set against two baselines fitted on the same training data: the training
prevalence for everyone (no ranking at all) and a one-feature logistic rule on the single
feature with the best training AUC. Where the planted truth exists (the sample), the
**oracle** (the true probability) is scored on the same test centers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupKFold

from .features import NUMERIC_FEATURES

__all__ = [
    "expected_calibration_error",
    "calibration_table",
    "precision_at_k",
    "score_metrics",
    "time_split",
    "OneFeatureRule",
    "ValidationResult",
    "validate_time_split",
    "validate_grouped_cv",
]


def calibration_table(y, p, n_bins: int = 10) -> pd.DataFrame:
    """Equal-frequency bins of predicted risk: ``n``, ``mean_predicted``, ``observed``."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    bins = np.empty(len(p), dtype=int)
    bins[order] = np.arange(len(p)) * n_bins // max(len(p), 1)
    df = pd.DataFrame({"bin": bins, "y": y, "p": p})
    out = df.groupby("bin").agg(n=("y", "size"), mean_predicted=("p", "mean"), observed=("y", "mean"),
                                p_min=("p", "min"), p_max=("p", "max"))
    return out


def expected_calibration_error(y, p, n_bins: int = 10) -> float:
    """ECE with ``n_bins`` equal-frequency bins (see the module docstring)."""
    t = calibration_table(y, p, n_bins)
    return float((t["n"] * (t["observed"] - t["mean_predicted"]).abs()).sum() / t["n"].sum())


def precision_at_k(y, p, k: int) -> float:
    """Share at risk (label 1) among the ``k`` highest predicted risks (ties broken by order)."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    k = int(min(k, len(y)))
    if k <= 0:
        return float("nan")
    top = np.argsort(-p, kind="stable")[:k]
    return float(y[top].mean())


def score_metrics(y, p, k: int, n_bins: int = 10) -> dict:
    """AUC, PR-AUC, Brier, ECE, precision@k, mean prediction and prevalence as plain floats."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    two = len(np.unique(y)) == 2
    return {
        "auc": float(roc_auc_score(y, p)) if two else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if two else float("nan"),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(y, p, n_bins),
        "precision_at_k": precision_at_k(y, p, k),
        # k as a share of the centers scored, for comparing sets of different size
        "precision_at_10pct": precision_at_k(y, p, int(round(0.10 * len(y)))),
        "precision_at_25pct": precision_at_k(y, p, int(round(0.25 * len(y)))),
        "precision_at_50pct": precision_at_k(y, p, int(round(0.50 * len(y)))),
        "mean_predicted": float(p.mean()),
        "prevalence": float(y.mean()),
        "n": int(len(y)),
    }


def time_split(labels: pd.DataFrame, test_cohorts: int = 2) -> tuple[pd.Index, pd.Index, list[int]]:
    """Centers for training (earlier labelled cohorts) and testing (the latest ``test_cohorts``
    labelled cohorts). Unlabelled centers are in neither."""
    lab = labels[labels["label"].notna()]
    cohorts = sorted(lab["cohort"].unique())
    if len(cohorts) <= test_cohorts:
        raise ValueError(f"need more than {test_cohorts} labelled cohorts for a time split, have {cohorts}")
    test = [int(c) for c in cohorts[-test_cohorts:]]
    is_test = lab["cohort"].isin(test)
    return lab.index[~is_test], lab.index[is_test], test


class OneFeatureRule(ClassifierMixin, BaseEstimator):
    """Baseline: a logistic curve on the single numeric feature with the best training AUC
    (chosen anew on whatever it is fitted on; missing values take the training median).
    A candidate of the model selection like any other (:mod:`evaluation.risk.selection`)."""

    def fit(self, X: pd.DataFrame, y):
        y = np.asarray(y, dtype=int)
        best, best_auc = None, 0.5
        for col in NUMERIC_FEATURES:
            x = X[col].astype(float)
            if x.nunique(dropna=True) < 2:
                continue
            auc = roc_auc_score(y, x.fillna(x.median()))
            if max(auc, 1 - auc) > best_auc:
                best, best_auc = col, max(auc, 1 - auc)
        self.feature_ = best or NUMERIC_FEATURES[0]
        self.median_ = float(X[self.feature_].astype(float).median())
        self.model_ = LogisticRegression(C=1e6, max_iter=1000).fit(self._x(X), y)
        self.classes_ = np.array([0, 1])
        return self

    def _x(self, X):
        return X[[self.feature_]].astype(float).fillna(self.median_).to_numpy()

    def predict_proba(self, X):
        return self.model_.predict_proba(self._x(X))

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


@dataclass
class ValidationResult:
    """Metrics of each model and baseline, with the test-set predictions they came from."""

    scheme: str  # "time_split" | "grouped_cv"
    metrics: pd.DataFrame  # one row per model / baseline / oracle
    predictions: pd.DataFrame  # per test center: label, cohort, and one column per model
    calibration: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict = field(default_factory=dict)


def _metrics_frame(pred: pd.DataFrame, columns: list[str], k: int, n_bins: int) -> pd.DataFrame:
    rows = {}
    for col in columns:
        ok = pred[col].notna()
        if ok.sum() == 0:
            continue
        rows[col] = score_metrics(pred.loc[ok, "label"], pred.loc[ok, col], k, n_bins)
    return pd.DataFrame(rows).T


def validate_time_split(features: pd.DataFrame, labels: pd.DataFrame, models: dict, *, test_cohorts: int = 2,
                        k: int = 200, n_bins: int = 10, truth: pd.Series | None = None) -> ValidationResult:
    """Fit each model (a fresh clone) on earlier cohorts and score the latest ``test_cohorts``.

    ``truth``: the true risk per center (index ``center_id``), if known; scored as ``oracle``.
    """
    train, test, test_list = time_split(labels, test_cohorts)
    y_tr = labels.loc[train, "label"].astype(int).to_numpy()
    pred = pd.DataFrame({"label": labels.loc[test, "label"].astype(int), "cohort": labels.loc[test, "cohort"]})
    fitted = {}
    for name, model in models.items():
        fitted[name] = clone(model).fit(features.loc[train], y_tr)
        pred[name] = fitted[name].predict_proba(features.loc[test])[:, 1]
    pred["baseline_prevalence"] = float(y_tr.mean())
    rule = OneFeatureRule().fit(features.loc[train], y_tr)
    pred["baseline_one_feature"] = rule.predict_proba(features.loc[test])[:, 1]
    cols = list(models) + ["baseline_prevalence", "baseline_one_feature"]
    if truth is not None:
        pred["oracle"] = truth.reindex(pred.index).astype(float)
        cols.append("oracle")
    metrics = _metrics_frame(pred, cols, k, n_bins)
    calib = {c: calibration_table(pred["label"], pred[c], n_bins) for c in cols if pred[c].notna().all()}
    info = {"train_cohorts": sorted(int(c) for c in labels.loc[train, "cohort"].unique()),
            "test_cohorts": test_list, "n_train": int(len(train)), "n_test": int(len(test)),
            "one_feature": rule.feature_, "fitted": fitted}
    return ValidationResult("time_split", metrics, pred, calib, info)


def validate_grouped_cv(features: pd.DataFrame, labels: pd.DataFrame, models: dict, groups: pd.Series, *,
                        n_splits: int = 5, k: int = 200, n_bins: int = 10,
                        truth: pd.Series | None = None) -> ValidationResult:
    """Out-of-fold predictions with folds grouped by ``groups`` (e.g. province): no province is
    in both the training and the scoring part of a fold. Metrics are on the pooled
    out-of-fold predictions. With fewer groups than ``n_splits``, one fold per group."""
    lab = labels[labels["label"].notna()]
    X = features.loc[lab.index]
    y = lab["label"].astype(int).to_numpy()
    g = groups.reindex(lab.index).to_numpy()
    pred = pd.DataFrame({"label": y, "cohort": lab["cohort"].to_numpy()}, index=lab.index)
    for name in list(models) + ["baseline_prevalence", "baseline_one_feature"]:
        pred[name] = np.nan
    pred["fold"] = -1
    n_splits = min(n_splits, len(np.unique(g)))
    if n_splits < 2:
        raise ValueError("grouped CV needs at least two groups (provinces)")
    for i, (tr, te) in enumerate(GroupKFold(n_splits=n_splits).split(X, y, g)):
        pred.iloc[te, pred.columns.get_loc("fold")] = i
        for name, model in models.items():
            p = clone(model).fit(X.iloc[tr], y[tr]).predict_proba(X.iloc[te])[:, 1]
            pred.iloc[te, pred.columns.get_loc(name)] = p
        pred.iloc[te, pred.columns.get_loc("baseline_prevalence")] = y[tr].mean()
        rule = OneFeatureRule().fit(X.iloc[tr], y[tr])
        pred.iloc[te, pred.columns.get_loc("baseline_one_feature")] = rule.predict_proba(X.iloc[te])[:, 1]
    cols = list(models) + ["baseline_prevalence", "baseline_one_feature"]
    if truth is not None:
        pred["oracle"] = truth.reindex(pred.index).astype(float)
        cols.append("oracle")
    metrics = _metrics_frame(pred, cols, k, n_bins)
    calib = {c: calibration_table(pred["label"], pred[c], n_bins) for c in cols if pred[c].notna().all()}
    return ValidationResult("grouped_cv", metrics, pred, calib, {"n_splits": n_splits, "n": int(len(lab))})
