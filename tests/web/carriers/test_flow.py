"""The issue's "done when", on the demo state: a zone officer sees its incubators against the national
conditions, this year's graduates and why, the listing pipeline with each firm's nearest standard, and a
challenge taken from publication through review to a first milestone payment — then the next steps
(milestone accepted → payment 2; termination → clawback), each audited in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.web.accounts.audit_labels import ACTIONS
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.carriers import services
from gaoxin.web.carriers.models import (
    ChallengeReview,
    Contract,
    IncubatedFirm,
    Milestone,
    Payment,
    RewardPayment,
    StageEvent,
)

pytestmark = pytest.mark.django_db


def test_the_zone_home_shows_conditions_graduates_pipeline_and_challenge(carriers):
    html = carriers.client("zone_admin").get("/carriers/").content.decode()
    assert carriers.incubator.name in html and 'id="stat-graduates">3<' in html
    grads = IncubatedFirm.objects.filter(
        incubator__zone=carriers.platform.zone_a, graduation_year=services.today().year
    )
    assert grads.count() == 3
    for g in grads:
        assert g.graduation_criterion == "hightech" and "高新技术企业证书" in g.graduation_evidence[0]["text"]
        assert g.graduation_evidence[0]["text"] in html
    assert carriers.challenge.title in html
    page = (
        carriers.client("zone_admin").get(f"/carriers/incubators/{carriers.incubator.pk}/").content.decode()
    )
    assert 'data-code="firms"' in page and 'data-code="density"' in page  # each condition, with value and gap


def test_the_reserve_shows_each_firms_nearest_standard_and_the_stalled_one(carriers):
    views = services.reserve_views(carriers.platform.zone_a, services.today(), 2024)
    assert len(views) == 8
    assert all(v.nearest is not None and 1 <= v.nearest.number <= 5 for v in views)
    assert [v.stalled_days is not None for v in views].count(True) == 1
    html = carriers.client("zone_admin").get("/carriers/reserve/", {"stalled": "1"}).content.decode()
    assert html.count('class="stalled"') == 1


def test_the_challenge_reached_its_first_payment_with_the_conflicted_expert_left_out(carriers):
    ch = carriers.challenge
    assert ch.status == "contracted"
    conflicted = ChallengeReview.objects.get(application__challenge=ch, conflict=True)
    assert conflicted.expert.user.username == "expert4" and conflicted.total is None
    contract = Contract.objects.get(application__challenge=ch)
    assert [m.share for m in contract.milestones.all()] == [Decimal("0.6"), Decimal("0.2"), Decimal("0.2")]
    assert list(contract.payments.values_list("number", "amount")) == [(1, Decimal("270"))]  # 60 % of 450
    assert services.payment_due(contract) is None  # payment 2 waits for milestone 1
    # the conflicted expert cannot score, even by posting the form
    c = carriers.client("expert4")
    ch.status = "review"
    ch.save()
    r = c.post(
        f"/carriers/reviews/{conflicted.pk}/",
        {
            "action": "score",
            **{f"c_{k}": "10" for k in ("route", "team", "indicators", "budget", "transfer")},
        },
    )
    conflicted.refresh_from_db()
    assert conflicted.total is None and r.status_code == 400


def test_milestone_acceptance_releases_payment_two_and_termination_claws_back(carriers):
    ch = carriers.challenge
    contract = Contract.objects.get(application__challenge=ch)
    m1 = contract.milestones.get(number=1)
    c = carriers.client("zone_admin")
    url = f"/carriers/challenges/{ch.pk}/action/"
    today = services.today().isoformat()
    # acceptance without evidence is refused
    c.post(
        url, {"action": "milestone", "milestone": m1.pk, "decision": "accept", "on": today, "evidence": ""}
    )
    assert Milestone.objects.get(pk=m1.pk).status == "pending"
    c.post(
        url,
        {
            "action": "milestone",
            "milestone": m1.pk,
            "decision": "accept",
            "on": today,
            "evidence": "检测报告 No.1",
        },
    )
    assert Milestone.objects.get(pk=m1.pk).status == "accepted"
    c.post(url, {"action": "pay", "contract": contract.pk})
    c.post(url, {"action": "pay", "contract": contract.pk})  # never twice
    assert list(contract.payments.filter(kind="payment").values_list("number", "amount")) == [
        (1, Decimal("270")),
        (2, Decimal("90")),
    ]
    c.post(url, {"action": "terminate", "contract": contract.pk, "on": today, "reason": "指标无法达成"})
    contract.refresh_from_db()
    # payment 1 funded milestone 1 (passed: kept); payment 2 funds milestone 2 (not passed: clawed back)
    assert contract.status == "terminated" and contract.clawback == Decimal("90")
    assert Payment.objects.get(contract=contract, kind="clawback").amount == Decimal("-90")
    codes = set(AuditEvent.objects.filter(action__startswith="carriers_").values_list("action", flat=True))
    assert {"carriers_milestone", "carriers_payment", "carriers_contract_terminated"} <= codes
    assert codes <= set(ACTIONS)  # every action the app records has a label


def test_stage_advance_and_reward_paid_once_net_of_what_was_paid(carriers):
    r = carriers.reserve  # the stalled firm, at 入库
    c = carriers.client("zone_admin")
    url = f"/carriers/reserve/{r.pk}/action/"
    day = services.today()
    c.post(
        url, {"action": "advance", "stage": "shareholding", "on": (day - dt.timedelta(days=10)).isoformat()}
    )
    c.post(
        url,
        {
            "action": "advance",
            "stage": "tutoring_filed",
            "on": day.isoformat(),
            "evidence": "辅导备案号 2025-01",
        },
    )
    r.refresh_from_db()
    assert r.stage == "tutoring_filed"
    assert StageEvent.objects.get(reserve=r, stage="tutoring_filed").evidence == "辅导备案号 2025-01"
    # a stage back, or a date in the future, is refused
    c.post(url, {"action": "advance", "stage": "shareholding", "on": day.isoformat()})
    c.post(url, {"action": "advance", "stage": "listed", "on": (day + dt.timedelta(days=1)).isoformat()})
    r.refresh_from_db()
    assert r.stage == "tutoring_filed"
    # the clerk may record stages but not pay
    assert (
        carriers.client("clerk").post(url, {"action": "pay_reward", "stage": "tutoring_filed"}).status_code
        == 403
    )
    c.post(url, {"action": "pay_reward", "stage": "tutoring_filed", "reference": "拨付单 1"})
    c.post(url, {"action": "pay_reward", "stage": "tutoring_filed", "reference": "拨付单 2"})
    assert list(RewardPayment.objects.filter(reserve=r).values_list("stage", "amount")) == [
        ("tutoring_filed", Decimal("20"))
    ]
    view = services.reserve_views(r.zone, day, 2024, only=r)[0]
    assert view.rewards_due == [] and view.stalled_days is None


def test_a_firm_submits_a_need_and_applies_to_a_published_challenge(carriers):
    p = carriers.platform
    firm = carriers.client("enterprise_b")
    firm.post("/carriers/mine/", {"title": "耐高温涂层", "description": "需要"})
    from gaoxin.web.carriers.models import ChallengeApplication, Need

    assert Need.objects.get(enterprise=p.other).zone == p.zone_b
    url = f"/carriers/challenges/{carriers.challenge_b.pk}/action/"
    firm.post(url, {"action": "apply", "plan": "方案", "budget": "100", "requested": "120", "cofunding": "0"})
    assert not ChallengeApplication.objects.filter(lead=p.other).exists()  # above the ceiling of 100
    firm.post(url, {"action": "apply", "plan": "方案", "budget": "100", "requested": "60", "cofunding": "40"})
    app = ChallengeApplication.objects.get(lead=p.other)
    assert app.requested == Decimal("60") and app.submitted_by == p.users["enterprise_b"]
    # a firm of another zone cannot apply (the challenge does not exist for it)
    assert (
        carriers.client("enterprise")
        .post(url, {"action": "apply", "plan": "x", "budget": "1", "requested": "1", "cofunding": "0"})
        .status_code
        == 404
    )


def test_the_profile_panel_for_the_zone_and_the_firm(carriers):
    from gaoxin.web.carriers.panels import carriers_panel

    lead = Contract.objects.get(application__challenge=carriers.challenge).application.lead
    zone_view = carriers_panel(carriers.platform.users["zone_admin"], lead)
    assert zone_view and zone_view["incubations"] and zone_view["applications"]
    assert carriers_panel(carriers.platform.users["zone_admin_b"], lead) is None
    assert carriers_panel(carriers.platform.users["bank"], lead) is None
    own = carriers_panel(carriers.platform.users["enterprise_b"], carriers.platform.other)
    assert own and own["reserve"] == carriers.reserve_b
    html = carriers.client("zone_admin").get(f"/registry/enterprises/{lead.pk}/").content.decode()
    assert 'id="carriers-panel"' in html
    mine = carriers.client("enterprise_b").get("/registry/my-enterprise/").content.decode()
    assert 'id="carriers-panel"' in mine and carriers.reserve_b.get_stage_display() in mine
    assert (
        'id="carriers-panel"'
        not in carriers.client("bank").get(f"/registry/enterprises/{lead.pk}/").content.decode()
    )


def test_rewards_due_are_handed_to_the_policy_engine_once_and_net_of_paid(carriers):
    from gaoxin.web.policy.models import Fact

    zone = carriers.platform.zone_a
    due = [
        (v.reserve.enterprise_id, r.stage, r.amount)
        for v in services.reserve_views(zone, services.today(), 2024)
        for r in v.rewards_due
    ]
    assert due  # the demo reserve has firms past 辅导备案
    c = carriers.client("zone_admin")
    assert carriers.client("clerk").post("/carriers/reserve/rewards-to-policy/").status_code == 403
    c.post("/carriers/reserve/rewards-to-policy/")
    c.post("/carriers/reserve/rewards-to-policy/")  # again: the same facts, not twice
    facts = Fact.objects.filter(zone=zone, name=services.POLICY_FACT)
    assert sorted((f.enterprise_id, f.item, f.value) for f in facts) == sorted(due)
    assert AuditEvent.objects.filter(action="carriers_rewards_to_policy").count() == 2


def test_needs_are_proposed_from_the_chains_gaps_once(carriers):
    from gaoxin.web.carriers.models import Need
    from gaoxin.web.investment.models import Chain, ChainNode

    zone = carriers.platform.zone_a
    chain = Chain.objects.create(zone=zone, name="传感器")
    ChainNode.objects.create(chain=chain, name="MEMS芯片")  # no local firm on it: a gap
    other = Chain.objects.create(zone=carriers.platform.zone_b, name="乙链")
    ChainNode.objects.create(chain=other, name="乙环节")
    c = carriers.client("zone_admin")
    assert carriers.client("clerk").post("/carriers/challenges/needs-from-chains/").status_code == 403
    c.post("/carriers/challenges/needs-from-chains/")
    c.post("/carriers/challenges/needs-from-chains/")  # again: nothing new
    made = Need.objects.filter(source="chain")
    assert [(n.zone_id, n.chain_node) for n in made] == [(zone.pk, "传感器 · MEMS芯片")]
    assert "MEMS芯片" in c.get("/carriers/challenges/").content.decode()


def test_a_criterion_met_before_entry_graduates_the_firm_in_its_entry_year(carriers):
    from gaoxin.carriers import incubators as core_inc
    from gaoxin.web.registry.models import Enterprise

    zone, admin = carriers.platform.zone_a, carriers.platform.users["zone_admin"]
    taken = set(IncubatedFirm.objects.exclude(enterprise=None).values_list("enterprise_id", flat=True))
    firms = list(Enterprise.objects.filter(zone=zone).exclude(pk__in=taken))
    records = services.firm_records([e.pk for e in firms])
    day = services.today()
    early = next(
        e
        for e in firms
        if (g := core_inc.detect_graduation(records[e.pk], day)).graduated and g.year < day.year - 1
    )
    f = services.add_firm(
        carriers.incubator, admin, name=early.name, enterprise=early, entered=dt.date(day.year - 1, 6, 1)
    )
    services.detect_graduations(zone, day, admin)
    f.refresh_from_db()
    assert f.graduation_year == day.year - 1 and f.graduation_evidence  # not before it entered
