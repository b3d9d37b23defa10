"""What every endpoint shares: scoped look-ups (outside scope is 404, never 403), pages, audit."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.api.schemas import Error
from gaoxin.web.registry.models import Enterprise

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# The error bodies every endpoint may answer with, for the OpenAPI schema.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error}


def scoped(request, model: type[Model] | QuerySet) -> QuerySet:
    """The rows of ``model`` the caller may read: ``scoping.visible``, the same as the pages."""
    return visible(request.user, model)


def get_visible(request, model: type[Model] | QuerySet, pk: int, what: str | None = None):
    """One row the caller may read, or 404: a row outside the caller's scope does not exist for them."""
    qs = scoped(request, model)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(what or _("Not found."))
    return found


def enterprise_or_404(request, enterprise_id: int) -> Enterprise:
    qs = scoped(request, Enterprise).select_related("zone")
    return get_visible(request, qs, enterprise_id, _("Enterprise not found."))


def page(qs: QuerySet, limit: int, offset: int) -> dict:
    """One page of ``qs`` with the total count: two queries whatever the page size."""
    total = qs.count()
    items = list(qs[offset : offset + limit]) if offset < total else []
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def audit_read(request, action: str, obj: Model, endpoint: str) -> None:
    """Record a read of one object's detailed data through the API (who, by token or session, what)."""
    detail = {"channel": "api", "via": getattr(request, "api_via", "session"), "endpoint": endpoint}
    if getattr(request, "api_token", None):
        detail["token"] = request.api_token
    audit(request, action, obj, **detail)
