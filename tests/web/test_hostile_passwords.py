"""Password rules with kinds of characters, applied by the self-service change; API tokens that expire
and end with a password change (issue 18, item 10)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from gaoxin.web.platform.passwords import classes

from .conftest import PASSWORD


@pytest.mark.parametrize(
    ("password", "kinds"),
    [
        ("abcdefghijkl", 1),
        ("abcdefghij12", 2),
        ("abcdefgh-12", 3),
        ("Abcdefgh-12", 4),
        ("长沙高新区abc123", 3),
    ],
)
def test_kinds_are_counted(password, kinds):
    assert classes(password) == kinds


@pytest.mark.parametrize("password", ["abcdefghijklmn", "qwertyuiop123", "zhangsanlisi2024"])
def test_a_password_of_one_or_two_kinds_is_refused(password):
    with pytest.raises(ValidationError) as e:
        validate_password(password)
    assert "password_too_simple" in [x.code for x in e.value.error_list]


def test_three_kinds_pass():
    validate_password("a-temporary-passphrase-42")
    validate_password("Tianfu Software Park 9")


def test_the_self_service_change_applies_the_rule(platform):
    c = platform.client("clerk")
    simple = "onlylowercaseletters"
    r = c.post(reverse("accounts:password"), {"password": simple, "password2": simple})
    assert r.status_code == 400
    user = platform.users["clerk"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(simple)


def _token(user) -> str:
    from gaoxin.web.accounts.services import new_token

    return new_token(user, "bank system")


def test_a_token_expires_after_its_days(platform, settings):
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from gaoxin.web.accounts.models import ApiToken

    secret = _token(platform.users["bank"])
    api = Client()
    assert api.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    made = timezone.now() - dt.timedelta(days=settings.GAOXIN_API_TOKEN_DAYS, seconds=1)
    ApiToken.objects.filter(user=platform.users["bank"]).update(created=made)
    assert api.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_new_password_ends_the_accounts_tokens(platform):
    from django.test import Client

    user = platform.users["clerk"]
    secret = _token(user)
    api = Client()
    assert api.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    new = "Another-passphrase-8"
    r = platform.client("clerk").post(reverse("accounts:password"), {"password": new, "password2": new})
    assert r.status_code == 302
    assert api.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
