"""Exact money for sci-tech finance: Decimal 万元, with the rounding rules written down once.

- **Unit.** Every amount is a ``Decimal`` in 万元 (ten thousand yuan). Amounts are kept to the fen
  (分, ¥0.01), i.e. ``FEN = Decimal("0.000001")`` 万元: six decimal places. Input with more places is
  refused, never silently rounded (``parse_money``).
- **Computed amounts** (a credit line, an interest subsidy) are rounded to the fen with
  ``ROUND_HALF_UP`` unless a rule says otherwise; a credit line is then rounded *down* to its step
  (``floor_to``), so a computed line never exceeds what the rule allows.
- **Splitting** an amount between parties (a loss under 2 : 6 : 2) uses the largest-remainder method
  (``split``): each party first gets its exact share rounded down to the fen; the fens left over (at
  most one per party) go one each to the parties with the largest discarded remainders, ties to the
  party listed first. The shares always sum to the amount exactly.
- **Ratios** (bad-loan ratio, rates) are exact ``Decimal`` or ``Fraction`` values; they are rounded only
  for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

FEN = Decimal("0.000001")  # ¥0.01 in 万元
PLACES = 6
ZERO = Decimal("0")


class MoneyError(ValueError):
    """A value that is not an acceptable amount; ``code`` and ``params`` let the caller word it."""

    def __init__(self, code: str, message: str, **params) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def to_decimal(value) -> Decimal:
    """A Decimal from a Decimal, int, str or Fraction (a float is refused: it is not exact)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise MoneyError("not_a_number", f"{value!r} is not a number", value=value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        raise MoneyError("float", f"{value!r} is a float; give money as a decimal string", value=value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise MoneyError("not_a_number", f"{value!r} is not a number", value=value) from None
        if not d.is_finite():
            raise MoneyError("not_a_number", f"{value!r} is not a number", value=value)
        return d
    raise MoneyError("not_a_number", f"{value!r} is not a number", value=value)


def parse_money(value, *, positive: bool = True, places: int = PLACES) -> Decimal:
    """An amount in 万元 from user input: a number with at most ``places`` decimals (default: the fen).

    Raises ``MoneyError`` (codes: not_a_number, float, too_precise, not_positive, negative).
    """
    d = to_decimal(value)
    if d.as_tuple().exponent < -places and d != d.quantize(Decimal(1).scaleb(-places)):
        raise MoneyError(
            "too_precise", f"{value} has more than {places} decimal places", value=value, places=places
        )
    if positive and d <= 0:
        raise MoneyError("not_positive", f"{value} must be greater than 0", value=value)
    if d < 0:
        raise MoneyError("negative", f"{value} must not be negative", value=value)
    return d.quantize(Decimal(1).scaleb(-places))


def fen(value) -> Decimal:
    """Round to the fen, half up (the rule for computed amounts)."""
    return to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    """The largest multiple of ``step`` not above ``value`` (``value`` ≥ 0), to the fen."""
    if step <= 0:
        raise ValueError("step must be positive")
    n = (value / step).to_integral_value(rounding=ROUND_DOWN)
    return (n * step).quantize(FEN, rounding=ROUND_DOWN)


def split(
    amount: Decimal, weights: Mapping[str, Decimal] | Sequence[tuple[str, Decimal]]
) -> dict[str, Decimal]:
    """Split ``amount`` (to the fen) in proportion to ``weights`` (party → weight ≥ 0, sum > 0).

    Largest remainder: exact shares rounded down to the fen, then the missing fens one each to the
    parties with the largest remainders (ties: the party listed first). Shares sum to ``amount``.
    """
    items = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
    amount = to_decimal(amount)
    if amount != amount.quantize(FEN):
        raise MoneyError("too_precise", f"{amount} is not a whole number of fen", value=amount, places=PLACES)
    total_w = sum((Fraction(str(w)) for _, w in items), Fraction(0))
    if total_w <= 0 or any(Fraction(str(w)) < 0 for _, w in items):
        raise ValueError("weights must be ≥ 0 with a positive sum")
    fens = int(amount / FEN)  # the amount in fen, exactly
    sign = -1 if fens < 0 else 1
    fens = abs(fens)
    floors, remainders = [], []
    for i, (_, w) in enumerate(items):
        exact = Fraction(fens) * Fraction(str(w)) / total_w
        floors.append(exact.numerator // exact.denominator)
        remainders.append((exact - floors[-1], -i))
    left = fens - sum(floors)
    order = sorted(range(len(items)), key=lambda i: remainders[i], reverse=True)
    for i in order[:left]:
        floors[i] += 1
    return {name: sign * Decimal(n) * FEN for (name, _), n in zip(items, floors, strict=True)}


def show(value: Decimal | None, places: int = 2) -> str:
    """For display: rounded half up to ``places`` (default 2: 万元 to the hundred yuan)."""
    if value is None:
        return "—"
    q = Decimal(1).scaleb(-places)
    return f"{to_decimal(value).quantize(q, rounding=ROUND_HALF_UP):,}"
