"""Investment projects and industry chains: what the pages, the API and the command centre ask.

The names the command centre calls (keep them):

- ``funnel(zone, on=None, *, user=None) -> gaoxin.investment.Funnel``
- ``stalled_projects(zone, on=None, *, user=None) -> list[StalledProject]``
- ``chain_maps(zone, *, user=None) -> list[ChainMap]``
- ``chain_gaps(zone, *, user=None) -> list[GapNode]``

With ``user`` every query goes through ``accounts.scoping.visible(user, …)`` (a user outside the zone
gets empty answers); without it the caller has already decided the zone is theirs (a job, the monthly
report) and the rows are the zone's own. The numbers come from ``gaoxin.investment``; this module only
reads rows into its plain objects and hands the answers back with the rows attached.

Services never commit: writers (``advance``, ``drop``, ``link_enterprise``, ``save_settings``) expect
the caller's transaction (one per request).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin import investment as core
from gaoxin.investment.chains import depths, tree_order
from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.credit.models import Score, ScoreRun
from gaoxin.web.investment import bulk_io
from gaoxin.web.investment.models import (
    STAGE_CHOICES,
    Chain,
    ChainNode,
    InvestmentSettings,
    NodeFirm,
    Project,
    StageChange,
    stage_field,
)
from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification, Zone
from gaoxin.web.registry.services.versions import latest_report_year

STAGE_NAMES = dict(STAGE_CHOICES)


class InvestmentError(ValueError):
    """A change that cannot be made; the message is for the user."""


def _rows(user, model, zone: Zone, path: str = "zone") -> QuerySet:
    qs = visible(user, model) if user is not None else model._default_manager.all()
    return qs.filter(**{path: zone})


def today() -> dt.date:
    return timezone.localdate()


# --- settings ----------------------------------------------------------------------------------------


def settings_for(zone: Zone) -> InvestmentSettings:
    """The zone's settings (the defaults, unsaved, until the zone sets its own)."""
    found = InvestmentSettings.objects.filter(zone=zone).first()
    return found if found is not None else InvestmentSettings(zone=zone)


def thresholds(s: InvestmentSettings) -> core.Thresholds:
    return core.Thresholds(
        min_firms=s.weak_min_firms,
        min_revenue=s.weak_min_revenue,
        min_hightech_share=float(s.weak_min_hightech_share)
        if s.weak_min_hightech_share is not None
        else None,
        min_score=float(s.weak_min_score) if s.weak_min_score is not None else None,
    )


def save_settings(zone: Zone, user, *, by=None, **values) -> InvestmentSettings:
    """Save the zone's settings; audited (``by``: the request, or the user)."""
    s = settings_for(zone)
    for name, value in values.items():
        setattr(s, name, value)
    s.updated_by = user
    s.save()
    audit(by or user, "investment_settings", s, stalled_days=s.stalled_days)
    return s


# --- projects ----------------------------------------------------------------------------------------


def path_of(p: Project) -> core.ProjectPath:
    """The project as the pure core sees it. ``since`` (a fallback for "last change"): the latest
    recorded change's date (``last_on``, when the queryset annotates it: a revival counts), else the
    day the project was recorded if it has no stage date at all."""
    since = getattr(p, "last_on", None)
    if since is None and not any(p.stage_date(s) for s in core.STAGES) and p.created:
        since = timezone.localtime(p.created).date()
    return core.ProjectPath(
        key=p.pk,
        stage=p.stage,
        dates={s: p.stage_date(s) for s in core.STAGES},
        dropped=p.status == Project.Status.DROPPED,
        dropped_on=p.dropped_on,
        since=since,
    )


PATH_FIELDS = ("pk", "stage", "status", "dropped_on", "created", *(stage_field(s) for s in core.STAGES))


def projects(zone: Zone, *, user=None) -> QuerySet:
    return _rows(user, Project, zone)


def _paths(zone: Zone, user) -> list[core.ProjectPath]:
    qs = projects(zone, user=user).only(*PATH_FIELDS).annotate(last_on=Max("history__on")).order_by("pk")
    return [path_of(p) for p in qs]


