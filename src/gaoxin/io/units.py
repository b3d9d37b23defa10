"""Reading the unit table of a composite model whose unit is not an enterprise (composite-model.md).

One table — CSV (UTF-8 or GB18030), XLSX (first sheet) or Parquet — one row per unit and year:
``id`` (the unit's code, required, unique per year), ``name`` (required), ``year`` (optional: a file
without it holds one period), then the model's declared fields, headed by id or Chinese name, with or
without a bracketed unit (``研发经费内部支出（亿元）`` for a field declared in 万元 is multiplied by
10,000). Unknown columns are reported and ignored; every cell that does not parse as its field's type
is an error naming file, row, column, value and reason, all at once. A file with any error yields no
table (``UnitRead.frame`` is None), so a refused file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from gaoxin.io.headers import MONEY_UNITS, PERCENT_UNITS
from gaoxin.io.problems import ERROR, WARNING, Problem, msg
from gaoxin.io.tables import _cell_text, _grid
from gaoxin.scoring.model import Model, UnitField

R_UNREADABLE = msg(
    "无法读取文件：不是 CSV、xlsx 或 Parquet 文件，或文件已损坏",
    "cannot read: not a CSV, xlsx or Parquet file, or damaged",
)
R_EMPTY = msg("文件中没有表头行", "the file has no header row")
R_MISSING_COLUMN = msg("缺少必填列", "a required column is missing")
R_UNKNOWN_COLUMN = msg("无法识别的列，已忽略", "unknown column, ignored")
R_DUPLICATE_COLUMN = msg("同一列出现了两次", "the same column appears twice")
R_REQUIRED = msg("必填项为空", "required value is empty")
R_NUMBER = msg("应为数字", "must be a number")
R_YEAR = msg("应为四位年份，如 2025", "must be a year such as 2025")
R_BOOL = msg("应为“是”或“否”", "must be yes or no")
R_DUPLICATE_UNIT = msg("同一单位同一年度出现了两次", "the same unit appears twice for one year")
R_NOTE_UNIT = msg(
    "该字段未声明单位，表头中的单位已忽略", "the field declares no unit; the header's unit is ignored"
)

_TRUE = {"是", "y", "yes", "true", "1", "有", "√"}
_FALSE = {"否", "n", "no", "false", "0", "无", "×"}
_UNIT = re.compile(r"^(.+?)[（(【\[]([^（()）【】\[\]]*)[）)】\]]$")
_FIXED = {
    "id": ("id", "编码", "代码", "单位编码", "园区代码"),
    "name": ("name", "名称"),
    "year": ("year", "年度", "年份"),
}


def _key(text: str) -> str:
    return "".join(str(text).split()).strip("*＊").casefold()


@dataclass
class UnitRead:
    frame: pl.DataFrame | None  # None when any error was found
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


@dataclass(frozen=True)
class _Col:
    target: str  # id, name, year or a field id
    header: str  # as written
    index: int
    field: UnitField | None = None
    factor: Decimal = Decimal(1)  # multiply the cell by this to reach the field's declared unit


def conversion(f: UnitField, unit: str) -> tuple[Decimal, str | None]:
    """(factor, None) or (1, reason) for a header unit ``unit`` on declared field ``f``."""
    u = unit.strip()
    declared = f.unit
    if not u or u == declared:
        return Decimal(1), None
    if declared in MONEY_UNITS and u.removeprefix("人民币") in MONEY_UNITS:
        exp = MONEY_UNITS[u.removeprefix("人民币")] - MONEY_UNITS[declared]
        return Decimal(10) ** exp, None
    if declared == "ratio" and u in PERCENT_UNITS:
        return Decimal("0.01"), None
    if declared == "percent" and u in PERCENT_UNITS:
        return Decimal(1), None
    zh = f"单位“{u}”与字段的单位“{declared}”不符，无法换算"
    return Decimal(1), msg(zh, f"unit {u!r} does not convert to the field's unit {declared!r}")


def unit_template_headers(model: Model) -> list[str]:
    """The Chinese headers of an empty unit table for ``model`` (id, name, year, then the fields)."""
    heads = ["编码", "名称", "年度"]
    for f in model.fields:
        unit = {"ratio": "", "percent": "%"}.get(f.unit, f.unit)
        heads.append(f"{f.name.zh}（{unit}）" if unit else f.name.zh)
    return heads


def _rows_of(path: Path, data: bytes) -> tuple[list[list], str | None]:
    if data[:4] == b"PAR1":
        import io

        frame = pl.read_parquet(io.BytesIO(data))
        return [frame.columns, *[list(r) for r in frame.iter_rows()]], None
    return _grid(data, None)


def read_units(source: str | Path, model: Model, *, data: bytes | None = None, name: str = "") -> UnitRead:
    """The unit table of ``model`` from one file (or its bytes): a typed frame and every problem."""
    path = Path(source)
    label = name or path.name
    out = UnitRead(None)
    where: dict[str, str | None] = {"sheet": None}

    def problem(row, column, value, reason, severity=ERROR):
        from gaoxin.io.problems import EN

        out.problems.append(
            Problem(label, row, column, value, reason, where["sheet"], severity, EN.get(reason, ""))
        )

    try:
        raw = data if data is not None else path.read_bytes()
        grid, where["sheet"] = _rows_of(path, raw)
    except Exception:  # any unreadable file is the same answer to a clerk
        problem(None, None, None, R_UNREADABLE)
        return out
    while grid and all(_cell_text(v) == "" for v in grid[0]):
        grid = grid[1:]
    if not grid:
        problem(None, None, None, R_EMPTY)
        return out
    lookup: dict[str, tuple[str, UnitField | None]] = {}
    for target, names in _FIXED.items():
        for n in names:
            lookup[_key(n)] = (target, None)
    for f in model.fields:
        for n in (f.id, f.name.zh, f.name.en):
            lookup.setdefault(_key(n), (f.id, f))
    cols: dict[str, _Col] = {}
    for i, cell in enumerate(grid[0]):
        text = _cell_text(cell)
        if not text:
            continue
        hit, unit = lookup.get(_key(text)), ""
        if hit is None and (m := _UNIT.match("".join(text.split()))):
            hit, unit = lookup.get(_key(m[1])), m[2]
        if hit is None:
            problem(1, text, None, R_UNKNOWN_COLUMN, WARNING)
            continue
        target, f = hit
        if target in cols:
            problem(1, text, None, R_DUPLICATE_COLUMN)
            continue
        factor = Decimal(1)
        if f is not None and unit:
            if not f.unit:
                problem(1, text, None, R_NOTE_UNIT, WARNING)
            else:
                factor, reason = conversion(f, unit)
                if reason:
                    problem(1, text, None, reason)
        cols[target] = _Col(target, text, i, f, factor)
    for required, zh in (("id", "编码"), ("name", "名称")):
        if required not in cols:
            problem(None, zh, None, R_MISSING_COLUMN)
    if out.errors:
        return out
    records: list[dict] = []
    seen: dict[tuple, int] = {}
    for r, cells in enumerate(grid[1:], start=2):
        if all(_cell_text(v) == "" for v in cells):
            continue
        rec: dict = {}
        for col in cols.values():
            value = cells[col.index] if col.index < len(cells) else None
            converted, reason = _convert(col, value)
            if reason:
                problem(r, col.header, _cell_text(value), reason)
            rec[col.target] = converted
        key = (rec.get("id"), rec.get("year"))
        if rec.get("id") is not None:
            if key in seen:
                problem(r, cols["id"].header, str(rec["id"]), R_DUPLICATE_UNIT)
            seen[key] = r
        records.append(rec)
    out.rows = len(records)
    if out.errors:
        return out
    schema: dict[str, pl.DataType] = {"id": pl.Utf8(), "name": pl.Utf8()}
    if "year" in cols:
        schema["year"] = pl.Int64()
    for f in model.fields:
        schema[f.id] = {"text": pl.Utf8(), "bool": pl.Boolean()}.get(f.type, pl.Float64())
    out.frame = pl.DataFrame(
        [{k: rec.get(k) for k in schema} for rec in records], schema=schema, orient="row"
    )
    return out


def _convert(col: _Col, value: object) -> tuple[object, str | None]:
    text = _cell_text(value)
    required = col.target in ("id", "name")
    if text == "":
        return None, (R_REQUIRED if required else None)
    if col.target in ("id", "name"):
        return text, None
    if col.target == "year":
        if isinstance(value, dt.date):
            return value.year, None
        return (int(text), None) if re.fullmatch(r"\d{4}", text) else (None, R_YEAR)
    f = col.field
    assert f is not None
    if f.type == "text":
        return text, None
    if f.type == "bool":
        k = text.casefold()
        return (True, None) if k in _TRUE else (False, None) if k in _FALSE else (None, R_BOOL)
    if isinstance(value, bool):
        return None, R_NUMBER
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    factor = col.factor
    if cleaned.endswith(("%", "％")):
        cleaned = cleaned[:-1]
        if f.unit == "ratio":
            factor = Decimal("0.01")  # a cell written "12.5%" in a ratio column
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None, R_NUMBER
    if not number.is_finite():
        return None, R_NUMBER
    return float(number * factor), None


def read_unit_files(paths: Sequence[str | Path], model: Model) -> UnitRead:
    """Several files of one model's units, stacked (e.g. one per year); problems from all of them."""
    reads = [read_units(p, model) for p in paths]
    problems = [p for r in reads for p in r.problems]
    if any(r.frame is None for r in reads):
        return UnitRead(None, problems, sum(r.rows for r in reads))
    frames = [r.frame for r in reads if r.frame is not None]
    has_year = {"year" in f.columns for f in frames}
    if len(has_year) > 1:
        problems.append(
            Problem(
                "",
                None,
                "年度",
                None,
                msg("有的文件有年度列，有的没有", "some files have a year column and some do not"),
            )
        )
        return UnitRead(None, problems, sum(r.rows for r in reads))
    frame = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    dup = (
        frame.group_by(["id", *(["year"] if "year" in frame.columns else [])]).len().filter(pl.col("len") > 1)
    )
    if dup.height:
        for unit_id in dup["id"].to_list():
            problems.append(Problem("", None, "编码", unit_id, R_DUPLICATE_UNIT))
        return UnitRead(None, problems, frame.height)
    return UnitRead(frame, problems, frame.height)
