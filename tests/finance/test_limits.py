"""Approval limits (product cap, the firm's line, above the request only with a reason) and the risk
pool's coverage limit, single-borrower limit, warning and circuit-breaker — worked by hand."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.finance import loans as L
from gaoxin.finance.pools import (
    BREACHED,
    HALTED,
    OK,
    WARNING,
    PoolRefusal,
    check_new_loan,
    pool_state,
)
from gaoxin.finance.products import ProductError, dump_product, load_product

HUBEI = load_product(
    {
        "kind": "pool",
        "split": {"government": 2, "guarantor": 6, "bank": 2},
        "ceiling": "0.1",
        "warn_ratio": "0.05",
        "halt_ratio": "0.08",
        "fund_size": "1000",
        "coverage_multiple": "5",
        "borrower_share": "0.1",
    }
)


def test_the_issue_case_5000_on_a_request_of_200_line_240_cap_500_is_refused():
    kw = {"line": D(240), "cap": D(500), "requested": D(200)}
    with pytest.raises(L.LoanError) as exc:
        L.check_decision(D(5000), D("3.45"), 12, **kw)
    assert exc.value.code == "over_cap"
    with pytest.raises(L.LoanError) as exc:
        L.check_decision(D("240.01"), D("3.45"), 12, **kw, reason="good collateral")
    assert exc.value.code == "over_line"
    with pytest.raises(L.LoanError) as exc:
        L.check_decision(D("200.01"), D("3.45"), 12, **kw)
    assert exc.value.code == "over_request"
    with pytest.raises(L.LoanError) as exc:
        L.check_decision(D("201"), D("3.45"), 12, **kw, reason="   ")
    assert exc.value.code == "over_request"
    # the line exactly, with a reason; the request exactly, without one
    L.check_decision(D(240), D("3.45"), 12, **kw, reason="second plant")
    L.check_decision(D(200), D("3.45"), 12, **kw)


def test_the_cap_binds_when_the_line_is_above_it():
    with pytest.raises(L.LoanError) as exc:
        L.check_decision(D("500.000001"), D(3), 12, line=D(600), cap=D(500), requested=D(600))
    assert exc.value.code == "over_cap"
    L.check_decision(D(500), D(3), 12, line=D(600), cap=D(500), requested=D(600))


def test_disbursal_never_exceeds_the_approved_amount():
    L.check_disbursal(D("100"), D("100"))
    with pytest.raises(L.LoanError) as exc:
        L.check_disbursal(D("100.000001"), D("100"))
    assert exc.value.code == "over_approved"


def test_pool_limits_and_defaults_load_and_round_trip():
    assert HUBEI.coverage_multiple == D(5) and HUBEI.borrower_share == D("0.1")
    assert load_product(dump_product(HUBEI)) == HUBEI
    plain = load_product({"kind": "pool", "split": {"bank": 1}, "ceiling": "0.03", "fund_size": "100"})
    assert plain.coverage_multiple == D(10) and plain.borrower_share == D("0.05")
    assert plain.halt_ratio is None and plain.warn_ratio is None
    with pytest.raises(ProductError) as exc:
        load_product(
            {
                "kind": "pool",
                "split": {"bank": 1},
                "ceiling": "0.03",
                "fund_size": "100",
                "warn_ratio": "0.06",
                "halt_ratio": "0.05",
                "coverage_multiple": "0",
                "borrower_share": "1.5",
            }
        )
    where = {f.where for f in exc.value.faults}
    assert {"halt_ratio", "coverage_multiple", "borrower_share"} <= where


def test_hubei_warning_at_5_and_halt_at_8_percent():
    # 10,000 disbursed: a loss of 499.99 is 4.9999 % (ok), 500 is 5 % (warning), 800 is 8 % (halted)
    assert pool_state(HUBEI, D(10000), [D("499.99")]).status == OK
    assert pool_state(HUBEI, D(10000), [D(500)]).status == WARNING
    assert pool_state(HUBEI, D(10000), [D("799.99")]).status == WARNING
    halted = pool_state(HUBEI, D(10000), [D(800)])
    assert halted.status == HALTED and not halted.accepts_new_loans
    with pytest.raises(PoolRefusal) as exc:
        check_new_loan(halted, D(1), D(0))
    assert exc.value.code == HALTED


def test_without_a_circuit_breaker_a_breached_pool_stops_new_loans():
    pool = load_product({"kind": "pool", "split": {"bank": 1}, "ceiling": "0.03", "fund_size": "1000"})
    state = pool_state(pool, D(10000), [D("300.01")])
    assert state.status == BREACHED and not state.accepts_new_loans
    with pytest.raises(PoolRefusal):
        check_new_loan(state, D(1), D(0))


def test_coverage_and_single_borrower_limits_by_hand():
    # fund 1,000 × 5 = coverage 5,000; one borrower at most 10 % of it = 500
    state = pool_state(HUBEI, D(4000), [], exposure=D(4600))
    assert state.coverage_limit == D(5000) and state.borrower_limit == D(500)
    check_new_loan(state, D(400), D(100))  # 5,000 exactly and 500 exactly: allowed
    with pytest.raises(PoolRefusal) as exc:
        check_new_loan(state, D("400.000001"), D(0))
    assert exc.value.code == "coverage" and exc.value.params["left"] == D(400)
    with pytest.raises(PoolRefusal) as exc:
        check_new_loan(state, D("400"), D("100.000001"))
    assert exc.value.code == "borrower"


@given(
    exposure=st.decimals(min_value=0, max_value=10000, places=2),
    mine=st.decimals(min_value=0, max_value=600, places=2),
    amount=st.decimals(min_value="0.01", max_value=6000, places=2),
)
def test_an_accepted_loan_never_passes_a_limit(exposure, mine, amount):
    state = pool_state(HUBEI, D(10000), [], exposure=exposure)
    try:
        check_new_loan(state, amount, mine)
    except PoolRefusal:
        assert exposure + amount > D(5000) or mine + amount > D(500)
    else:
        assert exposure + amount <= D(5000) and mine + amount <= D(500)
