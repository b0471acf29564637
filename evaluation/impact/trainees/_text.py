"""Texts that results carry (warnings, reasons, names), readable in every catalogue language.

A result keeps its warnings and reasons as English strings; each is a :class:`Message`,
a ``str`` that also knows its catalogue key and values, so a page in another language
shows :func:`in_language` of it. Values that name something (an outcome,
a covariate) are shown as the code in English and in words elsewhere (:class:`Term`,
:class:`Covariate`).
"""

from __future__ import annotations

from evaluation.text import has, t

#: Island groups of :mod:`evaluation.impact.tracer` (``island_<group>`` dummies), with a catalogue name each.
ISLAND_GROUPS = ("sumatera", "jawa", "bali_nusa_tenggara", "kalimantan", "sulawesi", "maluku_papua", "other")
_POWERS = {2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶"}


def _rebuild(cls, text, state):
    obj = str.__new__(cls, text)
    obj.__dict__.update(state)
    return obj


class _Phrase(str):
    """A ``str`` (its English text) that renders itself in another language with :meth:`text`."""

    def __reduce__(self):
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))

    def text(self, language: str = "en") -> str:  # pragma: no cover - every subclass overrides it
        return str(self)


def in_language(value, language: str = "en"):
    """``value`` in ``language`` when it is a phrase; anything else as it is."""
    return value.text(language) if isinstance(value, _Phrase) else value


class Message(_Phrase):
    """The English text of catalogue entry ``key`` filled with ``values``; :meth:`text` gives it in
    any language (values that are phrases are rendered in that language too)."""

    def __new__(cls, key: str, /, **values):
        obj = super().__new__(cls, t(key, "en", **values))
        obj.key, obj.values = key, dict(values)
        return obj

    def text(self, language: str = "en") -> str:
        if language == "en":
            return str(self)
        return t(self.key, language, **{k: in_language(v, language) for k, v in self.values.items()})


class Term(_Phrase):
    """A value shown as ``shown`` in English and as catalogue entry ``key`` in other languages
    (``shown`` again when the catalogue has no such entry)."""

    def __new__(cls, shown: str, key: str):
        obj = super().__new__(cls, shown)
        obj.key = key
        return obj

    def text(self, language: str = "en") -> str:
        if language == "en" or not has(self.key, language):
            return str(self)
        return t(self.key, language)


def outcome_term(outcome: str) -> Term:
    """An outcome column: its name in English sentences, its words (``outcome.<name>``) elsewhere."""
    return Term(outcome, f"outcome.{outcome}")


class Covariate(_Phrase):
    """A covariate or propensity term: its name in English sentences, :func:`covariate_label` elsewhere."""

    def text(self, language: str = "en") -> str:
        return str(self) if language == "en" else covariate_label(str(self), language)


class Joined(_Phrase):
    """Phrases joined by ``sep``, each rendered in the language asked for."""

    def __new__(cls, items, sep: str = ", "):
        items = list(items)
        obj = super().__new__(cls, sep.join(str(i) for i in items))
        obj.items, obj.sep = items, sep
        return obj

    def text(self, language: str = "en") -> str:
        return self.sep.join(str(in_language(i, language)) for i in self.items)


def covariate_label(name: str, language: str = "en") -> str:
    """A covariate or propensity term in words (``"age*female"``: "age × female").

    Names the catalogue does not know (``trainees.covariate.<name>``) are shown as they are.
    """
    name = str(name)
    key = f"trainees.covariate.{name}"
    if has(key, language):
        return t(key, language)
    if "*" in name or ":" in name or "^" in name:
        from ._design import parse_term

        try:
            factors = parse_term(name)
        except ValueError:
            return name
        parts = [covariate_label(f, language) + (_POWERS.get(p, f"^{p}") if p > 1 else "") for f, p in factors]
        return " × ".join(parts)
    prefix, _, level = name.partition("_")
    if prefix == "year" and level.isdigit():
        return t("trainees.covariate.year_dummy", language, year=level)
    if prefix == "province" and level.isdigit():
        return t("trainees.covariate.province_dummy", language, code=level)
    if prefix == "island" and level in ISLAND_GROUPS:
        return t("trainees.covariate.island_dummy", language, group=t(f"trainees.island.{level}", language))
    return name


def outcome_label(outcome: str, language: str = "en") -> str:
    """An outcome in words in ``language`` (its column name when the catalogue has no entry)."""
    key = f"outcome.{outcome}"
    return t(key, language) if has(key, language) else str(outcome)
