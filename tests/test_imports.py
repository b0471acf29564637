"""Downloaded tables -> the data contract: each layout researchers have (CSV and XLSX), the
errors that must stop an import, and a folder of downloads through `blkk import` to a data
folder that `evaluation.data.validate` accepts.

The fixtures are written by ``tests/fixtures/imports/writer.py`` (see its README for which
values are real and which illustrative)."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaluation import cli
from evaluation.config import REFERENCE_DIR, SAMPLE_DIR
from evaluation.data import validate
from evaluation.data.imports import (
    LONG_COLUMNS,
    TableImportError,
    TableImportWarning,
    assemble_regency_years,
    import_centers,
    indicator_name,
    read_bps_table,
)
from evaluation.data.schema import CENTERS, REGENCY_YEARS
from fixtures.imports import writer

STORED = Path(writer.__file__).parent
REQUIRED_RY = [c.name for c in REGENCY_YEARS.columns if c.required]


@pytest.fixture(scope="module")
def fx(tmp_path_factory) -> dict[str, Path]:
    return writer.write_all(tmp_path_factory.mktemp("imports"))


def value(df: pd.DataFrame, code: str, indicator: str, period: str | None = None, year: int | None = None) -> float:
    rows = df[(df["regency_code"] == code) & (df["indicator"] == indicator)]
    if period is not None:
        rows = rows[rows["period"] == period]
    if year is not None:
        rows = rows[rows["year"] == year]
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


def read(path, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableImportWarning)
        return read_bps_table(path, **kw)


# --------------------------------------------------------------------------- the fixtures themselves


def test_stored_fixtures_are_what_the_writer_writes(fx):
    """The files kept beside the writer are the writer's output (CSV byte for byte, XLSX cell for cell)."""
    for name, path in fx.items():
        stored = STORED / name
        assert stored.exists(), f"{name}: run python tests/fixtures/imports/writer.py"
        if path.suffix == ".xlsx":
            a, b = openpyxl.load_workbook(path).active, openpyxl.load_workbook(stored).active
            assert [[c.value for c in r] for r in a.iter_rows()] == [[c.value for c in r] for r in b.iter_rows()], name
            assert a.merged_cells.ranges == b.merged_cells.ranges or {str(r) for r in a.merged_cells.ranges} == \
                {str(r) for r in b.merged_cells.ranges}
        else:
            assert path.read_bytes() == stored.read_bytes(), name


# --------------------------------------------------------------------------- BPS layouts


def test_sulut_xlsx_merged_two_row_header(fx):
    """BPS Sulawesi Utara's TPT/TPAK 2022: merged header, column numbers, sub-headers, '...', total, notes."""
    df = read(fx["sulut_tpt_tpak_2022.xlsx"])
    assert list(df.columns) == list(LONG_COLUMNS)
    assert df.attrs["province"] == "71"
    assert set(df["year"]) == {2022}
    assert df.groupby(["indicator", "period"]).size().to_dict() == {
        ("labour_force_participation_rate", "aug"): 15, ("labour_force_participation_rate", "feb"): 15,
        ("unemployment_rate", "aug"): 15, ("unemployment_rate", "feb"): 15}
    assert value(df, "71.01", "unemployment_rate", "aug") == 4.96  # decimal comma
    assert value(df, "71.09", "unemployment_rate", "aug") == 2.96  # Siau Tagulandang Biaro
    assert value(df, "71.09", "labour_force_participation_rate", "aug") == 62.20
    assert value(df, "71.71", "unemployment_rate", "aug") == 10.47  # Kota Manado
    assert df.loc[df["period"] == "feb", "value"].isna().all()  # '...': no February kab/kota figures
    assert df.loc[df["regency_code"] == "71.09", "source_name"].iloc[0] == "Siau Tagulandang Biaro"
    assert set(df["regency_code"]) == {c for c in _codes("71")}
    recognised = " ".join(df.attrs["notes"])
    for what in ("column numbers", "subheader 'Kabupaten'", "subheader 'Kota'", "province 'Sulawesi Utara'", "note"):
        assert what in recognised


