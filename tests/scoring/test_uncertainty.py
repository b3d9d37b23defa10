"""Uncertainty and sensitivity (composite-model.md): Monte Carlo over weights and leave one out."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from gaoxin.scoring import engine
from gaoxin.scoring import uncertainty as U
from tests.scoring.helpers import dataset, model
from tests.scoring.test_composite import NESTED, ROWS, table, zmodel
from tests.scoring.test_properties import MIXED


def firms(n: int = 60, seed: int = 3) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        rows.append(
            {
                "uscc": f"U{k:03d}",
                "zone": "Z1" if k % 3 else "Z2",
                "revenue": float(rng.integers(10, 300)),
                "rd_expense": None if k % 11 == 0 else float(rng.integers(0, 40)),
                "net_profit": float(rng.integers(-20, 60)),
                "invention_patents": float(rng.integers(0, 6)),
                "standards_led": float(rng.integers(0, 3)),
                "admin_penalties": float(k % 13 == 0),
                "serious_dishonesty": k % 29 == 5,
            }
        )
    return rows


def values_of(m, data, year=2025):
    return engine.evaluate(m, engine.prepare(m, data, year)).collect()


def nominal(m, values, year=2025):
    return engine.finish(m, engine.rate(m, values), year).collect()


NESTED_M = zmodel(NESTED.format(missing="reweight"))
UNITS = table(
    [
        *ROWS,
        *[
            {"id": f"V{k}", "a": k % 7, "b": (k * 3) % 10, "c": k % 4, "d": None if k % 5 == 0 else k % 9}
            for k in range(20)
        ],
    ]
)
CASES = [
    pytest.param(MIXED, lambda: dataset(firms()), 2025, id="points"),
    pytest.param(NESTED_M, lambda: UNITS, None, id="weighted-nested-reweight"),
]


@pytest.mark.parametrize(("m", "data", "year"), CASES)
def test_zero_noise_gives_the_nominal_run_exactly(m, data, year):
    values = values_of(m, data(), year)
    result = U.analyse(m, values, samples=7, noise=0.0, seed=5)
    j = nominal(m, values, year).join(result.frame, on=m.key)
    assert (j["rank_p05"] == j["rank"]).all() and (j["rank_p95"] == j["rank"]).all()
    assert (j["rank_median"] == j["rank"]).all()
    assert (j["total_p05"] == j["total"]).all() and (j["total_p95"] == j["total"]).all()  # bit for bit
    listed = j.filter(pl.col("list").is_not_null())
    assert (listed["list_share"] == 1.0).all()
    assert (
        j.filter(pl.col("list").is_null())["list_share"].null_count()
        == j.filter(pl.col("list").is_null()).height
    )


@pytest.mark.parametrize(("m", "data", "year"), CASES)
def test_one_sampled_weighting_equals_the_engine_run_with_those_weights(m, data, year):
    """The array aggregation is the engine's: a model rewritten with sample weights scores the same."""
    values = values_of(m, data(), year)
    prep = U.prepare(m, values)
    ind0, cat0 = U.nominal_weights(m)
    rng = np.random.default_rng(11)
    ind_w = U.rescaled(m, ind0[None] * rng.uniform(0.5, 1.5, size=(1, *ind0.shape)))
    cat_w = cat0[None] * rng.uniform(0.5, 1.5, size=(1, cat0.shape[0]))
    got = U.totals(prep, ind_w, cat_w)[:, 0]
    stages = [s.id for s in m.stages]

    def reweighted(ind, j):
        return dataclasses.replace(ind, weights={s: float(ind_w[0, j, t]) for t, s in enumerate(stages)})

    inds = [reweighted(i, j) for j, i in enumerate(m.all_indicators)]
    other = dataclasses.replace(
        m,
        indicators=tuple(i for i in inds if not i.bonus),
        bonus_indicators=tuple(i for i in inds if i.bonus),
        categories=tuple(
            dataclasses.replace(c, weight=float(cat_w[0, k])) for k, c in enumerate(m.categories)
        ),
    )
    want = engine.rate(other, values).collect()
    assert got.tolist() == pytest.approx(want["total"].to_list(), abs=1e-9)
    assert U.ranks(prep, got[:, None])[:, 0].tolist() == want["rank"].to_list()


