"""The life of a loan application, as a table of allowed transitions.

States: ``pending`` (applied, awaiting the bank) → ``approved`` (amount, rate and term decided) or
``rejected``; an applicant may ``withdraw`` while pending or approved; ``approved`` → ``disbursed`` (the
money is paid out); a disbursed loan takes repayments (``repay``: it stays ``disbursed`` while principal
is outstanding and becomes ``repaid`` when none is left) or ``default`` → ``defaulted`` (the loss is
claimed from its risk pool). ``rejected``, ``withdrawn``, ``repaid`` and ``defaulted`` are final.

``transition(state, action)`` gives the next state or raises ``IllegalTransition`` naming the current
state, the action and the states the action is allowed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gaoxin.finance.money import ZERO

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
DISBURSED = "disbursed"
REPAID = "repaid"
DEFAULTED = "defaulted"
STATES = (PENDING, APPROVED, REJECTED, WITHDRAWN, DISBURSED, REPAID, DEFAULTED)
FINAL = frozenset({REJECTED, WITHDRAWN, REPAID, DEFAULTED})

APPLY = "apply"
APPROVE = "approve"
REJECT = "reject"
WITHDRAW = "withdraw"
DISBURSE = "disburse"
REPAY = "repay"
DEFAULT = "default"
ACTIONS = (APPROVE, REJECT, WITHDRAW, DISBURSE, REPAY, DEFAULT)

# (state, action) → next state. ``repay`` from disbursed lands in disbursed or repaid by the amount left.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PENDING, APPROVE): APPROVED,
    (PENDING, REJECT): REJECTED,
    (PENDING, WITHDRAW): WITHDRAWN,
    (APPROVED, WITHDRAW): WITHDRAWN,
    (APPROVED, DISBURSE): DISBURSED,
    (DISBURSED, REPAY): DISBURSED,
    (DISBURSED, DEFAULT): DEFAULTED,
}


class IllegalTransition(ValueError):
    def __init__(self, state: str, action: str) -> None:
        self.state = state
        self.action = action
        self.allowed_from = tuple(s for (s, a) in TRANSITIONS if a == action)
        super().__init__(
            f"cannot {action} an application that is {state}"
            + (f" (allowed only when {' or '.join(self.allowed_from)})" if self.allowed_from else "")
        )


def allowed(state: str) -> tuple[str, ...]:
    """The actions allowed in ``state``, in the order of ``ACTIONS``."""
    return tuple(a for a in ACTIONS if (state, a) in TRANSITIONS)


def transition(state: str, action: str, *, outstanding_after: Decimal | None = None) -> str:
    """The state after ``action``; for ``repay`` pass the principal outstanding after the repayment."""
    nxt = TRANSITIONS.get((state, action))
    if nxt is None:
        raise IllegalTransition(state, action)
    if action == REPAY and outstanding_after is not None and outstanding_after <= ZERO:
        return REPAID
    return nxt


class LoanError(ValueError):
    """An amount or date the rules refuse; ``code`` and ``params`` let the web layer word it."""

    def __init__(self, code: str, message: str, **params) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def check_decision(
    amount: Decimal,
    rate: Decimal,
    term: int,
    *,
    line: Decimal | None = None,
    product_rate: Decimal | None = None,
    max_term: int | None = None,
    cap: Decimal | None = None,
    requested: Decimal | None = None,
    reason: str = "",
) -> None:
    """An approval's terms: 0 < amount ≤ the product's cap and ≤ the firm's credit line (both when
    given; reaching them exactly is allowed); above the amount requested only with a written
    ``reason``; 0 ≤ rate ≤ 36 %; 1 ≤ term ≤ max term."""
    if amount <= ZERO:
        raise LoanError("amount", f"amount {amount} must be greater than 0", amount=amount)
    if cap is not None and amount > cap:
        raise LoanError("over_cap", f"{amount} is above the product's cap {cap}", amount=amount, cap=cap)
    if line is not None and amount > line:
        raise LoanError(
            "over_line", f"{amount} is above the firm's credit line {line}", amount=amount, line=line
        )
    if requested is not None and amount > requested and not (reason or "").strip():
        raise LoanError(
            "over_request",
            f"{amount} is more than the {requested} requested: say why",
            amount=amount,
            requested=requested,
        )
    if rate < ZERO or rate > Decimal(36):
        raise LoanError("rate", f"rate {rate} % must be between 0 and 36", rate=rate)
    if term < 1:
        raise LoanError("term", f"term {term} must be at least 1 month", term=term)
    if max_term is not None and term > max_term:
        raise LoanError(
            "term_max", f"term {term} exceeds the product's {max_term} months", term=term, max=max_term
        )


def check_disbursal(amount: Decimal, approved: Decimal) -> None:
    if amount <= ZERO:
        raise LoanError("amount", f"amount {amount} must be greater than 0", amount=amount)
    if amount > approved:
        raise LoanError(
            "over_approved",
            f"{amount} is more than the approved {approved}",
            amount=amount,
            approved=approved,
        )


def check_repayment(amount: Decimal, outstanding: Decimal) -> None:
    if amount <= ZERO:
        raise LoanError("amount", f"amount {amount} must be greater than 0", amount=amount)
    if amount > outstanding:
        raise LoanError(
            "over_outstanding",
            f"{amount} is more than the {outstanding} outstanding",
            amount=amount,
            outstanding=outstanding,
        )


def check_date(when: date, after: date | None, today: date) -> None:
    if when > today:
        raise LoanError("future", f"{when} is in the future", date=when)
    if after is not None and when < after:
        raise LoanError("before", f"{when} is before {after}", date=when, after=after)


@dataclass(frozen=True)
class Loan:
    """One application as the statistics read it."""

    state: str
    approved: Decimal | None = None
    disbursed: Decimal | None = None
    outstanding: Decimal = ZERO
    loss: Decimal = ZERO  # principal outstanding when it defaulted
    grade: str = ""
    stage: str = ""
    first_loan: bool = False
    enterprise: object = None
    pool: object = None
    disbursed_on: date | None = None
