"""How numbers are shown: one rounding rule for every page, export and message (pure, no Django).

The rule: a value is made exact first (``Decimal`` as is; an ``int`` as is; a ``float`` through its
shortest ``repr``, so 0.00025 is 0.00025 and not the binary 0.000250000000000000005…), then rounded
**half up** (``ROUND_HALF_UP``: 0.025 → 0.03, -0.025 → -0.03) to the places shown. A ratio shown as
a percentage is multiplied by 100 before rounding, so 0.00025 shows as ``0.03%`` everywhere. The
value itself is never rounded where it is stored or compared — only the text.

``num`` groups thousands with ``,`` (1904288.13 → ``1,904,288.13``); an ``int`` shows no decimals.
``money`` is 万元 with two decimals and the unit; ``count`` an integer count with its unit (家/人/件).
A missing value (None or "") shows as ``—``. Used by the template filters of
``gaoxin.web.platform.templatetags.gaoxin_format`` and by services that build text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MISSING = "—"
Number = int | float | Decimal | str


def exact(value: object) -> Decimal:
    """``value`` as an exact Decimal (floats through their shortest repr); ValueError if not a number."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        try:
            d = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return d


def round_half_up(value: object, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (the one rounding rule)."""
    return exact(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def num(value: Number | None, places: int | None = None) -> str:
    """Thousands separators and ``places`` decimals (half up). An ``int`` shows no decimals; other
    values without ``places`` show two, or none when they are whole (12 → ``12``, 12.5 → ``12.50``)."""
    if _missing(value):
        return MISSING
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,d}"
    d = exact(value)
    if places is None:
        places = 0 if d == d.to_integral_value() else 2
    return f"{round_half_up(d, places):,.{places}f}"


def pct(ratio: Number | None, places: int = 2) -> str:
    """A ratio (0.5) as a percentage (``50.00%``), rounded half up to ``places`` decimals of a percent."""
    if _missing(ratio):
        return MISSING
    return f"{round_half_up(exact(ratio) * 100, places):,.{places}f}%"


def money(value: Number | None) -> str:
    """An amount in 万元: two decimals, thousands separators and the unit (``1,234.50 万元``)."""
    if _missing(value):
        return MISSING
    return f"{round_half_up(value, 2):,.2f} 万元"


def count(value: Number | None, unit: str = "家") -> str:
    """A count with its unit (``1,204 家``); a whole Decimal/float counts, a fraction is refused."""
    if _missing(value):
        return MISSING
    d = exact(value)
    if d != d.to_integral_value():
        raise ValueError(f"not a whole count: {value!r}")
    text = f"{int(d):,d}"
    return f"{text} {unit}" if unit else text


# Units that count whole things: a target's value on its path (323.67 firms by June) is shown whole.
COUNT_UNITS = frozenset({"家", "个", "人", "件", "项", "名", "所", "座"})


def measure(value: Number | None, unit: str = "") -> str:
    """A target's figure in its unit: a count unit shows a whole number (half up, 323.67 家 → 324),
    any other unit two decimals at most (``num``)."""
    if _missing(value):
        return MISSING
    if unit in COUNT_UNITS:
        return f"{int(round_half_up(value, 0)):,d}"
    return num(value)


def with_unit(value: Number | None, field_type: str, unit: str) -> str:
    """A value shown as a data dictionary field of ``field_type`` with ``unit`` is shown.

    money → ``money``; ratio → ``pct``; int → ``count`` with the field's unit (plain when it has none,
    as the year); other numbers → ``num``
    and the unit; text → the text and the unit."""
    if _missing(value):
        return MISSING
    if field_type == "money":
        return money(value)
    if field_type == "ratio":
        return pct(value)
    if field_type == "int":
        return count(value, unit) if unit else str(int(exact(value)))  # a year: no grouping
    try:
        text = num(value)
    except ValueError:
        text = str(value)
    return f"{text} {unit}" if unit else text
