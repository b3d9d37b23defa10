"""What the consent pages show: a firm's consents and who looked at it; a bank's consented firms.

Everything is read through ``scoping.visible``. "Who looked" joins the consent app's own access log
with the platform's audit events of bank users on the firm (the enterprise page and the registry API
record those), so that every look a bank takes at the firm's detail is shown, whichever way it came.
"""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.web.accounts.models import AuditEvent, Bank, Role
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.consent.models import AccessLog, Channel, Consent, live_q
from gaoxin.web.registry.models import Enterprise

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
    """The consents live now to the bank user's bank, with their firms (for the bank's list)."""
    return (
        visible(user, Consent)
        .filter(live_q(), bank_id=user.bank_id)
        .filter(enterprise__in=visible(user, Enterprise))
        .select_related("enterprise", "enterprise__zone")
        .order_by("enterprise__name", "enterprise_id", "-expires_at")
    )


def profile_csv(profile) -> bytes:
    """A consented profile as a CSV file for the bank's credit file: registry data, then the annual
    reports (one column per year), then qualifications. UTF-8 with BOM, for Excel."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([_("Registry data"), "", *([""] * len(profile.years))])
    for f in profile.facts:
        w.writerow([f["label"], "", f["value"]])
    w.writerow([])
    w.writerow([_("Annual reports"), _("Unit"), *profile.years])
    for row in profile.report_rows:
        w.writerow([row["label"], row["unit"], *(c["value"] for c in row["cells"])])
    w.writerow([])
    w.writerow([_("Qualifications"), _("Valid from"), _("Valid to"), _("Certificate number")])
    for q in profile.qualifications:
        w.writerow([q["kind"], q["valid_from"], q["valid_to"], q["certificate_no"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
