"""Budget simulation before publication: per clause, the payout, winners, pro-rata factor and cut-off;
and the comparison of two drafts on the same firms.

``summary(result)`` condenses a ``PolicyResult`` into plain rows (one per clause, plus the policy's
total); ``compare(a, b)`` puts two drafts side by side, clause by clause, with the firms that gain or
lose an award. Everything is exact ``Decimal``; nothing here changes an amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gaoxin.finance.money import ZERO
from gaoxin.policy.engine import ClauseResult, PolicyResult


@dataclass(frozen=True)
class ClauseSummary:
    clause: str
    title: str
    eligible: int  # firms meeting every condition
    candidates: int  # … with a positive formula amount
    winners: int  # … paid something after every step
    gross: Decimal  # formula amounts, before caps
    total: Decimal  # what would be paid
    factor: Decimal | None  # pro-rata factor when the clause budget bound
    over_budget: Decimal | None
    budget: Decimal | None
    top: int | None
    cutoff: tuple | None  # ranking keys of the last winner
    first_out: tuple | None
    by_level: dict[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "clause": self.clause,
            "title": self.title,
            "eligible": self.eligible,
            "candidates": self.candidates,
            "winners": self.winners,
            "gross": str(self.gross),
            "total": str(self.total),
            "factor": None if self.factor is None else str(self.factor),
            "over_budget": None if self.over_budget is None else str(self.over_budget),
            "budget": None if self.budget is None else str(self.budget),
            "top": self.top,
            "cutoff": None if self.cutoff is None else [None if v is None else float(v) for v in self.cutoff],
            "first_out": None
            if self.first_out is None
            else [None if v is None else float(v) for v in self.first_out],
            "by_level": {k: str(v) for k, v in self.by_level.items()},
        }


@dataclass(frozen=True)
class Summary:
    policy: str
    title: str
    clauses: list[ClauseSummary]
    total: Decimal
    budget: Decimal | None
    factor: Decimal | None
    over_budget: Decimal | None
    winners: int  # distinct firms paid something

    def as_dict(self) -> dict:
        return {
            "policy": self.policy,
            "title": self.title,
            "clauses": [c.as_dict() for c in self.clauses],
            "total": str(self.total),
            "budget": None if self.budget is None else str(self.budget),
            "factor": None if self.factor is None else str(self.factor),
            "over_budget": None if self.over_budget is None else str(self.over_budget),
            "winners": self.winners,
        }


def clause_summary(cr: ClauseResult) -> ClauseSummary:
    levels: dict[str, Decimal] = {}
    for ln in cr.lines:
        for k, v in ln.split.items():
            levels[k] = levels.get(k, ZERO) + v
    return ClauseSummary(
        clause=cr.clause.id,
        title=cr.clause.title,
        eligible=cr.eligible,
        candidates=len(cr.lines),
        winners=len(cr.winners),
        gross=cr.gross_total,
        total=cr.total,
        factor=cr.factor,
        over_budget=cr.over_budget,
        budget=cr.clause.budget,
        top=cr.clause.rank.top if cr.clause.rank else None,
        cutoff=cr.cutoff,
        first_out=cr.first_out,
        by_level=levels,
    )


def summary(pr: PolicyResult) -> Summary:
    return Summary(
        policy=pr.policy.code,
        title=pr.policy.title,
        clauses=[clause_summary(c) for c in pr.clauses],
        total=pr.total,
        budget=pr.policy.budget,
        factor=pr.factor,
        over_budget=pr.over_budget,
        winners=len({ln.uscc for ln in pr.lines if ln.amount > 0}),
    )


@dataclass(frozen=True)
class ClauseDiff:
    clause: str
    a: ClauseSummary | None
    b: ClauseSummary | None
    gained: list[str]  # USCCs paid under b and not under a
    lost: list[str]  # paid under a and not under b

    @property
    def delta(self) -> Decimal:
        return (self.b.total if self.b else ZERO) - (self.a.total if self.a else ZERO)


def compare(a: PolicyResult, b: PolicyResult) -> list[ClauseDiff]:
    """Clause by clause (a's order, then b's new clauses): totals and the firms gained or lost."""
    sa = {c.clause.id: c for c in a.clauses}
    sb = {c.clause.id: c for c in b.clauses}
    ids = list(sa) + [c for c in sb if c not in sa]
    out = []
    for cid in ids:
        ca, cb = sa.get(cid), sb.get(cid)
        pa = {ln.uscc for ln in ca.winners} if ca else set()
        pb = {ln.uscc for ln in cb.winners} if cb else set()
        out.append(
            ClauseDiff(
                cid,
                clause_summary(ca) if ca else None,
                clause_summary(cb) if cb else None,
                sorted(pb - pa),
                sorted(pa - pb),
            )
        )
    return out
