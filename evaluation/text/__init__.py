"""Every sentence a reader sees, in English and Bahasa Indonesia: one catalogue per language.

``t(key, language, **values)`` returns the text of ``key`` in ``language`` with ``values``
filled in (``str.format``). The catalogues (:mod:`evaluation.text.en`,
:mod:`evaluation.text.id`) hold the same keys (a test checks it): narrative of the notebooks
(key ``nb.<notebook>.<cell id>``, the English text being exactly the notebook's markdown cell,
so a researcher in JupyterLab reads what a reviewer reads), headlines, sentences made by the
package, table headers and labels. Domain terms follow the ministry's usage: *tahap
kemandirian*, *tumbuh* / *berkembang* / *mandiri*, *kejuruan*, TPT, UMK.
"""

from __future__ import annotations

from . import en, id as id_

CATALOGUES = {"en": en.TEXT, "id": id_.TEXT}
LANGUAGES = tuple(CATALOGUES)


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
