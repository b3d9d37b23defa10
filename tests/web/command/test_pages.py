"""Command-centre pages: what the zone administrator sees, pinned query counts, entering an actual,
updating a task, the zone chooser of the platform administrator, the monthly report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from gaoxin.web.command import services
from gaoxin.web.command.models import Target, TargetActual, Task


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


# measured on the demo data (11 targets, 62 talents, 59 tasks) plus a margin of two or three; the
# command page and the report include the investment app's funnel, stalled projects and chains.
PAGES = {
    "/command/": 33,
    "/command/targets/": 15,
    "/command/talents/": 15,
    "/command/platforms/": 15,
    "/command/plans/": 13,
    "/command/plans/?overdue=1": 13,
    "/command/tables/": 8,
    "/command/report/": 36,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_pages_render_within_pinned_queries(command, url, django_assert_max_num_queries):
    c = command.client("zone_admin")
    with django_assert_max_num_queries(PAGES[url]):
        r = c.get(url)
    assert r.status_code == 200
    assert "乙区" not in r.content.decode()  # nothing of zone B


def test_command_page_shows_targets_funnel_chains_and_overdue_tasks(command):
    body = command.client("zone_admin").get("/command/").content.decode()
    for badge in ("正常推进", "存在风险", "严重滞后"):
        assert badge in body
    assert "高新技术企业数" in body and 'id="funnel"' in body and 'id="chains"' in body
    overdue = (
        services.overdue(Task.objects.filter(plan__zone=command.platform.zone_a)).order_by("deadline").first()
    )
    assert overdue.name in body
    assert 'href="/investment/' in body


def test_target_detail_queries_do_not_grow_with_actuals(command, django_assert_max_num_queries):
    t = Target.objects.get(zone=command.platform.zone_a, name="非化石能源消费占比")
    assert t.actuals.count() > 20
    c = command.client("zone_admin")
    with django_assert_max_num_queries(12):
        assert c.get(f"/command/targets/{t.pk}/").status_code == 200


def test_target_detail_and_entering_an_actual(command):
    t = Target.objects.get(zone=command.platform.zone_a, name="非化石能源消费占比")
    c = command.client("clerk")  # the clerk enters actuals
    r = c.get(f"/command/targets/{t.pk}/")
    assert (
        r.status_code == 200
        and 'id="history"' in r.content.decode()
        and "区能源统计月报" in r.content.decode()
    )
    r = c.post(f"/command/targets/{t.pk}/", {"period": "2024-02", "value": "17.25", "source": "能源局核定"})
    assert r.status_code == 302
    a = TargetActual.objects.get(target=t, year=2024, month=2)
    assert str(a.value) == "17.2500" and a.source == "能源局核定"
    r = c.post(f"/command/targets/{t.pk}/", {"period": "2024-02", "value": "abc", "source": "x"})
    assert r.status_code == 400 and "abc" in r.content.decode()
    r = c.post(f"/command/targets/{t.pk}/", {"period": "someday", "value": "1", "source": "x"})
    assert r.status_code == 400


def test_computed_target_offers_no_entry(command):
    t = Target.objects.get(zone=command.platform.zone_a, metric="tier_count:hightech")
    c = command.client("zone_admin")
    assert 'id="enter-actual"' not in c.get(f"/command/targets/{t.pk}/").content.decode()
    r = c.post(f"/command/targets/{t.pk}/", {"period": "2024", "value": "1", "source": "x"})
    assert r.status_code == 400 and not TargetActual.objects.filter(target=t).exists()


def test_updating_a_task(command):
    task = services.overdue(Task.objects.filter(plan__zone=command.platform.zone_a)).first()
    c = command.client("clerk")
    r = c.post(f"/command/tasks/{task.pk}/", {"status": "done", "evidence": "已验收", "evidence_link": ""})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.completed_on == services.today()
    r = c.post(f"/command/tasks/{task.pk}/", {"status": "done", "evidence_link": "not a url"}, follow=True)
    task.refresh_from_db()
    assert task.evidence_link == ""


def test_platform_admin_chooses_a_zone(command):
    c = command.client("platform_admin")
    a = c.get("/command/").content.decode()
    b = c.get("/command/", {"zone": command.platform.zone_b.code}).content.decode()
    assert "高新技术企业数" in a and "乙区非化石能源占比" not in a
    assert "乙区非化石能源占比" in b
    assert c.get("/command/", {"zone": "nowhere"}).status_code == 404


def test_monthly_report(command):
    c = command.client("zone_admin")
    body = c.get("/command/report/").content.decode()
    for section in ("r-targets", "r-projects", "r-chains", "r-levels", "r-plans"):
        assert f'id="{section}"' in body
    assert "command-report.css" in body and "严重滞后" in body
    month = services.report_month(None)
    assert month.label in body
    early = c.get("/command/report/", {"month": "2025-01"}).content.decode()
    assert "2025-01-31" in early
    # each report counts the tasks overdue as of its month's end, not today's
    tasks = Task.objects.filter(plan__zone=command.platform.zone_a)
    then = services.overdue(tasks, dt.date(2025, 1, 31)).count()
    now = services.overdue(tasks, min(month.end, services.today())).count()
    assert f"逾期任务（{then}）" in early and f"逾期任务（{now}）" in body
    assert then < now
    assert c.get("/command/report/", {"month": "2999-01"}).status_code == 200  # refused month: the default


def test_api_filters_and_errors(command):
    c = command.client("zone_admin")
    national = c.get("/api/command/talents", {"level": "national", "limit": 500}).json()
    assert national["total"] == 14 and {t["level"] for t in national["items"]} == {"national"}
    r = c.get("/api/command/talents", {"level": "galactic"})
    assert r.status_code == 400 and "galactic" in r.json()["detail"]
    labs = c.get("/api/command/platforms", {"kind": "lab"}).json()
    assert labs["total"] and {p["kind"] for p in labs["items"]} == {"lab"}
    assert c.get("/api/command/platforms", {"kind": "castle"}).status_code == 400
    targets = {t["name"]: t for t in c.get("/api/command/targets").json()}
    hightech = targets["高新技术企业数"]
    assert hightech["metric"] == "tier_count:hightech" and hightech["status_label"] == "正常推进"
    assert isinstance(hightech["baseline_value"], str) and hightech["period"] == "2025"


def test_enterprise_profile_shows_its_talents_and_platforms_to_zone_staff(command):
    from gaoxin.web.command.models import Talent

    talent = Talent.objects.filter(zone=command.platform.zone_a, enterprise__isnull=False).first()
    firm = talent.enterprise
    body = command.client("zone_admin").get(f"/registry/enterprises/{firm.pk}/").content.decode()
    assert 'id="command-panel"' in body and talent.name in body
    firm_user = command.platform.users["enterprise"]
    talent.enterprise = firm_user.enterprise
    talent.save()
    r = command.client("enterprise").get("/registry/my-enterprise/")
    assert (
        r.status_code == 200 and 'id="command-panel"' not in r.content.decode()
    )  # a firm does not see the zone's talent register


def test_platform_admin_imports_into_the_chosen_zone(command):
    import io

    from gaoxin.io.tables import Sheet, to_bytes
    from gaoxin.web.command import bulk_io as tables
    from gaoxin.web.command.models import Platform

    content = to_bytes(
        [Sheet("表", tables.PLATFORM_COLUMNS, [{"name": "乙区新平台", "kind": "孵化器", "level": "市级"}])]
    )
    f = io.BytesIO(content)
    f.name = "平台.xlsx"
    c = command.client("platform_admin")
    r = c.post("/command/tables/", {"table": "platforms", "zone": command.platform.zone_b.code, "file": f})
    assert r.status_code == 200
    p = Platform.objects.get(name="乙区新平台")
    assert p.zone == command.platform.zone_b and p.kind == "incubator" and p.level == "municipal"


def test_zone_admin_adds_and_changes_a_target_clerk_cannot(command):
    zone = command.platform.zone_a
    data = {
        "name": "国家级研发机构数",
        "unit": "家",
        "metric": "platforms:national:rd_institution",
        "baseline_value": "1",
        "baseline_year": "2022",
        "target_value": "5",
        "target_year": "2027",
        "owner": "科技局",
        "source": "",
        "order": "20",
    }
    clerk = command.client("clerk")
    assert clerk.get("/command/targets/new/").status_code == 403
    assert clerk.post("/command/targets/new/", data).status_code == 403
    c = command.client("zone_admin")
    assert c.get("/command/targets/new/").status_code == 200
    bad = c.post("/command/targets/new/", {**data, "target_year": "2020", "metric": "gdp"})
    assert bad.status_code == 400 and not Target.objects.filter(name="国家级研发机构数").exists()
    r = c.post("/command/targets/new/", data)
    t = Target.objects.get(zone=zone, name="国家级研发机构数")
    assert r.status_code == 302 and t.metric == "platforms:national:rd_institution"
    assert c.post("/command/targets/new/", data).status_code == 400  # the name is taken
    r = c.post(f"/command/targets/{t.pk}/edit/", {**data, "target_value": "6"})
    t.refresh_from_db()
    assert r.status_code == 302 and str(t.target_value) == "6.0000"
    assert c.get(f"/command/targets/{command.b_target.pk}/edit/").status_code == 404


def test_pages_in_english(command):
    from django.conf import settings

    c = command.client("zone_admin")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = c.get("/command/").content.decode()
    assert "Targets at a glance" in body and "Off track" in body and "Overdue tasks" in body
    report = c.get("/command/report/").content.decode()
    assert "1. Targets" in report and "firms holding hightech" in c.get("/command/targets/").content.decode()


def test_every_change_from_a_page_is_audited_once_by_the_service(command):
    """The audit is written in ``services`` (one place): an actual, a target added and changed, a task's
    progress give exactly one event each, with the request's address; a refused entry gives none."""
    from gaoxin.web.accounts.models import AuditEvent

    zone = command.platform.zone_a
    t = Target.objects.get(zone=zone, name="非化石能源消费占比")
    clerk = command.client("clerk")
    assert (
        clerk.post(
            f"/command/targets/{t.pk}/", {"period": "someday", "value": "1", "source": "x"}
        ).status_code
        == 400
    )
    assert not AuditEvent.objects.filter(action="enter_actual").exists()
    clerk.post(f"/command/targets/{t.pk}/", {"period": "2024-03", "value": "17.5", "source": "能源局核定"})
    (entered,) = AuditEvent.objects.filter(action="enter_actual")
    assert entered.object_id == str(t.pk) and entered.ip and entered.zone_id == zone.pk
    assert entered.detail == {"period": "2024-03", "value": "17.5", "source": "能源局核定"}

    task = services.overdue(Task.objects.filter(plan__zone=zone)).first()
    clerk.post(
        f"/command/tasks/{task.pk}/", {"status": "in_progress", "evidence": "推进中", "evidence_link": ""}
    )
    (updated,) = AuditEvent.objects.filter(action="update_task")
    assert updated.object_id == str(task.pk) and updated.detail == {"status": "in_progress"}
    bad_date = {"status": "done", "completed_on": "2026-02-30"}
    r = clerk.post(f"/command/tasks/{task.pk}/", bad_date, follow=True)
    assert "2026-02-30" in r.content.decode() and AuditEvent.objects.filter(action="update_task").count() == 1

    admin = command.client("zone_admin")
    data = {
        "name": "审计用指标",
        "unit": "家",
        "metric": "entered",
        "baseline_value": "1",
        "baseline_year": "2022",
        "target_value": "5",
        "target_year": "2027",
        "owner": "",
        "source": "",
        "order": "30",
    }
    admin.post("/command/targets/new/", data)
    made = Target.objects.get(zone=zone, name="审计用指标")
    admin.post(f"/command/targets/{made.pk}/edit/", {**data, "target_value": "6"})
    events = [
        (e.action, e.object_id) for e in AuditEvent.objects.filter(action__in=("add_target", "edit_target"))
    ]
    assert sorted(events) == [("add_target", str(made.pk)), ("edit_target", str(made.pk))]


