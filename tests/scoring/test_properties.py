"""Invariants of the engine, checked on generated populations (hypothesis)."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.scoring.engine import score
from tests.scoring.helpers import dataset, model, one_indicator

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
value = st.one_of(st.none(), st.floats(-50, 500, allow_nan=False), st.integers(0, 6).map(float))
METHODS = [
    ("percentile", ""),
    ("minmax", ""),
    ("linear", ", linear: [0, 200]"),
    ("bands", ", bands: [[0, 0.1], [10, 0.5], [100, 1.0]]"),
]

MIXED = model("""
cohort: [zone, stage]
stages:
  - {id: small, name: 小, when: "revenue < 100"}
  - {id: big, name: 大, when: "true"}
categories: [{id: a, name: A}, {id: b, name: B}]
indicators:
  - {id: p, name: P, category: a, value: rd_expense, method: percentile, weight: {small: 30, big: 20}}
  - {id: m, name: M, category: a, value: "rd_expense / revenue", method: minmax, weight: {small: 20, big: 30}}
  - {id: l, name: L, category: b, value: net_profit, method: linear, linear: [-10, 50], direction: lower, weight: 25}
  - {id: d, name: D, category: b, value: invention_patents, method: bands, bands: [[1, 0.3], [4, 1.0]], weight: 25}
bonus:
  cap: 7
  indicators:
    - {id: s, name: S, category: b, value: standards_led, method: bands, bands: [[1, 0.5], [2, 1]], weight: 10}
penalties:
  - {id: pen, name: 罚, when: "admin_penalties > 0", points: 12}
veto: [serious_dishonesty]
lists: [{id: l1, name: 一, top: 0.1}, {id: l2, name: 二, top: 0.3}]
grades: [{min: 70, grade: A}, {min: 30, grade: B}, {min: 0, grade: C}]
""")

firm = st.fixed_dictionaries(
    {
        "zone": st.sampled_from(["Z1", "Z2"]),
        "revenue": value,
        "rd_expense": value,
        "net_profit": value,
        "invention_patents": st.one_of(st.none(), st.integers(0, 6)),
        "standards_led": st.one_of(st.none(), st.integers(0, 3)),
        "admin_penalties": st.one_of(st.none(), st.integers(0, 2)),
        "serious_dishonesty": st.one_of(st.none(), st.booleans()),
    }
)
population = st.lists(firm, min_size=1, max_size=25).map(
    lambda rows: [dict(r, uscc=f"E{i:03d}") for i, r in enumerate(rows)]
)


@SETTINGS
@given(
    method=st.sampled_from(METHODS),
    values=st.lists(value, min_size=1, max_size=20),
    pick=st.integers(0, 19),
    raise_by=st.floats(0.001, 300, allow_nan=False),
)
def test_raising_a_higher_is_better_value_never_lowers_that_firms_points(method, values, pick, raise_by):
    m = one_indicator("rd_expense", method[0], extra=method[1])
    i = pick % len(values)
    before = [{"uscc": f"E{j:02d}", "rd_expense": v} for j, v in enumerate(values)]
    after = [dict(r) for r in before]
    after[i]["rd_expense"] = (values[i] if values[i] is not None else 0.0) + raise_by
    key = f"E{i:02d}"
    p0 = score(m, dataset(before), 2025).frame.filter(pl.col("uscc") == key)["pts:x"][0]
    p1 = score(m, dataset(after), 2025).frame.filter(pl.col("uscc") == key)["pts:x"][0]
    assert p1 >= p0 - 1e-12


@SETTINGS
@given(rows=population)
def test_totals_stay_within_zero_and_stage_max_plus_cap(rows):
    frame = score(MIXED, dataset(rows), 2025).frame
    assert frame["total"].min() >= 0
    assert frame["total"].max() <= 100 + 7 + 1e-9
    assert frame.filter(pl.col("vetoed"))["total"].abs().max() in (None, 0)
    for col in [c for c in frame.columns if c.startswith("pts:")]:
        assert frame[col].min() >= 0


@SETTINGS
@given(rows=population, seed=st.integers(0, 10_000))
def test_row_order_does_not_change_results(rows, seed):
    import random

    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    a = score(MIXED, dataset(rows), 2025).frame
    b = score(MIXED, dataset(shuffled), 2025).frame
    assert a.equals(b)
    assert a.write_csv() == b.write_csv()


@SETTINGS
@given(rows=population)
def test_ranks_are_competition_ranks_and_lists_are_nested(rows):
    frame = score(MIXED, dataset(rows), 2025).frame
    for _, part in frame.group_by(["zone", "stage"]):
        totals = part["total"].round(9).to_list()
        for t, r in zip(totals, part["rank"].to_list(), strict=True):
            assert r == 1 + sum(1 for u in totals if u > t)
        n = part.height
        for name, share in (("l1", 1), ("l2", 3)):
            members = part.filter(pl.col("list") == name)
            assert all(r <= -(-n * share // 10) for r in members["rank"].to_list())
        assert part.filter(pl.col("vetoed") & pl.col("list").is_not_null()).height == 0


def test_repeated_runs_are_bit_identical():
    """Totals are sums of floats: the engine must add them in one fixed order every time."""
    import random

    rng = random.Random(5)
    rows = [
        {
            "uscc": f"E{i:03d}",
            "zone": "Z1",
            "revenue": rng.uniform(0, 300),
            "rd_expense": rng.uniform(0, 40),
            "net_profit": rng.uniform(-10, 60),
            "invention_patents": rng.randint(0, 6),
            "standards_led": rng.randint(0, 2),
            "admin_penalties": 0,
        }
        for i in range(60)
    ]
    data = dataset(rows)
    first = score(MIXED, data, 2025).frame
    for _ in range(150):
        assert score(MIXED, data, 2025).frame.equals(first)
