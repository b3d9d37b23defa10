"""Each role signs in through the front page and does its main task in a real browser.

clerk: imports a file with errors and reads the error report in the page (nothing changes);
zone administrator: runs a score and publishes a list to a bank;
enterprise user: reads its score's explanation on its own page;
bank user: downloads the list published to it.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gaoxin.io.read import read_inputs
from gaoxin.web.credit.models import PublishedList, ScoreRun
from gaoxin.web.registry.models import AnnualReport, ImportBatch
from tests.browser.conftest import shoot, sign_in, zh

pytestmark = pytest.mark.browser


def _url(name: str, *args) -> str:
    return reverse(name, args=args)  # a page that is gone fails here (NoReverseMatch), never skips


# --- clerk -------------------------------------------------------------------------------------------


def _bad_reports_csv(platform) -> tuple[bytes, list[str]]:
    """A department's report file for zone A with three bad rows; returns it and the bad values."""
    firms = list(platform.zone_a.enterprises.order_by("uscc")[:4])
    bad_uscc = firms[3].uscc[:-1] + ("0" if firms[3].uscc[-1] != "0" else "1")  # wrong check digit
    lines = [
        "统一社会信用代码,年度,营业收入(万元),研发费用(万元)",
        f"{firms[0].uscc},2025,1200.5,80",
        f"{firms[1].uscc},2025,不详,60",  # not a number
        f"{firms[2].uscc},2025,900,-15",  # negative R&D expenditure
        f"{bad_uscc},2025,700,30",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8"), ["不详", "-15", bad_uscc]


def test_clerk_imports_a_file_with_errors_and_reads_the_report(platform, page, tmp_path):
    _url("registry:import_upload")
    content, bad = _bad_reports_csv(platform)
    path = tmp_path / "科技局-2025年报.csv"
    path.write_bytes(content)
    # What the page must show: the reader's own problems for this file (row, column, value, reason).
    expected = [p for p in read_inputs([path]).errors if p.value in bad]
    assert {p.value for p in expected} == set(bad)
    before = list(AnnualReport.objects.order_by("pk").values_list("pk", "revenue", "rd_expense"))

    sign_in(page, "clerk")  # the front page leads a clerk to the imports
    expect(page.locator("h1")).to_contain_text(zh("Imports"))
    shoot(page, "clerk-imports")
    page.get_by_role("link", name=zh("Import a file")).first.click()
    upload = page.locator("form#upload")
    upload.locator("input[type=file]").set_input_files(str(path))
    upload.locator("[name=department]").fill("科技局")
    upload.get_by_role("button", name=zh("Upload and check")).click()
    page.wait_for_url(re.compile(r"/registry/imports/\d+/$"))

    # The full report is in the page: every bad row with its row number, column, value and reason.
    errors = page.locator("#errors")
    expect(errors).to_be_visible()
    expect(page.locator("#outcome")).to_contain_text(zh("Correct the file and upload it again."))
    for problem in expected:
        row = errors.locator("tbody tr", has_text=problem.value)
        expect(row.first).to_contain_text(str(problem.row))
        expect(row.first).to_contain_text(problem.reason)
    shoot(page, "clerk-import-errors")
    with page.expect_download() as info:
        page.locator("#outcome").get_by_role("link", name=zh("Download the error report (xlsx)")).click()
    book = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True)
    cells = {
        str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c is not None
    }
    assert set(bad) <= cells
    # Atomic: a file with errors changes nothing.
    assert list(AnnualReport.objects.order_by("pk").values_list("pk", "revenue", "rd_expense")) == before
    assert ImportBatch.objects.get(file_name=path.name).status == ImportBatch.Status.REFUSED


# --- zone administrator ------------------------------------------------------------------------------


