"""Hand-worked cases of the scoring semantics (shared/spec/indicator-model.md), one rule at a time."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from gaoxin.scoring.engine import output_columns, score
from tests.scoring.helpers import dataset, model, one_indicator, run


def pts(m, values, field="rd_expense", **kw):
    rows = [{"uscc": f"E{i}", field: v} for i, v in enumerate(values)]
    out = run(m, rows, **kw)
    return [out[f"E{i}"]["pts:x"] for i in range(len(values))]


# --- percentile --------------------------------------------------------------------------------------


def test_percentile_higher_is_average_rank_over_reported_values():
    m = one_indicator("rd_expense", "percentile", weight=12)
    # reported: 10, 20, 20, 40 (n = 4); ranks 1, 2.5, 2.5, 4; missing scores 0 and is not counted
    assert pts(m, [10, 20, 20, 40, None]) == pytest.approx(
        [12 * 1 / 4, 12 * 2.5 / 4, 12 * 2.5 / 4, 12.0, 0.0]
    )


def test_percentile_higher_gives_nothing_to_zero_or_negative_but_counts_them_in_the_cohort():
    m = one_indicator("net_profit", "percentile", weight=10)
    # C = {-5, 0, 7}: n = 3; -5 and 0 earn 0 by the ≤ 0 rule, 7 ranks 3 → 3/3
    assert pts(m, [-5, 0, 7], field="net_profit") == pytest.approx([0, 0, 10])


def test_percentile_lower_ranks_descending_and_keeps_zero():
    m = one_indicator("admin_penalties", "percentile", weight=6, direction="lower")
    # lower is better: ranked descending 3 → 1, 1 → 2, 0 → 3 (n = 3); 0 is not refused for `lower`
    assert pts(m, [3, 1, 0, None], field="admin_penalties") == pytest.approx([2, 4, 6, 0])


# --- minmax ------------------------------------------------------------------------------------------


def test_minmax_both_directions_and_missing():
    hi = one_indicator("rd_expense", "minmax", weight=10)
    lo = one_indicator("rd_expense", "minmax", weight=10, direction="lower")
    assert pts(hi, [10, 15, 30, None]) == pytest.approx([0, 2.5, 10, 0])
    assert pts(lo, [10, 15, 30, None]) == pytest.approx([10, 7.5, 0, 0])


def test_minmax_equal_values_give_full_points():
    m = one_indicator("rd_expense", "minmax", weight=4)
    assert pts(m, [7, 7, None]) == pytest.approx([4, 4, 0])


# --- linear ------------------------------------------------------------------------------------------


def test_linear_reference_value_clamps_both_ends():
    m = one_indicator("rd_expense / revenue", "linear", extra=", linear: [0.02, 0.10]", weight=10)
    rows = [{"uscc": f"E{i}", "rd_expense": r, "revenue": 100.0} for i, r in enumerate([1, 2, 6, 10, 15])]
    out = run(m, [*rows, {"uscc": "E5", "rd_expense": 1.0, "revenue": 0.0}])
    got = [out[f"E{i}"]["pts:x"] for i in range(6)]
    assert got == pytest.approx([0, 0, 5, 10, 10, 0])  # E5: division by zero → missing → 0
    assert out["E5"]["val:x"] is None


def test_linear_lower():
    m = one_indicator("rd_expense", "linear", extra=", linear: [10, 30]", weight=10, direction="lower")
    assert pts(m, [5, 10, 20, 30, 40]) == pytest.approx([10, 10, 5, 0, 0])


# --- bands -------------------------------------------------------------------------------------------


def test_bands_take_the_last_threshold_met_inclusive():
    m = one_indicator(
        "invention_patents", "bands", extra=", bands: [[1, 0.4], [3, 0.7], [5, 1.0]]", weight=10
    )
    assert pts(m, [0, 1, 2, 3, 4, 5, 9, None], field="invention_patents") == pytest.approx(
        [0, 4, 4, 7, 7, 10, 10, 0]
    )


def test_bands_lower_thresholds_descending():
    m = one_indicator(
        "admin_penalties",
        "bands",
        extra=", bands: [[3, 0.5], [1, 0.8], [0, 1.0]]",
        weight=10,
        direction="lower",
    )
    assert pts(m, [5, 3, 2, 1, 0], field="admin_penalties") == pytest.approx([0, 5, 5, 8, 10])


# --- stages, weights, cohorts ------------------------------------------------------------------------

STAGED = """
cohort: [zone, stage]
stages:
  - {id: young, name: 初创期, when: "age_years < 3"}
  - {id: small, name: 成长期, when: "revenue < 1000"}
  - {id: big, name: 稳定期, when: "true"}
