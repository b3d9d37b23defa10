"""Where the money moves: approval within the cap and the line, disbursal within the approval, and the
risk pool's coverage limit, single-borrower limit and circuit-breaker enforced by ``services.act``."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from gaoxin.finance import loans as L
from gaoxin.web.finance import services
from gaoxin.web.finance.models import Application

pytestmark = pytest.mark.django_db

POOL = {"split": {"government": "2", "guarantor": "6", "bank": "2"}, "ceiling": "0.03"}


def set_pool(fin, **rules):
    services.save_product(
        fin.p.users["zone_admin"],
        zone=fin.p.zone_a,
        kind="pool",
        name="风险池",
        rules=POOL | {"fund_size": "1000"} | rules,
        instance=fin.pool,
    )


def approve(fin, app, amount, **kw):
    return services.act(fin.p.users["bank"], app, L.APPROVE, amount=D(amount), rate=D(3), term=12, **kw)


def test_approval_refuses_above_the_cap_and_the_line_and_above_the_request_without_a_reason(fin):
    app = fin.app_a  # requested 100, line 200, cap 300
    for amount, reason in (("5000", "big"), ("300", "big"), ("200.01", "big"), ("150", "")):
        with pytest.raises(services.FinanceError):
            approve(fin, app, amount, above_request_reason=reason)
        assert Application.objects.get(pk=app.pk).state == L.PENDING
    done = approve(fin, app, "200", above_request_reason="second line of equipment")
    assert done.approved_amount == D(200)
    last = done.history.order_by("-id").first()
    assert last.detail["above_request_reason"] == "second line of equipment"


def test_disbursal_never_exceeds_the_approval(fin):
    bank = fin.p.users["bank"]
    approve(fin, fin.app_a, "100")
    with pytest.raises(services.FinanceError, match="100"):
        services.act(bank, fin.app_a, L.DISBURSE, amount=D("100.000001"))
    assert services.act(bank, fin.app_a, L.DISBURSE, amount=D(100)).state == L.DISBURSED


def test_single_borrower_limit_refuses_approval_and_disbursal(fin):
    set_pool(fin, fund_size="100")  # coverage 10 × 100 = 1,000; one firm at most 5 % = 50
    with pytest.raises(services.FinanceError) as exc:
        approve(fin, fin.app_a, "50.01")
    assert exc.value.status == 409 and "50" in str(exc.value)
    approve(fin, fin.app_a, "50")  # the limit exactly
    set_pool(fin, fund_size="100", borrower_share="0.04")  # now 40: the disbursal of 50 is refused
    with pytest.raises(services.FinanceError):
        services.act(fin.p.users["bank"], fin.app_a, L.DISBURSE, amount=D(50))
    assert services.act(fin.p.users["bank"], fin.app_a, L.DISBURSE, amount=D(40)).disbursed_amount == D(40)


def test_coverage_limit_counts_other_firms_loans(fin):
    set_pool(fin, fund_size="100", coverage_multiple="1.2", borrower_share="1")  # coverage 120
    approve(fin, fin.app_a, "100")
    other = services.apply(fin.p.users["enterprise"], fin.loan_a, fin.p.unlisted, D(50), 6, "")
    with pytest.raises(services.FinanceError) as exc:
        approve(fin, other, "20.01")
    assert exc.value.status == 409 and "120" in str(exc.value)
    assert approve(fin, other, "20").state == L.APPROVED


def test_the_circuit_breaker_stops_new_loans_under_the_pool(fin):
    bank = fin.p.users["bank"]
    approve(fin, fin.app_a, "100")
    services.act(bank, fin.app_a, L.DISBURSE)
    services.act(bank, fin.app_a, L.REPAY, amount=D(99))
    services.act(bank, fin.app_a, L.DEFAULT)  # a loss of 1 on 100 disbursed: 1 %
    other = services.apply(fin.p.users["enterprise"], fin.loan_a, fin.p.unlisted, D(50), 6, "")
    set_pool(fin, warn_ratio="0.005", halt_ratio="0.0101")  # 1 % < 1.01 %: a warning, not halted
    assert "1.00%" in (services.pool_warning(other) or "")
    approve(fin, other, "50")
    set_pool(fin, warn_ratio="0.005", halt_ratio="0.01")  # 1 % ≥ 1 %: halted
    with pytest.raises(services.FinanceError) as exc:
        services.act(bank, other, L.DISBURSE)
    assert exc.value.status == 409
    assert Application.objects.get(pk=other.pk).state == L.APPROVED
    html = fin.p.client("zone_admin").get(reverse("finance:overview")).content.decode()
    assert f'id="pool-{fin.pool.pk}" data-status="halted"' in html


def test_pool_form_saves_the_limits(fin):
    c = fin.p.client("zone_admin")
    url = reverse("finance:product_edit", args=[fin.pool.pk])
    page = c.get(url).content.decode()
    for name in ("warn_ratio", "halt_ratio", "coverage_multiple", "borrower_share"):
        assert f'name="{name}"' in page
    data = {
        "kind": "pool",
        "name": "风险池",
        "active": "on",
        "split_government": "2",
        "split_guarantor": "6",
        "split_bank": "2",
        "ceiling": "0.1",
        "fund_size": "1000",
        "warn_ratio": "0.05",
        "halt_ratio": "0.08",
        "coverage_multiple": "8",
        "borrower_share": "0.1",
    }
    r = c.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    rule = services.core(type(fin.pool).objects.get(pk=fin.pool.pk))
    assert (rule.warn_ratio, rule.halt_ratio) == (D("0.05"), D("0.08"))
    assert (rule.coverage_multiple, rule.borrower_share) == (D(8), D("0.1"))
