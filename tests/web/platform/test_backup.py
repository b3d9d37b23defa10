"""``gaoxin backup`` / ``gaoxin restore``: a restored platform serves the same scores and lists.

Real processes on real files: a small demo platform is built, backed up, restored into another data
directory, and both are read through the API as the platform administrator would read them. A
tampered archive, a missing checksum, a backup of the other engine and a restore over data without
``--force`` are refused and change nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

GAOXIN = (sys.executable, "-m", "gaoxin.cli")

# Read a platform as its users do: every run's scores and every list's entries through the API.
FINGERPRINT = r"""
import json, django
django.setup()
from django.test import Client
from gaoxin.web.accounts.models import User
c = Client()
c.force_login(User.objects.get(username="admin"))
out = {"runs": {}, "lists": {}}
for run in c.get("/api/runs?limit=500").json()["items"]:
    items = c.get(f"/api/runs/{run['id']}/scores?limit=500").json()["items"]
    out["runs"][run["id"]] = sorted(json.dumps(s, sort_keys=True, ensure_ascii=False) for s in items)
for lst in c.get("/api/lists?limit=500").json()["items"]:
    items = c.get(f"/api/lists/{lst['id']}/entries?limit=500").json()["items"]
    out["lists"][lst["id"]] = sorted(json.dumps(e, sort_keys=True, ensure_ascii=False) for e in items)
print(json.dumps(out, sort_keys=True))
"""


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["GAOXIN_DATA_DIR"] = str(data_dir)
    env["DATABASE_URL"] = f"sqlite:///{data_dir / 'gaoxin.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "gaoxin.web.settings"
    return env


def _gaoxin(*args: str, data_dir: Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*GAOXIN, *args], env=_env(data_dir), capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _fingerprint(data_dir: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", FINGERPRINT], env=_env(data_dir), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("backup") / "source"
    _gaoxin("demo", "--no-serve", "--enterprises", "30", "--data-dir", str(data_dir), data_dir=data_dir)
    return data_dir


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("archive") / "gaoxin-backup.tar.gz"
    done = _gaoxin("backup", "--data-dir", str(source), "--out", str(out), data_dir=source)
    assert "SHA-256" in done.stdout
    return out


def test_a_restored_platform_serves_the_same_scores_and_lists(source, archive, tmp_path):
    before = _fingerprint(source)
    assert before["runs"] and before["lists"]  # the demo scored its zones and published a list
    assert all(before["runs"].values()) and all(before["lists"].values())

    target = tmp_path / "restored"
    _gaoxin("restore", "--data-dir", str(target), str(archive), data_dir=target)
    assert _fingerprint(target) == before
    # the score runs' value files came along: the files the database refers to exist in the new place
    runs = sorted((source / "files" / "runs").glob("*.parquet"))
    assert runs and all((target / "files" / "runs" / p.name).is_file() for p in runs)


def test_the_archive_lists_every_member_with_its_checksum(archive):
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = {m.name for m in tar.getmembers() if m.isfile()} - {"manifest.json"}
    assert manifest["engine"] == "sqlite3" and manifest["database"] == "database.sqlite3"
    assert set(manifest["members"]) == names
    assert all(len(d) == 64 for d in manifest["members"].values())
    digest = Path(f"{archive}.sha256").read_text().split()[0]
    import hashlib

    assert hashlib.sha256(archive.read_bytes()).hexdigest() == digest


def _zones(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT code FROM registry_zone ORDER BY code").fetchall()


def test_restore_over_data_needs_force_and_a_refused_restore_changes_nothing(source, archive, tmp_path):
    target = tmp_path / "busy"
    _gaoxin("restore", "--data-dir", str(target), str(archive), data_dir=target)
    with sqlite3.connect(target / "gaoxin.sqlite3") as con:
        con.execute(
            "UPDATE registry_zone SET name = '改过的园区' WHERE code = (SELECT MIN(code) FROM registry_zone)"
        )
    refused = _gaoxin("restore", "--data-dir", str(target), str(archive), data_dir=target, check=False)
    assert refused.returncode == 2 and "--force" in refused.stderr
    with sqlite3.connect(target / "gaoxin.sqlite3") as con:
        assert con.execute("SELECT COUNT(*) FROM registry_zone WHERE name = '改过的园区'").fetchone() == (1,)

    _gaoxin("restore", "--force", "--data-dir", str(target), str(archive), data_dir=target)
    with sqlite3.connect(target / "gaoxin.sqlite3") as con:
        assert con.execute("SELECT COUNT(*) FROM registry_zone WHERE name = '改过的园区'").fetchone() == (0,)
    # the files that were there are kept beside the restored ones, never deleted
    assert list(target.glob("files.before-restore-*"))


def test_a_tampered_or_unchecked_archive_is_refused(archive, tmp_path):
    bad = tmp_path / "bad.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    Path(f"{bad}.sha256").write_text(Path(f"{archive}.sha256").read_text())
    target = tmp_path / "t"
    done = _gaoxin("restore", "--data-dir", str(target), str(bad), data_dir=target, check=False)
    assert done.returncode == 2 and "校验" in done.stderr
    assert not (target / "files").exists()

    unchecked = tmp_path / "unchecked.tar.gz"
    unchecked.write_bytes(archive.read_bytes())
    done = _gaoxin("restore", "--data-dir", str(target), str(unchecked), data_dir=target, check=False)
    assert done.returncode == 2 and "sha256" in done.stderr


# A small platform in a PostgreSQL database of its own: migrated, two zones imported and scored, the
# top firm published to a bank — through the same services the pages use.
POPULATE = r"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from gaoxin.scoring import load_model
from gaoxin.web.accounts.models import Bank, Role, User
from gaoxin.web.credit.services import publish_list, run_scores
from tests.web.conftest import YEAR, load_zones
zone_a, zone_b = load_zones(n_per_zone=25)
admin = User.objects.create_user(username="admin", password="x-Backup-2026!", role=Role.PLATFORM_ADMIN)
bank = Bank.objects.create(code="bank-a", name="甲银行")
model = load_model("national-2024")
run = run_scores(zone_a, YEAR, model, admin)
run_scores(zone_b, YEAR, model, admin)
publish_list(run, title="备份测试白名单", filters={"top": 5}, banks=[bank], user=admin)
"""


