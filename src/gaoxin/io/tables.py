"""Small typed tables in and out of Excel: the zone's own registers (targets, projects, talents, …).

The registry's importer (``read.py``) is built for hundreds of thousands of report rows; the command
centre's tables are a few hundred hand-kept rows each, with their own columns. This module gives them
the same promises at that scale:

- ``read_table(source, columns)`` reads the first sheet (or a named one) of an xlsx, or a CSV (UTF-8,
  with or without BOM, or GB18030), matches headers by Chinese or English name (case, spaces and a
  trailing unit in brackets ignored), converts each cell to its column's kind, and returns the rows
  *and every problem at once* — file, sheet, row as the spreadsheet numbers it, column as written,
  the value as written, the reason in Chinese (English gloss alongside). A caller applies the rows
  only when there are no errors, in one transaction, so a refused file changes nothing.
- ``write_table(target, sheets)`` writes one or more sheets with Chinese headers, a frozen, filterable
  header row and fitted widths; ``template(columns)`` is an empty sheet to fill in.

Values: text → ``str``; int → ``int``; decimal → ``Decimal`` (exact: money in 万元); date →
``datetime.date``; bool → ``True``/``False``; enum → the stored value, accepted as the value itself or
its Chinese label. What a cell may say is the registry reader's vocabulary (``gaoxin.io.cells``: the
same missing markers, numbers, dates — Excel serials too — and yes/no words), so one file means the
same in every upload. Empty cells are ``None``; a required column with an empty cell is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import polars as pl

from gaoxin.data.dictionary import Field
from gaoxin.io import cells, safe
from gaoxin.io import limits as _limits
from gaoxin.io.problems import ERROR, Problem, msg

KINDS = ("text", "int", "decimal", "date", "bool", "enum")


@dataclass(frozen=True)
class Column:
    id: str
    zh: str
    en: str
    kind: str = "text"
    required: bool = False
    choices: Mapping[str, str] | None = None  # enum: stored value → Chinese label
    width: int | None = None  # column width in the written sheet (characters); fitted when None
    max_length: int | None = None  # text: the longest cell (characters); ``Limits.max_text`` when None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column {self.id}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "enum" and not self.choices:
            raise ValueError(f"column {self.id}: an enum column needs choices")


@dataclass
class TableRead:
    rows: list[dict] = field(default_factory=list)  # each with "_row": the spreadsheet row number
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping]  # values by column id; enums written as their Chinese label


R_NO_SHEET = msg("工作簿中没有名为该名称的工作表", "the workbook has no sheet of that name")
R_UNREADABLE = msg(
    "无法读取文件：不是 xlsx 或 CSV 文件，或文件已损坏", "cannot read: not an xlsx or CSV file, or damaged"
)
R_EMPTY = msg("文件中没有表头行", "the file has no header row")
R_MISSING_COLUMN = msg("缺少必填列", "a required column is missing")
R_UNKNOWN_COLUMN = msg("无法识别的列，已忽略", "unknown column, ignored")
R_DUPLICATE_COLUMN = msg("同一列出现了两次", "the same column appears twice")
R_REQUIRED = msg("必填项为空", "required value is empty")
R_INT = msg("应为整数", "must be a whole number")
R_DECIMAL = msg("应为数字", "must be a number")
R_DATE = msg("应为日期，如 2025-03-01", "must be a date such as 2025-03-01")
R_BOOL = msg("应为“是”或“否”", "must be yes or no")
R_ENUM = msg("不是允许的取值", "not one of the allowed values")
R_CONTROL = msg("含有控制字符（如零字节），请删除", "contains a control character (such as NUL)")
# in a text cell: C0 controls but tab, line feed and carriage return (a note may have several lines)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_UNIT = re.compile(r"[（(][^）)]*[）)]\s*$")
_SPACE = re.compile(r"\s+")


def _key(text: object) -> str:
    s = _SPACE.sub("", str(text or "")).casefold()
    return _UNIT.sub("", s)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _field(col: Column) -> Field:
    """The data dictionary's shape of a column, for the registry's cell parsers."""
    kind = {"int": "int", "decimal": "money", "date": "date", "bool": "bool"}.get(col.kind, "text")
    return Field(col.id, col.zh, "report", kind)  # type: ignore[arg-type]


_REASONS = {"int": R_INT, "decimal": R_DECIMAL, "date": R_DATE, "bool": R_BOOL}


def _convert_column(
    col: Column, values: Sequence[object], limits: _limits.Limits | None = None
) -> list[tuple[object, str | None]]:
    """Each cell of one column as (converted value, None) or (None, reason).

    The cell vocabulary is the registry reader's (``gaoxin.io.cells``), so a cell means the same in
    every upload: missing markers (``-``, ``—``, ``n/a``, ``无数据`` …) are empty; numbers take
    full-width digits, thousands separators and ``¥``; dates take ``2025-03-01``, ``2025/3/1``,
    ``2025年3月1日``, ``20250301`` and Excel serial numbers; yes/no takes 是/否, ✓/✗, √/×, 对/错, Y/N,
    1/0, true/false, 有/无. Decimals stay exact (``Decimal`` of the normalised digits). A text cell
    longer than ``max_length`` (or ``Limits.max_text``) or with a control character is an error.
    """
    longest = col.max_length or (limits or _limits.current()).max_text
    texts = [_cell_text(v) for v in values]
    plan = cells.Plan()
    frame = pl.LazyFrame({"raw": texts}, schema={"raw": pl.Utf8}).with_columns(
        cells.clean(pl.col("raw")).alias("s")
    )
    if col.kind == "int":
        cells.integer(plan, "s", "v", _field(col))
    elif col.kind == "decimal":
        cells.number(plan, "s", "v")
    elif col.kind == "date":
        cells.date(plan, "s", "v")
    elif col.kind == "bool":
        cells.boolean(plan, "s", "v")
    else:
        plan.add(0, pl.col("s").alias("v"), pl.lit(None, pl.Utf8).alias(cells.why("v")))
    wanted = ["s", "v", cells.why("v")] + (["v~t"] if col.kind == "decimal" else [])
    got = plan.apply(frame).select(wanted).collect()
    out: list[tuple[object, str | None]] = []
    for i, (value, raw) in enumerate(zip(got["v"].to_list(), values, strict=True)):
        if got["s"][i] is None:
            out.append((None, R_REQUIRED if col.required else None))
        elif isinstance(raw, bool) and col.kind in ("int", "decimal"):
            out.append((None, _REASONS[col.kind]))  # a TRUE cell is not the number 1
        elif col.kind == "text" and _CONTROL.search(got["s"][i]):
            out.append((None, R_CONTROL))
        elif col.kind == "text" and len(got["s"][i]) > longest:
            out.append((None, cells.too_long(longest)))
        elif got[cells.why("v")][i] is not None or value is None:
            out.append((None, _REASONS.get(col.kind, R_ENUM)))
        elif col.kind == "decimal":
            out.append((Decimal(got["v~t"][i]), None))
        elif col.kind == "enum":
            out.append(_enum(col, value))
        else:
            out.append((value, None))
    return out


def _enum(col: Column, text: str) -> tuple[object, str | None]:
    """An enum cell: the stored value or its Chinese label."""
    for stored, label in (col.choices or {}).items():
        if text in (stored, label) or _key(text) == _key(stored):
            return stored, None
    return None, R_ENUM


def _grid(
    source: Path | bytes | BinaryIO, sheet: str | None, limits: _limits.Limits | None = None
) -> tuple[list[list], str | None]:
    """The cells of the sheet as rows of Python values, and the sheet's name (None for CSV)."""
    lim = limits or _limits.current()
    if isinstance(source, Path):
        _limits.check_size(source.stat().st_size, lim)
        data = source.read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read(lim.max_file_bytes + 1)
    _limits.check_file(data, lim)
    if data[:2] == b"PK":  # a zip: xlsx
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        chosen = sheet if sheet is not None else names[0]
        if chosen not in names:
            raise LookupError(chosen)
        return wb.get_sheet_by_name(chosen).to_python(skip_empty_area=False), chosen
    if b"\x00" in data:
        raise ValueError("binary")  # neither a workbook nor text
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("undecodable")
    return [row for row in csv.reader(io.StringIO(text))], None