def test_sulut_csv_needs_the_year_and_reads_bare_kota(fx):
    with pytest.raises(TableImportError) as err:
        read(fx["sulut_tpt_tpak.csv"])
    assert "sulut_tpt_tpak.csv: the table does not say which year; pass year=2022 (or --year)" in str(err.value)
    df = read(fx["sulut_tpt_tpak.csv"], year=2022)
    manado = df[(df["source_name"] == "Manado") & (df["indicator"] == "unemployment_rate") & (df["period"] == "aug")]
    assert manado["regency_code"].tolist() == ["71.71"] and manado["value"].tolist() == [10.47]
    assert read(fx["sulut_tpt_tpak_2022.xlsx"]).sort_values(["regency_code", "indicator", "period"])["value"] \
        .reset_index(drop=True).equals(df.sort_values(["regency_code", "indicator", "period"])["value"].reset_index(drop=True))


def test_wide_by_year_and_the_kota_named_beside_a_bare_kabupaten(fx):
    df = read(fx["jateng_tpt_2019_2024.xlsx"])
    assert sorted(df["year"].unique()) == list(range(2019, 2025))
    assert len(df) == 35 * 6 and set(df["indicator"]) == {"unemployment_rate"}
    wide = pd.read_excel(fx["jateng_tpt_2019_2024.xlsx"], header=None)
    magelang = wide[wide[0] == "Magelang"].iloc[0]
    kota_magelang = wide[wide[0] == "Kota Magelang"].iloc[0]
    assert value(df, "33.08", "unemployment_rate", year=2021) == magelang[3]  # Kabupaten Magelang
    assert value(df, "33.71", "unemployment_rate", year=2021) == kota_magelang[3]
    assert any("'Magelang' read as Kabupaten Magelang" in n for n in df.attrs["notes"])
    only = read(fx["jateng_tpt_2019_2024.xlsx"], year=2024)
    assert set(only["year"]) == {2024} and len(only) == 35
    with pytest.raises(TableImportError, match="the table is for 2019, 2020, 2021, 2022, 2023, 2024, not 2025"):
        read(fx["jateng_tpt_2019_2024.xlsx"], year=2025)


def test_kab_and_kota_of_the_same_name(fx):
    """'Kab. Bogor' and 'Kota Bogor' (Jawa Barat): two regencies; the total row is not one."""
    df = read(fx["jabar_penduduk_2023.csv"])
    assert len(df) == 27 and df.attrs["province"] == "32" and set(df["indicator"]) == {"population"}
    reg = load_reg().set_index("regency_code")
    assert value(df, "32.01", "population") == round(reg.loc["32.01", "population"] * 0.98)  # dotted thousands
    assert value(df, "32.71", "population") == round(reg.loc["32.71", "population"] * 0.98)
    assert df.loc[df["regency_code"] == "32.71", "source_name"].item() == "Kota Bogor"


def test_semicolon_cp1252_csv(fx):
    path = fx["jateng_angkatan_kerja_2024.csv"]
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the fixture really is Windows-1252
    assert path.read_text(encoding="cp1252").count(";") > 35
    df = read(path)
    assert set(df["indicator"]) == {"labour_force"} and set(df["period"]) == {"aug"} and set(df["year"]) == {2024}
    expected = writer._jateng().set_index("regency_code")["labour_force_2024"]
    assert len(df) == 35 and (df.set_index("regency_code")["value"] == expected).all()  # "1.133.886" is 1133886
    assert any("Windows-1252" in n for n in df.attrs["notes"])


def test_thousands_of_people_are_scaled(fx):
    df = read(fx["jateng_penduduk_2024.xlsx"])
    pop = pd.read_excel(fx["jateng_penduduk_2024.xlsx"], header=None)
    cilacap = pop[pop[0] == "Cilacap"].iloc[0, 1]
    assert value(df, "33.01", "population") == pytest.approx(cilacap * 1000)
    assert value(df, "33.71", "population") > 100_000  # Kota Magelang under the Kota sub-header


