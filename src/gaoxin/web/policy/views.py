"""The policy app's pages: authorise, call a service, render.

Zone policy office (zone staff; writes by the zone administrator): policies and drafts, simulation
and comparison, the official list and its 公示, objections, payment batches and the ledger. The
enterprise: "政策与奖补" (``mine``) — what it received, will receive, what to confirm, the nearest
clause it misses with the gap. Out-of-scope ids are 404 (``visible``), never 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods

from gaoxin.data.dictionary import BY_ID
from gaoxin.policy.model import POLICIES_DIR, PolicyError
from gaoxin.policy.model import shipped as shipped_policies
from gaoxin.web.accounts.scoping import audit, can_write, chosen_zone, may, visible
from gaoxin.web.platform.actions import attempt, uploaded
from gaoxin.web.platform.labels import label
from gaoxin.web.platform.pages import zone_or_404
from gaoxin.web.platform.posts import Act, post_view
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.policy import bulk_io, forms, services
from gaoxin.web.policy.models import Award, Fact, LedgerEntry, MatchRun, Objection, PaymentBatch, Policy
from gaoxin.web.registry.models import Enterprise


def _write(request, obj) -> None:
    require(request.user, "manage_policies")
    require(request.user, ok=can_write(request.user, obj))


def _claim(request, award: Award) -> None:
    require(request.user, "claim_awards")
    require(request.user, ok=can_write(request.user, award))


def _may_object(request, _award: Award) -> None:
    require(request.user, "claim_awards")  # a firm objects to a list it is not on, too


# --- the policy office ---------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    require(request.user)
    zone, zones = chosen_zone(request.user, request.GET.get("zone"))
    policies = visible(request.user, Policy).filter(zone=zone).order_by("code", "-version") if zone else []
    runs = visible(request.user, MatchRun).filter(zone=zone).select_related("policy")[:20] if zone else []
    pending = (
        visible(request.user, Objection)
        .filter(status=Objection.Status.PENDING, award__run__zone=zone)
        .count()
        if zone
        else 0
    )
    return render(
        request,
        "policy/home.html",
        {
            "zone": zone,
            "zones": zones,
            "policies": policies,
            "runs": runs,
            "pending": pending,
            "triggers": services.recent_triggers(visible(request.user, MatchRun).filter(zone=zone))
            if zone
            else [],
            "examples": [p.stem for p in shipped_policies()],
            "can_manage": may(request.user, "manage_policies"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request, pk: int | None = None):
    require(request.user, "manage_policies")
    zone, zones = zone_or_404(chosen_zone(request.user, request.GET.get("zone")))
    base = get_object_or_404(visible(request.user, Policy), pk=pk) if pk else None
    if base is not None:
        zone = base.zone
    example = request.GET.get("example", "")
    initial = base.text if base else ""
    if example and (POLICIES_DIR / f"{example}.yaml") in shipped_policies():
        initial = (POLICIES_DIR / f"{example}.yaml").read_text(encoding="utf-8")
    form = forms.PolicyFileForm(request.POST or None, initial={"text": initial})
    if request.method == "POST" and form.is_valid():
        probe = Policy(zone=zone)
        require(request.user, ok=can_write(request.user, probe))
        with attempt(request):
            p = services.save_draft(zone, form.cleaned_data["text"], request.user, request)
            messages.success(
                request, _("Draft saved: %(title)s, version %(v)s.") % {"title": p.title, "v": p.version}
            )
            return redirect("policy:policy", p.pk)
    return render(request, "policy/edit.html", {"form": form, "zone": zone, "zones": zones, "base": base})


@login_required
@require_GET
def policy_detail(request, pk: int):
    p = get_object_or_404(visible(request.user, Policy).select_related("zone"), pk=pk)
    require(request.user)
    runs = visible(request.user, MatchRun).filter(policy=p)
    core = services.parsed(p)
    return render(
        request,
        "policy/policy.html",
        {
            "p": p,
            "core": core,
            "clauses": p.clauses.all(),
            "runs": runs,
            "versions": visible(request.user, Policy).filter(zone=p.zone, code=p.code).order_by("-version"),
            "run_form": forms.RunForm(
                initial={"year": max(min(core.valid_to.year, 2025), core.valid_from.year)}
            ),
            "can_manage": may(request.user, "manage_policies") and can_write(request.user, p),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_facts(request, pk: int):
    """The department facts the policy reads: a template with Chinese headers, and the import."""
    p = get_object_or_404(visible(request.user, Policy).select_related("zone"), pk=pk)
    require(request.user)
    core = services.parsed(p)
    if request.GET.get("template"):
        return download(bulk_io.template(core), f"政策数据模板-{p.code}.xlsx")
    may_import = can_write(request.user, Fact(zone=p.zone))
    outcome = None
    if request.method == "POST":
        require(request.user, ok=may_import)
        with attempt(request):
            upload = uploaded(request)
            department = request.POST.get("department", "").strip()
            outcome = bulk_io.import_facts(p.zone, core, upload.read(), upload.name, department, request.user)
            if outcome.ok:
                audit(
                    request,
                    "policy_facts",
                    p,
                    file=upload.name,
                    department=department,
                    firms=len(outcome.firms),
                    values=outcome.values,
                )
                messages.success(
                    request,
                    _("Imported %(file)s: %(n)s values of %(firms)s firms.")
                    % {"file": upload.name, "n": outcome.values, "firms": len(outcome.firms)},
                )
    inputs = [*bulk_io.firm_inputs(core), *core.items]
    stored = {
        (name, year): n
        for name, year, n in visible(request.user, Fact)
        .filter(zone=p.zone, name__in=[i.id for i in inputs])
        .values_list("name", "year")
        .annotate(n=Count("id"))
    }
    years = sorted({y for _n, y in stored}, reverse=True)[:5]
    rows = [
        # a department fact that is a dictionary field has its English name there; a policy's own input
        # has only the Chinese its file gives
        {"input": i, "name": label(BY_ID.get(i.id, i)), "counts": [stored.get((i.id, y), 0) for y in years]}
        for i in inputs
    ]
    refused = outcome is not None and not outcome.ok
    return render(
        request,
        "policy/facts.html",
        {
            "p": p,
            "rows": rows,
            "years": years,
            "may_import": may_import,
            "problems": outcome.problems[:500] if refused else [],
            "refused": refused,
        },
        status=400 if refused else 200,
    )


# --- runs ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def run_detail(request, pk: int):
    run = get_object_or_404(visible(request.user, MatchRun).select_related("policy", "zone"), pk=pk)
    require(request.user)
    awards = (
        visible(request.user, Award)
        .filter(run=run, amount__gt=0)
        .select_related("enterprise")
        .order_by("clause_id", "rank", "enterprise__uscc")
    )
    clause = request.GET.get("clause", "")
    if clause:
        awards = awards.filter(clause_id=clause)
    if request.GET.get("export"):
        everyone = visible(request.user, Award).filter(run=run).select_related("enterprise")
        everyone = everyone.order_by("clause_id", "-eligible", "rank", "enterprise__uscc")
        audit(request, "export", run, what="policy_run", policy=run.policy.code, year=run.year)
        return download(
            bulk_io.run_xlsx(run, everyone), f"政策名单-{run.policy.code}-{run.year}-{run.pk}.xlsx"
        )
    others = (
        visible(request.user, MatchRun).filter(zone=run.zone, policy__code=run.policy.code).exclude(pk=run.pk)
    )
    return render(
        request,
        "policy/run.html",
        {
            "run": run,
            "summary": run.summary,
            "page": paginate(request, awards),
            "clause": clause,
            "others": others[:20],
            "batches": visible(request.user, PaymentBatch).filter(run=run),
            "publicity_form": forms.PublicityForm(initial={"start": forms.today()}),
            "can_manage": may(request.user, "manage_policies") and can_write(request.user, run),
            "counts": {
                s: run.awards.filter(status=s).count()
                for s in (
                    Award.Status.MATCHED,
                    Award.Status.CONFIRMED,
                    Award.Status.WAIVED,
                    Award.Status.PAID,
                )
            },
        },
    )


@login_required
@require_GET
def run_compare(request, pk: int, other: int):
    a = get_object_or_404(visible(request.user, MatchRun).select_related("policy"), pk=pk)
    b = get_object_or_404(visible(request.user, MatchRun).select_related("policy"), pk=other)
    require(request.user)
    return render(request, "policy/compare.html", {"a": a, "b": b, "rows": services.compare(a, b)})


# --- awards, objections ------------------------------------------------------------------------------------


@login_required
@require_GET
def award_detail(request, pk: int):
    award = get_object_or_404(
        visible(request.user, Award).select_related("run", "run__policy", "enterprise"), pk=pk
    )
    staff = may(request.user, "view_zone")
    return render(
        request,
        "policy/award.html",
        {
            "a": award,
            "staff": staff,
            "events": visible(request.user, award.events.all()) if staff else award.events.all(),
            "objections": visible(request.user, Objection).filter(award=award),
            "decision_form": forms.DecisionForm(),
            "clawback_form": forms.ClawbackForm(),
            "confirm_form": forms.ConfirmForm(initial={"account_name": award.enterprise.name}),
            "objection_form": forms.ObjectionForm(),
            "can_manage": staff and may(request.user, "manage_policies") and can_write(request.user, award),
            "can_claim": may(request.user, "claim_awards") and can_write(request.user, award),
        },
    )


@login_required
@require_GET
def objections(request):
    require(request.user)
    zone, zones = chosen_zone(request.user, request.GET.get("zone"))
    qs = (
        visible(request.user, Objection)
        .filter(award__run__zone=zone)
        .select_related("award", "award__enterprise", "award__run__policy")
    )
    return render(
        request, "policy/objections.html", {"zone": zone, "zones": zones, "page": paginate(request, qs)}
    )


# --- payments and the ledger ------------------------------------------------------------------------------


@login_required
@require_GET
def batch_detail(request, pk: int):
    batch = get_object_or_404(visible(request.user, PaymentBatch).select_related("run", "run__policy"), pk=pk)
    require(request.user)
    return render(
        request,
        "policy/batch.html",
        {
            "batch": batch,
            "awards": batch.awards.select_related("enterprise").order_by("enterprise__uscc", "clause_id"),
            "can_manage": may(request.user, "manage_policies") and can_write(request.user, batch),
        },
    )


@login_required
@require_GET
def batch_xlsx(request, pk: int):
    batch = get_object_or_404(visible(request.user, PaymentBatch).select_related("run", "run__policy"), pk=pk)
    require(request.user)
    audit(request, "export", batch, what="policy_batch", number=batch.number)
    return download(services.batch_xlsx(batch), f"拨付批次-{batch.run.policy.code}-{batch.number}.xlsx")


@login_required
@require_GET
def ledger(request):
    require(request.user)
    zone, zones = chosen_zone(request.user, request.GET.get("zone"))
    qs = (
        visible(request.user, LedgerEntry)
        .filter(zone=zone)
        .select_related("enterprise")
        .order_by("-at", "-id")
    )
    if request.GET.get("export"):
        audit(request, "export", zone, what="policy_ledger")
        return download(bulk_io.ledger_xlsx(qs), f"奖补台账-{zone.code if zone else ''}.xlsx")
    return render(
        request, "policy/ledger.html", {"zone": zone, "zones": zones, "page": paginate(request, qs)}
    )


# --- the enterprise: 政策与奖补 ------------------------------------------------------------------------------


def _own_enterprise(request) -> Enterprise:
    require(request.user, "claim_awards")
    return get_object_or_404(visible(request.user, Enterprise), pk=request.user.enterprise_id)


@login_required
@require_GET
def mine(request):
    ent = _own_enterprise(request)
    ctx = services.firm_view(request.user, ent)
    ctx.update(enterprise=ent, policies=visible(request.user, Policy).filter(status=Policy.Status.PUBLISHED))
    return render(request, "policy/mine.html", ctx)


# --- the buttons: one POST on one object each (``platform.posts``) ------------------------------------

FLOW = (services.PolicyFlowError,)


def _match(request, p: Policy, data: dict) -> MatchRun:
    official = request.POST.get("kind") == "official"
    kind = MatchRun.Kind.OFFICIAL if official else MatchRun.Kind.SIMULATION
    return services.match(p, data["year"], request.user, kind, request)


def _decide(request, obj: Objection, d: dict) -> None:
    upheld = d["decision"] == "uphold"
    services.decide_objection(
        obj, request.user, upheld=upheld, note=d["note"], amount=d["amount"], request=request
    )


def _to(name: str):
    return lambda obj: reverse(name, args=[obj.pk])


_office = {"check": _write, "refusals": FLOW}
_firm = {"check": _claim, "refusals": FLOW, "back": "policy:award"}
policy_publish = post_view(
    Act(
        Policy,
        lambda r, p, _d: services.publish_policy(p, r.user, r),
        "policy:policy",
        **_office,
        done=_l("Published. Earlier published versions of this policy are retired."),
    )
)
policy_match = post_view(
    Act(
        Policy,
        _match,
        "policy:policy",
        _write,
        refusals=(*FLOW, PolicyError),
        form=forms.RunForm,
        invalid=_l("Give the data year."),
        then=_to("policy:run"),
    )
)
run_publicity = post_view(
    Act(
        MatchRun,
        lambda r, run, d: services.open_publicity(run, d["start"], d["end"], r.user, r),
        "policy:run",
        **_office,
        form=forms.PublicityForm,
        done=_l("The list is in publicity; the firms on it can confirm or waive."),
    )
)
run_close = post_view(
    Act(
        MatchRun,
        lambda r, run, _d: services.close_publicity(run, r.user, request=r),
        "policy:run",
        **_office,
        done=lambda n: _("Publicity closed; %(n)s unconfirmed awards count as waived.") % {"n": n},
    )
)
run_batch = post_view(
    Act(
        MatchRun,
        lambda r, run, _d: services.create_batch(run, r.user, r),
        "policy:run",
        **_office,
        then=_to("policy:batch"),
    )
)
objection_decide = post_view(
    Act(
        Objection,
        _decide,
        lambda obj: reverse("policy:award", args=[obj.award_id]),
        **_office,
        form=forms.DecisionForm,
        related=("award",),
        done=_l("Decision recorded."),
    )
)
award_clawback = post_view(
    Act(
        Award,
        lambda r, a, d: services.clawback(a, r.user, amount=d["amount"], reason=d["reason"], request=r),
        "policy:award",
        **_office,
        form=forms.ClawbackForm,
        done=_l("Clawback booked in the ledger."),
    )
)
batch_paid = post_view(
    Act(
        PaymentBatch,
        lambda r, b, _d: services.mark_paid(b, r.user, r),
        "policy:batch",
        **_office,
        done=_l("Batch marked as paid; the ledger is booked."),
    )
)
award_confirm = post_view(
    Act(
        Award,
        lambda r, a, d: services.confirm(a, r.user, request=r, **d),
        **_firm,
        form=forms.ConfirmForm,
        related=("run",),
        done=_l("Thank you: your confirmation and bank account are recorded."),
    )
)
award_waive = post_view(
    Act(
        Award,
        lambda r, a, _d: services.waive(a, r.user, r),
        **_firm,
        related=("run",),
        done=_l("You have waived this award."),
    )
)
award_object = post_view(
    Act(
        Award,
        lambda r, a, d: services.object_to(a, r.user, request=r, **d),
        **{**_firm, "check": _may_object},
        form=forms.ObjectionForm,
        related=("run",),
        done=_l("Your objection is recorded; the zone will decide and you will see the result here."),
    )
)


urls = [
    path("", home, name="home"),
    path("new/", policy_new, name="new"),
    path("<int:pk>/", policy_detail, name="policy"),
    path("<int:pk>/edit/", policy_new, name="edit"),
    path("<int:pk>/publish/", policy_publish, name="publish"),
    path("<int:pk>/match/", policy_match, name="match"),
    path("<int:pk>/facts/", policy_facts, name="facts"),
    path("runs/<int:pk>/", run_detail, name="run"),
    path("runs/<int:pk>/compare/<int:other>/", run_compare, name="compare"),
    path("runs/<int:pk>/publicity/", run_publicity, name="publicity"),
    path("runs/<int:pk>/close/", run_close, name="close"),
    path("runs/<int:pk>/batch/", run_batch, name="batch_create"),
    path("awards/<int:pk>/", award_detail, name="award"),
    path("awards/<int:pk>/confirm/", award_confirm, name="confirm"),
    path("awards/<int:pk>/waive/", award_waive, name="waive"),
    path("awards/<int:pk>/object/", award_object, name="object"),
    path("awards/<int:pk>/clawback/", award_clawback, name="clawback"),
    path("objections/", objections, name="objections"),
    path("objections/<int:pk>/decide/", objection_decide, name="decide"),
    path("batches/<int:pk>/", batch_detail, name="batch"),
    path("batches/<int:pk>/xlsx/", batch_xlsx, name="batch_xlsx"),
    path("batches/<int:pk>/paid/", batch_paid, name="batch_paid"),
    path("ledger/", ledger, name="ledger"),
    path("mine/", mine, name="mine"),
]

__all__ = ["reverse", "urls"]