def project_paths(zone: Zone, *, user=None) -> list[core.ProjectPath]:
    """The zone's projects as the core reads them (stage dates), for ``funnel`` and ``stalled_projects``
    of one page to share (``paths=``): the projects read once."""
    return _paths(zone, user)


def funnel(zone: Zone, on: dt.date | None = None, *, user=None, paths=None) -> core.Funnel:
    """The zone's project funnel (``gaoxin.investment.funnel``), as of the end of ``on`` if given
    (``paths``: ``project_paths`` if the caller has them)."""
    return core.funnel(_paths(zone, user) if paths is None else paths, on=on)


def funnels(zone: Zone, dates: list[dt.date | None], *, user=None, paths=None) -> list[core.Funnel]:
    """The funnel as of each of ``dates``, the projects read once (``funnel`` for each date)."""
    paths = _paths(zone, user) if paths is None else paths
    return [core.funnel(paths, on=on) for on in dates]


@dataclass
class StalledProject:
    project: Project
    days: int  # days since the last stage change
    last_change: dt.date
    stage: str

    @property
    def stage_label(self) -> str:
        return STAGE_NAMES[self.stage]


def stalled_projects(
    zone: Zone,
    on: dt.date | None = None,
    *,
    user=None,
    cfg: InvestmentSettings | None = None,
    paths=None,
) -> list[StalledProject]:
    """Active projects without a stage change for more than the zone's ``stalled_days``, as of ``on``
    (default today); the longest-stalled first. ``cfg``: the zone's settings if the caller has them;
    ``paths``: ``project_paths`` if the caller has them."""
    on = on or today()
    days = (cfg or settings_for(zone)).stalled_days
    found = core.stalled(_paths(zone, user) if paths is None else paths, on=on, days=days)
    rows = (
        projects(zone, user=user)
        .select_related("node", "node__chain", "enterprise")
        .in_bulk([s.key for s in found])
    )
    return [StalledProject(rows[s.key], s.days, s.last_change, s.stage) for s in found if s.key in rows]


def stalled_ids(zone: Zone, on: dt.date | None = None, *, user=None) -> list[int]:
    on = on or today()
    return [s.key for s in core.stalled(_paths(zone, user), on=on, days=settings_for(zone).stalled_days)]


def funnel_chart(f: core.Funnel) -> dict:
    """The funnel as plain lists for ``investment.js`` (plotly's funnel trace)."""
    return {
        "stages": [str(STAGE_NAMES[s.stage]) for s in f.stages],
        "reached": [s.reached for s in f.stages],
        "active": [s.active for s in f.stages],
        "dropped": [s.dropped for s in f.stages],
        "labels": {"reached": _("Reached"), "active": _("Active at stage"), "dropped": _("Dropped at stage")},
    }


def _check_date(on: dt.date | None) -> dt.date:
    if on is None:
        raise InvestmentError(_("Give the date of the change."))
    if on > today():
        raise InvestmentError(_("The date %(date)s is in the future.") % {"date": on.isoformat()})
    return on


def advance(project: Project, stage: str, on: dt.date | None, user, note: str = "") -> StageChange:
    """Move ``project`` to a later ``stage`` on ``on`` (skipping stages is allowed; stages skipped get no
    date). The date may not be before the last recorded stage date, nor in the future."""
    if stage not in STAGE_NAMES:
        raise InvestmentError(_("Unknown stage %(stage)s.") % {"stage": stage})
    if project.status == Project.Status.DROPPED:
        raise InvestmentError(_("The project was dropped; revive it before moving it on."))
    on = _check_date(on)
    if core.stage_index(stage) <= core.stage_index(project.stage):
        raise InvestmentError(
            _("The project is already at %(current)s; choose a later stage.")
            % {"current": STAGE_NAMES[project.stage]}
        )
    last = core.ProjectPath(key=project.pk, stage=project.stage, dates=project.dates).last_change()
    if last is not None and on < last:
        raise InvestmentError(
            _("The date %(date)s is before the last stage date %(last)s.")
            % {"date": on.isoformat(), "last": last.isoformat()}
        )
    before = project.stage
    setattr(project, stage_field(stage), on)
    project.stage = stage
    project.save()
    return StageChange.objects.create(
        project=project, from_stage=before, stage=stage, on=on, note=note[:500], user=user
    )


