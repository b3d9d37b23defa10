"""The policy step of ``gaoxin demo``: the five seeded example policies as drafts (marked as examples),
the department facts they declare, a budget simulation of the 砀山 R&D reward and its official list in
公示; from there the office takes it to a payment batch without a spreadsheet (the issue's "done when")."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl

from gaoxin.web.policy import demo, services
from gaoxin.web.policy.models import Award, Fact, LedgerEntry, MatchRun, Policy
from gaoxin.web.registry.models import AnnualReport, ImportBatch
from tests.web.demo_steps import demo_context


def test_demo_step_from_draft_to_payment(platform):
    p = platform
    admin = p.users["zone_admin"]
    ctx = demo_context(p, {"zone_admin": admin, "firm": p.users["enterprise"]}, p.unlisted)
    demo.populate(ctx)
    assert ctx.report and "政策兑现" in ctx.report[0]
    # the simulated total in 万元 with two decimals and separators (it printed 834.510091 万元)
    assert re.search(r"（\d{1,3}(,\d{3})*\.\d{2} 万元）", ctx.report[0]), ctx.report[0]
    policies = Policy.objects.filter(zone=p.zone_a)
    assert policies.count() == 5 and all("示例" in x.title for x in policies)
    assert set(policies.values_list("status", flat=True)) == {"draft", "published"}
    firms = p.zone_a.enterprises.count()
    # 规上 and 地方综合贡献度 are dictionary fields: they land in the register, the department as source
    batch = ImportBatch.objects.get(zone=p.zone_a, department="税务局（演示）")
    reports = AnnualReport.objects.filter(enterprise__zone=p.zone_a, year=ctx.year)
    assert reports.filter(local_contribution__isnull=False).count() == firms
    assert all(r.sources["local_contribution"] == batch.pk for r in reports)
    assert not Fact.objects.filter(name__in=["local_contribution", "above_scale"]).exists()
    assert Fact.objects.filter(zone=p.zone_a, name="city_hightech_award").count() == firms
    dangshan = policies.get(code="dangshan-rd", status="published")
    sim = dangshan.runs.get(kind=MatchRun.Kind.SIMULATION)
    official = dangshan.runs.get(kind=MatchRun.Kind.OFFICIAL)
    assert official.status == MatchRun.Status.PUBLICITY
    assert sim.lines_sha256 == official.lines_sha256  # same data, same list
    winners = official.awards.filter(status=Award.Status.MATCHED).order_by("rank")
    assert 0 < winners.count() <= 20  # at most 20 firms by R&D

    # the office takes it on: the first winner confirms, the window passes, the batch is paid
    first = winners.first()
    services.confirm(
        first, admin, account_name=first.enterprise.name, account_bank="工行", account_no="62220000"
    )
    services.close_publicity(official, admin, today=dt.date.today() + dt.timedelta(days=8))
    batch = services.create_batch(official, admin)
    assert batch.total == first.amount > 0
    sheet = openpyxl.load_workbook(io.BytesIO(services.batch_xlsx(batch))).active
    assert sheet.cell(2, 1).value == first.enterprise.uscc
    services.mark_paid(batch, admin)
    entry = LedgerEntry.objects.get(award=first)
    assert entry.amount == first.amount and entry.policy_code == "dangshan-rd"
