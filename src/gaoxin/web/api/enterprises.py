"""Zones, enterprises, their annual reports and qualifications."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from gaoxin.data.dictionary import TECH_FIELDS
from gaoxin.web.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    audit_read,
    enterprise_or_404,
    get_visible,
    page,
    scoped,
)
from gaoxin.web.api.schemas import (
    AnnualReportOut,
    EnterpriseDetailOut,
    EnterpriseOut,
    Page,
    QualificationOut,
    ZoneOut,
)
from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification, Zone

router = Router(tags=["registry"])


@router.get("/zones", response={200: list[ZoneOut], **ERRORS}, summary="Zones the caller may see")
def zones(request):
    return list(scoped(request, Zone).order_by("code"))


@router.get("/zones/{zone_id}", response={200: ZoneOut, **ERRORS}, summary="One zone")
def zone(request, zone_id: int):
    return get_visible(request, Zone, zone_id, _("Zone not found."))


@router.get("/enterprises", response={200: Page[EnterpriseOut], **ERRORS}, summary="Enterprises, filtered")
def enterprises(
    request,
    zone: str | None = Query(None, description="zone code, e.g. Z001"),
    tech_field: str | None = Query(
        None, description="high-tech field (高新技术领域), one of the dictionary's"
    ),
    search: str | None = Query(None, description="part of the name, or the start of the USCC"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = scoped(request, Enterprise).select_related("zone")
    if zone:
        qs = qs.filter(zone__code=zone)
    if tech_field:
        if tech_field not in TECH_FIELDS:
            raise HttpError(
                400,
                _('Unknown tech_field "%(value)s"; choose one of: %(choices)s')
                % {"value": tech_field, "choices": "、".join(TECH_FIELDS)},
            )
        qs = qs.filter(tech_field=tech_field)
    if search and search.strip():
        term = search.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(uscc__istartswith=term))
    return page(qs.order_by("zone__code", "name", "pk"), limit, offset)


@router.get(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseDetailOut, **ERRORS},
    summary="One enterprise with its registry fields",
)
def enterprise(request, enterprise_id: int):
    found = enterprise_or_404(request, enterprise_id)
    audit_read(request, "view_enterprise", found, "enterprise")
    return found


@router.get(
    "/enterprises/{enterprise_id}/reports",
    response={200: list[AnnualReportOut], **ERRORS},
    summary="An enterprise's annual reports (money: exact decimal strings in 万元)",
)
def reports(request, enterprise_id: int, year: int | None = None):
    found = enterprise_or_404(request, enterprise_id)
    qs = scoped(request, AnnualReport).filter(enterprise=found).order_by("year")
    if year is not None:
        qs = qs.filter(year=year)
    audit_read(request, "view_enterprise", found, "reports")
    return list(qs)


@router.get(
    "/enterprises/{enterprise_id}/qualifications",
    response={200: list[QualificationOut], **ERRORS},
    summary="An enterprise's qualifications (资质)",
)
def qualifications(request, enterprise_id: int):
    found = enterprise_or_404(request, enterprise_id)
    qs = scoped(request, Qualification).filter(enterprise=found).order_by("kind", "valid_from")
    audit_read(request, "view_enterprise", found, "qualifications")
    return list(qs)
