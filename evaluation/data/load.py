"""Read the four tables (CSV, Parquet or Excel), coerce them to the contract, and check them.

Every problem is collected, not just the first, and each names the file, the column and
example lines, so a data officer can fix a spreadsheet in one pass.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..hashing import DATA_SUFFIXES
from .regions import NATIONAL, in_region
from .errors import MAX_EXAMPLES, DataValidationError, Problem, ValidationReport
from .schema import CODE_YEAR, IDENTIFIER_PATTERNS, TABLES, YEAR_MAX, YEAR_MIN, Column, Table

REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
PROVINCE_CODE = re.compile(r"^\d{2}$")
TRUE_WORDS = {"1", "true", "t", "yes", "y", "ya"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "tidak", "tdk"}
_IDENT = re.compile("|".join(f"(?:{p})" for p in IDENTIFIER_PATTERNS), re.IGNORECASE)


class IdentifierColumnWarning(UserWarning):
    """A column that looks like a personal identifier was dropped on load."""


@dataclass
class RawTable:
    """A table as read from disk: all cells as text, plus where each row came from."""

    name: str
    path: Path
    frame: pd.DataFrame
    first_line: int  # file line of the first data row (header line + 1)
    locale: str = "en"  # "id": decimal comma, dotted thousands


@dataclass
class Dataset:
    """Validated tables of one data folder."""

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]
    report: ValidationReport = field(default_factory=ValidationReport)

    @property
    def centers(self) -> pd.DataFrame:
        return self.tables["centers"]

    @property
    def center_years(self) -> pd.DataFrame:
        return self.tables["center_years"]

    @property
    def regency_years(self) -> pd.DataFrame:
        return self.tables["regency_years"]

    @property
    def trainees(self) -> pd.DataFrame | None:
        return self.tables.get("trainees")

    def for_region(self, region: str) -> "Dataset":
        """The slice of every table that lies in a province ("33"), regency ("33.26") or "ID"."""
        if region == NATIONAL:
            return self
        centers = self.centers[in_region(self.centers["regency_code"], region)]
        tables = {
            "centers": centers,
            "center_years": self.center_years[self.center_years["center_id"].isin(centers["center_id"])],
            "regency_years": self.regency_years[in_region(self.regency_years["regency_code"], region)],
        }
        if self.trainees is not None:
            tables["trainees"] = self.trainees[in_region(self.trainees["regency_code"], region)]
        tables = {k: v.reset_index(drop=True) for k, v in tables.items()}
        return Dataset(self.data_dir, tables, self.files, self.report)




# ---------------------------------------------------------------------------------- reading


def find_file(data_dir: Path, name: str) -> Path | None:
    for suffix in DATA_SUFFIXES:
        path = data_dir / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def read_raw(path: Path, table: Table, report: ValidationReport) -> RawTable | None:
    """Read a file with every cell as text; None (and a problem) if it cannot be read."""
    fname = path.name
    try:
        if path.suffix == ".csv":
            return _read_csv(path, table, report)
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            return RawTable(table.name, path, _to_text(frame), first_line=1)
        if path.suffix == ".xlsx":
            return _read_xlsx(path, table)
    except UnicodeDecodeError:
        report.add(Problem(fname, None, "file is not UTF-8 text; save it as 'CSV UTF-8' and try again"))
        return None
    except Exception as exc:  # unreadable files are reported, never raised
        report.add(Problem(fname, None, f"cannot be read as {path.suffix[1:]}: {exc}"))
        return None
    report.add(Problem(fname, None, f"unsupported file type {path.suffix!r}"))
    return None


def _read_csv(path: Path, table: Table, report: ValidationReport) -> RawTable | None:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.add(Problem(path.name, None, "file is UTF-16 text (Excel 'Unicode Text'?); save it as 'CSV UTF-8' and try again"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _report_encoding(path, data, report)
        return None
    if not text.strip():
        report.add(Problem(path.name, None, "file is empty"))
        return None
    sep = _separator(text)
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(table.name, path, frame, first_line=2, locale="id" if sep == ";" else "en")


def _separator(text: str) -> str:
    """The separator the header uses most: ',' (default), ';' (Indonesian Excel) or a tab."""
    header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    counts = {",": header.count(","), ";": header.count(";"), "\t": header.count("\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


_NOT_UTF8 = "text is not UTF-8 (saved as Windows-1252/Latin-1?); save the file as 'CSV UTF-8' and try again"


def _report_encoding(path: Path, data: bytes, report: ValidationReport) -> None:
    """Name the columns and lines whose text is not UTF-8, showing the text as Windows-1252.

    The file is refused rather than decoded by guessing: a wrong guess garbles names
    silently, and they reach the reports.
    """

    def bad(cell: str) -> bool:
        try:
            cell.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False

    def shown(cell: str) -> str:
        return cell.encode("latin-1").decode("cp1252", errors="replace")

    text = data.decode("latin-1")  # one character per byte: positions and separators survive
    if text.startswith("\xef\xbb\xbf"):
        text = text[3:]
    try:
        frame = pd.read_csv(io.StringIO(text), sep=_separator(text), dtype=str, keep_default_na=False)
    except Exception:
        frame = None
    found = False
    if frame is not None:
        bad_names = [c for c in frame.columns if bad(str(c))]
        if bad_names:
            found = True
            report.add(Problem(path.name, None, f"header: {_NOT_UTF8}", lines=(1,), values=(shown(str(bad_names[0])),), count=1))
        for col in frame.columns:
            mask = frame[col].map(bad)
            if not mask.any():
                continue
            found = True
            idx = mask[mask].index[:MAX_EXAMPLES]
            report.add(
                Problem(
                    path.name,
                    shown(str(col).strip()),
                    _NOT_UTF8,
                    lines=tuple(int(i) + 2 for i in idx),
                    values=tuple(shown(frame.at[i, col]) for i in idx),
                    count=int(mask.sum()),
                )
            )
    if not found:  # unparsable as CSV: point at the raw lines
        lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if bad(line.decode("latin-1"))]
        report.add(
            Problem(
                path.name,
                None,
                f"file {_NOT_UTF8}",
                lines=tuple(lines[:MAX_EXAMPLES]),
                values=("",) * min(len(lines), MAX_EXAMPLES),
                count=len(lines),
            )
        )


def _read_xlsx(path: Path, table: Table) -> RawTable:
    grid = pd.read_excel(path, header=None, dtype=object)
    wanted = set(table.names)
    header_row = 0
    for i in range(min(len(grid), 20)):  # title rows above the header are common in exports
        cells = {str(v).strip() for v in grid.iloc[i].tolist()}
        if len(cells & wanted) >= max(2, len(wanted) // 2):
            header_row = i
            break
    frame = grid.iloc[header_row + 1 :].reset_index(drop=True)
    frame.columns = [str(c).strip() for c in grid.iloc[header_row].tolist()]
    frame = frame.dropna(how="all")
    return RawTable(table.name, path, _to_text(frame), first_line=header_row + 2)


def _to_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text; numbers that spreadsheets stored as floats keep their float form."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        out[str(col)] = s.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else _cell(v))
    return out


def _cell(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)


# ------------------------------------------------------------------------------- coercion


class _Checker:
    """Collects problems for one table, with line numbers taken from the raw file."""

    def __init__(self, raw: RawTable, report: ValidationReport):
        self.raw, self.report = raw, report
        self.fname = raw.path.name

    def lines(self, mask: pd.Series) -> pd.Index:
        return mask[mask].index

    def add(self, column: str | None, message: str, mask: pd.Series | None = None, values=None, severity="error"):
        if mask is None:
            self.report.add(Problem(self.fname, column, message, severity=severity))
            return
        if not mask.any():
            return
        idx = self.lines(mask)
        shown = idx[:MAX_EXAMPLES]
        vals = values if values is not None else (self.raw.frame[column] if column in self.raw.frame else None)
        self.report.add(
            Problem(
                self.fname,
                column,
                message,
                lines=tuple(int(i) + self.raw.first_line for i in shown),
                values=tuple(str(vals.loc[i]) for i in shown) if vals is not None else (),
                count=len(idx),
                severity=severity,
            )
        )


#: 1.234.567,89 or 1234567,89 or 2019 (Indonesian: dotted thousands, decimal comma)
_ID_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
#: 6.58, 2019.0, 215945 (a point as the decimal mark, no thousands separator)
_DOT_DECIMAL = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)$")


def _parse_numbers(text: pd.Series, locale: str) -> pd.Series:
    s = text.str.strip().str.replace(" ", "", regex=False).str.replace("\u00a0", "", regex=False)
    if locale == "id":  # 1.234.567,89 -> 1234567.89
        present = s[s != ""]
        dot_decimal = (
            len(present) > 0
            and not present.str.match(_ID_NUMBER).all()
            and present.str.match(_DOT_DECIMAL).all()
        )
        # A semicolon file whose column is written with a decimal point ('6.58', '2.6455')
        # cannot be Indonesian: reading the point as a thousands separator would multiply
        # the values silently, so that column is read with the point as decimal mark.
        if not dot_decimal:
            s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(s.where(s != ""), errors="coerce")


def coerce(raw: RawTable, table: Table, report: ValidationReport) -> pd.DataFrame | None:
    """Typed frame by the contract, or None when a column is missing."""
    chk = _Checker(raw, report)
    frame = raw.frame
    dropped = [c for c in frame.columns if c not in table.names and _IDENT.search(c)]
    for col in dropped:
        msg = f"column '{col}' looks like a personal identifier and was dropped"
        warnings.warn(f"{raw.path.name}: {msg}", IdentifierColumnWarning, stacklevel=2)
        chk.add(col, msg, severity="warning")
    frame = frame.drop(columns=dropped)
    if len(frame) == 0:
        chk.add(None, "file has a header but no rows")
        return None
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    for col in missing:
        chk.add(col, f"required column is missing (found: {', '.join(map(str, frame.columns))})")
    if missing:
        return None

    out = pd.DataFrame(index=frame.index)
    for column in table.columns:
        if column.name not in frame.columns:
            continue
        out[column.name] = _coerce_column(frame[column.name].astype(str), column, raw, chk)
    return out


def _coerce_column(text: pd.Series, column: Column, raw: RawTable, chk: _Checker) -> pd.Series:
    name = column.name
    stripped = text.str.strip()
    empty = stripped == ""
    if not column.nullable and empty.any():
        chk.add(name, "value is missing", empty)

    if column.kind == "code":
        return _coerce_code(stripped, column, chk)
    if column.kind in ("int", "float"):
        nums = _parse_numbers(stripped, raw.locale)
        bad = nums.isna() & ~empty
        chk.add(name, f"not a number (expected {'a whole number' if column.kind == 'int' else 'a number'})", bad)
        if column.kind == "int":
            frac = nums.notna() & (nums != np.floor(nums.fillna(0)))
            chk.add(name, "not a whole number", frac)
            nums = nums.where(~frac).round().astype("Int64")
        if column.nonnegative:
            chk.add(name, "negative value", nums.notna() & (nums < 0))
        if name in ("year", "cohort"):
            out_of_range = nums.notna() & ((nums < YEAR_MIN) | (nums > YEAR_MAX))
            chk.add(name, f"year outside {YEAR_MIN}–{YEAR_MAX}", out_of_range)
        return nums
    if column.kind == "bool":
        low = stripped.str.lower()
        is_true, is_false = low.isin(TRUE_WORDS), low.isin(FALSE_WORDS)
        chk.add(name, "not a yes/no value (expected 0/1, true/false or ya/tidak)", ~(is_true | is_false | empty))
        return pd.Series(np.where(is_true, 1, 0), index=text.index).astype("Int64").where(is_true | is_false)
    if column.kind == "category":
        low = stripped.str.lower()
        bad = ~low.isin(column.allowed) & ~empty
        chk.add(name, f"unknown value (allowed: {', '.join(column.allowed)})", bad)
        return low.where(~empty)
    return stripped.where(~empty) if column.nullable else stripped


def _coerce_code(codes: pd.Series, column: Column, chk: _Checker) -> pd.Series:
    name = column.name
    pattern = PROVINCE_CODE if name == "province_code" else REGENCY_CODE
    good = codes.str.match(pattern)
    empty = codes == ""
    province = name == "province_code"
    lost_zero = codes.str.match(r"^\d{2}\.\d$") & (not province)
    province_float = codes.str.match(r"^\d{2}\.0+$") & province
    no_dot = codes.str.match(r"^\d{4}$") & (not province)
    float_like = codes.str.match(r"^\d+\.\d*$") & ~good & ~lost_zero & ~province_float
    chk.add(
        name,
        "code lost its trailing zero (e.g. 33.1 for '33.10'): the column was read as a number; store codes as text",
        lost_zero,
    )
    chk.add(
        name,
        "province code written as a number (e.g. 33.0 for '33'): the column was read as a number; store codes as text",
        province_float,
    )
    chk.add(
        name,
        "four-digit code without the dot (BPS style?); expected a Kemendagri code like '33.26' — "
        "BPS codes belong in a separate bps_code column",
        no_dot,
    )
    other = ~good & ~empty & ~lost_zero & ~no_dot & ~province_float
    example = "'33'" if name == "province_code" else "'33.26'"
    chk.add(name, f"not a Kemendagri code like {example}" + (" (a number?)" if float_like.any() else ""), other)
    return codes.where(good)


# --------------------------------------------------------------------------- cross checks


def _text(s: pd.Series) -> pd.Series:
    """Values as display text, missing as empty."""
    return s.astype(object).where(s.notna(), "").map(str)


def _check_keys(df: pd.DataFrame, table: Table, chk: _Checker) -> None:
    key = list(table.key)
    if not all(k in df for k in key):
        return
    dup = df.duplicated(key, keep=False) & df[key].notna().all(axis=1)
    if not dup.any():
        return
    values = _text(df[key[0]])
    for k in key[1:]:
        values = values + " / " + _text(df[k])
    chk.add(" + ".join(key), "duplicate key", dup, values=values)


def _check_regions(df: pd.DataFrame, chk: _Checker, regencies: pd.DataFrame) -> None:
    known = set(regencies["regency_code"])
    if "regency_code" in df:
        unknown = df["regency_code"].notna() & ~df["regency_code"].isin(known)
        chk.add("regency_code", "unknown regency code (not in data/reference/regencies.csv)", unknown)
    if "province_code" in df and "regency_code" in df:
        provinces = set(regencies["province_code"])
        unknown_p = df["province_code"].notna() & ~df["province_code"].isin(provinces)
        chk.add("province_code", "unknown province code", unknown_p)
        mismatch = (
            df["province_code"].notna()
            & df["regency_code"].notna()
            & (df["regency_code"].str[:2] != df["province_code"])
            & ~unknown_p
        )
        values = _text(df["province_code"]) + " vs " + _text(df["regency_code"])
        chk.add("province_code", "province code does not match the regency code", mismatch, values=values)


def _code_years(raw: RawTable, name: str) -> pd.Series | None:
    column = CODE_YEAR.get(name)
    if column is None or column not in raw.frame:
        return None
    return pd.to_numeric(raw.frame[column].astype(str).str.strip(), errors="coerce")


def _recode(raw: RawTable, name: str, chk: _Checker, system: str) -> None:
    """Kab/kota (and province) codes rewritten to today's Kemendagri codes where the file says
    they are BPS codes (``system="bps"``), and pre-2022 Papua codes of either system to today's.
    Every rewrite is reported; a code that cannot be placed is an error naming what it could be."""
    from . import codes as _codes

    frame = raw.frame
    given = frame["regency_code"].astype(str).str.strip()
    present = given != ""
    years = _code_years(raw, name)
    year_arg = None if years is None else years.where(years.notna(), None)
    if system == "bps":
        new = _codes.bps_to_kemendagri(given.where(present), year_arg)
        lost = present & new.isna()
        if lost.any():
            why = _codes.unmappable(given[lost], None if years is None else years[lost], "bps")
            detail = "; ".join(f"{r.code}: {r.reason}" + (f" (could be {r.candidates})" if r.candidates else "")
                               for r in why.drop_duplicates("code").head(3).itertuples())
            chk.add("regency_code", f"not a BPS kab/kota code ({detail})", lost)
        converted = present & new.notna()
        changed = converted & (new != given)
        if changed.any():
            chk.add("regency_code", "BPS codes converted to Kemendagri codes (data/reference/regency_codes_bps.csv)",
                    changed, values=given + " -> " + new.fillna(""), severity="warning")
        frame["regency_code"] = new.where(converted, given)
        if "province_code" in frame:
            frame["province_code"] = frame["province_code"].astype(str).str.strip().where(
                ~converted, frame["regency_code"].str[:2])
        return
    # Kemendagri: pre-2022 Papua codes of the rows' years become today's codes
    dotted = given.str.match(REGENCY_CODE) & given.str[:2].isin(("91", "92"))  # only Papua was renumbered
    now = pd.Series(np.nan, index=given.index, dtype=object)
    if dotted.any():
        now[dotted] = _codes.current_code(given[dotted], None if year_arg is None else year_arg[dotted]).to_numpy()
    moved = dotted & now.notna() & (now != given)
    if moved.any():
        chk.add("regency_code", "pre-2022 Papua codes read as today's codes (data/reference/regency_code_changes.csv)",
                moved, values=given + " -> " + now.fillna(""), severity="warning")
        frame.loc[moved, "regency_code"] = now[moved]
        if "province_code" in frame:
            old_province = frame["province_code"].astype(str).str.strip() == given.str[:2]
            frame.loc[moved & old_province, "province_code"] = now[moved & old_province].str[:2]
    stale = dotted & now.isna()
    if stale.any():
        why = _codes.unmappable(given[stale], None if years is None else years[stale])
        for r in why.head(3).itertuples():
            rows = stale & (given == r.code)
            chk.add("regency_code", f"{r.reason}" + (f"; it could be {r.candidates}" if r.candidates else ""), rows)


def _code_finding(original: pd.Series, raw: RawTable, df: pd.DataFrame):
    from .codes import detect_code_system

    names = raw.frame["regency_name"] if "regency_name" in raw.frame else None
    size = next((df[c] for c in ("population", "labour_force") if c in df), None)
    return detect_code_system(original.astype(str).str.strip(), names=names, population=size)


def _check_code_system(original: pd.Series, raw: RawTable, finding, chk: _Checker, settled: set[str]) -> None:
    """Refuse a table whose kab/kota codes are BPS codes: it would load and put every figure on
    another regency (in 20 provinces BPS uses the Kemendagri numbers in another order).
    ``settled``: provinces another table of the folder showed to be Kemendagri-keyed (a table
    with no names or sizes of its own, such as the centers, is not warned about there)."""
    bps = sorted(p for p, reading in finding.provinces.items() if reading in ("bps", "mixed"))
    open_ = {p for p, reading in finding.provinces.items() if reading == "undecided"} - settled
    if finding.system == "unknown" and not bps and not open_:
        return
    if finding.system == "unknown" and not bps:
        # nothing in the file tells the two systems apart (a province read alone, whose swapped
        # kab/kota are of a size): say so rather than read it silently
        chk.add("regency_code", f"these codes could be Kemendagri or BPS codes ({finding.message}); they are read "
                "as Kemendagri codes: add a regency_name column to have every code checked against its name",
                severity="warning")
        return
    if finding.system != "bps" and not bps:
        return
    digits = original.astype(str).str.replace(".", "", regex=False).str.strip().str[:2]
    # provinces whose swapped codes nothing tells apart go with the file's BPS ones
    either = sorted(p for p, reading in finding.provinces.items() if reading == "undecided")
    rows = digits.isin(bps + either) if bps and finding.system != "bps" else pd.Series(True, index=original.index)
    example = next(iter(finding.examples), None)
    said = (f"; for example {example[0]} is {example[2]} in BPS numbering but {example[1]} in Kemendagri's"
            if example and example[1] and example[2] else "")
    if finding.system == "bps":
        chk.add("regency_code", f"these are BPS kab/kota codes, not Kemendagri codes ({finding.message}){said}. "
                f"Nothing was read onto the wrong regency: {convert_hint(raw.name)}", rows, values=original)
        return
    also = f" (and those of {', '.join(either)} could be either)" if either else ""
    chk.add("regency_code", f"the codes of province(s) {', '.join(bps)} are BPS kab/kota codes{also}, not Kemendagri "
            f"codes, while the rest of the file reads as Kemendagri ({finding.message}){said}. Nothing was read onto "
            "the wrong regency: write those rows with Kemendagri codes (BPS -> Kemendagri in "
            "data/reference/regency_codes_bps.csv, or evaluation.data.codes.bps_to_kemendagri)", rows, values=original)


def _check_regency_extras(df: pd.DataFrame, chk: _Checker) -> None:
    """An optional ``regency_name`` must name the coded kab/kota, and an optional ``bps_code`` must
    be that kab/kota's BPS code."""
    if "regency_name" in df:
        from .names import candidates, regency_name

        pairs = df[["regency_code", "regency_name"]].dropna().drop_duplicates()
        wrong = {(r.regency_code, r.regency_name) for r in pairs.itertuples()
                 if r.regency_code not in candidates(str(r.regency_name), province=r.regency_code[:2])}
        mask = pd.Series([(c, n) in wrong for c, n in zip(df["regency_code"], df["regency_name"])], index=df.index)
        values = _text(df["regency_name"]) + " vs " + _text(df["regency_code"]).map(
            lambda c: f"{c} = {regency_name(c)}" if c else c)
        chk.add("regency_name", "name does not match the regency code (are the codes BPS codes?)", mask, values=values)
    if "bps_code" in df:
        from .codes import kemendagri_to_bps

        expected = kemendagri_to_bps(df["regency_code"])
        given = df["bps_code"].astype(str).str.strip().str.replace(".", "", regex=False)
        mask = df["bps_code"].notna() & df["regency_code"].notna() & (given != expected.astype(str))
        chk.add("bps_code", "BPS code does not belong to the regency code (data/reference/regency_codes_bps.csv)",
                mask, values=_text(df["bps_code"]) + " vs " + _text(df["regency_code"]) + " = " + expected.fillna("?"))