def _set_status(project: Project, status: str, on: dt.date, user, note: str) -> StageChange:
    """Drop or revive ``project`` on ``on`` (its stage stays) and record the change."""
    project.status = status
    project.dropped_on = on if status == Project.Status.DROPPED else None
    project.save()
    return StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        stage=project.stage,
        status=status,
        on=on,
        note=note[:500],
        user=user,
    )


def drop(project: Project, on: dt.date | None, user, note: str = "") -> StageChange:
    """Mark ``project`` dropped (abandoned) on ``on``; it keeps the stages it reached."""
    if project.status == Project.Status.DROPPED:
        raise InvestmentError(_("The project is already dropped."))
    return _set_status(project, Project.Status.DROPPED, _check_date(on), user, note)


def revive(project: Project, on: dt.date | None, user, note: str = "") -> StageChange:
    """Make a dropped ``project`` active again on ``on``, at the stage it had reached."""
    if project.status != Project.Status.DROPPED:
        raise InvestmentError(_("The project is not dropped."))
    return _set_status(project, Project.Status.ACTIVE, _check_date(on), user, note)


def find_enterprise(user, zone: Zone, text: str) -> Enterprise:
    """The enterprise of ``zone`` the user may see, by USCC or exact name."""
    text = (text or "").strip()
    if not text:
        raise InvestmentError(_("Give the enterprise's unified social credit code or its full name."))
    qs = visible(user, Enterprise).filter(zone=zone)
    found = qs.filter(Q(uscc=text.upper()) | Q(name=text)).first()
    if found is None:
        raise InvestmentError(_("No enterprise %(text)s in this zone.") % {"text": text})
    return found


def link_enterprise(project: Project, enterprise: Enterprise | None, user) -> Project:
    """Link the project to the enterprise it became (``None``: unlink). The firm must be of the zone."""
    if enterprise is not None and enterprise.zone_id != project.zone_id:
        raise InvestmentError(_("The enterprise is not in the project's zone."))
    project.enterprise = enterprise
    project.save(update_fields=["enterprise", "updated"])
    return project


PROJECT_STEPS = ("advance", "drop", "revive", "link", "unlink")


def project_step(
    by,
    project: Project,
    action: str,
    *,
    stage: str = "",
    on: dt.date | None = None,
    note: str = "",
    enterprise="",
) -> Enterprise | None:
    """One step of a project from its page — ``advance`` to ``stage``, ``drop``, ``revive``, ``link``
    to the zone's firm named by ``enterprise`` (USCC or full name), ``unlink`` — audited as
    ``project_<action>`` (``by``: the request, for its address, or the user). Returns the linked firm."""
    user = getattr(by, "user", by)
    linked = None
    if action == "advance":
        advance(project, stage, on, user, note)
    elif action == "drop":
        drop(project, on, user, note)
    elif action == "revive":
        revive(project, on, user, note)
    elif action == "link":
        linked = find_enterprise(user, project.zone, enterprise)
        link_enterprise(project, linked, user)
    elif action == "unlink":
        link_enterprise(project, None, user)
    else:
        raise InvestmentError(_("Unknown action."))
    audit(by, f"project_{action}", project, stage=project.stage, status=project.status)
    return linked


def map_firm(node: ChainNode, enterprise: Enterprise, *, by=None) -> NodeFirm:
    """Put a firm of the node's zone at the node (once); audited when ``by`` is given."""
    if enterprise.zone_id != node.chain.zone_id:
        raise InvestmentError(_("The enterprise is not in the chain's zone."))
    if NodeFirm.objects.filter(node=node, enterprise=enterprise).exists():
        raise InvestmentError(_("%(name)s is already at this node.") % {"name": enterprise.name})
    mapping = NodeFirm.objects.create(node=node, enterprise=enterprise)
    if by is not None:
        audit(by, "chain_node_firms", node, change="add")
    return mapping


