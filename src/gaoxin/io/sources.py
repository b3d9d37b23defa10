"""Loading files into raw sheets: every cell a string (or null), the header row found, nothing parsed yet.

CSV (UTF-8, UTF-8 with BOM or GB18030, detected), Excel workbooks through python-calamine (every visible
worksheet; the caller decides which ones hold known columns) and Parquet through Polars.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from gaoxin.io import limits as _limits
from gaoxin.io.headers import parse_header

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
HEADER_SCAN_ROWS = 10  # a template may put a title (or two) above the header row


class LoadError(Exception):
    """A file that cannot be read at all; the message is Chinese, ``en`` an English gloss."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


@dataclass
class RawSheet:
    name: str | None  # worksheet name; None for CSV and Parquet
    headers: list[str]
    header_row: int  # spreadsheet row number of the header (1-based)
    frame: pl.DataFrame  # the rows below the header: Utf8 columns c0, c1, …

    @property
    def first_row(self) -> int:
        return self.header_row + 1


@dataclass
class LoadedFile:
    path: Path
    name: str
    sha256: str
    encoding: str = ""
    sheets: list[RawSheet] = field(default_factory=list)


def load(path: Path, limits: _limits.Limits | None = None) -> LoadedFile:
    """Read a file into raw sheets; raises LoadError when the file cannot be read at all, or is over
    one of ``limits`` (checked before any cell is parsed: see ``gaoxin.io.limits``)."""
    try:
        _limits.check_size(path.stat().st_size, limits)
        data = path.read_bytes()
        _limits.check_file(data, limits)
    except OSError as e:
        raise LoadError(f"无法读取文件：{e.strerror or e}", f"cannot read the file: {e}") from e
    except _limits.LimitError as e:
        raise LoadError(e.zh, e.en) from e
    except zipfile.BadZipFile as e:
        raise LoadError(f"无法打开 Excel 文件：{e}", f"cannot open the workbook: {e}") from e
    loaded = LoadedFile(path, path.name, hashlib.sha256(data).hexdigest())
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        text, loaded.encoding = decode(data)
        loaded.sheets = [_csv_sheet(text)]
    elif suffix in EXCEL_SUFFIXES:
        loaded.sheets = _excel_sheets(data)
    elif suffix in PARQUET_SUFFIXES:
        loaded.sheets = [_parquet_sheet(data)]
    else:
        raise LoadError(
            f"不支持的文件类型“{path.suffix}”（可用 .csv、.xlsx、.parquet）",
            f"unsupported file type {path.suffix!r} (use .csv, .xlsx or .parquet)",
        )
    return loaded


