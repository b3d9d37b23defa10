"""The scoring engine: a model and a dataset in, one scored row per enterprise out.

Three steps, each a pure function of frames, so that ``explain`` can re-run the last two with one
value changed:

1. ``prepare``  — join the evaluated year's report, the year before (``prev:<field>``), the
   qualifications valid on 31 December (``has:<kind>``) and ``age_years`` onto the enterprises;
2. ``evaluate`` — the stage, every indicator's value (``val:<id>``), penalty and veto conditions;
3. ``rate``     — fractions by method within the cohort, points, subtotals, total, rank, grade, list.

The semantics are those of ``shared/spec/indicator-model.md``, implemented once, here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce

import polars as pl

from gaoxin.dataset import Dataset
from gaoxin.dictionary import SCORABLE_FIELDS
from gaoxin.scoring.model import Indicator, Model

# Totals are sums of binary floats: 2.4 + 4.2 and 6.6 differ in the last bit. Rank, grade and list
# compare totals rounded to this many decimals, so equal scores tie as a person reading them expects;
# the totals themselves are reported at full precision.
COMPARE_DECIMALS = 9

Frame = pl.DataFrame | pl.LazyFrame


@dataclass
class ScoreResult:
    frame: pl.DataFrame  # the output columns of the spec, one row per scored enterprise
    # what the user should know (unscored firms, absent fields)
    notes: list[str] = field(default_factory=list)
    values: pl.DataFrame | None = None  # the evaluated values (``evaluate``), when asked for


def _lazy(frame: Frame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def _columns(frame: Frame) -> list[str]:
    return frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns


# --- 1. prepare ------------------------------------------------------------------------------------


def prepare(model: Model, data: Dataset, year: int, notes: list[str] | None = None) -> pl.LazyFrame:
    """One row per enterprise with a report for ``year``: the columns the model's expressions read."""
    notes = notes if notes is not None else []
    uses = model.uses
    ent_cols = _columns(data.enterprises)
    rep_cols = _columns(data.reports)
    for needed in ("uscc",):
        if needed not in ent_cols:
            raise ValueError("the enterprise data have no uscc column")
    missing_cohort = [c for c in model.cohort if c != "stage" and c not in ent_cols]
    if missing_cohort:
        raise ValueError(
            f"the model compares within {', '.join(missing_cohort)}, which the input does not have"
        )

    absent = sorted(f for f in uses.fields if f not in rep_cols)
    if absent:
        notes.append(f"fields not in the input, so missing for every firm: {', '.join(absent)}")

    def report_columns(fields: set[str], suffix: str = "") -> list[pl.Expr]:
        cols = []
        for f in sorted(fields):
            target = f"{suffix}{f}"
            dtype = pl.Boolean if SCORABLE_FIELDS[f].type == "bool" else pl.Float64
            if f in rep_cols:
                expr = pl.col(f).cast(dtype)
                cols.append((expr.fill_nan(None) if dtype == pl.Float64 else expr).alias(target))
            else:
                cols.append(pl.lit(None, dtype=dtype).alias(target))
        return cols

    reports = _lazy(data.reports)
    current = reports.filter(pl.col("year") == year).select(pl.col("uscc"), *report_columns(uses.fields))
    ent_keep = ["uscc", *[c for c in ("name", "zone") if c in ent_cols]]
    ent_keep += [c for c in model.cohort if c not in ent_keep and c != "stage"]
    if uses.age:
        if "established" not in ent_cols:
            notes.append("no established dates in the input, so age_years is missing for every firm")
        else:
            ent_keep.append("established")
    frame = current.join(_lazy(data.enterprises).select(ent_keep), on="uscc", how="inner")
    for c in ("name", "zone"):
        if c not in ent_keep:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c))
    if uses.prev:
        before = reports.filter(pl.col("year") == year - 1).select(
            pl.col("uscc"), *report_columns(uses.prev, "prev:")
        )
        frame = frame.join(before, on="uscc", how="left")
    if uses.age:
        if "established" in ent_keep:
            # Whole years to 31 December of the evaluated year: the anniversary always falls on or
            # before that day, so it is the difference of the calendar years.
            frame = frame.with_columns(
                (pl.lit(year) - pl.col("established").dt.year()).cast(pl.Float64).alias("age_years")
            )
        else:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("age_years"))
    for kind in sorted(uses.kinds):
        frame = frame.join(_holders(data.qualifications, kind, year), on="uscc", how="left").with_columns(
            pl.col(f"has:{kind}").fill_null(False)
        )
    return frame


def _holders(qualifications: Frame, kind: str, year: int) -> pl.LazyFrame:
    """uscc of the firms holding ``kind`` valid on 31 December of ``year``."""
    day = dt.date(year, 12, 31)
    q = _lazy(qualifications)
    if "kind" not in _columns(q):
        return pl.LazyFrame(schema={"uscc": pl.Utf8, f"has:{kind}": pl.Boolean})
    return (
        q.filter((pl.col("kind") == kind) & (pl.col("valid_from") <= day) & (pl.col("valid_to") >= day))
        .select("uscc")
        .unique()
        .with_columns(pl.lit(True).alias(f"has:{kind}"))
    )


