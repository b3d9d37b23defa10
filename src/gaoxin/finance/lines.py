"""The credit line of a loan product for a firm: a base line, an uplift by cohort percentile, a cap.

``percentile(rank, cohort_size)`` is exact: 1 for the best firm of its cohort, 0 for the last, evenly
spaced between (``(n - rank) / (n - 1)``; a cohort of one is 1). The line is

    line = min(cap, floor_to_step(base × (1 + uplift)))

where ``uplift`` is 0 (mode ``none``), ``max × percentile`` (mode ``linear``), or the uplift of the
narrowest band whose top share contains the firm (``rank / n ≤ top``; mode ``bands``; 0 outside every
band). Rounded down to the rule's step (1 万元 unless set), so a higher percentile never lowers the
line and the line never exceeds the cap.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from gaoxin.finance.money import FEN, floor_to
from gaoxin.finance.products import CreditLineRule


def percentile(rank: int, cohort_size: int) -> Fraction:
    if cohort_size < 1 or not 1 <= rank <= cohort_size:
        raise ValueError(f"rank {rank} is not within a cohort of {cohort_size}")
    if cohort_size == 1:
        return Fraction(1)
    return Fraction(cohort_size - rank, cohort_size - 1)


def uplift(rule: CreditLineRule, rank: int | None, cohort_size: int | None) -> Decimal:
    if rule.mode == "none" or not rank or not cohort_size:
        return Decimal(0)
    if rule.mode == "linear":
        p = percentile(rank, cohort_size)
        return rule.max_uplift * Decimal(p.numerator) / Decimal(p.denominator)
    share = Fraction(rank, cohort_size)
    for top, up in sorted(rule.bands, key=lambda b: b[0]):
        if share <= top:
            return up
    return Decimal(0)


def credit_line(rule: CreditLineRule, rank: int | None, cohort_size: int | None) -> Decimal:
    """The line in 万元, exact to the fen (and a multiple of the step unless capped)."""
    raw = rule.base * (1 + uplift(rule, rank, cohort_size))
    return min(rule.cap, floor_to(raw, rule.step)).quantize(FEN)
