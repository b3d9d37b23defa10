"""Listing reserve: stages, stalled firms, rewards net of payments, 科创板 standards 1–5 and 科创属性,
worked by hand at their boundaries (2.1.2 of the STAR rules and the 2024 指引; money in 万元)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.carriers.listing import (
    STAGES,
    Financials,
    ReserveFirm,
    RewardSchedule,
    base_checks,
    date_problems,
    nearest_standard,
    revenue_cagr,
    rewards_due,
    stalled,
    star_attributes,
    star_standards,
)

D = Decimal
Y = 2025


def test_stage_order_is_the_reserve_ladder():
    assert STAGES == (
        "pool",
        "shareholding",
        "tutoring_filed",
        "tutoring_accepted",
        "application_accepted",
        "approved",
        "registered",
        "listed",
    )
    with pytest.raises(ValueError):
        ReserveFirm("x", "ipo")


def test_stalled_after_more_than_n_days():
    on = dt.date(2025, 12, 31)
    a = ReserveFirm(
        "a", "shareholding", {"pool": dt.date(2025, 1, 1), "shareholding": dt.date(2025, 7, 4)}
    )  # 180 days
    b = ReserveFirm("b", "pool", {"pool": dt.date(2025, 7, 3)})  # 181 days
    c = ReserveFirm("c", "listed", {"listed": dt.date(2020, 1, 1)})
    d = ReserveFirm("d", "pool")
    assert [(s.key, s.days) for s in stalled([a, b, c, d], on, 180)] == [("b", 181)]
    with pytest.raises(ValueError):
        stalled([], on, -1)


def test_date_problems():
    f = ReserveFirm(
        "a",
        "shareholding",
        {"pool": dt.date(2025, 5, 1), "shareholding": dt.date(2025, 4, 1), "listed": dt.date(2026, 1, 1)},
    )
    problems = date_problems(f)
    assert any("早于" in p for p in problems) and any("当前阶段只到" in p for p in problems)


def test_rewards_per_stage_are_never_paid_twice():
    due = rewards_due("registered", {"tutoring_filed": D(20)})
    assert [(r.stage, r.amount) for r in due] == [
        ("tutoring_accepted", D(80)),
        ("approved", D(100)),
        ("registered", D(100)),
    ]
    assert (
        rewards_due(
            "registered", {s: D(1) for s in ("tutoring_filed", "tutoring_accepted", "approved", "registered")}
        )
        == []
    )
    assert sum(r.amount for r in rewards_due("listed", {})) == D(700)  # 武胜 total


def test_rewards_cumulative_netting_and_cap():
    sch = RewardSchedule(netting="cumulative")
    # paid 50 at 辅导备案 (more than its 20): the next award is the cumulative 100 less 50
    due = rewards_due("tutoring_accepted", {"tutoring_filed": D(50)}, sch)
    assert [(r.stage, r.amount) for r in due] == [("tutoring_accepted", D(50))]
    capped = RewardSchedule(cap=D(150))
    assert sum(r.amount for r in rewards_due("listed", {}, capped)) == D(150)
    assert sum(r.amount for r in rewards_due("listed", {"tutoring_filed": D(20)}, capped)) == D(130)


@given(
    st.sampled_from(STAGES), st.sets(st.sampled_from(STAGES)), st.sampled_from(["per_stage", "cumulative"])
)
def test_rewards_never_exceed_the_schedule(stage, paid_stages, netting):
    sch = RewardSchedule(netting=netting)
    paid = {s: sch.amounts[s] for s in paid_stages if s in sch.amounts}
    due = rewards_due(stage, paid, sch)
    reached = STAGES[: STAGES.index(stage) + 1]
    assert sum(r.amount for r in due) + sum(paid.values()) <= sum(
        sch.amounts.get(s, D(0)) for s in set(reached) | set(paid)
    )
    assert all(r.amount > 0 and r.stage not in paid for r in due)


def fin(**kw):
    base = {"year": Y, "market_cap": D(100000)}
    base.update(kw)
    return Financials(**base)


def std(f, n):
    return star_standards(f)[n - 1]


def test_standard_1_two_profitable_years_at_5000():
    f = fin(net_profit={2024: D(2500), 2025: D(2500)})
    assert std(f, 1).met is True
    assert std(dataclasses.replace(f, market_cap=D(99999)), 1).met is False
    assert std(fin(net_profit={2024: D(2500), 2025: D("2499.99")}), 1).met is None  # revenue unknown
    assert std(fin(net_profit={2024: D(2500), 2025: D("2499.99")}, revenue={2025: D(9999)}), 1).met is False
    assert std(fin(net_profit={2024: D(0), 2025: D(6000)}, revenue={2025: D(0)}), 1).met is False  # each > 0


def test_standard_1_alternative_profit_and_revenue():
    assert std(fin(net_profit={2025: D("0.01")}, revenue={2025: D(10000)}), 1).met is True
    zero = fin(net_profit={2024: D(1), 2025: D(0)}, revenue={2025: D(10000)})
    assert std(zero, 1).met is False  # > 0, not ≥ 0
    s = std(fin(net_profit={2024: D(-1), 2025: D(100)}, revenue={2025: D(9000)}), 1)
    assert s.met is False


def test_standard_2_rd_share_fifteen_percent():
    rev = {2023: D(10000), 2024: D(10000), 2025: D(20000)}
    rd = {2023: D(1500), 2024: D(1500), 2025: D(3000)}  # 6,000 / 40,000 = 15 %
    f = fin(market_cap=D(150000), revenue=rev, rd_expense=rd)
    assert std(f, 2).met is True
    assert std(dataclasses.replace(f, rd_expense={**rd, 2025: D("2999.99")}), 2).met is False
    assert std(dataclasses.replace(f, revenue={**rev, 2025: D("19999.99")}), 2).met is False


def test_standards_3_4_5():
    f = fin(
        market_cap=D(200000),
        revenue={2025: D(30000)},
        operating_cash_flow={2023: D(3000), 2024: D(3000), 2025: D(4000)},
    )
    assert std(f, 3).met is True
    assert (
        std(
            dataclasses.replace(f, operating_cash_flow={2023: D(3000), 2024: D(3000), 2025: D("3999.99")}), 3
        ).met
        is False
    )
    assert std(fin(market_cap=D(300000), revenue={2025: D(30000)}), 4).met is True
    assert std(fin(market_cap=D(299999), revenue={2025: D(30000)}), 4).met is False
    assert std(fin(market_cap=D(400000), state_approved=True), 5).met is True
    assert std(fin(market_cap=D(400000), state_approved=None), 5).met is None  # qualitative: no evidence yet


def test_nearest_standard_and_gaps():
    # 市值 25亿, revenue 2.8亿, no profit: standard 4 short by 5亿 of 30 (0.167) + 0.2亿 of 3 (0.067);
    # standard 3 misses only cash flow (unknown → not judged), standard 2 needs R&D share data.
    f = fin(
        market_cap=D(250000),
        revenue={2023: D(20000), 2024: D(25000), 2025: D(28000)},
        rd_expense={2023: D(3000), 2024: D(3000), 2025: D(3000)},
        net_profit={2024: D(-500), 2025: D(-100)},
    )
    standards = star_standards(f)
    s2 = standards[1]
    assert s2.met is False  # 9,000 / 73,000 = 12.3 % < 15 %
    n = nearest_standard(standards)
    assert n.number == 2  # only the R&D share is short (0.027 / 0.15 = 0.18)
    gaps = {c.code: c.gap for c in s2.checks if c.passed is False}
    assert list(gaps) == ["rd_share_3y"]
    met = fin(market_cap=D(300000), revenue={2025: D(30000)})
    assert nearest_standard(star_standards(met)).number == 4
    assert nearest_standard(star_standards(Financials(year=Y))) is None


def test_base_conditions():
    small = Financials(year=Y, share_capital=D(3000), public_float=D("0.25"))
    assert all(c.passed for c in base_checks(small))
    assert not all(c.passed for c in base_checks(dataclasses.replace(small, public_float=D("0.2499"))))
    large = Financials(year=Y, share_capital=D(40001), public_float=D("0.10"))
    assert all(c.passed for c in base_checks(large))
    at_4yi = Financials(year=Y, share_capital=D(40000), public_float=D("0.10"))  # 4亿 is not more than 4亿
    assert not all(c.passed for c in base_checks(at_4yi))


ATTR = fin(
    revenue={2023: D(10000), 2024: D(12000), 2025: D(15625)},  # (15625 / 10000)^(1/2) − 1 = 25 % exactly
    rd_expense={2023: D(500), 2024: D(600), 2025: D("781.25")},  # 1,881.25 / 37,625 = 5 %
    employees=100,
    rd_staff=10,
    core_patents=7,
)


def test_star_attributes_all_four_exactly_at_threshold():
    checks = star_attributes(ATTR)
    assert [c.passed for c in checks] == [True, True, True, True], [(c.code, c.value) for c in checks]
    assert revenue_cagr(ATTR.revenue, Y) == D("0.25")


@pytest.mark.parametrize(
    ("change", "index"),
    [
        ({"rd_expense": {2023: D(500), 2024: D(600), 2025: D("781.24")}}, 0),
        ({"rd_staff": 9}, 1),
        ({"core_patents": 6}, 2),
        (
            {
                "revenue": {2023: D(10000), 2024: D(12000), 2025: D("15624.99")},
                "rd_expense": {2023: D(5000)} | {2024: D(3000), 2025: D(1)},
            },
            3,
        ),
    ],
)
def test_star_attributes_one_below(change, index):
    checks = star_attributes(dataclasses.replace(ATTR, **change))
    assert [i for i, c in enumerate(checks) if not c.passed] == [index]


def test_star_attributes_alternatives():
    big_rd = dataclasses.replace(
        ATTR,
        revenue={2023: D(100000), 2024: D(100000), 2025: D(100000)},
        rd_expense={2023: D(3000), 2024: D(3000), 2025: D(2000)},
    )
    checks = star_attributes(big_rd)
    assert checks[0].passed is True and "累计研发投入" in checks[0].note  # 8,000 万元 exactly, 2.7 %
    assert checks[3].passed is True and "最近一年营业收入" in checks[3].note  # 10亿 ≥ 3亿, no growth


@given(
    st.decimals(min_value=1, max_value=10**6, places=2), st.decimals(min_value=0, max_value=10**6, places=2)
)
def test_cagr_boundary_decided_exactly(first, last):
    f = dataclasses.replace(ATTR, revenue={2023: first, 2024: first, 2025: last})
    growth = star_attributes(f)[3]
    exact = last >= first * D("1.5625") or last >= 30000
    assert growth.passed is exact
