"""Why an enterprise scored what it scored, and what would raise it most.

For one enterprise: each indicator's value, points, full points, cohort percentile and whether the
value was missing; then its best levers — for each indicator one reachable step (``_next_step``), the
firm's value moved there, and the whole cohort re-scored by the engine, so that rank-based methods, the
bonus cap, penalties and the veto all count exactly as they would. Nothing here re-implements a scoring
rule.

A step is what a firm can aim at next, never the cohort's best: for an indicator scored in bands, the
next band's threshold; otherwise the cohort's next quartile (Q1, Q2 or Q3, an observed value), and for
a linear indicator no further than where its points are full. A firm at or beyond its cohort's third
quartile, or in a cohort whose quartiles all equal its value (most firms report 0 venture capital), has
no quartile step for that indicator: the next quartile would be the single best firm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from gaoxin.data.dataset import Dataset
from gaoxin.data.dictionary import field as dictionary_field
from gaoxin.scoring import engine
from gaoxin.scoring.expr import Binary, Call, Name
from gaoxin.scoring.model import Indicator, Model

QUARTILES = (0.25, 0.5, 0.75)  # Q1, Q2, Q3: the steps; the best firm is not one


@dataclass(frozen=True)
class IndicatorLine:
    id: str
    name: str
    category: str
    bonus: bool
    method: str
    direction: str
    value: float | None
    points: float
    full_points: float
    percentile: float | None  # share of the cohort's reported values this one equals or beats (0–1]
    missing: bool


@dataclass(frozen=True)
class Lever:
    indicator: str
    name: str
    value: float | None
    target: float  # the step: the next band's threshold, or the cohort's next quartile value
    quartile: str  # "Q1", "Q2", "Q3" (counted in the better direction), "band" or "full" (linear's end)
    points_now: float
    points_after: float
    total_gain: float  # change of the firm's total when re-scored with the target value


@dataclass
class Explanation:
    uscc: str
    name: str
    zone: str | None
    year: int
    stage: str
    stage_name: str
    total: float
    base: float
    bonus: float
    penalty: float
    vetoed: bool
    rank: int
    cohort_size: int
    grade: str | None
    list: str | None
    categories: dict[str, float]
    indicators: list[IndicatorLine]
    penalties: list[tuple[str, str, float]]  # (id, name, points) of the penalties that hold
    levers: list[Lever] = field(default_factory=list)


class UnknownEnterprise(LookupError):
    pass


def value_kind(ind: Indicator) -> tuple[str, str]:
    """How an indicator's value reads: ``(type, unit)`` as the data dictionary gives a field's.

    A field itself, or a sum of fields of one kind, has the field's type and unit
    (``equity_financing`` → money, 万元; ``utility_models + design_patents`` → int, 件); a growth rate or
    a quotient of two values of the same kind is a ratio (``rd_staff / employees``); a value multiplied
    by a condition keeps its kind; anything else is a plain number without a unit."""
    return _kind(ind.value.tree) or ("number", "")


_COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


def _kind(node) -> tuple[str, str] | None:
    if isinstance(node, Name):
        f = dictionary_field(node.name)
        return (f.type, f.unit) if f is not None and f.numeric else None
    if isinstance(node, Call):
        return ("ratio", "") if node.fn == "growth" else None
    if not isinstance(node, Binary):
        return None
    if node.op == "/":
        left, right = _kind(node.left), _kind(node.right)
        return ("ratio", "") if left is not None and left == right else None
    if node.op in ("+", "-"):
        left, right = _kind(node.left), _kind(node.right)
        return left if left is not None and left == right else None
    if node.op == "*":
        for value, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(other, Binary) and other.op in _COMPARISONS:
                return _kind(value)
    return None


def explain(model: Model, data: Dataset, year: int, uscc: str, levers: int = 3) -> Explanation:
    values = engine.evaluate(model, engine.prepare(model, data, year)).collect()
    return explain_values(model, values, year, uscc, levers)


def explain_values(model: Model, values: pl.DataFrame, year: int, uscc: str, levers: int = 3) -> Explanation:
    """As ``explain``, from already evaluated values (``engine.evaluate``) of the whole population."""
    me = values.filter(pl.col("uscc") == uscc)
    if me.height == 0:
        raise UnknownEnterprise(f"{uscc} is not among the enterprises scored for {year}")
    keys = engine.cohort_keys(model)
    cohort = (
        values.filter(pl.all_horizontal([pl.col(k).eq_missing(me[k][0]) for k in keys])) if keys else values
    )
    rated = engine.rate(model, cohort).collect()
    row = rated.filter(pl.col("uscc") == uscc).row(0, named=True)
    stage = row["stage"]
    stage_name = next(s.name.zh for s in model.stages if s.id == stage)
    lines = [_line(ind, row, rated, stage) for ind in model.all_indicators]
    penalties = [(p.id, p.name.zh, p.points) for p in model.penalties if row[f"pen:{p.id}"]]
    found = _levers(model, cohort, row, uscc)
    return Explanation(
        uscc=uscc,
        name=row["name"],
        zone=row["zone"],
        year=year,
        stage=stage,
        stage_name=stage_name,
        total=row["total"],
        base=row["base"],
        bonus=row["bonus"],
        penalty=row["penalty"],
        vetoed=row["vetoed"],
        rank=row["rank"],
        cohort_size=row["cohort_size"],
        grade=row["grade"],
        list=row["list"],
        categories={c.id: row[f"cat:{c.id}"] for c in model.categories},
        indicators=lines,
        penalties=penalties,
        levers=found[:levers],
    )


def _line(ind: Indicator, row: dict, cohort: pl.DataFrame, stage: str) -> IndicatorLine:
    value = row[f"val:{ind.id}"]
    return IndicatorLine(
        id=ind.id,
        name=ind.name.zh,
        category=ind.category,
        bonus=ind.bonus,
        method=ind.method,
        direction=ind.direction,
        value=value,
        points=row[f"pts:{ind.id}"],
        full_points=ind.weight(stage),
        percentile=_percentile(cohort[f"val:{ind.id}"], value, ind.direction),
        missing=value is None,
    )


def _percentile(column: pl.Series, value: float | None, direction: str) -> float | None:
    """The mean-rank share of the cohort's reported values, better direction up (as `percentile` scores)."""
    reported = column.drop_nulls()
    if value is None or reported.len() == 0:
        return None
    worse = int((reported > value).sum() if direction == "lower" else (reported < value).sum())
    equal = int((reported == value).sum())
    return (worse + (equal + 1) / 2) / reported.len()


