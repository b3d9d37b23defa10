from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "gaoxin.web.credit"
    label = "credit"
    verbose_name = _("Innovation credit")

    def ready(self) -> None:
        from gaoxin.web.credit import scopes  # noqa: F401  (the credit models' scoping rules)
