"""The policy API: policies with their file, a run's figures and its awards with every check and step;
zone staff read their zone's, a firm only its own awards of a published list, a bank nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from gaoxin.web.policy import services
from gaoxin.web.policy.models import MatchRun

from .test_flow import TEXT, YEAR


def test_api_reads_what_the_pages_show(platform):
    admin = platform.users["zone_admin"]
    p = services.save_draft(platform.zone_a, TEXT, admin)
    services.publish_policy(p, admin)
    run = services.match(p, YEAR, admin, kind=MatchRun.Kind.OFFICIAL)
    office = platform.client("zone_admin")

    listing = office.get("/api/policy/policies").json()
    assert [(i["code"], i["version"], i["status"]) for i in listing["items"]] == [
        ("flow-test", 1, "published")
    ]
    detail = office.get(f"/api/policy/policies/{p.pk}").json()
    assert detail["text"] == p.text and detail["doc_no"] == "测试〔2025〕1号" and detail["level"] == "区"

    r = office.get(f"/api/policy/runs/{run.pk}").json()
    assert r["lines_sha256"] == run.lines_sha256 and r["kind"] == "official"
    assert D(r["summary"]["total"]) == D(10) * run.awards.filter(amount__gt=0).count()

    awards = office.get(f"/api/policy/awards?run={run.pk}&limit=500").json()
    assert awards["total"] == run.awards.count()
    mine = next(a for a in awards["items"] if a["enterprise_uscc"] == platform.unlisted.uscc)
    assert mine["amount"] == "10.000000" or D(mine["amount"]) == D(10)
    assert mine["split"] == {"市": "5.000000", "区": "5.000000"}
    assert mine["checks"][0]["sources"][0]["label"] == "营业收入"

    # zone B, the firm before publicity and a bank: nothing of zone A
    assert platform.client("zone_admin_b").get(f"/api/policy/runs/{run.pk}").status_code == 404
    assert platform.client("zone_admin_b").get("/api/policy/policies").json()["items"] == []
    firm = platform.client("enterprise")
    assert firm.get("/api/policy/awards").json()["items"] == []  # not in publicity yet
    today = dt.date.today()
    services.open_publicity(run, today, today + dt.timedelta(days=3), admin)
    own = firm.get("/api/policy/awards").json()["items"]
    assert [a["enterprise_uscc"] for a in own] == [platform.unlisted.uscc]
    assert firm.get(f"/api/policy/runs/{run.pk}").status_code in (403, 404)
    bank = platform.client("bank")
    assert bank.get("/api/policy/awards").json().get("items", []) == []
    assert bank.get(f"/api/policy/policies/{p.pk}").status_code in (403, 404)
