"""A data folder keyed by BPS codes is refused, naming BPS codes, never read onto other regencies.

BPS and Kemendagri number the 514 kab/kota differently (199 differ; in 20 provinces the same
numbers in another order), so a BPS-keyed ``regency_years.csv`` used to pass validation and put
every figure on a neighbour. Here the embedded sample is re-keyed in the ways that happen and
``validate`` must refuse it (or, asked to, read it as BPS codes), and must not raise a false
alarm on Kemendagri data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation.config import SAMPLE_DIR
from evaluation.data import load_dataset, validate
from evaluation.data.codes import load_crosswalk

CROSSWALK = load_crosswalk()
TO_BPS = dict(zip(CROSSWALK["regency_code"], CROSSWALK["bps_code"]))
BPS_NAME = dict(zip(CROSSWALK["regency_code"], CROSSWALK["bps_name"]))
DIFFERENT = sorted({c[:2] for c, b in TO_BPS.items() if c.replace(".", "") != b})
SAME_SET = sorted(p for p in DIFFERENT
                  if {c.replace(".", "") for c in TO_BPS if c[:2] == p} == {b for c, b in TO_BPS.items() if c[:2] == p})


def dotted(bps: str) -> str:
    return f"{bps[:2]}.{bps[2:]}"


def folder(tmp_path: Path, provinces=None, name: str = "data") -> Path:
    """The sample (or its slice of ``provinces``) as a writable folder."""
    out = tmp_path / name
    if provinces is None:
        shutil.copytree(SAMPLE_DIR, out, ignore=shutil.ignore_patterns("truth", "*.md"))
        return out
    out.mkdir()
    centers = pd.read_csv(SAMPLE_DIR / "centers.csv", dtype=str, keep_default_na=False)
    centers = centers[centers["province_code"].isin(provinces)]
    centers.to_csv(out / "centers.csv", index=False)
    cy = pd.read_csv(SAMPLE_DIR / "center_years.csv", dtype=str, keep_default_na=False)
    cy[cy["center_id"].isin(centers["center_id"])].to_csv(out / "center_years.csv", index=False)
    ry = pd.read_csv(SAMPLE_DIR / "regency_years.csv", dtype=str, keep_default_na=False)
    ry[ry["regency_code"].str[:2].isin(provinces)].to_csv(out / "regency_years.csv", index=False)
    return out


def rekey(path: Path, provinces=None, style: str = "dotted", names: bool = False) -> pd.DataFrame:
    """Re-key ``regency_years.csv`` by BPS codes (in ``provinces`` or everywhere); returns the original."""
    ry = pd.read_csv(path / "regency_years.csv", dtype=str, keep_default_na=False)
    out = ry.copy()
    rows = out["regency_code"].str[:2].isin(provinces) if provinces else pd.Series(True, index=out.index)
    if names:
        out["regency_name"] = out["regency_code"].map(BPS_NAME)  # BPS's names, beside BPS's codes
    out.loc[rows, "regency_code"] = out.loc[rows, "regency_code"].map(
        lambda c: dotted(TO_BPS[c]) if style == "dotted" else TO_BPS[c])
    out.to_csv(path / "regency_years.csv", index=False)
    return ry


def errors_of(report, file="regency_years.csv", column="regency_code"):
    return [p for p in report.errors if p.file == file and p.column == column]


def test_the_crosswalk_counts_the_brief_gives():
    assert len(TO_BPS) == 514
    assert sum(c.replace(".", "") != b for c, b in TO_BPS.items()) == 199
    assert len(SAME_SET) == 20
    assert sum(c[:2] in SAME_SET and c.replace(".", "") != b for c, b in TO_BPS.items()) == 139


def test_bps_codes_in_the_twenty_same_set_provinces_are_refused_naming_bps(tmp_path):
    """Every one of these codes is also a valid Kemendagri code: the case that passed silently."""
    data = folder(tmp_path)
    rekey(data, SAME_SET)
    _, report = validate(data)
    assert not report.ok
    [problem] = errors_of(report)
    assert "are BPS kab/kota codes (and those of 19 could be either), not Kemendagri codes" in problem.message
    assert "11.01 is Kabupaten Simeulue in BPS numbering but Kabupaten Aceh Selatan in Kemendagri's" in problem.message
    # every re-keyed row is named, none of the others
    ry = pd.read_csv(data / "regency_years.csv", dtype=str)
    assert problem.count == ry["regency_code"].str[:2].isin(SAME_SET).sum()


@pytest.mark.parametrize("style", ["dotted", "plain"])
def test_a_folder_keyed_by_bps_codes_everywhere_is_refused_and_read_when_asked(style, tmp_path):
    data = folder(tmp_path)
    original = rekey(data, style=style)
    _, report = validate(data)
    assert not report.ok
    refusal = [p for p in errors_of(report) if "these are BPS kab/kota codes, not Kemendagri codes" in p.message]
    assert refusal and "--codes regency_years=bps" in refusal[0].message
    assert refusal[0].count == len(original)  # every row
    # asked to read it as BPS codes, the folder loads exactly as the Kemendagri original
    ds = load_dataset(data, codes={"regency_years": "bps"})
    assert ds.report.ok
    expected = load_dataset(SAMPLE_DIR).regency_years
    pd.testing.assert_frame_equal(ds.regency_years.reset_index(drop=True), expected.reset_index(drop=True))
    assert any("BPS codes converted to Kemendagri codes" in p.message for p in ds.report.warnings)


@pytest.mark.parametrize("province", DIFFERENT)
def test_a_bps_keyed_table_of_any_one_province_is_refused(province, tmp_path):
    """A province's own table (as BPS publishes it): refused wherever the systems differ. In
    Bangka Belitung (19) the only swapped pair is of a size (Bangka Selatan and Bangka Tengah,
    within 1% in population), so without names it is read with a warning; with names it is refused."""
    data = folder(tmp_path, [province])
    rekey(data, style="plain")
    _, report = validate(data)
    assert not report.ok  # four-digit codes are never Kemendagri codes
    data2 = folder(tmp_path, [province], "data2")
    rekey(data2)
    _, report = validate(data2)
    found = [p for p in errors_of(report) if "BPS kab/kota codes" in p.message]
    if province == "19":
        assert not found
        assert any("could be Kemendagri or BPS codes" in p.message for p in report.warnings)
        data3 = folder(tmp_path, [province], "data3")
        rekey(data3, names=True)
        _, report = validate(data3)
        assert errors_of(report) or errors_of(report, column="regency_name")
        assert not report.ok
    else:
        assert found, [str(p) for p in report.problems]


@pytest.mark.parametrize("province", DIFFERENT)
def test_kemendagri_data_of_any_one_province_raise_no_alarm(province, tmp_path):
    _, report = validate(folder(tmp_path, [province]))
    assert report.ok, [str(p) for p in report.errors]
    assert not [p for p in report.problems if "BPS" in p.message and province != "19"]


def test_the_sample_raises_no_alarm_and_no_warning():
    _, report = validate(SAMPLE_DIR)
    assert report.ok and not report.warnings


def test_a_name_column_is_checked_against_the_code(tmp_path):
    data = folder(tmp_path, ["11", "33"])
    ry = pd.read_csv(data / "regency_years.csv", dtype=str, keep_default_na=False)
    from evaluation.data.reference import load_regencies

    names = load_regencies().set_index("regency_code")["name"]
    ry["regency_name"] = ry["regency_code"].map(names)
    ry.to_csv(data / "regency_years.csv", index=False)
    _, report = validate(data)
    assert report.ok, [str(p) for p in report.errors]
    # BPS names ("SIMEULUE" on 11.01) beside Kemendagri codes: the names give the codes away
    ry["regency_name"] = ry["regency_code"].map(BPS_NAME)
    wrong = ry["regency_code"].map(lambda c: c.replace(".", "") != TO_BPS[c])
    ry.loc[wrong, "regency_name"] = ry.loc[wrong, "regency_code"].map(
        lambda c: BPS_NAME[next(k for k, b in TO_BPS.items() if b == c.replace(".", ""))])
    ry.to_csv(data / "regency_years.csv", index=False)
    _, report = validate(data)
    [named] = errors_of(report, column="regency_name")
    assert "name does not match the regency code" in named.message and named.count == wrong.sum()
    assert any("BPS kab/kota codes" in p.message for p in errors_of(report))


def test_a_bps_code_column_is_checked_against_the_crosswalk(tmp_path):
    data = folder(tmp_path, ["11"])
    ry = pd.read_csv(data / "regency_years.csv", dtype=str, keep_default_na=False)
    ry["bps_code"] = ry["regency_code"].map(TO_BPS)
    ry.to_csv(data / "regency_years.csv", index=False)
    assert validate(data)[1].ok
    ry.loc[ry["regency_code"] == "11.01", "bps_code"] = "1101"  # Simeulue's BPS code on Aceh Selatan
    ry.to_csv(data / "regency_years.csv", index=False)
    [problem] = errors_of(validate(data)[1], column="bps_code")
    assert problem.count == (ry["regency_code"] == "11.01").sum() and "1101 vs 11.01 = 1103" in problem.values[0]


def test_pre_split_papua_codes_are_read_as_todays_or_refused_with_the_mapping(tmp_path):
    """Merauke was 91.01 until the 2022 split; it is 93.01 today."""
    data = folder(tmp_path, ["91", "93"])
    ry = pd.read_csv(data / "regency_years.csv", dtype=str, keep_default_na=False)
    early = (ry["regency_code"] == "93.01") & (ry["year"].astype(int) <= 2021)
    ry.loc[early, "regency_code"] = "91.01"
    ry.to_csv(data / "regency_years.csv", index=False)
    ds = load_dataset(data)
    assert set(ds.regency_years.loc[ds.regency_years["regency_code"] == "93.01", "year"]) >= set(range(2015, 2022))
    [warning] = [p for p in ds.report.warnings if "pre-2022 Papua codes" in p.message]
    assert warning.count == early.sum() and warning.values[0] == "91.01 -> 93.01"
    # the old code in a year after the split is refused, saying what it is today
    late = (ry["regency_code"] == "93.01") & (ry["year"].astype(int) == 2024)
    ry.loc[late, "regency_code"] = "91.01"
    ry.to_csv(data / "regency_years.csv", index=False)
    _, report = validate(data)
    assert any("today 93.01" in p.message for p in errors_of(report)), [str(p) for p in report.errors]


def test_the_command_line_refuses_reads_and_converts_a_bps_keyed_folder(tmp_path, capsys):
    from evaluation import cli

    data = folder(tmp_path)
    rekey(data)
    assert cli.main(["validate", str(data)]) == 1
    err = capsys.readouterr().err
    assert "these are BPS kab/kota codes, not Kemendagri codes" in err and "--codes regency_years=bps" in err
    assert cli.main(["validate", str(data), "--codes", "regency_years=bps"]) == 0
    assert "OK: the data meet the contract." in capsys.readouterr().out
    fixed = tmp_path / "fixed"
    assert cli.main(["import", "recode", str(data), "--codes", "regency_years=bps", "--out", str(fixed)]) == 0
    capsys.readouterr()
    assert cli.main(["validate", str(fixed)]) == 0
    ds = load_dataset(fixed)
    pd.testing.assert_frame_equal(ds.regency_years, load_dataset(SAMPLE_DIR).regency_years)
    assert cli.main(["validate", str(data), "--codes", "regency_years=bsp"]) == 2
    assert "codes must be one of" in capsys.readouterr().err
