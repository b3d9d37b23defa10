"""The command centre's API (mounted at /api/command): targets with their progress and history,
talents, platforms, action plans and tasks (``overdue=true`` for the overdue ones).

Same scope as the pages (``api.common.scoped``): zone staff see their zone, the platform administrator
every zone (filter with ``zone=<code>``), enterprises and banks nothing; a row outside the caller's
scope is a 404. Values are exact decimal strings; the status is one of achieved, on_track, at_risk,
off_track, no_data (``status_label`` is the Chinese badge).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, get_visible, page, scoped
from gaoxin.web.api.schemas import DecimalString, Page, ZoneRef
from gaoxin.web.command import services
from gaoxin.web.command.models import (
    ActionPlan,
    Level,
    Platform,
    PlatformKind,
    Talent,
    Target,
    Task,
    level_rank,
)
from gaoxin.web.registry.models import Zone

router = Router(tags=["command"])


class PointOut(Schema):
    period: str
    actual: float
    expected: float
    status: str


class TargetOut(Schema):
    id: int
    zone: ZoneRef
    name: str
    unit: str
    metric: str
    how: str
    baseline_value: DecimalString
    baseline_year: int
    target_value: DecimalString
    target_year: int
    owner: str
    source: str
    status: str
    status_label: str
    period: str | None = None  # the period of the actual judged
    actual: float | None = None
    expected: float | None = None  # the straight path at that period
    share_done: float | None = None


class TargetDetailOut(TargetOut):
    history: list[PointOut]


class EnterpriseBrief(Schema):
    id: int
    uscc: str
    name: str


class TalentOut(Schema):
    id: int
    zone: ZoneRef
    name: str
    level: str
    programme: str
    team: str
    enterprise: EnterpriseBrief | None = None
    year: int | None = None


class PlatformOut(Schema):
    id: int
    zone: ZoneRef
    name: str
    kind: str
    level: str
    enterprise: EnterpriseBrief | None = None
    year: int | None = None


class PlanOut(Schema):
    id: int
    zone: ZoneRef
    name: str
    owner: str
    period: str


class TaskOut(Schema):
    id: int
    plan_id: int
    plan: str
    name: str
    owner: str
    deadline: dt.date | None = None
    status: str
    evidence: str
    evidence_link: str
    completed_on: dt.date | None = None
    overdue: bool
    days_overdue: int


def _target_out(v: services.TargetView) -> dict:
    t = v.target
    p = v.standing.progress
    return {
        "id": t.pk,
        "zone": t.zone,
        "name": t.name,
        "unit": t.unit,
        "metric": t.metric,
        "how": v.how,
        "baseline_value": t.baseline_value,
        "baseline_year": t.baseline_year,
        "target_value": t.target_value,
        "target_year": t.target_year,
        "owner": t.owner,
        "source": t.source,
        "status": str(v.status),
        "status_label": v.status_label,
        "period": v.period.label if v.period else None,
        "actual": p.actual,
        "expected": p.expected if v.period else None,
        "share_done": p.share_done,
    }


def _choice(value: str, choices) -> str:
    if value not in choices.values:
        raise HttpError(
            400,
            _('Unknown value "%(value)s"; choose one of: %(choices)s')
            % {"value": value, "choices": ", ".join(choices.values)},
        )
    return value


def _zones(request, zone: str | None) -> list[Zone]:
    qs = scoped(request, Zone).order_by("code")
    if zone:
        qs = qs.filter(code=zone)
    return list(qs)


@router.get("/targets", response={200: list[TargetOut], **ERRORS}, summary="Targets with their status")
def targets(request, zone: str | None = Query(None, description="zone code")):
    out = []
    for z in _zones(request, zone):
        out += [_target_out(v) for v in services.target_views(scoped(request, Target), z)]
    return out


@router.get(
    "/targets/{target_id}", response={200: TargetDetailOut, **ERRORS}, summary="One target and its history"
)
def target(request, target_id: int):
    found = get_visible(
        request,
        scoped(request, Target).select_related("zone").prefetch_related("actuals"),
        target_id,
        _("Target not found."),
    )
    view = services.target_view(found)
    return {
        **_target_out(view),
        "history": [
            {"period": p.period.label, "actual": p.actual, "expected": p.expected, "status": str(p.status)}
            for p in view.points
        ],
    }


@router.get("/talents", response={200: Page[TalentOut], **ERRORS}, summary="Talents")
def talents(
    request,
    zone: str | None = Query(None, description="zone code"),
    level: str | None = Query(None, description="national, provincial or municipal"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = scoped(request, Talent).select_related("zone", "enterprise")
    if zone:
        qs = qs.filter(zone__code=zone)
    if level:
        qs = qs.filter(level=_choice(level, Level))
    return page(qs.order_by("zone__code", level_rank(), "name", "id"), limit, offset)


@router.get(
    "/platforms", response={200: Page[PlatformOut], **ERRORS}, summary="Labs, R&D institutions, platforms"
)
def platforms(
    request,
    zone: str | None = Query(None, description="zone code"),
    level: str | None = Query(None, description="national, provincial or municipal"),
    kind: str | None = Query(None, description="lab, rd_institution, engineering_centre, tech_centre, …"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = scoped(request, Platform).select_related("zone", "enterprise")
    if zone:
        qs = qs.filter(zone__code=zone)
    if level:
        qs = qs.filter(level=_choice(level, Level))
    if kind:
        qs = qs.filter(kind=_choice(kind, PlatformKind))
    return page(qs.order_by("zone__code", level_rank(), "kind", "name"), limit, offset)


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="Action plans")
def plans(request, zone: str | None = Query(None, description="zone code")):
    qs = scoped(request, ActionPlan).select_related("zone")
    if zone:
        qs = qs.filter(zone__code=zone)
    return list(qs.order_by("zone__code", "order", "id"))


@router.get("/tasks", response={200: Page[TaskOut], **ERRORS}, summary="Action-plan tasks")
def tasks(
    request,
    zone: str | None = Query(None, description="zone code"),
    plan: int | None = Query(None, description="action plan id"),
    overdue: bool = Query(False, description="only tasks overdue today"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = scoped(request, Task).select_related("plan")
    if zone:
        qs = qs.filter(plan__zone__code=zone)
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if overdue:
        qs = services.overdue(qs)
    result = page(qs.order_by("plan__zone_id", "plan__order", "plan_id", "order", "id"), limit, offset)
    result["items"] = [
        {
            "id": r["task"].pk,
            "plan_id": r["task"].plan_id,
            "plan": r["task"].plan.name,
            "name": r["task"].name,
            "owner": r["task"].owner,
            "deadline": r["task"].deadline,
            "status": r["task"].status,
            "evidence": r["task"].evidence,
            "evidence_link": r["task"].evidence_link,
            "completed_on": r["task"].completed_on,
            "overdue": r["overdue"],
            "days_overdue": r["days"],
        }
        for r in services.task_rows(result["items"])
    ]
    return result
