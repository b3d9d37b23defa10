"""A target's straight path and whether the actual keeps to it (pure; used by the command centre and
the cultivation pipeline, so that "on track" means one thing everywhere).

A zone sets a target as a baseline (value, year) and a goal (value, year): "4,000 high-tech enterprises
by 2027 from 2,046 in 2022". The path needed is the straight line between them; at any time the
expected value is the point on that line. Targets may fall as well as rise (energy per unit of GDP):
the direction is the sign of goal − baseline.

Status at a time ``t`` with actual ``a`` and expected ``e`` (progress measured along the direction):

- ``achieved``: the goal itself is reached;
- ``on_track``: a is at or beyond e;
- ``at_risk``: a is short of e by no more than ``tolerance`` × |goal − baseline| (default 5 % of the
  whole change), so one good period brings it back;
- ``off_track``: shorter than that;
- ``no_data``: no actual for the period.

A year stands for the end of that year (a baseline "2,046 in 2022" is the count at the end of 2022, a
goal "by 2027" is due at the end of 2027). Times are fractional so that a monthly report can ask for
the path at the end of a month: ``period_end(2026, 6)`` → 2025.5, half-way from the end of 2025 to the
end of 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


DEFAULT_TOLERANCE = 0.05


@dataclass(frozen=True)
class Path:
    baseline_value: float
    baseline_year: float
    target_value: float
    target_year: float

    def __post_init__(self):
        if self.target_year <= self.baseline_year:
            raise ValueError(
                f"target year {self.target_year} must be after the baseline year {self.baseline_year}"
            )

    @property
    def change(self) -> float:
        return self.target_value - self.baseline_value

    @property
    def direction(self) -> int:
        """+1 for a target that rises, −1 for one that falls, 0 for "hold the level"."""
        return (self.change > 0) - (self.change < 0)

    def expected(self, when: float) -> float:
        """The value on the straight path at ``when`` (before the baseline: the baseline; after the
        target year: the target)."""
        if when <= self.baseline_year:
            return self.baseline_value
        if when >= self.target_year:
            return self.target_value
        share = (when - self.baseline_year) / (self.target_year - self.baseline_year)
        return self.baseline_value + share * self.change


@dataclass(frozen=True)
class Progress:
    status: Status
    expected: float
    actual: float | None
    gap: float | None  # actual − expected in the target's direction: negative means behind
    share_done: float | None  # (actual − baseline) / (goal − baseline); None for a hold-level target


def shortfall(path: Path, actual: float | None) -> float:
    """How much is still missing to reach the goal, in the target's direction (0 once reached or
    passed, and for no data): a rising goal of 120 firms with 100 → 20; a falling one of 0.5 t/万元 with
    0.6 → 0.1; holding a level counts up to it."""
    if actual is None:
        return 0.0
    return max(0.0, (path.target_value - actual) * (path.direction or 1))


def period_end(year: int, month: int = 12) -> float:
    """The end of ``month`` of ``year`` on the year-end scale (December of ``year`` → ``year``)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1–12")
    return year - 1 + month / 12


def progress(path: Path, actual: float | None, when: float, tolerance: float = DEFAULT_TOLERANCE) -> Progress:
    """Where ``actual`` at ``when`` stands against ``path``."""
    expected = path.expected(when)
    if actual is None:
        return Progress(Status.NO_DATA, expected, None, None, None)
    d = path.direction or 1  # holding a level: at or above it is on track
    gap = (actual - expected) * d
    share = (actual - path.baseline_value) / path.change if path.change else None
    eps = 1e-9 * max(1.0, abs(path.target_value), abs(path.baseline_value))
    if path.change and (actual - path.target_value) * d >= -eps:
        status = Status.ACHIEVED
    elif gap >= -eps:
        status = Status.ON_TRACK
    elif -gap <= tolerance * abs(path.change) + eps:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return Progress(status, expected, actual, gap, share)
