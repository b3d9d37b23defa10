"""The scoring of ``shared/spec/indicator-model.md`` in idiomatic pandas, written from the spec.

Missing is NaN throughout. A condition (a yes/no value) is a float Series holding 1.0, 0.0 or NaN, so
that arithmetic on it counts it as 1/0 and missing stays missing; ``and``, ``or`` and ``not`` follow
three-valued logic on that encoding. Cohort statistics are ``groupby(...).transform``/``rank``.

    frames = read_parquet(model, year, enterprises=..., reports=..., qualifications=...)
    out = score(model, *frames, year)          # a pandas DataFrame with the spec's output columns
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from bench.common import COMPARE_DECIMALS, cohort_fields, output_columns, reads
from gaoxin.scoring.expr import Binary, Bool, Call, Name, Node, Num, Unary
from gaoxin.scoring.model import Indicator, Model

# --- input -----------------------------------------------------------------------------------------


def read_parquet(
    model: Model,
    year: int,
    *,
    enterprises: str | Path,
    reports: str | Path,
    qualifications: str | Path | None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read only the columns (and report years) the model needs, as a pandas user would."""
    r = reads(model)

    def present(path: str | Path, wanted: list[str]) -> list[str]:
        names = set(pq.read_schema(path).names)
        return [c for c in dict.fromkeys(wanted) if c in names]

    ent_cols = ["uscc", "name", "zone", *cohort_fields(model), *(["established"] if r.age else [])]
    ents = pd.read_parquet(enterprises, columns=present(enterprises, ent_cols))
    rep_cols = present(reports, ["uscc", "year", *sorted(r.fields)])
    years = [year - 1, year] if r.prev else [year]
    reps = pd.read_parquet(reports, columns=rep_cols, filters=[("year", "in", years)])
    if r.kinds and qualifications is not None and Path(qualifications).exists():
        quals = pd.read_parquet(
            qualifications,
            columns=["uscc", "kind", "valid_from", "valid_to"],
            filters=[("kind", "in", sorted(r.kinds))],
        )
    else:
        quals = pd.DataFrame({"uscc": [], "kind": [], "valid_from": [], "valid_to": []})
    return ents, reps, quals


def _floats(s: pd.Series) -> pd.Series:
    """A numeric or yes/no column as float64 with NaN for missing (yes/no → 1.0/0.0)."""
    if s.dtype == object or str(s.dtype) in ("bool", "boolean"):
        s = s.astype("boolean")
    return pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index)


# --- 1. prepare ------------------------------------------------------------------------------------


def prepare(
    model: Model, enterprises: pd.DataFrame, reports: pd.DataFrame, qualifications: pd.DataFrame, year: int
) -> pd.DataFrame:
    """One row per enterprise with a report for ``year``; every field it reads as float64."""
    r = reads(model)
    fields = sorted(r.fields)
    current = reports.loc[reports["year"] == year, ["uscc", *[f for f in fields if f in reports.columns]]]
    ent_cols = [c for c in ["uscc", "name", "zone", *cohort_fields(model), "established"] if c in enterprises]
    frame = current.merge(enterprises[ent_cols], on="uscc", how="inner")
    for c in ("name", "zone"):
        if c not in frame:
            frame[c] = None
    for f in fields:
        frame[f] = _floats(frame[f]) if f in frame else np.nan
    if r.prev:
        before = reports.loc[
            reports["year"] == year - 1, ["uscc", *[f for f in sorted(r.prev) if f in reports]]
        ]
        before = before.rename(columns={f: f"prev:{f}" for f in r.prev})
        frame = frame.merge(before, on="uscc", how="left")
        for f in r.prev:
            frame[f"prev:{f}"] = _floats(frame[f"prev:{f}"]) if f"prev:{f}" in frame else np.nan
    if r.age:
        if "established" in frame:
            # whole years to 31 December of ``year``: the anniversary has always passed by then
            frame["age_years"] = year - pd.to_datetime(frame["established"]).dt.year.astype("float64")
        else:
            frame["age_years"] = np.nan
    day = pd.Timestamp(dt.date(year, 12, 31))
    for kind in sorted(r.kinds):
        q = qualifications
        valid = (
            (q["kind"] == kind)
            & (pd.to_datetime(q["valid_from"]) <= day)
            & (pd.to_datetime(q["valid_to"]) >= day)
        )
        frame[f"has:{kind}"] = frame["uscc"].isin(q.loc[valid, "uscc"]).astype("float64")
    return frame


