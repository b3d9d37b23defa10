from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def run_done(job) -> str | None:
    """Asked by ``platform.jobs.fail_abandoned`` of a "score_run" job a dead worker left: had the run
    been scored and committed all the same?"""
    from gaoxin.web.credit.models import ScoreRun

    if not ScoreRun.objects.filter(job=job.pk, status=ScoreRun.Status.DONE).exists():
        return None
    return "工作进程中断，但评分已完成 / the worker stopped, but the score run had finished"


class CreditConfig(AppConfig):
    name = "gaoxin.web.credit"
    label = "credit"
    verbose_name = _("Innovation credit")

    def ready(self) -> None:
        from gaoxin.web.credit import panels, scopes  # noqa: F401  (scoping rules, the profile's panel)
        from gaoxin.web.platform import jobs

        jobs.settled_by("score_run", "gaoxin.web.credit.apps:run_done")
