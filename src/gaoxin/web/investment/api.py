"""Investment API (mounted at /api/investment): projects, the funnel, the chains with their strength and
gaps. Same scoping as the pages: zone staff see their zone (a platform administrator passes ``zone``),
enterprises and banks see nothing (no project, and 403 for the zone-level answers); a project outside
the caller's scope is 404. Money: exact decimal strings in 万元.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gaoxin.web.accounts.scoping import may
from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, get_visible, page, scoped
from gaoxin.web.api.schemas import DecimalString, Page
from gaoxin.web.investment import services
from gaoxin.web.investment.models import Project
from gaoxin.web.registry.models import Zone

router = Router(tags=["investment"])


class NodeRef(Schema):
    id: int
    name: str
    chain_id: int
    chain: str


class ProjectOut(Schema):
    id: int
    zone: str
    code: str
    name: str
    investor: str
    amount: DecimalString | None
    node: NodeRef | None
    official: str
    stage: str
    status: str
    dates: dict[str, dt.date | None]
    dropped_on: dt.date | None
    enterprise_id: int | None
    enterprise_uscc: str | None

    @staticmethod
    def resolve_zone(obj) -> str:
        return obj.zone.code

    @staticmethod
    def resolve_node(obj):
        if obj.node_id is None:
            return None
        return {
            "id": obj.node_id,
            "name": obj.node.name,
            "chain_id": obj.node.chain_id,
            "chain": obj.node.chain.name,
        }

    @staticmethod
    def resolve_dates(obj) -> dict:
        return obj.dates

    @staticmethod
    def resolve_enterprise_uscc(obj):
        return obj.enterprise.uscc if obj.enterprise_id else None


class ChangeOut(Schema):
    from_stage: str
    stage: str
    status: str
    on: dt.date | None
    at: dt.datetime
    note: str


class ProjectDetailOut(ProjectOut):
    notes: str
    changes: list[ChangeOut]  # the stage history, newest first
    stalled_days: int | None  # days without a stage change, when the project is stalled


class FunnelStageOut(Schema):
    stage: str
    label: str
    reached: int
    active: int
    dropped: int
    conversion: float | None
    overall: float | None
    median_days: float | None
    stays: int


class FunnelOut(Schema):
    zone: str
    on: dt.date | None
    total: int
    active: int
    dropped: int
    stalled_days: int
    stalled: int
    stages: list[FunnelStageOut]


class NodeOut(Schema):
    id: int
    name: str
    parent_id: int | None
    depth: int
    firms: int
    own_firms: int
    revenue: DecimalString
    hightech_share: float | None
    avg_score: float | None
    status: str
    gap: bool
    reasons: list[str]
    projects: int


class ChainOut(Schema):
    id: int
    name: str
    leader: str
    firms: int
    gaps: int
    nodes: list[NodeOut]


class GapOut(Schema):
    chain_id: int
    chain: str
    node_id: int
    node: str
    status: str
    reasons: list[str]
    firms: int
    projects: list[int]


def _zone(request, code: str | None) -> Zone:
    if not may(request.user, "view_zone"):
        raise HttpError(403, _("Investment data are for zone staff."))
    zones = scoped(request, Zone)
    if request.user.is_zone_staff:
        zone = request.user.zone
        if code and code != zone.code:
            raise Http404(_("Zone not found."))
        return zone
    found = zones.filter(code=code).first() if code else zones.order_by("code").first()
    if found is None:
        raise Http404(_("Zone not found."))
    return found


def _projects(request):
    return scoped(request, Project).select_related("zone", "node", "node__chain", "enterprise")


@router.get("/projects", response={200: Page[ProjectOut], **ERRORS}, summary="Investment projects, filtered")
def projects(
    request,
    zone: str | None = Query(None, description="zone code, e.g. Z001"),
    stage: str | None = Query(
        None, description="lead, negotiation, signed, started, construction, operating"
    ),
    status: str | None = Query(None, description="active or dropped"),
    node: int | None = Query(None, description="chain node id"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = _projects(request)
    if zone:
        qs = qs.filter(zone__code=zone)
    if stage:
        if stage not in services.STAGE_NAMES:
            raise HttpError(400, _('Unknown stage "%(value)s".') % {"value": stage})
        qs = qs.filter(stage=stage)
    if status:
        if status not in Project.Status.values:
            raise HttpError(400, _('Unknown status "%(value)s".') % {"value": status})
        qs = qs.filter(status=status)
    if node is not None:
        qs = qs.filter(node_id=node)
    return page(qs.order_by("zone__code", "code", "pk"), limit, offset)


@router.get(
    "/projects/{project_id}",
    response={200: ProjectDetailOut, **ERRORS},
    summary="One project with its history",
)
def project(request, project_id: int):
    found = get_visible(request, _projects(request), project_id, _("Project not found."))
    stalled = {s.project.pk: s.days for s in services.stalled_projects(found.zone, user=request.user)}
    found.changes = list(services.history(found, user=request.user))
    found.stalled_days = stalled.get(found.pk)
    return found


@router.get("/funnel", response={200: FunnelOut, **ERRORS}, summary="The zone's project funnel")
def funnel(request, zone: str | None = None, on: dt.date | None = None):
    z = _zone(request, zone)
    f = services.funnel(z, on=on, user=request.user)
    return {
        "zone": z.code,
        "on": f.on,
        "total": f.total,
        "active": f.active,
        "dropped": f.dropped,
        "stalled_days": services.settings_for(z).stalled_days,
        "stalled": len(services.stalled_ids(z, on=on, user=request.user)),
        "stages": [{**s.__dict__, "label": str(services.STAGE_NAMES[s.stage])} for s in f.stages],
    }


@router.get(
    "/chains", response={200: list[ChainOut], **ERRORS}, summary="The zone's chains: nodes, strength, gaps"
)
def chains(request, zone: str | None = None):
    z = _zone(request, zone)
    return [
        {
            "id": m.chain.pk,
            "name": m.chain.name,
            "leader": m.chain.leader,
            "firms": m.firms,
            "gaps": m.gaps,
            "nodes": [
                {
                    "id": v.node.pk,
                    "name": v.node.name,
                    "parent_id": v.node.parent_id,
                    "depth": v.depth,
                    "firms": v.strength.firms,
                    "own_firms": v.strength.own_firms,
                    "revenue": v.strength.revenue,
                    "hightech_share": v.strength.hightech_share,
                    "avg_score": v.strength.avg_score,
                    "status": v.status,
                    "gap": v.gap,
                    "reasons": list(v.strength.reasons),
                    "projects": v.projects,
                }
                for v in m.nodes
            ],
        }
        for m in services.chain_maps(z, user=request.user)
    ]


@router.get(
    "/gaps", response={200: list[GapOut], **ERRORS}, summary="Gap nodes (补链 targets) with their projects"
)
def gaps(request, zone: str | None = None):
    z = _zone(request, zone)
    return [
        {
            "chain_id": g.chain.pk,
            "chain": g.chain.name,
            "node_id": g.node.pk,
            "node": g.node.name,
            "status": g.strength.status,
            "reasons": list(g.strength.reasons),
            "firms": g.strength.firms,
            "projects": [p.pk for p in g.projects],
        }
        for g in services.chain_gaps(z, user=request.user)
    ]