def unmap_firm(mapping: NodeFirm, *, by=None) -> None:
    node = mapping.node
    mapping.delete()
    if by is not None:
        audit(by, "chain_node_firms", node, change="remove")


def import_table(by, kind: str, data: bytes, file_name: str, zone: Zone):
    """Import one uploaded table (``bulk_io.import_table``: applied only when the whole file is good)
    and audit it with its ``TableImport`` record. Returns the ``bulk_io.Outcome``."""
    outcome = bulk_io.import_table(kind, data, file_name, zone, getattr(by, "user", by), today())
    record = outcome.record
    audit(by, "investment_import", record, kind=kind, status=record.status, rows=record.rows)
    return outcome


def history(project: Project, *, user=None) -> QuerySet:
    qs = visible(user, StageChange) if user is not None else StageChange.objects.all()
    return qs.filter(project=project).select_related("user").order_by("-at", "-id")


# --- chains ------------------------------------------------------------------------------------------


@dataclass
class NodeView:
    node: ChainNode
    depth: int
    strength: core.NodeStrength
    projects: int = 0  # projects linked to this node
    children: list[NodeView] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return self.strength.gap

    @property
    def status(self) -> str:
        return self.strength.status

    @property
    def level(self) -> int:
        """A strength level 0–3 for the colour (0 empty, 1 weak, 2 ok, 3 twice the firms threshold)."""
        s = self.strength
        if s.status == "empty":
            return 0
        if s.status == "weak":
            return 1
        return 3 if s.firms >= 2 * max(self._min_firms, 1) else 2

    _min_firms: int = 3


@dataclass
class ChainMap:
    chain: Chain
    roots: list[NodeView]
    nodes: list[NodeView]  # every node, in tree order
    gaps: int
    firms: int  # distinct firms mapped anywhere in the chain

    @property
    def chart(self) -> dict:
        """A treemap of the chain for ``investment.js``: node sizes by firms, colours by status."""
        return {
            "ids": [f"n{v.node.pk}" for v in self.nodes],
            "labels": [v.node.name for v in self.nodes],
            "parents": [f"n{v.node.parent_id}" if v.node.parent_id else "" for v in self.nodes],
            "firms": [v.strength.own_firms for v in self.nodes],
            "status": [v.status for v in self.nodes],
        }


@dataclass
class GapNode:
    node: ChainNode
    chain: Chain
    strength: core.NodeStrength
    projects: list[Project]

    @property
    def reasons(self) -> list[str]:
        return [str(REASONS.get(r, r)) for r in self.strength.reasons]


REASONS = {
    "firms": _("too few firms"),
    "revenue": _("revenue too small"),
    "hightech_share": _("high-tech share too low"),
    "score": _("average score too low"),
}


def latest_year(zone: Zone, *, user=None) -> int | None:
    return latest_report_year(zone, _rows(user, AnnualReport, zone, "enterprise__zone"))


def latest_run(zone: Zone, *, user=None) -> ScoreRun | None:
    return (
        _rows(user, ScoreRun, zone)
        .filter(status=ScoreRun.Status.DONE)
        .order_by(F("finished").desc(nulls_last=True), "-id")
        .first()
    )