categories: [{id: c, name: 类}]
indicators:
  - {id: x, name: 研发, category: c, value: rd_expense, method: percentile, weight: {young: 10, small: 6, big: 4}}
  - {id: y, name: 收入, category: c, value: revenue, method: linear, linear: [0, 100], weight: {small: 4, big: 6, young: 0}}
"""


def test_first_stage_that_holds_and_missing_condition_is_false():
    m = model(STAGED)
    old, new = dt.date(2010, 1, 1), dt.date(2024, 5, 1)
    out = run(
        m,
        [
            {"uscc": "A", "established": new, "revenue": 5000.0, "rd_expense": 1.0},  # age 1 → young
            {"uscc": "B", "established": old, "revenue": 500.0, "rd_expense": 1.0},  # small
            {"uscc": "C", "established": old, "revenue": 5000.0, "rd_expense": 1.0},  # big
            {
                "uscc": "D",
                "established": None,
                "revenue": None,
                "rd_expense": 1.0,
            },  # both conditions missing → big
        ],
    )
    assert {k: v["stage"] for k, v in out.items()} == {"A": "young", "B": "small", "C": "big", "D": "big"}


def test_age_years_counts_whole_years_to_31_december():
    m = model(STAGED)
    out = run(
        m,
        [
            {"uscc": "A", "established": dt.date(2023, 1, 1), "revenue": 5000.0},  # 2 years by 2025-12-31
            {"uscc": "B", "established": dt.date(2022, 12, 31), "revenue": 5000.0},  # exactly 3 years
        ],
    )
    assert out["A"]["stage"] == "young" and out["B"]["stage"] == "big"


def test_weight_per_stage_and_cohort_by_zone_and_stage():
    m = model(STAGED)
    old = dt.date(2010, 1, 1)
    out = run(
        m,
        [
            {"uscc": "A", "zone": "Z1", "established": old, "revenue": 500.0, "rd_expense": 10.0},
            {"uscc": "B", "zone": "Z1", "established": old, "revenue": 600.0, "rd_expense": 20.0},
            {"uscc": "C", "zone": "Z2", "established": old, "revenue": 700.0, "rd_expense": 5.0},
            {"uscc": "D", "zone": "Z1", "established": old, "revenue": 9000.0, "rd_expense": 1.0},
        ],
    )
    # Z1/small = {A, B}: A 1/2 × 6 = 3, B 6; Z2/small = {C}: 6; Z1/big = {D}: 4 + linear full 6
    assert out["A"]["pts:x"] == pytest.approx(3) and out["B"]["pts:x"] == pytest.approx(6)
    assert out["C"]["pts:x"] == pytest.approx(6) and out["C"]["rank"] == 1 and out["C"]["cohort_size"] == 1
    assert out["D"]["total"] == pytest.approx(10)
    assert out["A"]["cohort_size"] == 2 and out["A"]["rank"] == 2


def test_a_stage_the_weight_does_not_name_scores_zero():
    m = model(
        STAGED.replace("weight: {small: 4, big: 6, young: 0}", "weight: {small: 5, big: 5}").replace(
            "weight: {young: 10, small: 6, big: 4}", "weight: {young: 10, small: 5, big: 5}"
        )
    )
    out = run(m, [{"uscc": "A", "established": dt.date(2025, 1, 1), "revenue": 100.0, "rd_expense": 1.0}])
    assert out["A"]["stage"] == "young" and out["A"]["pts:y"] == 0 and out["A"]["total"] == pytest.approx(10)


def test_empty_cohort_compares_everything_together():
    m = one_indicator("rd_expense", "percentile", weight=10, cohort="[]")
    out = run(
        m, [{"uscc": "A", "zone": "Z1", "rd_expense": 1.0}, {"uscc": "B", "zone": "Z2", "rd_expense": 2.0}]
    )
    assert out["A"]["cohort_size"] == 2 and out["A"]["pts:x"] == pytest.approx(5)


# --- bonus, penalties, veto, total -------------------------------------------------------------------

FULL = """
cohort: []
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: tech, name: 技术}, {id: aux, name: 辅助}]
indicators:
  - {id: rd, name: 研发, category: tech, value: rd_expense, method: linear, linear: [0, 100], weight: 60}
  - {id: ip, name: 专利, category: aux, value: invention_patents, method: bands, bands: [[1, 1.0]], weight: 40}
