"""The hand-worked cases of issue 12, from the real clauses (next-round-rules §(a)), with boundaries."""

from __future__ import annotations

from decimal import Decimal as D

import polars as pl
import pytest

from gaoxin.policy.engine import Entry, Ledger, misses, run
from gaoxin.policy.model import load_file, shipped

from .helpers import frame, policy

SHIPPED = {p.stem: load_file(p) for p in shipped()}


def dangshan_firm(uscc: str, rd: float, prev: float, revenue: float = 100_000, **extra) -> dict:
    return {
        "uscc": uscc,
        "above_scale": True,
        "rd_expense": rd,
        "prev:rd_expense": prev,
        "main_revenue": revenue,
    } | extra


def lines_by_firm(result):
    return {ln.uscc: ln for ln in result.lines}


# --- 砀山 R&D reward ----------------------------------------------------------------------------------


def test_dangshan_worked_examples_and_the_50_50_split():
    p = SHIPPED["dangshan-rd"]
    r = run([p], frame([dangshan_firm("A", 2000, 1500), dangshan_firm("B", 3000, 500)]), 2025)
    got = lines_by_firm(r)
    assert got["A"].gross == D("30") and got["A"].amount == D("30")  # 20 + 10
    assert got["A"].split == {"市": D("15"), "县": D("15")}
    assert got["B"].gross == D("80") and got["B"].amount == D("50")  # 30 + 50 = 80 → capped 50
    assert [s.code for s in got["B"].steps] == ["cap_item"]
    assert sum(got["B"].split.values()) == D("50")


@pytest.mark.parametrize(
    ("rd", "prev", "revenue", "eligible"),
    [
        (100, 90, 10_000, True),  # R&D exactly 100 万元: "≥ 100" holds
        (99.99, 90, 9_999, False),  # below 100
        (100, 90, 10_000.01, False),  # R&D / revenue just under 1 %
        (128.2, 80, 12_820, True),  # exactly 1 %: float division gives 0.00999…; decided exactly
        (500, 500, 10_000, False),  # no growth: "above last year" is strict
        (500, 499.99, 10_000, True),
    ],
)
def test_dangshan_boundaries_as_worded(rd, prev, revenue, eligible):
    p = SHIPPED["dangshan-rd"]
    r = run([p], frame([dangshan_firm("A", rd, prev, revenue)]), 2025)
    assert r.result("dangshan-rd").clauses[0].frame["eligible"][0] is eligible


def test_dangshan_top_20_by_rd_ties_broken_by_uscc():
    p = SHIPPED["dangshan-rd"]
    firms = [dangshan_firm(f"F{i:02d}", 1000 + 10 * i, 900) for i in range(19)]  # F18 is the highest
    firms += [
        dangshan_firm("T2", 500, 400, 50_000),
        dangshan_firm("T1", 500, 400, 50_000),
    ]  # tie for the 20th place
    r = run([p], frame(firms), 2025)
    cr = r.result("dangshan-rd").clauses[0]
    assert [ln.uscc for ln in cr.lines[:2]] == ["F18", "F17"]
    winners = [ln.uscc for ln in cr.winners]
    assert len(winners) == 20 and "T1" in winners and "T2" not in winners  # T1 < T2 by USCC
    cut = {ln.uscc: ln for ln in cr.lines}["T2"]
    assert cut.amount == 0 and cut.rank == 21 and cut.steps[-1].code == "rank"
    assert cr.cutoff == (500.0,) and cr.first_out == (500.0,)


def test_ties_include_keeps_every_firm_tied_with_the_last_winner():
    p = policy(
        """
clauses:
  - id: c
    title: 排名
    when: [rd_expense > 0]
    amount: 10
    rank: {by: rd_expense, top: 2, ties: include}
"""
    )
    r = run(
        [p], frame([{"uscc": u, "rd_expense": v} for u, v in [("A", 9), ("B", 5), ("C", 5), ("D", 4)]]), 2025
    )
    assert [ln.uscc for ln in r.lines if ln.amount > 0] == ["A", "B", "C"]


def test_a_missing_value_fails_the_condition_and_the_reason_says_so():
    p = SHIPPED["dangshan-rd"]
    r = run([p], frame([dangshan_firm("A", 2000, None)]), 2025)
    assert not r.lines
    checks = r.explain("dangshan-rd", "rd-reward", "A")
    growth = checks[3]
    assert growth.ok is None and "上年研发费用未填报" in growth.sentence


def test_the_gap_is_in_the_firms_units():
    p = SHIPPED["dangshan-rd"]
    r = run([p], frame([dangshan_firm("A", 86, 50, 10_000)]), 2025)
    checks = r.explain("dangshan-rd", "rd-reward", "A")
    assert checks[1].ok is False and checks[1].gap == D("14") and checks[1].gap_unit == "万元"
    assert checks[1].sentence == "研发费用 86 万元 < 100 万元：还差 14 万元"
    ratio = checks[2]  # 86 / 10 000 = 0.86 % < 1 %: 14 万元 more R&D would meet it
    assert ratio.ok is False and ratio.gap == D("14") and ratio.gap_field == "研发费用"
    miss = misses(r, "A")[0]
    assert miss.clause == "rd-reward" and [c.label for c in miss.failed] == [
        "年度研发投入不低于100万元",
        "研发投入占主营业务收入不低于1%",
    ]


