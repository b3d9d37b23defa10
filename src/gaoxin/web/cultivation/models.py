"""Ladder assessments (梯度培育): one run per zone and year, its rows per (enterprise, tier), zone settings.

A run stores what is needed to reproduce it: the zone settings it used (and their hash), the rule-set
ids the rules core applied, the hash of the data snapshot it read and the code version. Once done, a
run and its rows never change; a new assessment is a new run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.web.platform.models import RunRecord

STATUSES = ("holds", "qualifies", "near", "far", "ineligible")
# Candidates first: a firm that already qualifies, then one that is near, then the rest.
STATUS_ORDER = {s: n for n, s in enumerate(("qualifies", "near", "far", "ineligible", "holds"))}


class LadderSettings(models.Model):
    """A zone's ladder settings (the rules core's config dict: "near" distances, gazelle parameters …)."""

    zone = models.OneToOneField("registry.Zone", on_delete=models.CASCADE, related_name="ladder_settings")
    config = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ladder settings")


class LadderRun(RunRecord):
    """One assessment of one zone's firms against every tier of the ladder for one year."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="ladder_runs")
    year = models.PositiveSmallIntegerField(_("year"))
    config = models.JSONField(default=dict, blank=True)  # the zone settings as used
    config_sha256 = models.CharField(max_length=64)
    rule_sets = models.JSONField(default=dict, blank=True)  # tier → rule-set id
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    code_version = models.CharField(max_length=100, blank=True)
    assessed = models.PositiveIntegerField(default=0)  # firms

    class Meta(RunRecord.Meta):
        verbose_name = _("ladder assessment")

    def __str__(self) -> str:
        return f"{self.zone_id} {self.year} #{self.pk}"


class LadderEntry(models.Model):
    """One enterprise against one tier in one run: status, distance, what it lacks, the next tier."""

    run = models.ForeignKey(LadderRun, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="ladder_entries"
    )
    tier = models.CharField(max_length=30)
    status = models.CharField(max_length=12)
    status_order = models.PositiveSmallIntegerField()  # STATUS_ORDER: candidates sort first
    distance = models.FloatField(null=True)  # 0 for holds/qualifies; smaller is closer
    gaps = models.JSONField(
        default=list
    )  # [{condition, label_zh, label_en, actual, required, unit, text_zh, text_en}]
    next_tier = models.CharField(max_length=30, blank=True)
    numbers = models.JSONField(
        default=dict, blank=True
    )  # the tier's figures (high-tech: R&D ratio, points …)

    class Meta:
        ordering = ["run", "tier", "status_order", "distance", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise", "tier"], name="ladder_entry_once")
        ]
        indexes = [
            models.Index(fields=["run", "tier", "status_order", "distance"]),
            models.Index(fields=["enterprise", "run"]),
            # the counts per tier and status of a run (status_counts) read this index alone
            models.Index(fields=["run", "tier", "status"], name="ladder_entry_counts"),
        ]
