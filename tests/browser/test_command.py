"""The zone administrator opens the command page in a real browser and sees the zone's targets with
their status, the project funnel, the chain gaps and the overdue tasks; the monthly report prints to
an A4 PDF with Chinese text (Debian's chromium, the fonts-noto-cjk fonts)."""

from __future__ import annotations

import re
import unicodedata
import zlib

import pytest
from playwright.sync_api import expect

from gaoxin.web.command import services
from gaoxin.web.command.models import Target, Task
from tests.browser.conftest import shoot, sign_in, zh
from tests.web.command.conftest import Ctx, populate_zone_a, zone_b_rows

pytestmark = pytest.mark.browser


@pytest.fixture
def command_zone(platform):
    from gaoxin.web.investment import demo as investment_demo

    investment_demo.populate(Ctx([platform.zone_a], {"zone_admin": platform.users["zone_admin"]}))
    populate_zone_a(platform)
    zone_b_rows(platform.zone_b)
    return platform


def test_zone_admin_sees_the_command_page(command_zone, page):
    sign_in(page, "zone_admin")
    page.get_by_role("link", name=zh("Command centre")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/command/")
    glance = page.locator("#glance")
    expect(glance.get_by_text("高新技术企业数")).to_be_visible()
    for label in ("正常推进", "存在风险", "严重滞后"):
        expect(glance.locator(".badge", has_text=label).first).to_be_visible()
    assert (
        glance.locator("tr[data-target]").count() == Target.objects.filter(zone=command_zone.zone_a).count()
    )
    # the project funnel from the investment app: one row per stage, the first with every project
    funnel = page.locator("#funnel .funnel-row")
    expect(funnel.first).to_be_visible()
    assert funnel.count() == 6
    # the chain summary, the first chain's map (links coloured by strength) and the gaps
    expect(page.locator("#chains table")).to_be_visible()
    expect(page.locator("#chain-map details[open] .node").first).to_be_visible()
    board = services.investment_summary(command_zone.zone_a, command_zone.users["zone_admin"])
    if board["gap_count"]:
        expect(page.locator("#gaps li").first).to_contain_text(board["gaps"][0].node.name)
    # overdue tasks, the oldest first, and none of zone B
    oldest = (
        services.overdue(Task.objects.filter(plan__zone=command_zone.zone_a))
        .order_by("deadline", "id")
        .first()
    )
    expect(page.locator("#overdue")).to_contain_text(oldest.name)
    expect(page.locator("body")).not_to_contain_text("乙区")
    shoot(page, "command-home")

    # drill down: a target's history and chart
    page.locator("#glance").get_by_role("link", name="非化石能源消费占比").click()
    expect(page.locator("#history tbody tr").first).to_be_visible()
    expect(page.locator(".chart .main-svg").first).to_be_visible()  # plotly drew the chart
    shoot(page, "command-target")


def _pdf_text(pdf: bytes) -> tuple[str, set[str]]:
    """The Unicode characters the PDF's ToUnicode maps declare, and the names of its fonts."""
    chars: set[str] = set()
    fonts: set[str] = set()
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        fonts |= {f.decode() for f in re.findall(rb"/(?:BaseFont|FontName)\s*/([A-Za-z0-9+\-_]+)", data)}
        if b"beginbfchar" not in data and b"beginbfrange" not in data:
            continue
        for hexes in re.findall(rb"<([0-9A-Fa-f]{4,})>", data):
            h = hexes.decode()
            if len(h) % 4 == 0:
                for i in range(0, len(h), 4):
                    # chromium maps some ideographs to their Kangxi radicals (⽬ for 目): NFKC folds them
                    chars.add(unicodedata.normalize("NFKC", chr(int(h[i : i + 4], 16))))
    fonts |= {f.decode() for f in re.findall(rb"/(?:BaseFont|FontName)\s*/([A-Za-z0-9+\-_]+)", pdf)}
    return "".join(sorted(chars)), fonts


def test_monthly_report_prints_to_pdf_with_chinese_text(command_zone, page, tmp_path):
    sign_in(page, "zone_admin")
    page.goto("/command/report/")
    expect(page.locator("#report h1")).to_contain_text(command_zone.zone_a.name)
    expect(page.locator("#report-targets")).to_contain_text("严重滞后")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    chars, fonts = _pdf_text(pdf)
    for c in "目标指标严重滞后专项行动逾期任务":
        assert c in chars, (c, fonts)
    assert any("NotoSerifCJK" in f for f in fonts) and any("NotoSansCJK" in f for f in fonts), fonts
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2  # the plans start a new page
