"""The 2026 measures (工信部企业〔2026〕2号): which set applies, 专精特新 and 小巨人 conditions."""

from __future__ import annotations

import pytest

from gaoxin.cultivation import LadderConfig, rule_sets
from tests.cultivation.helpers import YEAR, conditions, dataset, held, judge, row


@pytest.mark.parametrize(
    ("year", "setting", "expected"),
    [
        (2024, "auto", "sme/2022"),
        (2025, "auto", "sme/2026"),
        (2026, "auto", "sme/2026"),
        (2025, "2022", "sme/2022"),
        (2023, "2026", "sme/2026"),
    ],
)
def test_rule_set_selection(year, setting, expected):
    sets = rule_sets(year, LadderConfig(sme_rules=setting))
    assert {sets[t].id for t in ("innovative_sme", "specialized_sme", "little_giant")} == {expected}
    assert sets["tech_sme"].id == "tech_sme/2017" and sets["hightech"].id == "hightech/2016"


def test_the_2026_set_is_dated():
    s = rule_sets(2025)["specialized_sme"]
    assert s.effective_from.isoformat() == "2026-04-01" and s.certainty == "S"
    assert rule_sets(2024)["specialized_sme"].effective_to.isoformat() == "2026-03-31"


SPEC = {
    "niche_years": 3,
    "revenue": 1500.0,
    "main_revenue": 1200.0,
    "total_assets": 1000.0,
    "total_liabilities": 800.0,
    "rd_expense": 100.0,
    "invention_patents": 1,
    "development_score": 50,
}
SPEC_PREV = {"revenue": 1200.0, "rd_expense": 100.0}


def spec(over: dict | None = None, prev: dict | None = None, quals=("tech_sme",)):
    return dataset(
        {YEAR - 1: {**SPEC_PREV, **(prev or {})}, YEAR: {**SPEC, **(over or {})}},
        qualifications=[held(q) for q in quals],
    )


def test_specialized_2026_reference_firm_at_every_bound():
    r = judge(spec(), "specialized_sme")
    assert r["status"] == "qualifies", r["gaps"]


@pytest.mark.parametrize(
    ("over", "prev", "condition"),
    [
        ({"niche_years": 2}, {}, "specialized_sme.niche_years"),
        ({"revenue": 1499.99, "main_revenue": 1200.0}, {}, "specialized_sme.revenue"),
        ({"main_revenue": 1199.99}, {}, "specialized_sme.main_share"),
        ({"total_liabilities": 800.01}, {}, "specialized_sme.debt_ratio"),
        ({}, {"rd_expense": 99.99}, "specialized_sme.rd_amount"),
        ({"revenue": 4000.0, "main_revenue": 3600.0, "rd_expense": 119.0}, {}, "specialized_sme.rd_ratio"),
        ({}, {"revenue": 3334.0}, "specialized_sme.rd_ratio"),
        ({"invention_patents": 0}, {}, "specialized_sme.class1_ip"),
        ({"development_score": 49}, {}, "specialized_sme.development_score"),
        ({"development_score": None}, {}, "specialized_sme.development_score"),
    ],
)
def test_specialized_2026_conditions(over, prev, condition):
    assert condition in conditions(judge(spec(over, prev), "specialized_sme"))


def test_specialized_2026_requires_a_tech_and_innovation_title():
    assert conditions(judge(spec(quals=()), "specialized_sme")) == ["specialized_sme.prerequisite"]
    assert judge(spec(quals=("innovative_sme",)), "specialized_sme")["status"] == "qualifies"


@pytest.mark.parametrize("over", [{"provincial_award_rank": 7}, {"rd_institution": "省级"}])
def test_specialized_2026_class1_exemptions(over):
    r = judge(spec({"invention_patents": 0, **over}), "specialized_sme")
    assert "specialized_sme.class1_ip" not in conditions(r)


def test_specialized_2026_equity_alternative_to_revenue():
    r = judge(spec({"revenue": 1000.0, "main_revenue": 900.0, "equity_financing": 2000.0}), "specialized_sme")
    assert "specialized_sme.revenue" not in conditions(r)


GIANT = {
    "niche_years": 3,
    "revenue": 5000.0,
    "main_revenue": 4500.0,
    "total_assets": 4000.0,
    "total_liabilities": 3000.0,
    "rd_expense": 600.0,
    "class1_ip_self_developed": 4,
    "invention_patents": 4,
    "niche_market_share": 0.10,
    "key_field": True,
    "development_score": 60,
}
G_PREV = {"revenue": 4800.0, "rd_expense": 600.0}
G_PREV2 = {"revenue": 4535.14}  # CAGR = √(5000 / 4535.14) − 1 ≈ 5.0 %


def giant(over=None, prev=None, prev2=None, quals=("specialized_sme",)):
    return dataset(
        {
            YEAR - 2: {**G_PREV2, **(prev2 or {})},
            YEAR - 1: {**G_PREV, **(prev or {})},
            YEAR: {**GIANT, **(over or {})},
        },
        qualifications=[held(q) for q in quals],
    )


def test_little_giant_2026_reference_firm():
    assert row(giant())["s6_cagr_2y"] == pytest.approx(0.05, abs=1e-5)
    r = judge(giant(), "little_giant")
    assert r["status"] == "qualifies", r["gaps"]


@pytest.mark.parametrize(
    ("over", "prev", "prev2", "condition"),
    [
        ({"niche_years": 2}, {}, {}, "little_giant.niche_years"),
        ({"revenue": 4999.0, "main_revenue": 4500.0}, {}, {}, "little_giant.revenue"),
        ({"main_revenue": 4499.0}, {}, {}, "little_giant.main_share"),
        ({}, {}, {"revenue": 4540.0}, "little_giant.cagr"),
        ({"total_liabilities": 3000.1}, {}, {}, "little_giant.debt_ratio"),
        ({"rd_expense": 599.0}, {}, {}, "little_giant.rd_2y"),
        ({"rd_expense": 900.0}, {"rd_expense": 140.0}, {}, "little_giant.rd_ratio"),
        ({"class1_ip_self_developed": 3}, {}, {}, "little_giant.class1_ip"),
        ({"niche_market_share": 0.05, "market_rank": 4}, {}, {}, "little_giant.market"),
        ({"key_field": False}, {}, {}, "little_giant.field"),
        ({"development_score": 59}, {}, {}, "little_giant.development_score"),
    ],
)
def test_little_giant_2026_indicators(over, prev, prev2, condition):
    assert condition in conditions(judge(giant(over, prev, prev2), "little_giant"))


def test_little_giant_2026_market_rank_and_award_alternatives():
    assert (
        judge(giant({"niche_market_share": 0.01, "market_rank": 3}), "little_giant")["status"] == "qualifies"
    )
    assert (
        judge(giant({"class1_ip_self_developed": 0, "national_award_rank": 2}), "little_giant")["status"]
        == "qualifies"
    )


def test_little_giant_2026_cagr_gap_names_the_revenue_to_reach():
    r = judge(giant(prev2={"revenue": 4600.0}), "little_giant")
    g = next(x for x in r["gaps"] if x["condition"] == "little_giant.cagr")
    # 4600 × 1.05² = 5071.5
    assert g["text_zh"].endswith(f"{YEAR} 年营业收入须达到 5,071.5 万元")


def test_overrides_correct_a_single_sourced_threshold():
    cfg = LadderConfig(overrides={"sme_2026.specialized.debt_ratio_max": 0.7})
    assert "specialized_sme.debt_ratio" in conditions(judge(spec(), "specialized_sme", cfg))
