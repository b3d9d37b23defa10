"""The policy expression language: the scoring language (``gaoxin.scoring.expr``) over a wider set of names.

The grammar is the scoring language's, parsed by its parser; what differs is what a name may mean.

Names a policy expression may read (all for the evaluated year, one row per firm):

- every number or yes/no field of the annual report (data dictionary), ``prev(x)`` for last year's
  value and ``growth(x)`` for (x − prev) ÷ prev; ``age_years`` (whole years since founding);
- ``has(kind)``: a qualification of ``kind`` valid on 31 December of the year;
  ``first(kind)``: first-ever certificate of the kind began in the year (首次认定);
  ``new(kind)``: any certificate of the kind began in the year (first, renewal or moved in);
  ``renewed(kind)``: began in the year and continues an earlier one (the earlier one ended on or
  after the day before); ``relapsed(kind)``: began in the year after an earlier one had lapsed;
- the published score of the firm in the run the policy names: ``score_total``, ``score_rank`` (1 =
  best in its cohort), ``score_pct`` (rank ÷ cohort size), ``grade(A)`` and ``on_list(id)``;
- the cultivation ladder: ``ladder(tier)`` (holds or qualifies), ``near(tier)`` (status near);
- the policy's own declared inputs (facts no dictionary field carries, supplied by a department: a
  city's award amount …) and, in an item-level clause, the declared item fields. The department facts
  every policy reads (规上, 地方综合贡献度, 迁出, 房地产) are dictionary fields, read from the register.

Evaluation comes two ways, with the same semantics (missing propagates through arithmetic and
comparisons; division by zero is missing; ``and``/``or``/``not`` are three-valued):

- ``polars()``: a vectorised Polars expression (floats), used for eligibility over many firms;
- ``decimal(row)``: exact ``Decimal`` arithmetic on one row, used for every amount of money. Numbers
  written in an expression are read through their text (``0.01`` is exactly one hundredth).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

import polars as pl

from gaoxin.data.dictionary import BY_ID, QUALIFICATION_KINDS, SCORABLE_FIELDS
from gaoxin.scoring.expr import (
    BOOL,
    NUM,
    Binary,
    Bool,
    Call,
    ExprError,
    Name,
    Node,
    Num,
    Unary,
    growth_expr,
    operator_type,
    parse_tree,
)
from gaoxin.scoring.expr import (
    binary as binary_expr,
)

__all__ = ["BOOL", "NUM", "ExprError", "Namespace", "PExpr", "parse"]

LADDER_TIERS = tuple(QUALIFICATION_KINDS)
QUAL_FUNCTIONS = ("has", "first", "new", "renewed", "relapsed")
SCORE_NAMES = {"score_total": NUM, "score_rank": NUM, "score_pct": NUM}
FUNCTIONS = (*QUAL_FUNCTIONS, "prev", "growth", "grade", "on_list", "ladder", "near")
_FN_ZH = {
    "has": "持有{k}",
    "first": "当年首次认定{k}",
    "new": "当年新认定{k}",
    "renewed": "当年重新认定（连续）{k}",
    "relapsed": "当年失效后重新认定{k}",
    "ladder": "达到梯度培育{k}条件",
    "near": "接近{k}条件",
}
_NAME_ZH = {
    "age_years": "成立年限",
    "score_total": "创新积分总分",
    "score_rank": "创新积分排名",
    "score_pct": "创新积分排名百分位",
}


@dataclass(frozen=True)
class Input:
    """A fact a policy declares (not in the data dictionary): ``id``, Chinese label, type and unit."""

    id: str
    zh: str
    type: str  # NUM or BOOL
    unit: str = ""
    level: str = "firm"  # firm | item


@dataclass
class Namespace:
    """What names mean for one policy: its declared firm inputs and item fields."""

    inputs: Mapping[str, Input] = field(default_factory=dict)
    items: Mapping[str, Input] = field(default_factory=dict)
    item_level: bool = False  # item fields readable

    def with_items(self) -> Namespace:
        return Namespace(self.inputs, self.items, True)

    def type_of(self, name: str) -> str | None:
        if name == "age_years" or name in SCORE_NAMES:
            return NUM
        if name in SCORABLE_FIELDS:
            return BOOL if SCORABLE_FIELDS[name].type == "bool" else NUM
        if name in self.inputs:
            return self.inputs[name].type
        if self.item_level and name in self.items:
            return self.items[name].type
        return None

    def label(self, name: str) -> str:
        if name in BY_ID:
            return BY_ID[name].zh
        if name in self.inputs:
            return self.inputs[name].zh
        if name in self.items:
            return self.items[name].zh
        return _NAME_ZH.get(name, name)

    def unit(self, name: str) -> str:
        if name in BY_ID:
            return BY_ID[name].unit
        if name in self.inputs:
            return self.inputs[name].unit
        if name in self.items:
            return self.items[name].unit
        return ""


@dataclass
class Uses:
    """What an expression reads: the columns the facts frame must carry."""

    fields: set[str] = field(default_factory=set)  # report fields of the year
    prev: set[str] = field(default_factory=set)  # report fields of the year before
    quals: set[tuple[str, str]] = field(default_factory=set)  # (function, kind)
    inputs: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)
    scores: set[str] = field(default_factory=set)  # score_total … and grade / on_list
    ladder: set[str] = field(default_factory=set)
    age: bool = False

    def update(self, other: Uses) -> None:
        for k in ("fields", "prev", "quals", "inputs", "items", "scores", "ladder"):
            getattr(self, k).update(getattr(other, k))
        self.age = self.age or other.age


def column(node: Node) -> str:
    """The facts-frame column a leaf node reads."""
    if isinstance(node, Name):
        return node.name
    assert isinstance(node, Call)
    if node.fn == "prev":
        return f"prev:{node.arg}"
    if node.fn in ("grade", "on_list"):
        return "score_grade" if node.fn == "grade" else "score_list"
    if node.fn in ("ladder", "near"):
        return f"ladder:{node.arg}"
    return f"{node.fn}:{node.arg}"


def _check(node: Node, ns: Namespace, uses: Uses) -> str:
    if isinstance(node, Num):
        return NUM
    if isinstance(node, Bool):
        return BOOL
    if isinstance(node, Name):
        typ = ns.type_of(node.name)
        if typ is None:
            if node.name in FUNCTIONS:
                raise ExprError(f"{node.name} is a function: write {node.name}(…)", node.pos)
            if node.name in ns.items:
                raise ExprError(
                    f"{node.name!r} is an item field: only a clause with per: item reads it", node.pos
                )
            raise ExprError(
                f"unknown name {node.name!r} (not a dictionary field nor a declared input)", node.pos
            )
        if node.name == "age_years":
            uses.age = True
        elif node.name in SCORE_NAMES:
            uses.scores.add(node.name)
        elif node.name in SCORABLE_FIELDS:
            uses.fields.add(node.name)
        elif node.name in ns.inputs:
            uses.inputs.add(node.name)
        else:
            uses.items.add(node.name)
        return typ
    if isinstance(node, Call):
        fn, arg = node.fn, node.arg
        if fn in QUAL_FUNCTIONS or fn in ("ladder", "near"):
            if arg not in QUALIFICATION_KINDS:
                raise ExprError(
                    f"unknown qualification kind {arg!r} in {fn}(); known: {', '.join(QUALIFICATION_KINDS)}",
                    node.pos,
                )
            if fn in QUAL_FUNCTIONS:
                uses.quals.add((fn, arg))
            else:
                uses.ladder.add(arg)
            return BOOL
        if fn in ("prev", "growth"):
            if arg not in SCORABLE_FIELDS:
                raise ExprError(f"unknown report field {arg!r} in {fn}()", node.pos)
            typ = BOOL if SCORABLE_FIELDS[arg].type == "bool" else NUM
            if fn == "growth" and typ == BOOL:
                raise ExprError(f"growth() needs a number, {arg!r} is yes/no", node.pos)
            uses.fields.add(arg)
            uses.prev.add(arg)
            return typ if fn == "prev" else NUM
        if fn in ("grade", "on_list"):
            uses.scores.add(fn)
            return BOOL
        raise ExprError(f"unknown function {fn!r}; known: {', '.join(FUNCTIONS)}", node.pos)
    return operator_type(node, lambda operand: _check(operand, ns, uses))


def _is_bool(node: Node, ns: Namespace) -> bool:
    if isinstance(node, Bool):
        return True
    if isinstance(node, Name):
        return ns.type_of(node.name) == BOOL
    if isinstance(node, Call):
        return node.fn not in ("prev", "growth") or (
            node.fn == "prev" and SCORABLE_FIELDS[node.arg].type == "bool"
        )
    if isinstance(node, Unary):
        return node.op == "not"
    if isinstance(node, Binary):
        return node.op in ("and", "or", "==", "!=", "<", "<=", ">", ">=")
    return False


# --- compiling to Polars ---------------------------------------------------------------------------


def _compile(node: Node, ns: Namespace) -> pl.Expr:
    if isinstance(node, Num):
        return pl.lit(node.value, dtype=pl.Float64)
    if isinstance(node, Bool):
        return pl.lit(node.value, dtype=pl.Boolean)
    if isinstance(node, Name):
        return pl.col(node.name)
    if isinstance(node, Call):
        if node.fn == "growth":
            return growth_expr(pl.col(node.arg), pl.col(f"prev:{node.arg}"))
        if node.fn == "grade":
            return pl.col("score_grade") == node.arg
        if node.fn == "on_list":
            return pl.col("score_list") == node.arg
        if node.fn == "ladder":
            return pl.col(f"ladder:{node.arg}").is_in(["holds", "qualifies"])
        if node.fn == "near":
            return pl.col(f"ladder:{node.arg}") == "near"
        return pl.col(column(node))
    if isinstance(node, Unary):
        inner = _compile(node.operand, ns)
        if node.op == "not":
            return ~inner
        return -(inner.cast(pl.Float64) if _is_bool(node.operand, ns) else inner)
    if isinstance(node, Binary):
        op = node.op
        left, right = _compile(node.left, ns), _compile(node.right, ns)
        if op in ("and", "or"):
            return left & right if op == "and" else left | right
        if not (op in ("==", "!=") and _is_bool(node.left, ns)):
            if _is_bool(node.left, ns):
                left = left.cast(pl.Float64)
            if _is_bool(node.right, ns):
                right = right.cast(pl.Float64)
        return binary_expr(op, left, right)
    raise AssertionError(node)


# --- exact evaluation on one row -------------------------------------------------------------------

Row = Mapping[str, object]
Value = Decimal | bool | None


def dec(value: object) -> Decimal | None:
    """A row value as an exact Decimal: floats through their shortest text (86.1 → Decimal('86.1'))."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return Decimal(repr(value))
    return Decimal(str(value))


