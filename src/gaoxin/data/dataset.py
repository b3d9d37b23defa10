"""The in-memory shape every part of gaoxin exchanges: enterprises, annual reports, qualifications.

Readers produce it, ``synth`` produces it, the scoring engine and the rules consume it. Columns are
canonical field ids (``gaoxin.data.dictionary``) with canonical types: money and ratios Float64 (万元),
counts Int64, booleans Boolean, dates Date, text and enums Utf8. A column that no input supplied is
simply absent; a missing cell is null ("not reported", never 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from gaoxin.data.dictionary import ENTERPRISE_FIELDS, FIELDS, REPORT_FIELDS, Field

_DTYPES: dict[str, pl.DataType] = {
    "text": pl.Utf8(),
    "enum": pl.Utf8(),
    "date": pl.Date(),
    "int": pl.Int64(),
    "money": pl.Float64(),
    "ratio": pl.Float64(),
    "number": pl.Float64(),
    "bool": pl.Boolean(),
}


def dtype(f: Field) -> pl.DataType:
    return _DTYPES[f.type]


def schema(table: str) -> dict[str, pl.DataType]:
    """The full canonical schema of one table."""
    cols = [f for f in FIELDS if f.table == table]
    if table == "qualification":
        return {"uscc": pl.Utf8(), **{f.id: dtype(f) for f in cols}}
    if table == "report":
        return {"uscc": pl.Utf8(), **{f.id: dtype(f) for f in REPORT_FIELDS}}
    return {f.id: dtype(f) for f in ENTERPRISE_FIELDS}


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=schema(table))


@dataclass
class Dataset:
    enterprises: pl.DataFrame = field(default_factory=lambda: empty("enterprise"))
    reports: pl.DataFrame = field(default_factory=lambda: empty("report"))
    qualifications: pl.DataFrame = field(default_factory=lambda: empty("qualification"))
