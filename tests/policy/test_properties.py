"""Invariants, for any amounts: pro-rata sums exactly to the budget, caps hold, exclusivity keeps the max."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.policy.engine import Entry, Ledger, run

from .helpers import frame, policy

money = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(amounts=st.lists(money, min_size=1, max_size=12), budget=money)
def test_pro_rata_sums_exactly_to_the_budget_and_never_raises_a_line(amounts, budget):
    p = policy(
        f"clauses:\n  - {{id: c, title: t, when: [true], amount: x, budget: {budget}, pro_rata: true}}\n",
        inputs="[{id: x, zh: 金额, type: money}]",
    )
    r = run(
        [p], frame([{"uscc": f"F{i:02d}", "x": str(a)} for i, a in enumerate(amounts)]).with_columns(), 2025
    )
    lines = r.lines
    total = sum(amounts)
    paid = sum(ln.amount for ln in lines)
    assert paid == (budget if total > budget else total)
    assert all(ln.amount <= ln.gross for ln in lines)
    for ln in lines:
        assert sum(ln.split.values()) == ln.amount


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(money, money), min_size=1, max_size=8),
    cap_item=money,
    cap_year=money,
    paid=st.decimals(min_value=D("0"), max_value=D("200"), places=2),
)
def test_caps_are_never_exceeded(rows, cap_item, cap_year, paid):
    import polars as pl

    p = policy(
        f"""
items: [{{id: v, zh: 金额, type: money}}]
clauses:
  - {{id: c, title: t, per: item, when: [true], amount: 0.2 * v, caps: {{item: {cap_item}, firm_year: {cap_year}}}}}
"""
    )
    items = pl.DataFrame(
        {
            "uscc": ["A"] * len(rows),
            "item": [f"i{j:02d}" for j in range(len(rows))],
            "v": [float(a) for a, _ in rows],
        }
    )
    ledger = Ledger([Entry("A", 2025, "test", "c", paid)])
    lines = run([p], frame([{"uscc": "A"}]), 2025, items=items, ledger=ledger).lines
    for ln in lines:
        assert all(i.amount <= cap_item for i in ln.items)
        assert ln.amount + paid <= max(cap_year, paid)
        assert ln.amount == sum(i.amount for i in ln.items)


@settings(max_examples=60, deadline=None)
@given(amounts=st.lists(money, min_size=1, max_size=6), earlier=st.one_of(st.none(), money))
def test_exclusivity_keeps_the_max_of_the_group(amounts, earlier):
    clauses = "".join(
        f"  - {{id: c{i}, title: t, when: [true], amount: {a}, group: g}}\n" for i, a in enumerate(amounts)
    )
    ledger = Ledger([Entry("A", 2025, "old", "x", earlier, group="g")] if earlier else [])
    lines = run([policy("clauses:\n" + clauses)], frame([{"uscc": "A"}]), 2025, ledger=ledger).lines
    paid_now = sum(ln.amount for ln in lines)
    assert paid_now + (earlier or 0) == max(max(amounts), earlier or 0)
    assert sum(1 for ln in lines if ln.amount > 0) <= 1
