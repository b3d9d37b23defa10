"""Credit pages and services: score runs, comparison, ranking, models, publishing, banks' lists.

Every test starts from the ``platform`` fixture (two zones scored on national-2024, a list published
to bank A) and drives the pages as the roles do; numbers are checked against the pure engine.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from polars.testing import assert_frame_equal

from gaoxin.io.write import chinese_headers
from gaoxin.scoring import load_model
from gaoxin.scoring.engine import score
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.credit import services
from gaoxin.web.credit.models import ListEntry, ModelFile, PublishedList, Score, ScoreRun
from gaoxin.web.registry.models import AnnualReport, Enterprise
from gaoxin.web.registry.services import zone_dataset

YEAR = 2025
SCORE_FIELDS = (
    "enterprise_id",
    "stage",
    "total",
    "base",
    "bonus",
    "penalty",
    "vetoed",
    "rank",
    "cohort_size",
    "grade",
    "list",
    "details",
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Argon2 costs most of the fixture's time; these tests are not about passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def as_(platform, role: str) -> Client:
    """A signed-in client without the password hash (sign-in itself is tested in accounts)."""
    c = Client()
    c.force_login(platform.users[role])
    return c


def score_rows(run: ScoreRun) -> list[tuple]:
    return sorted(Score.objects.filter(run=run).values_list(*SCORE_FIELDS), key=lambda r: r[0])


def engine_frame(run: ScoreRun):
    data = zone_dataset([run.zone], years=[run.year - 1, run.year])
    return score(services.run_model(run), data, run.year).frame


def workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def sheet_rows(wb, name: str) -> list[tuple]:
    return list(wb[name].iter_rows(values_only=True))


def start_run(client, **data):
    response = client.post(reverse("credit:runs"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ScoreRun.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


BAD_MODEL = """\
id: bad-model
version: 1
name: {zh: 有错的模型}
stages:
  - {id: all, name: {zh: 全部}, when: "true"}
categories:
  - {id: tech, name: {zh: 技术}}
indicators:
  - {id: rd, name: {zh: 研发}, category: tech, value: "rd_expense", method: guesswork, weight: 50}
  - {id: staff, name: {zh: 人员}, category: nowhere, value: "rd_staff", method: percentile, weight: 50}
  - {id: typo, name: {zh: 笔误}, category: tech, value: "revenu", method: percentile, weight: 0}
