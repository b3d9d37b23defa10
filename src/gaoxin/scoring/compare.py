"""Two score runs side by side: what changed for each firm, score first.

A firm's rank in its cohort moves when its own score moves, when other firms' scores move past it, or
when firms enter or leave the cohort — a new run after 2,000 firms arrived moves almost every rank
without any score changing. So a firm scored in both runs is judged by its score first:

- ``up`` / ``down``: its total rose / fell by at least ``SCORE_STEP`` (half a hundredth: a change
  the pages, which show totals to two decimals, would print as 0.00 is no change of the score — with
  percentile indicators a new firm nudges everyone's points by such amounts);
- ``others``: its total is the same but its rank moved — because other firms' scores moved past it
  (``by_entrants`` false) or only because firms entered or left its cohort (``by_entrants`` true: its
  rank among the firms scored in both runs did not move);
- ``same``: neither moved.

The rank among the firms scored in both runs (``continuing rank``) is the competition rank ("1, 2, 2,
4") of the run's own order within the firm's cohort, restricted to those firms; new and departed firms
are listed apart. ``histogram`` bins the score changes for the distribution chart.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

EPS = 1e-9  # below this a number is float noise
SCORE_STEP = 0.005  # the smallest change of a total that shows at two decimals


@dataclass(frozen=True)
class Standing:
    cohort: Hashable  # the firm's cohort in the run (its stage, for a zone's run)
    rank: int  # 1 = best in the cohort
    total: float


@dataclass(frozen=True)
class Shift:
    kind: str  # up | down | others | same
    score_change: float
    rank_change: int  # places gained in the run's own ranks (positive: moved up)
    continuing_change: int  # places gained among the firms scored in both runs
    by_entrants: bool  # the rank moved only because firms entered or left the cohort


def continuing_ranks(run: Mapping[Hashable, Standing], keep: set) -> dict[Hashable, int]:
    """Each kept firm's competition rank among the kept firms of its cohort, in the run's order."""
    cohorts: dict[Hashable, list[tuple[int, Hashable]]] = defaultdict(list)
    for firm, s in run.items():
        if firm in keep:
            cohorts[s.cohort].append((s.rank, firm))
    out: dict[Hashable, int] = {}
    for members in cohorts.values():
        members.sort(key=lambda m: m[0])
        place, last_rank = 0, None
        for n, (rank, firm) in enumerate(members, 1):
            if rank != last_rank:
                place, last_rank = n, rank
            out[firm] = place
    return out


def classify(
    before: Mapping[Hashable, Standing], after: Mapping[Hashable, Standing], step: float = SCORE_STEP
) -> dict[Hashable, Shift]:
    """The shift of every firm scored in both runs (``step``: the smallest change that counts)."""
    both = set(before) & set(after)
    ca, cb = continuing_ranks(before, both), continuing_ranks(after, both)
    out = {}
    for firm in both:
        a, b = before[firm], after[firm]
        change = b.total - a.total
        rank_change = a.rank - b.rank
        continuing = ca[firm] - cb[firm]
        if change >= step - EPS:
            kind = "up"
        elif change <= -step + EPS:
            kind = "down"
        elif rank_change != 0:
            kind = "others"
        else:
            kind = "same"
        same_cohort = a.cohort == b.cohort
        by_entrants = kind == "others" and same_cohort and continuing == 0
        out[firm] = Shift(kind, change, rank_change, continuing, by_entrants)
    return out


def _nice(step: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``step``."""
    power = 10 ** math.floor(math.log10(step))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= step - 1e-12:
            return m * power
    return 10 * power


def histogram(changes: list[float], max_bins: int = 20) -> list[tuple[float, float, int]]:
    """Score changes binned as ``(low, high, count)``, low inclusive, high exclusive (the last bin
    includes its high); the bin width is a round number (0.5, 1, 2, 5 …) giving at most ``max_bins``
    bins (at least 2), and 0 is always a bin edge, so rises and falls are never mixed in one bar."""
    moved = [c for c in changes if abs(c) > EPS]
    if not moved:
        return []
    max_bins = max(2, max_bins)  # rises and falls need a bin each
    lo, hi = min(moved), max(moved)
    width = _nice(max(hi - lo, EPS) / max_bins)
    while True:
        start = math.floor(lo / width) * width
        stop = math.ceil(hi / width) * width
        if stop <= start:
            stop = start + width
        n = max(1, round((stop - start) / width))
        if n <= max_bins:
            break
        width = _nice(width * 1.0001)
    counts = [0] * n
    for c in moved:
        i = min(math.floor((c - start) / width + 1e-9), n - 1)  # 0.3 / 0.1 is 2.999…
        counts[i] += 1
    # each edge is one product (k × width), never a running sum: 0.42 + 24 × 0.02 would fall short of 0.9
    k0 = round(start / width)
    edges = [(k0 + i) * width for i in range(n + 1)]
    edges[0] = min(edges[0], lo)  # the first bin holds its low, whatever the last bit of k × width says
    edges[-1] = max(edges[-1], hi)  # the last bin includes its high, likewise
    return [(edges[i], edges[i + 1], counts[i]) for i in range(n)]
