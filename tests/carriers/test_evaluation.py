"""Points models: linear, bands and flags, grades at their cut-offs, the title-revocation risk, faults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.carriers.evaluation import (
    ModelError,
    default_admission,
    default_self_evaluation,
    evaluate,
    load_model,
    title_risk,
)

D = Decimal
MODEL = {
    "id": "t",
    "grades": [["A", 85], ["B", 70], ["C", 60]],
    "bonus_cap": 5,
    "indicators": [
        {"id": "lin", "value": "x", "method": "linear", "linear": [0, 10], "points": 50},
        {"id": "band", "value": "y", "method": "bands", "bands": [[1, 0.5], [3, 1]], "points": 30},
        {
            "id": "low",
            "value": "z",
            "method": "linear",
            "linear": [0, 0.5],
            "direction": "lower",
            "points": 20,
        },
        {"id": "bonus", "value": "f", "method": "flag", "points": 8, "bonus": True},
    ],
}


def test_methods_and_grades_at_cut_offs():
    m = load_model(MODEL)
    assert m.full_score == D(105)
    e = evaluate(m, {"x": 10, "y": 3, "z": 0, "f": True})
    assert e.total == D(105) and e.grade == "A"
    e = evaluate(m, {"x": 5, "y": 1, "z": D("0.25"), "f": False})  # 25 + 15 + 10
    assert e.total == D(50) and e.grade == "D" and e.grade_label == "不合格"
    assert evaluate(m, {"x": 7, "y": 1, "z": D("0.25")}).total == D(60)  # 35 + 15 + 10 + missing flag
    assert evaluate(m, {"x": 7, "y": 1, "z": D("0.25")}).grade == "C"  # exactly 60: 合格 (≥)
    assert evaluate(m, {"x": D("6.99"), "y": 1, "z": D("0.25")}).grade == "D"
    assert evaluate(m, {"x": 10, "y": 3, "z": D("0.375")}).total == D(85)  # 50 + 30 + 5 → A at exactly 85
    assert evaluate(m, {}).missing == ("lin", "band", "low", "bonus")


def test_title_risk():
    assert title_risk(["B", "D", "D"]).level == "revoked"
    assert title_risk(["D", "B", "D"]).level == "warning"
    assert title_risk(["B"], watch_margin=D(5), margin=D(3)).level == "watch"
    assert title_risk(["B"], watch_margin=D(5), margin=D(5)).level == "ok"


def test_faults_are_all_reported_with_keys():
    bad = {
        "indicators": [
            {"id": "a", "method": "curve", "points": 1},
            {"id": "a", "method": "linear", "linear": [5, 1], "points": -1},
            {"id": "b", "method": "bands", "bands": [[1, 2]], "points": 1},
        ],
        "grades": [["A", 60], ["B", 70]],
    }
    with pytest.raises(ModelError) as exc:
        load_model(bad)
    text = " | ".join(exc.value.faults)
    for part in (
        "indicators.a.method",
        "id 重复",
        "上限应大于下限",
        "不能为负",
        "比例应在0到1之间",
        "分数线应从高到低",
    ):
        assert part in text


def test_defaults_load():
    assert default_self_evaluation().full_score == D(105)  # the Dalian full score
    adm = default_admission()
    assert evaluate(adm, {}).grade == "不予入驻"


@given(st.decimals(min_value=-5, max_value=20, places=2), st.decimals(min_value=-5, max_value=20, places=2))
def test_linear_points_are_monotone_and_bounded(a, b):
    m = load_model(MODEL)
    lo, hi = sorted([a, b])
    pa, pb = evaluate(m, {"x": lo}).total, evaluate(m, {"x": hi}).total
    assert D(0) <= pa <= pb <= D(50)
