"""Background jobs with progress: long imports and score runs must not hold a page open.

A job runs in a thread of the serving process (enough for one zone's platform; a province runs more
app workers). Its progress and outcome live in the ``Job`` row, which the page polls. With
``GAOXIN_TASKS_SYNC`` (tests) it runs inline. A job left "running" by a stopped server is marked
failed at the next start, so nobody waits for it forever.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

log = logging.getLogger("gaoxin.jobs")
Work = Callable[[Callable[[float], None]], dict | None]


def submit(kind: str, work: Work, *, zone=None, user=None, message: str = ""):
    """Create a job and run ``work(progress)``; returns the Job (already finished when synchronous)."""
    from gaoxin.web.credit.models import Job

    job = Job.objects.create(kind=kind, zone=zone, created_by=user, message=message)
    if settings.GAOXIN_TASKS_SYNC:
        _run(job.pk, work)
        job.refresh_from_db()
        return job
    # Let the request's transaction commit first so the thread sees the job and what it refers to.
    from django.db import transaction

    transaction.on_commit(lambda: threading.Thread(target=_thread, args=(job.pk, work), daemon=True).start())
    return job


def _thread(job_id: int, work: Work) -> None:
    close_old_connections()  # a thread's own connection only: inline jobs run inside the request's transaction
    try:
        _run(job_id, work)
    finally:
        connection.close()


def _run(job_id: int, work: Work) -> None:
    from gaoxin.web.credit.models import Job

    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING)
    last = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] > 0.3 or fraction >= 1.0:  # at most ~3 writes a second
            last[0] = now
            Job.objects.filter(pk=job_id).update(progress=max(0.0, min(1.0, fraction)))

    try:
        result = work(progress) or {}
    except Exception as exc:  # the page shows a short message; the log keeps the traceback
        log.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc)[:500] or type(exc).__name__, finished=timezone.now()
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE, progress=1.0, result=result, finished=timezone.now()
    )


def fail_abandoned() -> int:
    """Mark jobs a previous server left running as failed (called when the server starts)."""
    from gaoxin.web.credit.models import Job

    return Job.objects.filter(status__in=[Job.Status.RUNNING, Job.Status.QUEUED]).update(
        status=Job.Status.FAILED,
        message="服务重启，任务中断 / interrupted by a server restart",
        finished=timezone.now(),
    )
