"""The facts a policy reads, one row per firm: report fields, qualification dates, score, ladder, inputs.

``facts(data, year, uses, …)`` builds the frame the expressions of ``gaoxin.policy.lang`` read:

- every enterprise of ``data`` (a firm without a report for the year has its report fields missing);
- ``<field>`` for the year and ``prev:<field>`` for the year before (Float64 / Boolean);
- ``has:<kind>``, ``first:<kind>``, ``new:<kind>``, ``renewed:<kind>``, ``relapsed:<kind>`` (never
  missing: no certificate is false), see ``lang`` for their meaning;
- ``score_total``, ``score_rank``, ``score_pct``, ``score_grade``, ``score_list`` from a published score
  list (``scores``: uscc, total, rank, cohort_size, grade, list);
- ``ladder:<tier>`` from the cultivation ladder (``ladder``: its long frame, uscc, tier, status);
- declared inputs from ``inputs`` (uscc + one column per input; a missing cell is "not supplied").
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.data.dataset import Dataset
from gaoxin.data.dictionary import SCORABLE_FIELDS
from gaoxin.policy.lang import BOOL, Input, Uses


def _dtype(fid: str) -> pl.DataType:
    return pl.Boolean() if SCORABLE_FIELDS[fid].type == "bool" else pl.Float64()


def _report(reports: pl.DataFrame, year: int, fields: set[str], prefix: str = "") -> pl.DataFrame:
    cols = []
    for f in sorted(fields):
        dtype = _dtype(f)
        if f in reports.columns:
            expr = pl.col(f).cast(dtype)
            cols.append((expr.fill_nan(None) if dtype == pl.Float64 else expr).alias(f"{prefix}{f}"))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(f"{prefix}{f}"))
    return reports.filter(pl.col("year") == year).unique("uscc", keep="last").select("uscc", *cols)


def qualification_flags(qualifications: pl.DataFrame, kinds: set[str], year: int) -> pl.DataFrame:
    """uscc + has/first/new/renewed/relapsed columns for each kind (False where no certificate)."""
    end, start = dt.date(year, 12, 31), dt.date(year, 1, 1)
    q = qualifications
    out = None
    for kind in sorted(kinds):
        k = q.filter(pl.col("kind") == kind) if "kind" in q.columns else pl.DataFrame()
        if not k.height:
            part = pl.DataFrame(schema={"uscc": pl.Utf8})
        else:
            new_start = (
                k.filter(pl.col("valid_from").is_between(start, end))
                .group_by("uscc")
                .agg(pl.col("valid_from").min().alias("_ns"))
            )
            earlier = k.join(new_start, on="uscc").filter(pl.col("valid_from") < pl.col("_ns"))
            cont = earlier.group_by("uscc").agg(
                (pl.col("valid_to") >= pl.col("_ns") - pl.duration(days=1)).any().alias("_cont")
            )
            held = (
                k.filter((pl.col("valid_from") <= end) & (pl.col("valid_to") >= end))
                .select("uscc")
                .unique()
                .with_columns(pl.lit(True).alias(f"has:{kind}"))
            )
            part = (
                new_start.join(cont, on="uscc", how="left")
                .with_columns(
                    pl.lit(True).alias(f"new:{kind}"),
                    pl.col("_cont").is_null().alias(f"first:{kind}"),
                    pl.col("_cont").fill_null(False).alias(f"renewed:{kind}"),
                    (pl.col("_cont").is_not_null() & ~pl.col("_cont").fill_null(False)).alias(
                        f"relapsed:{kind}"
                    ),
                )
                .drop("_ns", "_cont")
                .join(held, on="uscc", how="full", coalesce=True)
            )
        for fn in ("has", "new", "first", "renewed", "relapsed"):
            if f"{fn}:{kind}" not in part.columns:
                part = part.with_columns(pl.lit(None, dtype=pl.Boolean).alias(f"{fn}:{kind}"))
        part = part.with_columns(pl.exclude("uscc").fill_null(False))
        out = part if out is None else out.join(part, on="uscc", how="full", coalesce=True)
    return out if out is not None else pl.DataFrame(schema={"uscc": pl.Utf8})


def facts(
    data: Dataset,
    year: int,
    uses: Uses,
    *,
    inputs: pl.DataFrame | None = None,
    declared: dict[str, Input] | None = None,
    scores: pl.DataFrame | None = None,
    ladder: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per enterprise with every column ``uses`` names (see the module text)."""
    ents = data.enterprises
    keep = ["uscc", *[c for c in ("name", "zone", "established") if c in ents.columns]]
    frame = ents.select(keep).unique("uscc", keep="first", maintain_order=True)
    for c in ("name", "zone"):
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c))
    reports = data.reports
    if uses.fields:
        frame = frame.join(_report(reports, year, uses.fields), on="uscc", how="left")
    if uses.prev:
        frame = frame.join(_report(reports, year - 1, uses.prev, "prev:"), on="uscc", how="left")
    if uses.age:
        if "established" in frame.columns:
            frame = frame.with_columns(
                (pl.lit(year) - pl.col("established").dt.year()).cast(pl.Float64).alias("age_years")
            )
        else:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("age_years"))
    kinds = {k for _, k in uses.quals}
    if kinds:
        flags = qualification_flags(data.qualifications, kinds, year)
        cols = [c for c in flags.columns if c != "uscc"]
        frame = frame.join(flags, on="uscc", how="left").with_columns(pl.col(cols).fill_null(False))
    if uses.scores:
        frame = frame.join(_scores(scores), on="uscc", how="left")
    if uses.ladder:
        frame = frame.join(_ladder(ladder, uses.ladder), on="uscc", how="left")
    if uses.inputs:
        declared = declared or {}
        supplied = inputs if inputs is not None else pl.DataFrame(schema={"uscc": pl.Utf8})
        sel = []
        for name in sorted(uses.inputs):
            dtype = pl.Boolean if declared.get(name) and declared[name].type == BOOL else pl.Float64
            sel.append(
                pl.col(name).cast(dtype)
                if name in supplied.columns
                else pl.lit(None, dtype=dtype).alias(name)
            )
        frame = frame.join(supplied.unique("uscc", keep="last").select("uscc", *sel), on="uscc", how="left")
    return frame


