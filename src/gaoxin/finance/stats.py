"""Zone statistics of sci-tech finance from plain loan records (``loans.Loan``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from gaoxin.finance.loans import APPROVED, DEFAULTED, DISBURSED, PENDING, REJECTED, REPAID, Loan
from gaoxin.finance.money import ZERO

DECIDED_APPROVED = (APPROVED, DISBURSED, REPAID, DEFAULTED)
LENT = (DISBURSED, REPAID, DEFAULTED)


@dataclass
class Bucket:
    applications: int = 0
    approved_count: int = 0
    approved: Decimal = ZERO
    disbursed_count: int = 0
    disbursed: Decimal = ZERO
    outstanding: Decimal = ZERO
    defaulted: Decimal = ZERO
    first_time: int = 0

    def add(self, loan: Loan) -> None:
        self.applications += 1
        if loan.state in DECIDED_APPROVED and loan.approved is not None:
            self.approved_count += 1
            self.approved += loan.approved
        if loan.state in LENT and loan.disbursed is not None:
            self.disbursed_count += 1
            self.disbursed += loan.disbursed
            self.first_time += 1 if loan.first_loan else 0
        if loan.state == DISBURSED:
            self.outstanding += loan.outstanding
        if loan.state == DEFAULTED:
            self.defaulted += loan.loss


@dataclass
class Statistics:
    total: Bucket = field(default_factory=Bucket)
    by_state: dict[str, int] = field(default_factory=dict)
    by_grade: dict[str, Bucket] = field(default_factory=dict)
    by_stage: dict[str, Bucket] = field(default_factory=dict)
    borrowers: int = 0  # firms with at least one disbursed loan
    first_time_borrowers: int = 0  # firms whose first loan (首贷) came through the platform

    @property
    def pending(self) -> int:
        return self.by_state.get(PENDING, 0)

    @property
    def rejected(self) -> int:
        return self.by_state.get(REJECTED, 0)


def statistics(loans: Iterable[Loan]) -> Statistics:
    """Totals, by state, by grade and by stage (the grade and stage the firm had when it applied).

    First-time borrowers count firms (not loans) with a disbursed loan marked as their first loan.
    """
    out = Statistics()
    borrowers, first = set(), set()
    for loan in loans:
        out.total.add(loan)
        out.by_state[loan.state] = out.by_state.get(loan.state, 0) + 1
        out.by_grade.setdefault(loan.grade or "—", Bucket()).add(loan)
        out.by_stage.setdefault(loan.stage or "—", Bucket()).add(loan)
        if loan.state in LENT:
            borrowers.add(loan.enterprise)
            if loan.first_loan:
                first.add(loan.enterprise)
    out.borrowers = len(borrowers)
    out.first_time_borrowers = len(first)
    out.by_grade = dict(sorted(out.by_grade.items()))
    return out
