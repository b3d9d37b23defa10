"""Issue 16, items 2-3 checked end to end in the browser: what the security administrator's actions do
to the account's sessions and API tokens, that a temporary password is never shown or logged, and that
the three administrators keep to their own duties (三员分立), the new 停用/启用 of zones and banks
included."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gaoxin.web.accounts.models import ApiToken, AuditEvent, Bank, Role, User
from gaoxin.web.accounts.services import new_token
from gaoxin.web.registry.models import Zone
from tests.web.conftest import PASSWORD, make_user

TEMPORARY = "a-temporary-passphrase-42"


@pytest.fixture
def security(db):
    return make_user("sec", Role.SECURITY_ADMIN)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_revoked_token_and_every_token_after_a_reset_are_refused_by_the_api(security, platform):
    target = platform.users["clerk"]
    c = _client(security)
    url = reverse("accounts:user", args=[target.pk])
    one, two = new_token(target, "etl"), new_token(target, "report")
    assert _bearer(one).get("/api/me").status_code == 200
    page = c.get(url).content.decode()
    tokens = list(ApiToken.objects.filter(user=target))
    assert all(t.prefix in page for t in tokens) and one not in page  # listed by prefix, never the secret
    first = ApiToken.objects.get(user=target, name="etl")
    assert c.post(url, {"action": "revoke", "token": first.pk}).status_code == 302
    assert _bearer(one).get("/api/me").status_code == 401
    assert _bearer(two).get("/api/me").status_code == 200  # only the one revoked
    # a token of another user cannot be revoked through this account's page
    other = ApiToken.objects.get(name="report")
    theirs = new_token(platform.users["zone_admin"], "theirs")
    mine = ApiToken.objects.get(name="theirs")
    assert c.post(url, {"action": "revoke", "token": mine.pk}).status_code == 404
    assert _bearer(theirs).get("/api/me").status_code == 200

    # a temporary password ends every token of the account; it is never shown nor logged
    r = c.post(url, {"action": "reset", "password": TEMPORARY, "password2": TEMPORARY})
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.revoked and _bearer(two).get("/api/me").status_code == 401
    assert TEMPORARY not in c.get(url).content.decode()
    assert TEMPORARY not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert AuditEvent.objects.filter(action="password_reset", object_id=str(target.pk)).exists()


def test_disabling_an_account_ends_its_open_session(security, platform):
    target = platform.users["enterprise"]
    browser = Client()
    assert (
        browser.post(
            reverse("accounts:login"), {"username": target.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert browser.get(reverse("registry:my_enterprise")).status_code == 200
    c = _client(security)
    c.post(reverse("accounts:user", args=[target.pk]), {"action": "disable"})
    assert browser.get(reverse("registry:my_enterprise")).status_code == 302  # back to the sign-in page


def test_an_administrator_neither_disables_itself_nor_moves_itself_into_another_duty(security):
    c = _client(security)
    url = reverse("accounts:user", args=[security.pk])
    r = c.post(url, {"action": "disable"})
    assert r.status_code == 400
    r = c.post(url, {"action": "save", "role": Role.PLATFORM_ADMIN, "display_name": ""})
    assert r.status_code == 400 and "不能更改自己的角色" in r.content.decode()
    security.refresh_from_db()
    assert security.is_active and security.role == Role.SECURITY_ADMIN
    # another security administrator may change it (and it is audited)
    other = make_user("sec2", Role.SECURITY_ADMIN)
    r = _client(other).post(url, {"action": "save", "role": Role.AUDIT_ADMIN, "display_name": ""})
    assert r.status_code == 302
    security.refresh_from_db()
    assert security.role == Role.AUDIT_ADMIN
    assert AuditEvent.objects.filter(action="user_edit", object_id=str(security.pk)).exists()


def test_only_the_system_administrator_disables_zones_and_banks(security, platform):
    auditor = make_user("aud", Role.AUDIT_ADMIN)
    for user in (security, auditor):
        c = _client(user)
        for name, pk in (("zone", platform.zone_a.pk), ("bank", platform.bank_a.pk)):
            r = c.post(reverse(f"accounts:{name}_switch", args=[pk]), {"active": "0", "confirm": "1"})
            assert r.status_code == 403, (user.role, name)
    assert Zone.objects.get(pk=platform.zone_a.pk).active and Bank.objects.get(pk=platform.bank_a.pk).active
    # and the system administrator touches no account: no reset, no unlock, no revoke
    system = _client(platform.users["platform_admin"])
    target = platform.users["clerk"]
    new_token(target, "etl")
    token = ApiToken.objects.get(user=target, name="etl")
    url = reverse("accounts:user", args=[target.pk])
    for data in (
        {"action": "reset", "password": TEMPORARY, "password2": TEMPORARY},
        {"action": "unlock"},
        {"action": "revoke", "token": token.pk},
    ):
        assert system.post(url, data).status_code == 403, data
    token.refresh_from_db()
    target.refresh_from_db()
    assert not token.revoked and not target.must_change_password
