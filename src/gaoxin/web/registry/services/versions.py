"""The register's version per zone: the key of every cached figure over a zone's register.

``register_version(zone)`` changes whenever the zone's firms, reports or certificates do. Its parts:
the zone's ``RegisterVersion`` counter, moved by every import's apply (in the import's transaction, for
every zone it wrote to) and by every row saved or deleted one at a time (a correction decided, a
certificate added by hand, the admin); and the last id of the firms, reports and certificates tables,
which any insert moves whatever path it took (a bulk write that forgot to ``bump`` included). Read in
one query for any number of zones (the supervision page's), each part on an index, whatever the size
of the register. An insert anywhere moves every zone's version: imports are rare, pages many.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Max, OuterRef, QuerySet, Subquery

from gaoxin.web.platform.caching import remember
from gaoxin.web.registry.models import (
    AnnualReport,
    Enterprise,
    Qualification,
    RegisterVersion,
    Zone,
)


def bump(zone_ids: Iterable[int]) -> None:
    """Move the version of each zone in ``zone_ids`` (inside the caller's transaction, if any: a
    rolled-back import leaves the version as it was, like the register)."""
    ids = sorted({int(pk) for pk in zone_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():  # a counter row per zone (made at 0 the first time), then each moved
        RegisterVersion.objects.bulk_create(
            [RegisterVersion(zone_id=pk) for pk in ids], ignore_conflicts=True
        )
        RegisterVersion.objects.filter(zone_id__in=ids).update(n=F("n") + 1)


def register_versions(zones: Iterable[Zone | int]) -> dict[int, str]:
    """Zone id → its register version (see the module docstring), in one query for any number of zones."""
    ids = sorted({z if isinstance(z, int) else z.pk for z in zones})

    def last(model) -> Subquery:  # uncorrelated: evaluated once per query, on the primary key's index
        return Subquery(model.objects.order_by("-pk").values("pk")[:1])

    rows = (
        Zone.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            n=Subquery(RegisterVersion.objects.filter(zone=OuterRef("pk")).values("n")[:1]),
            firms=last(Enterprise),
            reports=last(AnnualReport),
            certificates=last(Qualification),
        )
        .values_list("pk", "n", "firms", "reports", "certificates")
    )
    found = {pk: ".".join(str(x or 0) for x in rest) for pk, *rest in rows}
    return {pk: found.get(pk, "0") for pk in ids}


def register_version(zone: Zone | int) -> str:
    """The version of one zone's register (``register_versions`` of one zone, or of its id)."""
    pk = zone if isinstance(zone, int) else zone.pk
    return register_versions([pk])[pk]


def latest_report_year(zone: Zone, reports: QuerySet | None = None) -> int | None:
    """The last year of the zone's annual reports (``reports``: the reader's visible ones), kept under
    the register version: a MAX over the zone's reports joined to its firms takes 60 ms at 100,000
    firms on PostgreSQL, and the investment and command pages ask for it on every view."""
    rows = (reports if reports is not None else AnnualReport.objects.all()).filter(enterprise__zone=zone)
    year = remember(
        "registry:latest_report_year",
        [zone.pk, register_version(zone)],
        lambda: [rows.aggregate(y=Max("year"))["y"]],  # a list: a zone without reports is kept too
        scope=rows,
    )
    return year[0]


# --- rows saved or deleted one at a time move their zone's version ---------------------------------


def _zone_of(instance) -> int | None:
    if isinstance(instance, Enterprise):
        return instance.zone_id
    enterprise_id = getattr(instance, "enterprise_id", None)
    if enterprise_id is None:
        return None
    return Enterprise.objects.filter(pk=enterprise_id).values_list("zone_id", flat=True).first()


def _moved(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the fixture's versions come with it
    bump([_zone_of(instance)])


def _enterprise_leaving(sender, instance, **kwargs) -> None:
    """Before a firm is saved one at a time: the zone it is stored in (it may be leaving it)."""
    if instance.pk is not None and not kwargs.get("raw"):
        instance._stored_zone = (
            Enterprise.objects.filter(pk=instance.pk).values_list("zone_id", flat=True).first()
        )


def _enterprise_moved(sender, instance, **kwargs) -> None:
    """A firm saved one at a time (a correction, the admin): its zone, and the zone it left."""
    if kwargs.get("raw"):
        return
    bump([instance.zone_id, getattr(instance, "_stored_zone", None)])


def connect() -> None:
    """Called once from ``RegistryConfig.ready``."""
    from django.db.models.signals import post_delete, post_save, pre_save

    for model in (AnnualReport, Qualification):
        post_save.connect(_moved, sender=model, dispatch_uid=f"registry-version-save-{model.__name__}")
        post_delete.connect(_moved, sender=model, dispatch_uid=f"registry-version-delete-{model.__name__}")
    pre_save.connect(_enterprise_leaving, sender=Enterprise, dispatch_uid="registry-version-pre-Enterprise")
    post_save.connect(_enterprise_moved, sender=Enterprise, dispatch_uid="registry-version-save-Enterprise")
    post_delete.connect(_moved, sender=Enterprise, dispatch_uid="registry-version-delete-Enterprise")
