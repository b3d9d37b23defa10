"""The green app's API (mounted at /api/green); same scope as the pages (``api.common.scoped``).

- ``/zones``: each zone the caller may see as zone staff, year by year: energy (tce), value added,
  intensity (tce per 10,000 yuan of value added), non-fossil and renewable shares, CO₂; with the sets
  in use. Enterprises and banks get 403.
- ``/figures``: firms' figures (whole years; ``month`` for months), each with the coefficient set and
  emission-factor set it was computed with; an enterprise sees its own, a bank none.
- ``/lists`` and ``/lists/{id}``: green lists; a bank sees those published to it, with their frozen
  entries.

Numbers are exact decimal strings; a row outside the caller's scope is a 404.
"""

from __future__ import annotations

from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from gaoxin.web.accounts.scoping import may
from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, get_visible, page, scoped
from gaoxin.web.api.schemas import DecimalString, Page, ZoneRef
from gaoxin.web.green import services
from gaoxin.web.green.models import Figure, GreenList
from gaoxin.web.registry.models import Zone

router = Router(tags=["green"])


class YearOut(Schema):
    year: int
    firms: int
    energy_tce: DecimalString
    value_added: DecimalString
    intensity: DecimalString | None = None
    non_fossil_share: DecimalString | None = None
    renewable_share: DecimalString | None = None
    co2_t: DecimalString | None = None
    carbon_per_tce: DecimalString | None = None


class ZoneOut(Schema):
    zone: ZoneRef
    coefficients: str
    emissions: str
    years: list[YearOut]


class FirmRef(Schema):
    id: int
    uscc: str
    name: str


class FigureOut(Schema):
    id: int
    enterprise: FirmRef
    year: int
    month: int | None = None
    set_ref: str
    basis: str
    emissions_ref: str
    total_tce: DecimalString
    feedstock_tce: DecimalString
    value_added: DecimalString | None = None
    intensity_va: DecimalString | None = None
    intensity_output: DecimalString | None = None
    non_fossil_share: DecimalString | None = None
    renewable_share: DecimalString | None = None
    co2_t: DecimalString | None = None
    carbon_per_tce: DecimalString | None = None
    position: str


class ListOut(Schema):
    id: int
    zone: ZoneRef
    year: int
    title: str
    criteria: dict
    set_ref: str
    created: str


class EntryOut(Schema):
    position: int
    enterprise: FirmRef
    values: dict


class ListDetailOut(ListOut):
    entries: list[EntryOut]


def _q(x: Decimal | None, places: str = "0.0000000001") -> Decimal | None:
    return None if x is None else x.quantize(Decimal(places))


@router.get("/zones", response={200: list[ZoneOut], **ERRORS}, summary="The zones' green roll-up by year")
def zones(request, zone: str | None = Query(None, description="zone code")):
    if not may(request.user, "green_view"):
        raise HttpError(403, "zone staff only")
    qs = scoped(request, Zone).order_by("code")
    if zone:
        qs = qs.filter(code=zone)
    out = []
    for z in qs:
        choice = services.ensure_sets(z)
        series = services.zone_series(z, scoped(request, Figure))
        out.append(
            {
                "zone": z,
                "coefficients": choice.coefficients.ref,
                "emissions": choice.emissions.ref,
                "years": [
                    {
                        "year": y,
                        "firms": s.firms,
                        "energy_tce": _q(s.energy_tce, "0.000001"),
                        "value_added": s.value_added,
                        "intensity": _q(s.intensity),
                        "non_fossil_share": _q(s.non_fossil_share),
                        "renewable_share": _q(s.renewable_share),
                        "co2_t": _q(s.co2_t, "0.000001"),
                        "carbon_per_tce": _q(s.carbon_per_tce),
                    }
                    for y, s in series.items()
                ],
            }
        )
    return out


def _figure_out(f: Figure) -> dict:
    return {
        "id": f.pk,
        "enterprise": f.enterprise,
        "year": f.year,
        "month": f.month or None,
        **{
            k: getattr(f, k)
            for k in (
                "set_ref",
                "basis",
                "emissions_ref",
                "total_tce",
                "feedstock_tce",
                "value_added",
                "intensity_va",
                "intensity_output",
                "non_fossil_share",
                "renewable_share",
                "co2_t",
                "carbon_per_tce",
                "position",
            )
        },
    }


@router.get("/figures", response={200: Page[FigureOut], **ERRORS}, summary="Firms' green figures")
def figures(
    request,
    year: int | None = None,
    monthly: bool = False,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = scoped(request, Figure).select_related("enterprise").order_by("enterprise__uscc", "year", "month")
    qs = qs.exclude(month=0) if monthly else qs.filter(month=0)
    if year:
        qs = qs.filter(year=year)
    result = page(qs, limit, offset)
    result["items"] = [_figure_out(f) for f in result["items"]]
    return result


@router.get("/figures/{figure_id}", response={200: FigureOut, **ERRORS}, summary="One figure")
def figure(request, figure_id: int):
    return _figure_out(get_visible(request, scoped(request, Figure).select_related("enterprise"), figure_id))


def _list_out(g: GreenList) -> dict:
    return {
        "id": g.pk,
        "zone": g.zone,
        "year": g.year,
        "title": g.title,
        "criteria": g.criteria,
        "set_ref": g.set_ref,
        "created": g.created.isoformat(),
    }


@router.get("/lists", response={200: list[ListOut], **ERRORS}, summary="Green lists")
def lists(request):
    return [_list_out(g) for g in scoped(request, GreenList).select_related("zone")]


@router.get("/lists/{list_id}", response={200: ListDetailOut, **ERRORS}, summary="One green list")
def green_list(request, list_id: int):
    g = get_visible(request, scoped(request, GreenList).select_related("zone"), list_id)
    entries = [
        {"position": e.position, "enterprise": e.enterprise, "values": e.values}
        for e in g.entries.select_related("enterprise")
    ]
    return {**_list_out(g), "entries": entries}
