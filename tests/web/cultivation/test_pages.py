"""Cultivation pages: the zone's ladder page, candidates per tier (order, filters, query counts), the
export, starting an assessment, settings with their errors, and the ladder panel on the profiles."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils.html import escape

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.cultivation import services
from gaoxin.web.cultivation.models import LadderEntry, LadderRun, LadderSettings
from gaoxin.web.registry.models import Enterprise, Qualification
from tests.web.conftest import YEAR

from .conftest import NEAR_A, qualify_firm

HOME = reverse("cultivation:home")


def tier_url(tier: str = "hightech") -> str:
    return reverse("cultivation:tier", args=[tier])


# --- the ladder page -----------------------------------------------------------------------------------


def test_the_page_shows_the_year_end_counts_and_the_latest_assessment(ladder, django_assert_max_num_queries):
    zone = ladder.zone_a
    Qualification.objects.filter(enterprise__zone=zone).delete()
    firm = Enterprise.objects.filter(zone=zone).first()
    this_year = dt.date.today().year
    qualify_firm(firm, "gazelle", dt.date(this_year - 2, 3, 1), dt.date(this_year + 2, 3, 1))
    client = ladder.client("zone_admin")
    with django_assert_max_num_queries(14):
        response = client.get(HOME)
    assert response.status_code == 200
    text = response.content.decode()
    assert "瞪羚企业" in text and "chart-tier-counts" in text
    counts = response.context["counts"]
    row = next(r for r in counts["rows"] if r["tier"] == "gazelle")
    assert row["counts"][-2:] == [1, 1] and sum(row["counts"]) == 2
    assert response.context["run"] == ladder.ladder_a
    hightech = next(t for t in response.context["ladder"] if t["tier"] == "hightech")
    stored = ladder.ladder_a.entries.filter(tier="hightech")
    assert hightech["candidates"] == stored.filter(status__in=["qualifies", "near"]).count()
    assert f"{tier_url()}?run={ladder.ladder_a.pk}" in text
    assert response.context["can_run"] and response.context["can_settings"]


def test_the_platform_admin_chooses_the_zone(ladder):
    client = ladder.client("platform_admin")
    response = client.get(HOME, {"zone": ladder.zone_b.code})
    assert response.status_code == 200 and response.context["zone"] == ladder.zone_b
    assert response.context["run"] == ladder.ladder_b
    assert client.get(HOME, {"zone": "nowhere"}).status_code == 404


def test_the_page_shows_the_pipeline_toward_a_tier_target(ladder):
    from gaoxin.web.command.models import Target as target_model

    target = target_model.objects.create(
        zone=ladder.zone_a,
        name="高新技术企业数",
        unit="家",
        metric="tier_count:hightech",
        baseline_value=10,
        baseline_year=YEAR - 2,
        target_value=40,
        target_year=YEAR + 2,
    )
    target_model.objects.create(
        zone=ladder.zone_b,
        name="乙园区高企",
        unit="家",
        metric="tier_count:hightech",
        baseline_value=1,
        baseline_year=YEAR - 2,
        target_value=2,
        target_year=YEAR + 2,
    )
    response = ladder.client("zone_admin").get(HOME)
    (pipe,) = response.context["pipelines"]  # zone B's target is not shown to zone A
    assert pipe.target == target
    assert pipe.expected[0] == 10 and pipe.expected[-1] == 40
    stored = ladder.ladder_a.entries.filter(tier="hightech")
    assert pipe.qualifies == stored.filter(status="qualifies").count()
    assert pipe.near == stored.filter(status="near").count()
    assert "高新技术企业数" in response.content.decode() and pipe.chart_id in response.content.decode()


def test_clerks_read_but_do_not_start_or_configure(ladder):
    client = ladder.client("clerk")
    response = client.get(HOME)
    assert response.status_code == 200 and not response.context["can_run"]
    assert client.post(reverse("cultivation:runs"), {"year": YEAR}).status_code == 403
    assert (
        client.post(reverse("cultivation:settings"), {"config": "near: {hightech: 0.1}"}).status_code == 403
    )
    assert LadderSettings.objects.get(zone=ladder.zone_a).config == NEAR_A
    assert LadderRun.objects.count() == 2


# --- candidates per tier --------------------------------------------------------------------------------


def test_the_candidates_are_sorted_by_how_little_each_firm_lacks(ladder, django_assert_max_num_queries):
    client = ladder.client("zone_admin")
    with django_assert_max_num_queries(11):
        response = client.get(tier_url(), {"size": 200})
    assert response.status_code == 200
    rows = response.context["rows"]
    expected = list(services.candidates(LadderEntry.objects.all(), ladder.ladder_a, "hightech")[:200])
    assert [r["entry"].pk for r in rows] == [e.pk for e in expected]
    keys = [(r["entry"].status_order, r["entry"].distance) for r in rows]
    assert keys == sorted(keys)
    text = response.content.decode()
    for r in rows:
        for gap in r["entry"].gaps:
            assert escape(gap["text_zh"]) in text  # every gap in Chinese on the page


def test_the_candidate_page_costs_the_same_queries_for_more_rows(ladder, django_assert_max_num_queries):
    client = ladder.client("zone_admin")
    with django_assert_max_num_queries(11):
        client.get(tier_url(), {"size": 25, "status": "all"})
    with django_assert_max_num_queries(11):
        client.get(tier_url(), {"size": 200, "status": "all"})


def test_filters_and_pages(ladder):
    client = ladder.client("zone_admin")
    run = ladder.ladder_a
    far = client.get(tier_url(), {"status": "far", "size": 200}).context["rows"]
    assert far and {r["entry"].status for r in far} == {"far"}
    assert len(far) == run.entries.filter(tier="hightech", status="far").count()
    firm = far[0]["entry"].enterprise
    found = client.get(tier_url(), {"status": "all", "q": firm.uscc}).context["rows"]
    assert [r["entry"].enterprise for r in found] == [firm]
    paged = client.get(tier_url(), {"status": "all", "size": 25, "page": 2})
    assert paged.context["page"].number == 2 and len(paged.context["rows"]) == min(25, run.assessed - 25)
    assert client.get(tier_url("no-such-tier")).status_code == 404
    assert client.get(tier_url(), {"run": ladder.ladder_b.pk}).status_code == 404  # zone B's run


def test_an_older_assessment_can_be_chosen(ladder):
    newer = services.run_assessment(ladder.zone_a, YEAR, ladder.users["zone_admin"])
    client = ladder.client("zone_admin")
    assert client.get(tier_url()).context["run"] == newer
    assert client.get(tier_url(), {"run": ladder.ladder_a.pk}).context["run"] == ladder.ladder_a


def test_the_export_holds_the_filtered_candidates_with_their_gaps_and_is_audited(ladder):
    client = ladder.client("zone_admin")
    response = client.get(reverse("cultivation:tier_export", args=["hightech"]), {"status": "candidates"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["候选企业"]
    body = list(ws.iter_rows(min_row=2, values_only=True))
    expected = list(services.candidates(LadderEntry.objects.all(), ladder.ladder_a, "hightech"))
    assert [r[1] for r in body] == [e.enterprise.uscc for e in expected]
    for r, e in zip(body, expected, strict=True):
        assert r[2] == e.enterprise.name
        assert all(g["text_zh"] in (r[7] or "") for g in e.gaps)
    event = AuditEvent.objects.get(action="export")
    assert event.detail["what"] == "ladder_candidates" and event.detail["tier"] == "hightech"
    assert event.zone_id == ladder.zone_a.pk and event.user == ladder.users["zone_admin"]


# --- assessments ---------------------------------------------------------------------------------------------


def test_the_zone_admin_starts_an_assessment_and_follows_it(platform, django_assert_max_num_queries):
    client = platform.client("zone_admin")
    response = client.post(reverse("cultivation:runs"), {"year": YEAR})
    run = LadderRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cultivation:run", args=[run.pk])
    assert run.zone == platform.zone_a and run.year == YEAR and run.status == "done"
    assert AuditEvent.objects.filter(action="run_ladder", zone=platform.zone_a).exists()
    page = client.get(reverse("cultivation:run", args=[run.pk]))
    assert page.status_code == 200 and run.snapshot_sha256 in page.content.decode()
    for _ in range(3):  # more assessments do not cost more queries
        services.run_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    with django_assert_max_num_queries(9):
        assert client.get(reverse("cultivation:runs")).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("cultivation:run", args=[run.pk])).status_code == 200
    status = client.get(reverse("cultivation:run_status", args=[run.pk])).json()
    assert status["status"] == "done" and status["progress"] == 1.0
    assert client.get(reverse("cultivation:runs")).status_code == 200


def test_a_year_without_reports_is_refused(platform):
    client = platform.client("zone_admin")
    response = client.post(reverse("cultivation:runs"), {"year": 1999}, follow=True)
    assert not LadderRun.objects.exists()
    assert services.english() or "请选择园区有年报数据的年度" in response.content.decode()


def test_the_platform_admin_assesses_a_zone_of_its_choice(platform):
    client = platform.client("platform_admin")
    client.post(reverse("cultivation:runs"), {"year": YEAR, "zone": platform.zone_b.code})
    assert LadderRun.objects.get().zone == platform.zone_b


# --- settings -----------------------------------------------------------------------------------------------


def test_settings_errors_are_shown_and_nothing_is_saved(platform):
    client = platform.client("zone_admin")
    url = reverse("cultivation:settings")
    response = client.post(url, {"config": "near: {hightech: 很近}"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="settings-error"' in text and "near.hightech" in text
    assert "很近" in text  # what was typed stays in the box to be corrected
    assert not LadderSettings.objects.exists()
    response = client.post(url, {"config": "near: {hightech: [1"})
    assert "第" in response.content.decode() and not LadderSettings.objects.exists()


def test_saved_settings_are_used_by_the_next_assessment(platform):
    client = platform.client("zone_admin")
    url = reverse("cultivation:settings")
    response = client.post(url, {"config": "near:\n  hightech: 0.1\n"})
    assert response.status_code == 302
    assert LadderSettings.objects.get(zone=platform.zone_a).config == {"near": {"hightech": 0.1}}
    assert AuditEvent.objects.filter(action="ladder_settings").exists()
    assert "hightech: 0.1" in client.get(url).content.decode()
    client.post(reverse("cultivation:runs"), {"year": YEAR})
    assert LadderRun.objects.get().config == {"near": {"hightech": 0.1}}


# --- the ladder panel ------------------------------------------------------------------------------------------


def _panel_rows(response) -> dict:
    panel = next(p for p in response.context["panels"] if p["name"] == "ladder")
    return {r["tier"]: r for r in panel["ladder"].rows}


def test_zone_staff_read_a_firms_ladder_on_its_profile(ladder):
    firm = ladder.unlisted
    response = ladder.client("clerk").get(reverse("registry:enterprise", args=[firm.pk]))
    assert response.status_code == 200
    rows = _panel_rows(response)
    assert list(rows) == list(services.TIERS)
    text = response.content.decode()
    assert 'id="panel-ladder"' in text
    for e in LadderEntry.objects.filter(run=ladder.ladder_a, enterprise=firm):
        assert rows[e.tier]["entry"].status == e.status
        for g in e.gaps:
            assert escape(g["text_zh"]) in text


def test_the_firm_reads_exactly_what_it_lacks_on_my_enterprise(ladder):
    firm = ladder.users["enterprise"].enterprise
    response = ladder.client("enterprise").get(reverse("registry:my_enterprise"))
    assert response.status_code == 200
    rows = _panel_rows(response)
    text = response.content.decode()
    stored = {e.tier: e for e in LadderEntry.objects.filter(run=ladder.ladder_a, enterprise=firm)}
    for tier, e in stored.items():
        assert rows[tier]["gaps"] == [g["text_zh"] for g in e.gaps]
        for g in e.gaps:
            assert escape(g["text_zh"]) in text
    nxt = next((e.next_tier for e in stored.values() if e.next_tier), "")
    if nxt:
        assert services.QUALIFICATION_KINDS[nxt] in text


def test_a_bank_sees_no_ladder_on_a_listed_firm(ladder):
    response = ladder.client("bank").get(reverse("registry:enterprise", args=[ladder.listed.pk]))
    assert response.status_code == 200
    assert all(p["name"] != "ladder" for p in response.context["panels"])
    assert 'id="panel-ladder"' not in response.content.decode()


def test_before_any_assessment_the_panel_says_so(platform):
    response = platform.client("enterprise").get(reverse("registry:my_enterprise"))
    panel = next(p for p in response.context["panels"] if p["name"] == "ladder")
    assert panel["ladder"] is None


def test_the_panel_costs_the_same_queries_however_many_assessments(ladder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = ladder.client("zone_admin")
    url = reverse("registry:enterprise", args=[ladder.unlisted.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len([q for q in ctx.captured_queries if "cultivation_" in q["sql"]])

    assert count() == 1
    for _ in range(2):
        services.run_assessment(ladder.zone_a, YEAR, ladder.users["zone_admin"])
    assert count() == 1
    latest = LadderRun.objects.filter(zone=ladder.zone_a).order_by("-id").first()
    panel = next(p for p in client.get(url).context["panels"] if p["name"] == "ladder")
    assert panel["ladder"].run == latest
