"""Peer sets and ranks among them: the zone against the same province, the top N, or one 标杆 zone.

Input is the scored frame of a zone model (``engine.score`` on the zone-year table: ``id``, ``name``,
``total``, ``cat:<dimension>``, ``val:``/``pts:`` per indicator, plus ``province`` when the model
declares it). Normalisation happened over every zone scored together; a peer set only chooses whom
the zone is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

KINDS = ("all", "province", "top", "named")


@dataclass(frozen=True)
class PeerSet:
    kind: str  # all | province | top | named
    ids: tuple[str, ...]  # the peers, never the zone itself
    label: str  # what a clerk reads: 全部园区 / 同省园区（江苏）/ 综合排名前 30 / 标杆：中关村


class PeerError(ValueError):
    pass


def peer_set(
    scored: pl.DataFrame, zone: str, kind: str = "all", top: int = 30, named: str | None = None
) -> PeerSet:
    """The peers of ``zone`` among the scored zones (by id)."""
    if kind not in KINDS:
        raise PeerError(f"unknown peer set {kind!r} (one of {', '.join(KINDS)})")
    ids = scored["id"].to_list()
    if zone not in ids:
        raise PeerError(f"zone {zone!r} is not among the scored zones")
    others = scored.filter(pl.col("id") != zone)
    if kind == "all":
        return PeerSet(kind, tuple(others["id"].to_list()), "全部园区")
    if kind == "province":
        if "province" not in scored.columns:
            raise PeerError("the zone table has no province column")
        mine = scored.filter(pl.col("id") == zone)["province"][0]
        if mine is None:
            raise PeerError(f"zone {zone!r} has no province")
        same = others.filter(pl.col("province") == mine)
        return PeerSet(kind, tuple(same["id"].to_list()), f"同省园区（{mine}）")
    if kind == "top":
        if top < 1:
            raise PeerError("top must be at least 1")
        best = others.sort(["total", "id"], descending=[True, False]).head(top)
        return PeerSet(kind, tuple(best["id"].to_list()), f"综合得分前 {top} 名")
    if named is None or named == zone or named not in ids:
        raise PeerError(f"the benchmark zone {named!r} is not among the scored zones (or is the zone itself)")
    name = scored.filter(pl.col("id") == named)["name"][0]
    return PeerSet(kind, (named,), f"标杆：{name}")


def competition_rank(values: list[float | None], mine: float | None) -> int | None:
    """1 + the number of values strictly higher than ``mine`` (missing ones not counted)."""
    if mine is None:
        return None
    return 1 + sum(1 for v in values if v is not None and round(v, 9) > round(mine, 9))


@dataclass(frozen=True)
class Standing:
    dimension: str  # "total" or a category id
    name: str
    score: float | None
    rank: int | None  # among the zone and its peers
    of: int  # how many of them have a score
    peer_median: float | None
    best: float | None


def standings(scored: pl.DataFrame, model, zone: str, peers: PeerSet) -> list[Standing]:
    """The zone's rank overall and in each top-level dimension among itself and its peers."""
    group = scored.filter(pl.col("id").is_in([zone, *peers.ids]))
    mine = group.filter(pl.col("id") == zone).row(0, named=True)
    out = []
    columns = [("total", "综合得分", "total")] + [
        (c.id, c.name.zh, f"cat:{c.id}") for c in model.top_categories
    ]
    for dim, name, col in columns:
        values = group[col].to_list()
        peer_values = group.filter(pl.col("id") != zone)[col].drop_nulls()
        present = [v for v in values if v is not None]
        out.append(
            Standing(
                dim,
                name,
                mine[col],
                competition_rank(values, mine[col]),
                len(present),
                float(peer_values.median()) if peer_values.len() else None,
                max(present) if present else None,
            )
        )
    return out


def with_attributes(
    scored: pl.DataFrame, table: pl.DataFrame, year: int | None, columns=("province",)
) -> pl.DataFrame:
    """The scored frame with text attributes of the unit table (e.g. province) that the output omits."""
    wanted = [c for c in columns if c in table.columns and c not in scored.columns]
    if not wanted:
        return scored
    src = table.filter(pl.col("year") == year) if (year is not None and "year" in table.columns) else table
    return scored.join(src.select("id", *wanted).unique("id", keep="first"), on="id", how="left")
