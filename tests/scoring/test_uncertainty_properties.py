"""Invariants of the uncertainty analysis (composite-model.md, Uncertainty), and one case that shows
what the rank interval does *not* promise.

- The percentiles are ordered and within the cohort; δ = 0 gives the nominal rank with width 0.
- Dominance: a unit at least as good as another on every indicator ranks no worse in every sampled
  weighting, so each of its percentiles is no worse.
- Scaling invariance: weights mean only their ratios. Multiplying every weight of the model (each
  category's children, and the top-level categories) by a power of two changes no bit of the
  result — nominal or sampled; by any other factor, the totals agree to rounding.
- Ties: the 5–95 % interval need not contain the nominal rank. When units tie at the nominal weights,
  every perturbation breaks the tie, and a unit can rank below its nominal rank in *every* sample
  (hand-worked below). The interval describes the sampled weightings, not the nominal one.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.scoring import engine
from gaoxin.scoring import uncertainty as U
from tests.scoring.test_composite import table, zmodel

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# two levels, complete data (missing: zero), higher is better everywhere
TWO_LEVELS = """
aggregation: weighted_mean
missing: {missing}
stages: [{{id: all, name: 全部, when: "true"}}]
categories:
  - {{id: t1, name: 一, weight: {w1}}}
  - {{id: t2, name: 二, weight: {w2}}}
  - {{id: sub, name: 子, parent: t2, weight: {w3}}}
indicators:
  - {{id: ia, name: 甲, category: t1, value: a, method: minmax, weight: {wa}}}
  - {{id: ib, name: 乙, category: t1, value: b, method: percentile, weight: {wb}}}
  - {{id: ic, name: 丙, category: sub, value: c, method: linear, linear: [0, 10], weight: {wc}}}
  - {{id: id_, name: 丁, category: t2, value: d, method: minmax, weight: {wd}}}
"""
WEIGHTS = {"w1": 2.0, "w2": 1.0, "w3": 1.5, "wa": 1.0, "wb": 3.0, "wc": 0.5, "wd": 1.25}


def two_levels(missing: str = "zero", factor: float = 1.0, **weights):
    w = {k: v * factor for k, v in (WEIGHTS | weights).items()}
    return zmodel(TWO_LEVELS.format(missing=missing, **{k: repr(v) for k, v in w.items()}))


value = st.integers(0, 10).map(float)
row = st.fixed_dictionaries({"a": value, "b": value, "c": value, "d": value})
rows = st.lists(row, min_size=2, max_size=25)


def units(rs: list[dict]) -> pl.DataFrame:
    return table([{"id": f"U{k:02d}", **r} for k, r in enumerate(rs)])


def run(m, data, samples=60, noise=0.25, seed=0):
    values = engine.evaluate(m, engine.prepare(m, data, None)).collect()
    nominal = engine.finish(m, engine.rate(m, values), None).collect()
    return nominal, U.analyse(m, values, samples, noise, seed).frame


@SETTINGS
@given(rs=rows, seed=st.integers(0, 2**32 - 1), noise=st.sampled_from([0.1, 0.25, 0.6]))
def test_percentiles_are_ordered_and_within_the_cohort(rs, seed, noise):
    nominal, out = run(two_levels(), units(rs), seed=seed, noise=noise)
    n = nominal.height
    assert (out["rank_p05"] >= 1).all() and (out["rank_p95"] <= n).all()
    assert (out["rank_p05"] <= out["rank_median"]).all() and (out["rank_median"] <= out["rank_p95"]).all()
    assert (out["total_p05"] <= out["total_p95"]).all()


@SETTINGS
@given(rs=rows)
def test_zero_noise_is_the_nominal_rank_with_width_zero(rs):
    nominal, out = run(two_levels(), units(rs), samples=3, noise=0.0)
    joined = nominal.join(out, on="id")
    for col in ("rank_p05", "rank_median", "rank_p95"):
        assert joined[col].to_list() == joined["rank"].to_list()
    assert joined["total_p05"].to_list() == joined["total"].to_list() == joined["total_p95"].to_list()


@SETTINGS
@given(rs=rows, seed=st.integers(0, 2**16))
def test_a_dominating_unit_ranks_no_worse_in_every_percentile(rs, seed):
    better = {k: min(10.0, v + 1) for k, v in rs[0].items()}  # ≥ unit 0 on every indicator
    data = units([*rs, better])
    _, out = run(two_levels(), data, seed=seed)
    res = {r["id"]: r for r in out.iter_rows(named=True)}
    a, b = res[f"U{len(rs):02d}"], res["U00"]
    for col in ("rank_p05", "rank_median", "rank_p95"):
        assert a[col] <= b[col], col
    assert a["total_p05"] >= b["total_p05"] and a["total_p95"] >= b["total_p95"]


@SETTINGS
@given(rs=rows, k=st.integers(-3, 3), missing=st.sampled_from(["zero", "reweight"]))
def test_weights_mean_only_their_ratios(rs, k, missing):
    data = units(
        [
            {
                kk: (None if (i + j) % 4 == 0 and missing == "reweight" else v)
                for j, (kk, v) in enumerate(r.items())
            }
            for i, r in enumerate(rs)
        ]
    )
    base_nominal, base = run(two_levels(missing), data, seed=7)
    scaled_nominal, scaled = run(two_levels(missing, factor=2.0**k), data, seed=7)
    assert scaled_nominal.equals(base_nominal)  # bit for bit
    assert scaled.equals(base)
    _, other = run(two_levels(missing, factor=3.7), data, seed=7)
    np.testing.assert_allclose(other["total_p05"].to_numpy(), base["total_p05"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(other["total_p95"].to_numpy(), base["total_p95"].to_numpy(), rtol=1e-12)


TIE = """
aggregation: weighted_mean
stages: [{id: all, name: 全部, when: "true"}]
categories:
  - {id: t, name: 一}
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: minmax, weight: 1}
  - {id: ib, name: 乙, category: t, value: b, method: minmax, weight: 1}
