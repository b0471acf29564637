"""BPS and Kemendagri kab/kota codes side by side.

Indonesia numbers its 514 kab/kota twice. The project keys everything by the Kemendagri code
("11.09"); BPS tables and Sakernas use BPS's own code (1101). The two differ for 199 kab/kota,
and in 20 provinces they use the same set of numbers in a different order, so a file keyed by
the wrong system loads without an error and joins every figure to a neighbour. This module holds
the crosswalk (``data/reference/regency_codes_bps.csv``), the renumbering of the 2022 Papua
split in both systems (``regency_code_changes.csv``), and a check of which system a column of
codes uses. Sources and counts: ``data/reference/SOURCES.md``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.config import REFERENCE_DIR
from evaluation.data.reference import load_provinces, load_regencies

SYSTEMS = ("kemendagri", "bps")
#: a province's readings are told apart by population only when one reading's rank
#: correlation beats the other's by this much and is itself at least ``_MIN_CORR``
_CORR_MARGIN = 0.2
_MIN_CORR = 0.5
#: ... or when, under one reading, the swapped codes stray from the province's share of the
#: reference population (mean absolute log deviation) this many times as far as under the
#: other, and at least ``_MIN_SPREAD`` (a factor of about 1.1)
_SPREAD_RATIO = 3.0
_MIN_SPREAD = 0.1


# --------------------------------------------------------------------------- tables


@lru_cache(maxsize=4)
def _crosswalk(reference_dir: str) -> pd.DataFrame:
    return pd.read_csv(Path(reference_dir) / "regency_codes_bps.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=4)
def _changes(reference_dir: str) -> pd.DataFrame:
    table = pd.read_csv(Path(reference_dir) / "regency_code_changes.csv", dtype=str, keep_default_na=False)
    table["valid_until"] = table["valid_until"].astype(int)
    return table


def load_crosswalk(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """The 514 current kab/kota with both codes, all as text: ``regency_code`` (Kemendagri
    "kk.kk"), ``bps_code`` ("kkkk"), ``bps_name``, ``bps_name_2020``, ``kemendagri_name``, both
    province codes, ``same_code`` and the ``source`` of each row. Read once, copied per call."""
    return _crosswalk(str(reference_dir)).copy()


def load_code_changes(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """Codes of the 2022 Papua split, per ``system``: each ``old_code`` with the ``new_code``
    it became and ``valid_until``, the last year data carry the old code. An old province code
    has one row per province it became, so it cannot be mapped to one of them."""
    return _changes(str(reference_dir)).copy()


@dataclass(frozen=True)
class _Maps:
    """Lookups of both systems, codes as digits only ("1101", "91")."""

    to_kemendagri: dict[str, str]          # current BPS code -> Kemendagri "kk.kk"
    to_bps: dict[str, str]                 # Kemendagri "kk.kk" -> current BPS code
    current: dict[str, frozenset[str]]     # system -> its current kab/kota codes (digits)
    provinces: dict[str, frozenset[str]]   # system -> its current province codes
    province_to_kemendagri: dict[str, str]  # current BPS province -> Kemendagri province
    renamed: dict[str, dict[str, tuple[str, int]]]      # system -> old code -> (new code, valid_until)
    split: dict[str, dict[str, tuple[tuple[str, ...], int]]]  # system -> old province -> (new, valid_until)
    names: dict[str, tuple[str, ...]]      # Kemendagri "kk.kk" -> every name the sources give it
    population: dict[str, float]           # Kemendagri "kk.kk" -> reference population


@lru_cache(maxsize=4)
def _maps(reference_dir: str) -> _Maps:
    xw = _crosswalk(reference_dir)
    changes = _changes(reference_dir)
    regencies = load_regencies(reference_dir)
    provinces = load_provinces(reference_dir)
    to_kemendagri = dict(zip(xw["bps_code"], xw["regency_code"]))
    renamed: dict[str, dict[str, tuple[str, int]]] = {s: {} for s in SYSTEMS}
    split: dict[str, dict[str, tuple[tuple[str, ...], int]]] = {s: {} for s in SYSTEMS}
    names: dict[str, list[str]] = {}
    for col in ("kemendagri_name", "bps_name", "bps_name_2020"):
        for code, name in zip(xw["regency_code"], xw[col]):
            names.setdefault(code, []).append(name)
    for row in changes.itertuples(index=False):
        old, new = _digits(row.old_code), _digits(row.new_code)
        if row.level == "province":
            before = split[row.system].get(old, ((), row.valid_until))[0]
            split[row.system][old] = ((*before, new), row.valid_until)
        else:
            renamed[row.system][old] = (new, row.valid_until)
            current = _dotted(new) if row.system == "kemendagri" else to_kemendagri[new]
            names[current].append(row.old_name)
    return _Maps(
        to_kemendagri=to_kemendagri,
        to_bps=dict(zip(xw["regency_code"], xw["bps_code"])),
        current={"kemendagri": frozenset(regencies["code_nodot"]), "bps": frozenset(xw["bps_code"])},
        provinces={"kemendagri": frozenset(provinces["province_code"]), "bps": frozenset(xw["bps_province_code"])},
        province_to_kemendagri=dict(zip(xw["bps_province_code"], xw["province_code"])),
        renamed=renamed,
        split=split,
        names={code: tuple(dict.fromkeys(n for n in ns if n)) for code, ns in names.items()},
        population=dict(zip(regencies["regency_code"], regencies["population"].astype(float))),
    )


# --------------------------------------------------------------------------- reading codes

_FOUR = re.compile(r"(\d{4})(?:\.0+)?")
_TWO = re.compile(r"(\d{2})(?:\.0+)?")
_DOTTED = re.compile(r"(\d{2})\.(\d{1,2})")


def _digits(code: Any) -> str | None:
    """A code as digits only: "1101" for a kab/kota, "11" for a province, None if unreadable.

    Accepts 1101, "1101", "1101.0", 1101.0 and the dotted "11.01"; "11.1" is "11.10" whose
    trailing zero a spreadsheet dropped (Kemendagri parts always have two digits)."""
    if code is None or isinstance(code, bool):
        return None
    if isinstance(code, (int, np.integer)):
        text = str(int(code))
    elif isinstance(code, (float, np.floating)):
        if math.isnan(code):
            return None
        text = str(int(code)) if float(code).is_integer() else repr(float(code))
    else:
        if code is pd.NA or code is pd.NaT:
            return None
        text = str(code).strip()
    for pattern, build in ((_FOUR, lambda m: m[1]), (_TWO, lambda m: m[1]),
                           (_DOTTED, lambda m: m[1] + m[2].ljust(2, "0"))):
        match = pattern.fullmatch(text)
        if match:
            return build(match)
    return None


def _dotted(digits: str) -> str:
    return digits if len(digits) == 2 else f"{digits[:2]}.{digits[2:]}"


def _as_series(values: Any) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, (str, bytes, int, float, np.generic)) or values is None:
        return pd.Series([values])
    return pd.Series(list(values))


def _year_list(year: Any, codes: pd.Series) -> list[float]:
    """One year per code: a scalar for all, or a sequence as long as ``codes``; None = unknown."""
    if year is None or (np.ndim(year) == 0 and not isinstance(year, (list, tuple))):
        value = math.nan if year is None or pd.isna(year) else float(year)
        return [value] * len(codes)
    years = pd.to_numeric(pd.Series(list(year.to_numpy() if isinstance(year, pd.Series) else year)),
                          errors="coerce")
    if len(years) != len(codes):
        raise ValueError(f"{len(years)} years for {len(codes)} codes")
    return years.astype(float).tolist()


def _check_system(system: str) -> None:
    if system not in SYSTEMS:
        raise ValueError(f"system must be one of {SYSTEMS}, not {system!r}")


# --------------------------------------------------------------------------- the Papua split


def _resolve(digits: str | None, year: float, system: str, maps: _Maps) -> tuple[str | None, str, tuple[str, ...]]:
    """Today's code (digits) for one code of ``system`` used in ``year`` (NaN: not known), or
    None with the reason and the codes it could be. Old kab/kota codes are never reused, so
    without a year they are mapped; an old province code of a split province is not."""
    if digits is None:
        return None, "not a code", ()
    early = math.isnan(year)
    if len(digits) == 2:
        if digits in maps.split[system]:
            new, until = maps.split[system][digits]
            if early or year <= until:
                when = "a year not given" if early else f"{int(year)}"
                return None, (f"{system} province {digits} of {when} was split into {', '.join(new)} "
                              f"(old code used until {until}); map it by kab/kota"), new
        if digits in maps.provinces[system]:
            return digits, "", ()
        return None, f"not a {system} province code", ()
    if digits in maps.current[system]:
        return digits, "", ()
    if digits in maps.renamed[system]:
        new, until = maps.renamed[system][digits]
        if early or year <= until:
            return new, "", ()
        today = _format(new, system)
        return None, f"old {system} code, used until {until}, found in {int(year)}; today {today}", (new,)
    return None, f"not a {system} kab/kota code", ()


def _format(digits: str | None, system: str) -> Any:
    if digits is None:
        return np.nan
    return _dotted(digits) if system == "kemendagri" else digits


def current_code(codes: Any, year: Any, system: str = "kemendagri",
                 reference_dir: str | Path = REFERENCE_DIR) -> pd.Series:
    """Today's code for each code of ``system`` used in ``year`` (a scalar or one per code;
    None if not known): pre-split Papua codes of their years become today's, current codes stay.
    NaN where no single code is right (an old province code split in several; not a code of the
    system); :func:`unmappable` says which and why. Kemendagri comes back "kk.kk", BPS "kkkk"."""
    _check_system(system)
    maps = _maps(str(reference_dir))
    series = _as_series(codes)
    years = _year_list(year, series)
    out = [_format(_resolve(_digits(c), y, system, maps)[0], system) for c, y in zip(series, years)]
    return pd.Series(out, index=series.index, dtype=object, name=series.name)


def unmappable(codes: Any, year: Any, system: str = "kemendagri",
               reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """The codes :func:`current_code` returns NaN for, once per code and year: ``code`` (as
    given), ``year``, ``reason`` and the ``candidates`` it could be, so a caller can refuse and
    name the mapping it needs (for example the kab/kota codes behind a split province)."""
    _check_system(system)
    maps = _maps(str(reference_dir))
    series = _as_series(codes)
    rows = []
    for code, y in zip(series, _year_list(year, series)):
        if code is None or (not isinstance(code, str) and pd.isna(code)):
            continue
        resolved, reason, candidates = _resolve(_digits(code), y, system, maps)
        if resolved is None:
            rows.append({"code": str(code), "year": None if math.isnan(y) else int(y), "reason": reason,
                         "candidates": ", ".join(_format(c, system) for c in candidates)})
    return pd.DataFrame(rows, columns=["code", "year", "reason", "candidates"]).drop_duplicates(ignore_index=True)


# --------------------------------------------------------------------------- translating


def bps_to_kemendagri(codes: Any, year: Any = None, reference_dir: str | Path = REFERENCE_DIR) -> pd.Series:
    """Kemendagri code ("kk.kk") for each BPS code (1101, "1101", "1101.0" or "11.01"); NaN
    where unknown. With ``year``, pre-split Papua BPS codes of that year are read as such
    (without one they are mapped too, since no old kab/kota code was reused). Province codes
    are translated as provinces, except an old province that was split."""
    maps = _maps(str(reference_dir))
    series = _as_series(codes)
    out = []
    for code, y in zip(series, _year_list(year, series)):
        bps = _resolve(_digits(code), y, "bps", maps)[0]
        if bps is None:
            out.append(np.nan)
        elif len(bps) == 2:
            out.append(maps.province_to_kemendagri.get(bps, np.nan))
        else:
            out.append(maps.to_kemendagri[bps])
    return pd.Series(out, index=series.index, dtype=object, name=series.name)


def kemendagri_to_bps(codes: Any, year: Any = None, reference_dir: str | Path = REFERENCE_DIR) -> pd.Series:
    """Current BPS code ("kkkk") for each Kemendagri code ("11.09", "1109", 1109, "11.9" read
    as "11.90"); NaN where unknown. Pre-split Papua codes are mapped as in :func:`current_code`."""
    maps = _maps(str(reference_dir))
    to_bps_province = {k: b for b, k in maps.province_to_kemendagri.items()}
    series = _as_series(codes)
    out = []
    for code, y in zip(series, _year_list(year, series)):
        kem = _resolve(_digits(code), y, "kemendagri", maps)[0]
        if kem is None:
            out.append(np.nan)
        elif len(kem) == 2:
            out.append(to_bps_province.get(kem, np.nan))
        else:
            out.append(maps.to_bps[_dotted(kem)])
    return pd.Series(out, index=series.index, dtype=object, name=series.name)


# --------------------------------------------------------------------------- which system


@dataclass(frozen=True)
class CodeSystemFinding:
    """Which code system a column of kab/kota codes uses, and the evidence.

    ``system`` is "kemendagri", "bps" or "unknown". ``systems_agree`` is True when every code
    present means the same kab/kota in both systems (then reading it as Kemendagri is right
    either way). ``provinces`` gives the reading of each province (by the codes' first two
    digits): "kemendagri", "bps", "agree" (codes the same in both), "undecided" or "mixed".
    ``examples`` are codes that mean different kab/kota: (code, Kemendagri name, BPS name,
    name given in the file or None)."""

    system: str
    systems_agree: bool
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    provinces: dict[str, str] = field(default_factory=dict)
    examples: tuple[tuple[str, str | None, str | None, str | None], ...] = ()


_PREFIXES = (("KOTA ", "kota"), ("KABUPATEN ", "kab"), ("KAB ", "kab"))


def _name_key(name: Any) -> tuple[str | None, str, str] | None:
    """(type, core, squashed) of a kab/kota name, comparable across spellings: case, accents,
    punctuation and spacing dropped, "Kab."/"Kabupaten"/"Kota"/"Adm." prefixes taken off (the
    type kept), "Kep." read as "Kepulauan". ``squashed`` keeps the prefix, for names such as
    "Kota Baru" (a kabupaten) whose first word only looks like one."""
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return None
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().upper()
    words = re.sub(r"[^A-Z0-9]+", " ", text).split()
    text = " ".join("KEPULAUAN" if w == "KEP" else w for w in words if w not in ("ADM", "ADMINISTRASI"))
    squashed = text.replace(" ", "")
    kind = None
    for prefix, what in _PREFIXES:
        if text.startswith(prefix):
            kind, text = what, text[len(prefix):]
            break
    core = text.replace(" ", "")
    return (kind, core, squashed) if core else None


def _names_match(name: Any, regency: str | None, maps: _Maps) -> bool:
    key = _name_key(name)
    if key is None or regency is None:
        return False
    kind = "kota" if int(regency[-2:]) >= 71 else "kab"
    for alias in maps.names.get(regency, ()):
        other = _name_key(alias)
        if other is None:
            continue
        if key[1] == other[1] and key[0] in (None, kind):
            return True
        if key[2] == other[2]:
            return True
    return False


def _readings(digits: str, maps: _Maps) -> tuple[str | None, str | None]:
    """The kab/kota (today's Kemendagri code) a four-digit code means under each system."""
    kem = _resolve(digits, math.nan, "kemendagri", maps)[0]
    bps = _resolve(digits, math.nan, "bps", maps)[0]
    return (_dotted(kem) if kem else None), (maps.to_kemendagri[bps] if bps else None)


def _rank_corr(x: pd.Series, y: pd.Series) -> float:
    if x.nunique() < 2 or y.nunique() < 2:
        return math.nan
    return float(np.corrcoef(x.rank().to_numpy(), y.rank().to_numpy())[0, 1])


def _log_spread(values: np.ndarray, reference: list[float], swapped: np.ndarray) -> float:
    """How far the codes whose readings differ (``swapped``) stray from the province's share of
    the reference population: the mean absolute deviation of their log(value / reference) from
    the province's median. Under the right reading it is small (a population or labour force is
    a stable share of the reference); under the wrong one the swapped kab/kota stand out, however
    few they are."""
    ref = np.asarray(reference, dtype=float)
    ok = (values > 0) & (ref > 0)
    if ok.sum() < 3 or not (ok & swapped).any():
        return math.nan
    lr = np.log(values[ok] / ref[ok])
    return float(np.mean(np.abs(lr[swapped[ok]] - np.median(lr))))


def _province_verdict(stats: dict[str, Any]) -> str:
    """One province's reading from its evidence, strongest first: names (one reading must
    match at least five times as often as the other), codes that exist in only one system,
    then the rank correlation with the reference population."""
    if stats["informative"] == 0:
        return "agree"
    if stats["names_k"] or stats["names_b"]:
        win, lose = sorted((stats["names_k"], stats["names_b"]), reverse=True)
        if lose > 0.2 * win:
            return "mixed"
        return "kemendagri" if stats["names_k"] > stats["names_b"] else "bps"
    if stats["only_k"] and stats["only_b"]:
        return "mixed"
    if stats["only_k"] or stats["only_b"]:
        return "kemendagri" if stats["only_k"] else "bps"
    rk, rb = stats["corr_k"], stats["corr_b"]
    if not (math.isnan(rk) or math.isnan(rb)):
        if rk - rb >= _CORR_MARGIN and rk >= _MIN_CORR:
            return "kemendagri"
        if rb - rk >= _CORR_MARGIN and rb >= _MIN_CORR:
            return "bps"
    sk, sb = stats.get("spread_k", math.nan), stats.get("spread_b", math.nan)
    if not (math.isnan(sk) or math.isnan(sb)):
        if sb >= _SPREAD_RATIO * sk and sb >= _MIN_SPREAD:
            return "kemendagri"
        if sk >= _SPREAD_RATIO * sb and sk >= _MIN_SPREAD:
            return "bps"
    return "undecided"


def detect_code_system(codes: Any, names: Any = None, population: Any = None,
                       reference_dir: str | Path = REFERENCE_DIR) -> CodeSystemFinding:
    """Whether a column of kab/kota codes is keyed by Kemendagri or by BPS codes.

    A BPS-keyed file loads without an error (in 20 provinces every BPS code is also a
    Kemendagri code), so this weighs, per province: ``names`` given beside the codes (each
    (code, name) compared with the name each system gives that code); codes that exist in only
    one system; and, with ``population`` (or labour force) per row, the rank correlation of the
    values with the reference population under each reading. "1101" and "11.01" are read alike:
    the way a code is written says nothing about its system. Pre-split Papua codes of both
    systems count as codes of that system. Provinces that disagree make the answer "unknown"."""
    maps = _maps(str(reference_dir))
    series = _as_series(codes).reset_index(drop=True)
    keys = series.astype(object).where(series.notna(), None)
    digits = {c: _digits(c) for c in pd.unique(keys)}  # each distinct code parsed once
    frame = pd.DataFrame({"given": series, "digits": [digits[c] for c in keys]})
    for column, given in (("name", names), ("value", population)):
        if given is None:
            frame[column] = None if column == "name" else np.nan
            continue
        given = _as_series(given).reset_index(drop=True)
        if len(given) != len(series):
            raise ValueError(f"{len(series)} codes but {len(given)} {'names' if column == 'name' else 'values'}")
        frame[column] = given if column == "name" else pd.to_numeric(given, errors="coerce")
    present = frame["given"].notna() & (frame["given"].astype(str).str.strip() != "")
    dotted_share = float(frame.loc[present, "given"].astype(str).str.strip().str.fullmatch(_DOTTED.pattern).mean()) \
        if present.any() else 0.0
    kab = frame[frame["digits"].str.len().eq(4).fillna(False)]
    distinct = pd.Series(kab["digits"].unique())
    readings = {d: _readings(d, maps) for d in distinct}
    unknown = sorted(d for d, (k, b) in readings.items() if k is None and b is None)
    informative = {d for d, (k, b) in readings.items() if k != b and (k or b)}

    values = kab.loc[kab["value"] > 0].groupby("digits")["value"].median()
    named = kab.dropna(subset=["name"]).drop_duplicates(["digits", "name"])
    named = named[named["digits"].isin(informative)]
    match_k = {(r.digits, r.name): _names_match(r.name, readings[r.digits][0], maps) for r in named.itertuples()}
    match_b = {(r.digits, r.name): _names_match(r.name, readings[r.digits][1], maps) for r in named.itertuples()}

    per_province: dict[str, dict[str, Any]] = {}
    valid = [d for d in distinct if d not in unknown]
    for province in sorted({d[:2] for d in valid}):
        ds = [d for d in valid if d[:2] == province]
        both = [d for d in ds if None not in readings[d] and d in values.index]
        stats: dict[str, Any] = {
            "codes": len(ds),
            "informative": sum(d in informative for d in ds),
            "only_k": sum(readings[d][1] is None for d in ds),
            "only_b": sum(readings[d][0] is None for d in ds),
            "names_k": sum(v for (d, _), v in match_k.items() if d[:2] == province),
            "names_b": sum(v for (d, _), v in match_b.items() if d[:2] == province),
            "corr_k": math.nan, "corr_b": math.nan,
        }
        if len(both) >= 4 and sum(d in informative for d in both) >= 2:
            x = values.loc[both].reset_index(drop=True)
            stats["corr_k"] = _rank_corr(x, pd.Series([maps.population[readings[d][0]] for d in both]))
            stats["corr_b"] = _rank_corr(x, pd.Series([maps.population[readings[d][1]] for d in both]))
        stats["spread_k"] = stats["spread_b"] = math.nan
        if len(both) >= 3 and any(d in informative for d in both):
            x = values.loc[both].to_numpy(float)
            swapped = np.array([d in informative for d in both])
            stats["spread_k"] = _log_spread(x, [maps.population[readings[d][0]] for d in both], swapped)
            stats["spread_b"] = _log_spread(x, [maps.population[readings[d][1]] for d in both], swapped)
        stats["reading"] = _province_verdict(stats)
        per_province[province] = stats

    verdicts = {p: s["reading"] for p, s in per_province.items()}
    used = [s for s in per_province.values() if not math.isnan(s["corr_k"])]
    weight = sum(s["informative"] for s in used)
    evidence = {
        "rows": int(len(frame)), "codes": int(len(distinct)), "codes_not_in_either_system": len(unknown),
        "codes_meaning_different_regencies": len(informative),
        "codes_only_kemendagri": sum(s["only_k"] for s in per_province.values()),
        "codes_only_bps": sum(s["only_b"] for s in per_province.values()),
        "dotted_share": round(dotted_share, 3),
        "names_compared": len(named),
        "name_matches_kemendagri": int(sum(match_k.values())), "name_matches_bps": int(sum(match_b.values())),
        "provinces_compared_by_population": len(used),
        "rank_corr_kemendagri": (round(sum(s["corr_k"] * s["informative"] for s in used) / weight, 3)
                                 if weight else None),
        "rank_corr_bps": (round(sum(s["corr_b"] * s["informative"] for s in used) / weight, 3)
                          if weight else None),
        "unknown_code_examples": unknown[:5],
    }
    examples = []
    for d in sorted(informative)[:5]:
        row = kab[kab["digits"] == d].iloc[0]
        k, b = readings[d]
        examples.append((str(row["given"]), maps.names[k][0] if k else None, maps.names[b][0] if b else None,
                         None if row["name"] is None or pd.isna(row["name"]) else str(row["name"])))
    system, message = _overall(verdicts, evidence)
    return CodeSystemFinding(system=system, systems_agree=bool(verdicts) and set(verdicts.values()) == {"agree"},
                             message=message, evidence=evidence, provinces=verdicts, examples=tuple(examples))


def _overall(verdicts: dict[str, str], evidence: dict[str, Any]) -> tuple[str, str]:
    """The file's system from its provinces' readings, and a sentence saying why."""
    found = {v: sorted(p for p, r in verdicts.items() if r == v) for v in ("kemendagri", "bps", "mixed", "undecided")}
    if not verdicts or evidence["codes_not_in_either_system"] > evidence["codes"] / 2:
        return "unknown", (f"{evidence['codes_not_in_either_system']} of {evidence['codes']} codes are kab/kota "
                           "codes of neither system")
    if set(verdicts.values()) == {"agree"}:
        return "kemendagri", (f"all {evidence['codes']} codes mean the same kab/kota in BPS and Kemendagri "
                              "numbering; the systems agree here")
    if found["mixed"] or (found["kemendagri"] and found["bps"]):
        return "unknown", ("the provinces disagree: read as Kemendagri " + (", ".join(found["kemendagri"]) or "none")
                           + "; as BPS " + (", ".join(found["bps"]) or "none")
                           + "; both kinds of code in " + (", ".join(found["mixed"]) or "none"))
    agree = sum(r == "agree" for r in verdicts.values())
    for system in SYSTEMS:
        if found[system]:
            rest = (f"; {len(found['undecided'])} more whose codes are valid in both systems without names or "
                    f"population to tell: {', '.join(found['undecided'])}") if found["undecided"] else ""
            return system, (f"read as {system}: provinces {', '.join(found[system])}; {agree} provinces have the same "
                            f"codes in both systems{rest}")
    return "unknown", ("the codes are valid in both systems but mean different kab/kota in provinces "
                       + ", ".join(found["undecided"]) + "; give names or population to tell them apart")
