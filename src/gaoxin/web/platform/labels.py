"""Names that come in both languages, shown in the reader's (the English switch).

A model's name, its stages, lists and indicators (``gaoxin.scoring.model.Label``), a data-dictionary
field and a ``(zh, en)`` pair all carry a Chinese and an English text. Pages never pick ``.zh`` by
hand: a template writes ``{{ m.name|label }}`` (``{% load gaoxin_format %}``), Python ``label(m.name)``.
Chinese is the default; English when the active language is English and the English text is not empty.
"""

from __future__ import annotations

from django.utils.translation import get_language


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
