"""The pandas and DuckDB baselines agree with the engine — an independent check of all three.

The baselines are written from shared/spec/indicator-model.md, not from the engine. A disagreement
means one side is wrong; the hand-worked cases at the end say which, from the spec alone.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np
import polars as pl
import pytest

from bench import baseline_duckdb, baseline_pandas, compare
from gaoxin.data.dataset import Dataset, schema
from gaoxin.scoring.engine import score
from gaoxin.scoring.model import load_model, loads, shipped

YEAR = 2025
BASELINES = {"pandas": baseline_pandas.score_dataset, "duckdb": baseline_duckdb.score_dataset}


def engine(model, data: Dataset, year: int = YEAR) -> pl.DataFrame:
    return score(model, data, year).frame


def assert_same(model, data: Dataset, name: str, year: int = YEAR) -> pl.DataFrame:
    expected = engine(model, data, year)
    got = compare.to_polars(BASELINES[name](model, data, year))
    diff = compare.differences(expected, got)
    assert not diff, f"{name} disagrees with the engine:\n" + "\n".join(diff)
    return expected


# --- a synthetic population -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def population() -> Dataset:
    from gaoxin.data import synth

    return synth.synthesize(3000, zones=5, years=(2021, 2025), seed=7, missing=0.05)


@pytest.mark.parametrize("name", sorted(BASELINES))
@pytest.mark.parametrize("model_id", shipped())
def test_shipped_models_on_a_synthetic_population(population: Dataset, model_id: str, name: str):
    model = load_model(model_id)
    out = assert_same(model, population, name)
    assert out.height > 2000
    assert out["vetoed"].any()
    if model.lists:
        assert out["list"].is_not_null().any()


# --- a hand-made population full of edge cases --------------------------------------------------------

EDGE = """
id: edge
version: 1
name: {zh: 边界模型, en: Edge cases}
cohort: COHORT
allow_unequal_stage_totals: true
stages:
  - {id: young, name: 初创, when: "age_years < 3"}
  - {id: small, name: 小型, when: "revenue < 100 or not has(hightech)"}
  - {id: big,   name: 大型, when: "true"}
categories:
  - {id: a, name: 甲}
  - {id: b, name: 乙}
  - {id: extra, name: 加分}
indicators:
  - {id: p_hi, name: 百分位, category: a, value: "rd_expense", method: percentile,
     weight: {young: 10, small: 12, big: 14}}
  - {id: p_lo, name: 百分位越低越好, category: a, value: "total_costs - revenue", method: percentile,
     direction: lower, weight: {young: 10, small: 8}}
  - {id: p_neg, name: 负值百分位, category: a, value: "-taxes_paid", method: percentile, weight: 5}
  - {id: mm_hi, name: 最小最大, category: a, value: "net_profit", method: minmax, weight: 8}
  - {id: mm_lo, name: 最小最大越低越好, category: b, value: "rd_staff / employees", method: minmax,
     direction: lower, weight: 6}
  - {id: lin_hi, name: 线性, category: b, value: "growth(revenue)", method: linear, linear: [-0.1, 0.3],
     weight: 10}
  - {id: lin_lo, name: 线性越低越好, category: b, value: "(total_assets - net_assets) / total_assets",
     method: linear, direction: lower, linear: [0.3, 0.8], weight: 5}
  - {id: band_hi, name: 分档, category: b, value: "invention_patents + prev(invention_patents) * 0.5",
     method: bands, bands: [[0, 0.1], [1, 0.3], [3, 0.6], [5, 1.0]], weight: 6}
  - {id: band_lo, name: 分档越低越好, category: b, value: "admin_penalties", method: bands, direction: lower,
     bands: [[2, 0.5], [0, 1.0]], weight: 4}
  - {id: cond, name: 条件, category: b, value: "has(tech_sme) or rd_expense > 100 and not serious_dishonesty",
     method: bands, bands: [[1, 1.0]], weight: 3}
  - {id: boolarith, name: 布尔算术, category: b, value: "(net_assets > 0) * net_profit / net_assets - -1",
     method: linear, linear: [0, 2], weight: 2}
