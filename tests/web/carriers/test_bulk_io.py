"""xlsx import and export: a good file applies, a bad one changes nothing and names each bad cell (row,
column, value, reason), the same file again changes nothing; the exports open and carry the decisions."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gaoxin.web.carriers.models import IncubatedFirm, Incubator, ReserveFirm, TableImport

pytestmark = pytest.mark.django_db


def _xlsx(headers, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, kind, data, name="t.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post("/carriers/imports/", {"kind": kind, "file": f})


def test_incubators_then_firms_import_and_a_repeat_changes_nothing(carriers):
    c = carriers.client("clerk")
    data = _xlsx(
        ["编号", "名称", "类型", "场地面积（m²）", "孵化基金（万元）"],
        [["X-1", "新孵化器", "孵化器", 10000, 500]],
    )
    r = _upload(c, "incubators", data)
    rec = TableImport.objects.latest("pk")
    assert r.status_code == 302 and rec.status == "applied" and rec.counts == {"created": 1, "updated": 0}
    inc = Incubator.objects.get(zone=carriers.platform.zone_a, code="X-1")
    assert inc.area_total == 10000 and inc.kind == "incubator"
    _upload(c, "incubators", data)
    assert TableImport.objects.latest("pk").status == "duplicate"
    firm = carriers.platform.listed
    firms = _xlsx(
        ["孵化器编号", "统一社会信用代码", "企业或团队名称", "入驻日期"],
        [["X-1", firm.uscc, firm.name, "2024-03-01"]],
    )
    _upload(c, "firms", firms)
    assert IncubatedFirm.objects.get(incubator=inc).enterprise == firm


def test_a_bad_file_changes_nothing_and_names_every_bad_cell(carriers):
    c = carriers.client("zone_admin")
    before = IncubatedFirm.objects.count()
    other_zone_firm = carriers.platform.other
    data = _xlsx(
        ["孵化器编号", "统一社会信用代码", "企业或团队名称", "入驻日期", "离开日期"],
        [
            ["FH-001", "", "团队甲", "2024-01-01", ""],  # fine
            ["NOPE", "", "团队乙", "2024-01-01", ""],  # unknown incubator
            ["FH-001", other_zone_firm.uscc, "别区企业", "2024-01-01", ""],  # not in this zone's register
            ["FH-001", "", "团队丙", "2024-05-01", "2024-01-01"],  # left before it entered
            ["FH-001", "", "团队丁", "不是日期", ""],  # not a date
        ],
    )
    _upload(c, "firms", data)
    rec = TableImport.objects.latest("pk")
    assert rec.status == "refused" and IncubatedFirm.objects.count() == before
    found = {(p["row"], p["column"], p["cell"]) for p in rec.problems}
    assert {
        (3, "孵化器编号", "A3"),
        (4, "统一社会信用代码", "B4"),
        (5, "离开日期", "E5"),
        (6, "入驻日期", "D6"),
    } <= found
    page = c.get(f"/carriers/imports/{rec.pk}/").content.decode()
    assert "NOPE" in page and other_zone_firm.uscc in page and ">A3<" in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(c.get(f"/carriers/imports/{rec.pk}/problems.xlsx").content)
    ).active
    listed = list(sheet.iter_rows(values_only=True))
    assert listed[0][:3] == ("行", "列", "单元格") and (3, "孵化器编号", "A3") in {r[:3] for r in listed[1:]}
    assert carriers.client("zone_admin_b").get(f"/carriers/imports/{rec.pk}/problems.xlsx").status_code == 404


def test_reserve_import_refuses_a_stage_going_back(carriers):
    c = carriers.client("zone_admin")
    r = ReserveFirm.objects.filter(zone=carriers.platform.zone_a, stage="approved").first()
    data = _xlsx(["统一社会信用代码", "当前阶段", "阶段日期"], [[r.enterprise.uscc, "股改", "2024-01-01"]])
    _upload(c, "reserve", data)
    rec = TableImport.objects.latest("pk")
    assert rec.status == "refused" and rec.problems[0]["column"] == "当前阶段" and rec.problems[0]["row"] == 2
    r.refresh_from_db()
    assert r.stage == "approved"


def test_templates_and_exports_open_and_carry_the_results(carriers):
    c = carriers.client("zone_admin")
    for kind in ("incubators", "firms", "reserve"):
        r = c.get(f"/carriers/templates/{kind}.xlsx")
        assert r.status_code == 200 and r.content[:2] == b"PK"
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/carriers/export/graduates.xlsx").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert len(rows) == 4 and all("高新技术企业证书" in (row[5] or "") for row in rows[1:])
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/carriers/export/payments.xlsx").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert len(rows) == 2 and "拨付" in rows[1]
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/carriers/export/rewards.xlsx").content))
    assert len(list(wb.active.iter_rows(values_only=True))) > 1
    assert c.get("/carriers/export/nothing.xlsx").status_code == 404
    # an enterprise may not import
    assert _upload(carriers.client("enterprise"), "incubators", b"x").status_code == 403
