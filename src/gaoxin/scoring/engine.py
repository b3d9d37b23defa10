"""The scoring engine: a model and a dataset in, one scored row per enterprise out.

Three steps, each a pure function of frames, so that ``explain`` can re-run the last two with one
value changed:

1. ``prepare``  — join the evaluated year's report, the year before (``prev:<field>``), the
   qualifications valid on 31 December (``has:<kind>``) and ``age_years`` onto the enterprises;
2. ``evaluate`` — the stage, every indicator's value (``val:<id>``), penalty and veto conditions;
3. ``rate``     — fractions by method within the cohort, points, subtotals, total, rank, grade, list.

The semantics are those of ``shared/spec/indicator-model.md`` and, for models with the optional keys of
``shared/spec/composite-model.md`` (a unit other than enterprise, ``aggregation: weighted_mean`` over
nested categories, ``missing: reweight``, ``rank_cohort``), of that file; implemented once, here. A
model without those keys takes exactly the code path it always took.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce

import polars as pl

from gaoxin.data.dataset import Dataset
from gaoxin.data.dictionary import SCORABLE_FIELDS
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


def prepare(
    model: Model, data: Dataset | Frame, year: int | None, notes: list[str] | None = None
) -> pl.LazyFrame:
    """One row per enterprise with a report for ``year``: the columns the model's expressions read.

    For a model whose unit is not ``enterprise``, ``data`` is its unit table (``prepare_units``)."""
    notes = notes if notes is not None else []
    if not model.is_enterprise:
        return prepare_units(model, data, year, notes)
    assert isinstance(data, Dataset)
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
    ent_keep += [c for c in _group_fields(model) if c not in ent_keep]
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


def _group_fields(model: Model) -> list[str]:
    """The fields (not ``stage``) of ``cohort`` and then ``rank_cohort``, each once, in model order."""
    out: list[str] = []
    for c in (*model.cohort, *model.rank_keys):
        if c != "stage" and c not in out:
            out.append(c)
    return out


def unit_year(model: Model, table: Frame, year: int | None) -> int | None:
    """The period a unit table is scored for: ``year``, or the table's only year, or None (no year)."""
    lf = _lazy(table)
    if "year" not in _columns(lf):
        return year
    years = sorted(y for y in lf.select(pl.col("year").unique()).collect()["year"].to_list() if y is not None)
    if year is not None:
        if year not in years:
            shown = ", ".join(str(y) for y in years) or "none"
            raise ValueError(f"the unit table has no rows for {year} (years in the table: {shown})")
        return year
    if len(years) > 1:
        raise ValueError(
            f"the unit table holds several years ({', '.join(str(y) for y in years)}); name the year to score"
        )
    return years[0] if years else None


