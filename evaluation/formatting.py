"""How numbers are written on a page: one set of formatters and the normal quantile.

Every table, headline and sentence writes numbers with these, so a count, a share, rupiah
or an effect in percentage points look the same on every page and in both languages.
"""

from __future__ import annotations

import math
from statistics import NormalDist

#: The 97.5% normal quantile (95% two-sided intervals).
Z975 = NormalDist().inv_cdf(0.975)


def _missing(value) -> bool:
    try:
        return value is None or (isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def number(value, digits: int | None = None) -> str:
    """A count or a measure: thousands separators; ``digits`` decimals, or three significant."""
    if _missing(value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    v = float(value)
    if digits is not None:
        return f"{v:,.{digits}f}"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}" if abs(v) >= 0.001 else f"{v:.2e}"


def percent(share, digits: int = 1) -> str:
    """A share (0-1) as per cent."""
    return "–" if _missing(share) else f"{100 * float(share):.{digits}f}%"


def rupiah(value) -> str:
    return "–" if _missing(value) else f"Rp {float(value):,.0f}"


def effect(outcome: str, value, signed: bool = True) -> str:
    """An effect in the outcome's units: percentage points of TPT, per cent of the wage, rupiah."""
    if _missing(value):
        return "–"
    v = float(value)
    if outcome == "log_mean_wage":
        return f"{100 * v:+.1f}%" if signed else f"{100 * v:.1f}%"
    if outcome in ("income_after_idr",):
        return f"Rp {v:+,.0f}" if signed else rupiah(v)
    if outcome in ("employed_after",):
        return f"{100 * v:+.1f} pp" if signed else f"{100 * v:.1f} pp"
    return f"{v:+.2f} pp" if signed else f"{v:.2f} pp"


def year(value) -> str:
    return "–" if _missing(value) else str(int(value))


def plain(value) -> str:
    """A code-like number as written: 2017, 0.5 (no separators, no trailing zeros)."""
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:g}"
