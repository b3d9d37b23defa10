"""Concurrency that PostgreSQL does not serialise by itself (issue 18, items 3 and 5), with real threads
on real connections: the login lockout cannot be raced, and two imports of the same values keep every
history chain whole."""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict

import polars as pl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test import RequestFactory

from gaoxin.data import synth
from gaoxin.data.dataset import Dataset
from gaoxin.web.accounts.models import LoginAttempt, Role, User
from gaoxin.web.accounts.services import LockedOut, sign_in
from gaoxin.web.registry.models import AnnualReport, ChangeRecord, ImportBatch, Zone
from gaoxin.web.registry.services import apply_dataset

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _together(jobs: list) -> list:
    """Run the callables at once, each in its own thread and database connection; their results (or
    the exceptions they raised)."""
    barrier = threading.Barrier(len(jobs))
    out: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            out[i] = job()
        except Exception as exc:  # the test looks at what each thread met
            out[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return out


# --- item 3: the lockout --------------------------------------------------------------------------


def _attempt(username: str, password: str):
    def go():
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.9")
        request.user = AnonymousUser()
        return sign_in(request, username, password)

    return go


@pytest.fixture
def slow_hashing(settings):
    # a real key-derivation cost, so that concurrent guesses overlap as they would on a server
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.LOGIN_FAILURE_LIMIT = 5


def _zone() -> Zone:
    return Zone.objects.create(code="LOCK", name="锁定测试园区")


def _chain_ok(username: str, limit: int) -> bool:
    """No password was evaluated after ``limit`` failures in a row (the recorded attempts in order)."""
    run = 0
    for ok in (
        LoginAttempt.objects.filter(username=username).order_by("pk").values_list("succeeded", flat=True)
    ):
        if run >= limit:
            return False
        run = 0 if ok else run + 1
    return True


def test_forty_concurrent_wrong_passwords_evaluate_exactly_the_limit(slow_hashing):
    User.objects.create_user(username="target", password="the-right-one-7", role=Role.CLERK, zone=_zone())
    results = _together([_attempt("target", f"guess-{i}") for i in range(40)])
    evaluated = LoginAttempt.objects.filter(username="target").count()
    assert evaluated == 5, evaluated  # on main: 28 of 40
    assert sum(isinstance(r, LockedOut) for r in results) == 35
    assert all(r is None or isinstance(r, LockedOut) for r in results)


def test_a_right_password_among_concurrent_guesses_is_refused_once_locked(slow_hashing):
    User.objects.create_user(username="target2", password="the-right-one-7", role=Role.CLERK, zone=_zone())
    jobs = [_attempt("target2", f"guess-{i}") for i in range(39)]
    jobs.insert(30, _attempt("target2", "the-right-one-7"))
    results = _together(jobs)
    assert _chain_ok("target2", 5)
    accepted = [r for r in results if isinstance(r, User)]
    attempts = list(
        LoginAttempt.objects.filter(username="target2").order_by("pk").values_list("succeeded", flat=True)
    )
    # accepted only when it was evaluated before the fifth failure, never after
    assert len(accepted) == attempts.count(True) <= 1
    if accepted:
        assert attempts.index(True) < 5
    assert len(attempts) <= 10


# --- item 5: history chains under two concurrent imports -----------------------------------------


def _dataset(reports: pl.DataFrame, revenue: float) -> Dataset:
    empty = synth.synthesize(1, zones=1, years=(2024, 2024), seed=1)
    return Dataset(
        empty.enterprises.clear(),
        reports.select("uscc", "year", pl.lit(revenue).alias("revenue")),
        empty.qualifications.clear(),
    )


def test_two_concurrent_imports_keep_every_history_chain_whole():
    data = synth.synthesize(300, zones=1, years=(2024, 2024), seed=11)
    ((code, name),) = synth.zones(1)
    zone = Zone.objects.create(code=code, name=name)
    with transaction.atomic():
        first = ImportBatch.objects.create(zone=zone, file_name="base", sha256="0" * 64)
        apply_dataset(data, first, allowed_zones={code: zone})
    original = dict(AnnualReport.objects.values_list("pk", "revenue"))

    def apply(revenue: float):
        def go():
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    zone=zone, file_name=f"r{revenue}", sha256=f"{revenue}" * 8
                )
                return apply_dataset(_dataset(data.reports, revenue), batch, allowed_zones={code: zone})

        return go

    results = _together([apply(111.0), apply(222.0)])
    assert not any(isinstance(r, Exception) for r in results), results
    chains: dict[tuple, list] = defaultdict(list)
    for ent, year, old, new in (
        ChangeRecord.objects.filter(field="revenue")
        .order_by("pk")
        .values_list("enterprise_id", "year", "old", "new")
    ):
        chains[(ent, year)].append((old, new))
    current = {(r.enterprise_id, r.year): r.revenue for r in AnnualReport.objects.all()}
    assert len(chains) == len(original) == 300
    broken = 0
    for key, chain in chains.items():
        links_ok = all(a[1] == b[0] for a, b in itertools.pairwise(chain))
        ends_ok = float(chain[-1][1]) == float(current[key])
        broken += not (links_ok and ends_ok)
    assert broken == 0  # on main: 300 of 300 (both batches recorded the change from the original)
