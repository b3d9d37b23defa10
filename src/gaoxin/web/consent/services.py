"""Consents: grant, revoke, who has a live one, and the log of every look a bank takes.

The rules are in the pure module ``gaoxin.consent`` (live at ``t``: started, not expired, not revoked;
a grant runs at most a year); this module applies them to the database. Services never commit behind
the caller's back: views and the API wrap them in ``transaction.atomic``.

For the finance app and others:

    live_consent(bank, enterprise, at=None) -> Consent | None
    consented_enterprises(bank, at=None) -> QuerySet[Enterprise]
    grant(user, bank, until, purpose, *, now=None, by=None, channel="") -> Consent   # ConsentError when refused
    revoke(user, consent, *, now=None, by=None, channel="") -> Consent               # ConsentError when refused

Both record the change in the audit log (``by``: the request, for its address; the user otherwise;
``channel="api"`` when it came through the API).
    log_access(request_or_user, enterprise, what, channel) -> AccessLog
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.consent import rules
from gaoxin.web.accounts.models import AuditEvent, Bank, Role, User
from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.consent.models import AccessLog, Channel, Consent, live_q
from gaoxin.web.registry.models import Enterprise


class ConsentError(ValueError):
    """A grant or revocation refused; the message says why, in the reader's language."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def _bank_id(bank: Bank | int | None) -> int | None:
    return bank if isinstance(bank, int) or bank is None else bank.pk


def live_consents(bank: Bank | int, at: dt.datetime | None = None) -> QuerySet[Consent]:
    """The consents to ``bank`` live at ``at`` (default: now)."""
    return Consent.objects.filter(live_q(at), bank_id=_bank_id(bank))


def live_consent(
    bank: Bank | int, enterprise: Enterprise | int, at: dt.datetime | None = None
) -> Consent | None:
    """The live consent of ``enterprise`` to ``bank`` at ``at`` (default: now), the latest-ending if
    several overlap, or ``None``."""
    ent_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    return live_consents(bank, at).filter(enterprise_id=ent_id).order_by("-expires_at", "-id").first()


def consented_enterprises(bank: Bank | int, at: dt.datetime | None = None) -> QuerySet[Enterprise]:
    """The enterprises with a consent to ``bank`` live at ``at`` (default: now)."""
    return Enterprise.objects.filter(pk__in=live_consents(bank, at).values("enterprise_id"))


def _message(exc: rules.GrantError) -> str:
    p = exc.params
    if exc.code == "not_after_now":
        return _("The end of the period must be later than now: %(value)s has already passed.") % {
            "value": p.get("value")
        }
    if exc.code == "too_long":
        return _("A data authorisation lasts at most one year: choose %(latest)s or earlier.") % {
            "latest": p.get("latest")
        }
    if exc.code == "purpose_missing":
        return _("State the purpose of the authorisation (for example: innovation credit loan).")
    if exc.code == "purpose_too_long":
        return _("The purpose is %(n)s characters long; at most %(max)s are allowed.") % {
            "n": p.get("n"),
            "max": rules.MAX_PURPOSE,
        }
    if exc.code == "already_revoked":
        return _("This authorisation was already revoked.")
    if exc.code == "already_expired":
        return _("This authorisation has already expired; there is nothing to revoke.")
    return _("The end of the period is not a valid date.")


def parse_until(value: str | dt.date | dt.datetime | None) -> dt.date | dt.datetime:
    """A form or API value for the end of the period: ``YYYY-MM-DD`` (the whole day) or a date."""
    if isinstance(value, dt.date):
        return value
    text = (value or "").strip()
    if not text:
        raise ConsentError(_("Choose the last day of the authorisation."), "until")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConsentError(
            _('"%(value)s" is not a date: write it as YYYY-MM-DD, e.g. 2026-06-30.') % {"value": text},
            "until",
        ) from None


def _channel(channel: str) -> dict:
    return {"channel": channel} if channel else {}


def grant(
    user: User,
    bank: Bank,
    until: dt.date | dt.datetime,
    purpose: str,
    *,
    now: dt.datetime | None = None,
    by=None,
    channel: str = "",
) -> Consent:
    """The user's enterprise authorises ``bank`` to read its detailed profile from now until ``until``
    (a date: the whole of that day; a datetime: that instant), for ``purpose``.

    Refused (``ConsentError``) unless ``user`` is an enterprise user, the period is positive and at most
    a year, the purpose is stated, and the firm has no live consent to that bank already (revoke it
    first, or wait for it to end).
    """
    if not getattr(user, "is_authenticated", False) or user.role != Role.ENTERPRISE or not user.enterprise_id:
        raise ConsentError(_("Only an enterprise user can grant a data authorisation."), "role")
    if not isinstance(bank, Bank) or bank.pk is None:
        raise ConsentError(_("Choose the bank to authorise."), "bank")
    now = now or timezone.now()
    try:
        period = rules.check_grant(now, until, purpose, timezone.get_current_timezone())
    except rules.GrantError as exc:
        raise ConsentError(_message(exc), exc.code) from None
    current = live_consent(bank, user.enterprise_id, now)
    if current is not None:
        raise ConsentError(
            _(
                "%(bank)s already has a live authorisation until %(day)s. Revoke it first if you want to "
                "grant a different period."
            )
            % {"bank": bank.name, "day": current.last_day},
            "exists",
        )
    consent = Consent.objects.create(
        enterprise_id=user.enterprise_id,
        bank=bank,
        granted_by=user,
        granted_at=now,
        starts_at=period.starts_at,
        expires_at=period.expires_at,
        purpose=purpose.strip(),
    )
    audit(
        by or user, "consent_grant", consent, bank=bank.code, until=str(consent.last_day), **_channel(channel)
    )
    return consent


