"""An uploaded file is read and checked by the task worker, never by the web process (issue 18, item 1).

The upload only stores the file and queues an ``import_check`` job: the page answers at once with the
batch CHECKING, whatever the file would do to a reader. The worker's job leaves the batch PREVIEW or
REFUSED; a reader that fails in it — even with a panic of the Rust reader, which is a ``BaseException``
— refuses the batch with the reason and deletes its files; and a batch whose worker died mid-check
(its job marked failed on the next worker start) is refused with the job's reason when it is next looked
at. Jobs go to the database queue here, as on a server, and run the way the worker runs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from gaoxin.web.platform import tasks
from gaoxin.web.platform.models import Job
from gaoxin.web.registry.models import Enterprise, ImportBatch, ImportProblem
from gaoxin.web.registry.services import imports
from tests.web.registry.test_imports import HEAD, csv_bytes, firms, upload


@pytest.fixture
def queued(settings):
    settings.GAOXIN_TASKS_SYNC = False
    settings.GAOXIN_JOB_PACKAGES = ("gaoxin", "tests")


def _work(job: Job) -> dict:
    args = DBTaskResult.objects.get(pk=job.task_id).args_kwargs["args"]
    return tasks.execute(*args, backend="default")


def _files(batch: ImportBatch) -> list[Path]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT) / imports.IMPORT_DIR / batch.zone.code
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


class _Panic(BaseException):
    """What pyo3 raises when a Rust reader panics: not an ``Exception``."""


def test_the_upload_only_queues_the_check_and_the_worker_reads_the_file(site, queued, monkeypatch):
    read = []
    real = imports.read_inputs
    monkeypatch.setattr(imports, "read_inputs", lambda paths: read.append(paths) or real(paths))
    clerk = site.client("clerk")
    batch = upload(clerk, csv_bytes([HEAD, *firms(3)]))
    assert batch.status == ImportBatch.Status.CHECKING and read == []  # nothing read in the request
    job = Job.objects.get(pk=batch.counts["job"])
    assert job.kind == "import_check" and job.status == Job.Status.QUEUED
    page = clerk.get(reverse("registry:import_detail", args=[batch.pk]))
    assert "正在检查文件" in page.content.decode()
    assert clerk.get(reverse("registry:import_progress", args=[batch.pk])).json()["done"] is False

    _work(job)
    batch.refresh_from_db()
    assert len(read) == 1 and batch.status == ImportBatch.Status.PREVIEW and batch.rows == 3
    assert clerk.get(reverse("registry:import_progress", args=[batch.pk])).json()["done"] is True
    clerk.post(reverse("registry:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    _work(Job.objects.get(pk=batch.counts["job"]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Enterprise.objects.filter(uscc__in=[f[0] for f in firms(3)]).count() == 3


def test_a_file_with_errors_is_refused_by_the_worker(site, queued):
    clerk = site.client("clerk")
    bad = firms(2)
    bad[1][0] = "not-a-code"
    batch = upload(clerk, csv_bytes([HEAD, *bad]))
    _work(Job.objects.get(pk=batch.counts["job"]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED and batch.error_count >= 1
    assert ImportProblem.objects.filter(batch=batch, row=3).exists()


def test_a_reader_that_panics_refuses_the_batch_with_its_reason_and_deletes_the_file(
    site, queued, monkeypatch
):
    def panic(paths):
        raise _Panic("index out of bounds: the len is 0")

    monkeypatch.setattr(imports, "read_inputs", panic)
    clerk = site.client("clerk")
    batch = upload(clerk, csv_bytes([HEAD, *firms(2)]))
    assert _files(batch)  # kept for the worker
    job = Job.objects.get(pk=batch.counts["job"])
    _work(job)
    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED and batch.stored_file == ""
    (problem,) = ImportProblem.objects.filter(batch=batch)
    assert problem.reason.startswith("文件无法读取或检查时出错") and "index out of bounds" in problem.reason
    assert _files(batch) == [] and job.status == Job.Status.DONE
    assert not Enterprise.objects.filter(uscc__in=[f[0] for f in firms(2)]).exists()


def test_a_check_whose_worker_died_is_refused_when_next_looked_at(site, queued):
    clerk = site.client("clerk")
    batch = upload(clerk, csv_bytes([HEAD, *firms(2)]))
    Job.objects.filter(pk=batch.counts["job"]).update(
        status=Job.Status.FAILED, message="工作进程在运行中退出"
    )  # as the next worker start marks a job its dead predecessor left running
    page = clerk.get(reverse("registry:import_detail", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED and _files(batch) == []
    assert "工作进程在运行中退出" in page.content.decode()


def test_the_command_line_still_checks_in_its_own_process(site):
    """``gaoxin import`` (no ``background``) reads at once: it is the worker of its own command."""
    stored = imports.store_upload(
        type("U", (), {"size": 10, "name": "a.csv", "chunks": lambda self: [csv_bytes([HEAD, *firms(1)])]})(),
        site.zone_a,
    )
    batch = imports.prepare(stored, zone=site.zone_a, user=site.users["clerk"])
    assert batch.status == ImportBatch.Status.PREVIEW
