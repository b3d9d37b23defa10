"""Industry chains (链长制): node trees, each node's local strength and the gaps (pure).

A chain (信创, 细胞与基因治疗 …) is a tree of nodes: the top-level nodes are its segments in order
(芯片 → 服务器 → 操作系统 …), a node may have sub-nodes (芯片: 设计, 制造, 封测). Firms of the zone are
mapped to nodes; a firm may sit at several nodes.

**Strength of a node** counts the distinct firms mapped to the node *or any node below it* (a segment
is as strong as its sub-segments together):

- ``firms``: how many;
- ``revenue``: the sum of their revenues (万元, exact; firms without a revenue add nothing and are
  counted in ``revenue_firms`` only when they have one);
- ``hightech_share``: the share of them holding a valid high-tech enterprise qualification (None
  without firms);
- ``avg_score``: the mean innovation score of those that have one (None when none has).

**Weak and gaps.** A node is ``empty`` without firms; ``weak`` when it has firms but fails any of the
zone's thresholds that are set (``Thresholds``: fewer than ``min_firms`` firms, revenue below
``min_revenue``, high-tech share below ``min_hightech_share``, average score below ``min_score``; a
threshold of None is not checked; a share or score that cannot be computed fails its threshold); else
``ok``. Empty and weak nodes are the gaps: the 补链 targets, listed with the projects that are meant to
fill them (projects whose chain node is the gap node).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

EMPTY = "empty"
WEAK = "weak"
OK = "ok"


@dataclass(frozen=True)
class Thresholds:
    min_firms: int | None = 3
    min_revenue: Decimal | None = Decimal("10000")  # 万元 (1 亿元)
    min_hightech_share: float | None = None
    min_score: float | None = None


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Node:
    key: Hashable
    parent: Hashable | None
    name: str = ""
    order: int = 0


@dataclass(frozen=True)
class Firm:
    key: Hashable
    revenue: Decimal | None = None
    hightech: bool = False
    score: float | None = None


@dataclass(frozen=True)
class NodeStrength:
    key: Hashable
    firms: int
    revenue: Decimal
    revenue_firms: int
    hightech: int
    hightech_share: float | None
    avg_score: float | None
    scored: int
    status: str  # empty | weak | ok
    reasons: tuple[str, ...] = ()  # which thresholds failed: firms, revenue, hightech_share, score
    own_firms: int = 0  # firms mapped to this node itself (not below it)

    @property
    def gap(self) -> bool:
        return self.status != OK


def descendants(nodes: Sequence[Node]) -> dict[Hashable, list[Hashable]]:
    """Each node → itself and every node below it. A parent that is not among ``nodes`` is treated as
    absent (the node is a root); a cycle raises ValueError."""
    keys = {n.key for n in nodes}
    children: dict[Hashable, list[Hashable]] = {n.key: [] for n in nodes}
    for n in nodes:
        if n.parent is not None and n.parent in keys:
            children[n.parent].append(n.key)
    out: dict[Hashable, list[Hashable]] = {}

    def walk(key, trail: frozenset) -> list[Hashable]:
        if key in trail:
            raise ValueError(f"the chain's nodes form a cycle at {key!r}")
        if key in out:
            return out[key]
        below = [key]
        for child in children[key]:
            below += walk(child, trail | {key})
        out[key] = below
        return below

    for n in nodes:
        walk(n.key, frozenset())
    return out


def node_strengths(
    nodes: Sequence[Node],
    mapping: Mapping[Hashable, Iterable[Hashable]],
    firms: Mapping[Hashable, Firm],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[Hashable, NodeStrength]:
    """Each node's strength. ``mapping``: node key → keys of the firms mapped to it; ``firms``: firm key
    → its figures (a mapped firm missing here counts as a firm with no figures)."""
    below = descendants(nodes)
    own = {k: list(dict.fromkeys(mapping.get(k, ()))) for k in below}
    out = {}
    for key, subtree in below.items():
        members = list(dict.fromkeys(f for k in subtree for f in own[k]))
        figures = [firms.get(f, Firm(f)) for f in members]
        revenues = [f.revenue for f in figures if f.revenue is not None]
        scores = [f.score for f in figures if f.score is not None]
        n = len(figures)
        hightech = sum(1 for f in figures if f.hightech)
        strength = NodeStrength(
            key=key,
            firms=n,
            revenue=sum(revenues, Decimal(0)),
            revenue_firms=len(revenues),
            hightech=hightech,
            hightech_share=hightech / n if n else None,
            avg_score=sum(scores) / len(scores) if scores else None,
            scored=len(scores),
            status=OK,
            own_firms=len(own[key]),
        )
        out[key] = _judge(strength, thresholds)
    return out


def _judge(s: NodeStrength, t: Thresholds) -> NodeStrength:
    if s.firms == 0:
        return replace(s, status=EMPTY, reasons=("firms",))
    reasons = []
    if t.min_firms is not None and s.firms < t.min_firms:
        reasons.append("firms")
    if t.min_revenue is not None and s.revenue < Decimal(t.min_revenue):
        reasons.append("revenue")
    if t.min_hightech_share is not None and (
        s.hightech_share is None or s.hightech_share < t.min_hightech_share
    ):
        reasons.append("hightech_share")
    if t.min_score is not None and (s.avg_score is None or s.avg_score < t.min_score):
        reasons.append("score")
    return replace(s, status=WEAK if reasons else OK, reasons=tuple(reasons))


@dataclass(frozen=True)
class Gap:
    key: Hashable
    strength: NodeStrength
    projects: tuple[Hashable, ...] = field(default_factory=tuple)


def chain_gaps(
    nodes: Sequence[Node],
    strengths: Mapping[Hashable, NodeStrength],
    projects: Mapping[Hashable, Iterable[Hashable]] | None = None,
) -> list[Gap]:
    """The gap nodes (empty or weak) in tree order (parents before children, siblings by ``order``),
    each with the projects linked to it (``projects``: node key → project keys)."""
    projects = projects or {}
    return [
        Gap(key=n.key, strength=strengths[n.key], projects=tuple(projects.get(n.key, ())))
        for n in tree_order(nodes)
        if strengths[n.key].gap
    ]


def tree_order(nodes: Sequence[Node]) -> list[Node]:
    """Depth-first, parents before children, siblings by (order, name)."""
    keys = {n.key for n in nodes}
    children: dict[Hashable | None, list[Node]] = {}
    for n in nodes:
        children.setdefault(n.parent if n.parent in keys else None, []).append(n)
    out: list[Node] = []
    seen: set = set()

    def walk(parent):
        for n in sorted(children.get(parent, []), key=lambda n: (n.order, n.name, str(n.key))):
            if n.key in seen:
                continue
            seen.add(n.key)
            out.append(n)
            walk(n.key)

    walk(None)
    return out


def depths(nodes: Sequence[Node]) -> dict[Hashable, int]:
    """Each node's depth (0 for a top-level segment)."""
    by_key = {n.key: n for n in nodes}
    out: dict[Hashable, int] = {}
    for n in nodes:
        d, cur, seen = 0, n, set()
        while cur.parent is not None and cur.parent in by_key and cur.key not in seen:
            seen.add(cur.key)
            cur = by_key[cur.parent]
            d += 1
        out[n.key] = d
    return out
