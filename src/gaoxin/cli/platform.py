"""Platform commands: the ones that need Django and the platform database (demo, import, backup,
restore).

Kept apart from the pure commands so that ``gaoxin score`` and friends never import Django, and so
that the pure core never depends on the web app (the import-linter contracts check both).
"""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from gaoxin.cli.commands import EXIT_BAD_INPUT, CliError
from gaoxin.cli.progress import Progress
from gaoxin.io.console import table


def cmd_demo(args: Namespace, progress: Progress) -> int:
    """Build the demo platform from nothing (fresh SQLite, synthetic zones, scores, a published list,
    one account per role) and serve it on 127.0.0.1 with one background worker beside the web server;
    Ctrl-C or SIGTERM stops both (see ``gaoxin.web.platform.demo``)."""
    from gaoxin.web.platform import demo

    try:
        demo.main(
            Path(args.data_dir),
            port=args.port,
            serve_it=not args.no_serve,
            enterprises_per_zone=args.enterprises,
            say=lambda text: print(text, flush=True),
        )
    except demo.DemoError as exc:
        raise CliError(str(exc)) from None
    return 0


# --- import ----------------------------------------------------------------------------------------


def _django(data_dir: str | None) -> None:
    """Set Django up for a command that uses the platform database (only here: the rest needs none)."""
    import os

    if data_dir:
        from django.conf import settings

        if not settings.configured:
            directory = Path(data_dir).resolve()
            os.environ["GAOXIN_DATA_DIR"] = str(directory)
            os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory / 'gaoxin.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.web.settings")
    import django

    django.setup()


