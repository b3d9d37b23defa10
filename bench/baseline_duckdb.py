"""The scoring of ``shared/spec/indicator-model.md`` as one DuckDB SQL query, written from the spec.

Each model expression is translated to SQL (NULL = missing, ``NULLIF`` for division by zero, SQL's own
three-valued ``AND``/``OR``/``NOT``); cohort statistics are window functions partitioned by the
cohort fields. The average rank for ``percentile`` is (RANK() + COUNT(v) with the default RANGE frame)
/ 2 over one ordered window: RANK() is the first rank of a tie group, the running count up to and
including the peers its last rank.

    con = duckdb.connect()
    table = score(model, year, con=con, enterprises=parquet(p1), reports=parquet(p2), qualifications=None)
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from bench.common import COMPARE_DECIMALS, cohort_fields, is_bool_field, is_condition, output_columns, reads
from gaoxin.scoring.expr import Binary, Bool, Call, Name, Node, Num, Unary
from gaoxin.scoring.model import Indicator, Model


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def number(x: float) -> str:
    return f"CAST({float(x)!r} AS DOUBLE)"


def parquet(path: str | Path) -> str:
    """A table expression reading a parquet file."""
    return f"read_parquet({text(str(path))})"


# --- expressions -----------------------------------------------------------------------------------

_COMPARE = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "<>"}


def sql(node: Node) -> str:
    """The expression as SQL over the prepared columns (DOUBLE numbers, BOOLEAN conditions)."""
    if isinstance(node, Num):
        return number(node.value)
    if isinstance(node, Bool):
        return "TRUE" if node.value else "FALSE"
    if isinstance(node, Name):
        return ident(node.name)
    if isinstance(node, Call):
        if node.fn == "has":
            return ident(f"has:{node.arg}")
        before = ident(f"prev:{node.arg}")
        if node.fn == "prev":
            return before
        return f"(CASE WHEN {before} > 0 THEN ({ident(node.arg)} - {before}) / {before} END)"
    if isinstance(node, Unary):
        return f"(NOT {sql(node.operand)})" if node.op == "not" else f"(-{as_number(node.operand)})"
    if isinstance(node, Binary):
        op = node.op
        if op in ("and", "or"):
            return f"({sql(node.left)} {op.upper()} {sql(node.right)})"
        if op in ("==", "!=") and is_condition(node.left) and is_condition(node.right):
            return f"({sql(node.left)} {_COMPARE[op]} {sql(node.right)})"
        left, right = as_number(node.left), as_number(node.right)
        if op == "/":
            return f"({left} / NULLIF({right}, 0))"
        return f"({left} {_COMPARE.get(op, op)} {right})"
    raise TypeError(node)


def as_number(node: Node) -> str:
    """A condition in arithmetic counts as 1/0."""
    return f"CAST({sql(node)} AS DOUBLE)" if is_condition(node) else sql(node)


def holds(node: Node) -> str:
    """A condition whose missing value counts as false."""
    return f"COALESCE({sql(node)}, FALSE)"


# --- the query -------------------------------------------------------------------------------------


def _columns(con: duckdb.DuckDBPyConnection, source: str | None) -> set[str]:
    if source is None:
        return set()
    return set(con.sql(f"SELECT * FROM {source} LIMIT 0").columns)


def _field(name: str, present: set[str], prefix: str = "") -> str:
    target = ident(prefix + name)
    if is_bool_field(name):
        return (
            f"CAST({ident(name)} AS BOOLEAN) AS {target}" if name in present else f"NULL::BOOLEAN AS {target}"
        )
    if name not in present:
        return f"NULL::DOUBLE AS {target}"
    x = f"CAST({ident(name)} AS DOUBLE)"
    return f"CASE WHEN isnan({x}) THEN NULL ELSE {x} END AS {target}"  # NaN is missing


def _fraction(ind: Indicator) -> str:
    v = ident(f"val:{ind.id}")
    s = ind.id
    lower = ind.direction == "lower"
    if ind.method == "percentile":
        rank = f"{ident('rk:' + s)} / {ident('n:' + s)}"
        out = f"{v} IS NULL" if lower else f"({v} IS NULL OR {v} <= 0)"
        return f"CASE WHEN {out} THEN 0.0 ELSE {rank} END"
    if ind.method == "minmax":
        lo, hi = ident("lo:" + s), ident("hi:" + s)
        spread = f"({hi} - {v})" if lower else f"({v} - {lo})"
        return f"CASE WHEN {v} IS NULL THEN 0.0 WHEN {hi} = {lo} THEN 1.0 ELSE {spread} / ({hi} - {lo}) END"
    if ind.method == "linear":
        a, b = ind.linear
        raw = f"({number(b)} - {v})" if lower else f"({v} - {number(a)})"
        return f"COALESCE(LEAST(GREATEST({raw} / {number(b - a)}, 0.0), 1.0), 0.0)"
    # bands: the fraction of the last threshold met; check from the hardest down
    cmp = "<=" if lower else ">="
    arms = " ".join(f"WHEN {v} {cmp} {number(t)} THEN {number(f)}" for t, f in reversed(ind.bands))
    return f"CASE {arms} ELSE 0.0 END"


def _weight(ind: Indicator) -> str:
    arms = " ".join(f"WHEN {text(stage)} THEN {number(w)}" for stage, w in ind.weights.items())
    return f"(CASE stage {arms} ELSE 0.0 END)" if arms else "0.0"


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(["0.0", *terms]) + ")"  # left to right, as the spec's sums read


def query(
    model: Model,
    year: int,
    *,
    enterprises: str,
    reports: str,
    qualifications: str | None,
    con: duckdb.DuckDBPyConnection,
) -> str:
    r = reads(model)
    rep_cols, ent_cols, qual_cols = (
        _columns(con, reports),
        _columns(con, enterprises),
        _columns(con, qualifications),
    )
    extra = cohort_fields(model)
    keys = ", ".join(ident(k) for k in model.cohort)
    part = f"PARTITION BY {keys}" if keys else ""
    ctes = []

    fields = sorted(r.fields)
    ctes.append(
        f"cur AS (SELECT {', '.join(['uscc', *[_field(f, rep_cols) for f in fields]])} "
        f"FROM {reports} WHERE year = {year})"
    )
    select = ["c.*"]
    joins = [f"JOIN (SELECT * FROM {enterprises}) e ON e.uscc = c.uscc"]
    for c in ("name", "zone", *extra):
        select.append(f"e.{ident(c)}" if c in ent_cols else f"NULL::VARCHAR AS {ident(c)}")
    if r.prev:
        prev_cols = ", ".join(_field(f, rep_cols, "prev:") for f in sorted(r.prev))
        ctes.append(f"prv AS (SELECT uscc, {prev_cols} FROM {reports} WHERE year = {year - 1})")
        joins.append("LEFT JOIN prv p ON p.uscc = c.uscc")
        select += [f"p.{ident('prev:' + f)}" for f in sorted(r.prev)]
    if r.age:
        if "established" in ent_cols:
            # whole years to 31 December of the evaluated year: the anniversary has always passed by then
            select.append(f"CAST({year} - year(e.established) AS DOUBLE) AS age_years")
        else:
            select.append("NULL::DOUBLE AS age_years")
    day = f"DATE '{year:04d}-12-31'"
    for n, kind in enumerate(sorted(r.kinds)):
        if {"uscc", "kind", "valid_from", "valid_to"} <= qual_cols:
            joins.append(
                f"LEFT JOIN (SELECT DISTINCT uscc FROM {qualifications} WHERE kind = {text(kind)} "
                f"AND valid_from <= {day} AND valid_to >= {day}) h{n} ON h{n}.uscc = c.uscc"
            )
            select.append(f"h{n}.uscc IS NOT NULL AS {ident('has:' + kind)}")
        else:
            select.append(f"FALSE AS {ident('has:' + kind)}")
    ctes.append(f"prep AS (SELECT {', '.join(select)} FROM cur c {' '.join(joins)})")

    # evaluate: stage, values, penalty and veto conditions
    stage = "CASE " + " ".join(f"WHEN {holds(s.when.tree)} THEN {text(s.id)}" for s in model.stages[:-1])
    stage = (
        f"{stage} ELSE {text(model.stages[-1].id)} END" if model.stages[:-1] else text(model.stages[-1].id)
    )
    ev = ["uscc", "name", "zone", *[ident(c) for c in extra], f"{stage} AS stage"]
    ev += [f"{as_number(i.value.tree)} AS {ident('raw:' + i.id)}" for i in model.all_indicators]
    ev += [f"{holds(p.when.tree)} AS {ident('pen:' + p.id)}" for p in model.penalties]
    ev.append(
        f"({' OR '.join(holds(v.tree) for v in model.veto)}) AS vetoed" if model.veto else "FALSE AS vetoed"
    )
    ctes.append(f"ev AS (SELECT {', '.join(ev)} FROM prep)")
    vals = [
        f"CASE WHEN isnan({ident('raw:' + i.id)}) THEN NULL ELSE {ident('raw:' + i.id)} END "
        f"AS {ident('val:' + i.id)}"
        for i in model.all_indicators
    ]
    base_cols = ["uscc", "name", "zone", *[ident(c) for c in extra], "stage", "vetoed"]
    base_cols += [ident("pen:" + p.id) for p in model.penalties]
    ctes.append(f"val AS (SELECT {', '.join([*base_cols, *vals])} FROM ev)")

    # cohort statistics
    stats = []
    for ind in model.all_indicators:
        v = ident(f"val:{ind.id}")
        if ind.method == "percentile":
            order = f"ORDER BY {v} {'DESC' if ind.direction == 'lower' else 'ASC'} NULLS LAST"
            w = f"({part} {order})"
            stats.append(
                f"(CAST(RANK() OVER {w} AS DOUBLE) + COUNT({v}) OVER {w}) / 2 AS {ident('rk:' + ind.id)}"
            )
            stats.append(f"COUNT({v}) OVER ({part}) AS {ident('n:' + ind.id)}")
        elif ind.method == "minmax":
            stats.append(f"MIN({v}) OVER ({part}) AS {ident('lo:' + ind.id)}")
            stats.append(f"MAX({v}) OVER ({part}) AS {ident('hi:' + ind.id)}")
    ctes.append(f"st AS (SELECT *{''.join(', ' + s for s in stats)} FROM val)")
    pts = [f"({_fraction(i)}) * {_weight(i)} AS {ident('pts:' + i.id)}" for i in model.all_indicators]
    ctes.append(f"pt AS (SELECT *, {', '.join(pts)} FROM st)")

    # totals
    def pts_of(inds: tuple[Indicator, ...] | list[Indicator]) -> str:
        return _sum([ident("pts:" + i.id) for i in inds])

    pen = _sum(
        [f"CASE WHEN {ident('pen:' + p.id)} THEN {number(p.points)} ELSE 0.0 END" for p in model.penalties]
    )
    cats = [
        f"{pts_of([i for i in model.all_indicators if i.category == c.id])} AS {ident('cat:' + c.id)}"
        for c in model.categories
    ]
    ctes.append(
        f"sub AS (SELECT *, {pts_of(model.indicators)} AS base, "
        f"LEAST({number(model.bonus_cap)}, {pts_of(model.bonus_indicators)}) AS bonus, {pen} AS penalty"
        f"{''.join(', ' + c for c in cats)} FROM pt)"
    )
    ctes.append(
        "tot AS (SELECT *, CASE WHEN vetoed THEN 0.0 ELSE GREATEST(0.0, base + bonus - penalty) END AS total "
        "FROM sub)"
    )
    compared = f"ROUND(total, {COMPARE_DECIMALS})"
    ctes.append(
        f"rk AS (SELECT *, {compared} AS _cmp, CAST(RANK() OVER ({part} ORDER BY {compared} DESC) AS BIGINT) AS rank, "
        f"CAST(COUNT(*) OVER ({part}) AS BIGINT) AS cohort_size FROM tot)"
    )
    grade = "CASE " + " ".join(f"WHEN _cmp >= {number(g.min)} THEN {text(g.grade)}" for g in model.grades)
    grade = f"{grade} END" if model.grades else "NULL::VARCHAR"
    arms = []
    for lst in model.lists:
        p, q = lst.top.numerator, lst.top.denominator  # ceil(top × n) in integers: 0.10 × 30 is 3
        arms.append(f"WHEN NOT vetoed AND rank <= (cohort_size * {p} + {q - 1}) // {q} THEN {text(lst.id)}")
    lists = f"CASE {' '.join(arms)} END" if arms else "NULL::VARCHAR"
    missing = ", ".join(
        f"CASE WHEN {ident('val:' + i.id)} IS NULL THEN {text(i.id)} END" for i in model.all_indicators
    )
    missing = f"concat_ws(',', {missing})" if missing else "''"

    computed = {
        "year": f"CAST({year} AS BIGINT) AS year",
        "grade": f"{grade} AS grade",
        "list": f"{lists} AS list",
        "missing": f"{missing} AS missing",
    }
    final = [computed.get(c, ident(c)) for c in output_columns(model)]
    return f"WITH {', '.join(ctes)} SELECT {', '.join(final)} FROM rk"


def score(
    model: Model,
    year: int,
    *,
    con: duckdb.DuckDBPyConnection,
    enterprises: str,
    reports: str,
    qualifications: str | None = None,
) -> pa.Table:
    """The spec's output columns as an Arrow table, one row per enterprise with a report for ``year``.

    ``enterprises``, ``reports`` and ``qualifications`` are table expressions: a registered name or
    ``parquet(path)``.
    """
    return con.sql(
        query(model, year, enterprises=enterprises, reports=reports, qualifications=qualifications, con=con)
    ).to_arrow_table()


def score_dataset(model: Model, data, year: int, con: duckdb.DuckDBPyConnection | None = None) -> pa.Table:
    """Score a ``gaoxin.data.dataset.Dataset`` (Polars frames) registered as DuckDB views."""
    con = con or duckdb.connect()
    con.register("enterprises", data.enterprises.to_arrow())
    con.register("reports", data.reports.to_arrow())
    con.register("qualifications", data.qualifications.to_arrow())
    return score(
        model, year, con=con, enterprises="enterprises", reports="reports", qualifications="qualifications"
    )
