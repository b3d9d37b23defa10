"""``manage.py gaoxin_worker``: the platform's background worker, its own process.

django-tasks-db's ``db_worker``, with two things of the platform's first: the jobs a dead worker left
queued or running are marked failed with a reason (``jobs.fail_abandoned``), and the worker is named
``host:pid`` so that the next worker can tell whether it is still alive. One worker runs one task at a
time; run more workers (``gaoxin-worker@2.service`` …) for more at once. SIGTERM / Ctrl-C: the running
task finishes, then the worker exits (a second signal stops it at once; that job is marked failed).
"""

from __future__ import annotations

import logging

from django_tasks_db.management.commands import db_worker

from gaoxin.web.platform import jobs

log = logging.getLogger("gaoxin.jobs")


class Command(db_worker.Command):
    help = "Run the platform's background worker (marks jobs a dead worker left as failed first)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # No reloading (a reloaded worker is another process, and its task is cut off), and the
        # worker's name is always host:pid.
        parser.set_defaults(reload=False, worker_id=None)

    def handle(self, *args, **options) -> None:
        self.configure_logging(options["verbosity"])
        jobs.fail_abandoned()  # logs what it marks
        options["worker_id"] = jobs.worker_id()
        log.info("worker %s starting", options["worker_id"])
        super().handle(*args, **options)
