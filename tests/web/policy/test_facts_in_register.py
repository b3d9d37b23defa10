"""Department facts that are data-dictionary fields (规上, 地方综合贡献度, 迁出, 房地产; issue 12) live in
the register: a fact sheet imported by the policy office lands in the annual report with the department
as source, a change leaves a ChangeRecord, and a match reads the register — whoever brought the value."""

from __future__ import annotations

from decimal import Decimal as D

from gaoxin.policy.model import BUILTIN_INPUTS, FACT_FIELDS
from gaoxin.web.policy import bulk_io, services
from gaoxin.web.policy.models import Fact
from gaoxin.web.registry.models import AnnualReport, ChangeRecord, Enterprise, ImportBatch
from gaoxin.web.registry.services import apply_report_values

YEAR = 2025
TEXT = """
code: register-facts
title: 规上企业贡献奖励
doc_no: 测试〔2025〕9号
issuer: 测试区管委会
level: 区
valid: {from: 2025-01-01, to: 2025-12-31}
execution: 数据核校
exclusions: [moved_out, real_estate]
clauses:
  - id: contribution
    title: 规上企业按地方综合贡献度的10%奖励
    when: [{if: above_scale, label: 规模以上企业}]
    amount: local_contribution * 0.1
"""


def test_the_department_facts_are_dictionary_fields_not_builtin_inputs():
    assert set(FACT_FIELDS) == {"above_scale", "local_contribution", "moved_out", "real_estate"}
    assert BUILTIN_INPUTS == {}


def test_an_imported_fact_is_read_from_the_register(platform):
    admin, clerk = platform.users["zone_admin"], platform.users["clerk"]
    p = services.save_draft(platform.zone_a, TEXT, admin)
    core = services.parsed(p)
    # the template still asks the department for every fact the policy reads, by its Chinese label
    assert [c.zh for c in bulk_io.firm_columns(core)] == [
        "统一社会信用代码",
        "年度",
        "规模以上企业",
        "上年度地方综合贡献度（万元）",
        "已迁出或公示期内迁出本区",
        "房地产企业",
    ]
    a, b, c = Enterprise.objects.filter(zone=platform.zone_a).order_by("uscc")[:3]
    AnnualReport.objects.filter(enterprise__in=[a, b, c], year=YEAR).update(
        above_scale=None, local_contribution=None, moved_out=None, real_estate=None
    )
    services.put_register_facts(
        platform.zone_a,
        [
            (a, YEAR, "above_scale", True),
            (a, YEAR, "local_contribution", D("250")),
            (b, YEAR, "above_scale", True),
            (b, YEAR, "local_contribution", D("80")),
            (b, YEAR, "moved_out", True),  # excluded: moved out
        ],
        department="统计局",
        file_name="规上名单.xlsx",
        user=clerk,
    )
    assert not Fact.objects.exists()  # nothing outside the register
    batch = ImportBatch.objects.get(zone=platform.zone_a, department="统计局")
    ra = AnnualReport.objects.get(enterprise=a, year=YEAR)
    assert (ra.above_scale, ra.local_contribution) == (True, D("250"))
    assert ra.sources["local_contribution"] == batch.pk

    # a value the register received another way (the tax bureau's own import) is read the same way
    tax = apply_report_values(
        platform.zone_a,
        [{"uscc": c.uscc, "year": YEAR, "above_scale": True, "local_contribution": 40.0}],
        file_name="税务局-贡献度.xlsx",
        department="税务局",
        user=clerk,
    )
    run = services.match(p, YEAR, admin)
    awards = {x.enterprise_id: x for x in run.awards.all()}
    assert awards[a.pk].eligible and awards[a.pk].amount == D("25")  # 250 × 10 %
    assert not awards[b.pk].eligible  # moved out
    assert awards[c.pk].eligible and awards[c.pk].amount == D("4")
    source = {s["column"]: s["source"] for ch in awards[a.pk].checks for s in ch["sources"]}
    assert source["above_scale"].startswith("统计局 · 规上名单.xlsx")
    source_c = {s["column"]: s["source"] for ch in awards[c.pk].checks for s in ch["sources"]}
    assert source_c["above_scale"].startswith("税务局 · 税务局-贡献度.xlsx") and tax is not None


def test_a_corrected_fact_changes_the_register_and_keeps_the_history(platform):
    clerk = platform.users["clerk"]
    a = Enterprise.objects.filter(zone=platform.zone_a).order_by("uscc").first()
    AnnualReport.objects.filter(enterprise=a, year=YEAR).update(local_contribution=None)
    services.put_fact(
        platform.zone_a, a, YEAR, "local_contribution", D("100"), department="税务局", user=clerk
    )
    services.put_fact(
        platform.zone_a, a, YEAR, "local_contribution", D("120"), department="税务局", file_name="更正.xlsx"
    )
    r = AnnualReport.objects.get(enterprise=a, year=YEAR)
    assert r.local_contribution == D("120")
    change = ChangeRecord.objects.filter(enterprise=a, year=YEAR, field="local_contribution").first()
    assert (D(change.old), D(change.new)) == (D("100"), D("120"))
    assert change.batch.file_name == "更正.xlsx" and r.sources["local_contribution"] == change.batch_id
    # supplying the same value again changes nothing and leaves no batch
    n = ImportBatch.objects.count()
    services.put_fact(platform.zone_a, a, YEAR, "local_contribution", 120, department="税务局")
    assert ImportBatch.objects.count() == n
