from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "gaoxin.web.finance"
    label = "finance"
    verbose_name = _("Sci-tech finance")

    def ready(self):
        from gaoxin.web.finance import scopes  # noqa: F401  (registers this app's scoping rules)
