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
worker left queued or running as failed, with a reason, so nobody waits for them forever — unless the
job's work had in fact been committed before the worker died (an import applied, a run done): the app
that owns the kind says so through the hook it registers with ``settled_by`` (``AppConfig.ready``),
and such a job is marked done with a note saying what happened (issue 18, item 10).

A job records the client IP of the request that enqueued it (``Job.ip``, from ``platform.origin``); the
worker runs its work with that IP as the current one, so the audit entries the work writes carry it.
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
from gaoxin.web.platform.origin import client_ip
from gaoxin.web.platform.tasks import Progress, resolve, run_job, worker_id

log = logging.getLogger("gaoxin.jobs")
Work = Callable[[Progress], dict | None]
__all__ = ["ABANDONED", "fail_abandoned", "reference", "settled_by", "submit", "worker_id"]

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
        job = Job.objects.create(kind=kind, zone=zone, created_by=user, message=message, ip=client_ip())
        result = run_job.using(backend=_backend()).enqueue(job.pk, target, args, kwargs)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


# --- recovering from a dead worker --------------------------------------------------------------------

# kind → "module:function": asked, of a job a dead worker left, whether its work had been committed.
_SETTLED: dict[str, str] = {}


def settled_by(kind: str, check: str) -> None:
    """Register ``check`` ("module:function", of the app that owns ``kind``) for jobs of ``kind``.

    ``check(job)`` is called for a job of that kind that a dead worker left queued or running; it
    answers the note to show (e.g. "工作进程中断，但导入已完成 / …") when the job's work was in fact
    committed — the job is then marked done with that note — or None: the work did not happen and the
    job is marked failed; the check then settles its own records too (a run left "running" is marked
    failed, rows it had written are discarded), so nothing the job owned still says "running". The platform never imports the owning app; the app registers in its
    ``AppConfig.ready``, which every process (worker included) runs at start.
    """
    _SETTLED[kind] = check


def _settled(job: Job) -> str | None:
    """The owning app's note when the job's work had been committed, else None (never raises)."""
    target = _SETTLED.get(job.kind)
    if target is None:
        return None
    try:
        note = resolve(target)(job)
    except Exception:
        log.exception("job %s (%s): could not ask %s whether its work was done", job.pk, job.kind, target)
        return None
    return str(note)[:500] if note else None


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
    dead worker held are marked failed too. An abandoned job whose work had been committed (its kind's
    ``settled_by`` check answers a note) is marked done with that note instead. Returns the number of
    jobs marked (failed or done).
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
    # The jobs first, then their tasks: a job submitted meanwhile (a page, while this worker starts) is
    # not among them, and each update below applies only if the job is still as it was seen (a job a
    # live worker claimed or finished meanwhile is left alone).
    candidates = list(
        Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).only(
            "kind", "status", "worker", "task_id"
        )
    )
    waiting = [_uuid(j.task_id) for j in candidates if j.status == Job.Status.QUEUED and _uuid(j.task_id)]
    tasks = {
        str(pk): status
        for pk, status in DBTaskResult.objects.filter(pk__in=waiting).values_list("pk", "status")
    }
    abandoned: dict[str, list[int]] = {Job.Status.QUEUED: [], Job.Status.RUNNING: []}
    settled = 0
    for job in candidates:
        if job.status == Job.Status.RUNNING:
            gone = not job.worker or _alive(job.worker) is False
        else:
            # its task is gone or ended without it (a live worker's claimed task is RUNNING: not gone)
            gone = tasks.get(_uuid(job.task_id) or "") not in (
                TaskResultStatus.READY,
                TaskResultStatus.RUNNING,
            )
        if not gone:
            continue
        note = _settled(job)
        if note is None:
            abandoned[job.status].append(job.pk)
            continue
        log.warning("job %s (%s): its worker died, but its work was done: %s", job.pk, job.kind, note)
        settled += Job.objects.filter(pk=job.pk, status=job.status, worker=job.worker).update(
            status=Job.Status.DONE, progress=1.0, message=note, finished=now
        )
    failed = 0
    for status, pks in abandoned.items():
        if pks:
            log.warning("marking %s abandoned %s job(s) failed: %s", len(pks), status, pks)
            failed += Job.objects.filter(pk__in=pks, status=status).update(
                status=Job.Status.FAILED, message=ABANDONED, finished=now
            )
    return settled + failed


def _uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        return None
