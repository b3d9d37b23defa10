"""The JSON API (django-ninja): same scoping as the pages; OpenAPI docs at /api/docs (signed in).

Every endpoint reads through ``accounts.scoping.visible`` (via ``api.common.scoped``): a row outside the
caller's scope does not exist for them (404, never 403). Callers authenticate with a bearer token
(machine clients: a bank's system, a zone's data warehouse) or with the browser session (the pages'
scripts, the docs page; CSRF required for unsafe methods) — see ``api.auth``. Errors are JSON
``{"detail": "..."}`` with 400 (bad parameters; ``errors`` lists each), 401, 403 or 404; a server error
is logged and answered with a 500 that shows no traceback.

Adding endpoints (e.g. the bank API of the finance app): write a ``Router`` in your app's ``api.py``
that reads through ``scoped(request, Model)`` and ``get_visible``, and add it below with
``api.add_router("/finance", router)``; authentication, error bodies and the docs come with it. A bank's
token is a token of a bank user, so everything it reads is scoped to that bank.
"""

from __future__ import annotations

import logging

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from gaoxin.web.api import enterprises, lists, me, scores
from gaoxin.web.api.auth import AUTH
from gaoxin.web.api.docs import LocalSwagger, signed_in
from gaoxin.web.benchmark.api import router as benchmark_router
from gaoxin.web.carriers.api import router as carriers_router
from gaoxin.web.command.api import router as command_router
from gaoxin.web.consent.api import router as consent_router
from gaoxin.web.cultivation.api import router as cultivation_router
from gaoxin.web.finance.api import router as finance_router
from gaoxin.web.green.api import router as green_router
from gaoxin.web.investment.api import router as investment_router
from gaoxin.web.platform.boundary import refusal
from gaoxin.web.policy.api import router as policy_router
from gaoxin.web.supervision.api import router as supervision_router

log = logging.getLogger("gaoxin.api")

DESCRIPTION = """\
Read the zone register, score runs, scores, explanations and published lists with the same scope as
the pages.

**Authentication**: `Authorization: Bearer <token>` (create a token on the *API tokens* page, /api/tokens/,
or with `manage.py gaoxin_token create <user>`), or a signed-in browser session (send `X-CSRFToken` for
unsafe methods).

**Conventions**: lists are pages `{total, limit, offset, items}` (`limit` ≤ 500); money is an exact
decimal string in 万元; scores are floats at full precision; an object outside your scope is 404.
"""


class Utf8JSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese names as text, not as escapes


api = NinjaAPI(
    title="gaoxin API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    docs=LocalSwagger(),
    docs_decorator=signed_in,  # the docs page and the schema only for a signed-in user or a token
    renderer=Utf8JSON(),
)

api.add_router("", me.router)
api.add_router("", enterprises.router)
api.add_router("", scores.router)
api.add_router("", lists.router)
api.add_router("/cultivation", cultivation_router)
api.add_router("/consent", consent_router)
api.add_router("/finance", finance_router)
api.add_router("/investment", investment_router)
api.add_router("/command", command_router)
api.add_router("/policy", policy_router)
api.add_router("/carriers", carriers_router)
api.add_router("/green", green_router)
api.add_router("/benchmark", benchmark_router)
api.add_router("/supervision", supervision_router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    message = exc.message
    if message == "Unauthorized":  # ninja's default: no credentials at all
        message = _("Authentication required: send 'Authorization: Bearer <token>' or sign in.")
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="gaoxin"'
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    detail = str(exc) if exc.args and exc.args[0] else _("Not found.")
    return api.create_response(request, {"detail": detail}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors
    ]
    where = "; ".join(f"{'.'.join(e['loc'][1:] or e['loc'])}: {e['msg']}" for e in errors)
    detail = _("Invalid request: %(errors)s") % {"errors": where}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    found = refusal(exc)  # a hostile value (huge id, 1e999, NUL, body over the limit): 400 / 413
    if found is not None:
        log.warning("API refused %s %s: %s: %s", request.method, request.path, type(exc).__name__, exc)
        return api.create_response(request, {"detail": found[1]}, status=found[0])
    log.exception("API error on %s %s", request.method, request.path)
    return api.create_response(
        request, {"detail": _("Server error: it has been logged. Please try again later.")}, status=500
    )
