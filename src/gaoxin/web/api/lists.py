"""Published lists (white-lists): a bank sees only the lists published to it; entries and a CSV file."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from gaoxin.web.accounts.models import Bank
from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, audit_read, get_visible, page, scoped
from gaoxin.web.api.schemas import ListEntryOut, Page, PublishedListOut
from gaoxin.web.credit.models import ListEntry, PublishedList, Score
from gaoxin.web.credit.services import list_export, run_model

router = Router(tags=["lists"])


def _lists(request):
    """Visible lists with what their schema shows, in a fixed number of queries."""
    return (
        scoped(request, PublishedList)
        .select_related("zone", "run")
        .prefetch_related(Prefetch("banks", queryset=scoped(request, Bank).order_by("name")))
        .annotate(n_entries=Count("entries", distinct=True))
    )


def _list(request, list_id: int) -> PublishedList:
    return get_visible(request, _lists(request), list_id, _("Published list not found."))


@router.get("/lists", response={200: Page[PublishedListOut], **ERRORS}, summary="Published lists")
def lists(
    request,
    zone: str | None = Query(None, description="zone code"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = _lists(request)
    if zone:
        qs = qs.filter(zone__code=zone)
    return page(qs.order_by("-created", "-id"), limit, offset)


@router.get("/lists/{list_id}", response={200: PublishedListOut, **ERRORS}, summary="One published list")
def published_list(request, list_id: int):
    return _list(request, list_id)


def _entries(request, found: PublishedList):
    return (
        scoped(request, ListEntry)
        .filter(published_list=found)
        .select_related("enterprise", "score")
        .order_by("position")
    )


@router.get(
    "/lists/{list_id}/entries",
    response={200: Page[ListEntryOut], **ERRORS},
    summary="The entries of a published list, in order",
)
def entries(
    request,
    list_id: int,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    found = _list(request, list_id)
    audit_read(request, "view_list", found, "entries")
    return page(_entries(request, found), limit, offset)


CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "the list as CSV: Chinese headers, UTF-8 with BOM, for Excel",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/lists/{list_id}/csv",
    response={200: None, **ERRORS},
    openapi_extra=CSV_RESPONSE,
    summary="Download a published list as CSV",
)
def list_csv(request, list_id: int):
    """The same file as the list page's CSV download (``credit.services.list_export``)."""
    found = _list(request, list_id)
    content = list_export(found, run_model(found.run), scoped(request, Score), "csv")
    audit_read(request, "export", found, "csv")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="list-{found.zone.code}-{found.pk}.csv"'
    return response
