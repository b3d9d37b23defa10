"""Finance pages: what each role sees, forms with exact decimals and clear errors, pinned query counts,
the eligible-firm export, the profile panel."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from gaoxin.finance import loans as L
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.finance import services
from gaoxin.web.finance.models import Application, Match, Product

pytestmark = pytest.mark.django_db


def test_navigation_names_exist():
    for name in ("finance:overview", "finance:workspace", "finance:my_financing"):
        assert reverse(name)


def test_overview_shows_the_loans_and_the_pool_with_pinned_queries(fin, django_assert_max_num_queries):
    bank = fin.p.users["bank"]
    services.act(bank, fin.app_a, L.APPROVE, amount=D("100"), rate=D("3.45"), term=12)
    services.act(bank, fin.app_a, L.DISBURSE)
    services.act(bank, fin.app_a, L.REPAY, amount=D("96.5"))
    services.act(bank, fin.app_a, L.DEFAULT)  # loss 3.5 of 100 disbursed: above the 3 % ceiling
    c = fin.p.client("zone_admin")
    c.get(reverse("finance:overview"))  # matches computed once
    with django_assert_max_num_queries(22):
        r = c.get(reverse("finance:overview"))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="approved">100.00<' in html and 'id="disbursed">100.00<' in html
    assert f'id="pool-{fin.pool.pk}" data-status="breached"' in html
    assert "3.50%" in html and 'class="owed-guarantor">2.10<' in html


def test_overview_warns_before_the_ceiling(fin):
    bank = fin.p.users["bank"]
    services.act(bank, fin.app_a, L.APPROVE, amount=D("100"), rate=D("3.45"), term=12)
    services.act(bank, fin.app_a, L.DISBURSE)
    services.act(bank, fin.app_a, L.REPAY, amount=D("97.5"))
    services.act(bank, fin.app_a, L.DEFAULT)  # loss 2.5 of 100: 2.5 % ≥ 2.4 %, < 3 %
    html = fin.p.client("zone_admin").get(reverse("finance:overview")).content.decode()
    assert 'data-status="warning"' in html and "2.50%" in html
    assert 'class="owed-government">0.50<' in html and 'class="owed-guarantor">1.50<' in html


def test_overview_is_for_zone_staff_only(fin):
    for role in ("bank", "enterprise"):
        assert fin.p.client(role).get(reverse("finance:overview")).status_code == 403
    assert (
        fin.p.client("platform_admin")
        .get(reverse("finance:overview") + f"?zone={fin.p.zone_b.pk}")
        .status_code
        == 200
    )


def test_catalogue_and_product_pages(fin, django_assert_max_num_queries):
    c = fin.p.client("zone_admin")
    r = c.get(reverse("finance:products"))
    assert (
        r.status_code == 200 and "甲行积分贷" in r.content.decode() and "乙行乙区贷" not in r.content.decode()
    )
    url = reverse("finance:product", args=[fin.loan_a.pk])
    c.get(url)
    with django_assert_max_num_queries(16):
        r = c.get(url)
    assert r.status_code == 200 and fin.p.listed.name in r.content.decode()
    # the firm browses its zone's products but never sees who else is eligible
    r = fin.p.client("enterprise").get(url)
    assert r.status_code == 200 and 'id="eligible"' not in r.content.decode()


def test_zone_admin_creates_a_product_with_exact_decimals_and_clear_errors(fin):
    c = fin.p.client("zone_admin")
    data = {
        "kind": "pool",
        "name": "新风险池",
        "active": "on",
        "split_government": "2",
        "split_guarantor": "6",
        "split_bank": "2",
        "ceiling": "0.03",
        "warn_at": "0.8",
        "fund_size": "1,000.123456",
    }
    r = c.post(reverse("finance:product_new"), data)
    assert r.status_code == 302
    made = Product.objects.get(name="新风险池")
    assert made.rules["fund_size"] == "1000.123456" and made.bank_id is None
    bad = {**data, "name": "坏池", "fund_size": "1.0000001", "ceiling": "3"}
    r = c.post(reverse("finance:product_new"), bad)
    html = r.content.decode()
    assert r.status_code == 400 and not Product.objects.filter(name="坏池").exists()
    assert "1.0000001" in html  # the value and the reason are shown next to the field
    # a zone administrator may not make or edit a bank's loan
    r = c.post(reverse("finance:product_new"), {**data, "kind": "loan"})
    assert r.status_code == 400
    assert c.get(reverse("finance:product_edit", args=[fin.loan_a.pk])).status_code == 403


def test_bank_creates_and_edits_only_its_own_loan(fin):
    c = fin.p.client("bank")
    data = {
        "kind": "loan",
        "name": "甲行新贷",
        "active": "on",
        "zone": fin.p.zone_a.pk,
        "min_grade": "B",
        "base": "100",
        "cap": "50",
        "rate": "3.5",
        "term_months": "12",
    }
    r = c.post(reverse("finance:product_new"), data)
    assert r.status_code == 400 and "the cap 50 is below the base line 100" in r.content.decode()
    r = c.post(reverse("finance:product_new"), {**data, "cap": "300"})
    assert r.status_code == 302
    made = Product.objects.get(name="甲行新贷")
    assert made.bank == fin.p.bank_a and made.rules["eligibility"] == {"min_grade": "B"}
    assert fin.p.client("bank_b").get(reverse("finance:product_edit", args=[made.pk])).status_code == 404


def test_export_of_eligible_firms_is_scoped_and_audited(fin):
    url = reverse("finance:product_export", args=[fin.loan_a.pk])
    r = fin.p.client("zone_admin").get(url)
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == Match.objects.filter(product=fin.loan_a).count() > 1
    assert AuditEvent.objects.filter(action="export", object_id=str(fin.loan_a.pk)).exists()
    # the bank's export holds only the firms it may see (its white-list)
    r = fin.p.client("bank").get(url)
    rows = list(
        openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(min_row=2, values_only=True)
    )
    assert [row[1] for row in rows] == [fin.p.listed.uscc]
    assert fin.p.client("enterprise").get(url).status_code == 403


def test_my_financing_shows_why_and_the_gap_and_applies(fin, django_assert_max_num_queries):
    c = fin.p.client("enterprise")
    url = reverse("finance:my_financing")
    with django_assert_max_num_queries(24):
        r = c.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    assert "乙行积分贷" in html and "甲行白名单贷" in html
    with translation.override("zh-hans"):  # what a Chinese user reads
        assert services.describe(services.elig.Check("whitelist", False)) in html
    assert 'id="consent-notice"' in html  # no consent to the banks yet
    r = c.post(url, {"product": fin.loan_a.pk, "amount": "12.3456789", "term": "6"})
    assert r.status_code == 400 and "12.3456789" in r.content.decode()
    r = c.post(url, {"product": fin.loan_a.pk, "amount": "12.5", "term": "6", "purpose": "研发"})
    assert r.status_code == 302
    app = Application.objects.get(product=fin.loan_a, enterprise=fin.p.unlisted)
    assert app.requested_amount == D("12.5") and app.state == L.PENDING
    r = c.post(url, {"product": fin.whitelist_a.pk, "amount": "1", "term": "6"})
    with translation.override("zh-hans"):
        assert (
            r.status_code == 400
            and services.describe(services.elig.Check("whitelist", False)) in r.content.decode()
        )


def test_bank_workspace_and_actions_through_the_page(fin, django_assert_max_num_queries):
    c = fin.p.client("bank")
    with django_assert_max_num_queries(20):
        r = c.get(reverse("finance:workspace"))
    html = r.content.decode()
    assert r.status_code == 200 and fin.p.listed.name in html and fin.p.unlisted.name not in html
    url = reverse("finance:application", args=[fin.app_a.pk])
    assert 'id="form-approve"' in c.get(url).content.decode()
    act = lambda a, d: c.post(reverse("finance:application_act", args=[fin.app_a.pk, a]), d)  # noqa: E731
    r = act("disburse", {"disburse-confirm": "on"})
    with translation.override("zh-hans"):
        assert r.status_code == 409 and services.state_label("pending") in r.content.decode()
    approve = {"approve-amount": "80.25", "approve-rate": "3.4", "approve-term": "12"}
    r = act("approve", approve)  # no confirmation: nothing happens
    assert r.status_code == 400 and 'id="id_approve-confirm"' in r.content.decode()
    assert Application.objects.get(pk=fin.app_a.pk).state == L.PENDING
    r = act("approve", approve | {"approve-confirm": "on"})
    assert r.status_code == 302
    r = act("disburse", {"disburse-amount": "80.250001", "disburse-confirm": "on"})
    assert r.status_code == 400
    r = act("disburse", {"disburse-amount": "80.25"})
    assert r.status_code == 400 and Application.objects.get(pk=fin.app_a.pk).state == L.APPROVED
    r = act("disburse", {"disburse-amount": "80.25", "disburse-confirm": "on"})
    assert r.status_code == 302
    app = Application.objects.get(pk=fin.app_a.pk)
    assert app.state == L.DISBURSED and app.disbursed_amount == D("80.25")
    assert act("repay", {"repay-amount": "80.25", "repay-confirm": "on"}).status_code == 302
    assert Application.objects.get(pk=fin.app_a.pk).state == L.REPAID


def test_the_firm_withdraws_and_the_bank_sees_no_detail_without_consent(fin):
    c = fin.p.client("enterprise")
    r = c.post(
        reverse("finance:application_act", args=[fin.app_b.pk, "withdraw"]),
        {"withdraw-note": "不需要了", "withdraw-confirm": "on"},
    )
    assert r.status_code == 302 and Application.objects.get(pk=fin.app_b.pk).state == L.WITHDRAWN
    # bank B sees the application of the unlisted firm, but not its score (no list, no consent)
    html = fin.p.client("bank_b").get(reverse("finance:application", args=[fin.app_b.pk])).content.decode()
    assert 'id="no-consent"' in html
    # bank A sees the listed firm's data (on its white-list)
    html = fin.p.client("bank").get(reverse("finance:application", args=[fin.app_a.pk])).content.decode()
    assert 'id="no-consent"' not in html


def test_profile_panel_for_zone_staff_only(fin):
    url = reverse("registry:enterprise", args=[fin.p.listed.pk])
    html = fin.p.client("zone_admin").get(url).content.decode()
    assert 'id="panel-financing"' in html and "甲行积分贷" in html
    html = fin.p.client("bank").get(url).content.decode()
    assert 'id="panel-financing"' not in html


def test_the_approval_form_refuses_above_the_cap_and_the_line_and_asks_why_above_the_request(fin):
    """Request 100, line 100..200 (base 100, linear uplift ≤ 100 %), cap 300: the issue's 5,000 is refused."""
    c = fin.p.client("bank")
    app = Application.objects.get(pk=fin.app_a.pk)
    line = app.indicative_line
    assert line is not None and D(100) < line <= D(300)
    url = reverse("finance:application_act", args=[app.pk, "approve"])
    base = {"approve-rate": "3.45", "approve-term": "12", "approve-confirm": "on"}
    page = c.get(reverse("finance:application", args=[app.pk])).content.decode()
    assert 'id="cap">300.00<' in page and f'id="line">{line:,.2f}<' in page
    with translation.override("zh-hans"):
        r = c.post(url, base | {"approve-amount": "5000", "approve-above_request_reason": "大客户"})
        assert r.status_code == 400 and "300" in r.content.decode()
        r = c.post(url, base | {"approve-amount": str(line + D("0.01")), "approve-above_request_reason": "x"})
        assert r.status_code == 400
        r = c.post(url, base | {"approve-amount": str(line)})  # above the request, no reason
        assert r.status_code == 400
    assert Application.objects.get(pk=app.pk).state == L.PENDING
    r = c.post(url, base | {"approve-amount": str(line), "approve-above_request_reason": "扩产设备款"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == L.APPROVED and app.approved_amount == line
    event = AuditEvent.objects.filter(action="finance_approve").latest("id")
    assert event.detail["above_request_reason"] == "扩产设备款" and event.detail["requested"] == "100"
