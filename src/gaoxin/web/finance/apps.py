from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "gaoxin.web.finance"
    label = "finance"
    verbose_name = _("Sci-tech finance")

    def ready(self):
        from gaoxin.web.credit.services import PUBLISH_HOOKS
        from gaoxin.web.finance import scopes  # noqa: F401  (registers this app's scoping rules)
        from gaoxin.web.finance.services import refresh_matches

        def refresh(published) -> None:
            refresh_matches(published.zone)  # a new list changes who is eligible for list-bound products

        PUBLISH_HOOKS.append(refresh)
