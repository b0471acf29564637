"""The bad-input corpus: one defect per case, each with the outcome the loader must give.

A case is a name, a function that breaks a fresh copy of the small sample (three
provinces, see ``tests/conftest.py``) and what is expected:

- ``Refuse(file, column, message)``: validation fails with a problem in ``file`` (and
  ``column``, if given) whose message contains ``message``; with ``rows=True`` the
  problem lists example lines.
- ``Accept(check)``: validation passes and ``check(dataset, original)`` holds, where
  ``original(name)`` is the untouched table as text.

Nothing here is written to the repository: every case is generated into a temporary
folder at test time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from evaluation.data.schema import REGENCY_EXTRAS, TABLES

REQUIRED_FILES = tuple(name for name, t in TABLES.items() if t.required)


class CaseDir:
    """A writable copy of the small sample, with helpers to read and rewrite its tables."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def frame(self, name: str) -> pd.DataFrame:
        return pd.read_csv(self.path / f"{name}.csv", dtype=str, keep_default_na=False)

    def write(self, name: str, df: pd.DataFrame, **kwargs) -> None:
        df.to_csv(self.path / f"{name}.csv", index=False, **kwargs)

    def remove(self, name: str) -> None:
        (self.path / f"{name}.csv").unlink()

    def edit(self, name: str, func: Callable[[pd.DataFrame], pd.DataFrame | None]) -> None:
        df = self.frame(name)
        out = func(df)
        self.write(name, df if out is None else out)


@dataclass(frozen=True)
class Refuse:
    file: str
    column: str | None
    message: str
    rows: bool = True  # the problem lists example lines


@dataclass(frozen=True)
class Accept:
    check: Callable | None = None
    warned_columns: tuple[str, ...] = ()  # columns with a warning (identifiers dropped, stage derived)


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[CaseDir], None]
    expected: Refuse | Accept
    why: str = ""  # the reason for a decision that could have gone the other way

    def __str__(self) -> str:
        return self.name


# ----------------------------------------------------------------------------- helpers


def _set(name: str, column: str, value: str, rows=(0,)) -> Callable[[CaseDir], None]:
    def mutate(d: CaseDir) -> None:
        def f(df):
            df.loc[list(rows), column] = value

        d.edit(name, f)

    return mutate


def _first_row_where(df: pd.DataFrame, column: str, value: str) -> int:
    return int(np.flatnonzero(df[column].to_numpy() == value)[0])


def _id_number(text: str) -> str:
    """'1234567.89' written the Indonesian way: '1.234.567,89'."""
    if text == "":
        return text
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


def _numbers_equal(ds_frame: pd.DataFrame, original: pd.DataFrame, columns) -> None:
    for col in columns:
        got = ds_frame[col].astype(float).to_numpy()
        want = pd.to_numeric(original[col]).astype(float).to_numpy()
        assert np.array_equal(got, want, equal_nan=True), f"{col}: values differ from the original"


def _text_equal(ds_frame: pd.DataFrame, original: pd.DataFrame, columns) -> None:
    for col in columns:
        got = ds_frame[col].astype(str).tolist()
        want = original[col].astype(str).str.strip().tolist()
        assert got == want, f"{col}: values differ from the original"


# ----------------------------------------------------------------------- the mutations


def _missing_file(name):
    return lambda d: d.remove(name)


def _missing_column(name, column):
    return lambda d: d.edit(name, lambda df: df.drop(columns=[column]))


def _empty_file(d: CaseDir) -> None:
    (d.path / "centers.csv").write_bytes(b"")


def _whitespace_file(d: CaseDir) -> None:
    (d.path / "center_years.csv").write_text("\n \n\n", encoding="utf-8")


def _header_only(d: CaseDir) -> None:
    d.edit("regency_years", lambda df: df.iloc[:0])


def _duplicate_first_row(name):
    return lambda d: d.edit(name, lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True))


def _code_as_number(d: CaseDir) -> None:
    def f(df):
        df.loc[df["regency_code"] == "33.10", "regency_code"] = "33.1"

    d.edit("regency_years", f)


def _province_as_float(d: CaseDir) -> None:
    def f(df):
        df.loc[df["province_code"] == "34", "province_code"] = "34.0"

    d.edit("centers", f)