def read_table(
    source: Path | bytes | BinaryIO,
    columns: Sequence[Column],
    *,
    name: str = "",
    sheet: str | None = None,
    limits: _limits.Limits | None = None,
) -> TableRead:
    """Rows and problems of one table; see the module docstring for what is accepted."""
    name = name or (source.name if isinstance(source, Path) else "upload")
    out = TableRead(sheet=sheet)

    def problem(row, column, value, reason, severity=ERROR):
        out.problems.append(Problem(name, row, column, value, reason, out.sheet, severity, _en(reason)))

    try:
        grid, out.sheet = _grid(source, sheet, limits)
    except LookupError:
        problem(None, None, sheet, R_NO_SHEET)
        return out
    except _limits.LimitError as e:
        out.problems.append(Problem(name, None, None, None, e.zh, out.sheet, ERROR, e.en))
        return out
    except Exception:  # any unreadable upload is the same answer to a clerk
        problem(None, None, None, R_UNREADABLE)
        return out
    skipped = 0  # leading blank rows: the header is the first row with anything in it
    while grid and all(_cell_text(v) == "" for v in grid[0]):
        grid, skipped = grid[1:], skipped + 1
    if not grid:
        problem(None, None, None, R_EMPTY)
        return out
    header_row = skipped + 1
    lookup = {}
    for col in columns:
        for k in (col.id, col.zh, col.en):
            lookup[_key(k)] = col
    positions: dict[str, int] = {}
    for i, raw in enumerate(grid[0]):
        text = _cell_text(raw)
        if text == "":
            continue
        found = lookup.get(_key(text))
        if found is None:
            problem(header_row, text, None, R_UNKNOWN_COLUMN, "warning")
        elif found.id in positions:
            problem(header_row, text, None, R_DUPLICATE_COLUMN)
        else:
            positions[found.id] = i
    headers = {cid: _cell_text(grid[0][i]) for cid, i in positions.items()}
    for col in columns:
        if col.required and col.id not in positions:
            problem(None, col.zh, None, R_MISSING_COLUMN)
    if out.errors:
        return out
    body = [
        (r, line) for r, line in enumerate(grid[1:], start=header_row + 1) if any(_cell_text(v) for v in line)
    ]
    out.rows = [{"_row": r} | {col.id: None for col in columns} for r, _ in body]
    cell_problems: list[
        tuple
    ] = []  # (row, column index, header, value, reason): reported row by row, as the sheet reads
    for col in columns:
        if col.id not in positions:
            continue
        i = positions[col.id]
        values = [line[i] if i < len(line) else None for _, line in body]
        for row, value, (converted, reason) in zip(
            out.rows, values, _convert_column(col, values, limits), strict=True
        ):
            if reason:
                cell_problems.append((row["_row"], i, headers[col.id], _cell_text(value), reason))
            row[col.id] = converted
    cap = (limits or _limits.current()).max_problems
    cell_problems.sort(key=lambda f: (f[0], f[1]))
    for r, _i, header, value, reason in cell_problems[:cap]:
        problem(r, header, value, reason)
    if len(cell_problems) > cap:  # a million bad rows are refused without a million problems
        n = len(cell_problems) - cap
        zh = f"另有 {n:,} 条问题未列出（最多列出 {cap:,} 条，限制 max_problems）；请先改正以上问题"
        en = f"{n:,} more problems not listed (at most {cap:,}, limit max_problems)"
        out.problems.append(Problem(name, None, None, None, zh, out.sheet, ERROR, en))
    return out