def _as_num(v: Value) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return Decimal(int(v))
    return v


def _closure(node: Node, ns: Namespace) -> Callable[[Row], Value]:
    if isinstance(node, Num):
        const = Decimal(repr(node.value))
        if const == const.to_integral_value():
            const = const.quantize(Decimal(1))
        return lambda row: const
    if isinstance(node, Bool):
        b = node.value
        return lambda row: b
    if isinstance(node, Name) or (isinstance(node, Call) and node.fn in (*QUAL_FUNCTIONS, "prev")):
        col = column(node)
        if _is_bool(node, ns):

            def read_bool(row: Row) -> Value:
                v = row.get(col)
                return None if v is None else bool(v)

            return read_bool
        return lambda row: dec(row.get(col))
    if isinstance(node, Call):
        arg = node.arg
        if node.fn == "growth":
            cur, prev = node.arg, f"prev:{node.arg}"

            def growth(row: Row) -> Value:
                c, p = dec(row.get(cur)), dec(row.get(prev))
                if c is None or p is None or p <= 0:
                    return None
                return (c - p) / p

            return growth
        if node.fn in ("grade", "on_list"):
            col = column(node)
            return lambda row: None if row.get(col) is None else row.get(col) == arg
        if node.fn in ("ladder", "near"):
            col = column(node)
            want = ("holds", "qualifies") if node.fn == "ladder" else ("near",)
            return lambda row: None if row.get(col) is None else row.get(col) in want
    if isinstance(node, Unary):
        inner = _closure(node.operand, ns)
        if node.op == "not":
            return lambda row: None if (v := inner(row)) is None else not v
        return lambda row: None if (v := _as_num(inner(row))) is None else -v
    if isinstance(node, Binary):
        lf, rf = _closure(node.left, ns), _closure(node.right, ns)
        op = node.op
        if op == "and":

            def and_(row: Row) -> Value:
                a, b = lf(row), rf(row)
                if a is False or b is False:
                    return False
                return None if a is None or b is None else True

            return and_
        if op == "or":

            def or_(row: Row) -> Value:
                a, b = lf(row), rf(row)
                if a is True or b is True:
                    return True
                return None if a is None or b is None else False

            return or_
        boolean_eq = op in ("==", "!=") and _is_bool(node.left, ns)

        def binary(row: Row) -> Value:
            a, b = lf(row), rf(row)
            if a is None or b is None:
                return None
            if not boolean_eq:
                a, b = _as_num(a), _as_num(b)
            match op:
                case "+":
                    return a + b  # type: ignore[operator]
                case "-":
                    return a - b  # type: ignore[operator]
                case "*":
                    return a * b  # type: ignore[operator]
                case "/":
                    if b == 0:
                        return None
                    try:
                        return a / b  # type: ignore[operator]
                    except (DivisionByZero, InvalidOperation):
                        return None
                case "<":
                    return a < b  # type: ignore[operator]
                case "<=":
                    return a <= b  # type: ignore[operator]
                case ">":
                    return a > b  # type: ignore[operator]
                case ">=":
                    return a >= b  # type: ignore[operator]
                case "==":
                    return a == b
                case "!=":
                    return a != b
            raise AssertionError(op)

        return binary
    raise AssertionError(node)


