"""The scoping matrix of the green app: roles × objects × pages, exports, API and guessed ids.

Expected readers are written from the issue's rules, not from ``scoping.visible``: zone staff see their
zone's figures, sets, benchmarks and green lists; a firm only its own figures; a bank only the green
lists published to it (and never a firm's energy data). "Denied" is any of 302, 401, 403, 404.
"""

from __future__ import annotations

import pytest

from gaoxin.web.accounts.scoping import visible
from gaoxin.web.green import services
from gaoxin.web.green.models import EnergyRecord, Figure, GreenList, GreenListEntry
from tests.web.matrix import DENIED, ROLES, assert_reads_exactly_its_own, client_for


@pytest.fixture
def g(green):
    p = green.platform
    criteria = services.parse_criteria({"max_intensity": "100"})  # every firm of zone A with figures
    green.list_a = services.publish_green_list(
        p.zone_a, 2025, "绿色名单", criteria, [p.bank_a], p.users["zone_admin"]
    )
    green.own = p.unlisted  # the enterprise user's firm, in zone A, with figures
    green.other_a = next(e for e in green.firms_a if e.pk != p.unlisted.pk)
    green.own_figure = Figure.objects.get(enterprise=green.own, year=2025, month=0)
    green.other_figure = Figure.objects.get(enterprise=green.other_a, year=2025, month=0)
    green.b_figure = Figure.objects.filter(enterprise=green.firms_b[0], year=2025, month=0).first()
    assert green.firms_b[0] == p.other  # the enterprise_b user's firm
    assert green.list_a.entries.filter(enterprise=green.own).exists()
    return green


def targets(g) -> dict[str, set[str]]:
    zone_a = {"platform_admin", "zone_admin", "clerk"}
    zone_b = {"platform_admin", "zone_admin_b"}
    staff = zone_a | {"zone_admin_b"}
    huge = 10**9
    return {
        # zone pages: zone staff only (each sees its own zone's)
        "/green/": staff,
        "/green/figures/": staff,
        "/green/figures/export/": staff,
        "/green/sets/": staff,
        "/green/benchmarks/": staff,
        "/green/import/": staff,
        "/api/green/zones": staff,
        # a firm's green view: its zone's staff; the firm only through its own page
        f"/green/firm/{g.own.pk}/": zone_a,
        f"/green/firm/{g.other_a.pk}/": zone_a,
        f"/green/firm/{g.firms_b[0].pk}/": zone_b,
        "/green/mine/": {"enterprise", "enterprise_b"},
        # figures in the API: zone staff, the firm its own; never a bank
        f"/api/green/figures/{g.own_figure.pk}": zone_a | {"enterprise"},
        f"/api/green/figures/{g.other_figure.pk}": zone_a,
        f"/api/green/figures/{g.b_figure.pk}": zone_b | {"enterprise_b"},  # zone B's firm is enterprise_b
        # the green list: zone A staff and the bank it was published to
        f"/green/lists/{g.list_a.pk}/": zone_a | {"bank"},
        f"/green/lists/{g.list_a.pk}/?export=1": zone_a | {"bank"},
        f"/api/green/lists/{g.list_a.pk}": zone_a | {"bank"},
        # guessed ids
        f"/green/firm/{huge}/": set(),
        f"/green/lists/{huge}/": set(),
        f"/api/green/figures/{huge}": set(),
        f"/api/green/lists/{huge}": set(),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_exactly_its_own(g, role):
    assert_reads_exactly_its_own(g.platform, role, targets(g))


@pytest.mark.parametrize("role", ["enterprise", "enterprise_b", "bank", "bank_b", "zone_admin_b"])
def test_collections_never_show_anyone_elses_firms(g, role):
    """The API lists and the pages a role may open name no firm outside its scope."""
    p = g.platform
    user = p.users[role]
    allowed = set(visible(user, Figure).values_list("enterprise__uscc", flat=True))
    allowed |= set(visible(user, GreenListEntry).values_list("enterprise__uscc", flat=True))
    every = set(Figure.objects.values_list("enterprise__uscc", flat=True))
    forbidden = every - allowed
    assert forbidden
    client = client_for(p, role)
    urls = ["/api/green/figures?limit=500", "/api/green/lists", "/green/lists/", "/green/mine/", "/green/"]
    for url in urls:
        r = client.get(url)
        body = r.content.decode()
        assert not [u for u in forbidden if u in body], (role, url)


def test_what_each_role_sees_in_the_tables(g):
    p = g.platform
    firm = p.users["enterprise"]
    assert set(visible(firm, Figure).values_list("enterprise", flat=True)) == {g.own.pk}
    assert set(visible(firm, EnergyRecord).values_list("enterprise", flat=True)) == {g.own.pk}
    assert not visible(p.users["bank"], Figure).exists()  # a bank never reads energy data
    assert not visible(p.users["bank"], EnergyRecord).exists()
    assert list(visible(p.users["bank"], GreenList)) == [g.list_a]
    assert not visible(p.users["bank_b"], GreenList).exists()
    b = p.users["zone_admin_b"]
    assert not visible(b, Figure).filter(enterprise__zone=p.zone_a).exists()
    assert not visible(b, GreenList).exists()
    api = p.client("enterprise").get("/api/green/figures?limit=500").json()
    assert api["items"] and {i["enterprise"]["uscc"] for i in api["items"]} == {g.own.uscc}


@pytest.mark.parametrize("role", ["enterprise", "bank", "zone_admin_b", "clerk"])
def test_writes_out_of_scope_are_refused(g, role):
    """Importing, changing sets, benchmarks and publishing: refused outside the role (positive control
    below: the zone administrator publishes)."""
    p = g.platform
    client = client_for(p, role)
    before = GreenList.objects.count()
    r = client.post("/green/lists/", {"max_intensity": "100", "title": "x", "banks": [p.bank_a.pk]})
    if role == "zone_admin_b":  # its own zone: allowed there, never zone A's firms
        assert GreenList.objects.filter(zone=p.zone_a).count() == 1
    else:
        assert r.status_code in DENIED and GreenList.objects.count() == before
    if role in ("enterprise", "bank"):
        assert client.post("/green/import/", {}).status_code in DENIED
        assert client.post("/green/sets/", {}).status_code in DENIED
        assert client.post("/green/benchmarks/", {}).status_code in DENIED
    ok = p.client("zone_admin").post(
        "/green/lists/", {"max_intensity": "100", "title": "再次", "banks": [p.bank_a.pk], "year": "2025"}
    )
    assert ok.status_code == 302 and GreenList.objects.filter(zone=p.zone_a, title="再次").exists()
