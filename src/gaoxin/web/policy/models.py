"""The policy app's tables: policies (YAML text + hash, draft → published), their clauses, the facts a
department supplies, matching runs and their awards (one row per firm and clause, eligible or not),
objections, the history of every decision, payment batches and the payout ledger.

Every rule lives in ``gaoxin.policy``; these tables keep what it was given and what it said.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 20, "decimal_places": 6}  # 万元 to the fen (gaoxin.finance.money)
USER = settings.AUTH_USER_MODEL


class Policy(models.Model):
    """One version of a policy file. A published version is never edited: a change is a new draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="policies")
    code = models.CharField(_("code"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    doc_no = models.CharField(_("document number"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=4)
    execution = models.CharField(_("execution type"), max_length=8)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    budget = models.DecimalField(_("budget (万元)"), null=True, blank=True, **MONEY)
    example = models.BooleanField(_("example"), default=False)
    text = models.TextField(_("policy file (YAML)"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["zone", "code", "-version"]
        verbose_name = _("policy")
        constraints = [
            models.UniqueConstraint(fields=["zone", "code", "version"], name="policy_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Clause(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="clauses")
    clause_id = models.CharField(_("clause"), max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    conditions = models.JSONField(default=list)  # [label, …]
    amount = models.TextField(_("amount"), blank=True)
    group = models.CharField(_("exclusivity group"), max_length=80, blank=True)
    total_control = models.BooleanField(_("counts toward total control"), default=False)
    budget = models.DecimalField(_("budget (万元)"), null=True, blank=True, **MONEY)
    top = models.PositiveIntegerField(_("at most (firms)"), null=True, blank=True)

    class Meta:
        ordering = ["policy", "order"]
        constraints = [models.UniqueConstraint(fields=["policy", "clause_id"], name="clause_once")]


class Fact(models.Model):
    """A value a policy declares as input (地方综合贡献度, 规上, a technology contract …), from a department."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="policy_facts")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="policy_facts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("input"), max_length=80)
    item = models.CharField(_("item"), max_length=120, blank=True)  # an item-level row (e.g. a contract)
    value = models.DecimalField(_("value"), null=True, blank=True, **MONEY)
    flag = models.BooleanField(_("yes/no"), null=True, blank=True)
    department = models.CharField(_("source department"), max_length=100, blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["zone", "year", "name", "enterprise", "item"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "name", "item"], name="policy_fact_once")
        ]


class MatchRun(models.Model):
    """A matching of one policy version against the zone's firms: a simulation, or the official list."""

    class Kind(models.TextChoices):
        SIMULATION = "simulation", _("Simulation")
        OFFICIAL = "official", _("Official list")

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        PUBLICITY = "publicity", _("In publicity")
        CLOSED = "closed", _("Publicity closed")

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="policy_runs")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="runs")
    year = models.PositiveSmallIntegerField(_("data year"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.MATCHED)
    facts_sha256 = models.CharField(max_length=64)  # the facts the engine read: a re-run compares equal
    lines_sha256 = models.CharField(max_length=64)  # the resulting list
    summary = models.JSONField(default=dict)  # gaoxin.policy.simulate.Summary.as_dict()
    firms = models.PositiveIntegerField(default=0)
    publicity_from = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_to = models.DateField(_("publicity until"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("matching run")


class Award(models.Model):
    """One firm under one clause of a run: eligible or not, why, the amount and every step to it."""

    class Status(models.TextChoices):
        INELIGIBLE = "ineligible", _("Not eligible")
        MATCHED = "matched", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAIVED = "waived", _("Waived")
        BATCHED = "batched", _("In a payment batch")
        PAID = "paid", _("Paid")
        CLAWED_BACK = "clawed_back", _("Clawed back")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="awards")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="policy_awards"
    )
    clause_id = models.CharField(_("clause"), max_length=80)
    clause_title = models.CharField(_("clause"), max_length=300)
    eligible = models.BooleanField(_("eligible"))
    gross = models.DecimalField(_("formula amount (万元)"), default=0, **MONEY)
    amount = models.DecimalField(_("amount (万元)"), default=0, **MONEY)
    rank = models.PositiveIntegerField(null=True, blank=True)
    distance = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    split = models.JSONField(default=dict, blank=True)  # level → amount (str)
    steps = models.JSONField(default=list, blank=True)  # [{code, text, before, after}]
    items = models.JSONField(default=list, blank=True)
    checks = models.JSONField(default=list, blank=True)  # explain.Check.as_dict() + sources
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    account_name = models.CharField(_("account name"), max_length=200, blank=True)
    account_bank = models.CharField(_("bank"), max_length=200, blank=True)
    account_no = models.CharField(_("account number"), max_length=40, blank=True)
    batch = models.ForeignKey(
        "PaymentBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    paid_amount = models.DecimalField(_("paid (万元)"), null=True, blank=True, **MONEY)
    decided = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "clause_id", "rank", "enterprise__uscc"]
        constraints = [models.UniqueConstraint(fields=["run", "enterprise", "clause_id"], name="award_once")]
        indexes = [models.Index(fields=["enterprise", "status"]), models.Index(fields=["run", "status"])]


class Objection(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="objections")
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided = models.DateTimeField(null=True, blank=True)
    amount = models.DecimalField(_("amount granted (万元)"), null=True, blank=True, **MONEY)
    note = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["-submitted", "-id"]


class AwardEvent(models.Model):
    """The history of an award: every decision, by whom and when."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class PaymentBatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Prepared")
        PAID = "paid", _("Paid")

    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveIntegerField(_("batch"))
    total = models.DecimalField(_("total (万元)"), default=0, **MONEY)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    paid_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    paid = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="batch_number_once")]


class LedgerEntry(models.Model):
    """A payment (positive) or clawback (negative) booked for a firm: the one ledger every run checks."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        CLAWBACK = "clawback", _("Clawback")

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="policy_ledger")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="policy_ledger"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    policy_code = models.CharField(_("policy"), max_length=80)
    clause_id = models.CharField(_("clause"), max_length=80)
    group = models.CharField(_("exclusivity group"), max_length=80, blank=True)
    total_control = models.BooleanField(default=False)
    amount = models.DecimalField(_("amount (万元)"), **MONEY)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    batch = models.ForeignKey(
        PaymentBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "year", "at", "id"]
        indexes = [models.Index(fields=["zone", "year"]), models.Index(fields=["enterprise", "year"])]
