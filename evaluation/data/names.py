"""Kab/kota names as people write them -> Kemendagri codes, never onto the wrong regency.

BPS tables, governor decrees and Kemnaker lists name regencies, not codes, and spell them
their own way: "Kab. Bogor", "Kota Bogor", a bare "Manado" under a ``Kota`` sub-header,
"Pare Pare", "Kab. Adm. Kep. Seribu", an old name ("Toba Samosir"). A name is reduced to a
key (prefixes, case, spacing, punctuation, abbreviations), looked up in the reference
regencies (``data/reference/regencies.csv``) and in the sourced alias table
(``data/reference/regency_aliases.csv``), inside the table's province when it is known. A
name that matches nothing, or more than one regency, is an error that lists it with the
closest reference names: nothing is guessed and nothing is dropped.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from evaluation.config import REFERENCE_DIR

from .reference import is_kota, load_provinces, load_regencies

KABUPATEN, KOTA = "kabupaten", "kota"

#: Abbreviations expanded before a name is compared (after punctuation is removed).
_ABBREVIATIONS = {
    "kab": "kabupaten", "kabu": "kabupaten", "regency": "kabupaten",
    "kot": "kota", "kotamadya": "kota", "kodya": "kota", "kotif": "kota", "city": "kota", "municipality": "kota",
    "kep": "kepulauan", "kepl": "kepulauan",
    "adm": "administrasi", "administratif": "administrasi",
    "prov": "provinsi", "propinsi": "provinsi", "province": "provinsi",
}
#: Words that carry no identity: "Kabupaten Administrasi Kepulauan Seribu" = "Kepulauan Seribu";
#: "Pangkajene dan Kepulauan" = "Pangkajene Kepulauan".
_NOISE = {"administrasi", "dan"}
#: Spelling variants written either way in official lists: the Kutai/Malay "Ulu" for "Hulu"
#: (upstream), as in Kabupaten Mahakam Ulu, often written "Mahakam Hulu".
_SPELLING = {"hulu": "ulu"}
#: Province prefixes: "DKI Jakarta", "D.I. Yogyakarta", "Provinsi Jawa Tengah".
_PROVINCE_WORDS = {"dki": ["daerah", "khusus", "ibukota"], "di": ["daerah", "istimewa"], "diy": ["daerah", "istimewa", "yogyakarta"]}
_PROVINCE_LEADS = (["daerah", "khusus", "ibukota"], ["daerah", "khusus"], ["daerah", "istimewa"])

ALIAS_FILE = "regency_aliases.csv"


class NameMatchError(ValueError):
    """Names that match no regency, or more than one; each issue lists the closest reference names."""

    def __init__(self, issues: Sequence["NameIssue"]):
        self.issues = list(issues)
        super().__init__(f"{len(self.issues)} kab/kota name(s) not matched:\n" + "\n".join(f"- {i}" for i in self.issues))


@dataclass(frozen=True)
class NameIssue:
    """One name that could not be placed: ``problem`` is "unknown" or "ambiguous"."""

    name: str
    problem: str
    message: str
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        tail = f"; closest reference names: {', '.join(self.suggestions)}" if self.suggestions and self.problem == "unknown" else ""
        return f"{self.name!r}: {self.message}{tail}"


@dataclass(frozen=True)
class Parsed:
    """A name reduced for comparison: its explicit type (if written) and its keys."""

    raw: str
    kind: str | None  # kabupaten | kota | None when the name does not say
    key: str  # the name without its type word, e.g. "bogor"
    whole: str  # the name with its type word, e.g. "kotabaru" for "Kota Baru" (a kabupaten)
    keys: tuple[str, ...] = field(default=())  # key and its variants (leading "kepulauan" dropped)


@dataclass
class NameMatch:
    """Codes for the names of one table, the province they were matched in, and how."""

    codes: dict[tuple[str, str | None, str | None], str]
    province: str | None
    notes: list[str] = field(default_factory=list)

    def code(self, name: str, kind: str | None = None, province: str | None = None) -> str:
        return self.codes[(name, kind, province if province is not None else self.province)]


# --------------------------------------------------------------------------- normalising


def _tokens(text: str) -> list[str]:
    """Lower-case words of a name: accents, punctuation, hyphens and footnote marks removed,
    abbreviations expanded ("Kab. Adm. Kep. Seribu" -> kabupaten administrasi kepulauan seribu)."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"\s\d\)\s*$|\(\d\)\s*$|\*+", " ", text.lower())  # footnote marks: "Nduga *", "Bogor 1)"
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    merged: list[str] = []  # "D.I. Yogyakarta" -> di yogyakarta
    for w in words:
        if len(w) == 1 and merged and len(merged[-1]) < 3 and merged[-1].isalpha() and merged[-1] not in _ABBREVIATIONS:
            merged[-1] += w
        else:
            merged.append(w)
    out: list[str] = []
    for w in merged:
        out.extend(_PROVINCE_WORDS.get(w) or [_ABBREVIATIONS.get(w, w)])
    return out