# --- 2. evaluate -----------------------------------------------------------------------------------


def _missing_in(*parts: pd.Series) -> pd.Series:
    out = parts[0].isna()
    for p in parts[1:]:
        out = out | p.isna()
    return out


def value(node: Node, frame: pd.DataFrame) -> pd.Series:
    """The expression over ``frame``: float64, NaN = missing, conditions as 1.0/0.0/NaN."""
    if isinstance(node, Num):
        return pd.Series(node.value, index=frame.index, dtype="float64")
    if isinstance(node, Bool):
        return pd.Series(1.0 if node.value else 0.0, index=frame.index, dtype="float64")
    if isinstance(node, Name):
        return frame[node.name]
    if isinstance(node, Call):
        if node.fn == "has":
            return frame[f"has:{node.arg}"]
        before = frame[f"prev:{node.arg}"]
        if node.fn == "prev":
            return before
        # growth(x) = (x − prev(x)) / prev(x), missing when prev(x) is missing or ≤ 0
        return (frame[node.arg] - before) / before.where(before > 0)
    if isinstance(node, Unary):
        x = value(node.operand, frame)
        return 1.0 - x if node.op == "not" else -x
    if isinstance(node, Binary):
        left, right = value(node.left, frame), value(node.right, frame)
        op = node.op
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            return left / right.where(right != 0)  # division by zero is missing, never infinity
        if op == "and":  # false wins over missing, missing over true
            out = pd.Series(np.where((left == 0) | (right == 0), 0.0, 1.0), index=frame.index)
            return out.mask(out.eq(1.0) & _missing_in(left, right))
        if op == "or":  # true wins over missing, missing over false
            out = pd.Series(np.where((left == 1) | (right == 1), 1.0, 0.0), index=frame.index)
            return out.mask(out.eq(0.0) & _missing_in(left, right))
        compare = {"<": left.lt, "<=": left.le, ">": left.gt, ">=": left.ge, "==": left.eq, "!=": left.ne}[op]
        return compare(right).astype("float64").mask(_missing_in(left, right))
    raise TypeError(node)


def holds(node: Node, frame: pd.DataFrame) -> pd.Series:
    """A condition where missing counts as false, as a bool Series."""
    return value(node, frame).eq(1.0)


def evaluate(model: Model, frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["uscc", "name", "zone", *cohort_fields(model)]].copy()
    first, last = model.stages[:-1], model.stages[-1]
    conditions = [holds(s.when.tree, frame) for s in first]
    out["stage"] = np.select(conditions, [s.id for s in first], default=last.id) if first else last.id
    for ind in model.all_indicators:
        out[f"val:{ind.id}"] = value(ind.value.tree, frame).astype("float64")
    for p in model.penalties:
        out[f"pen:{p.id}"] = holds(p.when.tree, frame)
    out["vetoed"] = False
    for v in model.veto:
        out["vetoed"] = out["vetoed"] | holds(v.tree, frame)
    return out


# --- 3. rate ---------------------------------------------------------------------------------------


def fraction(ind: Indicator, v: pd.Series, cohort: pd.Series) -> pd.Series:
    lower = ind.direction == "lower"
    if ind.method == "percentile":
        by = v.groupby(cohort)
        r = by.rank(method="average", ascending=not lower)  # NaN stays NaN, ranks among the values
        n = by.transform("count")
        f = r / n
        out = v.isna() if lower else (v.isna() | (v <= 0))
        return f.mask(out, 0.0)
    if ind.method == "minmax":
        by = v.groupby(cohort)
        lo, hi = by.transform("min"), by.transform("max")
        spread = (hi - v) if lower else (v - lo)
        f = (spread / (hi - lo).where(hi != lo)).mask(hi == lo, 1.0)
        return f.mask(v.isna(), 0.0)
    if ind.method == "linear":
        a, b = ind.linear
        f = (b - v) / (b - a) if lower else (v - a) / (b - a)
        return f.clip(0.0, 1.0).fillna(0.0)
    # bands: the fraction of the last threshold met (thresholds run from the easiest to the hardest)
    f = pd.Series(0.0, index=v.index)
    for threshold, frac in ind.bands:
        f = f.mask((v <= threshold) if lower else (v >= threshold), frac)
    return f


