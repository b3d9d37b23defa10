"""The supervision API (mounted at /api/supervision): the region's zone figures for a supervisor, and
region-level white-lists for their supervisors and the banks they were published to. Out of scope is
404; money is exact decimal strings in 万元."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gaoxin.web.accounts.scoping import may
from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, get_visible, page, scoped
from gaoxin.web.api.schemas import DecimalString, Page
from gaoxin.web.supervision import services
from gaoxin.web.supervision.models import RegionalEntry, RegionalList

router = Router(tags=["supervision"])


class StandingOut(Schema):
    """The zone's benchmarking (the benchmark app's zone model, its latest year of facts)."""

    year: int
    rank: int
    of: int
    p05: int
    p95: int
    total: float
    table: str


class ZoneFiguresOut(Schema):
    zone: str
    zone_name: str
    firms: int
    scored: int
    year: int | None
    grades: dict[str, int]
    tiers: dict[str, int]
    published: int
    listed: int
    approved: DecimalString
    outstanding: DecimalString
    defaulted: DecimalString
    benchmark: StandingOut | None


class RegionalListOut(Schema):
    id: int
    region: str
    title: str
    entries_count: int
    sha256: str
    created: dt.datetime

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code


class RegionalEntryOut(Schema):
    position: int
    uscc: str
    name: str
    zone_code: str
    stage: str
    total: float
    rank: int
    grade: str
    list: str
    year: int


@router.get(
    "/zones",
    response={200: list[ZoneFiguresOut], **ERRORS},
    summary="The figures of the zones under my region",
)
def zones(request):
    if not may(request.user, "supervise"):
        raise HttpError(403, _("Only supervisors read the figures of the zones under a region."))
    out = []
    for r in services.overview(request.user):
        t = r.loans.total
        out.append(
            {
                "zone": r.zone.code,
                "zone_name": r.zone.name,
                "firms": r.firms,
                "scored": r.scored,
                "year": r.run.year if r.run else None,
                "grades": r.grades,
                "tiers": r.tiers,
                "published": r.published,
                "listed": r.listed,
                "approved": t.approved,
                "outstanding": t.outstanding,
                "defaulted": t.defaulted,
                "benchmark": vars(r.bench) if r.bench is not None else None,
            }
        )
    return out


@router.get(
    "/lists", response={200: Page[RegionalListOut], **ERRORS}, summary="Regional white-lists I may see"
)
def lists(request, limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0)):
    return page(scoped(request, RegionalList).select_related("region"), limit, offset)


@router.get(
    "/lists/{list_id}/entries",
    response={200: Page[RegionalEntryOut], **ERRORS},
    summary="The firms of one regional white-list, as published",
)
def entries(
    request, list_id: int, limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0)
):
    regional = get_visible(request, RegionalList, list_id, _("List not found."))
    return page(
        scoped(request, RegionalEntry).filter(regional_list=regional).order_by("position"), limit, offset
    )
