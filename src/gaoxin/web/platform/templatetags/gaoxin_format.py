"""Template filters for numbers, money, percentages, units and counts: ``{% load gaoxin_format %}``.

Every filter is the matching function of ``gaoxin.io.display`` (one rounding rule, half up, for every
page; see that module), so a number shows the same on a page, in an export and in a message::

    {{ e.revenue|money }}            1,904,288.13 万元
    {{ v|num:2 }}  {{ n|num }}       1,904,288.13   1,204
    {{ ratio|pct }}  {{ r|pct:1 }}   0.03%   12.5%
    {{ value|unit:"revenue" }}       the data dictionary field's type and unit (money, ratio, 人, 件 …)
    {{ n|count }}  {{ n|count:"人" }} 1,204 家   35 人
    {{ m.name|label }}               a name in both languages, in the reader's (``platform.labels``)

A missing value shows as ``—``; a value that is not a number is shown as it is (a page never fails
on a stray cell).
"""

from __future__ import annotations

from django import template

from gaoxin.data.dictionary import field as dictionary_field
from gaoxin.io import display
from gaoxin.web.platform import labels

register = template.Library()


def _safe(fn, value, *args):
    try:
        return fn(value, *args)
    except (ValueError, TypeError):
        return "" if value is None else str(value)


@register.filter
def num(value, places=None):
    """Thousands separators; ``places`` decimals (half up); an integer without decimals."""
    return _safe(display.num, value, None if places in (None, "") else int(places))


@register.filter
def money(value):
    """万元 with two decimals, thousands separators and the unit."""
    return _safe(display.money, value)


@register.filter
def pct(value, places=2):
    """A ratio (0.5) as a percentage (50.00%), half up to ``places`` decimals."""
    return _safe(display.pct, value, int(places))


@register.filter
def count(value, unit="家"):
    """An integer count with its unit (家 by default; 人, 件 …)."""
    return _safe(display.count, value, unit)


@register.filter
def measure(value, unit=""):
    """A target's figure in its unit: whole for counts (家, 个, 人, 件 …), else ``num``."""
    return _safe(display.measure, value, unit or "")


@register.filter
def unit(value, field_id):
    """``value`` shown as the data dictionary field ``field_id`` (id or Chinese name) is shown."""
    f = dictionary_field(str(field_id))
    if f is None:
        return _safe(display.num, value)
    return _safe(display.with_unit, value, f.type, f.unit)


@register.filter
def label(value):
    """A ``{zh, en}`` name (a model's, a stage's, a field's) in the active language."""
    return labels.label(value)
