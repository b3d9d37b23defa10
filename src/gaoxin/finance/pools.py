"""Risk-compensation pools: who owes what of each loss, and how close the pool is to its ceiling.

- **Loss** of a defaulted loan: the principal outstanding when it defaulted.
- **Compensation**: each loss is split between government, guarantor and bank by the pool's weights
  (e.g. 2 : 6 : 2) with ``money.split`` (largest remainder to the fen; the shares sum to the loss
  exactly). A party's total is the sum of its shares of each loss, so each claim stands on its own.
- **Bad-loan ratio** = total losses ÷ total principal disbursed under the pool's products (cumulative),
  an exact ratio; 0 when nothing was disbursed.
- **Status**: ``ok`` below the warning threshold (``warn_ratio`` when the pool sets it, else
  ``warn_at`` × ceiling, e.g. 80 % of 3 % = 2.4 %), ``warning`` from it (≥) up to the ceiling,
  ``breached`` above the ceiling (>: the government's share stops), ``halted`` from the pool's
  circuit-breaker ratio on (≥ ``halt_ratio``, e.g. Hubei's 8 %). A breached or halted pool takes no new
  loan until the ratio is back under the threshold.
- **Fund**: the government's share is paid from the pool's fund; ``fund_left`` = size − government's
  total (negative means the fund is exhausted).
- **Exposure**: the principal the pool backs now — outstanding principal of disbursed loans plus the
  approved amounts not yet disbursed. **Coverage limit** = ``coverage_multiple`` × fund size (the
  loans the pool may back); **borrower limit** = ``borrower_share`` × coverage limit (one firm's
  exposure under the pool). ``check_new_loan`` refuses a loan that would pass either limit, or any new
  loan while the pool is breached or halted: a large loan can no longer dilute the bad-loan ratio.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from gaoxin.finance.money import ZERO, split
from gaoxin.finance.products import PARTIES, Product

OK = "ok"
WARNING = "warning"
BREACHED = "breached"
HALTED = "halted"
STOPPED = frozenset({BREACHED, HALTED})  # no new loans under the pool


def compensation(loss: Decimal, product: Product) -> dict[str, Decimal]:
    """One loss split by the pool's weights (party → amount, summing to ``loss``)."""
    return split(loss, product.split)


@dataclass(frozen=True)
class PoolState:
    disbursed: Decimal
    losses: Decimal
    defaults: int
    owed: dict[str, Decimal]  # party → total compensation owed
    ratio: Decimal  # exact
    ceiling: Decimal
    warn_ratio: Decimal
    status: str
    fund_size: Decimal
    fund_left: Decimal
    halt_ratio: Decimal | None = None
    coverage_limit: Decimal = ZERO
    borrower_limit: Decimal = ZERO
    exposure: Decimal = ZERO

    @property
    def accepts_new_loans(self) -> bool:
        return self.status not in STOPPED

    @property
    def coverage_left(self) -> Decimal:
        return max(ZERO, self.coverage_limit - self.exposure)

    @property
    def ratio_of_ceiling(self) -> Decimal:
        return self.ratio / self.ceiling if self.ceiling else ZERO

    @property
    def headroom(self) -> Decimal:
        """Further losses the pool can take before the ratio passes the ceiling (at today's volume)."""
        return max(ZERO, self.ceiling * self.disbursed - self.losses)


def warn_ratio(product: Product) -> Decimal:
    if product.warn_ratio is not None:
        return product.warn_ratio
    return (product.ceiling or ZERO) * product.warn_at


def status(
    ratio: Decimal, ceiling: Decimal, warn_at: Decimal, *, warn: Decimal | None = None, halt=None
) -> str:
    """``halted`` ≥ halt; ``breached`` > ceiling; ``warning`` ≥ the warning ratio; else ``ok``."""
    if halt is not None and ratio >= halt:
        return HALTED
    if ratio > ceiling:
        return BREACHED
    if ratio >= (ceiling * warn_at if warn is None else warn):
        return WARNING
    return OK


def pool_state(
    product: Product, disbursed: Decimal, losses: Iterable[Decimal], exposure: Decimal = ZERO
) -> PoolState:
    """The pool's state from the total principal disbursed under it, the loss of each default and the
    principal it backs now (``exposure``)."""
    losses = list(losses)
    owed = {party: ZERO for party in PARTIES}
    for loss in losses:
        for party, amount in compensation(loss, product).items():
            owed[party] += amount
    total = sum(losses, ZERO)
    ratio = total / disbursed if disbursed > 0 else ZERO
    ceiling = product.ceiling or ZERO
    fund = product.fund_size or ZERO
    coverage = fund * product.coverage_multiple
    return PoolState(
        disbursed=disbursed,
        losses=total,
        defaults=len(losses),
        owed=owed,
        ratio=ratio,
        ceiling=ceiling,
        warn_ratio=warn_ratio(product),
        status=status(ratio, ceiling, product.warn_at, warn=product.warn_ratio, halt=product.halt_ratio),
        fund_size=fund,
        fund_left=fund - owed["government"],
        halt_ratio=product.halt_ratio,
        coverage_limit=coverage,
        borrower_limit=coverage * product.borrower_share,
        exposure=exposure,
    )


class PoolRefusal(ValueError):
    """A new loan the pool may not back; ``code`` (halted, coverage, borrower) and ``params`` word it."""

    def __init__(self, code: str, message: str, **params) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def check_new_loan(state: PoolState, amount: Decimal, borrower_exposure: Decimal) -> None:
    """Refuse a new loan of ``amount`` under the pool (``state.exposure`` and ``borrower_exposure``
    exclude it): the circuit-breaker, then the coverage limit, then the single-borrower limit.
    Reaching a limit exactly is allowed (≤)."""
    if not state.accepts_new_loans:
        raise PoolRefusal(
            state.status,
            f"the pool is {state.status} at a bad-loan ratio of {state.ratio}: no new loans",
            ratio=state.ratio,
            halt=state.halt_ratio if state.status == HALTED else state.ceiling,
        )
    if state.exposure + amount > state.coverage_limit:
        raise PoolRefusal(
            "coverage",
            f"{amount} would take the pool's loans to {state.exposure + amount}, above its coverage "
            f"limit {state.coverage_limit}",
            amount=amount,
            exposure=state.exposure,
            limit=state.coverage_limit,
            left=state.coverage_left,
        )
    if borrower_exposure + amount > state.borrower_limit:
        raise PoolRefusal(
            "borrower",
            f"{amount} would take the firm's loans under the pool to {borrower_exposure + amount}, above "
            f"the single-borrower limit {state.borrower_limit}",
            amount=amount,
            exposure=borrower_exposure,
            limit=state.borrower_limit,
            left=max(ZERO, state.borrower_limit - borrower_exposure),
        )


def subsidy(principal: Decimal, rate: Decimal, months: int, product: Product) -> Decimal:
    """Interest subsidy for a loan: principal × rate % × months/12 × share, capped; to the fen, half up."""
    from gaoxin.finance.money import fen

    interest = principal * rate / Decimal(100) * Decimal(months) / Decimal(12)
    return min(product.subsidy_cap or ZERO, fen(interest * (product.subsidy_share or ZERO)))
