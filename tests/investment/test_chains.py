"""Chain node strength (rolled up the tree), weak thresholds and gaps, worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.investment import Firm, Node, Thresholds, chain_gaps, node_strengths
from gaoxin.investment.chains import EMPTY, OK, WEAK, depths, descendants, tree_order

# 信创: 芯片 (设计, 制造, 封测) → 服务器 → 操作系统
NODES = [
    Node("chip", None, "芯片", 0),
    Node("design", "chip", "设计", 0),
    Node("fab", "chip", "制造", 1),
    Node("pack", "chip", "封测", 2),
    Node("server", None, "服务器", 1),
    Node("os", None, "操作系统", 2),
]
FIRMS = {
    "a": Firm("a", Decimal("5000.5"), True, 70.0),
    "b": Firm("b", Decimal("3000"), False, 50.0),
    "c": Firm("c", None, True, None),  # no revenue, no score
    "d": Firm("d", Decimal("20000"), True, 80.0),
    "e": Firm("e", Decimal("1000"), False, 40.0),
}
MAPPING = {"design": ["a", "b", "c"], "pack": ["a"], "server": ["d", "e", "b", "d"], "os": []}


def test_strength_is_rolled_up_the_tree():
    s = node_strengths(NODES, MAPPING, FIRMS, Thresholds(min_firms=2, min_revenue=None))
    # 芯片: a, b, c (design) ∪ a (pack) = 3 distinct firms
    chip = s["chip"]
    assert (chip.firms, chip.own_firms) == (3, 0)
    assert chip.revenue == Decimal("8000.5") and chip.revenue_firms == 2
    assert chip.hightech == 2 and chip.hightech_share == pytest.approx(2 / 3)
    assert chip.avg_score == pytest.approx(60.0) and chip.scored == 2
    assert chip.status == OK
    # The server: d counted once although mapped twice.
    assert s["server"].firms == 3 and s["server"].revenue == Decimal("24000")
    assert s["pack"].status == WEAK and s["pack"].reasons == ("firms",)
    assert s["fab"].status == EMPTY and s["fab"].hightech_share is None and s["fab"].avg_score is None
    assert s["os"].status == EMPTY
    assert s["fab"].revenue == Decimal(0)


def test_thresholds_each_and_none():
    t = Thresholds(min_firms=None, min_revenue=Decimal("10000"), min_hightech_share=0.5, min_score=65)
    s = node_strengths(NODES, MAPPING, FIRMS, t)
    # design: revenue 8000.5 < 10000, share 2/3 ok, score 60 < 65
    assert s["design"].reasons == ("revenue", "score")
    # server: revenue 24000 ok, share 1/3 < .5, score (80+40+50)/3 = 56.7 < 65
    assert s["server"].reasons == ("hightech_share", "score")
    # pack: a alone: 5000.5 < 10000; share 1, score 70 fine
    assert s["pack"].reasons == ("revenue",)
    # A score threshold fails when nobody is scored.
    only_c = node_strengths(
        [Node("x", None)], {"x": ["c"]}, FIRMS, Thresholds(min_firms=None, min_revenue=None, min_score=1)
    )
    assert only_c["x"].status == WEAK and only_c["x"].reasons == ("score",)
    # No thresholds at all: any firm makes a node ok.
    lax = node_strengths(NODES, MAPPING, FIRMS, Thresholds(None, None, None, None))
    assert lax["pack"].status == OK and lax["fab"].status == EMPTY


def test_default_thresholds_three_firms_and_one_hundred_million():
    s = node_strengths(NODES, MAPPING, FIRMS)
    assert s["server"].status == OK  # 3 firms, 24000 万元
    assert s["chip"].reasons == ("revenue",)  # 3 firms, 8000.5 万元 < 10000


def test_unknown_firm_counts_without_figures():
    s = node_strengths([Node("x", None)], {"x": ["ghost"]}, {}, Thresholds(min_firms=1, min_revenue=None))
    assert s["x"].firms == 1 and s["x"].revenue == 0 and s["x"].hightech_share == 0.0


def test_gaps_in_tree_order_with_projects():
    s = node_strengths(NODES, MAPPING, FIRMS, Thresholds(min_firms=2, min_revenue=None))
    gaps = chain_gaps(NODES, s, {"fab": ["p1", "p2"], "server": ["p3"]})
    assert [g.key for g in gaps] == ["fab", "pack", "os"]
    assert gaps[0].projects == ("p1", "p2") and gaps[1].projects == ()
    assert chain_gaps([], {}) == []


def test_tree_helpers():
    assert [n.key for n in tree_order(NODES)] == ["chip", "design", "fab", "pack", "server", "os"]
    assert depths(NODES) == {"chip": 0, "design": 1, "fab": 1, "pack": 1, "server": 0, "os": 0}
    assert sorted(descendants(NODES)["chip"]) == ["chip", "design", "fab", "pack"]
    orphan = [Node("x", "missing")]
    assert descendants(orphan) == {"x": ["x"]} and depths(orphan) == {"x": 0}
    with pytest.raises(ValueError, match="cycle"):
        descendants([Node("a", "b"), Node("b", "a")])


@st.composite
def forests(draw):
    n = draw(st.integers(1, 12))
    nodes = [
        Node(i, draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None, f"n{i}", i)
        for i in range(n)
    ]
    firms = {
        f: Firm(
            f,
            draw(st.one_of(st.none(), st.decimals(0, 10**6, places=2))),
            draw(st.booleans()),
            draw(st.one_of(st.none(), st.floats(0, 100))),
        )
        for f in range(8)
    }
    mapping = {i: draw(st.lists(st.integers(0, 7), max_size=4)) for i in range(n)}
    return nodes, mapping, firms


@settings(max_examples=150, deadline=None)
@given(forests(), st.integers(0, 5))
def test_strength_properties(forest, min_firms):
    nodes, mapping, firms = forest
    s = node_strengths(nodes, mapping, firms, Thresholds(min_firms=min_firms, min_revenue=None))
    for n in nodes:
        x = s[n.key]
        assert x.hightech_share is None or 0 <= x.hightech_share <= 1
        assert (x.firms == 0) == (x.status == EMPTY)
        assert x.gap == (x.status != OK)
        if n.parent is not None:
            assert s[n.parent].firms >= x.firms, "a parent is at least as strong as each child"
            assert s[n.parent].revenue >= x.revenue
    gaps = chain_gaps(nodes, s)
    assert {g.key for g in gaps} == {k for k, v in s.items() if v.status != OK}