def test_renamed_and_respelled_names(fx):
    df = read(fx["sumut_renamed_2019.csv"])
    assert df.attrs["province"] == "12" and set(df["period"]) == {"aug"} and set(df["year"]) == {2019}
    by_name = dict(zip(df["source_name"], df["regency_code"]))
    assert by_name["Toba Samosir"] == "12.12" and by_name["Samosir"] == "12.17"
    assert by_name["Labuhan Batu"] == "12.10" and by_name["Labuhan Batu Selatan"] == "12.22"
    assert by_name["Kota Pematang Siantar"] == "12.72" and by_name["Kota Tanjung Balai"] == "12.74"
    assert any("Toba Samosir" in n and "renamed" in n for n in df.attrs["notes"])
    kep = read(fx["sulsel_kepulauan_2021.xlsx"])
    by_name = dict(zip(kep["source_name"], kep["regency_code"]))
    assert by_name == {"Kepulauan Selayar": "73.01", "Pangkajene Kepulauan": "73.10", "Maros": "73.09",
                       "Kota Makassar": "73.71", "Kota Pare Pare": "73.72", "Kota Palopo": "73.73"}


def test_bps_codes_are_converted_and_checked_against_names(fx):
    df = read(fx["sulut_tpt_bps_codes_2022.csv"], codes="bps")
    assert value(df, "71.09", "unemployment_rate") == 2.96  # BPS 7108 is Kemendagri 71.09
    assert value(df, "71.07", "unemployment_rate") == 3.43  # BPS 7109: Minahasa Tenggara
    auto = read(fx["sulut_tpt_bps_codes_2022.csv"])
    assert auto.sort_values("regency_code")["value"].tolist() == df.sort_values("regency_code")["value"].tolist()
    with pytest.raises(TableImportError, match="names and kemendagri codes name different kab/kota"):
        read(fx["sulut_tpt_bps_codes_2022.csv"], codes="kemendagri")
    only = read(fx["sulut_tpt_bps_codes_only_2022.csv"], codes="bps")
    assert value(only, "71.09", "unemployment_rate") == 2.96 and value(only, "71.08", "unemployment_rate") == 5.10
    with pytest.raises(TableImportError, match="cannot tell whether the code column holds Kemendagri or BPS codes"):
        read(fx["sulut_tpt_bps_codes_only_2022.csv"])


# --------------------------------------------------------------------------- UMK decrees


def test_umk_decree_list_with_real_2024_values(fx):
    path = fx["jateng_umk_2024.xlsx"]
    cells = [c.value for r in openpyxl.load_workbook(path).active.iter_rows() for c in r]
    assert "Rp 2.038.005" in cells  # Banjarnegara as the decree writes it
    df = read(path)
    assert set(df["indicator"]) == {"min_wage_idr"} and set(df["year"]) == {2024}  # not 2023, the decree's year
    ref = pd.read_csv(REFERENCE_DIR / "umk_jateng.csv", dtype={"regency_code": str})
    got = df.set_index("regency_code")["value"]
    assert got["33.04"] == 2_038_005
    assert (got.reindex(ref["regency_code"]).to_numpy() == ref["umk_2024_idr"].to_numpy()).all()


def test_umk_decimals_and_the_ump_fallback(fx):
    path = fx["jateng_umk_2025.csv"]
    df = read(path)
    assert value(df, "33.24", "min_wage_idr") == 2_783_455.25  # Kendal, "2.783.455,25"
    assert np.isnan(value(df, "33.16", "min_wage_idr"))  # Blora left blank
    assert any("no UMK for 1 kab/kota in 2025 and no UMP given" in n and "Blora" in n for n in df.attrs["notes"])
    ump = 2_100_000  # illustrative UMP for the test, not Jawa Tengah's
    filled = read(path, ump=ump)
    assert value(filled, "33.16", "min_wage_idr") == ump
    assert filled.loc[filled["regency_code"] == "33.16", "note"].item() == "UMP 2025 applies (no UMK listed)"
    assert any("UMP 2025 (2,100,000) applies to 1 kab/kota" in n for n in filled.attrs["notes"])
    ry, report = assemble_regency_years([filled])
    assert ry.set_index("regency_code").loc["33.24", "min_wage_idr"] == 2_783_455  # whole rupiah
    assert any("fraction of a rupiah rounded" in n for n in report.notes)


def test_a_ump_row_of_the_list_fills_kab_kota_without_umk(tmp_path):
    path = tmp_path / "umk_jabar.csv"
    path.write_text("Upah Minimum Kabupaten/Kota Jawa Barat Tahun 2024\nKabupaten/Kota,UMK (Rp)\n"
                    "Kota Bekasi,\"5.343.430\"\nKab. Karawang,\"5.257.834\"\nKota Banjar,UMP\n"
                    "UMP Jawa Barat,\"2.000.000\"\n", encoding="utf-8")  # illustrative values
    df = read(path, province="Jawa Barat")
    assert value(df, "32.79", "min_wage_idr") == 2_000_000  # said "UMP"
    assert (df["regency_code"].str.startswith("32.")).all() and df["regency_code"].nunique() == 27
    absent = df[df["note"].str.contains("not in the UMK list")]
    assert len(absent) == 24 and (absent["value"] == 2_000_000).all()


