"""The register's version per zone (``registry.services.versions``), the key of the cached figures over
a zone's register (issue 15 item 2: counting 384,000 certificates per page at 100,000 firms): it moves
with every way the register changes — an import's apply, a row saved or deleted one at a time — and
only for the zones changed; a rolled-back import leaves it as it was; and the cached tier counts follow
it (a certificate added by hand is counted at once) without one reader's scope leaking to another."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gaoxin.data.dataset import Dataset
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.cultivation import services as cultivation
from gaoxin.web.registry import services
from gaoxin.web.registry.models import AnnualReport, Enterprise, ImportBatch, Qualification, Zone
from gaoxin.web.registry.services.versions import latest_report_year, register_version, register_versions


def _reports(zone: Zone, revenue: float) -> Dataset:
    """A change of one firm's revenue in ``zone`` (its latest report), as an import brings it."""
    firm = Enterprise.objects.filter(zone=zone).order_by("uscc").first()
    year = firm.reports.order_by("-year").values_list("year", flat=True).first()
    return Dataset(
        enterprises=pl.DataFrame({"uscc": [firm.uscc]}),
        reports=pl.DataFrame({"uscc": [firm.uscc], "year": [year], "revenue": [revenue]}),
    )


def test_an_import_moves_the_version_of_its_zone_only(platform):
    a, b = platform.zone_a, platform.zone_b
    before = register_versions([a, b])
    batch = ImportBatch.objects.create(zone=a, file_name="x.csv", sha256="v" * 64)
    services.apply_dataset(_reports(a, 12345.6), batch, allowed_zones={a.code: a})
    after = register_versions([a, b])
    assert after[a.pk] != before[a.pk]
    assert after[b.pk] == before[b.pk]  # a change of values (no row added) moves its zone only
    assert register_version(a) == after[a.pk]


def test_a_rolled_back_import_leaves_the_version_as_it_was(platform):
    a = platform.zone_a
    before = register_version(a)
    batch = ImportBatch.objects.create(zone=a, file_name="x.csv", sha256="w" * 64)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.apply_dataset(_reports(a, 999.0), batch, allowed_zones={a.code: a})
        raise RuntimeError("the worker died before the commit")
    assert register_version(a) == before


def test_rows_saved_or_deleted_one_at_a_time_move_the_version(platform):
    a, b = platform.zone_a, platform.zone_b
    firm = Enterprise.objects.filter(zone=a).order_by("uscc").first()
    seen = {register_version(a)}

    def moved() -> bool:
        now = register_version(a)
        new = now not in seen
        seen.add(now)
        return new

    report = firm.reports.order_by("year").first()
    report.revenue = 1
    report.save(update_fields=["revenue"])  # what a decided correction does
    assert moved()
    q = Qualification.objects.create(
        enterprise=firm, kind="hightech", valid_from=dt.date(2001, 1, 1), valid_to=dt.date(2003, 12, 31)
    )
    assert moved()
    q.delete()
    assert moved()
    # a firm moved to the other zone by hand: both registers changed
    before_b = register_version(b)
    firm.zone = b
    firm.save()
    assert moved() and register_version(b) != before_b


def test_rows_added_by_a_bulk_write_move_the_version_without_a_bump(platform):
    """A writer that adds rows in bulk (no signals) and forgets ``versions.bump``: the last ids move."""
    a = platform.zone_a
    firm = Enterprise.objects.filter(zone=a).order_by("uscc").first()
    before = register_version(a)
    Qualification.objects.bulk_create(
        [
            Qualification(
                enterprise=firm, kind="gazelle", valid_from=dt.date(2002, 1, 1), valid_to=dt.date(2004, 1, 1)
            )
        ]
    )
    assert register_version(a) != before


def test_reading_the_versions_costs_the_same_for_one_zone_or_many(platform):
    zones = [platform.zone_a, platform.zone_b]
    with CaptureQueriesContext(connection) as one:
        register_versions(zones[:1])
    with CaptureQueriesContext(connection) as two:
        register_versions(zones)
    assert len(one.captured_queries) == len(two.captured_queries) == 1


