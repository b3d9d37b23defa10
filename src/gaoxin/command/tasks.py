"""Action-plan tasks: when a task is overdue, and counts of a plan's progress.

Decided rules (documented for zone staff in docs/*/command.md):

- a task is overdue when it is not finished (done) or cancelled and its deadline is *before* the
  day asked about: a task due today is not overdue yet, it becomes overdue tomorrow;
- a done task is never overdue, even when it was finished late (``late`` says so);
- a task without a deadline is never overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
CANCELLED = "cancelled"
STATUSES = {
    NOT_STARTED: ("未启动", "not started"),
    IN_PROGRESS: ("推进中", "in progress"),
    DONE: ("已完成", "done"),
    CANCELLED: ("已取消", "cancelled"),
}
CLOSED = (DONE, CANCELLED)


def is_overdue(deadline: dt.date | None, status: str, on: dt.date) -> bool:
    """Whether a task with ``deadline`` and ``status`` is overdue on the day ``on``."""
    return deadline is not None and status not in CLOSED and deadline < on


def days_overdue(deadline: dt.date | None, status: str, on: dt.date) -> int:
    """Days past the deadline on ``on`` (0 when not overdue)."""
    return (on - deadline).days if deadline is not None and is_overdue(deadline, status, on) else 0


def late(deadline: dt.date | None, status: str, completed_on: dt.date | None) -> bool:
    """A done task finished after its deadline."""
    return status == DONE and deadline is not None and completed_on is not None and completed_on > deadline


@dataclass(frozen=True)
class PlanProgress:
    total: int
    done: int
    in_progress: int
    not_started: int
    cancelled: int
    overdue: int

    @property
    def share_done(self) -> float | None:
        """Done tasks of those not cancelled."""
        live = self.total - self.cancelled
        return self.done / live if live else None


def plan_progress(tasks: Iterable[tuple[dt.date | None, str]], on: dt.date) -> PlanProgress:
    """Counts of a plan's tasks, given as (deadline, status) pairs, on the day ``on``."""
    counts = dict.fromkeys(STATUSES, 0)
    overdue = total = 0
    for deadline, status in tasks:
        total += 1
        counts[status] = counts.get(status, 0) + 1
        overdue += is_overdue(deadline, status, on)
    return PlanProgress(
        total, counts[DONE], counts[IN_PROGRESS], counts[NOT_STARTED], counts[CANCELLED], overdue
    )
