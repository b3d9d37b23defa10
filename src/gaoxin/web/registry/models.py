"""The zone's register: zones, enterprises, annual reports, qualifications, and where every value came from.

The columns of ``Enterprise`` and ``AnnualReport`` are generated from ``gaoxin.data.dictionary``: a field
is declared once, there, and a migration adds it here. Every stored value knows the import batch (or
correction) that set it (``sources``: field → batch id) and every change is kept in ``ChangeRecord``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.data.dictionary import ENTERPRISE_FIELDS, QUALIFICATION_KINDS, REPORT_FIELDS, Field

MONEY = {"max_digits": 20, "decimal_places": 4}  # 万元 to the yuan
NUMBER = {"max_digits": 24, "decimal_places": 10}  # quantities and intensities (the green app's precision)


def django_field(f: Field) -> models.Field:
    """The database column for a dictionary field; every column may be missing (null)."""
    label = f.zh
    if f.type == "money":
        return models.DecimalField(label, null=True, blank=True, **MONEY)
    if f.type == "int":
        return models.BigIntegerField(label, null=True, blank=True)
    if f.type == "ratio":
        return models.DecimalField(label, null=True, blank=True, max_digits=12, decimal_places=8)
    if f.type == "number":  # a physical quantity (吨标准煤, 吨 …) or an intensity
        return models.DecimalField(label, null=True, blank=True, **NUMBER)
    if f.type == "bool":
        return models.BooleanField(label, null=True, blank=True)
    if f.type == "date":
        return models.DateField(label, null=True, blank=True)
    choices = [(c, c) for c in f.choices] or None
    return models.CharField(label, max_length=200, blank=True, default="", choices=choices)


ENTERPRISE_COLUMNS = tuple(f for f in ENTERPRISE_FIELDS if f.id not in ("uscc", "name", "zone"))
REPORT_COLUMNS = tuple(f for f in REPORT_FIELDS if f.id != "year")


def validate_department_fields(value) -> None:
    """A department's usual fields: a list of distinct data-dictionary field ids (``gaoxin.data.dictionary``)."""
    from django.core.exceptions import ValidationError

    from gaoxin.data.dictionary import BY_ID

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Give the fields as a list of data dictionary field ids."))
    unknown = [v for v in value if v not in BY_ID]
    if unknown:
        raise ValidationError(_("Not a field of the data dictionary: %(ids)s") % {"ids": ", ".join(unknown)})
    twice = sorted({v for v in value if value.count(v) > 1})
    if twice:
        raise ValidationError(_("A field is listed twice: %(ids)s") % {"ids": ", ".join(twice)})


class Department(models.Model):
    """A department that sends the zones their data (科技局, 税务局 …), as data.

    ``fields`` are the data-dictionary field ids it usually supplies: the import page offers a template
    with those columns (``bulk_io.columns``). A suggestion, not a rule: any file may carry any column.
    An import batch names its department by ``name`` (free text, so a retired name stays readable);
    a disabled department (``active`` false) is no longer offered.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    fields = models.JSONField(
        _("fields it usually supplies"), default=list, blank=True, validators=[validate_department_fields]
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("department")

    def __str__(self) -> str:
        return self.name

    @property
    def zh(self) -> str:  # the ``label`` filter shows a name in the reader's language
        return self.name

    @property
    def en(self) -> str:
        return self.name_en


class Region(models.Model):
    """A level above the zones: the nation (火炬中心) or a province (科技厅), as data.

    Regions form a tree (``parent``); a zone belongs to the region directly above it. A supervisor is
    anchored to one region and covers every zone under it, however deep (``accounts.scoping``), so one
    installation can host one province or the whole country.
    """

    class Level(models.TextChoices):
        NATION = "nation", _("Nation")
        PROVINCE = "province", _("Province")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    target_hightech = models.PositiveIntegerField(_("high-tech enterprise target"), null=True, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
    )
    # The zone's rule on its firms' details above it: by default its supervisors see aggregates only.
    details_to_supervisors = models.BooleanField(_("firm details visible to supervisors"), default=False)
    # A disabled zone keeps its data: its staff and firms cannot sign in, nothing new is written to it.
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("zone")

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="enterprises"
    )
    vars().update({f.id: django_field(f) for f in ENTERPRISE_COLUMNS})  # noqa: RUF100 - columns from the dictionary
    sources = models.JSONField(default=dict, blank=True)  # field → ImportBatch id (or "correction:<id>")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["zone", "name"]
        verbose_name = _("enterprise")
        indexes = [models.Index(fields=["zone", "name"])]

    def __str__(self) -> str:
        return self.name


class AnnualReport(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    vars().update({f.id: django_field(f) for f in REPORT_COLUMNS})  # noqa: RUF100 - columns from the dictionary
    sources = models.JSONField(default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise", "year"]
        verbose_name = _("annual report")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="report_once_per_year")]
        indexes = [models.Index(fields=["year"])]


class Qualification(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="qualifications")
    kind = models.CharField(_("kind"), max_length=30, choices=list(QUALIFICATION_KINDS.items()))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    certificate_no = models.CharField(_("certificate number"), max_length=100, blank=True, default="")
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["enterprise", "kind", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "valid_from"], name="qualification_once"),
        ]


class RegisterVersion(models.Model):
    """A counter per zone that moves whenever its register (firms, reports, certificates) does: every
    import's apply and every single saved or deleted row (a correction, a certificate added by hand)
    move it (``registry.services.versions``). Page figures over the register are cached under it, so reading
    the version is one indexed row, not a count of the zone's rows."""

    zone = models.OneToOneField(Zone, primary_key=True, on_delete=models.CASCADE, related_name="+")
    n = models.PositiveBigIntegerField(default=0)