# --------------------------------------------------------------------------- errors


def test_unknown_name_lists_the_closest_names_and_the_line(fx):
    with pytest.raises(TableImportError) as err:
        read(fx["sumut_unknown_name_2022.csv"])
    text = str(err.value)
    assert "sumut_unknown_name_2022.csv, column 'Kabupaten/Kota'" in text
    assert "'Kota Padang Sidempuan'" in text and "closest reference names: Kota Padangsidimpuan" in text
    assert "line 5" in text


def test_ambiguous_bare_name(fx):
    with pytest.raises(TableImportError) as err:
        read(fx["jabar_bare_bogor_2023.csv"])
    text = str(err.value)
    assert "'Bogor'" in text and "Kabupaten Bogor (32.01), Kota Bogor (32.71)" in text and "line 3" in text


def test_a_zero_tpt_is_no_value_with_a_warning(fx):
    with pytest.warns(TableImportWarning, match="TPT of exactly 0 read as no value") as caught:
        df = read_bps_table(fx["dashboard_tpt_jateng.csv"])
    message = str(caught[0].message)
    assert "line 4 ('Kabupaten Cilacap 2016')" in message and "line 10 ('Kota Semarang 2016')" in message
    assert df.loc[df["year"] == 2016, "value"].isna().all()
    assert (df.loc[df["year"] == 2016, "note"] == "0 read as no value").all()
    assert value(df, "33.01", "unemployment_rate", year=2015) == 8.45  # a year column (long layout)


def test_indicator_asked_for_where_the_table_does_not_say(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Kabupaten/Kota,2023\nKab. Bogor,\"5.627.021\"\nKota Bogor,\"1.064.687\"\n", encoding="utf-8")
    with pytest.raises(TableImportError, match="does not say which indicator"):
        read(path)
    df = read(path, indicator="population")
    assert value(df, "32.01", "population") == 5_627_021 and set(df["year"]) == {2023}
    assert indicator_name("TPT") == "unemployment_rate" and indicator_name("UMK") == "min_wage_idr"
    with pytest.raises(ValueError, match="unknown indicator"):
        indicator_name("poverty")


def test_an_indicator_the_table_does_not_hold(fx):
    with pytest.raises(TableImportError, match="the table holds population, not unemployment_rate"):
        read(fx["jateng_penduduk_2024.xlsx"], indicator="TPT")
    tpt = read(fx["sulut_tpt_tpak_2022.xlsx"], indicator="unemployment_rate")
    assert set(tpt["indicator"]) == {"unemployment_rate"}


def test_a_province_that_contradicts_the_table(fx):
    with pytest.raises(TableImportError, match="says the province is Jawa Tengah"):
        read(fx["sulut_tpt_tpak_2022.xlsx"], province="33")


