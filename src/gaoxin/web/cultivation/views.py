"""Cultivation pages: the zone's ladder (counts, pipeline to targets), candidates per tier, assessments,
settings.

Each view authorizes through ``accounts.scoping`` (``may`` for the role, ``visible`` for every query,
``can_write`` for the zone acted on), calls ``cultivation.services`` and renders; no number is computed
here. An object outside the user's scope is a 404; a page the role has no business on is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gaoxin.data.dictionary import TECH_FIELDS
from gaoxin.web.accounts.scoping import audit, can_write, chosen_zone, covered, may, visible
from gaoxin.web.cultivation import bulk_io, services
from gaoxin.web.cultivation.forms import LadderSettingsForm, readable
from gaoxin.web.cultivation.models import LadderEntry, LadderRun, LadderSettings
from gaoxin.web.platform.pages import zone_or_404
from gaoxin.web.platform.views import (
    download,
    int_or_none,
    paginate,
    require,
    run_status_view,
    year_or_none,
)
from gaoxin.web.registry.models import AnnualReport, Qualification, Zone

PAGE_SIZES = (25, 50, 100, 200)
RUN_DEFERRED = ("config",)


def _zone_choice(request, data=None) -> tuple[Zone | None, list[Zone]]:
    return chosen_zone(request.user, (request.GET if data is None else data).get("zone"))


def _runs(user):
    return visible(user, LadderRun).select_related("zone").defer(*RUN_DEFERRED)


def _chosen_run(user, zone: Zone, wanted) -> LadderRun | None:
    """The run a page reads: ``?run=`` (a done run of the zone the user may see) or the latest."""
    if wanted in (None, ""):
        return services.latest_run(_runs(user), zone)
    return get_object_or_404(
        _runs(user).filter(zone=zone, status=LadderRun.Status.DONE), pk=int_or_none(wanted)
    )


def _years(user, zone: Zone) -> list[int]:
    years = visible(user, AnnualReport).filter(enterprise__zone=zone).order_by("-year")
    return list(years.values_list("year", flat=True).distinct())


def _zone_query(zone: Zone, zones) -> str:
    return f"zone={zone.code}" if zones else ""


# --- the cultivation page -------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    user = request.user
    require(user, "view_zone")
    zone, zones = _zone_choice(request)
    context = {"zone": zone, "zones": zones}
    if zone is None:
        return render(request, "cultivation/home.html", context)
    run = services.latest_run(_runs(user), zone)
    # Counts only (``covered``): a supervisor counts the zone's firms whose details it may not open.
    statuses = services.status_counts(covered(user, LadderEntry), run) if run else None
    # Years before the zone's register begins would show as zeros (a fake jump on the chart).
    first = covered(user, AnnualReport).filter(enterprise__zone=zone).order_by("year").values("year")[:1]
    first_year = first[0]["year"] if first else None
    years = [y for y in services.trend_years() if first_year is None or y >= first_year]
    target_model = services.target_model()
    found_targets = (
        services.tier_targets(visible(user, target_model), zone) if target_model is not None else []
    )
    # one count for the trend's years and the pipelines' together (one pass over the certificates)
    both = sorted(set(years) | set(services.pipeline_years(found_targets)))
    counts = services.tier_counts(zone, both, covered(user, Qualification))
    pipes = services.pipelines(found_targets, zone, statuses, counts=counts)
    context |= {
        "run": run,
        "counts": services.counts_table({y: counts[y] for y in years}),
        "ladder": [
            {
                "tier": t,
                "name": services.tier_name(t),
                "counts": statuses[t],
                "candidates": statuses[t]["qualifies"] + statuses[t]["near"],
            }
            for t in services.TIERS
        ]
        if statuses
        else [],
        "pipelines": pipes,
        "targets_available": target_model is not None,
        "can_run": may(user, "run_ladder") and can_write(user, zone),
        "can_settings": may(user, "ladder_settings") and can_write(user, zone),
        "years": _years(user, zone) if may(user, "run_ladder") else [],
        "zone_query": _zone_query(zone, zones),
        "running": _runs(user).filter(zone=zone, status=LadderRun.Status.RUNNING).order_by("-id").first(),
    }
    return render(request, "cultivation/home.html", context)


# --- candidates per tier ----------------------------------------------------------------------------


def _filters(request) -> dict:
    status = request.GET.get("status") or "candidates"
    if status not in services.STATUS_FILTERS:
        status = "candidates"
    tech_field = request.GET.get("tech_field") or ""
    if tech_field not in TECH_FIELDS:
        tech_field = ""
    return {"status": status, "q": (request.GET.get("q") or "").strip()[:100], "tech_field": tech_field}


def _tier_or_404(tier: str) -> str:
    if tier not in services.TIERS:
        raise Http404
    return tier


def _tier_choice(request, tier: str) -> tuple[str, Zone, list[Zone], LadderRun | None]:
    """A candidates page's tier, zone (the user's choice) and run (chosen or the latest); 404 for an
    unknown tier or without a zone."""
    require(request.user, "view_zone")
    tier = _tier_or_404(tier)
    zone, zones = zone_or_404(_zone_choice(request))
    return tier, zone, zones, _chosen_run(request.user, zone, request.GET.get("run"))


@login_required
@require_GET
def tier(request, tier: str):
    user = request.user
    tier, zone, zones, run = _tier_choice(request, tier)
    filters = _filters(request)
    size = int_or_none(request.GET.get("size"))
    size = size if size in PAGE_SIZES else 50
    context = {
        "tier": tier,
        "tier_name": services.tier_name(tier),
        "tiers": [(t, services.tier_name(t)) for t in services.TIERS],
        "zone": zone,
        "zones": zones,
        "run": run,
        "filters": filters,
        "size": size,
        "sizes": PAGE_SIZES,
        "statuses": [
            (s, services.status_label(s))
            for s in services.STATUS_FILTERS
            if s not in ("candidates", "renewal")
        ],
        "tech_fields": TECH_FIELDS,
        "zone_query": _zone_query(zone, zones),
    }
    if run is not None:
        qs = services.candidates(visible(user, LadderEntry), run, tier, **filters)
        page = paginate(request, qs, size)
        query = request.GET.copy()
        query.pop("page", None)
        query["run"] = run.pk
        if zones:
            query["zone"] = zone.code
        context |= {
            "page": page,
            "rows": [services.entry_view(e) for e in page],
            "runs": list(_runs(user).filter(zone=zone, status=LadderRun.Status.DONE).order_by("-id")[:50]),
            "export_url": f"{reverse('cultivation:tier_export', args=[tier])}?{query.urlencode()}",
        }
    return render(request, "cultivation/tier.html", context)


@login_required
@require_GET
def tier_export(request, tier: str):
    user = request.user
    tier, _zone, _zones, run = _tier_choice(request, tier)
    if run is None:
        raise Http404
    filters = _filters(request)
    qs = services.candidates(visible(user, LadderEntry), run, tier, **filters)
    content = bulk_io.export_candidates(run, tier, qs, services.describe(**filters))
    audit(request, "export", run, what="ladder_candidates", tier=tier, filters=filters)
    filename = f"培育候选-{services.QUALIFICATION_KINDS[tier]}-{run.zone.code}-{run.year}-{run.pk}.xlsx"
    return download(content, filename)


# --- assessments ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def runs(request):
    user = request.user
    require(user, "view_zone")
    if request.method == "POST":
        require(user, "run_ladder")
        zone, zones = _zone_choice(request, request.POST)
        if zone is None or not can_write(user, zone):
            raise PermissionDenied
        query = f"?{_zone_query(zone, zones)}" if zones else ""
        year = year_or_none(request.POST.get("year"))
        if year is None or year not in _years(user, zone):
            messages.error(request, _("Choose a year the zone has annual reports for."))
            return redirect(reverse("cultivation:home") + query)
        try:
            run = services.submit_assessment(zone, year, user)
        except services.SettingsError as exc:  # the stored settings no longer pass the rules' check
            messages.error(request, str(exc))
            return redirect(reverse("cultivation:settings") + query)
        audit(request, "run_ladder", run, year=year, config=run.config_sha256)
        messages.success(request, _("Ladder assessment #%(pk)s started.") % {"pk": run.pk})
        return redirect("cultivation:run", pk=run.pk)
    qs = _runs(user).select_related("created_by").order_by("-created", "-id")
    page = paginate(request, qs)
    return render(request, "cultivation/runs.html", {"page": page})


def _run(user, pk: int) -> LadderRun:
    return get_object_or_404(visible(user, LadderRun).select_related("zone", "created_by", "job"), pk=pk)


@login_required
@require_GET
def run_detail(request, pk: int):
    user = request.user
    require(user, "view_zone")
    run = _run(user, pk)
    done = run.status == LadderRun.Status.DONE
    statuses = services.status_counts(visible(user, LadderEntry), run) if done else None
    return render(
        request,
        "cultivation/run_detail.html",
        {
            "run": run,
            "done": done,
            "progress": services.run_progress(run),
            "ladder": [
                {"tier": t, "name": services.tier_name(t), "counts": statuses[t]} for t in services.TIERS
            ]
            if statuses
            else [],
            "rule_sets": [(services.tier_name(k), v) for k, v in run.rule_sets.items()],
            "config_text": services.settings_text(run.config),
        },
    )


run_status = run_status_view(LadderRun, services.run_progress)


# --- settings ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    user = request.user
    require(user, "view_zone")
    data = request.POST if request.method == "POST" else request.GET
    zone, zones = zone_or_404(_zone_choice(request, data))
    can_edit = may(user, "ladder_settings") and can_write(user, zone)
    stored = visible(user, LadderSettings).filter(zone=zone).select_related("updated_by").first()
    current = stored.config if stored else {}
    text = services.settings_text(current)
    form = LadderSettingsForm(stored=current)
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if "config" in request.POST:  # the YAML text, for those who want it
                text = request.POST.get("config", "")
                config = services.parse_settings(text)
            else:  # the form: one field per setting
                form = LadderSettingsForm(request.POST, stored=current)
                if not form.is_valid():
                    raise services.SettingsError(_("Some settings are not valid: see the marked fields."))
                config = form.config()
                services.check_config(config)
        except services.SettingsError as exc:
            error = str(exc)
        else:
            services.save_settings(zone, config, user, by=request)
            messages.success(request, _("The ladder settings were checked and saved."))
            return redirect(
                f"{reverse('cultivation:settings')}?zone={zone.code}" if zones else "cultivation:settings"
            )
    return render(
        request,
        "cultivation/settings.html",
        {
            "zone": zone,
            "zones": zones,
            "stored": stored,
            "text": text,
            "error": error,
            "can_edit": can_edit,
            "form": form,
            "readable": readable(current),
            "defaults": services.settings_text(services.default_settings()),
        },
    )
