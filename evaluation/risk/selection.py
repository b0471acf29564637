"""Model selection that never looks at the cohorts the model is judged on.

The register model's settings (penalty ``C``, how rare a host type or vocation must be to be
pooled, and how the Platt calibration is folded) are chosen by stratified cross-validation
*inside* the centers the model is fitted on. In the time split those are the training
cohorts only, so the test cohorts stay untouched until the final score; for the national
register the same procedure runs on every labelled center.

The criterion is the out-of-fold log loss of the calibrated model: a proper scoring rule,
so it rewards calibration as well as ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold

from evaluation.text import t

from .models import LogisticRiskModel

__all__ = ["Selection", "select_logistic", "GRID"]

#: Settings tried for the register model.
GRID = {"C": (0.03, 0.1, 0.3, 1.0), "min_category_count": (30, 100, 300), "calibration_cv": (5, "cohort")}


@dataclass
class Selection:
    """The chosen settings, the table of every setting's cross-validated score, and on what."""

    params: dict
    scores: pd.DataFrame
    cohorts: list[int]
    n_centers: int
    folds: int
    info: dict = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        return self.scores.sort_values("log_loss").reset_index(drop=True)

    def text(self, language: str = "en") -> str:
        """How the settings were chosen, in words."""
        p = self.params
        calibration = t("risk.selection.by_cohort" if p["calibration_cv"] == "cohort" else "risk.selection.stratified",
                        language)
        return t("risk.selection.text", language, folds=self.folds, cohorts=", ".join(map(str, self.cohorts)),
                 n=f"{self.n_centers:,}", C=f"{p['C']:g}", min_count=p["min_category_count"], calibration=calibration)


def select_logistic(features: pd.DataFrame, y, *, grid: dict | None = None, folds: int = 5, seed: int = 0,
                    base: LogisticRiskModel | None = None) -> Selection:
    """Choose the :class:`LogisticRiskModel` settings by cross-validated log loss on these centers only.

    The penalty and the pooling of rare categories are searched on a grid first; the
    calibration folds are then compared for the best of them.
    """
    grid = {**GRID, **(grid or {})}
    y = np.asarray(y, dtype=int)
    base = base if base is not None else LogisticRiskModel(random_state=seed)
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(features, y))
    def score(C, mcc, cal) -> dict:
        model = clone(base).set_params(C=C, min_category_count=mcc, calibration_cv=cal)
        oof = np.full(len(y), np.nan)
        for tr, te in splits:
            oof[te] = clone(model).fit(features.iloc[tr], y[tr]).predict_proba(features.iloc[te])[:, 1]
        return {"C": C, "min_category_count": mcc, "calibration_cv": cal,
                "log_loss": float(log_loss(y, oof)), "brier": float(np.mean((oof - y) ** 2))}

    # penalty and pooling first (with the first calibration set-up), then the calibration folds
    first_cal = grid["calibration_cv"][0]
    rows = [score(C, mcc, first_cal) for C, mcc in product(grid["C"], grid["min_category_count"])]
    best = min(rows, key=lambda r: (r["log_loss"], r["C"]))
    rows += [score(best["C"], best["min_category_count"], cal) for cal in grid["calibration_cv"][1:]]
    scores = pd.DataFrame(rows)
    best = scores.sort_values(["log_loss", "C"], kind="stable").iloc[0]
    params = {"C": float(best["C"]), "min_category_count": int(best["min_category_count"]),
              "calibration_cv": best["calibration_cv"]}
    cohorts = sorted(int(c) for c in features["cohort"].dropna().unique())
    return Selection(params=params, scores=scores, cohorts=cohorts, n_centers=len(y), folds=folds)
