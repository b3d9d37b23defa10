"""Command-centre services: computed metrics from the register, entered actuals, tasks, the board."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from gaoxin.command import tasks as task_rules
from gaoxin.command.periods import Period
from gaoxin.command.targets import Status
from gaoxin.web.command import services
from gaoxin.web.command.models import ActionPlan, Platform, Talent, Target, TargetActual, Task
from gaoxin.web.registry.models import AnnualReport

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 15)


def _target(zone, metric, **kw) -> Target:
    values = dict(
        zone=zone,
        name=kw.pop("name", metric),
        unit="家",
        metric=metric,
        baseline_value=Decimal(10),
        baseline_year=2023,
        target_value=Decimal(40),
        target_year=2026,
    )
    values.update(kw)
    return Target.objects.create(**values)


def test_tier_count_target_reads_the_cultivation_count(platform, monkeypatch):
    calls = []

    def fake(zone, years):
        calls.append((zone, list(years)))
        return {y: {"hightech": 10 + 10 * (y - 2023)} for y in years}

    monkeypatch.setattr(services, "tier_counts", fake)
    t = _target(platform.zone_a, "tier_count:hightech")
    view = services.target_progress(t, ON)
    # the register holds 2023–2025; 2026 has not ended on 2026-03-15
    assert calls == [(platform.zone_a, [2023, 2024, 2025])]
    assert {p.label: v for p, v in view.actuals.items()} == {"2023": 10, "2024": 20, "2025": 30}
    assert view.period == Period(2025) and view.status == Status.ON_TRACK  # 30 = the path at 2025
    assert [p.status for p in services.target_history(t, ON)] == [Status.ON_TRACK] * 3


def test_tier_count_with_the_real_cultivation_count(platform):
    from gaoxin.web.cultivation.services import tier_counts

    t = _target(
        platform.zone_a, "tier_count:hightech", baseline_value=Decimal(0), target_value=Decimal(10_000)
    )
    view = services.target_progress(t, ON)
    real = tier_counts(platform.zone_a, [2023, 2024, 2025])
    assert {p.year: v for p, v in view.actuals.items()} == {
        y: real[y]["hightech"] for y in (2023, 2024, 2025)
    }
    assert view.status == Status.OFF_TRACK


def test_rd_total_is_the_sum_of_zone_reports(platform):
    t = _target(platform.zone_a, "rd_total", baseline_value=Decimal(1), target_value=Decimal(2))
    view = services.target_progress(t, ON)
    for year in (2023, 2024, 2025):
        expected = AnnualReport.objects.filter(enterprise__zone=platform.zone_a, year=year).aggregate(
            s=Sum("rd_expense")
        )["s"]
        assert view.actuals[Period(year)] == expected
    assert view.status == Status.ACHIEVED


def test_talent_and_platform_counts_through_this_month(platform):
    z = platform.zone_a
    Talent.objects.create(zone=z, name="甲", level="national", year=2023)
    Talent.objects.create(zone=z, name="乙", level="national", year=2026)
    Talent.objects.create(zone=z, name="丙", level="provincial", year=2024)
    Talent.objects.create(zone=platform.zone_b, name="丁", level="national", year=2024)
    Platform.objects.create(zone=z, name="实验室", kind="lab", level="national", year=2024)
    t = _target(z, "talents:national", baseline_value=Decimal(0), baseline_year=2022, target_value=Decimal(6))
    view = services.target_progress(t, ON)
    assert {p.label: v for p, v in view.actuals.items()} == {
        "2022": 0,
        "2023": 1,
        "2024": 1,
        "2025": 1,
        "2026-03": 2,
    }
    assert view.period == Period(2026, 3)
    p = _target(z, "platforms:national:lab", name="平台", baseline_value=Decimal(0), target_value=Decimal(1))
    assert services.target_progress(p, ON).status == Status.ACHIEVED


def test_enter_actual_rules(platform):
    z = platform.zone_a
    user = platform.users["clerk"]
    t = _target(z, "entered", unit="%")
    a = services.enter_actual(t, Period(2024, 6), Decimal("18.5"), "统计月报", user)
    assert (a.year, a.month, a.value, a.entered_by) == (2024, 6, Decimal("18.5"), user)
    services.enter_actual(t, Period(2024, 6), Decimal("19"), "统计月报（修订）", user)  # replaces
    assert TargetActual.objects.get(target=t, year=2024, month=6).value == Decimal(19)
    services.enter_actual(t, Period(2024), Decimal("20"), "年报", user)  # the year is another period
    assert TargetActual.objects.filter(target=t).count() == 2
    with pytest.raises(services.CommandError):
        services.enter_actual(t, Period(2024), Decimal(1), "  ", user)
    with pytest.raises(services.CommandError):
        services.enter_actual(t, Period(2035), Decimal(1), "x", user)
    with pytest.raises(services.CommandError):
        services.enter_actual(_target(z, "rd_total", name="rd"), Period(2024), Decimal(1), "x", user)
    future = services.today().replace(day=1) + dt.timedelta(days=40)
    with pytest.raises(services.CommandError):
        services.enter_actual(t, Period(future.year, future.month), Decimal(1), "x", user)
    with pytest.raises(services.CommandError):
        services.parse_value("1,2x")


def test_overdue_query_agrees_with_the_pure_rule(platform):
    today = services.today()
    plan = ActionPlan.objects.create(zone=platform.zone_a, name="行动")
    cases = [
        (today, "in_progress"),
        (today - dt.timedelta(days=1), "in_progress"),
        (today - dt.timedelta(days=1), "not_started"),
        (today - dt.timedelta(days=1), "done"),
        (today - dt.timedelta(days=1), "cancelled"),
        (None, "not_started"),
        (today + dt.timedelta(days=3), "not_started"),
    ]
    for i, (deadline, status) in enumerate(cases):
        Task.objects.create(plan=plan, name=f"t{i}", deadline=deadline, status=status)
    found = set(services.overdue(Task.objects.filter(plan=plan)).values_list("name", flat=True))
    pure = {f"t{i}" for i, (d, s) in enumerate(cases) if task_rules.is_overdue(d, s, today)}
    assert found == pure == {"t1", "t2"}
    rows = services.plan_rows(ActionPlan.objects.filter(pk=plan.pk), Task.objects.all())
    assert rows[0]["progress"].overdue == 2 and rows[0]["progress"].total == 7


def test_update_task(platform):
    plan = ActionPlan.objects.create(zone=platform.zone_a, name="行动")
    task = Task.objects.create(plan=plan, name="任务", deadline=dt.date(2024, 1, 1))
    services.update_task(
        task, status="done", evidence="验收报告", evidence_link="https://example.org/a", completed_on=None
    )
    task.refresh_from_db()
    assert task.status == "done" and task.completed_on == services.today() and task.evidence == "验收报告"
    services.update_task(task, status="in_progress", evidence="", evidence_link="", completed_on=None)
    task.refresh_from_db()
    assert task.completed_on is None
    with pytest.raises(services.CommandError):
        services.update_task(task, status="finished", evidence="", evidence_link="", completed_on=None)
    with pytest.raises(services.CommandError):
        services.update_task(
            task,
            status="done",
            evidence="",
            evidence_link="",
            completed_on=services.today() + dt.timedelta(days=2),
        )


def test_report_month():
    on = dt.date(2026, 11, 25)
    assert services.report_month(None, on) == Period(2026, 10)
    assert services.report_month("2026-11", on) == Period(2026, 11)
    assert services.report_month("2025-02", on) == Period(2025, 2)
    for bad in ("2026-12", "2026", "abc", "2026-13"):
        with pytest.raises(services.CommandError):
            services.report_month(bad, on)


def test_board_from_the_demo_data(command):
    p = command.platform
    board = services.board(p.users["zone_admin"], p.zone_a)
    statuses = {v.status for v in board["glance"]["targets"]}
    assert Status.ON_TRACK in statuses and Status.OFF_TRACK in statuses and Status.AT_RISK in statuses
    assert board["overdue_count"] >= 1 and all(r["overdue"] for r in board["overdue"])
    assert len(board["plans"]) == 7 and sum(r["progress"].total for r in board["plans"]) == 59
    assert board["levels"]["talent_total"] == 62 and board["levels"]["platform_total"] == 21
    assert "乙区逾期任务" not in {r["task"].name for r in board["overdue"]}
    assert board["investment"] is not None and "stages" in board["investment"]


def test_a_year_counts_from_its_last_day(platform, monkeypatch):
    monkeypatch.setattr(services, "tier_counts", lambda zone, years: {y: {"hightech": 5} for y in years})
    t = _target(platform.zone_a, "tier_count:hightech")
    assert services.target_progress(t, dt.date(2025, 12, 30)).period == Period(2024)
    assert services.target_progress(t, dt.date(2025, 12, 31)).period == Period(2025)
