from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "gaoxin.web.command"
    label = "command"
    verbose_name = _("Command centre")

    def ready(self):
        from gaoxin.web.command import scopes  # noqa: F401  (registers this app's scoping rules)
