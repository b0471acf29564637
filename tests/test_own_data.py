"""Your own data, end to end: files in the layouts BPS and the governor's decrees publish ->
`blkk import` -> a data folder -> `blkk validate` -> `blkk report`.

The downloads are written here from the sample's Jawa Tengah panel (so the right answer is
known): TPT, labour force, unemployed, population and average wage as BPS kab/kota tables (by
name, no codes; title rows, merged headers, sub-headers, decimal commas, dotted thousands, a
province total, notes), one UMK decree list per year ("Rp 2.038.005"). What the import makes
must be the sample's panel again, and a report on it must publish the same numbers as a report
on the sample's own files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation import cli
from evaluation.config import SAMPLE_DIR
from evaluation.data import load_dataset
from evaluation.data.reference import load_regencies

YEARS = list(range(2015, 2025))


def jateng() -> dict[str, pd.DataFrame]:
    """The sample's tables cut to Jawa Tengah (33)."""
    out = {}
    centers = pd.read_csv(SAMPLE_DIR / "centers.csv", dtype=str, keep_default_na=False)
    out["centers"] = centers[centers["province_code"] == "33"]
    cy = pd.read_csv(SAMPLE_DIR / "center_years.csv", dtype=str, keep_default_na=False)
    out["center_years"] = cy[cy["center_id"].isin(out["centers"]["center_id"])]
    ry = pd.read_csv(SAMPLE_DIR / "regency_years.csv", dtype={"regency_code": str})
    out["regency_years"] = ry[ry["regency_code"].str.startswith("33.")]
    tr = pd.read_csv(SAMPLE_DIR / "trainees.csv", dtype=str, keep_default_na=False)
    out["trainees"] = tr[tr["regency_code"].str.startswith("33.")]
    return out