def cmd_import(args: Namespace, progress: Progress) -> int:
    """Import department files into the register: the web upload's checks, preview and atomic apply.

    Errors (the reader's, and rows outside the user's zones) → the table on the terminal, the xlsx
    report, exit 2, nothing changed. The same content already imported into the zone → a note, exit 0,
    nothing changed. Otherwise the files are applied in one transaction and the counts printed. The
    database must exist: run ``gaoxin demo`` or ``python manage.py migrate`` first (this command never
    creates or migrates a database, so a mistyped DATABASE_URL cannot create an empty platform).
    """
    for path in args.files:
        if not Path(path).is_file():
            raise CliError(f"找不到文件 / no such file: {path}", EXIT_BAD_INPUT)
    _django(args.data_dir)
    import logging

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from gaoxin.io.problems import format_problems
    from gaoxin.web.accounts.models import User
    from gaoxin.web.accounts.scoping import audit, can_write, may
    from gaoxin.web.registry.models import ImportBatch, Zone
    from gaoxin.web.registry.services import imports as service

    if "registry_importbatch" not in connection.introspection.table_names():
        where = settings.DATABASES["default"]["NAME"]
        raise CliError(
            f"数据库 {where} 还没有平台的数据表：请先运行 `gaoxin demo`，或 `uv run python manage.py migrate` 并创建园区。\n"
            f"The database {where} has no platform tables: run `gaoxin demo`, or `uv run python manage.py "
            "migrate` and create the zone first."
        )
    zone = Zone.objects.filter(code=args.zone).first()
    if zone is None:
        known = "、".join(Zone.objects.order_by("code").values_list("code", flat=True)) or "（无 / none）"
        raise CliError(
            f"没有园区 {args.zone} / no zone {args.zone}; 现有园区 / zones: {known}", EXIT_BAD_INPUT
        )
    user = None
    if args.user:
        user = User.objects.filter(username=args.user).first()
        if user is None:
            raise CliError(f"没有用户 {args.user} / no user {args.user}", EXIT_BAD_INPUT)
        if not (may(user, "import") and can_write(user, ImportBatch(zone=zone))):
            raise CliError(
                f"用户 {args.user} 无权导入园区 {zone.code} / {args.user} may not import into {zone.code}",
                EXIT_BAD_INPUT,
            )

    with progress.step("读取与检查 / reading and checking"):
        stored = service.store_paths(args.files, zone)
        batch = service.prepare(stored, zone=zone, user=user, department=args.department, note=args.note)
    audit(user, "import_upload", batch, file=batch.file_name, status=batch.status, via="cli")
    if batch.status == ImportBatch.Status.DUPLICATE:
        twin = ImportBatch.objects.select_related("user").get(pk=batch.counts["duplicate_of"])
        when = timezone.localtime(service.applied_at(twin)).strftime("%Y-%m-%d %H:%M")
        who = str(twin.user) if twin.user else "命令行 / command line"
        print(
            f"此文件已于 {when} 由 {who} 导入（导入批次 #{twin.pk}），未做任何更改。\n"
            f"This file was already imported on {when} by {who} (import #{twin.pk}); nothing changed."
        )
        return 0
    problems = service.problems_of(batch)
    warnings = [p for p in problems if not p.is_error]
    if warnings:
        print(f"提示 / warnings ({len(warnings)}):\n{format_problems(warnings, limit=20)}")
    if batch.status == ImportBatch.Status.REFUSED:
        errors = [p for p in problems if p.is_error]
        report = (
            Path(args.errors)
            if args.errors
            else Path(args.files[0]).with_name(Path(args.files[0]).stem + "-errors.xlsx")
        )
        service.write_error_report(batch, report)
        print(f"数据错误 / errors ({len(errors)}):\n{format_problems(errors, limit=50)}")
        print(f"完整错误报告 / full error report: {report}")
        raise CliError(
            f"文件有误，未导入，数据未做任何更改（导入批次 #{batch.pk}）。\n"
            f"The input has errors; nothing was imported or changed (import #{batch.pk}).",
            EXIT_BAD_INPUT,
        )
    try:
        result = service.apply_batch(batch.pk, progress.fraction("写入 / writing"))
    except Exception as exc:  # the transaction was rolled back; the log keeps the traceback
        logging.getLogger("gaoxin.import").exception("import %s failed", batch.pk)
        raise CliError(
            f"导入失败，数据未做任何更改（导入批次 #{batch.pk}）/ the import failed, nothing changed: {exc}"
        ) from None
    if result["status"] != ImportBatch.Status.APPLIED:
        batch.refresh_from_db()
        errors = [p for p in service.problems_of(batch) if p.is_error]
        if errors:
            print(format_problems(errors, limit=50))
        raise CliError(
            f"未导入，数据未做任何更改 / not imported, nothing changed ({result['status']})", EXIT_BAD_INPUT
        )
    audit(user, "import_apply", batch, file=batch.file_name, status=result["status"], via="cli")
    labels = {
        "enterprises": "企业 / enterprises",
        "reports": "年报 / reports",
        "qualifications": "资质 / qualifications",
    }
    rows = [[labels[k], result[k]["created"], result[k]["updated"], result[k]["unchanged"]] for k in labels]
    print(f"已导入 {zone.code}（{zone.name}），导入批次 #{batch.pk} / imported as #{batch.pk}:")
    print(
        table(["表 / table", "新增 / created", "更新 / updated", "未变 / unchanged"], rows, right={1, 2, 3})
    )
    print(f"记录变更 / changes recorded: {result['changes']}")
    return 0


# --- backup and restore ----------------------------------------------------------------------------


def cmd_backup(args: Namespace, progress: Progress) -> int:
    """Write the platform's database and files to one archive and its .sha256 (``web.platform.backup``)."""
    _django(args.data_dir)
    from gaoxin.web.platform.backup import BackupError, backup

    try:
        with progress.step("备份 / backing up"):
            done = backup(Path(args.out))
    except BackupError as exc:
        raise CliError(str(exc)) from None
    files = sum(1 for name in done["members"] if name.startswith("files/"))
    print(
        f"已备份 / backed up: {done['path']}（{done['engine']}，{files:,} 个文件 / files）\n"
        f"SHA-256: {done['sha256']}（{done['path']}.sha256）"
    )
    return 0


def cmd_restore(args: Namespace, progress: Progress) -> int:
    """Check a backup's checksums, then replace the platform's database and files with it."""
    _django(args.data_dir)
    from gaoxin.web.platform.backup import BackupError, restore

    try:
        with progress.step("核对并恢复 / verifying and restoring"):
            manifest = restore(Path(args.archive), force=args.force)
    except BackupError as exc:
        raise CliError(str(exc), EXIT_BAD_INPUT) from None
    print(
        f"已恢复 / restored: {args.archive}（{manifest['engine']}，备份于 / made {manifest['created']}，"
        f"代码版本 / code {manifest['code_version']}）"
    )
    return 0
