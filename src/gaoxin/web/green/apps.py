from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreenConfig(AppConfig):
    name = "gaoxin.web.green"
    label = "green"
    verbose_name = _("Green and low-carbon")

    def ready(self):
        from gaoxin.web.green import panels, scopes  # noqa: F401  (register scoping rules and profile panels)
        from gaoxin.web.green.services import register_metrics

        register_metrics()  # green:energy_intensity … for the command centre's targets