def id_number(value: float, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,50'."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def names(style: str) -> pd.DataFrame:
    """Jawa Tengah's kab/kota as a table names them: 'bare' (kabupaten bare, kota bare under a Kota
    sub-header), 'full' ('Kabupaten X'/'Kota X') or 'short' ('Kab. X'/'Kota X')."""
    reg = load_regencies()
    reg = reg[reg["province_code"] == "33"].copy()
    kota = reg["type"] == "Kota"
    core = reg["short_name"]
    if style == "bare":
        reg["written"] = core
    elif style == "full":
        reg["written"] = core.where(kota, "Kabupaten " + core).where(~kota, "Kota " + core)
    else:
        reg["written"] = core.where(kota, "Kab. " + core).where(~kota, "Kota " + core)
    reg["kota"] = kota
    return reg[["regency_code", "written", "kota"]]


def wide(ry: pd.DataFrame, column: str) -> pd.DataFrame:
    return ry.pivot(index="regency_code", columns="year", values=column)


def write_tpt_xlsx(ry: pd.DataFrame, path: Path) -> None:
    """Title, a merged two-row header (the indicator over the years), Kabupaten/Kota sub-headers,
    bare names, numbers as numbers, the province total and the source line."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Tingkat Pengangguran Terbuka (TPT) Kabupaten/Kota di Provinsi Jawa Tengah (Persen), Agustus "
               f"{YEARS[0]}-{YEARS[-1]}"])
    ws.append([])
    ws.append(["Kabupaten/Kota", "Tingkat Pengangguran Terbuka (Persen)"] + [None] * (len(YEARS) - 1))
    ws.merge_cells(start_row=3, start_column=2, end_row=3, end_column=1 + len(YEARS))
    ws.append([None] + YEARS)
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    table = wide(ry, "unemployment_rate")
    n = names("bare").set_index("regency_code")
    for header, kota in (("Kabupaten", False), ("Kota", True)):
        ws.append([header])
        for code in n.index[n["kota"] == kota]:
            ws.append([n.at[code, "written"]] + [float(table.at[code, y]) for y in YEARS])
    total = (ry.groupby("year")["unemployed"].sum() / ry.groupby("year")["labour_force"].sum() * 100).round(2)
    ws.append(["Jawa Tengah"] + [float(total[y]) for y in YEARS])
    ws.append(["Sumber: BPS Provinsi Jawa Tengah, Survei Angkatan Kerja Nasional (Sakernas) Agustus"])
    wb.save(path)


def write_counts_csv(ry: pd.DataFrame, column: str, title: str, path: Path, *, style: str, semicolon: bool) -> None:
    """A table wide by year as Excel saves it: semicolons and Windows-1252 (Indonesian settings)
    or commas and UTF-8, dotted thousands, a header row of years, notes below."""
    sep = ";" if semicolon else ","
    table = wide(ry, column)
    n = names(style).set_index("regency_code")
    lines = [f'"{title}"' if sep in title else title, "", sep.join(["Kabupaten/Kota"] + [str(y) for y in YEARS])]
    for code in n.index:
        cells = [n.at[code, "written"]] + [id_number(float(table.at[code, y])) for y in YEARS]
        lines.append(sep.join(f'"{c}"' if sep in c else c for c in cells))
    lines.append(sep.join(["Jawa Tengah"] + [id_number(float(ry.loc[ry["year"] == y, column].sum())) for y in YEARS]))
    lines += ["", "Catatan: angka Agustus – Sakernas", "Sumber: Badan Pusat Statistik"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252" if semicolon else "utf-8"))


def write_umk_csv(ry: pd.DataFrame, year: int, path: Path) -> None:
    """A governor's decree list: number, kab/kota, 'Rp 2.038.005'."""
    n = names("full").set_index("regency_code")
    values = ry[ry["year"] == year].set_index("regency_code")["min_wage_idr"]
    lines = [f"Upah Minimum Kabupaten/Kota (UMK) di Provinsi Jawa Tengah Tahun {year}",
             f"Lampiran Keputusan Gubernur Jawa Tengah Nomor 561/{year - 2000} Tahun {year - 1}", "", "No,Kabupaten/Kota,UMK (Rp)"]
    for i, code in enumerate(n.index, 1):
        lines.append(f'{i},{n.at[code, "written"]},"Rp {id_number(float(values[code]))}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def downloads(folder: Path, ry: pd.DataFrame) -> list[Path]:
    folder.mkdir(parents=True)
    files = [folder / "tpt_kabkota_jateng_2015_2024.xlsx"]
    write_tpt_xlsx(ry, files[0])
    for column, title, style, semi in (
        ("labour_force", "Angkatan Kerja Menurut Kabupaten/Kota di Provinsi Jawa Tengah (Jiwa), Agustus", "full", True),
        ("unemployed", "Jumlah Pengangguran Terbuka Menurut Kabupaten/Kota (Jiwa), Agustus", "short", True),
        ("population", "Jumlah Penduduk Menurut Kabupaten/Kota di Provinsi Jawa Tengah (Jiwa)", "full", False),
        ("mean_wage_idr", "Rata-rata Upah/Gaji Bersih Sebulan Buruh/Karyawan/Pegawai Menurut Kabupaten/Kota "
                          "(Rupiah), Agustus", "short", False),
    ):
        path = folder / f"{column}_jateng.csv"
        write_counts_csv(ry, column, title, path, style=style, semicolon=semi)
        files.append(path)
    for year in YEARS:
        path = folder / f"umk_jateng_{year}.csv"
        write_umk_csv(ry, year, path)
        files.append(path)
    return files


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The downloads imported into a data folder beside the sample's Jawa Tengah centers."""
    root = tmp_path_factory.mktemp("own_data")
    tables = jateng()
    files = downloads(root / "downloads", tables["regency_years"])
    data = root / "data"
    code = cli.main(["import", "bps", *map(str, files), "--out", str(data)])
    assert code == 0
    for name in ("centers", "center_years", "trainees"):
        tables[name].to_csv(data / f"{name}.csv", index=False)
    straight = root / "straight"  # the same tables, as contract files
    straight.mkdir()
    for name, frame in tables.items():
        frame.to_csv(straight / f"{name}.csv", index=False)
    return root, data, straight


def test_the_downloads_import_into_the_same_panel(imported, capsys):
    _, data, straight = imported
    assert cli.main(["validate", str(data)]) == 0
    out = capsys.readouterr().out
    assert "OK: the data meet the contract." in out
    got = load_dataset(data).regency_years
    want = load_dataset(straight).regency_years
    columns = ["regency_code", "year", "population", "labour_force", "unemployed", "unemployment_rate",
               "mean_wage_idr", "min_wage_idr"]
    got = got[columns].sort_values(["regency_code", "year"]).reset_index(drop=True)
    want = want[columns].sort_values(["regency_code", "year"]).reset_index(drop=True)
    assert len(got) == 35 * len(YEARS)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.notebooks
@pytest.mark.slow
def test_a_report_on_imported_data_publishes_what_the_contract_files_give(imported, tmp_path):
    _, data, straight = imported
    numbers = {}
    for name, folder in (("imported", data), ("straight", straight)):
        code = cli.main(["report", "--scope", "33", "--data-dir", str(folder),
                         "--out", str(tmp_path), "--run", name, "--jobs", "2", "--no-progress"])
        assert code == 0
        run = tmp_path / name
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert {t["status"] for t in manifest["tasks"]} == {"ok"}
        numbers[name] = json.loads((run / "33" / "metrics.json").read_text(encoding="utf-8"))
        assert (run / "33" / "00_regional_summary.html").is_file()
    # the same numbers whichever way the data came in (the headline's words included)
    assert numbers["imported"] == numbers["straight"]
    assert numbers["imported"]["01_data_quality"]["region_regencies_in_panel"] == 35


def test_the_import_refuses_a_name_it_cannot_place_and_keeps_the_folder(imported, tmp_path, capsys):
    root, _, _ = imported
    bad = tmp_path / "umk_bad.csv"
    text = (root / "downloads" / "umk_jateng_2024.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("Kabupaten Banjarnegara", "Kabupaten Banjarnagara"), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["import", "bps", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Banjarnagara" in err and "Banjarnegara" in err  # the name and the closest reference name
    assert not (out / "regency_years.csv").exists()
