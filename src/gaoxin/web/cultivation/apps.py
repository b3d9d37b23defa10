from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def run_done(job) -> str | None:
    """Asked by ``platform.jobs.fail_abandoned`` of a "ladder_run" job a dead worker left: had the
    assessment been computed and committed all the same? If not, the run it left "running" is failed
    here (its entries are written in one transaction: there are none to discard)."""
    from django.utils import timezone

    from gaoxin.web.cultivation.models import LadderRun

    if not LadderRun.objects.filter(job=job.pk, status=LadderRun.Status.DONE).exists():
        LadderRun.objects.filter(job=job.pk, status=LadderRun.Status.RUNNING).update(
            status=LadderRun.Status.FAILED, finished=timezone.now()
        )
        return None
    return "工作进程中断，但评估已完成 / the worker stopped, but the ladder run had finished"


class CultivationConfig(AppConfig):
    name = "gaoxin.web.cultivation"
    label = "cultivation"
    verbose_name = _("Cultivation ladder")

    def ready(self):
        from gaoxin.web.cultivation import scopes  # noqa: F401  (registers this app's scoping rules)
        from gaoxin.web.platform import jobs

        jobs.settled_by("ladder_run", "gaoxin.web.cultivation.apps:run_done")
