"""The loan state machine, risk-pool arithmetic and zone statistics."""

from decimal import Decimal as D

import pytest

from gaoxin.finance import loans as L
from gaoxin.finance.pools import BREACHED, OK, WARNING, compensation, pool_state, subsidy
from gaoxin.finance.products import load_product
from gaoxin.finance.stats import statistics

POOL = load_product(
    {
        "kind": "pool",
        "split": {"government": 2, "guarantor": 6, "bank": 2},
        "ceiling": "0.03",
        "warn_at": "0.8",
        "fund_size": "1000",
    }
)

LEGAL = {
    (L.PENDING, L.APPROVE): L.APPROVED,
    (L.PENDING, L.REJECT): L.REJECTED,
    (L.PENDING, L.WITHDRAW): L.WITHDRAWN,
    (L.APPROVED, L.WITHDRAW): L.WITHDRAWN,
    (L.APPROVED, L.DISBURSE): L.DISBURSED,
    (L.DISBURSED, L.REPAY): L.DISBURSED,
    (L.DISBURSED, L.DEFAULT): L.DEFAULTED,
}


@pytest.mark.parametrize("state", L.STATES)
@pytest.mark.parametrize("action", L.ACTIONS)
def test_every_transition_is_legal_or_refused_with_the_state_and_action(state, action):
    if (state, action) in LEGAL:
        assert L.transition(state, action) == LEGAL[(state, action)]
        assert action in L.allowed(state)
    else:
        with pytest.raises(L.IllegalTransition) as exc:
            L.transition(state, action)
        assert exc.value.state == state and exc.value.action == action
        assert state in str(exc.value) and action in str(exc.value)
        assert action not in L.allowed(state)


def test_final_states_allow_nothing_and_full_repayment_closes_the_loan():
    for state in L.FINAL:
        assert L.allowed(state) == ()
    assert L.transition(L.DISBURSED, L.REPAY, outstanding_after=D("0.000001")) == L.DISBURSED
    assert L.transition(L.DISBURSED, L.REPAY, outstanding_after=D(0)) == L.REPAID
    assert str(L.IllegalTransition(L.PENDING, L.DISBURSE)) == (
        "cannot disburse an application that is pending (allowed only when approved)"
    )


def test_amount_checks():
    with pytest.raises(L.LoanError) as exc:
        L.check_disbursal(D("101"), D("100"))
    assert exc.value.code == "over_approved"
    with pytest.raises(L.LoanError) as exc:
        L.check_repayment(D("5"), D("4.999999"))
    assert exc.value.code == "over_outstanding"
    with pytest.raises(L.LoanError) as exc:
        L.check_decision(D("100"), D("3.45"), 36, max_term=24)
    assert exc.value.code == "term_max"


def test_compensation_and_pool_state_by_hand():
    assert compensation(D("150"), POOL) == {"government": D(30), "guarantor": D(90), "bank": D(30)}
    # 10,000 disbursed; losses 150 + 90.000001 = 240.000001 → ratio 2.40000001 % ≥ 2.4 % (80 % of 3 %): warning
    state = pool_state(POOL, D("10000"), [D("150"), D("90.000001")])
    assert state.losses == D("240.000001")
    assert state.owed == {"government": D("48"), "guarantor": D("144.000001"), "bank": D("48")}
    assert sum(state.owed.values()) == state.losses
    assert state.ratio == D("0.0240000001")
    assert state.status == WARNING
    assert state.fund_left == D("952")
    assert state.headroom == D("59.999999")
    assert pool_state(POOL, D("10000"), [D("239.999999")]).status == OK
    assert pool_state(POOL, D("10000"), [D("300")]).status == WARNING  # exactly the ceiling: still within
    assert pool_state(POOL, D("10000"), [D("300.000001")]).status == BREACHED
    assert pool_state(POOL, D("0"), []).ratio == 0


def test_subsidy_is_capped_and_rounded_to_the_fen():
    s = load_product({"kind": "subsidy", "subsidy_share": "0.5", "subsidy_cap": "20"})
    assert subsidy(D("200"), D("3.45"), 12, s) == D("3.450000")  # 200 × 3.45 % × 0.5
    assert subsidy(D("2000"), D("3.45"), 12, s) == D("20")


def test_statistics_by_grade_stage_and_first_time_borrowers():
    loans = [
        L.Loan(L.PENDING, grade="A", stage="growth", enterprise=1),
        L.Loan(L.APPROVED, approved=D(100), grade="A", stage="growth", enterprise=2),
        L.Loan(
            L.DISBURSED,
            approved=D(200),
            disbursed=D(150),
            outstanding=D(100),
            grade="A",
            stage="growth",
            first_loan=True,
            enterprise=3,
        ),
        L.Loan(
            L.REPAID,
            approved=D(50),
            disbursed=D(50),
            grade="B",
            stage="mature",
            first_loan=True,
            enterprise=3,
        ),
        L.Loan(
            L.DEFAULTED, approved=D(80), disbursed=D(80), loss=D(60), grade="B", stage="mature", enterprise=4
        ),
        L.Loan(L.REJECTED, grade="C", stage="startup", enterprise=5),
    ]
    s = statistics(loans)
    assert s.total.applications == 6
    assert s.total.approved == D(430) and s.total.approved_count == 4
    assert s.total.disbursed == D(280) and s.total.disbursed_count == 3
    assert s.total.outstanding == D(100) and s.total.defaulted == D(60)
    assert s.borrowers == 2 and s.first_time_borrowers == 1  # firm 3 counted once
    assert s.by_grade["A"].approved == D(300) and s.by_grade["B"].disbursed == D(130)
    assert s.by_stage["startup"].applications == 1 and s.pending == 1 and s.rejected == 1
