from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """What every app shares; as an app it holds the ``Job`` model and the worker command."""

    name = "gaoxin.web.platform"
    label = "platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gaoxin.web.platform import (
            scopes,  # noqa: F401  (the Job model's scoping rule)
            sessions,  # noqa: F401  (marks a session as just saved at sign-in)
        )
