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
