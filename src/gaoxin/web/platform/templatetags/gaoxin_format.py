"""Template filters for numbers, money, percentages, units and counts: ``{% load gaoxin_format %}``.

Every filter is the matching function of ``gaoxin.io.display`` (one rounding rule, half up, for every
page; see that module), so a number shows the same on a page, in an export and in a message::

    {{ e.revenue|money }}            1,904,288.13 万元
    {{ v|num:2 }}  {{ n|num }}       1,904,288.13   1,204
    {{ ratio|pct }}  {{ r|pct:1 }}   0.03%   12.5%
    {{ value|unit:"revenue" }}       the data dictionary field's type and unit (money, ratio, 人, 件 …)
    {{ n|count }}  {{ n|count:"人" }} 1,204 家   35 人
    {{ m.name|label }}               a name in both languages, in the reader's (``platform.labels``)
    {{ e.tech_field|choice }}        a stored Chinese value (电子信息, 是 …) in the reader's language
    {{ f.unit|unit_name }}           a unit (万元, 家 …) in the reader's language
    {{ tier|qualification }}         a qualification kind / ladder tier (hightech) by its name
    {{ page|page_numbers }}          the page numbers a pager shows (None: a gap)

Units follow the language too: with English active ``money`` ends in "10k yuan", ``count`` in
"firms" (``platform.labels.with_unit``).

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
    return labels.with_unit(_safe(display.money, value), "万元")


@register.filter
def pct(value, places=2):
    """A ratio (0.5) as a percentage (50.00%), half up to ``places`` decimals."""
    return _safe(display.pct, value, int(places))


@register.filter
def count(value, unit="家"):
    """An integer count with its unit (家 by default; 人, 件 …)."""
    return labels.with_unit(_safe(display.count, value, unit), unit)


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
    shown = "万元" if f.type == "money" else f.unit
    return labels.with_unit(_safe(display.with_unit, value, f.type, f.unit), shown)


@register.filter
def label(value):
    """A ``{zh, en}`` name (a model's, a stage's, a field's) in the active language."""
    return labels.label(value)


@register.filter
def choice(value):
    """A stored Chinese value (a high-tech field, a listing board, 是/否 …) in the active language."""
    return labels.choice(value)


@register.filter
def qualification(value):
    """A qualification kind or ladder tier (``hightech``) by its name in the active language."""
    return labels.qualification(str(value))


@register.filter
def unit_name(value):
    """A unit (万元, 家, 人, 件 …) in the active language."""
    return labels.unit(value)


@register.filter
def page_numbers(page, around=2):
    """The page numbers a pager links: the first, the last and ``around`` either side of the current
    one, ``None`` where numbers are left out (shown as …)."""
    try:
        last, current, around = page.paginator.num_pages, page.number, int(around)
    except (AttributeError, TypeError, ValueError):
        return []
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    out: list[int | None] = []
    for n in sorted(wanted):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current address with ``page`` set to ``number`` (the other parameters kept)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
