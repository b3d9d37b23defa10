"""The OpenAPI page at /api/docs, offline: Swagger UI from the files the django-ninja wheel ships.

django-ninja renders its docs page from a CDN unless ``"ninja"`` is in ``INSTALLED_APPS``; the site
allows no CDN. Rather than installing ninja as a Django app (its templates and static files would then
come through the app loaders), this renderer uses our own template and serves the four Swagger UI
files from the installed ninja package at /api/docs/assets/<name>: the page works on an offline laptop
and needs nothing from collectstatic. The page has no inline script (settings travel as JSON, read by
ninja's own ``swagger-ui-init.js``) and sends the CSRF token, so "Try it out" works for a signed-in
user and with a bearer token ("Authorize").

The page and the schema (/api/openapi.json) are for the API's callers (issue 18, item 10): ``signed_in``
lets a signed-in user or a valid bearer token through, sends the anonymous visitor of the page to sign in
and answers the schema's anonymous caller 401, as every operation does. The four asset files stay open
(Swagger UI as shipped in the ninja wheel; nothing of gaoxin's).
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path

import ninja
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.errors import AuthenticationError
from ninja.openapi.docs import DocsBase
from ninja.openapi.views import openapi_view

from gaoxin.web.api.auth import TokenAuth

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.svg", "favicon.png")


def _key(name: str) -> str:
    return name.replace("-", "_").replace(".", "_")


class LocalSwagger(DocsBase):
    settings = {"layout": "BaseLayout", "deepLinking": True, "persistAuthorization": False}

    def render_page(self, request, api, **kwargs):
        context = {
            "title": api.title,
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
            "assets": {_key(name): reverse("api_pages:docs_asset", args=[name]) for name in ASSETS},
        }
        return render(request, "api/docs.html", context)


def signed_in(view):
    """ninja's ``docs_decorator``: the docs page and the schema for a signed-in user or a token only."""
    page = getattr(view, "func", view) is openapi_view

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            by_token = TokenAuth()(request) is not None  # a wrong token is refused, not ignored
        except AuthenticationError as exc:
            return _unauthenticated(exc.message)
        user = getattr(request, "user", None)
        if by_token or (user is not None and user.is_authenticated and user.is_active):
            return view(request, *args, **kwargs)
        if page:
            return redirect_to_login(request.get_full_path())
        return _unauthenticated(
            _("Authentication required: send 'Authorization: Bearer <token>' or sign in.")
        )

    return wrapped


def _unauthenticated(message: str) -> JsonResponse:
    response = JsonResponse({"detail": message}, status=401, json_dumps_params={"ensure_ascii": False})
    response["WWW-Authenticate"] = 'Bearer realm="gaoxin"'
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def asset(request, name: str):
    """One of the Swagger UI files shipped in the ninja wheel (a fixed list; nothing else is served)."""
    if name not in ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
