"""composite-model.md, hand-worked: unit models, nested weighted means, missing: reweight, rank_cohort.

Every expected number below is worked out by hand from the spec's formulas, in the comments.
"""

from __future__ import annotations

import textwrap

import polars as pl
import pytest

from gaoxin.scoring import ModelError, loads
from gaoxin.scoring.engine import score

HEADER = """
id: z
version: 1
name: {zh: 园区测试, en: Zone test}
unit: zone
fields:
  - {id: a, name: 甲, unit: 家}
  - {id: b, name: 乙, unit: ratio}
  - {id: c, name: 丙}
  - {id: d, name: 丁}
  - {id: province, name: 所在省份, type: text}
"""


def zmodel(body: str, header: str = HEADER):
    return loads(textwrap.dedent(header) + textwrap.dedent(body), name="z.yaml")


def table(rows: list[dict]) -> pl.DataFrame:
    schema = {"id": pl.Utf8, "name": pl.Utf8, "province": pl.Utf8}
    schema |= {k: pl.Float64 for k in ("a", "b", "c", "d")}
    full = [{"name": f"园区{r['id']}", "province": "P1", **r} for r in rows]
    return pl.DataFrame(full, schema=schema)


def by_id(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["id"]: r for r in frame.iter_rows(named=True)}


# Three levels deep: top1 (weight 2) = {a (1), b (3)}; top2 (weight 1) = {d (1), mid (1)}; mid = {low};
# low = {c}. linear [0, 10]: s = 10 × v on the scale 100.
NESTED = """
aggregation: weighted_mean
missing: {missing}
stages: [{{id: all, name: 全部, when: "true"}}]
categories:
  - {{id: top1, name: 一, weight: 2}}
  - {{id: top2, name: 二}}
  - {{id: mid, name: 中, parent: top2}}
  - {{id: low, name: 低, parent: mid}}
indicators:
  - {{id: ia, name: 甲, category: top1, value: a, method: linear, linear: [0, 10], weight: 1}}
  - {{id: ib, name: 乙, category: top1, value: b, method: linear, linear: [0, 10], weight: 3}}
  - {{id: ic, name: 丙, category: low, value: c, method: linear, linear: [0, 10], weight: 1}}
  - {{id: id_, name: 丁, category: top2, value: d, method: linear, linear: [0, 10], weight: 1}}
"""

ROWS = [
    {"id": "U1", "a": 10, "b": 5, "c": 0, "d": 10},
    {"id": "U2", "a": None, "b": 10, "c": None, "d": 4},
    {"id": "U3", "a": None, "b": None, "c": None, "d": None},
]


def test_three_levels_deep_complete_unit():
    out = by_id(score(zmodel(NESTED.format(missing="reweight")), table(ROWS), None).frame)
    u = out["U1"]
    # top1 = (1×100 + 3×50) / 4 = 62.5; low = 0; mid = 0; top2 = (1×100 + 1×0) / 2 = 50
    assert u["cat:top1"] == pytest.approx(62.5)
    assert u["cat:low"] == 0 and u["cat:mid"] == 0
    assert u["cat:top2"] == pytest.approx(50)
    # base = (2×62.5 + 1×50) / 3 = 175 / 3
    assert u["base"] == pytest.approx(175 / 3) and u["total"] == u["base"]
    assert u["pts:ia"] == 100 and u["pts:ib"] == 50 and u["val:ib"] == 5


def test_reweight_averages_over_the_children_a_unit_has():
    out = by_id(score(zmodel(NESTED.format(missing="reweight")), table(ROWS), None).frame)
    u = out["U2"]
    assert u["pts:ia"] is None and u["pts:ic"] is None  # the score of a missing value is missing
    assert u["cat:top1"] == pytest.approx(100)  # only b (weight 3) counts: 3×100 / 3
    # a category all of whose children are missing is missing, and so is its parent with no other child
    assert u["cat:low"] is None and u["cat:mid"] is None
    assert u["cat:top2"] == pytest.approx(40)  # d only: 1×40 / 1
    assert u["base"] == pytest.approx((2 * 100 + 40) / 3)  # 80
    assert u["missing"] == "ia,ic"


