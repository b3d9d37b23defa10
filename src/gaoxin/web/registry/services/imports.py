"""The import workflow: store a department's file, preview it, refuse it or apply it atomically.

One flow for the web upload and ``gaoxin import``:

1. ``store_upload`` / ``store_paths`` keep the file(s) under ``MEDIA_ROOT/imports/<zone>/<stamp>/`` and
   compute the SHA-256 (one file: the file's hash; several: the hash of their sorted hashes).
2. ``prepare`` creates the ``ImportBatch``. The same content already APPLIED in that zone → DUPLICATE
   (nothing is read, nothing changes). Otherwise the files are read with ``gaoxin.io.read.read_inputs``
   and checked against the register and the user's scope: a row naming a zone the user may not write
   to, an enterprise registered in another zone, or a report of an enterprise the register does not
   know and the file does not introduce — each is an error with its row and column, like the reader's
   own. Any error → REFUSED (nothing changes). A clean file → PREVIEW, awaiting confirmation.
3. ``confirm`` runs ``apply_batch`` as a background job (``gaoxin.web.platform.jobs``); the CLI calls
   ``apply_batch`` directly. ``apply_batch`` checks the stored file's hash, takes the rows the preview
   read (kept as Parquet beside the file; the file is read again if they are missing) and writes them
   with ``services.apply_dataset`` inside one ``transaction.atomic()``: a crash half-way leaves the
   database exactly as it was, and the batch stays PREVIEW so it can be confirmed again.

What the preview shows is stored with the batch: its problems (errors and warnings, as the reader
reports them) as ``ImportProblem`` rows (at most ``PROBLEMS_KEPT``; ``store_problems``), ``mapping``
(each header → field, label, unit, conversion factor) and ``counts``:

- ``counts["preview"]``: ``files`` (names, in reading order), ``tables`` (valid rows per table),
  ``sample`` (the first rows of each table as the register will store them), ``note``, and for a clean
  file ``changes``: the values already in the register it would change, old → new (``planned_changes``);
- for a refused web upload, ``annotated``: the copy of its file with the error cells marked, kept instead
  of the file; a background job makes it (``mark_refused``, job id ``mark_job``) and deletes the file;
- after the apply, the ``ApplyResult`` counts at the top level (``enterprises``/``reports``/
  ``qualifications`` → created/updated/unchanged, ``changes``) and ``applied_at``;
- ``job`` (the background job's id) and, for a duplicate, ``duplicate_of`` (the applied batch's id).

Progress of a running apply is the job's (``gaoxin.web.platform.jobs``): the reading and checking
phases before the transaction are seen at once; inside it, the worker writes progress beside the
transaction on PostgreSQL, and SQLite shows the next phase when the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gaoxin.data.dataset import Dataset
from gaoxin.data.dictionary import BY_ID
from gaoxin.io.headers import parse_header
from gaoxin.io.limits import check_size
from gaoxin.io.problems import ERROR, Problem, write_problems_xlsx
from gaoxin.io.read import ReadResult, read_inputs
from gaoxin.io.sources import LoadError, RawSheet, load
from gaoxin.web.accounts.models import Role
from gaoxin.web.registry.models import (
    ENTERPRISE_COLUMNS,
    REPORT_COLUMNS,
    AnnualReport,
    Enterprise,
    ImportBatch,
    ImportProblem,
    Zone,
)
from gaoxin.web.registry.services import ApplyError, _compare, _fetch, apply_dataset, column_values, shown

Progress = Callable[[float], None]
IMPORT_DIR = "imports"
SAMPLE_ROWS = 10
ANNOTATE_MAX_BYTES = 20 * 1024 * 1024  # a refused file up to this size gets a marked copy to download
PROBLEMS_KEPT = 10_000  # ImportProblem rows per batch (the reader lists at most its max_problems)
CHANGES_SHOWN = 100  # old → new values the preview lists (all of them are counted)
# The source department (free text) is suggested from the ``Department`` records (``bulk_io.department_names``).
TABLE_LABELS = {"enterprise": "企业信息", "report": "年度报表", "qualification": "资质"}

log = logging.getLogger("gaoxin.imports")


class ImportRefused(Exception):
    """A batch that cannot be applied (not awaiting confirmation, has errors, or its file changed)."""


# --- scope: which zones a user's rows may name -------------------------------------------------------


def allowed_zones(user) -> dict[str, Zone]:
    """Zone code → zone for the zones ``user`` may import into.

    A platform administrator (or the command line run without ``--user``: whoever runs it holds the
    database) may name any zone that exists; zone staff only their own zone; everyone else none.
    """
    role = getattr(user, "role", None)
    if user is None or role == Role.PLATFORM_ADMIN:
        return {z.code: z for z in Zone.objects.all()}
    if role in (Role.ZONE_ADMIN, Role.CLERK) and user.zone_id:
        return {user.zone.code: user.zone}
    return {}


def _zone_keys(zones: dict[str, Zone]) -> dict[str, str]:
    """What a file may write in the zone column → the zone's code: the code (any case) or the name."""
    keys: dict[str, str] = {}
    for code, z in zones.items():
        keys[code.lower()] = code
        keys[z.name.strip().lower()] = code
    return keys


def _zone_expr(col: pl.Expr, keys: dict[str, str]) -> pl.Expr:
    return col.str.strip_chars().str.to_lowercase().replace_strict(keys, default=None, return_dtype=pl.Utf8)


