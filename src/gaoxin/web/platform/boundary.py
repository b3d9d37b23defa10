"""The request boundary: a hostile value is the caller's mistake (400 / 413), never a server error.

Fuzzing the pages and the API (issue 18) found 52 server errors of a few kinds, all of them a value no
form or schema had bounded: an id or filter of 23 digits (``OverflowError`` from SQLite, "integer out
of range" from PostgreSQL), a 10,000-digit or ``1e999`` amount (``decimal.InvalidOperation``), a date
``9999-12-31`` plus a day (``OverflowError``), a NUL byte (PostgreSQL refuses it in text), a value
longer than its column (PostgreSQL's ``DataError``), a JSON body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

Apps still validate their own inputs with messages of their own; this is the net under them, in one
place, for every page (``BoundaryMiddleware``) and every API operation (``gaoxin.web.api.api``'s
handlers call ``refusal``): a query string with a control character is refused before any view runs,
and the exceptions above, raised while handling a request, become a 400 naming the problem (413 for a
body over the limit). Anything else still is a 500 with a logged traceback. A signed-in user's pages,
every download and every API answer are also marked ``Cache-Control: no-store`` (unless the view set
its own), so no proxy or shared browser keeps a firm's profile or an export. While the request is
handled, its client IP is the current one (``platform.origin``): a job it enqueues and an audit entry
written with a user rather than the request carry it.
"""

from __future__ import annotations

import decimal
import logging
import re

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from gaoxin.io.limits import LimitError
from gaoxin.web.platform.origin import acting_for

log = logging.getLogger("gaoxin.boundary")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refusal(exc: BaseException) -> tuple[int, str] | None:
    """(status, message) when ``exc`` is a bad value of the caller's, else None."""
    if isinstance(exc, RequestDataTooBig):
        return 413, _("The request is too large.")
    if isinstance(exc, LimitError):  # a file over one of gaoxin.io.limits: its own words, naming the limit
        return 413, exc.zh
    if isinstance(exc, OverflowError | decimal.InvalidOperation | decimal.Overflow):
        return 400, _("A number or date in the request is out of range.")
    if isinstance(exc, DataError):
        return 400, _("A value in the request is out of range or too long.")
    if isinstance(exc, ValueError) and "NUL" in str(exc):  # psycopg: "cannot contain NUL (0x00)"
        return 400, _("The request contains a control character.")
    return None


def bad_query(request) -> str | None:
    """Why the query string cannot be read as the user meant it (a control character), or None."""
    for key, values in request.GET.lists():
        if _CONTROL.search(key) or any(_CONTROL.search(v) for v in values):
            return _("The request contains a control character.")
    return None


class BoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        why = bad_query(request)
        if why:
            return _answer(request, 400, why)
        with acting_for(request.META.get("REMOTE_ADDR")):
            response = self.get_response(request)
        private = getattr(getattr(request, "user", None), "is_authenticated", False)
        download = "attachment" in response.get("Content-Disposition", "")
        if (private or download or request.path.startswith("/api/")) and not response.has_header(
            "Cache-Control"
        ):
            add_never_cache_headers(response)  # scoped data, exports, API answers: never kept by a cache
        return response

    def process_exception(self, request, exc):
        found = refusal(exc)
        if found is None:
            return None
        log.warning("refused %s %s: %s: %s", request.method, request.path, type(exc).__name__, exc)
        return _answer(request, *found)


def _answer(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
