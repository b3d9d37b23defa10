"""Reading department files into a Dataset, with every problem found at once.

``read_inputs(paths)`` loads each file (``sources``), maps each sheet's headers onto dictionary fields
(``headers``), parses and checks each sheet (``validate.check_sheet``), merges enterprise and report rows
over all sheets and files (``merge``) and checks the merged rows (conflicts, required fields, relations).
The result holds the valid rows only, every problem, and the rows that were dropped; the caller decides
whether to refuse the whole input (``not result.ok``) or to go on with the valid rows.

Column-level problems (a wrong unit, a duplicated header) leave that column out rather than dropping
every row; file- and sheet-level problems leave that file or sheet out. Both are errors, so a caller that
refuses on errors refuses these too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from gaoxin.data.dataset import Dataset
from gaoxin.data.dictionary import FIELDS
from gaoxin.io import entities
from gaoxin.io import limits as _limits
from gaoxin.io.mapping import TABLES, map_columns
from gaoxin.io.problems import ERROR, WARNING, Problem
from gaoxin.io.sources import LoadError, load
from gaoxin.io.validate import Sheet, check_sheet


@dataclass
class SourceFile:
    path: str
    name: str
    sha256: str
    rows: int  # non-empty data rows read (all sheets)
    tables: tuple[str, ...]  # which tables the file supplied rows for
    encoding: str = ""  # CSV only: utf-8, utf-8-sig, gb18030 (or utf-16)


@dataclass
class ReadResult:
    dataset: Dataset  # valid rows only (rows with any error removed)
    problems: list[Problem]  # errors and warnings
    sources: list[SourceFile]
    # (file, row) dropped for errors; "file:sheet" for a workbook with several sheets (see _label)
    skipped: list[tuple[str, int]] = field(default_factory=list)
    # problems found but not listed: over ``Limits.max_problems`` only the first are kept
    omitted: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def read_file(path: str | Path, limits: _limits.Limits | None = None) -> ReadResult:
    return read_inputs([path], limits)


def read_inputs(paths: Sequence[str | Path], limits: _limits.Limits | None = None) -> ReadResult:
    """Read and check ``paths``; each file is checked against ``limits`` (default: the process's,
    ``gaoxin.io.limits.current()``) before it is parsed, and at most ``limits.max_problems`` problems
    are listed (``omitted`` counts the rest)."""
    lim = limits or _limits.current()
    problems: list[Problem] = []
    sheets: list[Sheet] = []  # the sheets that supply rows, over all files; Sheet.index is the position
    sources: list[SourceFile] = []
    typed: dict[str, list[pl.DataFrame]] = {t: [] for t in TABLES}
    bad: set[tuple[int, int]] = set()  # (sheet index, row) of rows with errors
    workbooks: set[str] = set()  # files with several sheets: their rows are named "file:sheet"
    for path in map(Path, paths):
        try:
            loaded = load(path, lim)
        except LoadError as e:
            problems.append(Problem(path.name, None, None, None, e.zh, None, ERROR, e.en))
            continue
        twin = next((s for s in sources if s.sha256 == loaded.sha256), None)
        if twin is not None:  # the same file twice would double its qualifications
            zh, en = f"与 {twin.name} 内容完全相同，已跳过", f"identical to {twin.name}; skipped"
            problems.append(Problem(loaded.name, None, None, None, zh, None, WARNING, en))
            continue
        file_sheets = []
        if len(loaded.sheets) > 1:
            workbooks.add(loaded.name)
        for raw in loaded.sheets:
            sheet = Sheet(len(sheets), loaded.name, raw)
            problems += map_columns(sheet, workbook=len(loaded.sheets) > 1)
            if sheet.tables:
                sheets.append(sheet)
                file_sheets.append(sheet)
        if not file_sheets and not any(p.file == loaded.name and p.is_error for p in problems):
            zh, en = "文件中没有可识别的数据表", "no sheet with known columns in the file"
            problems.append(Problem(loaded.name, None, None, None, zh, None, ERROR, en))
        for sheet in file_sheets:
            frame, found = check_sheet(sheet, cap=max(lim.max_problems - len(problems), 0))
            problems += found
            bad.update(frame.filter(pl.col("__bad")).select("__sheet", "__row").iter_rows())
            for t in sheet.tables:
                cols = [f.id for f in FIELDS if f.id in frame.columns and (f.table == t or f.id == "uscc")]
                typed[t].append(frame.select("__sheet", "__row", "__bad", "__keyok", *cols))
        tables = tuple(t for t in TABLES if any(t in s.tables for s in file_sheets))
        rows = sum(s.rows for s in file_sheets)
        sources.append(SourceFile(str(path), loaded.name, loaded.sha256, rows, tables, loaded.encoding))

    dataset, found, cause = entities.build(typed, sheets, lim.max_problems)
    # a cell with its own error was read as empty: "missing" on the merged row would say it twice
    own = {(p.file, p.sheet, p.row, p.column) for p in problems if p.is_error and p.row is not None}
    problems += [p for p in found if (p.file, p.sheet, p.row, p.column) not in own]
    # rows with their own (maybe unlisted) errors are not "dropped with another row"
    others, unlisted = entities.collateral(
        {k: v for k, v in cause.items() if k not in bad}, problems, sheets, lim.max_problems
    )
    problems += others
    unlisted += sum(1 for k, v in cause.items() if v is entities.UNLISTED and k in bad)
    bad.update(cause)
    skipped = [(_label(sheets[s], workbooks), r) for s, r in sorted(bad)]
    order = {Path(p).name: i for i, p in reversed(list(enumerate(paths)))}
    listed = _sorted(problems, order, sheets)
    omitted = sum(s.omitted for s in sheets) + unlisted + max(len(listed) - lim.max_problems, 0)
    if omitted:
        listed = listed[: lim.max_problems]
        zh = f"另有 {omitted:,} 条问题未列出（最多列出 {lim.max_problems:,} 条，限制 max_problems）；请先改正以上问题"
        en = f"{omitted:,} more problems not listed (at most {lim.max_problems:,}, limit max_problems)"
        first = Path(paths[0]).name if paths else ""
        listed.append(Problem(first, None, None, None, zh, None, ERROR, en))
    return ReadResult(dataset, listed, sources, skipped, omitted)


def _label(sheet: Sheet, workbooks: set[str]) -> str:
    """How ``skipped`` names a row's file: ``book.xlsx:年报`` when the workbook has several (visible)
    sheets, else just the file name."""
    return f"{sheet.file}:{sheet.name}" if sheet.file in workbooks and sheet.name else sheet.file


def _sorted(problems: list[Problem], files: dict[str, int], sheets: list[Sheet]) -> list[Problem]:
    """Files in input order, file-level problems first, then rows, then columns left to right."""
    sheet_order = {(s.file, s.name): s.index for s in sheets}
    columns = {(s.file, s.name, h.text): h.index for s in sheets for h in s.headers.values()}

    def key(p: Problem) -> tuple:
        return (
            files.get(p.file, -1),
            sheet_order.get((p.file, p.sheet), -1),
            -1 if p.row is None else p.row,
            columns.get((p.file, p.sheet, p.column), -1),
        )

    return sorted(problems, key=key)
