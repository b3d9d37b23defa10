from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "gaoxin.web.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from gaoxin.web.registry import scopes  # noqa: F401  (the registry models' scoping rules)
