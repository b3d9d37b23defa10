"""Corrections: an enterprise proposes, a zone administrator approves or rejects, history keeps it all.

The flow end to end through the pages; the checks a proposal goes through (the dictionary's types,
bounds, choices and relations, as an import checks a cell); who may see and decide what.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.registry.models import AnnualReport, ChangeRecord, Correction, Enterprise
from gaoxin.web.registry.services.corrections import (
    CorrectionError,
    decide_correction,
    parse_value,
    submit_correction,
)
from tests.web.conftest import YEAR

MINE = "/registry/my-enterprise/"
CORRECTIONS = "/registry/corrections/"


def decide_url(c: Correction) -> str:
    return f"/registry/corrections/{c.pk}/decide/"


def test_a_correction_end_to_end_with_history(platform):
    firm = platform.unlisted
    report = AnnualReport.objects.get(enterprise=firm, year=YEAR)
    old = report.revenue
    new = (old or Decimal(0)) + Decimal("12345.6789")  # larger: main and high-tech revenue stay below it
    typed = f"{new:,f}"  # with thousands separators, as people type it
    me = platform.client("enterprise")

    response = me.post(
        MINE,
        {
            "field": "revenue",
            "year": str(YEAR),
            "proposed": typed,
            "reason": "审计报告调整后的营业收入",
        },
    )
    assert response.status_code == 302 and response["Location"] == MINE
    c = Correction.objects.get(enterprise=firm)
    assert (c.status, c.field, c.year, c.proposed, c.submitted_by) == (
        "pending",
        "revenue",
        YEAR,
        format(new.normalize(), "f"),
        platform.users["enterprise"],
    )
    assert c.current == (format(old.normalize(), "f") if old is not None else "")
    page = me.get(MINE).content.decode()
    assert f'data-correction="{c.pk}"' in page and "待审核" in page

    # the zone's staff see it; the clerk may not decide; another zone does not even see it
    listing = platform.client("zone_admin").get(CORRECTIONS).content.decode()
    assert f'data-correction="{c.pk}"' in listing and decide_url(c) in listing
    clerk = platform.client("clerk")
    listing = clerk.get(CORRECTIONS).content.decode()
    assert f'data-correction="{c.pk}"' in listing and decide_url(c) not in listing
    assert clerk.post(decide_url(c), {"action": "approve"}).status_code == 403
    assert platform.client("zone_admin_b").get(CORRECTIONS).context["page"].paginator.count == 0
    assert platform.client("zone_admin_b").post(decide_url(c), {"action": "approve"}).status_code == 404
    assert platform.client("enterprise_b").post(decide_url(c), {"action": "approve"}).status_code == 404
    assert (
        me.post(decide_url(c), {"action": "approve"}).status_code == 403
    )  # its own, but firms do not decide
    c.refresh_from_db()
    assert c.status == "pending"

    # the zone administrator approves: the value changes, with provenance and history
    admin = platform.client("zone_admin")
    response = admin.post(decide_url(c), {"action": "approve", "note": "与审计报告一致"})
    assert response.status_code == 302
    c.refresh_from_db()
    report.refresh_from_db()
    assert c.status == "approved" and c.decided_by == platform.users["zone_admin"] and c.decided is not None
    assert report.revenue == new
    assert report.sources["revenue"] == f"correction:{c.pk}"
    change = ChangeRecord.objects.get(enterprise=firm, field="revenue", correction=c)
    assert (change.year, change.new, change.user) == (YEAR, c.proposed, platform.users["zone_admin"])
    assert change.old == c.current

    # the firm sees the decision and the history names the correction
    page = me.get(MINE).content.decode()
    assert "已批准" in page and "与审计报告一致" in page
    profile = me.get(f"/registry/enterprises/{firm.pk}/").context["p"]
    assert profile.changes[0]["source"] == f"企业更正 #{c.pk}"
    assert profile.changes[0]["new"] == c.proposed
    actions = list(
        AuditEvent.objects.filter(object_type="correction", object_id=str(c.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["approve_correction", "submit_correction"]

    # decided once: a second decision is refused with a message, nothing changes
    admin.post(decide_url(c), {"action": "reject", "note": "x"})
    c.refresh_from_db()
    assert c.status == "approved"


def test_an_enterprise_field_correction_rejected_with_a_note_then_approved(platform):
    firm, user = platform.unlisted, platform.users["enterprise"]
    target = next(f for f in ("新材料", "电子信息") if f != firm.tech_field)
    c = submit_correction(user, firm, "tech_field", None, target, "主营业务已转向新材料")
    admin = platform.client("zone_admin")
    admin.post(decide_url(c), {"action": "reject", "note": ""})
    c.refresh_from_db()
    assert c.status == "pending"  # refused: a rejection needs a note
    admin.post(decide_url(c), {"action": "reject", "note": "请提供高新技术企业证书"})
    c.refresh_from_db()
    firm.refresh_from_db()
    assert c.status == "rejected" and c.decision_note == "请提供高新技术企业证书"
    assert firm.tech_field != target and not ChangeRecord.objects.filter(correction=c).exists()
    page = platform.client("enterprise").get(MINE).content.decode()
    assert "已驳回" in page and "请提供高新技术企业证书" in page

    # asked again, with the certificate: approved, the enterprise itself changes
    with transaction.atomic():
        c = submit_correction(user, firm, "tech_field", None, target, "已附证书")
        decide_correction(platform.users["zone_admin"], c, approve=True)
    firm.refresh_from_db()
    assert firm.tech_field == target and firm.sources["tech_field"] == f"correction:{c.pk}"
    change = ChangeRecord.objects.get(correction=c)
    assert change.year is None and change.field == "tech_field" and change.new == target


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employees", "-3", "不能为负数"),
        ("employees", "十二", "不是有效的数字"),
        ("employees", "12.5", "不是整数"),
        ("revenue", "abc", "不是有效的数字"),
        ("niche_market_share", "1.5", "不能大于1"),
        ("tech_field", "量子玄学", "不在可选值中"),
        ("established", "2020", "只有年份"),
        ("serious_dishonesty", "也许", "不是有效的是/否值"),
    ],
)
def test_a_proposal_is_checked_as_an_import_checks_a_cell(field, value, message):
    with pytest.raises(CorrectionError) as err:
        parse_value(field, value, uscc="91110108551385082Q", year=YEAR)
    assert message in str(err.value)


def test_accepted_forms_are_read_as_an_import_reads_them():
    uscc = "91110108551385082Q"
    assert parse_value("revenue", "1,234.5", uscc=uscc, year=YEAR).value == Decimal("1234.5000")
    assert parse_value("employees", "１２０人", uscc=uscc, year=YEAR).value == 120
    assert parse_value("niche_market_share", "35%", uscc=uscc, year=YEAR).value == Decimal("0.35")
    assert parse_value("serious_dishonesty", "否", uscc=uscc, year=YEAR).value is False
    assert str(parse_value("established", "2019年3月5日", uscc=uscc).value) == "2019-03-05"


def test_refusals_name_the_fault(platform):
    firm, user = platform.unlisted, platform.users["enterprise"]
    report = AnnualReport.objects.get(enterprise=firm, year=YEAR)

    def refused(*args) -> str:
        with pytest.raises(CorrectionError) as err:
            submit_correction(user, firm, *args)
        return str(err.value)

    assert "理由" in refused("revenue", YEAR, "100", "  ")
    assert "不能在此更正" in refused("uscc", None, "91110108551385082Q", "x")
    assert "没有 1990 年的年报" in refused("revenue", 1990, "100", "x")
    assert "年度" in refused("revenue", None, "100", "x")
    report.employees, report.rd_staff = 50, 10
    report.save()
    assert "相同" in refused("employees", YEAR, "50", "x")
    # R&D staff may not exceed employees: the relation the import checks
    assert "研发人员数(51) 大于 职工总数(50)" in refused("rd_staff", YEAR, "51", "x")
    submit_correction(user, firm, "taxes_paid", YEAR, "777", "x")
    assert "等待审核" in refused("taxes_paid", YEAR, "778", "x")
    assert Correction.objects.filter(enterprise=firm).count() == 1

    # through the page: the message is shown and what was typed is kept
    response = platform.client("enterprise").post(
        MINE, {"field": "employees", "year": str(YEAR), "proposed": "-5", "reason": "录入错误"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "不能为负数" in page and 'value="-5"' in page and "录入错误" in page
    assert Correction.objects.filter(enterprise=firm).count() == 1


def test_only_the_firms_own_users_submit_and_only_for_their_firm(platform):
    with pytest.raises(PermissionDenied):
        submit_correction(platform.users["enterprise"], platform.other, "revenue", YEAR, "1", "x")
    with pytest.raises(PermissionDenied):
        submit_correction(platform.users["zone_admin"], platform.unlisted, "revenue", YEAR, "1", "x")
    c = submit_correction(platform.users["enterprise"], platform.unlisted, "taxes_paid", YEAR, "1", "x")
    with pytest.raises(PermissionDenied):
        decide_correction(platform.users["clerk"], c, approve=True)
    with pytest.raises(PermissionDenied):
        decide_correction(platform.users["zone_admin_b"], c, approve=True)
    # another firm's user sees nothing of it, anywhere
    other = platform.client("enterprise_b")
    assert f'data-correction="{c.pk}"' not in other.get(MINE).content.decode()
    assert other.get(CORRECTIONS).status_code == 403
    assert not Correction.objects.filter(
        pk=c.pk, enterprise=Enterprise.objects.get(pk=platform.other.pk)
    ).exists()
    # the platform administrator may decide for any zone
    decide_correction(platform.users["platform_admin"], c, approve=False, note="数值明显有误")
    c.refresh_from_db()
    assert c.status == "rejected"