bonus:
  cap: 5
  indicators:
    - {id: b_std, name: 标准, category: extra, value: "standards_led", method: bands, bands: [[1, 0.5], [2, 1.0]],
       weight: 4}
    - {id: b_awd, name: 奖励, category: extra, value: "awards * 2", method: percentile, weight: 4}
penalties:
  - {id: pen1, name: 处罚, when: "admin_penalties > 0", points: 5}
  - {id: pen2, name: 亏损, when: "net_profit < 0 and revenue > 0", points: 2.5}
veto: [serious_dishonesty, "major_incident or admin_penalties >= 4"]
lists:
  - {id: l1, name: 一, top: 0.1}
  - {id: l2, name: 二, top: 0.25}
  - {id: l3, name: 三, top: 0.5}
grades:
  - {min: 50, grade: A}
  - {min: 20, grade: B}
  - {min: 5,  grade: C}
"""


def _uscc(n: int) -> str:
    return f"91110000MA{n:07d}X"  # unique keys; the baselines do not check the check character


def edge_dataset(n: int = 90, seed: int = 3) -> Dataset:
    """Few distinct values (so ties everywhere), missing cells, zeros, negatives, vetoed firms,
    qualifications on both sides of 31 December, a firm without a report and an orphan report."""
    rng = np.random.default_rng(seed)

    def pick(*choices):
        return choices[int(rng.integers(len(choices)))]

    ents, reps, quals = [], [], []
    for i in range(n):
        u = _uscc(i)
        ents.append(
            {
                "uscc": u,
                "name": f"企业{i}",
                "zone": pick("Z1", "Z1", "Z2", "Z2", "Z3", None),
                "established": pick(
                    None,
                    dt.date(2024, 1, 1),
                    dt.date(2023, 6, 30),
                    dt.date(2022, 12, 31),
                    dt.date(2015, 5, 5),
                    dt.date(2010, 1, 1),
                ),
                "tech_field": pick(None, "电子信息", "新材料"),
            }
        )
        reps.append(
            {
                "uscc": u,
                "year": YEAR,
                "rd_expense": pick(None, 0.0, 0.0, 5.0, 5.0, 10.0, 50.0, 150.0, -3.0),
                "revenue": pick(None, 0.0, 50.0, 50.0, 200.0, 1000.0),
                "total_costs": pick(None, 40.0, 100.0, 100.0, 900.0),
                "net_profit": pick(None, -20.0, 0.0, 10.0, 10.0, 30.0),
                "rd_staff": pick(None, 0, 2, 5),
                "employees": pick(None, 0, 10, 10, 20),
                "total_assets": pick(None, 0.0, 100.0, 200.0),
                "net_assets": pick(None, -50.0, 0.0, 50.0, 100.0),
                "invention_patents": pick(None, 0, 1, 3, 5, 7),
                "admin_penalties": pick(None, 0, 0, 0, 1, 2, 4),
                "taxes_paid": pick(None, -5.0, 0.0, 3.0, 3.0, 9.0),
                "standards_led": pick(None, 0, 1, 2),
                "awards": pick(None, 0, 0, 1, 3),
                "serious_dishonesty": pick(None, False, False, False, False, True),
                "major_incident": pick(None, False, False, False, False, False, True),
            }
        )
        if rng.random() < 0.8:
            reps.append(
                {
                    "uscc": u,
                    "year": YEAR - 1,
                    "revenue": pick(None, 0.0, -10.0, 40.0, 50.0, 100.0),
                    "invention_patents": pick(None, 0, 2, 4),
                }
            )
        for kind in ("tech_sme", "hightech"):
            frm, to = pick(
                (None, None),
                (dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
                (dt.date(2023, 1, 1), dt.date(2025, 6, 30)),
                (dt.date(2026, 1, 1), dt.date(2028, 1, 1)),
                (dt.date(2025, 12, 31), dt.date(2027, 1, 1)),
                (dt.date(2022, 1, 1), dt.date(2025, 12, 31)),
            )
            if frm is not None:
                quals.append({"uscc": u, "kind": kind, "valid_from": frm, "valid_to": to})
                if rng.random() < 0.2:  # the same qualification twice must count once
                    quals.append({"uscc": u, "kind": kind, "valid_from": frm, "valid_to": to})
    ents.append({"uscc": _uscc(n), "name": "没有年报", "zone": "Z1", "established": None, "tech_field": None})
    reps.append({"uscc": _uscc(n), "year": YEAR - 1, "revenue": 10.0})
    reps.append({"uscc": _uscc(n + 1), "year": YEAR, "revenue": 10.0})  # no enterprise row: not scored
    rep_schema = schema("report")
    return Dataset(
        pl.DataFrame(ents, schema={k: v for k, v in schema("enterprise").items() if k in ents[0]}),
        pl.DataFrame(
            reps,
            schema={
                k: rep_schema[k]
                for k in ["uscc", "year", *[c for c in reps[0] if c != "uscc" and c != "year"]]
            },
        ),
        pl.DataFrame(quals, schema=schema("qualification")),
    )


def edge_model(cohort: str):
    return loads(textwrap.dedent(EDGE).replace("COHORT", cohort), name="edge.yaml")


@pytest.mark.parametrize("name", sorted(BASELINES))
@pytest.mark.parametrize("cohort", ["[zone, stage]", "[]", "[tech_field]", "[stage]"])
def test_edge_cases(name: str, cohort: str):
    model = edge_model(cohort)
    data = edge_dataset()
    out = assert_same(model, data, name)
    assert out.height == 90
    # the frame does exercise what it claims to
    assert out["vetoed"].sum() > 3 and out["missing"].str.len_chars().gt(0).sum() > 10
    assert out["grade"].null_count() > 0 and out["list"].null_count() < out.height
    assert set(out["stage"]) == {"young", "small", "big"}


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_edge_cases_with_shipped_models(name: str):
    data = edge_dataset(200, seed=11)
    for model_id in shipped():
        assert_same(load_model(model_id), data, name)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_year_without_previous_reports(name: str):
    assert_same(edge_model("[zone]"), edge_dataset(), name, year=YEAR - 1)


# --- hand-worked cases straight from the spec ---------------------------------------------------------

SIMPLE = """
id: simple
version: 1
name: {zh: 简单, en: Simple}
cohort: []
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: c, name: 类}]
indicators:
  - {id: x, name: 指标, category: c, value: "rd_expense", method: METHOD, direction: DIRECTION, weight: 10}
