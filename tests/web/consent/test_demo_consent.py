"""The consent step of ``gaoxin demo``: the demo firm authorises the demo bank for a year; other firms
show each status; the bank has looked, and the firm sees it."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from gaoxin.consent import rules
from gaoxin.web.consent import demo, services
from gaoxin.web.consent.models import AccessLog, Consent
from gaoxin.web.platform.demo import DemoContext


def test_demo_step_grants_and_shows_every_status(p):
    ctx = DemoContext(
        data_dir=Path("."),
        year=2025,
        data=None,
        zones=[p.zone_a, p.zone_b],
        bank=p.bank_a,
        users={"firm": p.users["enterprise"], "bank": p.users["bank"]},
        runs=[p.run_a, p.run_b],
        published=p.published,
        firm=p.unlisted,
        say=lambda s: None,
    )
    demo.populate(ctx)
    mine = services.live_consent(p.bank_a, p.unlisted)
    assert mine is not None and mine.granted_by == p.users["enterprise"]
    assert {c.status() for c in Consent.objects.all()} == {rules.LIVE, rules.REVOKED, rules.EXPIRED}
    assert services.consented_enterprises(p.bank_a).count() == 2
    assert AccessLog.objects.filter(enterprise=p.unlisted).count() == 2
    assert ctx.report and "数据授权" in ctx.report[0]
    html = p.client("enterprise").get(reverse("consent:mine")).content.decode()
    assert html.split('id="who-looked"')[1].count(p.bank_a.name) == 2
    bank = p.client("bank").get(reverse("consent:bank_profiles")).content.decode()
    assert reverse("consent:bank_profile", args=[p.unlisted.pk]) in bank