def test_zone_admin_runs_a_score_and_publishes_a_list(platform, page):
    runs = _url("credit:runs")
    _url("credit:lists")
    before = set(ScoreRun.objects.values_list("pk", flat=True))

    sign_in(page, "zone_admin")
    shoot(page, "zone-admin-home")
    page.goto(runs)
    form = page.locator("form", has=page.locator("select[name=year]")).first
    form.locator("select[name=model]").select_option(value="shipped:national-2024")
    form.locator("select[name=year]").select_option("2025")
    form.get_by_role("button", name=zh("Run"), exact=True).click()
    page.wait_for_url(re.compile(r"/credit/runs/\d+/$"))
    run = ScoreRun.objects.exclude(pk__in=before).get()
    assert run.zone == platform.zone_a and run.status == ScoreRun.Status.DONE
    expect(page.locator("h1")).to_contain_text(f"#{run.pk}")
    shoot(page, "zone-admin-run")

    page.get_by_role("link", name=zh("Publish a list from this run")).click()
    publish = page.locator("form", has=page.locator("input[name=title]")).first
    publish.locator("input[name=title]").fill("浏览器测试白名单")
    publish.locator("input[name=top]").fill("5")
    publish.get_by_label(platform.bank_a.name).check()
    publish.get_by_role("button", name=zh("Preview"), exact=True).click()  # publishing asks first
    page.wait_for_load_state()
    publish = page.locator("form", has=page.locator("input[name=title]")).first
    publish.locator("#publish-confirm input[name=confirm]").check()
    publish.get_by_role("button", name=zh("Publish"), exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(zh("The list was published."))
    expect(page.locator("h1")).to_contain_text("浏览器测试白名单")
    expect(page.locator("#entries tbody tr")).to_have_count(5)
    shoot(page, "zone-admin-published")
    page.goto(_url("credit:lists"))
    expect(page.locator("#lists")).to_contain_text("浏览器测试白名单")

    published = PublishedList.objects.get(title="浏览器测试白名单")
    assert published.run == run
    assert list(published.banks.all()) == [platform.bank_a]
    assert published.entries.count() == 5


# --- enterprise user ---------------------------------------------------------------------------------


def test_enterprise_user_reads_its_explanation(platform, page):
    _url("registry:my_enterprise")
    firm = platform.unlisted
    score = platform.run_a.scores.get(enterprise=firm)

    sign_in(page, "firm")  # the front page leads an enterprise user to its own page
    expect(page.locator("h1")).to_contain_text(firm.name)
    breakdown = page.locator("#breakdown")
    expect(breakdown.get_by_role("heading", name=zh("Score breakdown"))).to_be_visible()
    # one line per indicator of national-2024 (18), with points and the cohort percentile
    expect(page.locator("#indicators tbody tr")).to_have_count(18)
    expect(page.locator("#total")).to_contain_text(f"{score.total:.2f}")
    levers = page.locator("#levers tbody tr")
    no_lever = zh("No single indicator would raise the score by reaching the cohort's next quartile.")
    assert levers.count() > 0 or no_lever in page.locator("#breakdown").inner_text()
    # the charts draw from the static script (same origin, no inline script): plotly puts an svg in
    expect(page.locator("#breakdown [data-chart] svg").first).to_be_visible()
    shoot(page, "enterprise-profile")


# --- bank user ---------------------------------------------------------------------------------------


def test_bank_user_downloads_its_list(platform, page):
    _url("credit:bank_lists")
    published = platform.published

    sign_in(page, "bank")  # the front page leads a bank user to its white-lists
    row = page.locator("#bank-lists tbody tr", has_text=published.title)
    expect(row).to_have_count(1)
    shoot(page, "bank-lists")
    with page.expect_download() as info:
        row.get_by_role("link", name="xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    cells = {
        str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c is not None
    }
    assert platform.listed.uscc in cells
    assert platform.unlisted.uscc not in cells  # only the list's firms

    row.get_by_role("link", name=published.title).click()
    expect(page.locator("main")).to_contain_text(platform.listed.name)
    expect(page.locator("main")).not_to_contain_text(platform.unlisted.name)
    shoot(page, "bank-list")