def _check_center_years(df: pd.DataFrame, chk: _Checker) -> None:
    def over(a: str, b: str, label: str) -> None:
        mask = (df[a] > df[b]).fillna(False).astype(bool)
        chk.add(a, f"{label}", mask, values=_text(df[a]) + " > " + _text(df[b]))

    over("trainees_completed", "trainees_enrolled", "more trainees completed than enrolled")
    over("trainees_certified", "trainees_completed", "more trainees certified than completed")
    placed = df["alumni_employed"] + df["alumni_self_employed"]
    mask = (placed > df["trainees_completed"]).fillna(False).astype(bool)
    chk.add("alumni_employed", "employed + self-employed alumni exceed completers", mask, values=_text(placed))


def _check_regency_years(df: pd.DataFrame, chk: _Checker) -> None:
    rate = df["unemployment_rate"]
    chk.add("unemployment_rate", "rate over 100 percent", (rate > 100).fillna(False).astype(bool))
    mask = (df["unemployed"] > df["labour_force"]).fillna(False).astype(bool)
    chk.add("unemployed", "more unemployed than the labour force", mask)
    mask = (df["labour_force"] > df["population"]).fillna(False).astype(bool)
    chk.add("labour_force", "labour force larger than the population", mask)


def _check_trainee_outcomes(df: pd.DataFrame, chk: _Checker) -> None:
    """Non-response blanks both outcomes; one blank and one filled is a data error."""
    raw = chk.raw.frame
    if not {"employed_after", "income_after_idr"} <= set(raw.columns):
        return
    blank = {c: raw[c].astype(str).str.strip() == "" for c in ("employed_after", "income_after_idr")}
    one = blank["employed_after"] ^ blank["income_after_idr"]
    chk.add(
        "employed_after",
        "only one of employed_after and income_after_idr is blank (non-response blanks both)",
        one,
        values=_text(df["employed_after"]) + " / " + _text(df["income_after_idr"]),
    )


