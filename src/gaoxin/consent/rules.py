"""The rules of a data-authorisation consent (数据授权), without Django.

An enterprise authorises one named bank to read its detailed profile (registry data, annual reports,
qualifications, scores) for a period. The rules:

- **Period.** A consent runs from ``starts_at`` (the moment it is granted) up to, *not including*,
  ``expires_at``: it is live at ``t`` when ``starts_at <= t < expires_at``. At the instant of expiry
  access has ended.
- **Until a day.** A firm grants "until 2026-06-30": the consent covers that whole day, so
  ``expires_at`` is the start of the next day (00:00 of 2026-07-01) in the zone's time zone
  (``end_of_day``).
- **Length.** The period must be positive (the end lies after the moment of granting) and at most
  one year: the last day covered is at most the same calendar day one year after the grant
  (``one_year_after``; 29 February → 28 February). A longer authorisation is a new grant next year.
- **Revocation.** A revoked consent is not live from the moment of revocation on (``revoked_at``):
  live at ``t`` needs also ``revoked_at is None or t < revoked_at``. Only a consent that is still live
  or not yet started can be revoked; an expired or already revoked one is history.
- **Purpose.** A grant states why (e.g. "innovation credit loan application"), 1–500 characters.

All datetimes are timezone-aware. Errors carry a ``code`` and the values a message needs, so that the
web layer words them in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MAX_PURPOSE = 500

LIVE = "live"
PENDING = "pending"  # granted with a later start (not used by the web app today, kept for the rule)
EXPIRED = "expired"
REVOKED = "revoked"


class GrantError(ValueError):
    """A grant (or a revocation) the rules refuse; ``code`` says which rule, ``params`` the values."""

    def __init__(self, code: str, message: str, **params) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Period:
    starts_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = field(default=None)


def _aware(t: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(t, dt.datetime) or t.tzinfo is None or t.utcoffset() is None:
        raise TypeError(f"{name} must be a timezone-aware datetime, not {t!r}")
    return t


def is_live(
    starts_at: dt.datetime, expires_at: dt.datetime, revoked_at: dt.datetime | None, at: dt.datetime
) -> bool:
    """Whether a consent gives access at ``at``: started, not expired, not revoked (all bounds exact)."""
    _aware(at, "at")
    if revoked_at is not None and at >= revoked_at:
        return False
    return starts_at <= at < expires_at


def status(
    starts_at: dt.datetime, expires_at: dt.datetime, revoked_at: dt.datetime | None, at: dt.datetime
) -> str:
    """``live``, ``revoked``, ``expired`` or ``pending`` at ``at`` (revocation wins over expiry when it
    came first)."""
    _aware(at, "at")
    if revoked_at is not None and at >= revoked_at and revoked_at < expires_at:
        return REVOKED
    if at >= expires_at:
        return EXPIRED
    if at < starts_at:
        return PENDING
    return LIVE


def one_year_after(day: dt.date) -> dt.date:
    """The same calendar day a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The first instant after ``day`` in ``tz``: a consent "until ``day``" covers the whole day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def latest_expiry(now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The latest allowed ``expires_at`` for a consent granted at ``now``: the end of the same
    calendar day one year on (the day counted in ``tz``)."""
    return end_of_day(one_year_after(_aware(now, "now").astimezone(tz).date()), tz)


def expiry_of(until: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """``expires_at`` for "until ``until``": a date covers its whole day; a datetime is exact."""
    if isinstance(until, dt.datetime):
        return _aware(until, "until")
    if isinstance(until, dt.date):
        return end_of_day(until, tz)
    raise GrantError("until", f"the end of the period must be a date, not {until!r}", value=until)


def check_grant(now: dt.datetime, until: dt.date | dt.datetime, purpose: str, tz: dt.tzinfo) -> Period:
    """The period of a consent granted at ``now`` until ``until``, or ``GrantError`` naming the rule.

    Codes: ``until`` (not a date), ``not_after_now`` (the period would be empty or in the past),
    ``too_long`` (more than a year), ``purpose_missing``, ``purpose_too_long``.
    """
    _aware(now, "now")
    expires_at = expiry_of(until, tz)
    if expires_at <= now:
        raise GrantError(
            "not_after_now", f"the period must end after now; {until} is not later than today", value=until
        )
    latest = latest_expiry(now, tz)
    if expires_at > latest:
        last_day = (latest - dt.timedelta(days=1)).astimezone(tz).date()
        raise GrantError(
            "too_long", f"a consent lasts at most one year: until {last_day} at the latest", latest=last_day
        )
    text = (purpose or "").strip()
    if not text:
        raise GrantError("purpose_missing", "state the purpose of the authorisation")
    if len(text) > MAX_PURPOSE:
        raise GrantError(
            "purpose_too_long", f"the purpose has {len(text)} characters; at most {MAX_PURPOSE}", n=len(text)
        )
    return Period(starts_at=now, expires_at=expires_at)


def check_revoke(period: Period, now: dt.datetime) -> None:
    """A consent can be revoked while it is live or not yet started; else ``GrantError``
    (``already_revoked`` or ``already_expired``)."""
    state = status(period.starts_at, period.expires_at, period.revoked_at, now)
    if period.revoked_at is not None:
        raise GrantError("already_revoked", "this consent was already revoked", at=period.revoked_at)
    if state == EXPIRED:
        raise GrantError("already_expired", "this consent has already expired", at=period.expires_at)
