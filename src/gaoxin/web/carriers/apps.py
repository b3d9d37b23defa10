from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarriersConfig(AppConfig):
    name = "gaoxin.web.carriers"
    label = "carriers"
    verbose_name = _("Innovation carriers")

    def ready(self):
        from gaoxin.web.carriers import panels, scopes  # noqa: F401  (register scoping rules and profile panels)