def _check_orphans(child: pd.DataFrame, chk: _Checker, centers: pd.DataFrame, what: str) -> None:
    ids = child["center_id"]
    orphan = ids.notna() & ~ids.isin(set(centers["center_id"]))
    chk.add("center_id", f"{what} not in centers", orphan)


def _check_center_timing(cy: pd.DataFrame, chk: _Checker, centers: pd.DataFrame) -> None:
    cohort = cy["center_id"].map(centers.set_index("center_id")["cohort"].to_dict() if centers["center_id"].is_unique else {})
    early = (cy["year"] < cohort).fillna(False).astype(bool)
    chk.add("year", "year of operation before the center opened (cohort)", early, values=_text(cy["year"]) + " < " + _text(cohort))


# ----------------------------------------------------------------------------------- entry


#: The code systems a data folder's kab/kota codes may be read in (see :mod:`evaluation.data.codes`).
CODE_SYSTEMS = ("kemendagri", "bps")


def convert_hint(table: str) -> str:
    """What a user is told to do with a table keyed by BPS codes."""
    return (f"read it as BPS codes with `blkk validate DIR --codes {table}=bps` (`--codes bps` for every table; "
            f"in Python `load_dataset(DIR, codes={{\"{table}\": \"bps\"}})`), or write a Kemendagri-keyed copy "
            f"of the folder for reports with `blkk import recode DIR --codes {table}=bps --out NEW_DIR`")


