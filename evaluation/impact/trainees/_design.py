"""Validate the input table and build the design matrices the estimators share.

Extra propensity terms are parsed here from a small grammar (products and integer
powers of column names, e.g. ``"age**2"``, ``"educ*re74"``, ``"age^2*black"``); no
string is ever evaluated as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._text import Covariate, Message, outcome_term

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_MAX_POWER = 6


@dataclass(frozen=True)
class Design:
    """Numeric arrays for one estimation, after validation."""

    y: np.ndarray  # outcome, shape (n,)
    d: np.ndarray  # treatment indicator as 0/1 floats, shape (n,)
    w: np.ndarray  # survey weights (ones when none were given), shape (n,)
    full: np.ndarray  # [1, covariates, extra propensity terms], Fortran order, shape (n, 1+k+m)
    covariates: tuple[str, ...]
    terms: tuple[str, ...]
    weighted: bool
    outcome_binary: bool
    observed: np.ndarray | None = None  # outcome present (bool, shape (n,)); None when all are
    clusters: np.ndarray | None = None  # cluster codes 0..G-1 (int, shape (n,)); None when unclustered
    cluster_name: str | None = None

    @property
    def n_missing(self) -> int:
        return 0 if self.observed is None else int((~self.observed).sum())

    @property
    def n(self) -> int:
        return self.y.shape[0]

    @property
    def k(self) -> int:
        return len(self.covariates)

    @property
    def x1(self) -> np.ndarray:
        """Covariates with a leading constant (a view)."""
        return self.full[:, : 1 + self.k]

    @property
    def z_raw(self) -> np.ndarray:
        """Propensity design without the constant: covariates then extra terms (a view)."""
        return self.full[:, 1:]


def parse_term(term: str) -> list[tuple[str, int]]:
    """Split ``"age**2*educ"`` into ``[("age", 2), ("educ", 1)]``.

    Accepts ``**`` or ``^`` for powers (positive integers up to 6) and ``*`` or ``:``
    for products; spaces are ignored. Anything else raises ``ValueError``.
    """
    if not isinstance(term, str) or not term.strip():
        raise ValueError(f"propensity term {term!r} is not a non-empty string")
    text = term.replace(" ", "").replace("^", "**")
    # Protect powers before splitting products on single '*' or ':'.
    text = text.replace("**", "\x00")
    factors = []
    for part in re.split(r"[*:]", text):
        name, _, power = part.partition("\x00")
        if not _NAME.fullmatch(name or ""):
            raise ValueError(
                f"propensity term {term!r}: {name!r} is not a column name "
                "(allowed: products '*' and integer powers '**' of column names)"
            )
        if power:
            if not power.isdigit() or not 1 <= int(power) <= _MAX_POWER:
                raise ValueError(
                    f"propensity term {term!r}: power {power!r} must be an integer from 1 to {_MAX_POWER}"
                )
            factors.append((name, int(power)))
        else:
            factors.append((name, 1))
    return factors


def numeric_column(df: pd.DataFrame, name: str, role: str, allow_missing: bool = False) -> np.ndarray:
    col = df[name]
    if pd.api.types.is_bool_dtype(col):
        col = col.astype(float)
    if not pd.api.types.is_numeric_dtype(col):
        bad = col[pd.to_numeric(col, errors="coerce").isna() & col.notna()]
        raise ValueError(
            f"{role} column {name!r} is not numeric (dtype {col.dtype}); "
            f"first offending rows: {list(bad.index[:5])}"
        )
    values = col.to_numpy(dtype=float, na_value=np.nan)
    missing = ~np.isfinite(values)
    if allow_missing:
        infinite = np.isinf(values)
        if infinite.any():
            rows = list(df.index[infinite][:5])
            raise ValueError(f"{role} column {name!r} has infinite values; first offending rows: {rows}")
        return values
    if missing.any():
        rows = list(df.index[missing][:5])
        raise ValueError(
            f"{role} column {name!r} has {int(missing.sum())} missing or non-finite values; "
            f"first offending rows: {rows}. Drop or impute them before estimating."
            + (" If the outcome is missing because people did not answer (tracer non-response), pass "
               "missing_outcome='ipw' (inverse probability of response weights) or 'complete' "
               "(complete cases), or bound the effect with lee_bounds()." if role == "outcome" else "")
        )
    return values


def build_design(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: list[str] | tuple[str, ...] | None,
    weights: str | None,
    propensity_terms: list[str] | tuple[str, ...] | None,
    cluster: str | None = None,
    allow_missing_outcome: bool = False,
) -> Design:
    """Check columns and values, then return the arrays every estimator needs.

    With ``allow_missing_outcome`` a blank outcome marks a person who did not answer: the
    row is kept (its characteristics feed a response model), ``observed`` flags it and its
    outcome is set to 0 (it never enters an estimate with positive weight).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    covariates = tuple(covariates or ())
    terms = tuple(propensity_terms or ())
    parsed = [parse_term(t) for t in terms]

    needed = [outcome, treatment, *covariates]
    if weights is not None:
        needed.append(weights)
    if cluster is not None:
        needed.append(cluster)
    needed += [name for factors in parsed for name, _ in factors]
    missing = [c for c in dict.fromkeys(needed) if c not in df.columns]
    if missing:
        raise ValueError(
            f"column(s) not found in the data: {missing}; available: {list(df.columns)}"
        )
    if treatment in covariates or outcome in covariates:
        raise ValueError("the outcome and treatment columns must not be listed as covariates")
    dupes = [c for c in covariates if covariates.count(c) > 1]
    if dupes:
        raise ValueError(f"covariate(s) listed more than once: {sorted(set(dupes))}")
    if len(df) == 0:
        raise ValueError("the data frame has no rows")

    d = numeric_column(df, treatment, "treatment")
    if not np.all((d == 0) | (d == 1)):
        values = np.unique(d)
        shown = values[:6].tolist()
        raise ValueError(
            f"treatment column {treatment!r} must be binary 0/1 (trainee = 1, comparison = 0); "
            f"found values {shown}{' ...' if values.size > 6 else ''}"
        )
    if d.sum() == 0 or d.sum() == d.size:
        raise ValueError(
            f"treatment column {treatment!r} has only {'controls' if d.sum() == 0 else 'trainees'}; "
            "both groups are needed"
        )

    y = numeric_column(df, outcome, "outcome", allow_missing=allow_missing_outcome)
    observed = None
    if allow_missing_outcome:
        present = np.isfinite(y)
        if not present.all():
            observed = present
            y = np.where(present, y, 0.0)
            for flag, label in ((1, "trainee"), (0, "comparison person")):
                if not (present & (d == flag)).any():
                    raise ValueError(Message(f"trainees.refusal.blank_outcome_{'treated' if flag else 'control'}",
                                             outcome=outcome_term(outcome)))
    clusters = None
    if cluster is not None:
        col = df[cluster]
        blank = col.isna().to_numpy() | (col.astype(str).str.strip() == "").to_numpy()
        if blank.any():
            rows = list(df.index[blank][:5])
            raise ValueError(
                f"cluster column {cluster!r} has {int(blank.sum())} missing values; first offending rows: {rows}. "
                "Every row needs a cluster (e.g. the center for trainees, the regency-year for comparison persons)."
            )
        clusters = pd.factorize(col, sort=True)[0].astype(np.int64)
        if clusters.max() < 1:
            raise ValueError(Message("trainees.refusal.single_cluster", cluster=cluster))
    if weights is not None:
        w = numeric_column(df, weights, "weights")
        if (w < 0).any():
            rows = list(df.index[w < 0][:5])
            raise ValueError(f"weights column {weights!r} has negative values; first rows: {rows}")
        if not (w[d == 1] > 0).any() or not (w[d == 0] > 0).any():
            raise ValueError(Message("trainees.refusal.zero_weight", weights=weights))
    else:
        w = np.ones_like(y)

    # One Fortran-ordered block, so column slices (x1, z_raw) are contiguous views.
    full = np.empty((len(y), 1 + len(covariates) + len(terms)), order="F")
    full[:, 0] = 1.0
    cols = {}
    for j, name in enumerate(covariates, start=1):
        full[:, j] = cols[name] = numeric_column(df, name, "covariate")
        if np.ptp(full[:, j]) == 0:
            raise ValueError(Message("trainees.refusal.constant_covariate", name=Covariate(name), value=full[0, j]))
    for j, (term, factors) in enumerate(zip(terms, parsed), start=1 + len(covariates)):
        col = full[:, j]
        col[:] = 1.0
        for name, power in factors:
            if name not in cols:
                cols[name] = numeric_column(df, name, "propensity term")
            col *= cols[name] ** power if power > 1 else cols[name]
        if np.ptp(col) == 0:
            raise ValueError(Message("trainees.refusal.constant_term", term=Covariate(term)))

    return Design(
        y=y,
        d=d,
        w=w,
        full=full,
        covariates=covariates,
        terms=terms,
        weighted=weights is not None,
        outcome_binary=bool(np.all((y == 0) | (y == 1))),
        observed=observed,
        clusters=clusters,
        cluster_name=cluster,
    )


def subset(des: Design, rows: np.ndarray, w: np.ndarray | None = None) -> Design:
    """The design restricted to ``rows`` (a boolean mask), optionally with new weights."""
    return Design(
        y=des.y[rows],
        d=des.d[rows],
        w=des.w[rows] if w is None else w,
        full=np.asfortranarray(des.full[rows]),
        covariates=des.covariates,
        terms=des.terms,
        weighted=des.weighted,
        outcome_binary=des.outcome_binary,
        observed=None,
        clusters=None if des.clusters is None else des.clusters[rows],
        cluster_name=des.cluster_name,
    )
