"""The green app's pages: the zone page, firms' figures, energy import, coefficient sets (and their
change, with a reason), benchmark levels, green lists, a firm's own green view.

Each view authorises through ``accounts.scoping`` (``may`` for the page, ``visible`` for every query,
``can_write`` for each change), calls ``green.services`` or ``green.bulk_io`` and renders. An object
outside the user's scope is a 404; a role with no business on a page gets a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gaoxin.web.accounts.models import Bank, Role
from gaoxin.web.accounts.scoping import audit, can_write, chosen_zone, may, visible
from gaoxin.web.green import bulk_io, services
from gaoxin.web.green.models import (
    Benchmark,
    CoefficientFile,
    EnergyBatch,
    EnergyRecord,
    Figure,
    GreenList,
    Recompute,
)
from gaoxin.web.platform.actions import Refused, attempt, uploaded
from gaoxin.web.platform.labels import english, label
from gaoxin.web.platform.pages import zone_or_404, zone_query
from gaoxin.web.platform.views import download, paginate, require, year_or_none
from gaoxin.web.registry.models import Enterprise, Zone

PROBLEMS_KEY = "green_import_problems"


def _require(user, action: str = "green_view") -> None:
    require(user, action)


def _zone(request, action: str = "green_view") -> tuple[Zone | None, list[Zone]]:
    _require(request.user, action)
    return chosen_zone(request.user, request.GET.get("zone") or request.POST.get("zone"))


def _ctx(zone, zones, **extra) -> dict:
    return {"zone": zone, "zones": zones, "zq": zone_query(zone, zones), **extra}


def _year(request) -> int | None:
    return year_or_none(request.GET.get("year"))


# --- the zone page ------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    zone, zones = _zone(request)
    page = None
    if zone is not None:
        page = services.zone_page(zone, _year(request), visible(request.user, Figure))
    return render(request, "green/home.html", _ctx(zone, zones, page=page))


@login_required
@require_GET
def figures(request):
    zone, zones = zone_or_404(_zone(request))
    year = _year(request) or services.latest_year(zone)
    qs = services.annual_figures(zone, visible(request.user, Figure)).filter(year=year)
    order = request.GET.get("order", "intensity")
    fields = {"intensity": "intensity_va", "energy": "-total_tce", "renewable": "-renewable_share"}
    qs = qs.order_by(fields.get(order, "intensity_va"), "enterprise__uscc")
    page = paginate(request, qs)
    return render(
        request,
        "green/figures.html",
        _ctx(zone, zones, year=year, page=page, rows=services.figure_rows(page.object_list), order=order),
    )


@login_required
@require_GET
def figures_export(request):
    zone, _zones = zone_or_404(_zone(request))
    qs = visible(request.user, Figure).filter(enterprise__zone=zone)
    year = _year(request)
    if year:
        qs = qs.filter(year=year)
    content = bulk_io.figures_xlsx(bulk_io.figures_of(qs))
    audit(request, "export", zone, what="green:figures", year=year)
    return download(content, f"能耗与碳排放-{zone.code}-{services.today():%Y%m%d}.xlsx")


# --- import -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    zone, zones = _zone(request, "green_import")
    user = request.user
    outcome = None
    if request.method == "POST":
        require(user, ok=zone is not None and can_write(user, EnergyBatch(zone=zone)))
        department = request.POST.get("department", "").strip()
        with attempt(request):
            upload = uploaded(request)
            cset, _e = services.parsed_sets(services.ensure_sets(zone))
            outcome = bulk_io.import_energy(zone, user, upload.read(), upload.name, cset, department)
            request.session[PROBLEMS_KEY] = bulk_io.problem_dicts(outcome.problems)[:2000]
            if not outcome.ok:
                raise Refused(_("The file was refused; nothing changed."))
            if outcome.duplicate_of is not None:
                messages.info(
                    request,
                    _("This file was already imported on %(when)s; nothing changed.")
                    % {"when": f"{outcome.duplicate_of.created:%Y-%m-%d %H:%M}"},
                )
            if outcome.batch is not None:
                services.recompute(
                    zone,
                    _("import of %(file)s") % {"file": upload.name},
                    user,
                    enterprises=outcome.enterprises,
                )
                audit(
                    request,
                    "green_import",
                    zone,
                    file=upload.name,
                    department=department,
                    batch=outcome.batch.pk,
                    **outcome.counts,
                )
                c = outcome.counts
                messages.success(
                    request,
                    _(
                        "Imported %(file)s: %(periods)s periods, %(uses)s energy lines, %(certs)s certificate rows."
                    )
                    % {
                        "file": upload.name,
                        "periods": c["periods"],
                        "uses": c["uses"],
                        "certs": c["certificates"],
                    },
                )
    problems = bulk_io.problem_dicts(outcome.problems) if outcome else []
    batches = visible(user, EnergyBatch).filter(zone=zone).select_related("user")[:20] if zone else []
    refused = outcome is not None and not outcome.ok
    return render(
        request,
        "green/import.html",
        _ctx(
            zone,
            zones,
            problems=problems[:500],
            problem_total=len(problems),
            refused=refused,
            batches=batches,
        ),
        status=400 if refused else 200,
    )


@login_required
@require_GET
def import_template(request):
    zone, _zones = zone_or_404(_zone(request, "green_import"))
    cset, _e = services.parsed_sets(services.ensure_sets(zone))
    return download(bulk_io.template_bytes(cset), "能耗数据-模板.xlsx")


@login_required
@require_GET
def import_problems(request):
    _require(request.user, "green_import")
    problems = request.session.get(PROBLEMS_KEY)
    if not problems:
        raise Http404
    from gaoxin.web.command.bulk_io import problems_xlsx

    return download(problems_xlsx(problems), "导入问题.xlsx")


# --- coefficient sets ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sets(request):
    zone, zones = zone_or_404(_zone(request))
    choice = services.ensure_sets(zone)
    files = visible(request.user, CoefficientFile).filter(zone=zone)
    may_manage = may(request.user, "green_manage") and can_write(request.user, choice)
    refused = False
    if request.method == "POST":
        require(request.user, ok=may_manage)
        with attempt(request, services.GreenError) as tried:
            if request.POST.get("action") == "upload":
                upload = request.FILES.get("file")
                if upload is None:
                    raise services.GreenError(_("Choose a file to upload."))
                stored = services.upload_set(zone, upload.read(), upload.name, request.user)
                audit(request, "green_set_upload", stored, ref=stored.ref, file=upload.name)
                messages.success(request, _("Set %(ref)s stored.") % {"ref": stored.ref})
            else:
                c = get_object_or_404(files, pk=request.POST.get("coefficients") or 0)
                e = get_object_or_404(files, pk=request.POST.get("emissions") or 0)
                before = services.sets_label(choice)
                done = services.change_sets(zone, c, e, request.POST.get("reason", ""), request.user)
                audit(
                    request,
                    "green_set_change",
                    done,
                    before=before,
                    after=done.to_sets,
                    reason=done.reason,
                    figures=done.figures,
                    changed=done.changed,
                )
                messages.success(
                    request,
                    _("Coefficients changed; %(n)s figures recomputed, %(c)s changed.")
                    % {"n": done.figures, "c": done.changed},
                )
            return redirect(reverse("green:sets") + zone_query(zone, zones))
        refused = tried.refused
        choice = services.ensure_sets(zone)
    tables = [{"file": f, **services.coefficients_table(f)} for f in files.filter(kind="coefficients")]
    return render(
        request,
        "green/sets.html",
        _ctx(
            zone,
            zones,
            choice=choice,
            set_names=(services.set_name(choice.coefficients), services.set_name(choice.emissions)),
            tables=tables,
            emissions=services.emission_tables(files.filter(kind="emissions")),
            may_manage=may_manage,
            recomputes=visible(request.user, Recompute).filter(zone=zone).select_related("user")[:20],
        ),
        status=400 if refused else 200,
    )


# --- benchmarks ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def benchmarks(request):
    zone, zones = zone_or_404(_zone(request))
    qs = visible(request.user, Benchmark).filter(zone=zone)
    may_manage = may(request.user, "green_manage") and can_write(request.user, Benchmark(zone=zone))
    problems = []
    if request.method == "POST":
        require(request.user, ok=may_manage)
        with attempt(request):
            upload = uploaded(request)
            out = bulk_io.import_benchmarks(zone, upload.read(), upload.name)
            problems = bulk_io.problem_dicts(out.problems)
            if not out.ok:
                raise Refused(_("The file was refused; nothing changed."))
            services.recompute(zone, _("benchmark table %(file)s") % {"file": upload.name}, request.user)
            audit(request, "green_benchmarks", zone, file=upload.name, **out.counts)
            messages.success(
                request, _("Benchmark table imported: %(n)s products.") % {"n": out.counts["benchmarks"]}
            )
            return redirect(reverse("green:benchmarks") + zone_query(zone, zones))
    if request.GET.get("export"):
        audit(request, "export", zone, what="green:benchmarks")
        return download(bulk_io.benchmarks_xlsx(qs), f"能效标杆基准-{zone.code}.xlsx")
    return render(
        request,
        "green/benchmarks.html",
        _ctx(zone, zones, rows=qs, may_manage=may_manage, problems=problems),
        status=400 if problems else 200,
    )


# --- green lists --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def lists(request):
    user = request.user
    if user.role == Role.BANK:
        if request.method == "POST":
            raise PermissionDenied
        published = visible(user, GreenList).select_related("zone")
        return render(request, "green/lists.html", {"published": published, "bank_view": True})
    zone, zones = zone_or_404(_zone(request))
    may_publish = may(user, "publish") and can_write(user, GreenList(zone=zone))
    year = _year(request) or services.latest_year(zone)
    data = request.POST if request.method == "POST" else request.GET
    form = {
        k: data.get(k, "")
        for k in (
            "max_intensity",
            "min_renewable_share",
            "min_non_fossil_share",
            "max_carbon_per_tce",
            "min_position",
            "title",
        )
    }
    if not any(form[k] for k in form if k != "title"):
        form.update(max_intensity="0.4", min_renewable_share="", min_position="baseline")
    error, refused = "", False
    rows = []
    try:
        criteria = services.parse_criteria(form)
    except services.GreenError as exc:
        criteria, error = None, str(exc)
    if request.method == "POST":
        require(request.user, ok=may_publish)
        if criteria is not None:
            banks = list(Bank.objects.filter(pk__in=request.POST.getlist("banks")))
            with attempt(request, services.GreenError, ValueError):
                year = int(request.POST.get("year", year))
                published = services.publish_green_list(zone, year, form["title"], criteria, banks, user)
                audit(
                    request,
                    "green_publish",
                    published,
                    title=published.title,
                    year=year,
                    entries=published.entries.count(),
                    banks=[b.code for b in banks],
                )
                messages.success(request, _("Green list “%(title)s” published.") % {"title": published.title})
                return redirect("green:list", pk=published.pk)
            refused = True  # the reason is among the messages
    if criteria is not None and year:
        rows = services.candidates(zone, year, criteria, visible(user, Figure))
    passing = [r for r in rows if r[1].passed]
    return render(
        request,
        "green/lists.html",
        _ctx(
            zone,
            zones,
            year=year,
            form=form,
            criteria=_sentences(criteria.texts()) if criteria else "",
            passing=passing,
            failing=[(f, _sentences(a.texts)) for f, a in rows if not a.passed][:50],
            rows=services.figure_rows([f for f, _a in passing]),
            error=error,
            may_publish=may_publish,
            banks=visible(user, Bank).order_by("code"),
            published=visible(user, GreenList).filter(zone=zone),
        ),
        status=400 if (error or refused) and request.method == "POST" else 200,
    )


def _sentences(texts) -> str:
    """The core's sentences (``zone.Text``: a criterion, a reason) in the reader's language, joined."""
    return ("; " if english() else "；").join(label(t) for t in texts)


@login_required
@require_GET
def green_list(request, pk: int):
    found = get_object_or_404(visible(request.user, GreenList).select_related("zone"), pk=pk)
    if request.GET.get("export"):
        audit(request, "export", found, what="green:list")
        return download(bulk_io.list_xlsx(found), f"绿色企业名单-{found.pk}.xlsx")
    audit(request, "view", found, what="green:list")
    entries = found.entries.select_related("enterprise")
    return render(
        request,
        "green/list.html",
        {
            "list": found,
            "entries": services.entry_rows(entries),
            "criteria": _sentences(services.criteria_from_dict(found.criteria).texts()),
            "banks": found.banks.all(),
        },
    )


# --- a firm's green view ------------------------------------------------------------------------------


def _firm_page(request, enterprise: Enterprise, own: bool):
    view = services.firm_view(enterprise, visible(request.user, Figure), visible(request.user, EnergyRecord))
    return render(request, "green/firm.html", {"view": view, "own": own, "enterprise": enterprise})


@login_required
@require_GET
def mine(request):
    if request.user.role != Role.ENTERPRISE or request.user.enterprise_id is None:
        raise PermissionDenied
    enterprise = get_object_or_404(
        visible(request.user, Enterprise).select_related("zone"), pk=request.user.enterprise_id
    )
    return _firm_page(request, enterprise, True)


@login_required
@require_GET
def firm(request, pk: int):
    _require(request.user)
    enterprise = get_object_or_404(visible(request.user, Enterprise).select_related("zone"), pk=pk)
    audit(request, "view_enterprise", enterprise, what="green")
    return _firm_page(request, enterprise, False)


urls = [
    path("", home, name="home"),
    path("figures/", figures, name="figures"),
    path("figures/export/", figures_export, name="figures_export"),
    path("import/", import_page, name="import"),
    path("import/template/", import_template, name="import_template"),
    path("import/problems/", import_problems, name="import_problems"),
    path("sets/", sets, name="sets"),
    path("benchmarks/", benchmarks, name="benchmarks"),
    path("lists/", lists, name="lists"),
    path("lists/<int:pk>/", green_list, name="list"),
    path("mine/", mine, name="mine"),
    path("firm/<int:pk>/", firm, name="firm"),
]
