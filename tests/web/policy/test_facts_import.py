"""Department facts in and out of Excel: the template of a policy has its inputs as Chinese headers; a
file with any bad cell or unknown firm changes nothing and names row and column; a good one stores each
value with its department and file, and a match then reads it and names that source."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl

from gaoxin.io.tables import Column, Sheet, to_bytes
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.policy import bulk_io, services
from gaoxin.web.policy.models import Fact, MatchRun
from gaoxin.web.registry.models import AnnualReport, Enterprise, ImportBatch

YEAR = 2024
TEXT = """
code: facts-test
title: 规上企业贡献奖励
doc_no: 测试〔2025〕3号
issuer: 测试区管委会
level: 区
valid: {from: 2024-01-01, to: 2026-12-31}
execution: 数据核校
inputs:
  - {id: city_award, zh: 市级奖励金额, type: money}
clauses:
  - id: contribution
    title: 规上企业按地方综合贡献度的10%奖励
    when: [{if: above_scale, label: 规模以上企业}]
    amount: local_contribution * 0.1 + city_award
"""


def _text(columns):
    return [Column(c.id, c.zh, c.en) for c in columns]


def _file(core, rows):
    return to_bytes([Sheet(bulk_io.FIRM_SHEET, _text(bulk_io.firm_columns(core)), rows)])


def test_template_import_and_source(platform):
    admin, clerk = platform.users["zone_admin"], platform.users["clerk"]
    p = services.save_draft(platform.zone_a, TEXT, admin)
    core = services.parsed(p)
    office = platform.client("zone_admin")
    r = office.get(f"/policy/{p.pk}/facts/?template=1")
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(r.content))[bulk_io.FIRM_SHEET][1]]
    assert headers == [
        "统一社会信用代码",
        "年度",
        "市级奖励金额（万元）",
        "规模以上企业",
        "上年度地方综合贡献度（万元）",
    ]

    a, b = Enterprise.objects.filter(zone=platform.zone_a).order_by("uscc")[:2]
    # the register does not know these facts of the two firms yet (the synthetic data has them)
    AnnualReport.objects.filter(enterprise__in=[a, b], year=YEAR).update(
        above_scale=None, local_contribution=None
    )
    other = platform.other  # a firm of zone B
    first = {
        "uscc": a.uscc,
        "year": str(YEAR),
        "above_scale": "是",
        "local_contribution": "120",
        "city_award": "3",
    }
    bad = _file(
        core,
        [
            first,
            {"uscc": other.uscc, "year": str(YEAR), "above_scale": "是"},
            {"uscc": b.uscc, "year": str(YEAR), "above_scale": "也许", "local_contribution": "abc"},
        ],
    )
    out = bulk_io.import_facts(platform.zone_a, core, bad, "统计局.xlsx", "统计局", clerk)
    assert not out.ok and not Fact.objects.exists()  # nothing stored
    where = {(x.row, x.column) for x in out.problems}
    assert (4, "规模以上企业") in where and (4, "上年度地方综合贡献度（万元）") in where
    clerk_client = platform.client("clerk")
    page = clerk_client.post(
        f"/policy/{p.pk}/facts/", {"file": io.BytesIO(bad), "department": "统计局"}, format="multipart"
    )
    assert page.status_code == 400 and "本园区登记库中没有这个统一社会信用代码" in page.content.decode()

    good = _file(
        core,
        [
            first,
            {"uscc": b.uscc, "year": str(YEAR), "above_scale": "否", "local_contribution": "80"},
        ],
    )
    upload = io.BytesIO(good)
    upload.name = "统计局-规上名单.xlsx"
    r = clerk_client.post(f"/policy/{p.pk}/facts/", {"file": upload, "department": "统计局"})
    assert r.status_code == 200 and 'id="problems"' not in r.content.decode()
    # the declared input is a Fact; 规上 and 地方综合贡献度 are dictionary fields: into the register
    assert list(Fact.objects.filter(zone=platform.zone_a).values_list("name", flat=True)) == ["city_award"]
    f = Fact.objects.get(enterprise=a, name="city_award")
    assert f.value == D("3") and f.department == "统计局" and f.file_name == "统计局-规上名单.xlsx"
    batch = ImportBatch.objects.get(zone=platform.zone_a, department="统计局")
    assert batch.file_name == "统计局-规上名单.xlsx" and batch.status == ImportBatch.Status.APPLIED
    ra, rb = (AnnualReport.objects.get(enterprise=e, year=YEAR) for e in (a, b))
    assert ra.local_contribution == D("120") and ra.above_scale is True and rb.above_scale is False
    assert ra.sources["local_contribution"] == batch.pk == rb.sources["above_scale"]
    assert AuditEvent.objects.filter(action="policy_facts", user=clerk).exists()
    # the bank and zone B may not import
    assert platform.client("zone_admin_b").post(f"/policy/{p.pk}/facts/", {}).status_code == 404
    assert platform.client("bank").post(f"/policy/{p.pk}/facts/", {}).status_code in (403, 404)

    run = services.match(p, YEAR, admin, kind=MatchRun.Kind.SIMULATION)
    award = run.awards.get(enterprise=a)
    assert award.eligible and award.amount == D("15")  # 120 × 10 % + 3
    sources = {s["column"]: s["source"] for c in award.checks for s in c["sources"]}
    assert sources["above_scale"].startswith("统计局 · 统计局-规上名单.xlsx")
    assert not run.awards.get(enterprise=b).eligible
