"""Innovation carriers: incubators and 众创空间 with their incubated firms and grades; the listing
reserve with stage events and rewards paid; 揭榜挂帅 needs, challenges, applications, experts and their
reviews, contracts with milestones and the payment ledger; each zone's settings; the imports.

Every row belongs to one zone (directly or through its incubator, reserve entry or challenge):
``scopes.py`` registers the paths. The rules (conditions, graduation, standards, review, payments)
live in ``gaoxin.carriers``; the services feed them these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gaoxin.carriers import listing as core_listing

MONEY = {"max_digits": 20, "decimal_places": 4}  # 万元 to the yuan, as the registry stores money
AREA = {"max_digits": 14, "decimal_places": 2}  # m²
USER = settings.AUTH_USER_MODEL


def _money(label, **kw):
    return models.DecimalField(label, null=True, blank=True, **MONEY, **kw)


class CarrierSettings(models.Model):
    """A zone's corrections to the defaults (``gaoxin.carriers``): thresholds by name, models, split."""

    zone = models.OneToOneField("registry.Zone", on_delete=models.CASCADE, related_name="carrier_settings")
    incubator_rules = models.JSONField(_("incubator thresholds (name → value)"), default=dict, blank=True)
    self_evaluation = models.JSONField(_("self-evaluation model"), default=dict, blank=True)
    admission = models.JSONField(_("admission model"), default=dict, blank=True)
    reward_schedule = models.JSONField(_("listing rewards by stage (万元)"), default=dict, blank=True)
    reward_netting = models.CharField(_("reward netting"), max_length=20, default="per_stage")
    reward_cap = _money(_("reward cap (万元)"))
    stalled_days = models.PositiveIntegerField(
        _("days without a stage change before a reserve firm is stalled"),
        default=core_listing.DEFAULT_STALLED_DAYS,
    )
    payment_shares = models.JSONField(_("default payment shares"), default=list, blank=True)
    min_first_share = models.DecimalField(
        _("minimum first payment share"), null=True, blank=True, max_digits=5, decimal_places=4
    )
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("carrier settings")


# --- incubators --------------------------------------------------------------------------------------


class Incubator(models.Model):
    class Kind(models.TextChoices):
        INCUBATOR = "incubator", _("Incubator")
        MAKER_SPACE = "maker_space", _("Maker space (众创空间)")
        ACCELERATOR = "accelerator", _("Accelerator")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        ZONE = "zone", _("Zone")
        NONE = "none", _("Not rated")

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="incubators")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INCUBATOR)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.NONE)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    chain_tier = models.PositiveSmallIntegerField(
        _("tier in the zone's incubation chain (1 众创空间, 2 孵化器, 3 加速器)"), null=True, blank=True
    )
    specialised = models.BooleanField(_("specialised"), default=False)
    field = models.CharField(_("specialised field"), max_length=100, blank=True)
    tech_platform = models.BooleanField(_("own technical platform"), null=True, blank=True)
    hardship = models.BooleanField(_("hardship region"), default=False)
    legal_entity = models.BooleanField(_("independent legal entity"), null=True, blank=True)
    established = models.DateField(_("operating since"), null=True, blank=True)
    stat_years = models.PositiveSmallIntegerField(_("consecutive years of 火炬统计"), null=True, blank=True)
    reports_torch = models.BooleanField(_("reports 火炬统计"), null=True, blank=True)
    area_total = models.DecimalField(_("area (m²)"), null=True, blank=True, **AREA)
    area_incubation = models.DecimalField(
        _("area used by incubated firms (m²)"), null=True, blank=True, **AREA
    )
    area_shared = models.DecimalField(_("workstations and public area (m²)"), null=True, blank=True, **AREA)
    workstations = models.PositiveIntegerField(_("workstations"), null=True, blank=True)
    fund = _money(_("incubation fund (万元)"))
    staff_total = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    pro_staff = models.PositiveIntegerField(_("professional service staff"), null=True, blank=True)
    mentors = models.PositiveIntegerField(_("mentors"), null=True, blank=True)
    investment_cases = models.PositiveIntegerField(_("investment cases"), null=True, blank=True)
    typical_cases = models.PositiveIntegerField(_("typical incubation cases"), null=True, blank=True)
    teams_admitted = models.PositiveIntegerField(_("teams admitted this year"), null=True, blank=True)
    new_firms = models.PositiveIntegerField(_("new firms registered this year"), null=True, blank=True)
    financed = models.PositiveIntegerField(_("teams financed this year"), null=True, blank=True)
    events = models.PositiveIntegerField(_("events this year"), null=True, blank=True)
    graduates_before = models.PositiveIntegerField(
        _("graduates before the firms recorded here"), default=0, blank=True
    )

    class Meta:
        ordering = ["zone", "code"]
        verbose_name = _("incubator")
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="incubator_code_once_per_zone")]

    def __str__(self) -> str:
        return self.name


