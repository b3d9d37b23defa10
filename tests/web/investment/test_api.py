"""The investment API: projects (list, detail), the funnel, chains with strength and gaps."""

from __future__ import annotations

from decimal import Decimal

from gaoxin.web.investment import services
from gaoxin.web.investment.models import Project


def test_projects_list_and_detail(invest):
    c = invest.client("zone_admin")
    body = c.get("/api/investment/projects", {"limit": 10}).json()
    assert body["total"] == 60 and len(body["items"]) == 10
    signed = c.get("/api/investment/projects", {"stage": "signed"}).json()
    assert signed["total"] == Project.objects.filter(zone=invest.zone_a, stage="signed").count()
    assert c.get("/api/investment/projects", {"stage": "won"}).status_code == 400
    p = Project.objects.filter(zone=invest.zone_a).exclude(amount=None).first()
    d = c.get(f"/api/investment/projects/{p.pk}").json()
    assert d["code"] == p.code and d["zone"] == invest.zone_a.code
    assert Decimal(d["amount"]) == p.amount and isinstance(d["amount"], str)  # exact decimal string
    assert d["dates"][p.stage] == p.stage_date(p.stage).isoformat()
    assert d["changes"] and d["changes"][0]["stage"] == p.stage
    assert c.get("/api/investment/projects/999999").status_code == 404


def test_funnel(invest):
    c = invest.client("zone_admin")
    body = c.get("/api/investment/funnel").json()
    f = services.funnel(invest.zone_a)
    assert body["total"] == f.total and body["zone"] == invest.zone_a.code
    assert [s["reached"] for s in body["stages"]] == [s.reached for s in f.stages]
    assert [s["conversion"] for s in body["stages"]] == [s.conversion for s in f.stages]
    assert body["stalled"] == len(services.stalled_projects(invest.zone_a))
    early = c.get("/api/investment/funnel", {"on": "2025-01-01"}).json()
    assert early["total"] <= body["total"] and early["on"] == "2025-01-01"
    assert c.get("/api/investment/funnel", {"on": "not-a-date"}).status_code == 400


def test_chains_and_gaps(invest):
    c = invest.client("zone_admin")
    chains = c.get("/api/investment/chains").json()
    assert [x["name"] for x in chains][:2] == ["信创", "细胞与基因治疗"]
    nodes = {n["name"]: n for x in chains for n in x["nodes"]}
    assert nodes["晶圆制造"]["status"] == "empty" and nodes["晶圆制造"]["gap"] is True
    assert isinstance(nodes["芯片"]["revenue"], str)
    gaps = c.get("/api/investment/gaps").json()
    assert {g["node"] for g in gaps} == {n for n, v in nodes.items() if v["gap"]}
    fab = next(g for g in gaps if g["node"] == "晶圆制造")
    assert set(fab["projects"]) == set(
        Project.objects.filter(node_id=fab["node_id"]).values_list("pk", flat=True)
    )


def test_platform_admin_chooses_the_zone(invest):
    c = invest.client("platform_admin")
    assert c.get("/api/investment/funnel", {"zone": invest.zone_b.code}).json()["total"] == 1
    assert c.get("/api/investment/funnel", {"zone": "NOPE"}).status_code == 404
    assert c.get("/api/investment/projects").json()["total"] == 61
