"""/api/: the ninja API (its OpenAPI page at /api/docs), the API tokens page, and JSON 404s."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _

from gaoxin.web.api import docs, views
from gaoxin.web.api.api import api

pages = (
    [
        path("tokens/", views.tokens, name="tokens"),
        path("tokens/<int:token_id>/revoke/", views.revoke, name="revoke"),
        path("docs/assets/<str:name>", docs.asset, name="docs_asset"),
    ],
    "api_pages",
)


def not_found(request, rest=""):
    """Anything else under /api/ is a JSON 404, like the API's own."""
    return JsonResponse({"detail": _("No such API endpoint.")}, status=404)


urlpatterns = [
    path("", include(pages)),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
