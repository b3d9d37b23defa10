"""Fuzzing the expression parser: whatever a model file holds, only ``ExprError`` escapes ``parse``.

A model's expressions come from files people upload; a fault in one must come back as a fault with a
position (``ExprError``), never as an ``IndexError``, ``KeyError``, ``RecursionError`` or a crash of the
page that loads the model. Arbitrary text, arbitrary sequences of the language's own tokens (the likely
near-misses), deep nesting, and values YAML may give instead of text; an expression that is accepted
has a type and compiles to a Polars expression.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gaoxin.data.dictionary import QUALIFICATION_KINDS, SCORABLE_FIELDS
from gaoxin.scoring.expr import BOOL, NUM, TEXT, ExprError, parse

UNIT_FIELDS = {"area": NUM, "certified": BOOL, "district": TEXT}
NUMERIC = sorted(n for n, f in SCORABLE_FIELDS.items() if f.type != "bool")[:4]
FLAGS = sorted(n for n, f in SCORABLE_FIELDS.items() if f.type == "bool")[:2]
TOKENS = [
    *["0", "1", "2.5", ".5", "1e3", "1e999", "3.", "007", "1e", "1.2.3"],
    *NUMERIC,
    *FLAGS,
    *UNIT_FIELDS,
    *sorted(QUALIFICATION_KINDS)[:2],
    *["age_years", "prev", "growth", "has", "unknown_field", "id", "_", "x1"],
    *["and", "or", "not", "true", "false"],
    *["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "(", ")"],
    *["=", "!", "&&", "||", ",", "%", "^", "'", '"', "@", "中", "（", "）", "\u3000", "\t", "\n", "\x00"],
]
SEPARATORS = st.sampled_from(["", " ", "  ", "\t", "\n"])


def accepted_or_expr_error(text, want=None, fields=None) -> None:
    """``parse`` returns a typed, compilable expression or raises ExprError; nothing else."""
    try:
        expression = parse(text, want=want, fields=fields)
    except ExprError as fault:
        assert fault.message and (fault.pos is None or 0 <= fault.pos <= len(str(text)))
        return
    assert expression.type in (NUM, BOOL)
    if want == BOOL:
        assert expression.type == BOOL
    assert isinstance(expression.polars(), pl.Expr)
    assert isinstance(expression.condition(), pl.Expr) and isinstance(expression.number(), pl.Expr)


@st.composite
def token_sequences(draw) -> str:
    tokens = draw(st.lists(st.sampled_from(TOKENS), max_size=40))
    out = ""
    for token in tokens:
        out += draw(SEPARATORS) + token
    return out + draw(SEPARATORS)


WANT = st.sampled_from([None, NUM, BOOL])
FIELDS = st.sampled_from([None, UNIT_FIELDS])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), WANT, FIELDS)
@example("a = 1", None, None)
@example("", None, None)
@example("   ", None, None)
def test_arbitrary_text_raises_only_expr_error(text, want, fields):
    accepted_or_expr_error(text, want, fields)


@settings(max_examples=600, deadline=None)
@given(token_sequences(), WANT, FIELDS)
@example("has(", None, None)
@example("prev(1)", None, None)
@example("growth(certified)", None, UNIT_FIELDS)
@example("district > 1", None, UNIT_FIELDS)
@example("1 < 2 < 3", None, None)
def test_token_sequences_raise_only_expr_error(text, want, fields):
    accepted_or_expr_error(text, want, fields)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["(", "-", "not ", "+", "- (", "not ("]),
    st.integers(min_value=1, max_value=5000),
    st.sampled_from(["1", "true", "x"]),
)
def test_deep_nesting_raises_only_expr_error(opening, depth, inner):
    closing = ")" * opening.count("(")
    accepted_or_expr_error(opening * depth + inner + closing * depth)


@pytest.mark.parametrize("op", ["+", "*", "and", "or", "-"])
@pytest.mark.parametrize("n", [10, 3000])
def test_long_flat_chains_raise_only_expr_error(op, n):
    """A long sum is flat text but a deep tree: still an answer or an ExprError, never a crash."""
    term = "true" if op in ("and", "or") else "1"
    accepted_or_expr_error(f" {op} ".join([term] * n))


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.binary(max_size=10),
    )
)
def test_values_yaml_may_give_instead_of_text_raise_only_expr_error(value):
    accepted_or_expr_error(value)


def test_the_fuzzed_languages_accepts_what_it_should():
    """Control: the accepting branch above is reached (the fuzz is not only about faults)."""
    a, b = NUMERIC[:2]
    assert parse(f"({a} + prev({a})) / 2 > {b} and not false").type == BOOL
    assert parse("area * 2 + certified", fields=UNIT_FIELDS).type == NUM
    assert parse("(" * 20 + "1" + ")" * 20).type == NUM
