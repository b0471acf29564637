"""Risk register: the centers whose outcome is still open, scored, banded, with indicators.

A center is **open** when its horizon has not passed (``cohort + horizon - 1`` is after the
latest year of data) and it has not yet reached the target stage: a support decision can
still change its outcome. Only open centers are scored and ranked. A center is **decided**
when its outcome is known: it reached the target stage within the horizon, or the horizon
passed without it. Decided centers are reported as observed outcomes
(:func:`decided_outcomes`), never as risks.

Risk is the calibrated probability, from the features at the decision age, of **not**
reaching the target stage within the horizon. Bands follow the ministry's support capacity
``k``: ``high`` for the ``k`` open centers with the highest risk in the country, ``medium``
for the next ``k``, ``low`` for the others; the probability at each cut is recorded.

Indicators come from the register model when it is linear in the features (the capacity score
or the logistic model; from the logistic model when the register ranks by the one-indicator
rule), read per *lever* a program officer can act on
(partnerships, self-funded training, own revenue, alumni database, licence or accreditation,
certification, placement: :data:`~evaluation.risk.features.LEVERS`). On the calibrated
log-odds scale each feature contributes ``coefficient x (x - mean)``; a lever's
contributions are summed, and the three levers that raise the risk most are written out
("no partnerships by year 2 (associated with higher risk)"). They are associations the model
learned from earlier cohorts, not causes. Where and what the center is (cohort, island,
kota, host, vocation, regency labour market) is shown as ``context``, never as an indicator.

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

from evaluation.data.regions import in_region
from evaluation.text import has, section, t

from .features import CONTEXT_FEATURES, LEVERS, feature_label

__all__ = ["describe_feature", "indicator_text", "indicators", "context_text", "build_register", "capacity_bands",
           "decided_outcomes", "decided_summary", "write_register_csv", "write_register_xlsx",
           "register_for_region", "REGISTER_COLUMNS", "INDICATOR_COLUMNS", "INDICATOR_KEY_COLUMNS"]

#: Host types in words, as in "hosted by a pesantren" (English).
HOST_WORDS = section("risk.host", "en")

#: Column names of the indicators in the register and its exports.
INDICATOR_COLUMNS = [f"indicator_associated_with_risk_{j}" for j in (1, 2, 3)]
#: What each indicator is, for writing it in any language: the lever (a key of
#: :data:`~evaluation.risk.features.LEVERS`) and its direction (1 = higher risk, -1 = lower).
#: Kept in the register beside the English words, not exported.
INDICATOR_KEY_COLUMNS = [*(f"indicator_{j}_lever" for j in (1, 2, 3)), *(f"indicator_{j}_sign" for j in (1, 2, 3))]
#: Centers the ministry can support by default: the size of the high (and medium) band.
CAPACITY = 200

REGISTER_COLUMNS = [
    "center_id", "center_name", "province_code", "regency_code", "host_type", "vocation", "cohort",
    "decision_year", "age_now", "stage_now", "horizon_end_year",
    "risk_rank", "risk_probability", "risk_band", "risk_probability_boosted",
    *INDICATOR_COLUMNS, "indicator_1_log_odds", "indicator_2_log_odds", "indicator_3_log_odds",
    "context", "log_odds",
]
DECIDED_COLUMNS = ["center_id", "center_name", "province_code", "regency_code", "cohort", "horizon_end_year",
                   "outcome", "first_target_year", "stage_now"]
_FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)


def describe_feature(feature: str, value, decision_age: int = 2, language: str = "en") -> str:
    """A feature's value for one center in plain words, e.g. "own revenue covers 3% of costs
    in year 2" (``language`` "en") or "pendapatan sendiri menutup 3% biaya pada tahun ke-2" ("id")."""
    d = decision_age

    def say(key: str, **values) -> str:
        return t(f"risk.describe.{key}", language, **values)

    def count(key: str, v: float, **values) -> str:
        n = int(round(v))
        return say(f"{key}.{'one' if n == 1 else 'many'}", n=n, **values)

    def label() -> str:
        return feature_label(feature, language, default=feature)

    if isinstance(value, str):
        if feature == "host_type":
            host = t(f"risk.host.{value}", language) if has(f"risk.host.{value}", language) else value
            return say("host", host=host)
        if feature == "vocation":
            return say("vocation", value=value)
        return say("category", label=label(), value=value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return say("missing", label=label())
    v = float(value)
    texts = {
        "years_observed": lambda: count("years_observed", v, d=d),
        "completion_rate": lambda: say("completion_rate", pct=f"{v:.0%}", d=d),
        "certification_rate": lambda: say("certification_rate", pct=f"{v:.0%}", d=d),
        "placement_rate": lambda: say("placement_rate", pct=f"{v:.0%}", d=d),
        "trainees_per_package": lambda: say("trainees_per_package", value=f"{v:.1f}"),
        "apbn_packages_per_year": lambda: say("apbn_packages_per_year", value=f"{v:.1f}"),
        "self_funded_packages": lambda: say("self_funded_packages.none", d=d) if v == 0
        else count("self_funded_packages", v, d=d),
        "self_funded_last": lambda: say("self_funded_last.none", d=d) if v == 0
        else count("self_funded_last", v, d=d),
        "revenue_share_last": lambda: say("revenue_share_last", pct=f"{v:.0%}", d=d),
        "revenue_share_growth": lambda: say("revenue_share_growth.flat") if abs(v) < 0.005
        else say(f"revenue_share_growth.{'up' if v > 0 else 'down'}", points=f"{abs(v) * 100:.0f}"),
        "log_revenue_last": lambda: say("log_revenue_last.none", d=d) if v < 1
        else say("log_revenue_last", million=f"{np.expm1(v) / 1e6:.1f}", d=d),
        "partnerships_last": lambda: say("partnerships_last.none", d=d) if v == 0
        else count("partnerships_last", v, d=d),
        "partnerships_first": lambda: say("partnerships_first.none") if v == 0 else count("partnerships_first", v),
        "licensed_last": lambda: say("licensed_last.none", d=d) if v == 0 else say("licensed_last", d=d),
        "years_licensed": lambda: say("years_licensed.none", d=d) if v == 0 else count("years_licensed", v, d=d),
        "alumni_database_last": lambda: say("alumni_database_last.none", d=d) if v == 0
        else say("alumni_database_last", d=d),
        "years_alumni_database": lambda: say("years_alumni_database.none", d=d) if v == 0
        else count("years_alumni_database", v, d=d),
        "incubator_last": lambda: say("incubator_last.none", d=d) if v == 0 else say("incubator_last", d=d),
        "instructors_last": lambda: count("instructors_last", v, d=d),
        "cohort": lambda: say("cohort", year=int(v)),
        "kota": lambda: say("kota.yes" if v else "kota.no"),
        "java": lambda: say("java.yes" if v else "java.no"),
        "unemployment_rate": lambda: say("unemployment_rate", value=f"{v:.1f}"),
        "log_mean_wage": lambda: say("log_mean_wage", million=f"{np.exp(v) / 1e6:.2f}"),
        "min_wage_ratio": lambda: say("min_wage_ratio", pct=f"{v:.0%}"),
    }
    fn = texts.get(feature)
    return fn() if fn else say("number", label=label(), value=f"{v:.3g}")


#: The feature whose value describes each lever in words.
_LEVER_WORDS = {lever: feats[0] for lever, feats in LEVERS.items()}


def indicator_text(lever: str, higher: bool, features: pd.DataFrame, center_id, decision_age: int = 2,
                   language: str = "en", short: bool = False) -> str:
    """One indicator of a center in words: the lever's value and whether it goes with a higher
    or a lower risk. ``short``: a higher-risk indicator without its note and a lower-risk one
    as "goes with lower risk" (the register table, whose header says what the indicators are)."""
    feature = _LEVER_WORDS[lever]
    text = describe_feature(feature, features.at[center_id, feature], decision_age, language)
    if higher:
        return text if short else t("risk.indicator.higher", language, text=text)
    return t("risk.indicator.lower_short" if short else "risk.indicator.lower", language, text=text)


def indicators(contributions: pd.DataFrame, features: pd.DataFrame, decision_age: int = 2, n: int = 3,
               language: str = "en") -> pd.DataFrame:
    """The ``n`` levers that raise each center's risk most, in words, with their log-odds.

    A lever's contribution is the sum over its features; levers are ordered from the one
    that raises the risk most (a center with no lever above the average gets the ones that
    lower it least, marked as such).
    """
    lever_contrib = pd.DataFrame({lever: contributions[[f for f in feats if f in contributions.columns]].sum(axis=1)
                                  for lever, feats in LEVERS.items()}, index=contributions.index)
    values = lever_contrib.to_numpy()
    names = np.asarray(lever_contrib.columns)
    order = np.argsort(-values, axis=1, kind="stable")[:, :n]
    out = {}
    for j in range(n):
        levers = names[order[:, j]]
        c = values[np.arange(len(values)), order[:, j]]
        out[INDICATOR_COLUMNS[j]] = [indicator_text(lv, ci > 0, features, cid, decision_age, language)
                                     for cid, lv, ci in zip(lever_contrib.index, levers, c)]
        out[f"indicator_{j + 1}_log_odds"] = c
        out[f"indicator_{j + 1}_lever"] = levers
    return pd.DataFrame(out, index=lever_contrib.index)


def context_text(features: pd.DataFrame, decision_age: int = 2, language: str = "en") -> pd.Series:
    """Where and what each center is, in words (not a reason, a frame for reading the indicators)."""
    parts = [features.apply(lambda r, f=f: describe_feature(f, r[f], decision_age, language), axis=1)
             for f in CONTEXT_FEATURES if f in features.columns and f not in ("log_mean_wage", "min_wage_ratio")]
    return pd.concat(parts, axis=1).agg("; ".join, axis=1)


def capacity_bands(p, capacity: int) -> tuple[np.ndarray, tuple[float, float]]:
    """Bands by rank: ``high`` for the ``capacity`` highest risks, ``medium`` for the next
    ``capacity``, ``low`` for the rest; returns the bands and the two probability cuts."""
    if int(capacity) < 1:
        raise ValueError(f"capacity must be at least 1 center, got {capacity}")
    p = np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    rank = np.empty(len(p), dtype=int)
    rank[order] = np.arange(1, len(p) + 1)
    bands = np.where(rank <= capacity, "high", np.where(rank <= 2 * capacity, "medium", "low"))
    srt = p[order]
    cut_high = float(srt[min(capacity, len(p)) - 1]) if len(p) else float("nan")
    cut_medium = float(srt[min(2 * capacity, len(p)) - 1]) if len(p) else float("nan")
    return bands, (cut_medium, cut_high)


def _stage_now(center_years: pd.DataFrame, index) -> pd.Series:
    latest = center_years.sort_values(["center_id", "year"], kind="stable").groupby("center_id").tail(1)
    return latest.set_index("center_id")["stage"].reindex(index)


def open_centers(labels: pd.DataFrame, last_year: int) -> pd.Index:
    """Centers whose horizon has not passed and who have not reached the target stage yet."""
    undecided = (labels["horizon_end_year"] > last_year) & labels["first_target_year"].isna()
    return labels.index[undecided.to_numpy(bool)]


def build_register(centers: pd.DataFrame, center_years: pd.DataFrame, features: pd.DataFrame, labels: pd.DataFrame,
                   model, *, boosted=None, target_stage: str = "mandiri", decision_age: int = 2,
                   capacity: int = CAPACITY, last_year: int | None = None, indicator_model=None) -> pd.DataFrame:
    """The register of open centers, highest risk first (ties by ``center_id``).

    ``model`` gives the probabilities (``predict_proba``); ``indicator_model`` (default: ``model``)
    must offer ``contributions`` (a fitted :class:`~evaluation.risk.models.LogisticRiskModel` or
    :class:`~evaluation.risk.models.FactorRiskModel`) and gives the indicators. When it is
    ``model`` itself, ``log_odds`` is the sum of the contributions; otherwise the log-odds of
    ``model``'s probability. ``boosted`` adds its probability as a cross-check column.
    ``capacity`` is the number of centers the ministry can support.
    Columns: :data:`REGISTER_COLUMNS` (what is exported), then :data:`INDICATOR_KEY_COLUMNS`
    (what each indicator is, to write it in another language).
    """
    if last_year is None:
        last_year = int(center_years["year"].max())
    ids = open_centers(labels, last_year)
    c = centers.set_index("center_id").loc[sorted(ids)]
    X = features.loc[c.index]
    explain = model if indicator_model is None else indicator_model
    contrib = explain.contributions(X)
    why = indicators(contrib, X, decision_age)
    p = model.predict_proba(X)[:, 1]
    reg = pd.DataFrame(index=c.index)
    for col in ("center_name", "province_code", "regency_code", "host_type", "vocation", "cohort"):
        reg[col] = c[col]
    reg["decision_year"] = c["cohort"] + decision_age - 1
    reg["age_now"] = last_year - c["cohort"] + 1
    reg["stage_now"] = _stage_now(center_years, c.index)
    reg["horizon_end_year"] = labels["horizon_end_year"].reindex(c.index)
    reg["risk_probability"] = np.round(p, 4)
    reg["risk_band"], _ = capacity_bands(reg["risk_probability"].to_numpy(), capacity)
    reg["risk_probability_boosted"] = np.round(boosted.predict_proba(X)[:, 1], 4) if boosted is not None else np.nan
    for j in (1, 2, 3):
        reg[INDICATOR_COLUMNS[j - 1]] = why[INDICATOR_COLUMNS[j - 1]]
        reg[f"indicator_{j}_log_odds"] = np.round(why[f"indicator_{j}_log_odds"].to_numpy(), 3)
        reg[f"indicator_{j}_lever"] = why[f"indicator_{j}_lever"]
        reg[f"indicator_{j}_sign"] = np.where(why[f"indicator_{j}_log_odds"].to_numpy() > 0, 1, -1)
    reg["context"] = context_text(X, decision_age)
    if explain is model:
        reg["log_odds"] = np.round(contrib.sum(axis=1).to_numpy(), 4)
    else:
        q = np.clip(p, 1e-12, 1 - 1e-12)
        reg["log_odds"] = np.round(np.log(q / (1 - q)), 4)
    reg = reg.reset_index().sort_values(["risk_probability", "center_id"], ascending=[False, True], kind="stable")
    reg["risk_rank"] = np.arange(1, len(reg) + 1)
    # bands again in the final order, so ties at a cut fall by the register's own ranking
    reg["risk_band"] = np.where(reg["risk_rank"] <= capacity, "high",
                                np.where(reg["risk_rank"] <= 2 * capacity, "medium", "low"))
    return reg[REGISTER_COLUMNS + INDICATOR_KEY_COLUMNS].reset_index(drop=True)


def decided_outcomes(centers: pd.DataFrame, center_years: pd.DataFrame, labels: pd.DataFrame,
                     target_stage: str = "mandiri", last_year: int | None = None) -> pd.DataFrame:
    """Centers whose outcome is known, with what happened (observed, not predicted)."""
    if last_year is None:
        last_year = int(center_years["year"].max())
    decided = labels.index.difference(open_centers(labels, last_year))
    c = centers.set_index("center_id").loc[sorted(decided)]
    lab = labels.loc[c.index]
    horizon = int((lab["horizon_end_year"] - lab["cohort"] + 1).iloc[0]) if len(lab) else 0
    out = pd.DataFrame(index=c.index)
    for col in ("center_name", "province_code", "regency_code", "cohort"):
        out[col] = c[col]
    out["horizon_end_year"] = lab["horizon_end_year"]
    out["outcome"] = np.where(lab["reached"], f"reached {target_stage} within {horizon} years",
                              f"did not reach {target_stage} within {horizon} years")
    out["first_target_year"] = lab["first_target_year"]
    out["stage_now"] = _stage_now(center_years, c.index)
    return out.reset_index()[DECIDED_COLUMNS]


def decided_summary(decided: pd.DataFrame, target_stage: str = "mandiri") -> pd.DataFrame:
    """Decided centers by cohort: how many reached the target stage in time, how many did not."""
    if decided.empty:
        return pd.DataFrame(columns=["cohort", "centers", "reached_in_time", "not_reached", "share_reached",
                                     f"not_reached_and_still_not_{target_stage}"])
    missed = decided["outcome"].str.startswith("did not")
    still = missed & (decided["stage_now"] != target_stage)
    g = decided.assign(missed=missed, still=still).groupby("cohort")
    out = pd.DataFrame({"centers": g.size(), "reached_in_time": g.size() - g["missed"].sum(),
                        "not_reached": g["missed"].sum(), f"not_reached_and_still_not_{target_stage}": g["still"].sum()})
    out["share_reached"] = out["reached_in_time"] / out["centers"]
    return out.reset_index()[["cohort", "centers", "reached_in_time", "not_reached", "share_reached",
                              f"not_reached_and_still_not_{target_stage}"]]


def register_for_region(register: pd.DataFrame, region: str) -> pd.DataFrame:
    """Rows of a province ("33"), a regency ("33.26") or all ("ID"), ranks kept from the national list."""
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
