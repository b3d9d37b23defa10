"""Who sees what of the carriers app: every route × every role × objects of zone A and zone B, and
guessed ids. Out of scope is 404 (the object does not exist for the caller); a page the role may not
use at all is 403."""

from __future__ import annotations

import pytest

from gaoxin.web.carriers.models import (
    ChallengeApplication,
    ChallengeReview,
    IncubatedFirm,
    Incubator,
    ReserveFirm,
    TableImport,
)

pytestmark = pytest.mark.django_db

ZONE_PAGES = [
    "/carriers/",
    "/carriers/reserve/",
    "/carriers/challenges/",
    "/carriers/graduates/",
    "/carriers/imports/",
]
EXPORTS = ["incubators", "firms", "graduates", "reserve", "rewards", "payments"]


def _status(client, url, **kw):
    return client.get(url, **kw).status_code


def test_zone_pages_by_role(carriers):
    expected = {
        "zone_admin": 200,
        "clerk": 200,
        "platform_admin": 200,
        "zone_admin_b": 200,
        "bank": 403,
    }
    for role, code in expected.items():
        c = carriers.client(role)
        for url in ZONE_PAGES:
            assert _status(c, url) == code, (role, url)
        for kind in EXPORTS:
            assert _status(c, f"/carriers/export/{kind}.xlsx") == code, (role, kind)
    for role in ("enterprise", "enterprise_b", "expert1"):
        c = carriers.client(role)
        assert c.get("/carriers/").status_code == 302  # to the firm's own page
        for url in ZONE_PAGES[1:]:
            assert _status(c, url) in (302, 403), (role, url)
        for kind in EXPORTS:
            assert _status(c, f"/carriers/export/{kind}.xlsx") == 403
    assert _status(carriers.client("clerk"), "/carriers/settings/") == 403
    assert _status(carriers.client("zone_admin"), "/carriers/settings/") == 200


def test_zone_pages_show_only_the_users_zone(carriers):
    a = carriers.client("zone_admin").get("/carriers/").content.decode()
    b = carriers.client("zone_admin_b").get("/carriers/").content.decode()
    assert carriers.incubator.name in a and carriers.incubator_b.name not in a
    assert carriers.incubator_b.name in b and carriers.incubator.name not in b
    # a zone user cannot pick another zone by parameter
    other = (
        carriers.client("zone_admin")
        .get("/carriers/", {"zone": carriers.platform.zone_b.code})
        .content.decode()
    )
    assert carriers.incubator_b.name not in other
    export = carriers.client("zone_admin").get("/carriers/export/reserve.xlsx").content
    from gaoxin.io.tables import read_table  # noqa: F401  (the export is an xlsx the reader opens)

    assert export[:2] == b"PK"


def _objects(carriers):
    review_1 = ChallengeReview.objects.filter(expert__user=carriers.experts["expert1"]).first()
    review_2 = ChallengeReview.objects.filter(expert__user=carriers.experts["expert2"]).first()
    return {
        "incubator_a": f"/carriers/incubators/{carriers.incubator.pk}/",
        "incubator_b": f"/carriers/incubators/{carriers.incubator_b.pk}/",
        "reserve_a": f"/carriers/reserve/{carriers.reserve.pk}/",
        "reserve_b": f"/carriers/reserve/{carriers.reserve_b.pk}/",
        "challenge_a": f"/carriers/challenges/{carriers.challenge.pk}/",
        "challenge_b": f"/carriers/challenges/{carriers.challenge_b.pk}/",
        "review_1": f"/carriers/reviews/{review_1.pk}/",
        "review_2": f"/carriers/reviews/{review_2.pk}/",
    }


# role → object → status (200 seen, 404 out of scope, 403 the role never uses the page)
MATRIX = {
    "zone_admin": {"incubator_a": 200, "incubator_b": 404, "reserve_a": 200, "reserve_b": 404,
                   "challenge_a": 200, "challenge_b": 404, "review_1": 404, "review_2": 404},
    "clerk": {"incubator_a": 200, "incubator_b": 404, "reserve_a": 200, "reserve_b": 404,
              "challenge_a": 200, "challenge_b": 404, "review_1": 404, "review_2": 404},
    "zone_admin_b": {"incubator_a": 404, "incubator_b": 200, "reserve_a": 404, "reserve_b": 200,
                     "challenge_a": 404, "challenge_b": 200, "review_1": 404, "review_2": 404},
    "platform_admin": {"incubator_a": 200, "incubator_b": 200, "reserve_a": 200, "reserve_b": 200,
                       "challenge_a": 200, "challenge_b": 200, "review_1": 404, "review_2": 404},
    # zone A's firm: not incubated, not in the reserve; sees its zone's published challenge only
    "enterprise": {"incubator_a": 403, "incubator_b": 403, "reserve_a": 404, "reserve_b": 404,
                   "challenge_a": 200, "challenge_b": 404, "review_1": 404, "review_2": 404},
    # zone B's firm: its own reserve entry and its zone's challenge
    "enterprise_b": {"incubator_a": 403, "incubator_b": 403, "reserve_a": 404, "reserve_b": 200,
                     "challenge_a": 404, "challenge_b": 200, "review_1": 404, "review_2": 404},
    # an expert: only the reviews assigned to them
    "expert1": {"incubator_a": 403, "incubator_b": 403, "reserve_a": 404, "reserve_b": 404,
                "challenge_a": 200, "challenge_b": 404, "review_1": 200, "review_2": 404},
    "bank": {"incubator_a": 403, "incubator_b": 403, "reserve_a": 403, "reserve_b": 403,
             "challenge_a": 404, "challenge_b": 404, "review_1": 403, "review_2": 403},
}  # fmt: skip


