"""Supervision above the zone: the aggregates of the zones under a region, and region-level lists.

Every read goes through ``accounts.scoping``: ``visible`` for what a supervisor may read row by row
(zones, runs, published lists), ``covered`` for what it may only count (the firms, their scores,
qualifications and loans in zones that keep firm details to themselves). The numbers come from the
apps that own them (cultivation's tier counts, finance's loan statistics and pool states, command's
target views, benchmark's ranking of the zones); nothing is re-computed here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max

from gaoxin.finance import stats as finance_stats
from gaoxin.web.accounts.scoping import audit, can_write, covered, visible
from gaoxin.web.credit.models import ListEntry, PublishedList, Score, ScoreRun
from gaoxin.web.cultivation.services import last_complete_year, tier_counts_by_zone
from gaoxin.web.finance.models import Application, Product
from gaoxin.web.finance.services import core_loans_by_zone
from gaoxin.web.finance.services import pools as pool_views
from gaoxin.web.platform.caching import remember
from gaoxin.web.registry.models import Enterprise, ImportBatch, Qualification, Region, Zone
from gaoxin.web.supervision.models import RegionalEntry, RegionalList


class SupervisionError(ValueError):
    """A request refused, with the reason in the reader's language."""


@dataclass
class ZoneFigures:
    zone: Zone
    firms: int = 0
    run: ScoreRun | None = None
    scored: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)  # the model's lists (e.g. leaders) → firms
    published: int = 0  # white-lists the zone published
    listed: int = 0  # firms on them
    last_import: object = None
    tiers: dict[str, int] = field(default_factory=dict)
    loans: object = None  # finance.stats.Statistics
    pools: list = field(default_factory=list)  # finance.services.PoolView
    details_open: bool = False
    bench: ZoneStanding | None = None  # the benchmark app's result, when the zone has facts


@dataclass
class ZoneStanding:
    """A zone's benchmarking result as ``benchmark.services.benchmark`` computed it (nothing re-derived)."""

    year: int
    rank: int
    of: int  # zones scored together (the platform's and the peer table's)
    p05: int  # the 90 % rank interval over the sampled weightings
    p95: int
    total: float
    table: str  # the peer table's title, or "" for the platform's zones alone


def _latest_runs(user, zones) -> dict[int, ScoreRun]:
    runs = (
        visible(user, ScoreRun)
        .filter(zone__in=zones, status=ScoreRun.Status.DONE)
        .order_by("zone", "-year", "-id")
    )
    latest: dict[int, ScoreRun] = {}
    for run in runs.only("pk", "zone_id", "year", "model_name", "scored", "finished"):
        latest.setdefault(run.zone_id, run)
    return latest


def _grouped(qs, key: str, by: str) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for row in qs.order_by().values(key, by).annotate(n=Count("pk")):
        if row[by]:
            out.setdefault(row[key], {})[row[by]] = row["n"]
    return out


def overview(user) -> list[ZoneFigures]:
    """One row of figures per zone the user supervises (a supervisor's region; all for the system
    administrator), in zone-code order."""
    zones = list(visible(user, Zone).order_by("code"))
    if not zones:
        return []
    ids = [z.pk for z in zones]
    rows = {z.pk: ZoneFigures(z, details_open=z.details_to_supervisors) for z in zones}
    firms = covered(user, Enterprise).filter(zone__in=ids).order_by().values("zone").annotate(n=Count("pk"))
    for r in firms:
        rows[r["zone"]].firms = r["n"]
    latest = _latest_runs(user, ids)
    for zone_id, by_name in _score_counts(covered(user, Score), list(latest.values())).items():
        for name, counts in by_name.items():
            setattr(rows[zone_id], name, dict(sorted(counts.items())))
    for zone_id, run in latest.items():
        rows[zone_id].run, rows[zone_id].scored = run, run.scored
    lists = (
        visible(user, PublishedList).filter(zone__in=ids).order_by().values("zone").annotate(n=Count("pk"))
    )
    for r in lists:
        rows[r["zone"]].published = r["n"]
    listed = (
        visible(user, ListEntry)
        .filter(published_list__zone__in=ids)
        .order_by()
        .values("published_list__zone")
        .annotate(n=Count("enterprise", distinct=True))
    )
    for r in listed:
        rows[r["published_list__zone"]].listed = r["n"]
    imports = (
        visible(user, ImportBatch)
        .filter(zone__in=ids, status=ImportBatch.Status.APPLIED)
        .order_by()
        .values("zone")
        .annotate(last=Max("created"))
    )
    for r in imports:
        rows[r["zone"]].last_import = r["last"]
    for zone_id, standing in standings(user, zones).items():
        rows[zone_id].bench = standing
    year = last_complete_year()
    quals = covered(user, Qualification)
    applications = covered(user, Application)
    products = covered(user, Product)
    tiers = tier_counts_by_zone(zones, year, qualifications=quals)  # one query for all the zones
    region_apps = applications.filter(product__zone__in=ids)
    loans = core_loans_by_zone(region_apps)
    # A pool covers products of its own zone only (``finance.services.save_product``), and its state
    # reads only the loans of the products it covers: the region's pools in one call are each zone's.
    pools_by_zone: dict[int, list] = {}
    for view in pool_views(products.filter(zone__in=ids), region_apps):
        pools_by_zone.setdefault(view.pool.zone_id, []).append(view)
    for zone in zones:
        row = rows[zone.pk]
        row.tiers = tiers[zone.pk]
        row.loans = finance_stats.statistics(loans.get(zone.pk, []))
        row.pools = pools_by_zone.get(zone.pk, [])
    return [rows[i] for i in ids]