bonus:
  cap: 15
  indicators:
    - {id: std, name: 标准, category: aux, value: standards_led, method: bands, bands: [[1, 0.5], [2, 1.0]], weight: 10}
    - {id: aw, name: 奖励, category: tech, value: awards, method: bands, bands: [[1, 1.0]], weight: 10}
penalties:
  - {id: pen, name: 行政处罚, when: "admin_penalties > 0", points: 5}
  - {id: pen2, name: 多次处罚, when: "admin_penalties >= 3", points: 50}
veto: [serious_dishonesty, "major_incident"]
grades:
  - {min: 80, grade: A}
  - {min: 60, grade: B}
  - {min: 0, grade: C}
"""


def test_bonus_is_capped_but_categories_hold_raw_bonus_points():
    out = run(
        model(FULL),
        [{"uscc": "A", "rd_expense": 50.0, "invention_patents": 1, "standards_led": 2, "awards": 1}],
    )["A"]
    assert out["base"] == pytest.approx(70) and out["bonus"] == pytest.approx(15)
    assert out["total"] == pytest.approx(85)
    assert out["cat:tech"] == pytest.approx(30 + 10) and out["cat:aux"] == pytest.approx(40 + 10)


def test_penalties_add_up_and_total_never_below_zero():
    out = run(
        model(FULL),
        [
            {"uscc": "A", "rd_expense": 50.0, "admin_penalties": 1},
            {"uscc": "B", "rd_expense": 10.0, "admin_penalties": 4},
            {"uscc": "C", "rd_expense": 10.0, "admin_penalties": None},
        ],
    )
    assert out["A"]["penalty"] == 5 and out["A"]["total"] == pytest.approx(25)
    assert out["B"]["penalty"] == 55 and out["B"]["total"] == 0
    assert out["C"]["penalty"] == 0  # missing condition is false


def test_veto_zeroes_total_keeps_points_and_keeps_firm_off_lists():
    m = model(FULL + "lists: [{id: top, name: 领跑, top: 1.0}]\n")
    out = run(
        m,
        [
            {"uscc": "A", "rd_expense": 100.0, "invention_patents": 3, "serious_dishonesty": True},
            {"uscc": "B", "rd_expense": 10.0, "major_incident": None},
        ],
    )
    assert out["A"]["vetoed"] is True and out["A"]["total"] == 0
    assert out["A"]["base"] == pytest.approx(100) and out["A"]["pts:rd"] == pytest.approx(60)
    assert out["A"]["list"] is None and out["B"]["list"] == "top"
    assert out["A"]["rank"] == 2 and out["B"]["rank"] == 1
    assert out["B"]["vetoed"] is False


def test_grade_boundaries_are_inclusive_and_absent_grades_are_empty():
    out = run(
        model(FULL),
        [
            {"uscc": "A", "rd_expense": 100.0, "invention_patents": 0},  # 60 → B
            {"uscc": "B", "rd_expense": 200.0 / 3, "invention_patents": 1},  # 80 (float 79.999…?) → A
            {"uscc": "C", "rd_expense": 99.0},  # 59.4 → C
        ],
    )
    assert out["A"]["grade"] == "B" and out["B"]["grade"] == "A" and out["C"]["grade"] == "C"
    plain = one_indicator("rd_expense", "linear", extra=", linear: [0, 1]")
    assert run(plain, [{"uscc": "A", "rd_expense": 1.0}])["A"]["grade"] is None


# --- rank and lists ----------------------------------------------------------------------------------


def test_competition_rank_with_ties_and_float_noise():
    m = model("""
