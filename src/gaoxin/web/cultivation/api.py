"""The cultivation ladder over the API (``/api/cultivation/...``), with the pages' scope.

- ``GET /tier-counts?zone=&year=…``: firms holding each tier at each year-end (zone staff);
- ``GET /runs``, ``GET /runs/{id}``: ladder assessments (zone staff);
- ``GET /runs/{id}/tiers/{tier}/candidates``: a tier's candidates, qualifies then near, smallest gap
  first, each with its gaps (zone staff);
- ``GET /enterprises/{id}/ladder``: one firm's ladder in the latest assessment (zone staff; the firm
  itself).

Everything reads through ``scoped`` (``accounts.scoping.visible``): what is outside the caller's scope is
a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gaoxin.web.accounts.scoping import may
from gaoxin.web.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    audit_read,
    enterprise_or_404,
    get_visible,
    page,
    scoped,
)
from gaoxin.web.api.schemas import EnterpriseRef, MaybeFloat, Page, ZoneRef
from gaoxin.web.cultivation import services
from gaoxin.web.cultivation.models import LadderEntry, LadderRun
from gaoxin.web.platform.views import newest_runs
from gaoxin.web.registry.models import Qualification, Zone

router = Router(tags=["cultivation"])
# Years, repeated: ?year=2024&year=2025 (default: the last six complete years).
YEARS_QUERY = Query(
    None, description="years, repeated: ?year=2024&year=2025 (default: the last six complete years)"
)


class TierCountsOut(Schema):
    zone: ZoneRef
    tiers: list[str]
    counts: dict[int, dict[str, int]]  # year → tier → firms holding it on 31 December


class LadderRunOut(Schema):
    id: int
    zone: ZoneRef
    year: int
    status: str
    assessed: int
    rule_sets: dict[str, str]
    config_sha256: str
    snapshot_sha256: str
    code_version: str
    created: dt.datetime
    finished: dt.datetime | None = None


class LadderRunDetailOut(LadderRunOut):
    config: dict


class GapOut(Schema):
    condition: str | None = None
    label_zh: str | None = None
    label_en: str | None = None
    actual: MaybeFloat = None
    required: MaybeFloat = None
    unit: str | None = None
    text_zh: str | None = None
    text_en: str | None = None


class LadderEntryOut(Schema):
    enterprise: EnterpriseRef
    run: int
    tier: str
    tier_name: str
    status: Literal["holds", "qualifies", "near", "far", "ineligible"]
    distance: MaybeFloat = None
    gaps: list[GapOut]
    next_tier: str | None = None
    held_until: dt.date | None = None  # when a held title lapses
    numbers: dict[str, MaybeFloat]  # the tier's figures (high-tech: rd_ratio_3y, rd_threshold, points …)

    @staticmethod
    def resolve_numbers(obj) -> dict:
        return {k: v for k, v in (obj.numbers or {}).items() if k != "held_until"}

    @staticmethod
    def resolve_held_until(obj):
        held = (obj.numbers or {}).get("held_until")
        return dt.date.fromisoformat(held) if held else None

    @staticmethod
    def resolve_tier_name(obj) -> str:
        return services.QUALIFICATION_KINDS.get(obj.tier, obj.tier)

    @staticmethod
    def resolve_run(obj) -> int:
        return obj.run_id

    @staticmethod
    def resolve_next_tier(obj) -> str | None:
        return obj.next_tier or None


class LadderOut(Schema):
    enterprise: EnterpriseRef
    run: LadderRunOut
    next_tier: str | None = None
    tiers: list[LadderEntryOut]


def _staff(request) -> None:
    if not may(request.user, "view_zone"):
        raise HttpError(403, _("Only zone staff read the zone's cultivation ladder."))


def _zone(request, code: str | None) -> Zone:
    qs = scoped(request, Zone)
    if code:
        zone = qs.filter(code=code).first()
    elif request.user.is_zone_staff:
        zone = request.user.zone
    else:
        raise HttpError(400, _("Name the zone: ?zone=<code>."))
    if zone is None:
        raise Http404(_("Zone not found."))
    return zone


@router.get(
    "/tier-counts", response={200: TierCountsOut, **ERRORS}, summary="Firms holding each tier at year-end"
)
def tier_counts(
    request,
    zone: str | None = Query(None, description="zone code (zone staff: their own by default)"),
    year: list[int] = YEARS_QUERY,
):
    _staff(request)
    found = _zone(request, zone)
    years = sorted(set(year)) if year else services.trend_years()
    if len(years) > 30 or any(y < 1980 or y > 2100 for y in years):
        raise HttpError(400, _("Ask for at most 30 years between 1980 and 2100."))
    counts = services.tier_counts(found, years, scoped(request, Qualification))
    return {"zone": found, "tiers": list(services.TIERS), "counts": counts}


@router.get("/runs", response={200: Page[LadderRunOut], **ERRORS}, summary="Ladder assessments")
def runs(
    request,
    zone: str | None = Query(None, description="zone code"),
    year: int | None = None,
    status: Literal["running", "done", "failed"] | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    _staff(request)
    qs = scoped(request, LadderRun).select_related("zone").defer("config")
    return page(newest_runs(qs, zone=zone, year=year, status=status), limit, offset)


def _run(request, run_id: int) -> LadderRun:
    _staff(request)
    qs = scoped(request, LadderRun).select_related("zone")
    return get_visible(request, qs, run_id, _("Ladder assessment not found."))


@router.get("/runs/{run_id}", response={200: LadderRunDetailOut, **ERRORS}, summary="One ladder assessment")
def run(request, run_id: int):
    return _run(request, run_id)


@router.get(
    "/runs/{run_id}/tiers/{tier}/candidates",
    response={200: Page[LadderEntryOut], **ERRORS},
    summary="A tier's candidates: qualifies, then near, smallest gap first, with what each lacks",
)
def candidates(
    request,
    run_id: int,
    tier: str,
    status: Literal[
        "candidates", "renewal", "qualifies", "near", "far", "ineligible", "holds", "all"
    ] = "candidates",
    q: str = Query("", max_length=100, description="name or USCC prefix"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    found = _run(request, run_id)
    if tier not in services.TIERS:
        raise Http404(_("No such tier."))
    if found.status != LadderRun.Status.DONE:
        raise Http404(_("This assessment has not finished."))
    qs = services.candidates(scoped(request, LadderEntry), found, tier, status=status, q=q)
    if request.api_via == "token":  # a machine pulling a zone's candidates is audited like an export
        audit_read(request, "view_ladder", found, "ladder-candidates")
    return page(qs, limit, offset)


@router.get(
    "/enterprises/{enterprise_id}/ladder",
    response={200: LadderOut, **ERRORS},
    summary="One enterprise's ladder: each tier's status, gaps and the next tier",
)
def enterprise_ladder(request, enterprise_id: int):
    found = enterprise_or_404(request, enterprise_id)
    ladder = services.enterprise_ladder(scoped(request, LadderEntry).select_related("enterprise"), found)
    if ladder is None:
        raise Http404(_("This enterprise has no ladder assessment yet."))
    audit_read(request, "view_enterprise", found, "ladder")
    return {
        "enterprise": found,
        "run": ladder.run,
        "next_tier": ladder.next_tier or None,
        "tiers": [r["entry"] for r in ladder.rows],
    }
