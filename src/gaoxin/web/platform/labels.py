"""Names that come in both languages, shown in the reader's (the English switch).

A model's name, its stages, lists and indicators (``gaoxin.scoring.model.Label``), a data-dictionary
field and a ``(zh, en)`` pair all carry a Chinese and an English text. Pages never pick ``.zh`` by
hand: a template writes ``{{ m.name|label }}`` (``{% load gaoxin_format %}``), Python ``label(m.name)``.
Chinese is the default; English when the active language is English and the English text is not empty.

Values that are stored in Chinese — a high-tech field (电子信息), a listing board, a yes/no, a unit
(万元, 家, 人, 件 …), a qualification kind — are shown through ``choice``, ``unit`` and
``qualification``, which read the data dictionary's English names (``CHOICES_EN``, ``UNITS_EN``,
``QUALIFICATION_KINDS_EN``); ``with_unit`` puts a figure's unit in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import get_language

from gaoxin.data.dictionary import CHOICES_EN, QUALIFICATION_KINDS, QUALIFICATION_KINDS_EN, UNITS_EN


def english() -> bool:
    """Whether the active language is English."""
    return (get_language() or "").startswith("en")


def label(value) -> str:
    """``value``'s text in the active language: an object with ``zh`` and ``en`` or a ``(zh, en)``
    pair; anything else as ``str``; ``None`` as ``""``."""
    if value is None:
        return ""
    if isinstance(value, tuple) and len(value) == 2:
        zh, en = value
    elif hasattr(value, "zh"):
        zh, en = value.zh, getattr(value, "en", "")
    else:
        return str(value)
    return en if en and english() else zh


def choice(value) -> str:
    """A stored Chinese value (an enumeration's choice: 电子信息, 主板, 是 …) in the active language."""
    if value is None:
        return ""
    text = str(value)
    return CHOICES_EN.get(text, text) if english() else text


def qualification(kind: str) -> str:
    """A qualification kind (``hightech``) by its name in the active language."""
    if english():
        return QUALIFICATION_KINDS_EN.get(kind, kind)
    return QUALIFICATION_KINDS.get(kind, kind)


def unit(value: str) -> str:
    """A unit (万元, 家, 人 …) in the active language ("" where the number says it, e.g. a rank)."""
    text = value or ""
    return UNITS_EN.get(text, text) if english() else text


def with_unit(text: str, value_unit: str) -> str:
    """``text`` (a shown figure ending in `` <unit>``) with its unit in the active language."""
    if not english() or not value_unit or not text.endswith(" " + value_unit):
        return text
    shown = unit(value_unit)
    head = text[: -len(value_unit) - 1]
    return f"{head} {shown}" if shown else head
