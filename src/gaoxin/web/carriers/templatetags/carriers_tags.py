"""How a ``gaoxin.carriers.checks.Check`` row is shown (its value, threshold and gap, its mark).

Numbers go through ``gaoxin.io.display`` — the functions behind ``{% load gaoxin_format %}`` — so a
figure reads the same here as on every other page; this library adds only what is particular to a
check: a ratio threshold (no unit, between 0 and 1) is shown as a percentage, a yes/no condition as
是/否, and the mark met / not met / no data; ``check_name`` names the condition in the reader's language.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from gaoxin.io import display

register = template.Library()


def _text(value, as_pct: bool) -> str:
    if value is None or value == "":
        return display.MISSING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    try:
        return display.pct(value, 2) if as_pct else display.num(value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


@register.filter
def shown(check, attr="value"):
    """A check's value, threshold or gap, as a percentage when the threshold is a share (< 1, no unit)."""
    v = getattr(check, attr)
    t = check.threshold
    as_pct = not check.unit and not isinstance(t, bool) and t is not None and 0 < t < 1
    text = _text(v, as_pct)
    from gaoxin.web.carriers.services import check_unit

    shown_unit = check_unit(check.unit)  # 万元, 人, 个月 … in the reader's language
    return f"{text} {shown_unit}" if v is not None and shown_unit and not isinstance(v, bool) else text


@register.filter
def check_name(text):
    """A condition's name (a check's ``label`` or ``note``) in the reader's language."""
    from gaoxin.web.carriers.services import check_name as name

    return name(text or "")


@register.filter
def evidence(item) -> str:
    """A stored graduation evidence (``{"text": zh, "en": en, …}``) in the reader's language (a record
    stored before the English text was kept shows its Chinese)."""
    from gaoxin.web.platform.labels import label

    item = item or {}
    return label((item.get("text", ""), item.get("en", "")))


@register.filter
def evidences(items) -> str:
    """Every stored graduation evidence of a firm, in the reader's language, one after the other."""
    from gaoxin.web.platform.labels import english

    return ("; " if english() else "；").join(evidence(e) for e in items or ())


@register.filter
def plain(value):
    """A model input as shown: a number as ``num`` shows it, 是/否 for a yes/no, — for nothing."""
    return _text(value, False)


@register.filter
def mark(passed):
    return {True: _("met"), False: _("not met"), None: _("no data")}[passed]


@register.filter
def mark_class(passed):
    return {True: "ok", False: "bad", None: "warn"}[passed]
