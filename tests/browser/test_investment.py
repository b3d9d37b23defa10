"""The zone administrator opens the investment pages in a real browser: the project funnel is drawn,
the chain map shows its gaps highlighted, a gap node drills down to its projects, a project moves on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gaoxin.web.investment.demo import build
from gaoxin.web.investment.models import ChainNode, Project
from tests.browser.conftest import shoot, sign_in, zh

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(platform):
    build(platform.zone_a, dt.date.today(), user=platform.users["zone_admin"], projects=80)
    return platform


def test_zone_admin_sees_the_funnel_and_the_chain_map(demo, page):
    sign_in(page, "zone_admin")
    page.get_by_role("link", name=zh("Investment and chains")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("investment:home"))
    expect(page.get_by_role("heading", name=zh("Project funnel"))).to_be_visible()
    # The funnel is drawn by plotly from the page's JSON (no inline script).
    funnel = page.locator("[data-funnel]")
    expect(funnel).to_have_attribute("data-drawn", "1")
    expect(funnel.locator(".main-svg").first).to_be_attached()
    total = Project.objects.filter(zone=demo.zone_a).count()
    expect(page.locator("#stat-total")).to_have_text(str(total))
    expect(page.locator("#funnel-table tbody tr")).to_have_count(6)
    shoot(page, "investment-home")

    page.get_by_role("link", name=zh("Industry chains"), exact=True).click()
    page.wait_for_load_state()
    expect(page.locator('section.chain[data-chain="信创"] h2')).to_contain_text("信创")
    fab = ChainNode.objects.get(chain__zone=demo.zone_a, name="晶圆制造")
    gap = page.locator(f'li[data-node="{fab.pk}"]')
    expect(gap).to_have_attribute("data-status", "empty")
    expect(gap.locator("> .node-box .badge")).to_have_text(zh("gap: no firm"))
    # Highlighted: a gap is drawn differently from a covered node.
    gap_border = gap.locator("> .node-box").evaluate("e => getComputedStyle(e).borderTopStyle")
    ok_node = page.locator('li[data-status="ok"] > .node-box').first
    assert gap_border == "dashed"
    assert ok_node.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    shoot(page, "investment-chains")

    gap.locator("> .node-box").click()
    page.wait_for_load_state()
    expect(page.locator("#gap-badge")).to_be_visible()
    linked = Project.objects.filter(node=fab).order_by("stage", "name").first()
    if linked is not None:
        expect(page.locator("#projects")).to_contain_text(linked.name)


def test_zone_admin_moves_a_project_on(demo, page):
    p = Project.objects.create(
        zone=demo.zone_a,
        code="BR-1",
        name="浏览器测试项目",
        stage="lead",
        lead_on=dt.date.today() - dt.timedelta(days=10),
    )
    sign_in(page, "zone_admin")
    page.goto(reverse("investment:project", args=[p.pk]))
    form = page.locator("#advance")
    form.get_by_label(zh("Stage")).select_option("signed")
    form.get_by_role("button", name=zh("Record the stage change")).click()
    page.wait_for_load_state()
    expect(page.locator("#current-stage")).to_have_text(zh("Signed"))
    p.refresh_from_db()
    assert p.stage == "signed" and p.signed_on == dt.date.today()