class IncubatorGrade(models.Model):
    """An evaluation result (the official one, or the zone's self-evaluation) for one year."""

    class Source(models.TextChoices):
        OFFICIAL = "official", _("Official evaluation")
        SELF = "self", _("Self-evaluation")

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="grades")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    grade = models.CharField(_("grade"), max_length=10)
    score = models.DecimalField(_("score"), null=True, blank=True, max_digits=8, decimal_places=2)
    detail = models.JSONField(default=list, blank=True)  # the self-evaluation's lines
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incubator", "year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["incubator", "year", "source"], name="grade_once_per_year")
        ]


class IncubatedFirm(models.Model):
    class Exit(models.TextChoices):
        NONE = "", _("Still incubated")
        GRADUATED = "graduated", _("Graduated")
        MOVED = "moved", _("Moved out")
        CLOSED = "closed", _("Closed")

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="firms")
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="incubations"
    )
    name = models.CharField(_("firm or team"), max_length=200)
    field = models.CharField(_("field"), max_length=100, blank=True)
    entered = models.DateField(_("entered"))
    exited = models.DateField(_("left"), null=True, blank=True)
    exit_reason = models.CharField(_("exit"), max_length=20, choices=Exit.choices, blank=True, default="")
    patent_applied = models.BooleanField(_("has applied for patents"), null=True, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("graduated in"), null=True, blank=True)
    graduation_criterion = models.CharField(_("graduation criterion"), max_length=20, blank=True)
    graduation_evidence = models.JSONField(default=list, blank=True)  # [{criterion, year, date, text}]

    class Meta:
        ordering = ["incubator", "entered", "name"]
        verbose_name = _("incubated firm")
        constraints = [
            models.UniqueConstraint(
                fields=["incubator", "enterprise", "entered"],
                name="incubation_once",
                condition=models.Q(enterprise__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Admission(models.Model):
    """An applicant to the zone's own incubation chain, scored on the zone's admission model."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ADMITTED = "admitted", _("Admitted")
        REJECTED = "rejected", _("Rejected")

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="admissions")
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("applicant"), max_length=200)
    values = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(_("score"), null=True, blank=True, max_digits=8, decimal_places=2)
    suggestion = models.CharField(_("model's suggestion"), max_length=20, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]


# --- listing reserve ---------------------------------------------------------------------------------

STAGE_CHOICES = [
    ("pool", _("In the reserve")),
    ("shareholding", _("Joint-stock reform")),
    ("tutoring_filed", _("Tutoring filed")),
    ("tutoring_accepted", _("Tutoring accepted")),
    ("application_accepted", _("Application accepted")),
    ("approved", _("Approved by the exchange")),
    ("registered", _("Registered (CSRC)")),
    ("listed", _("Listed")),
]
assert tuple(s for s, _label in STAGE_CHOICES) == core_listing.STAGES
BOARD_CHOICES = [
    ("star", _("STAR Market")),
    ("chinext", _("ChiNext")),
    ("main", _("Main Board")),
    ("bse", _("Beijing Stock Exchange")),
    ("hkex", _("HKEX")),
    ("overseas", _("Overseas")),
]


class ReserveFirm(models.Model):
    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="reserve_firms")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="reserve_entries"
    )
    stage = models.CharField(_("stage"), max_length=30, choices=STAGE_CHOICES, default="pool")
    target_board = models.CharField(_("target board"), max_length=20, choices=BOARD_CHOICES, blank=True)
    target_standard = models.PositiveSmallIntegerField(
        _("declared STAR standard (1–5)"), null=True, blank=True
    )
    broker = models.CharField(_("sponsor (券商)"), max_length=200, blank=True)
    accountant = models.CharField(_("accounting firm"), max_length=200, blank=True)
    lawyer = models.CharField(_("law firm"), max_length=200, blank=True)
    market_cap = _money(_("expected market value (万元)"))
    cash_flow_3y = _money(_("operating cash flow, last 3 years (万元)"))
    core_patents = models.PositiveIntegerField(
        _("invention patents used in the main business"), null=True, blank=True
    )
    state_approved = models.BooleanField(
        _("standard 5: approved products and staged results"), null=True, blank=True
    )
    share_capital = _money(_("post-issue share capital (万元)"))
    official = models.CharField(_("responsible official"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["zone", "enterprise__name"]
        verbose_name = _("listing reserve firm")
        constraints = [models.UniqueConstraint(fields=["zone", "enterprise"], name="reserve_once_per_zone")]

    def __str__(self) -> str:
        return self.enterprise.name


class StageEvent(models.Model):
    """A stage the firm reached, with its date and evidence (filing number, notice, decision …)."""

    reserve = models.ForeignKey(ReserveFirm, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField(_("stage"), max_length=30, choices=STAGE_CHOICES)
    on = models.DateField(_("date"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reserve", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["reserve", "stage"], name="stage_once")]


class RewardPayment(models.Model):
    """A stage reward paid (or handed to the policy engine), so that no stage is paid twice."""

    reserve = models.ForeignKey(ReserveFirm, on_delete=models.CASCADE, related_name="rewards")
    stage = models.CharField(_("stage"), max_length=30, choices=STAGE_CHOICES)
    amount = models.DecimalField(_("amount (万元)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["reserve", "paid_on", "id"]
        constraints = [models.UniqueConstraint(fields=["reserve", "stage"], name="reward_once_per_stage")]


# --- 揭榜挂帅 ----------------------------------------------------------------------------------------


class Need(models.Model):
    """A technical need collected from a firm, or proposed from a gap of an industry chain."""

    class Source(models.TextChoices):
        FIRM = "firm", _("A firm's need")
        CHAIN = "chain", _("A gap of an industry chain")
        DEPARTMENT = "department", _("A department")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ADOPTED = "adopted", _("Made a challenge")
        DECLINED = "declined", _("Declined")

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="challenge_needs")
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="challenge_needs"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.FIRM)
    chain_node = models.CharField(_("chain node"), max_length=200, blank=True)
    title = models.CharField(_("need"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]


class Challenge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published: taking applications")
        REVIEW = "review", _("Under expert review")
        SELECTED = "selected", _("Team selected")
        CONTRACTED = "contracted", _("Under contract")
        CLOSED = "closed", _("Closed")

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="challenges")
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="challenges"
    )
    requester = models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenges_requested",
        verbose_name=_("requester (发榜方)"),
    )
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    indicators = models.TextField(_("target indicators and test method"))
    ceiling = models.DecimalField(_("ceiling funding from the zone (万元)"), **MONEY)
    requester_funding = _money(_("funding from the requester (万元)"))
    deadline = models.DateField(_("application deadline"))
    eligibility = models.TextField(_("eligibility"), blank=True)
    ip_terms = models.TextField(_("IP terms"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    race = models.BooleanField(_("horse race (赛马): several teams to the first milestone"), default=False)
    funded = models.PositiveSmallIntegerField(_("teams funded"), default=1)
    min_reviews = models.PositiveSmallIntegerField(_("valid reviews needed"), default=3)
    min_cofunding = models.DecimalField(
        _("minimum co-funding ratio (0: none)"), default=0, max_digits=6, decimal_places=3
    )
    rubric = models.JSONField(_("rubric"), default=list, blank=True)  # [{code, zh, points}]
    shares = models.JSONField(_("payment shares"), default=list, blank=True)  # ["0.6", "0.2", "0.2"]
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["zone", "-created", "-id"]
        verbose_name = _("challenge")
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="challenge_code_once")]

    def __str__(self) -> str:
        return self.title


class ChallengeExpert(models.Model):
    """A user assigned to review a challenge's applications (there is no expert role: this row is it)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="experts")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="challenge_expert_roles")
    organisation = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("expert's title and field"), max_length=200, blank=True)

    class Meta:
        ordering = ["challenge", "id"]
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="expert_once")]

    def __str__(self) -> str:
        return str(self.user)


class ChallengeApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="applications")
    lead = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="challenge_applications"
    )
    partners = models.ManyToManyField(
        "registry.Enterprise", blank=True, related_name="challenge_partnerships"
    )
    partners_other = models.CharField(
        _("other partners (universities, institutes)"), max_length=300, blank=True
    )
    plan = models.TextField(_("technical plan"))
    budget = models.DecimalField(_("total budget (万元)"), **MONEY)
    requested = models.DecimalField(_("funding requested (万元)"), **MONEY)
    cofunding = models.DecimalField(_("co-funding (万元)"), default=0, **MONEY)
    veto = models.CharField(_("veto item found"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED)
    score = models.DecimalField(_("review score"), null=True, blank=True, max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "rank", "id"]
        verbose_name = _("challenge application")
        constraints = [models.UniqueConstraint(fields=["challenge", "lead"], name="one_application_per_lead")]

    def __str__(self) -> str:
        return f"{self.challenge.code} · {self.lead.name}"


class ChallengeReview(models.Model):
    """One expert's review of one application: assigned by the zone, then a conflict declared or scored."""

    application = models.ForeignKey(ChallengeApplication, on_delete=models.CASCADE, related_name="reviews")
    expert = models.ForeignKey(ChallengeExpert, on_delete=models.CASCADE, related_name="reviews")
    conflict = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_reason = models.CharField(_("conflict"), max_length=200, blank=True)
    scores = models.JSONField(default=dict, blank=True)  # criterion → points (strings, exact)
    total = models.DecimalField(_("total"), null=True, blank=True, max_digits=8, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    submitted = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "expert"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="review_once")]


