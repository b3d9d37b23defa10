"""Benchmarking in supervision (issue 16, item 2): the overview, its export and its API show each zone's
benchmarking result as the benchmark app computes it, for the zones of the supervisor's region only."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from tests.web.benchmark import conftest as benchmark_fixtures
from tests.web.supervision import test_supervision as supervision_tests

YEAR = benchmark_fixtures.YEAR
bench = benchmark_fixtures.bench  # the fixture: both zones' facts and a national peer table
regions = supervision_tests.regions  # the fixture: zone A in the east province, zone B in the west
client_for = supervision_tests.client_for


def _page_rank(c, zone) -> tuple[int, int, int, int]:
    """The zone's rank as the benchmark page shows it to the same user (the page's own defaults)."""
    r = c.get(reverse("benchmark:home"), {"zone": zone.code, "year": YEAR})
    assert r.status_code == 200
    iv = r.context["bench"].interval
    return iv.rank, iv.of, iv.p05, iv.p95


def test_a_province_supervisor_sees_its_zones_benchmark_ranks_not_another_provinces(regions, bench):
    p = bench.platform
    east = client_for(regions["users"]["east"])
    west = client_for(regions["users"]["west"])

    r = east.get(reverse("supervision:home"))
    assert r.status_code == 200
    rows = {row.zone.code: row for row in r.context["rows"]}
    assert set(rows) == {p.zone_a.code}  # zone B is in the other province
    a = rows[p.zone_a.code].bench
    assert a is not None and a.year == YEAR
    assert (a.rank, a.of, a.p05, a.p95) == _page_rank(east, p.zone_a)
    assert a.of > 2  # ranked among the peer table's zones too, as on the benchmark page
    html = r.content.decode()
    assert f"第 {a.rank} / {a.of} 名" in html
    assert p.zone_b.name not in html and p.zone_b.code not in html

    # the other province sees its own zone's rank, and never zone A's row
    w = {row.zone.code: row for row in west.get(reverse("supervision:home")).context["rows"]}
    assert set(w) == {p.zone_b.code}
    b = w[p.zone_b.code].bench
    assert (b.rank, b.of) == _page_rank(west, p.zone_b)[:2]

    # the API says the same
    api = east.get("/api/supervision/zones").json()
    assert [z["zone"] for z in api] == [p.zone_a.code]
    got = api[0]["benchmark"]
    assert (got["year"], got["rank"], got["of"], got["p05"], got["p95"]) == (YEAR, a.rank, a.of, a.p05, a.p95)
    assert got["table"] == bench.table.title
    assert [z["zone"] for z in west.get("/api/supervision/zones").json()] == [p.zone_b.code]

    # and the export
    book = openpyxl.load_workbook(
        io.BytesIO(east.get(reverse("supervision:home"), {"export": "xlsx"}).content)
    )
    sheet = book.active
    head = [c.value for c in sheet[1]]
    values = [c.value for c in sheet[2]]
    row = dict(zip(head, values, strict=True))
    assert row["对标排名"] == a.rank and row["参评园区数"] == a.of and row["对标年度"] == YEAR
    assert row["排名区间（90%）"] == f"{a.p05}–{a.p95}"
    assert sheet.max_row == 2  # one zone: zone A only


def test_the_nation_sees_both_and_a_zone_without_facts_shows_none(regions, platform):
    rows = client_for(regions["users"]["nation"]).get(reverse("supervision:home")).context["rows"]
    assert {r.zone.code for r in rows} == {platform.zone_a.code, platform.zone_b.code}
    assert all(r.bench is None for r in rows)  # no facts yet: nothing to show, nothing made up
    api = client_for(regions["users"]["nation"]).get("/api/supervision/zones").json()
    assert all(z["benchmark"] is None for z in api)
