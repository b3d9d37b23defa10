"""Are two scoring outputs the same? Rows matched by uscc; numbers within a relative tolerance.

Text, booleans and integers (uscc, name, zone, year, stage, vetoed, rank, cohort_size, grade, list,
missing) must be equal exactly, missing where the other is missing; floats (total, base, bonus,
penalty, cat:*, pts:*, val:*) within ``rel`` of each other (plus 1e-12 absolute, for values that
should be 0 but come out as 1e-16 after a subtraction).
"""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa

ABS = 1e-12


def to_polars(frame: pl.DataFrame | pd.DataFrame | pa.Table) -> pl.DataFrame:
    if isinstance(frame, pl.DataFrame):
        return frame
    if isinstance(frame, pa.Table):
        return pl.from_arrow(frame)
    return pl.from_pandas(frame)


def differences(
    expected: pl.DataFrame | pd.DataFrame | pa.Table,
    got: pl.DataFrame | pd.DataFrame | pa.Table,
    rel: float = 1e-9,
    examples: int = 3,
) -> list[str]:
    """What differs between two outputs (empty when they agree)."""
    a, b = to_polars(expected), to_polars(got)
    out: list[str] = []
    if a.columns != b.columns:
        only_a = [c for c in a.columns if c not in b.columns]
        only_b = [c for c in b.columns if c not in a.columns]
        out.append(
            f"columns differ: only in expected {only_a}, only in got {only_b}"
            + ("" if only_a or only_b else " (same set, different order)")
        )
    if a.height != b.height:
        out.append(f"row counts differ: {a.height} vs {b.height}")
    if b["uscc"].n_unique() != b.height or a["uscc"].n_unique() != a.height:
        out.append("uscc is not unique")
    if out and not (a.height == b.height and set(a.columns) == set(b.columns)):
        return out
    a = a.sort("uscc")
    b = b.sort("uscc")
    if not a["uscc"].equals(b["uscc"]):
        return [*out, "the two outputs score different enterprises"]
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.is_float() or y.dtype.is_float():
            x, y = x.cast(pl.Float64), y.cast(pl.Float64)
            frame = pl.DataFrame({"x": x, "y": y})
            tol = rel * pl.max_horizontal(pl.col("x").abs(), pl.col("y").abs()) + ABS
            bad = frame.select(
                (pl.col("x").is_null() != pl.col("y").is_null())
                | ((pl.col("x") - pl.col("y")).abs() > tol).fill_null(False)
            ).to_series()
        else:
            if y.dtype != x.dtype:
                y = y.cast(x.dtype) if x.dtype != pl.Null else y
                x = x.cast(y.dtype)
            bad = ~(x.eq_missing(y))
        n_bad = int(bad.sum())
        if n_bad:
            rows = (
                a.select("uscc", pl.col(col).alias("expected")).with_columns(b[col].alias("got")).filter(bad)
            )
            shown = "; ".join(
                f"{r['uscc']}: {r['expected']!r} vs {r['got']!r}" for r in rows.head(examples).to_dicts()
            )
            out.append(f"{col}: {n_bad} rows differ, e.g. {shown}")
    return out
