"""Import problems: no wrong follow-on errors, problems kept as rows, refused files not kept."""

from __future__ import annotations

import openpyxl

from gaoxin.web.registry.models import ImportBatch
from tests.web.registry.test_imports import code, page, upload


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    import io

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _problems(batch: ImportBatch) -> list[dict]:
    from gaoxin.web.registry.services import imports

    return imports.problem_dicts(batch)


def test_rows_of_a_firm_whose_enterprise_row_has_errors_point_at_that_row(site):
    data = _workbook(
        {
            "企业信息": [
                ["统一社会信用代码", "企业名称", "所在园区", "成立日期"],
                [code(1), "甲公司", "Z001", "2015-13-45"],  # row 2: a bad date
                [code(2), "乙公司", "Z001", "2015-01-01"],
            ],
            "年度报表": [
                ["统一社会信用代码", "年度", "营业收入（万元）"],
                [code(1), 2024, 100],  # row 2: the firm of the bad row
                [code(2), 2024, 200],
                [code(3), 2024, 300],  # row 4: a firm the file never introduces
            ],
        }
    )
    clerk = site.client("clerk")
    batch = upload(clerk, data, name="两表.xlsx")
    assert batch.status == ImportBatch.Status.REFUSED
    by_place = {(p["sheet"], p["row"]): p["reason"] for p in _problems(batch) if p["severity"] == "error"}
    assert by_place[("企业信息", 2)].startswith("不是有效的日期")
    follow_on = by_place[("年度报表", 2)]
    assert "未提供" not in follow_on  # the file did give its name and zone
    assert follow_on == "这家企业的企业信息行（工作表 企业信息 第 2 行）有错误，请先改正该行"
    assert "文件未提供其企业名称和所在园区" in by_place[("年度报表", 4)]  # a truly unknown firm still is
    assert ("年度报表", 3) not in by_place
    assert follow_on in page(clerk, batch)


# --- the refused file, its errors marked ---------------------------------------------------------------


def _refused_csv(site):
    from tests.web.registry.test_imports import HEAD, YEAR, csv_bytes, firms

    rows = [HEAD, *firms(2)]
    rows.append([code(6), "负数公司", "Z001", "2015-03-01", YEAR, 10, -5, 10, 1])  # row 4: revenue
    rows.append([code(7), "", "Z001", "2015-03-01", YEAR, "十二", 100, 10, 1])  # row 5: name, employees
    return upload(site.client("clerk"), csv_bytes(rows), name="有错误.csv")


def test_a_refused_upload_offers_its_file_with_the_error_cells_marked(site, settings):
    import io
    from pathlib import Path

    from django.urls import reverse

    batch = _refused_csv(site)
    assert batch.status == ImportBatch.Status.REFUSED
    media = Path(settings.MEDIA_ROOT)
    assert not list(media.rglob("有错误.csv"))  # the uploaded file itself is gone
    assert batch.stored_file == ""
    clerk = site.client("clerk")
    url = reverse("registry:import_annotated", args=[batch.pk])
    html = page(clerk, batch)
    assert url in html and "下载标注错误的原文件" in html
    response = clerk.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    marks = {
        c.coordinate: c.comment.text
        for row in ws.iter_rows()
        for c in row
        if c.fill.fill_type == "solid" or c.comment is not None
    }
    errors = [p for p in _problems(batch) if p["severity"] == "error"]
    letters = {"营业收入（万元）": "G", "企业名称": "B", "职工总数（人）": "F"}
    assert set(marks) == {f"{letters[p['column']]}{p['row']}" for p in errors}
    for p in errors:
        assert p["reason"] in marks[f"{letters[p['column']]}{p['row']}"]
    assert ws["F5"].value == "十二" and ws["A1"].value == "统一社会信用代码"


