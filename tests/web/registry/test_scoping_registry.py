"""The registry's scoping matrix for its newer routes: the enterprise list's export (zone staff, each
their own zone's firms) and the departments' administration (the system administrator only).
Denied means any of 302 (to sign-in), 403, 404."""

from __future__ import annotations

import io

import openpyxl
from django.test import Client
from django.urls import reverse

from gaoxin.web.accounts.models import Role
from gaoxin.web.registry.models import Department, Enterprise
from tests.web.conftest import make_user

DENIED = {302, 403, 404}


def _clients(platform) -> dict[str, Client]:
    out = {"anonymous": Client()}
    for role in platform.users:
        out[role] = platform.client(role)
    for username, role in (("security", Role.SECURITY_ADMIN), ("auditor", Role.AUDIT_ADMIN)):
        c = Client()
        c.force_login(make_user(username, role))
        out[username] = c
    return out


def test_every_role_reads_only_what_the_matrix_allows(platform):
    tax = Department.objects.get(name="税务局")
    zone_staff = {"platform_admin", "zone_admin", "clerk", "zone_admin_b"}
    targets = {
        reverse("registry:enterprises"): zone_staff,
        reverse("registry:enterprises_export"): zone_staff,
        reverse("registry:departments"): {"platform_admin"},
        reverse("registry:department", args=[tax.pk]): {"platform_admin"},
        reverse("registry:department", args=[10**9]): set(),  # a guessed id is closed to everyone
    }
    for role, client in _clients(platform).items():
        for url, allowed in targets.items():
            status = client.get(url).status_code
            if role in allowed:
                assert status == 200, (role, url, status)
            else:
                assert status in DENIED, (role, url, status)
        # writes: only the system administrator changes a department; anyone else changes nothing
        r = client.post(reverse("registry:department_active", args=[tax.pk]), {"active": "0"})
        tax.refresh_from_db()
        if role == "platform_admin":
            assert r.status_code == 302 and not tax.active
            Department.objects.filter(pk=tax.pk).update(active=True)
        else:
            assert r.status_code in DENIED and tax.active, role


def test_each_zone_exports_its_own_firms_only(platform):
    for role, zones in (
        ("zone_admin", [platform.zone_a]),
        ("zone_admin_b", [platform.zone_b]),
        ("platform_admin", [platform.zone_a, platform.zone_b]),
    ):
        content = platform.client(role).get(reverse("registry:enterprises_export")).content
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))[1:]
        expected = set(Enterprise.objects.filter(zone__in=zones).values_list("uscc", flat=True))
        assert {r[1] for r in rows} == expected, role
    # zone staff asking for another zone still get their own (the zone parameter is not theirs to pick)
    content = platform.client("zone_admin").get(reverse("registry:enterprises_export") + "?zone=Z002").content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))[1:]
    assert {r[1] for r in rows} == set(
        Enterprise.objects.filter(zone=platform.zone_a).values_list("uscc", flat=True)
    )
