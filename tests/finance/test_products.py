"""Product definitions: loaded from dicts or YAML, every fault reported at once, round-tripped."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from gaoxin.finance.products import ProductError, dump_product, load_product, loads_product

LOAN_YAML = """
kind: loan
eligibility: {min_score: 60, min_grade: B, stages: [growth, mature], whitelist: true, top_share: 0.2}
line: {base: 100, uplift: {mode: linear, max: 0.5}, cap: 300, step: 10}
rate: 3.45
term_months: 12
"""


def test_a_loan_loads_with_exact_decimals():
    p = loads_product(LOAN_YAML, stages=("startup", "growth", "mature"), grades=("A", "B", "C", "D"))
    assert p.kind == "loan"
    assert p.rate == D("3.45") and isinstance(p.rate, D)  # the YAML float read through its text
    assert p.line.base == D(100) and p.line.cap == D(300) and p.line.step == D(10)
    assert p.line.mode == "linear" and p.line.max_uplift == D("0.5")
    assert p.eligibility.min_grade == "B" and p.eligibility.stages == ("growth", "mature")
    assert p.eligibility.whitelist is True and p.eligibility.top_share == Fraction(1, 5)


def test_every_fault_is_reported_with_where_and_what():
    raw = {
        "kind": "loan",
        "eligibility": {"min_grade": "Z", "stages": ["nope"], "colour": "red", "whitelist": "yes"},
        "line": {"base": "abc", "cap": 50, "uplift": {"mode": "magic"}},
        "rate": 99,
        "extra": 1,
    }
    with pytest.raises(ProductError) as exc:
        load_product(raw, "loan.yaml", stages=("growth",), grades=("A", "B"))
    where = {f.where for f in exc.value.faults}
    assert {
        "eligibility.min_grade",
        "eligibility.stages",
        "eligibility.colour",
        "eligibility.whitelist",
        "line.base",
        "line.uplift.mode",
        "rate",
        "term_months",
        "extra",
    } <= where
    text = str(exc.value)
    assert "loan.yaml: rate: 99 must be at most 36" in text
    assert "'abc' is not a number" in text


def test_cap_below_base_and_bands_out_of_order_are_faults():
    with pytest.raises(ProductError) as exc:
        load_product(
            {
                "kind": "loan",
                "line": {
                    "base": 200,
                    "cap": 100,
                    "uplift": {
                        "mode": "bands",
                        "bands": [{"top": 0.05, "uplift": 0.2}, {"top": 0.2, "uplift": 0.5}],
                    },
                },
                "rate": 4,
                "term_months": 12,
            }
        )
    text = str(exc.value)
    assert "cap 100 is below the base line 200" in text
    assert "may not give more uplift" in text


def test_pool_guarantee_fund_subsidy():
    pool = load_product(
        {
            "kind": "pool",
            "split": {"government": 2, "guarantor": 6, "bank": 2},
            "ceiling": "0.03",
            "fund_size": 5000,
        }
    )
    assert pool.split == (("government", D(2)), ("guarantor", D(6)), ("bank", D(2)))
    assert pool.ceiling == D("0.03") and pool.warn_at == D("0.8")
    with pytest.raises(ProductError) as exc:
        load_product({"kind": "pool", "split": {"government": 0}, "ceiling": 0, "fund_size": 1})
    assert {"split", "ceiling"} <= {f.where for f in exc.value.faults}
    fund = load_product(
        {"kind": "fund", "eligibility": {"tech_fields": ["电子信息"]}, "ticket_min": 300, "ticket_max": 3000}
    )
    assert fund.ticket_max == D(3000)
    with pytest.raises(ProductError, match="ticket_max"):
        load_product({"kind": "fund", "ticket_min": 300, "ticket_max": 30})
    g = load_product({"kind": "guarantee", "guarantee_share": "0.8", "fee_rate": "0.5", "max_amount": 1000})
    assert g.guarantee_share == D("0.8")
    s = load_product({"kind": "subsidy", "subsidy_share": "0.5", "subsidy_cap": 20})
    assert s.subsidy_cap == D(20)
    with pytest.raises(ProductError, match="unknown kind"):
        load_product({"kind": "bond"})
    with pytest.raises(ProductError, match="not valid YAML"):
        loads_product("kind: [")


@pytest.mark.parametrize(
    "raw",
    [
        {
            "kind": "loan",
            "eligibility": {
                "min_score": "75",
                "lists": ["leaders"],
                "industries": ["39"],
                "qualifications": ["hightech"],
                "top_share": "0.1",
            },
            "line": {
                "base": 100,
                "cap": 500,
                "step": 10,
                "uplift": {
                    "mode": "bands",
                    "bands": [{"top": 0.05, "uplift": 1}, {"top": 0.2, "uplift": 0.5}],
                },
            },
            "rate": "3.45",
            "term_months": 12,
        },
        {
            "kind": "pool",
            "split": {"government": 2, "guarantor": 6, "bank": 2},
            "ceiling": "0.03",
            "warn_at": "0.75",
            "fund_size": 5000,
        },
        {"kind": "subsidy", "eligibility": {"min_grade": "B"}, "subsidy_share": "0.5", "subsidy_cap": 20},
    ],
)
def test_dump_then_load_gives_the_same_product(raw):
    p = load_product(raw)
    assert load_product(dump_product(p)) == p
