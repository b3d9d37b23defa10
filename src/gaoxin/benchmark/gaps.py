"""The gap per indicator between a zone and its peer set's level (对标: 差距).

For each indicator of the model: the zone's value and score, the peer level (the median of the
peers' values and scores — with one 标杆 zone, that zone's), the gap in the indicator's own unit
(positive = behind the peers, whatever the direction), and the points of the total at stake: the
score gap times the indicator's nominal share of the total (its weight within its category, times the
category's share up the tree). Under ``missing: reweight`` the share is nominal, not the zone's
reweighted one; the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Gap:
    indicator: str
    name: str
    dimension: str
    direction: str
    value: float | None
    score: float | None
    peer_value: float | None
    peer_score: float | None
    gap: float | None  # in the indicator's unit; > 0: behind the peers
    score_gap: float | None  # peer score − zone score (0–100 scale); > 0: behind
    share: float  # nominal share of the total (0–1)
    at_stake: float | None  # score_gap × share × scale / 100: points of the total


def shares(model) -> dict[str, float]:
    """Each base indicator's nominal share of the total (single-stage weights; the first stage's)."""
    stage = model.stages[0].id
    by_id = {c.id: c for c in model.categories}

    def cat_share(cid: str) -> float:
        c = by_id[cid]
        siblings = [k for k in model.categories if k.parent == c.parent]
        total = sum(k.weight for k in siblings)
        own = c.weight / total if total else 0.0
        return own * (cat_share(c.parent) if c.parent else 1.0)

    out = {}
    for ind in model.indicators:
        sibs, kids = model.children(ind.category)
        total = sum(i.weight(stage) for i in sibs) + sum(k.weight for k in kids)
        out[ind.id] = (ind.weight(stage) / total if total else 0.0) * cat_share(ind.category)
    return out


def top_dimension(model, category: str) -> str:
    by_id = {c.id: c for c in model.categories}
    c = by_id[category]
    while c.parent:
        c = by_id[c.parent]
    return c.id


def gaps(scored: pl.DataFrame, model, zone: str, peers) -> list[Gap]:
    mine = scored.filter(pl.col("id") == zone).row(0, named=True)
    group = scored.filter(pl.col("id").is_in(list(peers.ids)))
    share = shares(model)
    out = []
    for ind in model.indicators:
        v, s = mine[f"val:{ind.id}"], mine[f"pts:{ind.id}"]
        pv = group[f"val:{ind.id}"].drop_nulls()
        ps = group[f"pts:{ind.id}"].drop_nulls()
        peer_v = float(pv.median()) if pv.len() else None
        peer_s = float(ps.median()) if ps.len() else None
        gap = None
        if v is not None and peer_v is not None:
            gap = (v - peer_v) if ind.direction == "lower" else (peer_v - v)
        score_gap = peer_s - s if (s is not None and peer_s is not None) else None
        if score_gap is None and s is None and peer_s is not None:
            score_gap = peer_s  # nothing reported: the whole peer score is the gap
        out.append(
            Gap(
                ind.id,
                ind.name.zh,
                top_dimension(model, ind.category),
                ind.direction,
                v,
                s,
                peer_v,
                peer_s,
                gap,
                score_gap,
                share[ind.id],
                score_gap * share[ind.id] if score_gap is not None else None,
            )
        )
    return out
