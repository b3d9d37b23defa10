"""Browser tests: Playwright (Python) driving Debian's chromium against a live server.

The server is pytest-django's ``live_server`` (a real HTTP server in a thread of the test process, on
the test database); the data are the web tests' ``platform`` fixture (two zones loaded through the
import path, a run per zone, a list published to bank A, one user per role). Never downloads a
browser: chromium is Debian's package (``.ci/run`` installs it). Without it the tests are skipped on a
developer's machine and fail under CI.

Screenshots of each role's main page go to ``$GAOXIN_SHOTS`` (default ``/tmp/gaoxin-shots``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

# The web tests' fixtures, shared: the platform and the switch that runs background jobs inline.
from tests.web.conftest import PASSWORD, _test_settings, platform  # noqa: F401

CHROMIUM = os.environ.get("GAOXIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(os.environ.get("GAOXIN_SHOTS", "/tmp/gaoxin-shots"))

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are
# ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def zh(msgid: str) -> str:
    """What a Chinese user sees for ``msgid`` (the English msgid until its translation exists)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"no {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(
        locale="zh-CN",
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
    )
    context.set_default_timeout(30_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form the front page leads to, as a person would."""
    page.goto("/")
    page.get_by_label(zh("User name")).fill(username)
    page.get_by_label(zh("Password")).fill(password)
    page.get_by_role("button", name=zh("Sign in")).click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def shoot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))  # what the screen shows first
    page.screenshot(path=str(SHOTS / f"{name}-full.png"), full_page=True)
    return path
