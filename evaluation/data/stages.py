"""Independence stage (tahap kemandirian) derived from the roadmap criteria.

The Peta Jalan Kemandirian BLK Komunitas 2022-2024 names three stages:

* ``tumbuh``: licensed and running training (the starting stage);
* ``berkembang``: also has partnerships that fund training and works with its alumni;
* ``mandiri``: sustains itself - own revenue, accreditation or operating licence,
  an alumni database and partnerships.

The roadmap gives no numbers; the thresholds are parameters (:class:`StageThresholds`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class StageThresholds:
    """Criteria for each stage; a center meeting the mandiri criteria is mandiri, else one
    meeting the berkembang criteria is berkembang, else tumbuh."""

    berkembang_min_partnerships: int = 1
    berkembang_requires_alumni_database: bool = True
    mandiri_min_partnerships: int = 2
    mandiri_min_own_revenue_idr: int = 25_000_000
    mandiri_requires_alumni_database: bool = True
    mandiri_requires_licence_or_accreditation: bool = True
    mandiri_min_self_funded_packages: int = 0


def _col(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        raise KeyError(f"derive_stage needs column {name!r}")
    return pd.to_numeric(df[name], errors="coerce").fillna(0).to_numpy()


def stage_criteria(center_years: pd.DataFrame, thresholds: StageThresholds | None = None) -> pd.DataFrame:
    """Boolean criteria per row: ``meets_berkembang`` and ``meets_mandiri``."""
    t = thresholds or StageThresholds()
    partnerships = _col(center_years, "partnerships")
    alumni_db = _col(center_years, "alumni_database") > 0
    licensed = _col(center_years, "licensed") > 0
    accredited = _col(center_years, "accredited") > 0
    revenue = _col(center_years, "own_revenue_idr")
    self_funded = _col(center_years, "packages_self_funded")

    berkembang = partnerships >= t.berkembang_min_partnerships
    if t.berkembang_requires_alumni_database:
        berkembang &= alumni_db
    mandiri = (partnerships >= t.mandiri_min_partnerships) & (revenue >= t.mandiri_min_own_revenue_idr)
    mandiri &= self_funded >= t.mandiri_min_self_funded_packages
    if t.mandiri_requires_alumni_database:
        mandiri &= alumni_db
    if t.mandiri_requires_licence_or_accreditation:
        mandiri &= licensed | accredited
    return pd.DataFrame({"meets_berkembang": berkembang, "meets_mandiri": mandiri}, index=center_years.index)


def derive_stage(center_years: pd.DataFrame, thresholds: StageThresholds | None = None) -> pd.Series:
    """Stage per row of ``center_years`` from its criteria columns (partnerships,
    alumni_database, licensed, accredited, own_revenue_idr, packages_self_funded)."""
    crit = stage_criteria(center_years, thresholds)
    stage = np.where(crit["meets_mandiri"], "mandiri", np.where(crit["meets_berkembang"], "berkembang", "tumbuh"))
    return pd.Series(stage, index=center_years.index, name="stage")
