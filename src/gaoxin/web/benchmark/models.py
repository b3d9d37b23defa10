"""The benchmark app's tables: zone-year facts with their sources, imported national peer tables, and
the record of every upload.

- ``ZoneFacts``: one zone of the platform, one year: the value of each field of the zone model
  (``zone-eval-2021``) and, per field, where it came from — computed from the registry's firms
  (``gaoxin.benchmark.facts``, with how many firms reported it) or imported from the zone's 火炬统计
  return (file name, who, when).
- ``PeerTable``: a national peer table (the published figures of other zones, or the 火炬 return of
  each of them), imported by the platform administrator; rows are kept as imported (JSON), so the
  table a benchmark was made against can always be shown again.
- ``FactsImport``: one upload (facts or a peer table) and what came of it (``platform.bulk``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.web.platform.bulk import ImportRecord


class ZoneFacts(models.Model):
    zone = models.ForeignKey(
        "registry.Zone", verbose_name=_("zone"), on_delete=models.CASCADE, related_name="benchmark_facts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    values = models.JSONField(default=dict, blank=True)  # field id → number (or text for a text field)
    sources = models.JSONField(default=dict, blank=True)  # field id → where the value came from
    sources_en = models.JSONField(default=dict, blank=True)  # the same in English (the English switch)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["zone", "-year"]
        constraints = [models.UniqueConstraint(fields=["zone", "year"], name="benchmark_facts_zone_year")]
        verbose_name = _("zone facts")

    def __str__(self) -> str:
        return f"{self.zone} {self.year}"


class PeerTable(models.Model):
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    years = models.JSONField(default=list)  # the years the rows cover
    rows = models.JSONField(default=list)  # [{"id", "name", "year", <field>: value …}] as imported
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("peer table")

    def __str__(self) -> str:
        return self.title

    @property
    def zones(self) -> int:
        return len({r.get("id") for r in self.rows})


class FactsImport(ImportRecord):
    """One upload of zone facts or of a peer table (the shared import record of ``platform.bulk``)."""

    class Kind(models.TextChoices):
        FACTS = "facts", _("Zone facts")
        PEERS = "peers", _("Peer table")

    zone = models.ForeignKey(
        "registry.Zone", null=True, blank=True, on_delete=models.CASCADE, related_name="benchmark_imports"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta(ImportRecord.Meta):
        pass
