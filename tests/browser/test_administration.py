"""Above the zone and the separated duties, in a real browser (issue 16's "done when"): a provincial
supervisor reads its zones' aggregates and publishes a provincial list the bank then opens; the
security administrator creates, unlocks and disables accounts; the audit administrator filters and
exports the log and can do nothing else."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gaoxin.web.accounts.models import LoginAttempt, Role, User
from gaoxin.web.registry.models import Enterprise, Region, Zone
from gaoxin.web.supervision.models import RegionalList
from tests.browser.conftest import shoot, sign_in, zh
from tests.web.conftest import make_user

pytestmark = pytest.mark.browser


def test_a_province_reads_its_zones_and_publishes_a_list_the_bank_opens(platform, page, browser, live_server):
    province = Region.objects.create(code="east", name="东省", level=Region.Level.PROVINCE)
    Zone.objects.filter(pk=platform.zone_a.pk).update(region=province)
    make_user("east", Role.SUPERVISOR, region=province)

    sign_in(page, "east")  # the front page leads a supervisor to the supervision overview
    expect(page.locator("h1")).to_contain_text(zh("Supervision"))
    table = page.locator("table.data")
    expect(table).to_contain_text(platform.zone_a.name)
    expect(table).not_to_contain_text(platform.zone_b.name)
    firms = Enterprise.objects.filter(zone=platform.zone_a).count()
    expect(table).to_contain_text(f"{firms:,}")
    shoot(page, "supervisor-overview")

    page.get_by_role("link", name=zh("Regional white-lists")).first.click()
    page.get_by_label(zh("title")).fill("东省科技型企业白名单")
    page.get_by_label(platform.published.title, exact=False).check()
    page.get_by_label(platform.bank_a.name).check()
    page.get_by_role("button", name=zh("Publish")).click()
    expect(page.locator("h1")).to_contain_text("东省科技型企业白名单")
    expect(page.locator("table.data")).to_contain_text(platform.listed.uscc)
    regional = RegionalList.objects.get(title="东省科技型企业白名单")
    assert regional.entries_count == platform.published.entries.count()

    bank = browser.new_context(locale="zh-CN", base_url=live_server.url, accept_downloads=True).new_page()
    sign_in(bank, "bank")
    bank.goto("/supervision/bank/")
    bank.get_by_role("link", name="东省科技型企业白名单").click()
    expect(bank.locator("table.data")).to_contain_text(platform.listed.name)
    with bank.expect_download() as got:
        bank.get_by_role("link", name=zh("Export to Excel")).click()
    sheet = openpyxl.load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    assert [c.value for c in sheet[1]][:3] == ["序号", "统一社会信用代码", "企业名称"]
    assert sheet.cell(2, 2).value == platform.listed.uscc
    bank.context.close()


def test_the_security_administrator_creates_unlocks_and_disables_accounts(platform, page, settings):
    make_user("sec", Role.SECURITY_ADMIN)
    sign_in(page, "sec")
    expect(page.locator("h1")).to_contain_text(zh("Accounts"))
    page.get_by_role("link", name=zh("New account")).click()
    page.get_by_label(zh("user name")).fill("clerk2")
    page.get_by_label(zh("Role")).select_option(Role.CLERK)
    page.get_by_label(zh("zone"), exact=True).select_option(str(platform.zone_a.pk))
    page.get_by_label(zh("Temporary password")).fill("a-temporary-passphrase-42")
    page.get_by_label(zh("The same again")).fill("a-temporary-passphrase-42")
    page.get_by_role("button", name=zh("Create")).click()
    expect(page.locator("h1")).to_contain_text("clerk2")
    made = User.objects.get(username="clerk2")
    assert made.zone == platform.zone_a and made.must_change_password

    # the clerk of zone A is locked out by failed sign-ins; the administrator unlocks, then disables
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        LoginAttempt.objects.create(username="clerk", succeeded=False)
    clerk = platform.users["clerk"]
    page.goto(f"/accounts/users/{clerk.pk}/")
    expect(page.locator(".badge")).to_contain_text(zh("Locked until %(t)s").split("%")[0])
    page.get_by_role("button", name=zh("Unlock")).click()
    expect(page.get_by_role("button", name=zh("Unlock"))).to_have_count(0)
    page.get_by_role("button", name=zh("Disable the account")).click()
    expect(page.locator(".badge")).to_contain_text(zh("Disabled"))
    clerk.refresh_from_db()
    assert not clerk.is_active
    shoot(page, "security-admin-account")


def test_the_audit_administrator_filters_and_exports_the_log_and_nothing_else(platform, page):
    make_user("aud", Role.AUDIT_ADMIN)
    sign_in(page, "aud")
    expect(page.locator("h1")).to_contain_text(zh("Audit log"))
    page.get_by_label(zh("Action")).select_option("login")
    page.get_by_role("button", name=zh("Filter")).click()
    rows = page.locator("table.data tbody tr")
    expect(rows.first).to_contain_text(zh("Signed in"))
    with page.expect_download() as got:
        page.get_by_role("button", name=zh("Export to Excel")).click()
    sheet = openpyxl.load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    assert {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"login"}
    shoot(page, "audit-admin-log")
    # nothing else: the zone pages and the account pages are refused
    for path in (reverse("registry:dashboard"), reverse("accounts:users"), reverse("credit:ranking")):
        response = page.goto(path)
        assert response.status == 403, path