def test_the_marked_file_is_for_those_who_see_the_import(site):
    from django.urls import reverse

    batch = _refused_csv(site)
    url = reverse("registry:import_annotated", args=[batch.pk])
    assert site.client("zone_admin").get(url).status_code == 200
    assert site.client("admin").get(url).status_code == 200
    assert site.client("clerk_b").get(url).status_code == 404  # another zone: as if it did not exist
    assert site.client("enterprise").get(url).status_code == 403
    assert site.client("bank").get(url).status_code == 403
    # A batch without a marked copy (a clean preview) has none to give.
    from tests.web.registry.test_imports import HEAD, csv_bytes, firms

    clean = upload(site.client("clerk"), csv_bytes([HEAD, *firms(1, start=40)]))
    assert site.client("clerk").get(reverse("registry:import_annotated", args=[clean.pk])).status_code == 404


# --- problems as rows ------------------------------------------------------------------------------------


def test_problems_are_rows_of_the_batch_not_its_json(site):
    from gaoxin.web.registry.models import ImportProblem

    batch = _refused_csv(site)
    rows = list(ImportProblem.objects.filter(batch=batch).order_by("seq"))
    assert batch.problems == []  # the old JSON column is no longer written
    assert [r.seq for r in rows] == list(range(len(rows)))
    where = {(r.row, r.column, r.value, r.severity) for r in rows}
    assert {(4, "营业收入（万元）", "-5", "error"), (5, "职工总数（人）", "十二", "error")} <= where
    assert batch.error_count == sum(r.severity == "error" for r in rows)
    assert all(r.file == "有错误.csv" and r.sheet is None for r in rows)
    batch.delete()
    assert not ImportProblem.objects.filter(batch_id=rows[0].batch_id).exists()  # they go with the batch


def test_problems_are_capped_and_the_rest_counted(site, monkeypatch):
    from gaoxin.web.registry.models import ImportProblem
    from gaoxin.web.registry.services import imports
    from tests.web.registry.test_imports import HEAD, YEAR, csv_bytes

    monkeypatch.setattr(imports, "PROBLEMS_KEPT", 4)
    rows = [HEAD, *[[code(i), f"坏{i}", "Z001", "2015-03-01", YEAR, "x", -1, 1, 1] for i in range(5)]]
    batch = upload(site.client("clerk"), csv_bytes(rows), name="多错.csv")  # 10 errors
    kept = list(ImportProblem.objects.filter(batch=batch).order_by("seq"))
    assert len(kept) == 4 and batch.error_count == 10
    assert batch.counts["problems_omitted"] == 7  # 3 listed + the note = 4 rows; 7 not kept
    assert kept[-1].row is None and "另有 7 条问题未保存" in kept[-1].reason


def test_the_error_list_is_paginated_from_the_table(site, monkeypatch):
    from django.urls import reverse

    from gaoxin.web.registry.views import imports as views

    monkeypatch.setattr(views, "PROBLEMS_PER_PAGE", 2)
    batch = _refused_csv(site)  # three errors: rows 4, 5, 5
    errors = [p for p in _problems(batch) if p["severity"] == "error"]
    assert len(errors) == 3
    clerk = site.client("clerk")
    url = reverse("registry:import_detail", args=[batch.pk])
    first, second = clerk.get(url).content.decode(), clerk.get(url + "?page=2").content.decode()
    last = errors[2]
    assert last["value"] in second and last["value"] not in first.split('id="errors"')[1]
    assert errors[0]["value"] in first.split('id="errors"')[1]


def test_problems_stored_as_json_are_moved_into_the_table_by_the_migration(site):
    import importlib

    from django.apps import apps

    from gaoxin.web.registry.models import ImportProblem

    migration = importlib.import_module("gaoxin.web.registry.migrations.0005_import_problems")
    old = [
        {"file": "a.xlsx", "row": 2, "column": "营业收入", "value": "x", "reason": "不是数字",
         "sheet": "年报", "severity": "error", "reason_en": "not a number"},
        {"file": "a.xlsx", "row": None, "column": None, "value": None, "reason": "提示",
         "sheet": None, "severity": "warning", "reason_en": ""},
    ]  # fmt: skip
    batch = ImportBatch.objects.create(zone=site.zone_a, file_name="a.xlsx", sha256="2" * 64, problems=old)
    ImportBatch.objects.create(zone=site.zone_a, file_name="b.xlsx", sha256="3" * 64)  # none
    migration.copy_problems(apps, None)
    assert _problems(batch) == old
    assert ImportProblem.objects.count() == 2