# --- the parsed expression -------------------------------------------------------------------------


@dataclass(frozen=True)
class PExpr:
    text: str
    tree: Node
    type: str
    uses: Uses
    ns: Namespace
    _fn: Callable[[Row], Value]

    def polars(self) -> pl.Expr:
        return _compile(self.tree, self.ns)

    @property
    def zh(self) -> str:
        """The expression in Chinese labels (研发费用 × 0.1), as the pages show it."""
        return zh(self.tree, self.ns)

    def number(self) -> pl.Expr:
        return self.polars().cast(pl.Float64)

    def decimal(self, row: Row) -> Value:
        """Exact value on one row (``Decimal``, ``bool`` or ``None`` for missing)."""
        with localcontext() as ctx:
            ctx.prec = 34
            return self._fn(row)

    @property
    def comparison(self) -> tuple[Node, str, Node] | None:
        t = self.tree
        if isinstance(t, Binary) and t.op in ("<", "<=", ">", ">=", "==", "!="):
            return t.left, t.op, t.right
        return None

    def part(self, node: Node) -> PExpr:
        """A sub-expression (a side of a comparison) as its own expression."""
        uses = Uses()
        typ = _check(node, self.ns, uses)
        return PExpr(describe(node), node, typ, uses, self.ns, _closure(node, self.ns))

    def label(self) -> str:
        """The expression in Chinese labels (研发费用 / 主营业务收入)."""
        return zh(self.tree, self.ns)