def code_systems(codes: str | dict) -> dict[str, str]:
    """``codes`` for every table: one system for all (``"bps"``) or per table
    (``{"regency_years": "bps"}``, the others Kemendagri)."""
    chosen = {name: codes for name in TABLES} if isinstance(codes, str) else {
        **{name: "kemendagri" for name in TABLES}, **dict(codes)}
    for name, system in chosen.items():
        if name not in TABLES:
            raise ValueError(f"codes: unknown table {name!r}; tables are {list(TABLES)}")
        if system not in CODE_SYSTEMS:
            raise ValueError(f"codes must be one of {list(CODE_SYSTEMS)}, got {system!r}")
    return chosen


def validate(data_dir: str | Path, codes: str | dict = "kemendagri") -> tuple[Dataset | None, ValidationReport]:
    """Read and check a data folder; returns the dataset (None if unusable) and all problems.

    ``codes`` is the system the folder's kab/kota codes are written in, for every table or per
    table (:func:`code_systems`): Kemendagri (the contract; a table that looks keyed by BPS codes
    is refused, never read silently) or ``"bps"`` (converted to Kemendagri on reading, by the
    crosswalk in ``data/reference``). Pre-2022 Papua codes are read as today's, with a warning.
    """
    from .reference import load_regencies

    systems = code_systems(codes)
    data_dir = Path(data_dir)
    report = ValidationReport()
    if not data_dir.is_dir():
        report.add(Problem(str(data_dir), None, "data folder does not exist"))
        return None, report

    regencies = load_regencies()
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    checkers: dict[str, _Checker] = {}
    found: dict[str, tuple] = {}
    for name, table in TABLES.items():
        path = find_file(data_dir, name)
        if path is None:
            if table.required:
                report.add(Problem(f"{name}.csv", None, f"required file is missing from {data_dir} ({table.description})"))
            continue
        raw = read_raw(path, table, report)
        if raw is None:
            continue
        chk = _Checker(raw, report)
        original = raw.frame["regency_code"].copy() if "regency_code" in raw.frame else None
        if original is not None:
            _recode(raw, name, chk, systems[name])
        df = coerce(raw, table, report)
        if df is None:
            continue
        _check_keys(df, table, chk)
        if "regency_code" in df:
            _check_regions(df, chk, regencies)
            _check_regency_extras(df, chk)
        if "regency_code" in df and systems[name] == "kemendagri":
            found[name] = (original, raw, _code_finding(original, raw, df), chk)
        tables[name], files[name], checkers[name] = df, path, chk

    # which code system each table uses; the labour-market panel (population) speaks for the rest
    panel = found.get("regency_years")
    settled = set() if panel is None else {p for p, r in panel[2].provinces.items() if r in ("kemendagri", "agree")}
    for name, (original, raw, finding, chk) in found.items():
        _check_code_system(original, raw, finding, chk, settled if name != "regency_years" else set())

    if "center_years" in tables:
        _check_center_years(tables["center_years"], checkers["center_years"])
    if "regency_years" in tables:
        _check_regency_years(tables["regency_years"], checkers["regency_years"])
    if "trainees" in tables:
        _check_trainee_outcomes(tables["trainees"], checkers["trainees"])
    if "centers" in tables:
        for child, what in (("center_years", "center id"), ("trainees", "center id of a trainee")):
            if child in tables:
                _check_orphans(tables[child], checkers[child], tables["centers"], what)
        if "center_years" in tables:
            _check_center_timing(tables["center_years"], checkers["center_years"], tables["centers"])

    if "center_years" in tables and "stage" not in tables["center_years"]:
        _derive_missing_stage(tables["center_years"], checkers["center_years"])

    usable = all(t in tables for t, spec in TABLES.items() if spec.required)
    dataset = Dataset(data_dir, {k: _final_types(v) for k, v in tables.items()}, files, report) if usable else None
    return dataset, report


