"""Registry pages: zone dashboard, enterprises, enterprise profile, my enterprise, corrections.

Each view authorizes through the scoping helper, asks ``pages`` (page data) or ``corrections``
(the correction service) and renders. An object outside the user's scope is a 404, never a 403, so
guessing URLs tells nothing; a page the role has no business on is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.web.accounts.scoping import audit, chosen_zone, may, visible
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.registry.forms import STATUSES, CorrectionForm, DecisionForm
from gaoxin.web.registry.models import Correction, Enterprise, Zone
from gaoxin.web.registry.panels import panels as profile_panels
from gaoxin.web.registry.services import pages
from gaoxin.web.registry.services.corrections import (
    CorrectionError,
    correctable_years,
    decide_correction,
    evidence_of,
    submit_correction,
)


def _zone_choice(request) -> tuple[Zone | None, list[Zone]]:
    return chosen_zone(request.user, request.GET.get("zone"))


@login_required
def dashboard(request):
    require(request.user, "view_zone")
    zone, zones = _zone_choice(request)
    board = pages.dashboard(request.user, zone) if zone is not None else None
    return render(request, "registry/dashboard.html", {"board": board, "zone": zone, "zones": zones})


def _enterprise_filters(request) -> tuple[pages.EnterpriseFilters, list[Zone], dict]:
    """The list's filters from the query string, each checked against its choices (an unknown value is
    dropped, an unknown sort key is the default: a tampered address never errors), the zones a
    platform-wide user may pick and the zones' latest runs."""
    user = request.user
    zones = [] if user.is_zone_staff else list(visible(user, Zone).order_by("code"))
    zone = None
    wanted = request.GET.get("zone", "").strip()
    if wanted and zones:
        zone = next((z for z in zones if z.code == wanted or str(z.pk) == wanted), None)
        if zone is None:
            raise Http404
    runs = pages.latest_runs(user, [zone.pk] if zone is not None else None)
    choices = pages.filter_choices(user, runs)

    def pick(name: str, options) -> str:
        value = request.GET.get(name, "").strip()
        return value if value in {v for v, _label in options} else ""

    filters = pages.EnterpriseFilters(
        q=request.GET.get("q", "").strip()[:100],
        tech_field=pick("tech_field", choices["tech_fields"]),
        zone=zone,
        stage=pick("stage", choices["stages"]),
        grade=pick("grade", choices["grades"]),
        qualification=pick("qualification", choices["qualifications"]),
        sort=pages.sort_key(request.GET.get("sort", "")),
    )
    return filters, zones, {"runs": runs, "choices": choices}


def _filtered(request, filters: pages.EnterpriseFilters, runs: dict):
    return pages.enterprise_list(
        request.user,
        q=filters.q,
        tech_field=filters.tech_field,
        zone=filters.zone,
        stage=filters.stage,
        grade=filters.grade,
        qualification=filters.qualification,
        sort=filters.sort,
        runs=runs,
    )


@login_required
def enterprises(request):
    require(request.user, "view_zone")
    filters, zones, found = _enterprise_filters(request)
    qs = _filtered(request, filters, found["runs"])
    page = paginate(request, qs)
    scores = pages.latest_scores(request.user, list(page), found["runs"])
    stage_names = dict(found["choices"]["stages"])
    rows = [
        {"enterprise": e, "score": scores.get(e.pk), "stage": stage_names.get(e.score_stage or "", "")}
        for e in page
    ]
    query = filters.query()
    return render(
        request,
        "registry/enterprises.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "q": filters.q,
            "tech_field": filters.tech_field,
            "choices": found["choices"],
            "zones": zones,
            "zone": filters.zone,
            "sorts": _sort_links(filters, query),
            "export_query": urlencode(query),
        },
    )


def _sort_links(filters: pages.EnterpriseFilters, query: dict) -> dict[str, dict]:
    """For each sortable column: the address that sorts by it (again: the other way) and its arrow."""
    out = {}
    for key in pages.SORTS:
        current = filters.sort.lstrip("-") == key
        target = ("" if filters.sort.startswith("-") else "-") + key if current else key
        q = {k: v for k, v in query.items() if k != "sort"}
        if target != pages.DEFAULT_SORT:
            q["sort"] = target
        descending = pages.SORTS[key][1] != filters.sort.startswith("-")
        out[key] = {
            "url": "?" + urlencode(q),
            "arrow": ("▼" if descending else "▲") if current else "",
            "aria": ("descending" if descending else "ascending") if current else "none",
        }
    return out


