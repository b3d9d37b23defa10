"""The zone command centre's own tables: targets and their entered actuals, talents, platforms,
action plans and their tasks, and the record of every upload of one of them (``TableImport``). Every row belongs to one zone (directly or through its target or plan)
and is scoped by ``command/scopes.py``.

``Target.metric`` says how the actual is obtained (see ``gaoxin.command.metrics``): ``"entered"``
(``TargetActual`` rows, each with its source) or a computed key such as ``"tier_count:hightech"``,
``"rd_total"``, ``"talents:national"`` or ``"platforms:national:rd_institution"``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.command import tasks as task_rules
from gaoxin.web.platform.bulk import ImportRecord

VALUE = {"max_digits": 20, "decimal_places": 4}


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


def level_rank():
    """National first, then provincial, then municipal: the order a leader reads levels in."""
    return models.Case(
        *(models.When(level=value, then=models.Value(i)) for i, value in enumerate(Level.values)),
        default=models.Value(len(Level.values)),
        output_field=models.IntegerField(),
    )


class PlatformKind(models.TextChoices):
    LAB = "lab", _("Laboratory")
    RD_INSTITUTION = "rd_institution", _("R&D institution")
    ENGINEERING_CENTRE = "engineering_centre", _("Engineering research centre")
    TECH_CENTRE = "tech_centre", _("Enterprise technology centre")
    INNOVATION_CENTRE = "innovation_centre", _("Technology innovation centre")
    INCUBATOR = "incubator", _("Incubator")
    MAKER_SPACE = "maker_space", _("Maker space")
    OTHER = "other", _("Other platform")


class Target(models.Model):
    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="command_targets")
    name = models.CharField(_("indicator"), max_length=200)  # Chinese indicator name
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    metric = models.CharField(_("how the actual is obtained"), max_length=80, default="entered")
    baseline_value = models.DecimalField(_("baseline value"), **VALUE)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_value = models.DecimalField(_("target value"), **VALUE)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    owner = models.CharField(_("responsible unit"), max_length=200, blank=True)
    source = models.CharField(_("source / notes"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone", "order", "id"]
        verbose_name = _("target")
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="command_target_name_once"),
            models.CheckConstraint(
                name="command_target_after_baseline",
                condition=models.Q(target_year__gt=models.F("baseline_year")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TargetActual(models.Model):
    """An entered actual of a target for a year (``month`` empty) or a month, with its source."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    value = models.DecimalField(_("actual"), **VALUE)
    source = models.CharField(_("source"), max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target", "year", "month"]
        verbose_name = _("actual")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year", "month"],
                condition=models.Q(month__isnull=False),
                name="command_actual_month_once",
            ),
            models.UniqueConstraint(
                fields=["target", "year"],
                condition=models.Q(month__isnull=True),
                name="command_actual_year_once",
            ),
        ]


class Talent(models.Model):
    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="command_talents")
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    programme = models.CharField(_("talent programme"), max_length=200, blank=True)
    team = models.CharField(_("team"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="command_talents",
    )
    year = models.PositiveSmallIntegerField(_("year recognised"), null=True, blank=True)

    class Meta:
        ordering = ["zone", "level", "name", "id"]
        verbose_name = _("talent")
        indexes = [models.Index(fields=["zone", "level"])]


class Platform(models.Model):
    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="command_platforms")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=PlatformKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="command_platforms",
    )
    year = models.PositiveSmallIntegerField(_("year recognised"), null=True, blank=True)

    class Meta:
        ordering = ["zone", "level", "kind", "name"]
        verbose_name = _("platform")
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="command_platform_name_once")]


class ActionPlan(models.Model):
    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="command_plans")
    name = models.CharField(_("action"), max_length=200)
    owner = models.CharField(_("lead department"), max_length=200, blank=True)
    period = models.CharField(_("period"), max_length=40, blank=True)  # e.g. 2023–2025
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["zone", "order", "id"]
        verbose_name = _("action plan")
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="command_plan_name_once")]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = task_rules.NOT_STARTED, _("Not started")
        IN_PROGRESS = task_rules.IN_PROGRESS, _("In progress")
        DONE = task_rules.DONE, _("Done")
        CANCELLED = task_rules.CANCELLED, _("Cancelled")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(_("task"), max_length=300)
    owner = models.CharField(_("responsible unit"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("task")
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="command_task_name_once")]
        indexes = [models.Index(fields=["status", "deadline"])]


class TableImport(ImportRecord):
    """One upload of one of this app's tables and what came of it: who, when, the file's name and
    SHA-256, the rows, the outcome and every problem (the shared import record of
    ``gaoxin.web.platform.bulk``, as ``investment.TableImport``)."""

    class Kind(models.TextChoices):
        TARGETS = "targets", _("Targets")
        ACTUALS = "actuals", _("Actuals")
        TALENTS = "talents", _("Talents")
        PLATFORMS = "platforms", _("Innovation platforms")
        TASKS = "tasks", _("Action plans and tasks")

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="command_imports")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta(ImportRecord.Meta):
        pass
