"""The scoping matrix of the benchmark app: roles × pages, exports, API and guessed ids.

Expected readers are written from the issue's rules, not from ``scoping.visible``: zone staff see
their own zone's facts and its position against the others' aggregates; the platform administrator
sees every zone; enterprises and banks have no business here. "Denied" is any of 302, 401, 403, 404.
"""

from __future__ import annotations

import pytest
from django.test import Client

from gaoxin.web.benchmark import services
from gaoxin.web.benchmark.models import FactsImport, PeerTable, ZoneFacts
from tests.web.benchmark.conftest import YEAR, workbook
from tests.web.matrix import ALLOWED, DENIED, ROLES, assert_reads_exactly_its_own, client_for


@pytest.fixture
def s(bench):
    p = bench.platform
    row = {"id": p.zone_a.code, "name": p.zone_a.name, "year": YEAR, "green_ratio": 0.3}
    bench.rec_a = services.import_facts(
        workbook([row]), "a.xlsx", p.users["clerk"], {p.zone_a.code: p.zone_a}
    )
    row_b = {"id": p.zone_b.code, "name": p.zone_b.name, "year": YEAR, "green_ratio": 0.4}
    bench.rec_b = services.import_facts(
        workbook([row_b]), "b.xlsx", p.users["zone_admin_b"], {p.zone_b.code: p.zone_b}
    )
    assert bench.rec_a.zone == p.zone_a and bench.rec_b.zone == p.zone_b
    return bench


