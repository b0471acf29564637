"""Loading and validation: the sample passes; each defect is named with file, column and lines."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evaluation.data import DataValidationError, load_dataset, validate
from evaluation.data.load import IdentifierColumnWarning


def errors_for(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IdentifierColumnWarning)
        _, report = validate(path)
    return report.errors


def only_problem(path, file, column):
    errs = errors_for(path)
    assert errs, "expected a validation error"
    assert any(p.file == file and p.column == column for p in errs), [str(p) for p in errs]
    return next(p for p in errs if p.file == file and p.column == column)


def test_sample_is_valid(sample_dir):
    ds, report = validate(sample_dir)
    assert report.ok, [str(p) for p in report.errors]
    assert ds is not None
    assert pd.api.types.is_string_dtype(ds.centers["regency_code"])
    assert ds.center_years["year"].dtype == "int64"
    assert set(ds.tables) == {"centers", "center_years", "regency_years", "trainees"}


def test_codes_stay_text(sample_dir):
    ds = load_dataset(sample_dir)
    codes = set(ds.regency_years["regency_code"])
    assert "33.10" in codes and "33.1" not in codes


def test_missing_file(broken):
    (broken.path / "regency_years.csv").unlink()
    errs = errors_for(broken.path)
    assert any(p.file == "regency_years.csv" and "missing" in p.message for p in errs)


def test_missing_column(broken):
    df = broken.frame("centers").drop(columns=["cohort"])
    broken.write("centers", df)
    p = only_problem(broken.path, "centers.csv", "cohort")
    assert "missing" in p.message


def test_wrong_type_names_lines(broken):
    df = broken.frame("center_years")
    df.loc[[3, 7], "trainees_enrolled"] = "banyak"
    broken.write("center_years", df)
    p = only_problem(broken.path, "center_years.csv", "trainees_enrolled")
    assert p.lines == (5, 9)  # header is line 1, data row 0 is line 2
    assert p.values == ("banyak", "banyak")
    assert "line 5" in str(p)


def test_duplicate_keys(broken):
    df = broken.frame("centers")
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    broken.write("centers", df)
    p = only_problem(broken.path, "centers.csv", "center_id")
    assert "duplicate" in p.message and p.count == 2


def test_unknown_region_code(broken):
    df = broken.frame("regency_years")
    df.loc[0, "regency_code"] = "33.99"
    broken.write("regency_years", df)
    p = only_problem(broken.path, "regency_years.csv", "regency_code")
    assert "unknown regency code" in p.message and p.values == ("33.99",)


def test_code_written_as_number(broken):
    df = broken.frame("regency_years")
    df.loc[df["regency_code"] == "33.10", "regency_code"] = "33.1"
    broken.write("regency_years", df)
    p = only_problem(broken.path, "regency_years.csv", "regency_code")
    assert "trailing zero" in p.message


def test_bps_code_without_dot(broken):
    df = broken.frame("centers")
    df.loc[0, "regency_code"] = df.loc[0, "regency_code"].replace(".", "")
    broken.write("centers", df)
    p = only_problem(broken.path, "centers.csv", "regency_code")
    assert "BPS" in p.message


def test_year_out_of_range(broken):
    df = broken.frame("regency_years")
    df.loc[2, "year"] = "1899"
    broken.write("regency_years", df)
    p = only_problem(broken.path, "regency_years.csv", "year")
    assert "year outside" in p.message


def test_negative_counts(broken):
    df = broken.frame("center_years")
    df.loc[1, "instructors"] = "-2"
    broken.write("center_years", df)
    assert "negative" in only_problem(broken.path, "center_years.csv", "instructors").message


def test_completed_more_than_enrolled(broken):
    df = broken.frame("center_years")
    df.loc[0, "trainees_completed"] = str(int(df.loc[0, "trainees_enrolled"]) + 5)
    broken.write("center_years", df)
    p = only_problem(broken.path, "center_years.csv", "trainees_completed")
    assert "completed than enrolled" in p.message


def test_orphan_center_ids(broken):
    df = broken.frame("center_years")
    df.loc[0, "center_id"] = "BLKK-NOPE-0001"
    broken.write("center_years", df)
    p = only_problem(broken.path, "center_years.csv", "center_id")
    assert "not in centers" in p.message


def test_unknown_stage(broken):
    df = broken.frame("center_years")
    df.loc[4, "stage"] = "sukses"
    broken.write("center_years", df)
    p = only_problem(broken.path, "center_years.csv", "stage")
    assert "unknown value" in p.message and "mandiri" in p.message


def test_rate_over_100(broken):
    df = broken.frame("regency_years")
    df.loc[0, "unemployment_rate"] = "140.5"
    broken.write("regency_years", df)
    assert "over 100" in only_problem(broken.path, "regency_years.csv", "unemployment_rate").message


def test_empty_and_header_only(broken):
    (broken.path / "centers.csv").write_text("")
    df = broken.frame("regency_years").iloc[:0]
    broken.write("regency_years", df)
    errs = errors_for(broken.path)
    assert any(p.file == "centers.csv" and "empty" in p.message for p in errs)
    assert any(p.file == "regency_years.csv" and "no rows" in p.message for p in errs)


def test_identifier_columns_dropped_with_warning(broken):
    df = broken.frame("trainees")
    df["nik"] = "3326011203980001"
    df["nama_peserta"] = "Siti Aminah"
    df["phone"] = "081234567890"
    broken.write("trainees", df)
    with pytest.warns(IdentifierColumnWarning):
        ds, report = validate(broken.path)
    assert report.ok
    assert not {"nik", "nama_peserta", "phone"} & set(ds.trainees.columns)
    assert {p.column for p in report.warnings} >= {"nik", "nama_peserta", "phone"}


def test_semicolon_decimal_comma_export(broken):
    df = broken.frame("regency_years")
    df["unemployment_rate"] = df["unemployment_rate"].str.replace(".", ",", regex=False)
    df["population"] = df["population"].map(lambda v: f"{int(v):,}".replace(",", "."))
    df.to_csv(broken.path / "regency_years.csv", sep=";", index=False)
    ds, report = validate(broken.path)
    assert report.ok, [str(p) for p in report.errors]
    assert ds.regency_years["population"].min() > 1000
    assert ds.regency_years["unemployment_rate"].between(0, 100).all()


def test_parquet_and_xlsx_with_title_rows(broken):
    centers = broken.frame("centers")
    (broken.path / "centers.csv").unlink()
    centers.to_parquet(broken.path / "centers.parquet", index=False)
    ry = broken.frame("regency_years")
    (broken.path / "regency_years.csv").unlink()
    with pd.ExcelWriter(broken.path / "regency_years.xlsx") as xl:
        pd.DataFrame([["Panel kabupaten/kota"], ["Sumber: BPS"]]).to_excel(xl, header=False, index=False)
        ry.to_excel(xl, startrow=3, index=False)
    ds, report = validate(broken.path)
    assert report.ok, [str(p) for p in report.errors]
    assert ds.files["centers"].suffix == ".parquet"
    assert len(ds.regency_years) == len(ry)


def test_load_dataset_raises_with_every_problem(broken):
    df = broken.frame("center_years")
    df.loc[0, "stage"] = "sukses"
    df.loc[1, "instructors"] = "-1"
    broken.write("center_years", df)
    with pytest.raises(DataValidationError) as info:
        load_dataset(broken.path)
    text = str(info.value)
    assert "center_years.csv, column 'stage'" in text and "column 'instructors'" in text


def test_region_slice(sample_dir):
    ds = load_dataset(sample_dir)
    jateng = ds.for_region("33")
    assert jateng.centers["province_code"].eq("33").all()
    assert jateng.regency_years["regency_code"].nunique() == 35
    pek = ds.for_region("33.26")
    assert len(pek.centers) == 20
