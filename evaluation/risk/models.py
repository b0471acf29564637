"""Risk models with the scikit-learn estimator API.

* :class:`RiskDesign` turns the feature frame of :mod:`evaluation.risk.features` into a
  numeric matrix: medians for missing values, rare categories pooled, one dummy per
  category except the most common (the reference), every column standardised.
* :class:`LogisticRiskModel` is the interpretable baseline: an L2-penalised logistic
  regression on the standardised design, calibrated with Platt scaling (``sigmoid``) fitted
  on out-of-fold scores. Because Platt scaling is linear on the log-odds scale, the
  calibrated log-odds still split exactly into ``baseline + sum of coefficient x (x - mean)``
  per feature (:meth:`LogisticRiskModel.contributions`), which the risk register reads.
* :class:`FactorRiskModel` (the "capacity score") reads the center's own indicators (training
  results, the levers, packages, instructors: :data:`INDICATOR_FEATURES`) as noisy measurements
  of one common factor: a one-factor analysis of their standardised values (no labels) weighs
  each by how much of it the factor explains, and a logistic regression on the factor score and
  the single most telling indicator (three parameters; optionally the context features beside
  them, penalised) turns the score into a risk. The log-odds are still linear in the
  standardised features, with coefficient ``slope x factor weight`` per indicator (plus the
  most telling indicator's own), so the register reads contributions from it exactly
  as from the logistic model.
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
from sklearn.decomposition import FactorAnalysis
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .features import CATEGORICAL_FEATURES, CONTEXT_FEATURES, FEATURE_LABELS, NUMERIC_FEATURES

__all__ = ["RiskDesign", "LogisticRiskModel", "FactorRiskModel", "BoostedRiskModel", "calibration_splits",
           "INDICATOR_FEATURES"]

#: What the capacity score reads: every numeric feature of the center's own operation up to the
#: decision age (training results, the levers, packages, instructors), not where or what it is.
INDICATOR_FEATURES = tuple(f for f in NUMERIC_FEATURES if f not in CONTEXT_FEATURES)
#: The indicators that are shares of a center's trainees (completed, certified, placed).
RATE_FEATURES = tuple(f for f in INDICATOR_FEATURES if f.endswith("_rate"))
#: Added to numerator and denominator of a share read on the log-odds scale, so that 0 and 1
#: stay finite (about half a trainee of a year's intake of 25).
RATE_OFFSET = 0.02
#: The numeric context features (the categorical ones are host type and vocation).
CONTEXT_NUMERIC = tuple(f for f in NUMERIC_FEATURES if f in CONTEXT_FEATURES)

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
    logit : numeric features that are shares (0 to 1) to read on the log-odds scale,
        ``log((x + RATE_OFFSET) / (1 - x + RATE_OFFSET))`` (finite at 0 and 1).
    """

    def __init__(self, numeric=NUMERIC_FEATURES, categorical=CATEGORICAL_FEATURES, min_category_count: int = 100,
                 logit=()):
        self.numeric = numeric
        self.categorical = categorical
        self.min_category_count = min_category_count
        self.logit = logit

    def _numeric(self, X: pd.DataFrame) -> np.ndarray:
        num = X[list(self.numeric)].to_numpy(dtype=float, copy=True)
        for j, col in enumerate(self.numeric):
            if col in self.logit:
                x = np.clip(num[:, j], 0.0, 1.0)
                num[:, j] = np.log((x + RATE_OFFSET) / (1.0 - x + RATE_OFFSET))
        return num

    def fit(self, X, y=None):
        X = _as_frame(X)
        num = pd.DataFrame(self._numeric(X), index=X.index, columns=list(self.numeric))
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
        self.positions_ = np.flatnonzero(keep.to_numpy())
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

    def _matrix(self, X: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
        """Imputed, clipped numeric values and 0/1 dummies (numpy: pandas' column-wise ``clip`` and
        ``where`` cost more than the model fits at this size)."""
        num = self._numeric(X)
        num = np.where(np.isnan(num), self.medians_.to_numpy(dtype=float), num)
        parts, names = [np.clip(num, self.lower_.to_numpy(dtype=float), self.upper_.to_numpy(dtype=float))], \
            list(self.numeric)
        for col in self.categorical:
            vals = X[col].astype(str).to_numpy()
            known = set(self.levels_[col]) | {self.reference_[col]}
            vals = np.where(np.isin(vals, list(known)), vals, OTHER if OTHER in known else self.reference_[col])
            levels = self.levels_[col]
            parts.append(np.column_stack([(vals == lv).astype(float) for lv in levels]) if levels
                         else np.empty((len(vals), 0)))
            names += [f"{col}={lv}" for lv in levels]
        return np.column_stack(parts), names

    def _raw(self, X: pd.DataFrame, drop_constant: bool = True) -> pd.DataFrame:
        values, names = self._matrix(X)
        raw = pd.DataFrame(values, index=X.index, columns=names)
        return raw[self.columns_] if drop_constant else raw

    def raw(self, X) -> pd.DataFrame:
        """The unstandardised design (imputed values and 0/1 dummies), one column per coefficient."""
        check_is_fitted(self, "columns_")
        return self._raw(_as_frame(X))

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "columns_")
        values, _ = self._matrix(_as_frame(X))
        return (values[:, self.positions_] - self.mean_.to_numpy()) / self.scale_.to_numpy()

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
        self.design_ = self._make_design().fit(X)
        Z = self.design_.transform(X)
        base = self._make_base()
        with threadpool_limits(N_THREADS):
            self._fit_calibrated(base, X, Z, y)
        self.coef_ = self.estimator_.coef_.ravel().copy()
        self.intercept_ = float(self.estimator_.intercept_[0])
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def _make_design(self) -> RiskDesign:
        return RiskDesign(min_category_count=self.min_category_count)

    def _make_base(self):
        return LogisticRegression(C=self.C, max_iter=5000)

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


