"""A copy of a department's file with its problems marked where the person will look: the cell.

``annotate(content, name, problems)`` returns a new xlsx workbook holding every visible sheet of the
file (a CSV or Parquet file becomes one sheet) with the same rows and columns, each value as written,
and on each cell a problem names: a light red fill and a comment giving the reason (several problems
of one cell: one comment, one reason a line). A problem of a whole column marks its header cell; a
problem of a whole row (no column) marks the row's first cell; a problem of the whole file marks
nothing. The row numbers are the spreadsheet's (header = its own row), as the reader reports them.

Cells are copied as values (numbers as numbers, dates as dates, text as text, a formula as its last
result), not with their formatting; the workbook is written row by row (``xlsxwriter``'s constant
memory mode), so a large file costs little memory.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from gaoxin.io.headers import parse_header
from gaoxin.io.problems import Problem
from gaoxin.io.sources import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    HEADER_SCAN_ROWS,
    PARQUET_SUFFIXES,
    LoadError,
    decode,
)

FILL = "#FFC7CE"  # Excel's "light red fill" of its conditional formats
FONT = "#9C0006"
COMMENT_MAX = 2000  # characters of one comment (Excel's own limit is higher; a comment stays readable)

Grid = list[list[object]]


def annotate(content: bytes, name: str, problems: Iterable[Problem]) -> bytes:
    """The file ``content`` (named ``name``: its suffix says how to read it) as an xlsx workbook with
    the cells of ``problems`` filled and commented. Problems of other files are ignored.
    Raises ``LoadError`` when the file cannot be read."""
    sheets = _sheets(content, name)
    marks = _marks(sheets, [p for p in problems if p.file == name], single=len(sheets) == 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "annotated.xlsx"
        _write(path, sheets, marks)
        return path.read_bytes()


# --- reading the file as grids ----------------------------------------------------------------------


def _sheets(content: bytes, name: str) -> list[tuple[str, Grid]]:
    suffix = Path(name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [(_title(name), _csv_grid(content))]
    if suffix in EXCEL_SUFFIXES:
        return _excel_grids(content)
    if suffix in PARQUET_SUFFIXES:
        return [(_title(name), _parquet_grid(content))]
    raise LoadError(f"不支持的文件类型“{suffix}”", f"unsupported file type {suffix!r}")


def _title(name: str) -> str:
    """A worksheet name from a file name (Excel: at most 31 characters, none of []:*?/\\)."""
    stem = Path(name).stem or "Sheet1"
    return "".join("_" if c in "[]:*?/\\" else c for c in stem)[:31]


def _csv_grid(content: bytes) -> Grid:
    """The rows of a CSV file read as the reader reads them (``gaoxin.io.sources``), so row numbers agree."""
    text, _ = decode(content)
    first_line = text.split(b"\n", 1)[0]
    sep = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    try:
        df = pl.read_csv(
            io.BytesIO(text), has_header=False, infer_schema=False, separator=sep, truncate_ragged_lines=True
        )
    except pl.exceptions.NoDataError:
        return []
    except pl.exceptions.ComputeError as e:
        raise LoadError(f"不是可读的 CSV 文件：{e}", f"not a readable CSV file: {e}") from e
    return [list(r) for r in df.rows()]


def _excel_grids(content: bytes) -> list[tuple[str, Grid]]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as e:  # calamine raises several types for damaged or encrypted files
        raise LoadError(f"无法打开 Excel 文件：{e}", f"cannot open the workbook: {e}") from e
    out: list[tuple[str, Grid]] = []
    for meta in wb.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue  # as the reader: hidden sheets hold drop-down lists, not data
        rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        out.append((meta.name, [list[object](r) for r in rows]))
    return out


def _parquet_grid(content: bytes) -> Grid:
    df = pl.read_parquet(io.BytesIO(content))
    return [list(df.columns), *(list(r) for r in df.rows())]


# --- which cells ------------------------------------------------------------------------------------


def _key(text: object) -> str:
    return "" if text is None else str(text).strip()


def _header_columns(grid: Grid) -> dict[str, int]:
    """Header text → 0-based column (and ``""`` → the header's 0-based row), the header found as the
    reader finds it (``sources._split_header``): among the first rows, the one naming the most known
    fields (ties: the first); when none names one, the first row with anything in it."""
    top = [[None if _key(v) == "" else _key(v) for v in row] for row in grid[:HEADER_SCAN_ROWS]]
    if not top:
        return {}
    best, best_count = None, 0
    for i, row in enumerate(top):
        count = sum(parse_header(v, j).field is not None for j, v in enumerate(row) if v)
        if count > best_count:
            best, best_count = i, count
    if best is None:
        best = next((i for i, row in enumerate(top) if any(row)), 0)
    columns: dict[str, int] = {}
    for j, v in enumerate(top[best]):
        if v:
            columns.setdefault(v, j)
    columns[""] = best  # the header row itself, under a key no header has
    return columns


def _marks(sheets: list[tuple[str, Grid]], problems: list[Problem], single: bool) -> dict:
    """(sheet, 0-based row, 0-based column) → the reasons of the problems naming that cell."""
    grids = dict(sheets)
    marks: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    headers: dict[str, dict[str, int]] = {}
    for p in problems:
        if p.row is None and not p.column:
            continue  # the whole file: nothing to point at
        sheet = p.sheet if p.sheet in grids else (sheets[0][0] if single and sheets else None)
        if sheet is None:
            continue
        grid = grids[sheet]
        where = headers.get(sheet)
        if where is None:
            where = headers[sheet] = _header_columns(grid)
        if not where:
            continue
        if p.row is None:  # a column: its header cell
            col = where.get(_key(p.column))
            if col is not None:
                marks[(sheet, where[""], col)].append(p.reason)
            continue
        col = where.get(_key(p.column), 0) if p.column else 0
        marks[(sheet, p.row - 1, col)].append(p.reason)
    return dict(marks)


# --- writing ----------------------------------------------------------------------------------------


def _write(path: Path, sheets: list[tuple[str, Grid]], marks: dict) -> None:
    from gaoxin.io import safe

    wb = safe.workbook(str(path), {"constant_memory": True})  # every writer goes through gaoxin.io.safe
    bad = wb.add_format({"bg_color": FILL, "font_color": FONT})
    bad_date = wb.add_format({"bg_color": FILL, "font_color": FONT, "num_format": "yyyy-mm-dd"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    by_row: dict[tuple[str, int], dict[int, list[str]]] = defaultdict(dict)
    for (sheet, r, c), reasons in marks.items():
        by_row[(sheet, r)][c] = reasons
    for title, grid in sheets:
        ws = wb.add_worksheet(title[:31] or None)
        width = max((len(r) for r in grid), default=0)
        last = max((r for (s, r) in by_row if s == title), default=-1)
        for r in range(max(len(grid), last + 1)):
            row = grid[r] if r < len(grid) else []
            marked = by_row.get((title, r), {})
            for c in range(max(len(row), max(marked, default=-1) + 1, 0)):
                v = row[c] if c < len(row) else None
                reasons = marked.get(c)
                is_date = isinstance(v, (dt.date, dt.datetime))
                fmt = (bad_date if is_date else bad) if reasons else (date if is_date else None)
                _cell(ws, r, c, v, fmt)
                if reasons:
                    text = "\n".join(dict.fromkeys(reasons))
                    ws.write_comment(
                        r, c, text[:COMMENT_MAX], {"author": "gaoxin", "x_scale": 2, "y_scale": 2}
                    )
        if width:
            ws.set_column(0, width - 1, 14)
    wb.close()


def _cell(ws, r: int, c: int, v: object, fmt) -> None:
    if v is None or v == "":
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
        return
    if isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fmt)
    elif isinstance(v, (dt.date, dt.datetime)):
        ws.write_datetime(r, c, v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day), fmt)
    else:
        ws.write_string(r, c, str(v), fmt)  # as written: never turned into a formula or a link
