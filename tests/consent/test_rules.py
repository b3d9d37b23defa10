"""The pure rules of a data authorisation: liveness at exact boundaries, period limits, revocation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.consent import rules

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 11, 25, 14, 30, tzinfo=TZ)
SECOND = dt.timedelta(seconds=1)
TICK = dt.timedelta(microseconds=1)


def test_live_from_start_inclusive_to_expiry_exclusive():
    start, end = NOW, NOW + dt.timedelta(days=30)
    assert not rules.is_live(start, end, None, start - TICK)
    assert rules.is_live(start, end, None, start)
    assert rules.is_live(start, end, None, end - TICK)
    assert not rules.is_live(start, end, None, end)  # access ends at expiry
    assert not rules.is_live(start, end, None, end + SECOND)


def test_revocation_ends_access_at_its_instant():
    start, end = NOW, NOW + dt.timedelta(days=30)
    revoked = NOW + dt.timedelta(days=3)
    assert rules.is_live(start, end, revoked, revoked - TICK)
    assert not rules.is_live(start, end, revoked, revoked)
    assert rules.status(start, end, revoked, revoked) == rules.REVOKED
    assert rules.status(start, end, revoked, end + SECOND) == rules.REVOKED  # revoked stays revoked
    assert rules.status(start, end, None, end) == rules.EXPIRED
    assert rules.status(start, end, None, start) == rules.LIVE
    assert rules.status(start, end, None, start - TICK) == rules.PENDING


def test_naive_times_are_refused():
    with pytest.raises(TypeError):
        rules.is_live(NOW, NOW + SECOND, None, dt.datetime(2025, 1, 1))


def test_until_a_day_covers_the_whole_day_in_the_zone_time():
    period = rules.check_grant(NOW, dt.date(2026, 6, 30), "贷款申请", TZ)
    assert period.starts_at == NOW
    assert period.expires_at == dt.datetime(2026, 7, 1, 0, 0, tzinfo=TZ)
    assert rules.is_live(
        period.starts_at, period.expires_at, None, dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=TZ)
    )
    assert not rules.is_live(period.starts_at, period.expires_at, None, dt.datetime(2026, 7, 1, tzinfo=TZ))


def test_today_is_refused_tomorrow_is_the_shortest_grant():
    with pytest.raises(rules.GrantError) as exc:
        rules.check_grant(NOW, dt.date(2025, 11, 24), "x", TZ)
    assert exc.value.code == "not_after_now"
    # "until today" still covers the rest of today: a positive period
    assert rules.check_grant(NOW, NOW.date(), "x", TZ).expires_at == dt.datetime(2025, 11, 26, tzinfo=TZ)
    with pytest.raises(rules.GrantError) as exc:
        rules.check_grant(NOW, NOW, "x", TZ)  # an exact instant equal to now: empty period
    assert exc.value.code == "not_after_now"


def test_at_most_one_year_to_the_day():
    latest = dt.date(2026, 11, 25)
    assert rules.check_grant(NOW, latest, "x", TZ).expires_at == dt.datetime(2026, 11, 26, tzinfo=TZ)
    with pytest.raises(rules.GrantError) as exc:
        rules.check_grant(NOW, latest + dt.timedelta(days=1), "x", TZ)
    assert exc.value.code == "too_long" and exc.value.params["latest"] == latest


def test_leap_day_grant_lasts_until_the_28th_of_february():
    leap = dt.datetime(2028, 2, 29, 9, 0, tzinfo=TZ)
    assert rules.one_year_after(leap.date()) == dt.date(2029, 2, 28)
    rules.check_grant(leap, dt.date(2029, 2, 28), "x", TZ)
    with pytest.raises(rules.GrantError):
        rules.check_grant(leap, dt.date(2029, 3, 1), "x", TZ)


def test_purpose_is_required_and_bounded():
    for bad, code in (("", "purpose_missing"), ("   ", "purpose_missing"), ("字" * 501, "purpose_too_long")):
        with pytest.raises(rules.GrantError) as exc:
            rules.check_grant(NOW, dt.date(2026, 1, 1), bad, TZ)
        assert exc.value.code == code
    rules.check_grant(NOW, dt.date(2026, 1, 1), "字" * 500, TZ)


def test_not_a_date_is_refused():
    with pytest.raises(rules.GrantError) as exc:
        rules.check_grant(NOW, "2026-01-01", "x", TZ)
    assert exc.value.code == "until"


def test_only_live_or_pending_consents_can_be_revoked():
    period = rules.Period(NOW, NOW + dt.timedelta(days=10))
    rules.check_revoke(period, NOW + dt.timedelta(days=1))
    rules.check_revoke(period, NOW - dt.timedelta(days=1))  # not yet started
    with pytest.raises(rules.GrantError) as exc:
        rules.check_revoke(period, NOW + dt.timedelta(days=10))
    assert exc.value.code == "already_expired"
    with pytest.raises(rules.GrantError) as exc:
        rules.check_revoke(rules.Period(NOW, NOW + dt.timedelta(days=10), NOW + SECOND), NOW + 2 * SECOND)
    assert exc.value.code == "already_revoked"


@given(
    offset=st.integers(min_value=-(10**7), max_value=10**8),
    length=st.integers(min_value=1, max_value=10**8),
    revoke=st.one_of(st.none(), st.integers(min_value=0, max_value=10**8)),
)
def test_live_is_exactly_started_not_expired_not_revoked(offset, length, revoke):
    start = NOW
    end = NOW + dt.timedelta(seconds=length)
    revoked = None if revoke is None else NOW + dt.timedelta(seconds=revoke)
    at = NOW + dt.timedelta(seconds=offset)
    expected = start <= at < end and (revoked is None or at < revoked)
    assert rules.is_live(start, end, revoked, at) == expected
    assert (rules.status(start, end, revoked, at) == rules.LIVE) == expected