# --- 2. evaluate -----------------------------------------------------------------------------------


def stage_expr(model: Model) -> pl.Expr:
    """The first stage whose `when` holds (the last is `true`, so every firm has one)."""
    expr = pl.lit(model.stages[-1].id)
    for stage in reversed(model.stages[:-1]):
        expr = pl.when(stage.when.condition()).then(pl.lit(stage.id)).otherwise(expr)
    return expr.alias("stage")


def evaluate(model: Model, prepared: Frame) -> pl.LazyFrame:
    """Stage, values, penalty and veto conditions; drops the raw fields."""
    keep = ["uscc", "name", "zone", *[c for c in model.cohort if c not in ("zone", "stage")]]
    exprs = [stage_expr(model)]
    exprs += [i.value.number().fill_nan(None).alias(f"val:{i.id}") for i in model.all_indicators]
    exprs += [p.when.condition().alias(f"pen:{p.id}") for p in model.penalties]
    vetoes = [v.condition() for v in model.veto]
    exprs.append(pl.any_horizontal(vetoes).alias("vetoed") if vetoes else pl.lit(False).alias("vetoed"))
    return _lazy(prepared).select(*keep, *exprs)


# --- 3. rate ---------------------------------------------------------------------------------------


def cohort_keys(model: Model) -> list[str]:
    return list(model.cohort)


def _over(expr: pl.Expr, keys: list[str]) -> pl.Expr:
    return expr.over(keys) if keys else expr


def fraction_expr(ind: Indicator, keys: list[str]) -> pl.Expr:
    """f(e) in [0, 1] for one indicator, by its method and direction (spec, Semantics 2)."""
    v = pl.col(f"val:{ind.id}")
    lower = ind.direction == "lower"
    if ind.method == "percentile":
        rank = _over(v.rank("average", descending=lower), keys)
        n = _over(v.count(), keys)
        low_out = v.is_null() if lower else (v.is_null() | (v <= 0))
        f = pl.when(low_out).then(0.0).otherwise(rank / n)
    elif ind.method == "minmax":
        lo, hi = _over(v.min(), keys), _over(v.max(), keys)
        spread = (hi - v) if lower else (v - lo)
        f = pl.when(v.is_null()).then(0.0).when(hi == lo).then(1.0).otherwise(spread / (hi - lo))
    elif ind.method == "linear":
        a, b = ind.linear or (0.0, 1.0)
        raw = (pl.lit(b) - v) / (b - a) if lower else (v - pl.lit(a)) / (b - a)
        f = raw.clip(0.0, 1.0).fill_null(0.0)
    else:  # bands: the fraction of the last threshold met, thresholds from easiest to hardest
        f = pl.lit(0.0)
        for threshold, frac in ind.bands:
            met = (v <= threshold) if lower else (v >= threshold)
            f = pl.when(met.fill_null(False)).then(pl.lit(frac)).otherwise(f)
    return f.cast(pl.Float64)


def weight_expr(ind: Indicator) -> pl.Expr:
    """Full points for the firm's stage; a stage the weight does not name is 0."""
    return pl.col("stage").replace_strict(dict(ind.weights), default=0.0, return_dtype=pl.Float64)


def rate(model: Model, values: Frame) -> pl.LazyFrame:
    """Points, subtotals, total, rank, grade and list for evaluated values (spec, Semantics 2–5)."""
    keys = cohort_keys(model)
    lf = _lazy(values).with_columns(points_exprs(model, model.all_indicators, keys))
    lf = totals(model, lf)
    compared = pl.col("total").round(COMPARE_DECIMALS)
    lf = lf.with_columns(
        _over(compared.rank("min", descending=True), keys).cast(pl.Int64).alias("rank"),
        _over(pl.len(), keys).cast(pl.Int64).alias("cohort_size"),
        grade_expr(model, compared),
    )
    return lf.with_columns(list_expr(model))


def points_exprs(model: Model, indicators, keys: list[str]) -> list[pl.Expr]:
    """``pts:<id>`` = fraction within the cohort × the weight of the firm's stage."""
    return [(fraction_expr(i, keys) * weight_expr(i)).alias(f"pts:{i.id}") for i in indicators]


def totals(model: Model, points: Frame) -> pl.LazyFrame:
    """From points to base, bonus (capped), penalty, total (veto, never below 0) and category subtotals.

    Row by row: it needs no cohort, so ``explain`` can total a firm's "what if" rows on their own."""
    base = _sum([f"pts:{i.id}" for i in model.indicators])
    bonus = pl.min_horizontal(pl.lit(model.bonus_cap), _sum([f"pts:{i.id}" for i in model.bonus_indicators]))
    penalty = _sum(
        [pl.when(pl.col(f"pen:{p.id}")).then(pl.lit(p.points)).otherwise(0.0) for p in model.penalties]
    )
    lf = _lazy(points).with_columns(base.alias("base"), bonus.alias("bonus"), penalty.alias("penalty"))
    return lf.with_columns(
        pl.when(pl.col("vetoed"))
        .then(0.0)
        .otherwise(pl.max_horizontal(pl.lit(0.0), pl.col("base") + pl.col("bonus") - pl.col("penalty")))
        .alias("total"),
        *[
            _sum([f"pts:{i.id}" for i in model.all_indicators if i.category == c.id]).alias(f"cat:{c.id}")
            for c in model.categories
        ],
    )


