"""Risk register: every active center scored, banded, with its three main reasons in words.

A center is *active* when its latest recorded stage is below the target stage. Its risk is
the calibrated probability, from the features at its decision age, of **not** reaching the
target stage within the horizon. ``horizon_status`` says whether that horizon is still
``open`` (the centers a support decision can still help, e.g. cohorts 2022-2023 in 2024) or
has ``passed`` (the target was missed; the probability is how the model would have rated
the center at its decision age, useful for checking, and its reasons still say what is weak).

Reasons come from the logistic model: on the calibrated log-odds scale each feature
contributes ``coefficient x (x - mean)``; the contributions and the baseline add up to the
center's log-odds, and the three largest in size are written out ("no partnerships by
year 2 (raises risk)").

Exports are deterministic: the CSV is byte-for-byte the same for the same data and seed;
the XLSX has fixed workbook and archive timestamps.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.data.schema import STAGES

from .features import FEATURE_LABELS

__all__ = ["describe_feature", "reasons", "build_register", "risk_band", "write_register_csv",
           "write_register_xlsx", "register_for_region", "REGISTER_COLUMNS"]

HOST_WORDS = {"pesantren": "a pesantren", "other_religious": "another religious institution",
              "union": "a trade union", "community": "a community foundation"}

REGISTER_COLUMNS = [
    "center_id", "center_name", "province_code", "regency_code", "host_type", "vocation", "cohort",
    "decision_year", "age_now", "stage_now", "horizon_end_year", "horizon_status",
    "risk_rank", "risk_probability", "risk_band", "risk_probability_boosted",
    "reason_1", "reason_2", "reason_3", "contribution_1", "contribution_2", "contribution_3", "log_odds",
]
_FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)


def _n(v: float, one: str, many: str) -> str:
    v = int(round(v))
    return f"{v} {one if v == 1 else many}"


def describe_feature(feature: str, value, decision_age: int = 2) -> str:
    """A feature's value for one center in plain words (English), e.g. "own revenue covers
    3% of costs in year 2"."""
    d = decision_age
    by, in_ = f"by year {d}", f"in year {d}"
    if isinstance(value, str):
        if feature == "host_type":
            return f"hosted by {HOST_WORDS.get(value, value)}"
        if feature == "vocation":
            return f"vocation {value}"
        return f"{FEATURE_LABELS.get(feature, feature)}: {value}"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return f"{FEATURE_LABELS.get(feature, feature)} not reported"
    v = float(value)
    texts = {
        "years_observed": lambda: f"{_n(v, 'year', 'years')} of data {by}",
        "completion_rate": lambda: f"{v:.0%} of trainees completed training {by}",
        "certification_rate": lambda: f"{v:.0%} of completers certified {by}",
        "placement_rate": lambda: f"{v:.0%} of completers in work {by}",
        "trainees_per_package": lambda: f"{v:.1f} trainees per training package",
        "apbn_packages_per_year": lambda: f"{v:.1f} APBN packages a year",
        "self_funded_packages": lambda: ("no self-funded training package " + by) if v == 0
        else f"{_n(v, 'self-funded package', 'self-funded packages')} {by}",
        "self_funded_last": lambda: ("no self-funded package " + in_) if v == 0
        else f"{_n(v, 'self-funded package', 'self-funded packages')} {in_}",
        "revenue_share_last": lambda: f"own revenue covers {v:.0%} of costs {in_}",
        "revenue_share_growth": lambda: "own-revenue share of costs flat" if abs(v) < 0.005
        else f"own-revenue share of costs {'up' if v > 0 else 'down'} {abs(v) * 100:.0f} points a year",
        "log_revenue_last": lambda: ("no own revenue " + in_) if v < 1
        else f"own revenue Rp {np.expm1(v) / 1e6:.1f} million {in_}",
        "partnerships_last": lambda: ("no partnerships " + by) if v == 0
        else f"{_n(v, 'partnership', 'partnerships')} {in_}",
        "partnerships_first": lambda: "no partnerships in year 1" if v == 0
        else f"{_n(v, 'partnership', 'partnerships')} in year 1",
        "licensed_last": lambda: ("neither licensed nor accredited " + by) if v == 0
        else f"licensed or accredited {by}",
        "years_licensed": lambda: ("not licensed " + by) if v == 0 else f"licensed for {_n(v, 'year', 'years')} {by}",
        "alumni_database_last": lambda: ("no alumni database " + by) if v == 0 else f"alumni database in place {by}",
        "years_alumni_database": lambda: ("no alumni database " + by) if v == 0
        else f"alumni database for {_n(v, 'year', 'years')} {by}",
        "incubator_last": lambda: ("no business incubator " + by) if v == 0 else f"business incubator {by}",
        "instructors_last": lambda: f"{_n(v, 'instructor', 'instructors')} {in_}",
        "berkembang_last": lambda: ("still at stage tumbuh " + in_) if v == 0 else f"stage berkembang {by}",
        "years_berkembang": lambda: ("not yet berkembang " + by) if v == 0
        else f"{_n(v, 'year', 'years')} at stage berkembang {by}",
        "cohort": lambda: f"opened in {int(v)}",
        "kota": lambda: "in a kota (city)" if v else "in a kabupaten",
        "java": lambda: "on Java" if v else "outside Java",
        "unemployment_rate": lambda: f"regency unemployment {v:.1f}%",
        "log_mean_wage": lambda: f"regency mean wage Rp {np.exp(v) / 1e6:.2f} million a month",
        "min_wage_ratio": lambda: f"minimum wage at {v:.0%} of the regency mean wage",
    }
    fn = texts.get(feature)
    return fn() if fn else f"{FEATURE_LABELS.get(feature, feature)} {v:.3g}"


