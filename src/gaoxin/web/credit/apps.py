from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def run_done(job) -> str | None:
    """Asked by ``platform.jobs.fail_abandoned`` of a "score_run" job a dead worker left: had the run
    been scored and committed all the same? If not, the run it left "running" is failed here and the
    rows it had written in batches are discarded, so that no page or API shows a part of a ranking."""
    from gaoxin.web.credit.models import ScoreRun
    from gaoxin.web.credit.services import discard_run

    if not ScoreRun.objects.filter(job=job.pk, status=ScoreRun.Status.DONE).exists():
        for run in ScoreRun.objects.filter(job=job.pk, status=ScoreRun.Status.RUNNING):
            discard_run(run)
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