def _scores(scores: pl.DataFrame | None) -> pl.DataFrame:
    if scores is None or not scores.height:
        return pl.DataFrame(
            schema={
                "uscc": pl.Utf8,
                "score_total": pl.Float64,
                "score_rank": pl.Float64,
                "score_pct": pl.Float64,
                "score_grade": pl.Utf8,
                "score_list": pl.Utf8,
            }
        )
    s = scores
    get = lambda c, dtype: pl.col(c).cast(dtype) if c in s.columns else pl.lit(None, dtype=dtype)  # noqa: E731
    return s.select(
        "uscc",
        get("total", pl.Float64).alias("score_total"),
        get("rank", pl.Float64).alias("score_rank"),
        (get("rank", pl.Float64) / get("cohort_size", pl.Float64)).alias("score_pct"),
        get("grade", pl.Utf8).alias("score_grade"),
        get("list", pl.Utf8).alias("score_list"),
    ).unique("uscc", keep="first")


def _ladder(ladder: pl.DataFrame | None, tiers: set[str]) -> pl.DataFrame:
    out = pl.DataFrame(schema={"uscc": pl.Utf8})
    if ladder is None or not ladder.height:
        return out.with_columns([pl.lit(None, dtype=pl.Utf8).alias(f"ladder:{t}") for t in sorted(tiers)])
    for t in sorted(tiers):
        part = ladder.filter(pl.col("tier") == t).select("uscc", pl.col("status").alias(f"ladder:{t}"))
        out = out.join(part, on="uscc", how="full", coalesce=True)
    return out


def columns(uses: Uses, declared: dict[str, Input] | None = None) -> dict[str, pl.DataType]:
    """The facts columns ``uses`` reads, with their dtypes."""
    declared = declared or {}
    out: dict[str, pl.DataType] = {}
    for f in uses.fields:
        out[f] = _dtype(f)
    for f in uses.prev:
        out[f"prev:{f}"] = _dtype(f)
    for fn, k in uses.quals:
        out[f"{fn}:{k}"] = pl.Boolean()
    for t in uses.ladder:
        out[f"ladder:{t}"] = pl.Utf8()
    for s in uses.scores:
        if s in ("grade", "on_list"):
            out["score_grade" if s == "grade" else "score_list"] = pl.Utf8()
        else:
            out[s] = pl.Float64()
    for name in uses.inputs | uses.items:
        out[name] = pl.Boolean() if declared.get(name) and declared[name].type == BOOL else pl.Float64()
    if uses.age:
        out["age_years"] = pl.Float64()
    return out


def complete(frame: pl.DataFrame, uses: Uses, declared: dict[str, Input] | None = None) -> pl.DataFrame:
    """``frame`` with every column ``uses`` reads: an absent one is added as missing (no certificate:
    false)."""
    add = []
    for name, dtype in columns(uses, declared).items():
        if name in frame.columns and frame.schema[name] == pl.Null:
            add.append(pl.col(name).cast(dtype))
        elif name not in frame.columns:
            fill = False if dtype == pl.Boolean and ":" in name and not name.startswith("ladder:") else None
            add.append(pl.lit(fill, dtype=dtype).alias(name))
    if "name" not in frame.columns:
        add.append(pl.lit(None, dtype=pl.Utf8).alias("name"))
    return frame.with_columns(add) if add else frame
