"""A job a killed worker left 'running' says what happened (issue 18, item 10).

When the next worker starts, ``jobs.fail_abandoned`` asks the app that owns the job's kind (the hook
it registers with ``jobs.settled_by`` in its ``AppConfig.ready``) whether the work had been committed
before the worker died: an import applied, a score run or a ladder run done is marked done with a note;
work that did not happen is marked failed, as before. The work is real (an import through the pages'
confirm, a score run, a ladder run, here with the immediate backend); then the job row is put back the
way a worker killed after the commit leaves it: running, named by a process that no longer runs.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gaoxin.scoring import load_model
from gaoxin.web.credit import services as credit
from gaoxin.web.cultivation import services as cultivation
from gaoxin.web.platform import jobs
from gaoxin.web.platform.models import Job
from gaoxin.web.registry.models import ImportBatch
from tests.web.conftest import YEAR
from tests.web.registry import test_imports
from tests.web.registry.test_imports import HEAD, confirm, csv_bytes, firms, upload

site = test_imports.site  # the registry's import tests' fixture: two zones, their staff

IMPORT_NOTE = "工作进程中断，但导入已完成 / the worker stopped, but the import had been applied"


@pytest.fixture
def dead_worker() -> str:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return f"{jobs.worker_id().rpartition(':')[0]}:{gone.pid}"  # this host, a pid that no longer runs


def killed_after_commit(job: Job, worker: str) -> None:
    """The row as a worker killed after the work's commit leaves it (before it recorded the outcome)."""
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress=0.98, worker=worker, finished=None, message="数据.csv"
    )


def test_an_applied_import_whose_worker_died_is_done_with_a_note(site, dead_worker):
    batch = confirm(site.client("clerk"), upload(site.client("clerk"), csv_bytes([HEAD, *firms(5)])))
    assert batch.status == ImportBatch.Status.APPLIED
    job = Job.objects.get(pk=batch.counts["job"])
    killed_after_commit(job, dead_worker)

    assert jobs.fail_abandoned() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.message == IMPORT_NOTE
    assert job.progress == 1.0 and job.finished is not None


def test_an_import_that_was_not_applied_is_still_failed(site, dead_worker):
    batch = upload(site.client("clerk"), csv_bytes([HEAD, *firms(5)]))
    assert batch.status == ImportBatch.Status.PREVIEW
    job = Job.objects.create(kind="import", zone=site.zone_a, status=Job.Status.RUNNING, worker=dead_worker)
    ImportBatch.objects.filter(pk=batch.pk).update(counts={**batch.counts, "job": job.pk})

    assert jobs.fail_abandoned() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == jobs.ABANDONED


def test_done_score_and_ladder_runs_whose_worker_died_are_done_and_a_live_run_is_left(platform, dead_worker):
    admin = platform.users["platform_admin"]
    run = credit.submit_run(platform.zone_a, YEAR, load_model("national-2024"), admin)
    ladder = cultivation.submit_assessment(platform.zone_a, YEAR, admin)
    assert run.status == "done" and ladder.status == "done"
    for job in (run.job, ladder.job):
        killed_after_commit(job, dead_worker)
    unfinished = credit.submit_run(platform.zone_b, YEAR, load_model("national-2024"), admin)
    unfinished.__class__.objects.filter(pk=unfinished.pk).update(status="running")  # died mid-run
    killed_after_commit(unfinished.job, dead_worker)
    host = jobs.worker_id().rpartition(":")[0]
    live = Job.objects.create(kind="score_run", status=Job.Status.RUNNING, worker=f"{host}:{os.getppid()}")

    assert jobs.fail_abandoned() == 3
    messages = dict(Job.objects.values_list("pk", "message"))
    status = dict(Job.objects.values_list("pk", "status"))
    assert status[run.job_id] == status[ladder.job_id] == "done"
    assert messages[run.job_id].startswith("工作进程中断，但评分已完成")
    assert messages[ladder.job_id].startswith("工作进程中断，但评估已完成")
    assert status[unfinished.job_id] == "failed" and messages[unfinished.job_id] == jobs.ABANDONED
    assert status[live.pk] == "running"  # a live worker's job is left to it


def test_a_hook_that_breaks_leaves_the_job_failed(db, dead_worker, monkeypatch):
    monkeypatch.setitem(jobs._SETTLED, "import", "gaoxin.web.platform.jobs:no_such_function")
    job = Job.objects.create(kind="import", status=Job.Status.RUNNING, worker=dead_worker)
    assert jobs.fail_abandoned() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == jobs.ABANDONED


def test_a_job_submitted_while_a_worker_starts_is_not_failed(db, settings):
    """Found by ``bench/province.py``: a page submitted a job while the second worker was looking for
    abandoned ones; the job was new, its task waiting, and it was marked failed. The job is submitted
    here right after ``fail_abandoned``'s first read of the job table, as that page did."""
    from functools import partial

    from django.db import connection

    from tests.web.platform import jobwork

    settings.GAOXIN_TASKS_SYNC = False  # the database queue, as on a server
    settings.GAOXIN_JOB_PACKAGES = ("gaoxin", "tests")
    submitted: list[Job] = []
    reads: list[str] = []

    def page_submits(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not reads and sql.lstrip().upper().startswith("SELECT") and '"platform_job"' in sql:
            reads.append(sql)  # once: the page's own queries pass through here too
            submitted.append(jobs.submit("test", partial(jobwork.echo, 1)))
        return result

    with connection.execute_wrapper(page_submits):
        jobs.fail_abandoned()
    (job,) = submitted
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.message == ""  # still waits for a worker


def test_runs_a_dead_worker_left_running_are_failed_and_their_partial_rows_gone(platform, dead_worker):
    from gaoxin.web.credit.models import Score
    from gaoxin.web.cultivation.models import LadderRun

    admin = platform.users["platform_admin"]
    run = credit.submit_run(platform.zone_a, YEAR, load_model("national-2024"), admin)
    ladder = cultivation.submit_assessment(platform.zone_a, YEAR, admin)
    assert Score.objects.filter(run=run).exists()
    # died mid-run: the score run had written some batches, the ladder run nothing yet
    type(run).objects.filter(pk=run.pk).update(status="running", finished=None)
    LadderRun.objects.filter(pk=ladder.pk).update(status="running", finished=None)
    ladder.entries.all().delete()
    for job in (run.job, ladder.job):
        killed_after_commit(job, dead_worker)

    assert jobs.fail_abandoned() == 2
    run.refresh_from_db()
    ladder.refresh_from_db()
    assert run.status == "failed" and run.finished is not None
    assert not Score.objects.filter(run=run).exists()  # no part of a ranking left to read
    assert ladder.status == "failed" and ladder.finished is not None
    assert set(Job.objects.filter(pk__in=[run.job_id, ladder.job_id]).values_list("status", flat=True)) == {
        "failed"
    }
