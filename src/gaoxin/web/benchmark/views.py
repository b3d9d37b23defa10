"""The benchmark app's pages: authorise, call a service, render.

- ``home``: the zone's standing (overall and per dimension) against a chosen peer set, its rank
  interval, the gap per indicator; the platform administrator also sees every zone by name.
- ``facts``: the zone's facts for a year, each with its source; import (template xlsx), compute from
  the registry, export.
- ``contributions``: the zone's firms that add most to an indicator the registry computes.
- ``peers``: the national peer tables (platform administrator imports them).

A zone outside the user's scope is a 404 (``chosen_zone``); a role with no business here a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.benchmark.peers import KINDS, PeerError
from gaoxin.web.accounts.scoping import audit, can_write, chosen_zone, may, visible
from gaoxin.web.benchmark import services
from gaoxin.web.benchmark.models import FactsImport, PeerTable, ZoneFacts
from gaoxin.web.platform.actions import attempt, uploaded
from gaoxin.web.platform.bulk import error_report, file_bytes
from gaoxin.web.platform.labels import label, unit
from gaoxin.web.platform.pages import zone_or_404, zone_query
from gaoxin.web.platform.views import download, int_or_none, require, year_or_none
from gaoxin.web.registry.models import Zone

DEFAULT_YEAR = 2025


def _zone(request, action: str = "benchmark_view") -> tuple[Zone | None, list[Zone]]:
    require(request.user, action)
    return chosen_zone(request.user, request.GET.get("zone") or request.POST.get("zone"))


def visible_facts_years(zone) -> list[int]:
    return list(ZoneFacts.objects.filter(zone=zone).values_list("year", flat=True))


def _year(request, zone) -> int:
    year = year_or_none(request.GET.get("year") or request.POST.get("year"))
    if year is not None:
        return year
    years = visible_facts_years(zone) if zone is not None else []
    return max(years) if years else DEFAULT_YEAR


def _table(request) -> PeerTable | None:
    pk = int_or_none(request.GET.get("table"))
    if pk is None:
        return PeerTable.objects.order_by("-created", "-id").first()
    if pk == 0:
        return None
    return get_object_or_404(PeerTable, pk=pk)


def _named(request) -> set[str] | None:
    """The platform zones the user may see by name in the ranking (None: all)."""
    if request.user.is_platform_admin:
        return None
    return set(visible(request.user, Zone).values_list("code", flat=True))


# --- the benchmark page ------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    zone, zones = _zone(request)
    ctx = {"zone": zone, "zones": zones, "zq": zone_query(zone, zones), "kinds": KINDS}
    if zone is None:
        return render(request, "benchmark/home.html", ctx)
    year = _year(request, zone)
    table = _table(request)
    kind = request.GET.get("peers") or "all"
    top = int_or_none(request.GET.get("top")) or 30
    named = request.GET.get("named") or None
    full = may(request.user, "benchmark_all")
    ctx.update(
        year=year,
        table=table,
        tables=PeerTable.objects.order_by("-created", "-id"),
        kind=kind,
        top=top,
        named=named,
        named_choices=services.peer_choices(table, year),
        computable={i.id for i in services.computable_indicators()},
    )
    try:
        bench = services.benchmark(
            zone, year, kind, top, named, table, full=full, named_zones=_named(request)
        )
    except services.NoFacts:
        ctx["no_facts"] = True
        return render(request, "benchmark/home.html", ctx)
    except PeerError as exc:
        ctx["peer_error"] = str(exc)
        ctx.update(kind="all", named=None)  # the page then shows (and carries on) what it computed
        bench = services.benchmark(
            zone, year, "all", top, None, table, full=full, named_zones=_named(request)
        )
    iv = bench.interval
    ctx.update(
        bench=bench,
        bar=services.range_bar(iv.p05, iv.p95, iv.rank, iv.of),
        dims=[label(c.name) for c in services.zone_model().top_categories],
        ranking=[
            {**r, "bar": services.range_bar(r["p05"], r["p95"], r["rank"], iv.of)} for r in bench.ranking
        ],
    )
    ctx["fields"] = services.number_fields()
    wf, wv = request.GET.get("wf"), request.GET.get("wv")
    if wf and wv not in (None, ""):
        try:
            ctx["whatif"] = services.what_if(zone, year, wf, float(wv), table)
        except (KeyError, ValueError):
            ctx["whatif_error"] = True
    audit(request, "benchmark_view", zone, year=year, peers=kind)
    return render(request, "benchmark/home.html", ctx)


# --- facts ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def facts(request):
    zone, zones = _zone(request, "benchmark_facts")
    if zone is None:
        return render(request, "benchmark/facts.html", {"zone": None, "zones": zones, "zq": ""})
    year = _year(request, zone)
    zq = zone_query(zone, zones)
    if request.method == "POST":
        probe = ZoneFacts(zone=zone, year=year)
        require(request.user, ok=can_write(request.user, probe))
        if request.POST.get("action") == "compute":
            with attempt(request):
                done = services.compute_from_registry(zone, year, request.user)
                audit(request, "benchmark_compute", zone, year=year, years=[f.year for f in done])
                messages.success(
                    request, _("Computed from the registry's firms: %(n)s year(s).") % {"n": len(done)}
                )
        return redirect(
            reverse("benchmark:facts") + (zq or "?") + ("&" if zq else "") + urlencode({"year": year})
        )
    row = visible(request.user, ZoneFacts).filter(zone=zone, year=year).first()
    model = services.zone_model()
    lines = []
    for f in model.fields:
        lines.append(
            {
                "id": f.id,
                "name": label(f.name),
                "unit": unit(f.unit),  # 万元, 家 … in the reader's language
                "value": (row.values.get(f.id) if row else None),
                "source": label((row.sources.get(f.id, ""), row.sources_en.get(f.id, ""))) if row else "",
            }
        )
    ctx = {
        "zone": zone,
        "zones": zones,
        "zq": zq,
        "year": year,
        "row": row,
        "lines": lines,
        "years": sorted(visible_facts_years(zone), reverse=True),
        "imports": visible(request.user, FactsImport).filter(zone=zone)[:20],
        "can_write": can_write(request.user, ZoneFacts(zone=zone, year=year)),
    }
    return render(request, "benchmark/facts.html", ctx)


@login_required
@require_POST
def facts_import(request):
    zone, zones = _zone(request, "benchmark_facts")
    require(
        request.user, ok=zone is not None and can_write(request.user, ZoneFacts(zone=zone, year=DEFAULT_YEAR))
    )
    if request.user.is_zone_staff:
        allowed = {zone.code: zone}
    else:
        allowed = {z.code: z for z in visible(request.user, Zone)}
    with attempt(request) as tried:  # a refused file is recorded too: its record says why
        upload = uploaded(request)
        record = services.import_facts(
            file_bytes(upload),
            upload.name,
            request.user,
            allowed,
            zone=zone if request.user.is_zone_staff else None,
        )
        audit(request, "benchmark_import", zone, file=upload.name, status=record.status, rows=record.rows)
    if tried.refused:
        return redirect(reverse("benchmark:facts") + zone_query(zone, zones))
    if record.applied:
        messages.success(request, _("Imported %(n)s row(s).") % {"n": record.rows})
    else:
        messages.error(request, _("The file was refused; nothing changed."))
    return redirect(reverse("benchmark:import_record", args=[record.pk]))


@login_required
@require_GET
def import_record(request, pk: int):
    require(request.user, "benchmark_facts")
    record = get_object_or_404(visible(request.user, FactsImport), pk=pk)
    return render(
        request, "benchmark/import.html", {"record": record, "zone": record.zone, "zones": [], "zq": ""}
    )


@login_required
@require_GET
def import_problems(request, pk: int):
    require(request.user, "benchmark_facts")
    record = get_object_or_404(visible(request.user, FactsImport), pk=pk)
    return download(error_report(record), f"problems-{record.pk}.xlsx")


@login_required
@require_GET
def facts_template(request):
    require(request.user, "benchmark_facts")
    return download(services.template(), "zone-facts-template.xlsx")


@login_required
@require_GET
def facts_export(request):
    zone, _zones = zone_or_404(_zone(request, "benchmark_facts"))
    rows = visible(request.user, ZoneFacts).filter(zone=zone).select_related("zone").order_by("year")
    audit(request, "benchmark_export", zone, rows=rows.count())
    return download(services.export_facts(rows), f"zone-facts-{zone.code}.xlsx")


# --- contributions -------------------------------------------------------------------------------------


@login_required
@require_GET
def contributions(request):
    zone, zones = zone_or_404(_zone(request))
    year = _year(request, zone)
    computable = services.computable_indicators()
    wanted = request.GET.get("indicator") or (computable[0].id if computable else "")
    try:
        result = services.contributions_for(zone, year, wanted, viewer=request.user)
    except KeyError:
        raise Http404 from None
    ctx = {
        "zone": zone,
        "zones": zones,
        "zq": zone_query(zone, zones),
        "year": year,
        "indicators": computable,
        "wanted": wanted,
        "result": result,
    }
    return render(request, "benchmark/contributions.html", ctx)


# --- peer tables ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def peers(request):
    require(request.user, "benchmark_view")
    manage = may(request.user, "benchmark_peers")
    if request.method == "POST":
        require(request.user, ok=manage)
        with attempt(request) as tried:  # a refused file is recorded too: its record says why
            upload = uploaded(request)
            record, table = services.import_peers(
                file_bytes(upload), upload.name, request.POST.get("title", ""), request.user
            )
            audit(request, "benchmark_peers", table, file=upload.name, status=record.status, rows=record.rows)
        if tried.refused:
            return redirect("benchmark:peers")
        if table is None:
            messages.error(request, _("The file was refused; nothing changed."))
            return redirect(reverse("benchmark:import_record", args=[record.pk]))
        messages.success(request, _("Imported a peer table of %(n)s zone(s).") % {"n": table.zones})
        return redirect("benchmark:peers")
    ctx = {
        "tables": PeerTable.objects.order_by("-created", "-id"),
        "manage": manage,
        "zone": None,
        "zones": [],
    }
    return render(request, "benchmark/peers.html", ctx)


urls = [
    path("", home, name="home"),
    path("facts/", facts, name="facts"),
    path("facts/import/", facts_import, name="facts_import"),
    path("facts/template/", facts_template, name="facts_template"),
    path("facts/export/", facts_export, name="facts_export"),
    path("imports/<int:pk>/", import_record, name="import_record"),
    path("imports/<int:pk>/problems/", import_problems, name="import_problems"),
    path("contributions/", contributions, name="contributions"),
    path("peers/", peers, name="peers"),
]
