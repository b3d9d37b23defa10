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


def import_applied(job) -> str | None:
    """Asked by ``platform.jobs.fail_abandoned`` of an "import" job a dead worker left: was its batch
    applied all the same (the worker died after the import's transaction committed)?"""
    from gaoxin.web.registry.models import ImportBatch

    batch = ImportBatch.objects.filter(counts__job=job.pk).only("status").first()
    if batch is None or batch.status != ImportBatch.Status.APPLIED:
        return None
    return "工作进程中断，但导入已完成 / the worker stopped, but the import had been applied"


class RegistryConfig(AppConfig):
    name = "gaoxin.web.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from gaoxin.web.registry import scopes  # noqa: F401  (the registry models' scoping rules)
        from gaoxin.web.registry.services import versions

        versions.connect()  # rows saved one at a time move their zone's register version
        post_migrate.connect(seed_departments, sender=self, dispatch_uid="registry-seed-departments")
        from gaoxin.web.platform import jobs

        jobs.settled_by("import", "gaoxin.web.registry.apps:import_applied")
