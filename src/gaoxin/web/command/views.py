"""Command-centre pages: the command page, targets (list, detail, entering an actual), talents,
platforms, action plans and tasks, Excel import and export of every table, the monthly report.

Each view authorizes through ``accounts.scoping`` (``may`` for the page, ``visible`` for every query,
``can_write`` for each change), calls ``command.services`` or ``command.tables`` and renders. An object
outside the user's zone is a 404; a role with no business here (enterprise, bank) gets a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.command.metrics import metric_choices
from gaoxin.command.periods import Period
from gaoxin.web.accounts.scoping import audit, can_write, chosen_zone, visible
from gaoxin.web.command import bulk_io, services
from gaoxin.web.command.forms import ActualForm, TableUploadForm, TargetForm, TaskForm
from gaoxin.web.command.models import (
    ActionPlan,
    Level,
    Platform,
    PlatformKind,
    TableImport,
    Talent,
    Target,
    TargetActual,
    Task,
    level_rank,
)
from gaoxin.web.platform import bulk
from gaoxin.web.platform.actions import Refused, attempt
from gaoxin.web.platform.pages import zone_or_404, zone_query
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.registry.models import Zone

PROBLEMS_KEY = "command_import_problems"
PROBLEMS_KEPT = 2000


def _zone(request) -> tuple[Zone | None, list[Zone]]:
    require(request.user)
    return chosen_zone(request.user, request.GET.get("zone") or request.POST.get("zone"))


def _valid(form) -> dict:
    """The form's cleaned data, or a refusal with its first error (``attempt`` shows it)."""
    if not form.is_valid():
        raise Refused(form.first_error())
    return form.cleaned_data


def _ctx(request, zone, zones, **extra) -> dict:
    return {"zone": zone, "zones": zones, "zq": zone_query(zone, zones), **extra}


# --- the command page --------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    zone, zones = _zone(request)
    board = services.board(request.user, zone) if zone is not None else None
    return render(request, "command/home.html", _ctx(request, zone, zones, board=board))


# --- targets -----------------------------------------------------------------------------------------


@login_required
@require_GET
def targets(request):
    zone, zones = _zone(request)
    views = services.target_views(visible(request.user, Target), zone) if zone else []
    return render(
        request,
        "command/targets.html",
        _ctx(
            request,
            zone,
            zones,
            views=views,
            glance=services.glance(views),
            can_admin=_can_admin(request.user, zone),
        ),
    )


def _can_admin(user, zone) -> bool:
    return zone is not None and can_write(user, Target(zone=zone))


@login_required
@require_http_methods(["GET", "POST"])
def target(request, pk: int):
    require(request.user)
    found = get_object_or_404(
        visible(request.user, Target).select_related("zone").prefetch_related("actuals"), pk=pk
    )
    may_enter = can_write(request.user, TargetActual(target=found))
    form = ActualForm(request.POST if request.method == "POST" else None)
    refused = False  # a refused entry: the page again, its reason among the messages
    if request.method == "POST":
        require(request.user, ok=may_enter)
        with attempt(request, services.CommandError) as tried:
            d = _valid(form)
            services.enter_actual(found, d["period"], d["value"], d["source"], request.user, by=request)
            messages.success(
                request, _("The actual for %(period)s was recorded.") % {"period": d["period"].label}
            )
            return redirect("command:target", pk=found.pk)
        refused = tried.refused
    view = services.target_view(found)
    rows = [
        {
            "point": p,
            "label": services.STATUS_LABELS[p.status],
            "css": services.STATUS_CSS[p.status],
            "source": view.sources.get(p.period, ""),
        }
        for p in reversed(view.points)
    ]
    return render(
        request,
        "command/target.html",
        {
            "view": view,
            "rows": rows,
            "chart": view.chart(),
            "may_enter": may_enter and not view.metric.computed,
            "may_edit": can_write(request.user, found),
            "form": form.values(),
        },
        status=400 if refused else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk: int | None = None):
    """Add a target to the zone, or change one (zone administrator)."""
    if pk is None:
        zone, zones = zone_or_404(_zone(request))
        instance = Target(zone=zone)
    else:
        require(request.user)
        instance = get_object_or_404(visible(request.user, Target).select_related("zone"), pk=pk)
        zone, zones = instance.zone, []
    require(request.user, ok=can_write(request.user, instance))
    form = TargetForm(request.POST or None, instance=instance, zone=zone)
    if request.method == "POST" and form.is_valid():
        with attempt(request, services.CommandError):
            saved = services.save_target(form, by=request)
            messages.success(request, _("Target “%(name)s” saved.") % {"name": saved.name})
            return redirect("command:target", pk=saved.pk)
    return render(
        request,
        "command/target_form.html",
        {"form": form, "zone": zone, "zones": zones, "target": instance if pk else None},
        status=400 if request.method == "POST" else 200,
    )