def _bps_codes(d: CaseDir) -> None:
    def f(df):
        df["regency_code"] = df["regency_code"].str.replace(".", "", regex=False)

    d.edit("regency_years", f)


def _province_mismatch(d: CaseDir) -> None:
    def f(df):
        i = _first_row_where(df, "province_code", "33")
        df.loc[i, "province_code"] = "34"

    d.edit("centers", f)


def _more_than(name, column, other, extra=5):
    def mutate(d: CaseDir) -> None:
        def f(df):
            df.loc[0, column] = str(int(df.loc[0, other]) + extra)

        d.edit(name, f)

    return mutate


def _placed_over_completed(d: CaseDir) -> None:
    def f(df):
        df.loc[0, "alumni_employed"] = df.loc[0, "trainees_completed"]
        df.loc[0, "alumni_self_employed"] = "3"

    d.edit("center_years", f)


def _year_before_cohort(d: CaseDir) -> None:
    centers = d.frame("centers").set_index("center_id")["cohort"]

    def f(df):
        df.loc[0, "year"] = str(int(centers[df.loc[0, "center_id"]]) - 1)

    d.edit("center_years", f)


def _years_as_floats(d: CaseDir) -> None:
    d.edit("center_years", lambda df: df.assign(year=df["year"] + ".0"))
    d.edit("centers", lambda df: df.assign(cohort=df["cohort"] + ".0"))


def _counts_as_floats(d: CaseDir) -> None:
    d.edit("regency_years", lambda df: df.assign(population=df["population"] + ".0", unemployed=df["unemployed"] + ".0"))


def _indonesian_export(d: CaseDir) -> None:
    """Semicolons, decimal commas and dotted thousands, as Excel in an Indonesian locale saves CSV."""
    ry = d.frame("regency_years")
    for col in ("population", "labour_force", "unemployed", "unemployment_rate", "mean_wage_idr", "min_wage_idr"):
        ry[col] = ry[col].map(_id_number)
    d.write("regency_years", ry, sep=";")
    cy = d.frame("center_years")
    for col in ("own_revenue_idr", "operating_cost_idr"):
        cy[col] = cy[col].map(_id_number)
    d.write("center_years", cy, sep=";")
    centers = d.frame("centers")
    centers["grant_idr"] = centers["grant_idr"].map(_id_number)
    d.write("centers", centers, sep=";")
    tr = d.frame("trainees")
    for col in ("income_before_idr", "income_after_idr", "weight"):
        tr[col] = tr[col].map(_id_number)
    d.write("trainees", tr, sep=";")


def _check_indonesian_export(ds, original) -> None:
    _numbers_equal(
        ds.regency_years,
        original("regency_years"),
        ("population", "labour_force", "unemployed", "unemployment_rate", "mean_wage_idr", "min_wage_idr"),
    )
    _numbers_equal(ds.center_years, original("center_years"), ("own_revenue_idr", "operating_cost_idr", "trainees_enrolled"))
    _numbers_equal(ds.centers, original("centers"), ("grant_idr", "cohort"))
    _numbers_equal(ds.trainees, original("trainees"), ("income_before_idr", "income_after_idr", "weight"))
    _text_equal(ds.regency_years, original("regency_years"), ("regency_code",))
    assert ds.regency_years["population"].min() > 1000


def _legacy_encoded_names(encoding, names):
    def mutate(d: CaseDir) -> None:
        df = d.frame("centers")
        df.loc[[1, 4], "center_name"] = names
        data = df.to_csv(index=False).encode(encoding)
        (d.path / "centers.csv").write_bytes(data)

    return mutate


CP1252_NAMES = ["BLKK Pondok Pesantren Darul Ma\u2019arif", "BLKK Caf\u00e9 Bahasa \u201cSant\u00e9\u201d"]
LATIN1_NAMES = ["BLKK Pesantren Al-F\u00e2tih", "BLKK Caf\u00e9 Bahasa Sant\u00e9"]


def _semicolon_dot_decimals(d: CaseDir) -> None:
    """A semicolon file from a tool that writes a decimal point: '6.58' is 6.58, not 658."""
    for name in ("regency_years", "trainees"):
        d.write(name, d.frame(name), sep=";")


def _check_dot_decimals(ds, original) -> None:
    _numbers_equal(ds.regency_years, original("regency_years"), ("unemployment_rate", "population"))
    _numbers_equal(ds.trainees, original("trainees"), ("weight", "income_after_idr"))