def _en(reason: str) -> str:
    from gaoxin.io.problems import EN

    return EN.get(reason, "")


def _display(col: Column, value: object) -> object:
    if value is None:
        return None
    if col.kind == "enum":
        return (col.choices or {}).get(str(value), value)
    if col.kind == "bool":
        return "是" if value else "否"
    if col.kind == "decimal":
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        return float(d) if abs(d) < Decimal(10) ** 15 else str(d)
    return value


def write_table(target: Path | BinaryIO, sheets: Sequence[Sheet]) -> None:
    """An xlsx with one sheet per ``Sheet``: Chinese headers, frozen header row, autofilter."""
    wb = safe.workbook(target if not isinstance(target, Path) else str(target), {"in_memory": True})
    try:
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        text = wb.add_format({"num_format": "@"})
        for sheet in sheets:
            ws = wb.add_worksheet(sheet.title[:31])
            ws.write_row(0, 0, [c.zh for c in sheet.columns], head)
            for r, row in enumerate(sheet.rows, start=1):
                for c, col in enumerate(sheet.columns):
                    v = _display(col, row.get(col.id))
                    if v is None:
                        continue
                    if isinstance(v, dt.date):
                        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date)
                    elif isinstance(v, bool):
                        ws.write_string(r, c, "是" if v else "否")
                    elif isinstance(v, (int, float)):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v), text)
            for c, col in enumerate(sheet.columns):
                longest = max(
                    [
                        len(col.zh) * 2,
                        *(len(str(_display(col, row.get(col.id)) or "")) for row in sheet.rows[:500]),
                    ]
                )
                ws.set_column(c, c, col.width or min(max(longest + 2, 8), 50))
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.columns) - 1)
    finally:
        wb.close()


def template(columns: Sequence[Column], title: str = "模板") -> bytes:
    """An empty sheet with the headers (and, for enums, a data-validation list of the Chinese labels)."""
    buf = io.BytesIO()
    wb = safe.workbook(buf, {"in_memory": True})
    try:
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        ws = wb.add_worksheet(title[:31])
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.zh, head)
            if col.required:
                ws.write_comment(0, c, "必填")
            ws.set_column(c, c, col.width or max(len(col.zh) * 2 + 2, 10))
            if col.kind == "enum":
                ws.data_validation(
                    1, c, 1000, c, {"validate": "list", "source": list((col.choices or {}).values())}
                )
            elif col.kind == "bool":
                ws.data_validation(1, c, 1000, c, {"validate": "list", "source": ["是", "否"]})
        ws.freeze_panes(1, 0)
    finally:
        wb.close()
    return buf.getvalue()


def to_bytes(sheets: Sequence[Sheet]) -> bytes:
    """``write_table`` into memory (for an HTTP response)."""
    buf = io.BytesIO()
    write_table(buf, sheets)
    return buf.getvalue()
