"""The green app's tables: coefficient files, the zone's chosen sets and their changes, energy data per
firm and period with its provenance, the figures computed from them (each with the sets it used),
benchmark levels, and green lists published to banks.

Energy data is never overwritten: a re-import of a firm's period marks the rows it replaces as
superseded by the new batch (``superseded_by``), so every value keeps its history and its source
(batch: file, department, user, time). The numbers themselves come from ``gaoxin.green``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 20, "decimal_places": 4}  # 万元 to the yuan
AMOUNT = {"max_digits": 24, "decimal_places": 6}  # physical quantities, tce, kWh, t CO₂
RATIO = {"max_digits": 20, "decimal_places": 10}  # intensities and shares


class CoefficientFile(models.Model):
    """A coefficient set or an emission-factor set, as the TOML text it was given in."""

    class Kind(models.TextChoices):
        COEFFICIENTS = "coefficients", _("Standard-coal coefficients")
        EMISSIONS = "emissions", _("CO₂ emission factors")

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="green_files")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    set_id = models.CharField(_("set"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    digest = models.CharField(max_length=12)
    text = models.TextField()
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    shipped = models.BooleanField(default=False)  # shipped with gaoxin, not uploaded
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "set_id", "-created"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "kind", "set_id", "digest"], name="green_file_once")
        ]

    @property
    def ref(self) -> str:
        return f"{self.set_id}@{self.version}#{self.digest}"

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"


class SetChoice(models.Model):
    """The zone's current coefficient and emission sets; one row per zone."""

    zone = models.OneToOneField("registry.Zone", on_delete=models.PROTECT, related_name="green_choice")
    coefficients = models.ForeignKey(CoefficientFile, on_delete=models.PROTECT, related_name="+")
    emissions = models.ForeignKey(CoefficientFile, on_delete=models.PROTECT, related_name="+")
    updated = models.DateTimeField(auto_now=True)


