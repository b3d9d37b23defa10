"""Import and export of the command centre's tables: good files, bad files (nothing changes), round
trips, templates, the problems workbook, who may import what."""

from __future__ import annotations

import io

import pytest

from gaoxin.io.tables import read_table
from gaoxin.web.command import bulk_io as tables
from gaoxin.web.command.models import ActionPlan, Platform, Talent, Target, TargetActual, Task


def xlsx(columns, rows) -> bytes:
    from gaoxin.io.tables import Sheet, to_bytes

    return to_bytes([Sheet("表", columns, rows)])


def upload(client, table, content, name="file.xlsx"):
    f = io.BytesIO(content)
    f.name = name
    return client.post("/command/tables/", {"table": table, "file": f})


def snapshot(zone):
    return (
        list(Target.objects.filter(zone=zone).values_list("name", "target_value")),
        list(
            TargetActual.objects.filter(target__zone=zone).values_list(
                "target__name", "year", "month", "value"
            )
        ),
        list(Talent.objects.filter(zone=zone).values_list("name", "level", "year")),
        list(Platform.objects.filter(zone=zone).values_list("name", "kind", "level")),
        list(Task.objects.filter(plan__zone=zone).values_list("name", "status", "deadline")),
    )


@pytest.mark.parametrize("key", list(tables.TABLES))
def test_export_reimports_unchanged(command, key):
    c = command.client("zone_admin")
    zone = command.platform.zone_a
    r = c.get(f"/command/tables/{key}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    content = b"".join(r.streaming_content) if r.streaming else r.content
    read = read_table(content, tables.TABLES[key].columns)
    assert read.ok and read.rows, read.problems
    assert "乙区" not in str(read.rows)
    before = snapshot(zone)
    r = upload(c, key, content)
    assert r.status_code == 200, r.content.decode()[:2000]
    assert snapshot(zone) == before
    assert "新增 0 条，更新 0 条" in r.content.decode()


@pytest.mark.parametrize("key", list(tables.TABLES))
def test_templates_have_chinese_headers(command, key):
    r = command.client("clerk").get(f"/command/tables/{key}/template.xlsx")
    assert r.status_code == 200
    read = read_table(r.content, tables.TABLES[key].columns)
    assert not read.rows and read.ok


def test_good_import_adds_and_updates(command):
    c = command.client("zone_admin")
    zone = command.platform.zone_a
    firm = command.platform.listed
    content = xlsx(
        tables.TALENT_COLUMNS,
        [
            {
                "name": "新人才",
                "level": "national",
                "programme": "新计划",
                "enterprise": firm.uscc,
                "year": 2025,
            },
            {"name": "第二人", "level": "provincial", "programme": "", "year": 2024},
        ],
    )
    r = upload(c, "talents", content)
    assert r.status_code == 200
    t = Talent.objects.get(zone=zone, name="新人才")
    assert t.enterprise == firm and t.level == "national"
    # the Chinese label is accepted for an enum, and a re-import updates in place
    content = xlsx(
        (*tables.TALENT_COLUMNS[:1], tables.TALENT_COLUMNS[2], tables.TALENT_COLUMNS[1]),
        [{"name": "新人才", "programme": "新计划", "level": "provincial"}],
    )
    upload(c, "talents", content)
    assert Talent.objects.filter(zone=zone, name="新人才").count() == 1
    assert Talent.objects.get(zone=zone, name="新人才").level == "provincial"


def test_bad_import_changes_nothing_and_names_each_cell(command):
    c = command.client("zone_admin")
    zone = command.platform.zone_a
    other_firm = command.platform.other  # zone B's firm: unknown here
    before = snapshot(zone)
    content = xlsx(
        tables.TASK_COLUMNS,
        [
            {"plan": "全新专项行动", "name": "好任务", "status": "in_progress"},
            {"plan": "全新专项行动", "name": "坏日期", "deadline": "2026-02-30"},
            {"plan": "全新专项行动", "name": "坏状态", "status": "finished"},
            {"plan": "全新专项行动", "name": "坏链接", "evidence_link": "javascript:alert(1)"},
        ],
    )
    # xlsx writes dates as text here: the reader must say which row and column is wrong
    r = upload(c, "tasks", content)
    assert r.status_code == 400
    body = r.content.decode()
    assert "2026-02-30" in body and "finished" in body and 'id="problems"' in body
    assert snapshot(zone) == before and not ActionPlan.objects.filter(name="全新专项行动").exists()
    problems = c.get("/command/tables/problems.xlsx")
    assert problems.status_code == 200
    rows = read_table(problems.content, tables.PROBLEM_COLUMNS).rows
    assert {(p["row"], p["column"]) for p in rows} == {(3, "完成时限"), (4, "状态"), (5, "佐证链接")}
    # a reference error after a good row: the good row is not applied either
    content = xlsx(
        tables.PLATFORM_COLUMNS,
        [
            {"name": "好平台", "kind": "lab", "level": "national"},
            {"name": "坏平台", "kind": "lab", "level": "national", "enterprise": other_firm.uscc},
        ],
    )
    r = upload(c, "platforms", content)
    assert r.status_code == 400 and other_firm.uscc in r.content.decode()
    assert snapshot(zone) == before


def test_actuals_import_refuses_unknown_and_computed_targets(command):
    c = command.client("clerk")
    zone = command.platform.zone_a
    before = snapshot(zone)
    content = xlsx(
        tables.ACTUAL_COLUMNS,
        [
            {"target": "非化石能源消费占比", "year": 2024, "month": 1, "value": 16, "source": "月报"},
            {"target": "不存在的指标", "year": 2024, "value": 1, "source": "x"},
            {"target": "高新技术企业数", "year": 2024, "value": 1, "source": "x"},
            {"target": "非化石能源消费占比", "year": 2024, "month": 13, "value": 1, "source": "x"},
        ],
    )
    r = upload(c, "actuals", content)
    body = r.content.decode()
    assert r.status_code == 400
    assert tables.R_UNKNOWN_TARGET in body and tables.R_COMPUTED in body and tables.R_MONTH in body
    assert snapshot(zone) == before


def test_unreadable_file_and_missing_columns(command):
    c = command.client("zone_admin")
    r = upload(c, "platforms", b"\x00\x01 not a workbook", "x.xlsx")
    assert r.status_code == 400
    r = upload(c, "platforms", "名称,其他\n甲,乙\n".encode(), "x.csv")
    assert r.status_code == 400 and "平台名称" in r.content.decode()


def test_clerk_imports_facts_but_not_targets_or_new_plans(command):
    c = command.client("clerk")
    zone = command.platform.zone_a
    content = xlsx(
        tables.TARGET_COLUMNS,
        [
            {
                "name": "新指标",
                "baseline_value": 1,
                "baseline_year": 2022,
                "target_value": 2,
                "target_year": 2027,
            }
        ],
    )
    assert upload(c, "targets", content).status_code == 403
    content = xlsx(tables.TASK_COLUMNS, [{"plan": "全新专项行动", "name": "任务"}])
    r = upload(c, "tasks", content)
    assert r.status_code == 400 and tables.R_NO_PLAN_RIGHT in r.content.decode()
    plan = ActionPlan.objects.filter(zone=zone).first()
    task = plan.tasks.first()
    content = xlsx(
        tables.TASK_COLUMNS,
        [
            {
                "plan": plan.name,
                "name": task.name,
                "status": "done",
                "completed_on": "2025-01-02",
                "evidence": "佐证",
            }
        ],
    )
    assert upload(c, "tasks", content).status_code == 200
    task.refresh_from_db()
    assert task.status == "done" and task.evidence == "佐证"
    page = c.get("/command/tables/").content.decode()
    assert "此表只能由园区管理员导入" in page


def test_zone_admin_imports_targets(command):
    c = command.client("zone_admin")
    good = {
        "name": "新指标",
        "unit": "家",
        "metric": "platforms:national:lab",
        "baseline_value": 1,
        "baseline_year": 2022,
        "target_value": 5,
        "target_year": 2027,
    }
    bad = {
        "name": "坏指标",
        "metric": "gdp",
        "baseline_value": 1,
        "baseline_year": 2027,
        "target_value": 5,
        "target_year": 2022,
    }
    r = upload(c, "targets", xlsx(tables.TARGET_COLUMNS, [good, bad]))
    assert r.status_code == 400
    assert tables.R_METRIC in r.content.decode() and tables.R_YEARS in r.content.decode()
    assert not Target.objects.filter(name="新指标").exists()
    r = upload(c, "targets", xlsx(tables.TARGET_COLUMNS, [good]))
    assert r.status_code == 200
    assert Target.objects.get(zone=command.platform.zone_a, name="新指标").metric == "platforms:national:lab"


def test_every_upload_keeps_an_import_record_with_its_hash_and_provenance(command):
    """The shared import record (gaoxin.web.platform.bulk): an applied file and a refused one are both
    recorded — table, file name, SHA-256 of the bytes, who, rows, outcome, problems; only the zone's
    staff see the record and its error report."""
    import hashlib

    from gaoxin.web.accounts.models import AuditEvent
    from gaoxin.web.command.models import TableImport

    c = command.client("clerk")
    zone = command.platform.zone_a
    good = xlsx(tables.TALENT_COLUMNS, [{"name": "记录人才", "level": "national", "year": 2024}])
    assert upload(c, "talents", good, name="人才.xlsx").status_code == 200
    rec = TableImport.objects.get(zone=zone, file_name="人才.xlsx")
    assert rec.kind == "talents" and rec.status == TableImport.Status.APPLIED and rec.applied
    assert rec.sha256 == hashlib.sha256(good).hexdigest() and rec.rows == 1
    assert rec.user == command.platform.users["clerk"] and rec.counts["created"] == 1 and rec.problems == []
    event = AuditEvent.objects.get(action="import_table", object_id=str(rec.pk))
    assert event.zone_id == zone.pk and event.detail["status"] == "applied"

    bad = xlsx(tables.TALENT_COLUMNS, [{"name": "坏人才", "level": "galactic"}])
    before = snapshot(zone)
    assert upload(c, "talents", bad, name="坏.xlsx").status_code == 400
    assert snapshot(zone) == before  # refused: nothing changed but the record of the refusal
    refused = TableImport.objects.get(zone=zone, file_name="坏.xlsx")
    assert refused.status == TableImport.Status.REFUSED and refused.counts == {}
    assert refused.sha256 == hashlib.sha256(bad).hexdigest()
    assert [(p["row"], p["column"], p["value"]) for p in refused.problems] == [(2, "层次", "galactic")]

    page = c.get("/command/tables/").content.decode()
    assert page.count('id="recent-imports"') == 1 and page.index('id="recent-imports"') > page.index(
        'id="tables"'
    )
    recent = page[page.index('id="recent-imports"') :]
    assert "人才.xlsx" in recent and "坏.xlsx" in recent and refused.sha256[:10] in recent
    report = c.get(f"/command/tables/imports/{refused.pk}/errors.xlsx")
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(f"/command/tables/imports/{rec.pk}/errors.xlsx").status_code == 404  # no problems
    # another zone's staff, a firm and a bank never see the record
    assert (
        command.client("zone_admin_b").get(f"/command/tables/imports/{refused.pk}/errors.xlsx").status_code
        == 404
    )
    assert (
        command.client("enterprise").get(f"/command/tables/imports/{refused.pk}/errors.xlsx").status_code
        == 403
    )
    assert command.client("bank").get(f"/command/tables/imports/{refused.pk}/errors.xlsx").status_code == 403
