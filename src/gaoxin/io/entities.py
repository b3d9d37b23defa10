"""Entities across all inputs: merge the rows, check what only merged rows can show, build the Dataset.

Pass 0 merges every row with a usable key (cells that failed to parse are null) so that conflicts between
sources and relations between fields (two departments often supply the two sides of one relation) are all
reported. An entity with such a problem loses all its source rows. The Dataset is then merged from the
rows that remain; dropping rows can leave an enterprise without the name or zone another row supplied,
so that check repeats until nothing changes.
"""

from __future__ import annotations

import polars as pl

from gaoxin.data.dataset import Dataset, empty, schema
from gaoxin.io.merge import merge
from gaoxin.io.problems import ERROR, Problem
from gaoxin.io.validate import (
    KEYS,
    Sheet,
    Sources,
    check_conflicts,
    check_relations,
    check_required,
    missing_required,
)

# the cause of rows dropped for a missing required field once ``cap`` problems have been made
UNLISTED = Problem(
    "", None, None, None, "缺少必填项（未逐条列出）", None, ERROR, "a required field is missing"
)


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame | None:
    """One table's rows from all sheets, in input order (``__ord``): first come, first kept."""
    if not frames:
        return None
    return pl.concat(frames, how="diagonal").with_row_index("__ord")


def _fields(frame: pl.DataFrame, table: str) -> list[str]:
    return [c for c in schema(table) if c in frame.columns and c not in KEYS[table]]


def build(
    typed: dict[str, list[pl.DataFrame]], sheets: list[Sheet], cap: int | None = None
) -> tuple[Dataset, list[Problem], dict[tuple[int, int], Problem]]:
    """Entity checks and the final Dataset from each table's typed rows (``validate.check_sheet``).
    Returns the dataset, the problems, and the rows dropped for entity-level problems, each with the
    problem that caused it: ``(sheet index, row) → Problem``. Enterprises lacking a required field are
    described one by one up to ``cap`` of them; the rows of the others are dropped with ``UNLISTED``
    as their cause (a million rows without a name must not make a million problems)."""
    parts = {t: _concat(frames) for t, frames in typed.items()}
    problems: list[Problem] = []
    cause: dict[tuple[int, int], Problem] = {}  # (sheet, row) → first entity problem

    def drop(src: Sources, found: dict[tuple, list[Problem]]) -> None:
        if not found:
            return
        keys = pl.DataFrame([list(k) for k in found], schema=list(src.key), orient="row")
        keys = keys.cast({c: src.parts.schema[c] for c in src.key})
        for k, rows in src.rows_of(keys).items():
            for r in rows:
                cause.setdefault((r["__sheet"], r["__row"]), found[k][0])
        for ps in found.values():
            problems.extend(ps)

    def drop_unlisted(src: Sources, merged: pl.DataFrame) -> bool:
        if cap is None:
            return False
        rest = missing_required(src, merged, "enterprise").slice(cap).select(src.key)
        if rest.is_empty():
            return False
        rows = src.parts.join(rest, on=list(src.key), how="semi").select("__sheet", "__row")
        for r in rows.iter_rows():
            cause.setdefault(r, UNLISTED)
        return True

    def good(frame: pl.DataFrame) -> pl.DataFrame:
        keep = frame.filter(pl.col("__keyok") & ~pl.col("__bad"))
        if cause:
            gone = pl.DataFrame(list(cause), schema={"__sheet": pl.Int32, "__row": pl.Int64}, orient="row")
            keep = keep.join(gone, on=["__sheet", "__row"], how="anti")
        return keep

    ent, rep = parts["enterprise"], parts["report"]
    # Pass 0: every row with a usable key (bad cells are null), so conflicts and relations are all found.
    if rep is not None:
        src = Sources(rep.filter(pl.col("__keyok")), sheets, KEYS["report"])
        fields = _fields(rep, "report")
        merged, conflicts = merge(src.parts, list(src.key), fields)
        drop(src, _union(check_conflicts(src, conflicts, fields), check_relations(src, merged)))
    if ent is not None:
        src = Sources(ent.filter(pl.col("__keyok")), sheets, KEYS["enterprise"])
        fields = _fields(ent, "enterprise")
        merged, conflicts = merge(src.parts, list(src.key), fields)
        drop(
            src,
            _union(
                check_conflicts(src, conflicts, fields), check_required(src, merged, "enterprise", cap=cap)
            ),
        )
        drop_unlisted(src, merged)
    # Dropping rows can leave an enterprise without its name or zone (another file's row supplied it):
    # check again until nothing changes. Relations and conflicts cannot newly fail with fewer values.
    enterprises = empty("enterprise")
    if ent is not None:
        fields = _fields(ent, "enterprise")
        while True:
            src = Sources(good(ent), sheets, KEYS["enterprise"])
            merged, _ = merge(src.parts, list(src.key), fields)
            found = check_required(src, merged, "enterprise", "（提供该值的行有错误，已排除）", cap)
            unlisted = drop_unlisted(src, merged)
            if not found and not unlisted:
                break
            drop(src, found)
        enterprises = _canonical(merged, "enterprise")
    reports = empty("report")
    if rep is not None:
        merged, _ = merge(good(rep), list(KEYS["report"]), _fields(rep, "report"))
        reports = _canonical(merged, "report")
    qualifications = empty("qualification")
    if parts["qualification"] is not None:
        qualifications = _canonical(good(parts["qualification"]), "qualification")
    return Dataset(enterprises, reports, qualifications), problems, cause


def _union(*found: dict[tuple, list[Problem]]) -> dict[tuple, list[Problem]]:
    out: dict[tuple, list[Problem]] = {}
    for f in found:
        for k, ps in f.items():
            out.setdefault(k, []).extend(ps)
    return out


def _canonical(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Supplied columns only, in schema order and canonical dtypes."""
    target = schema(table)
    return frame.select(pl.col(c).cast(t) for c, t in target.items() if c in frame.columns)


def collateral(
    cause: dict[tuple[int, int], Problem],
    problems: list[Problem],
    sheets: list[Sheet],
    cap: int | None = None,
) -> tuple[list[Problem], int]:
    """Rows dropped only because another row of the same entity had an error get a problem saying so
    (at most ``cap`` of them); also returns how many were not listed (over ``cap``, or ``UNLISTED``)."""
    flagged = {(p.file, p.sheet, p.row) for p in problems if p.is_error and p.row is not None}
    out: list[Problem] = []
    unlisted = 0
    for s, r in sorted(cause):
        sheet = sheets[s]
        if (sheet.file, sheet.name, r) in flagged:
            continue
        p = cause[(s, r)]
        if p is UNLISTED or (cap is not None and len(out) >= cap):
            unlisted += 1
            continue
        at = f"第{p.row}行" if (p.file, p.sheet) == (sheet.file, sheet.name) else _place(p)
        zh = f"与{at}是同一企业的数据，因该行有错误，本行一并排除"
        out.append(sheet.problem(r, "uscc", zh, f"dropped with {p.file} row {p.row} (same enterprise)"))
    return out, unlisted


def _place(p: Problem) -> str:
    return f"{p.file}{f'（工作表 {p.sheet}）' if p.sheet else ''} 第{p.row}行"