class Recompute(models.Model):
    """One change of set (or import) and the recomputation it caused, with why."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="green_recomputes")
    from_sets = models.CharField(max_length=200, blank=True)
    to_sets = models.CharField(max_length=200)
    reason = models.TextField()
    figures = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class EnergyBatch(models.Model):
    """One imported file: its provenance and what it did."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="green_batches")
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    department = models.CharField(_("source department"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]


class EnergyRecord(models.Model):
    """A firm's period (a month, or the whole year when ``month`` is 0): output, value added, PV."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="energy_records"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), default=0)  # 0: the whole year
    output_value = models.DecimalField(_("industrial output value"), null=True, blank=True, **MONEY)
    value_added = models.DecimalField(_("industrial value added"), null=True, blank=True, **MONEY)
    product = models.CharField(_("main product"), max_length=100, blank=True)
    product_output = models.DecimalField(_("product output"), null=True, blank=True, **AMOUNT)
    pv_self_kwh = models.DecimalField(_("own PV consumed (kWh)"), default=0, **AMOUNT)
    green_power_kwh = models.DecimalField(_("green power bought (kWh)"), default=0, **AMOUNT)
    batch = models.ForeignKey(EnergyBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sources = models.JSONField(default=dict, blank=True)  # field → batch id
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "month"], name="green_record_once")
        ]


class EnergyUse(models.Model):
    """One energy carrier of a firm's period: physical quantity and unit, as energy or as feedstock."""

    class Use(models.TextChoices):
        ENERGY = "energy", _("energy")
        FEEDSTOCK = "feedstock", _("feedstock (excluded)")

    record = models.ForeignKey(EnergyRecord, on_delete=models.CASCADE, related_name="uses")
    carrier = models.CharField(_("carrier"), max_length=40)
    quantity = models.DecimalField(_("quantity"), **AMOUNT)
    unit = models.CharField(_("unit"), max_length=20)
    use = models.CharField(_("use"), max_length=10, choices=Use.choices, default=Use.ENERGY)
    kgce = models.DecimalField(_("measured coefficient"), null=True, blank=True, **RATIO)
    source = models.CharField(_("source"), max_length=40, blank=True)  # meter, invoice …
    batch = models.ForeignKey(EnergyBatch, on_delete=models.PROTECT, related_name="uses")
    superseded_by = models.ForeignKey(
        EnergyBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record", "carrier", "id"]


class CertificateHolding(models.Model):
    """绿证 held for a firm's period: count, origin and serial numbers."""

    class Origin(models.TextChoices):
        GREEN_POWER = "green_power", _("with green power bought")
        SELF_PV = "self_pv", _("issued for own generation")
        STANDALONE = "standalone", _("bought alone")

    record = models.ForeignKey(EnergyRecord, on_delete=models.CASCADE, related_name="certificates")
    count = models.PositiveIntegerField(_("certificates"))
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    serials = models.TextField(_("serial numbers"), blank=True)
    batch = models.ForeignKey(EnergyBatch, on_delete=models.PROTECT, related_name="certificates")
    superseded_by = models.ForeignKey(
        EnergyBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record", "id"]


class Figure(models.Model):
    """The figures of a firm's period computed with the sets named in it (a year merges its months
    when no whole-year record exists)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="green_figures"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)  # 0: the whole year
    months = models.PositiveSmallIntegerField(default=0)  # months merged into a year (0: a year record)
    set_ref = models.CharField(max_length=120)
    basis = models.CharField(max_length=20)
    emissions_ref = models.CharField(max_length=120)
    total_tce = models.DecimalField(**AMOUNT)
    feedstock_tce = models.DecimalField(**AMOUNT)
    non_fossil_tce = models.DecimalField(**AMOUNT)
    controlled_tce = models.DecimalField(**AMOUNT)
    electricity_kwh = models.DecimalField(**AMOUNT)
    renewable_kwh = models.DecimalField(**AMOUNT)
    co2_t = models.DecimalField(null=True, blank=True, **AMOUNT)
    value_added = models.DecimalField(null=True, blank=True, **MONEY)
    output_value = models.DecimalField(null=True, blank=True, **MONEY)
    intensity_va = models.DecimalField(null=True, blank=True, **RATIO)
    intensity_output = models.DecimalField(null=True, blank=True, **RATIO)
    non_fossil_share = models.DecimalField(null=True, blank=True, **RATIO)
    renewable_share = models.DecimalField(null=True, blank=True, **RATIO)
    carbon_per_tce = models.DecimalField(null=True, blank=True, **RATIO)
    unit_product_kgce = models.DecimalField(null=True, blank=True, **AMOUNT)
    position = models.CharField(max_length=20, blank=True)  # benchmark / baseline / below / ""
    detail = models.JSONField(default=dict, blank=True)  # by carrier, certificates, notes
    computed = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "month"], name="green_figure_once")
        ]
        indexes = [models.Index(fields=["year", "month"])]


class Benchmark(models.Model):
    """A sector's 标杆 and 基准 level of unit product energy, as the zone keeps it."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="green_benchmarks")
    product = models.CharField(_("product"), max_length=100)
    unit = models.CharField(_("unit"), max_length=40, default="kgce/t")
    benchmark = models.DecimalField(_("benchmark level (标杆)"), **AMOUNT)
    baseline = models.DecimalField(_("baseline level (基准)"), **AMOUNT)
    edition = models.CharField(_("edition"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["product"]
        constraints = [models.UniqueConstraint(fields=["zone", "product"], name="green_benchmark_once")]


class GreenList(models.Model):
    """Firms meeting the zone's green criteria in a year, frozen and shown to chosen banks."""

    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="green_lists")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    criteria = models.JSONField(default=dict)
    set_ref = models.CharField(max_length=120)
    emissions_ref = models.CharField(max_length=120)
    banks = models.ManyToManyField("accounts.Bank", related_name="green_lists")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]


class GreenListEntry(models.Model):
    green_list = models.ForeignKey(GreenList, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="green_entries"
    )
    position = models.PositiveIntegerField()
    values = models.JSONField(default=dict)  # the frozen figures, as text

    class Meta:
        ordering = ["green_list", "position"]
        constraints = [models.UniqueConstraint(fields=["green_list", "enterprise"], name="green_entry_once")]