def _english_thousands(d: CaseDir) -> None:
    d.edit("regency_years", lambda df: df.assign(population=df["population"].map(lambda v: f"{int(v):,}")))


def _utf16(d: CaseDir) -> None:
    """Excel's 'Unicode Text' export: UTF-16 with a byte-order mark, tab-separated."""
    text = d.frame("centers").to_csv(index=False, sep="\t")
    (d.path / "centers.csv").write_bytes(text.encode("utf-16"))


def _tab_separated(d: CaseDir) -> None:
    d.write("regency_years", d.frame("regency_years"), sep="\t")


def _header_capitalised(d: CaseDir) -> None:
    d.edit("centers", lambda df: df.rename(columns={"host_type": "Host Type"}))


def _xlsx_with_title_rows(d: CaseDir) -> None:
    centers = d.frame("centers")
    d.remove("centers")
    typed = centers.assign(cohort=centers["cohort"].astype(int), grant_idr=centers["grant_idr"].astype(int))
    with pd.ExcelWriter(d.path / "centers.xlsx") as xl:
        pd.DataFrame([["Daftar BLK Komunitas"], ["Sumber: Kemnaker, diolah"]]).to_excel(xl, header=False, index=False)
        typed.to_excel(xl, startrow=3, index=False)


def _check_xlsx(ds, original) -> None:
    assert ds.files["centers"].suffix == ".xlsx"
    _text_equal(ds.centers, original("centers"), ("center_id", "center_name", "province_code", "regency_code", "host_type"))
    _numbers_equal(ds.centers, original("centers"), ("cohort", "grant_idr"))


def _xlsx_codes_as_numbers(d: CaseDir) -> None:
    ry = d.frame("regency_years")
    d.remove("regency_years")
    typed = ry.copy()
    for col in ry.columns:
        typed[col] = pd.to_numeric(ry[col])  # what Excel does to '33.10' when the column is General
    typed.to_excel(d.path / "regency_years.xlsx", index=False)


def _parquet_float_codes(d: CaseDir) -> None:
    ry = d.frame("regency_years")
    d.remove("regency_years")
    ry = ry.assign(regency_code=ry["regency_code"].astype(float), year=ry["year"].astype(int))
    ry.to_parquet(d.path / "regency_years.parquet", index=False)


def _parquet_typed(d: CaseDir) -> None:
    cy = d.frame("center_years")
    d.remove("center_years")
    typed = cy.copy()
    for col in cy.columns:
        if col in ("licensed", "accredited", "alumni_database", "incubator"):
            typed[col] = cy[col].astype(int).astype(bool)
        elif col not in ("center_id", "stage"):
            typed[col] = cy[col].astype("int64")
    typed["own_revenue_idr"] = typed["own_revenue_idr"].astype(float)  # as after a gap was filled
    typed.to_parquet(d.path / "center_years.parquet", index=False)


def _trained_ya_tidak(d: CaseDir) -> None:
    d.edit("trainees", lambda df: df.assign(trained=df["trained"].map({"1": "Ya", "0": "tidak"})))


def _check_trained(ds, original) -> None:
    assert ds.trainees["trained"].tolist() == original("trainees")["trained"].astype(int).tolist()


def _bom(d: CaseDir) -> None:
    for name in ("centers", "regency_years"):
        path = d.path / f"{name}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _bom_semicolon(d: CaseDir) -> None:
    ry = d.frame("regency_years")
    ry["unemployment_rate"] = ry["unemployment_rate"].map(_id_number)
    (d.path / "regency_years.csv").write_bytes(b"\xef\xbb\xbf" + ry.to_csv(index=False, sep=";").encode("utf-8"))


def _crlf(d: CaseDir) -> None:
    path = d.path / "centers.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def _padded_codes(d: CaseDir) -> None:
    d.edit("centers", lambda df: df.assign(regency_code=df["regency_code"] + " ", province_code=" " + df["province_code"]))
    d.edit("regency_years", lambda df: df.assign(regency_code=df["regency_code"] + "  "))
    d.edit("center_years", lambda df: df.assign(center_id=df["center_id"] + " "))


def _check_padded(ds, original) -> None:
    _text_equal(ds.centers, original("centers"), ("regency_code", "province_code", "center_id"))
    _text_equal(ds.regency_years, original("regency_years"), ("regency_code",))
    _text_equal(ds.center_years, original("center_years"), ("center_id",))