def can_revoke(user: User, consent: Consent) -> bool:
    """Only the firm's own users revoke its consents (not the bank, not the zone)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.role == Role.ENTERPRISE
        and user.enterprise_id == consent.enterprise_id
    )


def revoke(
    user: User, consent: Consent, *, now: dt.datetime | None = None, by=None, channel: str = ""
) -> Consent:
    """End ``consent`` now: from this instant the bank no longer sees the firm's detail through it."""
    if not can_revoke(user, consent):
        raise ConsentError(_("Only the enterprise that granted an authorisation can revoke it."), "role")
    now = now or timezone.now()
    try:
        rules.check_revoke(consent.period(), now)
    except rules.GrantError as exc:
        raise ConsentError(_message(exc), exc.code) from None
    consent.revoked_at = now
    consent.revoked_by = user
    consent.save(update_fields=["revoked_at", "revoked_by"])
    audit(by or user, "consent_revoke", consent, bank=consent.bank.code, **_channel(channel))
    return consent


def log_access(request_or_user, enterprise: Enterprise, what: str, channel: str) -> AccessLog:
    """Record that a (bank) user looked at ``enterprise``'s detail: ``what`` (e.g. "profile",
    "annual reports"), ``channel`` one of ``page``, ``api``, ``export``; the IP comes from a request."""
    request = request_or_user if hasattr(request_or_user, "META") else None
    user = request.user if request is not None else request_or_user
    user = user if getattr(user, "is_authenticated", False) else None
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}; one of {Channel.values}")
    bank_id = getattr(user, "bank_id", None)
    consent = live_consent(bank_id, enterprise) if bank_id else None
    return AccessLog.objects.create(
        enterprise=enterprise,
        bank_id=bank_id,
        user=user,
        username=getattr(user, "username", "") or "",
        consent=consent,
        what=what[:200],
        channel=channel,
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


# --- what the pages show ------------------------------------------------------------------------------
# A firm's consents and who looked at it; a bank's consented firms. Everything is read through
# ``scoping.visible``. "Who looked" joins the consent app's own access log with the platform's audit
# events of bank users on the firm (the enterprise page and the registry API record those), so that
# every look a bank takes at the firm's detail is shown, whichever way it came.

WHO_LOOKED_LIMIT = 200

# What the registry's endpoints record as "endpoint" in an audit event, in words.
_ENDPOINTS = {
    "enterprise": "registry data",
    "reports": "annual reports",
    "qualifications": "qualifications",
    "scores": "scores",
}


def consent_rows(user, enterprise: Enterprise) -> list[dict]:
    now = timezone.now()
    qs = (
        visible(user, Consent)
        .filter(enterprise=enterprise)
        .select_related("bank", "granted_by", "revoked_by")
    )
    return [
        {"consent": c, "status": c.status(now), "status_label": c.status_label(now), "last_day": c.last_day}
        for c in qs.order_by("-granted_at", "-id")[:WHO_LOOKED_LIMIT]
    ]


def what_label(what: str) -> str:
    labels = {
        "profile": _("detailed profile"),
        "registry data": _("registry data"),
        "annual reports": _("annual reports"),
        "qualifications": _("qualifications"),
        "scores": _("scores"),
    }
    return labels.get(what, what)


def who_looked(user, enterprise: Enterprise, limit: int = WHO_LOOKED_LIMIT) -> list[dict]:
    """The banks' looks at ``enterprise``, newest first: bank, user, time, what, channel."""
    rows = []
    logs = visible(user, AccessLog).filter(enterprise=enterprise).select_related("bank", "user")
    for a in logs.order_by("-at", "-id")[:limit]:
        rows.append(
            {
                "at": a.at,
                "bank": a.bank.name if a.bank else "",
                "user": str(a.user) if a.user else a.username,
                "what": what_label(a.what),
                "channel": a.get_channel_display(),
            }
        )
    events = (
        visible(user, AuditEvent)
        .filter(
            action="view_enterprise",
            object_type="enterprise",
            object_id=str(enterprise.pk),
            user__role=Role.BANK,
        )
        .select_related("user__bank")
        .order_by("-at", "-id")[:limit]
    )
    for e in events:
        api = e.detail.get("channel") == "api"
        rows.append(
            {
                "at": e.at,
                "bank": e.user.bank.name if e.user and e.user.bank else "",
                "user": str(e.user) if e.user else e.username,
                "what": what_label(_ENDPOINTS.get(e.detail.get("endpoint", ""), "registry data"))
                if api
                else what_label("profile"),
                "channel": Channel.API.label if api else Channel.PAGE.label,
            }
        )
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:limit]


def bank_choices(user) -> list[Bank]:
    return list(visible(user, Bank).order_by("name"))


def bank_consents(user):
    """The consents live now to the bank user's bank, with their firms (for the bank's list).

    A firm with a consent live now to the bank is one the bank sees (this app's grant of
    ``registry.Enterprise`` in ``scopes.py``), so the list is not intersected again with every firm the
    bank sees: that subquery reads the whole register (listed, consented, green- and region-listed
    firms) on every page and grew with the nation's firms; ``visible(user, Consent)`` keeps the scope."""
    return (
        visible(user, Consent)
        .filter(live_q(), bank_id=user.bank_id)
        .select_related("enterprise", "enterprise__zone")
        .order_by("enterprise__name", "enterprise_id", "-expires_at")
    )
