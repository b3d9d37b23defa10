"""One condition checked against its threshold: the value, the threshold, the comparison and the gap.

Every rule of this package answers with ``Check`` rows, so a page, an export and a test read the same
thing: *what* was asked (code, Chinese label), *the value* the carrier or firm has, *the threshold*,
*how* they compare (``≥`` or ``>``, as the rule is worded) and *the gap* — how much more is needed
(``None`` when the condition holds or cannot be judged). A condition whose input is missing is not
failed and not passed: ``passed is None`` ("no data"), never a silent 0.

Numbers are ``Decimal``: ratios of whole counts and 万元 amounts compare exactly at their boundary
(75 % of 10,000 m² is 7,500 m², not 7,499.999…).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

Number = int | Decimal | str
OPS = ("≥", ">", "≤", "<", "=")


def dec(value: Number | float | None) -> Decimal | None:
    """A ``Decimal`` from an int, a Decimal or a numeric string (floats via their shortest repr)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def ratio(num: Number | None, den: Number | None) -> Decimal | None:
    """``num / den`` exactly enough for a boundary (28 significant digits); None when den is 0 or missing."""
    n, d = dec(num), dec(den)
    if n is None or d is None or d == 0:
        return None
    return n / d


@dataclass(frozen=True)
class Check:
    code: str
    label: str  # Chinese, for the page and the export
    value: Decimal | bool | None
    threshold: Decimal | bool | None
    op: str = "≥"
    passed: bool | None = None
    gap: Decimal | None = None  # how much more (≥/>) or less (≤/<) is needed; None when passed or no data
    unit: str = ""
    note: str = ""  # which alternative held, the source of the threshold …

    def as_row(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "value": self.value,
            "op": self.op,
            "threshold": self.threshold,
            "passed": self.passed,
            "gap": self.gap,
            "unit": self.unit,
            "note": self.note,
        }


def compare(value: Decimal | None, op: str, threshold: Decimal) -> tuple[bool | None, Decimal | None]:
    """(passed, gap) of ``value op threshold``. For ``>`` the gap is the distance to the threshold
    itself (a firm at exactly the threshold has gap 0 and still fails: it needs *more than* 0)."""
    if op not in OPS:
        raise ValueError(f"unknown comparison {op!r}")
    if value is None:
        return None, None
    ok = {
        "≥": value >= threshold,
        ">": value > threshold,
        "≤": value <= threshold,
        "<": value < threshold,
        "=": value == threshold,
    }[op]
    if ok:
        return True, None
    return False, abs(threshold - value)


def check(
    code: str,
    label: str,
    value: Number | None,
    threshold: Number,
    op: str = "≥",
    unit: str = "",
    note: str = "",
) -> Check:
    v, t = dec(value), dec(threshold)
    assert t is not None
    passed, gap = compare(v, op, t)
    return Check(code, label, v, t, op, passed, gap, unit, note)


def flag(code: str, label: str, value: bool | None, note: str = "") -> Check:
    """A yes/no condition (an independent legal entity, reports 火炬统计 …)."""
    return Check(code, label, value, True, "=", None if value is None else bool(value), None, "", note)


def either(code: str, label: str, *alternatives: Check, note: str = "") -> Check:
    """Any one of ``alternatives`` suffices. Passed when one passes; failed when every one is judged and
    fails; otherwise no data. Value, threshold and gap are those of the alternative that held, or of the
    first judged one; ``note`` names the alternative."""
    held = next((a for a in alternatives if a.passed), None)
    chosen = held or next((a for a in alternatives if a.passed is not None), alternatives[0])
    if held is not None:
        passed: bool | None = True
    elif all(a.passed is False for a in alternatives):
        passed = False
    else:
        passed = None
    return Check(
        code,
        label,
        chosen.value,
        chosen.threshold,
        chosen.op,
        passed,
        None if passed else chosen.gap,
        chosen.unit,
        note or chosen.label,
    )


def verdict(checks: Iterable[Check]) -> bool | None:
    """All hold → True; any fails → False; otherwise (some without data) → None."""
    checks = list(checks)
    if any(c.passed is False for c in checks):
        return False
    if all(c.passed for c in checks):
        return True
    return None
