"""Reference tables: 38 provinces and 514 kab/kota with Kemendagri codes kept as strings."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from evaluation.config import REFERENCE_DIR
from evaluation.data.reference import (
    is_kota,
    load_provinces,
    load_regencies,
    load_tpt_national,
    load_tpt_province,
    load_umk_jateng,
    province_of,
)


@pytest.fixture(scope="module")
def provinces() -> pd.DataFrame:
    return load_provinces()


@pytest.fixture(scope="module")
def regencies() -> pd.DataFrame:
    return load_regencies()


def test_counts(provinces, regencies):
    assert len(provinces) == 38
    assert len(regencies) == 514
    assert regencies["type"].value_counts().to_dict() == {"Kabupaten": 416, "Kota": 98}
    assert provinces["province_code"].is_unique
    assert regencies["regency_code"].is_unique


def test_codes_are_strings(provinces, regencies):
    assert all(isinstance(c, str) for c in provinces["province_code"])
    assert all(re.fullmatch(r"\d{2}", c) for c in provinces["province_code"])
    assert all(re.fullmatch(r"\d{2}\.\d{2}", c) for c in regencies["regency_code"])
    assert "33.10" in set(regencies["regency_code"])
    assert "33.1" not in set(regencies["regency_code"])
    assert (regencies["code_nodot"] == regencies["regency_code"].str.replace(".", "", regex=False)).all()


def test_regency_provinces_exist(provinces, regencies):
    assert set(regencies["province_code"]) <= set(provinces["province_code"])
    assert (regencies["regency_code"].str[:2] == regencies["province_code"]).all()
    per_prov = regencies.groupby("province_code").size()
    assert (per_prov.reindex(provinces["province_code"]).to_numpy() == provinces["n_regencies"].astype(int).to_numpy()).all()


def test_kota_rule_matches_type(regencies):
    assert (regencies["regency_code"].map(is_kota) == (regencies["type"] == "Kota")).all()
    assert is_kota("33.75") and not is_kota("33.26")
    assert province_of("33.26") == "33"
    with pytest.raises(ValueError):
        is_kota("33.1")


def test_population_adds_up(provinces, regencies):
    assert regencies["population"].sum() == 284_973_643
    by_prov = regencies.groupby("province_code")["population"].sum()
    assert (by_prov.reindex(provinces["province_code"]).to_numpy() == provinces["population"].to_numpy()).all()


def test_coordinates_present(regencies):
    assert regencies[["lat", "lon"]].notna().all().all()
    assert regencies["lat"].between(-11.5, 6.5).all() and regencies["lon"].between(94, 142).all()


def test_labour_tables():
    tpt = load_tpt_province()
    assert set(tpt["year"]) == set(range(2018, 2025))
    jt = tpt[tpt["kemendagri_province_code"] == "33"].set_index("year")["tpt_pct"]
    assert jt[2023] == pytest.approx(5.13) and jt[2024] == pytest.approx(4.78)
    nat = load_tpt_national()
    assert set(range(2015, 2025)) <= set(nat["year"])
    umk = load_umk_jateng()
    assert len(umk) == 35 and umk["regency_code"].str.startswith("33.").all()
    assert umk["umk_2024_idr"].min() == 2_038_005 and umk["umk_2024_idr"].max() == 3_243_969


def test_sources_documented():
    text = (REFERENCE_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("provinces.csv", "regencies.csv", "tpt_province.csv", "tpt_national.csv", "umk_jateng.csv",
                 "wage_avg_province.csv"):
        assert name in text
    assert "MIT" in text


# --------------------------------------------------------------------------- provenance
# A reference table carries only values with a named source. A cell or a line of SOURCES.md
# that still says a value is remembered, assumed, approximate or waiting to be checked marks
# an unsourced value; so does a row of a per-row source column left empty.

_UNCHECKED = re.compile(
    r"\b(?:from memory|memory|verify|unverified|unchecked|to be checked|needs? checking|assum\w*|approx\w*|"
    r"guess\w*|estimated by us|uncertain|unclear|unknown source|suspicious|todo|tbd|fixme)\b|\?\?",
    re.IGNORECASE,
)
# a source names a web address, a repository (owner/name), a BPS release or a legal act
_CITATION = re.compile(r"https?://\S+|\b[\w.-]+/[\w.-]+@[0-9a-f]{7,40}\b|\bKepgub\b|\bBRS\b", re.IGNORECASE)


def _reference_csvs() -> list:
    return sorted(REFERENCE_DIR.rglob("*.csv"))


def _unchecked_cells(path) -> list[str]:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    hits = [f"{path.name}: column {c!r}" for c in table.columns if _UNCHECKED.search(c)]
    for col in table.columns:
        if table[col].str.contains(r"[A-Za-z?]", regex=True).any():  # skip purely numeric columns
            bad = table[col].str.contains(_UNCHECKED, regex=True)
            hits += [f"{path.name} row {i + 2} {col}={v!r}" for i, v in table.loc[bad, col].items()]
    return hits


def test_no_unchecked_marker_in_any_reference_table():
    paths = _reference_csvs()
    assert {p.name for p in paths} >= {"provinces.csv", "regencies.csv", "tpt_national.csv", "tpt_province.csv",
                                       "umk_jateng.csv", "wage_avg_province.csv"}
    hits = [h for p in paths for h in _unchecked_cells(p)]
    assert not hits, "unsourced values marked in reference tables:\n" + "\n".join(hits[:40])


def test_sources_md_has_no_unchecked_entry():
    for doc in [REFERENCE_DIR / "SOURCES.md", *sorted(REFERENCE_DIR.rglob("SOURCE.md"))]:
        lines = doc.read_text(encoding="utf-8").splitlines()
        hits = [f"{doc.name}:{n}: {line.strip()}" for n, line in enumerate(lines, 1) if _UNCHECKED.search(line)]
        assert not hits, "unsourced entries:\n" + "\n".join(hits)


def test_every_reference_table_is_documented():
    text = "\n".join(p.read_text(encoding="utf-8") for p in REFERENCE_DIR.rglob("SOURCE*.md"))
    missing = [p.name for p in _reference_csvs() if p.name not in text]
    assert not missing, f"reference tables without an entry in SOURCES.md: {missing}"


def test_per_row_source_columns_are_filled():
    """Every table that has a per-row source column fills it on every row with a citation."""
    checked = 0
    for path in _reference_csvs():
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in [c for c in table.columns if c == "source" or c.startswith("source_") or c.endswith("_source")]:
            empty = table.index[table[col].str.strip() == ""].tolist()
            assert not empty, f"{path.name}: {col} empty on rows {[i + 2 for i in empty]}"
            checked += 1
    assert checked >= 4  # tpt_national, wage_avg_province, umk_jateng (2), regencies


def test_national_tpt_every_row_cites_a_source():
    nat = load_tpt_national()
    assert "source" in nat.columns and "status" not in nat.columns
    assert nat["year"].is_unique and set(range(2015, 2026)) <= set(nat["year"])
    assert nat["tpt_pct"].notna().all()  # the sample generator needs every year 2015-2024
    for r in nat.itertuples(index=False):
        assert isinstance(r.source, str) and _CITATION.search(r.source), (r.year, r.source)
    # rates and counts agree with the labour force where all three are given (rounding of published figures)
    full = nat.dropna(subset=["unemployed_million", "labour_force_million"])
    assert len(full) >= 8
    implied = 100 * full["unemployed_million"] / full["labour_force_million"]
    assert (implied - full["tpt_pct"]).abs().max() < 0.05
