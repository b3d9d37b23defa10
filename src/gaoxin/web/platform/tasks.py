"""The worker's side of background jobs: the django-tasks task ``run_job`` runs one ``Job``.

``jobs.submit`` enqueues ``run_job(job_id, "module:function", args, kwargs)``; the worker
(``manage.py gaoxin_worker``, or the immediate backend inside the call) imports this module by the
task's path, and ``execute`` calls the function with ``progress`` and records the outcome on the job:
done with its result, failed with a short reason (for any ``BaseException``: a pyo3 panic, the worker
told to stop now), or queued again after a transient database error when the kind is retry-safe.
The work runs with the job's ``ip`` (the request that enqueued it) as the current client IP
(``platform.origin``), so the audit entries it writes carry it.
See ``gaoxin.web.platform.jobs`` for how progress is made visible while the work runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskContext, task

from gaoxin.web.platform.models import Job
from gaoxin.web.platform.origin import acting_for

log = logging.getLogger("gaoxin.jobs")
Progress = Callable[[float], None]

# Kinds whose work is safe to run again after a failure: each writes in one transaction and checks, at
# the start, that it still has work to do (an import whose batch is no longer a preview does nothing).
RETRY_SAFE = frozenset({"import", "score_run", "ladder_run"})
TRANSIENT = (OperationalError, InterfaceError)
RETRY_DELAY = dt.timedelta(seconds=5)
STOPPED = "后台进程被停止，任务未完成 / the worker was stopped while running the job"


def worker_id() -> str:
    """This process as jobs and task rows name it: ``host:pid`` (at most 64 characters)."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def resolve(target: str) -> Callable:
    """The function ``module:name`` names, from the packages jobs may run (``GAOXIN_JOB_PACKAGES``,
    default gaoxin's own)."""
    module, _, name = target.partition(":")
    packages = tuple(getattr(settings, "GAOXIN_JOB_PACKAGES", ("gaoxin",)))
    if not any(module == p or module.startswith(p + ".") for p in packages):
        raise ValueError(f"a job runs functions of {', '.join(packages)} only, not {target!r}")
    return getattr(import_module(module), name)


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int, target: str, args: list, kwargs: dict) -> dict:
    """One job, in the worker (or inline with the immediate backend)."""
    return execute(job_id, target, args, kwargs, backend=context.task_result.backend)


def execute(job_id: int, target: str, args: list, kwargs: dict, *, backend: str) -> dict:
    """Run a job's work and record its outcome on the job (what ``tasks.run_job`` does)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        log.warning("job %s no longer exists; its task does nothing", job_id)
        return {}
    if job.status in (Job.Status.DONE, Job.Status.FAILED):
        log.warning("job %s is already %s; its task does nothing", job_id, job.status)
        return dict(job.result)
    out_of_process = not _immediate(backend)
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.RUNNING, started=timezone.now(), worker=worker_id(), attempts=F("attempts") + 1
    )
    progress = _Progress(job_id, beside=out_of_process)
    try:
        with acting_for(job.ip):
            result = resolve(target)(*args, progress, **kwargs) or {}
    except BaseException as exc:
        progress.close()
        if (
            isinstance(exc, TRANSIENT)
            and out_of_process
            and _requeue(job, target, args, kwargs, backend, exc)
        ):
            raise
        reason = _reason(exc)
        if isinstance(exc, Exception):
            log.exception("job %s (%s) failed", job_id, job.kind)
        else:  # a pyo3 panic, or the worker told to stop now
            log.error("job %s (%s) ended by %s", job_id, job.kind, reason, exc_info=exc)
        _record(job_id, status=Job.Status.FAILED, message=reason[:500], finished=timezone.now())
        raise
    progress.close()
    _record(job_id, status=Job.Status.DONE, progress=1.0, result=result, finished=timezone.now())
    return result


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        return STOPPED
    text = str(exc)
    if isinstance(exc, Exception):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _immediate(backend: str) -> bool:
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(task_backends[backend], ImmediateBackend)


def _record(job_id: int, **fields) -> None:
    """Write a job's outcome, once more on a fresh connection if the old one broke with the work."""
    for attempt in (1, 2):
        try:
            Job.objects.filter(pk=job_id).update(**fields)
            return
        except DatabaseError:
            if attempt == 2 or connection.in_atomic_block:
                log.exception("could not record the outcome of job %s", job_id)
                return
            connection.close()


def _requeue(job: Job, target: str, args: list, kwargs: dict, backend: str, exc: BaseException) -> bool:
    """Queue a retry-safe job again after a transient database error; False when it may not be."""
    if job.kind not in RETRY_SAFE or connection.in_atomic_block:
        return False
    try:
        connection.close()  # the error may have broken it; the next query opens a fresh one
        attempts = Job.objects.values_list("attempts", flat=True).get(pk=job.pk)
        if attempts > settings.GAOXIN_JOB_RETRIES:
            return False
        when = timezone.now() + RETRY_DELAY * attempts
        with transaction.atomic():
            result = run_job.using(backend=backend, run_after=when).enqueue(job.pk, target, args, kwargs)
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.QUEUED, progress=0.0, task_id=str(result.id), worker=""
            )
    except DatabaseError:
        log.exception("job %s: could not queue a retry", job.pk)
        return False
    log.warning("job %s (%s): %s; queued again (attempt %s)", job.pk, job.kind, exc, attempts + 1)
    return True


class _Progress:
    """``progress(fraction)`` for a job's work: throttled, and visible to other connections if it can be."""

    def __init__(self, job_id: int, *, beside: bool) -> None:
        self.job_id = job_id
        self.beside = beside  # in a worker: inside a transaction, write beside it (PostgreSQL)
        self.last = 0.0
        self.written = 0.0
        self.side: Any = None

    def __call__(self, fraction: float) -> None:
        fraction = max(0.0, min(1.0, float(fraction)))
        now = time.monotonic()
        inside = self.beside and connection.in_atomic_block
        # At most ~3 writes a second; outside a transaction a step of 5 % or more is written at once
        # (the phases an import reports before and after its transaction must not be skipped).
        if now - self.last < 0.3 and fraction < 1.0 and (inside or fraction - self.written < 0.05):
            return
        self.last = now
        if not inside:
            Job.objects.filter(pk=self.job_id).update(progress=fraction)
            self.written = fraction
        elif connection.vendor == "postgresql":
            self._beside(fraction)
        # SQLite inside the work's transaction: nobody else may write; the next step outside shows it

    def _beside(self, fraction: float) -> None:
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            table = self.side.ops.quote_name(Job._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET progress = %s WHERE id = %s", [fraction, self.job_id])
        except DatabaseError:
            log.warning("job %s: progress not written", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
