"""The consent API, mounted at /api/consent/ (data authorisation, 数据授权).

For a bank (token of a bank user, so scoped to that bank):

- ``GET /api/consent/profiles``: the firms that authorise the bank now (a page);
- ``GET /api/consent/profiles/{enterprise_id}``: one such firm's detailed profile — registry data,
  annual reports, qualifications, latest score — recorded in the firm's access log. A firm without a
  live authorisation to the calling bank is a 404, as is an id that does not exist.

For an enterprise: ``GET /api/consent/consents`` (its consents; a bank sees those given to it),
``POST /api/consent/consents`` (grant) and ``POST /api/consent/consents/{id}/revoke``;
``GET /api/consent/accesses`` lists who looked at the firm (for a bank: its own looks).
Errors are JSON ``{"detail": ...}``: 400 for a refused grant (the reason named), 403 for a role that
may not do it, 404 outside the caller's scope.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from gaoxin.web.accounts.models import Bank, Role
from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, get_visible, page, scoped
from gaoxin.web.api.schemas import (
    AnnualReportOut,
    BankRef,
    EnterpriseDetailOut,
    EnterpriseOut,
    EnterpriseRef,
    Page,
    QualificationOut,
    ScoreOut,
)
from gaoxin.web.consent import services
from gaoxin.web.consent.models import AccessLog, Channel, Consent, live_q
from gaoxin.web.credit.models import Score, ScoreRun
from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification

router = Router(tags=["consent"])


class ConsentOut(Schema):
    """One data authorisation: live from ``starts_at`` up to (not including) ``expires_at``."""

    id: int
    enterprise: EnterpriseRef
    bank: BankRef
    purpose: str
    granted_at: dt.datetime
    starts_at: dt.datetime
    expires_at: dt.datetime = Field(description="access ends at this instant")
    last_day: dt.date = Field(description="the last calendar day covered (local time)")
    revoked_at: dt.datetime | None = None
    status: str = Field(description="live, expired, revoked or pending")

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.status()


class GrantIn(Schema):
    bank: str = Field(description="the bank's code (e.g. demo-bank) or id")
    until: dt.date = Field(description="the last day covered, YYYY-MM-DD; at most one year from today")
    purpose: str = Field(description="why the bank may look, e.g. 创新积分贷申请")


class ConsentedFirmOut(Schema):
    enterprise: EnterpriseOut
    consent: int
    purpose: str
    expires_at: dt.datetime
    last_day: dt.date

    @staticmethod
    def resolve_consent(obj) -> int:
        return obj.pk


class ConsentedProfileOut(Schema):
    enterprise: EnterpriseDetailOut
    consent: ConsentOut
    reports: list[AnnualReportOut]
    qualifications: list[QualificationOut]
    latest_score: ScoreOut | None = Field(None, description="the score of the latest finished run")


class AccessOut(Schema):
    at: dt.datetime
    enterprise: EnterpriseRef
    bank: BankRef | None = None
    user: str
    what: str
    channel: str

    @staticmethod
    def resolve_user(obj) -> str:
        return str(obj.user) if obj.user else obj.username


def _bank_only(request) -> None:
    if request.user.role != Role.BANK or not request.user.bank_id:
        raise HttpError(403, _("Only a bank's users and tokens read authorised profiles."))


def _live(request):
    return (
        scoped(request, Consent)
        .filter(live_q(), bank_id=request.user.bank_id)
        .filter(enterprise__in=scoped(request, Enterprise))
        .select_related("enterprise", "enterprise__zone")
    )


@router.get(
    "/profiles",
    response={200: Page[ConsentedFirmOut], **ERRORS},
    summary="Firms that authorise the calling bank now",
)
def profiles(
    request,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    _bank_only(request)
    return page(_live(request).order_by("enterprise__name", "enterprise_id"), limit, offset)


@router.get(
    "/profiles/{enterprise_id}",
    response={200: ConsentedProfileOut, **ERRORS},
    summary="One authorising firm's detailed profile (recorded in the firm's access log)",
)
def profile(request, enterprise_id: int):
    """Registry data, annual reports, qualifications and the latest score of a firm with a live
    authorisation to the calling bank; 404 otherwise. Every call is shown to the firm."""
    _bank_only(request)
    consent = _live(request).filter(enterprise_id=enterprise_id).order_by("-expires_at").first()
    if consent is None:
        raise HttpError(404, _("No live data authorisation of this enterprise to your bank."))
    ent = consent.enterprise
    reports = list(scoped(request, AnnualReport).filter(enterprise=ent).order_by("year"))
    quals = list(scoped(request, Qualification).filter(enterprise=ent).order_by("kind", "valid_from"))
    score = (
        scoped(request, Score)
        .filter(enterprise=ent, run__status=ScoreRun.Status.DONE)
        .select_related("enterprise")
        .order_by(F("run__finished").desc(nulls_last=True), "-run_id")
        .first()
    )
    services.log_access(request, ent, "profile", Channel.API)
    return {
        "enterprise": ent,
        "consent": consent,
        "reports": reports,
        "qualifications": quals,
        "latest_score": score,
    }


@router.get(
    "/consents", response={200: Page[ConsentOut], **ERRORS}, summary="The caller's data authorisations"
)
def consents(
    request,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """An enterprise: the authorisations it granted; a bank: those granted to it; zone staff: their
    zone's."""
    qs = scoped(request, Consent).select_related("enterprise", "bank").order_by("-granted_at", "-id")
    return page(qs, limit, offset)


def _enterprise_only(request) -> None:
    if request.user.role != Role.ENTERPRISE or not request.user.enterprise_id:
        raise HttpError(403, _("Only an enterprise user can grant or revoke a data authorisation."))


@router.post("/consents", response={201: ConsentOut, **ERRORS}, summary="Authorise a bank (enterprise)")
def grant(request, body: GrantIn):
    """The caller's enterprise authorises a bank until ``until`` (inclusive, at most a year)."""
    _enterprise_only(request)
    banks = scoped(request, Bank)
    key = body.bank.strip()
    bank = banks.filter(code=key).first() or (banks.filter(pk=int(key)).first() if key.isdigit() else None)
    if bank is None:
        raise HttpError(400, _('Unknown bank "%(bank)s".') % {"bank": key})
    try:
        with transaction.atomic():
            consent = services.grant(request.user, bank, body.until, body.purpose, by=request, channel="api")
    except services.ConsentError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, Consent.objects.select_related("enterprise", "bank").get(pk=consent.pk))


@router.post(
    "/consents/{consent_id}/revoke",
    response={200: ConsentOut, **ERRORS},
    summary="Revoke a data authorisation (enterprise)",
)
def revoke(request, consent_id: int):
    found = get_visible(
        request,
        scoped(request, Consent).select_related("enterprise", "bank"),
        consent_id,
        _("Data authorisation not found."),
    )
    _enterprise_only(request)
    try:
        with transaction.atomic():
            services.revoke(request.user, found, by=request, channel="api")
    except services.ConsentError as exc:
        raise HttpError(400, str(exc)) from None
    return found


@router.get("/accesses", response={200: Page[AccessOut], **ERRORS}, summary="Who looked (access log)")
def accesses(
    request,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """An enterprise: every look a bank took at its detail through the consent pages and API; a bank:
    its own looks."""
    qs = scoped(request, AccessLog).select_related("enterprise", "bank", "user").order_by("-at", "-id")
    return page(qs, limit, offset)