def test_every_object_route_by_role(carriers):
    urls = _objects(carriers)
    for role, row in MATRIX.items():
        c = carriers.client(role)
        for obj, code in row.items():
            assert _status(c, urls[obj]) == code, (role, obj)


def test_guessed_ids_are_404_for_everyone_who_may_use_the_page(carriers):
    far = 10**6
    for role in ("zone_admin", "clerk", "platform_admin", "enterprise", "expert1"):
        c = carriers.client(role)
        for url in (
            f"/carriers/reserve/{far}/",
            f"/carriers/challenges/{far}/",
            f"/carriers/reviews/{far}/",
        ):
            assert _status(c, url) == 404, (role, url)
    for role in ("zone_admin", "clerk", "platform_admin"):
        c = carriers.client(role)
        assert _status(c, f"/carriers/incubators/{far}/") == 404
        assert _status(c, f"/carriers/imports/{far}/") == 404


def test_posts_outside_scope_change_nothing(carriers):
    b = carriers.client("zone_admin_b")
    n_firms = IncubatedFirm.objects.count()
    assert (
        b.post(f"/carriers/incubators/{carriers.incubator.pk}/action/", {"action": "graduations"}).status_code
        == 404
    )
    assert (
        b.post(f"/carriers/reserve/{carriers.reserve.pk}/action/", {"action": "advance"}).status_code == 404
    )
    assert (
        b.post(f"/carriers/challenges/{carriers.challenge.pk}/action/", {"action": "pay"}).status_code == 404
    )
    # the firm of zone A may not act as the zone on its challenge
    firm = carriers.client("enterprise")
    assert (
        firm.post(f"/carriers/challenges/{carriers.challenge.pk}/action/", {"action": "publish"}).status_code
        == 403
    )
    # a clerk keeps the registers but does not pay or select
    clerk = carriers.client("clerk")
    assert (
        clerk.post(f"/carriers/challenges/{carriers.challenge.pk}/action/", {"action": "pay"}).status_code
        == 403
    )
    # an expert cannot post to another expert's review
    other = ChallengeReview.objects.filter(expert__user=carriers.experts["expert2"]).first()
    assert (
        carriers.client("expert1")
        .post(f"/carriers/reviews/{other.pk}/", {"action": "conflict", "reason": "x"})
        .status_code
        == 404
    )
    # a firm reads its own reserve entry but does not edit it or record its stages
    own = carriers.client("enterprise_b")
    assert own.post(f"/carriers/reserve/{carriers.reserve_b.pk}/", {"broker": "x"}).status_code == 403
    assert (
        own.post(f"/carriers/reserve/{carriers.reserve_b.pk}/action/", {"action": "advance"}).status_code
        == 403
    )
    assert (
        own.post(
            f"/carriers/incubators/{carriers.incubator_b.pk}/action/", {"action": "graduations"}
        ).status_code
        == 403
    )
    assert IncubatedFirm.objects.count() == n_firms


def test_an_import_record_of_another_zone_is_404(carriers):
    rec = TableImport.objects.create(
        zone=carriers.platform.zone_b,
        kind="incubators",
        file_name="x.xlsx",
        sha256="0" * 64,
        status="refused",
    )
    assert _status(carriers.client("zone_admin"), f"/carriers/imports/{rec.pk}/") == 404
    assert _status(carriers.client("zone_admin_b"), f"/carriers/imports/{rec.pk}/") == 200


def test_an_applicant_sees_its_own_application_never_the_reviews(carriers):
    app = ChallengeApplication.objects.filter(challenge=carriers.challenge, status="selected").get()
    from gaoxin.web.accounts.models import Role, User

    lead_user = User.objects.create_user(
        username="lead", password="x-long-password-1", role=Role.ENTERPRISE, enterprise=app.lead
    )
    from django.test import Client

    c = Client()
    c.force_login(lead_user)
    html = c.get("/carriers/mine/").content.decode()
    assert carriers.challenge.title in html
    page = c.get(f"/carriers/challenges/{carriers.challenge.pk}/").content.decode()
    assert "expert1" not in page and 'id="results"' not in page
    assert "data-contract=" in page  # its own contract, milestones and payments
    from gaoxin.web.accounts.scoping import visible

    assert not visible(lead_user, ChallengeReview).exists()
    assert set(visible(lead_user, ChallengeApplication)) == {app}
    assert not visible(lead_user, Incubator).exclude(firms__enterprise=app.lead).exists()
    assert not visible(lead_user, ReserveFirm).exclude(enterprise=app.lead).exists()


def test_experts_are_chosen_among_the_zones_own_users(carriers):
    from gaoxin.web.carriers.models import ChallengeExpert

    page = (
        carriers.client("zone_admin").get(f"/carriers/challenges/{carriers.challenge.pk}/").content.decode()
    )
    assert "firm_b" not in page and "zone_admin_b" not in page  # other zone's users are not offered
    outsider = carriers.platform.users["enterprise_b"]
    url = f"/carriers/challenges/{carriers.challenge.pk}/action/"
    assert (
        carriers.client("zone_admin").post(url, {"action": "add_expert", "user": outsider.pk}).status_code
        == 404
    )
    assert not ChallengeExpert.objects.filter(user=outsider).exists()