cohort: []
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: c, name: 类}]
indicators:
  - {id: a, name: A, category: c, value: rd_expense, method: bands, bands: [[1, 0.4], [2, 0.6], [3, 1.0]], weight: 6}
  - {id: b, name: B, category: c, value: invention_patents, method: bands, bands: [[1, 0.7], [2, 1.0]], weight: 6}
""")
    out = run(
        m,
        [
            {"uscc": "A", "rd_expense": 1.0, "invention_patents": 1},  # 2.4 + 4.2 = 6.6000000000000005
            {"uscc": "B", "rd_expense": 3.0, "invention_patents": 0},  # 6.0
            {"uscc": "C", "rd_expense": 2.0, "invention_patents": 0},  # 3.6
            {"uscc": "D", "rd_expense": 0.0, "invention_patents": 2},  # 6.0
            {"uscc": "E", "rd_expense": 2.0, "invention_patents": None},  # 3.6
            {"uscc": "F", "rd_expense": 3.6, "invention_patents": 0.0},  # 6.0
        ],
    )
    assert [out[k]["rank"] for k in "ABCDEF"] == [1, 2, 5, 2, 5, 2]


def test_lists_use_exact_ceil_of_top_share_and_are_nested_bands():
    m = model("""
cohort: []
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: c, name: 类}]
indicators:
  - {id: x, name: X, category: c, value: rd_expense, method: linear, linear: [0, 100], weight: 100}
lists:
  - {id: leaders, name: 领跑, top: 0.05}
  - {id: runners, name: 竞跑, top: 0.10}
  - {id: climbers, name: 进取, top: 0.20}
""")
    rows = [{"uscc": f"E{i:02d}", "rd_expense": float(100 - i)} for i in range(30)]
    out = run(m, rows)
    # n = 30: ceil(0.05 × 30) = 2, ceil(0.10 × 30) = 3 exactly (not 4 from 3.0000000000000004), ceil(6) = 6
    lists = [out[f"E{i:02d}"]["list"] for i in range(30)]
    assert lists[:2] == ["leaders"] * 2 and lists[2:3] == ["runners"] and lists[3:6] == ["climbers"] * 3
    assert all(x is None for x in lists[6:])


def test_lists_include_every_firm_tied_within_the_bound():
    m = one_indicator("rd_expense", "bands", extra=", bands: [[1, 1.0]]")
    m = model("""
cohort: []
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: c, name: 类}]
indicators:
  - {id: x, name: X, category: c, value: rd_expense, method: bands, bands: [[1, 1.0]], weight: 10}
lists: [{id: top, name: 前10%, top: 0.1}]
""")
    out = run(m, [{"uscc": f"E{i}", "rd_expense": 1.0 if i < 3 else 0.0} for i in range(20)])
    # ceil(0.1 × 20) = 2, but three firms tie at rank 1: all three are on the list
    assert sum(1 for r in out.values() if r["list"] == "top") == 3


# --- derived values ----------------------------------------------------------------------------------


def test_prev_and_growth_and_missing_previous_year():
    m = model("""
