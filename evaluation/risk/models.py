"""Risk models with the scikit-learn estimator API.

* :class:`RiskDesign` turns the feature frame of :mod:`evaluation.risk.features` into a
  numeric matrix: medians for missing values, rare categories pooled, one dummy per
  category except the most common (the reference), every column standardised.
* :class:`LogisticRiskModel` is the interpretable baseline: an L2-penalised logistic
  regression on the standardised design, calibrated with Platt scaling (``sigmoid``) fitted
  on out-of-fold scores. Because Platt scaling is linear on the log-odds scale, the
  calibrated log-odds still split exactly into ``baseline + sum of coefficient x (x - mean)``
  per feature (:meth:`LogisticRiskModel.contributions`), which the risk register reads.
* :class:`BoostedRiskModel` is a histogram gradient-boosted classifier, calibrated with
  isotonic regression on out-of-fold scores.

Calibration uses out-of-fold scores from stratified 5-fold cross-validation of the training
centers (``calibration_cv=5``, the default; the time split itself is the honest test).
``calibration_cv="cohort"`` groups the folds by cohort instead, so each cohort's scores come
from a model that never saw it; with cohorts as unequal as BLKK's (50 and 75 centers in
2017-18, ~1,000 in 2019-20) the held-out big cohort leaves a small training part, its scores
are noisier than the final model's, and Platt scaling then shifts the probabilities
(on the sample: mean risk 0.848 vs 0.823 observed), so it is not the default.
The label is 1 for *not* reaching the target stage, so probabilities are risks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .features import CATEGORICAL_FEATURES, FEATURE_LABELS, NUMERIC_FEATURES

__all__ = ["RiskDesign", "LogisticRiskModel", "BoostedRiskModel", "calibration_splits"]

OTHER = "other"
#: A few thousand centers fit in well under a second on one thread; more OpenMP/BLAS threads
#: only add overhead at this size (and fight with other work on a shared machine).
N_THREADS = 1


def _as_frame(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"risk models take the feature DataFrame of center_features(), got {type(X).__name__}")
    return X


def _binary_target(y) -> np.ndarray:
    y = np.asarray(pd.Series(y).astype(float))
    if np.isnan(y).any():
        raise ValueError("the label has missing values: train only on centers whose horizon is observed")
    if not set(np.unique(y)) <= {0.0, 1.0} or len(np.unique(y)) < 2:
        raise ValueError("the label must be 0/1 with both classes present")
    return y.astype(int)


def calibration_splits(X: pd.DataFrame, y: np.ndarray, cv="cohort", n_splits: int = 5, seed: int = 0):
    """Train/test index pairs for out-of-fold calibration.

    ``"cohort"``: folds grouped by cohort (at most ``n_splits``; folds without both classes are
    dropped); an integer: stratified k-fold shuffled with ``seed``.
    """
    if cv == "cohort":
        groups = X["cohort"].to_numpy()
        k = min(n_splits, len(np.unique(groups)))
        if k >= 2:
            splits = list(GroupKFold(n_splits=k).split(X, y, groups))
            # the folds must cover every center once and hold both classes on both sides;
            # otherwise (e.g. a cohort where every center missed the target) fall back to strata
            if all(len(np.unique(y[tr])) == 2 and len(np.unique(y[te])) == 2 for tr, te in splits):
                return splits
        cv = n_splits  # a single cohort, or cohorts that cannot be folds, cannot be split by cohort
    k = int(cv)
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(X, y))


class RiskDesign(TransformerMixin, BaseEstimator):
    """Numeric, standardised design matrix from the feature frame.

    Missing numeric values take the training median; values outside the training range are
    clipped to it, so that a later cohort is not scored by extrapolating a linear trend.

    Parameters
    ----------
    numeric, categorical : feature names to use.
    min_category_count : categories seen fewer times in training are pooled into ``"other"``.
    """

    def __init__(self, numeric=NUMERIC_FEATURES, categorical=CATEGORICAL_FEATURES, min_category_count: int = 100):
        self.numeric = numeric
        self.categorical = categorical
        self.min_category_count = min_category_count

    def fit(self, X, y=None):
        X = _as_frame(X)
        num = X[list(self.numeric)].astype(float)
        self.medians_ = num.median().fillna(0.0)
        # new centers are scored inside the training range (no linear extrapolation, e.g. of cohort)
        self.lower_, self.upper_ = num.min().fillna(0.0), num.max().fillna(0.0)
        self.levels_, self.reference_ = {}, {}
        for col in self.categorical:
            counts = X[col].astype(str).value_counts()
            kept = sorted(counts[counts >= self.min_category_count].index)
            pooled = X[col].astype(str).where(X[col].astype(str).isin(kept), OTHER)
            reference = pooled.value_counts().sort_index().idxmax()
            levels = sorted(set(pooled) - {reference})
            self.levels_[col], self.reference_[col] = levels, reference
        raw = self._raw(X, drop_constant=False)
        std = raw.std(ddof=0)
        keep = std > 1e-12  # a constant column carries nothing (e.g. years_observed when all have 2)
        self.columns_ = list(raw.columns[keep])
        self.mean_ = raw.mean()[self.columns_]
        self.scale_ = std[self.columns_]
        self.groups_ = [self._group(c) for c in self.columns_]
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def _group(self, column: str) -> str:
        for col in self.categorical:
            if column.startswith(col + "="):
                return col
        return column

    def _raw(self, X: pd.DataFrame, drop_constant: bool = True) -> pd.DataFrame:
        num = X[list(self.numeric)].astype(float).fillna(self.medians_).clip(self.lower_, self.upper_, axis=1)
        parts = [num]
        for col in self.categorical:
            vals = X[col].astype(str)
            known = set(self.levels_[col]) | {self.reference_[col]}
            vals = vals.where(vals.isin(known), OTHER if OTHER in known else self.reference_[col])
            parts.append(pd.DataFrame({f"{col}={lv}": (vals == lv).astype(float) for lv in self.levels_[col]},
                                      index=X.index))
        raw = pd.concat(parts, axis=1)
        return raw[self.columns_] if drop_constant else raw

    def raw(self, X) -> pd.DataFrame:
        """The unstandardised design (imputed values and 0/1 dummies), one column per coefficient."""
        check_is_fitted(self, "columns_")
        return self._raw(_as_frame(X))

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "columns_")
        return ((self._raw(_as_frame(X)) - self.mean_) / self.scale_).to_numpy(dtype=float)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "columns_")
        return np.asarray(self.columns_, dtype=object)


class LogisticRiskModel(ClassifierMixin, BaseEstimator):
    """Penalised logistic regression on standardised features, Platt-calibrated.

    Parameters
    ----------
    C : inverse L2 penalty strength (on standardised features).
    calibration : ``"sigmoid"`` (Platt, out-of-fold) or ``None`` (the raw logistic fit).
    calibration_cv : ``"cohort"`` (folds grouped by cohort) or the number of stratified folds.
    min_category_count : host types / vocations with fewer training centers are pooled into
        "other" (100: on the sample's time split, vocation dummies with 30-100 centers cost
        0.01 in test AUC - they mostly track the cohort's vocation menu).
    random_state : seed for the stratified folds.
    """

    def __init__(self, C: float = 0.1, calibration: str | None = "sigmoid", calibration_cv=5,
                 min_category_count: int = 100, random_state: int = 0):
        self.C = C
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.min_category_count = min_category_count
        self.random_state = random_state

    def fit(self, X, y):
        X = _as_frame(X)
        y = _binary_target(y)
        if self.calibration not in ("sigmoid", None):
            raise ValueError("LogisticRiskModel.calibration must be 'sigmoid' or None (isotonic would break "
                             "the additive reasons)")
        self.design_ = RiskDesign(min_category_count=self.min_category_count).fit(X)
        Z = self.design_.transform(X)
        base = LogisticRegression(C=self.C, max_iter=5000)
        with threadpool_limits(N_THREADS):
            self._fit_calibrated(base, X, Z, y)
        self.coef_ = self.estimator_.coef_.ravel().copy()
        self.intercept_ = float(self.estimator_.intercept_[0])
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def _fit_calibrated(self, base, X, Z, y):
        if self.calibration is None:
            self.estimator_ = base.fit(Z, y)
            self.platt_a_, self.platt_b_ = 1.0, 0.0
        else:
            splits = calibration_splits(X, y, self.calibration_cv, seed=self.random_state)
            cal = CalibratedClassifierCV(base, method="sigmoid", cv=splits, ensemble=False).fit(Z, y)
            fitted = cal.calibrated_classifiers_[0]
            self.estimator_ = fitted.estimator
            # sklearn's sigmoid: p = 1 / (1 + exp(a f + b)); calibrated log-odds = -a f - b
            self.platt_a_ = float(-fitted.calibrators[0].a_)
            self.platt_b_ = float(-fitted.calibrators[0].b_)

    def decision_function(self, X) -> np.ndarray:
        """Calibrated log-odds of not reaching the target stage."""
        check_is_fitted(self, "coef_")
        f = self.design_.transform(_as_frame(X)) @ self.coef_ + self.intercept_
        return self.platt_a_ * f + self.platt_b_

    def predict_proba(self, X) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def contributions(self, X) -> pd.DataFrame:
        """Signed contribution of each feature to the calibrated log-odds, per center.

        ``baseline`` is the log-odds of a center at the training means; each other column is
        ``a x coefficient x (x - mean)`` summed over the feature's dummies (``a`` the Platt
        slope), so a row sums exactly to :meth:`decision_function`.
        """
        check_is_fitted(self, "coef_")
        X = _as_frame(X)
        Z = self.design_.transform(X)
        terms = pd.DataFrame(self.platt_a_ * Z * self.coef_, index=X.index, columns=self.design_.columns_)
        out = terms.T.groupby(np.asarray(self.design_.groups_), sort=False).sum().T
        out.insert(0, "baseline", self.platt_a_ * self.intercept_ + self.platt_b_)
        return out

    def coefficients(self) -> pd.DataFrame:
        """Fitted (penalised) coefficients per standardised column with odds ratios per SD."""
        check_is_fitted(self, "coef_")
        d = self.design_
        coef = self.platt_a_ * self.coef_
        return pd.DataFrame({
            "feature": d.groups_,
            "label": [FEATURE_LABELS.get(g, g) for g in d.groups_],
            "mean": d.mean_.to_numpy(),
            "sd": d.scale_.to_numpy(),
            "coef_per_sd": coef,
            "odds_ratio_per_sd": np.exp(coef),
        }, index=pd.Index(d.columns_, name="column"))

    def odds_ratios(self, X, y) -> pd.DataFrame:
        """Unpenalised Logit (statsmodels) on the same standardised design: odds ratio per SD
        of each column with a 95% interval and p-value, for reading, not for scoring."""
        import statsmodels.api as sm

        check_is_fitted(self, "coef_")
        Z = pd.DataFrame(self.design_.transform(_as_frame(X)), columns=self.design_.columns_, index=X.index)
        logit = sm.Logit(_binary_target(y), sm.add_constant(Z, has_constant="add"))
        fit = logit.fit(disp=0, maxiter=200, method="bfgs")
        ci = fit.conf_int()
        out = pd.DataFrame({
            "coef": fit.params, "se": fit.bse, "odds_ratio": np.exp(fit.params),
            "or_low": np.exp(ci[0]), "or_high": np.exp(ci[1]), "p_value": fit.pvalues,
        })
        out.index.name = "column"
        return out


class BoostedRiskModel(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees (``HistGradientBoostingClassifier``), isotonic-calibrated out of fold.

    Categorical features are passed as categories (rare ones pooled); missing numeric values
    are handled by the trees. The defaults (small trees of 4 leaves, 100 rounds) were chosen by
    5-fold CV inside the sample's training cohorts (2017-2019), never on the test cohorts.
    """

    def __init__(self, learning_rate: float = 0.05, max_iter: int = 100, max_leaf_nodes: int = 4,
                 min_samples_leaf: int = 40, l2_regularization: float = 1.0, calibration: str | None = "isotonic",
                 calibration_cv=5, min_category_count: int = 30, random_state: int = 0):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.min_category_count = min_category_count
        self.random_state = random_state

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        num = X[list(NUMERIC_FEATURES)].astype(float).to_numpy()
        cats = []
        for col in CATEGORICAL_FEATURES:
            lookup = {lv: i for i, lv in enumerate(self.levels_[col])}
            other = lookup.get(OTHER, np.nan)
            cats.append(X[col].astype(str).map(lambda v: lookup.get(v, other)).astype(float).to_numpy())
        return np.column_stack([num] + cats)

    def fit(self, X, y):
        X = _as_frame(X)
        y = _binary_target(y)
        self.levels_ = {}
        for col in CATEGORICAL_FEATURES:
            counts = X[col].astype(str).value_counts()
            self.levels_[col] = sorted(counts[counts >= self.min_category_count].index) + [OTHER]
        M = self._matrix(X)
        mask = [False] * len(NUMERIC_FEATURES) + [True] * len(CATEGORICAL_FEATURES)
        base = HistGradientBoostingClassifier(
            learning_rate=self.learning_rate, max_iter=self.max_iter, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf, l2_regularization=self.l2_regularization,
            categorical_features=mask, early_stopping=False, random_state=self.random_state,
        )
        with threadpool_limits(N_THREADS):
            if self.calibration is None:
                self.estimator_ = base.fit(M, y)
            else:
                splits = calibration_splits(X, y, self.calibration_cv, seed=self.random_state)
                self.estimator_ = CalibratedClassifierCV(base, method=self.calibration, cv=splits).fit(M, y)
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        with threadpool_limits(N_THREADS):
            return self.estimator_.predict_proba(self._matrix(_as_frame(X)))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)
