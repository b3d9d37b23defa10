"""Background jobs with progress: long imports and score runs must not hold a page open.

``submit(kind, partial(func, *args), zone=…, user=…)`` records a ``Job`` (``platform.models``) and
enqueues the django-tasks task ``platform.tasks.run_job`` for it. With the database backend (the
default) the task is a row in the same transaction as the job, and the worker process
(``manage.py gaoxin_worker``) runs it: jobs survive a restart of the web server, and the worker runs one
task at a time (more workers, more at once: the concurrency limit is the number of worker processes).
With ``GAOXIN_TASKS_SYNC`` / ``GAOXIN_TASKS=immediate`` (tests) it runs inside the call.

``func`` is called as ``func(*args, progress)`` and returns a JSON-able dict (the job's ``result``).
It must be a module-level function and its arguments JSON values (ids, not objects): a worker in
another process imports it by name.

Progress is the job row's ``progress``, written at most ~3 times a second. Work that runs outside a
transaction is seen at once. Inside one (an import applies its rows in one ``atomic()``), the job's own
connection cannot show it to anyone: on PostgreSQL the worker writes through a second, autocommitting
connection; on SQLite (one writer at a time, and the import holds the lock) the step is written when
the transaction ends, so a page sees the phases (read, checked, applied).

A failure of any kind — an ``Exception``, a ``BaseException`` such as a pyo3 panic, the worker being
stopped — marks the job failed with a short reason (the log keeps the traceback). A transient database
error (locked, connection lost) in a job whose work is retry-safe queues it again, a little later, up
to ``GAOXIN_JOB_RETRIES`` times. When a worker starts, ``fail_abandoned`` marks the jobs that a dead
worker left queued or running as failed, with a reason, so nobody waits for them forever.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gaoxin.web.platform.models import Job
from gaoxin.web.platform.tasks import Progress, resolve, run_job, worker_id

log = logging.getLogger("gaoxin.jobs")
Work = Callable[[Progress], dict | None]
__all__ = ["ABANDONED", "fail_abandoned", "reference", "submit", "worker_id"]

ABANDONED = (
    "后台进程中断，任务未完成，请重新提交 / the worker stopped before the job finished; submit it again"
)


# --- submitting -----------------------------------------------------------------------------------------


def reference(work: Callable) -> tuple[str, list, dict]:
    """``(module:function, args, kwargs)`` for a module-level function or a ``partial`` of one."""
    args: list = []
    kwargs: dict = {}
    func = work
    if isinstance(work, functools.partial):
        func, args, kwargs = work.func, list(work.args), dict(work.keywords)
    module, name = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
    if not module or not name or "<" in name or "." in name:
        raise TypeError(f"a job's work must be a module-level function (or a partial of one), not {work!r}")
    if resolve(f"{module}:{name}") is not func:
        raise TypeError(f"{module}:{name} does not name {work!r}")
    return f"{module}:{name}", args, kwargs


def _backend() -> str:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS

    return "immediate" if settings.GAOXIN_TASKS_SYNC else DEFAULT_TASK_BACKEND_ALIAS


def submit(kind: str, work: Work, *, zone=None, user=None, message: str = "") -> Job:
    """Create a job and run ``work(progress)`` in the background; returns the Job (already finished
    when jobs are immediate)."""
    target, args, kwargs = reference(work)
    with transaction.atomic():  # the job and its task row commit together: a worker never sees one alone
        job = Job.objects.create(kind=kind, zone=zone, created_by=user, message=message)
        result = run_job.using(backend=_backend()).enqueue(job.pk, target, args, kwargs)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


# --- recovering from a dead worker --------------------------------------------------------------------


def _alive(worker: str) -> bool | None:
    """Whether the process ``host:pid`` runs: True/False on this host, None for another host's."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname()[:50] or not pid.isdigit():
        return None
    if int(pid) == os.getpid():
        return False  # a process of that number ran it before this one started: it is gone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_abandoned() -> int:
    """Mark the jobs a dead worker (or a stopped server) left queued or running as failed, with a reason.

    Called when a worker starts. A job is abandoned when the process named as running it is gone (on
    this host; another host's workers answer for their own jobs), when it runs with no process named
    (the threads of old), or when it waits for a task that no longer waits to be run. The task rows a
    dead worker held are marked failed too. Returns the number of jobs marked.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    dead_tasks = [
        task.pk
        for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("worker_ids")
        if not task.worker_ids or _alive(task.worker_ids[-1]) is False
    ]
    if dead_tasks:
        DBTaskResult.objects.filter(pk__in=dead_tasks).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="gaoxin.web.platform.jobs.WorkerDied",
            traceback=ABANDONED,
        )
    tasks = {
        str(pk): status
        for pk, status in DBTaskResult.objects.filter(
            pk__in=[
                j
                for j in Job.objects.filter(status=Job.Status.QUEUED)
                .exclude(task_id="")
                .values_list("task_id", flat=True)
                if _uuid(j)
            ]
        ).values_list("pk", "status")
    }
    abandoned = []
    for job in Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).only(
        "status", "worker", "task_id"
    ):
        if job.status == Job.Status.RUNNING:
            gone = not job.worker or _alive(job.worker) is False
        else:
            # its task is gone or ended without it (a live worker's claimed task is RUNNING: not gone)
            gone = tasks.get(_uuid(job.task_id) or "") not in (
                TaskResultStatus.READY,
                TaskResultStatus.RUNNING,
            )
        if gone:
            abandoned.append(job.pk)
    if abandoned:
        log.warning("marking %s abandoned job(s) failed: %s", len(abandoned), abandoned)
    return Job.objects.filter(pk__in=abandoned).update(
        status=Job.Status.FAILED, message=ABANDONED, finished=now
    )


def _uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        return None