"""


# --- score runs ----------------------------------------------------------------------------------------


def test_a_run_started_on_the_page_stores_what_the_engine_computes(platform):
    client = as_(platform, "zone_admin")
    run = start_run(client, model="shipped:national-2024", year=YEAR)
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.DONE and run.zone == platform.zone_a
    assert run.created_by == platform.users["zone_admin"] and run.job.status == "done"

    shipped = load_model("national-2024")
    assert run.model_sha256 == shipped.sha256 and run.model_source == shipped.source
    assert run.code_version
    data = zone_dataset([platform.zone_a], years=[YEAR - 1, YEAR])
    assert run.snapshot_sha256 == services.snapshot_hash(data, YEAR)

    expected = score(shipped, data, YEAR).frame
    assert run.scored == expected.height == Score.objects.filter(run=run).count()
    stored = {s.enterprise.uscc: s for s in Score.objects.filter(run=run).select_related("enterprise")}
    for row in expected.iter_rows(named=True):
        s = stored[row["uscc"]]
        assert (s.stage, s.rank, s.grade or None, s.vetoed) == (
            row["stage"],
            row["rank"],
            row["grade"],
            row["vetoed"],
        )
        assert s.total == row["total"] and s.base == row["base"] and s.penalty == row["penalty"]
        assert s.details["pts"] == {i.id: row[f"pts:{i.id}"] for i in shipped.all_indicators}
    # The frame rebuilt from stored rows is the engine's frame, column for column.
    assert_frame_equal(services.scores_frame(run, shipped, Score.objects.all()), expected)

    status = client.get(reverse("credit:run_status", args=[run.pk])).json()
    assert status["status"] == "done" and status["progress"] == 1.0 and status["scored"] == run.scored
    page = client.get(reverse("credit:run", args=[run.pk])).content.decode()
    assert run.snapshot_sha256 in page and run.model_sha256 in page and run.code_version in page
    assert AuditEvent.objects.filter(action="run_scores", object_id=str(run.pk)).exists()


def test_a_running_run_shows_a_progress_bar_that_polls_its_status(platform):
    run = services.start_run(platform.zone_a, YEAR, load_model("national-2024"), platform.users["zone_admin"])
    client = as_(platform, "zone_admin")
    page = client.get(reverse("credit:run", args=[run.pk])).content.decode()
    status_url = reverse("credit:run_status", args=[run.pk])
    assert f'data-status-url="{status_url}"' in page and "gaoxin/progress.js" in page
    assert client.get(status_url).json() == {"status": "running", "progress": 0.0, "message": "", "scored": 0}
    assert as_(platform, "zone_admin_b").get(status_url).status_code == 404


def test_a_failed_job_marks_the_run_failed(platform, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "score", boom)
    run = start_run(as_(platform, "zone_admin"), model="shipped:national-2024", year=YEAR)
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.FAILED and run.job.status == "failed"
    assert not Score.objects.filter(run=run).exists()
    page = as_(platform, "zone_admin").get(reverse("credit:run", args=[run.pk])).content.decode()
    assert "disk full" in page


def test_platform_admin_chooses_the_zone_zone_admin_cannot(platform):
    run = start_run(
        as_(platform, "platform_admin"), model="shipped:national-2024", year=YEAR, zone=platform.zone_b.pk
    )
    assert run.zone == platform.zone_b
    # A zone administrator's form has no zone: a zone in the post is ignored, the run is their zone's.
    run = start_run(
        as_(platform, "zone_admin"), model="shipped:national-2024", year=YEAR, zone=platform.zone_b.pk
    )
    assert run.zone == platform.zone_a


def test_two_runs_over_unchanged_data_are_identical(platform):
    client = as_(platform, "zone_admin")
    response = client.post(reverse("credit:run_rerun", args=[platform.run_a.pk]))
    assert response.status_code == 302
    again = ScoreRun.objects.exclude(pk__in=[platform.run_a.pk, platform.run_b.pk]).get()
    assert again.status == "done" and again.model_sha256 == platform.run_a.model_sha256
    assert again.snapshot_sha256 == platform.run_a.snapshot_sha256
    assert [r[1:] for r in score_rows(again)] == [r[1:] for r in score_rows(platform.run_a)]
    assert [r[0] for r in score_rows(again)] == [r[0] for r in score_rows(platform.run_a)]
    result = services.compare_runs(platform.run_a, again)
    assert result.identical and result.same_snapshot and not result.up and not result.down
    page = client.get(reverse("credit:compare"), {"a": platform.run_a.pk, "b": again.pk})
    assert page.context["result"].identical


# --- uploaded models ----------------------------------------------------------------------------------


def test_a_bad_model_upload_lists_every_fault_and_stores_nothing(platform):
    client = as_(platform, "zone_admin")
    upload = io.BytesIO(BAD_MODEL.encode())
    upload.name = "bad.yaml"
    response = client.post(reverse("credit:model_upload"), {"file": upload})
    assert response.status_code == 200
    faults = response.context["faults"]
    where = {f.where for f in faults}
    assert {"rd", "staff", "typo"} <= where
    page = response.content.decode()
    for f in faults:
        assert f.file == "bad.yaml"
        assert f.where in page
    assert "guesswork" in page and "nowhere" in page and "revenu" in page
    assert not ModelFile.objects.exists()


def test_a_good_model_upload_is_stored_once_and_can_be_run(platform):
    client = as_(platform, "zone_admin")
    source = load_model("example-zone").source.replace("id: example-zone", "id: my-zone", 1)
    for _ in range(2):
        upload = io.BytesIO(source.encode())
        upload.name = "my-zone.yaml"
        response = client.post(reverse("credit:model_upload"), {"file": upload})
        assert response.status_code == 302
    model_file = ModelFile.objects.get()
    assert model_file.zone == platform.zone_a and model_file.model_id == "my-zone"
    assert model_file.source == source
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "my-zone" in detail.content.decode()

    # It is offered to the zone (not to zone B) and scores like the engine with that file.
    assert f"file:{model_file.pk}" in client.get(reverse("credit:runs")).content.decode()
    assert (
        f"file:{model_file.pk}"
        not in as_(platform, "zone_admin_b").get(reverse("credit:runs")).content.decode()
    )
    run = start_run(client, model=f"file:{model_file.pk}", year=YEAR)
    assert run.model_id == "my-zone" and run.model_source == source
    assert_frame_equal(
        services.scores_frame(run, services.run_model(run), Score.objects.all()), engine_frame(run)
    )
    # Zone B cannot use zone A's file.
    response = as_(platform, "zone_admin_b").post(
        reverse("credit:runs"), {"model": f"file:{model_file.pk}", "year": YEAR}
    )
    assert response.status_code == 200 and not ScoreRun.objects.filter(
        zone=platform.zone_b, model_id="my-zone"
    )


def test_a_json_model_is_accepted_too(platform):
    doc = yaml.safe_load(load_model("example-zone").source)
    doc["id"] = "json-zone"
    upload = io.BytesIO(json.dumps(doc, ensure_ascii=False).encode())
    upload.name = "zone.json"
    response = as_(platform, "zone_admin").post(reverse("credit:model_upload"), {"file": upload})
    assert response.status_code == 302
    assert ModelFile.objects.get().model_id == "json-zone"


# --- who may do what ------------------------------------------------------------------------------------


def test_a_clerk_reads_but_cannot_run_upload_or_publish(platform):
    clerk = as_(platform, "clerk")
    runs_before = ScoreRun.objects.count()
    page = clerk.get(reverse("credit:runs"))
    assert page.status_code == 200 and page.context["form"] is None
    assert (
        clerk.post(reverse("credit:runs"), {"model": "shipped:national-2024", "year": YEAR}).status_code
        == 403
    )
    assert clerk.post(reverse("credit:run_rerun", args=[platform.run_a.pk])).status_code == 403
    upload = io.BytesIO(load_model("example-zone").source.encode())
    upload.name = "m.yaml"
    assert clerk.post(reverse("credit:model_upload"), {"file": upload}).status_code == 403
    lists_before = PublishedList.objects.count()
    response = clerk.post(
        reverse("credit:lists"),
        {"run": platform.run_a.pk, "title": "x", "banks": [platform.bank_a.pk], "publish": "1"},
    )
    assert response.status_code == 403
    assert ScoreRun.objects.count() == runs_before and PublishedList.objects.count() == lists_before
    assert not ModelFile.objects.exists()
    for name in ("credit:ranking", "credit:lists", "credit:models"):
        assert clerk.get(reverse(name)).status_code == 200


def test_banks_and_enterprises_do_not_reach_the_zone_pages(platform):
    for role in ("bank", "enterprise"):
        c = platform.client(role)
        for name in ("credit:ranking", "credit:runs", "credit:lists", "credit:models", "credit:compare"):
            assert c.get(reverse(name)).status_code == 403, (role, name)
        assert c.get(reverse("credit:run_export", args=[platform.run_a.pk])).status_code == 403


def test_zone_staff_do_not_see_another_zones_runs(platform):
    c = as_(platform, "zone_admin_b")
    run = platform.run_a.pk
    for name in ("credit:run", "credit:run_export", "credit:run_model", "credit:run_status"):
        assert c.get(reverse(name, args=[run])).status_code == 404, name
    assert c.get(reverse("credit:ranking"), {"run": run}).status_code == 404
    assert c.get(reverse("credit:ranking_export"), {"run": run}).status_code == 404
    assert c.get(reverse("credit:compare"), {"a": run, "b": platform.run_b.pk}).status_code == 404
    assert c.post(reverse("credit:run_rerun", args=[run])).status_code == 404
    assert c.get(reverse("credit:list", args=[platform.published.pk])).status_code == 404
    assert c.get(reverse("credit:list_export", args=[platform.published.pk, "xlsx"])).status_code == 404
    ranking = c.get(reverse("credit:ranking"))
    assert ranking.context["run"] == platform.run_b
    assert platform.listed.name not in ranking.content.decode()


# --- comparing runs -------------------------------------------------------------------------------------


def test_compare_lists_who_moved_and_why_after_a_data_change(platform):
    growth = Score.objects.filter(run=platform.run_a, stage="growth", vetoed=False).order_by(
        "-rank", "enterprise__uscc"
    )
    last = growth.first()
    firm = last.enterprise
    top_rd = max(
        r.rd_expense or Decimal(0)
        for r in AnnualReport.objects.filter(enterprise__zone=platform.zone_a, year=YEAR)
    )
    AnnualReport.objects.filter(enterprise=firm, year=YEAR).update(rd_expense=top_rd * 3 + 1)
    later = start_run(as_(platform, "zone_admin"), model="shipped:national-2024", year=YEAR)
    assert later.snapshot_sha256 != platform.run_a.snapshot_sha256

    result = services.compare_runs(platform.run_a, later)
    assert not result.identical and not result.same_snapshot and result.same_model
    mover = next(m for m in result.up if m.enterprise_id == firm.pk)
    assert mover.rank_before == last.rank and mover.rank_after < last.rank and mover.total_change > 0
    assert mover.reasons and mover.reasons[0].what in {"rd_expense", "rd_intensity", "rd_growth"}
    assert all(r.delta > 0 for r in mover.reasons)
    # Firms it passed in its cohort moved down a place with the same score: passed by others.
    assert any(m.stage_after == "成长期" and not m.by_entrants for m in result.shifted)
    assert (
        len(result.up) + len(result.down) + len(result.shifted) + result.unchanged
        == Score.objects.filter(run=later).count()
    )

    page = as_(platform, "zone_admin").get(reverse("credit:compare"), {"a": platform.run_a.pk, "b": later.pk})
    html = page.content.decode()
    assert firm.name in html and f'data-indicator="{mover.reasons[0].what}"' in html


def test_compare_refuses_runs_of_two_zones(platform):
    with pytest.raises(ValueError):
        services.compare_runs(platform.run_a, platform.run_b)
    page = as_(platform, "platform_admin").get(
        reverse("credit:compare"), {"a": platform.run_a.pk, "b": platform.run_b.pk}
    )
    assert page.status_code == 200 and page.context["error"] and "result" not in page.context


def test_new_and_dropped_firms(platform):
    gone = Score.objects.filter(run=platform.run_a).order_by("enterprise__uscc").first().enterprise
    AnnualReport.objects.filter(enterprise=gone, year=YEAR).delete()
    later = services.run_scores(platform.zone_a, YEAR, load_model("national-2024"), None)
    result = services.compare_runs(platform.run_a, later)
    assert [d["enterprise_id"] for d in result.dropped] == [gone.pk]
    back = services.compare_runs(later, platform.run_a)
    assert [d["enterprise_id"] for d in back.new] == [gone.pk]


# --- ranking --------------------------------------------------------------------------------------------


def ranking(client, **params):
    response = client.get(reverse("credit:ranking"), params)
    assert response.status_code == 200
    return response, [row["score"] for row in response.context["rows"]]


def test_ranking_defaults_to_the_latest_run_and_filters(platform):
    client = as_(platform, "zone_admin")
    response, rows = ranking(client)
    assert (
        "积分排名" in response.content.decode() and "总分" in response.content.decode()
    )  # Chinese by default
    assert response.context["run"] == platform.run_a
    assert response.context["page"].paginator.count == platform.run_a.scored
    assert all(s.run_id == platform.run_a.pk for s in rows)

    _, rows = ranking(client, stage="growth")
    assert rows and {s.stage for s in rows} == {"growth"}
    _, rows = ranking(client, grade="C")
    assert rows and {s.grade for s in rows} == {"C"}
    firm = platform.listed
    _, rows = ranking(client, q=firm.name[2:6])
    assert firm.pk in {s.enterprise_id for s in rows}
    _, rows = ranking(client, q=firm.uscc[:12])
    assert [s.enterprise_id for s in rows] == [firm.pk]
    prefix = firm.industry[:2]
    _, rows = ranking(client, industry=prefix)
    assert rows and all(s.enterprise.industry.startswith(prefix) for s in rows)
    expected = Score.objects.filter(run=platform.run_a, enterprise__industry__startswith=prefix).count()
    assert len(rows) == expected
    _, rows = ranking(client, tech_field=firm.tech_field)
    assert rows and {s.enterprise.tech_field for s in rows} == {firm.tech_field}
    # A value that is not offered is ignored rather than an error page.
    _, rows = ranking(client, stage="nonsense", grade="Z")
    assert len(rows) == min(50, platform.run_a.scored)


def test_ranking_sorts_and_paginates(platform):
    client = as_(platform, "zone_admin")
    _, rows = ranking(client, sort="-total", per=100)
    totals = [s.total for s in rows]
    assert totals == sorted(totals, reverse=True) and len(rows) == platform.run_a.scored
    _, rows = ranking(client, sort="total", per=100)
    assert [s.total for s in rows] == sorted(totals)
    _, rows = ranking(client, sort="rank", per=100)
    assert [s.rank for s in rows] == sorted(s.rank for s in rows)
    _, rows = ranking(client, sort="name", per=100)
    by_name = Score.objects.filter(run=platform.run_a).order_by("enterprise__name", "enterprise__uscc")
    assert [s.pk for s in rows] == list(by_name.values_list("pk", flat=True))  # the database's collation

    response, first = ranking(client, sort="-total", per=10)
    assert len(first) == 10 and response.context["page"].paginator.num_pages == -(
        -platform.run_a.scored // 10
    )
    _, second = ranking(client, sort="-total", per=10, page=2)
    assert [s.pk for s in first + second] == [s.pk for s in ranking(client, sort="-total", per=20)[1]]
    _, default = ranking(client)
    assert len(default) == min(50, platform.run_a.scored)


def test_ranking_rows_link_to_the_enterprise_profile_when_it_exists(platform):
    response, rows = ranking(as_(platform, "zone_admin"), per=10)
    urls = [row["url"] for row in response.context["rows"]]
    try:
        expected = [reverse("registry:enterprise", args=[s.enterprise_id]) for s in rows]
    except Exception:  # the profile page is not built yet: names without links
        expected = [None] * len(rows)
    assert urls == expected


def test_ranking_query_count_does_not_grow_with_the_page(platform, django_assert_max_num_queries):
    client = as_(platform, "zone_admin")
    counts = {}
    for per in (10, 50):
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("credit:ranking"), {"per": per, "sort": "-total"})
        assert len(response.context["rows"]) == per
        counts[per] = len(ctx.captured_queries)
    assert counts[10] == counts[50]


def test_ranking_export_holds_the_filtered_rows_in_the_pages_order(platform):
    client = as_(platform, "zone_admin")
    params = {"stage": "growth", "sort": "-total"}
    _, rows = ranking(client, per=100, **params)
    response = client.get(reverse("credit:ranking_export"), params)
    wb = workbook(response)
    table = sheet_rows(wb, "排名")
    headers = chinese_headers(services.run_model(platform.run_a))
    assert table[0][:6] == (headers["uscc"], headers["name"], "所在园区", "年度", "发展阶段", "总分")
    body = table[1:]
    assert [r[0] for r in body] == [s.enterprise.uscc for s in rows]
    assert {r[4] for r in body} == {"成长期"}
    assert [r[5] for r in body] == pytest.approx([s.total for s in rows])
    assert AuditEvent.objects.filter(
        action="export", object_type="scorerun", object_id=str(platform.run_a.pk)
    ).exists()


def test_run_export_rebuilds_the_engines_output_from_stored_rows(platform):
    run = platform.run_a
    wb = workbook(as_(platform, "zone_admin").get(reverse("credit:run_export", args=[run.pk])))
    assert {"汇总", "排名", "模型与运行"} <= set(wb.sheetnames)
    table = sheet_rows(wb, "排名")
    expected = engine_frame(run)
    model = services.run_model(run)
    headers = chinese_headers(model)
    assert list(table[0]) == [headers[c] for c in expected.columns]
    assert [r[0] for r in table[1:]] == expected["uscc"].to_list()
    assert [r[5] for r in table[1:]] == pytest.approx(expected["total"].to_list())
    record = {r[0]: r[1] for r in sheet_rows(wb, "模型与运行") if r and r[0]}
    assert record["模型文件 SHA-256"] == run.model_sha256
    inputs = [r for r in sheet_rows(wb, "模型与运行") if r and r[1] == run.snapshot_sha256]
    assert inputs


# --- models ---------------------------------------------------------------------------------------------


def test_models_page_lists_shipped_and_uploaded_models(platform):
    ModelFile.objects.create(
        zone=platform.zone_b, model_id="b-only", version=1, name="乙区模型", sha256="b" * 64, source="x"
    )
    page = as_(platform, "zone_admin").get(reverse("credit:models")).content.decode()
    for model_id in ("national-2024", "national-2025", "example-zone"):
        assert reverse("credit:shipped_model", args=[model_id]) in page
    assert "乙区模型" not in page


def test_model_page_shows_the_indicator_tree_with_weights_per_stage(platform):
    model = load_model("national-2024")
    response = as_(platform, "clerk").get(reverse("credit:shipped_model", args=["national-2024"]))
    outline = response.context["model"]
    assert [c["id"] for c in outline["categories"]] == [c.id for c in model.categories]
    for category in outline["categories"]:
        for ind in category["indicators"]:
            source = model.indicator(ind["id"])
            assert ind["weights"] == [source.weight(s.id) for s in model.stages]
            assert ind["value"] == source.value.text and ind["method"] == source.method
    assert outline["stage_max"] == [100.0, 100.0, 100.0]
    html = response.content.decode()
    for ind in model.all_indicators:
        assert f'data-indicator="{ind.id}"' in html
    for stage in model.stages:
        assert stage.name.zh in html and escape(stage.when.text) in html
    assert "serious_dishonesty" in html  # veto
    rows = html.split('data-indicator="rd_expense"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in rows.split('<td class="num">')[1:]] == ["8", "8", "10"]
    assert as_(platform, "clerk").get(reverse("credit:shipped_model", args=["no-such"])).status_code == 404

    example = as_(platform, "zone_admin").get(reverse("credit:shipped_model", args=["example-zone"]))
    assert example.context["model"]["bonus_cap"] == 10 and len(example.context["model"]["lists"]) == 3
    run_page = as_(platform, "zone_admin").get(reverse("credit:run_model", args=[platform.run_a.pk]))
    assert run_page.context["model"]["sha256"] == platform.run_a.model_sha256


# --- publishing -----------------------------------------------------------------------------------------


def publish(client, run, **data):
    payload = {"run": run.pk, "title": "成长期 B 级以上", "publish": "1", "confirm": "1", **data}
    return client.post(reverse("credit:lists"), payload)


def test_publishing_freezes_the_matching_scores_into_entries(platform):
    client = as_(platform, "zone_admin")
    run = platform.run_a
    response = publish(
        client, run, stage="growth", grade_min="C", banks=[platform.bank_a.pk, platform.bank_b.pk]
    )
    assert response.status_code == 302
    published = PublishedList.objects.get(title="成长期 B 级以上")
    assert published.filters == {"stage": "growth", "grade_min": "C"}
    assert set(published.banks.all()) == {platform.bank_a, platform.bank_b}
    expected = list(
        Score.objects.filter(run=run, stage="growth", grade__in=["A", "B", "C"], vetoed=False)
        .order_by("-total", "enterprise__uscc")
        .values_list("pk", "enterprise_id")
    )
    assert expected
    entries = list(
        published.entries.order_by("position").values_list("position", "score_id", "enterprise_id")
    )
    assert entries == [(n, pk, ent) for n, (pk, ent) in enumerate(expected, 1)]
    assert AuditEvent.objects.filter(action="publish", object_id=str(published.pk)).exists()
    page = client.get(reverse("credit:lists")).content.decode()
    assert "成长期 B 级以上" in page and "乙银行" in page

    # top N keeps the best N after the other filters.
    publish(client, run, title="前三", top=3, banks=[platform.bank_a.pk])
    top3 = PublishedList.objects.get(title="前三")
    best = Score.objects.filter(run=run, vetoed=False).order_by("-total", "enterprise__uscc")[:3]
    assert list(top3.entries.values_list("score_id", flat=True)) == [s.pk for s in best]


def test_a_list_filter_keeps_the_nested_better_lists(platform):
    run = services.run_scores(platform.zone_a, YEAR, load_model("example-zone"), platform.users["zone_admin"])
    published = services.publish_list(
        run, title="竞跑榜及以上", filters={"list": "runners"}, banks=[platform.bank_a], user=None
    )
    listed = set(published.entries.values_list("score_id", flat=True))
    assert listed == set(
        Score.objects.filter(run=run, list__in=["leaders", "runners"]).values_list("pk", flat=True)
    )
    assert listed


def test_vetoed_firms_are_never_published(platform):
    firm = platform.listed
    AnnualReport.objects.filter(enterprise=firm, year=YEAR).update(serious_dishonesty=True)
    run = services.run_scores(platform.zone_a, YEAR, load_model("national-2024"), None)
    assert Score.objects.get(run=run, enterprise=firm).vetoed
    published = services.publish_list(run, title="全部", filters={}, banks=[platform.bank_a], user=None)
    listed = set(published.entries.values_list("enterprise_id", flat=True))
    assert firm.pk not in listed
    assert listed == set(Score.objects.filter(run=run, vetoed=False).values_list("enterprise_id", flat=True))


def test_publish_refuses_what_it_cannot_do_and_stores_nothing(platform):
    client = as_(platform, "zone_admin")
    before = PublishedList.objects.count()
    taken = set(
        Score.objects.filter(run=platform.run_a, vetoed=False, grade="A").values_list("stage", flat=True)
    )
    empty_stage = next(s.id for s in load_model("national-2024").stages if s.id not in taken)
    response = publish(client, platform.run_a, grade_min="A", stage=empty_stage, banks=[platform.bank_a.pk])
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = publish(client, platform.run_a, banks=[])
    assert response.status_code == 200 and response.context["form"].errors["banks"]
    running = services.start_run(platform.zone_a, YEAR, load_model("national-2024"), None)
    for run, filters in (
        (running, {}),
        (platform.run_a, {"grade_min": "Q"}),
        (platform.run_a, {"colour": "red"}),
        (platform.run_a, {"top": 0}),
    ):
        with pytest.raises(services.PublishError):
            services.publish_list(run, title="x", filters=filters, banks=[platform.bank_a], user=None)
    assert PublishedList.objects.count() == before


def test_a_preview_shows_the_count_and_publishes_nothing(platform):
    client = as_(platform, "zone_admin")
    before = PublishedList.objects.count()
    response = client.post(
        reverse("credit:lists"),
        {
            "run": platform.run_a.pk,
            "title": "x",
            "grade_min": "C",
            "banks": [platform.bank_a.pk],
            "preview": "1",
        },
    )
    expected = Score.objects.filter(run=platform.run_a, grade__in=["A", "B", "C"], vetoed=False).count()
    assert response.context["preview"]["count"] == expected
    assert PublishedList.objects.count() == before


def test_a_published_list_never_changes(platform):
    published = platform.published
    client = as_(platform, "bank")
    csv_before = client.get(reverse("credit:list_export", args=[published.pk, "csv"])).content
    entries_before = list(
        ListEntry.objects.filter(published_list=published).values_list(
            "position", "enterprise_id", "score_id", "score__total", "score__rank", "score__grade"
        )
    )
    # New data for the listed firm and a new run: the list still reads its frozen numbers.
    AnnualReport.objects.filter(enterprise=platform.listed, year=YEAR).update(
        rd_expense=Decimal("0"), revenue=Decimal("1")
    )
    later = start_run(as_(platform, "zone_admin"), model="shipped:national-2024", year=YEAR)
    assert Score.objects.get(run=later, enterprise=platform.listed).total != entries_before[0][3]
    entries_after = list(
        ListEntry.objects.filter(published_list=published).values_list(
            "position", "enterprise_id", "score_id", "score__total", "score__rank", "score__grade"
        )
    )
    assert entries_after == entries_before
    assert client.get(reverse("credit:list_export", args=[published.pk, "csv"])).content == csv_before
    # There is no way to edit or delete one.
    admin = as_(platform, "zone_admin")
    for method in (admin.post, admin.put, admin.delete):
        assert method(reverse("credit:list", args=[published.pk])).status_code == 405
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        platform.run_a.delete()


# --- the bank's side -------------------------------------------------------------------------------------


def test_a_bank_sees_downloads_and_is_audited_only_for_its_lists(platform):
    bank = as_(platform, "bank")
    published = platform.published
    page = bank.get(reverse("credit:bank_lists"))
    assert [p.pk for p in page.context["page"]] == [published.pk]
    detail = bank.get(reverse("credit:bank_list", args=[published.pk]))
    assert detail.status_code == 200 and platform.listed.name in detail.content.decode()
    assert "乙银行" not in detail.content.decode()

    wb = workbook(bank.get(reverse("credit:list_export", args=[published.pk, "xlsx"])))
    table = sheet_rows(wb, "排名")
    assert table[0][:3] == ("序号", "统一社会信用代码", "企业名称")
    entry = published.entries.select_related("score", "enterprise").get()
    assert table[1][:3] == (1, platform.listed.uscc, platform.listed.name)
    assert table[1][table[0].index("总分")] == pytest.approx(entry.score.total)
    summary = [c for r in sheet_rows(wb, "汇总") for c in r if c]
    assert any("测试白名单" in str(c) for c in summary)

    response = bank.get(reverse("credit:list_export", args=[published.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "统一社会信用代码", "企业名称"] and len(rows) == 2
    assert rows[1][1] == platform.listed.uscc and float(rows[1][rows[0].index("总分")]) == entry.score.total

    events = AuditEvent.objects.filter(
        action="export", object_type="publishedlist", object_id=str(published.pk)
    )
    assert sorted(e.detail["format"] for e in events) == ["csv", "xlsx"]
    assert all(e.user == platform.users["bank"] for e in events)

    other = as_(platform, "bank_b")
    assert list(other.get(reverse("credit:bank_lists")).context["page"]) == []
    assert other.get(reverse("credit:bank_list", args=[published.pk])).status_code == 404
    for fmt in ("xlsx", "csv"):
        assert other.get(reverse("credit:list_export", args=[published.pk, fmt])).status_code == 404
    assert (
        as_(platform, "enterprise")
        .get(reverse("credit:list_export", args=[published.pk, "xlsx"]))
        .status_code
        == 404
    )
    assert bank.get(reverse("credit:list_export", args=[published.pk, "pdf"])).status_code == 404
    assert not AuditEvent.objects.filter(action="export", user=platform.users["bank_b"]).exists()


def test_a_list_published_to_two_banks_reaches_both(platform):
    published = services.publish_list(
        platform.run_a,
        title="两家银行",
        filters={"grade_min": "C"},
        banks=[platform.bank_a, platform.bank_b],
        user=None,
    )
    for role in ("bank", "bank_b"):
        c = platform.client(role)
        assert published.pk in [p.pk for p in c.get(reverse("credit:bank_lists")).context["page"]]
        assert c.get(reverse("credit:list_export", args=[published.pk, "xlsx"])).status_code == 200
    assert Enterprise.objects.filter(list_entries__published_list=published).exists()


def test_a_finished_runs_explanations_are_cached_by_the_values_file(platform, monkeypatch):
    import polars as pl

    run = platform.run_a
    uscc = platform.listed.uscc
    first = services.explain_in_run(run, uscc).explanation
    expected = services.explain_values(services.run_model(run), services.run_values(run), run.year, uscc)
    assert first == expected  # the cache returns what the engine computes
    monkeypatch.setattr(pl, "read_parquet", lambda *a, **k: pytest.fail("read the values again"))
    assert services.explain_in_run(run, uscc).explanation is first  # second view: from the cache
    # A rewritten values file (another deployment's, or a rolled-back id reused) is a different key.
    monkeypatch.undo()
    path = services._values_path(run)
    frame = pl.read_parquet(path)
    frame.with_columns(pl.lit(None).alias("_touch")).drop("_touch").write_parquet(path)
    import os

    os.utime(path, ns=(1, 1))
    assert services.explain_in_run(run, uscc).explanation is not first
