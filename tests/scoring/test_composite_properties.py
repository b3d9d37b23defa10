"""Invariants of composite-model.md (hypothesis): the two equalities the spec states."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.scoring.engine import score
from tests.scoring.test_composite import table, zmodel

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
METHODS = [
    ("percentile", ""),
    ("minmax", ""),
    ("linear", ", linear: [0, 50]"),
    ("bands", ", bands: [[0, 0.1], [10, 0.5], [40, 1.0]]"),
]
number = st.floats(-20, 100, allow_nan=False).map(lambda x: round(x, 3))
weight = st.integers(0, 9).map(float)


def indicators(methods, weights, scale_to: float | None = None) -> str:
    total = sum(weights)
    lines = []
    for n, ((method, extra), w) in enumerate(zip(methods, weights, strict=True)):
        shown = w if scale_to is None else w * scale_to / total
        field = "abcd"[n]
        lines.append(
            f"  - {{id: i{n}, name: 指标{n}, category: t, value: {field}, method: {method}, "
            f"weight: {shown!r}{extra}}}"
        )
    return "\n".join(lines)


@SETTINGS
@given(
    methods=st.lists(st.sampled_from(METHODS), min_size=1, max_size=4),
    data=st.data(),
    scale=st.sampled_from([100.0, 10.0, 130.0]),
)
def test_complete_one_level_weighted_mean_equals_points_rescaled(methods, data, scale):
    k = len(methods)
    weights = data.draw(st.lists(weight, min_size=k, max_size=k).filter(lambda w: sum(w) > 0))
    rows = data.draw(
        st.lists(st.fixed_dictionaries({f: number for f in "abcd"[:k]}), min_size=1, max_size=12)
    )
    rows = [{"id": f"U{n}", **r} for n, r in enumerate(rows)]
    head = 'stages: [{id: all, name: 全部, when: "true"}]\ncategories: [{id: t, name: 总}]\nindicators:\n'
    weighted = zmodel(f"aggregation: weighted_mean\nscale: {scale}\n" + head + indicators(methods, weights))
    points = zmodel(head + indicators(methods, weights, scale_to=scale))
    w = score(weighted, table(rows), None).frame.sort("id")
    p = score(points, table(rows), None).frame.sort("id")
    assert w["total"].to_list() == pytest.approx(p["total"].to_list(), abs=1e-9)
    assert w["cat:t"].to_list() == pytest.approx(p["total"].to_list(), abs=1e-9)


NESTED = """
aggregation: weighted_mean
missing: {missing}
stages:
  - {{id: s1, name: 一, when: "d < 20"}}
  - {{id: s2, name: 二, when: "true"}}
categories:
  - {{id: t1, name: 一, weight: {w1}}}
  - {{id: t2, name: 二, weight: {w2}}}
  - {{id: sub, name: 子, parent: t2, weight: {w3}}}
indicators:
  - {{id: i0, name: 零, category: t1, value: a, method: percentile, weight: {{s1: 2, s2: 1}}}}
  - {{id: i1, name: 一, category: t1, value: b, method: minmax, direction: lower, weight: 3}}
  - {{id: i2, name: 二, category: sub, value: c, method: linear, linear: [0, 50], weight: 1}}
  - {{id: i3, name: 三, category: t2, value: d, method: bands, bands: [[0, 0.2], [30, 1.0]], weight: {{s2: 4}}}}
"""


@SETTINGS
@given(
    rows=st.lists(st.fixed_dictionaries({f: number for f in "abcd"}), min_size=1, max_size=15),
    w=st.tuples(weight, weight, weight),
)
def test_reweight_equals_zero_when_nothing_is_missing(rows, w):
    rows = [{"id": f"U{n}", **r} for n, r in enumerate(rows)]
    frames = [
        score(zmodel(NESTED.format(missing=m, w1=w[0], w2=w[1], w3=w[2])), table(rows), None).frame
        for m in ("zero", "reweight")
    ]
    assert frames[0].equals(frames[1])


@SETTINGS
@given(
    rows=st.lists(
        st.fixed_dictionaries({f: st.one_of(st.none(), number) for f in "abcd"}), min_size=1, max_size=15
    ),
    w=st.tuples(weight, weight, weight),
)
def test_scores_stay_within_zero_and_scale_and_row_order_does_not_matter(rows, w):
    rows = [{"id": f"U{n}", **r} for n, r in enumerate(rows)]
    m = zmodel(NESTED.format(missing="reweight", w1=w[0], w2=w[1], w3=w[2]))
    out = score(m, table(rows), None).frame
    for col in ("base", "cat:t1", "cat:t2", "cat:sub"):
        values = out[col].drop_nulls()
        assert ((values >= -1e-9) & (values <= 100 + 1e-9)).all()
    reversed_ = score(m, table(rows[::-1]), None).frame
    assert out.equals(reversed_)
    assert out.filter(pl.col("base").is_null()).height == 0
