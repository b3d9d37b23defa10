from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_departments(sender, using="default", apps=None, **kwargs) -> None:
    """The seeded departments (migration 0006) again when the table is empty after a ``flush``
    (which runs ``post_migrate``): a database is never left without the departments to offer."""
    import importlib

    from django.apps import apps as global_apps
    from django.db import DatabaseError

    try:
        department = (apps or global_apps).get_model("registry", "Department")
    except LookupError:
        return  # migrated to a state before departments existed
    try:
        if department.objects.using(using).exists():
            return
    except DatabaseError:
        return
    seed = importlib.import_module("gaoxin.web.registry.migrations.0006_departments").SEED
    department.objects.using(using).bulk_create(
        department(code=code, name=name, name_en=name_en, fields=fields, order=order * 10)
        for order, (code, name, name_en, fields) in enumerate(seed, start=1)
    )


class RegistryConfig(AppConfig):
    name = "gaoxin.web.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from gaoxin.web.registry import scopes  # noqa: F401  (the registry models' scoping rules)

        post_migrate.connect(seed_departments, sender=self, dispatch_uid="registry-seed-departments")