def _score_counts(scores, runs: list[ScoreRun]) -> dict[int, dict[str, dict[str, int]]]:
    """Per zone, the scores of ``runs`` (finished runs) counted by grade, by stage and by the model's
    list, from one grouped query (zone, grade, stage, list) summed three ways; an empty grade, stage or
    list is not counted. A finished run's scores never change: the counts are kept in the cache per
    runs and scope."""
    scores = scores.filter(run__in=[r.pk for r in runs])
    parts = [(r.pk, r.finished) for r in runs]
    return remember("supervision:score-counts", parts, lambda: _count_scores(scores), scope=scores)


def _count_scores(scores) -> dict[int, dict[str, dict[str, int]]]:
    out: dict[int, dict[str, dict[str, int]]] = {}
    rows = scores.order_by().values("run__zone", "grade", "stage", "list").annotate(n=Count("pk"))
    for row in rows:
        mine = out.setdefault(row["run__zone"], {"grades": {}, "stages": {}, "lists": {}})
        for name, by in (("grades", "grade"), ("stages", "stage"), ("lists", "list")):
            if row[by]:
                mine[name][row[by]] = mine[name].get(row[by], 0) + row["n"]
    return out


def standings(user, zones: list[Zone]) -> dict[int, ZoneStanding]:
    """The benchmarking of ``zones`` (those the user may see): each zone with facts, in its latest year
    of facts, ranked by the benchmark app (``benchmark.services.benchmark``: the zone model over every
    zone with facts and the latest national peer table, the same defaults as the benchmark page). One
    evaluation per year gives the ranking of all its zones; only the user's zones are kept."""
    from gaoxin.web.benchmark import services as benchmarking
    from gaoxin.web.benchmark.models import PeerTable, ZoneFacts

    by_zone = {z.pk: z for z in zones}
    latest = (
        visible(user, ZoneFacts)
        .filter(zone__in=list(by_zone))
        .order_by()
        .values("zone")
        .annotate(year=Max("year"))
    )
    years: dict[int, list[Zone]] = {}
    for r in latest:
        years.setdefault(r["year"], []).append(by_zone[r["zone"]])
    if not years:
        return {}
    table = PeerTable.objects.order_by("-created", "-id").first()
    codes = {z.code: z.pk for z in zones}
    out: dict[int, ZoneStanding] = {}
    for year, members in sorted(years.items()):
        anchor = min(members, key=lambda z: z.code)
        try:
            result = benchmarking.benchmark(anchor, year, table=table, full=True, named_zones=set(codes))
        except benchmarking.NoFacts:
            continue
        for r in result.ranking:
            if r["source"] == "platform" and r["id"] in codes and by_zone[codes[r["id"]]] in members:
                out[codes[r["id"]]] = ZoneStanding(
                    year=year,
                    rank=r["rank"],
                    of=result.scored,
                    p05=r["p05"],
                    p95=r["p95"],
                    total=r["total"],
                    table=table.title if table is not None else "",
                )
    return out


