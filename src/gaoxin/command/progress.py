"""A target's actuals against its straight path, period by period (through ``gaoxin.command.targets``).

The status of a target "as of" a time is the status of its latest actual whose period ended by then,
judged against the path *at that period* (an annual count for 2025 is compared with where the path
stood at the end of 2025, not with where it stands today). No actual by then: ``no_data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from gaoxin.command.periods import Period
from gaoxin.command.targets import DEFAULT_TOLERANCE, Path, Progress, Status, progress

STATUS_ZH = {
    Status.ACHIEVED: "达成",
    Status.ON_TRACK: "正常推进",
    Status.AT_RISK: "存在风险",
    Status.OFF_TRACK: "严重滞后",
    Status.NO_DATA: "暂无数据",
}
# worst first: the order a leader reads a list of targets in
STATUS_ORDER = (Status.OFF_TRACK, Status.AT_RISK, Status.NO_DATA, Status.ON_TRACK, Status.ACHIEVED)


def make_path(baseline_value, baseline_year: int, target_value, target_year: int) -> Path:
    return Path(float(baseline_value), float(baseline_year), float(target_value), float(target_year))


@dataclass(frozen=True)
class Point:
    period: Period
    actual: float
    expected: float
    status: Status
    gap: float | None
    share_done: float | None


def _num(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else float(str(value))


def history(
    path: Path, actuals: Mapping[Period, object], tolerance: float = DEFAULT_TOLERANCE
) -> list[Point]:
    """Every actual in period order with the path's expected value and the status at that period."""
    points = []
    for period in sorted(actuals, key=Period.sort_key):
        value = _num(actuals[period])
        if value is None:
            continue
        p = progress(path, value, period.when, tolerance)
        points.append(Point(period, value, p.expected, p.status, p.gap, p.share_done))
    return points


@dataclass(frozen=True)
class Standing:
    """Where a target stands as of a time: its latest actual by then and that actual's status."""

    progress: Progress
    period: Period | None  # the period of the actual judged; None when there is none
    expected_now: float  # where the path stands at the "as of" time itself

    @property
    def status(self) -> Status:
        return self.progress.status


def standing(
    path: Path, actuals: Mapping[Period, object], when: float, tolerance: float = DEFAULT_TOLERANCE
) -> Standing:
    """The status as of ``when`` (see the module docstring)."""
    known = [p for p in actuals if p.when <= when + 1e-9 and actuals[p] is not None]
    if not known:
        return Standing(progress(path, None, when, tolerance), None, path.expected(when))
    latest = max(known, key=Period.sort_key)
    return Standing(
        progress(path, _num(actuals[latest]), latest.when, tolerance), latest, path.expected(when)
    )


def sparkline(values: list[float | None], width: int = 120, height: int = 28, pad: int = 2) -> str:
    """SVG polyline ``points`` for a small line of ``values`` (missing values skipped); "" if < 2."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    lo = min(v for _, v in known)
    hi = max(v for _, v in known)
    span = (hi - lo) or 1.0
    n = len(values) - 1 or 1
    out = []
    for i, v in known:
        x = pad + (width - 2 * pad) * i / n
        y = height - pad - (height - 2 * pad) * (v - lo) / span
        out.append(f"{x:.1f},{y:.1f}")
    return " ".join(out)


def worst_first(statuses: list[Status]) -> list[int]:
    """Indices of ``statuses`` ordered worst first (stable)."""
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(range(len(statuses)), key=lambda i: rank[statuses[i]])


def tally(statuses: list[Status]) -> dict[Status, int]:
    """How many targets have each status (every status present, zero if none)."""
    out = {s: 0 for s in STATUS_ORDER}
    for s in statuses:
        out[s] += 1
    return out