class ImportBatch(models.Model):
    """One file brought in by one person for one zone; its hash makes a re-import a no-op."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")  # the task worker reads and checks the file
        PREVIEW = "preview", _("Awaiting confirmation")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused: errors")
        DUPLICATE = "duplicate", _("Same file already imported")

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    department = models.CharField(_("source department"), max_length=100, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # No longer written: the problems are ``ImportProblem`` rows (migration 0005 moved the old ones).
    problems = models.JSONField(default=list, blank=True)  # [{file,sheet,row,column,value,reason,severity}]
    mapping = models.JSONField(default=list, blank=True)  # [{header, field, unit, factor}]
    counts = models.JSONField(default=dict, blank=True)  # created/updated/unchanged per table
    stored_file = models.CharField(max_length=500, blank=True)  # path under MEDIA_ROOT of the upload

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("import")


class ImportProblem(models.Model):
    """One problem of an import, where a person looks for it in the file: file, sheet, row (as the
    spreadsheet numbers it), column (the header as written), the cell's value and the reason. ``seq``
    keeps the order the problems were listed in. At most ``services.imports.PROBLEMS_KEPT`` per batch."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problem_rows")
    seq = models.PositiveIntegerField()
    severity = models.CharField(max_length=10, default="error")  # gaoxin.io.problems: error, warning
    file = models.TextField(blank=True)
    sheet = models.TextField(null=True, blank=True)  # None: a CSV file (no sheet)
    row = models.PositiveIntegerField(null=True, blank=True)  # None: the file, a sheet or a column
    column = models.TextField(null=True, blank=True)  # None: the whole row or file
    value = models.TextField(null=True, blank=True)  # None: no value quoted; "" an empty cell
    reason = models.TextField()
    reason_en = models.TextField(blank=True)

    class Meta:
        ordering = ["batch", "seq"]
        verbose_name = _("import problem")
        indexes = [models.Index(fields=["batch", "severity", "seq"])]


class ChangeRecord(models.Model):
    """A value changed: who, when, old → new, and from which file or correction."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="changes")
    year = models.PositiveSmallIntegerField(null=True, blank=True)  # null: an enterprise field
    field = models.CharField(max_length=60)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    correction = models.ForeignKey(
        "Correction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


def evidence_path(instance: Correction, filename: str) -> str:
    """Where a correction's evidence file is kept under MEDIA_ROOT: one folder per file, so two
    firms' ``证明.pdf`` never meet and a name cannot be guessed from another's."""
    import uuid

    return f"corrections/{instance.enterprise.zone_id}/{uuid.uuid4().hex}/{filename}"


class Correction(models.Model):
    """An enterprise's request to change one of its values, decided by a zone administrator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="corrections")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60)
    current = models.TextField(blank=True)
    proposed = models.TextField()
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # An optional file backing the request (a certificate, a tax statement): pdf, jpg, png or xlsx,
    # checked by ``services.corrections.check_evidence``; read by whoever may see the correction.
    evidence = models.FileField(_("evidence file"), upload_to=evidence_path, max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted", "-id"]