def _sum(cols: list) -> pl.Expr:
    """Left-to-right sum in the model's order. pl.sum_horizontal may add in a varying order, which
    changes the last bit of a float total from run to run; a fixed fold keeps runs byte-identical."""
    exprs = [pl.col(c) if isinstance(c, str) else c for c in cols]
    if not exprs:
        return pl.lit(0.0)
    return reduce(lambda a, b: a + b, exprs)


def grade_expr(model: Model, total: pl.Expr) -> pl.Expr:
    expr = pl.lit(None, dtype=pl.Utf8)
    for grade in reversed(model.grades):
        expr = pl.when(total >= grade.min).then(pl.lit(grade.grade)).otherwise(expr)
    return expr.alias("grade")


def list_expr(model: Model) -> pl.Expr:
    """The first list whose bound ceil(top × n) the rank meets, in exact integer arithmetic."""
    expr = pl.lit(None, dtype=pl.Utf8)
    n = pl.col("cohort_size")
    for lst in reversed(model.lists):
        p, q = lst.top.numerator, lst.top.denominator
        bound = (n * p + (q - 1)) // q  # ceil(n·p/q) for positive integers
        expr = pl.when(~pl.col("vetoed") & (pl.col("rank") <= bound)).then(pl.lit(lst.id)).otherwise(expr)
    return expr.alias("list")


# --- output ----------------------------------------------------------------------------------------


def output_columns(model: Model) -> list[str]:
    cols = [
        "uscc",
        "name",
        "zone",
        "year",
        "stage",
        "total",
        "base",
        "bonus",
        "penalty",
        "vetoed",
        "rank",
        "cohort_size",
        "grade",
        "list",
    ]
    cols += [f"cat:{c.id}" for c in model.categories]
    cols += [f"pts:{i.id}" for i in model.all_indicators]
    cols += [f"val:{i.id}" for i in model.all_indicators]
    return [*cols, "missing"]


def missing_expr(model: Model) -> pl.Expr:
    parts = [pl.when(pl.col(f"val:{i.id}").is_null()).then(pl.lit(i.id)) for i in model.all_indicators]
    return pl.concat_str(parts, separator=",", ignore_nulls=True).fill_null("").alias("missing")


def finish(model: Model, rated: Frame, year: int, order: bool = True) -> pl.LazyFrame:
    """The spec's output columns; with ``order``, sorted by cohort, rank and uscc.

    Without ``order`` the rows come in whatever order the joins produced: the same rows and numbers,
    but not a stable file. Everything that writes or shows a ranking orders it (``ordered``).
    """
    lf = _lazy(rated).with_columns(pl.lit(year, dtype=pl.Int64).alias("year"), missing_expr(model))
    return (ordered(model, lf) if order else lf).select(output_columns(model))


def ordered(model: Model, frame: Frame) -> pl.LazyFrame:
    """Rows in the stable order of a published ranking: cohort (stages in model order), rank, uscc.

    Cohort fields the frame does not carry (e.g. ``tech_field`` after ``finish`` selected the output
    columns) are left out of the order; rank and uscc still make it total."""
    lf = _lazy(frame)
    present = set(lf.collect_schema().names())
    stage_order = {s.id: n for n, s in enumerate(model.stages)}
    sort_keys = [
        pl.col(k).replace_strict(stage_order, return_dtype=pl.Int64) if k == "stage" else pl.col(k)
        for k in model.cohort
        if k in present
    ]
    return lf.sort([*sort_keys, pl.col("rank"), pl.col("uscc")], nulls_last=True)


def score(
    model: Model, data: Dataset, year: int, keep_values: bool = False, order: bool = True
) -> ScoreResult:
    """Score every enterprise that has a report for ``year``.

    ``keep_values`` also returns the evaluated values, from which ``explain.explain_values`` can
    explain any firm of the run later without reading the data again. ``order=False`` skips the final
    sort (for callers that store rows by key, and for measuring the scoring alone).
    """
    notes: list[str] = []
    values = evaluate(model, prepare(model, data, year, notes))
    kept = values.collect() if keep_values else None
    frame = finish(model, rate(model, kept if kept is not None else values), year, order).collect()
    _note_unscored(data, year, frame, notes)
    return ScoreResult(frame, notes, kept)


def _note_unscored(data: Dataset, year: int, frame: pl.DataFrame, notes: list[str]) -> None:
    ents = _lazy(data.enterprises).select("uscc").collect()
    n_unscored = ents.height - frame.height
    if n_unscored > 0:
        notes.append(f"{n_unscored} enterprises have no report for {year} and were not scored")
    reps = _lazy(data.reports).filter(pl.col("year") == year).select("uscc")
    orphans = reps.join(ents.lazy(), on="uscc", how="anti").collect().height
    if orphans:
        notes.append(f"{orphans} reports for {year} have no enterprise row (name, zone) and were not scored")
