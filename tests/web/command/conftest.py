"""The command centre's fixtures: the platform (tests/web/conftest.py) with the demo's command data in
zone A and one row of each table in zone B (for the scoping matrix)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from gaoxin.web.command.models import ActionPlan, Platform, Talent, Target, TargetActual, Task


@dataclass
class Ctx:
    zones: list
    users: dict
    report: list = field(default_factory=list)
    year: int = 2025


@dataclass
class Command:
    platform: object
    b_target: Target
    b_actual: TargetActual
    b_talent: Talent
    b_platform: Platform
    b_plan: ActionPlan
    b_task: Task

    def client(self, role):
        return self.platform.client(role)


def populate_zone_a(platform) -> Ctx:
    from gaoxin.web.command import demo

    ctx = Ctx([platform.zone_a], {"zone_admin": platform.users["zone_admin"]})
    demo.populate(ctx)
    return ctx


def zone_b_rows(zone) -> dict:
    t = Target.objects.create(
        zone=zone,
        name="乙区非化石能源占比",
        unit="%",
        metric="entered",
        baseline_value=Decimal(10),
        baseline_year=2022,
        target_value=Decimal(20),
        target_year=2027,
        owner="乙区发改局",
    )
    a = TargetActual.objects.create(target=t, year=2024, value=Decimal("13.5"), source="乙区统计")
    talent = Talent.objects.create(
        zone=zone, name="乙区人才", level="national", programme="乙计划", year=2023
    )
    plat = Platform.objects.create(zone=zone, name="乙区重点实验室", kind="lab", level="national", year=2022)
    plan = ActionPlan.objects.create(zone=zone, name="乙区专项行动", owner="乙区科技局")
    task = Task.objects.create(
        plan=plan, name="乙区逾期任务", deadline=dt.date(2024, 1, 1), status="in_progress"
    )
    return {
        "b_target": t,
        "b_actual": a,
        "b_talent": talent,
        "b_platform": plat,
        "b_plan": plan,
        "b_task": task,
    }


@pytest.fixture
def command(platform) -> Command:
    populate_zone_a(platform)
    return Command(platform=platform, **zone_b_rows(platform.zone_b))
