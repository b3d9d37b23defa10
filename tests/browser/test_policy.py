"""The 免申即享 flow in a real browser, from a policy file to the payment batch.

The zone's policy office writes a policy file, saves it as a draft (checked), publishes it, makes the
official list of the data year and opens its 公示; the firm signs in, sees under "政策与奖补" what it
will receive and why, and confirms with its bank account; once the window has passed the office closes
the publicity (firms that did not confirm count as waived), prepares the payment batch, downloads it
for the finance bureau and marks it paid, and the firm sees the money in its ledger.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from gaoxin.web.policy.models import Award, LedgerEntry, MatchRun, Policy
from tests.browser.conftest import shoot, sign_in, zh

pytestmark = pytest.mark.browser

YEAR = 2024  # the last year the firm's annual report carries its revenue
TEXT = """code: browser-award
title: 浏览器测试奖励
doc_no: 测试〔2025〕7号
issuer: 测试区管委会
level: 区
valid: {from: 2024-01-01, to: 2026-12-31}
execution: 资格定补
clauses:
  - id: revenue-award
    title: 有营业收入的企业奖励
    when: [{if: revenue >= 0, label: 已报营业收入}]
    amount: 12.5
    split: {市: 50, 区: 50}
"""


def test_policy_office_publishes_firm_confirms_office_pays(platform, page):
    p = platform
    firm = p.unlisted
    sign_in(page, "zone_admin")
    page.get_by_role("link", name=zh("Policies and awards")).first.click()
    page.get_by_role("link", name=zh("New policy")).click()
    page.locator("#policy-form textarea").fill(TEXT)
    page.get_by_role("button", name=zh("Check and save as draft")).click()
    page.wait_for_url(re.compile(r"/policy/\d+/$"))
    expect(page.locator("#clauses")).to_contain_text("有营业收入的企业奖励")
    page.get_by_role("button", name=zh("Publish"), exact=True).click()
    expect(page.get_by_role("button", name=zh("Make the official list"))).to_be_visible()
    assert Policy.objects.get(code="browser-award").status == Policy.Status.PUBLISHED
    page.locator("input[name=year]").fill(str(YEAR))
    page.get_by_role("button", name=zh("Make the official list")).click()
    page.wait_for_url(re.compile(r"/policy/runs/\d+/$"))
    run = MatchRun.objects.get(policy__code="browser-award", kind=MatchRun.Kind.OFFICIAL)
    today = dt.date.today()
    page.locator("input[name=start]").fill(today.isoformat())
    page.locator("input[name=end]").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name=zh("Open publicity")).click()
    expect(page.get_by_role("button", name=zh("Close publicity"))).to_be_visible()
    shoot(page, "policy-publicity")

    page.context.clear_cookies()
    sign_in(page, "firm")
    page.get_by_role("link", name=zh("Policies and awards")).first.click()
    page.wait_for_url(re.compile(r"/policy/mine/"))
    row = page.locator("#pending tbody tr", has_text="浏览器测试奖励")
    expect(row).to_contain_text("12.50")
    row.get_by_role("link", name="有营业收入的企业奖励").click()
    expect(page.locator("#checks")).to_contain_text("已报营业收入")  # why: each condition with its value
    expect(page.locator("#checks")).to_contain_text("营业收入")
    expect(page.locator("#checks")).to_contain_text(zh("Source of the values"))
    claim = page.locator("#claim")
    claim.locator("input[name=account_name]").fill(firm.name)
    claim.locator("input[name=account_bank]").fill("中国工商银行长沙高新支行")
    claim.locator("input[name=account_no]").fill("6222 0211 0000 1234")
    claim.get_by_role("button", name=zh("Confirm and receive")).click()
    expect(page.locator("body")).to_contain_text(zh("Confirmed"))
    mine = run.awards.get(enterprise=firm)
    assert mine.status == Award.Status.CONFIRMED and mine.account_no == "6222021100001234"
    shoot(page, "policy-firm-confirmed")

    # the publicity window passes (7 days later)
    MatchRun.objects.filter(pk=run.pk).update(
        publicity_from=today - dt.timedelta(days=8), publicity_to=today - dt.timedelta(days=1)
    )
    page.context.clear_cookies()
    sign_in(page, "zone_admin")
    page.goto(f"/policy/runs/{run.pk}/")
    page.get_by_role("button", name=zh("Close publicity")).click()
    page.get_by_role("button", name=zh("Prepare a payment batch")).click()
    page.wait_for_url(re.compile(r"/policy/batches/\d+/$"))
    expect(page.locator("#total")).to_have_text(re.compile(r"^12\.50\b"))
    with page.expect_download() as info:
        page.get_by_role("link", name=zh("Download for the finance bureau (xlsx)")).click()
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码" and rows[1][0] == firm.uscc and rows[1][5] == 12.5
    assert rows[2][0] == "合计" and rows[2][5] == 12.5 and len(rows) == 3  # one award, and the total
    page.get_by_role("button", name=zh("Mark as paid and book the ledger")).click()
    expect(page.get_by_role("button", name=zh("Mark as paid and book the ledger"))).to_have_count(0)
    shoot(page, "policy-batch-paid")
    assert [e.amount for e in LedgerEntry.objects.filter(enterprise=firm)] == [Decimal("12.5")]
    waived = run.awards.exclude(enterprise=firm).filter(eligible=True)
    assert waived.exists() and not waived.exclude(status=Award.Status.WAIVED).exists()

    page.context.clear_cookies()
    sign_in(page, "firm")
    page.goto("/policy/mine/")
    expect(page.locator("#received")).to_have_text(re.compile(r"^12\.50\b"))
    expect(page.locator("#ledger")).to_contain_text("有营业收入的企业奖励")
