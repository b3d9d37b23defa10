"""Overdue tasks: the boundaries decided in gaoxin.command.tasks."""

from __future__ import annotations

import datetime as dt

from gaoxin.command.tasks import (
    CANCELLED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    days_overdue,
    is_overdue,
    late,
    plan_progress,
)

TODAY = dt.date(2026, 11, 25)
DAY = dt.timedelta(days=1)


def test_due_today_is_not_overdue_but_yesterday_is():
    assert not is_overdue(TODAY, IN_PROGRESS, TODAY)
    assert is_overdue(TODAY - DAY, IN_PROGRESS, TODAY)
    assert is_overdue(TODAY - DAY, NOT_STARTED, TODAY)
    assert not is_overdue(TODAY + DAY, NOT_STARTED, TODAY)
    assert days_overdue(TODAY - 3 * DAY, NOT_STARTED, TODAY) == 3
    assert days_overdue(TODAY, NOT_STARTED, TODAY) == 0


def test_done_and_cancelled_never_overdue_nor_without_deadline():
    assert not is_overdue(TODAY - 100 * DAY, DONE, TODAY)
    assert not is_overdue(TODAY - 100 * DAY, CANCELLED, TODAY)
    assert not is_overdue(None, IN_PROGRESS, TODAY)
    assert late(TODAY - DAY, DONE, TODAY) and not late(TODAY, DONE, TODAY)
    assert not late(TODAY - DAY, IN_PROGRESS, None)


def test_plan_progress_counts():
    p = plan_progress(
        [
            (TODAY - DAY, DONE),
            (TODAY - DAY, IN_PROGRESS),
            (TODAY, NOT_STARTED),
            (None, CANCELLED),
            (TODAY + DAY, DONE),
        ],
        TODAY,
    )
    assert (p.total, p.done, p.in_progress, p.not_started, p.cancelled, p.overdue) == (5, 2, 1, 1, 1, 1)
    assert p.share_done == 0.5
    assert plan_progress([], TODAY).share_done is None
