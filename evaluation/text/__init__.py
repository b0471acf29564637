"""Every sentence a reader sees, in English and Bahasa Indonesia: one catalogue per language.

``t(key, language, **values)`` returns the text of ``key`` in ``language`` with ``values``
filled in (``str.format``); ``section(prefix, language)`` a label table. Each catalogue is a
package (:mod:`evaluation.text.en`, :mod:`evaluation.text.id`) of one module per area of the
project, merged; both hold the same keys (a test checks it). Domain terms follow the
ministry's usage: *tahap kemandirian*, *tumbuh* / *berkembang* / *mandiri*, *kejuruan*,
TPT, UMK.

The narrative of the notebooks is written in the notebooks, in English, so a researcher in
JupyterLab reads what a reviewer reads; its Indonesian is in
:mod:`evaluation.text.id.notebooks`, keyed by notebook and cell id, and
:func:`translate_notebook` puts it in place before a report run executes a notebook with
``language="id"``.
"""

from __future__ import annotations

import copy

from . import en, id as id_
from .id.notebooks import NARRATIVE

CATALOGUES = {"en": en.TEXT, "id": id_.TEXT}
LANGUAGES = tuple(CATALOGUES)
#: Translations of the notebooks' markdown cells, by language (English is the notebooks).
NARRATIVES = {"id": NARRATIVE}


class MissingText(KeyError):
    """A key the catalogue does not have (in that language)."""


def t(key: str, language: str = "en", /, **values) -> str:
    """The text of ``key`` in ``language``, with ``values`` filled in."""
    try:
        text = CATALOGUES[language][key]
    except KeyError:
        raise MissingText(f"no text {key!r} in language {language!r}") from None
    return text.format(**values) if values else text


def section(prefix: str, language: str = "en") -> dict:
    """Every text under ``prefix.`` in ``language``, keyed without the prefix (a label table)."""
    if language not in CATALOGUES:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, got {language!r}")
    start = prefix + "."
    return {k[len(start):]: v for k, v in CATALOGUES[language].items() if k.startswith(start)}


def has(key: str, language: str = "en") -> bool:
    return key in CATALOGUES.get(language, {})


def notebook_key(stem: str, cell_id: str) -> str:
    """Key of a notebook's markdown cell."""
    return f"nb.{stem}.{cell_id}"


def digest(text: str) -> str:
    """Short fingerprint of an English text, stored beside its translation."""
    from ..hashing import text_digest

    return text_digest(text.strip())[:12]


class StaleTranslation(LookupError):
    """A notebook cell whose translation is missing or translates an older English text."""


def translate_notebook(nb, stem: str, language: str):
    """A copy of notebook ``nb`` (nbformat) with its markdown cells in ``language``.

    Raises :class:`StaleTranslation` naming the cells whose translation is missing or was
    made for different English, rather than publishing a page half in each language. A
    notebook the catalogue does not know at all (a user's own) is returned as it is.
    """
    if language == "en":
        return nb
    narrative = NARRATIVES.get(language)
    if narrative is None:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, got {language!r}")
    if not any(key.startswith(notebook_key(stem, "")) for key in narrative):
        return nb
    out = copy.deepcopy(nb)
    stale = []
    for cell in out.cells:
        if cell.cell_type != "markdown":
            continue
        key = notebook_key(stem, cell.get("id", ""))
        entry = narrative.get(key)
        if entry is None or entry[0] != digest(cell.source):
            stale.append(key)
            continue
        cell.source = entry[1]
    if stale:
        raise StaleTranslation(f"no current {language} translation for {', '.join(stale)}: update "
                               f"evaluation/text/{language}/notebooks.py")
    out.metadata.setdefault("language_info", {})
    out.metadata["blkk_language"] = language
    return out
