"""The zone pages read in a fixed number of queries: more incubated firms, reserve firms or challenges do
not add queries (no query per row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.web.carriers import services
from gaoxin.web.carriers.models import ReserveFirm
from gaoxin.web.registry.models import Enterprise

pytestmark = pytest.mark.django_db

PAGES = {"/carriers/": 25, "/carriers/reserve/": 15, "/carriers/challenges/": 10}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_zone_pages_do_not_query_per_row(carriers):
    c = carriers.client("zone_admin")
    for url in PAGES:
        c.get(url)  # the first request of a session reads a little more (session, messages)
    before = {url: _count(c, url) for url in PAGES}
    for url, cap in PAGES.items():
        assert before[url] <= cap, (url, before[url])
    zone, admin = carriers.platform.zone_a, carriers.platform.users["zone_admin"]
    taken = set(ReserveFirm.objects.values_list("enterprise_id", flat=True))
    for e in Enterprise.objects.filter(zone=zone).exclude(pk__in=taken)[:5]:
        r = services.add_to_reserve(zone, e, dt.date(2025, 1, 1), admin)
        services.advance(r, "shareholding", dt.date(2025, 6, 1), "", admin)
        services.add_firm(carriers.incubator, admin, name=e.name, enterprise=e, entered=dt.date(2025, 2, 1))
    assert {url: _count(c, url) for url in PAGES} == before
    assert _count(c, f"/carriers/incubators/{carriers.incubator.pk}/") <= 20
    assert _count(c, f"/carriers/reserve/{carriers.reserve.pk}/") <= 15
    assert _count(c, f"/carriers/challenges/{carriers.challenge.pk}/") <= 28