def _next_quartile(column: pl.Series, value: float | None, direction: str) -> tuple[float, str] | None:
    """The first of the cohort's quartiles (Q1, Q2, Q3) better than ``value``; None when none is.

    Quartiles are taken as observed values (rounded towards "better"), so that reaching one means
    matching a real firm of the cohort, not an interpolated number no firm has. The cohort's best is
    not a step: beyond the third quartile there is no quartile to reach.
    """
    reported = column.drop_nulls()
    if reported.len() == 0:
        return None
    names = ("Q1", "Q2", "Q3")
    lower = direction == "lower"
    # For `lower`, the cohort's Q1 (first step up) is the 75th percentile of the raw values.
    steps = [
        (float(reported.quantile(1 - q if lower else q, "lower" if lower else "higher")), n)
        for q, n in zip(QUARTILES, names, strict=True)
    ]
    better = [(t, n) for t, n in steps if value is None or (t < value if lower else t > value)]
    return better[0] if better else None


def _next_step(ind: Indicator, column: pl.Series, value: float | None) -> tuple[float, str] | None:
    """The reachable step for ``ind`` from ``value`` (see the module's docstring)."""
    lower = ind.direction == "lower"
    if ind.method == "bands":
        for threshold, _fraction in ind.bands:  # from the easiest to the hardest
            if value is None or (value > threshold if lower else value < threshold):
                return float(threshold), "band"
        return None
    step = _next_quartile(column, value, ind.direction)
    if step is not None and ind.method == "linear" and ind.linear:
        full = ind.linear[0] if lower else ind.linear[1]  # where the points are full
        if (step[0] < full) if lower else (step[0] > full):
            if value is not None and ((value <= full) if lower else (value >= full)):
                return None
            return float(full), "full"
    return step


def _levers(model: Model, cohort: pl.DataFrame, row: dict, uscc: str) -> list[Lever]:
    """Each indicator moved to its next quartile, the cohort re-scored, the firm's new total.

    Moving one indicator's value changes, in the firm's total, only that indicator's points — but
    those depend on the whole cohort (ranks, minimum and maximum), so they are recomputed by the
    engine over the cohort with the moved value; the total is then the engine's ``totals`` of the
    firm's points with that one replaced. The same numbers as a full re-run per indicator (tested),
    at the cost of one column each."""
    if row["vetoed"]:
        return []  # a veto sets the total to 0 whatever the indicators say
    mine = pl.col("uscc") == uscc
    keys = engine.cohort_keys(model)
    moves: list[tuple[Indicator, tuple[float, str], pl.LazyFrame]] = []
    for ind in model.all_indicators:
        if ind.weight(row["stage"]) <= 0:
            continue
        col = f"val:{ind.id}"
        target = _next_step(ind, cohort[col], row[col])
        if target is None:
            continue
        moved = cohort.lazy().with_columns(
            pl.when(mine).then(pl.lit(target[0])).otherwise(pl.col(col)).alias(col)
        )
        moves.append(
            (ind, target, moved.select("uscc", *engine.points_exprs(model, [ind], keys)).filter(mine))
        )
    if not moves:
        return []
    # The moved cohorts collected together (in parallel, one call) and every what-if row totalled in one
    # frame: the engine's numbers as before, without a collect per indicator and per total.
    frames = pl.collect_all([plan for *_, plan in moves])
    points = [f[f"pts:{ind.id}"][0] for (ind, _, _), f in zip(moves, frames, strict=True)]
    whatif = pl.DataFrame([{**row, f"pts:{ind.id}": p} for (ind, _, _), p in zip(moves, points, strict=True)])
    after = engine.totals(model, whatif).select("total").collect()["total"]
    found = []
    for (ind, target, _), p, total in zip(moves, points, after, strict=True):
        gain = total - row["total"]
        if gain > 1e-9:
            col, pts = f"val:{ind.id}", f"pts:{ind.id}"
            found.append(
                Lever(
                    indicator=ind.id,
                    name=ind.name.zh,
                    value=row[col],
                    target=target[0],
                    quartile=target[1],
                    points_now=row[pts],
                    points_after=p,
                    total_gain=gain,
                )
            )
    found.sort(key=lambda lever: (-lever.total_gain, lever.indicator))
    return found
