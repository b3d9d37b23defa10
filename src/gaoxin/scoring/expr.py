"""The model expression language, parsed once and compiled to Polars expressions.

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | "true" | "false" | NAME | NAME "(" NAME ")" | "(" expr ")"

Semantics (indicator-model.md): a missing operand makes arithmetic and comparisons missing; division
by zero is missing (never infinity); ``and``/``or``/``not`` use three-valued logic, as Polars' Kleene
operators do. Names are canonical report fields, ``age_years``, and the functions ``prev``, ``growth``
and ``has``. Everything is checked when the model is loaded, so scoring never meets an unknown name.

Compiled expressions read these columns of the prepared frame (``engine.prepare``): ``<field>`` for
the evaluated year, ``prev:<field>`` for the year before, ``has:<kind>`` and ``age_years``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from gaoxin.data.dictionary import QUALIFICATION_KINDS, SCORABLE_FIELDS

NUM, BOOL = "number", "condition"


class ExprError(ValueError):
    """A fault in an expression; ``pos`` is the 0-based character offset."""

    def __init__(self, message: str, pos: int | None = None):
        super().__init__(message)
        self.message = message
        self.pos = pos


# --- syntax tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    pos: int


@dataclass(frozen=True)
class Num(Node):
    value: float


@dataclass(frozen=True)
class Bool(Node):
    value: bool


@dataclass(frozen=True)
class Name(Node):
    name: str  # a report field or age_years


@dataclass(frozen=True)
class Call(Node):
    fn: str  # prev | growth | has
    arg: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / < <= > >= == != and or
    left: Node
    right: Node


# --- tokens ----------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|==|!=|[-+*/<>()]))"
)
_KEYWORDS = {"and", "or", "not", "true", "false"}


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            ch = text[start]
            hint = "（请用 == 比较）" if ch == "=" else ""
            raise ExprError(f"unexpected character {ch!r} at position {start + 1}{hint}", start)
        kind = m.lastgroup or ""
        value = m.group(kind)
        out.append((kind, value, m.start(kind)))
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        _, got, pos = self.take()
        if got != value:
            raise ExprError(
                f"expected {value!r} at position {pos + 1}, found {got or 'end of expression'!r}", pos
            )

    def at(self, *values: str) -> bool:
        kind, value, _ = self.peek()
        return kind in ("op", "name") and value in values

    def parse(self) -> Node:
        node = self.or_()
        kind, value, pos = self.peek()
        if kind != "end":
            raise ExprError(f"unexpected {value!r} at position {pos + 1}", pos)
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.at("or"):
            pos = self.take()[2]
            node = Binary(pos, "or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.at("and"):
            pos = self.take()[2]
            node = Binary(pos, "and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.at("not"):
            pos = self.take()[2]
            return Unary(pos, "not", self.not_())
        return self.compare()

    def compare(self) -> Node:
        node = self.sum_()
        if self.at("<", "<=", ">", ">=", "==", "!="):
            _, op, pos = self.take()
            node = Binary(pos, op, node, self.sum_())
            if self.at("<", "<=", ">", ">=", "==", "!="):
                pos = self.peek()[2]
                raise ExprError(
                    f"chained comparison at position {pos + 1}: join two comparisons with 'and'", pos
                )
        return node

    def sum_(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            _, op, pos = self.take()
            node = Binary(pos, op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            _, op, pos = self.take()
            node = Binary(pos, op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at("-"):
            pos = self.take()[2]
            return Unary(pos, "-", self.unary())
        if self.at("+"):
            self.take()
            return self.unary()
        return self.atom()

    def atom(self) -> Node:
        kind, value, pos = self.take()
        if kind == "num":
            return Num(pos, float(value))
        if kind == "name":
            if value in ("true", "false"):
                return Bool(pos, value == "true")
            if value in _KEYWORDS:
                raise ExprError(f"unexpected {value!r} at position {pos + 1}", pos)
            if self.at("("):
                self.take()
                akind, arg, apos = self.take()
                if akind != "name":
                    raise ExprError(
                        f"{value}() takes one name, found {arg or 'nothing'!r} at position {apos + 1}", apos
                    )
                self.expect(")")
                return Call(pos, value, arg)
            return Name(pos, value)
        if value == "(":
            node = self.or_()
            self.expect(")")
            return node
        raise ExprError(
            f"expected a number, a name or '(' at position {pos + 1}, found {value or 'end of expression'!r}",
            pos,
        )


# --- checking --------------------------------------------------------------------------------------


@dataclass
class Uses:
    """What an expression reads, so the engine loads only those columns."""

    fields: set[str] = field(default_factory=set)
    prev: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    age: bool = False

    def update(self, other: Uses) -> None:
        self.fields |= other.fields
        self.prev |= other.prev
        self.kinds |= other.kinds
        self.age = self.age or other.age


FUNCTIONS = ("prev", "growth", "has")
TEXT = "text"  # a declared text field of a unit model: it may form cohorts, not enter expressions
# Names a unit model's field may not take: the derived names and functions, the keywords, and the
# columns every unit table and output already has.
RESERVED_NAMES = frozenset({"age_years", *FUNCTIONS, *_KEYWORDS, "id", "name", "year", "stage", "uscc"})


def _field_type(name: str, fields: Mapping[str, str] | None = None) -> str:
    if fields is not None:
        return fields[name]
    return BOOL if SCORABLE_FIELDS[name].type == "bool" else NUM


def _known(name: str, fields: Mapping[str, str] | None) -> bool:
    return name in fields if fields is not None else name in SCORABLE_FIELDS


def _check(node: Node, uses: Uses, fields: Mapping[str, str] | None = None) -> str:
    """The node's type (NUM or BOOL); raises ExprError on unknown names and type faults.

    ``fields`` is a unit model's declared fields (id → NUM, BOOL or TEXT); None means the enterprise
    fields of the data dictionary with ``age_years`` and ``has()``."""
    if isinstance(node, Num):
        return NUM
    if isinstance(node, Bool):
        return BOOL
    if isinstance(node, Name):
        if node.name == "age_years" and fields is None:
            uses.age = True
            return NUM
        if _known(node.name, fields):
            if _field_type(node.name, fields) == TEXT:
                raise ExprError(
                    f"{node.name!r} is a text field: it may form a cohort, not enter an expression", node.pos
                )
            uses.fields.add(node.name)
            return _field_type(node.name, fields)
        if node.name in FUNCTIONS:
            raise ExprError(f"{node.name} is a function: write {node.name}(…)", node.pos)
        if fields is not None:
            raise ExprError(f"unknown field {node.name!r} (not declared in the model's fields)", node.pos)
        raise ExprError(f"unknown field {node.name!r}", node.pos)
    if isinstance(node, Call):
        if node.fn == "has" and fields is not None:
            raise ExprError("has() reads enterprise qualifications; this model's unit has none", node.pos)
        if node.fn == "has":
            if node.arg not in QUALIFICATION_KINDS:
                raise ExprError(
                    f"unknown qualification kind {node.arg!r} in has(); known: {', '.join(QUALIFICATION_KINDS)}",
                    node.pos,
                )
            uses.kinds.add(node.arg)
            return BOOL
        if node.fn in ("prev", "growth"):
            if not _known(node.arg, fields):
                raise ExprError(f"unknown field {node.arg!r} in {node.fn}()", node.pos)
            if _field_type(node.arg, fields) == TEXT:
                raise ExprError(f"{node.fn}() needs a number, {node.arg!r} is text", node.pos)
            if node.fn == "growth" and _field_type(node.arg, fields) == BOOL:
                raise ExprError(f"growth() needs a number, {node.arg!r} is yes/no", node.pos)
            uses.fields.add(node.arg)
            uses.prev.add(node.arg)
            return _field_type(node.arg, fields) if node.fn == "prev" else NUM
        raise ExprError(f"unknown function {node.fn!r}; known: {', '.join(FUNCTIONS)}", node.pos)
    return operator_type(node, lambda operand: _check(operand, uses, fields))


def unary_type(node: Unary, operand: str) -> str:
    """The type of a unary node given its operand's: ``not`` needs a condition, ``-`` gives a number.
    The one rule for the scoring language and the policy language alike."""
    if node.op == "not" and operand != BOOL:
        raise ExprError(f"'not' needs a condition at position {node.pos + 1}", node.pos)
    return BOOL if node.op == "not" else NUM


def binary_type(node: Binary, left: str, right: str) -> str:
    """The type of a binary node given its operands' (both languages): ``and``/``or`` join conditions,
    ``==``/``!=`` compare like with like, comparisons give a condition, arithmetic a number (a yes/no
    operand counts as 1/0)."""
    if node.op in ("and", "or"):
        if left != BOOL or right != BOOL:
            raise ExprError(
                f"'{node.op}' joins conditions, not numbers, at position {node.pos + 1}", node.pos
            )
        return BOOL
    if node.op in ("==", "!=") and left != right:
        raise ExprError(
            f"'{node.op}' compares a number with a condition at position {node.pos + 1}", node.pos
        )
    if node.op in ("<", "<=", ">", ">=", "==", "!="):
        return BOOL
    return NUM


def operator_type(node: Node, check: Callable[[Node], str]) -> str:
    """The type of a unary or binary node, its operands typed by ``check`` (each language's own walk
    over names and calls; the operators follow the same rules in both)."""
    if isinstance(node, Unary):
        return unary_type(node, check(node.operand))
    if isinstance(node, Binary):
        return binary_type(node, check(node.left), check(node.right))
    raise AssertionError(node)


@dataclass(frozen=True)
class Expression:
    text: str
    tree: Node
    type: str
    uses: Uses
    fields: Mapping[str, str] | None = field(default=None, compare=False, repr=False)

    def polars(self) -> pl.Expr:
        """The compiled expression (a condition compiles to a nullable Boolean)."""
        return _compile(self.tree, self.fields)

    def condition(self) -> pl.Expr:
        """As a condition: missing counts as false (stage `when`, penalties, veto)."""
        return _compile(self.tree, self.fields).fill_null(False)

    def number(self) -> pl.Expr:
        """As a value: a condition becomes 1/0, missing stays missing."""
        return _compile(self.tree, self.fields).cast(pl.Float64)


MAX_DEPTH = 100  # levels of the syntax tree (a chain a + b + … of n terms is n deep)


def _depth(tree: Node) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, Unary):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, Binary):
            stack += [(node.left, depth + 1), (node.right, depth + 1)]
    return deepest


def parse_tree(text: str) -> Node:
    """The syntax tree of ``text``, unchecked (names and types are the caller's to check): the public
    entry point for another language built on this grammar (``gaoxin.policy.lang``). A syntax error,
    or nesting deeper than ``MAX_DEPTH``, is an ``ExprError``."""
    try:
        tree = _Parser(text).parse()
    except RecursionError:
        tree = None
    if tree is None or _depth(tree) > MAX_DEPTH:  # checking and compiling recurse: refuse it here
        raise ExprError(f"expression is nested more than {MAX_DEPTH} levels deep (or too long a chain)")
    return tree


def parse(text: object, want: str | None = None, fields: Mapping[str, str] | None = None) -> Expression:
    """Parse and check ``text``; ``want`` is NUM or BOOL when the context requires one.

    ``fields`` (id → NUM, BOOL or TEXT) are a unit model's declared fields, the only names its
    expressions may read (with ``prev`` and ``growth``); None means the enterprise fields."""
    if isinstance(text, bool):  # YAML `true` / `false` written without quotes
        text = "true" if text else "false"
    elif isinstance(text, int | float):
        text = repr(text)
    if not isinstance(text, str) or not text.strip():
        raise ExprError("expression is empty or not text")
    tree = parse_tree(text)
    uses = Uses()
    typ = _check(tree, uses, fields)
    if want == BOOL and typ != BOOL:
        raise ExprError(f"{text!r} is a number, but a condition is required (e.g. {text} > 0)")
    return Expression(text, tree, typ, uses, dict(fields) if fields is not None else None)


# --- compiling -------------------------------------------------------------------------------------


def _num(node: Node, fields: Mapping[str, str] | None = None) -> pl.Expr:
    expr = _compile(node, fields)
    return expr.cast(pl.Float64) if _is_bool(node, fields) else expr


def _is_bool(node: Node, fields: Mapping[str, str] | None = None) -> bool:
    if isinstance(node, Bool):
        return True
    if isinstance(node, Name):
        return _known(node.name, fields) and _field_type(node.name, fields) == BOOL
    if isinstance(node, Call):
        return node.fn == "has" or (node.fn == "prev" and _field_type(node.arg, fields) == BOOL)
    if isinstance(node, Unary):
        return node.op == "not"
    if isinstance(node, Binary):
        return node.op in ("and", "or", "==", "!=", "<", "<=", ">", ">=")
    return False


def growth_expr(current: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """(x − prev) / prev, missing when prev is missing or ≤ 0 (data dictionary)."""
    return pl.when(previous > 0).then((current - previous) / previous)


def safe_divide(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num / den, missing when den is 0 or missing: never infinity or NaN."""
    return pl.when(den != 0).then(num / den)


def _compile(node: Node, fields: Mapping[str, str] | None = None) -> pl.Expr:
    if isinstance(node, Num):
        return pl.lit(node.value, dtype=pl.Float64)
    if isinstance(node, Bool):
        return pl.lit(node.value, dtype=pl.Boolean)
    if isinstance(node, Name):
        return pl.col(node.name)
    if isinstance(node, Call):
        if node.fn == "has":
            return pl.col(f"has:{node.arg}")
        if node.fn == "prev":
            return pl.col(f"prev:{node.arg}")
        return growth_expr(pl.col(node.arg), pl.col(f"prev:{node.arg}"))
    if isinstance(node, Unary):
        return ~_compile(node.operand, fields) if node.op == "not" else -_num(node.operand, fields)
    if isinstance(node, Binary):
        op = node.op
        if op in ("and", "or"):
            left, right = _compile(node.left, fields), _compile(node.right, fields)
            return left & right if op == "and" else left | right
        if op in ("==", "!=") and _is_bool(node.left, fields):
            left, right = _compile(node.left, fields), _compile(node.right, fields)
        else:
            left, right = _num(node.left, fields), _num(node.right, fields)
        return binary(op, left, right)
    raise AssertionError(node)


def binary(op: str, left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """An arithmetic or comparison operator of the grammar on two Polars expressions (division by
    zero gives null: ``safe_divide``). Shared by every language compiled from this grammar."""
    match op:
        case "+":
            return left + right
        case "-":
            return left - right
        case "*":
            return left * right
        case "/":
            return safe_divide(left, right)
        case "<":
            return left < right
        case "<=":
            return left <= right
        case ">":
            return left > right
        case ">=":
            return left >= right
        case "==":
            return left == right
        case "!=":
            return left != right
    raise AssertionError(op)
