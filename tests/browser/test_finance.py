"""The sci-tech finance demo flow in a real browser.

A firm on bank A's white-list has applied for bank A's 创新积分贷 (covered by the zone's 2 : 6 : 2 risk
pool); the bank user signs in, opens its workspace (its white-lists are linked there), opens the
application, approves it (amount, rate, term) and disburses it; the zone administrator's finance
overview then shows the loan and the risk pool's state.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gaoxin.web.accounts.models import Role
from gaoxin.web.finance import services
from gaoxin.web.finance.models import Application
from tests.browser.conftest import shoot, sign_in, zh
from tests.web.conftest import make_user
from tests.web.finance.conftest import make_products

pytestmark = pytest.mark.browser


def test_bank_approves_and_disburses_and_the_overview_shows_the_loan(platform, page):
    p = platform
    pool, loan_a, *_ = make_products(p)
    firm_user = make_user("listed_firm", Role.ENTERPRISE, enterprise=p.listed)
    app = services.apply(firm_user, loan_a, p.listed, Decimal("120"), 12, "研发设备")

    sign_in(page, "bank")
    page.get_by_role("link", name=zh("Bank workspace")).first.click()
    expect(page.locator("h1")).to_contain_text(zh("Bank workspace"))
    expect(page.locator("#portfolio")).to_contain_text(zh("White-lists"))
    row = page.locator("#incoming tbody tr", has_text=p.listed.name)
    expect(row).to_have_count(1)
    shoot(page, "bank-workspace")
    row.get_by_role("link", name=f"#{app.pk}").click()
    page.wait_for_url(re.compile(rf"/finance/applications/{app.pk}/$"))
    expect(page.locator("#state")).to_have_attribute("data-state", "pending")

    approve = page.locator("#form-approve")
    approve.locator("[name=approve-amount]").fill("100.5")
    approve.locator("[name=approve-rate]").fill("3.45")
    approve.locator("[name=approve-term]").fill("12")
    approve.get_by_role("button").click()  # the confirmation is not ticked: the browser holds the form
    expect(page.locator("#state")).to_have_attribute("data-state", "pending")
    assert Application.objects.get(pk=app.pk).state == "pending"
    approve.locator("[name=approve-confirm]").check()
    approve.get_by_role("button").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "approved")
    expect(page.locator("#approved")).to_contain_text("100.50")

    disburse = page.locator("#form-disburse")
    disburse.locator("[name=disburse-amount]").fill("100.5")
    disburse.locator("[name=disburse-confirm]").check()
    disburse.get_by_role("button").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "disbursed")
    expect(page.locator("#disbursed")).to_contain_text("100.50")
    shoot(page, "bank-application-disbursed")
    done = Application.objects.get(pk=app.pk)
    assert done.state == "disbursed" and done.disbursed_amount == Decimal("100.5")
    assert [t.action for t in done.history.all()] == ["apply", "approve", "disburse"]

    page.context.clear_cookies()
    sign_in(page, "zone_admin")
    page.goto(reverse("finance:overview"))
    expect(page.locator("#disbursed")).to_have_text("100.50")
    expect(page.locator("#approved")).to_have_text("100.50")
    expect(page.locator("#recent")).to_contain_text(p.listed.name)
    pool_card = page.locator(f"#pool-{pool.pk}")
    expect(pool_card).to_have_attribute("data-status", "ok")
    expect(pool_card).to_contain_text("0.00%")
    shoot(page, "finance-overview")


def test_the_firm_sees_why_and_applies_in_the_browser(platform, page):
    p = platform
    _pool, loan_a, whitelist_a, *_ = make_products(p)
    sign_in(page, "firm")  # the enterprise user of the unlisted firm
    page.goto(reverse("finance:my_financing"))
    wl = page.locator(f"#options tr[data-product='{whitelist_a.pk}']")
    expect(wl).to_contain_text(zh("not on the bank's white-list"))
    page.locator(f"#options tr[data-product='{loan_a.pk}']").get_by_role("link", name=zh("Apply")).click()
    form = page.locator("#apply-form")
    form.locator("[name=amount]").fill("50.25")
    form.locator("[name=term]").fill("6")
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/finance/applications/\d+/(#.*)?$"))
    expect(page.locator("#state")).to_have_attribute("data-state", "pending")
    shoot(page, "firm-financing-applied")
    assert Application.objects.get(enterprise=p.unlisted, product=loan_a).requested_amount == Decimal("50.25")
