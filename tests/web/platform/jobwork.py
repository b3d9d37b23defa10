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
