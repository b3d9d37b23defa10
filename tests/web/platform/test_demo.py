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
    assert len(batches) == 6 and {d for _, d, _ in batches} == {"市场监管局", "统计局"}
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
    assert roles == {username: role for username, role, *_ in demo.ACCOUNTS}
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
