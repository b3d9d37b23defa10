"""Green and low-carbon in a real browser: the zone's data clerk imports the firms' energy workbook from
the 发改委, sees the zone's intensity against 0.4 tce/万元 year by year and the ten firms that weigh
most, opens one firm's figures with the coefficients used; the firm then sees its own figures."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gaoxin.green import synth
from gaoxin.web.green.models import EnergyBatch, Figure
from gaoxin.web.registry.models import AnnualReport, Enterprise
from tests.browser.conftest import shoot, sign_in, zh
from tests.web.green.conftest import YEARS, workbook

pytestmark = pytest.mark.browser


def _workbook(p) -> tuple[bytes, list]:
    firms = list(Enterprise.objects.filter(zone=p.zone_a).exclude(pk=p.unlisted.pk).order_by("uscc")[:14])
    firms.append(p.unlisted)
    ins = []
    for e in firms:
        revenue = {y: 20000.0 + 1000 * i for i, y in enumerate(YEARS)}
        for year, rev in AnnualReport.objects.filter(enterprise=e, year__in=YEARS, revenue__gt=0).values_list(
            "year", "revenue"
        ):
            revenue[year] = float(rev)
        ins.append(synth.FirmIn(e.uscc, e.tech_field or "", revenue))
    return workbook(synth.generate(ins, YEARS, seed=4), p.zone_a), firms


def test_clerk_imports_energy_data_and_sees_the_zone(platform, page, tmp_path):
    p = platform
    content, firms = _workbook(p)
    path = tmp_path / "2023-2025年重点用能企业能耗.xlsx"
    path.write_bytes(content)

    sign_in(page, "clerk")
    page.get_by_role("link", name=zh("Green and low-carbon")).first.click()
    expect(page.locator("#no-data")).to_be_visible()  # nothing imported yet
    page.locator("#no-data").get_by_role("link", name=re.compile(zh("Import energy data"))).click()
    page.wait_for_url(re.compile(r"/green/import/"))
    page.locator("input[name=file]").set_input_files(str(path))
    page.locator("input[name=department]").fill("发改委（节能监察）")
    page.get_by_role("button", name=zh("Import")).click()
    expect(page.locator("#batches tbody tr").first).to_contain_text(path.name)
    expect(page.locator("#batches tbody tr").first).to_contain_text("发改委（节能监察）")
    assert not page.locator("#problems").count()
    batch = EnergyBatch.objects.get(zone=p.zone_a)
    assert batch.department == "发改委（节能监察）" and batch.user.username == "clerk"
    assert Figure.objects.filter(enterprise__zone=p.zone_a, month=0).count() == len(firms) * len(YEARS)
    shoot(page, "green-import")

    sub = page.get_by_role("navigation", name=zh("Green and low-carbon"))
    sub.get_by_role("link", name=zh("Zone overview")).click()
    years = page.locator("#years tbody tr")
    expect(years).to_have_count(len(YEARS))
    for i, y in enumerate(YEARS):
        expect(years.nth(i)).to_contain_text(str(y))
    expect(page.locator("#sets-used")).to_contain_text("gbt2589-2020-equivalent")
    expect(page.locator("#top-intensity tbody tr")).to_have_count(10)
    expect(page.locator("#indicators")).to_contain_text("单位工业增加值综合能耗")
    expect(page.locator("#intensity .chart .main-svg").first).to_be_visible()  # plotly drew the chart
    shoot(page, "green-zone")

    top = page.locator("#top-intensity tbody tr").first.get_by_role("link")
    name = top.inner_text()
    top.click()
    page.wait_for_url(re.compile(r"/green/firm/\d+/"))
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("#coefficients")).to_contain_text("gbt2589-2020-equivalent")

    page.context.clear_cookies()
    sign_in(page, "firm")
    page.get_by_role("link", name=zh("Green and low-carbon")).first.click()
    page.wait_for_url(re.compile(r"/green/mine/"))
    expect(page.locator("h1")).to_contain_text(p.unlisted.name)
    expect(page.locator("#coefficients")).to_contain_text(zh("kgce per unit"))
    shoot(page, "green-firm")