def _join(words: Iterable[str]) -> str:
    """The comparison key: words without noise, spelling unified, spaces removed
    ("Pare Pare" = "Parepare", "Bau-Bau" = "Baubau", "Labuhan Batu" = "Labuhanbatu")."""
    return "".join(_SPELLING.get(w, w) for w in words if w not in _NOISE)


def parse(name: str) -> Parsed:
    """Split a written name into its type (Kabupaten/Kota, leading, or trailing as in "Bogor, Kab."
    or "Bogor Regency") and its key."""
    words = _tokens(name)
    kind = None
    raw = str(name).lower().strip()
    trailing = re.search(r"[,(]\s*(kab|kabupaten|kota)\W*$|\s(regency|city|municipality)$", raw)
    if len(words) > 1 and words[-1] in (KABUPATEN, KOTA) and trailing:
        kind, words = words[-1], words[:-1]
    whole = _join(words)
    if kind is None and len(words) > 1 and words[0] in (KABUPATEN, KOTA):
        kind, words = words[0], words[1:]
    key = _join(words)
    keys = [key]
    if len(words) > 1 and words[0] == "kepulauan":  # "Siau Tagulandang Biaro" = "Kep. Siau Tagulandang Biaro"
        keys.append(_join(words[1:]))
    return Parsed(str(name), kind, key, whole, tuple(dict.fromkeys(keys)))


def normalise(name: str) -> str:
    """The comparison key of a name, type word included ("Kab. Bogor" -> "kabupatenbogor")."""
    return _join(_tokens(name))


# --------------------------------------------------------------------------- reference index


@dataclass(frozen=True)
class _Entry:
    code: str
    kind: str
    province: str
    name: str
    via: str  # "reference" or the alias's basis ("renamed", "abbreviation", ...)


@dataclass(frozen=True)
class _Index:
    by_key: dict[str, tuple[_Entry, ...]]
    names: dict[str, str]  # code -> reference name
    provinces: dict[str, str]  # province code -> name
    province_keys: dict[str, str]  # key -> province code
    display: dict[str, tuple[str, ...]]  # key -> reference names (for suggestions)