def _pg(url: str, name: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url)._replace(path=f"/{name}").geturl()


@pytest.mark.postgres
def test_a_postgresql_platform_restored_serves_the_same_scores_and_lists(tmp_path):
    import psycopg

    url = os.environ["DATABASE_URL"]
    names = ("gaoxin_backup_src", "gaoxin_backup_dst")
    with psycopg.connect(_pg(url, "postgres"), autocommit=True) as con:
        for name in names:
            con.execute(f"DROP DATABASE IF EXISTS {name}")
            con.execute(f"CREATE DATABASE {name}")
    try:
        src, dst = (_pg(url, n) for n in names)
        env = {**_env(tmp_path / "src"), "DATABASE_URL": src, "PYTHONPATH": str(Path.cwd())}
        done = subprocess.run(
            [sys.executable, "-c", POPULATE], env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        out = tmp_path / "pg.tar.gz"
        done = subprocess.run(
            [*GAOXIN, "backup", "--out", str(out)], env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        with tarfile.open(out) as tar:
            assert json.load(tar.extractfile("manifest.json"))["database"] == "database.pgdump"

        def fingerprint(env):
            done = subprocess.run(
                [sys.executable, "-c", FINGERPRINT], env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout.strip().splitlines()[-1])

        before = fingerprint(env)
        assert before["runs"] and before["lists"]
        env_dst = {**_env(tmp_path / "dst"), "DATABASE_URL": dst}
        done = subprocess.run(
            [*GAOXIN, "restore", str(out)], env=env_dst, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        assert fingerprint(env_dst) == before
    finally:
        with psycopg.connect(_pg(url, "postgres"), autocommit=True) as con:
            for name in names:
                con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
def test_a_backup_of_one_engine_is_not_restored_into_the_other(archive, tmp_path):
    """Under the PostgreSQL pass: the SQLite backup is refused by a PostgreSQL platform, untouched."""
    url = os.environ["DATABASE_URL"]
    env = {**_env(tmp_path), "DATABASE_URL": url}
    done = subprocess.run(
        [*GAOXIN, "restore", "--data-dir", str(tmp_path), str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "sqlite3" in done.stderr and "postgresql" in done.stderr
