"""Model selection that never looks at the cohorts the model is judged on.

The register model is chosen by stratified cross-validation *inside* the centers it is fitted
on. In the time split those are the training cohorts only, so the test cohorts stay untouched
until the final score; for the national register the choice made there is refitted on every
labelled center.

Three candidates compete on the same folds, simplest first:

* ``one_feature``: the one-indicator rule (the baseline of the validation table: a logistic
  curve on the single feature with the best AUC, that feature chosen inside each fold);
* ``factor``: the capacity score (:class:`~evaluation.risk.models.FactorRiskModel`): one factor
  of the center's indicators, with the single most telling indicator beside it;
* ``logistic``: the L2 logistic model on every feature
  (:class:`~evaluation.risk.models.LogisticRiskModel`), over its grid of penalty, pooling of
  rare categories and calibration folds.

The criterion is the out-of-fold log loss: a proper scoring rule, so it rewards calibration as
well as ranking. Each candidate's best setting is its entry; the register uses the entry with
the lowest log loss (a tie, within :data:`TIE`, goes to the simpler candidate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from evaluation.text import t

from .features import feature_label
from .models import INDICATOR_FEATURES, FactorRiskModel, LogisticRiskModel
from .validation import OneFeatureRule

__all__ = ["Selection", "select_model", "select_logistic", "CANDIDATES", "GRID", "FACTOR_GRID", "TIE"]

#: The candidates, simplest first.
CANDIDATES = ("one_feature", "factor", "logistic")
#: Settings tried for the logistic model on every feature.
GRID = {"C": (0.03, 0.1, 0.3, 1.0), "min_category_count": (30, 100, 300), "calibration_cv": (5, "cohort")}
#: Settings of the capacity score: the score with the most telling indicator beside it, which
#: contains both the one-indicator rule and the score alone (on fresh samples the context
#: features beside it, 20-odd more coefficients, won the cross-validation now and then and
#: then ranked the later cohorts worse than the rule: their cohort trend does not carry over).
FACTOR_GRID = ({"context": False, "anchor": True},)
#: Log-loss differences smaller than this are ties (won by the simpler candidate).
TIE = 1e-4


@dataclass
class Selection:
    """The chosen model, each candidate's best settings, every setting's cross-validated score."""

    model: str  # one of CANDIDATES: what the register uses
    best: dict  # candidate -> its best settings
    scores: pd.DataFrame  # one row per setting tried: candidate, settings, log_loss, brier, auc
    cohorts: list[int]
    n_centers: int
    folds: int
    info: dict = field(default_factory=dict)

    @property
    def params(self) -> dict:
        """The logistic model's settings (what ``fit_risk(logistic_params=...)`` takes)."""
        return self.best["logistic"]

    def fit_kwargs(self) -> dict:
        """What :func:`~evaluation.risk.api.fit_risk` takes to reuse this choice without selecting again."""
        return {"model": self.model, "logistic_params": dict(self.best["logistic"]),
                "factor_params": dict(self.best.get("factor", {"context": False}))}

    def summary(self) -> pd.DataFrame:
        """The best setting of each candidate, best first."""
        rows = self.scores.sort_values(["log_loss", "order"], kind="stable").groupby("candidate", sort=False).head(1)
        return rows.reset_index(drop=True)

    def text(self, language: str = "en") -> str:
        """Which model the register uses and why, with every candidate's score, in words."""
        best = self.summary().set_index("candidate")

        def name(candidate: str) -> str:
            if candidate == "one_feature":
                return t("risk.selection.one_feature", language,
                         feature=feature_label(self.info.get("one_feature", ""), language))
            if candidate == "factor":
                p = self.best.get("factor", {})
                key = "risk.selection.factor_context" if p.get("context") else "risk.selection.factor"
                text = t(key, language, n=self.info.get("n_indicators", ""), C=f"{p.get('C', 0):g}",
                         min_count=p.get("min_category_count", ""))
                return text + (t("risk.selection.anchor", language) if p.get("anchor") else "")
            p = self.best["logistic"]
            calibration = t("risk.selection.by_cohort" if p["calibration_cv"] == "cohort"
                            else "risk.selection.stratified", language)
            return t("risk.selection.logistic", language, C=f"{p['C']:g}", min_count=p["min_category_count"],
                     calibration=calibration)

        scores = "; ".join(t("risk.selection.score", language, model=name(c), log_loss=f"{best.loc[c, 'log_loss']:.4f}",
                             auc=f"{best.loc[c, 'auc']:.3f}") for c in CANDIDATES if c in best.index)
        return t("risk.selection.text", language, folds=self.folds, cohorts=", ".join(map(str, self.cohorts)),
                 n=f"{self.n_centers:,}", scores=scores, model=t(f"risk.selection.model.{self.model}", language),
                 why=t(f"risk.selection.why.{self.model}", language),
                 indicators=t(f"risk.selection.indicators.{self.model}", language))


