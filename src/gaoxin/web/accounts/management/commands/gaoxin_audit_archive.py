"""Move audit entries past the retention period into a checksummed archive file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gaoxin.web.accounts.services import archive_audit


class Command(BaseCommand):
    help = (
        "把超过保存期（GAOXIN_AUDIT_RETENTION_DAYS，至少 180 天）的审计记录移入带校验和的归档文件 / "
        "move audit entries older than the retention period into a checksummed archive"
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", help="归档目录（默认 $GAOXIN_DATA_DIR/audit-archive）/ archive folder")

    def handle(self, *args, **options):
        try:
            done = archive_audit(Path(options["out"]) if options["out"] else None)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not done["entries"]:
            self.stdout.write(f"无需归档 / nothing older than {done['before']:%Y-%m-%d}")
            return
        self.stdout.write(
            f"已归档 / archived {done['entries']:,} 条 / entries → {done['path']} (SHA-256 {done['sha256']})"
        )