# --- storing files -----------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\\/:*?"<>|]')


def safe_name(name: str) -> str:
    """A file name as the user wrote it (Chinese and spaces kept), without any path or unsafe character."""
    base = _UNSAFE.sub("_", Path(str(name).replace("\\", "/")).name).strip(" .")
    return base[-150:] or "upload"


def _new_dir(zone: Zone) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = Path(settings.MEDIA_ROOT) / IMPORT_DIR / zone.code / f"{stamp}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True, exist_ok=False)
    return path


@dataclass
class Stored:
    directory: Path
    names: list[str]  # in reading order
    sha256: str

    @property
    def paths(self) -> list[Path]:
        return [self.directory / n for n in self.names]


def _combined(hashes: Sequence[str]) -> str:
    if len(hashes) == 1:
        return hashes[0]
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


def _unique(name: str, taken: set[str]) -> str:
    out, n = name, 1
    while out in taken:
        n += 1
        stem, dot, ext = name.rpartition(".")
        out = f"{stem}({n}).{ext}" if dot else f"{name}({n})"
    taken.add(out)
    return out


def store_upload(upload, zone: Zone) -> Stored:
    """Keep an uploaded file (Django ``UploadedFile``) under MEDIA_ROOT/imports/; hash it on the way.
    A file over ``gaoxin.io.limits``' ``max_file_bytes`` is refused before anything is written
    (``LimitError``: the request boundary answers 413 with its reason)."""
    check_size(upload.size)
    directory = _new_dir(zone)
    name = safe_name(upload.name)
    digest = hashlib.sha256()
    with open(directory / name, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return Stored(directory, [name], digest.hexdigest())


def store_paths(paths: Iterable[str | Path], zone: Zone) -> Stored:
    """Copy files given on the command line under MEDIA_ROOT/imports/ (the batch keeps its own copy)."""
    directory = _new_dir(zone)
    names, hashes, taken = [], [], set()
    for p in map(Path, paths):
        name = _unique(safe_name(p.name), taken)
        digest = hashlib.sha256()
        with open(p, "rb") as src, open(directory / name, "wb") as out:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        names.append(name)
        hashes.append(digest.hexdigest())
    return Stored(directory, names, _combined(hashes))


def batch_files(batch: ImportBatch) -> list[Path]:
    directory = Path(settings.MEDIA_ROOT) / batch.stored_file
    return [directory / n for n in batch.counts.get("preview", {}).get("files", [])]


def _relative(directory: Path) -> str:
    return str(directory.relative_to(Path(settings.MEDIA_ROOT)))


# --- preview -----------------------------------------------------------------------------------------


def applied_twin(zone: Zone, sha256: str, exclude: int | None = None) -> ImportBatch | None:
    """The batch that already applied this content in this zone, if any."""
    qs = ImportBatch.objects.filter(zone=zone, sha256=sha256, status=ImportBatch.Status.APPLIED)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("user").order_by("created", "pk").first()


def prepare(
    stored: Stored,
    *,
    zone: Zone,
    user,
    department: str = "",
    note: str = "",
    mark: bool = False,
    background: bool = False,
) -> ImportBatch:
    """Create the batch for stored files: DUPLICATE, REFUSED (with every problem) or PREVIEW.

    ``mark`` (the web upload): a refused file is kept until a background job has made its copy with
    the error cells marked (``mark_refused``), which then deletes it; otherwise (the command line,
    which writes its own report) the refused file is deleted at once.

    ``background`` (the web upload): the batch is CHECKING and a job of the task worker reads and
    checks the files (``check_batch``), so that whatever a file does to its reader — however large,
    however malformed — happens in the worker's process, never in the web server's."""
    from gaoxin.web.accounts.services import ZoneDisabled, refuse_disabled_zone

    try:
        refuse_disabled_zone(zone)  # a disabled zone takes no new import (the one check, in accounts)
    except ZoneDisabled:
        shutil.rmtree(stored.directory, ignore_errors=True)
        raise
    names = stored.names
    batch = ImportBatch(
        zone=zone,
        file_name="、".join(names)[:255],
        sha256=stored.sha256,
        department=department.strip()[:100],
        user=user if getattr(user, "pk", None) else None,
        stored_file=_relative(stored.directory),
        counts={"preview": {"files": names, "note": note.strip()}},
    )
    twin = applied_twin(zone, stored.sha256)
    if twin is not None:
        batch.status = ImportBatch.Status.DUPLICATE
        batch.counts["duplicate_of"] = twin.pk
        batch.stored_file = ""  # the applied batch keeps the same content
        shutil.rmtree(stored.directory, ignore_errors=True)
        batch.save()
        return batch
    if background:
        batch.status = ImportBatch.Status.CHECKING
        batch.save()
        return _submit_check(batch, mark)
    try:
        return _preview(batch, stored, zone, user, mark)
    except BaseException:  # a reader that failed (even out of memory) leaves no orphan file behind
        shutil.rmtree(stored.directory, ignore_errors=True)
        raise


def _submit_check(batch: ImportBatch, mark: bool) -> ImportBatch:
    from gaoxin.web.platform import jobs

    # The job, its queued task and its id on the batch commit together: the worker never reads a batch
    # without its job (with immediate jobs, the check has run by the time ``submit`` returns).
    with transaction.atomic():
        job = jobs.submit(
            "import_check",
            functools.partial(check_batch, batch.pk, mark),
            zone=batch.zone,
            user=batch.user,
            message=batch.file_name[:500],
        )
        fresh = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        fresh.counts = {**fresh.counts, "job": job.pk}
        fresh.save(update_fields=["counts"])
    return fresh


UNREADABLE = "文件无法读取或检查时出错，未导入任何数据：{reason}"
UNREADABLE_EN = "the file could not be read or checked; nothing was imported: {reason}"


def check_batch(batch_id: int, mark: bool = False, progress: Progress | None = None) -> dict:
    """The task worker's job for an uploaded file: read and check it (``_preview``), leaving the batch
    PREVIEW or REFUSED. A reader that fails — even with a panic of the Rust reader, a ``BaseException``
    — refuses the batch with the reason and deletes its files; the job itself ends done."""
    report = progress or (lambda _: None)
    batch = ImportBatch.objects.select_related("zone", "user").get(pk=batch_id)
    if batch.status != ImportBatch.Status.CHECKING:
        return {"status": batch.status}
    directory = Path(settings.MEDIA_ROOT) / batch.stored_file
    stored = Stored(directory, list(batch.counts.get("preview", {}).get("files", [])), batch.sha256)
    report(0.1)
    try:
        batch = _preview(batch, stored, batch.zone, batch.user, mark)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        log.warning("import %s: the check failed: %s: %s", batch_id, type(exc).__name__, exc)
        refuse_unreadable(batch_id, f"{type(exc).__name__}: {exc}"[:300])
        return {"status": ImportBatch.Status.REFUSED}
    report(1.0)
    return {"status": batch.status, "errors": batch.error_count}


def refuse_unreadable(batch_id: int, reason: str) -> None:
    """Refuse a batch whose files could not be checked (with ``reason``) and delete its files."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != ImportBatch.Status.CHECKING:
            return
        if batch.stored_file:
            shutil.rmtree(Path(settings.MEDIA_ROOT) / batch.stored_file, ignore_errors=True)
        batch.status = ImportBatch.Status.REFUSED
        batch.stored_file = ""
        batch.error_count = 1
        batch.save(update_fields=["status", "stored_file", "error_count"])
        problem = Problem(
            batch.file_name, None, None, None, UNREADABLE.format(reason=reason), None, ERROR,
            UNREADABLE_EN.format(reason=reason),
        )  # fmt: skip
        ImportProblem.objects.filter(batch=batch).delete()
        store_problems(batch, [problem])


def settle_check(batch: ImportBatch) -> ImportBatch:
    """A CHECKING batch whose job failed (its worker died while reading the file: the platform marks
    such a job failed on the next worker start) is refused with the job's reason."""
    if batch.status != ImportBatch.Status.CHECKING:
        return batch
    job = job_of(batch)
    if job is None or job.status != job.Status.FAILED:
        return batch
    refuse_unreadable(batch.pk, (job.message or "工作进程中断")[:300])
    batch.refresh_from_db()
    return batch


def _preview(batch: ImportBatch, stored: Stored, zone: Zone, user, mark: bool = False) -> ImportBatch:
    result = read_inputs(stored.paths)
    allowed = allowed_zones(user)
    loaded = _load_all(stored.paths)
    problems = _sorted(
        result.problems + scope_problems(loaded, result, allowed, zone), [p.name for p in stored.paths]
    )
    errors = sum(p.is_error for p in problems)
    batch.rows = sum(s.rows for s in result.sources)
    batch.error_count = errors
    batch.mapping = header_mapping(loaded, problems)
    data = result.dataset
    coded = _with_zone_codes(data, allowed)
    batch.counts["preview"] |= {
        "tables": {
            "enterprise": data.enterprises.height,
            "report": data.reports.height,
            "qualification": data.qualifications.height,
        },
        "sample": sample(coded),
    }
    if not errors:
        batch.counts["preview"]["changes"] = planned_changes(coded, allowed)
    batch.status = ImportBatch.Status.REFUSED if errors else ImportBatch.Status.PREVIEW
    markable = bool(errors) and mark and _markable(stored, problems)
    if errors:  # the batch keeps every problem; the refused file itself is not kept
        batch.stored_file = ""
        if markable:  # ... except until its marked copy is made (``mark_refused``)
            batch.counts["mark_from"] = _relative(stored.paths[0])
        else:
            shutil.rmtree(stored.directory, ignore_errors=True)
    else:
        _cache(stored.directory, data)
    batch.save()
    store_problems(batch, problems)
    if markable:
        _submit_marking(batch)
    return batch


def store_problems(batch: ImportBatch, problems: Sequence[Problem]) -> int:
    """Keep ``problems`` as the batch's ``ImportProblem`` rows, in order, after those it has: at most
    ``PROBLEMS_KEPT`` in all; over it, the last row kept says how many more were found (the reader's
    own cap, ``max_problems``, has usually said so already). Returns how many were left out."""
    start = ImportProblem.objects.filter(batch=batch).count()
    room = max(PROBLEMS_KEPT - start, 0)
    kept, rest = list(problems[:room]), max(len(problems) - room, 0)
    if rest and kept:
        rest += 1
        first = kept[-1].file
        zh = f"另有 {rest:,} 条问题未保存（每次导入最多保存 {PROBLEMS_KEPT:,} 条）；请先改正以上问题"
        en = f"{rest:,} more problems not kept (at most {PROBLEMS_KEPT:,} per import)"
        kept[-1] = Problem(first, None, None, None, zh, None, ERROR, en)
    rows = [
        ImportProblem(
            batch=batch,
            seq=start + i,
            severity=p.severity,
            file=p.file or "",
            sheet=p.sheet,
            row=p.row,
            column=p.column,
            value=p.value,
            reason=p.reason,
            reason_en=p.reason_en or "",
        )
        for i, p in enumerate(kept)
    ]
    ImportProblem.objects.bulk_create(rows, batch_size=2000)
    if rest:
        batch.counts = {**batch.counts, "problems_omitted": rest}
        ImportBatch.objects.filter(pk=batch.pk).update(counts=batch.counts)
    return rest


def _markable(stored: Stored, problems: Sequence[Problem]) -> bool:
    """Whether a refused upload gets a marked copy: one file, at most ``ANNOTATE_MAX_BYTES``, and an
    error that names a row or a column of it."""
    if len(stored.names) != 1:
        return False
    path = stored.paths[0]
    try:
        if path.stat().st_size > ANNOTATE_MAX_BYTES:
            return False
    except OSError:
        return False
    return any(p.is_error and p.file == path.name and (p.row is not None or p.column) for p in problems)


def _submit_marking(batch: ImportBatch):
    """Queue ``mark_refused`` for a refused batch (a background job: writing a large workbook takes
    seconds, which a page must not wait for)."""
    from gaoxin.web.platform import jobs

    job = jobs.submit(
        "import_mark",
        functools.partial(mark_refused, batch.pk),
        zone=batch.zone,
        user=batch.user,
        message=batch.file_name[:500],
    )
    with transaction.atomic():
        fresh = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        fresh.counts = {**fresh.counts, "mark_job": job.pk}
        fresh.save(update_fields=["counts"])
    batch.counts = fresh.counts
    return job


def mark_refused(batch_id: int, progress: Progress | None = None) -> dict:
    """The background job of a refused upload: write the copy of its file with the error cells marked
    (``gaoxin.io.annotate``: light red, the reason in a comment) beside where the file was, record it
    as ``counts["annotated"]``, and delete the uploaded file — whatever happens, the file is deleted."""
    from gaoxin.io.annotate import annotate

    report = progress or (lambda _: None)
    batch = ImportBatch.objects.get(pk=batch_id)
    rel = batch.counts.get("mark_from")
    if not rel or batch.status != ImportBatch.Status.REFUSED:
        return {"annotated": False}
    root = (Path(settings.MEDIA_ROOT) / IMPORT_DIR).resolve()
    path = (Path(settings.MEDIA_ROOT) / rel).resolve()
    if not path.is_relative_to(root):
        return {"annotated": False}
    out = path.with_name(f"{path.stem or 'import'}-标注错误.xlsx")
    errors = [p for p in problems_of(batch) if p.is_error]
    report(0.1)
    try:
        content = annotate(path.read_bytes(), path.name, errors)
        out.write_bytes(content)
    except (OSError, LoadError, pl.exceptions.PolarsError):
        content = None
    finally:
        path.unlink(missing_ok=True)
        with transaction.atomic():
            fresh = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            fresh.counts = {k: v for k, v in fresh.counts.items() if k != "mark_from"}
            if content is not None:
                fresh.counts["annotated"] = _relative(out)
            fresh.save(update_fields=["counts"])
    report(1.0)
    return {"annotated": content is not None}


def marking(batch: ImportBatch) -> bool:
    """Whether the marked copy of a refused file is still being made (its job waits or runs)."""
    from gaoxin.web.platform.models import Job

    job_id = batch.counts.get("mark_job")
    if not job_id or "mark_from" not in batch.counts:
        return False
    return Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists()


def annotated_file(batch: ImportBatch) -> Path | None:
    """The refused batch's marked copy of its file (``mark_refused``), if it is on disk."""
    rel = batch.counts.get("annotated")
    if not rel or batch.status != ImportBatch.Status.REFUSED:
        return None
    root = (Path(settings.MEDIA_ROOT) / IMPORT_DIR).resolve()
    path = (Path(settings.MEDIA_ROOT) / rel).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


_CACHE = {
    "enterprises": "enterprises.parquet",
    "reports": "reports.parquet",
    "qualifications": "quals.parquet",
}


def _cache(directory: Path, data: Dataset) -> None:
    """Keep the rows the preview read, so the apply writes exactly them without reading the file again."""
    cache = directory / "dataset"
    cache.mkdir(exist_ok=True)
    for attr, name in _CACHE.items():
        getattr(data, attr).write_parquet(cache / name)


def _cached(batch: ImportBatch) -> Dataset | None:
    cache = Path(settings.MEDIA_ROOT) / batch.stored_file / "dataset"
    try:
        return Dataset(**{attr: pl.read_parquet(cache / name) for attr, name in _CACHE.items()})
    except (OSError, pl.exceptions.PolarsError):
        return None


def _load_all(paths: Sequence[Path]) -> list[tuple[str, list[RawSheet]]]:
    """The raw sheets of each file (for the header mapping and for row numbers of scope problems)."""
    out = []
    for p in paths:
        try:
            out.append((p.name, load(p).sheets))
        except LoadError:
            out.append((p.name, []))  # the reader has already reported why
    return out


def _columns(raw: RawSheet) -> dict[str, int]:
    """Field id → column index, for fields named by exactly one header (as the reader uses them)."""
    seen: dict[str, list[int]] = {}
    for i, text in enumerate(raw.headers):
        h = parse_header(text, i)
        if h.field is not None and h.error is None:
            seen.setdefault(h.field.id, []).append(i)
    return {fid: idx[0] for fid, idx in seen.items() if len(idx) == 1}


def header_mapping(loaded: list[tuple[str, list[RawSheet]]], problems: Sequence[Problem]) -> list[dict]:
    """Each header of each sheet → field, Chinese label, unit as written, canonical unit, factor.

    The field and the unit come from ``gaoxin.io.headers.parse_header``, the function the reader maps
    headers with; ``status`` says whether the reader read the column (a column-level problem of the
    reader names it otherwise: wrong unit, duplicate, unknown header …).
    """
    about = {}
    for p in problems:
        if p.row is None and p.column:
            about.setdefault((p.file, p.sheet, p.column), p)
    out = []
    for file, sheets in loaded:
        for raw in sheets:
            for i, text in enumerate(raw.headers):
                h = parse_header(text, i)
                if not h.text:
                    continue
                f = h.field
                p = about.get((file, raw.name, h.text))
                if f is None:
                    status = "unknown"
                elif p is not None and (p.is_error or "未读取" in p.reason):
                    status = "ignored"
                else:
                    status = "read"
                factor = 0.01 if h.percent else 10.0**h.exp10
                out.append(
                    {
                        "file": file,
                        "sheet": raw.name or "",
                        "column": _letter(i),
                        "header": h.text,
                        "field": f.id if f else "",
                        "label": f.zh if f else "",
                        "table": TABLE_LABELS[f.table] if f and f.id != "uscc" else "",  # uscc: every table
                        "unit": h.unit,
                        "canonical": ("比例（0–1）" if f.type == "ratio" else f.unit) if f else "",
                        "factor": factor,
                        "conversion": _conversion(factor),
                        "status": status,
                        "note": p.reason if p is not None else "",
                    }
                )
    return out


def _letter(index: int) -> str:
    out, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _conversion(factor: float) -> str:
    if factor == 1:
        return ""
    if factor < 1:
        return f"÷{round(1 / factor):,}"
    return f"×{round(factor):,}"


def sample(data: Dataset, n: int = SAMPLE_ROWS) -> dict:
    """The first rows of each table as the register will store them (money in 万元), as text."""
    out = {}
    for table, frame in (
        ("enterprise", data.enterprises),
        ("report", data.reports),
        ("qualification", data.qualifications),
    ):
        if frame.height == 0:
            continue
        head = frame.head(n)
        columns, cells = [], []
        for c in head.columns:
            f = BY_ID.get(c)
            columns.append({"field": c, "label": f.zh if f else c, "unit": f.unit if f else ""})
            values = column_values(c, head[c]) if f is not None and c != "kind" else head[c].to_list()
            cells.append([shown(v) for v in values])
        out[table] = {"columns": columns, "rows": [list(r) for r in zip(*cells, strict=True)]}
    return out


class _Unsaved:
    """The batch ``services._compare`` records in its change rows: the preview has none yet."""

    pk = None
    user_id = None


def planned_changes(data: Dataset, allowed: dict[str, Zone], n: int | None = None) -> dict:
    """The values already in the register that applying ``data`` would change, old → new.

    Found with ``services._compare``, the comparison the apply itself makes (an empty cell erases
    nothing, an equal value is no change), on the same stored values, so what the preview announces is
    what the apply records in the history. ``data`` has the register's zone codes
    (``_with_zone_codes``). Returns ``total`` (values), ``rows`` (changed enterprises / reports) and
    ``shown``: the first ``n`` (default ``CHANGES_SHOWN``) changes as ``uscc``, ``name``, ``year``,
    ``field``, ``old``, ``new`` (the values as the history writes them).
    """
    n = CHANGES_SHOWN if n is None else n
    ents, reps = data.enterprises, data.reports
    usccs = set(ents["uscc"].to_list()) | set(reps["uscc"].to_list())
    out: dict = {"total": 0, "rows": {"enterprise": 0, "report": 0}, "shown": []}
    if not usccs:
        return out
    ent_cols = [f.id for f in ENTERPRISE_COLUMNS if f.id in ents.columns]
    # ``sources`` is what the apply rewrites, not what the preview shows: not fetched (decoding its JSON
    # would be a third of the time), and None for ``_compare``.
    existing = {
        e["uscc"]: e | {"sources": None}
        for e in _fetch(Enterprise.objects.values("pk", "uscc", "zone_id", "name", *ent_cols), "uscc", usccs)
    }
    if not existing:
        return out
    names = {e["pk"]: (e["uscc"], e["name"]) for e in existing.values()}
    unsaved = _Unsaved()

    def take(table: str, diffs) -> None:
        for diff in diffs:
            if diff is None:
                continue
            out["rows"][table] += 1
            for eid, year, fid, old, new, *_ in diff[3]:
                out["total"] += 1
                if len(out["shown"]) < n:
                    uscc, name = names[eid]
                    row = {"uscc": uscc, "name": name, "year": year, "field": fid, "old": old, "new": new}
                    out["shown"].append(row)

    if ents.height:
        written = [*(c for c in ("name", "zone") if c in ents.columns), *ent_cols]
        ent_usccs = ents["uscc"].to_list()
        idx = [i for i, u in enumerate(ent_usccs) if u in existing]
        if idx:
            zone_pk = {code: z.pk for code, z in allowed.items()}
            zone_code = dict(Zone.objects.values_list("pk", "code"))

            def on_zone(old, code):
                pk = zone_pk.get(code)
                return None if pk is None or pk == old["zone_id"] else (pk, zone_code.get(old["zone_id"]))

            olds = [existing[ent_usccs[i]] for i in idx]
            take(
                "enterprise", _compare(ents[idx], olds, written, unsaved, lambda e: (e["pk"], None), on_zone)
            )
    if reps.height:
        cols = [f.id for f in REPORT_COLUMNS if f.id in reps.columns]
        eids = [existing[u]["pk"] if u in existing else None for u in reps["uscc"].to_list()]
        years = reps["year"].to_list()
        qs = AnnualReport.objects.filter(year__in=sorted(set(years))).values(
            "pk", "enterprise_id", "year", *cols
        )
        stored = {
            (r["enterprise_id"], r["year"]): r | {"sources": None}
            for r in _fetch(qs, "enterprise_id", set(names))
        }
        idx = [i for i, k in enumerate(zip(eids, years, strict=True)) if k in stored]
        if idx:
            olds = [stored[(eids[i], years[i])] for i in idx]
            take(
                "report", _compare(reps[idx], olds, cols, unsaved, lambda r: (r["enterprise_id"], r["year"]))
            )
    return out


# --- scope problems, with the spreadsheet's row numbers ----------------------------------------------


def scope_problems(
    loaded: list[tuple[str, list[RawSheet]]], result: ReadResult, allowed: dict[str, Zone], zone: Zone
) -> list[Problem]:
    """Rows the user may not write: another zone, an enterprise of another zone, an unknown enterprise.

    Checked on the rows of the file as written, so each problem has its row and column. A row the reader
    refused is still checked for its zone and its enterprise's zone (both are for the user to fix), but
    not reported as an unknown enterprise (its enterprise row may be the one that was refused).
    """
    # The reader names a refused row "file" or, in a workbook of several data sheets, "file:sheet".
    names = {file for file, _ in loaded}
    refused_rows = set()
    for where, row in result.skipped:
        if where in names:
            refused_rows.add((where, None, row))
        else:
            file = next((f for f in names if where.startswith(f + ":")), where)
            refused_rows.add((file, where[len(file) + 1 :], row))

    def refused(r: dict) -> bool:
        return any(
            k in refused_rows for k in ((r["file"], None, r["row"]), (r["file"], r["sheet"], r["row"]))
        )

    keys = _zone_keys(allowed)
    frames = []
    for file, sheets in loaded:
        for raw in sheets:
            cols = _columns(raw)
            if "uscc" not in cols:
                continue
            frame = raw.frame
            parts = [
                (pl.int_range(pl.len()) + raw.first_row).cast(pl.Int64).alias("row"),
                pl.col(f"c{cols['uscc']}").str.strip_chars().str.to_uppercase().alias("uscc"),
                pl.col(f"c{cols['uscc']}").alias("uscc_text"),
            ]
            zone_col = cols.get("zone")
            parts.append(
                (pl.col(f"c{zone_col}") if zone_col is not None else pl.lit(None, pl.Utf8)).alias("zone")
            )
            part = frame.select(parts).filter(pl.col("uscc").is_not_null() & (pl.col("uscc") != ""))
            part = part.with_columns(
                pl.lit(file).alias("file"),
                pl.lit(raw.name, pl.Utf8).alias("sheet"),
                pl.lit(raw.headers[cols["uscc"]]).alias("uscc_header"),
                pl.lit(raw.headers[zone_col] if zone_col is not None else None, pl.Utf8).alias("zone_header"),
                pl.lit("name" in cols or zone_col is not None).alias("ent"),  # a sheet of enterprise rows
            )
            frames.append(part)
    if not frames:
        return []
    rows = pl.concat(frames, how="vertical_relaxed")
    written = pl.col("zone").str.strip_chars()
    rows = rows.with_columns(
        pl.when(written != "").then(written).alias("zone"),
        _zone_expr(pl.col("zone"), keys).alias("code"),
    )
    problems: list[Problem] = []

    def problem(r: dict, column: str, value: str | None, reason: str, en: str) -> Problem:
        return Problem(r["file"], r["row"], column, value, reason, r["sheet"], ERROR, en)

    allowed_here = "、".join(f"{z.code}（{z.name}）" for z in allowed.values())
    bad_zone = rows.filter(pl.col("zone").is_not_null() & pl.col("code").is_null())
    for r in bad_zone.iter_rows(named=True):
        if len(allowed) == 1:
            reason = f"只能导入本园区的企业：{allowed_here}"
            en = f"you may import only into {zone.code}"
        elif allowed:
            reason = "平台上没有这个园区（请填写园区代码或名称）"
            en = "no such zone on the platform"
        else:
            reason, en = "无权导入任何园区", "you may not import into any zone"
        problems.append(problem(r, r["zone_header"], r["zone"], reason, en))

    usccs = rows["uscc"].unique().to_list()
    registered = pl.DataFrame(
        _fetch(Enterprise.objects.values_list("uscc", "zone_id"), "uscc", usccs),
        schema={"uscc": pl.Utf8, "zone_id": pl.Int64},
        orient="row",
    )
    allowed_ids = [z.pk for z in allowed.values()]
    introduced = result.dataset.enterprises["uscc"].implode()
    rows = rows.join(registered, on="uscc", how="left")
    foreign = pl.col("zone_id").is_not_null() & ~pl.col("zone_id").is_in(allowed_ids)
    unknown = pl.col("zone_id").is_null() & ~pl.col("uscc").is_in(introduced) & pl.col("code").is_null()
    candidates = rows.filter((pl.col("code").is_not_null() | pl.col("zone").is_null()) & (foreign | unknown))
    # An enterprise whose own row the reader refused: its other rows point at that row (the file did
    # give its name and zone, in a row with errors).
    unknown_usccs = candidates.filter(~foreign)["uscc"].unique().implode()
    bad_rows: dict[str, dict] = {}
    for r in rows.filter(pl.col("ent") & pl.col("uscc").is_in(unknown_usccs)).iter_rows(named=True):
        if refused(r):
            bad_rows.setdefault(r["uscc"], r)
    for r in candidates.with_columns(foreign.alias("foreign")).iter_rows(named=True):
        bad = bad_rows.get(r["uscc"])
        if r["foreign"]:
            reason, en = "这家企业已登记在其他园区，无权修改", "this enterprise belongs to another zone"
        elif refused(r):
            continue  # the row's own errors are listed
        elif bad is not None:
            at = _place(bad, r)
            reason = f"这家企业的企业信息行（{at}）有错误，请先改正该行"
            en = f"the enterprise row of this firm ({bad['file']} row {bad['row']}) has errors: correct it first"
        else:
            reason = "平台中没有这家企业，且文件未提供其企业名称和所在园区（请先导入或同时导入企业信息）"
            en = "unknown enterprise and the file gives no name and zone for it"
        problems.append(problem(r, r["uscc_header"], r["uscc_text"], reason, en))
    return problems


def _place(at: dict, here: dict) -> str:
    """Where row ``at`` is, said from row ``here``: 第 N 行, with its sheet or file when they differ."""
    if at["file"] != here["file"]:
        sheet = f"工作表 {at['sheet']} " if at["sheet"] else ""
        return f"{at['file']} {sheet}第 {at['row']} 行"
    if at["sheet"] != here["sheet"] and at["sheet"]:
        return f"工作表 {at['sheet']} 第 {at['row']} 行"
    return f"第 {at['row']} 行"


def _sorted(problems: list[Problem], files: list[str]) -> list[Problem]:
    """Files in reading order, then sheets as first met, then rows (stable: the reader's order stays)."""
    order = {name: i for i, name in enumerate(files)}
    sheets: dict[tuple, int] = {}
    for p in problems:
        sheets.setdefault((p.file, p.sheet), len(sheets))
    return sorted(
        problems,
        key=lambda p: (order.get(p.file, -1), sheets[(p.file, p.sheet)], -1 if p.row is None else p.row),
    )


_PROBLEM_FIELDS = ("file", "row", "column", "value", "reason", "sheet", "severity", "reason_en")


def problem_rows(batch: ImportBatch, severity: str | None = None):
    """The batch's ``ImportProblem`` rows in their order (only errors or warnings: ``severity``). The
    batch is one the caller may see (``scoping.visible``); its problems go with it."""
    qs = ImportProblem.objects.filter(batch=batch).order_by("seq")
    return qs if severity is None else qs.filter(severity=severity)


def problem_dicts(batch: ImportBatch) -> list[dict]:
    """The batch's problems as dicts (``file``, ``sheet``, ``row``, ``column``, ``value``, ``reason``,
    ``severity``, ``reason_en``), in their order."""
    return list(problem_rows(batch).values(*_PROBLEM_FIELDS))


def problems_of(batch: ImportBatch) -> list[Problem]:
    return [Problem(**p) for p in problem_dicts(batch)]


def write_error_report(batch: ImportBatch, path: Path) -> Path:
    """The batch's problems as the reader's xlsx report (文件 工作表 行 列 值 原因 级别)."""
    write_problems_xlsx(problems_of(batch), path)
    return path


# --- applying ----------------------------------------------------------------------------------------


def _with_zone_codes(data: Dataset, allowed: dict[str, Zone]) -> Dataset:
    """Zone names (or codes in another case) in the file → the zone's code, as the register stores it."""
    ents = data.enterprises
    if "zone" not in ents.columns or ents.height == 0:
        return data
    keys = _zone_keys(allowed)
    ents = ents.with_columns(pl.coalesce(_zone_expr(pl.col("zone"), keys), pl.col("zone")).alias("zone"))
    return Dataset(ents, data.reports, data.qualifications)


def apply_batch(batch_id: int, progress: Progress | None = None) -> dict:
    """Apply a previewed batch: re-read its stored file, write it in one transaction. Returns a summary.

    Raises ``ImportRefused`` when the batch is not awaiting confirmation or its file changed. Rows the
    register refuses at this point (the register changed since the preview) make the batch REFUSED.
    Any other failure rolls the whole import back and leaves the batch awaiting confirmation.
    """
    batch = ImportBatch.objects.select_related("zone", "user").get(pk=batch_id)
    if batch.status != ImportBatch.Status.PREVIEW or batch.error_count:
        raise ImportRefused(f"batch {batch.pk} is {batch.status}, not awaiting confirmation")
    report = progress or (lambda _: None)
    report(0.0)
    paths = batch_files(batch)
    hashes = []
    for p in paths:
        try:
            hashes.append(hashlib.sha256(p.read_bytes()).hexdigest())
        except OSError as e:
            raise ImportRefused(f"the stored file is missing: {p.name}") from e
    if _combined(hashes) != batch.sha256:
        raise ImportRefused("the stored file changed since the preview")
    data = _cached(batch)
    if data is None:  # no cache (or a damaged one): read the file again, as the preview did
        result = read_inputs(paths)
        if result.errors:  # cannot happen for a file previewed clean, unless the reader changed
            _refuse(batch, result.errors)
            return {"status": ImportBatch.Status.REFUSED, "errors": len(result.errors)}
        data = result.dataset
    report(0.3)
    allowed = allowed_zones(batch.user)
    data = _with_zone_codes(data, allowed)
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportBatch.Status.PREVIEW:
                return {"status": locked.status}
            twin = applied_twin(locked.zone, locked.sha256, exclude=locked.pk)
            if twin is not None:
                locked.status = ImportBatch.Status.DUPLICATE
                locked.counts = {**locked.counts, "duplicate_of": twin.pk}
                locked.save(update_fields=["status", "counts"])
                return {"status": locked.status, "duplicate_of": twin.pk}
            applied = apply_dataset(
                data, locked, allowed_zones=allowed, progress=lambda f: report(0.32 + 0.66 * f)
            )
            locked.status = ImportBatch.Status.APPLIED
            locked.counts = {**locked.counts, **applied.as_dict(), "applied_at": timezone.now().isoformat()}
            locked.save(update_fields=["status", "counts"])
    except ApplyError as e:
        _refuse(batch, [_apply_problem(batch, p) for p in e.problems])
        return {"status": ImportBatch.Status.REFUSED, "errors": len(e.problems)}
    report(1.0)
    return {"status": ImportBatch.Status.APPLIED, **applied.as_dict()}


def _apply_problem(batch: ImportBatch, p: dict) -> Problem:
    field = BY_ID.get(p.get("column") or "")
    return Problem(
        batch.file_name,
        None,
        field.zh if field else p.get("column"),
        p.get("value"),
        p["reason"],
        None,
        ERROR,
    )


def _refuse(batch: ImportBatch, errors: list[Problem]) -> None:
    """The batch refused at the apply: ``errors`` replace its problems, its warnings stay after them."""
    warnings = [p for p in problems_of(batch) if p.severity != ERROR]
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.REFUSED, error_count=len(errors)
        )
        ImportProblem.objects.filter(batch=batch).delete()
        store_problems(batch, [*errors, *warnings])


