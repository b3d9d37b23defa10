"""Background jobs on the task queue: a real worker process runs them (``manage.py gaoxin_worker``).

The module's worker runs against its own database (a SQLite file, or a fresh PostgreSQL database in
the PostgreSQL pass): the pages' side (here: small driver processes) records jobs and enqueues their
tasks, the worker claims and runs them, the test reads the rows as a page would — while they run.
The rest uses the immediate backend in the test process, as the other tests do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gaoxin.web.platform import jobs, tasks
from gaoxin.web.platform.models import Job
from tests.web.platform import jobwork

ROOT = Path(__file__).resolve().parents[3]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
FIRMS = 20000  # enough rows that the import's transaction lasts a while (COPY writes 3,000 in under 0.3 s,
# the progress throttle inside a transaction)
YEAR = 2024

PREAMBLE = """
import json, os, socket, subprocess, sys
import django
django.setup()
from django.conf import settings
settings.GAOXIN_JOB_PACKAGES = ("gaoxin", "tests")  # the test's work (a panic, a sleep) too
"""

WORKER = (
    PREAMBLE
    + """
from django.core.management import call_command
call_command("gaoxin_worker", "--no-startup-delay", "--interval", "0.2", verbosity=1)
"""
)

# Rows a dead worker and older servers left, then three jobs for the worker: a panic first (the worker
# must survive it), an import of FIRMS firms, a score run over them.
SETUP = (
    PREAMBLE
    + """
from functools import partial
from gaoxin.io.uscc import check_char
from gaoxin.scoring import load_model
from gaoxin.web.accounts.models import Role, User
from gaoxin.web.credit import services as credit
from gaoxin.web.platform import jobs, tasks
from gaoxin.web.platform.models import Job
from gaoxin.web.registry.models import ImportBatch, Zone
from gaoxin.web.registry.services import imports
from tests.web.platform import jobwork

firms, year, csv_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
head = "统一社会信用代码,企业名称,所在园区,成立日期,年度,职工总数（人）,营业收入（万元）,研发费用（万元）,实缴税费（万元）"
lines = [head]
for i in range(firms):
    first17 = f"91110108MA{i:07d}"
    lines.append(f"{first17}{check_char(first17)},测试{i}科技有限公司,Z001,2015-03-01,{year},{50 + i % 90},"
                 f"{1000 + i},{100 + i % 300},{30 + i % 50}")
open(csv_path, "w", encoding="utf-8").write("\\n".join(lines) + "\\n")
zone = Zone.objects.create(code="Z001", name="甲高新区")
user = User.objects.create(username="admin", role=Role.PLATFORM_ADMIN)
gone = subprocess.Popen([sys.executable, "-c", "pass"]); gone.wait()  # a pid that no longer runs
host = socket.gethostname()[:50]
left = {
    "dead_worker": Job.objects.create(kind="import", status="running", worker=f"{host}:{gone.pid}").pk,
    "thread_era": Job.objects.create(kind="score_run", status="queued").pk,
    "no_worker": Job.objects.create(kind="import", status="running").pk,
    "other_host": Job.objects.create(kind="import", status="running", worker="another-host:4242").pk,
}
panic = jobs.submit("test", jobwork.panic, zone=zone, user=user, message="panics")
batch = imports.prepare(imports.store_paths([csv_path], zone), zone=zone, user=user)
assert batch.status == ImportBatch.Status.PREVIEW, batch.problems[:3]
job = imports.confirm(batch, user)
run = credit.submit_run(zone, year, load_model("national-2024"), user)
print(json.dumps({"left": left, "panic": panic.pk, "import": job.pk, "batch": batch.pk,
                  "run": run.pk, "score": run.job_id, "status": Job.objects.get(pk=job.pk).status}))
"""
)

SUBMIT = (
    PREAMBLE
    + """