def test_missing_zero_counts_every_child():
    out = by_id(score(zmodel(NESTED.format(missing="zero")), table(ROWS), None).frame)
    u = out["U2"]
    assert u["pts:ia"] == 0 and u["pts:ic"] == 0
    assert u["cat:top1"] == pytest.approx(75)  # (1×0 + 3×100) / 4
    assert u["cat:low"] == 0 and u["cat:mid"] == 0
    assert u["cat:top2"] == pytest.approx(20)  # (1×40 + 1×0) / 2
    assert u["base"] == pytest.approx((2 * 75 + 20) / 3)
    assert out["U3"]["base"] == 0 and out["U3"]["cat:top1"] == 0


def test_a_unit_with_nothing_is_reported_with_base_zero_and_listed_as_unscored():
    result = score(zmodel(NESTED.format(missing="reweight")), table(ROWS), None)
    u = by_id(result.frame)["U3"]
    assert u["base"] == 0 and u["total"] == 0 and u["cat:top1"] is None and u["cat:top2"] is None
    assert u["rank"] == 3
    assert any("unscored" in n and "U3" in n and "U1" not in n for n in result.notes)


def test_a_category_whose_counted_weights_sum_to_zero_scores_zero():
    m = zmodel("""
aggregation: weighted_mean
missing: reweight
stages: [{id: all, name: 全部, when: "true"}]
categories:
  - {id: zero_w, name: 零, weight: 1}
  - {id: other, name: 他, weight: 0}
indicators:
  - {id: ia, name: 甲, category: zero_w, value: a, method: linear, linear: [0, 10], weight: 0}
  - {id: ib, name: 乙, category: zero_w, value: b, method: linear, linear: [0, 10], weight: 2}
  - {id: ic, name: 丙, category: other, value: c, method: linear, linear: [0, 10], weight: 1}
""")
    out = by_id(score(m, table([{"id": "U1", "a": 10, "b": None, "c": 5}]), None).frame)["U1"]
    # zero_w: only a (weight 0) is present → counted weights sum to 0 → 0, not missing
    assert out["cat:zero_w"] == 0
    assert out["cat:other"] == pytest.approx(50)
    # base: zero_w (1×0) and other (weight 0 × 50) → (0 + 0) / 1 = 0
    assert out["base"] == 0
    # the top level: if only the weight-0 category is present, counted weights sum to 0 → 0
    only = by_id(score(m, table([{"id": "U2", "a": None, "b": None, "c": 5}]), None).frame)["U2"]
    assert only["cat:zero_w"] is None and only["base"] == 0


def test_stage_specific_relative_weights():
    m = zmodel("""
aggregation: weighted_mean
stages:
  - {id: small, name: 小, when: "d < 5"}
  - {id: big, name: 大, when: "true"}
categories: [{id: t, name: 总}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: linear, linear: [0, 10], weight: {small: 3, big: 1}}
  - {id: ib, name: 乙, category: t, value: b, method: linear, linear: [0, 10], weight: {big: 1}}
""")
    rows = [{"id": "S", "a": 10, "b": 0, "d": 1}, {"id": "B", "a": 10, "b": 0, "d": 9}]
    out = by_id(score(m, table(rows), None).frame)
    # small: (3×100 + 0×0) / 3 = 100 (b names no weight for small: 0); big: (1×100 + 1×0) / 2 = 50
    assert out["S"]["stage"] == "small" and out["S"]["base"] == pytest.approx(100)
    assert out["B"]["stage"] == "big" and out["B"]["base"] == pytest.approx(50)


def test_one_level_complete_equals_points_rescaled_to_the_scale():
    weighted = zmodel("""
aggregation: weighted_mean
scale: 50
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: 总, weight: 7}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: minmax, weight: 1}
  - {id: ib, name: 乙, category: t, value: b, method: linear, linear: [0, 10], weight: 3}
""")
    points = zmodel("""
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: 总}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: minmax, weight: 12.5}
  - {id: ib, name: 乙, category: t, value: b, method: linear, linear: [0, 10], weight: 37.5}
""")
    rows = [{"id": "U1", "a": 3, "b": 4}, {"id": "U2", "a": 7, "b": 9}, {"id": "U3", "a": 5, "b": 1}]
    w = by_id(score(weighted, table(rows), None).frame)
    p = by_id(score(points, table(rows), None).frame)
    for uid in w:
        assert w[uid]["total"] == pytest.approx(p[uid]["total"], abs=1e-9)
        assert w[uid]["rank"] == p[uid]["rank"]
    # U2: a is the maximum (1), b 0.9: (1×50 + 3×45) / 4 = 46.25
    assert w["U2"]["total"] == pytest.approx(46.25)


