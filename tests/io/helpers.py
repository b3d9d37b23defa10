"""Helpers for the reader tests: valid USCCs and small input files written into tmp_path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from gaoxin.io import uscc
from gaoxin.io.problems import Problem
from gaoxin.io.read import ReadResult


def code(i: int, prefix: str = "91350100M") -> str:
    """A valid USCC, distinct for each i."""
    first17 = f"{prefix}{i:0{17 - len(prefix)}d}"
    return first17 + uscc.check_char(first17)


def csv_text(rows: Sequence[Sequence[object]]) -> str:
    """Comma-separated text; cells with a comma or quote are quoted."""

    def cell(v: object) -> str:
        s = "" if v is None else str(v)
        return f'"{s.replace(chr(34), chr(34) * 2)}"' if any(c in s for c in ',"\n') else s

    return "".join(",".join(cell(v) for v in row) + "\n" for row in rows)


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]], hidden: Iterable[str] = ()) -> Path:
    """Each sheet's rows; dates and datetimes become real date cells, numbers number cells."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, v, date_fmt)
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        if name in hidden:
            ws.hide()
    wb.close()
    return path


def where(result: ReadResult, row: int | None = None, column: str | None = None) -> list[Problem]:
    """The problems at a row and/or column."""
    return [
        p for p in result.problems if (row is None or p.row == row) and (column is None or p.column == column)
    ]


def reasons(result: ReadResult) -> list[str]:
    return [p.reason for p in result.problems]