# --- CSV ---------------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes for Polars, and the encoding detected: BOM → utf-8-sig; valid UTF-8; else GB18030.

    GB18030 is a superset of GBK and GB2312, so it also reads files saved by older Chinese Excel.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            data[3:].decode("utf-8")
        except UnicodeDecodeError as e:
            raise _undecodable(data, e, "UTF-8 (BOM)") from e
        return data[3:], "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError as e:
            raise _undecodable(data, e, "UTF-16") from e
    if _is_utf8(data):
        return data, "utf-8"
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError as e:
        raise _undecodable(data, e, "UTF-8 或 GB18030") from e


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, without building the text: all ASCII (the usual numbers file)
    is told by one pass over the bytes; otherwise the text is decoded in chunks of 1 MB and dropped
    (one 100 MB string would cost more than the check)."""
    if len(data) < _CHUNK or np.frombuffer(data, dtype=np.uint8).max(initial=0) >= 0x80:
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(data)
        try:
            for start in range(0, len(data), _CHUNK):
                decoder.decode(view[start : start + _CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


_CHUNK = 1 << 20


def _undecodable(data: bytes, e: UnicodeDecodeError, tried: str) -> LoadError:
    line = data[: e.start].count(b"\n") + 1
    return LoadError(
        f"无法识别文件编码：不是有效的 {tried} 文本（第 {line} 行附近，第 {e.start + 1} 字节）；"
        "请另存为 UTF-8 或 GB18030 编码的 CSV",
        f"cannot decode the file as {tried} (near line {line}, byte {e.start + 1}); save it as UTF-8 CSV",
    )


def _csv_sheet(text: bytes) -> RawSheet:
    end = text.find(b"\n")  # the first line without copying the rest (bytes.split would)
    first_line = text if end < 0 else text[:end]
    sep = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    try:
        df = pl.read_csv(
            text,
            has_header=False,
            infer_schema=False,  # every column Utf8: parsing is ours, not Polars' guessing
            separator=sep,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.NoDataError:
        raise LoadError("文件为空", "the file is empty") from None
    except pl.exceptions.ComputeError as e:
        raise LoadError(f"不是可读的 CSV 文件：{e}", f"not a readable CSV file: {e}") from e
    df.columns = [f"c{i}" for i in range(df.width)]
    return _split_header(df, None)


# --- Excel -------------------------------------------------------------------------------------------


def _cell(v: object) -> str | None:
    """A calamine cell as the text a person sees (numbers without a spurious .0, dates in ISO form)."""
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _column(name: str, cells: tuple) -> pl.Series:
    """A worksheet column as text. Text-only and number-only columns (the usual ones) skip the per-cell
    Python conversion: 100,000 rows × 40 columns would otherwise cost seconds."""
    kinds = set(map(type, cells))
    if kinds <= {str}:
        return pl.Series(name, cells, dtype=pl.Utf8)
    if kinds <= {str, float} and not any(type(v) is str and v for v in cells):
        f = pl.Series(name, [None if type(v) is str else v for v in cells], dtype=pl.Float64)
        whole = (f == f.floor()) & (f.abs() < 1e16)  # 12345.0 is written 12345
        text = pl.when(whole).then(f.cast(pl.Int64, strict=False).cast(pl.Utf8)).otherwise(f.cast(pl.Utf8))
        return pl.select(text.alias(name)).to_series()
    return pl.Series(name, [_cell(v) for v in cells], dtype=pl.Utf8)


def _excel_sheets(data: bytes) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # calamine raises several types for damaged or encrypted files
        raise LoadError(f"无法打开 Excel 文件：{e}", f"cannot open the workbook: {e}") from e
    sheets = []
    for meta in wb.sheets_metadata:
        # Hidden sheets are where templates keep their drop-down lists; they are not data.
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue
        rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        if not rows:
            continue
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows] if any(len(r) < width for r in rows) else rows
        # Column by column; the top rows (title, header) apart, so the body's columns stay uniform.
        top, body = rows[:HEADER_SCAN_ROWS], rows[HEADER_SCAN_ROWS:]
        names = [f"c{i}" for i in range(width)]
        frame = pl.DataFrame(
            [[_cell(v) for v in r] for r in top], schema=dict.fromkeys(names, pl.Utf8), orient="row"
        )
        if body:
            cols = zip(*body, strict=True)
            frame = pl.concat(
                [frame, pl.DataFrame([_column(n, c) for n, c in zip(names, cols, strict=True)])]
            )
        sheets.append(_split_header(frame, meta.name))
    return sheets


# --- Parquet -----------------------------------------------------------------------------------------


def _parquet_sheet(data: bytes) -> RawSheet:
    try:
        df = pl.read_parquet(io.BytesIO(data))
    except Exception as e:
        raise LoadError(f"无法读取 Parquet 文件：{e}", f"cannot read the Parquet file: {e}") from e
    cols = []
    for i, s in enumerate(df.iter_columns()):
        if s.dtype == pl.Datetime:
            s = s.dt.date()  # a timestamp in a date column is a date
        try:
            cols.append(s.cast(pl.Utf8).alias(f"c{i}"))
        except pl.exceptions.PolarsError:
            cols.append(pl.Series(f"c{i}", [None if v is None else str(v) for v in s], dtype=pl.Utf8))
    return RawSheet(None, list(df.columns), 1, pl.DataFrame(cols, schema=[c.name for c in cols]))


# --- header row --------------------------------------------------------------------------------------


def _split_header(df: pl.DataFrame, sheet: str | None) -> RawSheet:
    """The header is the row (among the first few) that names the most known fields; ties: the first."""
    top = df.head(HEADER_SCAN_ROWS).rows()
    best, best_count = None, 0
    for i, row in enumerate(top):
        count = sum(parse_header(v, j).field is not None for j, v in enumerate(row) if v)
        if count > best_count:
            best, best_count = i, count
    if best is None:  # nothing known: the first non-empty row, so unknown headers get reported
        best = next((i for i, row in enumerate(top) if any(v and v.strip() for v in row)), 0)
    headers = [(v or "").strip() for v in top[best]] if top else []
    return RawSheet(sheet, headers, best + 1, df.slice(best + 1))
