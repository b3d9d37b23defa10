"""瞪羚, 独角兽 / 潜在独角兽, 科技领军: zone-configurable defaults, edges and alternatives."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.cultivation import GazelleConfig, LadderConfig, LeadingConfig, UnicornConfig
from tests.cultivation.helpers import YEAR, conditions, dataset, held, judge, texts


def revenues(*values, firm=None, **over):
    """values: revenue of Y−3 … Y."""
    n = len(values)
    return dataset({YEAR - n + 1 + i: {"revenue": v, **over} for i, v in enumerate(values)}, firm=firm)


def test_gazelle_cagr_exactly_20_percent_from_1000():
    r = judge(revenues(1000.0, 1100.0, 1400.0, 1728.0), "gazelle")
    assert r["status"] == "qualifies", texts(r)


def test_gazelle_cagr_gap_gives_the_revenue_to_reach():
    r = judge(revenues(1000.0, 1100.0, 1400.0, 1700.0), "gazelle")
    assert conditions(r) == ["gazelle.cagr"]
    assert texts(r) == [
        f"{YEAR - 3}–{YEAR} 年营业收入复合增长率 19.3% < 20%：{YEAR} 年营业收入须达到 1,728 万元（再增加 28 万元）"
    ]
    assert r["status"] == "near"


def test_gazelle_base_year_and_last_year_growth():
    r = judge(revenues(999.99, 1100.0, 1800.0, 1900.0), "gazelle")
    assert conditions(r) == ["gazelle.base_revenue"]
    r = judge(revenues(1000.0, 1500.0, 2000.0, 1900.0), "gazelle")
    assert conditions(r) == ["gazelle.last_growth"]
    cfg = LadderConfig(gazelle=GazelleConfig(require_last_growth=False))
    assert judge(revenues(1000.0, 1500.0, 2000.0, 1900.0), "gazelle", cfg)["status"] == "qualifies"


@pytest.mark.parametrize(
    ("established", "revenue", "qualifies"),
    [
        (dt.date(YEAR - 5, 1, 1), 50000.01, True),
        (dt.date(YEAR - 5, 1, 1), 50000.0, False),
        (dt.date(YEAR - 6, 1, 1), 50000.01, False),
        (dt.date(YEAR - 10, 1, 1), 100000.01, True),
        (dt.date(YEAR - 11, 1, 1), 100000.01, False),
    ],
)
def test_gazelle_age_revenue_alternatives(established, revenue, qualifies):
    d = revenues(revenue, revenue, revenue, revenue, firm={"established": established})  # no growth at all
    assert (judge(d, "gazelle")["status"] == "qualifies") is qualifies


def test_gazelle_is_configurable_and_max_age_is_hard():
    cfg = LadderConfig(gazelle=GazelleConfig(cagr=0.25, base_revenue=500.0, max_age=15))
    assert conditions(judge(revenues(1000.0, 1100.0, 1400.0, 1728.0), "gazelle", cfg)) == ["gazelle.cagr"]
    old = revenues(1000.0, 1100.0, 1400.0, 2000.0, firm={"established": dt.date(YEAR - 16, 5, 1)})
    r = judge(old, "gazelle", cfg)
    assert r["status"] == "ineligible" and conditions(r) == ["gazelle.age"]


def unicorn(valuation, age=4, listed=None):
    return dataset(
        {YEAR: {"valuation": valuation}},
        firm={"established": dt.date(YEAR - age, 6, 1), "listed_board": listed},
    )


def test_unicorn_at_us_1bn():
    assert judge(unicorn(720000.0), "unicorn")["status"] == "qualifies"
    r = judge(unicorn(719999.0), "unicorn")
    assert conditions(r) == ["unicorn.valuation"]
    assert r["status"] == "near"  # and a potential unicorn


def test_potential_unicorn_is_near_whatever_the_distance():
    assert judge(unicorn(30000.0, age=4), "unicorn")["status"] == "near"  # ≤ 5 years, ≥ ¥3亿
    assert judge(unicorn(72000.0, age=9), "unicorn")["status"] == "near"  # ≤ 9 years, ≥ US$1亿
    assert judge(unicorn(71999.0, age=9), "unicorn")["status"] == "far"
    assert judge(unicorn(29999.0, age=4), "unicorn")["status"] == "far"


@pytest.mark.parametrize(
    ("age", "listed", "condition"), [(11, None, "unicorn.age"), (3, "科创板", "unicorn.unlisted")]
)
def test_unicorn_hard_conditions(age, listed, condition):
    r = judge(unicorn(1e6, age=age, listed=listed), "unicorn")
    assert r["status"] == "ineligible" and conditions(r) == [condition]


def test_unicorn_exchange_rate_is_a_setting():
    cfg = LadderConfig(unicorn=UnicornConfig(usd_cny=7.0))
    assert judge(unicorn(700000.0), "unicorn", cfg)["status"] == "qualifies"


LEAD = {"revenue": 50000.0, "main_revenue": 40000.0, "rd_expense": 1600.0, "rd_staff": 50, "employees": 500}


def leading(over=None, prev=None, quals=("hightech",)):
    return dataset(
        {YEAR - 2: LEAD, YEAR - 1: {**LEAD, **(prev or {})}, YEAR: {**LEAD, **(over or {})}},
        qualifications=[held(q) for q in quals],
    )


def test_leading_reference_firm_at_every_bound():
    assert judge(leading(), "leading")["status"] == "qualifies"


@pytest.mark.parametrize(
    ("over", "prev", "condition"),
    [
        ({"rd_expense": 1599.0}, {}, "leading.rd_ratio"),
        ({}, {"rd_expense": 1599.0}, "leading.rd_ratio"),
        ({"rd_staff": 49}, {}, "leading.rd_staff"),
        ({"main_revenue": 34999.0, "rd_expense": 1600.0}, {}, "leading.main_share"),
        ({"revenue": 49999.0}, {}, "leading.revenue"),
    ],
)
def test_leading_conditions(over, prev, condition):
    assert condition in conditions(judge(leading(over, prev), "leading"))


def test_leading_needs_hightech_unless_the_zone_says_otherwise():
    assert conditions(judge(leading(quals=()), "leading")) == ["leading.hightech"]
    cfg = LadderConfig(leading=LeadingConfig(requires_hightech=False, min_revenue=10000.0))
    assert judge(leading(quals=()), "leading", cfg)["status"] == "qualifies"


def test_leading_veto_in_the_last_three_years():
    r = judge(leading(prev={"serious_dishonesty": True}), "leading")
    assert r["status"] == "ineligible"
