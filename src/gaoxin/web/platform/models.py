"""The platform's own model: ``Job``, the record a user sees of background work; and ``RunRecord``,
the abstract fields every app's background run shares (a score run, a ladder assessment).

A job (an import, a score run, a ladder run) runs as a django-tasks task in a worker process
(``gaoxin.web.platform.jobs``); this row is what the page polls: status, progress, the failure's
reason, who started it and when. ``task_id`` links it to the task queue's row, ``worker`` names the
process that ran it (``host:pid``), so a worker that starts after a crash can tell its dead
predecessor's jobs from a live peer's. ``ip`` is the client IP of the request that enqueued it: the
audit entries its work writes carry it (``platform.origin``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """Long work (an import, a score run) done in the background, with progress for the page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)  # 0..1
    message = models.CharField(max_length=500, blank=True)
    zone = models.ForeignKey("registry.Zone", null=True, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)  # the task queue's result id
    worker = models.CharField(max_length=100, blank=True)  # host:pid of the process running it
    attempts = models.PositiveSmallIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)  # of the request that enqueued it

    class Meta:
        indexes = [models.Index(fields=["status"], name="platform_job_status")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class RunRecord(models.Model):
    """What every background run records besides its own inputs and results: its status (a done run is
    never changed), the job that ran it, who started it and when, newest first."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    job = models.ForeignKey(
        "platform.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created", "-id"]
