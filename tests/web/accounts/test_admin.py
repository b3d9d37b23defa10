"""Administration in the browser and separated duties (issue 16, items 2-3; 三员分立)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from gaoxin.web.accounts.models import ApiToken, AuditEvent, Bank, Role, User
from gaoxin.web.accounts.scoping import can_write, may, visible
from gaoxin.web.accounts.services import new_token
from gaoxin.web.registry.models import Enterprise, Zone
from tests.web.conftest import PASSWORD, make_user

NEW_PASSWORD = "a-temporary-passphrase-42"


@pytest.fixture
def admins(platform):
    return {
        "security": make_user("sec", Role.SECURITY_ADMIN),
        "audit": make_user("aud", Role.AUDIT_ADMIN),
        "system": platform.users["platform_admin"],
    }


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("at", "id")


def test_an_administrator_role_belongs_to_nothing_and_one_account_holds_one_role(db):
    zone = Zone.objects.create(code="z", name="园区")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("x", password=PASSWORD, role=Role.SECURITY_ADMIN, zone=zone)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("y", password=PASSWORD, role=Role.AUDIT_ADMIN, zone=zone)
    # the three administrators are three values of the one role field: no account can be two of them
    assert {Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN} <= set(Role.values)


def test_the_security_administrator_creates_an_account_who_must_choose_a_password(admins, platform):
    c = client_for(admins["security"])
    form = {
        "username": "new_clerk",
        "display_name": "新录入员",
        "role": Role.CLERK,
        "zone": platform.zone_a.pk,
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    r = c.post(reverse("accounts:user_new"), form)
    assert r.status_code == 302
    made = User.objects.get(username="new_clerk")
    assert made.zone == platform.zone_a and made.must_change_password
    assert last("user_create").object_id == str(made.pk)
    assert NEW_PASSWORD not in str(AuditEvent.objects.values_list("detail", flat=True))  # never logged
    # a clerk without a zone, an enterprise by an unknown credit code: refused with the reason, nothing made
    r = c.post(reverse("accounts:user_new"), {**form, "username": "nozone", "zone": ""})
    assert r.status_code == 400 and not User.objects.filter(username="nozone").exists()
    r = c.post(
        reverse("accounts:user_new"),
        {**form, "username": "firm2", "role": Role.ENTERPRISE, "zone": "", "uscc": "91110000000000000X"},
    )
    assert r.status_code == 400 and "uscc" in r.context["form"].errors
    # the new clerk signs in and meets the password form first, whatever page they ask for
    person = Client()
    person.post(reverse("accounts:login"), {"username": "new_clerk", "password": NEW_PASSWORD})
    assert person.get(reverse("registry:dashboard")).url == reverse("accounts:password")
    r = person.post(reverse("accounts:password"), {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert r.status_code == 400  # not the temporary one again
    mine = "my-own-passphrase-77"
    assert person.post(reverse("accounts:password"), {"password": mine, "password2": mine}).status_code == 302
    assert person.get(reverse("registry:dashboard")).status_code == 200
    made.refresh_from_db()
    assert not made.must_change_password and made.check_password(mine)


def test_lock_unlock_disable_reset_and_revoke_are_done_and_audited(admins, platform, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    target = platform.users["clerk"]
    target.set_password(PASSWORD)
    target.save()
    anyone = Client()
    for _ in range(3):
        anyone.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})
    r = anyone.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert r.status_code == 200 and "锁定" in r.context["error"]  # locked out, even with the right password
    c = client_for(admins["security"])
    url = reverse("accounts:user", args=[target.pk])
    assert c.get(url).context["locked_until"] is not None
    assert c.post(url, {"action": "unlock"}).status_code == 302
    assert last("account_unlock").object_id == str(target.pk)
    assert (
        anyone.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD}).status_code == 302
    )

    signed_in = client_for(target)
    assert signed_in.get(reverse("registry:dashboard")).status_code == 200
    old_token = new_token(target, "before-disable")
    c.post(url, {"action": "disable"})
    target.refresh_from_db()
    assert not target.is_active and last("user_disable").object_id == str(target.pk)
    # two sessions: the sign-in after the unlock above, and signed_in's
    assert last("user_disable").detail == {"sessions_ended": 2, "tokens_revoked": 1}
    assert anyone.get(reverse("registry:dashboard")).status_code == 302
    assert (
        Client().post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD}).status_code
        == 200
    )
    c.post(url, {"action": "enable"})
    target.refresh_from_db()
    assert target.is_active
    # enabled again, the session and the token of before are dead: nobody holding them gets back in
    assert signed_in.get(reverse("registry:dashboard")).status_code == 302
    bearer = Client(headers={"Authorization": f"Bearer {old_token}"})
    assert bearer.get("/api/me").status_code == 401
    ApiToken.objects.filter(user=target).delete()

    c.post(url, {"action": "reset", "password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and target.must_change_password
    assert NEW_PASSWORD not in c.get(url).content.decode()  # never shown

    new_token(target, "etl")
    token = ApiToken.objects.get(user=target)
    page = c.get(url).content.decode()
    assert token.prefix in page
    c.post(url, {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked and last("token_revoked").detail["prefix"] == token.prefix


def test_the_security_administrator_reads_no_enterprise_data(admins, platform):
    sec = admins["security"]
    assert not visible(sec, Enterprise).exists()
    assert visible(sec, User).count() == User.objects.count()
    c = client_for(sec)
    assert c.get(reverse("registry:enterprise", args=[platform.listed.pk])).status_code in (403, 404)
    assert c.get(reverse("registry:dashboard")).status_code == 403
    assert c.get(reverse("accounts:audit")).status_code == 403
    assert c.get(reverse("accounts:zones")).status_code == 403
    assert not may(sec, "view_zone") and not may(sec, "read_audit")


def test_the_audit_administrator_reads_and_exports_the_log_and_does_nothing_else(admins, platform):
    aud = admins["audit"]
    c = client_for(aud)
    assert c.get(reverse("accounts:audit")).status_code == 200
    assert c.get(reverse("accounts:audit"), {"export": "xlsx"}).status_code == 200
    for name in (
        "accounts:users",
        "accounts:user_new",
        "accounts:zones",
        "accounts:banks",
        "registry:dashboard",
    ):
        assert c.get(reverse(name)).status_code == 403, name
    target = platform.users["clerk"]
    assert c.post(reverse("accounts:user", args=[target.pk]), {"action": "disable"}).status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert not visible(aud, Enterprise).exists() and not visible(aud, User).exists()
    assert visible(aud, AuditEvent).count() == AuditEvent.objects.count()
    assert not can_write(aud, target) and not can_write(aud, platform.listed)


def test_the_system_administrator_keeps_zones_and_banks_but_not_accounts_or_the_log(admins, platform):
    system = admins["system"]
    c = client_for(system)
    assert c.get(reverse("accounts:users")).status_code == 403
    assert c.get(reverse("accounts:audit")).status_code == 403
    assert not can_write(system, platform.users["clerk"])
    r = c.post(reverse("accounts:zones"), {"code": "z-new", "name": "新园区"})
    assert r.status_code == 302 and Zone.objects.filter(code="z-new", name="新园区").exists()
    assert last("zone_create").detail == {"code": "z-new", "name": "新园区"}
    r = c.post(reverse("accounts:zones"), {"code": "z-new", "name": "重复"})
    assert r.status_code == 400 and Zone.objects.filter(code="z-new").count() == 1
    bank = platform.bank_a
    r = c.post(reverse("accounts:bank", args=[bank.pk]), {"code": bank.code, "name": "甲银行（更名）"})
    bank.refresh_from_db()
    assert (
        r.status_code == 302 and bank.name == "甲银行（更名）" and last("bank_edit").object_id == str(bank.pk)
    )
    assert Bank.objects.count() == 2


@pytest.mark.parametrize("role", ["zone_admin", "clerk", "enterprise", "bank"])
def test_no_other_role_reaches_the_administration_pages(platform, role):
    c = platform.client(role)
    target = platform.users["zone_admin_b"]
    for url in (
        reverse("accounts:users"),
        reverse("accounts:user_new"),
        reverse("accounts:user", args=[target.pk]),
        reverse("accounts:zones"),
        reverse("accounts:banks"),
        reverse("accounts:bank", args=[platform.bank_a.pk]),
    ):
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("accounts:user", args=[target.pk]), {"action": "disable"}).status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_a_guessed_account_id_is_a_404_for_the_security_administrator(admins):
    c = client_for(admins["security"])
    assert c.get(reverse("accounts:user", args=[10**8])).status_code == 404


def test_the_system_administrator_keeps_regions_and_puts_zones_under_them(admins, platform):
    from gaoxin.web.registry.models import Region

    c = client_for(admins["system"])
    assert (
        c.post(reverse("accounts:regions"), {"code": "cn", "name": "全国", "level": "nation"}).status_code
        == 302
    )
    nation = Region.objects.get(code="cn")
    r = c.post(
        reverse("accounts:regions"), {"code": "hn", "name": "湖南", "level": "province", "parent": nation.pk}
    )
    assert r.status_code == 302
    province = Region.objects.get(code="hn")
    assert last("region_create").object_id == str(province.pk)
    # a region under its own child is refused, nothing changes
    r = c.post(
        reverse("accounts:region", args=[nation.pk]),
        {"code": "cn", "name": "全国", "level": "nation", "parent": province.pk},
    )
    assert r.status_code == 400
    nation.refresh_from_db()
    assert nation.parent is None
    zone = platform.zone_a
    r = c.post(
        reverse("accounts:zone", args=[zone.pk]),
        {"code": zone.code, "name": zone.name, "region": province.pk},
    )
    zone.refresh_from_db()
    assert r.status_code == 302 and zone.region == province
    assert last("zone_edit").detail == {"region": "湖南"}


def test_a_supervisor_account_needs_its_region_and_nothing_else(admins):
    from gaoxin.web.registry.models import Region

    province = Region.objects.create(code="hn", name="湖南", level="province")
    c = client_for(admins["security"])
    form = {
        "username": "hn_sup",
        "role": Role.SUPERVISOR,
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert c.post(reverse("accounts:user_new"), form).status_code == 400
    assert c.post(reverse("accounts:user_new"), {**form, "region": province.pk}).status_code == 302
    assert User.objects.get(username="hn_sup").region == province
