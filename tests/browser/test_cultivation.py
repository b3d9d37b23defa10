"""The cultivation ladder in a real browser.

zone administrator: opens the cultivation page from the menu, then the 高新技术企业 candidates, sorted by
how little each firm lacks, and downloads them for the officers' visits;
enterprise user: reads on its own page exactly what it lacks for each tier.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from gaoxin.web.cultivation import services
from gaoxin.web.cultivation.models import LadderEntry
from tests.browser.conftest import shoot, sign_in, zh
from tests.web.cultivation.conftest import ladder  # noqa: F401  (the platform with an assessment per zone)

pytestmark = pytest.mark.browser


def _hightech_target(p):
    """A tier-count target of zone A in the command centre, once that model exists."""
    from django.apps import apps

    try:
        target = apps.get_model("command", "Target")
    except LookupError:
        return None
    last = services.last_complete_year()
    return target.objects.create(
        zone=p.zone_a,
        name="高新技术企业数量",
        unit="家",
        metric="tier_count:hightech",
        baseline_value=20,
        baseline_year=last - 2,
        target_value=60,
        target_year=last + 2,
    )


def test_zone_admin_opens_the_hightech_candidates_sorted_by_gap(ladder, page):  # noqa: F811
    run = ladder.ladder_a
    expected = list(services.candidates(LadderEntry.objects.all(), run, "hightech")[:50])
    assert expected, "zone A has high-tech candidates"

    target = _hightech_target(ladder)

    sign_in(page, "zone_admin")
    page.get_by_role("link", name=zh("Cultivation"), exact=True).first.click()
    expect(page.locator("h1")).to_contain_text(zh("Cultivation ladder"))
    expect(page.locator("#tier-counts")).to_be_visible()
    expect(page.locator("[data-chart=chart-tier-counts] .main-svg").first).to_be_attached()
    if target is not None:  # the pipeline toward the zone's target, with its chart
        pipeline = page.locator(f"#pipeline-hightech-{target.pk}")
        expect(pipeline).to_contain_text(target.name)
        expect(pipeline.locator(".main-svg").first).to_be_attached()
    shoot(page, "cultivation-home")

    page.locator("#ladder-status tr[data-tier=hightech]").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("高新技术企业")
    rows = page.locator("#candidates tbody tr")
    expect(rows).to_have_count(len(expected))
    # the order on the screen is qualifies, then near, each by smallest gap
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.uscc)") == [e.enterprise.uscc for e in expected]
    first = expected[0]
    for gap in first.gaps:
        expect(rows.first).to_contain_text(gap["text_zh"])
    shoot(page, "cultivation-hightech-candidates")

    with page.expect_download() as info:
        page.locator("#export").click()
    book = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))
    sheet = book["候选企业"]
    usccs = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert usccs[: len(expected)] == [e.enterprise.uscc for e in expected]


def test_the_firm_reads_what_it_lacks(ladder, page):  # noqa: F811
    firm = ladder.users["enterprise"].enterprise
    stored = {e.tier: e for e in LadderEntry.objects.filter(run=ladder.ladder_a, enterprise=firm)}

    sign_in(page, "firm")
    panel = page.locator("#panel-ladder")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name=zh("Cultivation ladder"))).to_be_visible()
    for tier, entry in stored.items():
        row = panel.locator(f"tr[data-tier={tier}]")
        expect(row).to_contain_text(services.QUALIFICATION_KINDS[tier])
        for gap in entry.gaps:
            expect(row).to_contain_text(gap["text_zh"])
    nxt = next((e.next_tier for e in stored.values() if e.next_tier), "")
    if nxt:
        expect(panel.locator("#ladder-next")).to_have_text(services.QUALIFICATION_KINDS[nxt])
    shoot(page, "cultivation-enterprise-ladder")


def test_zone_admin_changes_a_ladder_setting_in_the_form(platform, page):
    """Issue 17, item 9: the settings are a form in Chinese with the defaults beside them; the YAML is
    folded away; a change is saved as only that change."""
    from gaoxin.web.cultivation.models import LadderSettings

    sign_in(page, "zone_admin")
    page.goto("/cultivation/settings/")
    form = page.locator("#settings-fields")
    row = form.locator('tr[data-setting="gazelle__cagr"]')
    expect(row).to_contain_text("营业收入年复合增长率不低于")
    expect(row).to_contain_text("20.00%")  # the rules' default, as a percentage
    expect(page.locator("#id_config")).not_to_be_visible()  # the YAML is there, folded
    shoot(page, "cultivation-settings-form")
    row.locator("input").fill("25")
    form.get_by_role("button", name=zh("Check and save")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(zh("The ladder settings were checked and saved."))
    assert LadderSettings.objects.get(zone=platform.zone_a).config == {"gazelle": {"cagr": 0.25}}
    expect(page.locator('tr[data-setting="gazelle__cagr"] input')).to_have_value("25")