"""


def test_the_interval_need_not_contain_the_nominal_rank_when_units_tie():
    # min-max over 0…10 on both: B (10, 10) → 100, A (0, 0) → 0. U (5, 5) and V1…V4 (6, 4), (4, 6),
    # (7, 3), (3, 7) all score (w_a·s_a + w_b·s_b)/(w_a + w_b) = 50 at equal weights: tied, rank 2.
    # With w_a > w_b, V1 and V3 pass U; with w_a < w_b, V2 and V4 do: in every sample exactly two
    # units pass U, so U ranks 4 in every weighting while its nominal rank is 2.
    m = zmodel(TIE)
    rs = [
        {"id": "B", "a": 10, "b": 10},
        {"id": "U", "a": 5, "b": 5},
        {"id": "V1", "a": 6, "b": 4},
        {"id": "V2", "a": 4, "b": 6},
        {"id": "V3", "a": 7, "b": 3},
        {"id": "V4", "a": 3, "b": 7},
        {"id": "A", "a": 0, "b": 0},
    ]
    nominal, out = run(m, table(rs), samples=500, seed=1)
    rank = dict(zip(nominal["id"], nominal["rank"], strict=True))
    assert rank["U"] == 2 and rank["V1"] == 2 and rank["B"] == 1 and rank["A"] == 7
    u = out.filter(pl.col("id") == "U").row(0, named=True)
    assert (u["rank_p05"], u["rank_median"], u["rank_p95"]) == (4, 4, 4)
    v1 = out.filter(pl.col("id") == "V1").row(0, named=True)
    # V1 is 3rd (behind B and V3) when w_a > w_b and 5th (behind B, V4, V2, U) otherwise
    assert (v1["rank_p05"], v1["rank_p95"]) == (3, 5)


LINEAR = """
aggregation: weighted_mean
missing: reweight
stages: [{id: all, name: 全部, when: "true"}]
categories:
  - {id: t1, name: 一, weight: 2}
  - {id: t2, name: 二, weight: 1}
indicators:
  - {id: ia, name: 甲, category: t1, value: a, method: linear, linear: [0, 10], weight: 1}
  - {id: ib, name: 乙, category: t1, value: b, method: linear, linear: [0, 10], weight: 3}
  - {id: ic, name: 丙, category: t2, value: c, method: linear, linear: [0, 10], weight: 1}
"""


def test_a_units_score_does_not_depend_on_another_units_missing_value():
    # linear scores do not depend on the cohort, so U's total must be the same bits whether or not
    # V lacks a value (Polars divides by a column it holds as a scalar via the reciprocal: the
    # engine's num × (1/den) makes both cases the same). U: t1 = (1·100 + 3·0)/4 = 25, t2 = 0,
    # base = (2·25 + 1·0)/3 = 50/3.
    m = zmodel(LINEAR)
    u = {"id": "U", "a": 10, "b": 0, "c": 0}
    complete = engine.score(m, table([u, {"id": "V", "a": 1, "b": 2, "c": 3}]), None).frame
    gap = engine.score(m, table([u, {"id": "V", "a": 1, "b": None, "c": 3}]), None).frame
    t1 = complete.filter(pl.col("id") == "U")["total"][0]
    t2 = gap.filter(pl.col("id") == "U")["total"][0]
    assert t1 == t2 == pytest.approx(50 / 3)
    assert np.float64(t1).tobytes() == np.float64(t2).tobytes()
