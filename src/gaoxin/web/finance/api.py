"""The finance API (mounted at /api/finance/): banks read their applications and move them (decide,
disburse, repay, default); everyone reads the products in scope; zone staff read the zone statistics.

Same rules as the pages: every read goes through ``scoped``/``get_visible`` (outside scope is 404), every
write through ``finance.services.act`` (who may, the state table, exact amounts). An illegal transition
is 409 with a detail naming the current state and the action; bad amounts are 400. Money is an exact
decimal string in 万元 (send strings, e.g. ``"120.5"``; a JSON float is refused).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BeforeValidator, Field

from gaoxin.finance import loans as L
from gaoxin.finance.money import MoneyError, parse_money
from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import sees
from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, audit_read, get_visible, page, scoped
from gaoxin.web.api.schemas import BankRef, DecimalString, EnterpriseRef, Error, Page, ZoneRef
from gaoxin.web.finance import services
from gaoxin.web.finance.forms import money_message
from gaoxin.web.finance.models import Application, Product, Transition
from gaoxin.web.registry.models import Zone

router = Router(tags=["finance"])
WRITE_ERRORS = {**ERRORS, 409: Error}


class ProductOut(Schema):
    id: int
    kind: str
    name: str
    zone: ZoneRef
    bank: BankRef | None = None
    active: bool
    pool_id: int | None = None
    rules: dict = Field(description="the product's rules (gaoxin.finance.products); decimals as strings")


class TransitionOut(Schema):
    action: str
    from_state: str
    to_state: str
    amount: DecimalString | None = None
    note: str
    at: dt.datetime
    by: str | None = None

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.user.username if obj.user_id else None


class ApplicationOut(Schema):
    id: int
    state: str
    product_id: int
    bank: BankRef
    enterprise: EnterpriseRef
    requested_amount: DecimalString
    requested_term: int
    purpose: str
    applied_at: dt.datetime
    via_bank: bool
    approved_amount: DecimalString | None = None
    rate: DecimalString | None = Field(None, description="annual rate, percent")
    term_months: int | None = None
    decided_at: dt.datetime | None = None
    decision_note: str
    disbursed_amount: DecimalString | None = None
    disbursed_on: dt.date | None = None
    first_loan: bool
    repaid_amount: DecimalString
    outstanding: DecimalString
    closed_on: dt.date | None = None
    allowed_actions: list[str]


class ApplicationDetailOut(ApplicationOut):
    history: list[TransitionOut]
    score_total: float | None = Field(None, description="only with the firm's consent or on a white-list")
    grade: str | None = None
    stage: str | None = None
    indicative_line: DecimalString | None = None


def _money(value, field: str, positive: bool = True, places: int = 6) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        raise HttpError(400, _("%(field)s: send money as a decimal string, not a float.") % {"field": field})
    try:
        return parse_money(value, positive=positive, places=places)
    except MoneyError as exc:
        raise HttpError(400, f"{field}: {money_message(exc)}") from None


def _exact(v):
    """Money and rates come as exact decimal strings: a JSON float has already lost digits."""
    if isinstance(v, float):
        raise ValueError("send an exact decimal string, not a float")
    return None if v is None else str(v)


Exact = Annotated[str | None, BeforeValidator(_exact)]


class DecisionIn(Schema):
    decision: Literal["approve", "reject"]
    amount: Exact = Field(None, description="万元, exact decimal string (approve)")
    rate: Exact = Field(None, description='annual rate in percent, e.g. "3.45" (approve)')
    term_months: int | None = Field(None, ge=1, le=360)
    note: str = Field("", max_length=500, description="why (required to reject)")


class DisburseIn(Schema):
    amount: Exact = Field(None, description="万元; default: the approved amount")
    on: dt.date | None = Field(None, description="default: today")
    first_loan: bool | None = Field(
        None, description="the firm's first loan (首贷); default: none before on the platform"
    )


class RepayIn(Schema):
    amount: Exact = Field(None, description="principal repaid, 万元; default: all that is outstanding")
    on: dt.date | None = None


class DefaultIn(Schema):
    on: dt.date | None = None
    note: str = Field("", max_length=500)


def _apps(request):
    return scoped(request, Application).select_related("bank", "enterprise", "product")


def _app(request, pk: int) -> Application:
    return get_visible(request, _apps(request), pk, _("Application not found."))


def _detail(request, app: Application) -> dict:
    data = {
        name: getattr(app, name) for name in ApplicationOut.model_fields if name not in ("bank", "enterprise")
    }
    data |= {"bank": app.bank, "enterprise": app.enterprise}
    history = scoped(request, Transition).filter(application=app).select_related("user").order_by("at", "id")
    data["history"] = list(history)
    if request.user.role != Role.BANK or sees(request.user, app.enterprise):
        services.log_bank_access(request, app.enterprise, f"贷款申请 #{app.pk}", "api")
        data |= {
            "score_total": app.score_total,
            "grade": app.grade,
            "stage": app.stage,
            "indicative_line": app.indicative_line,
        }
    return data


def _act(request, app: Application, action: str, **kw):
    try:
        services.act(request, app, action, **kw)
    except PermissionDenied:
        raise HttpError(
            403, _("You may not %(action)s this application.") % {"action": services.action_label(action)}
        ) from None
    except services.FinanceError as exc:
        raise HttpError(exc.status, str(exc)) from None
    app = _app(request, app.pk)
    return _detail(request, app)


@router.get("/products", response={200: list[ProductOut], **ERRORS}, summary="Products the caller may see")
def products(request, kind: str | None = Query(None, description="loan, guarantee, fund, subsidy or pool")):
    qs = scoped(request, Product).select_related("zone", "bank").order_by("zone", "kind", "name", "id")
    if kind:
        if kind not in Product.Kind.values:
            raise HttpError(400, _("Unknown kind %(kind)s.") % {"kind": kind})
        qs = qs.filter(kind=kind)
    return list(qs)


@router.get("/products/{product_id}", response={200: ProductOut, **ERRORS}, summary="One product")
def product(request, product_id: int):
    return get_visible(
        request, scoped(request, Product).select_related("zone", "bank"), product_id, _("Product not found.")
    )


@router.get(
    "/applications", response={200: Page[ApplicationOut], **ERRORS}, summary="Applications and loans in scope"
)
def applications(
    request,
    state: str | None = Query(
        None, description="pending, approved, rejected, withdrawn, disbursed, repaid, defaulted"
    ),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """A page ``{total, limit, offset, items}`` of applications (a bank: only those addressed to it)."""
    qs = _apps(request).order_by("-applied_at", "-id")
    if state:
        if state not in L.STATES:
            raise HttpError(400, _("Unknown state %(state)s.") % {"state": state})
        qs = qs.filter(state=state)
    return page(qs, limit, offset)


@router.get(
    "/applications/{app_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="One application with its history",
)
def application(request, app_id: int):
    app = _app(request, app_id)
    audit_read(request, "view_application", app, "application")
    return _detail(request, app)


@router.post(
    "/applications/{app_id}/decide",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    summary="Approve or reject",
)
def decide(request, app_id: int, body: DecisionIn):
    app = _app(request, app_id)
    if body.decision == "approve":
        return _act(
            request,
            app,
            L.APPROVE,
            amount=_money(body.amount, "amount"),
            rate=_money(body.rate, "rate", positive=False, places=4),
            term=body.term_months,
            note=body.note,
        )
    return _act(request, app, L.REJECT, note=body.note)


@router.post(
    "/applications/{app_id}/disburse",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    summary="Record the disbursal",
)
def disburse(request, app_id: int, body: DisburseIn):
    app = _app(request, app_id)
    return _act(
        request, app, L.DISBURSE, amount=_money(body.amount, "amount"), on=body.on, first_loan=body.first_loan
    )


@router.post(
    "/applications/{app_id}/repay",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    summary="Record a repayment of principal",
)
def repay(request, app_id: int, body: RepayIn):
    app = _app(request, app_id)
    return _act(request, app, L.REPAY, amount=_money(body.amount, "amount"), on=body.on)


@router.post(
    "/applications/{app_id}/default",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    summary="Record a default",
)
def default(request, app_id: int, body: DefaultIn):
    app = _app(request, app_id)
    return _act(request, app, L.DEFAULT, on=body.on, note=body.note)


class BucketOut(Schema):
    applications: int
    approved_count: int
    approved: DecimalString
    disbursed_count: int
    disbursed: DecimalString
    outstanding: DecimalString
    defaulted: DecimalString
    first_time: int


class PoolOut(Schema):
    id: int
    name: str
    split: dict[str, DecimalString]
    disbursed: DecimalString
    losses: DecimalString
    defaults: int
    owed: dict[str, DecimalString]
    ratio: DecimalString = Field(description="bad-loan ratio, exact")
    ceiling: DecimalString
    warn_ratio: DecimalString
    status: str = Field(description="ok, warning or breached")
    fund_size: DecimalString
    fund_left: DecimalString


class StatisticsOut(Schema):
    zone: ZoneRef
    total: BucketOut
    by_state: dict[str, int]
    by_grade: dict[str, BucketOut]
    by_stage: dict[str, BucketOut]
    borrowers: int
    first_time_borrowers: int
    pools: list[PoolOut]


@router.get(
    "/statistics", response={200: StatisticsOut, **ERRORS}, summary="A zone's finance statistics (zone staff)"
)
def statistics(request, zone: str | None = Query(None, description="zone code (a platform administrator)")):
    user = request.user
    if not user.is_zone_staff and not user.is_platform_admin:
        raise HttpError(403, _("Only zone staff read the zone's finance statistics."))
    zones = scoped(request, Zone)
    found = (
        zones.filter(code=zone) if zone else zones.filter(pk=user.zone_id) if user.zone_id else zones
    ).first()
    if found is None:
        raise HttpError(404, _("Zone not found."))
    apps = scoped(request, Application).filter(product__zone=found)
    stats = services.statistics(apps)
    pools = [
        {
            "id": pv.pool.pk,
            "name": pv.pool.name,
            "split": dict(pv.rule.split),
            **{
                k: getattr(pv.state, k)
                for k in (
                    "disbursed",
                    "losses",
                    "defaults",
                    "owed",
                    "ratio",
                    "ceiling",
                    "warn_ratio",
                    "status",
                    "fund_size",
                    "fund_left",
                )
            },
        }
        for pv in services.pools(scoped(request, Product).filter(zone=found), apps)
    ]
    return {
        "zone": found,
        "total": stats.total,
        "by_state": stats.by_state,
        "by_grade": stats.by_grade,
        "by_stage": stats.by_stage,
        "borrowers": stats.borrowers,
        "first_time_borrowers": stats.first_time_borrowers,
        "pools": pools,
    }
