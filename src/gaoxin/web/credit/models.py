"""Score runs, their immutable results, uploaded models and the lists published to banks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.web.platform.models import RunRecord


class ModelFile(models.Model):
    """An indicator model a zone uploaded (shipped models live in the package)."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="model_files")
    model_id = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    source = models.TextField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded"]
        constraints = [models.UniqueConstraint(fields=["zone", "sha256"], name="model_file_once_per_zone")]


class ScoreRun(RunRecord):
    """One scoring of one zone's firms for one year; reproducible and, once done, never changed."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="score_runs")
    year = models.PositiveSmallIntegerField(_("year"))
    model_id = models.CharField(max_length=100)
    model_version = models.PositiveIntegerField()
    model_name = models.CharField(max_length=200)
    model_sha256 = models.CharField(max_length=64)
    model_source = models.TextField()  # the model file itself, so the run can be re-done and read
    snapshot_sha256 = models.CharField(max_length=64, blank=True)  # hash of the data the engine read
    code_version = models.CharField(max_length=100)
    scored = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True)
    # The run's uncertainty analysis (composite-model.md): Monte Carlo over the weights, asked for when
    # the run is started; the per-firm intervals are on its Score rows, leave-one-out in ``sensitivity``.
    uncertainty = models.BooleanField(_("uncertainty analysis"), default=False)
    uncertainty_samples = models.PositiveIntegerField(default=0)
    uncertainty_noise = models.FloatField(default=0.0)
    uncertainty_seed = models.PositiveIntegerField(default=0)
    sensitivity = models.JSONField(default=list, blank=True)  # leave one out: one dict per indicator

    class Meta(RunRecord.Meta):
        verbose_name = _("score run")

    def __str__(self) -> str:
        return f"{self.model_name} {self.year} #{self.pk}"


class Score(models.Model):
    """One enterprise's result in one run: the spec's output row (details hold cat:/pts:/val:)."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="scores")
    stage = models.CharField(max_length=40)
    total = models.FloatField()
    base = models.FloatField()
    bonus = models.FloatField()
    penalty = models.FloatField()
    vetoed = models.BooleanField()
    rank = models.PositiveIntegerField()
    cohort_size = models.PositiveIntegerField()
    grade = models.CharField(max_length=20, blank=True)
    list = models.CharField(max_length=40, blank=True)
    details = models.JSONField(default=dict)  # {"cat": {}, "pts": {}, "val": {}, "missing": []}
    # Only in a run with the uncertainty analysis: the rank's median and 5–95 % interval over the sampled
    # weightings, the total's interval, and the share of them in which the firm makes its list.
    rank_median = models.PositiveIntegerField(null=True, blank=True)
    rank_p05 = models.PositiveIntegerField(null=True, blank=True)
    rank_p95 = models.PositiveIntegerField(null=True, blank=True)
    total_p05 = models.FloatField(null=True, blank=True)
    total_p95 = models.FloatField(null=True, blank=True)
    list_share = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["run", "stage", "rank", "enterprise__uscc"]
        constraints = [models.UniqueConstraint(fields=["run", "enterprise"], name="score_once_per_run")]
        indexes = [
            models.Index(fields=["run", "stage", "rank"]),
            models.Index(fields=["run", "total"]),
            models.Index(fields=["enterprise", "run"]),
        ]


class PublishedList(models.Model):
    """A run and a filter, frozen into entries and shown to chosen banks. Never changes once created."""

    run = models.ForeignKey(ScoreRun, on_delete=models.PROTECT, related_name="published_lists")
    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="published_lists")
    title = models.CharField(_("title"), max_length=200)
    filters = models.JSONField(default=dict)  # e.g. {"stage": "growth", "grade_min": "B", "list": "leaders"}
    banks = models.ManyToManyField("accounts.Bank", related_name="published_lists")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]


class ListEntry(models.Model):
    published_list = models.ForeignKey(PublishedList, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="list_entries"
    )
    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["published_list", "position"]
        constraints = [models.UniqueConstraint(fields=["published_list", "enterprise"], name="entry_once")]