def reasons(contributions: pd.DataFrame, features: pd.DataFrame, decision_age: int = 2, n: int = 3) -> pd.DataFrame:
    """The ``n`` largest contributions (by size) per center, as words and signed log-odds."""
    contrib = contributions.drop(columns="baseline")
    values = contrib.to_numpy()
    cols = np.asarray(contrib.columns)
    # stable order: by size, ties by feature order
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :n]
    out = {}
    for j in range(n):
        feats = cols[order[:, j]]
        c = values[np.arange(len(values)), order[:, j]]
        words = [
            f"{describe_feature(f, features.at[cid, f], decision_age)} ({'raises' if ci > 0 else 'lowers'} risk)"
            for cid, f, ci in zip(contrib.index, feats, c)
        ]
        out[f"reason_{j + 1}"] = words
        out[f"contribution_{j + 1}"] = c
    return pd.DataFrame(out, index=contrib.index)


def risk_band(p, thresholds: tuple[float, float] = (0.7, 0.9)) -> np.ndarray:
    """``high`` at or above ``thresholds[1]``, ``medium`` at or above ``thresholds[0]``, else ``low``."""
    lo, hi = thresholds
    if not 0 <= lo <= hi <= 1:
        raise ValueError(f"band thresholds must satisfy 0 <= low <= high <= 1, got {thresholds}")
    p = np.asarray(p, dtype=float)
    return np.where(p >= hi, "high", np.where(p >= lo, "medium", "low"))


def build_register(centers: pd.DataFrame, center_years: pd.DataFrame, features: pd.DataFrame, labels: pd.DataFrame,
                   model, *, boosted=None, target_stage: str = "mandiri", decision_age: int = 2,
                   band_thresholds: tuple[float, float] = (0.7, 0.9), last_year: int | None = None) -> pd.DataFrame:
    """The register of active centers, highest risk first (ties by ``center_id``).

    ``model`` must offer ``predict_proba`` and ``contributions`` (a fitted
    :class:`~evaluation.risk.models.LogisticRiskModel`); ``boosted`` adds its probability as a
    cross-check column.
    """
    if last_year is None:
        last_year = int(center_years["year"].max())
    rank = {s: i for i, s in enumerate(STAGES)}
    latest = center_years.sort_values(["center_id", "year"], kind="stable").groupby("center_id").tail(1)
    stage_now = latest.set_index("center_id")["stage"].reindex(centers["center_id"])
    active_ids = stage_now.index[stage_now.map(rank).fillna(-1) < rank[target_stage]]
    c = centers.set_index("center_id").loc[active_ids].sort_index()
    X = features.loc[c.index]
    contrib = model.contributions(X)
    why = reasons(contrib, X, decision_age)
    p = model.predict_proba(X)[:, 1]
    reg = pd.DataFrame(index=c.index)
    for col in ("center_name", "province_code", "regency_code", "host_type", "vocation", "cohort"):
        reg[col] = c[col]
    reg["decision_year"] = c["cohort"] + decision_age - 1
    reg["age_now"] = last_year - c["cohort"] + 1
    reg["stage_now"] = stage_now.reindex(c.index)
    reg["horizon_end_year"] = labels["horizon_end_year"].reindex(c.index)
    reg["horizon_status"] = np.where(reg["horizon_end_year"] <= last_year, "passed", "open")
    reg["risk_probability"] = np.round(p, 4)
    reg["risk_band"] = risk_band(reg["risk_probability"], band_thresholds)
    reg["risk_probability_boosted"] = np.round(boosted.predict_proba(X)[:, 1], 4) if boosted is not None else np.nan
    for j in (1, 2, 3):
        reg[f"reason_{j}"] = why[f"reason_{j}"]
        reg[f"contribution_{j}"] = np.round(why[f"contribution_{j}"].to_numpy(), 3)
    reg["log_odds"] = np.round(contrib.sum(axis=1).to_numpy(), 4)
    reg = reg.reset_index().sort_values(["risk_probability", "center_id"], ascending=[False, True], kind="stable")
    reg["risk_rank"] = np.arange(1, len(reg) + 1)
    return reg[REGISTER_COLUMNS].reset_index(drop=True)


def register_for_region(register: pd.DataFrame, region: str) -> pd.DataFrame:
    """Rows of a province ("33"), a regency ("33.26") or all ("ID"), ranks kept from the national list."""
    from evaluation.config import in_region

    return register[in_region(register["regency_code"], region)].reset_index(drop=True)


def write_register_csv(register: pd.DataFrame, path: str | Path) -> Path:
    """UTF-8 CSV with ``\\n`` line ends and fixed float formatting (byte-for-byte reproducible)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = register.to_csv(index=False, lineterminator="\n", float_format="%.4f")
    path.write_bytes(text.encode("utf-8"))
    return path


def write_register_xlsx(register: pd.DataFrame, path: str | Path, sheet_name: str = "risk_register") -> Path:
    """XLSX with fixed creation/modification metadata and fixed timestamps inside the archive."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        register.to_excel(writer, index=False, sheet_name=sheet_name)
        props = writer.book.properties
        props.created = props.modified = _FIXED_TIME
        props.creator = props.lastModifiedBy = "BLKK Evaluation Workbench"
    # openpyxl sets the "modified" property and each archive member's time to the moment of
    # saving; rewrite both with fixed values
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>",
                              data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())
    return path
