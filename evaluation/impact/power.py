"""Minimum detectable effects from the standard error an estimate actually achieved.

``MDE = (z_{1 - alpha/2} + z_{power}) * se``: the true effect that a two-sided test at
level ``alpha`` would detect with probability ``power``. At 5% and 80% the factor is
about 2.80. It tells the ministry how large an effect of the training centres the data
could have revealed, which is the useful reading of an insignificant estimate.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

__all__ = ["mde", "mde_factor", "mde_from_result"]


def mde_factor(alpha: float = 0.05, power: float = 0.8, two_sided: bool = True) -> float:
    """``z_{1 - alpha/2} + z_{power}`` (``z_{1 - alpha}`` if one-sided)."""
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must lie strictly between 0 and 1.")
    nd = NormalDist()
    return nd.inv_cdf(1 - alpha / 2 if two_sided else 1 - alpha) + nd.inv_cdf(power)


def mde(se, alpha: float = 0.05, power: float = 0.8, two_sided: bool = True):
    """Minimum detectable effect for standard error(s) ``se`` (float or array)."""
    se_arr = np.asarray(se, dtype=float)
    if np.any(se_arr < 0):
        raise ValueError("Standard errors must be non-negative.")
    out = mde_factor(alpha, power, two_sided) * se_arr
    return float(out) if out.ndim == 0 else out


def mde_from_result(result, alpha: float = 0.05, power: float = 0.8,
                    elements: bool = False):
    """MDE of an estimate's headline effect, or of each element.

    ``result`` is an aggregation from ``att_gt(...).aggregate(...)`` (overall effect), a
    static ``twfe`` result, or anything with a scalar ``se``. With ``elements=True`` an
    aggregation returns its element table with an ``mde`` column; an ``att_gt`` result
    always returns its cell table with an ``mde`` column.
    """
    if hasattr(result, "summary") and hasattr(result, "influence") and \
            np.ndim(getattr(result, "se")) == 1:
        table = result.summary()
        table["mde"] = mde(table["se"].to_numpy(), alpha, power)
        return table
    if elements:
        table = result.summary()
        table["mde"] = mde(table["se"].to_numpy(), alpha, power)
        return table
    se = result.se
    if np.ndim(se) != 0:
        se = np.asarray(se).ravel()
        if se.size != 1:
            raise ValueError("result has several standard errors; use elements=True.")
        se = se[0]
    return mde(float(se), alpha, power)