def _oof_scores(model, features: pd.DataFrame, y: np.ndarray, splits) -> dict:
    oof = np.full(len(y), np.nan)
    for tr, te in splits:
        oof[te] = clone(model).fit(features.iloc[tr], y[tr]).predict_proba(features.iloc[te])[:, 1]
    p = np.clip(oof, 1e-6, 1 - 1e-6)
    return {"log_loss": float(log_loss(y, p)), "brier": float(np.mean((oof - y) ** 2)),
            "auc": float(roc_auc_score(y, oof))}


def select_model(features: pd.DataFrame, y, *, folds: int = 5, seed: int = 0, grid: dict | None = None,
                 factor_grid=None, candidates=CANDIDATES) -> Selection:
    """Choose the register model by cross-validated log loss on these centers only.

    Every candidate is scored on the same stratified folds. The logistic model's penalty and
    pooling are searched first (with the first calibration set-up), then its calibration
    folds for the best of them; the capacity score's settings are :data:`FACTOR_GRID`.
    """
    grid = {**GRID, **(grid or {})}
    factor_grid = FACTOR_GRID if factor_grid is None else tuple(factor_grid)
    y = np.asarray(y, dtype=int)
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(features, y))
    rows = []

    def add(candidate: str, params: dict, model) -> dict:
        row = {"candidate": candidate, "order": CANDIDATES.index(candidate), "params": dict(params),
               "settings": ", ".join(f"{k}={v}" for k, v in params.items()),
               **_oof_scores(model, features, y, splits)}
        rows.append(row)
        return row

    best: dict = {}
    if "one_feature" in candidates:
        add("one_feature", {}, OneFeatureRule())
        best["one_feature"] = {}
    if "factor" in candidates:
        for params in factor_grid:
            add("factor", params, FactorRiskModel(random_state=seed, **params))
        best["factor"] = min((r for r in rows if r["candidate"] == "factor"), key=lambda r: r["log_loss"])["params"]
    base = LogisticRiskModel(random_state=seed)
    first_cal = grid["calibration_cv"][0]
    logistic = [add("logistic", {"C": C, "min_category_count": m, "calibration_cv": first_cal},
                    clone(base).set_params(C=C, min_category_count=m, calibration_cv=first_cal))
                for C, m in product(grid["C"], grid["min_category_count"])]
    top = min(logistic, key=lambda r: (r["log_loss"], r["params"]["C"]))["params"]
    for cal in grid["calibration_cv"][1:]:
        params = {**top, "calibration_cv": cal}
        logistic.append(add("logistic", params, clone(base).set_params(**params)))
    chosen = min(logistic, key=lambda r: (r["log_loss"], r["params"]["C"]))["params"]
    best["logistic"] = {"C": float(chosen["C"]), "min_category_count": int(chosen["min_category_count"]),
                        "calibration_cv": chosen["calibration_cv"]}
    scores = pd.DataFrame(rows)
    entries = scores.sort_values(["log_loss", "order"], kind="stable").groupby("candidate").head(1)
    entries = entries[entries["candidate"].isin(candidates)]
    lowest = float(entries["log_loss"].min())
    model = str(entries[entries["log_loss"] <= lowest + TIE].sort_values("order")["candidate"].iloc[0])
    cohorts = sorted(int(c) for c in features["cohort"].dropna().unique())
    varying = features[list(INDICATOR_FEATURES)].astype(float).std() > 1e-12
    return Selection(model=model, best=best, scores=scores, cohorts=cohorts, n_centers=len(y), folds=folds,
                     info={"one_feature": OneFeatureRule().fit(features, y).feature_,
                           "n_indicators": int(varying.sum())})


def select_logistic(features: pd.DataFrame, y, *, grid: dict | None = None, folds: int = 5, seed: int = 0) -> Selection:
    """The logistic model's settings alone (the selection of earlier versions)."""
    return select_model(features, y, folds=folds, seed=seed, grid=grid, candidates=("logistic",))
