"""The scoping matrix: every role × every object × pages, exports, API and guessed URLs.

For each (role, URL) the expected outcome is derived from one table of rules below, written from the
issue's roles — not from ``scoping.visible`` — so that a leak in the helper or in a view shows up here.
"Denied" means any of 302 (to sign-in), 401, 403, 404: the user gets nothing of the object.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

PUBLISH = {"title": "矩阵测试", "top": 3}
ALLOWED = {200}
DENIED = {302, 401, 403, 404}
ROLES = [
    "anonymous",
    "platform_admin",
    "zone_admin",
    "clerk",
    "enterprise",
    "bank",
    "zone_admin_b",
    "enterprise_b",
    "bank_b",
]


def targets(p) -> dict[str, tuple[str, set[str]]]:
    """URL → the roles that may read it. Objects: zone A's firms (listed / unlisted), zone B's firm,
    zone A's and B's runs, the list published to bank A, zone A's import batch."""
    batch = p.zone_a.imports.first()
    zone_a_staff = {"platform_admin", "zone_admin", "clerk"}
    zone_b_staff = {"platform_admin", "zone_admin_b"}
    listed, unlisted, other = p.listed.pk, p.unlisted.pk, p.other.pk
    run_a, run_b, lst = p.run_a.pk, p.run_b.pk, p.published.pk
    return {
        # pages
        reverse("registry:enterprise", args=[listed]): zone_a_staff | {"bank"},
        reverse("registry:enterprise", args=[unlisted]): zone_a_staff | {"enterprise"},
        reverse("registry:enterprise", args=[other]): zone_b_staff | {"enterprise_b"},
        reverse("credit:run", args=[run_a]): zone_a_staff,
        reverse("credit:run", args=[run_b]): zone_b_staff,
        reverse("credit:list", args=[lst]): zone_a_staff,
        reverse("credit:bank_list", args=[lst]): zone_a_staff | {"bank"},  # the publishing zone may look too
        reverse("registry:import_detail", args=[batch.pk]): zone_a_staff,
        # exports
        reverse("credit:run_export", args=[run_a]): zone_a_staff,
        reverse("credit:run_export", args=[run_b]): zone_b_staff,
        reverse("credit:list_export", args=[lst, "xlsx"]): zone_a_staff | {"bank"},
        reverse("credit:list_export", args=[lst, "csv"]): zone_a_staff | {"bank"},
        # API
        f"/api/enterprises/{listed}": zone_a_staff | {"bank"},
        f"/api/enterprises/{unlisted}": zone_a_staff | {"enterprise"},
        f"/api/enterprises/{other}": zone_b_staff | {"enterprise_b"},
        f"/api/enterprises/{unlisted}/reports": zone_a_staff | {"enterprise"},
        f"/api/enterprises/{other}/reports": zone_b_staff | {"enterprise_b"},
        f"/api/runs/{run_a}": zone_a_staff | {"enterprise"},
        f"/api/runs/{run_b}": zone_b_staff | {"enterprise_b"},
        f"/api/runs/{run_a}/explanations/{unlisted}": zone_a_staff | {"enterprise"},
        f"/api/runs/{run_b}/explanations/{other}": zone_b_staff | {"enterprise_b"},
        f"/api/lists/{lst}": zone_a_staff | {"bank"},
        f"/api/lists/{lst}/csv": zone_a_staff | {"bank"},
        # guessed ids that do not exist are as closed as other people's
        reverse("registry:enterprise", args=[10**9]): set(),
        f"/api/enterprises/{10**9}": set(),
    }


def client_for(p, role: str) -> Client:
    return Client() if role == "anonymous" else p.client(role)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_exactly_its_own(platform, role):
    client = client_for(platform, role)
    leaks, refusals = [], []
    for url, readers in targets(platform).items():
        status = client.get(url).status_code
        if role in readers and status not in ALLOWED:
            refusals.append((url, status))
        if role not in readers and status not in DENIED:
            leaks.append((url, status))
    assert not leaks, f"{role} reads what is not theirs: {leaks}"
    assert not refusals, f"{role} is refused what is theirs: {refusals}"


@pytest.mark.parametrize("role", ["clerk", "enterprise", "bank", "zone_admin_b", "enterprise_b", "bank_b"])
def test_nobody_writes_outside_their_scope(platform, role):
    """Re-running zone A's run or publishing from it: refused to everyone but zone A's administrators."""
    from gaoxin.web.credit.models import PublishedList, ScoreRun

    client = client_for(platform, role)
    runs, lists = ScoreRun.objects.count(), PublishedList.objects.count()
    response = client.post(reverse("credit:run_rerun", args=[platform.run_a.pk]))
    assert response.status_code in DENIED, (role, response.status_code)
    client.post(reverse("credit:lists"), PUBLISH | {"run": platform.run_a.pk, "banks": [platform.bank_a.pk]})
    assert ScoreRun.objects.count() == runs and PublishedList.objects.count() == lists


def test_the_zone_admin_can_write_what_the_others_cannot(platform):
    """The positive control of the test above: the same requests succeed for zone A's administrator."""
    from gaoxin.web.credit.models import PublishedList, ScoreRun

    runs, lists = ScoreRun.objects.count(), PublishedList.objects.count()
    client = platform.client("zone_admin")
    assert client.post(reverse("credit:run_rerun", args=[platform.run_a.pk])).status_code in (200, 302)
    client.post(reverse("credit:lists"), PUBLISH | {"run": platform.run_a.pk, "banks": [platform.bank_a.pk]})
    assert ScoreRun.objects.count() == runs + 1 and PublishedList.objects.count() == lists + 1


@pytest.mark.parametrize("role", ["clerk", "enterprise", "bank", "zone_admin", "zone_admin_b"])
def test_lists_and_rankings_show_no_one_elses_firms(platform, role):
    """Collection pages and API lists: no firm outside the role's scope appears in them."""
    from gaoxin.web.accounts.scoping import visible
    from gaoxin.web.registry.models import Enterprise

    user = platform.users[role]
    mine = set(visible(user, Enterprise).values_list("uscc", flat=True))
    others = set(Enterprise.objects.exclude(uscc__in=mine).values_list("uscc", flat=True))
    client = client_for(platform, role)
    for url in ("/api/enterprises?limit=500", reverse("credit:ranking"), reverse("registry:enterprises")):
        body = client.get(url).content.decode()
        assert not [u for u in others if u in body], (role, url)