def prepare_units(
    model: Model, table: Frame, year: int | None, notes: list[str] | None = None
) -> pl.LazyFrame:
    """composite-model.md, Input: one row per unit of the period; ``prev:<field>`` from the year before.

    ``table`` has ``id``, ``name``, optionally ``year``, and the declared fields (as ``io.units`` reads
    them). A table without a year column holds one period, and ``prev()`` is then missing."""
    notes = notes if notes is not None else []
    lf = _lazy(table)
    cols = _columns(lf)
    for needed in ("id", "name"):
        if needed not in cols:
            raise ValueError(f"the unit table has no {needed} column")
    missing_groups = [c for c in _group_fields(model) if c not in cols]
    if missing_groups:
        raise ValueError(
            f"the model compares within {', '.join(missing_groups)}, which the unit table does not have"
        )
    types = {f.id: f.type for f in model.fields}
    uses = model.uses
    absent = sorted(f for f in uses.fields if f not in cols)
    if absent:
        notes.append(f"fields not in the input, so missing for every unit: {', '.join(absent)}")

    def columns(fields: set[str], prefix: str = "") -> list[pl.Expr]:
        out = []
        for f in sorted(fields):
            dtype = pl.Boolean if types[f] == "bool" else pl.Float64
            if f in cols:
                expr = pl.col(f).cast(dtype)
                out.append((expr.fill_nan(None) if dtype == pl.Float64 else expr).alias(prefix + f))
            else:
                out.append(pl.lit(None, dtype=dtype).alias(prefix + f))
        return out

    groups = [pl.col(c).cast(pl.Utf8) if types.get(c) == "text" else pl.col(c) for c in _group_fields(model)]
    has_year = "year" in cols
    current = lf.filter(pl.col("year") == year) if has_year and year is not None else lf
    frame = current.select(
        pl.col("id").cast(pl.Utf8), pl.col("name").cast(pl.Utf8), *groups, *columns(uses.fields)
    )
    if uses.prev:
        if has_year and year is not None:
            before = lf.filter(pl.col("year") == year - 1).select(
                pl.col("id").cast(pl.Utf8), *columns(uses.prev, "prev:")
            )
            frame = frame.join(before, on="id", how="left")
        else:
            notes.append("the unit table holds one period, so prev() and growth() are missing for every unit")
            frame = frame.with_columns(
                pl.lit(None, dtype=pl.Boolean if types[f] == "bool" else pl.Float64).alias(f"prev:{f}")
                for f in sorted(uses.prev)
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
    if model.is_enterprise:
        keep = ["uscc", "name", "zone", *[c for c in _group_fields(model) if c != "zone"]]
    else:
        keep = ["id", "name", *_group_fields(model)]
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


def rank_keys(model: Model) -> list[str]:
    """Rank, cohort size and lists are taken within these (``rank_cohort``, default ``cohort``)."""
    return list(model.rank_keys)


def rate(model: Model, values: Frame) -> pl.LazyFrame:
    """Points, subtotals, total, rank, grade and list for evaluated values (spec, Semantics 2–5)."""
    keys = cohort_keys(model)
    lf = _lazy(values).with_columns(points_exprs(model, model.all_indicators, keys))
    lf = totals(model, lf)
    return rank_and_lists(model, lf)


def rank_and_lists(model: Model, totalled: Frame) -> pl.LazyFrame:
    """Rank (competition, on totals rounded to COMPARE_DECIMALS), cohort size, grade and list."""
    groups = rank_keys(model)
    compared = pl.col("total").round(COMPARE_DECIMALS)
    lf = _lazy(totalled).with_columns(
        _over(compared.rank("min", descending=True), groups).cast(pl.Int64).alias("rank"),
        _over(pl.len(), groups).cast(pl.Int64).alias("cohort_size"),
        grade_expr(model, compared),
    )
    return lf.with_columns(list_expr(model))


def points_exprs(model: Model, indicators, keys: list[str]) -> list[pl.Expr]:
    """``pts:<id>`` = fraction within the cohort × the weight of the firm's stage.

    Under ``weighted_mean`` a base indicator's ``pts`` is its score ``scale × f`` instead, missing when
    its value is missing under ``missing: reweight``; bonus indicators stay points (f × weight)."""
    out = []
    for i in indicators:
        f = fraction_expr(i, keys)
        if model.weighted and not i.bonus:
            pts = pl.lit(model.scale) * f
            if model.missing == "reweight":
                pts = pl.when(pl.col(f"val:{i.id}").is_not_null()).then(pts)
        else:
            pts = f * weight_expr(i)
        out.append(pts.alias(f"pts:{i.id}"))
    return out


def totals(model: Model, points: Frame) -> pl.LazyFrame:
    """From points to base, bonus (capped), penalty, total (veto, never below 0) and category subtotals.

    Row by row: it needs no cohort, so ``explain`` can total a firm's "what if" rows on their own."""
    if model.weighted:
        return _weighted_totals(model, points)
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


def weighted_mean_expr(children: list[tuple[pl.Expr, pl.Expr]], missing: str) -> pl.Expr:
    """Σ w_k s_k / Σ w_k over the children whose score is present (composite-model.md, Semantics 2).

    ``children`` are (score, weight) pairs in file order. Under ``reweight`` a node all of whose
    children are missing is missing; a node whose counted weights sum to 0 scores 0."""
    num = _sum([(w * s).fill_null(0.0) for s, w in children])
    den = _sum([pl.when(s.is_not_null()).then(w).otherwise(0.0) for s, w in children])
    # num × (1 / den), not num / den: Polars divides by a column it holds as one scalar (every unit
    # has all the children, so den is the same literal for all) as a multiplication by the
    # reciprocal, and by a full column as a true division — the last bit of a score would depend on
    # whether *another* unit lacks a value. The reciprocal form gives the same bits either way, and
    # the uncertainty analysis (NumPy) reproduces them exactly.
    mean = pl.when(den == 0).then(0.0).otherwise(num * (1.0 / den))
    if missing == "reweight":
        present = pl.any_horizontal([s.is_not_null() for s, _ in children])
        return pl.when(present).then(mean)
    return mean


def _weighted_totals(model: Model, points: Frame) -> pl.LazyFrame:
    """Category scores bottom-up, the base over the top level, then bonus, penalty, veto and total."""
    lf = _lazy(points)
    zero = model.missing == "zero"
    for c in model.categories_bottom_up():
        inds, kids = model.children(c.id)
        children = [
            (pl.col(f"pts:{i.id}").fill_null(0.0) if zero else pl.col(f"pts:{i.id}"), weight_expr(i))
            for i in inds
        ]
        children += [(pl.col(f"cat:{k.id}"), pl.lit(k.weight)) for k in kids]
        lf = lf.with_columns(weighted_mean_expr(children, model.missing).alias(f"cat:{c.id}"))
    top = [(pl.col(f"cat:{c.id}"), pl.lit(c.weight)) for c in model.top_categories]
    bonus = pl.min_horizontal(pl.lit(model.bonus_cap), _sum([f"pts:{i.id}" for i in model.bonus_indicators]))
    penalty = _sum(
        [pl.when(pl.col(f"pen:{p.id}")).then(pl.lit(p.points)).otherwise(0.0) for p in model.penalties]
    )
    lf = lf.with_columns(
        weighted_mean_expr(top, model.missing).fill_null(0.0).alias("base"),
        bonus.alias("bonus"),
        penalty.alias("penalty"),
    )
    lf = lf.with_columns(
        pl.when(pl.col("vetoed"))
        .then(0.0)
        .otherwise(pl.max_horizontal(pl.lit(0.0), pl.col("base") + pl.col("bonus") - pl.col("penalty")))
        .alias("total")
    )
    return lf


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
    if model.is_enterprise:
        head = ["uscc", "name", "zone"]
    else:
        head = ["id", "name", *[c for c in _group_fields(model)]]
    cols = [
        *head,
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


def finish(model: Model, rated: Frame, year: int | None, order: bool = True) -> pl.LazyFrame:
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
        for k in model.rank_keys
        if k in present
    ]
    return lf.sort([*sort_keys, pl.col("rank"), pl.col(model.key)], nulls_last=True)


def score(
    model: Model, data: Dataset | Frame, year: int | None, keep_values: bool = False, order: bool = True
) -> ScoreResult:
    """Score every enterprise that has a report for ``year``.

    ``keep_values`` also returns the evaluated values, from which ``explain.explain_values`` can
    explain any firm of the run later without reading the data again. ``order=False`` skips the final
    sort (for callers that store rows by key, and for measuring the scoring alone).

    For a model whose unit is not ``enterprise``, ``data`` is the unit table and ``year`` may be None
    when the table has no year column, or a single year (``unit_year``).
    """
    notes: list[str] = []
    if not model.is_enterprise:
        year = unit_year(model, data, year)
    values = evaluate(model, prepare(model, data, year, notes))
    kept = values.collect() if keep_values else None
    frame = finish(model, rate(model, kept if kept is not None else values), year, order).collect()
    if model.is_enterprise:
        _note_unscored(data, year, frame, notes)
    if model.weighted or not model.is_enterprise:
        _note_unscored_units(model, frame, notes)
    return ScoreResult(frame, notes, kept)


def unscored_expr(model: Model) -> pl.Expr:
    """True for a unit whose every top-level category is missing (reported with base 0)."""
    if not (model.weighted and model.missing == "reweight"):
        return pl.lit(False)
    return pl.all_horizontal([pl.col(f"cat:{c.id}").is_null() for c in model.top_categories])


def _note_unscored_units(model: Model, frame: pl.DataFrame, notes: list[str]) -> None:
    if frame.height == 0:
        if not model.is_enterprise:
            notes.append("no unit in the table for this period")
        return
    ids = frame.filter(unscored_expr(model))[model.key].to_list()
    if ids:
        shown = ", ".join(ids[:20]) + (f" … ({len(ids)} in all)" if len(ids) > 20 else "")
        notes.append(
            f"{len(ids)} units have no value in any top-level category and are reported with base 0 (unscored): {shown}"
        )


def _note_unscored(data: Dataset, year: int, frame: pl.DataFrame, notes: list[str]) -> None:
    ents = _lazy(data.enterprises).select("uscc").collect()
    n_unscored = ents.height - frame.height
    if n_unscored > 0:
        notes.append(f"{n_unscored} enterprises have no report for {year} and were not scored")
    reps = _lazy(data.reports).filter(pl.col("year") == year).select("uscc")
    orphans = reps.join(ents.lazy(), on="uscc", how="anti").collect().height
    if orphans:
        notes.append(f"{orphans} reports for {year} have no enterprise row (name, zone) and were not scored")
