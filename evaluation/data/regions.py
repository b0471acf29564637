"""Which regions exist and what lies in them: one module for region membership.

Kemendagri codes as text: a province ``"33"``, a regency (kabupaten/kota) ``"33.26"``, and
:data:`NATIONAL` (``"ID"``) for the whole country. Everything that asks "is this regency in
that region?" or "what is this region called?" asks here.
"""

from __future__ import annotations

import pandas as pd

from .reference import is_kota, load_provinces, load_regencies, province_of

__all__ = ["NATIONAL", "RegionError", "check_region", "in_region", "region_name", "regions_for", "province_of",
           "is_kota", "is_regency", "kind"]

NATIONAL = "ID"


class RegionError(ValueError):
    """A region code that is not a Kemendagri province or regency code (or "ID")."""


def check_region(region) -> str:
    """A known Kemendagri province ("33") or regency ("33.26") code, or "ID" for national.

    papermill's ``-p`` turns 33 into an int and 33.10 into the float 33.1; Kemendagri codes
    always have two-digit parts, so the number maps back to exactly one code.
    """
    if isinstance(region, bool) or not isinstance(region, (str, int, float)):
        raise RegionError(f"region must be text such as '33' or '33.26', got {region!r} ({type(region).__name__})")
    if isinstance(region, int):
        region = f"{region:02d}"
    elif isinstance(region, float):
        region = f"{region:.2f}"
    region = region.strip()
    if region.upper() == NATIONAL:
        return NATIONAL
    known = set(load_provinces()["province_code"]) | set(load_regencies()["regency_code"])
    if region not in known:
        raise RegionError(f"unknown region code {region!r}: expected a Kemendagri province ('33') or regency "
                          "('33.26') code, or 'ID'")
    return region


def is_regency(region: str) -> bool:
    return region != NATIONAL and "." in str(region)


def kind(region: str) -> str:
    """``"national"``, ``"province"`` or ``"regency"``."""
    return "national" if region == NATIONAL else ("regency" if is_regency(region) else "province")


def in_region(codes, region: str | None):
    """Boolean mask of regency codes lying in a province ("33"), a regency ("33.26") or "ID"."""
    codes = pd.Series(codes).astype(str) if not isinstance(codes, pd.Series) else codes.astype(str)
    if region in (NATIONAL, None):
        return codes == codes
    return (codes == region) | codes.str.startswith(str(region) + ".")


def region_name(region: str) -> str:
    if region == NATIONAL:
        return "Indonesia"
    if is_regency(region):
        return str(load_regencies().set_index("regency_code").loc[region, "name"])
    return str(load_provinces().set_index("province_code").loc[region, "name"])


def regions_for(scope: str, each: str | None = None) -> list[str]:
    """The regions of a run: the scope itself, or each province / regency within it."""
    scope = check_region(scope)
    if each in (None, "", "none"):
        return [scope]
    reg = load_regencies()
    if scope != NATIONAL:
        reg = reg[(reg["province_code"] == scope) | (reg["regency_code"] == scope)]
    if each == "province":
        return sorted(reg["province_code"].unique())
    if each == "regency":
        return sorted(reg["regency_code"].unique())
    raise RegionError(f"each must be 'province', 'regency' or 'none', got {each!r}")