class Contract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("contract", "Active")  # 履行中, not a project's 推进中
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    application = models.OneToOneField(
        ChallengeApplication, on_delete=models.PROTECT, related_name="contract"
    )
    number = models.CharField(_("contract (任务书) number"), max_length=60)
    signed_on = models.DateField(_("signed on"))
    funding = models.DecimalField(_("zone funding (万元)"), **MONEY)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    clawback = _money(_("clawback (万元)"))

    class Meta:
        ordering = ["-signed_on", "-id"]


class Milestone(models.Model):
    """Milestone k; payment k is released on signing (k = 1) or on acceptance of milestone k − 1."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        FAILED = "failed", _("Failed")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("number"))
    indicator = models.CharField(_("indicator to reach"), max_length=300)
    due = models.DateField(_("due"))
    share = models.DecimalField(_("payment share"), max_digits=6, decimal_places=4)
    amount = models.DecimalField(_("payment (万元)"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    evidence = models.CharField(_("evidence (test report, acceptance minutes)"), max_length=300, blank=True)
    score = models.DecimalField(_("acceptance score"), null=True, blank=True, max_digits=8, decimal_places=2)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="milestone_once")]


class Payment(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        CLAWBACK = "clawback", _("Clawback")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments")
    number = models.PositiveSmallIntegerField(_("payment number"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    amount = models.DecimalField(_("amount (万元)"), **MONEY)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["contract", "on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"], name="payment_once", condition=models.Q(kind="payment")
            )
        ]


class TableImport(models.Model):
    """One upload of one of this app's tables; its problems, and what it changed."""

    class Kind(models.TextChoices):
        INCUBATORS = "incubators", _("Incubators")
        FIRMS = "firms", _("Incubated firms")
        RESERVE = "reserve", _("Listing reserve")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused: errors")
        DUPLICATE = "duplicate", _("Same file already imported")

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="carrier_imports")
    kind = models.CharField(_("table"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
