"""BPS <-> Kemendagri kab/kota codes: the crosswalk, the 2022 Papua split, and telling which
system a column of codes uses (evaluation/data/codes.py, data/reference/regency_codes_bps.csv,
data/reference/regency_code_changes.csv).

The anchor rows in tests/fixtures/bps_vs_kemendagri_codes_sample.csv are a copy of the domain
anchor of the same name (built from the World Bank GLD Sakernas 2020 do-file, worldbank/gld);
its header says where it comes from."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.config import SAMPLE_DIR
from evaluation.data.codes import (
    CodeSystemFinding,
    bps_to_kemendagri,
    current_code,
    detect_code_system,
    kemendagri_to_bps,
    load_code_changes,
    load_crosswalk,
    unmappable,
)
from evaluation.data.reference import load_regencies

ANCHOR = Path(__file__).parent / "fixtures" / "bps_vs_kemendagri_codes_sample.csv"
#: the provinces whose BPS and Kemendagri codes are the same set in a different order
PERMUTED = ["11", "12", "13", "15", "16", "18", "19", "21", "31", "53", "61", "62", "65", "71", "72", "74",
            "75", "76", "81", "82"]


@pytest.fixture(scope="module")
def xw() -> pd.DataFrame:
    return load_crosswalk()


@pytest.fixture(scope="module")
def changes() -> pd.DataFrame:
    return load_code_changes()


@pytest.fixture(scope="module")
def ry() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "regency_years.csv", dtype={"regency_code": str})


def _core(name: str) -> str:
    """A name without prefix, case, spacing or punctuation, for comparing spellings in tests."""
    text = re.sub(r"[^A-Z]", " ", name.upper())
    words = [w for w in text.split() if w not in ("KAB", "KABUPATEN", "KOTA", "ADM", "ADMINISTRASI")]
    return "".join(words)


# --------------------------------------------------------------------------- the crosswalk


def test_crosswalk_has_every_regency_once(xw):
    regencies = load_regencies()
    assert len(xw) == 514
    assert xw["regency_code"].is_unique and xw["bps_code"].is_unique
    assert set(xw["regency_code"]) == set(regencies["regency_code"])
    assert all(re.fullmatch(r"\d{2}\.\d{2}", c) for c in xw["regency_code"])
    assert all(re.fullmatch(r"\d{4}", c) for c in xw["bps_code"])
    assert (xw["province_code"] == xw["regency_code"].str[:2]).all()
    assert (xw["bps_province_code"] == xw["bps_code"].str[:2]).all()
    names = dict(zip(regencies["regency_code"], regencies["name"]))
    assert (xw["kemendagri_name"] == xw["regency_code"].map(names)).all()
    # kabupaten stay kabupaten and kota stay kota in both numberings
    assert ((xw["bps_code"].str[2:].astype(int) >= 71) == (xw["regency_code"].str[3:].astype(int) >= 71)).all()
    assert xw["source"].str.contains(r"[\w.-]+/[\w.-]+@[0-9a-f]{7}").all()
    assert (xw["checked_against"].str.strip() != "").all()


def test_counts_of_codes_that_differ(xw):
    nodot = xw["regency_code"].str.replace(".", "", regex=False)
    differ = xw["bps_code"] != nodot
    assert differ.sum() == 199
    assert (xw["same_code"] == np.where(differ, "no", "yes")).all()
    permuted = sorted(p for p, g in xw.groupby("province_code")
                      if (g["bps_code"] != g["regency_code"].str.replace(".", "", regex=False)).any()
                      and set(g["bps_code"]) == set(g["regency_code"].str.replace(".", "", regex=False)))
    assert permuted == PERMUTED
    assert len(set(xw["bps_code"]) - set(nodot)) == 30  # BPS codes that are no Kemendagri code
    jateng = xw[xw["province_code"] == "33"]
    assert len(jateng) == 35 and (jateng["same_code"] == "yes").all()


def test_crosswalk_agrees_with_every_anchor_row(xw):
    anchor = pd.read_csv(ANCHOR, dtype=str, comment="#")
    regency_rows = anchor[~anchor["status"].str.contains("province")]
    assert len(regency_rows) == 97  # 23 Aceh, 33 Sumatera Utara, 6 DKI, 35 Jawa Tengah
    by_bps = xw.set_index("bps_code")
    for row in regency_rows.itertuples(index=False):
        ours = by_bps.loc[row.bps_code]
        assert ours["regency_code"] == row.kemendagri_code, row
        assert ours["kemendagri_name"] == row.kemendagri_name, row
        assert (row.status == "same") == (ours["same_code"] == "yes"), row
    provinces = dict(zip(xw["bps_province_code"], xw["province_code"]))
    province_rows = anchor[anchor["status"].str.contains("province")]
    assert len(province_rows) == 6
    for row in province_rows.itertuples(index=False):
        assert provinces[row.bps_code] == row.kemendagri_code, row


def test_anchor_examples_of_the_brief(xw):
    assert bps_to_kemendagri("1101").iloc[0] == "11.09"      # Simeulue
    assert kemendagri_to_bps("11.01").iloc[0] == "1103"      # Aceh Selatan
    assert bps_to_kemendagri("3171").iloc[0] == "31.74"      # Jakarta Selatan
    assert bps_to_kemendagri("9702").iloc[0] == "95.01"      # Jayawijaya, Papua Pegunungan


# --------------------------------------------------------------------------- translating


def test_bps_codes_are_read_in_every_spelling():
    got = bps_to_kemendagri(["1101", 1101, "11.01", "1101.0", 1101.0, np.int64(1101), " 1101 "])
    assert got.tolist() == ["11.09"] * 7
    missing = bps_to_kemendagri(["9999", "abc", None, np.nan, "", "110"])
    assert missing.isna().all()


def test_index_and_name_are_kept():
    codes = pd.Series(["1101", "3310"], index=[7, 3], name="kode")
    got = bps_to_kemendagri(codes)
    assert got.index.tolist() == [7, 3] and got.name == "kode" and got.tolist() == ["11.09", "33.10"]


def test_round_trips_both_ways(xw):
    assert (kemendagri_to_bps(bps_to_kemendagri(xw["bps_code"])) == xw["bps_code"]).all()
    assert (bps_to_kemendagri(kemendagri_to_bps(xw["regency_code"])) == xw["regency_code"]).all()
    nodot = xw["regency_code"].str.replace(".", "", regex=False)
    assert (kemendagri_to_bps(nodot) == xw["bps_code"]).all()
    assert kemendagri_to_bps(["33.1", 33.1, "1109", 1109]).tolist() == ["3310", "3310", "1101", "1101"]


def test_province_codes_translate_as_provinces():
    assert bps_to_kemendagri(["94", "92", "97", "33"], year=2024).tolist() == ["91", "96", "95", "33"]
    assert kemendagri_to_bps(["91", "96", "33"], year=2025).tolist() == ["94", "92", "33"]
    # before the split BPS 94 was the undivided Papua: not one of today's provinces
    assert bps_to_kemendagri(["94"], year=2020).isna().all()


# --------------------------------------------------------------------------- the Papua split


def test_changes_table(changes, xw):
    counts = changes.groupby(["system", "level"]).size().to_dict()
    assert counts == {("bps", "province"): 6, ("bps", "regency"): 26,
                      ("kemendagri", "province"): 6, ("kemendagri", "regency"): 26}
    assert (changes["source"].str.strip() != "").all()
    kem = changes[(changes["system"] == "kemendagri") & (changes["level"] == "regency")]
    bps = changes[(changes["system"] == "bps") & (changes["level"] == "regency")]
    # an old kab/kota code is no current code of its own system, and its new code is
    assert not set(kem["old_code"]) & set(xw["regency_code"]) and set(kem["new_code"]) <= set(xw["regency_code"])
    assert not set(bps["old_code"]) & set(xw["bps_code"]) and set(bps["new_code"]) <= set(xw["bps_code"])
    assert kem["old_code"].is_unique and bps["old_code"].is_unique
    # the same kab/kota before and after (by name), and the same 26 kab/kota in both systems
    for table in (kem, bps):
        assert (table["old_name"].map(_core) == table["new_name"].map(_core)).all()
    assert set(kem["new_code"]) == set(bps_to_kemendagri(bps["new_code"]))
    assert set(kem["old_code"].str[:2]) == {"91", "92"} and set(bps["old_code"].str[:2]) == {"91", "94"}
    assert set(changes.loc[changes["system"] == "kemendagri", "valid_until"]) == {2022, 2024}
    assert set(changes.loc[changes["system"] == "bps", "valid_until"]) == {2023}


def test_old_bps_codes_mean_the_same_regency_as_old_kemendagri_codes(changes, xw):
    bps = changes[(changes["system"] == "bps") & (changes["level"] == "regency")]
    kem = bps_to_kemendagri(bps["old_code"], year=2020)
    names = dict(zip(xw["regency_code"], xw["kemendagri_name"]))
    assert (kem.map(names).map(_core).to_numpy() == bps["old_name"].map(_core).to_numpy()).all()
    assert bps_to_kemendagri(["9401", "9171", "9412"], year=2020).tolist() == ["93.01", "96.71", "94.04"]


def test_current_code_kemendagri():
    got = current_code(["91.01", "91.24", "92.05", "93.01", "33.10", "9101"], year=2020)
    assert got.tolist() == ["93.01", "95.08", "96.03", "93.01", "33.10", "93.01"]
    # Papua's old codes ended in 2022; Papua Barat Daya's 92.xx in 2024
    assert current_code(["91.01", "92.05", "92.05"], year=[2023, 2024, 2025]).isna().tolist() == [True, False, True]
    got = current_code(["91", "91", "92", "92", "33"], year=[2020, 2023, 2024, 2025, 2020])
    assert got.isna().tolist() == [True, False, True, False, False]
    assert got[[1, 3, 4]].tolist() == ["91", "92", "33"]


def test_current_code_bps():
    got = current_code(["9401", "9401", "9171", "9403", "94", "94", "91"],
                       year=[2023, 2024, 2020, 2020, 2023, 2024, 2020], system="bps")
    assert got.isna().tolist() == [False, True, False, False, True, False, True]
    assert got[[0, 2, 3, 5]].tolist() == ["9501", "9271", "9403", "94"]
    with pytest.raises(ValueError):
        current_code(["1101"], 2020, system="dagri")
    with pytest.raises(ValueError):
        current_code(["1101", "1102"], year=[2020])


def test_unmappable_names_the_mapping_needed():
    table = unmappable(["91", "91", "91.01", "12.99", "93.01", None], year=[2020, 2020, 2024, 2020, 2020, 2020])
    assert table["code"].tolist() == ["91", "91.01", "12.99"]   # once per code and year; good codes left out
    split = table.iloc[0]
    assert split["year"] == 2020 and split["candidates"] == "91, 93, 94, 95" and "split" in split["reason"]
    assert table.iloc[1]["candidates"] == "93.01" and "2022" in table.iloc[1]["reason"]
    assert table.iloc[2]["candidates"] == "" and "not a kemendagri" in table.iloc[2]["reason"]
    bps = unmappable(["91", "9401"], year=2021, system="bps")
    assert bps["code"].tolist() == ["91"] and bps.iloc[0]["candidates"] == "91, 92"
    assert unmappable(["33.10", "93.01"], year=2024).empty


def _old_keyed(ry, changes, system):
    """The sample as it would have been keyed before the split: in each year up to
    ``valid_until``, a renumbered kab/kota carries its old code of ``system``."""
    table = changes[(changes["system"] == system) & (changes["level"] == "regency")]
    codes = ry["regency_code"] if system == "kemendagri" else kemendagri_to_bps(ry["regency_code"])
    old = dict(zip(table["new_code"], table["old_code"]))
    until = dict(zip(table["new_code"], table["valid_until"]))
    early = ry["year"].to_numpy() <= codes.map(until).fillna(0).to_numpy()
    return codes.where(~(early & codes.isin(old).to_numpy()), codes.map(old))


def test_sample_keyed_by_old_codes_maps_back(ry, changes):
    old_kem = _old_keyed(ry, changes, "kemendagri")
    assert (old_kem != ry["regency_code"]).sum() == 20 * 8 + 6 * 10  # 2015-2022 and 2015-2024
    assert (current_code(old_kem, ry["year"]) == ry["regency_code"]).all()
    assert unmappable(old_kem, ry["year"]).empty
    old_bps = _old_keyed(ry, changes, "bps")
    assert (old_bps != kemendagri_to_bps(ry["regency_code"])).sum() == 26 * 9
    assert (bps_to_kemendagri(old_bps, year=ry["year"]) == ry["regency_code"]).all()
    assert detect_code_system(old_kem, population=ry["population"]).system == "kemendagri"
    assert detect_code_system(old_bps, population=ry["population"]).system == "bps"


# --------------------------------------------------------------------------- which system


def _cases(ry, xw):
    k2b = dict(zip(xw["regency_code"], xw["bps_code"]))
    kem_names = dict(zip(xw["regency_code"], xw["kemendagri_name"]))
    bps_names = dict(zip(xw["regency_code"], xw["bps_name"]))
    permuted = ry[ry["regency_code"].str[:2].isin(PERMUTED)]
    jateng = ry[ry["regency_code"].str[:2] == "33"]
    year = ry[ry["year"] == 2020]

    def dotted(codes):
        return codes.str[:2] + "." + codes.str[2:]

    bps = ry["regency_code"].map(k2b)
    return {
        # name: (rows, codes, names, expected)
        "kemendagri": (ry, ry["regency_code"], ry["regency_code"].map(kem_names), "kemendagri"),
        "kemendagri_nodot": (ry, ry["regency_code"].str.replace(".", "", regex=False),
                             ry["regency_code"].map(bps_names), "kemendagri"),
        "bps": (ry, bps, ry["regency_code"].map(bps_names), "bps"),
        "bps_dotted": (ry, dotted(bps), ry["regency_code"].map(kem_names), "bps"),
        "permuted_bps": (permuted, permuted["regency_code"].map(k2b), permuted["regency_code"].map(bps_names), "bps"),
        "permuted_bps_dotted": (permuted, dotted(permuted["regency_code"].map(k2b)),
                                permuted["regency_code"].map(kem_names).str.upper(), "bps"),
        "permuted_kemendagri": (permuted, permuted["regency_code"], permuted["regency_code"].map(kem_names),
                                "kemendagri"),
        "one_year_kemendagri": (year, year["regency_code"], year["regency_code"].map(kem_names), "kemendagri"),
        "one_year_bps": (year, year["regency_code"].map(k2b), year["regency_code"].map(bps_names), "bps"),
        "jawa_tengah": (jateng, jateng["regency_code"], jateng["regency_code"].map(kem_names), "kemendagri"),
    }


@pytest.fixture(scope="module")
def cases(ry, xw):
    return _cases(ry, xw)


CASES = ["kemendagri", "kemendagri_nodot", "bps", "bps_dotted", "permuted_bps", "permuted_bps_dotted",
         "permuted_kemendagri", "one_year_kemendagri", "one_year_bps", "jawa_tengah"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("evidence", ["names", "population", "labour_force", "names_and_population"])
def test_detection_is_right(cases, case, evidence):
    rows, codes, names, expected = cases[case]
    kwargs = {}
    if "names" in evidence:
        kwargs["names"] = names
    if "population" in evidence:
        kwargs["population"] = rows["population"]
    if evidence == "labour_force":
        kwargs["population"] = rows["labour_force"]
    found = detect_code_system(codes, **kwargs)
    assert isinstance(found, CodeSystemFinding)
    assert found.system == expected, found.message
    assert found.systems_agree == (case == "jawa_tengah")
    if case == "jawa_tengah":
        assert set(found.provinces.values()) == {"agree"} and found.examples == ()
        return
    wrong = "bps" if expected == "kemendagri" else "kemendagri"
    assert wrong not in found.provinces.values()
    ev = found.evidence
    if "names" in evidence:
        right, other = ev[f"name_matches_{expected}"], ev[f"name_matches_{wrong}"]
        assert right == ev["names_compared"] > 0 and other == 0
    else:
        assert ev[f"rank_corr_{expected}"] > 0.95 > 0.7 > ev[f"rank_corr_{wrong}"]
        # population alone settles most permuted provinces (the rest stay undecided, never wrong)
        settled = sum(v == expected for p, v in found.provinces.items() if p in PERMUTED)
        assert settled >= 11


@pytest.mark.parametrize("case", CASES)
def test_detection_from_codes_alone(cases, case):
    """Without names or population only codes that exist in one system tell: enough for whole
    files, not for the permuted provinces alone, which must then stay "unknown", never "bps"."""
    _, codes, _, expected = cases[case]
    found = detect_code_system(codes)
    if case.startswith("permuted"):
        assert found.system == "unknown" and set(found.provinces.values()) == {"undecided"}
    else:
        assert found.system == expected, found.message
    assert found.evidence["codes_not_in_either_system"] == 0


def test_detection_evidence_and_examples(cases):
    rows, codes, names, _ = cases["bps"]
    found = detect_code_system(codes, names=names)
    assert found.evidence["codes_only_bps"] == 22 and found.evidence["codes_only_kemendagri"] == 0
    assert found.evidence["codes"] == 514 and found.evidence["codes_meaning_different_regencies"] == 198
    assert found.examples[0] == ("1101", "Kabupaten Aceh Selatan", "Kabupaten Simeulue", "KAB. SIMEULUE")
    assert found.evidence["dotted_share"] == 0.0
    dotted = detect_code_system(cases["bps_dotted"][1])
    assert dotted.evidence["dotted_share"] == 1.0 and dotted.system == "bps"
    kem = detect_code_system(cases["kemendagri"][1])
    assert kem.evidence["codes_only_kemendagri"] == 24 and kem.evidence["codes_only_bps"] == 0


def test_mixed_file_is_not_given_one_system(ry, xw):
    """Permuted provinces re-keyed to BPS, the rest left Kemendagri: the provinces disagree."""
    k2b = dict(zip(xw["regency_code"], xw["bps_code"]))
    codes = ry["regency_code"].where(~ry["regency_code"].str[:2].isin(PERMUTED), ry["regency_code"].map(k2b))
    found = detect_code_system(codes, population=ry["population"])
    assert found.system == "unknown"
    assert "bps" in found.provinces.values() and "kemendagri" in found.provinces.values()


def test_names_in_other_spellings():
    """DKI Jakarta keyed by BPS, named as Kemendagri, BPS or a survey writes them."""
    codes = ["3171", "3172", "3173", "3174", "3175"]
    for names in (["Kota Administrasi Jakarta Selatan", "Kota Administrasi Jakarta Timur", "Kota Administrasi "
                   "Jakarta Pusat", "Kota Administrasi Jakarta Barat", "Kota Administrasi Jakarta Utara"],
                  ["KOTA ADM. JAKARTA SELATAN", "KOTA ADM. JAKARTA TIMUR", "KOTA ADM. JAKARTA PUSAT",
                   "KOTA ADM. JAKARTA BARAT", "KOTA ADM. JAKARTA UTARA"],
                  ["jakarta  selatan", "Jakarta-Timur", "JAKARTA PUSAT", "Jakarta Barat ", "jakarta utara"]):
        found = detect_code_system(codes, names=names)
        assert found.system == "bps", (names, found.message)
        assert found.evidence["name_matches_bps"] == 5 and found.evidence["name_matches_kemendagri"] == 0
    # the same five codes named as Kemendagri numbers them
    kem = ["Kota Jakarta Pusat", "Kota Jakarta Utara", "Kota Jakarta Barat", "Kota Jakarta Selatan",
           "Kota Jakarta Timur"]
    assert detect_code_system(["31.71", "31.72", "31.73", "31.74", "31.75"], names=kem).system == "kemendagri"


def test_kabupaten_and_kota_of_one_name_are_told_apart():
    """BPS 1271 is Kota Sibolga, Kemendagri 12.71 Kota Medan; BPS 1275 is Kota Medan. A
    kabupaten name does not match a kota of the same name."""
    found = detect_code_system(["1271", "1275"], names=["Kota Sibolga", "Kota Medan"])
    assert found.system == "bps" and found.evidence["name_matches_bps"] == 2
    found = detect_code_system(["1271", "1275"], names=["Kabupaten Sibolga", "Kabupaten Medan"])
    assert found.evidence["name_matches_bps"] == 0 and found.evidence["name_matches_kemendagri"] == 0
    assert found.system == "unknown"
    # Kotabaru is a kabupaten whose name starts like a kota (Kalimantan Selatan, 63.02 in both systems)
    found = detect_code_system(["1101", "6302"], names=["Simeulue", "Kota Baru"])
    assert found.system == "bps" and found.evidence["name_matches_bps"] == 1


def test_garbage_is_unknown():
    found = detect_code_system(["abc", "9999", "0000", None])
    assert found.system == "unknown"
    with pytest.raises(ValueError):
        detect_code_system(["1101", "1102"], names=["Simeulue"])
