"""``gaoxin demo``: a populated platform from nothing, served on 127.0.0.1.

It creates a fresh SQLite database in the data directory (the old demo database is deleted), migrates
it, brings a synthetic population in through the real import path (``apply_dataset``, one import batch
per zone and source department, so every value has its provenance), scores every zone on
``national-2024`` for 2025, publishes a white-list to a demo bank, creates one account per role and
serves the platform, with one background worker process for the pages' jobs (imports, score runs);
Ctrl-C or SIGTERM stops both. Nothing here computes a number: synth makes the data, the services import, score
and publish, the engine decides.

``configure`` must run before Django's settings are loaded: it points ``GAOXIN_DATA_DIR`` and
``DATABASE_URL`` at the demo directory.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

YEAR = 2025
YEARS = (2021, 2025)
MODEL = "national-2024"
SEED = 2025
PASSWORD = "gaoxin-demo-2025"
BANK = ("demo-bank", "示范科创银行")
LIST_TITLE = "2025 年度成长期 B 级以上企业白名单"
LIST_FILTERS = {"stage": "growth", "grade_min": "B"}

# username, role, Chinese label, English label, what to try first
ACCOUNTS = (
    (
        "admin",
        "platform_admin",
        "系统管理员",
        "System administrator",
        "全部园区、地区、银行 / all zones, regions, banks",
    ),
    (
        "zone_admin",
        "zone_admin",
        "园区管理员",
        "Zone administrator",
        "指挥中心、评分、梯度培育 / command centre, scores, ladder",
    ),
    ("clerk", "clerk", "数据专员", "Data clerk", "导入部门数据 / import files"),
    ("firm", "enterprise", "企业用户", "Enterprise user", "得分与差距、融资、授权 / score, gaps, loans"),
    ("bank", "bank", "银行用户", "Bank user", "白名单、审批放款 / lists, approve loans"),
    # made by the supervision app's demo step (gaoxin.web.supervision.demo), with the same password
    (
        "province",
        "supervisor",
        "省级监管",
        "Provincial supervisor",
        "所辖园区汇总、省级白名单 / zones' figures, a provincial list",
    ),
    ("nation", "supervisor", "国家级监管", "National supervisor", "全国汇总 / the nation's figures"),
    (
        "security",
        "security_admin",
        "安全管理员",
        "Security administrator",
        "账号、解锁、令牌 / accounts, unlocks, tokens",
    ),
    (
        "auditor",
        "audit_admin",
        "审计管理员",
        "Audit administrator",
        "筛选、导出审计日志 / filter and export the log",
    ),
)

# Which department reports which part of the data (one import batch each, per zone).
DEPARTMENTS = (
    ("市场监管局", "enterprises", "企业名录与资质"),  # the register of firms and their qualifications
    ("统计局", "reports", "企业年报"),  # the annual reports
)

Say = Callable[[str], None]

# The later apps each add their part of the demo (``populate(ctx: DemoContext)`` in their demo.py), in
# this order: the ladder reads the register, the firm consents before it applies for a loan, the
# command centre counts what the others made.
DEMO_STEPS = (
    "gaoxin.web.cultivation.demo",
    "gaoxin.web.consent.demo",
    "gaoxin.web.finance.demo",
    "gaoxin.web.investment.demo",
    "gaoxin.web.command.demo",
    "gaoxin.web.benchmark.demo",
    "gaoxin.web.green.demo",
    "gaoxin.web.carriers.demo",
    "gaoxin.web.policy.demo",
    "gaoxin.web.supervision.demo",
)


@dataclass
class DemoContext:
    """What the core demo made, for the apps' demo steps; they add lines to ``report``."""

    data_dir: Path
    year: int
    data: object  # the synthetic Dataset that was imported
    zones: list  # registry Zone objects; the first is the demo zone the accounts belong to
    bank: object
    users: dict  # username → User
    runs: list  # one done ScoreRun per zone, in zone order
    published: object  # the white-list published to the bank
    firm: object  # the enterprise user's firm
    say: Say
    report: list[str] = field(default_factory=list)


