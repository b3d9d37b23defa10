"""Finance pages: the zone's overview, the product catalogue, a product's eligible firms (and export),
the firm's financing tab, the bank's workspace and an application's page with its actions.

Views authorize (``may``, ``visible``, ``services.may_act``), call ``finance.services`` and render;
no number is computed here.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.finance import loans as L
from gaoxin.finance.products import ProductError
from gaoxin.io.display import pct
from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import audit, chosen_zone, may, sees, visible
from gaoxin.web.credit.models import PublishedList
from gaoxin.web.finance import forms as F
from gaoxin.web.finance import services
from gaoxin.web.finance.models import Application, LossClaim, Match, Product, Transition
from gaoxin.web.platform.labels import choice, qualification
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.registry.models import Enterprise, Zone


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _zone(request) -> tuple[Zone | None, list[Zone]]:
    return chosen_zone(request.user, request.GET.get("zone"))


# --- zone overview ---------------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request):
    user = request.user
    require(user, "finance_overview")
    zone, zones = _zone(request)
    context = {"zone": zone, "zones": zones}
    if zone is not None:
        services.ensure_matches(zone.pk)
        apps = visible(user, Application).filter(product__zone=zone)
        stats = services.statistics(apps)
        run = services.latest_run(zone.pk)
        voc = services.vocabulary(run)
        products = (
            visible(user, Product)
            .filter(zone=zone)
            .select_related("bank")
            .annotate(n_matches=Count("matches", distinct=True))
            .order_by("kind", "name")
        )
        recent = apps.select_related("enterprise", "product", "bank").order_by("-applied_at", "-id")[:10]
        context |= {
            "stats": stats,
            "by_stage": [(voc.stage_name(s), b) for s, b in stats.by_stage.items()],
            "pools": services.pools(visible(user, Product).filter(zone=zone), apps),
            "products": list(products),
            "recent": list(recent),
            "run": run,
        }
    return render(request, "finance/overview.html", context)


# --- products --------------------------------------------------------------------------------------------


def _product_kinds(user) -> list[str] | None:
    if user.role == Role.BANK and may(user, "manage_bank_products"):
        return ["loan"]
    if may(user, "manage_zone_products"):
        return ["guarantee", "fund", "subsidy", "pool"] + (["loan"] if user.is_platform_admin else [])
    return None


@login_required
@require_GET
def products(request):
    user = request.user
    qs = visible(user, Product).select_related("zone", "bank", "pool").order_by("zone", "kind", "name", "id")
    kind = request.GET.get("kind")
    if kind in Product.Kind.values:
        qs = qs.filter(kind=kind)
    page = paginate(request, qs)
    return render(
        request,
        "finance/products.html",
        {
            "page": page,
            "kinds": Product.Kind.choices,
            "kind": kind,
            "can_create": _product_kinds(user) is not None,
        },
    )


def _product_form(request, instance: Product | None, data=None):
    user = request.user
    zones = None
    if user.role in (Role.BANK, Role.PLATFORM_ADMIN):
        zones = visible(user, Zone)
    zone = instance.zone if instance else (user.zone if user.is_zone_staff else None)
    run = services.latest_run(zone.pk) if zone else None
    pools = visible(user, Product).filter(kind=Product.Kind.POOL)
    if zone is not None:
        pools = pools.filter(zone=zone)
    kinds = [instance.kind] if instance else _product_kinds(user)
    initial = F.ProductForm.initial_from(instance) if instance else {"active": True}
    return F.ProductForm(
        data, initial=initial, voc=services.vocabulary(run), kinds=kinds, zones=zones, pools=pools
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, pk: int | None = None):
    user = request.user
    instance = None
    if pk is not None:
        instance = get_object_or_404(visible(user, Product).select_related("zone", "bank"), pk=pk)
        require(user, ok=services.can_edit_product(user, instance))
    else:
        require(user, ok=_product_kinds(user) is not None)
    form = _product_form(request, instance, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data.get("zone") or (instance.zone if instance else user.zone)
        if zone is None:
            form.add_error("zone", _("Choose a zone."))
        else:
            try:
                product = services.save_product(
                    request,
                    zone=zone,
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data.get("description") or "",
                    rules=form.rules(),
                    pool=form.cleaned_data.get("pool"),
                    active=form.cleaned_data.get("active", False),
                    instance=instance,
                )
            except ProductError as exc:
                form.add_faults(exc.faults)
            except services.FinanceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The product was saved."))
                return redirect("finance:product", pk=product.pk)
    return render(
        request,
        "finance/product_form.html",
        {"form": form, "product": instance},
        status=400 if form.errors else 200,
    )


def _eligible(user, product: Product):
    """The product's eligible firms the user may see (a bank: only firms it may already see)."""
    qs = visible(user, Match).filter(product=product)
    if user.role == Role.ENTERPRISE:
        return qs.none()
    return qs


