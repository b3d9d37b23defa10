"""The carriers app's state for its tests: the demo step run on the platform fixture's zone A (three
carriers, graduations, a reserve, a challenge contracted to its first payment), plus a carrier, a
reserve firm and a published challenge in zone B — so every route can be tried across zones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.web.accounts.models import User
from gaoxin.web.carriers import demo, services
from gaoxin.web.carriers.models import Challenge, Incubator, ReserveFirm
from gaoxin.web.registry.models import Enterprise
from tests.web.demo_steps import demo_context


@dataclass
class Carriers:
    platform: object
    challenge: Challenge  # zone A's, contracted
    incubator: Incubator  # zone A's national incubator
    reserve: ReserveFirm  # a zone A reserve firm
    incubator_b: Incubator
    reserve_b: ReserveFirm
    challenge_b: Challenge  # zone B's, published
    experts: dict  # username → User

    def client(self, who: str) -> Client:
        c = Client()
        c.force_login(self.experts[who] if who in self.experts else self.platform.users[who])
        return c


@pytest.fixture
def carriers(platform, tmp_path) -> Carriers:
    p = platform
    users = {"zone_admin": p.users["zone_admin"], "admin": p.users["platform_admin"]}
    ctx = demo_context(p, users, p.unlisted, year=2024, data_dir=tmp_path)
    demo.populate(ctx)
    admin_b = p.users["zone_admin_b"]
    inc_b = Incubator.objects.create(zone=p.zone_b, code="B-001", name="乙孵化器", area_total=Decimal(5000))
    services.add_firm(inc_b, admin_b, name=p.other.name, enterprise=p.other, entered=dt.date(2023, 1, 1))
    res_b = services.add_to_reserve(p.zone_b, p.other, dt.date(2024, 1, 1), admin_b)
    ch_b = services.create_challenge(
        p.zone_b,
        admin_b,
        code="B-JB-1",
        title="乙园区榜单",
        problem="p",
        indicators="i",
        ceiling=Decimal(100),
        deadline=services.today() + dt.timedelta(days=10),
    )
    services.publish(ch_b, services.today(), admin_b)
    experts = {u.username: u for u in User.objects.filter(username__startswith="expert")}
    return Carriers(
        p,
        Challenge.objects.get(zone=p.zone_a, code="JB-2025-01"),
        Incubator.objects.get(zone=p.zone_a, code="FH-001"),
        ReserveFirm.objects.filter(zone=p.zone_a).order_by("pk").first(),
        inc_b,
        res_b,
        ch_b,
        experts,
    )


def enterprise_of(user) -> Enterprise:
    return Enterprise.objects.get(pk=user.enterprise_id)
