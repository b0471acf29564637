"""The catalogue: the same keys and placeholders in both languages, every notebook paragraph
translated from its current English, and a page run in Indonesian reads Indonesian."""

from __future__ import annotations

import re
import string

import nbformat
import pytest

from evaluation.cli import default_notebooks
from evaluation.text import (CATALOGUES, NARRATIVES, StaleTranslation, digest, notebook_key, section, t,
                             translate_notebook)
from tests.language import catalogue_leaks, english_words

NOTEBOOKS = default_notebooks()


def placeholders(text) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    en, id_ = CATALOGUES["en"], CATALOGUES["id"]
    assert sorted(set(en) - set(id_)) == [] and sorted(set(id_) - set(en)) == []
    assert {k: placeholders(v) for k, v in en.items()} == {k: placeholders(v) for k, v in id_.items()}
    assert [k for k, v in en.items() if isinstance(v, tuple) and len(v) != len(id_[k])] == []


def test_indonesian_texts_are_indonesian():
    """No English function word in any Indonesian text (names and method names pass)."""
    found = {k: english_words(re.sub(r"\{[^}]*\}", "", v if isinstance(v, str) else " ".join(v)))
             for k, v in CATALOGUES["id"].items()}
    assert {k: w for k, w in found.items() if w} == {}


def test_the_language_checks_can_fail():
    assert english_words("the effect of training") == ["the", "of"]
    assert english_words("dampak pelatihan pada pendapatan; AIPW, Callaway-Sant'Anna") == []
    assert english_words("komit ff4d96b1de2052be832c4e48, data 9a0f3c") == []  # hashes are not words
    leak = CATALOGUES["en"]["quality.no_problems"]
    assert catalogue_leaks(f"<p>{leak}</p>") and not catalogue_leaks(CATALOGUES["id"]["quality.no_problems"])


def test_texts_fill_in_values_and_missing_keys_fail_loudly():
    assert t("headline.of", "id", n=3, total=10) == "3 dari 10"
    assert section("footer", "id")["contents"] == "Daftar isi"
    with pytest.raises(KeyError, match="no text"):
        t("no.such.key", "en")
    with pytest.raises(ValueError, match="language"):
        section("footer", "fr")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_paragraph_has_a_current_translation(path):
    nb = nbformat.read(path, as_version=4)
    narrative = NARRATIVES["id"]
    missing, stale = [], []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        key = notebook_key(path.stem, cell.id)
        if key not in narrative:
            missing.append(key)
        elif narrative[key][0] != digest(cell.source):
            stale.append(key)
    assert (missing, stale) == ([], [])
    translated = translate_notebook(nb, path.stem, "id")
    for cell in translated.cells:
        if cell.cell_type == "markdown":
            assert english_words(cell.source) == [], cell.source[:200]


def test_no_translation_is_left_over_from_a_removed_cell():
    keys = {notebook_key(p.stem, c.id) for p in NOTEBOOKS for c in nbformat.read(p, as_version=4).cells
            if c.cell_type == "markdown"}
    assert sorted(set(NARRATIVES["id"]) - keys) == []


def test_a_changed_paragraph_stops_the_indonesian_run_instead_of_mixing_languages():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    first.source += "\n\nA sentence added in English."
    with pytest.raises(StaleTranslation, match=notebook_key(NOTEBOOKS[0].stem, first.id)):
        translate_notebook(nb, NOTEBOOKS[0].stem, "id")
    assert translate_notebook(nb, NOTEBOOKS[0].stem, "en") is nb
    # a notebook the catalogue does not know (a user's own) runs as it is
    assert translate_notebook(nb, "my_own_analysis", "id") is nb