def targets(s) -> dict[str, set[str]]:
    p = s.platform
    zone_a = {"platform_admin", "zone_admin", "clerk"}
    zone_b = {"platform_admin", "zone_admin_b"}
    staff = zone_a | zone_b
    huge = 10**9
    return {
        "/benchmark/": staff,
        f"/benchmark/?table={s.table.pk}&peers=province": staff,
        "/benchmark/facts/": staff,
        "/benchmark/facts/export/": staff,
        "/benchmark/facts/template/": staff,
        "/benchmark/contributions/": staff,
        "/benchmark/peers/": staff,
        f"/api/benchmark/standing?zone={p.zone_a.code}": staff,  # zone B staff get their own zone
        f"/api/benchmark/facts?zone={p.zone_a.code}": staff,
        f"/benchmark/imports/{s.rec_a.pk}/": zone_a,
        f"/benchmark/imports/{s.rec_a.pk}/problems/": zone_a,
        f"/benchmark/imports/{s.rec_b.pk}/": zone_b,
        f"/benchmark/imports/{huge}/": set(),
        f"/benchmark/?table={huge}": set(),
        "/api/benchmark/standing?zone=no-such-zone": {"zone_admin", "clerk", "zone_admin_b"},  # own zone
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_exactly_its_own(s, role):
    assert_reads_exactly_its_own(s.platform, role, targets(s), denied=DENIED | {400})


@pytest.mark.parametrize("role", ["zone_admin", "clerk", "zone_admin_b"])
def test_zone_staff_see_other_zones_only_as_aggregates(s, role):
    p = s.platform
    user = p.users[role]
    other = p.zone_b if user.zone_id == p.zone_a.pk else p.zone_a
    client = p.client(role)
    for url in (
        f"/benchmark/?zone={other.code}",
        f"/benchmark/?peers=named&named={other.code}",
        f"/benchmark/facts/?zone={other.code}",
        f"/benchmark/facts/export/?zone={other.code}",
        f"/benchmark/contributions/?zone={other.code}",
        f"/api/benchmark/standing?zone={other.code}",
        f"/api/benchmark/facts?zone={other.code}",
    ):
        r = client.get(url)
        assert r.status_code in ALLOWED | {400}, url
        body = r.content.decode() if not url.startswith("/benchmark/facts/export") else ""
        assert other.name not in body and f'"{other.code}"' not in body, url
    api = client.get("/api/benchmark/standing").json()
    assert api["zone"] == user.zone.code
    # naming another platform zone as the 标杆 is refused (its figures are its own to show)
    assert client.get(f"/api/benchmark/standing?peers=named&named={other.code}").status_code == 400


def test_the_platform_administrator_sees_every_zone_by_name(s):
    p = s.platform
    body = (
        p.client("platform_admin")
        .get(f"/benchmark/?zone={p.zone_a.code}&table={s.table.pk}")
        .content.decode()
    )
    assert 'id="ranking"' in body and p.zone_a.name in body and p.zone_b.name in body
    staff = p.client("zone_admin").get(f"/benchmark/?table={s.table.pk}").content.decode()
    assert 'id="ranking"' not in staff and p.zone_b.name not in staff and 'id="position"' in staff
    # a named benchmark from the peer table is fine for zone staff
    named = s.table.rows[0]["id"]
    r = p.client("zone_admin").get(f"/api/benchmark/standing?peers=named&named={named}&table={s.table.pk}")
    assert r.status_code == 200 and r.json()["peer_count"] == 1


@pytest.mark.parametrize("role", ["enterprise", "bank", "zone_admin_b", "anonymous"])
def test_writes_out_of_scope_are_refused(s, role):
    p = s.platform
    client = client_for(p, role)
    before = {f.pk: dict(f.values) for f in ZoneFacts.objects.filter(zone=p.zone_a)}
    imports = FactsImport.objects.count()
    tables = PeerTable.objects.count()
    bad = workbook([{"id": p.zone_a.code, "name": p.zone_a.name, "year": YEAR, "staff": 1}])
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post("/benchmark/facts/", {"zone": p.zone_a.code, "year": YEAR, "action": "compute"})
    client.post(
        "/benchmark/facts/import/", {"zone": p.zone_a.code, "file": SimpleUploadedFile("x.xlsx", bad)}
    )
    r = client.post("/benchmark/peers/", {"title": "x", "file": SimpleUploadedFile("p.xlsx", bad)})
    assert r.status_code in DENIED
    assert {f.pk: dict(f.values) for f in ZoneFacts.objects.filter(zone=p.zone_a)} == before
    assert PeerTable.objects.count() == tables
    if role == "zone_admin_b":  # its import names zone A: refused (recorded), nothing changed
        rec = FactsImport.objects.order_by("-id").first()
        assert FactsImport.objects.count() == imports + 1 and not rec.applied
        assert any(pr["reason"] == services.R_NOT_YOURS for pr in rec.problems)
    else:
        assert FactsImport.objects.count() == imports


def test_the_clerk_of_the_zone_imports_and_computes(s):
    """Positive control of the refusals above."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = s.platform
    client = p.client("clerk")
    good = workbook([{"id": p.zone_a.code, "name": p.zone_a.name, "year": YEAR, "green_ratio": 0.42}])
    r = client.post("/benchmark/facts/import/", {"file": SimpleUploadedFile("g.xlsx", good)})
    assert r.status_code == 302
    assert ZoneFacts.objects.get(zone=p.zone_a, year=YEAR).values["green_ratio"] == 0.42
    r = client.post("/benchmark/facts/", {"year": YEAR, "action": "compute"})
    assert r.status_code == 302
    assert client.post("/benchmark/peers/", {}).status_code == 403


def test_a_supervisor_reads_its_zones_only_and_writes_nothing(s):
    from gaoxin.web.registry.models import Region
    from tests.web.conftest import make_user

    p = s.platform
    province = Region.objects.create(code="hn", name="湖南省", level=Region.Level.PROVINCE)
    p.zone_a.region = province
    p.zone_a.save()
    sup = make_user("sup-hn", "supervisor", region=province)
    client = Client()
    client.force_login(sup)
    r = client.get(f"/benchmark/?zone={p.zone_a.code}&table={s.table.pk}")
    body = r.content.decode()
    assert r.status_code == 200 and 'id="ranking"' in body
    assert p.zone_a.name in body and p.zone_b.name not in body  # zone B's name withheld
    assert client.get(f"/benchmark/?zone={p.zone_b.code}").status_code == 404
    assert client.get(f"/api/benchmark/facts?zone={p.zone_b.code}").status_code == 404
    assert client.get(f"/api/benchmark/standing?zone={p.zone_a.code}").status_code == 200
    before = dict(ZoneFacts.objects.get(zone=p.zone_a, year=YEAR).values)
    r = client.post("/benchmark/facts/", {"zone": p.zone_a.code, "year": YEAR, "action": "compute"})
    assert r.status_code in DENIED and ZoneFacts.objects.get(zone=p.zone_a, year=YEAR).values == before
