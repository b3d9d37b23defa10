"""``gaoxin demo`` builds a populated platform from nothing and serves it (a real process, a real port)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from gaoxin.web.platform import demo

PER_ZONE = 40
DEMO = (sys.executable, "-m", "gaoxin.cli", "demo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the demo exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the demo server did not start")


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["GAOXIN_DATA_DIR"] = str(tmp_path / "elsewhere")  # the demo must override it
    return env


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One demo process for the module: built in a data directory, serving on a free port."""
    tmp_path = tmp_path_factory.mktemp("demo")
    data_dir = tmp_path / "out"
    data_dir.mkdir()
    (data_dir / "gaoxin.sqlite3").write_text("an old demo database")
    port = _free_port()
    log = (tmp_path / "demo.log").open("w+")
    proc = subprocess.Popen(
        [*DEMO, "--data-dir", str(data_dir), "--enterprises", str(PER_ZONE), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, proc)
        log.seek(0)
        yield port, data_dir, log.read()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_demo_builds_a_fresh_scored_register_with_provenance(served):
    _, data_dir, output = served
    db = data_dir / "gaoxin.sqlite3"
    assert _rows(db, "select code from registry_zone order by code") == [("Z001",), ("Z002",), ("Z003",)]
    per_zone = _rows(db, "select zone_id, count(*) from registry_enterprise group by zone_id")
    assert [n for _, n in per_zone] == [PER_ZONE] * 3
    # five years of reports, and every enterprise value names the batch that set it
    assert _rows(db, "select min(year), max(year) from registry_annualreport") == [(2021, 2025)]
    batches = _rows(db, "select zone_id, department, status from registry_importbatch order by id")
    core = [b for b in batches if b[1] in {d for d, *_ in demo.DEPARTMENTS}]  # the apps add their own
    assert len(core) == 6 and {d for _, d, _ in core} == {"市场监管局", "统计局"}
    assert {s for *_, s in batches} == {"applied"}
    unsourced = _rows(
        db, "select count(*) from registry_enterprise where json_extract(sources, '$.name') is null"
    )
    assert unsourced == [(0,)]
    runs = _rows(db, "select model_id, year, status, scored from credit_scorerun")
    assert sorted(runs) == [("national-2024", 2025, "done", PER_ZONE)] * 3
    entries = _rows(db, "select count(*) from credit_listentry")[0][0]
    assert entries > 0
    assert _rows(db, "select count(*) from credit_publishedlist_banks") == [(1,)]
    roles = dict(_rows(db, "select username, role from accounts_user"))
    listed = {username: role for username, role, *_ in demo.ACCOUNTS}
    assert {u: roles.get(u) for u in listed} == listed  # every account the console offers exists
    # one of each administrator (三员分立), and no other account holds an administrator's role
    admins = sorted(r for r in roles.values() if r in ("platform_admin", "security_admin", "audit_admin"))
    assert admins == ["audit_admin", "platform_admin", "security_admin"]
    # the console: the address, the accounts and their password, the top of a ranking, the workbook
    assert f"http://127.0.0.1:{served[0]}/" in output
    assert demo.PASSWORD in output and "zone_admin" in output and "银行用户" in output
    assert (data_dir / "ranking-2025-Z001.xlsx").exists()
    assert re.search(r"前 10 名", output)


def test_demo_serves_the_sign_in_form_and_its_accounts_sign_in(served):
    port = served[0]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    front = opener.open(f"http://127.0.0.1:{port}/", timeout=30)
    assert front.geturl().endswith("/accounts/login/")
    page = front.read().decode()
    assert 'name="password"' in page
    css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    assert opener.open(f"http://127.0.0.1:{port}{css}", timeout=30).status == 200  # static files served
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "zone_admin", "password": demo.PASSWORD}
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/login/",
        data=form,
        headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"},
    )
    try:
        signed_in = opener.open(request, timeout=60)
        landed = signed_in.geturl()
    except urllib.error.HTTPError as exc:  # a page still being built may answer 404 after the redirect
        landed = exc.geturl()
    assert "/accounts/login/" not in landed
    assert any(c.name == "sessionid" for c in jar)


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``: pid → command line."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out[int(stat.parent.name)] = (
                    (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except (OSError, IndexError, ValueError):
            continue
    return out


def test_demo_runs_one_worker_beside_the_server_and_sigterm_stops_both(served, tmp_path):
    """Last of the module's served tests: it stops the demo."""
    _, data_dir, _ = served
    (demo_proc,) = [p for p, cmd in _children(os.getpid()).items() if "gaoxin.cli demo" in cmd]
    workers = [p for p, cmd in _children(demo_proc).items() if "gaoxin_worker" in cmd]
    assert len(workers) == 1
    # the worker runs what the pages queue: a score run enqueued on the demo's database finishes
    env = {**_env(tmp_path), "GAOXIN_DATA_DIR": str(data_dir), "GAOXIN_TASKS": "database",
           "DATABASE_URL": f"sqlite:///{data_dir / 'gaoxin.sqlite3'}", "DJANGO_SETTINGS_MODULE": "gaoxin.web.settings"}  # fmt: skip
    code = (
        "import django; django.setup(); from gaoxin.scoring import load_model; "
        "from gaoxin.web.credit import services; from gaoxin.web.registry.models import Zone; "
        "run = services.submit_run(Zone.objects.get(code='Z001'), 2025, load_model('national-2024'), None); "
        "print(run.job_id)"
    )
    enqueue = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert enqueue.returncode == 0, enqueue.stderr[-2000:]
    job = int(enqueue.stdout.split()[-1])
    deadline = time.monotonic() + 60
    while (
        status := _rows(data_dir / "gaoxin.sqlite3", f"select status from platform_job where id = {job}")
    ) != [("done",)]:
        assert time.monotonic() < deadline and status != [("failed",)], f"the demo's worker: {status}"
        time.sleep(0.2)
    os.kill(demo_proc, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{p}").exists() and "gaoxin" in Path(f"/proc/{p}/cmdline").read_text()
              for p in (demo_proc, *workers)):  # fmt: skip
        assert time.monotonic() < deadline, "the demo or its worker still runs after SIGTERM"
        time.sleep(0.2)


def test_demo_refuses_a_port_in_use(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [*DEMO, "--data-dir", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            env=_env(tmp_path),
            timeout=60,
        )
    assert done.returncode != 0
    assert f"port {port} is in use" in done.stderr
    assert not (tmp_path / "gaoxin.sqlite3").exists()  # refused before building anything
