"""``manage.py gaoxin_user``: the first administrator and scripted set-ups without a Python shell."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from gaoxin.web.accounts.models import Bank, User
from gaoxin.web.registry.models import Zone

GOOD = "a-long-enough-pass-2025"


@pytest.fixture
def pw(monkeypatch):
    monkeypatch.setenv("GAOXIN_PASSWORD", GOOD)


@pytest.mark.django_db
def test_zone_bank_and_one_user_per_role(pw):
    call_command("gaoxin_user", "zone", "Z9", "测试高新区")
    call_command("gaoxin_user", "zone", "Z9", "测试高新区（更名）")  # rename, not a second zone
    call_command("gaoxin_user", "bank", "b1", "测试银行")
    assert Zone.objects.get(code="Z9").name == "测试高新区（更名）" and Bank.objects.count() == 1
    call_command("gaoxin_user", "create", "root", "--role", "platform_admin")
    call_command("gaoxin_user", "create", "za", "--role", "zone_admin", "--zone", "Z9", "--name", "张三")
    call_command("gaoxin_user", "create", "bk", "--role", "bank", "--bank", "b1")
    za = User.objects.get(username="za")
    assert za.zone.code == "Z9" and za.display_name == "张三" and za.role == "zone_admin"
    assert User.objects.get(username="bk").bank.code == "b1"
    assert authenticate(username="root", password=GOOD) is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "zone_admin"], "needs --zone"),
        (["--role", "platform_admin", "--zone", "Z9"], "needs no --zone"),
        (["--role", "bank", "--zone", "Z9"], "needs --bank"),
        (["--role", "clerk", "--zone", "NOPE"], "no zone 'NOPE'"),
        (["--role", "enterprise", "--uscc", "X"], "no enterprise 'X'"),
    ],
)
def test_a_user_without_the_right_anchor_is_refused(pw, args, message):
    Zone.objects.create(code="Z9", name="测试高新区")
    with pytest.raises(CommandError, match=message):
        call_command("gaoxin_user", "create", "u", *args)
    assert not User.objects.filter(username="u").exists()


@pytest.mark.django_db
def test_passwords_follow_the_rules_and_are_never_on_the_command_line(monkeypatch):
    monkeypatch.setenv("GAOXIN_PASSWORD", "123")
    with pytest.raises(CommandError, match=r"short|common|numeric"):
        call_command("gaoxin_user", "create", "root", "--role", "platform_admin")
    monkeypatch.delenv("GAOXIN_PASSWORD")
    with pytest.raises(CommandError, match="GAOXIN_PASSWORD"):  # no terminal under pytest
        call_command("gaoxin_user", "create", "root", "--role", "platform_admin")
    assert not User.objects.exists()
    monkeypatch.setenv("GAOXIN_PASSWORD", GOOD)
    call_command("gaoxin_user", "create", "root", "--role", "platform_admin")
    monkeypatch.setenv("GAOXIN_PASSWORD", GOOD + "-new")
    call_command("gaoxin_user", "password", "root")
    assert authenticate(username="root", password=GOOD + "-new") is not None
    call_command("gaoxin_user", "deactivate", "root")
    assert authenticate(username="root", password=GOOD + "-new") is None
    with pytest.raises(CommandError, match="no user"):
        call_command("gaoxin_user", "password", "ghost")