def _derive_missing_stage(cy: pd.DataFrame, chk: _Checker) -> None:
    """A source without ``stage``: derive it from the roadmap criteria (default thresholds).

    Every table downstream reads ``stage``; the warning says it was derived, and callers
    who want other thresholds re-derive with :func:`evaluation.data.stages.derive_stage`.
    """
    from .stages import derive_stage

    cy["stage"] = derive_stage(cy)
    chk.add(
        "stage",
        "column is absent; stage derived from the roadmap criteria with the default thresholds "
        "(evaluation.data.stages.StageThresholds)",
        severity="warning",
    )


def _final_types(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable ints become plain int64 where no value is missing, so downstream maths is simple."""
    out = df.reset_index(drop=True).copy()
    for col in out.columns:
        if str(out[col].dtype) == "Int64" and not out[col].isna().any():
            out[col] = out[col].astype("int64")
    return out


def load_dataset(data_dir: str | Path, codes: str | dict = "kemendagri") -> Dataset:
    """Validated dataset; raises DataValidationError listing every problem if any is an error.
    ``codes``: the system the folder's kab/kota codes are written in (see :func:`validate`)."""
    dataset, report = validate(data_dir, codes)
    if not report.ok or dataset is None:
        raise DataValidationError(report)
    return dataset


def identifier_values(data_dir: str | Path, min_length: int = 5) -> tuple[str, ...]:
    """Values of identifier-like columns in a data folder (names, NIK, phones), to guard outputs.

    These columns are dropped on load; the values are read only so that a rendered report can
    be checked never to contain them.
    """
    data_dir = Path(data_dir)
    values: set[str] = set()
    for name, table in TABLES.items():
        path = find_file(data_dir, name)
        if path is None:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = read_raw(path, table, ValidationReport())
        if raw is None:
            continue
        for col in raw.frame.columns:
            if col not in table.names and _IDENT.search(col):
                values |= {v.strip() for v in raw.frame[col].astype(str) if len(v.strip()) >= min_length}
    return tuple(sorted(values))
