"""Operations settings: logs reach stdout, PostgreSQL connections are checked, production needs a key,
and the task backend is chosen by the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from gaoxin.web.settings import database_from_url

SHOW = (
    "import json, logging, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'tasks': settings.TASKS['default']['BACKEND'], 'sync': settings.GAOXIN_TASKS_SYNC, "
    "'streams': [getattr(x, 'stream', None) is __import__('sys').stdout for x in logging.getLogger('gaoxin').handlers], "
    "'files': [type(x).__name__ for x in logging.getLogger('gaoxin').handlers]}))"
)


def _settings(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DATABASE_URL", "DJANGO_"))}
    base |= {"GAOXIN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "gaoxin.web.settings", **env}
    return subprocess.run([sys.executable, "-c", SHOW], env=base, capture_output=True, text=True, timeout=120)


def test_https_without_a_secret_key_refuses_to_start_with_a_clear_message(tmp_path):
    done = _settings(tmp_path, GAOXIN_HTTPS="1")
    assert done.returncode != 0
    assert "GAOXIN_HTTPS=1 (production) needs GAOXIN_SECRET_KEY" in done.stderr
    assert not (tmp_path / "secret.key").exists()  # no key was made up behind the operator's back
    assert _settings(tmp_path, GAOXIN_HTTPS="1", GAOXIN_SECRET_KEY="k" * 50).returncode == 0


def test_the_gaoxin_logger_writes_to_stdout_and_a_file_only_when_asked(tmp_path):
    shown = json.loads(_settings(tmp_path).stdout)
    assert shown["streams"] == [True] and shown["files"] == ["StdoutHandler"]
    assert not (tmp_path / "gaoxin.log").exists()
    log = tmp_path / "gaoxin.log"
    shown = json.loads(_settings(tmp_path, GAOXIN_LOG_FILE=str(log)).stdout)
    assert shown["files"] == ["StdoutHandler", "WatchedFileHandler"]


def test_the_task_backend_is_the_database_unless_the_environment_says_immediate(tmp_path):
    assert json.loads(_settings(tmp_path).stdout)["tasks"] == "django_tasks_db.DatabaseBackend"
    for env in ({"GAOXIN_TASKS": "immediate"}, {"GAOXIN_TASKS_SYNC": "1"}):
        shown = json.loads(_settings(tmp_path, **env).stdout)
        assert shown["tasks"] == "django_tasks.backends.immediate.ImmediateBackend" and shown["sync"]
    assert _settings(tmp_path, GAOXIN_TASKS="celery").returncode != 0


def test_postgresql_connections_are_kept_and_checked_before_reuse():
    db = database_from_url("postgres://u:p@db.example:5433/gaoxin")
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True
    assert db["HOST"] == "db.example" and db["PORT"] == "5433"