class _FactorLogit(ClassifierMixin, BaseEstimator):
    """On a standardised matrix whose first ``n_indicators`` columns are indicators: a one-factor
    analysis of those columns, then a logistic regression on the factor score (effectively
    unpenalised) and on the other (context) columns (L2 with ``C``).

    With ``anchor`` the indicator that alone ranks the centers best (largest distance of its
    AUC from 0.5) enters beside the score, also effectively unpenalised: the one-indicator rule
    and the score are then both special cases of the model.

    ``coef_`` and ``intercept_`` are the composite linear model on the whole matrix:
    ``slope x factor weight`` for each indicator column (plus the anchor's own coefficient),
    the context coefficients as fitted.
    """

    #: The score enters the logistic regression multiplied by this, so that the L2 penalty meant
    #: for the context columns leaves the score's slope practically free (its penalty / SCALE**2).
    SCALE = 30.0

    def __init__(self, n_indicators: int = 1, C: float = 1.0, anchor: bool = False):
        self.n_indicators = n_indicators
        self.C = C
        self.anchor = anchor

    def fit(self, Z, y):
        Z = np.asarray(Z, dtype=float)
        k = int(self.n_indicators)
        if k < 2:
            raise ValueError("the capacity score needs at least two indicators that vary")
        zi = Z[:, :k]
        fa = FactorAnalysis(n_components=1, svd_method="lapack").fit(zi)
        # sklearn's E[factor | x] = (x - mean) @ w, with w = Psi^-1 L (1 + L' Psi^-1 L)^-1
        lam = fa.components_  # (1, k)
        wpsi = lam / fa.noise_variance_
        w = (wpsi.T @ np.linalg.inv(np.eye(1) + wpsi @ lam.T))[:, 0]
        sign = 1.0 if lam.sum() >= 0 else -1.0  # a factor's sign is arbitrary: it rises with the indicators
        w, self.loadings_ = sign * w, sign * lam[0]
        self.uniqueness_ = fa.noise_variance_
        score = (zi - fa.mean_) @ w
        sd = float(score.std()) or 1.0
        free = [score / sd * self.SCALE]
        self.anchor_ = None
        if self.anchor:  # the single indicator that ranks these centers best, beside the score
            y_ = np.asarray(y)
            gaps = [abs(roc_auc_score(y_, zi[:, j]) - 0.5) if zi[:, j].std() > 0 else 0.0 for j in range(k)]
            self.anchor_ = int(np.argmax(gaps))
            free.append(zi[:, self.anchor_] * self.SCALE)
        design = np.column_stack([*free, Z[:, k:]])
        lr = LogisticRegression(C=self.C, max_iter=5000).fit(design, y)
        slope = float(lr.coef_[0, 0]) * self.SCALE / sd
        self.weights_ = w
        self.slope_ = slope
        coef = np.r_[slope * w, lr.coef_[0, len(free):]]
        if self.anchor_ is not None:
            coef[self.anchor_] += float(lr.coef_[0, 1]) * self.SCALE
        self.coef_ = coef[None, :]
        self.intercept_ = np.array([float(lr.intercept_[0]) - slope * float(fa.mean_ @ w)])
        self.classes_ = lr.classes_
        return self

    def decision_function(self, Z) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return np.asarray(Z, dtype=float) @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, Z) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(Z)))
        return np.column_stack([1 - p, p])

    def predict(self, Z) -> np.ndarray:
        return (self.decision_function(Z) >= 0).astype(int)