def test_a_refused_file_too_large_to_mark_leaves_nothing_on_disk(site, settings, monkeypatch):
    from pathlib import Path

    from gaoxin.web.registry.services import imports

    monkeypatch.setattr(imports, "ANNOTATE_MAX_BYTES", 10)
    batch = _refused_csv(site)
    assert batch.status == ImportBatch.Status.REFUSED and "annotated" not in batch.counts
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_the_marked_copy_is_made_by_a_background_job_which_then_deletes_the_file(site, settings):
    """On a server (jobs queued for the worker) the page answers at once; the worker marks the file."""
    from pathlib import Path

    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from gaoxin.web.platform import tasks
    from gaoxin.web.platform.models import Job

    settings.GAOXIN_TASKS_SYNC = False
    batch = _refused_csv(site)
    assert batch.status == ImportBatch.Status.CHECKING  # the worker checks the upload first
    check = Job.objects.get(pk=batch.counts["job"])
    tasks.execute(*DBTaskResult.objects.get(pk=check.task_id).args_kwargs["args"], backend="default")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED and batch.stored_file == ""
    job = Job.objects.get(pk=batch.counts["mark_job"])
    assert job.kind == "import_mark" and job.status == Job.Status.QUEUED
    media = Path(settings.MEDIA_ROOT)
    assert len(list(media.rglob("有错误.csv"))) == 1  # kept for the job, not for anyone to download
    clerk = site.client("clerk")
    html = page(clerk, batch)
    assert 'id="marking"' in html and 'id="annotated"' not in html
    assert clerk.get(reverse("registry:import_annotated", args=[batch.pk])).status_code == 404

    args = DBTaskResult.objects.get(pk=job.task_id).args_kwargs["args"]
    tasks.execute(*args, backend="default")  # what the worker does
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == Job.Status.DONE and "mark_from" not in batch.counts
    assert not list(media.rglob("有错误.csv"))  # the uploaded file is gone
    html = page(clerk, batch)
    assert 'id="annotated"' in html and 'id="marking"' not in html
    assert clerk.get(reverse("registry:import_annotated", args=[batch.pk])).status_code == 200


def test_the_file_is_deleted_even_when_it_cannot_be_marked(site, settings, monkeypatch):
    from pathlib import Path

    from gaoxin.io.sources import LoadError
    from gaoxin.web.registry.services import imports

    def broken(content, name, problems):
        raise LoadError("坏文件", "bad file")

    monkeypatch.setattr("gaoxin.io.annotate.annotate", broken)
    batch = _refused_csv(site)
    batch.refresh_from_db()
    assert "annotated" not in batch.counts and imports.annotated_file(batch) is None
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_the_detail_page_s_queries_do_not_grow_with_its_problems(site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.web.registry.test_imports import HEAD, YEAR, csv_bytes

    clerk = site.client("clerk")

    def queries(n: int) -> int:
        rows = [
            HEAD,
            *[[code(5000 + i), f"坏{i}", "Z001", "2015-03-01", YEAR, "x", -1, 1, 1] for i in range(n)],
        ]
        batch = upload(clerk, csv_bytes(rows), name=f"坏{n}.csv")
        assert batch.error_count == 2 * n
        with CaptureQueriesContext(connection) as ctx:
            assert clerk.get(reverse("registry:import_detail", args=[batch.pk])).status_code == 200
        return len(ctx.captured_queries)

    assert queries(2) == queries(60)
