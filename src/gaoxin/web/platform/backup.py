"""Backup and restore of a whole platform: the database and the files beside it, with checksums.

A backup is one ``.tar.gz`` archive and a ``.sha256`` file beside it (the archive's digest, in the
format of ``sha256sum``). The archive holds ``manifest.json`` (format, engine, when, code version, and
the SHA-256 of every other member), the database — ``database.sqlite3`` made with SQLite's online backup
API (consistent while the platform runs; WAL included) or ``database.pgdump`` made by ``pg_dump -Fc`` —
and ``files/``, the uploads and score-run value files under ``MEDIA_ROOT`` that score runs and imports
refer to. A database without its files would serve runs whose explanations are gone, so both go
together.

Restore checks the archive's digest and every member's digest before it touches anything, refuses a
backup of the other engine, and refuses to overwrite a platform that holds data unless ``force`` is
given. The database is replaced in one step (SQLite: a file written beside it, then renamed over it;
PostgreSQL: ``pg_restore --clean --if-exists --single-transaction``); the files directory that was
there is kept beside the restored one (``files.before-restore-<time>``), never deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

FORMAT = 1
DB_SQLITE = "database.sqlite3"
DB_PG = "database.pgdump"
FILES = "files"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese and English."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(db: dict) -> str:
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine not in ("sqlite3", "postgresql"):
        raise BackupError(f"不支持的数据库 / unsupported database engine: {db['ENGINE']}")
    return engine


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"找不到 {name}（请安装 postgresql-client）/ {name} not found: install postgresql-client"
    )


def _run(cmd: list[str], env: dict) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} 失败 / failed: {done.stderr.strip()[:2000]}")


def _dump_database(connection, db: dict, directory: Path) -> Path:
    if _engine(db) == "sqlite3":
        target = directory / DB_SQLITE
        connection.ensure_connection()
        dst = sqlite3.connect(target)
        try:
            connection.connection.backup(dst)  # SQLite's online backup: a consistent copy while serving
        finally:
            dst.close()
        return target
    target = directory / DB_PG
    args, env = _pg_env(db)
    _run(
        [_tool("pg_dump"), *args, "-Fc", "--no-owner", "--no-privileges", "-f", str(target), db["NAME"]], env
    )
    return target


def backup(out: Path) -> dict:
    """Write the platform's database and files to ``out`` (a .tar.gz) and ``out``.sha256.

    Returns the manifest. Nothing is written at ``out`` until the archive is complete.
    """
    from django.conf import settings
    from django.db import connection

    from gaoxin.io.runinfo import code_version

    db = settings.DATABASES["default"]
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as tmp:
        dump = _dump_database(connection, db, Path(tmp))
        members: dict[str, str] = {dump.name: _sha256(dump)}
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        for path in files:
            members[f"{FILES}/{path.relative_to(media).as_posix()}"] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "engine": _engine(db),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "code_version": code_version(),
            "database": dump.name,
            "members": members,
        }
        partial = Path(tmp) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for path in files:
                tar.add(path, arcname=f"{FILES}/{path.relative_to(media).as_posix()}")
        digest = _sha256(partial)
        os.replace(partial, out)
    Path(f"{out}.sha256").write_text(f"{digest}  {out.name}\n", encoding="utf-8")
    return {**manifest, "sha256": digest, "path": str(out)}


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def verify(archive: Path) -> dict:
    """Check the archive against its .sha256 and every member against the manifest; return the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 / no such backup: {archive}")
    checksum = Path(f"{archive}.sha256")
    if not checksum.is_file():
        raise BackupError(f"缺少校验文件 / the checksum file is missing: {checksum}")
    expected = checksum.read_text(encoding="utf-8").split()[0].lower()
    actual = _sha256(archive)
    if actual != expected:
        raise BackupError(
            f"备份文件校验失败（文件已损坏或被改动）/ the backup does not match its checksum: "
            f"{actual} ≠ {expected}"
        )
    with tarfile.open(archive, "r:gz") as tar:
        try:
            manifest = json.load(tar.extractfile("manifest.json"))
        except (KeyError, json.JSONDecodeError, TypeError) as exc:
            raise BackupError(f"不是 gaoxin 备份 / not a gaoxin backup: {exc}") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"不支持的备份格式 / unsupported backup format: {manifest.get('format')}")
        names = {m.name for m in tar.getmembers() if m.isfile()} - {"manifest.json"}
        if names != set(manifest["members"]):
            raise BackupError("备份内容与清单不符 / the archive's members do not match its manifest")
        for member in tar.getmembers():
            if member.name == "manifest.json" or not member.isfile():
                continue
            if not _safe_member(member.name):
                raise BackupError(f"备份中有不安全的路径 / unsafe path in the backup: {member.name}")
            digest = hashlib.sha256()
            fh = tar.extractfile(member)
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != manifest["members"][member.name]:
                raise BackupError(f"备份成员校验失败 / a member does not match its checksum: {member.name}")
    return manifest


def _holds_data(connection) -> bool:
    tables = connection.introspection.table_names()
    if "registry_zone" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM registry_zone LIMIT 1")
        return cursor.fetchone() is not None


def restore(archive: Path, *, force: bool = False) -> dict:
    """Replace the platform's database and files with the backup's; returns the manifest."""
    from django.conf import settings
    from django.db import connection

    manifest = verify(archive)
    db = settings.DATABASES["default"]
    engine = _engine(db)
    if manifest["engine"] != engine:
        raise BackupError(
            f"备份来自 {manifest['engine']}，当前数据库是 {engine}：不能跨数据库恢复 / "
            f"the backup is of {manifest['engine']}, this platform runs {engine}"
        )
    if not force and _holds_data(connection):
        raise BackupError(
            "目标平台已有数据；确认要覆盖请加 --force / the target platform holds data: add --force to replace it"
        )
    media = Path(settings.MEDIA_ROOT)
    work = Path(tempfile.mkdtemp(dir=media.parent, prefix=".restore-"))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        dump = work / manifest["database"]
        if engine == "sqlite3":
            target = Path(db["NAME"])
            connection.close()
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(dump, staged)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(staged, target)
        else:
            connection.close()
            args, env = _pg_env(db)
            _run(
                [
                    _tool("pg_restore"),
                    *args,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "-d",
                    db["NAME"],
                    str(dump),
                ],
                env,
            )
        restored_files = work / FILES
        if media.exists() and any(media.iterdir()):
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))
        elif media.exists():
            media.rmdir()
        if restored_files.is_dir():
            restored_files.rename(media)
        else:
            media.mkdir(parents=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest
