"""Data authorisation in a real browser: the firm authorises bank A on its page, the bank opens the
firm's detailed profile from its list of authorised profiles, and the firm sees who looked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from gaoxin.web.consent.models import AccessLog, Consent
from tests.browser.conftest import shoot, sign_in, zh

pytestmark = pytest.mark.browser


def zh_ctx(context: str, msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.pgettext(context, msgid)


def test_firm_grants_bank_looks_firm_sees_it(platform, page, browser, live_server):
    firm = platform.unlisted
    until = timezone.localdate() + dt.timedelta(days=90)

    # the firm: from the menu to its authorisation page, grants bank A
    sign_in(page, "firm")
    page.get_by_role("link", name=zh("Data authorisation")).first.click()
    expect(page.locator("h1")).to_contain_text(zh("Data authorisation"))
    form = page.locator("#grant-form form")
    form.locator("select[name=bank]").select_option(label=platform.bank_a.name)
    form.locator("input[name=until]").fill(until.isoformat())
    form.locator("textarea[name=purpose]").fill("创新积分贷授信审查")
    form.get_by_role("button", name=zh("Authorise")).click()
    page.wait_for_load_state()
    made = Consent.objects.get()
    assert (made.enterprise, made.bank, made.last_day) == (firm, platform.bank_a, until)
    row = page.locator(f'tr[data-consent="{made.pk}"]')
    expect(row).to_contain_text(platform.bank_a.name)
    expect(row).to_contain_text(zh("live"))
    shoot(page, "firm-consent")

    # the bank, in its own browser: its list of authorised profiles, then the profile
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    try:
        bank = context.new_page()
        sign_in(bank, "bank")
        bank.goto(reverse("consent:bank_profiles"))
        bank.get_by_role("link", name=firm.name).click()
        expect(bank.locator("h1")).to_contain_text(firm.name)
        expect(bank.locator("#reports")).to_be_visible()  # the annual reports, under the consent
        expect(bank.locator("#consent-basis")).to_contain_text(until.isoformat())
        shoot(bank, "bank-consented-profile")
    finally:
        context.close()
    assert AccessLog.objects.filter(enterprise=firm, bank=platform.bank_a, channel="page").count() == 1

    # the firm sees who looked
    page.reload()
    looked = page.locator("#who-looked")
    expect(looked).to_contain_text(platform.bank_a.name)
    expect(looked).to_contain_text(zh("detailed profile"))

    # and revokes, after ticking the confirmation: the bank's profile is closed at once
    row = page.locator(f'tr[data-consent="{made.pk}"]')
    row.get_by_role("button", name=zh_ctx("consent", "Revoke")).click()  # not ticked: the browser stops it
    expect(row).to_have_attribute("data-status", "live")
    row.get_by_role("checkbox").check()
    page.locator(f'tr[data-consent="{made.pk}"]').get_by_role(
        "button", name=zh_ctx("consent", "Revoke")
    ).click()
    page.wait_for_load_state()
    expect(page.locator(f'tr[data-consent="{made.pk}"]')).to_contain_text(zh("revoked"))
    made.refresh_from_db()
    assert made.revoked_at is not None