@login_required
@require_GET
def product_detail(request, pk: int):
    user = request.user
    product = get_object_or_404(visible(user, Product).select_related("zone", "bank", "pool"), pk=pk)
    services.ensure_matches(product.zone_id)
    product.refresh_from_db(fields=["match_key", "matched_run", "matched_at"])
    rule = services.core(product)
    voc = services.vocabulary(services.latest_run(product.zone_id))
    matches = _eligible(user, product).select_related("enterprise").order_by("-total", "enterprise__uscc")
    page = paginate(request, matches)
    show_firms = user.role != Role.ENTERPRISE
    pool_view = None
    if product.kind == Product.Kind.POOL:
        found = services.pools(visible(user, Product).filter(pk=product.pk), visible(user, Application))
        pool_view = found[0] if found else None
    return render(
        request,
        "finance/product_detail.html",
        {
            "product": product,
            "rule": rule,
            "conditions": _conditions(rule, voc),
            "page": page if show_firms else None,
            "can_edit": services.can_edit_product(user, product),
            "can_export": user.role in (Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN, Role.BANK),
            "voc": voc,
            "pools": [pool_view] if pool_view else [],
            "rows": [(m, voc.stage_name(m.stage)) for m in page] if show_firms else [],
            "can_apply": user.role == Role.ENTERPRISE and product.kind == Product.Kind.LOAN,
        },
    )


def _conditions(rule, voc) -> list[str]:
    e = rule.eligibility
    out = []
    if e.min_score is not None:
        out.append(_("score at least %(v)s") % {"v": services._plain(e.min_score)})
    if e.min_grade:
        out.append(_("grade %(v)s or better") % {"v": e.min_grade})
    if e.top_share is not None:
        out.append(
            _("in the top %(v)s of its cohort")
            % {"v": pct(Decimal(e.top_share.numerator) / e.top_share.denominator)}
        )
    if e.stages:
        out.append(_("stage: %(v)s") % {"v": "、".join(voc.stage_name(s) for s in e.stages)})
    if e.lists:
        out.append(_("on list: %(v)s") % {"v": "、".join(voc.list_name(x) for x in e.lists)})
    if e.whitelist:
        out.append(_("on a white-list published to the bank"))
    if e.industries:
        out.append(_("industry code starts with %(v)s") % {"v": "、".join(e.industries)})
    if e.tech_fields:
        out.append(_("high-tech field: %(v)s") % {"v": "、".join(choice(t) for t in e.tech_fields)})
    if e.qualifications:
        out.append(_("holds one of: %(v)s") % {"v": "、".join(qualification(q) for q in e.qualifications)})
    return out or [_("no conditions: every firm of the zone")]


@login_required
@require_GET
def product_export(request, pk: int):
    user = request.user
    require(user, ok=user.role in (Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN, Role.BANK))
    product = get_object_or_404(visible(user, Product).select_related("zone"), pk=pk)
    services.ensure_matches(product.zone_id)
    product.refresh_from_db(fields=["match_key", "matched_run", "matched_at"])
    voc = services.vocabulary(services.latest_run(product.zone_id))
    content = services.eligible_xlsx(product, _eligible(user, product), voc)
    audit(request, "export", product, what="finance_eligible")
    return download(content, f"符合条件企业-{product.pk}.xlsx")