@login_required
@require_GET
def enterprises_export(request):
    require(request.user, "view_zone")
    filters, _zones, found = _enterprise_filters(request)
    qs = _filtered(request, filters, found["runs"])
    content = pages.enterprise_export(request, qs, filters, found["runs"])
    return download(content, "企业名录.xlsx")


@login_required
def enterprise(request, pk: int):
    ent = get_object_or_404(visible(request.user, Enterprise).select_related("zone"), pk=pk)
    audit(request, "view_enterprise", ent)
    return render(
        request,
        "registry/enterprise.html",
        {"p": pages.profile(request.user, ent), "panels": profile_panels(request.user, ent)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_enterprise(request):
    user = request.user
    if not may(user, "submit_corrections") or user.enterprise_id is None:
        raise PermissionDenied
    ent = get_object_or_404(visible(user, Enterprise).select_related("zone"), pk=user.enterprise_id)
    form = CorrectionForm(request.POST if request.method == "POST" else None, request.FILES or None)
    error = ""
    if request.method == "POST":
        values = form.values()
        try:
            if not form.is_valid():
                raise CorrectionError(form.first_error())
            with transaction.atomic():
                submit_correction(
                    user,
                    ent,
                    values["field"],
                    values["year"] or None,
                    values["proposed"],
                    values["reason"],
                    evidence=form.cleaned_data.get("evidence"),
                )
        except CorrectionError as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("Your correction has been submitted; the zone administrator will decide.")
            )
            return redirect("registry:my_enterprise")
    audit(request, "view_enterprise", ent)
    years = correctable_years(user, ent)
    mine = pages.correction_rows(pages.corrections(user, enterprise=ent)[:50])
    return render(
        request,
        "registry/my_enterprise.html",
        {
            "p": pages.profile(user, ent),
            "panels": profile_panels(user, ent),
            "form": form.values(),
            "error": error,
            "choices": pages.correction_choices(years),
            "mine": mine,
        },
        status=400 if error else 200,
    )


@login_required
def corrections(request):
    require(request.user, "view_zone")
    status = request.GET.get("status", "pending")
    if status not in STATUSES:
        status = "pending"
    qs = pages.corrections(request.user, status="" if status == "all" else status)
    page = paginate(request, qs)
    return render(
        request,
        "registry/corrections.html",
        {
            "page": page,
            "rows": pages.correction_rows(page),
            "status": status,
            "statuses": [
                ("pending", _("Pending")),
                ("approved", _("Approved")),
                ("rejected", _("Rejected")),
                ("all", _("All")),
            ],
            "can_decide": may(request.user, "decide_corrections"),
        },
    )


@login_required
@require_POST
def decide(request, pk: int):
    correction = get_object_or_404(visible(request.user, Correction), pk=pk)
    require(request.user, "decide_corrections")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        action = form.cleaned_data["action"]
        try:
            with transaction.atomic():
                decide_correction(
                    request.user, correction, approve=action == "approve", note=form.cleaned_data["note"]
                )
        except CorrectionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The correction was approved.")
                if action == "approve"
                else _("The correction was rejected."),
            )
    return redirect(reverse("registry:corrections") + "?" + urlencode({"status": form.back()}))


@login_required
@require_GET
def correction_evidence(request, pk: int):
    """A correction's evidence file, for whoever may see the correction (404 otherwise)."""
    correction = get_object_or_404(visible(request.user, Correction), pk=pk)
    found = evidence_of(correction)
    if found is None:
        raise Http404
    content, name, content_type = found
    return download(content, name, content_type)


urls = [
    path("dashboard/", dashboard, name="dashboard"),
    path("enterprises/", enterprises, name="enterprises"),
    path("enterprises/export.xlsx", enterprises_export, name="enterprises_export"),
    path("enterprises/<int:pk>/", enterprise, name="enterprise"),
    path("my-enterprise/", my_enterprise, name="my_enterprise"),
    path("corrections/", corrections, name="corrections"),
    path("corrections/<int:pk>/decide/", decide, name="decide_correction"),
    path("corrections/<int:pk>/evidence/", correction_evidence, name="correction_evidence"),
]