class FactorRiskModel(LogisticRiskModel):
    """The capacity score: one factor of the center's own indicators, then a logistic regression.

    The indicators (:data:`INDICATOR_FEATURES`: training results, levers, packages, instructors
    up to the decision age) are standardised (the shares of trainees who completed, were
    certified and were placed on the log-odds scale, where a step near 100% weighs what it
    does elsewhere; medians for missing values; clipped to the training range) and summarised
    by a one-factor analysis fitted without the labels: each indicator is weighted by how
    reliably it measures what they have in common. A logistic regression on the score and
    (``anchor``) the indicator that alone ranks the training centers best has three
    parameters, so a few hundred events are plenty; with
    ``context=True`` the context features (cohort, kota, Java, regency labour market, host type
    and vocation, rare categories pooled) enter beside the score, L2-penalised with ``C``.
    Platt calibration as in :class:`LogisticRiskModel`; the log-odds are linear in the
    standardised features, so :meth:`contributions`, :meth:`coefficients` and the register's
    indicators work the same way.

    Parameters
    ----------
    context : put the context features beside the score.
    anchor : put the single most telling indicator (chosen on the centers it is fitted on)
        beside the score, so that the model contains the one-indicator rule.
    C : inverse L2 penalty of the context coefficients (the score's slope is practically free).
    calibration, calibration_cv, min_category_count, random_state : as in :class:`LogisticRiskModel`.
    """

    def __init__(self, context: bool = False, C: float = 0.1, calibration: str | None = "sigmoid",
                 calibration_cv=5, min_category_count: int = 100, random_state: int = 0, anchor: bool = True):
        self.context = context
        self.anchor = anchor
        self.C = C
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.min_category_count = min_category_count
        self.random_state = random_state

    def _make_design(self) -> RiskDesign:
        numeric = INDICATOR_FEATURES + (CONTEXT_NUMERIC if self.context else ())
        categorical = CATEGORICAL_FEATURES if self.context else ()
        return RiskDesign(numeric=numeric, categorical=categorical, min_category_count=self.min_category_count,
                          logit=RATE_FEATURES)

    def _make_base(self):
        n = sum(c in INDICATOR_FEATURES for c in self.design_.columns_)
        return _FactorLogit(n_indicators=n, C=self.C, anchor=self.anchor)

    @property
    def anchor_feature_(self) -> str | None:
        """The indicator beside the score (``anchor=True``), else None."""
        check_is_fitted(self, "coef_")
        j = self.estimator_.anchor_
        return None if j is None else self.design_.columns_[j]

    def loadings(self) -> pd.DataFrame:
        """Each indicator's loading on the factor (correlation with it, standardised scale), its
        weight in the score and its coefficient on the calibrated log-odds per SD."""
        check_is_fitted(self, "coef_")
        cols = [c for c in self.design_.columns_ if c in INDICATOR_FEATURES]
        k = len(cols)
        return pd.DataFrame({
            "feature": cols, "label": [FEATURE_LABELS.get(c, c) for c in cols],
            "loading": self.estimator_.loadings_, "uniqueness": self.estimator_.uniqueness_,
            "weight": self.estimator_.weights_, "coef_per_sd": self.platt_a_ * self.coef_[:k],
        }).set_index("feature")


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