def load_aliases(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """The sourced alias table: ``alias``, ``kind``, ``regency_code``, ``name``, ``basis``, ``source``."""
    path = Path(reference_dir) / ALIAS_FILE
    if not path.exists():
        return pd.DataFrame(columns=["alias", "kind", "regency_code", "name", "basis", "source"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@lru_cache(maxsize=4)
def _index(reference_dir: str = str(REFERENCE_DIR)) -> _Index:
    regencies = load_regencies(reference_dir)
    by_key: dict[str, list[_Entry]] = {}
    display: dict[str, list[str]] = {}

    def add(key: str, entry: _Entry) -> None:
        if entry not in by_key.setdefault(key, []):
            by_key[key].append(entry)

    for r in regencies.itertuples(index=False):
        kind = str(r.type).lower()
        entry = _Entry(r.regency_code, kind, r.province_code, r.name, "reference")
        for text in (r.name, f"{r.type} {r.short_name}"):
            for key in parse(text).keys:
                add(key, entry)
        display.setdefault(parse(r.name).key, []).append(r.name)
    names = dict(zip(regencies["regency_code"], regencies["name"]))
    for a in load_aliases(reference_dir).itertuples(index=False):
        code = a.regency_code
        kind = a.kind if a.kind in (KABUPATEN, KOTA) else (KOTA if is_kota(code) else KABUPATEN)
        for key in parse(a.alias).keys:
            add(key, _Entry(code, kind, code.split(".")[0], names[code], a.basis or "alias"))
    provinces = load_provinces(reference_dir)
    pnames = dict(zip(provinces["province_code"], provinces["name"]))
    pkeys: dict[str, str] = {}
    for code, pname in pnames.items():
        words = _tokens(pname)
        pkeys[_join(words)] = code
        for lead in _PROVINCE_LEADS:
            if words[: len(lead)] == lead and len(words) > len(lead):
                pkeys.setdefault(_join(words[len(lead):]), code)
    return _Index({k: tuple(v) for k, v in by_key.items()}, names, pnames, pkeys,
                  {k: tuple(v) for k, v in display.items()})


# --------------------------------------------------------------------------- provinces


def province_code(name: str) -> str | None:
    """The Kemendagri code of a province written by name ("DKI Jakarta", "Prov. Jawa Tengah",
    "Sulawesi Utara"), or of a code ("33"); None if it names no province."""
    text = str(name).strip()
    idx = _index()
    if re.fullmatch(r"\d{2}", text):
        return text if text in idx.provinces else None
    words = _tokens(text)
    if words and words[0] == "provinsi":
        words = words[1:]
    return idx.province_keys.get(_join(words))


def is_explicit_province(name: str) -> bool:
    """True when a name is marked as a province ("Provinsi Bengkulu", "DKI Jakarta", "D.I. Yogyakarta"),
    not just spelled like one that is also a kota ("Bengkulu")."""
    words = _tokens(name)
    return bool(words) and (words[0] == "provinsi" or words[:2] == ["daerah", "istimewa"] or words[:2] == ["daerah", "khusus"])


def province_name(code: str) -> str:
    return _index().provinces.get(code, code)


def regency_name(code: str) -> str:
    return _index().names.get(code, code)


# --------------------------------------------------------------------------- matching


def candidates(name: str, *, kind: str | None = None, province: str | None = None) -> list[str]:
    """Codes a name can mean: the type written in the name wins over ``kind`` (a sub-header's
    Kabupaten/Kota); ``province`` restricts to one province."""
    p = parse(name)
    idx = _index()
    wanted = p.kind or kind
    found: list[_Entry] = []
    for key in p.keys:
        found += [e for e in idx.by_key.get(key, ()) if wanted is None or e.kind == wanted]
    if p.kind is not None and p.whole != p.key:  # "Kota Baru" is Kabupaten Kotabaru, "Kotamobagu" a kota
        found += [e for e in idx.by_key.get(p.whole, ()) if kind is None or e.kind == kind]
    if province is not None:
        found = [e for e in found if e.province == province]
    return list(dict.fromkeys(e.code for e in found))


def suggest(name: str, *, province: str | None = None, n: int = 3, fallback: bool = True) -> tuple[str, ...]:
    """The closest reference names (difflib on the comparison keys), inside ``province`` if given
    (and, with ``fallback``, in the whole country when none is close there)."""
    idx = _index()
    p = parse(name)
    pool = {k: v for k, v in idx.display.items()
            if province is None or any(c.startswith(province + ".") for c in _codes_of(v))}
    keys = difflib.get_close_matches(p.key, list(pool), n=n, cutoff=0.6)
    if not keys and province is not None and fallback:
        return suggest(name, province=None, n=n)
    out = [nm for k in keys for nm in pool[k]]
    if p.kind is not None:
        out.sort(key=lambda nm: not nm.lower().startswith(p.kind))
    return tuple(dict.fromkeys(out))[:n]


@lru_cache(maxsize=1)
def _code_by_name() -> dict[str, str]:
    return {v: k for k, v in _index().names.items()}


def _codes_of(names: Iterable[str]) -> list[str]:
    lookup = _code_by_name()
    return [lookup[n] for n in names if n in lookup]


def infer_province(names: Iterable[str], kinds: Iterable[str | None] | None = None) -> str | None:
    """The province most of the names belong to (at least half of them), else None."""
    names = list(names)
    kinds = list(kinds) if kinds is not None else [None] * len(names)
    counts: Counter[str] = Counter()
    for name, kind in zip(names, kinds):
        for prov in {c.split(".")[0] for c in candidates(name, kind=kind)}:
            counts[prov] += 1
    if not counts:
        return None
    (best, n), *rest = counts.most_common(2) + [(None, 0)]
    return best if n * 2 >= len(names) and n > rest[0][1] else None


def _describe(codes: Sequence[str]) -> str:
    return ", ".join(f"{regency_name(c)} ({c})" for c in codes)


def match_names(
    entries: Iterable[tuple[str, str | None, str | None]] | Iterable[str],
    *,
    province: str | None = None,
) -> NameMatch:
    """Codes for the names of one table; raises :class:`NameMatchError` listing every name that
    matches nothing or more than one regency.

    ``entries`` are names, or ``(name, kind, province)`` with the Kabupaten/Kota context of a
    sub-header and a per-row province (``None``: the table's ``province``). A name that is both
    a kabupaten and a kota is resolved only when the table names the other one explicitly
    elsewhere ("Bogor" beside "Kota Bogor" is the kabupaten); otherwise it is ambiguous.
    """
    keys = [(e, None, None) if isinstance(e, str) else tuple(e) for e in entries]
    keys = [(n, k, p if p is not None else province) for n, k, p in keys]
    distinct = list(dict.fromkeys(keys))
    found = {key: candidates(key[0], kind=key[1], province=key[2]) for key in distinct}
    codes = {key: c[0] for key, c in found.items() if len(c) == 1}
    notes: list[str] = []
    taken = set(codes.values())
    issues: list[NameIssue] = []
    for key, cands in found.items():
        name, kind, prov = key
        if len(cands) == 1:
            _note_alias(name, cands[0], notes)
            continue
        if len(cands) > 1:
            left = [c for c in cands if c not in taken]
            if len(left) == 1:
                codes[key] = left[0]
                taken.add(left[0])
                notes.append(f"{name!r} read as {_describe(left)}: the table names {_describe([c for c in cands if c != left[0]])} separately")
                continue
            where = f" in {province_name(prov)}" if prov else ""
            issues.append(NameIssue(name, "ambiguous", f"matches {len(cands)} regencies{where}: {_describe(cands)}; "
                                    "write 'Kabupaten ...' or 'Kota ...', or put it under a Kabupaten/Kota sub-header",
                                    tuple(regency_name(c) for c in cands)))
            continue
        elsewhere = candidates(name, kind=kind) if prov else []
        if elsewhere:
            msg = (f"is not a kab/kota of {province_name(prov)} ({prov}); it matches {_describe(elsewhere)} "
                   "in another province")
        else:
            msg = "matches no kab/kota" + (f" of {province_name(prov)} ({prov})" if prov else "")
        issues.append(NameIssue(name, "unknown", msg, suggest(name, province=prov, fallback=not elsewhere)))
    if issues:
        raise NameMatchError(issues)
    return NameMatch(codes, province, notes)


def _note_alias(name: str, code: str, notes: list[str]) -> None:
    """Say when a name was placed through the alias table (an old name, an abbreviation)."""
    p = parse(name)
    entries = [e for key in p.keys for e in _index().by_key.get(key, ()) if e.code == code]
    if entries and all(e.via != "reference" for e in entries):
        notes.append(f"{name!r} read as {_describe([code])} ({entries[0].via}, {ALIAS_FILE})")


def regency_code(name: str, *, kind: str | None = None, province: str | None = None) -> str:
    """The Kemendagri code of one kab/kota name; raises :class:`NameMatchError` if it is not exactly one."""
    match = match_names([(name, kind, province)])
    return match.code(name, kind, province)