def test_an_excluded_firm_is_not_paid_and_the_exclusion_is_named():
    p = SHIPPED["dangshan-rd"]
    r = run([p], frame([dangshan_firm("A", 2000, 1500, serious_dishonesty=True)]), 2025)
    assert not r.lines
    checks = r.explain("dangshan-rd", "rd-reward", "A")
    assert [c.sentence for c in checks if c.ok is False] == ["列入严重失信主体名单：是（不予奖补）"]
    assert misses(r, "A") == []  # an excluded firm has nothing to close


# --- Hainan increment ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rd", "prev", "amount"),
    [(1000, 800, D("60")), (3000, 2000, D("200")), (2000, 2001, None), (1000.5, 1000, D("0.15"))],
)
def test_hainan_30_percent_of_the_increase_capped_200_a_decrease_earns_nothing(rd, prev, amount):
    p = SHIPPED["hainan-rd-increment"]
    f = frame(
        [
            {
                "uscc": "A",
                "has:hightech": True,
                "ladder:hightech": "holds",
                "rd_expense": rd,
                "prev:rd_expense": prev,
            }
        ]
    )
    got = lines_by_firm(run([p], f, 2025))
    assert (got["A"].amount if "A" in got else None) == amount


# --- Wenzhou technology transactions -------------------------------------------------------------------


def wenzhou_items(n: int, paid: float = 100, amount: float = 100) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "uscc": ["A"] * n,
            "item": [f"合同{i + 1}" for i in range(n)],
            "tx_amount": [amount] * n,
            "tx_paid": [paid] * n,
        }
    )


def test_wenzhou_six_projects_of_100_give_20_x_5_and_the_sixth_0():
    p = SHIPPED["wenzhou-tech-transaction"]
    f = frame([{"uscc": "A", "local_contribution": 1000, "age_years": 5}])
    line = run([p], f, 2025, items=wenzhou_items(6)).lines[0]
    assert line.gross == D("120") and line.amount == D("100")
    assert [i.amount for i in line.items] == [D("20")] * 5 + [D("0")]


@pytest.mark.parametrize(("tx", "paid", "amount"), [(20, 20, D("4")), (19.99, 19.99, None), (50, 30, D("6"))])
def test_wenzhou_threshold_20_includes_the_boundary_and_pays_20_percent_of_what_was_paid(tx, paid, amount):
    p = SHIPPED["wenzhou-tech-transaction"]
    f = frame([{"uscc": "A", "local_contribution": 1000, "age_years": 5}])
    lines = run([p], f, 2025, items=wenzhou_items(1, paid, tx)).lines
    assert (lines[0].amount if lines else None) == amount


def test_wenzhou_firm_year_cap_counts_what_the_ledger_already_paid():
    p = SHIPPED["wenzhou-tech-transaction"]
    f = frame([{"uscc": "A", "local_contribution": 1000, "age_years": 5}])
    ledger = Ledger([Entry("A", 2025, p.code, "tech-transaction", D("90"), total_control=True)])
    line = run([p], f, 2025, items=wenzhou_items(2), ledger=ledger).lines[0]
    assert line.amount == D("10") and "本年已享受 90 万元" in line.steps[-1].text


def test_wenzhou_total_control_caps_the_year_at_last_years_contribution_across_policies():
    tech, city = SHIPPED["wenzhou-tech-transaction"], SHIPPED["wenzhou-city"]
    f = frame(
        [
            {
                "uscc": "A",
                "local_contribution": 110,
                "age_years": 5,
                "first:little_giant": True,
                "contribution": 0,
            }
        ]
    )
    ledger = Ledger([Entry("A", 2025, "other", "x", D("30"), total_control=True)])
    r = run([tech, city], f, 2025, items=wenzhou_items(1), ledger=ledger)
    got = {ln.clause: ln for ln in r.lines}
    assert got["tech-transaction"].amount == D("20")  # 110 − 30 paid = 80 left
    assert got["little-giant"].amount == D("60")  # 80 − 20
    assert got["little-giant"].steps[-1].code == "total_control"
    young = f.with_columns(pl.lit(3.0).alias("age_years"))  # registered 3 years: "more than 3" fails
    assert {ln.clause: ln.amount for ln in run([tech, city], young, 2025, items=wenzhou_items(1)).lines} == {
        "tech-transaction": D("20"),
        "little-giant": D("100"),
    }


def test_total_control_without_the_figure_pays_nothing_until_it_is_supplied():
    city = SHIPPED["wenzhou-city"]
    f = frame([{"uscc": "A", "local_contribution": None, "age_years": 5, "first:little_giant": True}])
    line = run([city], f, 2025).lines[0]
    assert line.amount == 0 and "缺少上年度地方综合贡献度数据" in line.steps[-1].text


# --- exclusivity 从高不重复 ------------------------------------------------------------------------------