def firm_figures(zone: Zone, ids, *, user=None, on: dt.date | None = None) -> dict[int, core.Firm]:
    """Revenue of the zone's latest report year, a valid high-tech qualification on ``on`` (today) and
    the score in the zone's latest finished run, for the enterprises ``ids``."""
    known = set(ids)
    if not known:
        return {}
    on = on or today()
    # Every figure below is read from the zone's own (visible) rows: a firm of another zone gets none.
    year = latest_year(zone, user=user)
    revenue = {}
    if year is not None:
        revenue = dict(
            _rows(user, AnnualReport, zone, "enterprise__zone")
            .filter(enterprise_id__in=known, year=year)
            .order_by()  # no ordering: the models' ordering joins the zone and scans it
            .values_list("enterprise_id", "revenue")
        )
    hightech = set(
        _rows(user, Qualification, zone, "enterprise__zone")
        .filter(enterprise_id__in=known, kind="hightech", valid_from__lte=on, valid_to__gte=on)
        .order_by()
        .values_list("enterprise_id", flat=True)
    )
    run = latest_run(zone, user=user)
    scores = {}
    if run is not None:
        scores = dict(
            (visible(user, Score) if user is not None else Score.objects.all())
            .filter(run=run, enterprise_id__in=known)
            .order_by()
            .values_list("enterprise_id", "total")
        )
    return {
        pk: core.Firm(key=pk, revenue=revenue.get(pk), hightech=pk in hightech, score=scores.get(pk))
        for pk in known
    }


def _chain_data(zone: Zone, user, chain: Chain | None = None):
    chains = _rows(user, Chain, zone).order_by("order", "name")
    nodes_qs = _rows(user, ChainNode, zone, "chain__zone")
    maps_qs = _rows(user, NodeFirm, zone, "node__chain__zone")
    if chain is not None:
        chains = chains.filter(pk=chain.pk)
        nodes_qs = nodes_qs.filter(chain=chain)
        maps_qs = maps_qs.filter(node__chain=chain)
    chains = list(chains)
    nodes = list(nodes_qs)
    mapping: dict[int, list[int]] = defaultdict(list)
    for node_id, ent_id in maps_qs.values_list("node_id", "enterprise_id"):
        mapping[node_id].append(ent_id)
    figures = firm_figures(zone, [e for ents in mapping.values() for e in ents], user=user)
    project_counts: dict[int, int] = defaultdict(int)
    for node_id in (
        projects(zone, user=user).filter(node__in=[n.pk for n in nodes]).values_list("node_id", flat=True)
    ):
        project_counts[node_id] += 1
    return chains, nodes, mapping, figures, project_counts


def _strengths(
    nodes: list[ChainNode], mapping, figures, cfg: InvestmentSettings
) -> dict[int, core.NodeStrength]:
    t = thresholds(cfg)
    by_chain: dict[int, list[ChainNode]] = defaultdict(list)
    for n in nodes:
        by_chain[n.chain_id].append(n)
    out: dict[int, core.NodeStrength] = {}
    for members in by_chain.values():
        pure = [core.Node(key=n.pk, parent=n.parent_id, name=n.name, order=n.order) for n in members]
        out.update(core.node_strengths(pure, mapping, figures, t))
    return out


def chain_maps(
    zone: Zone, *, user=None, chain: Chain | None = None, cfg: InvestmentSettings | None = None
) -> list[ChainMap]:
    """Per chain of the zone, its node tree with each node's strength and gap flag (``chain``: that
    chain only; ``cfg``: the zone's settings if the caller has them)."""
    cfg = cfg or settings_for(zone)
    return _maps(_chain_data(zone, user, chain), cfg)


def _maps(data, cfg: InvestmentSettings) -> list[ChainMap]:
    chains, nodes, mapping, figures, project_counts = data
    strengths = _strengths(nodes, mapping, figures, cfg)
    min_firms = cfg.weak_min_firms or 1
    out = []
    for c in chains:
        members = [n for n in nodes if n.chain_id == c.pk]
        pure = [core.Node(key=n.pk, parent=n.parent_id, name=n.name, order=n.order) for n in members]
        by_key = {n.pk: n for n in members}
        level = depths(pure)
        views = {}
        ordered = []
        for p in tree_order(pure):
            v = NodeView(by_key[p.key], level[p.key], strengths[p.key], project_counts.get(p.key, 0))
            v._min_firms = min_firms
            views[p.key] = v
            ordered.append(v)
        roots = []
        for v in ordered:
            parent = views.get(v.node.parent_id)
            (parent.children if parent is not None else roots).append(v)
        firms = len({e for n in members for e in mapping.get(n.pk, ())})
        out.append(ChainMap(c, roots, ordered, sum(1 for v in ordered if v.gap), firms))
    return out