def confirm(batch: ImportBatch, user):
    """Start applying a previewed batch as a background job; returns the Job."""
    from gaoxin.web.accounts.services import refuse_disabled_zone
    from gaoxin.web.platform import jobs
    from gaoxin.web.platform.models import Job

    refuse_disabled_zone(batch.zone)  # a disabled zone takes no new import
    if batch.status != ImportBatch.Status.PREVIEW or batch.error_count:
        raise ImportRefused(f"batch {batch.pk} is {batch.status}, not awaiting confirmation")
    running = job_of(batch)
    if running is not None and running.status in (Job.Status.QUEUED, Job.Status.RUNNING):
        return running
    pk = batch.pk
    with transaction.atomic():  # the job, its queued task and its id on the batch commit together
        job = jobs.submit(
            "import",
            functools.partial(apply_batch, pk),
            zone=batch.zone,
            user=user,
            message=batch.file_name[:500],
        )
        fresh = ImportBatch.objects.select_for_update().get(pk=pk)
        fresh.counts = {**fresh.counts, "job": job.pk}
        fresh.save(update_fields=["counts"])
    batch.refresh_from_db()
    return job


def job_of(batch: ImportBatch):
    from gaoxin.web.platform.models import Job

    job_id = batch.counts.get("job")
    return Job.objects.filter(pk=job_id).first() if job_id else None


def status(batch: ImportBatch) -> dict:
    """What the progress endpoint answers: the batch's status and its job's progress."""
    from gaoxin.web.platform.models import Job

    job = job_of(batch)
    out = {"batch": batch.pk, "status": batch.status, "job": None, "progress": None, "done": True}
    if job is None:
        out["done"] = batch.status != ImportBatch.Status.PREVIEW
        return out
    out.update(
        job=job.status,
        progress=round(job.progress, 4),
        done=job.status in (Job.Status.DONE, Job.Status.FAILED),
        failed=job.status == Job.Status.FAILED,
    )
    return out


def applied_at(batch: ImportBatch) -> dt.datetime:
    """When a batch was applied (its creation time for batches applied before this was recorded)."""
    text = batch.counts.get("applied_at")
    try:
        return dt.datetime.fromisoformat(text) if text else batch.created
    except ValueError:
        return batch.created
