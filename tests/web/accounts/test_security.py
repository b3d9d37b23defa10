"""Security basics: Argon2, lockout, sessions, CSRF, headers, no debug pages, audit of sign-ins."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client

from gaoxin.web.accounts.models import AuditEvent, LoginAttempt, Role, User

PASSWORD = "another-long-passphrase-7"


@pytest.fixture
def person(db, settings):
    settings.PASSWORD_HASHERS = importlib.import_module("gaoxin.web.settings").PASSWORD_HASHERS
    return User.objects.create_user(username="officer", password=PASSWORD, role=Role.PLATFORM_ADMIN)


def sign_in(client: Client, password: str):
    return client.post("/accounts/login/", {"username": "officer", "password": password})


def test_passwords_are_hashed_with_argon2(person):
    assert person.password.startswith("argon2$")


def test_the_real_settings_have_no_debug_and_strict_sessions():
    real = importlib.import_module("gaoxin.web.settings")
    assert real.DEBUG is False  # GAOXIN_DEBUG is unset in tests and in production
    assert real.SESSION_COOKIE_AGE <= 3600 and real.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert real.SESSION_COOKIE_HTTPONLY and real.X_FRAME_OPTIONS == "DENY"
    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_sign_in_is_audited_and_lands_on_the_role_page(person):
    client = Client()
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", user=person).count() == 1
    assert LoginAttempt.objects.filter(username="officer", succeeded=True).count() == 1


def test_repeated_failures_lock_the_account_even_for_the_right_password(person, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = sign_in(client, "wrong password")
        assert response.status_code == 200 and "错误".encode() in response.content
    response = sign_in(client, PASSWORD)
    assert response.status_code == 200 and "锁定".encode() in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed").count() == settings.LOGIN_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action="login_locked").exists()


def test_a_success_resets_the_failure_count(person, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


def test_sign_in_without_csrf_token_is_refused(person):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, PASSWORD).status_code == 403


def test_open_redirects_are_refused(person):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_secure_headers_on_every_page(db):
    response = Client().get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_server_error_shows_no_traceback(db, settings, client):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internals")

    import gaoxin.web.urls as urls

    settings.DEBUG = False
    client.raise_request_exception = False
    original = list(urls.urlpatterns)
    urls.urlpatterns.append(path("boom/", boom))
    try:
        from django.urls import clear_url_caches

        clear_url_caches()
        response = client.get("/boom/")
    finally:
        urls.urlpatterns[:] = original
        clear_url_caches()
    assert response.status_code == 500
    assert b"secret internals" not in response.content and b"Traceback" not in response.content