def _held(zone: Zone) -> tuple[Enterprise, int]:
    """A firm of ``zone`` that holds no high-tech certificate at the end of the last complete year."""
    year = cultivation.last_complete_year()
    end = dt.date(year, 12, 31)
    holders = Qualification.objects.filter(kind="hightech", valid_from__lte=end, valid_to__gte=end)
    firm = (
        Enterprise.objects.filter(zone=zone)
        .exclude(pk__in=holders.values("enterprise"))
        .order_by("uscc")
        .first()
    )
    return firm, year


def test_cached_tier_counts_follow_a_certificate_added_by_hand(platform):
    zone = platform.zone_a
    scope = visible(platform.users["zone_admin"], Qualification)
    firm, year = _held(zone)
    first = cultivation.tier_counts(zone, [year], scope)[year]["hightech"]
    with CaptureQueriesContext(connection) as again:
        assert cultivation.tier_counts(zone, [year], scope)[year]["hightech"] == first
    assert not any("COUNT(" in q["sql"] for q in again.captured_queries)  # from the cache
    by_zone = cultivation.tier_counts_by_zone([zone, platform.zone_b], year, scope)
    assert by_zone[zone.pk]["hightech"] == first
    Qualification.objects.create(
        enterprise=firm, kind="hightech", valid_from=dt.date(year, 1, 1), valid_to=dt.date(year + 2, 12, 31)
    )
    assert cultivation.tier_counts(zone, [year], scope)[year]["hightech"] == first + 1
    by_zone = cultivation.tier_counts_by_zone([zone, platform.zone_b], year, scope)
    assert by_zone[zone.pk]["hightech"] == first + 1


def test_one_readers_cached_counts_are_not_another_readers(platform):
    """The zone administrator's counts are cached first; the firm's own user, who sees only its own
    certificates, gets counts of its own rows, not the cached figures of the whole zone."""
    zone = platform.zone_a
    year = cultivation.last_complete_year()
    admin = cultivation.tier_counts(zone, [year], visible(platform.users["zone_admin"], Qualification))
    user = platform.users["enterprise"]
    own = cultivation.tier_counts(zone, [year], visible(user, Qualification))
    end = dt.date(year, 12, 31)
    held = set(
        Qualification.objects.filter(
            enterprise_id=user.enterprise_id, valid_from__lte=end, valid_to__gte=end
        ).values_list("kind", flat=True)
    )
    assert own[year] == {t: int(t in held) for t in cultivation.TIERS}
    assert sum(admin[year].values()) > sum(own[year].values())


def test_the_cached_latest_report_year_follows_a_new_years_import(platform):
    """The investment and command pages' "latest report year" (a MAX over the zone's reports, 60 ms at
    100,000 firms) is read from the cache until the register changes: a report of a later year,
    imported, is the latest at once; a bank, which sees no zone's reports, gets none of the cached year."""
    zone = platform.zone_a
    admin = visible(platform.users["zone_admin"], AnnualReport)
    year = (
        AnnualReport.objects.filter(enterprise__zone=zone).order_by("-year").values_list("year", flat=True)[0]
    )
    assert latest_report_year(zone, admin) == year
    with CaptureQueriesContext(connection) as again:
        assert latest_report_year(zone, admin) == year
    assert not any("MAX(" in q["sql"] for q in again.captured_queries)  # from the cache
    assert latest_report_year(zone, visible(platform.users["bank"], AnnualReport)) is None

    firm = Enterprise.objects.filter(zone=zone).order_by("uscc").first()
    later = Dataset(
        enterprises=pl.DataFrame({"uscc": [firm.uscc]}),
        reports=pl.DataFrame({"uscc": [firm.uscc], "year": [year + 1], "revenue": [10.0]}),
    )
    batch = ImportBatch.objects.create(zone=zone, file_name="next.csv", sha256="y" * 64)
    services.apply_dataset(later, batch, allowed_zones={zone.code: zone})
    assert latest_report_year(zone, admin) == year + 1
