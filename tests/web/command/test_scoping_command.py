"""The scoping matrix of the command centre: zone A's staff never see zone B's targets, actuals,
talents, platforms, plans or tasks — through pages, exports, the API or guessed ids; enterprises and
banks see none of it; the clerk writes facts, the zone administrator also targets and plans."""

from __future__ import annotations

import pytest

from gaoxin.web.accounts.scoping import can_write, visible
from gaoxin.web.command import bulk_io as tables
from gaoxin.web.command.models import ActionPlan, Platform, Talent, Target, TargetActual, Task

MODELS = (Target, TargetActual, Talent, Platform, ActionPlan, Task)
ZONE_STAFF = ("zone_admin", "clerk")
OUTSIDERS = ("enterprise", "bank", "enterprise_b", "bank_b")
PAGES = (
    "/command/",
    "/command/targets/",
    "/command/talents/",
    "/command/platforms/",
    "/command/plans/",
    "/command/tables/",
    "/command/report/",
)
B_NAMES = ("乙区非化石能源占比", "乙区人才", "乙区重点实验室", "乙区专项行动", "乙区逾期任务")


def _zone_of(obj):
    for path in ("zone_id", "target.zone_id", "plan.zone_id"):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    raise AssertionError(obj)


@pytest.mark.parametrize("model", MODELS)
def test_visible_rows_by_role(command, model):
    p = command.platform
    everything = model.objects.count()
    assert everything >= 2
    assert visible(p.users["platform_admin"], model).count() == everything
    for role in ZONE_STAFF:
        rows = list(visible(p.users[role], model))
        assert rows and all(_zone_of(r) == p.zone_a.pk for r in rows)
    rows_b = list(visible(p.users["zone_admin_b"], model))
    assert rows_b and all(_zone_of(r) == p.zone_b.pk for r in rows_b)
    for role in OUTSIDERS:
        assert not visible(p.users[role], model).exists()


def test_pages_never_show_zone_b(command):
    for role in ZONE_STAFF:
        c = command.client(role)
        for url in PAGES:
            body = c.get(url).content.decode()
            assert not any(name in body for name in B_NAMES), (role, url)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_enterprises_and_banks_get_nothing(command, role):
    c = command.client(role)
    for url in PAGES:
        assert c.get(url).status_code == 403, url
    assert c.get(f"/command/targets/{command.b_target.pk}/").status_code == 403
    assert c.get("/command/tables/talents/export.xlsx").status_code == 403
    for url in ("/api/command/targets", "/api/command/plans"):
        assert c.get(url).json() == []
    for url in ("/api/command/talents", "/api/command/platforms", "/api/command/tasks"):
        assert c.get(url).json()["total"] == 0
    assert c.get(f"/api/command/targets/{command.b_target.pk}").status_code == 404


def test_guessed_ids_are_404(command):
    c = command.client("zone_admin")
    assert c.get(f"/command/targets/{command.b_target.pk}/").status_code == 404
    assert (
        c.post(
            f"/command/targets/{command.b_target.pk}/", {"period": "2024", "value": "1", "source": "x"}
        ).status_code
        == 404
    )
    assert c.post(f"/command/tasks/{command.b_task.pk}/", {"status": "done"}).status_code == 404
    assert c.get("/command/plans/", {"plan": command.b_plan.pk}).status_code == 404
    assert c.get(f"/api/command/targets/{command.b_target.pk}").status_code == 404
    command.b_task.refresh_from_db()
    assert command.b_task.status == "in_progress"
    # a zone administrator cannot choose another zone with ?zone=
    body = c.get("/command/", {"zone": command.platform.zone_b.code}).content.decode()
    assert "乙区非化石能源占比" not in body


@pytest.mark.parametrize("key", list(tables.TABLES))
def test_exports_and_api_stay_in_zone(command, key):
    from gaoxin.io.tables import read_table

    c = command.client("clerk")
    r = c.get(f"/command/tables/{key}/export.xlsx")
    rows = read_table(r.content, tables.TABLES[key].columns).rows
    assert rows and not any(name in str(rows) for name in B_NAMES)


def test_api_scope(command):
    c = command.client("zone_admin")
    names = {t["name"] for t in c.get("/api/command/targets").json()}
    assert "高新技术企业数" in names and "乙区非化石能源占比" not in names
    for url in (
        "/api/command/talents?limit=500",
        "/api/command/platforms?limit=500",
        "/api/command/tasks?limit=500",
    ):
        items = c.get(url).json()["items"]
        assert items and not any(name in str(items) for name in B_NAMES)
    overdue = c.get("/api/command/tasks?overdue=true&limit=500").json()
    assert overdue["total"] >= 1 and all(t["overdue"] for t in overdue["items"])
    admin = command.client("platform_admin")
    assert "乙区非化石能源占比" in {t["name"] for t in admin.get("/api/command/targets").json()}
    detail = c.get(
        f"/api/command/targets/{Target.objects.get(name='非化石能源消费占比', zone=command.platform.zone_a).pk}"
    ).json()
    assert detail["history"] and detail["status"] in (
        "achieved",
        "on_track",
        "at_risk",
        "off_track",
        "no_data",
    )


def test_who_writes_what(command):
    p = command.platform
    a_rows = {
        "target": Target.objects.filter(zone=p.zone_a).first(),
        "actual": TargetActual.objects.filter(target__zone=p.zone_a).first(),
        "talent": Talent.objects.filter(zone=p.zone_a).first(),
        "platform": Platform.objects.filter(zone=p.zone_a).first(),
        "plan": ActionPlan.objects.filter(zone=p.zone_a).first(),
        "task": Task.objects.filter(plan__zone=p.zone_a).first(),
    }
    b_rows = {
        "target": command.b_target,
        "actual": command.b_actual,
        "talent": command.b_talent,
        "platform": command.b_platform,
        "plan": command.b_plan,
        "task": command.b_task,
    }
    clerk_writes = {"actual", "talent", "platform", "task"}
    for name, obj in a_rows.items():
        assert can_write(p.users["zone_admin"], obj), name
        assert can_write(p.users["clerk"], obj) == (name in clerk_writes), name
        assert can_write(p.users["platform_admin"], obj)
        for role in (*OUTSIDERS, "zone_admin_b"):
            assert not can_write(p.users[role], obj), (role, name)
    for name, obj in b_rows.items():
        assert not can_write(p.users["zone_admin"], obj) and not can_write(p.users["clerk"], obj), name


def test_import_records_are_seen_by_their_zone_only(command):
    """The record of an upload (``command.TableImport``): the zone's staff see their zone's, the
    platform administrator every zone's, enterprises and banks none; the clerk may record one for
    their own zone only."""
    from gaoxin.web.command.models import TableImport

    p = command.platform
    a = TableImport.objects.create(
        zone=p.zone_a, kind="talents", file_name="a.xlsx", sha256="0" * 64, status="applied"
    )
    b = TableImport.objects.create(
        zone=p.zone_b, kind="talents", file_name="b.xlsx", sha256="1" * 64, status="refused"
    )
    assert set(visible(p.users["platform_admin"], TableImport)) == {a, b}
    for role in ZONE_STAFF:
        assert list(visible(p.users[role], TableImport)) == [a]
    assert list(visible(p.users["zone_admin_b"], TableImport)) == [b]
    for role in OUTSIDERS:
        assert not visible(p.users[role], TableImport).exists()
    assert can_write(p.users["clerk"], TableImport(zone=p.zone_a))
    assert not can_write(p.users["clerk"], TableImport(zone=p.zone_b))
    assert not can_write(p.users["enterprise"], TableImport(zone=p.zone_a))
