"""赛马: several teams funded to the first milestone, the best accepted milestone-1 score continues; the
others end there — a team that passed milestone 1 keeps payment 1, a team that failed it repays it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.web.accounts.models import Role, User
from gaoxin.web.carriers import services
from gaoxin.web.carriers.models import ChallengeReview, Contract
from gaoxin.web.registry.models import Enterprise

pytestmark = pytest.mark.django_db
CRITERIA = ("route", "team", "indicators", "budget", "transfer")


def test_race_to_the_first_milestone(platform):
    zone, admin = platform.zone_b, platform.users["zone_admin_b"]
    firms = list(Enterprise.objects.filter(zone=zone).order_by("uscc")[:8])
    today = services.today()
    ch = services.create_challenge(
        zone, admin, code="R-1", title="赛马榜", problem="p", indicators="i", ceiling=Decimal(300),
        deadline=today + dt.timedelta(days=5), race=True, funded=3,
    )  # fmt: skip
    services.publish(ch, today, admin)
    apps = [
        services.apply(
            ch, f, admin, plan="方案", budget=Decimal(200), requested=Decimal(100), cofunding=Decimal(100)
        )
        for f in firms[:3]
    ]
    for k, org in enumerate(firms[5:8]):
        u = User.objects.create_user(
            username=f"rx{k}", password="x-long-password-1", role=Role.ENTERPRISE, enterprise=org
        )
        services.add_expert(ch, u, admin)
    services.assign_all(ch, admin)
    services.start_review(ch, admin)
    points = {apps[0].pk: "15", apps[1].pk: "12", apps[2].pk: "9"}
    for r in ChallengeReview.objects.filter(application__challenge=ch):
        services.submit_review(r, dict.fromkeys(CRITERIA, points[r.application_id]), "", admin)
    chosen = services.select(ch, admin)
    assert [a.pk for a in chosen] == [a.pk for a in apps]  # all three funded to milestone 1
    contracts = []
    for a in chosen:
        c = services.sign_contract(
            a, admin, number=f"R-{a.pk}", signed_on=today, funding=Decimal(100),
            milestones=[("m1", today), ("m2", today), ("m3", today)],
        )  # fmt: skip
        services.pay(c, today, admin)
        contracts.append(c)
    with pytest.raises(services.CarrierError):
        services.settle_race(ch, today, admin)  # milestone 1 not decided yet
    m = [c.milestones.get(number=1) for c in contracts]
    services.decide_milestone(m[0], True, admin, evidence="报告A", on=today, score=Decimal(80))
    services.decide_milestone(m[1], True, admin, evidence="报告B", on=today, score=Decimal(91))
    services.decide_milestone(m[2], False, admin, evidence="", on=today)
    winner = services.settle_race(ch, today, admin)
    assert winner.pk == apps[1].pk  # the best milestone-1 score, not the best review score
    status = {c.pk: Contract.objects.get(pk=c.pk) for c in contracts}
    assert status[contracts[1].pk].status == "active"
    assert status[contracts[0].pk].status == "terminated" and status[contracts[0].pk].clawback == 0
    assert status[contracts[2].pk].status == "terminated" and status[contracts[2].pk].clawback == Decimal(
        "60"
    )
