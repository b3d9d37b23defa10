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
from django.views.decorators.http import require_http_methods, require_POST

from gaoxin.data.dictionary import TECH_FIELDS
from gaoxin.web.accounts.scoping import audit, chosen_zone, may, visible
from gaoxin.web.platform.views import paginate, require
from gaoxin.web.registry.forms import STATUSES, CorrectionForm, DecisionForm
from gaoxin.web.registry.models import Correction, Enterprise, Zone
from gaoxin.web.registry.panels import panels as profile_panels
from gaoxin.web.registry.services import pages
from gaoxin.web.registry.services.corrections import (
    CorrectionError,
    correctable_years,
    decide_correction,
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


@login_required
def enterprises(request):
    require(request.user, "view_zone")
    user = request.user
    zones = [] if user.is_zone_staff else list(visible(user, Zone).order_by("code"))
    zone = None
    wanted = request.GET.get("zone", "").strip()
    if wanted and zones:
        zone = next((z for z in zones if z.code == wanted or str(z.pk) == wanted), None)
        if zone is None:
            raise Http404
    q = request.GET.get("q", "")
    tech_field = request.GET.get("tech_field", "")
    if tech_field and tech_field not in TECH_FIELDS:
        tech_field = ""
    qs = pages.enterprise_list(user, q=q, tech_field=tech_field, zone=zone)
    page = paginate(request, qs)
    scores = pages.latest_scores(user, list(page))
    rows = [{"enterprise": e, "score": scores.get(e.pk)} for e in page]
    return render(
        request,
        "registry/enterprises.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "tech_field": tech_field,
            "tech_fields": TECH_FIELDS,
            "zones": zones,
            "zone": zone,
        },
    )


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
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST":
        values = form.values()
        try:
            if not form.is_valid():
                raise CorrectionError(form.first_error())
            with transaction.atomic():
                submit_correction(
                    user, ent, values["field"], values["year"] or None, values["proposed"], values["reason"]
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


urls = [
    path("dashboard/", dashboard, name="dashboard"),
    path("enterprises/", enterprises, name="enterprises"),
    path("enterprises/<int:pk>/", enterprise, name="enterprise"),
    path("my-enterprise/", my_enterprise, name="my_enterprise"),
    path("corrections/", corrections, name="corrections"),
    path("corrections/<int:pk>/decide/", decide, name="decide_correction"),
]
