"""Supervision above the zone (issue 16, item 1): a province and the nation read the aggregates of the
zones under them, drill down read-only, open firm details only where the zone allows, and publish a
frozen regional white-list to banks."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gaoxin.web.accounts.models import AuditEvent, Role, User
from gaoxin.web.accounts.scoping import covered, visible
from gaoxin.web.credit.models import PublishedList, Score, ScoreRun
from gaoxin.web.registry.models import Enterprise, Region, Zone
from gaoxin.web.supervision.models import Frozen, RegionalEntry, RegionalList
from tests.web.conftest import make_user


@pytest.fixture
def regions(platform):
    """The nation over two provinces; zone A in the first, zone B in the second."""
    nation = Region.objects.create(code="cn", name="全国", level=Region.Level.NATION)
    east = Region.objects.create(code="east", name="东省", level=Region.Level.PROVINCE, parent=nation)
    west = Region.objects.create(code="west", name="西省", level=Region.Level.PROVINCE, parent=nation)
    Zone.objects.filter(pk=platform.zone_a.pk).update(region=east)
    Zone.objects.filter(pk=platform.zone_b.pk).update(region=west)
    users = {
        "east": make_user("east", Role.SUPERVISOR, region=east),
        "west": make_user("west", Role.SUPERVISOR, region=west),
        "nation": make_user("nation", Role.SUPERVISOR, region=nation),
    }
    return {"nation": nation, "east": east, "west": west, "users": users}


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def publish(regions, platform, banks=None) -> RegionalList:
    c = client_for(regions["users"]["east"])
    r = c.post(
        reverse("supervision:lists"),
        {
            "title": "东省白名单",
            "sources": [platform.published.pk],
            "banks": [b.pk for b in (banks or [platform.bank_a])],
        },
    )
    assert r.status_code == 302, r.context and r.context["form"].errors
    return RegionalList.objects.get(title="东省白名单")


def test_a_province_sees_the_zones_under_it_and_the_nation_sees_all(regions, platform):
    east, west, nation = (regions["users"][k] for k in ("east", "west", "nation"))
    assert set(visible(east, Zone)) == {platform.zone_a}
    assert set(visible(west, Zone)) == {platform.zone_b}
    assert set(visible(nation, Zone)) == {platform.zone_a, platform.zone_b}
    assert set(visible(east, Region)) == {regions["east"]}
    assert set(visible(nation, Region)) == {regions["nation"], regions["east"], regions["west"]}
    # a zone outside the region is a 404 on the zone pages, like any object out of scope
    c = client_for(east)
    assert c.get(reverse("registry:dashboard"), {"zone": platform.zone_b.code}).status_code == 404
    assert c.get(reverse("registry:dashboard"), {"zone": platform.zone_a.code}).status_code == 200


def test_the_overview_counts_what_the_zone_holds_and_sums_it(regions, platform):
    r = client_for(regions["users"]["nation"]).get(reverse("supervision:home"))
    assert r.status_code == 200
    rows = {row.zone.code: row for row in r.context["rows"]}
    assert set(rows) == {platform.zone_a.code, platform.zone_b.code}
    a = rows[platform.zone_a.code]
    assert a.firms == Enterprise.objects.filter(zone=platform.zone_a).count()
    latest = ScoreRun.objects.filter(zone=platform.zone_a, status="done").order_by("-year", "-id").first()
    grades = dict(
        Score.objects.filter(run=latest).exclude(grade="").values_list("grade").annotate(n=Count("pk"))
    )
    assert a.grades == dict(sorted(grades.items())) and a.scored == latest.scored
    assert a.published == PublishedList.objects.filter(zone=platform.zone_a).count() and a.listed == 1
    totals = r.context["totals"]
    assert totals["firms"] == Enterprise.objects.count()
    assert totals["grades"] == {
        g: rows[platform.zone_a.code].grades.get(g, 0) + rows[platform.zone_b.code].grades.get(g, 0)
        for g in totals["grades"]
    }
    page = r.content.decode()
    assert platform.zone_a.name in page and f"{a.firms:,}" in page
    xlsx = client_for(regions["users"]["nation"]).get(reverse("supervision:home"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].startswith("attachment")


def test_firm_details_stay_closed_above_the_zone_unless_the_zone_opens_them(regions, platform):
    east = regions["users"]["east"]
    firm = platform.listed
    assert not visible(east, Enterprise).exists() and not visible(east, Score).exists()
    assert covered(east, Enterprise).count() == Enterprise.objects.filter(zone=platform.zone_a).count()
    c = client_for(east)
    assert c.get(reverse("registry:enterprise", args=[firm.pk])).status_code == 404
    # the zone administrator opens its firms' details to the supervisors above (audited)
    admin = platform.client("zone_admin")
    assert admin.post(reverse("supervision:zone_rule"), {"details_to_supervisors": "on"}).status_code == 302
    assert AuditEvent.objects.filter(action="zone_rule_supervisors").exists()
    assert visible(east, Enterprise).filter(pk=firm.pk).exists()
    before = AuditEvent.objects.filter(action="view_enterprise", user=east).count()
    assert c.get(reverse("registry:enterprise", args=[firm.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="view_enterprise", user=east).count() == before + 1
    # zone B did not open its firms to its province
    assert not visible(regions["users"]["west"], Enterprise).exists()
    # only the zone administrator sets the rule
    for role in ("clerk", "enterprise", "bank"):
        assert platform.client(role).post(reverse("supervision:zone_rule"), {}).status_code == 403
    assert client_for(east).get(reverse("supervision:zone_rule")).status_code == 403


def _patterns(resolver: URLResolver, prefix: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def test_a_supervisor_never_writes_a_zones_data_on_any_route(regions, platform):
    c = client_for(regions["users"]["nation"])
    runs, lists = ScoreRun.objects.count(), PublishedList.objects.count()
    tried = 0
    for route in _patterns(get_resolver()):
        path = "/" + route.replace("<int:pk>", "1").replace("<int:", "").replace("<str:", "").replace(">", "")
        path = path.replace("^", "").replace("$", "")
        if path.startswith(("/supervision/", "/accounts/logout/", "/accounts/password/", "/i18n/")):
            continue
        tried += 1
        assert c.post(path, {}).status_code in (403, 404, 405), path
    assert tried > 50
    assert c.post(reverse("credit:run_rerun", args=[platform.run_a.pk])).status_code == 403
    assert ScoreRun.objects.count() == runs and PublishedList.objects.count() == lists


def test_a_province_publishes_a_frozen_list_that_only_its_banks_receive(regions, platform):
    regional = publish(regions, platform)
    entry = platform.published.entries.select_related("score").get()
    (got,) = RegionalEntry.objects.filter(regional_list=regional)
    assert (got.uscc, got.total, got.rank, got.zone_code) == (
        platform.listed.uscc,
        entry.score.total,
        entry.score.rank,
        platform.zone_a.code,
    )
    event = AuditEvent.objects.get(action="regional_publish")
    assert event.detail["entries"] == 1 and event.detail["banks"] == [platform.bank_a.code]
    with pytest.raises(Frozen):
        regional.title = "改名"
        regional.save()
    with pytest.raises(Frozen):
        got.delete()
    url = reverse("supervision:list", args=[regional.pk])
    bank = platform.client("bank")
    assert bank.get(url).status_code == 200 and platform.listed.uscc in bank.get(url).content.decode()
    assert AuditEvent.objects.filter(action="view_regional_list", object_id=str(regional.pk)).exists()
    assert regional in bank.get(reverse("supervision:bank_lists")).context["page"].object_list
    assert bank.get(f"/api/supervision/lists/{regional.pk}/entries").json()["total"] == 1
    assert [x["id"] for x in bank.get("/api/supervision/lists").json()["items"]] == [regional.pk]
    assert platform.client("bank_b").get("/api/supervision/lists").json()["total"] == 0
    assert platform.client("zone_admin").get("/api/supervision/lists").json()["total"] == 0
    for outsider in (
        platform.client("bank_b"),
        platform.client("zone_admin"),
        client_for(regions["users"]["west"]),
    ):
        assert outsider.get(url).status_code == 404
        assert outsider.get(f"/api/supervision/lists/{regional.pk}/entries").status_code == 404
    # the nation, above the province, sees it too
    assert client_for(regions["users"]["nation"]).get(url).status_code == 200


def test_a_province_cannot_unite_lists_outside_its_region(regions, platform):
    from gaoxin.web.credit.services import publish_list

    top_b = platform.run_b.scores.order_by("-total").first()
    list_b = publish_list(
        platform.run_b,
        title="乙区名单",
        filters={"top": 1},
        banks=[platform.bank_b],
        user=platform.users["zone_admin_b"],
    )
    assert top_b is not None
    c = client_for(regions["users"]["east"])
    r = c.post(
        reverse("supervision:lists"), {"title": "越界", "sources": [list_b.pk], "banks": [platform.bank_a.pk]}
    )
    assert r.status_code == 400 and not RegionalList.objects.exists()
    # the nation may unite both
    n = client_for(regions["users"]["nation"])
    r = n.post(
        reverse("supervision:lists"),
        {"title": "全国", "sources": [list_b.pk, platform.published.pk], "banks": [platform.bank_a.pk]},
    )
    assert r.status_code == 302 and RegionalList.objects.get(title="全国").entries_count == 2


@pytest.mark.parametrize("role", ["zone_admin", "clerk", "enterprise", "bank", "platform_admin"])
def test_only_supervisors_see_the_supervision_pages(regions, platform, role):
    c = platform.client(role)
    expected = 200 if role == "platform_admin" else 403
    assert c.get(reverse("supervision:home")).status_code == expected
    assert c.get("/api/supervision/zones").status_code == expected
    if role != "platform_admin":
        assert c.post(reverse("supervision:lists"), {"title": "x"}).status_code == 403


def test_the_api_gives_a_supervisor_only_its_zones(regions, platform):
    rows = client_for(regions["users"]["east"]).get("/api/supervision/zones").json()
    assert [r["zone"] for r in rows] == [platform.zone_a.code]
    assert rows[0]["firms"] == Enterprise.objects.filter(zone=platform.zone_a).count()
