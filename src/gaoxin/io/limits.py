"""Limits on what an input file may make a reader do, checked BEFORE the file is parsed.

A spreadsheet is a zip of XML; a Parquet file is column chunks with row counts in its footer. Both can
declare far more than they hold: a 1.6 KB xlsx with one cell in A1 and one in XFD1048576 makes the
Excel reader allocate a 1,048,576 × 16,384 grid (549 GB) and abort the process; a 9.7 MB zip holds
2.5 GB of XML; a 165 KB Parquet file declares 200 million rows. ``check_file`` looks at the file
without parsing its cells — the file size, the archive's directory (each member's uncompressed size
and compression ratio, confirmed while streaming), the sheets' declared ``<dimension>`` and the real
extent of their cells (a streamed scan of row and cell references), the Parquet footer's row and
column counts — and raises ``LimitError`` naming the limit before any reader allocates from a
declared size.

``Limits`` holds every bound with a sane default, each overridable by an environment variable
``GAOXIN_<FIELD>`` (``GAOXIN_MAX_FILE_BYTES``, ``GAOXIN_MAX_PROBLEMS`` …; read at import, so the web
process, the task worker and the command line share them); a process may also set its own with
``configure``, and each reader takes ``limits=None`` meaning "the configured ones". The same object
bounds what a reader *produces*: ``max_problems`` (problems collected per import; the rest are only
counted) and ``max_text`` (the longest text a cell may hold).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * MB  # one uploaded or read file
    max_uncompressed_bytes: int = 2048 * MB  # a workbook's members, all together, once unzipped
    max_ratio: int = 200  # uncompressed ÷ compressed, per member larger than 1 MB unzipped
    max_rows: int = 1_048_576  # rows of one sheet (Excel's own maximum) or one Parquet file
    max_columns: int = 1_000  # columns of one sheet or one Parquet file
    max_cells: int = 30_000_000  # rows × columns of one sheet (about 1.5 GB once read)
    max_problems: int = 10_000  # problems kept per import; the rest are counted, not listed
    max_text: int = 2_000  # characters in one text cell

    def describe(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULT = Limits()
ENV_PREFIX = "GAOXIN_"  # GAOXIN_MAX_FILE_BYTES, GAOXIN_MAX_PROBLEMS, … : one variable per field


def from_environ(environ: Mapping[str, str] | None = None) -> Limits:
    """The defaults with any ``GAOXIN_<FIELD>`` variable of ``environ`` (default ``os.environ``) applied:
    the web server, the task worker and the command line read the same settings."""
    env = os.environ if environ is None else environ
    found = {}
    for f in fields(Limits):
        name = ENV_PREFIX + f.name.upper()
        if name in env:
            try:
                found[f.name] = int(env[name].replace("_", ""))
            except ValueError:
                raise ValueError(f"{name} must be a whole number, not {env[name]!r}") from None
            if found[f.name] <= 0:
                raise ValueError(f"{name} must be positive, not {env[name]!r}")
    return replace(DEFAULT, **found)


_current = from_environ()


def configure(limits: Limits | None = None, **overrides: int) -> Limits:
    """Set the process's limits (``None`` → the defaults), with ``overrides`` by field name."""
    global _current
    _current = replace(limits or DEFAULT, **{k: int(v) for k, v in overrides.items() if v is not None})
    return _current


def current() -> Limits:
    return _current


class LimitError(Exception):
    """A file over a limit. ``zh`` is the Chinese reason, ``en`` its gloss, ``limit`` the setting's name
    (a ``Limits`` field) and ``value`` / ``bound`` what was found and what is allowed."""

    def __init__(self, limit: str, value: int, bound: int, zh: str, en: str) -> None:
        super().__init__(zh)
        self.limit, self.value, self.bound, self.zh, self.en = limit, value, bound, zh, en


