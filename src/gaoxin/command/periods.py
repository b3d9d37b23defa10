"""Reporting periods: a year, or a month of a year.

A period stands for its end (``gaoxin.command.targets.period_end``): the year 2025 is the end of 2025, the
month 2026-06 is the end of June 2026 (2025.5 on the year-end scale). Annual figures (the register's
counts, R&D totals) are annual periods; entered indicators may be monthly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gaoxin.command.targets import period_end


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int | None = None  # None: the whole year

    def __post_init__(self):
        if not 1900 <= self.year <= 2200:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1–12")

    @property
    def when(self) -> float:
        """The end of the period on the year-end scale of ``gaoxin.command.targets``."""
        return period_end(self.year, self.month or 12)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        if self.month is None or self.month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    def sort_key(self) -> tuple[float, int]:
        # a year and its December end at the same time; the month sorts after the annual figure
        return (self.when, 0 if self.month is None else 1)

    def __str__(self) -> str:
        return self.label


_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?)?\s*$")


def parse_period(text: str) -> Period:
    """``"2025"`` → the year 2025; ``"2026-06"``, ``"2026/6"``, ``"2026年6月"`` → June 2026."""
    m = _PERIOD.match(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a year (2025) or a month (2026-06)")
    return Period(int(m.group(1)), int(m.group(2)) if m.group(2) else None)


def month_of(day: dt.date) -> Period:
    return Period(day.year, day.month)


def when_of(day: dt.date) -> float:
    """A date on the year-end scale: the end of the month it falls in (a report "as of" a day)."""
    return period_end(day.year, day.month)


def previous_month(period: Period) -> Period:
    year, month = period.year, period.month or 12
    return Period(year - 1, 12) if month == 1 else Period(year, month - 1)
