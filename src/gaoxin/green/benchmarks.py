"""能效对标: a firm's unit product energy against its sector's 标杆 and 基准 levels.

The levels (发改 1609号 list and later editions) are not in the domain notes ([NF]); the zone keeps them
as a table: product, unit (kgce per t …), 标杆 (benchmark, the advanced level), 基准 (baseline, the
floor), edition and source. Lower energy per unit is better. "At or better than" is inclusive: a value
equal to the 标杆 level reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

POSITIONS = {
    "benchmark": ("达到标杆水平", "at or better than the benchmark"),
    "baseline": ("达到基准水平", "between baseline and benchmark"),
    "below": ("未达基准水平", "worse than the baseline"),
}


class BenchmarkError(ValueError):
    pass


@dataclass(frozen=True)
class Benchmark:
    product: str
    unit: str  # of the unit product energy, e.g. kgce/t
    benchmark: Decimal  # 标杆
    baseline: Decimal  # 基准
    edition: str = ""
    source: str = ""

    def __post_init__(self):
        if self.benchmark < 0 or self.baseline < 0:
            raise BenchmarkError(f"{self.product}: levels cannot be negative")
        if self.benchmark > self.baseline:
            raise BenchmarkError(
                f"{self.product}: the benchmark ({self.benchmark}) must be at or below the baseline "
                f"({self.baseline}): less energy per unit is better"
            )


def position(value: Decimal | None, level: Benchmark | None) -> str | None:
    """``benchmark``, ``baseline`` or ``below`` (None without a value or a level)."""
    if value is None or level is None:
        return None
    if value <= level.benchmark:
        return "benchmark"
    if value <= level.baseline:
        return "baseline"
    return "below"


def gap_to(value: Decimal | None, level: Benchmark | None, which: str = "benchmark") -> Decimal | None:
    """How much energy per unit must go to reach ``which`` (0 when reached)."""
    if value is None or level is None:
        return None
    goal = level.benchmark if which == "benchmark" else level.baseline
    return max(value - goal, Decimal(0))
