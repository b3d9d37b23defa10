"""Sci-tech finance: products (bank loans, zone guarantees, guidance funds, subsidies, risk pools), the
firms each product fits (matches), loan applications with their history, and risk-pool loss claims.

Every rule (eligibility, credit line, state machine, compensation) is decided by ``gaoxin.finance``;
these models persist its inputs and outputs. Money is ``Decimal`` 万元 to the fen (6 places).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gaoxin.finance import loans as rules

MONEY = {"max_digits": 22, "decimal_places": 6}  # 万元 to the fen


class Product(models.Model):
    """A financial product offered in one zone: a bank's loan, or the zone's own instrument.

    ``rules`` is the product's definition as ``gaoxin.finance.products.load_product`` reads it
    (eligibility and the kind's terms). A loan is owned by a bank; every other kind by the zone.
    """

    class Kind(models.TextChoices):
        LOAN = "loan", _("Bank loan")
        GUARANTEE = "guarantee", _("Guarantee plan")
        FUND = "fund", _("Guidance fund")
        SUBSIDY = "subsidy", _("Interest subsidy")
        POOL = "pool", _("Risk-compensation pool")

    zone = models.ForeignKey(
        "registry.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="finance_products"
    )
    bank = models.ForeignKey(
        "accounts.Bank",
        verbose_name=_("bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finance_products",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rules = models.JSONField(_("rules"), default=dict)
    pool = models.ForeignKey(
        "self",
        verbose_name=_("risk-compensation pool"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered",
        limit_choices_to={"kind": "pool"},
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # What the stored matches were computed from (run, lists, rules); see services.ensure_matches.
    match_key = models.CharField(max_length=120, blank=True)
    matched_run = models.ForeignKey(
        "credit.ScoreRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["zone", "kind", "name", "id"]
        verbose_name = _("financial product")
        constraints = [
            models.CheckConstraint(
                name="finance_loan_has_bank",
                condition=(Q(kind="loan", bank__isnull=False) | (~Q(kind="loan") & Q(bank__isnull=True))),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Match(models.Model):
    """A firm eligible for a product under a score run (only eligible firms are stored)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="matches")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="finance_matches"
    )
    run = models.ForeignKey("credit.ScoreRun", on_delete=models.CASCADE, related_name="+")
    total = models.FloatField()
    grade = models.CharField(max_length=20, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    rank = models.PositiveIntegerField(null=True)
    cohort_size = models.PositiveIntegerField(null=True)
    line = models.DecimalField(null=True, blank=True, **MONEY)  # loans: the indicative credit line

    class Meta:
        ordering = ["product", "-total", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["product", "enterprise"], name="finance_match_once")]


class Application(models.Model):
    """A loan application and, once disbursed, the loan (state machine in ``gaoxin.finance.loans``)."""

    class State(models.TextChoices):
        PENDING = rules.PENDING, _("Pending")
        APPROVED = rules.APPROVED, _("Approved")
        REJECTED = rules.REJECTED, _("Rejected")
        WITHDRAWN = rules.WITHDRAWN, _("Withdrawn")
        DISBURSED = rules.DISBURSED, _("Disbursed")
        REPAID = rules.REPAID, _("Repaid")
        DEFAULTED = rules.DEFAULTED, _("Defaulted")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="finance_applications"
    )
    bank = models.ForeignKey("accounts.Bank", on_delete=models.PROTECT, related_name="finance_applications")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=rules.PENDING)
    requested_amount = models.DecimalField(_("amount requested (万元)"), **MONEY)
    requested_term = models.PositiveSmallIntegerField(_("term requested (months)"))
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)
    via_bank = models.BooleanField(default=False)  # entered by the bank for the firm
    # The firm's score when it applied (what the statistics group by).
    run = models.ForeignKey(
        "credit.ScoreRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score_total = models.FloatField(null=True, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    indicative_line = models.DecimalField(null=True, blank=True, **MONEY)
    # The decision.
    approved_amount = models.DecimalField(_("amount approved (万元)"), null=True, blank=True, **MONEY)
    rate = models.DecimalField(_("annual rate (%)"), null=True, blank=True, max_digits=7, decimal_places=4)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    # The loan.
    disbursed_amount = models.DecimalField(_("amount disbursed (万元)"), null=True, blank=True, **MONEY)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    first_loan = models.BooleanField(_("first loan of the firm (首贷)"), default=False)
    repaid_amount = models.DecimalField(_("principal repaid (万元)"), default=0, **MONEY)
    outstanding = models.DecimalField(_("principal outstanding (万元)"), default=0, **MONEY)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)  # repaid in full or defaulted

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("loan application")
        indexes = [models.Index(fields=["bank", "state"]), models.Index(fields=["enterprise", "state"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.enterprise} · {self.product}"

    @property
    def allowed_actions(self) -> tuple[str, ...]:
        return rules.allowed(self.state)


class Transition(models.Model):
    """One step of an application's history: who did what, when, from which state to which."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    amount = models.DecimalField(null=True, blank=True, **MONEY)
    note = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class LossClaim(models.Model):
    """A defaulted loan's loss claimed from its risk pool, split by the pool's weights at default."""

    pool = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="claims")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="claim")
    loss = models.DecimalField(**MONEY)
    government = models.DecimalField(**MONEY)
    guarantor = models.DecimalField(**MONEY)
    bank = models.DecimalField(**MONEY)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
