"""The bulk import framework every app's ``bulk_io.py`` shares (xlsx/CSV tables in and out).

An app's import reads a file with ``gaoxin.io.tables.read_table`` (one cell vocabulary with the
registry reader), checks every row (references, rights, duplicates) and collects every problem with its
row, column, value and reason; with any error nothing changes. Either way an **import record** keeps
the file's provenance — who, when, which zone, which table, the file's name and SHA-256, how many rows,
the outcome and every problem (downloadable as an xlsx):

- ``ImportRecord``: the abstract model; an app's ``TableImport(ImportRecord)`` adds its ``zone``
  (with its own related_name) and its ``kind`` choices (``investment.TableImport``,
  ``command.TableImport``);
- ``new_record(Model, zone=…, kind=…, data=…, file_name=…, rows=…, problems=…, user=…)``: the unsaved
  record of one upload (status refused when a problem is an error);
- ``problem_dict``/``problems_of``: problems to and from the record's JSON; ``error_report`` and
  ``problems_xlsx``: the problems as a workbook; ``file_bytes``: an upload's bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.io.problems import ERROR, Problem
from gaoxin.io.tables import Column, Sheet, to_bytes


class ImportRecord(models.Model):
    """One upload of one of an app's tables and what came of it (the app adds ``kind`` choices)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused: errors")

    # zone: declared by each app's model, with its own related_name (``zone.investment_imports`` …)
    kind = models.CharField(max_length=20)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)  # [{file,sheet,row,column,value,reason,…}]
    counts = models.JSONField(default=dict, blank=True)  # {"created": n, "updated": n, "unchanged": n}
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created", "-id"]

    @property
    def applied(self) -> bool:
        return self.status == self.Status.APPLIED


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, each by row (the order a clerk fixes them in)."""
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.row or 0))


def shown_problems(problems: list[Problem]) -> list[dict]:
    """Problems as an import page lists them (and keeps them in the session): warnings say so."""
    return [
        {
            "file": p.file,
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "reason": p.reason if p.is_error else f"警告：{p.reason}",
            "error": p.is_error,
        }
        for p in problems
    ]


def problem_dict(p: Problem) -> dict:
    return {
        "file": p.file,
        "sheet": p.sheet,
        "row": p.row,
        "column": p.column,
        "value": p.value,
        "reason": p.reason,
        "reason_en": p.reason_en,
        "severity": p.severity,
    }


def new_record(
    model: type[ImportRecord],
    *,
    zone,
    kind: str,
    data: bytes,
    file_name: str,
    rows: int,
    problems: Iterable[Problem],
    user,
    counts: dict | None = None,
) -> ImportRecord:
    """The (unsaved) record of one upload: refused when any problem is an error, else applied."""
    problems = list(problems)
    refused = any(p.is_error for p in problems)
    return model(
        zone=zone,
        kind=kind,
        file_name=file_name[:255],
        sha256=sha256(data),
        status=ImportRecord.Status.REFUSED if refused else ImportRecord.Status.APPLIED,
        rows=rows,
        problems=[problem_dict(p) for p in ordered(problems)],
        counts=counts or {},
        user=user if getattr(user, "is_authenticated", False) else None,
    )


def problems_of(record: ImportRecord) -> list[Problem]:
    return [
        Problem(
            p.get("file", ""),
            p.get("row"),
            p.get("column"),
            p.get("value"),
            p.get("reason", ""),
            p.get("sheet"),
            p.get("severity", ERROR),
            p.get("reason_en", ""),
        )
        for p in record.problems
    ]


def error_report(record: ImportRecord) -> bytes:
    """The record's problems as the reader's error workbook."""
    import tempfile
    from pathlib import Path

    from gaoxin.io.problems import write_problems_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "errors.xlsx"
        write_problems_xlsx(problems_of(record), path)
        return path.read_bytes()


PROBLEM_COLUMNS = (
    Column("file", "文件", "file"),
    Column("sheet", "工作表", "sheet"),
    Column("row", "行", "row", "int"),
    Column("column", "列", "column"),
    Column("value", "值", "value"),
    Column("reason", "原因", "reason", width=50),
)


def problems_xlsx(problems: list[dict]) -> bytes:
    """Problem dicts (``problem_dict``, or a page's shortened ones) as a one-sheet workbook."""
    return to_bytes([Sheet("问题", PROBLEM_COLUMNS, problems)])


def file_bytes(upload) -> bytes:
    """The bytes of an uploaded file (Django's ``UploadedFile``)."""
    buf = io.BytesIO()
    for chunk in upload.chunks():
        buf.write(chunk)
    return buf.getvalue()
