"""Investment projects (招商) with their stage history, industry chains (链长制) as node trees, the firms
mapped to nodes, each zone's settings, and the imports of this app's tables.

Every row belongs to one zone (directly or through its chain or project): ``scopes.py`` registers the
paths, so zone staff see their zone's rows and nobody else's. The computations (funnel, stalled,
strength, gaps) live in ``gaoxin.investment``; the services feed them these rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.investment import DEFAULT_STALLED_DAYS, DEFAULT_THRESHOLDS, STAGES
from gaoxin.web.platform.bulk import ImportRecord

MONEY = {"max_digits": 20, "decimal_places": 4}  # 万元 to the yuan, as the registry stores money

STAGE_CHOICES = [
    ("lead", _("Lead")),
    ("negotiation", _("Negotiation")),
    ("signed", _("Signed")),
    ("started", _("Started on site")),
    ("construction", _("Construction")),
    ("operating", _("In operation")),
]
assert tuple(s for s, _label in STAGE_CHOICES) == STAGES


class InvestmentSettings(models.Model):
    """A zone's own thresholds: when a project counts as stalled, when a chain node counts as weak."""

    zone = models.OneToOneField("registry.Zone", on_delete=models.CASCADE, related_name="investment_settings")
    stalled_days = models.PositiveIntegerField(
        _("days without a stage change before a project is stalled"), default=DEFAULT_STALLED_DAYS
    )
    weak_min_firms = models.PositiveIntegerField(
        _("weak node: fewer firms than"), null=True, blank=True, default=DEFAULT_THRESHOLDS.min_firms
    )
    weak_min_revenue = models.DecimalField(
        _("weak node: revenue below (万元)"),
        null=True,
        blank=True,
        default=DEFAULT_THRESHOLDS.min_revenue,
        **MONEY,
    )
    weak_min_hightech_share = models.DecimalField(
        _("weak node: high-tech share below"), null=True, blank=True, max_digits=5, decimal_places=4
    )
    weak_min_score = models.DecimalField(
        _("weak node: average score below"), null=True, blank=True, max_digits=8, decimal_places=2
    )
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("investment settings")


class Chain(models.Model):
    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="chains")
    name = models.CharField(_("chain"), max_length=100)
    leader = models.CharField(_("chain leader (链长)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["zone", "order", "name"]
        verbose_name = _("industry chain")
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="chain_name_once_per_zone")]

    def __str__(self) -> str:
        return self.name


class ChainNode(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("node"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["chain", "order", "name"]
        verbose_name = _("chain node")
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="node_name_once_per_chain")]

    def __str__(self) -> str:
        return self.name


class NodeFirm(models.Model):
    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="firms")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="chain_nodes"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["node", "enterprise"]
        verbose_name = _("firm at a chain node")
        constraints = [models.UniqueConstraint(fields=["node", "enterprise"], name="firm_once_per_node")]


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DROPPED = "dropped", _("Dropped")

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(_("project code"), max_length=50)
    name = models.CharField(_("project"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    amount = models.DecimalField(_("investment (万元)"), null=True, blank=True, **MONEY)
    node = models.ForeignKey(
        ChainNode,
        verbose_name=_("chain node"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    official = models.CharField(_("responsible official"), max_length=100, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=STAGE_CHOICES, default="lead")
    lead_on = models.DateField(_("lead date"), null=True, blank=True)
    negotiation_on = models.DateField(_("negotiation date"), null=True, blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    construction_on = models.DateField(_("construction date"), null=True, blank=True)
    operating_on = models.DateField(_("operation date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investment_projects",
    )
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone", "-updated", "-id"]
        verbose_name = _("investment project")
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="project_code_once_per_zone")]
        indexes = [models.Index(fields=["zone", "stage", "status"])]

    def __str__(self) -> str:
        return self.name

    def stage_date(self, stage: str):
        return getattr(self, f"{stage}_on")

    @property
    def dates(self) -> dict:
        return {s: self.stage_date(s) for s in STAGES}


def stage_field(stage: str) -> str:
    return f"{stage}_on"


class StageChange(models.Model):
    """A project moved (or was dropped, or was brought in by an import): who, when, from what to what."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(max_length=20, blank=True)
    stage = models.CharField(max_length=20)
    status = models.CharField(max_length=10, default=Project.Status.ACTIVE)
    on = models.DateField(null=True, blank=True)  # the date the change took effect
    note = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class TableImport(ImportRecord):
    """One upload of one of this app's tables (projects, chain nodes, node firms) and what came of it
    (the shared import record of ``gaoxin.web.platform.bulk``)."""

    class Kind(models.TextChoices):
        PROJECTS = "projects", _("Investment projects")
        NODES = "nodes", _("Chain nodes")
        FIRMS = "firms", _("Firms at chain nodes")

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="investment_imports")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta(ImportRecord.Meta):
        pass


ZERO = Decimal(0)
