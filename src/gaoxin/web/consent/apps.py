from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "gaoxin.web.consent"
    label = "consent"
    verbose_name = _("Data authorisation")

    def ready(self):
        from gaoxin.web.consent import scopes  # noqa: F401  (registers this app's scoping rules)