def test_rank_cohort_ranks_within_provinces_while_normalising_over_all():
    m = zmodel("""
aggregation: weighted_mean
cohort: []
rank_cohort: [province]
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: 总}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: minmax, weight: 1}
lists: [{id: top, name: 领先, top: 0.5}]
""")
    rows = [
        {"id": "A1", "a": 0, "province": "甲省"},
        {"id": "A2", "a": 10, "province": "甲省"},
        {"id": "A3", "a": 20, "province": "甲省"},
        {"id": "B1", "a": 5, "province": "乙省"},
        {"id": "B2", "a": 15, "province": "乙省"},
    ]
    result = score(m, table(rows), None)
    out = by_id(result.frame)
    # min-max over all five (0…20): B1 = 25, B2 = 75 — not 0 and 100 as within 乙省 alone
    assert out["B1"]["total"] == pytest.approx(25) and out["B2"]["total"] == pytest.approx(75)
    assert out["A2"]["total"] == pytest.approx(50)
    # rank within the province: A3 1, A2 2, A1 3; B2 1, B1 2
    assert [out[k]["rank"] for k in ("A3", "A2", "A1", "B2", "B1")] == [1, 2, 3, 1, 2]
    assert out["A1"]["cohort_size"] == 3 and out["B1"]["cohort_size"] == 2
    # lists per province: ceil(0.5 × 3) = 2 in 甲省, ceil(0.5 × 2) = 1 in 乙省
    assert {k for k, r in out.items() if r["list"] == "top"} == {"A3", "A2", "B2"}
    # the text field of rank_cohort is an output column; rows ordered by province, then rank
    assert "province" in result.frame.columns
    assert result.frame["id"].to_list() == ["B2", "B1", "A3", "A2", "A1"]  # 乙 (U+4E59) < 甲


def test_bonus_penalty_and_veto_on_top_of_the_weighted_base():
    m = zmodel("""
aggregation: weighted_mean
missing: reweight
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: 总}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: linear, linear: [0, 10], weight: 1}
bonus:
  cap: 8
  indicators:
    - {id: xb, name: 加, category: t, value: b, method: linear, linear: [0, 1], weight: 10}
penalties:
  - {id: pen, name: 罚, when: "c > 0", points: 30}
veto: ["d > 0"]
""")
    rows = [
        {"id": "U1", "a": 5, "b": 0.5, "c": 0, "d": 0},  # 50 + min(8, 5) = 55
        {"id": "U2", "a": 2, "b": 1.0, "c": 1, "d": 0},  # 20 + 8 − 30 → 0
        {"id": "U3", "a": 9, "b": None, "c": 0, "d": 1},  # vetoed
    ]
    out = by_id(score(m, table(rows), None).frame)
    assert out["U1"]["bonus"] == pytest.approx(5) and out["U1"]["total"] == pytest.approx(55)
    assert out["U1"]["cat:t"] == pytest.approx(50)  # the bonus is not in the category's mean
    assert out["U2"]["bonus"] == 8 and out["U2"]["penalty"] == 30 and out["U2"]["total"] == 0
    assert out["U3"]["vetoed"] and out["U3"]["total"] == 0 and out["U3"]["base"] == pytest.approx(90)
    assert out["U3"]["pts:xb"] == 0  # a bonus indicator is points: a missing value earns nothing


def test_year_column_optional_and_prev_from_the_year_before():
    m = zmodel("""
aggregation: weighted_mean
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: 总}]
indicators:
  - {id: g, name: 增长, category: t, value: "growth(a)", method: linear, linear: [0, 1], weight: 1}
""")
    two_years = table([{"id": "U1", "a": 10}, {"id": "U1", "a": 15}]).with_columns(
        pl.Series("year", [2024, 2025])
    )
    out = score(m, two_years, 2025)
    assert out.frame["total"][0] == pytest.approx(50) and out.frame["year"][0] == 2025
    with pytest.raises(ValueError, match="several years"):
        score(m, two_years, None)
    one = score(m, table([{"id": "U1", "a": 10}]), None)
    assert one.frame["year"][0] is None and one.frame["val:g"][0] is None
    assert any("one period" in n for n in one.notes)


def test_unit_output_columns():
    frame = score(zmodel(NESTED.format(missing="reweight")), table(ROWS), None).frame
    assert frame.columns[:3] == ["id", "name", "year"]
    assert "uscc" not in frame.columns and "zone" not in frame.columns
    assert [c for c in frame.columns if c.startswith("cat:")] == [
        "cat:top1",
        "cat:top2",
        "cat:mid",
        "cat:low",
    ]


