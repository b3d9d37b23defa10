"""Work for the job tests: module-level functions a worker process imports by name (not tests)."""

from __future__ import annotations

import time

from django.db import OperationalError
from polars.exceptions import PanicException  # pyo3's own: a BaseException, not an Exception


def panic(progress) -> dict:
    progress(0.5)
    raise PanicException("assertion `left == right` failed")


def sleep(seconds: float, progress) -> dict:
    progress(0.1)
    time.sleep(seconds)
    return {"slept": seconds}


def locked(progress) -> dict:
    raise OperationalError("database is locked")


def echo(value, progress, *, twice: bool = False) -> dict:
    progress(0.5)
    return {"value": value * 2 if twice else value}


def audited(user_id: int, progress) -> dict:
    """Work that writes an audit entry with a user (as a service does), not a request."""
    from gaoxin.web.accounts.models import User
    from gaoxin.web.accounts.scoping import audit

    event = audit(User.objects.get(pk=user_id), "test_job_work")
    return {"event": event.pk}