lists:
  - {id: top10, name: 前10%, top: 0.10}
  - {id: top20, name: 前20%, top: 0.2}
"""


def simple(method: str, direction: str = "higher", extra: str = ""):
    body = SIMPLE.replace("METHOD", method + extra).replace("DIRECTION", direction)
    return loads(textwrap.dedent(body), name="simple.yaml")


def one_field(values: list, veto: list | None = None) -> Dataset:
    n = len(values)
    ents = pl.DataFrame(
        {"uscc": [_uscc(i) for i in range(n)], "name": [f"企业{i}" for i in range(n)], "zone": ["Z"] * n}
    )
    reps = pl.DataFrame(
        {
            "uscc": ents["uscc"],
            "year": [YEAR] * n,
            "rd_expense": values,
            "serious_dishonesty": veto or [False] * n,
        },
        schema={
            "uscc": pl.Utf8,
            "year": pl.Int64,
            "rd_expense": pl.Float64,
            "serious_dishonesty": pl.Boolean,
        },
    )
    return Dataset(ents, reps)


IMPLEMENTATIONS = {"engine": engine, **BASELINES}


def by_uscc(frame) -> dict[str, dict]:
    return {r["uscc"]: r for r in compare.to_polars(frame).iter_rows(named=True)}


@pytest.mark.parametrize("impl", sorted(IMPLEMENTATIONS))
def test_percentile_average_rank_and_zero_rule(impl: str):
    values = [10.0, 20.0, 20.0, 40.0, None, 0.0]
    # C = {0, 10, 20, 20, 40}: ascending average ranks 1, 2, 3.5, 3.5, 5 over |C| = 5
    out = by_uscc(IMPLEMENTATIONS[impl](simple("percentile"), one_field(values), YEAR))
    got = [out[_uscc(i)]["pts:x"] for i in range(6)]
    assert got == pytest.approx([10 * 2 / 5, 10 * 3.5 / 5, 10 * 3.5 / 5, 10.0, 0.0, 0.0])
    # lower: rank descending (40 → 1, 20 → 2.5, 10 → 4, 0 → 5) and 0 is not excluded
    out = by_uscc(IMPLEMENTATIONS[impl](simple("percentile", "lower"), one_field(values), YEAR))
    got = [out[_uscc(i)]["pts:x"] for i in range(6)]
    assert got == pytest.approx([10 * 4 / 5, 10 * 2.5 / 5, 10 * 2.5 / 5, 10 * 1 / 5, 0.0, 10.0])
    assert out[_uscc(4)]["missing"] == "x" and out[_uscc(0)]["missing"] == ""


@pytest.mark.parametrize("impl", sorted(IMPLEMENTATIONS))
def test_minmax_and_linear(impl: str):
    values = [-10.0, 0.0, 30.0, None]
    out = by_uscc(IMPLEMENTATIONS[impl](simple("minmax"), one_field(values), YEAR))
    assert [out[_uscc(i)]["pts:x"] for i in range(4)] == pytest.approx([0.0, 2.5, 10.0, 0.0])
    out = by_uscc(IMPLEMENTATIONS[impl](simple("minmax", "lower"), one_field(values), YEAR))
    assert [out[_uscc(i)]["pts:x"] for i in range(4)] == pytest.approx([10.0, 7.5, 0.0, 0.0])
    out = by_uscc(IMPLEMENTATIONS[impl](simple("minmax"), one_field([5.0, 5.0, None]), YEAR))
    assert [out[_uscc(i)]["pts:x"] for i in range(3)] == pytest.approx([10.0, 10.0, 0.0])  # hi = lo → 1
    linear = simple("linear", "higher", ", linear: [0, 20]")
    out = by_uscc(IMPLEMENTATIONS[impl](linear, one_field(values), YEAR))
    assert [out[_uscc(i)]["pts:x"] for i in range(4)] == pytest.approx([0.0, 0.0, 10.0, 0.0])
    linear = simple("linear", "lower", ", linear: [0, 20]")
    out = by_uscc(IMPLEMENTATIONS[impl](linear, one_field([5.0, -1.0, 25.0, None]), YEAR))
    assert [out[_uscc(i)]["pts:x"] for i in range(4)] == pytest.approx([7.5, 10.0, 0.0, 0.0])


@pytest.mark.parametrize("impl", sorted(IMPLEMENTATIONS))
def test_competition_rank_and_exact_list_bounds(impl: str):
    # 30 firms; totals 30, 29, 29, 27, 26 … (linear [0, 30], weight 10 → total = v / 3)
    values = [30.0, 29.0, 29.0, *[float(v) for v in range(27, 0, -1)]]
    model = simple("linear", "higher", ", linear: [0, 30]")
    out = by_uscc(IMPLEMENTATIONS[impl](model, one_field(values), YEAR))
    ranks = [out[_uscc(i)]["rank"] for i in range(30)]
    assert ranks[:5] == [1, 2, 2, 4, 5]
    # 0.10 × 30 is exactly 3 (not 3.0000000000000004 → 4): ranks 1, 2, 2 are in the first list
    lists = [out[_uscc(i)]["list"] for i in range(30)]
    assert lists[:3] == ["top10"] * 3 and lists[3:6] == ["top20"] * 3 and lists[6] is None
    assert {r["cohort_size"] for r in out.values()} == {30}


@pytest.mark.parametrize("impl", sorted(IMPLEMENTATIONS))
def test_vetoed_firms_rank_but_are_listed_nowhere(impl: str):
    values = [float(v) for v in range(30, 0, -1)]
    veto = [True, False, *[False] * 28]
    model = loads(
        textwrap.dedent(SIMPLE.replace("METHOD", "linear, linear: [0, 30]").replace("DIRECTION", "higher"))
        + "veto: [serious_dishonesty]\n",
        name="simple.yaml",
    )
    out = by_uscc(IMPLEMENTATIONS[impl](model, one_field(values, veto), YEAR))
    first = out[_uscc(0)]
    assert first["vetoed"] is True and first["total"] == 0 and first["pts:x"] == pytest.approx(10.0)
    assert first["rank"] == 30 and first["list"] is None
    assert [out[_uscc(i)]["rank"] for i in (1, 2, 3)] == [1, 2, 3]
    assert [out[_uscc(i)]["list"] for i in (1, 2, 3, 4)] == ["top10", "top10", "top10", "top20"]
