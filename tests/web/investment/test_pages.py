"""The investment pages: what a zone administrator sees and does, with pinned query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.investment import services
from gaoxin.web.investment.models import ChainNode, InvestmentSettings, Project, StageChange

# Queries per page for the demo data of the fixture (60 projects, 3 chains, 21 nodes): they do not grow
# with the number of projects, nodes or firms.
MAX_QUERIES = {"home": 21, "projects": 11, "chains": 16, "node": 19, "project": 11}


def test_home_shows_funnel_stalled_and_gaps(invest, django_assert_max_num_queries):
    c = invest.client("zone_admin")
    with django_assert_max_num_queries(MAX_QUERIES["home"]):
        r = c.get(reverse("investment:home"))
    assert r.status_code == 200
    html = r.content.decode()
    f = services.funnel(invest.zone_a)
    assert f'id="stat-total">{f.total}<' in html
    stalled = services.stalled_projects(invest.zone_a)
    assert f'id="stat-stalled">{len(stalled)}<' in html
    assert stalled[0].project.name in html
    chart = json.loads(r.context["chart"] and json.dumps(r.context["chart"]))
    assert chart["reached"] == [s.reached for s in f.stages]
    assert 'id="chart-funnel"' in html and "gaoxin/investment.js" in html
    assert "<script>" not in html.replace("<script src=", "")  # no inline script (CSP)
    gaps = services.chain_gaps(invest.zone_a)
    assert gaps and gaps[0].node.name in html


def test_project_list_filters_and_detail(invest, django_assert_max_num_queries):
    c = invest.client("zone_admin")
    with django_assert_max_num_queries(MAX_QUERIES["projects"]):
        r = c.get(reverse("investment:projects"))
    assert r.status_code == 200 and r.context["page"].paginator.count == 60
    r = c.get(reverse("investment:projects"), {"stage": "lead", "status": "active"})
    assert all(p.stage == "lead" and p.status == "active" for p in r.context["page"])
    r = c.get(reverse("investment:projects"), {"stalled": "1"})
    assert {p.pk for p in r.context["page"]} == {
        s.project.pk for s in services.stalled_projects(invest.zone_a)
    }
    p = Project.objects.filter(zone=invest.zone_a).exclude(name="").first()
    r = c.get(reverse("investment:projects"), {"q": p.code})
    assert [x.pk for x in r.context["page"]] == [p.pk]
    with django_assert_max_num_queries(MAX_QUERIES["project"]):
        r = c.get(reverse("investment:project", args=[p.pk]))
    assert r.status_code == 200 and p.name in r.content.decode()


def test_advance_link_drop_through_the_page(invest):
    c = invest.client("zone_admin")
    p = Project.objects.create(
        zone=invest.zone_a, code="PG1", name="页面项目", stage="lead", lead_on=dt.date(2026, 1, 1)
    )
    url = reverse("investment:project_action", args=[p.pk])
    r = c.post(url, {"action": "advance", "stage": "signed", "on": "2026-02-01"}, follow=True)
    p.refresh_from_db()
    assert p.stage == "signed" and p.signed_on == dt.date(2026, 2, 1)
    assert "签约" in r.content.decode()
    r = c.post(url, {"action": "advance", "stage": "started", "on": "2025-01-01"}, follow=True)
    p.refresh_from_db()
    assert p.stage == "signed" and "2025-01-01" in r.content.decode()  # the error names the date
    c.post(url, {"action": "link", "enterprise": invest.listed.uscc})
    p.refresh_from_db()
    assert p.enterprise == invest.listed
    c.post(url, {"action": "link", "enterprise": invest.other.uscc})  # zone B's firm: refused
    p.refresh_from_db()
    assert p.enterprise == invest.listed
    c.post(url, {"action": "drop", "on": "2026-03-01", "note": "撤回"})
    p.refresh_from_db()
    assert p.status == "dropped"
    assert StageChange.objects.filter(project=p).count() == 2
    assert AuditEvent.objects.filter(action="project_advance", object_id=str(p.pk)).exists()
    r = c.get(reverse("investment:project", args=[p.pk]))
    assert "撤回" in r.content.decode()


def test_clerk_writes_projects_but_not_settings(invest):
    c = invest.client("clerk")
    p = Project.objects.filter(zone=invest.zone_a, status="active").exclude(stage="operating").first()
    r = c.post(reverse("investment:project_action", args=[p.pk]), {"action": "drop", "on": "2026-01-01"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "dropped"
    assert c.get(reverse("investment:settings")).status_code == 403


def test_chain_map_and_node_drill_down(invest, django_assert_max_num_queries):
    c = invest.client("zone_admin")
    with django_assert_max_num_queries(MAX_QUERIES["chains"]):
        r = c.get(reverse("investment:chains"))
    html = r.content.decode()
    assert r.status_code == 200
    assert "信创" in html and "细胞与基因治疗" in html and "第三代半导体" in html
    fab = ChainNode.objects.get(chain__zone=invest.zone_a, name="晶圆制造")
    assert f'data-node="{fab.pk}" data-status="empty"' in html
    assert html.count("gap") > 0
    with django_assert_max_num_queries(MAX_QUERIES["node"]):
        r = c.get(reverse("investment:node", args=[fab.pk]))
    assert r.status_code == 200 and 'id="gap-badge"' in r.content.decode()
    chip = ChainNode.objects.get(chain__zone=invest.zone_a, name="芯片设计")
    r = c.get(reverse("investment:node", args=[chip.pk]))
    firms = r.context["firms"]
    assert len(firms) == r.context["view"].strength.firms
    assert all(f["mapping"].enterprise.zone_id == invest.zone_a.pk for f in firms)


def test_settings_page(invest):
    c = invest.client("zone_admin")
    r = c.post(reverse("investment:settings"), {"stalled_days": "x", "weak_min_firms": "2"})
    assert r.status_code == 400
    r = c.post(
        reverse("investment:settings"),
        {
            "stalled_days": "30",
            "weak_min_firms": "1",
            "weak_min_revenue": "",
            "weak_min_hightech_share": "0.5",
        },
    )
    assert r.status_code == 302
    s = InvestmentSettings.objects.get(zone=invest.zone_a)
    assert s.stalled_days == 30 and s.weak_min_firms == 1 and s.weak_min_revenue is None
    assert str(s.weak_min_hightech_share) == "0.5000"
    assert len(services.stalled_projects(invest.zone_a)) >= len(services.stalled_ids(invest.zone_a))


def test_platform_admin_picks_a_zone(invest):
    c = invest.client("platform_admin")
    r = c.get(reverse("investment:home"), {"zone": invest.zone_b.code})
    assert r.status_code == 200 and r.context["funnel"].total == 1
    assert c.get(reverse("investment:home"), {"zone": "NOPE"}).status_code == 404
    r = c.get(reverse("investment:chains"), {"zone": invest.zone_b.code})
    assert [m.chain.name for m in r.context["maps"]] == ["乙区链"]


@pytest.mark.parametrize("role", ["enterprise", "bank"])
@pytest.mark.parametrize("name", ["home", "projects", "chains", "import", "settings"])
def test_enterprises_and_banks_are_refused(invest, role, name):
    assert invest.client(role).get(reverse(f"investment:{name}")).status_code == 403


def test_english_page(invest):
    c = invest.client("zone_admin")
    c.cookies["django_language"] = "en"
    r = c.get(reverse("investment:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200


def test_enterprise_profile_panel(invest):
    p = Project.objects.filter(zone=invest.zone_a).exclude(enterprise=None).first()
    firm = p.enterprise
    r = invest.client("zone_admin").get(reverse("registry:enterprise", args=[firm.pk]))
    html = r.content.decode()
    assert 'id="investment-panel"' in html and p.name in html
    # Zone B's administrator cannot open the firm at all; the firm's own user gets no investment panel.
    assert (
        invest.client("zone_admin_b").get(reverse("registry:enterprise", args=[firm.pk])).status_code == 404
    )
    from gaoxin.web.investment.panels import investment_panel

    assert investment_panel(invest.users["enterprise"], invest.unlisted) is None
    assert investment_panel(invest.users["bank"], firm) is None


def test_map_and_unmap_a_firm_on_the_node_page(invest):
    from gaoxin.web.investment.models import NodeFirm

    node = ChainNode.objects.get(chain__zone=invest.zone_a, name="晶圆制造")
    url = reverse("investment:node_firms", args=[node.pk])
    c = invest.client("clerk")
    c.post(url, {"action": "add", "enterprise": invest.other.uscc})  # zone B's firm: not found
    assert not NodeFirm.objects.filter(node=node).exists()
    c.post(url, {"action": "add", "enterprise": invest.listed.uscc})
    mapping = NodeFirm.objects.get(node=node)
    assert mapping.enterprise == invest.listed
    r = c.get(reverse("investment:node", args=[node.pk]))
    assert r.context["view"].status != "empty"
    assert (
        invest.client("zone_admin_b").post(url, {"action": "remove", "mapping": mapping.pk}).status_code
        == 404
    )
    c.post(url, {"action": "remove", "mapping": mapping.pk})
    assert not NodeFirm.objects.filter(node=node).exists()


def test_each_step_is_audited_once_by_the_service_and_a_refused_one_not(invest):
    """The audit is written in ``services`` (one place): a project's steps, a node's firms and the
    settings give exactly one event each with the request's address; a refused step gives none."""
    c = invest.client("zone_admin")
    p = Project.objects.create(
        zone=invest.zone_a, code="AU1", name="审计项目", stage="lead", lead_on=dt.date(2026, 1, 1)
    )
    url = reverse("investment:project_action", args=[p.pk])
    c.post(url, {"action": "advance", "stage": "signed", "on": "2026-02-01"})
    c.post(url, {"action": "advance", "stage": "started", "on": "2025-01-01"})  # before the last date
    c.post(url, {"action": "fly", "on": "2026-02-02"})  # no such step
    c.post(url, {"action": "drop", "on": "2026-03-01"})
    c.post(url, {"action": "revive", "on": "2026-03-02"})
    events = AuditEvent.objects.filter(object_type="project", object_id=str(p.pk)).order_by("id")
    assert [(e.action, e.detail["status"]) for e in events] == [
        ("project_advance", "active"),
        ("project_drop", "dropped"),
        ("project_revive", "active"),
    ]
    assert all(e.ip for e in events)
    node = ChainNode.objects.get(chain__zone=invest.zone_a, name="晶圆制造")
    c.post(reverse("investment:node_firms", args=[node.pk]), {"enterprise": invest.listed.uscc})
    c.post(reverse("investment:node_firms", args=[node.pk]), {"enterprise": invest.listed.uscc})  # twice
    mapping = node.firms.get()
    c.post(reverse("investment:node_firms", args=[node.pk]), {"action": "remove", "mapping": mapping.pk})
    changes = AuditEvent.objects.filter(action="chain_node_firms", object_id=str(node.pk)).order_by("id")
    assert [e.detail["change"] for e in changes] == ["add", "remove"]
    c.post(reverse("investment:settings"), {"stalled_days": "x"})
    c.post(reverse("investment:settings"), {"stalled_days": "45"})
    (saved,) = AuditEvent.objects.filter(action="investment_settings")
    assert saved.detail == {"stalled_days": 45}
