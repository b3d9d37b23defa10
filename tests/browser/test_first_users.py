"""What first users hit, as chromium shows it (issue 17): a target chart's axis, the confirmation
before a list is published, long values inside their cards, the comparison's chart.

Charts draw a period where the table says it is (item 4). A target's table says 2022 = 4; the chart
must draw 4 at the tick labelled 2022, not next to 2023 (a year's end parsed as an instant and put on
a date axis sits one day before the next year's tick). A monthly value for December is the year's end
too: at that year's tick. A mid-year month lies inside its year, between the previous year-end and this
one. Read from what chromium drew: the markers' and the tick labels' positions on the screen.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from gaoxin.web.command.models import Target, TargetActual
from gaoxin.web.credit.models import PublishedList, Score
from tests.browser.conftest import shoot, sign_in, zh

pytestmark = pytest.mark.browser


def _centre_x(box) -> float:
    return box["x"] + box["width"] / 2


def test_a_target_chart_draws_each_period_at_its_own_year(platform, page):
    target = Target.objects.create(
        zone=platform.zone_a,
        name="测试指标（图表）",
        unit="家",
        baseline_year=2021,
        baseline_value=Decimal("2"),
        target_year=2027,
        target_value=Decimal("20"),
    )
    for year, month, value in [(2022, None, 4), (2023, None, 6), (2025, 6, 7), (2025, 12, 8)]:
        TargetActual.objects.create(
            target=target, year=year, month=month, value=Decimal(value), source="测试"
        )

    sign_in(page, "zone_admin")
    page.goto(f"/command/targets/{target.pk}/")
    chart = page.locator("[data-command-chart]")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(page.locator("#history")).to_contain_text("2022")

    ticks = {}
    for t in chart.locator(".xtick text").all():
        ticks[(t.text_content() or "").strip()] = _centre_x(t.bounding_box())
    assert {"2022", "2023", "2024", "2025"} <= set(ticks), ticks
    # the actuals' markers, in the order of the data: 2022, 2023, 2025-06, 2025-12
    markers = chart.locator(".scatterlayer .trace").nth(1).locator("path.point").all()
    xs = [_centre_x(m.bounding_box()) for m in markers]
    assert len(xs) == 4

    def nearest(x: float) -> str:
        return min(ticks, key=lambda label: abs(ticks[label] - x))

    year_width = ticks["2023"] - ticks["2022"]
    assert nearest(xs[0]) == "2022" and abs(xs[0] - ticks["2022"]) < 0.05 * year_width
    assert nearest(xs[1]) == "2023" and abs(xs[1] - ticks["2023"]) < 0.05 * year_width
    assert nearest(xs[3]) == "2025" and abs(xs[3] - ticks["2025"]) < 0.05 * year_width  # December
    assert ticks["2024"] < xs[2] < ticks["2025"]  # June 2025: inside the year that ends at 2025
    assert abs(xs[2] - (ticks["2024"] + ticks["2025"]) / 2) < 0.1 * year_width
    # the straight path starts at the baseline year's tick
    path_start = chart.locator(".scatterlayer .trace").nth(0).locator("path.js-line").bounding_box()
    assert abs(path_start["x"] - ticks["2021"]) < 0.05 * year_width
    shoot(page, "command-target-chart")


def test_publishing_a_list_asks_first_and_says_how_many(platform, page):
    """Item 3: the preview says "20 of N"; Publish is refused by the browser until the box is ticked."""
    n = Score.objects.filter(run=platform.run_a, vetoed=False).count()
    before = PublishedList.objects.count()
    sign_in(page, "zone_admin")
    page.goto(f"/credit/lists/?run={platform.run_a.pk}")
    form = page.locator("form", has=page.locator("input[name=title]")).first
    expect(form.get_by_role("button", name=zh("Publish"), exact=True)).to_have_count(0)  # preview first
    form.locator("input[name=title]").fill("确认前不发布")
    form.get_by_label(platform.bank_a.name).check()
    form.get_by_role("button", name=zh("Preview"), exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#preview")).to_contain_text(f"显示前 20 家，共 {n:,} 家")
    expect(page.locator("#preview tbody tr")).to_have_count(20)
    expect(page.locator("#publish-confirm")).to_contain_text(platform.bank_a.name)
    publish = page.locator("#publish-confirm").get_by_role("button", name=zh("Publish"), exact=True)
    publish.click()  # the confirmation is not ticked: the browser does not send the form
    page.wait_for_timeout(500)
    assert PublishedList.objects.count() == before
    assert page.locator("#publish-confirm input[name=confirm]").evaluate("e => !e.validity.valid")
    page.locator("#publish-confirm input[name=confirm]").check()
    publish.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("确认前不发布")
    assert PublishedList.objects.get(title="确认前不发布").entries.count() == n
    shoot(page, "credit-published-after-confirmation")


def test_long_values_stay_inside_their_cards_on_a_phone(platform, browser, live_server):
    """Item 7: SHA-256 hashes and code versions wrap inside their card at a phone's width."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    tab = context.new_page()
    try:
        sign_in(tab, "zone_admin")
        tab.goto(f"/credit/runs/{platform.run_a.pk}/")
        expect(tab.locator("code", has_text=platform.run_a.model_sha256)).to_be_visible()
        overflowing = tab.evaluate(
            """() => Array.from(document.querySelectorAll('.card')).filter(
                   c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 80))"""
        )
        assert overflowing == []
        assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        shoot(tab, "credit-run-phone")
    finally:
        context.close()