cohort: []
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: c, name: 类}]
indicators:
  - {id: g, name: 增长, category: c, value: "growth(rd_expense)", method: linear, linear: [0, 1], weight: 10}
  - {id: p, name: 上年, category: c, value: "prev(rd_expense)", method: linear, linear: [0, 100], weight: 10}
""")
    out = run(
        m,
        [
            {"uscc": "A", "rd_expense": 150.0},
            {"uscc": "B", "rd_expense": 5.0},
            {"uscc": "C", "rd_expense": 5.0},
            {"uscc": "D", "rd_expense": 5.0},
        ],
        prev={"A": {"rd_expense": 100.0}, "B": {"rd_expense": 0.0}, "C": {"rd_expense": -1.0}},
    )
    assert out["A"]["val:g"] == pytest.approx(0.5) and out["A"]["val:p"] == 100
    assert out["B"]["val:g"] is None and out["C"]["val:g"] is None  # prev ≤ 0 → missing
    assert out["D"]["val:g"] is None and out["D"]["val:p"] is None and out["D"]["missing"] == "g,p"


def test_has_qualification_valid_on_31_december():
    m = one_indicator("has(hightech)", "bands", extra=", bands: [[1, 1.0]]")
    quals = [
        {
            "uscc": "A",
            "kind": "hightech",
            "valid_from": dt.date(2023, 1, 1),
            "valid_to": dt.date(2025, 12, 31),
        },
        {
            "uscc": "B",
            "kind": "hightech",
            "valid_from": dt.date(2022, 1, 1),
            "valid_to": dt.date(2025, 12, 30),
        },
        {
            "uscc": "C",
            "kind": "tech_sme",
            "valid_from": dt.date(2025, 1, 1),
            "valid_to": dt.date(2025, 12, 31),
        },
    ]
    out = run(m, [{"uscc": k} for k in "ABCD"], qualifications=quals)
    assert [out[k]["pts:x"] for k in "ABCD"] == [10, 0, 0, 0]


# --- output ------------------------------------------------------------------------------------------


def test_output_columns_exactly_as_the_spec_lists_them():
    m = model(FULL)
    frame = score(m, dataset([{"uscc": "A", "rd_expense": 1.0}]), 2025).frame
    assert frame.columns == output_columns(m)
    assert frame.columns[:14] == [
        "uscc",
        "name",
        "zone",
        "year",
        "stage",
        "total",
        "base",
        "bonus",
        "penalty",
        "vetoed",
        "rank",
        "cohort_size",
        "grade",
        "list",
    ]
    assert [c for c in frame.columns if c.startswith("pts:")] == ["pts:rd", "pts:ip", "pts:std", "pts:aw"]
    assert frame.columns[-1] == "missing"


def test_only_firms_with_a_report_for_the_year_are_scored_and_the_rest_are_noted():
    m = one_indicator("rd_expense", "linear", extra=", linear: [0, 1]")
    data = dataset([{"uscc": "A", "rd_expense": 1.0}, {"uscc": "B", "rd_expense": 1.0}])
    data.reports = data.reports.with_columns(
        pl.when(pl.col("uscc") == "B").then(pl.lit(2024)).otherwise(pl.col("year")).alias("year")
    ).vstack(
        pl.DataFrame({"uscc": ["ORPHAN"], "year": [2025], "rd_expense": [1.0]}, schema=data.reports.schema)
    )
    result = score(m, data, 2025)
    assert result.frame["uscc"].to_list() == ["A"]
    assert any("1 enterprises have no report for 2025" in n for n in result.notes)
    assert any("1 reports for 2025 have no enterprise row" in n for n in result.notes)


def test_a_field_absent_from_the_input_is_missing_for_everyone_and_noted():
    m = one_indicator("tech_contract_value", "linear", extra=", linear: [0, 1]")
    result = score(m, dataset([{"uscc": "A", "rd_expense": 1.0}]), 2025)
    assert result.frame["missing"].to_list() == ["x"]
    assert any("tech_contract_value" in n for n in result.notes)