def test_a_refused_write_is_one_message_and_changes_nothing(command):
    """Entering an actual, updating a task and choosing a report month refuse the same way (the
    platform's ``attempt``): the reason once among the page's messages, nothing written."""
    t = Target.objects.get(zone=command.platform.zone_a, name="非化石能源消费占比")
    c = command.client("clerk")
    entered = list(TargetActual.objects.filter(target=t).values_list("year", "month", "value"))
    r = c.post(f"/command/targets/{t.pk}/", {"period": "2024-02", "value": "abc", "source": "x"})
    body = r.content.decode()
    assert r.status_code == 400 and body.count("“abc”") == 1 and '<ul class="messages">' in body
    assert list(TargetActual.objects.filter(target=t).values_list("year", "month", "value")) == entered

    computed = Target.objects.get(zone=command.platform.zone_a, metric="tier_count:hightech")
    admin = command.client("zone_admin")
    r = admin.post(f"/command/targets/{computed.pk}/", {"period": "2024", "value": "1", "source": "x"})
    assert r.status_code == 400 and '<li class="error">' in r.content.decode()  # the reason, not silence

    task = services.overdue(Task.objects.filter(plan__zone=command.platform.zone_a)).first()
    before = (task.status, task.evidence_link)
    r = c.post(f"/command/tasks/{task.pk}/", {"status": "done", "evidence_link": "not a url"}, follow=True)
    task.refresh_from_db()
    assert (task.status, task.evidence_link) == before  # the status is not saved without the link either
    r = c.post(f"/command/tasks/{task.pk}/", {"status": "finished"}, follow=True)
    assert "任务未更新：" in r.content.decode() and "“finished”" in r.content.decode()

    r = admin.get("/command/report/", {"month": "someday"})
    assert r.status_code == 200 and "“someday”" in r.content.decode()