# --- talents and platforms ---------------------------------------------------------------------------


def _of_level(request, model, zone):
    """The zone's talents or platforms the user may see, of the ``?level=`` asked for (all without one)."""
    level = request.GET.get("level", "")
    qs = visible(request.user, model).filter(zone=zone).select_related("enterprise")
    return (qs.filter(level=level) if level in Level.values else qs), level


@login_required
@require_GET
def talents(request):
    zone, zones = _zone(request)
    qs, level = _of_level(request, Talent, zone)
    page = paginate(request, qs.order_by(level_rank(), "name", "id"))
    levels = services.levels_of(request.user, zone, "talents") if zone else None
    return render(
        request,
        "command/talents.html",
        _ctx(request, zone, zones, page=page, level=level, levels=levels, level_choices=Level.choices),
    )


@login_required
@require_GET
def platforms(request):
    zone, zones = _zone(request)
    qs, level = _of_level(request, Platform, zone)
    kind = request.GET.get("kind", "")
    if kind in PlatformKind.values:
        qs = qs.filter(kind=kind)
    page = paginate(request, qs.order_by(level_rank(), "kind", "name"))
    levels = services.levels_of(request.user, zone, "platforms") if zone else None
    return render(
        request,
        "command/platforms.html",
        _ctx(
            request,
            zone,
            zones,
            page=page,
            level=level,
            kind=kind,
            levels=levels,
            level_choices=Level.choices,
            kind_choices=PlatformKind.choices,
        ),
    )


# --- plans and tasks ---------------------------------------------------------------------------------


@login_required
@require_GET
def plans(request):
    zone, zones = _zone(request)
    user = request.user
    tasks = visible(user, Task).filter(plan__zone=zone)
    plan_qs = visible(user, ActionPlan).filter(zone=zone).order_by("order", "id")
    only_overdue = request.GET.get("overdue") == "1"
    chosen = None
    wanted = request.GET.get("plan", "")
    shown = tasks
    if wanted:
        chosen = get_object_or_404(plan_qs, pk=wanted) if wanted.isdigit() else None
        if chosen is None:
            raise Http404
        shown = shown.filter(plan=chosen)
    if only_overdue:
        shown = services.overdue(shown)
    shown = shown.select_related("plan").order_by("plan__order", "plan_id", "order", "id")
    page = paginate(request, shown, 100)
    return render(
        request,
        "command/plans.html",
        _ctx(
            request,
            zone,
            zones,
            plans=services.plan_rows(plan_qs, tasks),
            rows=services.task_rows(page),
            page=page,
            chosen=chosen,
            only_overdue=only_overdue,
            statuses=Task.Status.choices,
            overdue_count=services.overdue(tasks).count(),
            may_update=zone is not None and can_write(user, Task(plan=ActionPlan(zone=zone))),
        ),
    )


@login_required
@require_POST
def task(request, pk: int):
    require(request.user)
    found = get_object_or_404(visible(request.user, Task).select_related("plan", "plan__zone"), pk=pk)
    require(request.user, ok=can_write(request.user, found))
    form = TaskForm(request.POST)
    with attempt(request, services.CommandError, message=_("Task not updated: %(reason)s")):
        d = _valid(form)
        services.update_task(
            found,
            status=d["status"],
            evidence=d["evidence"],
            evidence_link=d["evidence_link"],
            completed_on=d["completed_on"],
            by=request,
        )
        messages.success(request, _("Task “%(name)s” updated.") % {"name": found.name})
    if form.back():
        return redirect(form.back())
    return redirect(reverse("command:plans") + f"?plan={found.plan_id}")


# --- tables: import and export ------------------------------------------------------------------------


def _table(key: str) -> bulk_io.Table:
    table = bulk_io.TABLES.get(key)
    if table is None:
        raise Http404
    return table


def _prototype(table: bulk_io.Table, zone: Zone):
    """An unsaved row of the table in ``zone``: who may import into it is who may write it."""
    if table.model is TargetActual:
        return TargetActual(target=Target(zone=zone))
    if table.model is Task:
        return Task(plan=ActionPlan(zone=zone))
    return table.model(zone=zone)


