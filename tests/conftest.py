"""Shared test set-up: which database this run uses, named in pytest's header; the web tests'
``platform`` data, built once per session; and the order that lets them be built once.

The platform (two zones imported and scored, two banks, a published list, one user per role) is
built once, committed in the session's test database, right after migrations
(``_platform_session``). Each test that asks for ``platform`` (``tests/web/conftest.py``) runs in
pytest-django's transaction, rolled back at its end, so it sees the platform as built, whatever the
tests before it wrote. Transactional tests (``transaction=True``, ``live_server``) flush the database
when they end; the next test that asks for the platform finds it gone and builds it again.

So that tests which do not ask for the platform still start from an empty database, the
non-transactional database tests run in two groups: first those without the platform, then those
with it (then pytest-django's transactional tests, then the rest).
"""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        where = url.rsplit("@", 1)[-1]  # never print the password
        return f"database: PostgreSQL ({where}; tests use test_<name>)"
    return "database: SQLite (in memory for tests)"


def _db_group(item: pytest.Item) -> int:
    """pytest-django's order: 0 database tests in a transaction, 1 transactional tests, 2 the rest."""
    from django.test import TestCase, TransactionTestCase

    names = getattr(item, "fixturenames", ())
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return 0 if issubclass(cls, TestCase) else 1
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in names or "live_server" in names
    if marker is not None:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
    if transactional:
        return 1
    return 0 if (marker is not None or "db" in names) else 2


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Within pytest-django's order, the tests on the shared platform after those without it.

    Tests marked ``postgres`` belong to the PostgreSQL pass (``make test`` runs both): on SQLite they
    are deselected, not skipped, so a skip in either pass always means something was left out."""
    if not ON_POSTGRES:
        kept = [item for item in items if item.get_closest_marker("postgres") is None]
        if len(kept) < len(items):
            config.hook.pytest_deselected(items=[i for i in items if i.get_closest_marker("postgres")])
            items[:] = kept
    items.sort(key=lambda item: (_db_group(item), "platform" in getattr(item, "fixturenames", ())))


_SESSION: dict = {}  # the built platform's spec, its table counts, and pytest-django's blocker


def _counts() -> tuple[int, ...]:
    from gaoxin.web.accounts.models import Bank, User
    from gaoxin.web.credit.models import PublishedList, Score, ScoreRun
    from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification, Zone

    tables = (Zone, Enterprise, AnnualReport, Qualification, ScoreRun, Score, PublishedList, Bank, User)
    return tuple(model.objects.count() for model in tables)


def _build(media, *, flush: bool = False):
    """Build the platform, committed (flushing the database first if asked), files under ``media``."""
    from django.core.management import call_command
    from django.test import override_settings

    from tests.web.conftest import build_platform

    with (
        _SESSION["blocker"].unblock(),
        override_settings(
            GAOXIN_TASKS_SYNC=True,
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        spec = build_platform(media)
        _SESSION["counts"] = _counts()
    return spec


@pytest.fixture(scope="session")
def _platform_session(django_db_setup, django_db_blocker, django_db_keepdb, tmp_path_factory):
    """The platform's ids, built once and committed (``tests/web/conftest.py`` reads them per test)."""
    from django.core.management import call_command

    _SESSION["blocker"] = django_db_blocker
    _SESSION["spec"] = spec = _build(tmp_path_factory.mktemp("platform-files"))
    yield spec
    _SESSION.clear()
    if django_db_keepdb:  # --reuse-db: leave no platform behind for the next session's first tests
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem):
    """After a test on the shared platform (rolled back by now), its tables must be as built: a test
    whose code committed rows on another connection would leak them into every later test. Such a
    test is named in a warning and the platform is built again."""
    yield
    spec = _SESSION.get("spec")
    if spec is None or "platform" not in getattr(item, "fixturenames", ()) or _db_group(item) != 0:
        return
    with _SESSION["blocker"].unblock():
        counts = _counts()
    if counts != _SESSION["counts"]:
        import warnings

        warnings.warn(
            f"{item.nodeid} left committed rows behind in the platform's tables "
            f"({_SESSION['counts']} → {counts}); the platform is built again",
            stacklevel=1,
        )
        vars(spec).update(vars(_build(spec.media, flush=True)))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: pages keep figures under versions made of row ids and
    counts, which a rolled-back test database hands out again."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request that switched to English leaves the thread's
    active language behind (LocaleMiddleware activates, nothing deactivates), and a later test that
    renders or formats outside a request would otherwise run in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