def parse(text: object, ns: Namespace, want: str | None = None) -> PExpr:
    """Parse and check ``text`` against the namespace; ``want`` NUM or BOOL when the place needs one."""
    if isinstance(text, bool):
        text = "true" if text else "false"
    elif isinstance(text, int | float | Decimal):
        text = str(text)
    if not isinstance(text, str) or not text.strip():
        raise ExprError("expression is empty or not text")
    uses = Uses()
    tree = parse_tree(text)  # the grammar's one parser: a syntax error or too deep a nesting refused
    try:  # checking recurses too: a pathological chain is a fault of the file, not a crash
        typ = _check(tree, ns, uses)
    except RecursionError:
        raise ExprError("expression is nested too deeply (or too long a chain)") from None
    if want == BOOL and typ != BOOL:
        raise ExprError(f"{text!r} is a number, but a condition is required (e.g. {text} > 0)")
    if want == NUM and typ != NUM:
        raise ExprError(f"{text!r} is a condition, but an amount is required")
    try:
        closure = _closure(tree, ns)
    except RecursionError:
        raise ExprError("expression is nested too deeply (or too long a chain)") from None
    return PExpr(text, tree, typ, uses, ns, closure)


_PREC = {"or": 1, "and": 2, "not": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4}
_PREC |= {"+": 5, "-": 5, "*": 6, "/": 6}
_ZH_OPS = {
    "and": "且",
    "or": "或",
    "not": "非",
    "==": "=",
    "!=": "≠",
    "<=": "≤",
    ">=": "≥",
    "*": "×",
    "/": "÷",
}
_ZH_OPS |= {"true": "是", "false": "否"}


