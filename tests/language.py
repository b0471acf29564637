"""Is this text English? A check for pages and sentences that should be in Bahasa Indonesia.

Two tests in one: :func:`catalogue_leaks` finds any English sentence of the catalogue
(:mod:`evaluation.text`) in a text, and :func:`english_words` finds English function words
(``the``, ``and``, ``of``, ...) that Indonesian never uses, so English made outside the
catalogue is caught too. Names of methods and people (``Callaway``, ``AIPW``) are not
function words and pass.
"""

from __future__ import annotations

import html as _html
import re

from evaluation.text import CATALOGUES

#: English words with no Indonesian homograph (``data``, ``model``, ``per``, ``no`` left out).
FUNCTION_WORDS = frozenset("""
the and of to in is are was were be been being with for from that this these those which
what when where who whom why how not than then there their they them its it's an or on at as
by would could should can cannot will only also each every any some more most less least
into onto over under after before between within without about against through during
has have had does did do done if else but so such very much many other another same both
either neither nor yet still just because while whether
""".split())
#: A word stands alone: letters inside a hash or code (``…2052be83…``) are not words.
_WORD = re.compile(r"(?<![0-9A-Za-z_])[A-Za-z][A-Za-z']*(?![0-9A-Za-z_])")


def english_words(text: str) -> list[str]:
    """The English function words in ``text`` (lower case, in order)."""
    return [w.lower() for w in _WORD.findall(text) if w.lower() in FUNCTION_WORDS]


def _fragments(template: str, min_length: int) -> list[str]:
    """The literal pieces of a catalogue text between its ``{placeholders}`` and markup."""
    pieces = re.split(r"\{[^}]*\}|\*\*|\*|`|\n|- ", template)
    return [p.strip(" .,:;()") for p in pieces if len(p.strip(" .,:;()")) >= min_length]


def catalogue_leaks(text: str, min_length: int = 24) -> list[str]:
    """English catalogue texts (their literal pieces of ``min_length`` characters or more)
    that appear in ``text`` although the Indonesian text differs."""
    en, id_ = CATALOGUES["en"], CATALOGUES["id"]
    found = []
    for key, value in en.items():
        if not isinstance(value, str) or value == id_.get(key):
            continue
        for piece in _fragments(value, min_length):
            if piece in text and piece not in id_.get(key, ""):
                found.append(f"{key}: {piece!r}")
    return found


def visible_text(page_html: str) -> str:
    """What a reader of a rendered page sees: no scripts, styles, code input or tags."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page_html)
    page = re.sub(r'(?is)<div class="[^"]*jp-InputArea[^"]*".*?</div>\s*</div>', " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", _html.unescape(page))