@login_required
@require_http_methods(["GET", "POST"])
def tables_page(request):
    zone, zones = _zone(request)
    user = request.user
    rows = [
        {"table": t, "may_import": zone is not None and can_write(user, _prototype(t, zone))}
        for t in bulk_io.TABLES.values()
    ]
    outcome = None
    chosen = ""
    if request.method == "POST":
        form = TableUploadForm(request.POST, request.FILES)
        chosen = form.key()
        table = _table(chosen)
        require(user, ok=zone is not None and can_write(user, _prototype(table, zone)))
        with attempt(request):
            upload = form.cleaned_data["file"] if form.is_valid() else None
            if upload is None:
                raise Refused(_("Choose a file to import."))
            outcome = services.import_table(request, table, zone, bulk.file_bytes(upload), upload.name)
            problems = bulk_io.problem_dicts(outcome.problems)
            request.session[PROBLEMS_KEY] = problems[:PROBLEMS_KEPT]
            if outcome.ok:
                messages.success(
                    request,
                    _("Imported %(file)s: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
                    % {
                        "file": upload.name,
                        "created": outcome.created,
                        "updated": outcome.updated,
                        "unchanged": outcome.unchanged,
                    },
                )
    problems = bulk_io.problem_dicts(outcome.problems) if outcome else []
    recent = visible(user, TableImport).filter(zone=zone).select_related("user")[:10] if zone else []
    return render(
        request,
        "command/tables.html",
        _ctx(
            request,
            zone,
            zones,
            metrics=metric_choices(),
            rows=rows,
            outcome=outcome,
            problems=problems[:500],
            chosen=chosen,
            problem_total=len(problems),
            refused=outcome is not None and not outcome.ok,
            recent=recent,
        ),
        status=400 if outcome is not None and not outcome.ok else 200,
    )


@login_required
@require_GET
def table_export(request, key: str):
    table = _table(key)
    zone, _zones = zone_or_404(_zone(request))
    content = bulk_io.export_table(table, zone, visible(request.user, table.model))
    audit(request, "export", zone, what=f"command:{key}")
    return download(content, f"{table.title}-{zone.code}-{services.today():%Y%m%d}.xlsx")


@login_required
@require_GET
def table_template(request, key: str):
    require(request.user)
    table = _table(key)
    return download(bulk_io.template_for(table), f"{table.title}-模板.xlsx")


@login_required
@require_GET
def table_problems(request):
    require(request.user)
    problems = request.session.get(PROBLEMS_KEY)
    if not problems:
        raise Http404
    return download(bulk_io.problems_xlsx(problems), "导入问题.xlsx")


@login_required
@require_GET
def import_errors(request, pk: int):
    """The problems of one recorded upload as the reader's error workbook."""
    require(request.user)
    record = get_object_or_404(visible(request.user, TableImport), pk=pk)
    if not record.problems:
        raise Http404
    return download(bulk.error_report(record), f"{bulk_io.TABLES[record.kind].title}-错误报告.xlsx")


# --- the monthly report --------------------------------------------------------------------------------


@login_required
@require_GET
def report(request):
    zone, zones = zone_or_404(_zone(request))
    month = services.report_month(None)  # the default, also for a month the report refuses
    with attempt(request, services.CommandError):
        month = services.report_month(request.GET.get("month"))
    data = services.monthly_report(request.user, zone, month)
    audit(request, "view_report", zone, month=month.label)
    months = _recent_months(12)
    return render(request, "command/report.html", _ctx(request, zone, zones, r=data, months=months))


def _recent_months(n: int) -> list[Period]:
    from gaoxin.command.periods import month_of, previous_month

    out = [previous_month(month_of(services.today()))]
    for _i in range(n - 1):
        out.append(previous_month(out[-1]))
    return out


urls = [
    path("", home, name="home"),
    path("targets/", targets, name="targets"),
    path("targets/new/", target_edit, name="target_new"),
    path("targets/<int:pk>/", target, name="target"),
    path("targets/<int:pk>/edit/", target_edit, name="target_edit"),
    path("talents/", talents, name="talents"),
    path("platforms/", platforms, name="platforms"),
    path("plans/", plans, name="plans"),
    path("tasks/<int:pk>/", task, name="task"),
    path("tables/", tables_page, name="tables"),
    path("tables/problems.xlsx", table_problems, name="table_problems"),
    path("tables/imports/<int:pk>/errors.xlsx", import_errors, name="import_errors"),
    path("tables/<slug:key>/export.xlsx", table_export, name="table_export"),
    path("tables/<slug:key>/template.xlsx", table_template, name="table_template"),
    path("report/", report, name="report"),
]
