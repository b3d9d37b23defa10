from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "gaoxin.web.policy"
    label = "policy"
    verbose_name = _("Policies and awards")

    def ready(self):
        from gaoxin.web.policy import panels, scopes  # noqa: F401  (register scoping rules and profile panels)