from gaoxin.web.platform import jobs, tasks
from tests.web.platform import jobwork
from functools import partial
kind, name, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print(json.dumps({"job": jobs.submit(kind, partial(getattr(jobwork, name), *args)).pk}))
"""
)


@dataclass(repr=False)
class Queue:
    env: dict
    url: str
    ids: dict = field(default_factory=dict)
    samples: dict = field(default_factory=dict)  # job id → [(status, progress), …] as polled
    worker: subprocess.Popen | None = None
    log: Path | None = None

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlparse(self.url).path) as con:
                return con.execute(sql, params).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as con:
            return con.execute(sql.replace("?", "%s"), params).fetchall()

    def job(self, pk: int) -> dict:
        cols = ("status", "progress", "message", "worker", "attempts", "task_id")
        (row,) = self.rows(f"select {', '.join(cols)} from platform_job where id = ?", (pk,))
        return dict(zip(cols, row, strict=True))

    def run(self, code: str, *args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_worker(self) -> subprocess.Popen:
        self.worker = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env=self.env,
            cwd=ROOT,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        return self.worker

    def wait(self, pks, until=("done", "failed"), seconds: float = 300) -> None:
        """Poll the jobs (every 20 ms, as a page would, only faster) until each is in ``until``."""
        deadline = time.monotonic() + seconds
        marks = ",".join("?" * len(pks))
        while time.monotonic() < deadline:
            rows = self.rows(
                f"select id, status, progress from platform_job where id in ({marks})", tuple(pks)
            )
            for pk, status, progress in rows:
                self.samples.setdefault(pk, []).append((status, progress))
            if len(rows) == len(pks) and all(status in until for _, status, _ in rows):
                return
            assert self.worker is None or self.worker.poll() is None, self.log.read_text()[-3000:]
            time.sleep(0.02)
        raise AssertionError(f"jobs {pks} not {until} in {seconds} s: {rows}\n{self.log.read_text()[-3000:]}")


def _database(tmp: Path) -> tuple[str, callable]:
    if not ON_POSTGRES:
        return f"sqlite:///{tmp / 'gaoxin.sqlite3'}", lambda: None
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"gaoxin_tasks_{os.getpid()}"
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return urlparse(url)._replace(path=f"/{name}").geturl(), drop


@pytest.fixture(scope="module")
def queue(tmp_path_factory):
    """A migrated database, the rows a dead worker left, three jobs queued, then a worker started."""
    tmp = tmp_path_factory.mktemp("tasks")
    url, drop = _database(tmp)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "GAOXIN_", "DJANGO_"))},
        "DATABASE_URL": url,
        "GAOXIN_DATA_DIR": str(tmp / "data"),
        "GAOXIN_TASKS": "database",
        "DJANGO_SETTINGS_MODULE": "gaoxin.web.settings",
        "PYTHONPATH": str(ROOT),
    }
    q = Queue(env=env, url=url, log=tmp / "worker.log")
    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v0"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    q.ids = q.run(SETUP, str(FIRMS), str(YEAR), str(tmp / "firms.csv"))
    try:
        q.start_worker()
        q.wait([q.ids["panic"], q.ids["import"], q.ids["score"]])
        yield q
    finally:
        if q.worker is not None and q.worker.poll() is None:
            q.worker.kill()
            q.worker.wait()
        drop()


def test_jobs_wait_in_the_queue_until_a_worker_runs_them(queue):
    assert queue.ids["status"] == "queued"  # the pages' side did not run the import itself
    job = queue.job(queue.ids["import"])
    key = job["task_id"] if ON_POSTGRES else uuid.UUID(job["task_id"]).hex  # SQLite keeps UUIDs as hex
    (task,) = queue.rows(
        "select status, worker_ids from django_tasks_database_dbtaskresult where id = ?", (key,)
    )
    assert task[0] == "SUCCESSFUL"
    assert job["worker"] in str(task[1])  # the worker named host:pid ran it


def test_the_worker_imports_and_scores_and_progress_is_seen_while_they_run(queue):
    imp, score = queue.job(queue.ids["import"]), queue.job(queue.ids["score"])
    assert imp["status"] == score["status"] == "done" and imp["progress"] == score["progress"] == 1.0
    assert queue.rows("select status from registry_importbatch where id = ?", (queue.ids["batch"],)) == [
        ("applied",)
    ]
    assert queue.rows("select count(*) from registry_enterprise") == [(FIRMS,)]
    assert queue.rows("select status, scored from credit_scorerun where id = ?", (queue.ids["run"],)) == [
        ("done", FIRMS)
    ]
    # While the import ran, a page saw it running part-way (the phases; on PostgreSQL every step).
    seen = queue.samples[queue.ids["import"]]
    assert any(status == "running" and 0 < progress < 1 for status, progress in seen), sorted(set(seen))
    if ON_POSTGRES:  # inside the import's transaction too (0.32 + 0.66 × rows written), beside it
        assert any(status == "running" and 0.32 < progress < 0.98 for status, progress in seen), sorted(
            set(seen)
        )
    assert [s for s, _ in seen].index("running") < [s for s, _ in seen].index("done")


def test_a_panic_marks_its_job_failed_with_the_reason_and_the_worker_goes_on(queue):
    panic = queue.job(queue.ids["panic"])
    assert panic["status"] == "failed"
    assert panic["message"].startswith("PanicException: assertion `left == right` failed")
    # the task row failed too, and the import queued after it still ran
    assert queue.job(queue.ids["import"])["status"] == "done"


def test_a_starting_worker_fails_the_jobs_a_dead_worker_left_and_only_those(queue):
    left = {name: queue.job(pk) for name, pk in queue.ids["left"].items()}
    for name in ("dead_worker", "thread_era", "no_worker"):
        assert left[name]["status"] == "failed", name
        assert left[name]["message"] == jobs.ABANDONED
    assert left["other_host"]["status"] == "running"  # another host's worker answers for its own


def test_a_killed_worker_leaves_its_job_failed_at_the_next_start_and_sigterm_stops_a_worker(queue):
    slow = queue.run(SUBMIT, "test", "sleep", "[120]")["job"]
    queue.wait([slow], until=("running",), seconds=60)
    assert queue.worker.poll() is None
    queue.worker.send_signal(signal.SIGKILL)
    queue.worker.wait(10)
    assert queue.job(slow)["status"] == "running"  # nobody could say otherwise: the worker is gone
    queue.start_worker()
    queue.wait([slow], until=("failed",), seconds=60)
    assert queue.job(slow)["message"] == jobs.ABANDONED
    after = queue.run(SUBMIT, "test", "echo", "[7]")["job"]
    queue.wait([after])
    assert queue.job(after)["status"] == "done"
    queue.worker.send_signal(signal.SIGTERM)
    assert queue.worker.wait(15) == 0


# --- in the test process: the immediate backend, and the pieces ------------------------------------------


@pytest.fixture
def packages(settings):
    settings.GAOXIN_JOB_PACKAGES = ("gaoxin", "tests")


def test_an_immediate_job_runs_inside_the_call_with_its_result(db, packages):
    job = jobs.submit("test", partial(jobwork.echo, 21, twice=True), message="echo")
    assert job.status == Job.Status.DONE and job.progress == 1.0 and job.result == {"value": 42}
    assert job.worker == jobs.worker_id() and job.attempts == 1 and job.started and job.finished


def test_a_base_exception_marks_an_immediate_job_failed_with_its_reason(db, packages):
    job = jobs.submit("test", jobwork.panic)
    assert job.status == Job.Status.FAILED and job.finished is not None
    assert job.message == "PanicException: assertion `left == right` failed"


def test_work_must_be_a_module_level_function_of_an_allowed_package(db, packages, settings):
    with pytest.raises(TypeError, match="module-level"):
        jobs.submit("test", lambda progress: None)
    with pytest.raises(TypeError, match="module-level"):
        jobs.submit("test", partial(lambda n, progress: None, 1))
    settings.GAOXIN_JOB_PACKAGES = ("gaoxin",)
    with pytest.raises(ValueError, match="gaoxin only"):
        jobs.submit("test", jobwork.echo)
    assert not Job.objects.exists()


def test_a_transient_database_error_queues_a_retry_safe_job_again_then_fails_it(
    transactional_db, packages, settings
):  # as in the worker: no test transaction around the work
    settings.GAOXIN_JOB_RETRIES = 1
    job = Job.objects.create(kind="import")
    target = "tests.web.platform.jobwork:locked"
    with pytest.raises(Exception, match="database is locked"):
        tasks.execute(job.pk, target, [], {}, backend="default")  # default: the database backend
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1 and job.worker == ""
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == TaskResultStatus.READY and task.run_after > timezone.now()
    assert task.args_kwargs["args"] == [job.pk, target, [], {}]
    with pytest.raises(Exception, match="database is locked"):
        tasks.execute(job.pk, target, [], {}, backend="default")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == "database is locked" and job.attempts == 2


def test_a_job_whose_work_is_not_retry_safe_fails_at_once(db, packages):
    job = Job.objects.create(kind="test")
    with pytest.raises(Exception, match="database is locked"):
        tasks.execute(job.pk, "tests.web.platform.jobwork:locked", [], {}, backend="default")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1


def test_a_finished_job_is_not_run_again_by_a_stale_task(db, packages):
    job = Job.objects.create(kind="test", status=Job.Status.FAILED, message="abandoned")
    assert tasks.execute(job.pk, "tests.web.platform.jobwork:echo", [1], {}, backend="default") == {}
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 0


def test_fail_abandoned_tells_a_dead_worker_from_a_live_one(db):
    host = socket.gethostname()[:50]
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    live = Job.objects.create(kind="import", status=Job.Status.RUNNING, worker=f"{host}:{os.getppid()}")
    dead = Job.objects.create(kind="import", status=Job.Status.RUNNING, worker=f"{host}:{gone.pid}")
    mine = Job.objects.create(kind="import", status=Job.Status.RUNNING, worker=jobs.worker_id())
    ready = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="x",
        backend_name="default",
        run_after=timezone.now(),
    )
    waiting = Job.objects.create(kind="import", task_id=str(ready.pk))
    orphan = Job.objects.create(kind="import", task_id=str(uuid.uuid4()))
    claimed = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="x",
        backend_name="default",
        run_after=timezone.now() - dt.timedelta(minutes=1),
        status=TaskResultStatus.RUNNING,
        worker_ids=[f"{host}:{gone.pid}"],
    )
    claimed_job = Job.objects.create(kind="import", task_id=str(claimed.pk))
    done = Job.objects.create(kind="import", status=Job.Status.DONE)

    assert jobs.fail_abandoned() == 4
    status = dict(Job.objects.values_list("pk", "status"))
    assert status[live.pk] == "running" and status[waiting.pk] == "queued" and status[done.pk] == "done"
    assert {pk for pk, s in status.items() if s == "failed"} == {dead.pk, mine.pk, orphan.pk, claimed_job.pk}
    claimed.refresh_from_db()
    assert claimed.status == TaskResultStatus.FAILED and claimed.traceback == jobs.ABANDONED
    assert Job.objects.get(pk=dead.pk).message == jobs.ABANDONED
