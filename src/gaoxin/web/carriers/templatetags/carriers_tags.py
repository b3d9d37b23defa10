"""Small display filters for the carriers pages (numbers, shares, check marks)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value):
    """A Decimal or int without trailing zeros (two places at most); — for nothing; 是/否 for booleans."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    try:
        d = Decimal(str(value))
    except Exception:
        return value
    if d != d.to_integral_value():
        d = d.quantize(Decimal("0.01"))
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"


@register.filter
def share(value):
    """A 0–1 share as a percentage (75 %)."""
    if value is None or isinstance(value, bool):
        return num(value)
    d = Decimal(str(value)) * 100
    return f"{num(d)}%"


@register.filter
def shown(check, attr="value"):
    """A check's value or threshold, as a percentage when the threshold is a share (< 1, no unit)."""
    v = getattr(check, attr)
    t = check.threshold
    if isinstance(v, bool) or isinstance(t, bool):
        return num(v)
    if not check.unit and t is not None and 0 < t < 1:
        return share(v)
    return num(v) + (f" {check.unit}" if v is not None and check.unit else "")


@register.filter
def mark(passed):
    return {True: _("met"), False: _("not met"), None: _("no data")}[passed]


@register.filter
def mark_class(passed):
    return {True: "ok", False: "bad", None: "warn"}[passed]
