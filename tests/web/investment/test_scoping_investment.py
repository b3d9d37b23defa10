"""The scoping matrix of the investment app: every role × projects, chains, nodes, imports × pages,
exports, API and guessed ids.

Expected outcomes come from the rules written here (zone staff see their zone; enterprises and banks
see nothing of investment), not from ``scoping.visible``, so a leak in the helper or in a view shows.
"Denied": 302 (to sign-in), 401, 403 or 404.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gaoxin.web.accounts.scoping import can_write, visible
from gaoxin.web.investment.models import Chain, ChainNode, NodeFirm, Project, StageChange, TableImport
from tests.web.matrix import ALLOWED, DENIED, ROLES

ZONE_A = {"platform_admin", "zone_admin", "clerk"}
ZONE_B = {"platform_admin", "zone_admin_b"}


def client(p, role: str) -> Client:
    return Client() if role == "anonymous" else p.client(role)


@pytest.fixture
def objects(invest):
    a = invest
    project_a = Project.objects.filter(zone=a.zone_a).order_by("pk").first()
    node_a = ChainNode.objects.filter(chain__zone=a.zone_a).order_by("pk").first()
    imp_a = TableImport.objects.create(
        zone=a.zone_a,
        kind="nodes",
        file_name="a.xlsx",
        sha256="0",
        status="refused",
        problems=[{"row": 2, "reason": "x", "severity": "error"}],
    )
    imp_b = TableImport.objects.create(
        zone=a.zone_b,
        kind="nodes",
        file_name="b.xlsx",
        sha256="0",
        status="refused",
        problems=[{"row": 2, "reason": "x", "severity": "error"}],
    )
    return {"project_a": project_a, "node_a": node_a, "imp_a": imp_a, "imp_b": imp_b}


def targets(p, o) -> dict[str, set[str]]:
    return {
        reverse("investment:project", args=[o["project_a"].pk]): ZONE_A,
        reverse("investment:project", args=[p.project_b.pk]): ZONE_B,
        reverse("investment:node", args=[o["node_a"].pk]): ZONE_A,
        reverse("investment:node", args=[p.node_b.pk]): ZONE_B,
        reverse("investment:import_detail", args=[o["imp_a"].pk]): ZONE_A,
        reverse("investment:import_detail", args=[o["imp_b"].pk]): ZONE_B,
        reverse("investment:import_errors", args=[o["imp_a"].pk]): ZONE_A,
        reverse("investment:import_errors", args=[o["imp_b"].pk]): ZONE_B,
        f"/api/investment/projects/{o['project_a'].pk}": ZONE_A,
        f"/api/investment/projects/{p.project_b.pk}": ZONE_B,
        reverse("investment:home"): ZONE_A | ZONE_B,
        reverse("investment:projects"): ZONE_A | ZONE_B,
        reverse("investment:chains"): ZONE_A | ZONE_B,
        reverse("investment:export", args=["projects"]): ZONE_A | ZONE_B,
        "/api/investment/funnel": ZONE_A | ZONE_B,
        "/api/investment/chains": ZONE_A | ZONE_B,
        "/api/investment/gaps": ZONE_A | ZONE_B,
    }


@pytest.mark.parametrize("role", ROLES)
def test_matrix(invest, objects, role):
    c = client(invest, role)
    failures = []
    for url, allowed in targets(invest, objects).items():
        status = c.get(url).status_code
        expected = ALLOWED if role in allowed else DENIED
        if status not in expected:
            failures.append(f"{role} GET {url}: {status}, expected {sorted(expected)}")
    assert not failures, "\n".join(failures)


def _names(p, role: str) -> dict[str, set[str]]:
    """What each listing shows a role, by project code and chain name."""
    c = client(p, role)
    api = c.get("/api/investment/projects?limit=500").json()
    chains = c.get("/api/investment/chains")
    export = c.get(reverse("investment:export", args=["projects"]))
    codes = set()
    if export.status_code == 200:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
        codes = {str(row[0]) for row in wb.get_sheet_by_index(0).to_python()[1:]}
    page = c.get(reverse("investment:chains"))
    return {
        "api": {x["code"] for x in api.get("items", [])},
        "chains": {x["name"] for x in chains.json()} if chains.status_code == 200 else set(),
        "export": codes,
        "page": {n for n in Chain.objects.values_list("name", flat=True) if n in page.content.decode()}
        if page.status_code == 200
        else set(),
    }


def test_zone_a_never_sees_zone_b(invest):
    codes_a = set(Project.objects.filter(zone=invest.zone_a).values_list("code", flat=True))
    chains_a = set(Chain.objects.filter(zone=invest.zone_a).values_list("name", flat=True))
    for role in ("zone_admin", "clerk"):
        seen = _names(invest, role)
        assert seen["api"] == codes_a and seen["export"] == codes_a
        assert seen["chains"] == chains_a and seen["page"] == chains_a
        assert "B0001" not in seen["api"] | seen["export"]
    seen_b = _names(invest, "zone_admin_b")
    assert seen_b["api"] == {"B0001"} == seen_b["export"] and seen_b["chains"] == {"乙区链"}
    # A zone A user asking for zone B by code gets nothing.
    c = invest.client("zone_admin")
    assert c.get("/api/investment/funnel", {"zone": invest.zone_b.code}).status_code == 404
    assert c.get("/api/investment/projects", {"zone": invest.zone_b.code}).json()["total"] == 0
    r = c.get(reverse("investment:projects"), {"node": invest.node_b.pk})
    assert r.context["page"].paginator.count == 0


@pytest.mark.parametrize("role", ["enterprise", "bank", "enterprise_b", "bank_b"])
def test_enterprises_and_banks_see_nothing(invest, role):
    user = invest.users[role]
    for model in (Project, Chain, ChainNode, NodeFirm, StageChange, TableImport):
        assert not visible(user, model).exists(), model
    c = invest.client(role)
    assert c.get("/api/investment/projects").json()["total"] == 0
    assert c.get("/api/investment/funnel").status_code == 403
    assert c.get(reverse("investment:export", args=["projects"])).status_code == 403


def test_writes(invest, objects):
    p_a, p_b = objects["project_a"], invest.project_b
    users = invest.users
    assert can_write(users["zone_admin"], p_a) and not can_write(users["zone_admin"], p_b)
    assert can_write(users["clerk"], p_a) and not can_write(users["clerk"], p_b)
    assert can_write(users["clerk"], objects["node_a"]) and not can_write(users["clerk"], invest.node_b)
    for role in ("enterprise", "bank"):
        assert not can_write(users[role], p_a)
    # Posting to zone B's project from zone A: 404, nothing changes.
    r = invest.client("zone_admin").post(
        reverse("investment:project_action", args=[p_b.pk]), {"action": "drop", "on": "2026-01-01"}
    )
    assert r.status_code == 404
    p_b.refresh_from_db()
    assert p_b.status == "active"
