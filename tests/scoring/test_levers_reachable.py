"""Levers a firm can follow (issue 17, item 5): a reachable step, never the cohort's best.

Hand-worked from the rule in ``gaoxin.scoring.explain``: an indicator scored in bands steps to the next
band's threshold; any other to the cohort's next quartile (Q1–Q3, an observed value), a linear one no
further than where its points are full; beyond the third quartile, or when every quartile equals the
firm's value, there is no step. Every lever's gain is still the engine's re-score.
"""

from __future__ import annotations

import pytest

from gaoxin.scoring import load_model
from gaoxin.scoring.engine import score
from gaoxin.scoring.explain import explain, value_kind
from tests.scoring.helpers import dataset, one_indicator


def _levers(m, rows, uscc="A"):
    return {lv.indicator: lv for lv in explain(m, dataset(rows), 2025, uscc, levers=10).levers}


def test_most_firms_at_zero_venture_capital_gives_no_step_to_the_single_best():
    # 7 of 8 firms report 0; Q1 = Q2 = Q3 = 0 (observed values): no quartile is better than A's 0.
    # Before the fix the lever was "raise to 92,549 (the cohort's best)".
    m = one_indicator("equity_financing", "percentile")
    rows = [{"uscc": u, "equity_financing": 0.0} for u in "ABCDEFG"]
    rows.append({"uscc": "H", "equity_financing": 92549.0})
    assert _levers(m, rows) == {}


def test_a_firm_at_the_third_quartile_is_not_sent_to_the_top():
    # R&D staff share (minmax) {0.05, 0.10, 0.20, 0.25, 0.32, 1.00}: Q3 (observed, rounded up: the 5th
    # of 6) = 0.32 = A's; the only better value is the best firm's 1.00 (everyone in R&D): no step.
    m = one_indicator("rd_staff / employees", "minmax")
    shares = {"A": 32, "B": 10, "C": 20, "D": 25, "E": 100, "F": 5}
    rows = [{"uscc": u, "rd_staff": s, "employees": 100} for u, s in shares.items()]
    assert _levers(m, rows) == {}
    # B at 0.10: Q1 (the 3rd of 6) = 0.20 is the step (C's value), not the best
    lv = _levers(m, rows, "B")["x"]
    assert (lv.target, lv.quartile) == (pytest.approx(0.20), "Q1")


def test_bands_step_to_the_next_band():
    # invention patents, bands [1, .3] [2, .5] [5, .8] [10, 1]; A has 2 → the next band is 5 (0.8 of 10
    # points = 8, up from 5), whatever the cohort's quartiles are.
    m = one_indicator(
        "invention_patents", "bands", extra=", bands: [[1, 0.3], [2, 0.5], [5, 0.8], [10, 1.0]]"
    )
    rows = [{"uscc": "A", "invention_patents": 2}] + [
        {"uscc": u, "invention_patents": n} for u, n in zip("BCDE", (20, 30, 40, 50), strict=True)
    ]
    lv = _levers(m, rows)["x"]
    assert (lv.target, lv.quartile) == (5, "band")
    assert (lv.points_now, lv.points_after, lv.total_gain) == (
        pytest.approx(5),
        pytest.approx(8),
        pytest.approx(3),
    )
    # at the last band there is nothing further
    assert "x" not in _levers(m, [dict(r, invention_patents=12) if r["uscc"] == "A" else r for r in rows])


def test_a_linear_step_stops_where_the_points_are_full():
    # R&D intensity, linear [0, 0.10]: A at 0.02 (2 of 10 points). The cohort's Q1 is 0.30, beyond the
    # full-points end: the step is 0.10 (10 points), not 0.30.
    m = one_indicator("rd_expense / revenue", "linear", extra=", linear: [0, 0.10]")
    ratios = {"A": 2, "B": 30, "C": 40, "D": 50}
    rows = [{"uscc": u, "rd_expense": r, "revenue": 100} for u, r in ratios.items()]
    lv = _levers(m, rows)["x"]
    assert (lv.target, lv.quartile) == (pytest.approx(0.10), "full")
    assert lv.total_gain == pytest.approx(8)
    # and a firm already at full points has no lever
    assert "x" not in _levers(m, rows, "B")


def test_a_step_below_the_full_points_end_is_the_next_quartile():
    m = one_indicator("rd_expense / revenue", "linear", extra=", linear: [0, 0.10]")
    ratios = {"A": 1, "B": 4, "C": 6, "D": 8, "E": 20}
    rows = [{"uscc": u, "rd_expense": r, "revenue": 100} for u, r in ratios.items()]
    lv = _levers(m, rows)["x"]
    # {0.01, 0.04, 0.06, 0.08, 0.20}: Q1 (rounded up) = 0.04 → 4 of 10 points, from 1
    assert (lv.target, lv.quartile, lv.total_gain) == (pytest.approx(0.04), "Q1", pytest.approx(3))


def test_every_step_is_an_actual_rescore_and_never_the_best_on_a_shipped_model():
    from gaoxin.data.synth import synthesize

    m = load_model("national-2024")
    data = synthesize(300, zones=1, years=(2024, 2025), seed=7)
    year = max(data.reports["year"].unique().to_list())
    frame = score(m, data, year).frame
    checked = 0
    for uscc in frame.sort("total")["uscc"].head(15).to_list():
        ex = explain(m, data, year, uscc, levers=20)
        cohort = frame.filter(stage=ex.stage)
        for lv in ex.levers:
            assert lv.quartile in ("Q1", "Q2", "Q3", "band", "full")
            values = cohort[f"val:{lv.indicator}"] if f"val:{lv.indicator}" in cohort.columns else None
            if lv.quartile.startswith("Q") and values is not None:
                best = values.min() if m.indicator(lv.indicator).direction == "lower" else values.max()
                assert lv.target != best or values.drop_nulls().len() <= 4
            checked += 1
    assert checked > 0


def test_value_kinds_follow_the_data_dictionary():
    m = load_model("national-2024")
    kinds = {i.id: value_kind(i) for i in m.all_indicators}
    assert kinds["venture_capital"] == ("money", "万元")
    assert kinds["rd_staff_share"] == ("ratio", "")
    assert kinds["rd_growth"] == ("ratio", "")
    assert kinds["invention_patents"] == ("int", "件")
    assert kinds["class2_ip"] == ("int", "件")
    assert kinds["roe"] == ("ratio", "")
    assert kinds["debt_ratio"] == ("ratio", "")
