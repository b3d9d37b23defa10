"""Risk-compensation pools: who owes what of each loss, and how close the pool is to its ceiling.

- **Loss** of a defaulted loan: the principal outstanding when it defaulted.
- **Compensation**: each loss is split between government, guarantor and bank by the pool's weights
  (e.g. 2 : 6 : 2) with ``money.split`` (largest remainder to the fen; the shares sum to the loss
  exactly). A party's total is the sum of its shares of each loss, so each claim stands on its own.
- **Bad-loan ratio** = total losses ÷ total principal disbursed under the pool's products (cumulative),
  an exact ratio; 0 when nothing was disbursed.
- **Status**: ``ok`` below the warning threshold (``warn_at`` × ceiling, e.g. 80 % of 3 % = 2.4 %),
  ``warning`` from it up to the ceiling, ``breached`` above the ceiling (policy: the government's
  share stops and new loans under the pool pause until the ratio is back under the ceiling).
- **Fund**: the government's share is paid from the pool's fund; ``fund_left`` = size − government's
  total (negative means the fund is exhausted).
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

    @property
    def ratio_of_ceiling(self) -> Decimal:
        return self.ratio / self.ceiling if self.ceiling else ZERO

    @property
    def headroom(self) -> Decimal:
        """Further losses the pool can take before the ratio passes the ceiling (at today's volume)."""
        return max(ZERO, self.ceiling * self.disbursed - self.losses)


def status(ratio: Decimal, ceiling: Decimal, warn_at: Decimal) -> str:
    if ratio > ceiling:
        return BREACHED
    if ratio >= ceiling * warn_at:
        return WARNING
    return OK


def pool_state(product: Product, disbursed: Decimal, losses: Iterable[Decimal]) -> PoolState:
    """The pool's state from the total principal disbursed under it and the loss of each default."""
    losses = list(losses)
    owed = {party: ZERO for party in PARTIES}
    for loss in losses:
        for party, amount in compensation(loss, product).items():
            owed[party] += amount
    total = sum(losses, ZERO)
    ratio = total / disbursed if disbursed > 0 else ZERO
    ceiling = product.ceiling or ZERO
    return PoolState(
        disbursed=disbursed,
        losses=total,
        defaults=len(losses),
        owed=owed,
        ratio=ratio,
        ceiling=ceiling,
        warn_ratio=ceiling * product.warn_at,
        status=status(ratio, ceiling, product.warn_at),
        fund_size=product.fund_size or ZERO,
        fund_left=(product.fund_size or ZERO) - owed["government"],
    )


def subsidy(principal: Decimal, rate: Decimal, months: int, product: Product) -> Decimal:
    """Interest subsidy for a loan: principal × rate % × months/12 × share, capped; to the fen, half up."""
    from gaoxin.finance.money import fen

    interest = principal * rate / Decimal(100) * Decimal(months) / Decimal(12)
    return min(product.subsidy_cap or ZERO, fen(interest * (product.subsidy_share or ZERO)))
