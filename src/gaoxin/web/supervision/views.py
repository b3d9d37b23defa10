"""Supervision pages: the region's zones at a glance, region-level white-lists, a zone's rule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import audit, may, visible
from gaoxin.web.credit.services import run_model
from gaoxin.web.platform.labels import label
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.registry.models import Region
from gaoxin.web.supervision import bulk_io, services
from gaoxin.web.supervision.forms import PublishForm, ZoneRuleForm
from gaoxin.web.supervision.models import RegionalList

# The zone pages a supervisor drills down to (read-only), by url name.
DRILL = (  # url name, label, the action the page requires (a link the user may not open is left out)
    ("registry:dashboard", "Dashboard", "view_zone"),
    ("credit:ranking", "Ranking", "view_zone"),
    ("cultivation:home", "Cultivation", "view_zone"),
    ("finance:overview", "Finance", "finance_overview"),
    ("command:home", "Command centre", "view_zone"),
)


def _region(user) -> Region | None:
    return user.region if user.role == Role.SUPERVISOR else None


@login_required
def home(request):
    """The zones under the supervisor's region, one row of figures each, and the region's totals."""
    require(request.user, "supervise")
    rows = services.overview(request.user)
    if request.GET.get("export") == "xlsx":
        audit(request, "export", what="supervision overview", zones=len(rows))
        stamp = timezone.localtime().strftime("%Y%m%d")
        return download(bulk_io.overview_xlsx(rows), f"园区汇总-{stamp}.xlsx")
    context = {
        "region": _region(request.user),
        "rows": rows,
        "totals": services.totals(rows),
        "drill": [(name, _(label)) for name, label, action in DRILL if may(request.user, action)],
    }
    return render(request, "supervision/home.html", context)


@login_required
def lists(request):
    """The region's published lists, and (for its supervisor) the form that publishes a new one."""
    require(request.user, "supervise")
    region = _region(request.user)
    form = None
    if region is not None:
        form = PublishForm(request.POST or None, user=request.user, lists=services.publishable(request.user))
        if request.method == "POST" and form.is_valid():
            try:
                published = services.publish_regional(
                    request,
                    region=region,
                    title=form.cleaned_data["title"],
                    sources=form.cleaned_data["sources"],
                    banks=form.cleaned_data["banks"],
                )
            except services.SupervisionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Published %(title)s: %(n)s firms.")
                    % {"title": published.title, "n": f"{published.entries_count:,}"},
                )
                return redirect("supervision:list", published.pk)
    page = paginate(
        request, visible(request.user, RegionalList).select_related("region").prefetch_related("banks")
    )
    status = 400 if form is not None and form.errors else 200
    return render(
        request, "supervision/lists.html", {"page": page, "form": form, "region": region}, status=status
    )


@login_required
def list_detail(request, pk: int):
    """One regional list as published (frozen): to its region's supervisors and its banks."""
    regional = get_object_or_404(visible(request.user, RegionalList).select_related("region"), pk=pk)
    if request.user.role == Role.BANK:
        audit(request, "view_regional_list", regional)
    if request.GET.get("export") == "xlsx":
        audit(request, "export", regional, what="regional list")
        return download(bulk_io.entries_xlsx(regional), f"{regional.title}.xlsx")
    entries = paginate(request, regional.entries.all(), per_page=100)
    sources = list(regional.sources.select_related("zone", "run"))
    # the stage as its run's model names it (the entry keeps the model's stage id)
    names = {(src.pk, st.id): label(st.name) for src in sources for st in run_model(src.run).stages}
    for e in entries:
        e.stage_name = names.get((e.source_id, e.stage), e.stage)
    context = {
        "l": regional,
        "page": entries,
        "banks": regional.banks.all(),
        "sources": sources,
    }
    return render(request, "supervision/list.html", context)


@login_required
def bank_lists(request):
    """The regional white-lists addressed to the bank."""
    require(request.user, ok=request.user.role == Role.BANK)
    page = paginate(request, visible(request.user, RegionalList).select_related("region"))
    return render(request, "supervision/bank_lists.html", {"page": page})


@login_required
def zone_rule(request):
    """The zone administrator decides whether supervisors above may open its firms' details."""
    require(request.user, "set_zone_rule")
    zone = request.user.zone
    form = ZoneRuleForm(request.POST or None, initial={"details_to_supervisors": zone.details_to_supervisors})
    if request.method == "POST" and form.is_valid():
        services.set_zone_rule(request, zone, form.cleaned_data["details_to_supervisors"])
        messages.success(request, _("Saved."))
        return redirect("supervision:zone_rule")
    return render(request, "supervision/zone_rule.html", {"form": form, "zone": zone})