def test_a_seed_gives_the_same_numbers_and_another_seed_others():
    values = values_of(MIXED, dataset(firms()))
    a = U.analyse(MIXED, values, samples=200, noise=0.3, seed=42).frame
    b = U.analyse(MIXED, values, samples=200, noise=0.3, seed=42).frame
    c = U.analyse(MIXED, values, samples=200, noise=0.3, seed=43).frame
    assert a.equals(b) and not a.equals(c)
    assert (a["rank_p05"] <= a["rank_median"]).all() and (a["rank_median"] <= a["rank_p95"]).all()
    assert (a["total_p05"] <= a["total_p95"]).all()
    assert ((a["list_share"].drop_nulls() >= 0) & (a["list_share"].drop_nulls() <= 1)).all()
    assert (a["rank_p95"] - a["rank_p05"]).max() > 0  # with noise, some rank moves


def test_chunking_does_not_change_the_numbers(monkeypatch):
    values = values_of(MIXED, dataset(firms()))
    whole = U.analyse(MIXED, values, samples=50, noise=0.3, seed=1).frame
    monkeypatch.setattr(U, "CHUNK_CELLS", 130)  # two samples at a time
    assert U.analyse(MIXED, values, samples=50, noise=0.3, seed=1).frame.equals(whole)


def test_nearest_rank_percentiles():
    rows = np.arange(1, 21)[None, :]  # ranks 1…20 in 20 samples
    assert U._nearest_rank(rows, 0.05)[0] == 1  # ceil(0.05 × 20) = 1st
    assert U._nearest_rank(rows, 0.95)[0] == 19  # ceil(0.95 × 20) = 19th
    assert U._nearest_rank(rows, 0.5)[0] == 10  # ceil(0.5 × 20) = 10th
    assert U._nearest_rank(np.arange(1, 4)[None, :], 0.05)[0] == 1


LOO = model("""
cohort: []
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: c, name: 类}]
indicators:
  - {id: x, name: X, category: c, value: rd_expense, method: linear, linear: [0, 10], weight: 60}
  - {id: y, name: Y, category: c, value: revenue, method: linear, linear: [0, 10], weight: 40}
""")


def test_leave_one_out_hand_worked():
    # fractions: A (1, 0) → 60; B (0, 1) → 40; C (0.5, 0.5) → 50: ranks A 1, C 2, B 3
    rows = [
        {"uscc": "A", "rd_expense": 10, "revenue": 0},
        {"uscc": "B", "rd_expense": 0, "revenue": 10},
        {"uscc": "C", "rd_expense": 5, "revenue": 5},
    ]
    values = values_of(LOO, dataset(rows))
    out = {r["indicator"]: r for r in U.leave_one_out(LOO, values).iter_rows(named=True)}
    # without x: y rescaled to 100 → A 0, B 100, C 50: ranks A 3, B 1, C 2 → shifts 2, 2, 0
    assert out["x"]["max_shift"] == 2 and out["x"]["mean_shift"] == pytest.approx(4 / 3)
    # without y: x rescaled to 100 → A 100, B 0, C 50: the same order → shifts 0
    assert out["y"]["max_shift"] == 0 and out["y"]["mean_shift"] == 0
    assert U.leave_one_out(LOO, values)["indicator"].to_list() == ["x", "y"]  # the driver first


def test_points_rescaling_keeps_each_stage_maximum():
    ind0, _ = U.nominal_weights(MIXED)
    w = U.rescaled(MIXED, ind0[None] * np.random.default_rng(0).uniform(0.7, 1.3, size=(5, *ind0.shape)))
    base = np.array([not i.bonus for i in MIXED.all_indicators])
    for t, stage in enumerate(MIXED.stages):
        assert w[:, base, t].sum(axis=1) == pytest.approx([MIXED.stage_max(stage.id)] * 5)


def test_refuses_bad_options():
    values = values_of(LOO, dataset([{"uscc": "A", "rd_expense": 1, "revenue": 1}]))
    with pytest.raises(ValueError, match="samples"):
        U.analyse(LOO, values, samples=0)
    with pytest.raises(ValueError, match="noise"):
        U.analyse(LOO, values, noise=1.5)
