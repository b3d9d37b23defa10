"""Explanations: the breakdown a zone officer shows a firm, and levers found by re-scoring."""

from __future__ import annotations

import pytest

from gaoxin.scoring.engine import score
from gaoxin.scoring.explain import UnknownEnterprise, explain
from tests.scoring.helpers import dataset, model

M = model("""
cohort: [zone]
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: tech, name: 技术}, {id: aux, name: 辅助}]
indicators:
  - {id: rd, name: 研发, category: tech, value: rd_expense, method: percentile, weight: 50}
  - {id: ip, name: 专利, category: tech, value: invention_patents, method: bands, bands: [[1, 0.5], [4, 1.0]], weight: 30}
  - {id: debt, name: 负债, category: aux, value: total_liabilities, method: minmax, direction: lower, weight: 20}
penalties:
  - {id: pen, name: 行政处罚, when: "admin_penalties > 0", points: 3}
veto: [serious_dishonesty]
""")

ROWS = [
    {
        "uscc": "A",
        "rd_expense": 10.0,
        "invention_patents": 0,
        "total_liabilities": 50.0,
        "admin_penalties": 1,
    },
    {"uscc": "B", "rd_expense": 20.0, "invention_patents": 1, "total_liabilities": 10.0},
    {"uscc": "C", "rd_expense": 30.0, "invention_patents": 4, "total_liabilities": 30.0},
    {"uscc": "D", "rd_expense": 40.0, "invention_patents": 5, "total_liabilities": None},
    {"uscc": "X", "zone": "Z2", "rd_expense": 99.0, "invention_patents": 9, "total_liabilities": 0.0},
]


def test_breakdown_matches_the_engine_row_and_names_what_is_missing():
    data = dataset(ROWS)
    ex = explain(M, data, 2025, "D")
    row = score(M, data, 2025).frame.filter(uscc="D").row(0, named=True)
    assert ex.total == row["total"] and ex.rank == row["rank"] and ex.cohort_size == 4
    lines = {i.id: i for i in ex.indicators}
    assert lines["rd"].points == pytest.approx(50) and lines["rd"].full_points == 50
    assert lines["rd"].percentile == pytest.approx(1.0)
    assert lines["debt"].missing and lines["debt"].value is None and lines["debt"].percentile is None
    assert ex.categories == {"tech": pytest.approx(80), "aux": 0}


def test_percentile_respects_direction():
    ex = explain(M, dataset(ROWS), 2025, "B")
    lines = {i.id: i for i in ex.indicators}
    # debt (lower is better) among {50, 10, 30}: B's 10 is the best → 3/3
    assert lines["debt"].percentile == pytest.approx(1.0)
    assert lines["rd"].percentile == pytest.approx(2 / 4)


def test_levers_are_found_by_rescoring_and_sorted_by_gain():
    ex = explain(M, dataset(ROWS), 2025, "A")
    assert ex.penalties == [("pen", "行政处罚", 3)]
    gains = [lv.total_gain for lv in ex.levers]
    assert gains == sorted(gains, reverse=True)
    assert [lv.indicator for lv in ex.levers] == ["ip", "rd"]
    ip, rd = ex.levers
    # ip: scored in bands: the next band [1, 0.5] → +15 points
    assert (ip.target, ip.quartile, ip.points_after) == (1, "band", pytest.approx(15))
    assert ip.total_gain == pytest.approx(15)
    # rd: cohort {10, 20, 30, 40}: Q1 = 20; A ties B at mean rank 1.5 → 1.5/4 × 50 = 18.75 (was 12.5)
    assert rd.target == 20 and rd.total_gain == pytest.approx(6.25)
    # debt (lower, minmax): A is the worst; at the next quartile (30) it would still be the cohort's
    # maximum, so re-scoring shows no gain and it is not offered as a lever.


def test_every_lever_gain_equals_an_actual_rescore():
    data = dataset(ROWS)
    ex = explain(M, data, 2025, "A")
    field = {"rd": "rd_expense", "ip": "invention_patents", "debt": "total_liabilities"}
    base = score(M, data, 2025).frame.filter(uscc="A")["total"][0]
    for lv in ex.levers:
        rows = [dict(r, **({field[lv.indicator]: lv.target} if r["uscc"] == "A" else {})) for r in ROWS]
        after = score(M, dataset(rows), 2025).frame.filter(uscc="A")["total"][0]
        assert after - base == pytest.approx(lv.total_gain)


def test_a_vetoed_firm_has_no_levers_and_the_top_firm_may_have_none():
    rows = [dict(r, serious_dishonesty=(r["uscc"] == "A")) for r in ROWS]
    assert explain(M, dataset(rows), 2025, "A").levers == []
    assert explain(M, dataset(ROWS), 2025, "X").levers == []  # alone in its zone: nothing is better


def test_unknown_enterprise():
    with pytest.raises(UnknownEnterprise):
        explain(M, dataset(ROWS), 2025, "NOPE")
