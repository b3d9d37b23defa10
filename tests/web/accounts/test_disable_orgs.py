"""Disabling a zone or a bank in the browser (issue 16, item 1): one sign-in rule (``may_sign_in``) for
the sign-in form, every session and every API token; no new writes for a disabled zone."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gaoxin.web.accounts.models import AuditEvent, Bank
from gaoxin.web.accounts.services import ZoneDisabled, may_sign_in, new_token, readable
from gaoxin.web.credit.models import ScoreRun
from gaoxin.web.registry.models import ImportBatch, Zone
from tests.web.conftest import PASSWORD, YEAR

DISABLED_ZONE = "您所在的园区已在平台停用，其账号无法登录。"
DISABLED_BANK = "您所在的银行已在平台停用，其账号无法登录。"


def _sign_in(username: str) -> tuple[Client, object]:
    c = Client()
    r = c.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    return c, r


def _switch(admin: Client, name: str, pk: int, active: bool, confirm: bool = True):
    data = {"active": "1" if active else "0"}
    if confirm:
        data["confirm"] = "1"
    return admin.post(reverse(f"accounts:{name}_switch", args=[pk]), data)


def _last(action: str) -> AuditEvent:
    return readable(AuditEvent.objects.filter(action=action).latest("at", "id"))


def test_a_disabled_bank_signs_nobody_in_and_its_tokens_stop_until_it_is_enabled(platform):
    bank, officer = platform.bank_a, platform.users["bank"]
    admin = platform.client("platform_admin")
    browser, r = _sign_in(officer.username)  # a session opened before the bank is disabled
    assert r.status_code == 302
    assert browser.get(reverse("credit:bank_lists")).status_code == 200
    token = Client(headers={"Authorization": f"Bearer {new_token(officer, 'core banking')}"})
    assert token.get("/api/me").status_code == 200

    # the page shows the button and what it does; without the confirmation nothing changes
    page = admin.get(reverse("accounts:bank", args=[bank.pk]))
    assert reverse("accounts:bank_switch", args=[bank.pk]) in page.content.decode()
    assert _switch(admin, "bank", bank.pk, False, confirm=False).status_code == 302
    assert Bank.objects.get(pk=bank.pk).active
    r = _switch(admin, "bank", bank.pk, False)
    assert r.status_code == 302 and r.url == reverse("accounts:banks")
    assert not Bank.objects.get(pk=bank.pk).active
    assert "已停用" in admin.get(reverse("accounts:banks")).content.decode()

    # the open session ends, the token is refused, the right password does not sign in (with the reason)
    r = browser.get(reverse("credit:bank_lists"))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))
    assert token.get("/api/me").status_code == 401
    again, r = _sign_in(officer.username)
    assert r.status_code == 200 and DISABLED_BANK in r.content.decode()
    assert again.get(reverse("credit:bank_lists")).status_code == 302
    refusal = _last("login_refused")
    assert refusal.username == officer.username and refusal.detail["reason"] == DISABLED_BANK
    # the other bank's officer is unaffected
    assert may_sign_in(platform.users["bank_b"])

    # audited in words
    event = _last("bank_disable")
    assert event.object_id == str(bank.pk) and event.action_label == "停用了银行"
    assert event.object_label == "银行"

    # enabled again: the same password and the same token work again
    assert _switch(admin, "bank", bank.pk, True).status_code == 302
    assert _last("bank_enable").action_label == "启用了银行"
    back, r = _sign_in(officer.username)
    assert r.status_code == 302 and back.get(reverse("credit:bank_lists")).status_code == 200
    assert token.get("/api/me").status_code == 200


def test_a_disabled_zone_signs_out_its_staff_and_firms_and_takes_no_new_writes(platform):
    zone, clerk = platform.zone_a, platform.users["clerk"]
    admin = platform.client("platform_admin")
    firm = platform.client("enterprise")  # an enterprise of zone A
    assert firm.get(reverse("registry:my_enterprise")).status_code == 200
    assert _switch(admin, "zone", zone.pk, False).status_code == 302
    assert not Zone.objects.get(pk=zone.pk).active
    event = _last("zone_disable")
    assert event.action_label == "停用了园区" and event.object_label == "园区"

    _c, r = _sign_in(clerk.username)
    assert r.status_code == 200 and DISABLED_ZONE in r.content.decode()
    assert not may_sign_in(platform.users["zone_admin"]) and not may_sign_in(platform.users["enterprise"])
    assert firm.get(reverse("registry:my_enterprise")).status_code == 302  # the firm's session ended
    assert may_sign_in(platform.users["zone_admin_b"])  # zone B carries on

    # the system administrator still signs in, but the zone takes no new score run and no import
    runs = ScoreRun.objects.count()
    r = admin.post(reverse("credit:runs"), {"model": "shipped:national-2024", "year": YEAR, "zone": zone.pk})
    assert r.status_code == 403 and "已停用" in r.content.decode()
    assert ScoreRun.objects.count() == runs
    batches = ImportBatch.objects.count()
    upload = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    r = admin.post(reverse("registry:import_upload"), {"file": upload, "department": "x", "zone": zone.pk})
    assert r.status_code == 403 and "已停用" in r.content.decode()
    assert ImportBatch.objects.count() == batches

    # zone B still takes them; enabling zone A lets its clerk in again
    assert _switch(admin, "zone", zone.pk, True).status_code == 302
    assert _last("zone_enable").action_label == "启用了园区"
    _c, r = _sign_in(clerk.username)
    assert r.status_code == 302


def test_the_write_check_is_in_the_services(platform):
    from gaoxin.scoring import load_model
    from gaoxin.web.credit.services import submit_run

    Zone.objects.filter(pk=platform.zone_b.pk).update(active=False)
    with pytest.raises(ZoneDisabled) as refused:
        submit_run(platform.zone_b, YEAR, load_model("national-2024"), platform.users["platform_admin"])
    assert platform.zone_b.name in refused.value.user_message


def test_only_the_system_administrator_switches_zones_and_banks(platform):
    for role in ("zone_admin", "clerk", "bank", "enterprise"):
        c = platform.client(role)
        assert _switch(c, "bank", platform.bank_a.pk, False).status_code == 403, role
        assert _switch(c, "zone", platform.zone_a.pk, False).status_code == 403, role
    assert Bank.objects.get(pk=platform.bank_a.pk).active and Zone.objects.get(pk=platform.zone_a.pk).active
    assert Client().post(reverse("accounts:zone_switch", args=[platform.zone_a.pk])).status_code == 302
    # a GET changes nothing
    assert (
        platform.client("platform_admin")
        .get(reverse("accounts:zone_switch", args=[platform.zone_a.pk]))
        .status_code
        == 405
    )


def test_the_command_line_issues_no_token_to_an_officer_of_a_disabled_bank(platform):
    from io import StringIO

    from django.core.management import CommandError, call_command

    Bank.objects.filter(pk=platform.bank_a.pk).update(active=False)
    with pytest.raises(CommandError, match="may not sign in"):
        call_command("gaoxin_token", "create", platform.users["bank"].username, stdout=StringIO())
    out = StringIO()
    call_command("gaoxin_token", "create", platform.users["bank_b"].username, stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("gx_")