def totals(rows: list[ZoneFigures]) -> dict:
    """The region's totals over its zones (sums of the zones' figures, nothing re-derived)."""
    out = {
        "zones": len(rows),
        "firms": 0,
        "scored": 0,
        "published": 0,
        "listed": 0,
        "grades": {},
        "tiers": {},
    }
    approved = disbursed = outstanding = defaulted = 0
    for r in rows:
        out["firms"] += r.firms
        out["scored"] += r.scored
        out["published"] += r.published
        out["listed"] += r.listed
        for g, n in r.grades.items():
            out["grades"][g] = out["grades"].get(g, 0) + n
        for t, n in r.tiers.items():
            out["tiers"][t] = out["tiers"].get(t, 0) + n
        if r.loans is not None:
            approved += r.loans.total.approved
            disbursed += r.loans.total.disbursed
            outstanding += r.loans.total.outstanding
            defaulted += r.loans.total.defaulted
    out["grades"] = dict(sorted(out["grades"].items()))
    out.update(approved=approved, disbursed=disbursed, outstanding=outstanding, defaulted=defaulted)
    return out


# --- region-level white-lists ----------------------------------------------------------------------


def publishable(user):
    """The zones' published lists a supervisor may unite (those of the zones under its region)."""
    return visible(user, PublishedList).select_related("zone", "run").order_by("zone__code", "-created")


def _entry_rows(user, sources: list[PublishedList]) -> list[dict]:
    """Each firm once, in zone order then in its list's order (the first chosen list of a zone wins)."""
    order = {s.pk: i for i, s in enumerate(sources)}
    entries = (
        covered(user, ListEntry)
        .filter(published_list__in=sources)
        .select_related("enterprise", "score", "published_list__zone", "published_list__run")
    )
    chosen: dict[int, ListEntry] = {}
    for e in sorted(
        entries, key=lambda e: (e.published_list.zone.code, order[e.published_list_id], e.position)
    ):
        chosen.setdefault(e.enterprise_id, e)
    rows = []
    for i, e in enumerate(chosen.values(), start=1):
        zone, run, s = e.published_list.zone, e.published_list.run, e.score
        rows.append(
            {
                "position": i,
                "enterprise_id": e.enterprise_id,
                "source_id": e.published_list_id,
                "uscc": e.enterprise.uscc,
                "name": e.enterprise.name,
                "zone_code": zone.code,
                "zone_name": zone.name,
                "stage": s.stage,
                "total": s.total,
                "rank": s.rank,
                "grade": s.grade,
                "list": s.list,
                "year": run.year,
                "model_name": run.model_name,
            }
        )
    return rows


def _digest(rows: list[dict]) -> str:
    canonical = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def publish_regional(request, *, region: Region, title: str, sources, banks) -> RegionalList:
    """Publish the union of ``sources`` (zones' published lists) to ``banks`` as ``region``'s list."""
    from django.utils.translation import gettext as _

    user = request.user
    draft = RegionalList(region=region, title=title)
    if not can_write(user, draft):
        raise SupervisionError(
            _("Only the supervisor of %(region)s publishes its lists.") % {"region": region}
        )
    allowed = set(publishable(user).values_list("pk", flat=True))
    sources = list(sources)
    if not sources:
        raise SupervisionError(_("Choose at least one zone list."))
    if any(s.pk not in allowed for s in sources):
        raise SupervisionError(_("A chosen list is not one of the zones under your region."))
    banks = list(banks)
    if not banks:
        raise SupervisionError(_("Choose at least one bank."))
    rows = _entry_rows(user, sources)
    draft.entries_count, draft.sha256, draft.created_by = len(rows), _digest(rows), user
    draft.save()
    draft.sources.set(sources)
    draft.banks.set(banks)
    RegionalEntry.objects.bulk_create(RegionalEntry(regional_list=draft, **row) for row in rows)
    audit(
        request,
        "regional_publish",
        draft,
        title=title,
        region=region.code,
        zones=sorted({s.zone.code for s in sources}),
        lists=[s.pk for s in sources],
        banks=[b.code for b in banks],
        entries=len(rows),
        sha256=draft.sha256,
    )
    return draft


@transaction.atomic
def set_zone_rule(request, zone: Zone, details_to_supervisors: bool) -> None:
    """The zone administrator's rule: whether the supervisors above see its firms' details."""
    Zone.objects.filter(pk=zone.pk).update(details_to_supervisors=details_to_supervisors)
    zone.details_to_supervisors = details_to_supervisors
    audit(request, "zone_rule_supervisors", zone, details_to_supervisors=details_to_supervisors)