def _render(node: Node, leaf: Callable[[Node], str], words: Mapping[str, str], parent: int = 0) -> str:
    if isinstance(node, Num):
        d = Decimal(repr(node.value))
        return f"{d.normalize():f}" if d == d.to_integral_value() else repr(node.value)
    if isinstance(node, Bool):
        word = "true" if node.value else "false"
        return words.get(word, word)
    if isinstance(node, Name | Call):
        return leaf(node)
    if isinstance(node, Unary):
        inner = _render(node.operand, leaf, words, 7)
        return f"{words.get('not', 'not')} {inner}" if node.op == "not" else f"-{inner}"
    if isinstance(node, Binary):
        p = _PREC[node.op]
        op = words.get(node.op, node.op)
        text = f"{_render(node.left, leaf, words, p)} {op} {_render(node.right, leaf, words, p + 1)}"
        return f"({text})" if p < parent else text
    raise AssertionError(node)


def zh(node: Node, ns: Namespace) -> str:
    """The node in Chinese labels (研发费用 ÷ 主营业务收入 ≥ 0.01)."""

    def leaf(n: Node) -> str:
        if isinstance(n, Name):
            return ns.label(n.name)
        assert isinstance(n, Call)
        if n.fn in _FN_ZH:
            return _FN_ZH[n.fn].format(k=QUALIFICATION_KINDS.get(n.arg, n.arg))
        if n.fn == "prev":
            return f"上年{ns.label(n.arg)}"
        if n.fn == "growth":
            return f"{ns.label(n.arg)}增长率"
        if n.fn == "grade":
            return f"创新积分等级为{n.arg}"
        return f"列入{n.arg}榜单"

    return _render(node, leaf, _ZH_OPS)


def describe(node: Node) -> str:
    """The node as expression text (canonical spacing)."""

    def leaf(n: Node) -> str:
        return n.name if isinstance(n, Name) else f"{n.fn}({n.arg})"  # type: ignore[union-attr]

    return _render(node, leaf, {})


def unit_of(node: Node, ns: Namespace) -> str:
    """The unit of a simple reading (a field, prev of a field, a declared input); '' otherwise."""
    if isinstance(node, Name):
        return ns.unit(node.name)
    if isinstance(node, Call) and node.fn == "prev":
        return ns.unit(node.arg)
    if isinstance(node, Binary) and node.op in ("+", "-"):
        lu, ru = unit_of(node.left, ns), unit_of(node.right, ns)
        if lu and lu == ru:
            return lu
        return lu if isinstance(node.right, Num) else (ru if isinstance(node.left, Num) else "")
    if (
        isinstance(node, Binary)
        and node.op in ("*",)
        and (isinstance(node.left, Num) or isinstance(node.right, Num))
    ):
        return unit_of(node.right if isinstance(node.left, Num) else node.left, ns)
    return ""
