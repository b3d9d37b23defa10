"""The cultivation API: tier counts, assessments, candidates per tier, one firm's ladder."""

from __future__ import annotations

import datetime as dt

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.cultivation import services
from gaoxin.web.cultivation.models import LadderEntry
from gaoxin.web.registry.models import Enterprise, Qualification
from tests.web.conftest import YEAR

from .conftest import qualify_firm

BASE = "/api/cultivation"


def test_tier_counts(platform):
    zone = platform.zone_a
    Qualification.objects.filter(enterprise__zone=zone).delete()
    firm = Enterprise.objects.filter(zone=zone).first()
    qualify_firm(firm, "hightech", dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    client = platform.client("zone_admin")
    body = client.get(f"{BASE}/tier-counts", {"year": [2022, 2023, 2024, 2025]}).json()
    assert body["zone"]["code"] == zone.code
    assert body["tiers"] == list(services.TIERS)
    assert {int(y): c["hightech"] for y, c in body["counts"].items()} == {2022: 0, 2023: 1, 2024: 1, 2025: 0}
    admin = platform.client("platform_admin")
    assert admin.get(f"{BASE}/tier-counts").status_code == 400  # the platform admin names the zone
    assert admin.get(f"{BASE}/tier-counts", {"zone": zone.code}).status_code == 200
    assert client.get(f"{BASE}/tier-counts", {"year": [1900]}).status_code == 400


def test_candidates_page_in_gap_order_with_the_gaps(ladder):
    client = ladder.client("zone_admin")
    run = ladder.ladder_a
    body = client.get(f"{BASE}/runs/{run.pk}/tiers/hightech/candidates", {"limit": 500}).json()
    expected = list(services.candidates(LadderEntry.objects.all(), run, "hightech"))
    assert body["total"] == len(expected) and body["limit"] == 500 and body["offset"] == 0
    assert [i["enterprise"]["uscc"] for i in body["items"]] == [e.enterprise.uscc for e in expected]
    for item, e in zip(body["items"], expected, strict=True):
        assert item["tier"] == "hightech" and item["tier_name"] == "高新技术企业"
        assert item["status"] == e.status and item["run"] == run.pk
        assert [g["text_zh"] for g in item["gaps"]] == [g["text_zh"] for g in e.gaps]
    second = client.get(f"{BASE}/runs/{run.pk}/tiers/hightech/candidates", {"limit": 2, "offset": 2}).json()
    assert [i["enterprise"]["uscc"] for i in second["items"]] == [e.enterprise.uscc for e in expected[2:4]]
    assert client.get(f"{BASE}/runs/{run.pk}/tiers/nothing/candidates").status_code == 404
    assert client.get(f"{BASE}/runs/{run.pk}/tiers/hightech/candidates", {"status": "bad"}).status_code == 400


def test_runs_and_one_run(ladder):
    client = ladder.client("zone_admin")
    body = client.get(f"{BASE}/runs").json()
    assert [r["id"] for r in body["items"]] == [ladder.ladder_a.pk]
    one = client.get(f"{BASE}/runs/{ladder.ladder_a.pk}").json()
    assert one["snapshot_sha256"] == ladder.ladder_a.snapshot_sha256
    assert set(one["rule_sets"]) == set(services.TIERS) and "config" in one


def test_a_firms_ladder_for_staff_and_for_itself(ladder):
    firm = ladder.users["enterprise"].enterprise
    for role in ("zone_admin", "enterprise"):
        body = ladder.client(role).get(f"{BASE}/enterprises/{firm.pk}/ladder").json()
        assert body["enterprise"]["uscc"] == firm.uscc and body["run"]["id"] == ladder.ladder_a.pk
        assert [t["tier"] for t in body["tiers"]] == list(services.TIERS)
        stored = {e.tier: e for e in LadderEntry.objects.filter(run=ladder.ladder_a, enterprise=firm)}
        for t in body["tiers"]:
            assert [g["text_zh"] for g in t["gaps"]] == [g["text_zh"] for g in stored[t["tier"]].gaps]
    assert AuditEvent.objects.filter(action="view_enterprise", detail__endpoint="ladder").count() == 2


def test_a_token_pulling_candidates_is_audited(ladder):
    from django.test import Client

    from gaoxin.web.accounts.services import new_token

    client = Client(headers={"Authorization": f"Bearer {new_token(ladder.users['zone_admin'], 'test')}"})
    assert client.get(f"{BASE}/runs/{ladder.ladder_a.pk}/tiers/hightech/candidates").status_code == 200
    assert AuditEvent.objects.filter(action="view_ladder", detail__via="token").exists()


def test_no_run_no_ladder(platform):
    firm = platform.users["enterprise"].enterprise
    assert platform.client("enterprise").get(f"{BASE}/enterprises/{firm.pk}/ladder").status_code == 404
    assert YEAR


def test_the_cultivation_endpoints_are_exactly_these():
    from tests.web.api.schema import openapi_schema

    schema = openapi_schema()  # behind sign-in: as a signed-in caller is served it
    found = {(m, p) for p, ops in schema["paths"].items() for m in ops if p.startswith(BASE + "/")}
    assert found == {
        ("get", f"{BASE}/tier-counts"),
        ("get", f"{BASE}/runs"),
        ("get", f"{BASE}/runs/{{run_id}}"),
        ("get", f"{BASE}/runs/{{run_id}}/tiers/{{tier}}/candidates"),
        ("get", f"{BASE}/enterprises/{{enterprise_id}}/ladder"),
    }
    for path, ops in schema["paths"].items():
        if path.startswith(BASE + "/"):
            for op in ops.values():
                assert {"401", "403", "404"} <= set(op["responses"]) and op.get("security")
