"""The 免申即享 flow on the platform: draft → publish → official list → 公示 → confirm → batch → ledger,
with the ledger's 从高不重复 on a re-run, clawback, objections and the pages along the way."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.policy import services
from gaoxin.web.policy.models import Award, LedgerEntry, MatchRun, Policy

YEAR = 2025
TEXT = """
code: flow-test
title: 测试奖励
doc_no: 测试〔2025〕1号
issuer: 测试区管委会
level: 区
valid: {from: 2025-01-01, to: 2026-12-31}
execution: 资格定补
clauses:
  - id: revenue-award
    title: 有营业收入的企业奖励
    when: ["revenue >= 0 or true"]
    amount: 10
    group: flow
    split: {市: 50, 区: 50}
"""


@pytest.fixture
def flow(platform):
    admin = platform.users["zone_admin"]
    p = services.save_draft(platform.zone_a, TEXT, admin)
    services.publish_policy(p, admin)
    run = services.match(p, YEAR, admin, kind=MatchRun.Kind.OFFICIAL)
    return platform, p, run


def test_draft_to_ledger(flow):
    platform, p, run = flow
    admin, _firm_user = platform.users["zone_admin"], platform.users["enterprise"]
    mine = run.awards.get(enterprise=platform.unlisted)
    assert mine.status == Award.Status.MATCHED and mine.amount == D("10")
    assert mine.split == {"市": "5.000000", "区": "5.000000"}
    assert mine.checks[0]["sources"][0]["label"] == "营业收入"  # each value read, with its source
    assert run.lines_sha256 == services.match(p, YEAR, admin).lines_sha256  # a re-run gives the same list

    firm = platform.client("enterprise")
    assert firm.get(f"/policy/awards/{mine.pk}/").status_code == 404  # not published yet
    today = dt.date.today()
    services.open_publicity(run, today, today + dt.timedelta(days=5), admin)
    page = firm.get("/policy/mine/")
    assert page.status_code == 200 and "测试奖励" in page.content.decode()
    r = firm.post(
        f"/policy/awards/{mine.pk}/confirm/",
        {"account_name": "甲", "account_bank": "工行", "account_no": "6222 0000 1111"},
    )
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Award.Status.CONFIRMED and mine.account_no == "622200001111"

    with pytest.raises(services.PolicyFlowError):
        services.close_publicity(run, admin)  # still open
    waived = services.close_publicity(run, admin, today=today + dt.timedelta(days=6))
    assert waived == run.awards.filter(status=Award.Status.WAIVED).count() > 0  # silence is a waiver
    batch = services.create_batch(run, admin)
    assert batch.total == D("10")
    sheet = openpyxl.load_workbook(io.BytesIO(services.batch_xlsx(batch))).active
    assert sheet["A1"].value == "统一社会信用代码" and sheet["J2"].value == "622200001111"
    office = platform.client("zone_admin")
    assert office.get(f"/policy/batches/{batch.pk}/").status_code == 200
    assert office.get(f"/policy/batches/{batch.pk}/xlsx/").status_code == 200
    assert office.post(f"/policy/batches/{batch.pk}/paid/").status_code == 302
    assert office.get(f"/policy/awards/{mine.pk}/").status_code == 200
    assert office.get("/policy/ledger/").status_code == 200
    entry = LedgerEntry.objects.get(award=mine)
    assert entry.amount == D("10") and entry.group == "flow"
    # the list with its reasons and sources, and the ledger, as xlsx (each export audited)
    book = openpyxl.load_workbook(io.BytesIO(office.get(f"/policy/runs/{run.pk}/?export=1").content)).active
    head = [c.value for c in book[1]]
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in book.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == run.awards.count()
    own = rows[platform.unlisted.uscc]
    assert own["奖补金额（万元）"] == 10 and own["状态"] == "已拨付" and "营业收入" in own["数据来源"]
    ledger_book = openpyxl.load_workbook(io.BytesIO(office.get("/policy/ledger/?export=1").content)).active
    booked = list(ledger_book.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[6]) for r in booked] == [(platform.unlisted.uscc, 10)]
    assert AuditEvent.objects.filter(action="export", detail__what="policy_run").exists()

    again = services.match(p, YEAR, admin, kind=MatchRun.Kind.OFFICIAL)  # 从高不重复 against the ledger
    assert again.awards.get(enterprise=platform.unlisted).amount == D("0")

    mine.refresh_from_db()
    services.clawback(mine, admin, amount="4", reason="公示期内迁出")
    assert sum(e.amount for e in LedgerEntry.objects.filter(award=mine)) == D("6")
    codes = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "policy_draft",
        "policy_publish",
        "policy_match",
        "policy_confirm",
        "policy_batch",
        "policy_paid",
        "policy_clawback",
    } <= codes


def test_objection_is_decided_with_history(flow):
    platform, _p, run = flow
    admin = platform.users["zone_admin"]
    today = dt.date.today()
    services.open_publicity(run, today, today + dt.timedelta(days=5), admin)
    award = run.awards.filter(enterprise=platform.unlisted).first()
    obj = services.object_to(award, platform.users["enterprise"], reason="数据有误", evidence="审计报告")
    services.decide_objection(obj, admin, upheld=True, note="核实无误", amount=D("12"))
    award.refresh_from_db()
    assert award.amount == D("12") and award.status == Award.Status.MATCHED
    assert [e.action for e in award.events.all()][-2:] == ["objected", "objection_upheld"]


def test_a_bad_policy_file_is_refused_with_its_faults(platform):
    client = platform.client("zone_admin")
    r = client.post("/policy/new/", {"text": TEXT.replace("revenue >= 0", "revenu >= 0")})
    assert r.status_code == 200 and "unknown name &#x27;revenu&#x27;" in r.content.decode()
    assert not Policy.objects.exists()
    assert client.get("/policy/").status_code == 200
