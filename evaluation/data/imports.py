"""Read the files researchers download into the data contract, without hand work.

* :func:`read_bps_table` reads a BPS kab/kota table (TPT, TPAK, labour force, unemployed,
  population, average wage) or a governor's UMK decree list, CSV or XLSX, as a long table
  ``regency_code, year, period, indicator, value, source_name, note``. Title rows, two-row
  headers (merged cells), rows of column numbers, ``Kabupaten``/``Kota`` sub-headers, the
  province total, notes and blank lines are recognised; decimal commas, dotted thousands,
  "Rp", ``...`` and ``-`` are read as such. Indicator, period and year come from the title
  and headers, or from the caller where the table does not say.
* :func:`assemble_regency_years` turns several such tables into ``regency_years``.
* :func:`import_centers` reads a Kemnaker list of centers through a small YAML mapping.

A center-list mapping (YAML) names their headers and, where needed, their values::

    columns:                      # their header: contract column
      Nama Lembaga: center_name
      Provinsi: province          # optional: the province each kab/kota is matched in
      Kabupaten/Kota: regency     # kab/kota names, matched to Kemendagri codes (or map to regency_code)
      Kejuruan: vocation
      Tahun Bantuan: cohort
      Tipe Lembaga: host_type
      Nilai Bantuan: grant_idr
    values:                       # optional: their value -> contract value
      host_type: {Pondok Pesantren: pesantren, Serikat Pekerja/Serikat Buruh: union}
    defaults: {}                  # optional: a value for a column the list lacks
    province: Jawa Tengah         # optional: the province of every row
    sheet: Sheet1                 # optional: the XLSX sheet

Kab/kota names go through :mod:`evaluation.data.names`; a name that matches nothing or more
than one regency stops the import with the closest reference names. Every error names the
file, the row(s) and what is wrong (:class:`TableImportError`).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..hashing import text_digest
from . import names as nm
from .errors import MAX_EXAMPLES, DataValidationError, Problem, ValidationReport
from .reference import load_regencies
from .schema import CENTERS, HOST_TYPES, REGENCY_YEARS

LONG_COLUMNS = ("regency_code", "year", "period", "indicator", "value", "source_name", "note")
PERIODS = ("feb", "aug", "year")
CODE_SYSTEMS = ("kemendagri", "bps")

#: Indicators in the order they are looked for; a phrase found is removed before the next is
#: sought, so "Tingkat Pengangguran Terbuka" is the rate, not also "pengangguran" (unemployed).
INDICATORS: tuple[tuple[str, str], ...] = (
    ("labour_force_participation_rate", r"\btpak\b|tingkat partisipasi angkatan kerja|labou?r force participation( rate)?"),
    ("unemployment_rate", r"\btpt\b|tingkat pengangguran( terbuka)?|(open )?unemployment rate"),
    ("mean_wage_idr", r"rata-? ?rata (upah|gaji|pendapatan)[\w/ ]*|upah/gaji( bersih)?|average (net )?(wage|salary|earnings)s?"),
    ("min_wage_idr", r"\bumk\b|\bump\b|upah minimum[\w/ ]*|minimum wage"),
    ("not_in_labour_force", r"bukan angkatan kerja|not in (the )?labou?r force"),
    ("working_age_population", r"penduduk usia kerja|usia kerja|working[- ]age population"),
    ("labour_force", r"angkatan kerja|labou?r force"),
    ("unemployed", r"pengangguran|penganggur|unemploy\w*"),
    ("employed", r"\bbekerja\b|\bemployed\b"),
    ("population", r"jumlah penduduk|penduduk|population"),
)
#: Indicators that are percentages (never scaled by "ribu"; a decimal mark is expected).
RATES = ("unemployment_rate", "labour_force_participation_rate")
#: Indicators the regency_years contract takes, and the extra ones used to derive them.
CONTRACT_INDICATORS = ("population", "labour_force", "unemployed", "unemployment_rate", "mean_wage_idr", "min_wage_idr")
DERIVING = ("labour_force_participation_rate", "working_age_population")

_MISSING = {"", "...", "…", "-", "–", "—", "--", "na", "n/a", "n.a.", "n.a", "x", "tad", "t.a.d"}
_NOTE = re.compile(r"^\s*(catatan|keterangan|ket\.|sumber|source|sources|note|notes|\*+\)?|\d\))\s*[:.]?", re.I)
_SUB_KAB = re.compile(r"^(kabupaten|kab\.?|regency|regencies|kabupaten\s*/\s*regency)$", re.I)
_SUB_KOTA = re.compile(r"^(kota|kota\s*/\s*(city|municipality)|city|cities|municipality|municipalities)$", re.I)
_AGGREGATE = re.compile(r"^(jumlah|total|indonesia|perkotaan|perdesaan|urban|rural|rata-?rata|average)"
                        r"(\s*[/(]\s*[a-z]+\)?)?\s*[:.]?$", re.I)
_TEXT_LINE = re.compile(r"^(tabel|table)\b|\blanjutan\b|\bcontinued\b", re.I)
_UMP_ROW = re.compile(r"^\s*(ump\b|upah minimum provinsi)", re.I)
_INDEX_HEADER = re.compile(r"^(no|no\.|nomor|nomor urut|#|urut)$", re.I)
_YEAR_HEADER = re.compile(r"^(tahun|year|tahun/year)$", re.I)
_CODE_HEADER = re.compile(r"\bkode\b|\bcode\b|\bkd\b|\bid\b", re.I)
_COLNUM = re.compile(r"^\(\d{1,2}\)$")
_YEAR = re.compile(r"(?<![A-Za-z\d])(199\d|20[0-3]\d)(?!\d)")
_CODE = re.compile(r"^\d{2}\.?\d{2}$")
_FEB = re.compile(r"\bfeb(ruari|ruary)?\b", re.I)
_AUG = re.compile(r"\bag(u)?s(tus)?\b|\bagt\b|\baug(ust)?\b", re.I)
_THOUSANDS = re.compile(r"\(\s*ribu|\bribu (orang|jiwa|rupiah|penduduk)|\bribuan\b|\bthousands?\b|\(\s*'?000\s*\)", re.I)
_MILLIONS = re.compile(r"\(\s*juta|\bjuta (orang|jiwa|rupiah)|\bmillions?\b", re.I)
#: Years that are not the table's year: decree numbers ("Nomor 561/57 Tahun 2023"), census names.
_NOT_TABLE_YEAR = re.compile(r"(nomor|no\.?)\s*[\w./-]+\s*(tahun|th\.?)\s*\d{4}|supas\s*\d{4}|\bsp\s*\d{4}|proyeksi penduduk[^,;]*\d{4}", re.I)


class TableImportError(DataValidationError):
    """A table that cannot be read into the contract; names the file, the row(s) and what is wrong."""

    def __init__(self, problems: Iterable[Problem]):
        super().__init__(ValidationReport(list(problems)))


class TableImportWarning(UserWarning):
    """Something in a table was read in a way worth knowing (a 0 TPT read as no value, ...)."""


def _problem(path: Path, message: str, rows: Sequence[tuple[int, str]] = (), column: str | None = None) -> Problem:
    shown = list(rows)[:MAX_EXAMPLES]
    return Problem(path.name, column, message, lines=tuple(r for r, _ in shown), values=tuple(v for _, v in shown),
                   count=len(rows))


def _fail(path: Path, message: str, rows: Sequence[tuple[int, str]] = (), column: str | None = None):
    raise TableImportError([_problem(path, message, rows, column)])


# --------------------------------------------------------------------------- reading a grid


@dataclass
class _Grid:
    """A sheet as rows of cells (text, or numbers a spreadsheet stored), with their file lines."""

    path: Path
    cells: list[list[object]]
    lines: list[int]
    notes: list[str] = field(default_factory=list)

    def text(self, r: int, c: int | None) -> str:
        if c is None or c >= len(self.cells[r]):
            return ""
        return _text(self.cells[r][c])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def read_grid(path: str | Path, sheet: str | None = None) -> _Grid:
    """The cells of a CSV (comma, semicolon or tab; UTF-8 or Windows-1252) or an XLSX sheet
    (merged cells filled with their value), as they are, for the table readers below."""
    path = Path(path)
    if not path.exists():
        raise TableImportError([Problem(str(path), None, "file does not exist")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".xls":
        _fail(path, "old Excel format (.xls): open it in Excel or LibreOffice and save it as .xlsx or CSV")
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    _fail(path, f"unsupported file type {path.suffix!r} (expected .csv or .xlsx)")


def _decode(path: Path, data: bytes) -> tuple[str, str | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "read as UTF-16 text"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8: read as Windows-1252 (Excel's 'CSV' on Windows)"
    except UnicodeDecodeError:
        _fail(path, "text is neither UTF-8 nor Windows-1252; save the file as 'CSV UTF-8' and try again")


def _delimiter(text: str) -> str:
    """The separator that splits most lines into the same number of fields (ties: ; then tab then ,)."""
    best, score = ",", -1
    for delim in (";", "\t", ","):
        counts = Counter(len(r) for r in csv.reader(io.StringIO(text), delimiter=delim) if len(r) > 1)
        if counts:
            width, n = counts.most_common(1)[0]
            if n > score:
                best, score = delim, n
    return best


def _read_csv(path: Path) -> _Grid:
    text, note = _decode(path, path.read_bytes())
    if not text.strip():
        _fail(path, "file is empty")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    cells, lines = [], []
    for row in reader:
        cells.append([_text(c) for c in row])
        lines.append(reader.line_num)
    return _Grid(path, cells, lines, [note] if note else [])


def _read_xlsx(path: Path, sheet: str | None) -> _Grid:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # a broken or password-protected file
        _fail(path, f"cannot be read as .xlsx: {exc}")
    if sheet is not None and sheet not in wb.sheetnames:
        _fail(path, f"no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
    ws = wb[sheet] if sheet is not None else next((w for w in wb.worksheets if w.max_row > 1), wb.worksheets[0])
    values = [[c.value for c in row] for row in ws.iter_rows()]
    for rng in ws.merged_cells.ranges:  # a merged header ("TPT" over Feb and Agt) applies to every cell it spans
        top = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row - 1, rng.max_row):
            for c in range(rng.min_col - 1, rng.max_col):
                values[r][c] = top
    cells = [["" if v is None else (v if isinstance(v, (int, float)) and not isinstance(v, bool) else _text(v)) for v in row]
             for row in values]
    notes = [f"sheet {ws.title!r} of {len(wb.sheetnames)}"] if len(wb.sheetnames) > 1 else []
    return _Grid(path, cells, list(range(1, len(cells) + 1)), notes)


# --------------------------------------------------------------------------- layout


def _is_name(text: str) -> bool:
    """Whether a cell names a kab/kota, a province, a sub-header or an aggregate row."""
    if not text or not re.search(r"[A-Za-z]{2}", text):
        return False
    if _SUB_KAB.match(text) or _SUB_KOTA.match(text) or _AGGREGATE.match(text) or _UMP_ROW.match(text):
        return True
    return bool(nm.candidates(text)) or nm.province_code(text) is not None


def _number_text(text: str) -> str | None:
    """The digits and separators of a cell written as a number ("Rp 2.038.005,-" -> "2.038.005"), or None."""
    t = re.sub(r"(?i)^\s*(rp\.?|idr)\s*|\s*(%|persen)\s*$|[\s\u00a0]", "", str(text))
    t = re.sub(r"[,.]-$", "", t).rstrip("*")
    return t if re.fullmatch(r"[-+]?(\d+([.,]\d+)*|[.,]\d+)", t) else None


@dataclass
class _Layout:
    title: list[str]
    header_rows: list[int]
    name_col: int | None
    code_col: int | None
    year_col: int | None
    value_cols: list[int]
    labels: dict[int, str]
    body: list[int]
    notes: list[str]
    recognised: list[tuple[int, str]]  # (line, what) for rows that are not data


def _layout(grid: _Grid) -> _Layout:
    rows = range(len(grid.cells))
    width = max((len(r) for r in grid.cells), default=0)
    texts = [[grid.text(r, c) for c in range(width)] for r in rows]
    name_counts = [sum(_is_name(texts[r][c]) for r in rows) for c in range(width)]
    name_col = int(np.argmax(name_counts)) if width and max(name_counts) > 0 else None
    code_col = _code_column(texts, name_col, width)
    if name_col is None and code_col is None:
        _fail(grid.path, "no column of kab/kota names (or codes) found")
    key_col = name_col if name_col is not None else code_col

    def starts_body(r: int) -> bool:
        t = texts[r][key_col]
        return _is_name(t) if key_col == name_col else bool(_CODE.match(t))

    first = next((r for r in rows if starts_body(r)), None)
    if first is None:
        _fail(grid.path, "no row names a kab/kota")
    title, header_rows, recognised = [], [], []
    in_title = True
    for r in range(first):
        values = list(dict.fromkeys(t for t in texts[r] if t))
        if not values:
            continue
        if all(_COLNUM.match(t) for t in values) or _sequential(values):
            recognised.append((grid.lines[r], "column numbers"))
            continue
        if in_title and len(values) == 1:
            title.append(values[0])
            continue
        in_title = False
        header_rows.append(r)
    body, notes = [], []
    header_sets = [tuple(texts[h]) for h in header_rows]
    for r in range(first, len(texts)):
        cells = [t for t in texts[r] if t]
        if not cells:
            continue
        if notes or _NOTE.match(cells[0]):
            notes.append(" ".join(dict.fromkeys(cells)))
            recognised.append((grid.lines[r], "note"))
            continue
        if tuple(texts[r]) in header_sets or all(_COLNUM.match(t) for t in cells):
            recognised.append((grid.lines[r], "repeated header"))
            continue
        body.append(r)
    labels = _labels(texts, header_rows, width, {name_col, code_col})
    year_col = _year_column(texts, body, labels, width, {name_col, code_col})
    skip = {name_col, code_col, year_col} | _index_columns(texts, body, labels, width, name_col)
    value_cols = [c for c in range(width) if c not in skip and any(texts[r][c] for r in body)]
    return _Layout(title, header_rows, name_col, code_col, year_col, value_cols, labels, body, notes, recognised)


def _sequential(values: list[str]) -> bool:
    """A row of column numbers written plainly: 1 2 3 4 5."""
    return len(values) >= 3 and all(v.isdigit() for v in values) and [int(v) for v in values] == list(range(1, len(values) + 1))


def _code_column(texts, name_col, width) -> int | None:
    best = None
    for c in range(width):
        if c == name_col:
            continue
        cells = [t[c] for t in texts if t[c]]
        codes = [t for t in cells if _CODE.match(t)]
        years = [t for t in codes if _YEAR.fullmatch(t)]
        if len(codes) >= 3 and len(codes) >= 0.5 * len(cells) and len(years) < len(codes):
            best = c if best is None else best
    return best


def _labels(texts, header_rows, width, exclude) -> dict[int, str]:
    """Each column's header: its cells in the header rows, upper rows carried right over blank
    cells (a CSV's spanning header), repeats dropped ("TPT Feb", "TPAK Agt", "2019")."""
    grid = [list(texts[r]) for r in header_rows]
    first_value = min((c for c in range(width) if c not in exclude), default=0)
    for row in grid[:-1]:
        for c in range(first_value + 1, width):
            if not row[c] and c not in exclude and c - 1 not in exclude:
                row[c] = row[c - 1]
    return {c: " ".join(dict.fromkeys(row[c] for row in grid if row[c])) for c in range(width)}


def _year_column(texts, body, labels, width, exclude) -> int | None:
    for c in range(width):
        if c in exclude:
            continue
        cells = [texts[r][c] for r in body if texts[r][c]]
        if _YEAR_HEADER.match(labels.get(c, "")) or (cells and all(_YEAR.fullmatch(t) for t in cells) and not _indicators_in(labels.get(c, ""))):
            return c
    return None


def _index_columns(texts, body, labels, width, name_col) -> set[int]:
    out = set()
    for c in range(width):
        if _INDEX_HEADER.match(labels.get(c, "")):
            out.add(c)
            continue
        cells = [texts[r][c] for r in body if texts[r][c]]
        if name_col is not None and c < name_col and len(cells) >= 3 and all(t.isdigit() for t in cells) \
                and [int(t) for t in cells] == list(range(int(cells[0]), int(cells[0]) + len(cells))):
            out.add(c)
    return out


# --------------------------------------------------------------------------- what a column holds


def _indicators_in(text: str) -> list[str]:
    """Indicators named in a text, each phrase used once, in the order of :data:`INDICATORS`."""
    t = " " + str(text).lower() + " "
    found = []
    for name, pattern in INDICATORS:
        if re.search(pattern, t, re.I):
            found.append(name)
            t = re.sub(pattern, " ", t, flags=re.I)
    return found


def indicator_name(text: str) -> str:
    """An indicator as a user writes it ("TPT", "umk", "labour_force") -> its contract or snake_case name."""
    t = str(text).strip()
    known = [n for n, _ in INDICATORS]
    if t in known:
        return t
    found = _indicators_in(t.replace("_", " "))
    if len(found) != 1:
        raise ValueError(f"unknown indicator {text!r}; use one of: {', '.join(known)}")
    return found[0]


def _period_in(text: str) -> str | None:
    feb, aug = bool(_FEB.search(text)), bool(_AUG.search(text))
    return "feb" if feb and not aug else "aug" if aug and not feb else None


def _years_in(text: str) -> list[int]:
    return sorted({int(y) for y in _YEAR.findall(_NOT_TABLE_YEAR.sub(" ", text))})


def _scale_in(text: str) -> float:
    return 1e6 if _MILLIONS.search(text) else 1e3 if _THOUSANDS.search(text) else 1.0


@dataclass(frozen=True)
class _Column:
    index: int
    label: str
    indicator: str
    period: str
    year: int | None  # None: the year comes from each row (a year column) or the caller
    scale: float


def _columns(grid: _Grid, lay: _Layout, indicator: str | None, year: int | None) -> list[_Column]:
    """What each value column holds, from its header and the title; the caller's indicator and
    year fill in where the table does not say, and select where it says several."""
    title = " ".join(lay.title)
    title_inds, title_years, title_period = _indicators_in(title), _years_in(title), _period_in(title)
    header_line = grid.lines[lay.header_rows[0]] if lay.header_rows else (grid.lines[lay.body[0]] if lay.body else 1)
    cols, dropped = [], []
    for c in lay.value_cols:
        label = lay.labels.get(c, "")
        inds = _indicators_in(label) or title_inds
        if len(inds) > 1 and indicator in inds:
            inds = [indicator]
        if not inds:
            if indicator is None:
                _fail(grid.path, f"the table does not say which indicator column {label or c + 1!r} holds; pass "
                      "indicator='unemployment_rate' (or --indicator; one of "
                      f"{', '.join(n for n, _ in INDICATORS)})", [(header_line, label)])
            inds = [indicator]
        if len(inds) > 1:
            _fail(grid.path, f"column {label or c + 1!r} may hold {' or '.join(inds)}; pass indicator=... (or --indicator)",
                  [(header_line, label)])
        if indicator is not None and inds[0] != indicator:
            dropped.append((c, label, inds[0]))
            continue
        years = _years_in(label) or title_years
        period = _period_in(label) or title_period or "year"
        if lay.year_col is not None:
            col_year = None
        elif len(years) == 1:
            col_year = years[0]
        elif not years:
            if year is None:
                _fail(grid.path, f"the table does not say which year; pass year={title_years[0] if title_years else 2022} "
                      "(or --year)", [(header_line, label)])
            col_year = year
        else:
            _fail(grid.path, f"column {label!r} could be any of the years {', '.join(map(str, years))}; pass year=... "
                  "(or --year)", [(header_line, label)])
        scale = 1.0 if inds[0] in RATES else _scale_in(label) if _scale_in(label) != 1.0 else _scale_in(title)
        cols.append(_Column(c, label, inds[0], period, col_year, scale))
    if indicator is not None and not cols:
        found = sorted({d[2] for d in dropped})
        _fail(grid.path, f"the table holds {', '.join(found)}, not {indicator}")
    if year is not None and lay.year_col is None:
        stated = sorted({c.year for c in cols})
        if year not in stated:
            _fail(grid.path, f"the table is for {', '.join(map(str, stated))}, not {year}")
        cols = [c for c in cols if c.year == year]
    if dropped:
        grid.notes.append("columns not read (another indicator than asked for): " + ", ".join(repr(d[1]) for d in dropped))
    return _one_column_each(grid, lay, cols)


def _one_column_each(grid: _Grid, lay: _Layout, cols: list[_Column]) -> list[_Column]:
    """Two columns for the same indicator, period and year (a split by sex?) keep only a
    'Jumlah'/'Total' column; without one, the table is refused."""
    by_key: dict[tuple, list[_Column]] = {}
    for c in cols:
        by_key.setdefault((c.indicator, c.period, c.year), []).append(c)
    out = []
    for key, group in by_key.items():
        if len(group) == 1:
            out += group
            continue
        totals = [c for c in group if re.search(r"\b(jumlah|total)\b", c.label, re.I)]
        if len(totals) == 1:
            out += totals
            grid.notes.append(f"{key[0]}: only the column {totals[0].label!r} read; "
                              f"{', '.join(repr(c.label) for c in group if c is not totals[0])} are parts of it")
            continue
        line = grid.lines[lay.header_rows[-1]] if lay.header_rows else 1
        _fail(grid.path, f"{len(group)} columns read as {key[0]} {key[2] or ''} ({key[1]}): "
              f"{', '.join(repr(c.label) for c in group)}; keep one column per indicator and year", [(line, group[0].label)])
    return sorted(out, key=lambda c: c.index)


# --------------------------------------------------------------------------- numbers


def _number_style(texts: Sequence[str], rate: bool) -> str:
    """'id' (1.234.567,89; 4,96) or 'en' (1,234,567.89; 4.96) for a column's written numbers."""
    nums = [t for t in (_number_text(x) for x in texts) if t]
    both = [t for t in nums if "." in t and "," in t]
    if both:
        return "id" if both[0].rfind(",") > both[0].rfind(".") else "en"
    commas = [t for t in nums if "," in t]
    if commas:
        grouped = any(t.count(",") > 1 for t in commas) or (not rate and all(re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+", t) for t in commas))
        return "en" if grouped else "id"
    dots = [t for t in nums if "." in t]
    if dots and (any(t.count(".") > 1 for t in dots) or (not rate and all(re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", t) for t in dots))):
        return "id"
    return "en"


def _to_float(text: str, style: str) -> float:
    t = _number_text(text)
    if t is None:
        return np.nan
    t = t.replace(".", "").replace(",", ".") if style == "id" else t.replace(",", "")
    return float(t)


def _parse_column(grid: _Grid, rows: list[int], col: _Column) -> tuple[list[float], list[tuple[int, str]], list[int]]:
    """Values of one column at the given rows; the cells that are not numbers; the rows saying 'UMP'."""
    raw = [grid.cells[r][col.index] if col.index < len(grid.cells[r]) else "" for r in rows]
    texts = [v for v in raw if isinstance(v, str)]
    style = _number_style(texts, col.indicator in RATES)
    values, bad, ump = [], [], []
    for r, v in zip(rows, raw):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            values.append(round(float(v) * col.scale, 6))
            continue
        t = str(v).strip()
        if t.lower() in _MISSING:
            values.append(np.nan)
        elif col.indicator == "min_wage_idr" and re.fullmatch(r"(?i)(sama dengan |= ?|ikut |mengikuti )?ump\b.*", t):
            values.append(np.nan)
            ump.append(r)
        elif _number_text(t) is None:
            values.append(np.nan)
            bad.append((grid.lines[r], t))
        else:
            values.append(round(_to_float(t, style) * col.scale, 6))
    return values, bad, ump


# --------------------------------------------------------------------------- rows and names


@dataclass
class _Row:
    index: int
    line: int
    name: str
    code: str
    year: int | None
    kind: str | None  # Kabupaten/Kota context of a sub-header
    section: str | None  # province of a province sub-header row above it (national tables)
    role: str = "regency"  # regency | province | aggregate | ump | subheader
    regency: str | None = None


def _rows(grid: _Grid, lay: _Layout, cols: list[_Column]) -> list[_Row]:
    """The body rows, each classified: sub-header, aggregate, UMP, province row, or regency."""
    out, kind, section = [], None, None
    has_values = {r: any(_text(grid.cells[r][c.index]) if c.index < len(grid.cells[r]) else "" for c in cols) for r in lay.body}
    for r in lay.body:
        name = grid.text(r, lay.name_col)
        code = grid.text(r, lay.code_col)
        yr = grid.text(r, lay.year_col)
        row = _Row(r, grid.lines[r], name, code, int(yr) if _YEAR.fullmatch(yr) else None, kind, section)
        if not name and not code:
            continue
        if name and not has_values[r] and (_SUB_KAB.match(name) or _SUB_KOTA.match(name)):
            kind = nm.KABUPATEN if _SUB_KAB.match(name) else nm.KOTA
            row.role = "subheader"
        elif name and _AGGREGATE.match(name):
            row.role = "aggregate"
        elif name and _UMP_ROW.match(name):
            row.role = "ump"
        elif name and nm.province_code(name) is not None and (nm.is_explicit_province(name) or not nm.candidates(name)):
            row.role = "province"  # a total (with values) or a section header; either opens the province's rows
            row.regency = section = nm.province_code(name)
            kind = None
        elif name and not has_values[r] and not code and _TEXT_LINE.search(name):
            row.role = "text"
        out.append(row)
    return out


def _table_province(grid: _Grid, lay: _Layout, rows: list[_Row], province: str | None) -> str | None:
    """The province of a provincial table: the caller's, the total row's, the title's, or the
    one the names belong to; two sources that disagree are an error."""
    given = None
    if province is not None:
        given = nm.province_code(str(province))
        if given is None:
            _fail(grid.path, f"unknown province {province!r} (give a name such as 'Jawa Tengah' or a code such as '33')")
    totals = sorted({r.regency for r in rows if r.role == "province"})
    if len(totals) > 1:  # a national table with province sections: each section is its own province
        return given
    title_prov = _province_in_title(" ".join(lay.title))
    names = [r.name for r in rows if r.role == "regency" and r.name]
    inferred = nm.infer_province(names, [r.kind for r in rows if r.role == "regency" and r.name]) if names else None
    sources = [("the caller", given), ("the total row", totals[0] if totals else None), ("the title", title_prov),
               ("the kab/kota names", inferred)]
    stated = [(who, p) for who, p in sources if p is not None]
    if not stated:
        return None
    (who0, p0), *others = stated
    for who, p in others:
        if p != p0 and who != "the kab/kota names":
            _fail(grid.path, f"{who0} says the province is {nm.province_name(p0)} ({p0}), {who} says "
                  f"{nm.province_name(p)} ({p})")
    return p0


def _province_in_title(title: str) -> str | None:
    """The province a title names after 'Provinsi' ("... di Provinsi Jawa Tengah Tahun 2024" -> "33")."""
    m = re.search(r"\b(?:provinsi|prov\.|propinsi)\s+([A-Za-z .]+)", title, re.I)
    words = m.group(1).split() if m else []
    for n in range(len(words), 0, -1):  # the longest run of words that is a province name
        code = nm.province_code(" ".join(words[:n]))
        if code is not None:
            return code
    return None


def _match(grid: _Grid, lay: _Layout, rows: list[_Row], province: str | None) -> list[str]:
    """Put a Kemendagri code on every regency row; raise with every name that cannot be placed."""
    named = [r for r in rows if r.role == "regency" and r.name]
    try:
        match = nm.match_names([(r.name, r.kind, r.section) for r in named], province=province)
    except nm.NameMatchError as exc:
        column = lay.labels.get(lay.name_col, None) or None
        problems = []
        for issue in exc.issues:
            lines = [(r.line, r.name) for r in named if r.name == issue.name]
            problems.append(_problem(grid.path, f"kab/kota name {issue}", lines, column))
        raise TableImportError(problems) from None
    for r in named:
        r.regency = match.code(r.name, r.kind, r.section)
    return match.notes


def _last_row_totals(rows: list[_Row]) -> None:
    """A province named like one of its kota ("Bengkulu", "Jambi", "Gorontalo") in the last row,
    after that kota already appeared, is the province total."""
    data = [r for r in rows if r.role in ("regency", "province")]
    if not data:
        return
    last = data[-1]
    if last.role == "regency" and nm.province_code(last.name) is not None:
        earlier = [r for r in data[:-1] if r.role == "regency" and r.regency == last.regency and r.year == last.year]
        if earlier:
            last.role, last.regency = "province", nm.province_code(last.name)


def _apply_codes(grid: _Grid, rows: list[_Row], codes: str | None, year: int | None) -> list[str]:
    """Read a code column: Kemendagri codes directly, BPS codes through the crosswalk
    (evaluation.data.codes); where the row also has a name, name and code must agree."""
    coded = [r for r in rows if r.role in ("regency",) and r.code]
    if not coded:
        return []
    raw = pd.Series([re.sub(r"\D", "", r.code) for r in coded])
    notes = []
    system = codes
    if system is None:
        system = _detect_codes(grid, raw, coded)
        notes.append(f"code column read as {system} codes")
    if system == "kemendagri":
        converted = raw.str[:2] + "." + raw.str[2:]
    else:
        converted = _crosswalk(grid).bps_to_kemendagri(raw, year=year).reset_index(drop=True)
    known = set(load_regencies()["regency_code"])
    unknown = [(r.line, r.code) for r, c in zip(coded, converted) if not isinstance(c, str) or c not in known]
    if unknown:
        _fail(grid.path, f"{system} code(s) that match no kab/kota" + (" in the crosswalk" if system == "bps" else ""), unknown)
    disagree = [(r.line, f"{r.name} = {r.regency}, {system} code {r.code} = {c}")
                for r, c in zip(coded, converted) if r.regency and r.regency != c]
    if disagree:
        _fail(grid.path, f"names and {system} codes name different kab/kota in {len(disagree)} row(s); are these "
              f"{'BPS' if system == 'kemendagri' else 'Kemendagri'} codes? (--codes)", disagree)
    for r, c in zip(coded, converted):
        r.regency = c
    return notes


def _detect_codes(grid: _Grid, raw: pd.Series, coded: list[_Row]) -> str:
    """Which code system a column uses: Kemendagri when every name beside a code agrees with it,
    else the crosswalk's reading of the codes (and names)."""
    named = [(r, c) for r, c in zip(coded, raw) if r.regency]
    if named and all(r.regency == c[:2] + "." + c[2:] for r, c in named):
        return "kemendagri"
    names = pd.Series([r.name for r in coded]) if len(named) == len(coded) else None
    found = _crosswalk(grid, "say which codes they are with codes='kemendagri' or codes='bps' (or --codes)") \
        .detect_code_system(raw, names=names)
    system = found if isinstance(found, str) else getattr(found, "system", None)
    if system not in CODE_SYSTEMS:
        why = getattr(found, "message", found)
        _fail(grid.path, f"cannot tell whether the code column holds Kemendagri or BPS codes ({why}); pass "
              "codes='kemendagri' or codes='bps' (or --codes)", [(r.line, r.code) for r in coded[:3]])
    return system


def _crosswalk(grid: _Grid, instead: str = "pass codes='kemendagri' if they are Kemendagri codes"):
    """The BPS <-> Kemendagri crosswalk module (evaluation.data.codes)."""
    try:
        from . import codes
    except ImportError:
        _fail(grid.path, f"BPS codes need the crosswalk evaluation.data.codes, which is not installed; {instead}")
    return codes


# --------------------------------------------------------------------------- the reader


def read_bps_table(
    path: str | Path,
    *,
    indicator: str | None = None,
    year: int | None = None,
    province: str | None = None,
    codes: str | None = None,
    ump: float | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """A BPS kab/kota table or a UMK decree list (CSV or XLSX) as a long table.

    Columns: ``regency_code`` (Kemendagri), ``year``, ``period`` (feb/aug/year), ``indicator``
    (the contract's column name where one exists), ``value`` (NaN for ``...``/``-``/empty),
    ``source_name`` (the name as written) and ``note``. ``indicator`` and ``year`` are used
    where the table does not say them and select where it says several; ``province`` names the
    table's province where neither names nor total row tell it; ``codes`` ("kemendagri" or
    "bps") reads a code column; ``ump`` is the provincial minimum wage that applies to kab/kota
    without UMK (min_wage_idr only; a "UMP" row of the list gives it too). ``attrs`` carries
    ``path``, ``province`` and ``notes`` (what was recognised and how).
    """
    if indicator is not None:
        indicator = indicator_name(indicator)
    if codes is not None and codes not in CODE_SYSTEMS:
        raise ValueError(f"codes must be one of {CODE_SYSTEMS}, got {codes!r}")
    grid = read_grid(path, sheet)
    lay = _layout(grid)
    cols = _columns(grid, lay, indicator, year)
    rows = _rows(grid, lay, cols)
    prov = _table_province(grid, lay, rows, province)
    notes = list(grid.notes)
    if lay.name_col is not None:
        notes += _match(grid, lay, rows, prov)
        _last_row_totals(rows)
    if lay.code_col is not None:
        years = sorted({c.year for c in cols if c.year is not None})
        notes += _apply_codes(grid, rows, codes, year if year is not None else (years[0] if len(years) == 1 else None))
    if lay.year_col is not None and year is not None:
        have = sorted({r.year for r in rows if r.role == "regency" and r.year is not None})
        if year not in have:
            _fail(grid.path, f"the table is for {', '.join(map(str, have))}, not {year}")
        rows = [r for r in rows if r.role != "regency" or r.year == year]
    regency_rows = [r for r in rows if r.role == "regency"]
    if not regency_rows:
        _fail(grid.path, "no kab/kota rows found")
    _check_duplicates(grid, regency_rows)
    notes += _recognised(lay, rows)
    frames, ump_values = [], {}
    for col in cols:
        values, bad, ump_rows = _parse_column(grid, [r.index for r in rows], col)
        if bad:
            _fail(grid.path, f"not a number in column {col.label!r}", bad, col.label)
        by_row = dict(zip([r.index for r in rows], values))
        for r in rows:
            if r.role == "ump" or (r.role == "province" and col.indicator == "min_wage_idr" and not np.isnan(by_row[r.index])):
                ump_values[col.year] = by_row[r.index]
        frames.append(pd.DataFrame({
            "regency_code": [r.regency for r in regency_rows],
            "year": [col.year if col.year is not None else r.year for r in regency_rows],
            "period": col.period,
            "indicator": col.indicator,
            "value": [by_row[r.index] for r in regency_rows],
            "source_name": [r.name or r.code for r in regency_rows],
            "note": ["UMP" if r.index in ump_rows else "" for r in regency_rows],
        }))
    out = pd.concat(frames, ignore_index=True)
    if out["year"].isna().any():
        line = [(r.line, r.name) for r in regency_rows if r.year is None][:1]
        _fail(grid.path, "the table does not say which year; pass year=2022 (or --year)", line)
    out["year"] = out["year"].astype(int)
    out = _zero_rates(grid, out, regency_rows, notes)
    if (out["indicator"] == "min_wage_idr").any():
        out = _ump_fallback(out, prov, ump, ump_values, notes)
    out = out[list(LONG_COLUMNS)].reset_index(drop=True)
    out.attrs.update(path=str(grid.path), province=prov, notes=notes)
    return out


def _check_duplicates(grid: _Grid, rows: list[_Row]) -> None:
    """Two rows on one kab/kota (and year) would put one regency's figures on top of another's."""
    by_key: dict[tuple, list[_Row]] = {}
    for r in rows:
        by_key.setdefault((r.regency, r.year), []).append(r)
    dup = [group for group in by_key.values() if len(group) > 1]
    if dup:
        which = ", ".join(sorted({nm.regency_name(g[0].regency) for g in dup}))
        _fail(grid.path, f"two rows name the same kab/kota ({which})", [(r.line, r.name) for g in dup for r in g])


def _recognised(lay: _Layout, rows: list[_Row]) -> list[str]:
    """One line saying which rows were read as something other than kab/kota data."""
    what = [(line, kind) for line, kind in lay.recognised]
    what += [(r.line, f"{r.role} {r.name!r}") for r in rows if r.role not in ("regency",)]
    if not what:
        return []
    return ["recognised, not read as kab/kota: " + "; ".join(f"line {line} {kind}" for line, kind in sorted(what))]


def _zero_rates(grid: _Grid, out: pd.DataFrame, rows: list[_Row], notes: list[str]) -> pd.DataFrame:
    """A regency TPT of exactly 0 is no value (BPS published no regency TPT for 2016, whose Sakernas
    sample was too small; dashboards show 0 there): set to NaN with a warning naming the rows."""
    zero = (out["indicator"] == "unemployment_rate") & (out["value"] == 0)
    if not zero.any():
        return out
    line_of = {(r.regency, r.name): r.line for r in rows}
    shown = [(line_of.get((c, s), 0), f"{s} {y}") for c, s, y in out.loc[zero, ["regency_code", "source_name", "year"]].itertuples(index=False)]
    msg = str(_problem(grid.path, "TPT of exactly 0 read as no value (no regency TPT exists where the survey "
                       "sample was too small, e.g. 2016)", shown, None))
    warnings.warn(msg, TableImportWarning, stacklevel=3)
    notes.append(msg)
    out = out.copy()
    out.loc[zero, "value"] = np.nan
    out.loc[zero, "note"] = "0 read as no value"
    return out


def _ump_fallback(out: pd.DataFrame, province: str | None, ump: float | None, ump_values: dict, notes: list[str]) -> pd.DataFrame:
    """Kab/kota without a UMK (blank, 'UMP', or absent from the list) get the provincial UMP."""
    wage = out["indicator"] == "min_wage_idr"
    years = sorted(out.loc[wage, "year"].unique())
    added = []
    for yr in years:
        value = ump if ump is not None else ump_values.get(yr, ump_values.get(None))
        here = out[wage & (out["year"] == yr)]
        blank = here.index[here["value"].isna()]
        absent = []
        if province is not None:
            codes = load_regencies().query("province_code == @province")["regency_code"]
            absent = sorted(set(codes) - set(here["regency_code"]))
        if value is None:
            if len(blank) or absent:
                who = [nm.regency_name(c) for c in list(out.loc[blank, "regency_code"]) + absent]
                notes.append(f"no UMK for {len(who)} kab/kota in {yr} and no UMP given (ump=... or --ump): "
                             + ", ".join(who))
            continue
        out.loc[blank, "value"] = float(value)
        out.loc[blank, "note"] = f"UMP {yr} applies (no UMK listed)"
        period = here["period"].iloc[0] if len(here) else "year"
        added += [{"regency_code": c, "year": yr, "period": period, "indicator": "min_wage_idr", "value": float(value),
                   "source_name": "", "note": f"UMP {yr} applies (not in the UMK list)"} for c in absent]
        filled = [nm.regency_name(c) for c in list(out.loc[blank, "regency_code"]) + absent]
        if filled:
            notes.append(f"UMP {yr} ({value:,.0f}) applies to {len(filled)} kab/kota without UMK: {', '.join(filled)}")
    if added:
        out = pd.concat([out, pd.DataFrame(added)], ignore_index=True)
    return out


# --------------------------------------------------------------------------- regency_years


@dataclass
class AssemblyReport:
    """What :func:`assemble_regency_years` did and what the result still lacks."""

    rows: int
    years: list[int]
    missing: dict[str, dict[str, list[int]]]  # contract column -> regency code -> years
    derived: dict[str, int]
    notes: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing

    def lines(self, limit: int = 8) -> list[str]:
        out = list(self.notes)
        out += [f"derived {col} for {n} regency-year(s)" for col, n in self.derived.items() if n]
        if self.missing:
            out.append("still missing (blkk validate needs every column filled):")
            for col, by_code in self.missing.items():
                n = sum(len(v) for v in by_code.values())
                if n == self.rows:
                    out.append(f"  - {col}: no table gave it (all {len(by_code)} kab/kota)")
                    continue
                shown = [f"{nm.regency_name(c)} ({c}) {', '.join(map(str, ys))}" for c, ys in list(by_code.items())[:limit]]
                more = f" and {len(by_code) - limit} more" if len(by_code) > limit else ""
                out.append(f"  - {col}: {'; '.join(shown)}{more}")
        else:
            out.append("every regency_years column is filled")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


_PERIOD_RANK = {"aug": 0, "year": 1, "feb": 2}


def assemble_regency_years(tables: Iterable[pd.DataFrame]) -> tuple[pd.DataFrame, AssemblyReport]:
    """Long tables (from :func:`read_bps_table`) -> ``regency_years`` of the contract, one row per
    regency-year, and a report of what was derived and what is still missing.

    August figures are used where a table gives both February and August (BPS publishes kab/kota
    labour figures for August); unemployed = rate x labour force / 100, the rate from the two
    counts, labour force from unemployed and rate or from TPAK x working-age population.
    """
    tables = list(tables)
    if not tables:
        raise ValueError("no tables to assemble")
    long = pd.concat([t.assign(file=Path(t.attrs.get("path", "?")).name) for t in tables], ignore_index=True)
    notes = []
    unused = sorted(set(long["indicator"]) - set(CONTRACT_INDICATORS) - set(DERIVING))
    if unused:
        notes.append(f"not used in regency_years: {', '.join(unused)}")
    long = long[long["indicator"].isin(CONTRACT_INDICATORS + DERIVING)].copy()
    keys = pd.MultiIndex.from_frame(long[["regency_code", "year"]].drop_duplicates().sort_values(["regency_code", "year"]))
    chosen, period_notes = _choose_periods(long)
    notes += period_notes
    wide = chosen.pivot(index=["regency_code", "year"], columns="indicator", values="value").reindex(keys)
    for col in CONTRACT_INDICATORS + DERIVING:
        if col not in wide:
            wide[col] = np.nan
    wide, derived = _derive(wide)
    out = wide.reset_index()
    for col in ("population", "labour_force", "unemployed", "mean_wage_idr", "min_wage_idr"):
        frac = out[col].notna() & (out[col] != out[col].round())
        if frac.any() and col.endswith("_idr"):
            notes.append(f"{col}: {int(frac.sum())} value(s) with a fraction of a rupiah rounded to whole rupiah")
        out[col] = out[col].round().astype("Int64")
    out["unemployment_rate"] = out["unemployment_rate"].round(2)
    out["regency_name"] = out["regency_code"].map(nm.regency_name)  # checked against the code by validate
    out = out[_written(REGENCY_YEARS)].sort_values(["regency_code", "year"]).reset_index(drop=True)
    notes += _consistency(out)
    notes += _absent_regencies(out)
    missing = {}
    for col in _required(REGENCY_YEARS)[2:]:
        gaps = out[out[col].isna()]
        if len(gaps):
            missing[col] = {c: sorted(g["year"].tolist()) for c, g in gaps.groupby("regency_code")}
    report = AssemblyReport(len(out), sorted(out["year"].unique().tolist()), missing, derived, notes)
    return out, report


def _choose_periods(long: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One value per regency, year and indicator: August, else the annual figure, else February;
    the same key given twice with different values is an error naming both files."""
    long = long.dropna(subset=["value"]).copy()
    long["rank"] = long["period"].map(_PERIOD_RANK)
    dup = long.duplicated(["regency_code", "year", "indicator", "period"], keep=False)
    if dup.any():
        clash = long[dup].groupby(["regency_code", "year", "indicator", "period"])
        problems = []
        for (code, yr, ind, per), g in clash:
            if g["value"].round(6).nunique() > 1:
                shown = ", ".join(f"{v:g} ({f})" for v, f in zip(g["value"], g["file"]))
                problems.append(Problem(" + ".join(sorted(set(g["file"]))), ind,
                                        f"{nm.regency_name(code)} ({code}) {yr} {per}: different values {shown}"))
        if problems:
            raise TableImportError(problems)
        long = long.drop_duplicates(["regency_code", "year", "indicator", "period"])
    notes = []
    both = long[long["period"].isin(["aug", "year"])]
    spread = both.groupby(["regency_code", "year", "indicator"])["value"].agg(lambda v: v.max() - v.min() if len(v) > 1 else 0)
    differ = spread[spread > 0.01]
    if len(differ):
        shown = ", ".join(f"{nm.regency_name(c)} {y} {i}" for c, y, i in differ.index[:5])
        notes.append(f"warning: an August and an annual figure differ for {len(differ)} regency-year(s) ({shown}); "
                     "the August figure is used")
    for ind, g in long.groupby("indicator"):
        periods = set(g["period"])
        if {"aug", "feb"} <= periods:
            notes.append(f"{ind}: August figures used where February and August are both given")
        elif periods == {"feb"}:
            notes.append(f"{ind}: only February figures given; they are used")
    best = long.sort_values("rank").drop_duplicates(["regency_code", "year", "indicator"], keep="first")
    return best, notes


def _derive(wide: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Fill what follows from what is there (each formula only where its target is blank)."""
    wide = wide.copy()
    derived = {}

    def fill(col: str, values: pd.Series) -> None:
        mask = wide[col].isna() & values.notna()
        wide.loc[mask, col] = values[mask]
        derived[col] = derived.get(col, 0) + int(mask.sum())

    rate, lf, un = wide["unemployment_rate"], wide["labour_force"], wide["unemployed"]
    fill("labour_force", wide["labour_force_participation_rate"] * wide["working_age_population"] / 100)
    lf = wide["labour_force"]
    fill("unemployed", (rate * lf / 100).round())
    fill("unemployment_rate", (100 * un / lf.where(lf > 0)).round(2))
    fill("labour_force", (100 * wide["unemployed"] / rate.where(rate > 0)).round())
    return wide, derived


def _consistency(out: pd.DataFrame) -> list[str]:
    full = out.dropna(subset=["unemployment_rate", "labour_force", "unemployed"])
    full = full[full["labour_force"] > 0]
    implied = 100 * full["unemployed"].astype(float) / full["labour_force"].astype(float)
    off = full[(implied - full["unemployment_rate"]).abs() > 0.1]
    if off.empty:
        return []
    shown = ", ".join(f"{nm.regency_name(c)} {y}" for c, y in off[["regency_code", "year"]].head(5).itertuples(index=False))
    return [f"warning: unemployed / labour force differs from the TPT by more than 0.1 point for {len(off)} "
            f"regency-year(s): {shown}"]


def _absent_regencies(out: pd.DataFrame) -> list[str]:
    regencies = load_regencies()
    notes = []
    for prov in sorted(out["regency_code"].str[:2].unique()):
        codes = set(regencies.loc[regencies["province_code"] == prov, "regency_code"])
        absent = sorted(codes - set(out["regency_code"]))
        if absent:
            notes.append(f"{nm.province_name(prov)}: {len(absent)} kab/kota in no table: "
                         + ", ".join(nm.regency_name(c) for c in absent))
    return notes


def _required(table) -> list[str]:
    return [c.name for c in table.columns if c.required]


def _written(table) -> list[str]:
    """The columns an import writes: the required ones, and the kab/kota's Kemendagri name beside its
    code (optional in the contract; validate checks it names the coded kab/kota)."""
    return _required(table) + (["regency_name"] if "regency_name" in table.names else [])


def write_table(frame: pd.DataFrame, out_dir: str | Path, name: str) -> Path:
    """Write a contract table as ``out_dir/name.csv`` (codes as text, blanks where missing)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------- centers


@dataclass
class CentersReport:
    """What :func:`import_centers` read, made up and could not fill."""

    rows: int
    columns: dict[str, str]  # contract column -> their header (or how it was made)
    missing: list[str]
    ignored: list[str]
    notes: list[str]

    def lines(self) -> list[str]:
        out = [f"{self.rows} centers read"]
        out += [f"  {col} <- {src}" for col, src in self.columns.items()]
        if self.ignored:
            out.append(f"columns not read (not in the mapping): {', '.join(self.ignored)}")
        out += self.notes
        out.append(f"still missing: {', '.join(self.missing)}" if self.missing else "every centers column is filled")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def load_mapping(mapping) -> dict:
    """A center-list mapping: a dict, or a YAML file with ``columns`` (their header -> contract
    column, or ``regency``/``province`` for names), optional ``values`` (value maps per column),
    ``defaults``, ``province`` and ``sheet``."""
    import yaml

    if isinstance(mapping, (str, Path)):
        path = Path(mapping)
        if not path.exists():
            raise TableImportError([Problem(str(path), None, "mapping file does not exist")])
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        source = path.name
    else:
        data, source = dict(mapping), "mapping"
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict) or not data["columns"]:
        raise TableImportError([Problem(source, None, "a mapping needs 'columns:', their header -> contract column "
                                        "(see evaluation/data/imports.py, import_centers)")])
    allowed = set(CENTERS.names) | {"regency", "province"}
    bad = {k: v for k, v in data["columns"].items() if v not in allowed}
    if bad:
        raise TableImportError([Problem(source, None, f"unknown target column(s) {bad}; allowed: {', '.join(sorted(allowed))}")])
    return data


def import_centers(path: str | Path, mapping) -> tuple[pd.DataFrame, CentersReport]:
    """A Kemnaker list of BLK Komunitas (their own headers) -> the contract's ``centers``.

    ``mapping`` (a YAML file or dict, see :func:`load_mapping`) maps their headers to contract
    columns; ``regency`` marks kab/kota names (matched to codes inside the row's ``province``
    column or the mapping's ``province``); ``province_code`` follows from the regency.
    ``center_id``, when the list has none, is made from the regency code and a digest of
    name, regency and year, so the same list gives the same ids.
    """
    spec = load_mapping(mapping)
    grid = read_grid(path, spec.get("sheet"))
    columns = spec["columns"]
    header_row, header = _center_header(grid, columns)
    body = [r for r in range(header_row + 1, len(grid.cells)) if any(grid.text(r, c) for c in range(len(grid.cells[r])))]
    body = body[: next((i for i, r in enumerate(body) if _NOTE.match(grid.text(r, 0) or grid.text(r, 1))), len(body))]
    col_of = {target: header.index(theirs) for theirs, target in columns.items() if theirs in header}
    absent = [theirs for theirs in columns if theirs not in header]
    if absent:
        _fail(grid.path, f"mapped column(s) not in the list: {', '.join(absent)} (its header: {', '.join(h for h in header if h)})",
              [(grid.lines[header_row], "")])
    if "regency" not in col_of and "regency_code" not in col_of:
        _fail(grid.path, "the mapping names no kab/kota column (map it to 'regency' for names or 'regency_code' for codes)")
    lines = [grid.lines[r] for r in body]
    out = pd.DataFrame(index=range(len(body)))
    made: dict[str, str] = {}
    notes: list[str] = []
    values = spec.get("values") or {}
    for target, c in col_of.items():
        texts = [grid.text(r, c) for r in body]
        made[target] = header[c]
        if target in values:
            texts = _map_values(grid, texts, lines, values[target], target, header[c])
        out[target] = texts
    for target, value in (spec.get("defaults") or {}).items():
        if target not in out:
            out[target] = str(value)
            made[target] = f"default {value!r} (mapping)"
    out = _center_regencies(grid, out, lines, spec, made, notes)
    for target in ("cohort", "grant_idr"):
        if target in out:
            out[target] = _whole_numbers(grid, out[target].tolist(), lines, target, made.get(target, target))
    if "host_type" in out:
        low = out["host_type"].str.strip().str.lower()
        bad = [(ln, v) for ln, v in zip(lines, out["host_type"]) if v and v.strip().lower() not in HOST_TYPES]
        if bad:
            _fail(grid.path, f"host type not one of {', '.join(HOST_TYPES)}; add it under values: host_type: in the mapping",
                  bad, made["host_type"])
        out["host_type"] = low
    if "center_id" not in out and {"center_name", "regency_code"} <= set(out):
        out["center_id"] = [_center_id(n, c, y) for n, c, y in zip(out["center_name"], out["regency_code"],
                                                                     out.get("cohort", pd.Series([""] * len(out))))]
        made["center_id"] = "made from regency code + digest of name, regency and year (the list has no id)"
        dup = out["center_id"].duplicated(keep=False)
        if dup.any():
            _fail(grid.path, "rows with the same center name, kab/kota and year (a repeated row?)",
                  [(ln, n) for ln, n, d in zip(lines, out["center_name"], dup) if d])
    if "regency_code" in out:
        out["regency_name"] = out["regency_code"].map(nm.regency_name)
    missing = [c for c in _required(CENTERS) if c not in out]
    for col in missing:
        out[col] = pd.NA
    ignored = [h for h in header if h and h not in columns]
    out = out[_written(CENTERS)]
    order = {c: made[c] for c in _required(CENTERS) if c in made}
    return out, CentersReport(len(out), order, missing, ignored, notes)


def _center_header(grid: _Grid, columns: dict) -> tuple[int, list[str]]:
    """The row holding most of the mapped headers (lists often have a title above)."""
    wanted = set(columns)
    best, hits = 0, -1
    for r in range(min(len(grid.cells), 30)):
        row = [grid.text(r, c) for c in range(len(grid.cells[r]))]
        n = len(wanted & set(row))
        if n > hits:
            best, hits = r, n
    if hits <= 0:
        _fail(grid.path, f"no header row with the mapped columns ({', '.join(columns)}) in the first 30 rows")
    return best, [grid.text(best, c) for c in range(len(grid.cells[best]))]


def _map_values(grid: _Grid, texts, lines, table: dict, target: str, header: str) -> list[str]:
    lookup = {str(k).strip().lower(): str(v) for k, v in table.items()}
    out, bad = [], []
    for ln, t in zip(lines, texts):
        key = t.strip().lower()
        if key in lookup:
            out.append(lookup[key])
        elif not key or key in {str(v).lower() for v in table.values()}:
            out.append(t)
        else:
            out.append(t)
            bad.append((ln, t))
    if bad:
        _fail(grid.path, f"value(s) with no entry under values: {target}: in the mapping", bad, header)
    return out


def _center_regencies(grid: _Grid, out: pd.DataFrame, lines, spec, made, notes) -> pd.DataFrame:
    """Kab/kota names -> codes (inside each row's province), and the province from the regency."""
    default_prov = None
    if spec.get("province") is not None:
        default_prov = nm.province_code(str(spec["province"]))
        if default_prov is None:
            _fail(grid.path, f"unknown province {spec['province']!r} in the mapping")
    if "regency" in out:
        provs = [None] * len(out)
        if "province" in out:
            provs = [nm.province_code(p) if p else None for p in out["province"]]
            bad = [(ln, p) for ln, p, c in zip(lines, out["province"], provs) if p and c is None]
            if bad:
                _fail(grid.path, "unknown province name", bad, made["province"])
        try:
            match = nm.match_names([(n, None, p) for n, p in zip(out["regency"], provs)], province=default_prov)
        except nm.NameMatchError as exc:
            problems = [_problem(grid.path, f"kab/kota name {i}",
                                 [(ln, n) for ln, n in zip(lines, out["regency"]) if n == i.name], made["regency"])
                        for i in exc.issues]
            raise TableImportError(problems) from None
        out["regency_code"] = [match.code(n, None, p if p is not None else default_prov) for n, p in zip(out["regency"], provs)]
        made["regency_code"] = f"{made['regency']} (names matched to Kemendagri codes)"
        notes += match.notes
    out = out.drop(columns=[c for c in ("regency", "province") if c in out])
    made.pop("regency", None)
    made.pop("province", None)
    if "regency_code" in out:
        out["province_code"] = out["regency_code"].str[:2]
        made["province_code"] = "from the regency code"
    return out


def _whole_numbers(grid: _Grid, texts, lines, target: str, header: str) -> list:
    style = _number_style([str(t) for t in texts], rate=False)
    out, bad = [], []
    for ln, t in zip(lines, texts):
        t = str(t).strip()
        if not t or t.lower() in _MISSING:
            out.append(pd.NA)
            continue
        m = re.search(_YEAR, t) if target == "cohort" else None
        value = float(m.group(1)) if m else _to_float(t, style)
        if np.isnan(value) or value != round(value):
            bad.append((ln, t))
            out.append(pd.NA)
        else:
            out.append(int(round(value)))
    if bad:
        _fail(grid.path, f"not a whole number ({target})", bad, header)
    return out


def _center_id(name: str, code: str, year) -> str:
    digest = text_digest(f"{nm.normalise(name)}|{code}|{year}")[:6]
    return f"BLKK-{code}-{digest}"


def describe_table(table: pd.DataFrame) -> str:
    """One paragraph on what a table was read as: file, indicators, periods, years, province, notes."""
    parts = [f"{ind} {per} {', '.join(map(str, sorted(g['year'].unique())))}"
             for (ind, per), g in table.groupby(["indicator", "period"])]
    prov = table.attrs.get("province")
    head = (f"{Path(table.attrs.get('path', '?')).name}: {'; '.join(parts)} for {table['regency_code'].nunique()} kab/kota"
            + (f" of {nm.province_name(prov)} ({prov})" if prov else ""))
    return "\n".join([head] + [f"  {n}" for n in table.attrs.get("notes", [])])