def _identifiers(d: CaseDir) -> None:
    def f(df):
        df["nik"] = "3326011203980001"
        df["nama_peserta"] = "Siti Aminah Rahayu"
        df["phone"] = "081234567890"

    d.edit("trainees", f)
    d.edit("centers", lambda df: df.assign(nama_pengelola="Ahmad Fauzi Hidayat", telepon="0285-123456"))


IDENTIFIER_VALUES = ("3326011203980001", "Siti Aminah Rahayu", "081234567890", "Ahmad Fauzi Hidayat", "0285-123456")


def _check_identifiers(ds, original) -> None:
    for name, df in ds.tables.items():
        assert not {"nik", "nama_peserta", "phone", "nama_pengelola", "telepon"} & set(df.columns), name
        text = df.astype(str).to_csv()
        assert not any(v in text for v in IDENTIFIER_VALUES), name


def _check_derived_stage(ds, original) -> None:
    from evaluation.data.stages import derive_stage

    # the sample's stages follow the roadmap criteria with the default thresholds
    assert ds.center_years["stage"].tolist() == original("center_years")["stage"].tolist()
    assert ds.center_years["stage"].tolist() == derive_stage(ds.center_years).tolist()


def _check_no_trainees(ds, original) -> None:
    assert ds.trainees is None


def _check_years(ds, original) -> None:
    assert ds.center_years["year"].dtype == "int64"
    _numbers_equal(ds.center_years, original("center_years"), ("year",))
    _numbers_equal(ds.centers, original("centers"), ("cohort",))


def _check_counts(ds, original) -> None:
    _numbers_equal(ds.regency_years, original("regency_years"), ("population", "unemployed"))


def _check_parquet(ds, original) -> None:
    cy, want = ds.center_years, original("center_years")
    assert ds.files["center_years"].suffix == ".parquet"
    assert cy["own_revenue_idr"].dtype == "int64"
    _numbers_equal(cy, want, ("year", "trainees_enrolled", "own_revenue_idr", "licensed", "accredited"))


def _check_host_case(ds, original) -> None:
    _text_equal(ds.centers, original("centers"), ("host_type",))


def _extra_column(d: CaseDir) -> None:
    d.edit("centers", lambda df: df.assign(catatan="cek ulang"))


def _check_extra_column_ignored(ds, original) -> None:
    assert "catatan" not in ds.centers.columns


def _host_type_title_case(d: CaseDir) -> None:
    d.edit("centers", lambda df: df.assign(host_type=df["host_type"].str.title()))


def _check_rate(ds, original) -> None:
    _numbers_equal(ds.regency_years, original("regency_years"), ("unemployment_rate",))


# ---------------------------------------------------------------------------- the corpus


