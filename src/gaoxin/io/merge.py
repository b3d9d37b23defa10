"""Merging rows about the same entity from several sheets and files.

Enterprise rows merge on ``uscc``, report rows on ``(uscc, year)``: each field takes the first non-null
value in input order (files in the order given, then sheets, then rows), so two departments can each
supply some columns. Disagreeing non-null values are flagged for ``validate.check_conflicts``. Only keys
that occur more than once go through the (slower) group-by; the usual one-row-per-key input passes through.
"""

from __future__ import annotations

import polars as pl

from gaoxin.data.dictionary import BY_ID, NET_ASSETS_TOLERANCE, Field


def merge(parts: pl.DataFrame, key: list[str], fields: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(merged, conflicts)``: one row per key (key, fields, ``__ord``), and the keys whose sources
    disagree (key plus one ``__x:field`` boolean per field)."""
    repeated = parts.select(pl.struct(key).is_duplicated()).to_series()
    single = parts.filter(~repeated).select(*key, *fields, "__ord")
    multi = parts.filter(repeated)
    if multi.is_empty():
        return single, pl.DataFrame(schema={k: parts.schema[k] for k in key})
    grouped = multi.group_by(key, maintain_order=True).agg(
        pl.col("__ord").min(),
        *(pl.col(f).drop_nulls().first() for f in fields),
        *(conflict_expr(BY_ID[f]).alias(f"__x:{f}") for f in fields),
    )
    flags = [f"__x:{f}" for f in fields]
    conflicts = grouped.filter(pl.any_horizontal(flags)).select(*key, *flags) if flags else grouped.clear()
    merged = pl.concat([single, grouped.select(*key, *fields, "__ord")]).sort("__ord")
    return merged, conflicts


def same(f: Field, a: object, b: object) -> bool:
    """Whether two sources agree: money within 0.01 万元 (the rounding statements are filed in)."""
    if f.type == "money":
        return abs(a - b) <= NET_ASSETS_TOLERANCE + 1e-9  # type: ignore[operator]
    if f.type in ("ratio", "number"):
        return abs(a - b) <= 1e-9  # type: ignore[operator]
    return a == b


def conflict_expr(f: Field) -> pl.Expr:
    """True when a group's non-null values of ``f`` disagree with its first one (the one kept);
    money within rounding, see ``same``."""
    c = pl.col(f.id).drop_nulls()
    if f.type == "money":
        return (c - c.first()).abs().max() > NET_ASSETS_TOLERANCE + 1e-9
    if f.type in ("ratio", "number"):
        return (c - c.first()).abs().max() > 1e-9
    return c.n_unique() > 1
