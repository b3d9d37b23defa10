from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    name = "gaoxin.web.cultivation"
    label = "cultivation"
    verbose_name = _("Cultivation ladder")

    def ready(self):
        from gaoxin.web.cultivation import scopes  # noqa: F401  (registers this app's scoping rules)