def _refuse(limit: str, value: int, bound: int, what_zh: str, what_en: str) -> LimitError:
    return LimitError(
        limit,
        value,
        bound,
        f"文件超出限制：{what_zh} {value:,}，上限 {bound:,}（限制 {limit}）；请拆分文件或联系管理员",
        f"the file is over a limit: {what_en} {value:,}, at most {bound:,} (limit {limit}); "
        "split the file or ask an administrator",
    )


def check_size(size: int, limits: Limits | None = None) -> None:
    """The file's size in bytes against ``max_file_bytes`` (an upload is checked before it is stored)."""
    lim = limits or _current
    if size > lim.max_file_bytes:
        raise _refuse("max_file_bytes", size, lim.max_file_bytes, "文件大小（字节）", "file size (bytes)")


def check_file(source: Path | bytes, limits: Limits | None = None, *, suffix: str = "") -> None:
    """Every limit that can be checked without parsing cells; raises ``LimitError``.

    ``source`` is a path or the file's bytes; the kind is told by the content (a zip is a workbook,
    ``PAR1`` a Parquet file), so a renamed file is checked as what it is."""
    lim = limits or _current
    if isinstance(source, Path):
        check_size(source.stat().st_size, lim)
        with open(source, "rb") as f:
            head = f.read(4)
        if head[:2] == b"PK":
            with zipfile.ZipFile(source) as z:
                check_workbook(z, lim)
        elif head == b"PAR1":
            check_parquet(source.read_bytes(), lim)
        return
    check_size(len(source), lim)
    if source[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(source)) as z:
            check_workbook(z, lim)
    elif source[:4] == b"PAR1":
        check_parquet(source, lim)


# --- workbooks ---------------------------------------------------------------------------------------

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?"')
_PREFIX = re.compile(rb"<(\w+):worksheet\b")
_REF = re.compile(rb'\sr="([A-Za-z]*)(\d*)"')
_CHUNK = 4 * MB


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def check_workbook(z: zipfile.ZipFile, limits: Limits | None = None) -> None:
    """The archive's sizes and ratios, then each worksheet's declared and real extent."""
    lim = limits or _current
    total = 0
    for info in z.infolist():
        total += info.file_size
        if info.file_size > MB and info.file_size > lim.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _refuse("max_ratio", ratio, lim.max_ratio, "压缩比", "compression ratio")
    if total > lim.max_uncompressed_bytes:
        raise _refuse(
            "max_uncompressed_bytes",
            total,
            lim.max_uncompressed_bytes,
            "解压后大小（字节）",
            "size unzipped (bytes)",
        )
    streamed = 0
    for info in z.infolist():
        name = info.filename
        if (
            not (name.startswith("xl/worksheets/") and name.endswith(".xml"))
            and name != "xl/sharedStrings.xml"
        ):
            continue
        streamed += _scan_member(z, info, lim, streamed, sheet=name != "xl/sharedStrings.xml")


class _Extent:
    """The farthest row and column a worksheet's cells can land on, fed chunk by chunk.

    The fast path reads only the references of two or more letters (one-letter columns never pass Z);
    a chunk with a cell that does not start ``<c r="`` (another attribute first, or no reference: such
    a cell lands just after the previous one) is read cell by cell, each reference-less cell (or row)
    counted as one more column (or row) — a bound, never less than what the reader will allocate."""

    def __init__(self, prefix: bytes) -> None:
        p = prefix + b":" if prefix else b""
        self.rows = self.cols = self.loose_cells = self.loose_rows = 0
        # a cell tag not followed at once by its reference: no reference, or another attribute first
        self.loose = re.compile(rb"<" + re.escape(p) + rb'c(?:>|/>|\s(?!r="))')
        self.cell_ref = b"<" + p + b'c r="'
        self.wide = re.compile(rb"<" + re.escape(p) + rb'c\s+r="([A-Z]{2,})\d')
        self.cell = re.compile(rb"<" + re.escape(p) + rb"c(?=[\s>/])([^>]*)>")
        self.row = re.compile(rb"<" + re.escape(p) + rb"row(?=[\s>/])([^>]*)>")

    def feed(self, body: bytes) -> None:
        if self.loose.search(body) is None:
            wide = set(self.wide.findall(body))
            if wide:
                self.cols = max(self.cols, _column_number(max(wide, key=lambda s: (len(s), s))))
            elif self.cell_ref in body:
                self.cols = max(self.cols, 26)
        else:
            for m in self.cell.finditer(body):
                ref = _REF.search(m.group(1))
                if ref and ref.group(1):
                    self.cols = max(self.cols, _column_number(ref.group(1)))
                else:
                    self.loose_cells += 1
        for m in self.row.finditer(body):
            ref = _REF.search(m.group(1))
            if ref and ref.group(2):
                self.rows = max(self.rows, int(ref.group(2)))
            else:
                self.loose_rows += 1

    def check(self, lim: Limits) -> None:
        _extent(lim, self.rows + self.loose_rows, self.cols + self.loose_cells, declared=False)


