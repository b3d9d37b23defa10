"""Physical units of energy carriers and their conversion to the unit a coefficient is given in.

These are definitions (1 MWh = 1,000 kWh, 1 t = 1,000 kg), not coefficients: they never change with
a standard. A quantity in a unit of another dimension (kWh for a fuel given per t) is refused.
"""

from __future__ import annotations

from decimal import Decimal

# dimension → {unit as written → factor to the dimension's base unit}
_DIMENSIONS: dict[str, dict[str, Decimal]] = {
    "electricity": {
        "kWh": Decimal(1),
        "千瓦时": Decimal(1),
        "度": Decimal(1),
        "MWh": Decimal(1000),
        "兆瓦时": Decimal(1000),
        "万kWh": Decimal(10000),
        "万千瓦时": Decimal(10000),
        "GWh": Decimal(1000000),
    },
    "mass": {
        "t": Decimal(1),
        "吨": Decimal(1),
        "kg": Decimal("0.001"),
        "千克": Decimal("0.001"),
        "万t": Decimal(10000),
        "万吨": Decimal(10000),
    },
    "volume": {
        "m³": Decimal(1),
        "m3": Decimal(1),
        "立方米": Decimal(1),
        "万m³": Decimal(10000),
        "万m3": Decimal(10000),
        "万立方米": Decimal(10000),
    },
    "heat": {
        "GJ": Decimal(1),
        "吉焦": Decimal(1),
        "MJ": Decimal("0.001"),
        "兆焦": Decimal("0.001"),
        "TJ": Decimal(1000),
    },
}
_BASE = {"electricity": "kWh", "mass": "t", "volume": "m³", "heat": "GJ"}
_UNIT_DIMENSION = {u.casefold(): (dim, f) for dim, units in _DIMENSIONS.items() for u, f in units.items()}


class UnitError(ValueError):
    pass


def dimension(unit: str) -> str | None:
    hit = _UNIT_DIMENSION.get((unit or "").strip().casefold())
    return hit[0] if hit else None


def known_units() -> list[str]:
    return [u for units in _DIMENSIONS.values() for u in units]


def convert(quantity: Decimal, unit: str, to: str) -> Decimal:
    """``quantity`` in ``unit`` expressed in ``to`` (both of one dimension), exactly."""
    a = _UNIT_DIMENSION.get((unit or "").strip().casefold())
    b = _UNIT_DIMENSION.get((to or "").strip().casefold())
    if a is None:
        raise UnitError(f"unknown unit {unit!r}; one of {', '.join(known_units())}")
    if b is None:
        raise UnitError(f"unknown unit {to!r}")
    if a[0] != b[0]:
        raise UnitError(f"unit {unit!r} is a {a[0]} unit; this carrier is measured in {to!r} ({b[0]})")
    return quantity * a[1] / b[1]


def base_unit(unit: str) -> str:
    dim = dimension(unit)
    if dim is None:
        raise UnitError(f"unknown unit {unit!r}")
    return _BASE[dim]
