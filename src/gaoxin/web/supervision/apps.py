from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "gaoxin.web.supervision"
    label = "supervision"
    verbose_name = _("Supervision above the zone")

    def ready(self):
        from gaoxin.web.supervision import scopes  # noqa: F401  (register scoping rules)