def test_the_comparison_draws_the_distribution_of_score_changes(platform, page):
    """Item 6: the comparison of two runs draws how the scores changed."""
    from gaoxin.scoring import load_model
    from gaoxin.web.credit import services
    from gaoxin.web.registry.models import AnnualReport

    firm = Score.objects.filter(run=platform.run_a, stage="growth").order_by("-rank").first().enterprise
    AnnualReport.objects.filter(enterprise=firm, year=platform.run_a.year).update(rd_expense=10**6)
    later = services.run_scores(platform.zone_a, platform.run_a.year, load_model("national-2024"), None)
    sign_in(page, "zone_admin")
    page.goto(f"/credit/compare/?a={platform.run_a.pk}&b={later.pk}")
    expect(page.locator("#compare-counts")).to_contain_text("得分上升")
    expect(page.locator("[data-chart=compare-chart] .main-svg").first).to_be_visible()
    expect(page.locator("#movers tbody tr").first).to_be_visible()
    shoot(page, "credit-compare")


def test_chart_values_carry_thousands_separators_not_si_suffixes(platform, page):
    """Item 7 on the charts: an axis of amounts reads 1,500,000, not 1.5M (plotly's default)."""
    sign_in(page, "zone_admin")
    page.goto("/cultivation/")  # a page that loads gaoxin/charts.js
    src = page.locator('script[src*="gaoxin/charts"]').first.get_attribute("src")
    page.evaluate(
        """() => {
          const data = document.createElement("script");
          data.type = "application/json";
          data.id = "probe-chart";
          data.textContent = JSON.stringify({kind: "bar", x: ["甲", "乙"],
            series: [{name: "金额", y: [1500000, 2750000]}], ytitle: "万元"});
          const el = document.createElement("div");
          el.setAttribute("data-chart", "probe-chart");
          el.id = "probe";
          document.body.append(data, el);
        }"""
    )
    page.add_script_tag(url=src)  # charts.js again: it draws every [data-chart], the new one too
    ticks = page.locator("#probe .ytick text")
    expect(ticks.first).to_be_visible()
    labels = [(t.text_content() or "").strip() for t in ticks.all()]
    assert any("," in x for x in labels) and not any(x.endswith(("k", "M")) for x in labels), labels
