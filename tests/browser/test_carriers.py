"""The carriers office and a firm in a real browser (issue 13's "done when"): the zone officer sees its
incubators against the national conditions, this year's graduates and why, the listing reserve with
each firm's nearest standard, and the challenge at its first payment; a firm sends a need."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gaoxin.web.carriers.models import IncubatedFirm, Need
from gaoxin.web.carriers.services import today
from tests.browser.conftest import shoot, sign_in, zh
from tests.web.carriers.conftest import carriers  # noqa: F401  (the carriers demo state on zone A)

pytestmark = pytest.mark.browser


def test_the_zone_officer_walks_incubators_graduates_reserve_and_the_challenge(carriers, page):  # noqa: F811
    sign_in(page, "zone_admin")
    page.goto("/carriers/")
    expect(page.locator("body")).to_contain_text(carriers.incubator.name)
    expect(page.locator("#stat-graduates")).to_have_text("3")
    grads = IncubatedFirm.objects.filter(
        incubator__zone=carriers.platform.zone_a, graduation_year=today().year
    )
    for g in grads:  # each graduate with the evidence that made it one
        expect(page.locator("body")).to_contain_text(g.graduation_evidence[0]["text"])
    expect(page.locator("body")).to_contain_text(carriers.challenge.title)
    shoot(page, "carriers-home")

    page.goto(f"/carriers/incubators/{carriers.incubator.pk}/")
    expect(page.locator('[data-code="firms"]')).to_be_visible()  # each national condition, value and gap
    expect(page.locator('[data-code="density"]')).to_be_visible()

    page.goto("/carriers/reserve/?stalled=1")
    expect(page.locator(".stalled")).to_have_count(1)

    page.goto(f"/carriers/challenges/{carriers.challenge.pk}/")
    expect(page.locator("body")).to_contain_text(carriers.challenge.title)
    shoot(page, "carriers-challenge")


def test_a_firm_sends_a_need_to_its_zone(carriers, page):  # noqa: F811
    sign_in(page, "firm_b")
    page.goto("/carriers/mine/")
    page.get_by_label(zh("Need")).fill("耐高温涂层")
    page.get_by_label(zh("Description")).fill("需要 800 ℃ 下不脱落的涂层")
    page.get_by_role("button", name=zh("Send the need to the zone")).click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text(zh("Your need was sent to the zone."))
    need = Need.objects.get(enterprise=carriers.platform.other)
    assert need.title == "耐高温涂层" and need.zone == carriers.platform.zone_b
