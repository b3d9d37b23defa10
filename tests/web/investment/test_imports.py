"""Imports of projects, chain nodes and node firms through the page: a good file applies, a bad file
changes nothing and names every bad cell (on the page and in an xlsx), a re-import changes nothing,
an export imports back unchanged, templates carry the Chinese headers."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gaoxin.io.tables import Sheet, to_bytes
from gaoxin.web.investment import bulk_io as tables
from gaoxin.web.investment.models import ChainNode, NodeFirm, Project, StageChange, TableImport


def xlsx(kind: str, rows: list[dict]) -> bytes:
    return to_bytes([Sheet(tables.TITLES[kind], tables.COLUMNS[kind], rows)])


def upload(client, kind: str, data: bytes, name: str = "file.xlsx"):
    return client.post(
        reverse("investment:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True
    )


def grid(data: bytes) -> list[list]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return wb.get_sheet_by_index(0).to_python()


NODES = [
    {"chain": "新链", "leader": "链长乙", "node": "下游", "parent": "上游", "order": 2},  # parent comes later
    {"chain": "新链", "node": "上游", "order": 1, "description": "原材料"},
    {"chain": "新链", "node": "中游", "parent": "上游", "order": 1},
]


def test_nodes_import_builds_the_tree_and_reimport_changes_nothing(platform):
    c = platform.client("clerk")  # data clerks may import
    data = xlsx("nodes", NODES)
    r = upload(c, "nodes", data)
    assert r.status_code == 200
    record = TableImport.objects.get()
    assert record.status == "applied" and record.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert record.user == platform.users["clerk"]
    nodes = {n.name: n for n in ChainNode.objects.filter(chain__zone=platform.zone_a)}
    assert nodes["下游"].parent == nodes["上游"] and nodes["上游"].parent is None
    assert nodes["上游"].chain.leader == "链长乙" and nodes["上游"].description == "原材料"
    upload(c, "nodes", data)
    assert TableImport.objects.first().counts == {"created": 0, "updated": 0, "unchanged": 3}


def test_bad_nodes_file_changes_nothing(platform):
    c = platform.client("zone_admin")
    rows = [
        {"chain": "链", "node": "甲", "parent": "乙"},
        {"chain": "链", "node": "乙", "parent": "甲"},  # a cycle
        {"chain": "链", "node": "丙", "parent": "不存在"},
        {"chain": "链", "node": "丁", "parent": "丁"},
        {"chain": "链", "node": "戊"},  # fine on its own
    ]
    r = upload(c, "nodes", xlsx("nodes", rows))
    html = r.content.decode()
    record = TableImport.objects.get()
    assert record.status == "refused"
    assert not ChainNode.objects.exists() and not record.counts
    reasons = {(p["row"], p["column"], p["value"]): p["reason"] for p in record.problems}
    assert reasons[(4, "上级节点", "不存在")] == tables.R_NO_PARENT
    assert reasons[(5, "上级节点", "丁")] == tables.R_SELF_PARENT
    assert any(p["reason"] == tables.R_CYCLE for p in record.problems)
    assert tables.R_NO_PARENT in html and "不存在" in html  # shown per cell on the page
    report = c.get(reverse("investment:import_errors", args=[record.pk]))
    assert report.status_code == 200
    cells = grid(report.content)
    assert cells[0][:6] == ["文件", "工作表", "行", "列", "值", "原因"]
    assert any(row[3] == "上级节点" and row[4] == "不存在" for row in cells[1:])


def _chain(platform):
    upload(platform.client("zone_admin"), "nodes", xlsx("nodes", NODES))


def test_firms_import(platform):
    _chain(platform)
    c = platform.client("zone_admin")
    mine = platform.listed
    bad = upload(
        c,
        "firms",
        xlsx(
            "firms",
            [
                {"chain": "新链", "node": "上游", "uscc": mine.uscc},
                {"chain": "新链", "node": "上游", "uscc": platform.other.uscc},  # zone B's firm
                {"chain": "新链", "node": "无此节点", "uscc": mine.uscc},
                {"chain": "旧链", "node": "上游", "uscc": mine.uscc},
            ],
        ),
    )
    assert bad.status_code == 200 and not NodeFirm.objects.exists()
    problems = TableImport.objects.first().problems
    assert [(p["row"], p["reason"]) for p in problems] == [
        (3, tables.R_NO_ENTERPRISE),
        (4, tables.R_NO_NODE),
        (5, tables.R_NO_CHAIN),
    ]
    good = [
        {"chain": "新链", "node": "上游", "uscc": mine.uscc},
        {"chain": "新链", "node": "中游", "uscc": mine.uscc},
    ]
    upload(c, "firms", xlsx("firms", good))
    assert NodeFirm.objects.filter(enterprise=mine).count() == 2
    upload(c, "firms", xlsx("firms", good))
    assert TableImport.objects.first().counts == {"created": 0, "updated": 0, "unchanged": 2}


PROJECT = {
    "code": "P-001",
    "name": "芯片产线",
    "investor": "某集团",
    "amount": "123456.7891",
    "chain": "新链",
    "node": "上游",
    "official": "王立新",
    "stage": "signed",
    "lead_on": dt.date(2025, 1, 2),
    "signed_on": dt.date(2025, 3, 4),
    "status": "active",
}


def test_projects_import_is_atomic_and_names_cells(platform):
    _chain(platform)
    c = platform.client("zone_admin")
    future = dt.date.today() + dt.timedelta(days=30)
    rows = [
        PROJECT,
        {**PROJECT, "code": "P-002", "amount": "-5"},
        {**PROJECT, "code": "P-001"},  # duplicate code
        {**PROJECT, "code": "P-003", "node": "不存在"},
        {**PROJECT, "code": "P-004", "uscc": platform.other.uscc},
        {**PROJECT, "code": "P-005", "signed_on": dt.date(2024, 1, 1)},  # before the lead date
        {**PROJECT, "code": "P-006", "stage": "lead", "signed_on": None, "lead_on": future},
        {**PROJECT, "code": "P-007", "stage": "赢单"},
    ]
    r = upload(c, "projects", xlsx("projects", rows))
    assert not Project.objects.exists(), "a refused file changes nothing, not even its good rows"
    record = TableImport.objects.first()
    assert record.status == "refused"
    by_row = {}
    for p in record.problems:
        by_row.setdefault(p["row"], []).append((p["column"], p["reason"]))
    assert ("投资额（万元）", tables.R_NEGATIVE) in by_row[3]
    assert ("项目编号", tables.R_DUP_CODE) in by_row[4]
    assert ("产业链节点", tables.R_NO_NODE) in by_row[5]
    assert ("关联企业统一社会信用代码", tables.R_NO_ENTERPRISE) in by_row[6]
    assert any(col == "签约日期" and reason.startswith(tables.R_DATES) for col, reason in by_row[7])
    assert ("线索日期", tables.R_FUTURE) in by_row[8]
    assert by_row[9][0][0] == "当前阶段"
    assert 2 not in by_row
    assert "P-002" not in r.content.decode() or tables.R_NEGATIVE in r.content.decode()
    # The good row alone goes in, with its exact amount and a history entry.
    upload(c, "projects", xlsx("projects", [{**PROJECT, "uscc": platform.listed.uscc}]))
    p = Project.objects.get()
    assert str(p.amount) == "123456.7891" and p.node.name == "上游" and p.enterprise == platform.listed
    assert StageChange.objects.filter(project=p, stage="signed").count() == 1
    # A changed stage updates the project and records the change.
    upload(
        c, "projects", xlsx("projects", [{**PROJECT, "stage": "started", "started_on": dt.date(2025, 5, 1)}])
    )
    p.refresh_from_db()
    assert p.stage == "started" and p.enterprise is None
    assert StageChange.objects.filter(project=p).count() == 2


def test_export_round_trip(invest):
    c = invest.client("zone_admin")
    for kind in ("nodes", "firms", "projects"):
        exported = c.get(reverse("investment:export", args=[kind]))
        assert exported.status_code == 200
        assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
        cells = grid(exported.content)
        assert cells[0] == [col.zh for col in tables.COLUMNS[kind]]
        before = TableImport.objects.count()
        upload(c, kind, exported.content)
        record = TableImport.objects.first()
        assert TableImport.objects.count() == before + 1
        assert record.status == "applied", record.problems[:5]
        assert record.counts["created"] == 0 and record.counts["updated"] == 0, (kind, record.counts)
        assert record.counts["unchanged"] == len(cells) - 1
    # The projects export holds zone A's projects only, and the filter of the list page applies.
    exported = grid(c.get(reverse("investment:export", args=["projects"]) + "?stage=lead").content)
    codes = {row[0] for row in exported[1:]}
    assert codes == set(
        Project.objects.filter(zone=invest.zone_a, stage="lead").values_list("code", flat=True)
    )


def test_templates(platform):
    c = platform.client("clerk")
    for kind in ("projects", "nodes", "firms"):
        r = c.get(reverse("investment:template", args=[kind]))
        assert r.status_code == 200
        assert grid(r.content)[0] == [col.zh for col in tables.COLUMNS[kind]]
    assert c.get(reverse("investment:template", args=["other"])).status_code == 404
    # A template filled in imports.
    assert (
        platform.client("enterprise").get(reverse("investment:template", args=["nodes"])).status_code == 403
    )


def test_unreadable_and_missing_file(platform):
    c = platform.client("zone_admin")
    upload(c, "projects", b"\x00\x01 not a workbook", "x.xlsx")
    record = TableImport.objects.get()
    assert record.status == "refused" and record.problems[0]["reason"]
    r = c.post(reverse("investment:import"), {"kind": "projects"}, follow=True)
    assert r.status_code == 200 and TableImport.objects.count() == 1