class DemoError(Exception):
    pass


@dataclass
class DemoResult:
    data_dir: Path
    database: Path
    zones: list[tuple[str, str, int]] = field(default_factory=list)  # code, name, firms
    reports: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    ranking_xlsx: Path | None = None
    top: str = ""
    extra: list[str] = field(default_factory=list)  # the apps' demo steps' report lines
    enterprise: str = ""  # the enterprise user's firm


def configure(data_dir: Path) -> Path:
    """Point Django at a fresh SQLite file in ``data_dir`` (deleting the old one); set Django up."""
    from django.conf import settings

    if settings.configured:
        raise DemoError("Django is already configured; run the demo in its own process")
    data_dir = data_dir.resolve()
    (data_dir / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise looks there too
    database = data_dir / "gaoxin.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["GAOXIN_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.web.settings"
    os.environ.pop("GAOXIN_TASKS_SYNC", None)
    os.environ["GAOXIN_TASKS"] = "database"  # the pages queue their jobs; the demo's worker runs them
    os.environ["GAOXIN_STATIC"] = "manifest"  # served as production serves them (collectstatic below)

    import django

    django.setup()
    return database


def check_port(port: int) -> None:
    """Fail before the long load if the port is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise DemoError(
                f"端口 {port} 已被占用，请用 --port 换一个 / port {port} is in use; pass --port"
            ) from None


def _frame_hash(*frames) -> str:
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()


def build(
    data_dir: Path, database: Path, enterprises_per_zone: int = 3000, zones: int = 3, say: Say = print
) -> DemoResult:
    """Migrate, import, score, publish and create the accounts; returns what was made and how long."""
    import polars as pl
    from django.core.management import call_command
    from django.db import connection, transaction

    from gaoxin.data import synth
    from gaoxin.data.dataset import Dataset, empty
    from gaoxin.scoring import load_model
    from gaoxin.web.accounts.models import Bank, Role
    from gaoxin.web.credit.services import run_scores
    from gaoxin.web.registry.models import Enterprise, ImportBatch, Zone
    from gaoxin.web.registry.services import apply_dataset

    result = DemoResult(data_dir=data_dir, database=database)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.seconds[name] = now - clock
        clock = now

    call_command("migrate", verbosity=0, interactive=False)
    # A throw-away demo database: no fsync per transaction (the platform itself keeps the default).
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    lap("migrate")
    # Static files under content-hashed names, gzipped, cached by the browser for a year (GAOXIN_STATIC).
    call_command("collectstatic", verbosity=0, interactive=False)
    lap("static files")
    say(f"生成 {zones} 个园区、每园区 {enterprises_per_zone} 家企业的合成数据 / synthesizing …")
    data = population(enterprises_per_zone, zones)
    result.reports = data.reports.height
    lap("synthesize")

    with transaction.atomic():
        zone_objs = [Zone.objects.create(code=code, name=name) for code, name in synth.zones(zones)]
        first = zone_objs[0]
        bank = Bank.objects.create(code=BANK[0], name=BANK[1])
        admin = _user("admin", Role.PLATFORM_ADMIN, "平台管理员")
        zone_admin = _user("zone_admin", Role.ZONE_ADMIN, f"{first.name}管理员", zone=first)
        clerk = _user("clerk", Role.CLERK, f"{first.name}数据专员", zone=first)
        bank_user = _user("bank", Role.BANK, f"{bank.name}客户经理", bank=bank)
    lap("accounts")

    say("经导入流程写入登记库（每园区、每部门一个导入批次）/ importing through the import path …")
    for zone in zone_objs:
        ents = data.enterprises.filter(pl.col("zone") == zone.code)
        usccs = ents["uscc"]
        parts = {
            "enterprises": Dataset(
                ents, empty("report"), data.qualifications.filter(pl.col("uscc").is_in(usccs.implode()))
            ),
            "reports": Dataset(
                empty("enterprise"),
                data.reports.filter(pl.col("uscc").is_in(usccs.implode())),
                empty("qualification"),
            ),
        }
        for department, part, title in DEPARTMENTS:
            ds = parts[part]
            rows = ds.enterprises.height + ds.reports.height + ds.qualifications.height
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    zone=zone,
                    file_name=f"{zone.code}-{department}-{title}-{YEARS[0]}-{YEARS[1]}.csv",
                    sha256=_frame_hash(ds.enterprises, ds.reports, ds.qualifications),
                    department=department,
                    user=clerk,
                    rows=rows,
                )
                applied = apply_dataset(ds, batch, allowed_zones={zone.code: zone})
                batch.status = ImportBatch.Status.APPLIED
                batch.counts = applied.as_dict()
                batch.save()
        result.zones.append((zone.code, zone.name, ents.height))
    lap("import")

    say(f"按 {MODEL} 模型为各园区评分（{YEAR} 年度）/ scoring every zone …")
    model = load_model(MODEL)
    runs = [run_scores(zone, YEAR, model, zone_admin if zone == first else admin) for zone in zone_objs]
    lap("score")

    published = publish_demo_list(runs[0], bank, zone_admin)
    # The enterprise user: a firm from the middle of the published list, so that the bank sees it too
    # and its explanation has levers to show.
    entry = published.entries.select_related("enterprise", "score").order_by("position")
    firm = entry[len(entry) // 2].enterprise if entry else Enterprise.objects.filter(zone=first).first()
    firm_user = _user("firm", Role.ENTERPRISE, f"{firm.name}财务负责人", enterprise=firm)
    result.enterprise = firm.name
    lap("publish")

    import importlib

    ctx = DemoContext(
        data_dir=data_dir,
        year=YEAR,
        data=data,
        zones=zone_objs,
        bank=bank,
        users={
            "admin": admin,
            "zone_admin": zone_admin,
            "clerk": clerk,
            "bank": bank_user,
            "firm": firm_user,
        },
        runs=runs,
        published=published,
        firm=firm,
        say=say,
    )
    for step in DEMO_STEPS:
        importlib.import_module(step).populate(ctx)
        lap(step.split(".")[-2])
    result.extra = ctx.report

    result.ranking_xlsx, result.top = _console_ranking(first, model, data_dir)
    lap("ranking")
    return result


def population(per_zone: int, zones: int):
    """``per_zone`` firms in each of ``zones`` zones, drawn from a synthetic population.

    ``synth`` spreads firms over zones unevenly, as real zones are; the demo wants zones of equal size,
    so it synthesizes enough firms for the smallest zone and keeps a seeded sample of each.
    """
    import polars as pl

    from gaoxin.data import synth
    from gaoxin.data.dataset import Dataset

    total = per_zone * zones
    while True:
        data = synth.synthesize(total, zones=zones, years=YEARS, seed=SEED)
        counts = data.enterprises["zone"].value_counts()
        smallest = counts["count"].min() if counts.height == zones else 0
        if smallest >= per_zone:
            break
        total = int(total * per_zone / max(smallest, 1) * 1.1) + zones
    kept = pl.concat(
        [
            data.enterprises.filter(pl.col("zone") == code).sample(per_zone, seed=SEED).sort("uscc")
            for code, _ in synth.zones(zones)
        ]
    )
    usccs = kept["uscc"].implode()
    return Dataset(
        kept,
        data.reports.filter(pl.col("uscc").is_in(usccs)),
        data.qualifications.filter(pl.col("uscc").is_in(usccs)),
    )


def _user(username: str, role: str, display_name: str, **anchor):
    from gaoxin.web.accounts.models import User

    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, display_name=display_name, **anchor
    )


def publish_demo_list(run, bank, user):
    """The demo white-list: grade B or better in the growth stage (the first 20 firms, in a demo too
    small to have any), published to the demo bank through the credit app's service."""
    from gaoxin.web.credit.services import PublishError, publish_list

    try:
        return publish_list(run, title=LIST_TITLE, filters=dict(LIST_FILTERS), banks=[bank], user=user)
    except PublishError:
        return publish_list(run, title=f"{YEAR} 年度前 20 名", filters={"top": 20}, banks=[bank], user=user)


def _console_ranking(zone, model, data_dir: Path) -> tuple[Path, str]:
    """The first zone's ranking as the CLI shows it, and as a workbook (the engine's own output)."""
    from gaoxin.io.console import top_table
    from gaoxin.io.runinfo import RunInfo
    from gaoxin.io.write import write_scores
    from gaoxin.scoring.engine import score
    from gaoxin.web.registry.services import zone_dataset

    scored = score(model, zone_dataset([zone], years=[YEAR - 1, YEAR]), YEAR)
    frame = scored.frame
    info = RunInfo.for_model(model, YEAR, inputs=[], scored=frame.height, notes=scored.notes)
    path = data_dir / f"ranking-{YEAR}-{zone.code}.xlsx"
    write_scores(frame, model, info, path)
    return path, top_table(frame.sort(["total", "uscc"], descending=[True, False]), model)


def accounts_table() -> str:
    from gaoxin.io.console import table

    rows = [[zh, en, username, PASSWORD, hint] for username, _, zh, en, hint in ACCOUNTS]
    return table(["角色", "Role", "用户名 / user", "密码 / password", "先试试 / try"], rows)


def report(result: DemoResult, port: int | None) -> str:
    total = sum(result.seconds.values())
    firms = sum(n for *_, n in result.zones)
    steps = "，".join(f"{name} {secs:.1f}" for name, secs in result.seconds.items())
    lines = [
        "",
        f"演示平台已就绪 / the demo platform is ready（{total:.0f} 秒 / s：{steps}）",
        "  园区 zones: "
        + "；".join(f"{name}（{code}，{n} 家）" for code, name, n in result.zones)
        + f"；企业 {firms} 家，年报 {result.reports} 份（{YEARS[0]}–{YEARS[1]}）",
        f"  模型 model: {MODEL}，{YEAR} 年度已评分 / scored；白名单已发布给 {BANK[1]} / list published",
        f"  数据库 database: {result.database}",
        *result.extra,
        "",
        f"{result.zones[0][1]} {YEAR} 年度前 10 名 / top 10:",
        result.top,
        f"排名表（Excel）/ ranking workbook: {result.ranking_xlsx}",
        "",
        "演示账号 / demo accounts（企业用户 / enterprise user: " + result.enterprise + "）",
        accounts_table(),
    ]
    if port is not None:
        lines += ["", f"打开 / open:  http://127.0.0.1:{port}/    （Ctrl+C 停止 / to stop）", ""]
    return "\n".join(lines)


def start_worker() -> subprocess.Popen:
    """One background worker (``manage.py gaoxin_worker``) as its own process, on the demo's database.

    It inherits the environment ``configure`` set; on start it marks the jobs a previous demo left
    unfinished as failed."""
    return subprocess.Popen(
        [sys.executable, "-m", "django", "gaoxin_worker", "--no-startup-delay", "--interval", "0.5"],
        env={**os.environ},
        stdin=subprocess.DEVNULL,
    )


def stop_worker(worker: subprocess.Popen, grace: float = 20.0) -> None:
    """Ask the worker to stop (it finishes its task), and kill it if it has not within ``grace`` s."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(grace)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _terminate(signum, frame) -> None:
    raise SystemExit(0)


def serve(port: int) -> None:
    """Serve the platform on 127.0.0.1 with one worker beside it until Ctrl-C or SIGTERM stops both
    (static files through WhiteNoise)."""
    from django.core.management import call_command

    worker = start_worker()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_worker(worker)


def main(
    data_dir: Path,
    port: int = 8000,
    serve_it: bool = True,
    enterprises_per_zone: int = 3000,
    say: Say = print,
) -> DemoResult:
    if serve_it:
        check_port(port)
    database = configure(data_dir)
    result = build(data_dir.resolve(), database, enterprises_per_zone, say=say)
    say(report(result, port if serve_it else None))
    if serve_it:
        serve(port)
    return result