def _sum(cols: list[pd.Series], index: pd.Index) -> pd.Series:
    out = pd.Series(0.0, index=index)
    for c in cols:
        out = out + c
    return out


def rate(model: Model, ev: pd.DataFrame) -> pd.DataFrame:
    keys = list(model.cohort)
    cohort = ev.groupby(keys, dropna=False, sort=False).ngroup() if keys else pd.Series(0, index=ev.index)
    pts = {}
    for ind in model.all_indicators:
        weight = ev["stage"].map(dict(ind.weights)).fillna(0.0).astype("float64")
        pts[ind.id] = fraction(ind, ev[f"val:{ind.id}"], cohort) * weight
    out = ev
    for ind in model.all_indicators:
        out[f"pts:{ind.id}"] = pts[ind.id]
    out["base"] = _sum([pts[i.id] for i in model.indicators], ev.index)
    out["bonus"] = np.minimum(model.bonus_cap, _sum([pts[i.id] for i in model.bonus_indicators], ev.index))
    out["penalty"] = _sum([ev[f"pen:{p.id}"].astype("float64") * p.points for p in model.penalties], ev.index)
    total = (out["base"] + out["bonus"] - out["penalty"]).clip(lower=0.0)
    out["total"] = total.mask(out["vetoed"], 0.0)
    for c in model.categories:
        out[f"cat:{c.id}"] = _sum([pts[i.id] for i in model.all_indicators if i.category == c.id], ev.index)

    compared = out["total"].round(COMPARE_DECIMALS)
    out["rank"] = compared.groupby(cohort).rank(method="min", ascending=False).astype("int64")
    out["cohort_size"] = cohort.groupby(cohort).transform("size").astype("int64")
    out["grade"] = (
        np.select([compared >= g.min for g in model.grades], [g.grade for g in model.grades], default=None)
        if model.grades
        else None
    )
    conditions, names = [], []
    for lst in model.lists:
        p, q = lst.top.numerator, lst.top.denominator
        bound = (out["cohort_size"] * p + q - 1) // q  # ceil(top × n) in integers: 0.10 × 30 is 3
        conditions.append(~out["vetoed"] & (out["rank"] <= bound))
        names.append(lst.id)
    out["list"] = np.select(conditions, names, default=None) if conditions else None
    return out


def _missing_ids(model: Model, out: pd.DataFrame) -> pd.Series:
    """Comma-joined ids of the indicators whose value is missing (one string per missing pattern)."""
    ids = [i.id for i in model.all_indicators]
    if not ids:
        return pd.Series("", index=out.index)
    mask = np.column_stack([out[f"val:{i}"].isna().to_numpy() for i in ids])
    code = mask.astype(np.int64) @ (1 << np.arange(len(ids), dtype=np.int64))
    names = {c: ",".join(i for k, i in enumerate(ids) if c >> k & 1) for c in np.unique(code).tolist()}
    return pd.Series(code, index=out.index).map(names)


def score(
    model: Model, enterprises: pd.DataFrame, reports: pd.DataFrame, qualifications: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The spec's output columns, one row per enterprise with a report for ``year`` (rows unordered)."""
    prepared = prepare(model, enterprises, reports, qualifications, year)
    out = rate(model, evaluate(model, prepared))
    out["year"] = np.int64(year)
    out["missing"] = _missing_ids(model, out)
    return out[output_columns(model)].reset_index(drop=True)


def score_dataset(model: Model, data, year: int) -> pd.DataFrame:
    """Score a ``gaoxin.data.dataset.Dataset`` (Polars frames), converting it to pandas first."""
    return score(
        model, data.enterprises.to_pandas(), data.reports.to_pandas(), data.qualifications.to_pandas(), year
    )
