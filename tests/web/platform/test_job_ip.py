"""An IP for every audit entry, background work included (issue 17, item 8).

A job records the client IP of the request that enqueued it (``Job.ip``); the worker runs its work with
that IP as the current one, so an audit entry the work writes with a user (not a request) carries it. A
service's entry written with a user while a request is served carries the request's IP as well. Jobs
here go to the database queue, as on a server, and run the way the worker runs them (``tasks.execute``
with the task row's arguments), outside any request.
"""

from __future__ import annotations

import json
from functools import partial

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.accounts.scoping import audit
from gaoxin.web.platform import jobs, origin, tasks
from gaoxin.web.platform.boundary import BoundaryMiddleware
from gaoxin.web.platform.models import Job
from gaoxin.web.registry.models import ImportBatch
from tests.web.platform import jobwork
from tests.web.registry import test_imports
from tests.web.registry.test_imports import HEAD, csv_bytes, firms, upload

site = test_imports.site  # the registry's import tests' fixture: two zones, their staff

IP = "10.1.2.3"


@pytest.fixture
def queued(settings):
    """Jobs go to the database queue (as on a server), not inline; the test's work may run."""
    settings.GAOXIN_TASKS_SYNC = False
    settings.GAOXIN_JOB_PACKAGES = ("gaoxin", "tests")


def run_as_the_worker(job: Job) -> dict:
    assert origin.client_ip() is None  # no request here: only the job can say where it came from
    args = DBTaskResult.objects.get(pk=job.task_id).args_kwargs["args"]
    assert args[0] == job.pk
    return tasks.execute(*args, backend="default")


def test_an_import_enqueued_from_a_request_carries_its_ip_to_the_job_and_the_audit(site, queued):
    clerk = site.client("clerk")
    clerk.defaults["REMOTE_ADDR"] = IP  # every request of this browser comes from there
    batch = upload(clerk, csv_bytes([HEAD, *firms(5)]))
    assert batch.status == ImportBatch.Status.CHECKING  # the worker reads the file, not the web process
    check = Job.objects.get(pk=batch.counts["job"])
    assert check.kind == "import_check" and check.ip == IP
    run_as_the_worker(check)
    response = clerk.post(reverse("registry:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    job = Job.objects.get(pk=batch.counts["job"])
    assert job.status == Job.Status.QUEUED and job.ip == IP  # waits for the worker, knows its origin

    run_as_the_worker(job)
    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and job.status == Job.Status.DONE
    entries = AuditEvent.objects.filter(object_type="importbatch", object_id=str(batch.pk))
    assert {e.action for e in entries} >= {"import_upload", "import_apply"}
    assert {e.ip for e in entries} == {IP}


def test_audit_entries_written_by_a_jobs_work_carry_the_ip_of_the_request_that_enqueued_it(site, queued):
    user = site.users["zone_admin"]
    request = RequestFactory().post("/anything", REMOTE_ADDR=IP)
    request.user = user

    def view(request):  # a page that starts background work, behind the real middleware
        return JsonResponse({"job": jobs.submit("test", partial(jobwork.audited, user.pk), user=user).pk})

    job = Job.objects.get(pk=json.loads(BoundaryMiddleware(view)(request).content)["job"])
    assert job.ip == IP and job.status == Job.Status.QUEUED
    event = AuditEvent.objects.get(pk=run_as_the_worker(job)["event"])
    assert event.action == "test_job_work" and event.ip == IP and event.user == user
    assert origin.client_ip() is None  # nothing leaks past the job


def test_an_entry_written_with_a_user_during_a_request_carries_the_requests_ip(site):
    user = site.users["zone_admin"]
    request = RequestFactory().get("/anything", REMOTE_ADDR=IP)

    def view(request):
        return JsonResponse({"event": audit(user, "test_service").pk})  # a service hands a user

    event = AuditEvent.objects.get(pk=json.loads(BoundaryMiddleware(view)(request).content)["event"])
    assert event.ip == IP
    assert audit(user, "test_outside").ip is None  # outside a request or a job: not known
