"""The view helpers every app shares: authorise, download, paginate.

- ``require(user, action)``: a page the role has no business on is a 403 (``PermissionDenied``);
  ``require(user, ok=<condition>)`` for a condition that is not a registered action. Objects outside
  the user's scope are a 404 — that is ``get_object_or_404(visible(user, Model), pk=…)``, not this.
- ``download(content, filename, content_type=XLSX)``: an attachment with a safe (RFC 6266) name.
- ``paginate(request, items, per_page=PAGE_SIZE)``: the ``?page=`` page of a queryset or list
  (out-of-range and junk page numbers give the last/first page, never an error); ``pager.html`` shows it.
- ``int_or_none(value)``: a query-string number, or None.
- ``run_status_view(Model, progress)``: the JSON a run page's progress bar polls — the run, in the
  user's scope (404 outside it), as ``progress(run)``; ``newest_runs(qs, zone=, year=, status=)``: a
  list of runs filtered as the API's ``/runs`` endpoints are asked, newest first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from gaoxin.web.accounts.scoping import may, visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PAGE_SIZE = 50


def require(user, action: str = "view_zone", *, ok: bool | None = None) -> None:
    """403 unless ``user`` may do ``action`` (``scoping.may``) — or, given ``ok``, unless ``ok``."""
    allowed = may(user, action) if ok is None else ok
    if not allowed:
        raise PermissionDenied


def download(content: bytes | str, filename: str, content_type: str = XLSX) -> HttpResponse:
    """``content`` as an attachment named ``filename`` (any characters; encoded per RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The page of ``items`` that ``?page=`` asks for (``Paginator.get_page``: never an error)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def int_or_none(value) -> int | None:
    """``value`` as an int, or None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


YEARS = range(1900, 2101)  # the data years a page may be asked for; others are no year at all


def year_or_none(value) -> int | None:
    """``value`` as a data year (1900–2100), or None when it is missing, not a number or out of range
    (``?year=-1`` must not reach ``datetime.date``)."""
    year = int_or_none(value)
    return year if year in YEARS else None


def run_status_view(model, progress: Callable[..., dict]):
    """The ``run_status`` view of an app whose runs are background jobs (score runs, ladder
    assessments): zone staff poll ``progress(run)`` as JSON; a run outside their scope is a 404."""

    @login_required
    @require_GET
    def run_status(request, pk: int) -> JsonResponse:
        require(request.user, "view_zone")
        run = get_object_or_404(visible(request.user, model).select_related("job"), pk=pk)
        return JsonResponse(progress(run))

    return run_status


def newest_runs(qs, *, zone: str | None, year: int | None, status: str | None):
    """``qs`` (runs with a ``zone``, ``year``, ``status`` and ``created``) narrowed to the zone code,
    data year and status asked for (a filter not given is no filter), newest first."""
    if zone:
        qs = qs.filter(zone__code=zone)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created", "-id")
