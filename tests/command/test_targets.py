"""The straight path to a target and its status: hand-worked cases and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.command.targets import Path, Status, period_end, progress, shortfall

# "4,000 high-tech enterprises by 2027" from 2,000 at the end of 2022: 400 a year on the straight path.
HT = Path(2000, 2022, 4000, 2027)


def test_expected_is_the_straight_line_and_clamps_outside_it():
    assert HT.expected(2022) == 2000
    assert HT.expected(2024) == 2800
    assert HT.expected(2027) == 4000
    assert HT.expected(2020) == 2000 and HT.expected(2030) == 4000
    assert HT.expected(period_end(2025, 6)) == pytest.approx(3000)  # mid-2025: 2.5 years of 400


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (4000, Status.ACHIEVED),
        (4100, Status.ACHIEVED),
        (2800, Status.ON_TRACK),  # exactly on the path
        (2900, Status.ON_TRACK),
        (2700, Status.AT_RISK),  # 100 short = 5 % of the 2,000 change: the tolerance, inclusive
        (2699, Status.OFF_TRACK),
        (None, Status.NO_DATA),
    ],
)
def test_status_at_2024(actual, status):
    p = progress(HT, actual, 2024)
    assert p.status is status
    if actual is not None:
        assert p.gap == actual - 2800
        assert p.share_done == pytest.approx((actual - 2000) / 2000)


def test_a_falling_target_counts_progress_downwards():
    energy = Path(0.50, 2020, 0.40, 2025)  # tonnes of coal per 10,000 yuan of GDP
    assert progress(energy, 0.46, 2022).status is Status.ON_TRACK  # expected 0.46
    assert progress(energy, 0.465, 2022).status is Status.AT_RISK  # 0.005 behind = 5 % of 0.10
    assert progress(energy, 0.48, 2022).status is Status.OFF_TRACK
    assert progress(energy, 0.39, 2023).status is Status.ACHIEVED
    assert progress(energy, 0.48, 2022).gap == pytest.approx(-0.02)


def test_holding_a_level():
    hold = Path(20, 2024, 20, 2026)
    assert progress(hold, 20, 2025).status is Status.ON_TRACK
    assert progress(hold, 21, 2025).status is Status.ON_TRACK
    assert progress(hold, 19.9, 2025).status is Status.OFF_TRACK  # no change to measure a tolerance by
    assert progress(hold, 20, 2025).share_done is None


def test_bad_paths_and_periods_are_refused():
    with pytest.raises(ValueError, match="after the baseline"):
        Path(1, 2025, 2, 2025)
    with pytest.raises(ValueError, match="1–12"):
        period_end(2025, 13)
    assert period_end(2026, 12) == 2026 and period_end(2026, 6) == 2025.5


values = st.floats(-1e6, 1e6, allow_nan=False)


@given(values, values, st.floats(0, 10), values, values)
def test_more_progress_never_worsens_the_status(base, goal, t, a, b):
    path = Path(base, 2020, goal, 2030)
    d = path.direction or 1
    lo, hi = sorted((a, b), key=lambda v: v * d)
    order = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.ACHIEVED]
    assert order.index(progress(path, hi, 2020 + t).status) >= order.index(
        progress(path, lo, 2020 + t).status
    )


def test_shortfall_in_the_targets_direction():
    rising = Path(80, 2023, 120, 2026)
    assert shortfall(rising, 100) == 20
    assert shortfall(rising, 120) == 0  # reached
    assert shortfall(rising, 130) == 0  # passed
    assert shortfall(rising, None) == 0  # no data: nothing to show
    falling = Path(0.8, 2023, 0.5, 2026)
    assert shortfall(falling, 0.6) == pytest.approx(0.1)
    assert shortfall(falling, 0.4) == 0
    hold = Path(50, 2023, 50, 2026)
    assert shortfall(hold, 45) == 5
    assert shortfall(hold, 55) == 0
