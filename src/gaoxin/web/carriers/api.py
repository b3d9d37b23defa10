"""The carriers app's API (mounted at /api/carriers); the same scope as the pages.

Zone staff read their zone's incubators (with each national condition's value and gap), the listing
reserve (each firm's STAR-market standards and 科创属性 check) and the challenges with their
applications; an enterprise reads the incubators it is in, its own reserve entry, the challenges its zone
published and its own applications (as lead or partner); an expert (a ``ChallengeExpert`` user) the
applications assigned to them; a bank nothing. Money: exact decimal strings in 万元. Out of scope: 404.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, get_visible, page, scoped
from gaoxin.web.api.schemas import DecimalString, Page
from gaoxin.web.carriers import services
from gaoxin.web.carriers.models import Challenge, ChallengeApplication, Incubator, ReserveFirm

router = Router(tags=["carriers"])


class CheckOut(Schema):
    code: str
    label: str
    value: str | bool | None
    op: str
    threshold: str | bool | None
    passed: bool | None
    gap: str | None
    unit: str
    note: str


def _check(c) -> dict:
    def text(x):
        return x if x is None or isinstance(x, bool) else str(x)

    return {
        "code": c.code,
        "label": c.label,
        "value": text(c.value),
        "op": c.op,
        "threshold": text(c.threshold),
        "passed": c.passed,
        "gap": text(c.gap),
        "unit": c.unit,
        "note": c.note,
    }


class IncubatorOut(Schema):
    id: int
    zone_code: str
    code: str
    name: str
    kind: str
    level: str
    specialised: bool
    area_total: DecimalString | None
    fund: DecimalString | None

    @staticmethod
    def resolve_zone_code(obj) -> str:
        return obj["zone_code"] if isinstance(obj, dict) else obj.zone.code


class IncubatorDetailOut(IncubatorOut):
    on: dt.date
    passed: bool | None
    checks: list[CheckOut]
    firms: int
    graduates: int
    self_evaluation_score: DecimalString | None
    self_evaluation_grade: str | None
    risk: str


class StandardOut(Schema):
    number: int
    met: bool | None
    checks: list[CheckOut]


class ReserveOut(Schema):
    id: int
    enterprise_uscc: str
    enterprise_name: str
    stage: str
    target_board: str
    target_standard: int | None

    @staticmethod
    def resolve_enterprise_uscc(obj) -> str:
        return obj["enterprise_uscc"] if isinstance(obj, dict) else obj.enterprise.uscc

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj["enterprise_name"] if isinstance(obj, dict) else obj.enterprise.name


class ReserveDetailOut(ReserveOut):
    year: int
    dates: dict[str, dt.date | None]
    stalled_days: int | None
    nearest_standard: int | None
    standards: list[StandardOut]
    attributes: list[CheckOut]
    rewards_due: dict[str, DecimalString]


class ChallengeOut(Schema):
    id: int
    code: str
    title: str
    status: str
    ceiling: DecimalString
    deadline: dt.date
    race: bool
    indicators: str


class ApplicationOut(Schema):
    id: int
    challenge_id: int
    lead_uscc: str
    status: str
    budget: DecimalString
    requested: DecimalString
    cofunding: DecimalString
    rank: int | None

    @staticmethod
    def resolve_lead_uscc(obj) -> str:
        return obj.lead.uscc


@router.get(
    "/incubators", response={200: Page[IncubatorOut], **ERRORS}, summary="Incubators the caller may see"
)
def incubators(request, limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0)):
    return page(
        scoped(request, Incubator).select_related("zone").order_by("zone__code", "code"), limit, offset
    )


@router.get(
    "/incubators/{incubator_id}",
    response={200: IncubatorDetailOut, **ERRORS},
    summary="One incubator against the national conditions (value and gap of each)",
)
def incubator(request, incubator_id: int, on: dt.date | None = None):
    inc = get_visible(
        request, scoped(request, Incubator).select_related("zone"), incubator_id, _("Incubator not found.")
    )
    day = on or services.today()
    v = services.incubator_views(inc.zone, day, user=request.user, only=inc)[0]
    return {
        **{
            f: getattr(inc, f)
            for f in ("id", "code", "name", "kind", "level", "specialised", "area_total", "fund")
        },
        "zone_code": inc.zone.code,
        "on": day,
        "passed": v.passed,
        "checks": [_check(c) for c in v.checks],
        "firms": v.counts["firms"],
        "graduates": v.counts["graduates"],
        "self_evaluation_score": v.evaluation.total if v.evaluation else None,
        "self_evaluation_grade": v.evaluation.grade if v.evaluation else None,
        "risk": v.risk.level,
    }


@router.get(
    "/reserve", response={200: Page[ReserveOut], **ERRORS}, summary="The listing reserve the caller may see"
)
def reserve(request, limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0)):
    return page(
        scoped(request, ReserveFirm).select_related("enterprise").order_by("zone_id", "enterprise__uscc"),
        limit,
        offset,
    )


@router.get(
    "/reserve/{reserve_id}",
    response={200: ReserveDetailOut, **ERRORS},
    summary="One reserve firm: stages, STAR-market standards 1–5 with gaps, 科创属性, rewards due",
)
def reserve_firm(request, reserve_id: int, year: int | None = None):
    r = get_visible(
        request,
        scoped(request, ReserveFirm).select_related("zone", "enterprise"),
        reserve_id,
        _("Reserve firm not found."),
    )
    on = services.today()
    y = year or on.year - 1
    v = services.reserve_views(r.zone, on, y, user=request.user, only=r)[0]
    return {
        "id": r.pk,
        "enterprise_uscc": r.enterprise.uscc,
        "enterprise_name": r.enterprise.name,
        "stage": r.stage,
        "target_board": r.target_board,
        "target_standard": r.target_standard,
        "year": y,
        "dates": v.dates,
        "stalled_days": v.stalled_days,
        "nearest_standard": v.nearest.number if v.nearest else None,
        "standards": [
            {"number": s.number, "met": s.met, "checks": [_check(c) for c in s.checks]} for s in v.standards
        ],
        "attributes": [_check(c) for c in v.attributes],
        "rewards_due": {d.stage: d.amount for d in v.rewards_due},
    }


@router.get(
    "/challenges",
    response={200: Page[ChallengeOut], **ERRORS},
    summary="Challenges (揭榜挂帅) the caller may see",
)
def challenges(request, limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0)):
    return page(scoped(request, Challenge).order_by("zone_id", "-created", "-id"), limit, offset)


@router.get("/challenges/{challenge_id}", response={200: ChallengeOut, **ERRORS}, summary="One challenge")
def challenge(request, challenge_id: int):
    return get_visible(request, Challenge, challenge_id, _("Challenge not found."))


@router.get(
    "/applications",
    response={200: Page[ApplicationOut], **ERRORS},
    summary="Applications: a zone's, the caller's own (lead or partner), or those assigned to an expert",
)
def applications(
    request,
    challenge: int | None = Query(None, description="a challenge id"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = scoped(request, ChallengeApplication).select_related("lead")
    if challenge is not None:
        qs = qs.filter(challenge_id=challenge)
    return page(qs.order_by("challenge_id", "id"), limit, offset)
