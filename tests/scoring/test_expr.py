"""The expression language: missing-safe arithmetic, division by zero, three-valued logic."""

from __future__ import annotations

import polars as pl
import pytest

from gaoxin.scoring.expr import BOOL, NUM, ExprError, parse

FRAME = pl.DataFrame(
    {
        "revenue": [100.0, 0.0, None, 50.0],
        "rd_expense": [10.0, 5.0, 3.0, None],
        "serious_dishonesty": [True, False, None, None],
        "major_incident": [None, None, None, True],
        "prev:revenue": [80.0, 0.0, 10.0, -5.0],
    }
)


def values(text: str, want: str | None = None) -> list:
    return FRAME.select(parse(text, want).polars().alias("v"))["v"].to_list()


def test_arithmetic_precedence_and_unary_minus():
    assert values("rd_expense + revenue * 2 - -1") == [211.0, 6.0, None, None]
    assert values("(rd_expense + revenue) / 2") == [55.0, 2.5, None, None]


def test_division_by_zero_is_missing_never_infinite():
    assert values("rd_expense / revenue") == [0.1, None, None, None]
    assert values("rd_expense / 0") == [None] * 4


def test_comparison_with_missing_is_missing_and_condition_treats_it_as_false():
    assert values("revenue > 60") == [True, False, None, False]
    cond = FRAME.select(parse("revenue > 60", BOOL).condition().alias("v"))["v"].to_list()
    assert cond == [True, False, False, False]


def test_three_valued_logic_as_sql():
    # serious_dishonesty: T, F, ∅, ∅ ; major_incident: ∅, ∅, ∅, T
    assert values("serious_dishonesty or major_incident") == [True, None, None, True]
    assert values("serious_dishonesty and major_incident") == [None, False, None, None]
    assert values("not serious_dishonesty") == [False, True, None, None]
    assert values("true or serious_dishonesty") == [True] * 4
    assert values("false and serious_dishonesty") == [False] * 4


def test_growth_and_prev():
    assert values("growth(revenue)") == [0.25, None, None, None]  # prev ≤ 0 or current missing → missing
    assert values("prev(revenue)") == [80.0, 0.0, 10.0, -5.0]


def test_a_condition_used_as_a_number_counts_one_or_zero():
    assert values("serious_dishonesty + 1") == [2.0, 1.0, None, None]


def test_what_an_expression_reads():
    e = parse("growth(revenue) > 0.1 and has(hightech) or age_years < 3", BOOL)
    assert e.uses.fields == {"revenue"} and e.uses.prev == {"revenue"} and e.uses.kinds == {"hightech"}
    assert e.uses.age and e.type == BOOL
    assert parse("revenue", NUM).type == NUM


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("revenue >", "expected a number"),
        ("revenue > 1 > 0", "chained comparison"),
        ("foo + 1", "unknown field 'foo'"),
        ("sqrt(revenue)", "unknown function 'sqrt'"),
        ("growth", "is a function"),
        ("growth(serious_dishonesty)", "needs a number"),
        ("revenue ^ 2", "unexpected character"),
        ("not revenue", "needs a condition"),
        ("revenue == serious_dishonesty", "compares a number with a condition"),
        ("", "empty"),
    ],
)
def test_faults_are_explained(text, message):
    with pytest.raises(ExprError) as info:
        parse(text)
    assert message in info.value.message
