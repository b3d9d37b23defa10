"""The benchmark app's API (mounted at /api/benchmark); same scope as the pages.

- ``/standing``: a zone's rank for a year, overall and per dimension, against a peer set (``peers``:
  all, province, top with ``top``, named with ``named``; ``table``: a peer table id, 0 for none, the
  latest by default), with its rank interval (Monte Carlo over the weights, seeded) and the gap per
  indicator. Zone staff get their own zone whatever they ask; others name one they may see.
- ``/facts``: the zone's facts year by year, each value with its source.

Enterprises and banks get 403; a zone outside the caller's scope is a 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gaoxin.benchmark.peers import PeerError
from gaoxin.web.accounts.scoping import may
from gaoxin.web.api.common import ERRORS, scoped
from gaoxin.web.benchmark import services
from gaoxin.web.benchmark.models import PeerTable, ZoneFacts
from gaoxin.web.registry.models import Zone

router = Router(tags=["benchmark"])


class StandingOut(Schema):
    dimension: str
    name: str
    score: float | None = None
    rank: int | None = None
    of: int
    peer_median: float | None = None
    best: float | None = None


class GapOut(Schema):
    indicator: str
    name: str
    dimension: str
    value: float | None = None
    peer_value: float | None = None
    gap: float | None = None
    score: float | None = None
    peer_score: float | None = None
    at_stake: float | None = None


class IntervalOut(Schema):
    rank: int
    of: int
    median: int
    p05: int
    p95: int
    total: float
    total_p05: float
    total_p95: float
    samples: int
    weight_noise: float
    seed: int


class BenchOut(Schema):
    zone: str
    year: int
    model: str
    peers: str
    peer_count: int
    scored: int
    interval: IntervalOut
    standings: list[StandingOut]
    gaps: list[GapOut]


class FactsOut(Schema):
    zone: str
    year: int
    values: dict
    sources: dict


class BenchQuery(Schema):
    zone: str | None = None
    year: int | None = None  # default: the zone's latest year with facts
    peers: str = "all"
    top: int = 30
    named: str | None = None
    table: int | None = None


def _zone(request, code: str | None) -> Zone:
    if not may(request.user, "benchmark_view"):
        raise HttpError(403, "Not allowed.")
    user = request.user
    if user.is_zone_staff:
        return user.zone
    if not code:
        raise HttpError(400, "Name the zone (?zone=code).")
    zone = scoped(request, Zone).filter(code=code).first()
    if zone is None:
        raise Http404("Zone not found.")
    return zone


@router.get("/standing", response={200: BenchOut, **ERRORS}, summary="A zone's standing against its peers")
def standing(request, q: Query[BenchQuery]):
    zone = _zone(request, q.zone)
    if q.table is None:
        table = PeerTable.objects.order_by("-created", "-id").first()
    else:
        table = None if q.table == 0 else get_object_or_404(PeerTable, pk=q.table)
    year = q.year
    if year is None:
        year = (
            scoped(request, ZoneFacts)
            .filter(zone=zone)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if year is None:
            raise HttpError(404, "The zone has no facts yet.")
    try:
        b = services.benchmark(
            zone,
            year,
            q.peers,
            q.top,
            q.named,
            table,
            full=False,
            named_zones=None
            if request.user.is_platform_admin
            else set(scoped(request, Zone).values_list("code", flat=True)),
        )  # the API gives the zone's own standing; the ranking by name is on the page
    except services.NoFacts:
        raise HttpError(404, "The zone has no facts for that year.") from None
    except PeerError as exc:
        raise HttpError(400, str(exc)) from None
    iv = b.interval
    return {
        "zone": zone.code,
        "year": year,
        "model": services.MODEL_ID,
        "peers": b.peers.label,
        "peer_count": len(b.peers.ids),
        "scored": b.scored,
        "interval": {**iv.__dict__, "samples": b.samples, "weight_noise": b.noise, "seed": b.seed},
        "standings": [s.__dict__ for s in b.standings],
        "gaps": [{k: getattr(g, k) for k in GapOut.model_fields} for g in b.gaps],
    }


@router.get("/facts", response={200: list[FactsOut], **ERRORS}, summary="A zone's facts with their sources")
def facts(request, zone: str | None = None):
    z = _zone(request, zone)
    rows = scoped(request, ZoneFacts).filter(zone=z).order_by("year")
    return [{"zone": z.code, "year": r.year, "values": r.values, "sources": r.sources} for r in rows]
