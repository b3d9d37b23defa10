"""The carriers app's pages: authorise, call a service, render.

Zone staff (and the platform administrator) see the zone pages; an enterprise user has its own page
(``mine``) and the challenges its zone published; an expert has ``reviews``. An object outside the
user's scope is a 404; an action the user's role may not take is a 403.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.carriers import listing as core_list
from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import audit, can_write, chosen_zone, may, visible
from gaoxin.web.carriers import bulk_io, forms, services
from gaoxin.web.carriers.models import (
    STAGE_CHOICES,
    Admission,
    Challenge,
    ChallengeApplication,
    ChallengeReview,
    Contract,
    IncubatedFirm,
    Incubator,
    Milestone,
    Need,
    ReserveFirm,
    TableImport,
)
from gaoxin.web.platform.actions import Refused, attempt, valid
from gaoxin.web.platform.pages import zone_or_404, zone_query
from gaoxin.web.platform.views import download, require
from gaoxin.web.registry.models import Enterprise, Zone

STAGES = STAGE_CHOICES


def _require(user, action: str = "carriers_view") -> None:
    require(user, action)


def _zone(request) -> tuple[Zone | None, list[Zone]]:
    return chosen_zone(request.user, request.GET.get("zone"))


def _on(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return services.today()


def _find_enterprise(user, zone: Zone, text: str) -> Enterprise:
    text = (text or "").strip()
    found = (
        visible(user, Enterprise).filter(zone=zone).filter(Q(uscc=text.upper()) | Q(name=text)).first()
        if text
        else None
    )
    if found is None:
        raise services.CarrierError(_("No enterprise %(text)s in this zone.") % {"text": text or "—"})
    return found


def _labelled(form) -> dict:
    """``valid(form)``, its refusal naming each faulty field by its label (the forms whose fields are
    the zone's own indicators or the application's many inputs)."""
    if not form.is_valid():
        raise Refused(
            "; ".join(f"{form.fields[k].label}: {e}" for k, errs in form.errors.items() for e in errs)
        )
    return form.cleaned_data


def _ctx(zone, zones, tab, **kw):
    return {"zone": zone, "zones": zones, "tab": tab, "zq": zone_query(zone, zones), **kw}


# --- home --------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    user = request.user
    if not may(user, "carriers_view"):
        if user.role == Role.ENTERPRISE:
            return redirect("carriers:mine")
        raise PermissionDenied
    zone, zones = _zone(request)
    on = _on(request)
    ctx = _ctx(zone, zones, "home", on=on)
    if zone is not None:
        incs = services.incubator_views(zone, on, user=user)
        reserve = services.reserve_views(zone, on, on.year - 1, user=user)
        stage_counts = {s: 0 for s, _l in STAGES}
        for v in reserve:
            stage_counts[v.reserve.stage] += 1
        ctx.update(
            incubators=incs,
            graduates=services.graduates(zone, on.year, user=user),
            reserve=reserve,
            stalled=[v for v in reserve if v.stalled_days is not None],
            stage_counts=[(label, stage_counts[s]) for s, label in STAGES],
            challenges=visible(user, Challenge)
            .filter(zone=zone)
            .annotate(n_apps=Count("applications"))
            .order_by("-created")[:10],
            rewards_due=sum((r.amount for v in reserve for r in v.rewards_due), Decimal(0)),
        )
    return render(request, "carriers/home.html", ctx)


# --- incubators --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def incubator_new(request):
    _require(request.user)
    zone, zones = zone_or_404(_zone(request))
    require(request.user, ok=can_write(request.user, Incubator(zone=zone)))
    form = forms.IncubatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        inc = form.save(commit=False)
        inc.zone = zone
        if Incubator.objects.filter(zone=zone, code=inc.code).exists():
            form.add_error("code", _("An incubator with this code exists already."))
        else:
            with attempt(request):
                inc.save()
                audit(request, "carriers_incubator_saved", inc, code=inc.code)
                return redirect("carriers:incubator", pk=inc.pk)
    return render(
        request,
        "carriers/incubator_form.html",
        _ctx(zone, zones, "home", form=form),
        status=400 if form.errors else 200,
    )


def _incubator(request, pk: int) -> Incubator:
    _require(request.user)
    return get_object_or_404(visible(request.user, Incubator).select_related("zone"), pk=pk)


def _admission_model(inc: Incubator):
    return services.admission_model(services.settings_for(inc.zone))


@login_required
@require_GET
def incubator(request, pk: int):
    inc = _incubator(request, pk)
    on = _on(request)
    view = services.incubator_views(inc.zone, on, user=request.user, only=inc)[0]
    firms = list(inc.firms.select_related("enterprise").order_by("-entered"))
    overdue = {f.pk: p for f, p in view.overdue}
    for f in firms:
        f.period = overdue.get(f.pk)
        f.is_current = services.current(f, on)
    return render(
        request,
        "carriers/incubator.html",
        {
            "inc": inc,
            "v": view,
            "on": on,
            "firms": firms,
            "admissions": inc.admissions.all()[:50],
            "can_write": can_write(request.user, inc),
            "can_manage": may(request.user, "carriers_manage") and can_write(request.user, inc),
            "firm_form": forms.FirmForm(),
            "admission_form": forms.AdmissionForm(model=_admission_model(inc)),
            "grade_form": forms.GradeForm(initial={"year": on.year - 1}),
            "exit_reasons": [c for c in IncubatedFirm.Exit.choices if c[0]],
        },
    )


@login_required
@require_POST
def incubator_action(request, pk: int):
    inc = _incubator(request, pk)
    require(request.user, ok=can_write(request.user, inc))
    action = request.POST.get("action", "")
    on = services.today()
    with attempt(request, services.CarrierError):
        if action == "add_firm":
            d = valid(forms.FirmForm(request.POST), "; ")
            ent = _find_enterprise(request.user, inc.zone, d["enterprise"]) if d["enterprise"] else None
            services.add_firm(
                inc,
                request,
                name=d["name"],
                entered=d["entered"],
                enterprise=ent,
                field=d["field"],
                patent_applied=d["patent_applied"],
            )
            messages.success(request, _("The firm was added."))
        elif action == "exit":
            f = forms.ExitForm(request.POST)
            if not f.is_valid():
                raise Refused(_("Give the exit date and why."))
            firm = get_object_or_404(
                visible(request.user, IncubatedFirm), pk=f.cleaned_data["firm"], incubator=inc
            )
            services.exit_firm(firm, f.cleaned_data["on"], f.cleaned_data["reason"], request)
            messages.success(request, _("The exit was recorded."))
        elif action == "graduations":
            marked = services.detect_graduations(inc.zone, on, request, user=request.user)
            messages.success(
                request, _("%(n)s firms newly meet a graduation criterion.") % {"n": len(marked)}
            )
        elif action == "self_evaluation":
            require(request.user, "carriers_manage")
            view = services.incubator_views(inc.zone, on, user=request.user, only=inc)[0]
            g = services.save_self_evaluation(view, on.year, request)
            messages.success(
                request,
                _("Self-evaluation saved: %(score)s points, grade %(grade)s.")
                % {"score": g.score, "grade": g.grade},
            )
        elif action == "admission":
            f = forms.AdmissionForm(request.POST, model=_admission_model(inc))
            d = _labelled(f)
            services.score_admission(inc, request, name=d["name"], values=f.values)
            messages.success(request, _("The applicant was scored."))
        elif action == "official_grade":
            f = forms.GradeForm(request.POST)
            if not f.is_valid():
                raise Refused(_("Give the year and the grade."))
            d = f.cleaned_data
            services.record_official_grade(inc, d["year"], d["grade"], d["score"], request)
            messages.success(request, _("The official grade was recorded."))
        elif action == "decide_admission":
            require(request.user, "carriers_manage")
            adm = get_object_or_404(
                visible(request.user, Admission), pk=request.POST.get("admission") or 0, incubator=inc
            )
            services.decide_admission(
                adm, request.POST.get("decision", ""), request.POST.get("reason", ""), request
            )
            messages.success(request, _("The decision was recorded."))
        else:
            raise services.CarrierError(_("Unknown action."))
    return redirect("carriers:incubator", pk=inc.pk)


@login_required
@require_GET
def graduates_page(request):
    _require(request.user)
    zone, zones = zone_or_404(_zone(request))
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else services.today().year
    rows = services.graduates(zone, year, user=request.user)
    return render(request, "carriers/graduates.html", _ctx(zone, zones, "home", rows=rows, year=year))


# --- listing reserve ---------------------------------------------------------------------------------


@login_required
@require_GET
def reserve(request):
    _require(request.user)
    zone, zones = zone_or_404(_zone(request))
    on = _on(request)
    rows = services.reserve_views(zone, on, on.year - 1, user=request.user)
    stage = request.GET.get("stage", "")
    if stage in dict(STAGES):
        rows = [r for r in rows if r.reserve.stage == stage]
    if request.GET.get("stalled"):
        rows = [r for r in rows if r.stalled_days is not None]
    return render(
        request,
        "carriers/reserve.html",
        _ctx(
            zone,
            zones,
            "reserve",
            rows=rows,
            stages=STAGES,
            stage=stage,
            settings=services.settings_for(zone),
            add_form=forms.ReserveAddForm(),
            can_write=can_write(request.user, ReserveFirm(zone=zone)),
            can_manage=may(request.user, "carriers_manage")
            and can_write(request.user, ReserveFirm(zone=zone)),
        ),
    )


@login_required
@require_POST
def reserve_add(request):
    _require(request.user)
    zone, zones = zone_or_404(_zone(request))
    require(request.user, ok=can_write(request.user, ReserveFirm(zone=zone)))
    f = forms.ReserveAddForm(request.POST)
    with attempt(request, services.CarrierError):
        if not f.is_valid():
            raise Refused(_("Give the enterprise and the date it entered the reserve."))
        ent = _find_enterprise(request.user, zone, f.cleaned_data["enterprise"])
        r = services.add_to_reserve(
            zone, ent, f.cleaned_data["on"], request, target_board=f.cleaned_data["target_board"] or ""
        )
        return redirect("carriers:reserve_firm", pk=r.pk)
    return redirect(reverse("carriers:reserve") + zone_query(zone, zones))


@login_required
@require_POST
def rewards_to_policy(request):
    _require(request.user, "carriers_manage")
    zone, zones = _zone(request)
    require(request.user, ok=zone is not None and can_write(request.user, ReserveFirm(zone=zone)))
    with attempt(request, services.CarrierError):
        n = services.hand_rewards_to_policy(zone, services.today(), request, user=request.user)
        messages.success(request, _("%(n)s stage rewards handed to the policy engine.") % {"n": n})
    return redirect(reverse("carriers:reserve") + zone_query(zone, zones))


def _reserve(request, pk: int) -> ReserveFirm:
    user = request.user
    require(user, ok=may(user, "carriers_view") or user.role == Role.ENTERPRISE)
    return get_object_or_404(visible(user, ReserveFirm).select_related("zone", "enterprise"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def reserve_firm(request, pk: int):
    r = _reserve(request, pk)
    writable = can_write(request.user, r)
    edit = forms.ReserveEditForm(request.POST or None, instance=r)
    if request.method == "POST":
        require(request.user, ok=writable)
        if edit.is_valid():
            with attempt(request):
                edit.save()
                audit(request, "carriers_reserve_saved", r)
                messages.success(request, _("Saved."))
                return redirect("carriers:reserve_firm", pk=r.pk)
    on = services.today()
    view = services.reserve_views(r.zone, on, on.year - 1, user=request.user, only=r)[0]
    return render(
        request,
        "carriers/reserve_firm.html",
        {
            "r": r,
            "v": view,
            "path": [
                (s, label, view.dates.get(s), view.evidence.get(s, ""), s == r.stage) for s, label in STAGES
            ],
            "later": [
                (s, label) for s, label in STAGES if core_list.stage_index(s) > core_list.stage_index(r.stage)
            ],
            "stage_names": dict(STAGES),
            "edit": edit,
            "can_write": writable,
            "can_pay": writable and may(request.user, "carriers_manage"),
            "rewards": r.rewards.all(),
            "today": on.isoformat(),
        },
        status=400 if edit.errors else 200,
    )


@login_required
@require_POST
def reserve_action(request, pk: int):
    r = _reserve(request, pk)
    require(request.user, ok=can_write(request.user, r))
    action = request.POST.get("action", "")
    with attempt(request, services.CarrierError):
        if action == "advance":
            f = forms.AdvanceForm(request.POST)
            if not f.is_valid():
                raise Refused(_("Choose the stage and its date."))
            services.advance(
                r, f.cleaned_data["stage"], f.cleaned_data["on"], f.cleaned_data["evidence"], request
            )
            messages.success(
                request, _("The firm moved to %(stage)s.") % {"stage": services.STAGE_NAMES[r.stage]}
            )
        elif action == "pay_reward":
            require(request.user, "carriers_manage")
            p = services.pay_reward(
                r,
                request.POST.get("stage", ""),
                services.today(),
                request.POST.get("reference", ""),
                request,
            )
            messages.success(request, _("Reward of %(amount)s 万元 recorded as paid.") % {"amount": p.amount})
        else:
            raise services.CarrierError(_("Unknown action."))
    return redirect("carriers:reserve_firm", pk=r.pk)


# --- challenges --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def challenges(request):
    user = request.user
    if user.role == Role.ENTERPRISE:
        return redirect("carriers:mine")
    _require(user)
    zone, zones = zone_or_404(_zone(request))
    form = forms.ChallengeForm(request.POST or None)
    can_manage = may(user, "carriers_manage") and can_write(user, Challenge(zone=zone))
    if request.method == "POST":
        require(user, ok=can_manage)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "shares_text"}
            if form.cleaned_data.get("shares_text"):
                data["shares"] = form.cleaned_data["shares_text"]
            need_id = request.POST.get("need", "")
            if need_id.isdigit():
                data["need"] = get_object_or_404(visible(user, Need), pk=int(need_id), zone=zone)
                data["requester"] = data["need"].enterprise
            with attempt(request, services.CarrierError):
                ch = services.create_challenge(zone, request, **data)
                return redirect("carriers:challenge", pk=ch.pk)
    return render(
        request,
        "carriers/challenges.html",
        _ctx(
            zone,
            zones,
            "challenges",
            rows=visible(user, Challenge)
            .filter(zone=zone)
            .annotate(n_apps=Count("applications"))
            .order_by("-created"),
            needs=visible(user, Need).filter(zone=zone).select_related("enterprise")[:50],
            form=form,
            can_manage=can_manage,
        ),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def needs_from_chains(request):
    _require(request.user, "carriers_manage")
    zone, zones = _zone(request)
    require(request.user, ok=zone is not None and can_write(request.user, Need(zone=zone)))
    with attempt(request, services.CarrierError):
        made = services.propose_needs_from_chains(zone, request, user=request.user)
        messages.success(request, _("%(n)s needs proposed from the chains' gaps.") % {"n": len(made)})
    return redirect(reverse("carriers:challenges") + zone_query(zone, zones))


def _challenge(request, pk: int) -> Challenge:
    return get_object_or_404(visible(request.user, Challenge).select_related("zone", "requester"), pk=pk)


def _expert_candidates(ch: Challenge):
    """Who may be named an expert of ``ch``: the zone's staff and the users of the zone's firms (a
    university's or an institute's expert gets an account anchored to their organisation)."""
    from gaoxin.web.accounts.models import User

    return User.objects.filter(is_active=True).filter(
        Q(role__in=[Role.ZONE_ADMIN, Role.CLERK], zone=ch.zone_id)
        | Q(role=Role.ENTERPRISE, enterprise__zone=ch.zone_id)
    )


@login_required
@require_GET
def challenge(request, pk: int):
    user = request.user
    ch = _challenge(request, pk)
    staff = may(user, "carriers_view")
    manage = staff and may(user, "carriers_manage") and can_write(user, ch)
    apps = (
        visible(user, ChallengeApplication)
        .filter(challenge=ch)
        .select_related("lead")
        .prefetch_related("partners")
    )
    ctx = {
        "ch": ch,
        "staff": staff,
        "manage": manage,
        "apps": apps,
        "rubric": services.rubric(ch),
        "shares": [s * 100 for s in services.shares(ch)],
        "contracts": visible(user, Contract)
        .filter(application__challenge=ch)
        .select_related("application__lead")
        .prefetch_related("milestones", "payments"),
    }
    if staff:
        ctx["experts"] = ch.experts.select_related("user", "organisation")
        ctx["reviews"] = ChallengeReview.objects.filter(application__challenge=ch).select_related(
            "expert__user", "application__lead"
        )
        if ch.status in (
            Challenge.Status.REVIEW,
            Challenge.Status.SELECTED,
            Challenge.Status.CONTRACTED,
            Challenge.Status.CLOSED,
        ):
            ctx["results"] = services.results(ch)
        ctx["expert_candidates"] = (
            _expert_candidates(ch).exclude(challenge_expert_roles__challenge=ch).order_by("username")[:200]
        )
        ctx["contract_form"] = forms.ContractForm(
            initial={
                "signed_on": services.today(),
                "milestones": "\n".join(f"… | {services.today().isoformat()}" for _s in services.shares(ch)),
            }
        )
        ctx["terminate_form"] = forms.TerminateForm(initial={"on": services.today()})
        for c in ctx["contracts"]:
            c.due = services.payment_due(c)
    if user.role == Role.ENTERPRISE:
        ctx["mine"] = apps.filter(lead=user.enterprise_id).first()
        ctx["can_apply"] = (
            ch.status == Challenge.Status.PUBLISHED
            and ctx["mine"] is None
            and services.today() <= ch.deadline
            and ch.zone_id == user.enterprise.zone_id
        )
        ctx["apply_form"] = forms.ApplicationForm()
        ctx["my_reviews"] = services.my_reviews(user).filter(application__challenge=ch)
    ctx["today"] = services.today().isoformat()
    return render(request, "carriers/challenge.html", ctx)


@login_required
@require_POST
def challenge_action(request, pk: int):
    user = request.user
    ch = _challenge(request, pk)
    action = request.POST.get("action", "")
    today = services.today()
    with attempt(request, services.CarrierError):
        if action == "apply":
            if user.role != Role.ENTERPRISE:
                raise PermissionDenied
            d = _labelled(forms.ApplicationForm(request.POST))
            partners = []
            for line in d["partners"].splitlines():
                if line.strip():
                    found = Enterprise.objects.filter(uscc=line.strip().upper(), zone=ch.zone).first()
                    if found is None:
                        raise services.CarrierError(
                            _("No enterprise %(text)s in this zone.") % {"text": line.strip()}
                        )
                    partners.append(found)
            services.apply(ch, user.enterprise, request, **{**d, "partners": partners})
            messages.success(request, _("Your application was submitted."))
        else:
            require(user, ok=may(user, "carriers_manage") and can_write(user, ch))
            if action == "publish":
                services.publish(ch, today, request)
                messages.success(request, _("The challenge is published."))
            elif action == "add_expert":
                ex_user = get_object_or_404(_expert_candidates(ch), pk=request.POST.get("user") or 0)
                services.add_expert(ch, ex_user, request, title=request.POST.get("title", ""))
                messages.success(request, _("The expert was added."))
            elif action == "assign_all":
                n = services.assign_all(ch, request)
                messages.success(request, _("%(n)s review assignments.") % {"n": n})
            elif action == "start_review":
                services.start_review(ch, request)
                messages.success(request, _("The review has started."))
            elif action == "select":
                chosen = services.select(ch, request)
                messages.success(
                    request, _("Selected: %(names)s.") % {"names": "、".join(a.lead.name for a in chosen)}
                )
            elif action == "sign":
                app = get_object_or_404(ch.applications, pk=request.POST.get("application") or 0)
                services.sign_contract(app, request, **valid(forms.ContractForm(request.POST), "; "))
                messages.success(request, _("The contract is signed."))
            elif action == "pay":
                c = get_object_or_404(
                    Contract.objects.filter(application__challenge=ch),
                    pk=request.POST.get("contract") or 0,
                )
                p = services.pay(c, today, request, request.POST.get("note", ""))
                messages.success(
                    request,
                    _("Payment %(n)s of %(amount)s 万元 recorded.") % {"n": p.number, "amount": p.amount},
                )
            elif action == "milestone":
                f = forms.MilestoneForm(request.POST)
                if not f.is_valid():
                    raise Refused(_("Give the decision and its date."))
                m = get_object_or_404(
                    Milestone.objects.filter(contract__application__challenge=ch),
                    pk=f.cleaned_data["milestone"],
                )
                services.decide_milestone(
                    m,
                    f.cleaned_data["decision"] == "accept",
                    request,
                    evidence=f.cleaned_data["evidence"],
                    on=f.cleaned_data["on"],
                    score=f.cleaned_data["score"],
                )
                messages.success(request, _("The milestone decision was recorded."))
            elif action == "terminate":
                c = get_object_or_404(
                    Contract.objects.filter(application__challenge=ch),
                    pk=request.POST.get("contract") or 0,
                )
                f = forms.TerminateForm(request.POST)
                if not f.is_valid():
                    raise Refused(_("Give the date and the reason."))
                d = f.cleaned_data
                services.terminate(
                    c,
                    d["on"],
                    d["reason"],
                    request,
                    verified_spend=d["verified_spend"] or Decimal(0),
                    deduct=d["deduct"],
                )
                messages.success(
                    request,
                    _("The contract was terminated; clawback %(amount)s 万元.") % {"amount": c.clawback},
                )
            elif action == "settle_race":
                winner = services.settle_race(ch, today, request)
                messages.success(
                    request, _("Continues: %(name)s.") % {"name": winner.lead.name if winner else "—"}
                )
            else:
                raise services.CarrierError(_("Unknown action."))
    return redirect("carriers:challenge", pk=ch.pk)


# --- experts -----------------------------------------------------------------------------------------


@login_required
@require_GET
def reviews(request):
    if request.user.role == Role.BANK:
        raise PermissionDenied
    return render(
        request,
        "carriers/reviews.html",
        {"rows": services.my_reviews(request.user).order_by("application__challenge__deadline")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    if request.user.role == Role.BANK:
        raise PermissionDenied
    r = get_object_or_404(services.my_reviews(request.user), pk=pk)
    rubric = services.rubric(r.application.challenge)
    initial = {f"c_{k}": v for k, v in r.scores.items()} | {"comment": r.comment}
    form = forms.ReviewForm(request.POST or None, rubric=rubric, initial=initial)
    conflict_form = forms.ConflictForm(request.POST or None)
    if request.method == "POST":
        require(request.user, ok=can_write(request.user, r))
        with attempt(request, services.CarrierError):
            if request.POST.get("action") == "conflict":
                if not conflict_form.is_valid():
                    raise Refused(_("Say why you must abstain."))
                services.declare_conflict(r, conflict_form.cleaned_data["reason"], request)
                messages.success(
                    request,
                    _("Your conflict of interest was recorded; you will not score this application."),
                )
                return redirect("carriers:reviews")
            if form.is_valid():
                services.submit_review(r, form.scores(), form.cleaned_data["comment"], request)
                messages.success(request, _("Your scores were submitted."))
                return redirect("carriers:reviews")
    return render(
        request,
        "carriers/review.html",
        {"r": r, "app": r.application, "form": form, "conflict_form": conflict_form, "rubric": rubric},
        status=400 if request.method == "POST" else 200,
    )


# --- an enterprise's own page ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    user = request.user
    if user.role != Role.ENTERPRISE:
        raise PermissionDenied
    ent = user.enterprise
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with attempt(request, services.CarrierError):
            services.submit_need(ent, form.cleaned_data["title"], form.cleaned_data["description"], request)
            messages.success(request, _("Your need was sent to the zone."))
            return redirect("carriers:mine")
    return render(
        request,
        "carriers/mine.html",
        {
            "ent": ent,
            "incubations": visible(user, IncubatedFirm).select_related("incubator"),
            "reserve": visible(user, ReserveFirm).first(),
            "open": visible(user, Challenge)
            .filter(zone=ent.zone_id, status=Challenge.Status.PUBLISHED)
            .order_by("deadline"),
            "apps": visible(user, ChallengeApplication).select_related("challenge", "lead"),
            "needs": visible(user, Need).filter(enterprise=ent),
            "has_reviews": services.my_reviews(user).exists(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- imports, exports, settings ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    user = request.user
    _require(user, "carriers_import")
    zone, zones = _zone(request)
    if request.method == "POST":
        with attempt(request):
            kind = request.POST.get("kind", "")
            upload = request.FILES.get("file")
            if kind not in bulk_io.TITLES or upload is None:
                raise Refused(_("Choose the table and the file to import."))
            require(user, ok=zone is not None and can_write(user, TableImport(zone=zone)))
            record = bulk_io.import_table(kind, upload.read(), upload.name, zone, user)
            audit(request, "carriers_import", record, kind=kind, status=record.status, rows=record.rows)
            return redirect("carriers:import_detail", pk=record.pk)
        return redirect(reverse("carriers:import") + zone_query(zone, zones))
    recent = visible(user, TableImport).filter(zone=zone)[:20] if zone else []
    return render(
        request,
        "carriers/import.html",
        _ctx(zone, zones, "import", kinds=bulk_io.TITLES.items(), recent=recent),
    )


@login_required
@require_GET
def import_detail(request, pk: int):
    _require(request.user, "carriers_import")
    record = get_object_or_404(visible(request.user, TableImport), pk=pk)
    return render(
        request,
        "carriers/import_detail.html",
        {"record": record, "title": bulk_io.TITLES.get(record.kind, record.kind)},
    )


@login_required
@require_GET
def import_problems(request, pk: int):
    _require(request.user, "carriers_import")
    record = get_object_or_404(visible(request.user, TableImport), pk=pk)
    return download(bulk_io.problems_bytes(record), f"{record.file_name}-问题清单.xlsx")


@login_required
@require_GET
def template(request, kind: str):
    _require(request.user, "carriers_import")
    if kind not in bulk_io.TITLES:
        raise Http404
    return download(bulk_io.template_bytes(kind), f"{bulk_io.TITLES[kind]}-模板.xlsx")


@login_required
@require_GET
def export(request, kind: str):
    _require(request.user)
    if kind not in bulk_io.EXPORTS:
        raise Http404
    zone, _zones = zone_or_404(_zone(request))
    content, rows = bulk_io.export(kind, zone, request.user, _on(request))
    audit(request, "export", zone, what=f"carriers_{kind}", rows=rows)
    return download(content, f"{zone.code}-{bulk_io.EXPORTS[kind]}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    import json

    _require(request.user, "carriers_manage")
    zone, zones = zone_or_404(_zone(request))
    s = services.settings_for(zone)
    require(request.user, ok=can_write(request.user, s))
    initial = {
        "stalled_days": s.stalled_days,
        "incubator_rules": json.dumps(s.incubator_rules, ensure_ascii=False) if s.incubator_rules else "",
        "reward_schedule": json.dumps(
            s.reward_schedule or {k: str(v) for k, v in core_list.WUSHENG_2023.items()}, ensure_ascii=False
        ),
        "reward_netting": s.reward_netting,
        "reward_cap": s.reward_cap,
        "payment_shares": "/".join(str((Decimal(x) * 100).normalize()) for x in services.default_shares(s)),
        "min_first_share": s.min_first_share,
        "self_evaluation": json.dumps(s.self_evaluation, ensure_ascii=False) if s.self_evaluation else "",
        "admission": json.dumps(s.admission, ensure_ascii=False) if s.admission else "",
    }
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with attempt(request, services.CarrierError):
            services.save_settings(zone, request, **form.cleaned_data)
            messages.success(request, _("The settings were saved."))
            return redirect(reverse("carriers:home") + zone_query(zone, zones))
    return render(
        request,
        "carriers/settings.html",
        _ctx(zone, zones, "settings", form=form),
        status=400 if request.method == "POST" else 200,
    )


urls = [
    path("", home, name="home"),
    path("incubators/new/", incubator_new, name="incubator_new"),
    path("incubators/<int:pk>/", incubator, name="incubator"),
    path("incubators/<int:pk>/action/", incubator_action, name="incubator_action"),
    path("graduates/", graduates_page, name="graduates"),
    path("reserve/", reserve, name="reserve"),
    path("reserve/add/", reserve_add, name="reserve_add"),
    path("reserve/rewards-to-policy/", rewards_to_policy, name="rewards_to_policy"),
    path("reserve/<int:pk>/", reserve_firm, name="reserve_firm"),
    path("reserve/<int:pk>/action/", reserve_action, name="reserve_action"),
    path("challenges/", challenges, name="challenges"),
    path("challenges/needs-from-chains/", needs_from_chains, name="needs_from_chains"),
    path("challenges/<int:pk>/", challenge, name="challenge"),
    path("challenges/<int:pk>/action/", challenge_action, name="challenge_action"),
    path("reviews/", reviews, name="reviews"),
    path("reviews/<int:pk>/", review, name="review"),
    path("mine/", mine, name="mine"),
    path("imports/", import_page, name="import"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/problems.xlsx", import_problems, name="import_problems"),
    path("templates/<str:kind>.xlsx", template, name="template"),
    path("export/<str:kind>.xlsx", export, name="export"),
    path("settings/", settings_page, name="settings"),
]
