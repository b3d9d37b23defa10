"""Province-sized runs through the task worker: ``make bench-province`` (issue 15, item 4).

A province's platform: ``--firms`` synthetic firms (default 500,000) in ``--zones`` zones (default 50),
four years of reports, loaded through the real import path (``apply_dataset``) into a PostgreSQL
database of its own (``<name>_province``, created and dropped here). Then, as the office would:

1. **score runs** — one per zone on ``national-2024`` submitted through ``credit.submit_run`` (a Job
   on the task queue), run by ``--workers`` real worker processes (``manage.py gaoxin_worker``);
2. **ladder runs** — one per zone through ``cultivation.submit_assessment``, the same way
   (``--runs score`` leaves them out when time is short: the targets are about the score run).

Measured: wall time from the first submit to the last job done, each worker's peak resident memory
(``VmHWM`` of its process), and — while the runs go on — the server time of the ranking and profile
pages of a zone scored beforehand (Django test Client in this process), against the same pages idle.

The PostgreSQL server, the workers and this process share the machine's cores; the page times under
load therefore include that contention, which is what a user of a one-machine installation sees.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.web_bench import _pct, _pg_admin, _with_name

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"
BEGIN, END = "<!-- province:begin (written by bench/province.py) -->", "<!-- province:end -->"
YEARS = (2022, 2025)
YEAR = 2025
SEED = 15
MODEL = "national-2024"
RUNS = ("score", "ladder")


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (Linux ``VmHWM``), in MiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _time_pages(client, urls: list[str], stop: threading.Event | None, n: int) -> list[float]:
    """Server times (ms) of ``n`` requests cycling through ``urls`` (until ``stop`` is set, if given)."""
    times: list[float] = []
    i = 0
    while len(times) < n and not (stop is not None and stop.is_set()):
        t = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (urls[i % len(urls)], response.status_code)
        i += 1
        if stop is not None:
            time.sleep(0.2)  # a reader, not a load generator
    return times


def _wait(job_ids: list[int], workers: list[subprocess.Popen], peaks: dict[int, float]) -> float:
    """Block until every job is done (or failed); return the wall seconds; track the workers' peaks."""
    from gaoxin.web.platform.models import Job

    t = time.perf_counter()
    while True:
        for w in workers:
            peaks[w.pid] = max(peaks.get(w.pid, 0.0), _peak_rss_mb(w.pid))
        states = dict(Job.objects.filter(pk__in=job_ids).values_list("pk", "status"))
        failed = [pk for pk, s in states.items() if s == Job.Status.FAILED]
        if failed:
            errors = list(Job.objects.filter(pk__in=failed).values_list("message", flat=True)[:3])
            raise RuntimeError(f"{len(failed)} jobs failed: {errors}")
        if all(s == Job.Status.DONE for s in states.values()):
            return time.perf_counter() - t
        if any(w.poll() is not None for w in workers):
            raise RuntimeError("a worker exited")
        time.sleep(0.5)


def phase(firms: int, zones: int, n_workers: int, media: str, runs: tuple[str, ...] = RUNS) -> dict:
    """Everything against the database named by DATABASE_URL (this process's Django settings)."""
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from gaoxin.data import synth
    from gaoxin.data.dataset import Dataset, empty
    from gaoxin.scoring import load_model
    from gaoxin.web.accounts.models import Role, User
    from gaoxin.web.credit import services as credit
    from gaoxin.web.cultivation import services as cultivation
    from gaoxin.web.registry.models import Enterprise, ImportBatch, Zone
    from gaoxin.web.registry.services import apply_dataset

    out: dict = {"firms": firms, "zones": zones, "workers": n_workers}
    call_command("migrate", verbosity=0, interactive=False)
    t = time.perf_counter()
    data = synth.synthesize(firms, zones=zones, years=YEARS, seed=SEED)
    out["synth_s"] = time.perf_counter() - t
    all_zones = {code: Zone.objects.create(code=code, name=name) for code, name in synth.zones(zones)}
    admin = User.objects.create_user("admin", password="bench-password-1", role=Role.PLATFORM_ADMIN)
    first = next(iter(all_zones.values()))
    parts = [("市场监管局", Dataset(data.enterprises, empty("report"), data.qualifications))]
    for year in range(YEARS[0], YEARS[1] + 1):
        parts.append(
            (
                "统计局",
                Dataset(
                    empty("enterprise"), data.reports.filter(pl.col("year") == year), empty("qualification")
                ),
            )
        )
    t = time.perf_counter()
    for i, (department, ds) in enumerate(parts):
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                zone=first, file_name=f"part{i}.csv", sha256=f"{i:064d}", department=department
            )
            apply_dataset(ds, batch, allowed_zones=all_zones)
            batch.status = ImportBatch.Status.APPLIED
            batch.save()
        _log(f"imported part {i} ({time.perf_counter() - t:.0f}s)")
    out["import_s"] = time.perf_counter() - t
    out["reports"] = data.reports.height
    del data, parts
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # A zone scored before the workers start: its pages are the ones a reader opens during the runs.
    model = load_model(MODEL)
    reader_zone = first
    run = credit.run_scores(reader_zone, YEAR, model, admin)
    zone_admin = User.objects.create_user(
        "zone_admin", password="bench-password-1", role=Role.ZONE_ADMIN, zone=reader_zone
    )
    client = Client()
    client.force_login(zone_admin)
    rng = random.Random(SEED)
    pks = list(Enterprise.objects.filter(scores__run=run).values_list("pk", flat=True))
    ranking = reverse("credit:ranking")
    urls = [f"{ranking}?page={rng.randint(1, max(1, run.scored // 50))}" for _ in range(20)]
    urls += [reverse("registry:enterprise", args=[rng.choice(pks)]) for _ in range(20)]
    rng.shuffle(urls)
    _time_pages(client, urls, None, 6)  # warm
    idle = _time_pages(client, urls, None, 40)
    out["pages_idle"] = {"n": len(idle), "median_ms": statistics.median(idle), "p95_ms": _pct(idle, 0.95)}

    env = dict(os.environ, GAOXIN_TASKS_SYNC="", MEDIA_ROOT=media)
    worker_cmd = [sys.executable, "-m", "django", "gaoxin_worker", "--no-startup-delay", "--interval", "0.2"]
    workers = [subprocess.Popen(worker_cmd, env=env, cwd=ROOT) for _ in range(n_workers)]
    time.sleep(3)  # let them start (they fail abandoned jobs first)
    try:
        for what, submit in (
            ("score", lambda z: credit.submit_run(z, YEAR, model, admin).job_id),
            ("ladder", lambda z: cultivation.submit_assessment(z, YEAR, admin).job_id),
        ):
            if what not in runs:
                continue
            peaks: dict[int, float] = {}
            stop = threading.Event()
            during: list[float] = []

            def reader(stop=stop, during=during) -> None:
                during.extend(_time_pages(client, urls, stop, 10_000))

            t = time.perf_counter()
            ids = [submit(z) for z in all_zones.values()]
            submit_s = time.perf_counter() - t
            thread = threading.Thread(target=reader)
            thread.start()
            try:
                wall = _wait(ids, workers, peaks) + submit_s
            finally:
                stop.set()
                thread.join()
            out[what] = {
                "jobs": len(ids),
                "wall_s": wall,
                "peak_mb": max(peaks.values()),
                "pages_during": {
                    "n": len(during),
                    "median_ms": statistics.median(during) if during else None,
                    "p95_ms": _pct(during, 0.95) if during else None,
                },
            }
            _log(f"{what}: {len(ids)} jobs in {wall:.1f}s, worker peak {max(peaks.values()):.0f} MiB")
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=60)
    return out