def test_reruns_are_bit_identical():
    m = zmodel(NESTED.format(missing="reweight"))
    assert score(m, table(ROWS), None).frame.equals(score(m, table(ROWS), None).frame)


# --- loader refusals -----------------------------------------------------------------------------


def refused(body: str, header: str = HEADER) -> str:
    with pytest.raises(ModelError) as err:
        zmodel(body, header)
    return str(err.value)


SIMPLE = """
aggregation: weighted_mean
stages: [{{id: all, name: 全部, when: "true"}}]
categories:
{cats}
indicators:
  - {{id: ia, name: 甲, category: {cat}, value: "{value}", method: linear, linear: [0, 10], weight: 1}}
"""


def test_refuses_a_cycle_naming_it():
    text = refused(
        SIMPLE.format(
            cats="  - {id: x, name: X, parent: y}\n  - {id: y, name: Y, parent: x}\n  - {id: t, name: T}",
            cat="t",
            value="a",
        )
    )
    assert "cycle" in text and "x → y → x" in text


def test_refuses_a_category_without_children():
    text = refused(SIMPLE.format(cats="  - {id: t, name: T}\n  - {id: empty, name: E}", cat="t", value="a"))
    assert "category empty: the category has no indicator and no child category" in text


def test_refuses_reweight_with_points():
    text = refused("""
missing: reweight
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: T}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: linear, linear: [0, 10], weight: 1}
""")
    assert "missing: missing: reweight needs aggregation: weighted_mean" in text


def test_refuses_an_undeclared_field_naming_the_indicator():
    text = refused(SIMPLE.format(cats="  - {id: t, name: T}", cat="t", value="a + revenue"))
    assert "ia: value: unknown field 'revenue' (not declared in the model's fields)" in text


def test_refuses_a_parent_under_points():
    text = refused("""
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: T}, {id: s, name: S, parent: t}]
indicators:
  - {id: ia, name: 甲, category: s, value: a, method: linear, linear: [0, 10], weight: 1}
""")
    assert "category s: a parent is allowed only with aggregation: weighted_mean" in text


def test_refuses_unknown_parent_and_negative_category_weight():
    text = refused(
        SIMPLE.format(cats="  - {id: t, name: T, parent: nowhere, weight: -1}", cat="t", value="a")
    )
    assert "unknown parent 'nowhere'" in text and "weight must not be negative" in text


def test_refuses_field_declarations_that_make_no_sense():
    bad_header = """
id: z
version: 1
name: {zh: 园区测试}
unit: zone
fields:
  - {id: age_years, name: 年龄}
  - {id: a, name: 甲, unit: 斤}
  - {id: province, name: 省, type: text}
  - {id: a, name: 重复}
"""
    text = refused(SIMPLE.format(cats="  - {id: t, name: T}", cat="t", value="province"), bad_header)
    assert "field age_years: field id 'age_years' collides" in text
    assert "unit '斤' is not one the readers know" in text
    assert "duplicate field id 'a'" in text
    assert "'province' is a text field" in text


def test_refuses_fields_for_enterprises_and_a_unit_without_fields():
    header = "\nid: z\nversion: 1\nname: {zh: 测}\n"
    text = refused(
        "fields: [{id: a, name: 甲}]\n"
        + SIMPLE.format(cats="  - {id: t, name: T}", cat="t", value="revenue"),
        header,
    )
    assert "fields are declared only for a unit other than enterprise" in text
    text = refused("unit: zone\n" + SIMPLE.format(cats="  - {id: t, name: T}", cat="t", value="a"), header)
    assert "a model with unit: zone must declare its fields" in text


def test_refuses_a_numeric_cohort_field_and_scale_under_points():
    text = refused("""
cohort: [a]
scale: 10
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: t, name: T}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: linear, linear: [0, 10], weight: 1}
""")
    assert "cohort field 'a' is a number" in text
    assert "scale applies only to aggregation: weighted_mean" in text


def test_weighted_mean_skips_the_equal_stage_totals_check():
    m = zmodel("""
aggregation: weighted_mean
stages:
  - {id: s1, name: 一, when: "a < 1"}
  - {id: s2, name: 二, when: "true"}
categories: [{id: t, name: T}]
indicators:
  - {id: ia, name: 甲, category: t, value: a, method: linear, linear: [0, 10], weight: {s1: 1, s2: 5}}
""")
    assert m.weighted and m.stage_max("s1") != m.stage_max("s2")