def _scan_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, lim: Limits, before: int, *, sheet: bool) -> int:
    """Stream one member: its real size (a lying directory is caught here) and, for a worksheet, the
    farthest row and column any cell can land on. Returns the bytes read."""
    seen = 0
    tail = b""
    extent: _Extent | None = None
    with z.open(info) as f:
        while chunk := f.read(_CHUNK):
            seen += len(chunk)
            if before + seen > lim.max_uncompressed_bytes:
                raise _refuse(
                    "max_uncompressed_bytes",
                    before + seen,
                    lim.max_uncompressed_bytes,
                    "解压后大小（字节）",
                    "size unzipped (bytes)",
                )
            if not sheet:
                continue
            text = tail + chunk
            cut = text.rfind(b"<")
            body, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            if extent is None:
                m = _PREFIX.search(body)
                extent = _Extent(m.group(1) if m else b"")
                m = _DIMENSION.search(body)
                if m and m.group(3) is not None:
                    c1, r1 = _column_number(m.group(1)), int(m.group(2) or 1)
                    c2, r2 = _column_number(m.group(3)), int(m.group(4) or 1)
                    _extent(lim, abs(r2 - r1) + 1, abs(c2 - c1) + 1, declared=True)
            extent.feed(body)
        if extent is not None:
            extent.feed(tail)
            extent.check(lim)
    return seen


def _extent(lim: Limits, rows: int, cols: int, *, declared: bool) -> None:
    what_zh, what_en = ("声明的", "declared ") if declared else ("", "")
    if rows > lim.max_rows:
        raise _refuse("max_rows", rows, lim.max_rows, f"工作表{what_zh}行数", f"{what_en}rows of a sheet")
    if cols > lim.max_columns:
        raise _refuse(
            "max_columns", cols, lim.max_columns, f"工作表{what_zh}列数", f"{what_en}columns of a sheet"
        )
    if rows * cols > lim.max_cells:
        raise _refuse(
            "max_cells",
            rows * cols,
            lim.max_cells,
            f"工作表{what_zh}单元格数（行×列）",
            f"{what_en}cells (rows × columns)",
        )


# --- Parquet -----------------------------------------------------------------------------------------


def check_parquet(data: bytes, limits: Limits | None = None) -> None:
    """Rows and columns from the footer (no column data is read)."""
    import polars as pl

    lim = limits or _current
    try:
        width = len(pl.read_parquet_schema(io.BytesIO(data)))
        height = pl.scan_parquet(io.BytesIO(data)).select(pl.len()).collect().item()
    except Exception:
        return  # not readable: the reader says so in its own words
    _extent(lim, height, width, declared=True)
    try:  # pyarrow (when installed) also tells the row groups' size once decoded
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        uncompressed = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception:
        return
    if uncompressed > lim.max_uncompressed_bytes:
        raise _refuse(
            "max_uncompressed_bytes",
            uncompressed,
            lim.max_uncompressed_bytes,
            "解压后大小（字节）",
            "size unzipped (bytes)",
        )
