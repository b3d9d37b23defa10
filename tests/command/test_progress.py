"""Target history and status through the command centre's functions, at every status boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gaoxin.command.periods import Period, parse_period, previous_month, when_of
from gaoxin.command.progress import (
    STATUS_ZH,
    history,
    make_path,
    sparkline,
    standing,
    tally,
    worst_first,
)
from gaoxin.command.targets import Status

# 2,046 at the end of 2022 → 4,000 by the end of 2027: +390.8 a year; the whole change is 1,954,
# so "at risk" is short of the path by at most 5 % × 1,954 = 97.7.
PATH = make_path(Decimal(2046), 2022, Decimal(4000), 2027)
AT_2025 = 2046 + 3 * 390.8  # 3,218.4 on the path at the end of 2025


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (4000, Status.ACHIEVED),  # the goal itself, early
        (4100, Status.ACHIEVED),
        (AT_2025, Status.ON_TRACK),  # exactly on the path
        (AT_2025 + 1, Status.ON_TRACK),
        (AT_2025 - 97.7, Status.AT_RISK),  # exactly the tolerance short
        (AT_2025 - 1, Status.AT_RISK),
        (AT_2025 - 97.8, Status.OFF_TRACK),  # just beyond it
        (2046, Status.OFF_TRACK),
    ],
)
def test_status_at_every_boundary(actual, status):
    s = standing(PATH, {Period(2025): actual}, Period(2025).when)
    assert s.status == status
    assert s.period == Period(2025)
    assert s.progress.expected == pytest.approx(AT_2025)


def test_falling_target_is_judged_in_its_direction():
    energy = make_path(Decimal("0.50"), 2020, Decimal("0.40"), 2025)  # energy per GDP falls
    assert standing(energy, {Period(2023): 0.44}, 2023).status == Status.ON_TRACK  # path 0.44
    assert standing(energy, {Period(2023): 0.445}, 2023).status == Status.AT_RISK  # 0.005 ≤ 0.005
    assert standing(energy, {Period(2023): 0.46}, 2023).status == Status.OFF_TRACK
    assert standing(energy, {Period(2023): 0.39}, 2023).status == Status.ACHIEVED


def test_no_actual_is_no_data_and_future_actuals_are_not_used():
    assert standing(PATH, {}, 2025.0).status == Status.NO_DATA
    # an actual for a period that has not ended by "as of" is not used
    s = standing(PATH, {Period(2026): 5000}, Period(2025, 6).when)
    assert s.status == Status.NO_DATA and s.period is None


def test_latest_actual_is_judged_at_its_own_period():
    actuals = {Period(2023): 2436.8, Period(2024): 2500}
    s = standing(PATH, actuals, when_of(__import__("datetime").date(2025, 11, 25)))
    assert s.period == Period(2024)
    assert s.progress.expected == pytest.approx(2046 + 2 * 390.8)
    assert s.status == Status.OFF_TRACK  # 2,500 vs 2,827.6
    assert s.expected_now == pytest.approx(2046 + (2 + 11 / 12) * 390.8)


def test_monthly_actuals_sort_after_the_annual_one_and_history_is_in_order():
    path = make_path(15, 2023, 20, 2027)
    actuals = {Period(2025, 3): 16.9, Period(2024): 16.25, Period(2025, 12): 17.5, Period(2025): 17.4}
    points = history(path, actuals)
    assert [p.period.label for p in points] == ["2024", "2025-03", "2025", "2025-12"]
    assert points[0].expected == pytest.approx(16.25) and points[0].status == Status.ON_TRACK
    assert points[1].expected == pytest.approx(15 + 1.25 * 1.25)  # end of March 2025 = 2024.25
    assert standing(path, actuals, 2025.0).period == Period(2025, 12)  # the month after the year


def test_periods():
    assert parse_period("2025") == Period(2025)
    assert parse_period("2026-06") == Period(2026, 6)
    assert parse_period("2026年6月") == Period(2026, 6)
    assert parse_period(" 2026/6 ") == Period(2026, 6)
    assert Period(2026, 6).when == pytest.approx(2025.5)
    assert Period(2026).when == 2026.0
    assert str(Period(2026, 2).end) == "2026-02-28"
    assert previous_month(Period(2026, 1)) == Period(2025, 12)
    for bad in ("26", "2026-13", "June"):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_labels_sparkline_order_and_tally():
    assert STATUS_ZH[Status.ON_TRACK] == "正常推进" and STATUS_ZH[Status.OFF_TRACK] == "严重滞后"
    assert sparkline([1.0]) == ""
    pts = sparkline([1.0, None, 3.0], width=100, height=20, pad=0).split()
    assert pts == ["0.0,20.0", "100.0,0.0"]
    statuses = [Status.ON_TRACK, Status.OFF_TRACK, Status.NO_DATA, Status.AT_RISK]
    assert worst_first(statuses) == [1, 3, 2, 0]
    assert tally(statuses)[Status.ACHIEVED] == 0 and tally(statuses)[Status.AT_RISK] == 1


RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.ACHIEVED: 3}


def test_more_progress_never_gives_a_worse_status():
    """Whatever the path, an actual further in the target's direction never has a worse status."""
    from hypothesis import given
    from hypothesis import strategies as st

    values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)

    @given(
        baseline=values,
        goal=values,
        first=st.integers(2000, 2030),
        span=st.integers(1, 10),
        step=st.integers(0, 12),
        a=values,
        b=values,
    )
    def check(baseline, goal, first, span, step, a, b):
        path = make_path(baseline, first, goal, first + span)
        period = Period(first + min(step, span))
        direction = 1 if goal >= baseline else -1
        worse, better = sorted((a, b), key=lambda x: x * direction)
        s_worse = standing(path, {period: worse}, period.when).status
        s_better = standing(path, {period: better}, period.when).status
        assert RANK[s_worse] <= RANK[s_better]

    check()
