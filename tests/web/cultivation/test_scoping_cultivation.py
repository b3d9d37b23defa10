"""Who sees which ladder: roles × pages, exports, API and guessed ids.

Written from the rules of the issue, not from ``scoping.visible``: zone staff see their zone's
assessments; an enterprise sees only its own ladder; a bank sees nothing of the ladder. "Denied" is any
of 302 (to sign-in), 401, 403, 404: the user gets nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gaoxin.web.accounts.scoping import visible
from gaoxin.web.cultivation.models import LadderEntry, LadderRun, LadderSettings
from tests.web.matrix import DENIED, ROLES

from .conftest import NEAR_A


def client(p, role: str) -> Client:
    return Client() if role == "anonymous" else p.client(role)


def urls(p) -> dict[str, set[str]]:
    """URL → the roles that may read it."""
    a, b = p.ladder_a.pk, p.ladder_b.pk
    staff_a = {"platform_admin", "zone_admin", "clerk"}
    staff_b = {"platform_admin", "zone_admin_b"}
    firm_a = p.users["enterprise"].enterprise_id
    firm_b = p.users["enterprise_b"].enterprise_id
    return {
        reverse("cultivation:run", args=[a]): staff_a,
        reverse("cultivation:run", args=[b]): staff_b,
        reverse("cultivation:run_status", args=[a]): staff_a,
        reverse("cultivation:run_status", args=[b]): staff_b,
        f"{reverse('cultivation:tier', args=['hightech'])}?run={a}&zone={p.zone_a.code}": staff_a,
        f"{reverse('cultivation:tier', args=['hightech'])}?run={b}&zone={p.zone_b.code}": staff_b,
        f"{reverse('cultivation:tier_export', args=['hightech'])}?run={a}&zone={p.zone_a.code}": staff_a,
        f"{reverse('cultivation:tier_export', args=['hightech'])}?run={b}&zone={p.zone_b.code}": staff_b,
        f"/api/cultivation/runs/{a}": staff_a,
        f"/api/cultivation/runs/{b}": staff_b,
        f"/api/cultivation/runs/{a}/tiers/hightech/candidates": staff_a,
        f"/api/cultivation/runs/{b}/tiers/hightech/candidates": staff_b,
        f"/api/cultivation/tier-counts?zone={p.zone_a.code}": staff_a,
        f"/api/cultivation/tier-counts?zone={p.zone_b.code}": staff_b,
        f"/api/cultivation/enterprises/{firm_a}/ladder": staff_a | {"enterprise"},
        f"/api/cultivation/enterprises/{firm_b}/ladder": staff_b | {"enterprise_b"},
        # zone staff always get their own zone's settings (a ?zone= of another zone is ignored)
        f"{reverse('cultivation:settings')}?zone={p.zone_a.code}": staff_a | {"zone_admin_b"},
        f"{reverse('cultivation:settings')}?zone={p.zone_b.code}": staff_b | {"zone_admin", "clerk"},
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_only_its_own_ladders(ladder, role):
    c = client(ladder, role)
    for url, allowed in urls(ladder).items():
        status = c.get(url).status_code
        if role in allowed:
            assert status == 200, (role, url, status)
        else:
            assert status in DENIED, (role, url, status)


def test_zone_a_never_reaches_zone_b_through_guessed_ids_or_pages(ladder):
    c = ladder.client("zone_admin")
    b_entry = LadderEntry.objects.filter(run=ladder.ladder_b).first()
    # zone A's own page never lists zone B's firms, whatever the query asks
    for query in ({}, {"status": "all", "size": 200}, {"zone": ladder.zone_b.code, "status": "all"}):
        page = c.get(reverse("cultivation:tier", args=["hightech"]), query)
        assert page.status_code == 200
        assert all(r["entry"].run_id == ladder.ladder_a.pk for r in page.context["rows"])
        assert b_entry.enterprise.uscc not in page.content.decode()
    export = c.get(reverse("cultivation:tier_export", args=["hightech"]), {"status": "all"})
    assert b_entry.enterprise.uscc.encode() not in export.content
    assert (
        c.get(reverse("cultivation:tier", args=["hightech"]), {"run": ladder.ladder_b.pk}).status_code == 404
    )
    runs = c.get("/api/cultivation/runs", {"zone": ladder.zone_b.code}).json()
    assert runs["total"] == 0
    assert c.get(f"/api/cultivation/enterprises/{b_entry.enterprise_id}/ladder").status_code == 404
    assert c.post(
        reverse("cultivation:runs"), {"year": 2025, "zone": ladder.zone_b.code}
    ).status_code in DENIED | {302}
    assert not LadderRun.objects.filter(zone=ladder.zone_b).exclude(pk=ladder.ladder_b.pk).exists()
    home = c.get(reverse("cultivation:home"), {"zone": ladder.zone_b.code})
    assert home.context["zone"] == ladder.zone_a  # zone staff always see their own zone
    settings_page = c.get(reverse("cultivation:settings"), {"zone": ladder.zone_b.code})
    assert settings_page.context["zone"] == ladder.zone_a


def test_an_enterprise_sees_only_its_own_rows(ladder):
    user = ladder.users["enterprise"]
    rows = visible(user, LadderEntry)
    assert rows.exists() and set(rows.values_list("enterprise_id", flat=True)) == {user.enterprise_id}
    assert not visible(user, LadderRun).exists()
    assert not visible(user, LadderSettings).exists()
    c = ladder.client("enterprise")
    assert c.get(reverse("cultivation:home")).status_code == 403
    assert c.get(reverse("cultivation:runs")).status_code == 403
    other = LadderEntry.objects.filter(run=ladder.ladder_a).exclude(enterprise=user.enterprise_id).first()
    assert c.get(f"/api/cultivation/enterprises/{other.enterprise_id}/ladder").status_code == 404
    profile = c.get(reverse("registry:enterprise", args=[other.enterprise_id]))
    assert profile.status_code == 404


@pytest.mark.parametrize("role", ["bank", "bank_b"])
def test_a_bank_sees_nothing_of_the_ladder(ladder, role):
    user = ladder.users[role]
    for model in (LadderRun, LadderEntry, LadderSettings):
        assert not visible(user, model).exists()
    c = ladder.client(role)
    assert c.get(reverse("cultivation:home")).status_code == 403
    assert c.get(f"/api/cultivation/enterprises/{ladder.listed.pk}/ladder").status_code in DENIED
    assert c.get("/api/cultivation/runs").status_code == 403


def test_only_the_zone_admin_of_the_zone_writes_its_settings(ladder):
    url = reverse("cultivation:settings")
    assert (
        ladder.client("zone_admin_b")
        .post(url, {"config": "near: {hightech: 0.1}", "zone": ladder.zone_a.code})
        .status_code
        == 302
    )
    # zone B's administrator saved zone B's settings, never zone A's
    assert LadderSettings.objects.get(zone=ladder.zone_b).config == {"near": {"hightech": 0.1}}
    assert LadderSettings.objects.get(zone=ladder.zone_a).config == NEAR_A
    for role in ("clerk", "enterprise", "bank"):
        assert ladder.client(role).post(url, {"config": "near: {hightech: 0.2}"}).status_code in DENIED
    assert LadderSettings.objects.get(zone=ladder.zone_a).config == NEAR_A
