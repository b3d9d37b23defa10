from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "gaoxin.web.investment"
    label = "investment"
    verbose_name = _("Investment and industry chains")

    def ready(self):
        from gaoxin.web.investment import scopes  # noqa: F401  (registers this app's scoping rules)
