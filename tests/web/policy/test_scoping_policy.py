"""Scoping matrix of the policy app: zone B never sees zone A's policies, runs or awards; a firm sees
only its own awards of an official list in publicity (never a simulation); banks see nothing; guessed
ids are 404; writes out of scope are refused, with a positive control."""

from __future__ import annotations

import datetime as dt

from gaoxin.web.policy import services
from gaoxin.web.policy.models import MatchRun

from .test_flow import TEXT, YEAR


def test_matrix(platform):
    admin = platform.users["zone_admin"]
    p = services.save_draft(platform.zone_a, TEXT, admin)
    sim = services.match(p, YEAR, admin)
    services.publish_policy(p, admin)
    run = services.match(p, YEAR, admin, kind=MatchRun.Kind.OFFICIAL)
    today = dt.date.today()
    services.open_publicity(run, today, today + dt.timedelta(days=5), admin)
    own = run.awards.get(enterprise=platform.unlisted)
    other = run.awards.exclude(enterprise=platform.unlisted).first()
    sim_own = sim.awards.get(enterprise=platform.unlisted)

    a, b = platform.client("zone_admin"), platform.client("zone_admin_b")
    for url in (
        f"/policy/{p.pk}/",
        f"/policy/runs/{run.pk}/",
        f"/policy/runs/{run.pk}/?export=1",
        f"/policy/awards/{own.pk}/",
        f"/policy/{p.pk}/facts/",
        f"/policy/{p.pk}/facts/?template=1",
    ):
        assert a.get(url).status_code == 200, url
        assert b.get(url).status_code == 404, url
    assert platform.client("enterprise").get(f"/policy/{p.pk}/facts/").status_code == 403
    assert platform.client("enterprise").get(f"/policy/runs/{run.pk}/?export=1").status_code in (403, 404)
    assert b.post(f"/policy/{p.pk}/match/", {"year": YEAR}).status_code == 404
    assert platform.client("clerk").post(f"/policy/{p.pk}/match/", {"year": YEAR}).status_code == 403

    firm = platform.client("enterprise")
    assert firm.get(f"/policy/awards/{own.pk}/").status_code == 200
    assert firm.get(f"/policy/awards/{other.pk}/").status_code == 404
    assert firm.get(f"/policy/awards/{sim_own.pk}/").status_code == 404  # a simulation is never shown
    assert firm.get(f"/policy/runs/{run.pk}/").status_code in (403, 404)
    assert firm.post(f"/policy/awards/{other.pk}/waive/").status_code == 404
    assert firm.post(f"/policy/awards/{own.pk}/waive/").status_code == 302  # positive control
    api = firm.get("/api/policy/awards").json()
    assert {i["enterprise_uscc"] for i in api["items"]} == {platform.unlisted.uscc}

    bank = platform.client("bank")
    assert bank.get("/policy/").status_code == 403
    assert bank.get(f"/policy/awards/{own.pk}/").status_code == 404
    assert platform.client("enterprise_b").get(f"/policy/awards/{own.pk}/").status_code == 404