def test_unreadable_cells_and_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("TPT Jawa Barat 2023\nKabupaten/Kota,TPT\nKab. Bogor,\"6,5\"\nKota Bogor,lima\n", encoding="utf-8")
    with pytest.raises(TableImportError, match=r"not a number in column 'TPT' — 1 row\(s\): line 4 \('lima'\)"):
        read(bad)
    with pytest.raises(TableImportError, match="file does not exist"):
        read(tmp_path / "nowhere.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(TableImportError, match="save it as .xlsx or CSV"):
        read(old)


def test_two_rows_on_one_regency_are_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("TPT Jawa Barat 2023\nKabupaten/Kota,TPT\nKab. Bogor,\"6,5\"\nBogor, Kab.,\"6,6\"\n"
                    "Kota Bogor,\"7,1\"\n".replace("Bogor, Kab.", "\"Bogor, Kab.\""), encoding="utf-8")
    with pytest.raises(TableImportError, match="two rows name the same kab/kota"):
        read(path)


def test_a_province_total_named_like_its_kota(tmp_path):
    """Bengkulu: the last row 'Bengkulu', after Kota Bengkulu's row, is the province total."""
    path = tmp_path / "bengkulu.csv"
    rows = ["TPT Menurut Kabupaten/Kota di Provinsi Bengkulu, 2023", "Kabupaten/Kota,TPT", "Kabupaten,",
            "Bengkulu Selatan,\"2,31\"", "Rejang Lebong,\"3,02\"", "Kota,", "Bengkulu,\"6,12\"", "Bengkulu,\"3,42\""]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    df = read(path)
    assert value(df, "17.71", "unemployment_rate") == 6.12 and len(df) == 3
    assert any("province 'Bengkulu'" in n for n in df.attrs["notes"])


# --------------------------------------------------------------------------- assembling regency_years


def test_assemble_prefers_august_and_derives(fx):
    sulut = read(fx["sulut_tpt_tpak_2022.xlsx"])
    lf = pd.DataFrame({"regency_code": ["71.71", "71.72"], "year": 2022, "period": "aug", "indicator": "labour_force",
                       "value": [220_000.0, 110_000.0], "source_name": "", "note": ""})  # illustrative counts
    lf.attrs["path"] = "labour.csv"
    un = pd.DataFrame({"regency_code": ["32.01"], "year": 2022, "period": "aug", "indicator": "unemployed",
                       "value": [4_055.0], "source_name": "", "note": ""})
    un2 = un.assign(indicator="labour_force", value=[50_000.0])
    feb = un.assign(regency_code="71.71", period="feb", indicator="unemployment_rate", value=[9.9])
    ry, report = assemble_regency_years([sulut, lf, un, un2, feb])
    ry = ry.set_index("regency_code")
    assert list(ry.reset_index().columns) == REQUIRED_RY + ["regency_name"]
    assert ry.loc["71.09", "regency_name"] == "Kabupaten Kep. Siau Tagulandang Biaro"
    assert len(ry) == 16
    assert ry.loc["71.71", "unemployment_rate"] == 10.47  # August, not February's 9.9
    assert ry.loc["71.71", "unemployed"] == round(10.47 * 220_000 / 100)
    assert ry.loc["32.01", "unemployment_rate"] == round(100 * 4_055 / 50_000, 2)  # the rate from the counts
    assert any("unemployment_rate: August figures used" in n for n in report.notes)
    assert report.derived["unemployed"] == 2 and report.derived["unemployment_rate"] == 1
    assert not report.complete
    assert set(report.missing) == {"population", "labour_force", "unemployed", "mean_wage_idr", "min_wage_idr"}
    assert report.missing["labour_force"].keys() == {c for c in _codes("71")} - {"71.71", "71.72"}
    text = str(report)
    assert "population: no table gave it (all 16 kab/kota)" in text
    assert "Jawa Barat: 26 kab/kota in no table" in text
    assert "labour_force: Kabupaten Bolaang Mongondow (71.01) 2022" in text


def test_assemble_refuses_two_tables_that_disagree(fx):
    a = read(fx["jateng_tpt_2019_2024.xlsx"], year=2024)
    b = a.copy()
    b.loc[0, "value"] = b.loc[0, "value"] + 1
    b.attrs["path"] = "other.xlsx"
    with pytest.raises(TableImportError, match="different values"):
        assemble_regency_years([a, b])
    same, _ = assemble_regency_years([a, a.copy()])
    assert len(same) == 35


# --------------------------------------------------------------------------- centers


def test_kemnaker_center_list_through_a_mapping(fx):
    centers, report = import_centers(fx["kemnaker_blkk_jateng.xlsx"], fx["kemnaker_mapping.yaml"])
    assert list(centers.columns) == [c.name for c in CENTERS.columns if c.required] + ["regency_name"]
    assert len(centers) == 6 and centers["regency_name"].iloc[0] == "Kabupaten Banyumas"
    assert centers["regency_code"].tolist() == ["33.02", "33.26", "33.73", "33.74", "33.08", "33.76"]
    assert (centers["province_code"] == "33").all()
    assert centers["host_type"].tolist() == ["pesantren", "pesantren", "other_religious", "union", "community", "pesantren"]
    assert centers["cohort"].tolist() == [2019, 2020, 2021, 2019, 2022, 2021]
    assert centers["grant_idr"].tolist()[3] == 500_000_000
    assert centers["center_id"].str.fullmatch(r"BLKK-33\.\d{2}-[0-9a-f]{6}").all() and centers["center_id"].is_unique
    again, _ = import_centers(fx["kemnaker_blkk_jateng.xlsx"], fx["kemnaker_mapping.yaml"])
    assert again["center_id"].tolist() == centers["center_id"].tolist()  # deterministic
    assert report.missing == [] and "made from regency code" in report.columns["center_id"]
    assert report.ignored == ["No", "Status"]


def test_center_list_reports_what_is_missing_and_refuses_unknown_values(fx, tmp_path):
    import yaml

    spec = yaml.safe_load(fx["kemnaker_mapping.yaml"].read_text())
    del spec["columns"]["Nilai Bantuan"]
    centers, report = import_centers(fx["kemnaker_blkk_jateng.xlsx"], spec)
    assert report.missing == ["grant_idr"] and centers["grant_idr"].isna().all()
    assert "still missing: grant_idr" in str(report)
    del spec["values"]["host_type"]["Lembaga Masyarakat"]
    with pytest.raises(TableImportError, match="no entry under values: host_type"):
        import_centers(fx["kemnaker_blkk_jateng.xlsx"], spec)
    with pytest.raises(TableImportError, match=r"'Kab. Kep. Seribu'.*not a kab/kota of Jawa Tengah.*line 9"):
        import_centers(fx["kemnaker_blkk_wrong_province.xlsx"], fx["kemnaker_mapping.yaml"])
    with pytest.raises(TableImportError, match="unknown target column"):
        import_centers(fx["kemnaker_blkk_jateng.xlsx"], {"columns": {"Nama Lembaga": "nama"}})


# --------------------------------------------------------------------------- end to end


E2E_BPS = ("jateng_tpt_2019_2024.xlsx", "jateng_angkatan_kerja_2024.csv", "jateng_penduduk_2024.xlsx",
           "jateng_upah_2024.csv", "jateng_umk_2024.xlsx")


def test_downloads_to_a_data_folder_that_validates(fx, tmp_path, capsys):
    """A folder of downloaded files -> `blkk import bps` + `blkk import centers` -> a data folder;
    validate accepts it together with the sample's center tables for the same province, and the
    imported centers with a minimal center_years of their own."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for name in (*E2E_BPS, "kemnaker_blkk_jateng.xlsx", "kemnaker_mapping.yaml"):
        shutil.copy(fx[name], downloads / name)
    data = tmp_path / "data"
    rc = cli.main(["import", "bps", *[str(downloads / n) for n in E2E_BPS], "--year", "2024", "--out", str(data)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "every regency_years column is filled" in out and "derived unemployed for 35 regency-year(s)" in out
    rc = cli.main(["import", "centers", str(downloads / "kemnaker_blkk_jateng.xlsx"),
                   "--mapping", str(downloads / "kemnaker_mapping.yaml"), "--out", str(data)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "every centers column is filled" in out

    ry = pd.read_csv(data / "regency_years.csv", dtype={"regency_code": str})
    assert len(ry) == 35 and set(ry["year"]) == {2024} and ry.notna().all().all()
    umk = pd.read_csv(REFERENCE_DIR / "umk_jateng.csv", dtype={"regency_code": str}).set_index("regency_code")
    assert (ry.set_index("regency_code")["min_wage_idr"] == umk["umk_2024_idr"]).all()

    # 1) the imported regency_years with the sample's centers and center_years of Jawa Tengah
    with_sample = tmp_path / "with_sample"
    with_sample.mkdir()
    shutil.copy(data / "regency_years.csv", with_sample / "regency_years.csv")
    centers = pd.read_csv(SAMPLE_DIR / "centers.csv", dtype=str)
    centers = centers[centers["province_code"] == "33"]
    centers.to_csv(with_sample / "centers.csv", index=False)
    cy = pd.read_csv(SAMPLE_DIR / "center_years.csv", dtype=str)
    cy[cy["center_id"].isin(centers["center_id"])].to_csv(with_sample / "center_years.csv", index=False)
    dataset, report = validate(with_sample)
    assert report.ok, [str(p) for p in report.errors]
    assert len(dataset.regency_years) == 35

    # 2) the imported centers with one row of center_years each (all zero), and the imported regency_years
    imported = pd.read_csv(data / "centers.csv", dtype=str)
    rows = pd.DataFrame({"center_id": imported["center_id"], "year": imported["cohort"]})
    for col in ("packages_apbn", "packages_self_funded", "trainees_enrolled", "trainees_completed",
                "trainees_certified", "alumni_employed", "alumni_self_employed", "own_revenue_idr",
                "operating_cost_idr", "instructors", "partnerships", "licensed", "accredited",
                "alumni_database", "incubator"):
        rows[col] = 0
    rows["stage"] = "tumbuh"
    rows.to_csv(data / "center_years.csv", index=False)
    dataset, report = validate(data)
    assert report.ok, [str(p) for p in report.errors]
    assert dataset.centers["center_id"].tolist() == imported["center_id"].tolist()


def test_cli_says_what_is_missing(fx, tmp_path, capsys):
    rc = cli.main(["import", "bps", str(fx["sulut_tpt_tpak_2022.xlsx"]), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "sulut_tpt_tpak_2022.xlsx: labour_force_participation_rate aug 2022" in out
    assert "still missing" in out and "min_wage_idr: no table gave it" in out
    assert (tmp_path / "regency_years.csv").exists()


@pytest.mark.cli
def test_cli_bad_input_exits_1_without_traceback(fx, tmp_path, blkk_exe, project_env):
    out = subprocess.run([*blkk_exe, "import", "bps", str(fx["sulut_tpt_tpak.csv"]), "--out", str(tmp_path)],
                         capture_output=True, text=True, env=project_env, timeout=300)
    assert out.returncode == 1
    assert "the table does not say which year; pass year=2022 (or --year)" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert not (tmp_path / "regency_years.csv").exists()
    out = subprocess.run([*blkk_exe, "import", "centers", str(fx["kemnaker_blkk_wrong_province.xlsx"]), "--mapping",
                          str(fx["kemnaker_mapping.yaml"]), "--out", str(tmp_path)],
                         capture_output=True, text=True, env=project_env, timeout=300)
    assert out.returncode == 1 and "Kab. Kep. Seribu" in out.stderr and "Traceback" not in out.stderr


# --------------------------------------------------------------------------- helpers


def load_reg() -> pd.DataFrame:
    from evaluation.data.reference import load_regencies

    return load_regencies()


def _codes(province: str) -> list[str]:
    reg = load_reg()
    return reg.loc[reg["province_code"] == province, "regency_code"].tolist()


def test_a_national_table_with_province_sections(tmp_path):
    """Province rows (with their own figure) open a section: 'Banjar' is Kota Banjar under Jawa Barat
    and Kabupaten Banjar under Kalimantan Selatan; a repeated-title line is recognised, not a name."""
    path = tmp_path / "national.csv"
    rows = ["Tingkat Pengangguran Terbuka Menurut Provinsi dan Kabupaten/Kota, Agustus 2023", "Wilayah,TPT",
            "Indonesia,\"5,32\"", "Jawa Barat,\"7,44\"", "Kab. Bogor,\"8,93\"", "Banjar,\"5,91\"",
            "Tabel 3 (lanjutan),", "Kalimantan Selatan,\"4,31\"", "Banjar,\"3,62\"", "Kota Banjarmasin,\"5,86\""]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")  # illustrative values
    df = read(path)
    assert dict(zip(df["regency_code"], df["value"])) == {"32.01": 8.93, "32.79": 5.91, "63.03": 3.62, "63.71": 5.86}
    notes = " ".join(df.attrs["notes"])
    assert "aggregate 'Indonesia'" in notes and "text 'Tabel 3 (lanjutan)'" in notes


def test_the_province_named_in_the_title(tmp_path):
    path = tmp_path / "title.csv"
    path.write_text("UMK di Provinsi Jawa Barat Tahun 2024\nKabupaten/Kota,UMK\nBogor,\"4.579.541\"\n", encoding="utf-8")
    with pytest.raises(TableImportError, match="matches 2 regencies in Jawa Barat"):
        read(path)  # the title puts 'Bogor' inside Jawa Barat, where it is still two regencies


def test_a_year_column_without_the_asked_year(fx):
    with pytest.raises(TableImportError, match="the table is for 2015, 2016, 2017, not 2024"):
        read_bps_table(fx["dashboard_tpt_jateng.csv"], year=2024)
