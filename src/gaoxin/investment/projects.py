"""Investment projects: stages, the funnel, median days per stage and stalled projects (pure).

A project moves through six stages, in this order::

    线索 lead → 洽谈 negotiation → 签约 signed → 落地开工 started → 建设 construction → 投产运营 operating

Each project has a *current stage* (the furthest it has reached), the date it entered each stage it
recorded, and a status: active, or dropped (abandoned) on a date. The definitions, once for everybody:

**Reached.** A project has reached stage *s* when its current stage is *s* or a later one. A project
that skipped a stage (a lead signed without a recorded negotiation) counts as having passed it: it
could not be signed without having been, in effect, negotiated; so counts never grow from one stage to
the next. A dropped project counts at every stage it reached before it was dropped and at none after:
it is the loss the conversion rates measure.

**Funnel.** ``reached[s]`` = projects that reached *s*; ``active[s]`` = active projects whose current
stage is *s*; ``dropped[s]`` = dropped projects whose current stage was *s*. The conversion rate from
*s* to the next stage *t* is ``reached[t] / reached[s]`` (``None`` when no project reached *s*: a zero
denominator is "no data", never 0 % or 100 %). The overall rate of *t* is ``reached[t] /
reached[lead]``. Projects still active at *s* are in the denominator and not (yet) in the numerator: a
young pipeline converts less on paper than it will; read ``active[s]`` with the rate.

**As of a date.** ``funnel(paths, on=d)`` is the funnel as it stood at the end of day *d*: a project's
stage is the furthest stage whose recorded date is on or before *d* (stages without a date are not
placed in time and are ignored then), a project with no stage by *d* is not counted, and a drop counts
only from its date. Without ``on`` every project counts at its current stage, dated or not.

**Days per stage.** The days a project spent in stage *s* are from the date it entered *s* to the date
it entered the next stage it recorded after *s* (skipped stages have no stay of their own). Only
finished stays count (a project still in *s* has no duration yet); a same-day change is a stay of 0
days. Dates out of order (a later stage dated before an earlier one) are left out of the medians and
reported by ``date_problems``; imports refuse them.

**Stalled.** An active project stalls when its last change — the latest of its stage dates and of
``since`` (when it was recorded) — is more than *N* days before the date asked about (exactly *N* days
is not yet stalled). Projects in operation (the last stage) and dropped projects never stall; nor does
a project with no date at all (nothing to count from).
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

STAGES: tuple[str, ...] = ("lead", "negotiation", "signed", "started", "construction", "operating")
STAGE_LABELS: dict[str, str] = {
    "lead": "线索",
    "negotiation": "洽谈",
    "signed": "签约",
    "started": "落地开工",
    "construction": "建设",
    "operating": "投产运营",
}
STAGE_LABELS_EN: dict[str, str] = {
    "lead": "Lead",
    "negotiation": "Negotiation",
    "signed": "Signed",
    "started": "Started on site",
    "construction": "Construction",
    "operating": "In operation",
}
FINAL = STAGES[-1]
DEFAULT_STALLED_DAYS = 90
_INDEX = {s: i for i, s in enumerate(STAGES)}


def stage_index(stage: str) -> int:
    """The position of ``stage`` in the order (0 for 线索); an unknown stage raises ValueError."""
    try:
        return _INDEX[stage]
    except KeyError:
        raise ValueError(f"unknown stage {stage!r}; one of {', '.join(STAGES)}") from None


@dataclass(frozen=True)
class ProjectPath:
    """One project as the computations see it.

    ``dates``: stage → the date the project entered it (missing or None: not recorded). ``since``: the
    date the project was recorded (a fallback for "last change"). ``dropped_on``: when a dropped
    project was abandoned (None: unknown).
    """

    key: Hashable
    stage: str
    dates: Mapping[str, dt.date | None] = field(default_factory=dict)
    dropped: bool = False
    dropped_on: dt.date | None = None
    since: dt.date | None = None

    def __post_init__(self):
        stage_index(self.stage)
        for s in self.dates:
            stage_index(s)

    def date(self, stage: str) -> dt.date | None:
        return self.dates.get(stage)

    def stage_on(self, on: dt.date | None) -> str | None:
        """The stage the project was in at the end of ``on`` (None: not yet in any)."""
        if on is None:
            return self.stage
        reached = None
        for s in STAGES[: stage_index(self.stage) + 1]:
            d = self.date(s)
            if d is not None and d <= on:
                reached = s
        return reached

    def dropped_by(self, on: dt.date | None) -> bool:
        if not self.dropped:
            return False
        if on is None or self.dropped_on is None:
            return True
        return self.dropped_on <= on

    def last_change(self) -> dt.date | None:
        dates = [
            d for s, d in self.dates.items() if d is not None and stage_index(s) <= stage_index(self.stage)
        ]
        if self.since is not None:
            dates.append(self.since)
        return max(dates) if dates else None


# --- funnel ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    reached: int  # projects at this stage or beyond (dropped ones: up to where they stopped)
    active: int  # active projects whose current stage is this one
    dropped: int  # dropped projects that stopped at this stage
    conversion: float | None  # reached[next] / reached[this]; None for the last stage or no data
    overall: float | None  # reached[this] / reached[lead]; None when there are no projects
    median_days: float | None  # median finished stay in this stage (days)
    stays: int  # finished stays the median is taken over


@dataclass(frozen=True)
class Funnel:
    on: dt.date | None
    total: int  # projects counted (reached the first stage)
    active: int
    dropped: int
    stages: tuple[FunnelStage, ...]

    def stage(self, stage: str) -> FunnelStage:
        return self.stages[stage_index(stage)]

    @property
    def reached(self) -> dict[str, int]:
        return {s.stage: s.reached for s in self.stages}

    @property
    def conversions(self) -> dict[str, float | None]:
        return {s.stage: s.conversion for s in self.stages}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def funnel(paths: Iterable[ProjectPath], on: dt.date | None = None) -> Funnel:
    """The funnel of ``paths`` (see the module's definitions), as of the end of ``on`` if given."""
    paths = list(paths)
    n = len(STAGES)
    at = [0] * n  # projects whose (current or as-of) stage is i
    active_at = [0] * n
    dropped_at = [0] * n
    for p in paths:
        stage = p.stage_on(on)
        if stage is None:
            continue
        i = stage_index(stage)
        at[i] += 1
        if p.dropped_by(on):
            dropped_at[i] += 1
        else:
            active_at[i] += 1
    reached = [sum(at[i:]) for i in range(n)]
    medians = median_days(paths, on=on)
    stays = _stays(paths, on)
    stages = tuple(
        FunnelStage(
            stage=s,
            reached=reached[i],
            active=active_at[i],
            dropped=dropped_at[i],
            conversion=_ratio(reached[i + 1], reached[i]) if i + 1 < n else None,
            overall=_ratio(reached[i], reached[0]),
            median_days=medians[s],
            stays=len(stays[s]),
        )
        for i, s in enumerate(STAGES)
    )
    return Funnel(on=on, total=reached[0], active=sum(active_at), dropped=sum(dropped_at), stages=stages)


# --- days per stage ----------------------------------------------------------------------------------


def _stays(paths: Iterable[ProjectPath], on: dt.date | None) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {s: [] for s in STAGES}
    for p in paths:
        current = p.stage_on(on)
        if current is None:
            continue
        dated = [
            (s, d)
            for s in STAGES[: stage_index(current) + 1]
            if (d := p.date(s)) is not None and (on is None or d <= on)
        ]
        for (s, start), (_next, end) in itertools.pairwise(dated):
            days = (end - start).days
            if days >= 0:
                out[s].append(days)
    return out


def median_days(paths: Iterable[ProjectPath], on: dt.date | None = None) -> dict[str, float | None]:
    """Per stage, the median number of days of the finished stays in it (None: no finished stay)."""
    return {s: (statistics.median(v) if v else None) for s, v in _stays(paths, on).items()}


def date_problems(path: ProjectPath) -> list[str]:
    """What is wrong with a project's dates, in Chinese (empty: nothing): a later stage dated before an
    earlier one, a date recorded for a stage beyond the current one, the current stage undated."""
    out = []
    current = stage_index(path.stage)
    last: tuple[str, dt.date] | None = None
    for i, s in enumerate(STAGES):
        d = path.date(s)
        if d is None:
            continue
        if i > current:
            out.append(f"“{STAGE_LABELS[s]}”有日期，但当前阶段只到“{STAGE_LABELS[path.stage]}”")
            continue
        if last is not None and d < last[1]:
            out.append(
                f"“{STAGE_LABELS[s]}”日期 {d.isoformat()} 早于“{STAGE_LABELS[last[0]]}”日期 {last[1].isoformat()}"
            )
        last = (s, d) if last is None or d >= last[1] else last
    if path.date(path.stage) is None:
        out.append(f"当前阶段“{STAGE_LABELS[path.stage]}”没有日期")
    if path.dropped and path.dropped_on is not None and last is not None and path.dropped_on < last[1]:
        out.append(f"终止日期 {path.dropped_on.isoformat()} 早于最近的阶段日期 {last[1].isoformat()}")
    return out


# --- stalled -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stalled:
    key: Hashable
    stage: str
    last_change: dt.date
    days: int  # days since the last change, as of the date asked about


def stalled(paths: Iterable[ProjectPath], on: dt.date, days: int = DEFAULT_STALLED_DAYS) -> list[Stalled]:
    """Active projects not yet in operation whose last change is more than ``days`` days before ``on``;
    the longest-stalled first (ties by key order of input)."""
    if days < 0:
        raise ValueError("the stalled threshold must be zero or more days")
    out = []
    for p in paths:
        if p.dropped or p.stage == FINAL:
            continue
        last = p.last_change()
        if last is None:
            continue
        idle = (on - last).days
        if idle > days:
            out.append(Stalled(key=p.key, stage=p.stage, last_change=last, days=idle))
    out.sort(key=lambda s: -s.days)
    return out