TWO_AWARDS = """
clauses:
  - {id: small, title: 奖励甲, when: [has(hightech)], amount: 30, group: g}
  - {id: large, title: 奖励乙, when: [has(hightech)], amount: 50, group: g}
  - {id: other, title: 不同组, when: [has(hightech)], amount: 5}
"""


def test_exclusivity_pays_only_the_highest_of_a_group():
    r = run([policy(TWO_AWARDS)], frame([{"uscc": "A", "has:hightech": True}]), 2025)
    got = {ln.clause: ln.amount for ln in r.lines}
    assert got == {"small": D("0"), "large": D("50"), "other": D("5")}
    assert (
        "按同组较高的 test/large 50 万元享受"
        in next(ln for ln in r.lines if ln.clause == "small").steps[-1].text
    )


def test_exclusivity_across_years_of_the_ledger_pays_the_difference_only():
    ledger = Ledger([Entry("A", 2025, "earlier", "x", D("30"), group="g")])
    r = run([policy(TWO_AWARDS)], frame([{"uscc": "A", "has:hightech": True}]), 2025, ledger=ledger)
    assert {ln.clause: ln.amount for ln in r.lines}["large"] == D("20")
    other_year = Ledger([Entry("A", 2024, "earlier", "x", D("30"), group="g")])
    r = run([policy(TWO_AWARDS)], frame([{"uscc": "A", "has:hightech": True}]), 2025, ledger=other_year)
    assert {ln.clause: ln.amount for ln in r.lines}["large"] == D("50")


# --- pro-rata --------------------------------------------------------------------------------------------


def test_pro_rata_budget_1000_over_1250_pays_each_0_8_and_sums_exactly_to_1000():
    p = policy(
        """
clauses:
  - {id: c, title: 按比例, when: [rd_expense > 0], amount: rd_expense}
""",
        budget=1000,
        pro_rata="true",
    )
    amounts = [500, 400, 350]  # 1250
    r = run([p], frame([{"uscc": f"F{i}", "rd_expense": a} for i, a in enumerate(amounts)]), 2025)
    pr = r.result("test")
    assert pr.factor == D("0.8") and pr.total == D("1000")
    assert [ln.amount for ln in pr.lines] == [D("400"), D("320"), D("280")]


def test_pro_rata_rounding_leaves_no_fen_behind():
    p = policy(
        """
clauses:
  - {id: c, title: 按比例, when: [rd_expense > 0], amount: 100, budget: 100, pro_rata: true}
"""
    )
    r = run([p], frame([{"uscc": f"F{i}", "rd_expense": 1} for i in range(3)]), 2025)
    amounts = [ln.amount for ln in r.lines]
    assert sum(amounts) == D("100")
    assert amounts == [D("33.333334"), D("33.333333"), D("33.333333")]  # the extra fen to the first listed


def test_a_budget_that_binds_without_pro_rata_is_reported_not_cut():
    p = policy("clauses:\n  - {id: c, title: 固定, when: [true], amount: 600, budget: 1000}\n")
    r = run([p], frame([{"uscc": "A"}, {"uscc": "B"}]), 2025)
    cr = r.result("test").clauses[0]
    assert cr.over_budget == D("200") and cr.total == D("1200")


# --- 科企六条: qualification dates and the 积分 rank tier -----------------------------------------------


def test_binhai_credit_tier_pays_by_rank_tier():
    p = SHIPPED["binhai-keqi-six"]
    rows = [
        {"uscc": u, "has:hightech": True, "score_rank": r}
        for u, r in [("A", 1), ("B", 10), ("C", 11), ("D", 100), ("E", 101)]
    ]
    got = {ln.uscc: ln.amount for ln in run([p], frame(rows), 2025).lines if ln.clause == "credit-tier"}
    assert got == {"A": D("25"), "B": D("25"), "C": D("15"), "D": D("5")}


def test_binhai_relapsed_hightech_gets_10_and_not_the_match():
    p = SHIPPED["binhai-keqi-six"]
    f = frame(
        [
            {"uscc": "A", "new:hightech": True, "relapsed:hightech": False, "city_hightech_award": 30},
            {"uscc": "B", "new:hightech": True, "relapsed:hightech": True, "city_hightech_award": 30},
        ]
    )
    got = {(ln.uscc, ln.clause): ln.amount for ln in run([p], f, 2025).lines}
    assert got == {("A", "hightech-match"): D("30"), ("B", "hightech-relapsed"): D("10")}
    a = next(ln for ln in run([p], f, 2025).lines if ln.uscc == "A")
    assert a.split == {"市": D("15"), "区": D("15")}


def test_a_rerun_gives_the_same_lines():
    p = SHIPPED["dangshan-rd"]
    f = frame([dangshan_firm(f"F{i:02d}", 1000 + (i * 37) % 500, 900) for i in range(40)])
    first = [ln.as_dict() for ln in run([p], f, 2025).lines]
    assert first == [
        ln.as_dict() for ln in run([p], f.sample(fraction=1.0, shuffle=True, seed=3), 2025).lines
    ]
