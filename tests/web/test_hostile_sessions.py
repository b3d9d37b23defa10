"""Requests that do not queue behind each other or leave data in caches (issue 18, items 7 and 10): a
signed-in page writes its session at most once a minute (SQLite's write lock is not taken per page),
the idle timeout still slides, and scoped pages, exports and API answers are ``no-store``."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gaoxin.web.platform import sessions

PAGE = "/credit/lists/"


def _session_writes(client, path: str, n: int) -> int:
    with CaptureQueriesContext(connection) as q:
        for _ in range(n):
            assert client.get(path).status_code == 200
    return sum(
        1
        for x in q.captured_queries
        if "django_session" in x["sql"] and x["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_pages_do_not_write_the_session_each_time_but_the_timeout_still_slides(platform, monkeypatch):
    from django.contrib.sessions.models import Session

    c = platform.client("zone_admin")
    clock = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: clock[0])
    assert _session_writes(c, PAGE, 1) == 0  # signing in has just saved it
    key = c.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    clock[0] += sessions.REFRESH_SECONDS - 1
    assert _session_writes(c, PAGE, 5) == 0  # on main: 5 (SESSION_SAVE_EVERY_REQUEST)
    clock[0] += 2
    assert _session_writes(c, PAGE, 1) == 1  # a minute on: saved once, the expiry moves on
    assert Session.objects.get(session_key=key).expire_date >= first


def test_a_token_call_gets_no_session(platform):
    from django.contrib.sessions.models import Session

    from gaoxin.web.accounts.services import new_token

    secret = new_token(platform.users["bank"], "fuzz")
    before = Session.objects.count()
    r = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200 and Session.objects.count() == before


def test_scoped_pages_exports_and_api_answers_are_not_cached(platform):
    c = platform.client("zone_admin")
    for path in (PAGE, "/api/me", f"/credit/lists/{platform.published.pk}/export.csv"):
        r = c.get(path)
        assert r.status_code == 200, path
        assert "no-store" in r["Cache-Control"], path


def test_hsts_covers_subdomains_over_https():
    code = (
        "from gaoxin.web import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    env = {**os.environ, "GAOXIN_HTTPS": "1", "GAOXIN_SECRET_KEY": "x" * 50}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["31536000", "True"], out.stderr[-500:]