# --- the firm's financing tab ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_financing(request):
    user = request.user
    require(user, ok=user.role == Role.ENTERPRISE and user.enterprise_id is not None)
    ent = get_object_or_404(visible(user, Enterprise).select_related("zone"), pk=user.enterprise_id)
    loans = visible(user, Product).filter(kind=Product.Kind.LOAN, active=True, zone=ent.zone_id)
    form = F.ApplyForm(request.POST or None, products=loans, initial={"product": request.GET.get("product")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app = services.apply(request, d["product"], ent, d["amount"], d["term"], d.get("purpose") or "")
        except services.FinanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your application was sent to %(bank)s.") % {"bank": app.bank.name})
            return redirect("finance:application", pk=app.pk)
    opts, score, run = services.options(ent, visible(user, Product))
    voc = services.vocabulary(run)
    consents = {}
    for o in opts:
        if o.product.bank_id and o.product.bank_id not in consents:
            consents[o.product.bank_id] = services.live_consent(o.product.bank, ent) is not None
    rows = [
        {
            "option": o,
            "reasons": [(c.ok, services.describe(c, voc)) for c in o.result.checks],
            "consented": consents.get(o.product.bank_id),
        }
        for o in opts
    ]
    apps = (
        visible(user, Application)
        .filter(enterprise=ent)
        .select_related("product", "bank")
        .order_by("-applied_at", "-id")
    )
    return render(
        request,
        "finance/my_financing.html",
        {
            "enterprise": ent,
            "rows": rows,
            "score": score,
            "stage": voc.stage_name(score.stage) if score else "",
            "form": form,
            "applications": list(apps),
            "consent_url": _url("consent:mine"),
            "unconsented": [
                o["option"].product.bank for o in rows if o["consented"] is False and o["option"].eligible
            ],
        },
        status=400 if form.errors else 200,
    )


# --- the bank's workspace ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def workspace(request):
    user = request.user
    require(user, ok=user.role == Role.BANK)
    apps = visible(user, Application)
    own = visible(user, Product).filter(bank=user.bank_id)
    form = F.BankApplyForm(request.POST or None, products=own.filter(kind=Product.Kind.LOAN, active=True))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # the bank's firms: on a list published to it or under a live consent to it (scoping's rule)
        ent = visible(user, Enterprise).filter(uscc=d["uscc"].strip().upper()).first()
        if ent is None:
            form.add_error("uscc", _("No firm with this USCC is on your white-lists or has authorised you."))
        else:
            try:
                app = services.apply(
                    request, d["product"], ent, d["amount"], d["term"], d.get("purpose") or ""
                )
            except services.FinanceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Application #%(pk)s recorded.") % {"pk": app.pk})
                return redirect("finance:application", pk=app.pk)
    state = request.GET.get("state") or "open"
    listing = apps.select_related("enterprise", "product").order_by("-applied_at", "-id")
    if state == "open":
        listing = listing.filter(state__in=[L.PENDING, L.APPROVED])
    elif state in Application.State.values:
        listing = listing.filter(state=state)
    page = paginate(request, listing)
    stats = services.statistics(apps)
    lists = visible(user, PublishedList).count()
    products_ = own.annotate(n_apps=Count("applications", distinct=True)).order_by("name")
    return render(
        request,
        "finance/workspace.html",
        {
            "page": page,
            "state": state,
            "states": [("open", _("Open")), *Application.State.choices, ("all", _("All"))],
            "stats": stats,
            "lists": lists,
            "products": list(products_),
            "form": form,
            "pending": stats.pending,
            "portfolio": apps.filter(state=L.DISBURSED).aggregate(s=Sum("outstanding"))["s"],
        },
        status=400 if form.errors else 200,
    )


# --- one application ----------------------------------------------------------------------------------------


ACTION_FORMS = {
    L.APPROVE: F.DecisionForm,
    L.REJECT: F.NoteForm,
    L.WITHDRAW: F.NoteForm,
    L.DISBURSE: F.DisburseForm,
    L.REPAY: F.RepayForm,
    L.DEFAULT: F.DefaultForm,
}


def _num(value) -> str:
    """An exact decimal as a person types it: 100.5, not 100.500000."""
    return "" if value is None else services._plain(value)


def _application(user, pk: int) -> Application:
    return get_object_or_404(
        visible(user, Application).select_related(
            "product", "product__pool", "enterprise", "bank", "applied_by"
        ),
        pk=pk,
    )


def _render_application(request, app: Application, bound: dict | None = None, status: int = 200):
    user = request.user
    forms_ = {}
    for action in app.allowed_actions:
        if services.may_act(user, app, action):
            if bound and action in bound:
                forms_[action] = bound[action]
            else:
                initial = {}
                if action == L.APPROVE:
                    rule = services.core(app.product)
                    initial = {
                        "amount": _num(app.requested_amount),
                        "rate": _num(rule.rate),
                        "term": app.requested_term,
                    }
                elif action == L.DISBURSE:
                    initial = {"amount": _num(app.approved_amount)}
                elif action == L.REPAY:
                    initial = {"amount": _num(app.outstanding)}
                forms_[action] = ACTION_FORMS[action](initial=initial, prefix=action)
    details = sees(user, app.enterprise) if user.role == Role.BANK else True
    if user.role == Role.BANK and details:
        audit(request, "view_enterprise_finance", app, enterprise=app.enterprise_id)
        services.log_bank_access(request, app.enterprise, f"贷款申请 #{app.pk}", "page")
    history = visible(user, Transition).filter(application=app).select_related("user").order_by("at", "id")
    claim = visible(user, LossClaim).filter(application=app).first()
    consent = None
    if user.role in (Role.ENTERPRISE, Role.BANK):
        consent = services.live_consent(app.bank, app.enterprise)
    return render(
        request,
        "finance/application.html",
        {
            "app": app,
            "forms": [(a, services.action_label(a), f) for a, f in forms_.items()],
            "history": [
                (
                    t,
                    services.action_label(t.action),
                    services.state_label(t.from_state) if t.from_state else "—",
                    services.state_label(t.to_state),
                )
                for t in history
            ],
            "details": details,
            "cap": rule.line.cap if (rule := services.core(app.product)).line else None,
            "pool_states": services.pools(
                Product.objects.filter(pk=app.product.pool_id), Application.objects.all()
            )
            if app.product.pool_id and user.role in (Role.BANK, Role.PLATFORM_ADMIN)
            else [],
            "claim": claim,
            "consent": consent,
            "consent_url": _url("consent:mine"),
            "stage": services.vocabulary(app.run).stage_name(app.stage) if app.stage else "",
            "profile_url": _url("registry:enterprise", app.enterprise_id)
            if user.role != Role.ENTERPRISE
            else None,
        },
        status=status,
    )


@login_required
@require_GET
def application(request, pk: int):
    return _render_application(request, _application(request.user, pk))


@login_required
@require_POST
def application_act(request, pk: int, action: str):
    user = request.user
    app = _application(user, pk)
    if action not in ACTION_FORMS:
        raise Http404
    if not services.may_act(user, app, action):
        raise PermissionDenied
    form = ACTION_FORMS[action](request.POST, prefix=action)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.act(
                request,
                app,
                action,
                amount=d.get("amount"),
                rate=d.get("rate"),
                term=d.get("term"),
                on=d.get("on"),
                note=d.get("note") or "",
                first_loan=d.get("first_loan")
                if action == L.DISBURSE and f"{action}-first_loan" in request.POST
                else None,
                above_request_reason=d.get("above_request_reason") or "",
            )
        except services.FinanceError as exc:
            form.add_error(None, str(exc))
            status = exc.status
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": services.action_label(action)})
            if (warning := services.pool_warning(app)) is not None:
                messages.warning(request, warning)
            return redirect("finance:application", pk=app.pk)
    return _render_application(request, app, {action: form}, status=status)


urls = [
    path("", overview, name="overview"),
    path("products/", products, name="products"),
    path("products/new/", product_edit, name="product_new"),
    path("products/<int:pk>/", product_detail, name="product"),
    path("products/<int:pk>/edit/", product_edit, name="product_edit"),
    path("products/<int:pk>/eligible.xlsx", product_export, name="product_export"),
    path("mine/", my_financing, name="my_financing"),
    path("bank/", workspace, name="workspace"),
    path("applications/<int:pk>/", application, name="application"),
    path("applications/<int:pk>/<str:action>/", application_act, name="application_act"),
]
