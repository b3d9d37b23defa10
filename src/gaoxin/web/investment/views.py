"""Investment pages: the home page (funnel, stalled projects, gaps), projects (list, detail with stage
changes), chains (the chain map, a node's drill-down), imports, exports and templates, settings.

Views authorize (``may``, ``visible``, ``can_write``), call ``services`` or ``tables`` and render. Zone
staff and the platform administrator only (others: 403); an object outside the user's zone is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin import investment as core
from gaoxin.web.accounts.scoping import audit, can_write, chosen_zone, may, visible
from gaoxin.web.investment import bulk_io, services
from gaoxin.web.investment.forms import ImportForm, NodeFirmForm, ProjectActionForm, SettingsForm
from gaoxin.web.investment.models import STAGE_CHOICES, Chain, ChainNode, NodeFirm, Project, TableImport
from gaoxin.web.platform import bulk
from gaoxin.web.platform.actions import attempt
from gaoxin.web.platform.pages import zone_or_404, zone_query
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.registry.models import Zone

STALLED_SHOWN = 20
KINDS = dict(TableImport.Kind.choices)


def _zone(request) -> tuple[Zone | None, list[Zone]]:
    return chosen_zone(request.user, request.GET.get("zone"))


# --- home --------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    require(request.user)
    zone, zones = _zone(request)
    ctx = {"zone": zone, "zones": zones, "can_import": may(request.user, "import_investment")}
    if zone is not None:
        user = request.user
        cfg = services.settings_for(zone)
        paths = services.project_paths(zone, user=user)  # read once for the funnel and the stalled
        f = services.funnel(zone, user=user, paths=paths)
        stalled = services.stalled_projects(zone, user=user, cfg=cfg, paths=paths)
        ctx.update(
            funnel=f,
            rows=[{"stage": s, "label": services.STAGE_NAMES[s.stage]} for s in f.stages],
            chart=services.funnel_chart(f),
            stalled=stalled[:STALLED_SHOWN],
            stalled_total=len(stalled),
            settings=cfg,
            gaps=services.chain_gaps(zone, user=user, cfg=cfg),
            amounts=services.amount_by_stage(zone, user=user),
        )
    return render(request, "investment/home.html", ctx)


# --- projects ----------------------------------------------------------------------------------------


def _project_filters(request, zone: Zone) -> tuple[dict, object]:
    f = {
        "q": request.GET.get("q", "").strip(),
        "stage": request.GET.get("stage", ""),
        "status": request.GET.get("status", ""),
        "chain": request.GET.get("chain", ""),
        "node": request.GET.get("node", ""),
        "stalled": request.GET.get("stalled", ""),
    }
    qs = services.projects(zone, user=request.user).select_related("node", "node__chain", "enterprise")
    if f["q"]:
        qs = qs.filter(
            Q(name__icontains=f["q"])
            | Q(code__icontains=f["q"])
            | Q(investor__icontains=f["q"])
            | Q(official__icontains=f["q"])
        )
    if f["stage"] in services.STAGE_NAMES:
        qs = qs.filter(stage=f["stage"])
    if f["status"] in Project.Status.values:
        qs = qs.filter(status=f["status"])
    if f["chain"].isdigit():
        qs = qs.filter(node__chain_id=int(f["chain"]))
    if f["node"].isdigit():
        qs = qs.filter(node_id=int(f["node"]))
    if f["stalled"]:
        qs = qs.filter(pk__in=services.stalled_ids(zone, user=request.user))
    return f, qs.order_by("-amount", "code")


@login_required
@require_GET
def project_list(request):
    require(request.user)
    zone, zones = zone_or_404(_zone(request))
    filters, qs = _project_filters(request, zone)
    page = paginate(request, qs)
    stalled = set(services.stalled_ids(zone, user=request.user))
    for p in page:
        p.is_stalled = p.pk in stalled
    return render(
        request,
        "investment/projects.html",
        {
            "zone": zone,
            "zones": zones,
            "page": page,
            "f": filters,
            "stages": STAGE_CHOICES,
            "statuses": Project.Status.choices,
            "chains": list(visible(request.user, Chain).filter(zone=zone).order_by("order", "name")),
            "export_url": reverse("investment:export", args=["projects"]) + "?" + request.GET.urlencode(),
            "can_import": may(request.user, "import_investment"),
        },
    )


def _project(request, pk: int) -> Project:
    require(request.user)
    qs = visible(request.user, Project).select_related("zone", "node", "node__chain", "enterprise")
    return get_object_or_404(qs, pk=pk)


@login_required
@require_GET
def project_detail(request, pk: int):
    project = _project(request, pk)
    stalled = {s.project.pk: s for s in services.stalled_projects(project.zone, user=request.user)}
    later = [
        (s, label) for s, label in STAGE_CHOICES if core.stage_index(s) > core.stage_index(project.stage)
    ]
    return render(
        request,
        "investment/project.html",
        {
            "p": project,
            "dates": [(label, project.stage_date(s), s == project.stage) for s, label in STAGE_CHOICES],
            "history": _history_rows(services.history(project, user=request.user)[:100]),
            "later": later,
            "stalled": stalled.get(project.pk),
            "can_write": can_write(request.user, project),
            "today": services.today().isoformat(),
            "stage_names": services.STAGE_NAMES,
        },
    )


def _history_rows(changes) -> list:
    names = services.STAGE_NAMES
    rows = list(changes)
    for h in rows:
        if h.status == Project.Status.DROPPED and h.from_stage == h.stage:
            h.label = _("dropped at %(stage)s") % {"stage": names.get(h.stage, h.stage)}
        elif h.from_stage and h.from_stage != h.stage:
            h.label = f"{names.get(h.from_stage, h.from_stage)} → {names.get(h.stage, h.stage)}"
        elif not h.from_stage:
            h.label = _("recorded at %(stage)s") % {"stage": names.get(h.stage, h.stage)}
        else:
            h.label = _("revived")
    return rows


@login_required
@require_POST
def project_action(request, pk: int):
    project = _project(request, pk)
    if not can_write(request.user, project):
        raise PermissionDenied
    form = ProjectActionForm(request.POST)
    form.is_valid()  # every field is optional text; ``on`` that does not read as a date is no date
    data = form.cleaned_data
    action = data["action"]
    with attempt(request, services.InvestmentError):
        linked = services.project_step(
            request,
            project,
            action,
            stage=data["stage"],
            on=data["on"],
            note=data["note"],
            enterprise=data["enterprise"],
        )
        done = {
            "advance": _("The project moved to %(stage)s.") % {"stage": services.STAGE_NAMES[project.stage]},
            "drop": _("The project was marked dropped."),
            "revive": _("The project is active again."),
            "link": _("The project is linked to %(name)s.") % {"name": linked.name} if linked else "",
            "unlink": _("The link to the enterprise was removed."),
        }
        messages.success(request, done[action])
    return redirect("investment:project", pk=project.pk)


# --- chains ------------------------------------------------------------------------------------------


@login_required
@require_GET
def chains(request):
    require(request.user)
    zone, zones = _zone(request)
    cfg = services.settings_for(zone) if zone is not None else None
    maps = services.chain_maps(zone, user=request.user, cfg=cfg) if zone is not None else []
    return render(
        request,
        "investment/chains.html",
        {
            "zone": zone,
            "zones": zones,
            "maps": maps,
            "charts": {f"chain-{m.chain.pk}": m.chart for m in maps},
            "settings": cfg,
            "can_import": may(request.user, "import_investment"),
        },
    )


@login_required
@require_GET
def node_detail(request, pk: int):
    require(request.user)
    node = get_object_or_404(
        visible(request.user, ChainNode).select_related("chain", "chain__zone", "parent"), pk=pk
    )
    detail = services.node_detail(node, user=request.user)
    return render(
        request,
        "investment/node.html",
        {
            "node": node,
            **detail,
            "reasons": services.REASONS,
            "can_write": can_write(request.user, NodeFirm(node=node)),
        },
    )


@login_required
@require_POST
def node_firms(request, pk: int):
    """Map a firm of the zone to the node (by USCC or full name), or remove a mapping."""
    require(request.user)
    node = get_object_or_404(visible(request.user, ChainNode).select_related("chain", "chain__zone"), pk=pk)
    if not can_write(request.user, NodeFirm(node=node)):
        raise PermissionDenied
    form = NodeFirmForm(request.POST)
    with attempt(request, services.InvestmentError):
        if form.removing:
            mapping = get_object_or_404(visible(request.user, NodeFirm), pk=form.mapping_pk(), node=node)
            services.unmap_firm(mapping, by=request)
            messages.success(
                request, _("%(name)s was removed from the node.") % {"name": mapping.enterprise.name}
            )
        else:
            ent = services.find_enterprise(request.user, node.chain.zone, form.data.get("enterprise", ""))
            services.map_firm(node, ent, by=request)
            messages.success(request, _("%(name)s was added to the node.") % {"name": ent.name})
    return redirect("investment:node", pk=node.pk)


# --- imports, exports, templates ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    user = request.user
    require(user, "import_investment")
    zone, zones = _zone(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the table and the file to import."))
            return redirect(reverse("investment:import") + zone_query(zone, zones))
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        if zone is None or not can_write(user, TableImport(zone=zone)):
            raise PermissionDenied
        data = bulk.file_bytes(upload)
        with transaction.atomic():
            outcome = services.import_table(request, kind, data, upload.name, zone)
        return redirect("investment:import_detail", pk=outcome.record.pk)
    recent = visible(user, TableImport).filter(zone=zone).select_related("user")[:20] if zone else []
    return render(
        request,
        "investment/import.html",
        {"zone": zone, "zones": zones, "kinds": KINDS.items(), "recent": recent},
    )


def _import(request, pk: int) -> TableImport:
    require(request.user, "import_investment")
    return get_object_or_404(visible(request.user, TableImport).select_related("zone", "user"), pk=pk)


@login_required
@require_GET
def import_detail(request, pk: int):
    record = _import(request, pk)
    errors = [p for p in record.problems if p.get("severity") == "error"]
    warnings = [p for p in record.problems if p.get("severity") != "error"]
    return render(
        request,
        "investment/import_detail.html",
        {
            "record": record,
            "errors": errors,
            "warnings": warnings,
            "kind": KINDS.get(record.kind, record.kind),
        },
    )


@login_required
@require_GET
def import_errors(request, pk: int):
    record = _import(request, pk)
    if not record.problems:
        raise Http404
    return download(bulk.error_report(record), f"{bulk_io.TITLES[record.kind]}-错误报告.xlsx")


@login_required
@require_GET
def template(request, kind: str):
    require(request.user, "import_investment")
    if kind not in KINDS:
        raise Http404
    return download(bulk_io.template_bytes(kind), f"{bulk_io.TITLES[kind]}-模板.xlsx")


@login_required
@require_GET
def export(request, kind: str):
    require(request.user)
    if kind not in KINDS:
        raise Http404
    zone, _zones = zone_or_404(_zone(request))
    user = request.user
    if kind == "projects":
        _filters, qs = _project_filters(request, zone)
        rows = bulk_io.project_rows(qs)
    elif kind == "nodes":
        rows = bulk_io.node_rows(visible(user, ChainNode).filter(chain__zone=zone))
    else:
        rows = bulk_io.firm_rows(visible(user, NodeFirm).filter(node__chain__zone=zone))
    audit(request, "export", zone, what=f"investment_{kind}", rows=len(rows))
    return download(bulk_io.export(kind, rows), f"{zone.code}-{bulk_io.TITLES[kind]}.xlsx")


# --- settings ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    require(request.user, "investment_settings")
    zone, zones = zone_or_404(_zone(request))
    current = services.settings_for(zone)
    if not can_write(request.user, current):
        raise PermissionDenied
    errors = []
    if request.method == "POST":
        form = SettingsForm(request.POST)
        errors = [] if form.is_valid() else form.messages()
        if not errors:
            with transaction.atomic():
                services.save_settings(zone, request.user, by=request, **form.values())
            messages.success(request, _("The settings were saved."))
            return redirect(reverse("investment:home") + zone_query(zone, zones))
        current = services.InvestmentSettings(zone=zone, **{k: form.data.get(k, "") for k in form.fields})
    return render(
        request,
        "investment/settings.html",
        {"zone": zone, "zones": zones, "s": current, "errors": errors},
        status=400 if errors else 200,
    )
