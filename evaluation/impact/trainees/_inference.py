"""Standard errors from per-row influence functions: heteroskedasticity-robust or clustered.

Every estimator hands back ``phi`` with ``estimate - truth ~ sum(phi)``. Unclustered, the
variance is ``sum(phi**2)`` (times ``n/(n-k)`` for a regression coefficient: HC1).
Clustered, the influence of a cluster is the sum of its rows' ``phi`` and the variance is
``G/(G-1) * sum_g (sum_{i in g} phi_i)**2`` (times ``(n-1)/(n-k)`` for a regression
coefficient: the CR1 factor of Stata and statsmodels). Rows of one cluster may be
correlated in any way; clusters are independent.
"""

from __future__ import annotations

import numpy as np


def unclustered_se(phi: np.ndarray, n_params: int = 0) -> float:
    n = phi.size
    factor = n / (n - n_params) if n_params else 1.0
    return float(np.sqrt(factor * np.sum(phi**2)))


def clustered_se(phi: np.ndarray, clusters: np.ndarray, n_params: int = 0) -> tuple[float, int]:
    """Cluster-robust standard error and the number of clusters G (rows with any weight count)."""
    codes, inverse = np.unique(clusters, return_inverse=True)
    g = codes.size
    if g < 2:
        raise ValueError("clustered standard errors need at least two clusters")
    sums = np.bincount(inverse, weights=phi, minlength=g)
    factor = g / (g - 1)
    if n_params:
        n = phi.size
        factor *= (n - 1) / (n - n_params)
    return float(np.sqrt(factor * np.sum(sums**2))), int(g)