def chain_gaps(zone: Zone, *, user=None, cfg: InvestmentSettings | None = None) -> list[GapNode]:
    """The zone's gap nodes (no or weak local firms: the 补链 targets), chain by chain in tree order,
    each with the projects linked to it."""
    return _gaps(zone, user, _chain_data(zone, user), cfg or settings_for(zone))


def chain_overview(
    zone: Zone, *, user=None, cfg: InvestmentSettings | None = None
) -> tuple[list[ChainMap], list[GapNode]]:
    """``chain_maps`` and ``chain_gaps`` of the zone together, its chains and firms' figures read once."""
    cfg = cfg or settings_for(zone)
    data = _chain_data(zone, user)
    return _maps(data, cfg), _gaps(zone, user, data, cfg)


def _gaps(zone: Zone, user, data, cfg: InvestmentSettings) -> list[GapNode]:
    chains, nodes, mapping, figures, _counts = data
    strengths = _strengths(nodes, mapping, figures, cfg)
    linked: dict[int, list[Project]] = defaultdict(list)
    gap_ids = [k for k, s in strengths.items() if s.gap]
    for p in projects(zone, user=user).filter(node__in=gap_ids).order_by("stage", "name"):
        linked[p.node_id].append(p)
    by_chain = {c.pk: c for c in chains}
    by_key = {n.pk: n for n in nodes}
    out = []
    for c in chains:
        members = [
            core.Node(key=n.pk, parent=n.parent_id, name=n.name, order=n.order)
            for n in nodes
            if n.chain_id == c.pk
        ]
        for gap in core.chain_gaps(members, strengths, {k: [p.pk for p in v] for k, v in linked.items()}):
            node = by_key[gap.key]
            out.append(GapNode(node, by_chain[node.chain_id], gap.strength, linked.get(gap.key, [])))
    return out


def node_detail(node: ChainNode, *, user=None) -> dict:
    """One node: its strength (as on the chain map), the firms mapped to it and below it with their
    figures, and the projects linked to it."""
    zone = node.chain.zone
    cfg = settings_for(zone)
    data = _chain_data(zone, user, node.chain)  # the chain's firms' figures, read once for the page
    maps = _maps(data, cfg)
    view = next(v for m in maps for v in m.nodes if v.node.pk == node.pk)
    below = [node.pk]
    stack = list(view.children)
    while stack:
        v = stack.pop()
        below.append(v.node.pk)
        stack.extend(v.children)
    mapped = (
        _rows(user, NodeFirm, zone, "node__chain__zone")
        .filter(node__in=below)
        .select_related("enterprise", "node")
        .order_by("enterprise__name")
    )
    rows = list(mapped)
    figures = data[3]  # every firm mapped to the chain's nodes (those below this one among them)
    missing = [m.enterprise_id for m in rows if m.enterprise_id not in figures]
    if missing:
        figures = {**figures, **firm_figures(zone, missing, user=user)}
    return {
        "view": view,
        "firms": [{"mapping": m, "figures": figures.get(m.enterprise_id)} for m in rows],
        "projects": list(projects(zone, user=user).filter(node=node).order_by("stage", "name")),
        "thresholds": thresholds(cfg),
    }


def amount_by_stage(zone: Zone, *, user=None) -> list[dict]:
    """Active projects and their investment (万元, exact) by current stage."""
    from django.db.models import Count, Sum

    rows = {
        r["stage"]: r
        for r in projects(zone, user=user)
        .filter(status=Project.Status.ACTIVE)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"), amount=Sum("amount"))
    }
    return [
        {
            "stage": s,
            "label": STAGE_NAMES[s],
            "projects": rows.get(s, {}).get("n", 0),
            "amount": rows.get(s, {}).get("amount") or Decimal(0),
        }
        for s in core.STAGES
    ]