def render(facts: dict, r: dict) -> str:
    def ms(p: dict) -> str:
        return "—" if p.get("p95_ms") is None else f"{p['median_ms']:.0f} / {p['p95_ms']:.0f}"

    lines = [
        BEGIN,
        f"Measured {facts['when']} by `make bench-province` on {facts['machine']}, PostgreSQL; "
        f"load average when it started: {facts['load']:.1f}. {r['firms']:,} firms in {r['zones']} zones, "
        f"{r['reports']:,} annual reports {YEARS[0]}–{YEARS[1]}, imported through `apply_dataset` in "
        f"{r['import_s']:.0f} s; {r['workers']} worker process(es) (`manage.py gaoxin_worker`).",
        "",
        "| run over all zones (one job per zone) | jobs | wall s | worker peak RSS MiB | pages during: median / p95 ms (n) |",
        "|---|---:|---:|---:|---|",
    ]
    for what, label in (("score", f"score runs on `{MODEL}`"), ("ladder", "ladder runs (cultivation)")):
        if what not in r:
            lines.append(f"| {label} | not run (`--runs`) | | | |")
            continue
        x = r[what]
        lines.append(
            f"| {label} | {x['jobs']} | {x['wall_s']:.1f} | {x['peak_mb']:,.0f} | "
            f"{ms(x['pages_during'])} ({x['pages_during']['n']}) |"
        )
    lines += [
        "",
        f"Ranking and profile pages of one zone idle: median / p95 {ms(r['pages_idle'])} ms "
        f"over {r['pages_idle']['n']} requests.",
        "",
        "Targets (issue 15, item 4): the score run under a minute and < 4 GB; pages inside their p95 "
        "while it runs — see the figures above for which hold.",
        END,
    ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    body = RESULTS.read_text(encoding="utf-8")
    if BEGIN in body:
        head, rest = body.split(BEGIN, 1)
        body = head + text + rest.split(END, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n## Province-sized runs through the worker\n\n" + text + "\n"
    RESULTS.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--firms", type=int, default=500_000)
    p.add_argument("--zones", type=int, default=50)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--runs", default=",".join(RUNS), help="which runs, of: score,ladder")
    p.add_argument("--no-write", action="store_true", help="print the table, leave results.md alone")
    p.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.phase:
        runs = tuple(x for x in args.runs.split(",") if x in RUNS)
        result = phase(args.firms, args.zones, args.workers, os.environ["MEDIA_ROOT"], runs)
        print(json.dumps(result))
        return 0
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench-province needs DATABASE_URL=postgres://… (a role with CREATEDB)", file=sys.stderr)
        return 2
    name = url.rsplit("/", 1)[1].split("?")[0] + "_province"
    _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    _pg_admin(url, f'CREATE DATABASE "{name}"')
    load = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory() as media:
            env = dict(
                os.environ,
                DATABASE_URL=_with_name(url, name),
                DJANGO_SETTINGS_MODULE="gaoxin.web.settings",
                GAOXIN_TASKS_SYNC="",
                MEDIA_ROOT=media,
                GAOXIN_DATA_DIR=media,
            )
            cmd = [sys.executable, "-m", "bench.province", "--phase", "--firms", str(args.firms)]
            cmd += ["--zones", str(args.zones), "--workers", str(args.workers), "--runs", args.runs]
            proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    facts = {
        "when": time.strftime("%Y-%m-%dT%H:%M%z"),
        "machine": f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores), Python {platform.python_version()}",
        "load": load,
    }
    text = render(facts, result)
    print(text)
    if not args.no_write:
        write_results(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
