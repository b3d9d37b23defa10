"""URL map: each app owns its prefix."""

from django.urls import include, path
from django.views.i18n import set_language

from gaoxin.web.accounts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("gaoxin.web.accounts.urls")),
    path("registry/", include("gaoxin.web.registry.urls")),
    path("credit/", include("gaoxin.web.credit.urls")),
    path("cultivation/", include("gaoxin.web.cultivation.urls")),
    path("consent/", include("gaoxin.web.consent.urls")),
    path("finance/", include("gaoxin.web.finance.urls")),
    path("investment/", include("gaoxin.web.investment.urls")),
    path("command/", include("gaoxin.web.command.urls")),
    path("policy/", include("gaoxin.web.policy.urls")),
    path("carriers/", include("gaoxin.web.carriers.urls")),
    path("green/", include("gaoxin.web.green.urls")),
    path("benchmark/", include("gaoxin.web.benchmark.urls")),
    path("supervision/", include("gaoxin.web.supervision.urls")),
    path("api/", include("gaoxin.web.api.urls")),
]

handler403 = "gaoxin.web.platform.errors.forbidden"
handler404 = "gaoxin.web.platform.errors.not_found"
handler500 = "gaoxin.web.platform.errors.server_error"