def _defect_cases() -> list[Case]:
    cases: list[Case] = []

    def add(name, mutate, expected, why=""):
        cases.append(Case(name, mutate, expected, why))

    # files
    for name in REQUIRED_FILES:
        add(f"missing_file-{name}", _missing_file(name), Refuse(f"{name}.csv", None, "required file is missing", rows=False))
    add("missing_file-trainees", _missing_file("trainees"), Accept(_check_no_trainees), why="trainees is optional")
    add("empty_file", _empty_file, Refuse("centers.csv", None, "file is empty", rows=False))
    add("blank_lines_only", _whitespace_file, Refuse("center_years.csv", None, "file is empty", rows=False))
    add("header_only", _header_only, Refuse("regency_years.csv", None, "header but no rows", rows=False))

    # types
    add("wrong_type-count", _set("center_years", "trainees_enrolled", "banyak", rows=(3, 7)),
        Refuse("center_years.csv", "trainees_enrolled", "not a number"))
    add("wrong_type-money", _set("centers", "grant_idr", "1 miliar"), Refuse("centers.csv", "grant_idr", "not a number"))
    add("wrong_type-rate", _set("regency_years", "unemployment_rate", "n/a"),
        Refuse("regency_years.csv", "unemployment_rate", "not a number"))
    add("wrong_type-flag", _set("center_years", "licensed", "mungkin"),
        Refuse("center_years.csv", "licensed", "not a yes/no value"))
    add("wrong_type-fraction_in_count", _set("center_years", "instructors", "2.5"),
        Refuse("center_years.csv", "instructors", "not a whole number"))
    add("missing_value", _set("regency_years", "population", ""), Refuse("regency_years.csv", "population", "value is missing"))

    # keys
    add("duplicate_key-centers", _duplicate_first_row("centers"), Refuse("centers.csv", "center_id", "duplicate key"))
    add("duplicate_key-center_years", _duplicate_first_row("center_years"),
        Refuse("center_years.csv", "center_id + year", "duplicate key"))
    add("duplicate_key-regency_years", _duplicate_first_row("regency_years"),
        Refuse("regency_years.csv", "regency_code + year", "duplicate key"))
    add("duplicate_key-trainees", _duplicate_first_row("trainees"), Refuse("trainees.csv", "person_id", "duplicate key"))

    # region codes
    add("unknown_regency_code", _set("regency_years", "regency_code", "33.99"),
        Refuse("regency_years.csv", "regency_code", "unknown regency code"))
    add("unknown_province_code", _set("centers", "province_code", "99"),
        Refuse("centers.csv", "province_code", "unknown province code"))
    add("province_regency_mismatch", _province_mismatch,
        Refuse("centers.csv", "province_code", "does not match the regency"))
    add("code_as_number-33.1", _code_as_number, Refuse("regency_years.csv", "regency_code", "lost its trailing zero"))
    add("province_code_as_float", _province_as_float,
        Refuse("centers.csv", "province_code", "province code written as a number"))
    add("bps_codes_without_dot", _bps_codes, Refuse("regency_years.csv", "regency_code", "BPS"))
    add("code_in_trainees_garbled", _set("trainees", "regency_code", "Kab. Pekalongan"),
        Refuse("trainees.csv", "regency_code", "not a Kemendagri code"))

    # years
    add("year_too_early", _set("regency_years", "year", "1899"), Refuse("regency_years.csv", "year", "year outside"))
    add("year_too_late", _set("center_years", "year", "2099"), Refuse("center_years.csv", "year", "year outside"))
    add("cohort_out_of_range", _set("centers", "cohort", "2005"), Refuse("centers.csv", "cohort", "year outside"))
    add("year_two_digits", _set("trainees", "year", "21"), Refuse("trainees.csv", "year", "year outside"))
    add("year_before_cohort", _year_before_cohort, Refuse("center_years.csv", "year", "before the center opened"))
    add("years_as_floats-2019.0", _years_as_floats, Accept(_check_years),
        why="a whole-number float (2019.0) is what spreadsheets and pandas write for an integer column "
        "with a gap; its value is unambiguous, so it is read as 2019 (2019.5 is refused)")
    add("year_fraction-2019.5", _set("center_years", "year", "2019.5"),
        Refuse("center_years.csv", "year", "not a whole number"))
    add("counts_as_floats", _counts_as_floats, Accept(_check_counts), why="as years: 123.0 is 123")

    # counts and rates
    add("negative_count", _set("center_years", "instructors", "-2"), Refuse("center_years.csv", "instructors", "negative value"))
    add("negative_money", _set("centers", "grant_idr", "-1000000"), Refuse("centers.csv", "grant_idr", "negative value"))
    add("negative_rate", _set("regency_years", "unemployment_rate", "-0.5"),
        Refuse("regency_years.csv", "unemployment_rate", "negative value"))
    add("completed_over_enrolled", _more_than("center_years", "trainees_completed", "trainees_enrolled"),
        Refuse("center_years.csv", "trainees_completed", "more trainees completed than enrolled"))
    add("certified_over_completed", _more_than("center_years", "trainees_certified", "trainees_completed"),
        Refuse("center_years.csv", "trainees_certified", "more trainees certified than completed"))
    add("placed_over_completed", _placed_over_completed, Refuse("center_years.csv", "alumni_employed", "exceed completers"))
    add("unemployed_over_labour_force", _more_than("regency_years", "unemployed", "labour_force"),
        Refuse("regency_years.csv", "unemployed", "more unemployed than the labour force"))
    add("labour_force_over_population", _more_than("regency_years", "labour_force", "population"),
        Refuse("regency_years.csv", "labour_force", "larger than the population"))
    add("rate_over_100", _set("regency_years", "unemployment_rate", "140.5"),
        Refuse("regency_years.csv", "unemployment_rate", "over 100"))

    # ids and categories
    add("orphan_center_id", _set("center_years", "center_id", "BLKK-NOPE-0001"),
        Refuse("center_years.csv", "center_id", "not in centers"))
    add("orphan_trainee_center", _set("trainees", "center_id", "BLKK-NOPE-0002", rows=(1,)),
        Refuse("trainees.csv", "center_id", "not in centers"))
    add("unknown_stage", _set("center_years", "stage", "sukses", rows=(4,)), Refuse("center_years.csv", "stage", "unknown value"))
    add("unknown_host_type", _set("centers", "host_type", "masjid"), Refuse("centers.csv", "host_type", "unknown value"))
    add("host_type_capitalised", _host_type_title_case, Accept(_check_host_case), why="case carries no meaning in a category")

    # formats and encodings
    add("indonesian_spreadsheet_export", _indonesian_export, Accept(_check_indonesian_export))
    add("semicolon_dot_decimals", _semicolon_dot_decimals, Accept(_check_dot_decimals),
        why="a column that cannot be Indonesian-formatted ('6.58') is read with the point as decimal mark")
    add("english_thousands_quoted", _english_thousands, Refuse("regency_years.csv", "population", "not a number"),
        why="in a comma-separated file a comma inside a number may be a decimal mark; refused rather than guessed")
    add("utf16_export", _utf16, Refuse("centers.csv", None, "UTF-16", rows=False))
    add("tab_separated", _tab_separated, Accept(_check_rate))
    add("header_renamed", _header_capitalised, Refuse("centers.csv", "host_type", "required column is missing", rows=False))
    add("non_utf8-cp1252", _legacy_encoded_names("cp1252", CP1252_NAMES), Refuse("centers.csv", "center_name", "not UTF-8"),
        why="guessing an encoding can silently garble names that reach the reports; the file, column "
        "and lines are named and the fix (save as 'CSV UTF-8') is one step")
    add("non_utf8-latin1", _legacy_encoded_names("latin-1", LATIN1_NAMES), Refuse("centers.csv", "center_name", "not UTF-8"),
        why="as cp1252")
    add("xlsx_title_rows", _xlsx_with_title_rows, Accept(_check_xlsx))
    add("xlsx_codes_as_numbers", _xlsx_codes_as_numbers,
        Refuse("regency_years.xlsx", "regency_code", "lost its trailing zero"))
    add("parquet_codes_as_float", _parquet_float_codes,
        Refuse("regency_years.parquet", "regency_code", "lost its trailing zero"),
        why="a float cannot tell 33.1 from 33.10, so codes stored as floats cannot be trusted")
    add("parquet_typed", _parquet_typed, Accept(_check_parquet))
    add("trained_ya_tidak", _trained_ya_tidak, Accept(_check_trained))
    add("bom", _bom, Accept())
    add("bom_semicolon", _bom_semicolon, Accept(_check_rate))
    add("crlf_line_endings", _crlf, Accept())
    add("padded_codes_and_ids", _padded_codes, Accept(_check_padded))
    add("identifier_columns", _identifiers,
        Accept(_check_identifiers, warned_columns=("nik", "nama_peserta", "phone", "nama_pengelola", "telepon")))
    add("extra_column", _extra_column, Accept(_check_extra_column_ignored))
    return cases


def _missing_column_cases() -> list[Case]:
    cases = []
    extras = {c.name for c in REGENCY_EXTRAS}  # optional columns the sample does not carry
    for name, table in TABLES.items():
        for column in table.columns:
            if column.name in extras:
                continue
            if column.required:
                expected = Refuse(f"{name}.csv", column.name, "required column is missing", rows=False)
            else:
                expected = Accept(_check_derived_stage, warned_columns=(column.name,))
            cases.append(Case(f"missing_column-{name}-{column.name}", _missing_column(name, column.name), expected))
    return cases


CASES: list[Case] = _defect_cases() + _missing_column_cases()
BY_NAME: dict[str, Case] = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"

#: Cases also run through `blkk report` (refusals happen before any kernel starts).
REPORT_CASES = ("missing_file-center_years", "completed_over_enrolled", "non_utf8-cp1252")
#: Cases run through the installed `blkk validate` console script as well as in-process.
CONSOLE_CASES = ("header_only", "identifier_columns")
