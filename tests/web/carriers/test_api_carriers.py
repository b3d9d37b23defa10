"""The carriers API: the endpoints under /api/carriers, their scope (the pages' scope), and the values."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.api.schema import openapi_schema

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/api/carriers/incubators"),
    ("get", "/api/carriers/incubators/{incubator_id}"),
    ("get", "/api/carriers/reserve"),
    ("get", "/api/carriers/reserve/{reserve_id}"),
    ("get", "/api/carriers/challenges"),
    ("get", "/api/carriers/challenges/{challenge_id}"),
    ("get", "/api/carriers/applications"),
}


def test_the_endpoints_are_documented_with_their_errors():
    schema = openapi_schema()  # behind sign-in: as a signed-in caller is served it
    found = {(m, p) for p, ops in schema["paths"].items() for m in ops if p.startswith("/api/carriers")}
    assert found == ENDPOINTS
    for _m, p in found:
        assert {"401", "404"} <= set(next(iter(schema["paths"][p].values()))["responses"])


def test_scope_and_values(carriers):
    assert Client().get("/api/carriers/incubators").status_code == 401
    a = carriers.client("zone_admin")
    items = a.get("/api/carriers/incubators").json()["items"]
    assert {i["zone_code"] for i in items} == {carriers.platform.zone_a.code}
    detail = a.get(f"/api/carriers/incubators/{carriers.incubator.pk}").json()
    checks = {c["code"]: c for c in detail["checks"]}
    assert (
        checks["firms"]["value"] == "54"
        and checks["firms"]["op"] == "≥"
        and checks["firms"]["passed"] is True
    )
    assert a.get(f"/api/carriers/incubators/{carriers.incubator_b.pk}").status_code == 404
    res = a.get(f"/api/carriers/reserve/{carriers.reserve.pk}").json()
    assert len(res["standards"]) == 5 and len(res["attributes"]) == 4 and 1 <= res["nearest_standard"] <= 5
    assert a.get(f"/api/carriers/reserve/{carriers.reserve_b.pk}").status_code == 404
    # an enterprise: its own reserve entry, its zone's challenges, never another zone's
    b = carriers.client("enterprise_b")
    assert [r["id"] for r in b.get("/api/carriers/reserve").json()["items"]] == [carriers.reserve_b.pk]
    assert [c["id"] for c in b.get("/api/carriers/challenges").json()["items"]] == [carriers.challenge_b.pk]
    assert b.get(f"/api/carriers/challenges/{carriers.challenge.pk}").status_code == 404
    assert b.get("/api/carriers/applications").json()["total"] == 0
    # an expert: the applications assigned to them
    e = carriers.client("expert1")
    assert e.get("/api/carriers/applications").json()["total"] == 2
    # a bank: nothing
    bank = carriers.client("bank")
    for url in (
        "/api/carriers/incubators",
        "/api/carriers/reserve",
        "/api/carriers/challenges",
        "/api/carriers/applications",
    ):
        assert bank.get(url).json()["total"] == 0
