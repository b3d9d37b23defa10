"""Every way a model file can be wrong is refused, naming the file, the place and the fault."""

from __future__ import annotations

import json

import pytest

from gaoxin.scoring.model import ModelError, load_model, loads, shipped

GOOD = """
id: ok-model
version: 2
name: {zh: 模型, en: Model}
cohort: [zone, stage]
stages:
  - {id: young, name: 初创期, when: "age_years < 3"}
  - {id: rest, name: 其他, when: "true"}
categories: [{id: tech, name: 技术}]
indicators:
  - {id: rd, name: 研发, category: tech, value: rd_expense, method: percentile, weight: {young: 60, rest: 50}}
  - {id: ip, name: 专利, category: tech, value: invention_patents, method: bands, bands: [[1, 0.5], [3, 1.0]], weight: {young: 40, rest: 50}}
"""


def faults(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ModelError) as info:
        loads(text, name="zone.yaml")
    assert all(f.file == "zone.yaml" for f in info.value.faults)
    return [(f.where, f.fault) for f in info.value.faults]


def one(text: str, where: str, *words: str) -> None:
    found = faults(text)
    matches = [f for w, f in found if w == where and all(x in f for x in words)]
    assert matches, f"expected a fault at {where!r} with {words}, got {found}"


def test_the_good_model_loads_with_hash_and_exact_list_shares():
    m = loads(GOOD, name="zone.yaml")
    assert m.id == "ok-model" and m.version == 2 and len(m.sha256) == 64
    assert m.stage_max("young") == m.stage_max("rest") == 100


def test_unknown_field():
    one(GOOD.replace("value: rd_expense", "value: rd_expens"), "rd", "unknown field 'rd_expens'")


def test_unknown_function():
    one(GOOD.replace("value: rd_expense", 'value: "log(rd_expense)"'), "rd", "unknown function 'log'")


def test_syntax_error():
    one(GOOD.replace("value: rd_expense", 'value: "rd_expense / (revenue"'), "rd", "expected ')'")
    one(GOOD.replace("value: rd_expense", 'value: "rd_expense * * 2"'), "rd", "position")


def test_single_equals_gets_a_hint():
    one(GOOD.replace('when: "age_years < 3"', 'when: "age_years = 3"'), "stage young", "==")


def test_unknown_stage_in_weight():
    one(GOOD.replace("{young: 60, rest: 50}", "{yong: 60, rest: 50}"), "rd", "unknown stage 'yong'")


def test_unknown_category():
    one(
        GOOD.replace("category: tech, value: rd_expense", "category: tec, value: rd_expense"),
        "rd",
        "unknown category 'tec'",
    )


def test_last_stage_must_be_true():
    one(
        GOOD.replace('{id: rest, name: 其他, when: "true"}', '{id: rest, name: 其他, when: "revenue > 0"}'),
        "stage rest",
        "last stage",
    )


def test_unequal_stage_maxima_unless_allowed():
    text = GOOD.replace("{young: 40, rest: 50}", "{young: 40, rest: 45}")
    one(text, "stages", "young = 100", "rest = 95")
    assert loads(text + "allow_unequal_stage_totals: true\n").stage_max("rest") == 95


def test_negative_weight():
    one(GOOD.replace("{young: 60, rest: 50}", "{young: 60, rest: -50}"), "rd", "must not be negative")


def test_bands_out_of_order_both_directions():
    one(GOOD.replace("[[1, 0.5], [3, 1.0]]", "[[3, 0.5], [1, 1.0]]"), "ip", "bands out of order")
    lower = GOOD.replace("method: bands,", "method: bands, direction: lower,")
    one(lower, "ip", "bands out of order", "fall")
    assert loads(lower.replace("[[1, 0.5], [3, 1.0]]", "[[3, 0.5], [1, 1.0]]")).indicator("ip").bands[0] == (
        3,
        0.5,
    )


def test_band_fraction_above_one():
    one(GOOD.replace("[3, 1.0]", "[3, 1.5]"), "ip", "between 0 and 1")


def test_duplicate_ids():
    one(GOOD.replace("id: ip,", "id: rd,"), "rd", "duplicate indicator id")


def test_duplicate_yaml_key_is_refused():
    assert "written twice" in faults(GOOD + "version: 3\n")[0][1]


def test_unknown_key_is_refused():
    one(GOOD.replace("method: percentile,", "method: percentile, wieght: 3,"), "rd", "unknown key 'wieght'")
    one(GOOD + "colour: red\n", "model", "unknown key 'colour'")


def test_missing_required_keys():
    one(GOOD.replace("id: ok-model\n", ""), "model", "missing required key 'id'")


def test_linear_needs_a_below_b():
    text = GOOD.replace("method: percentile,", "method: linear, linear: [5, 5],")
    one(text, "rd", "a < b")


def test_method_parameters_belong_to_their_method():
    one(GOOD.replace("method: percentile,", "method: percentile, linear: [0, 1],"), "rd", "'linear' is given")
    one(GOOD.replace("method: percentile,", "method: linear,"), "rd", "needs linear")
    one(GOOD.replace("method: percentile,", "method: rank,"), "rd", "unknown method 'rank'")


def test_a_condition_is_required_where_a_condition_belongs():
    one(GOOD + "veto: [admin_penalties]\n", "veto[1]", "condition is required")


def test_value_must_be_a_number_expression_and_logic_types_are_checked():
    one(GOOD.replace("value: rd_expense", 'value: "rd_expense and revenue"'), "rd", "joins conditions")


def test_unknown_cohort_field_and_unknown_qualification_kind():
    one(GOOD.replace("[zone, stage]", "[zone, sector]"), "cohort", "unknown cohort field 'sector'")
    one(GOOD + "veto: [has(hitech)]\n", "veto[1]", "unknown qualification kind")


def test_lists_and_grades_order():
    one(GOOD + "lists: [{id: a, name: A, top: 0.2}, {id: b, name: B, top: 0.1}]\n", "lists", "smallest")
    one(GOOD + "lists: [{id: a, name: A, top: 1.5}]\n", "list a", "(0, 1]")
    one(GOOD + "grades: [{min: 0, grade: D}, {min: 80, grade: A}]\n", "grades", "highest")


def test_every_fault_is_listed_at_once():
    text = GOOD.replace("value: rd_expense", "value: nope").replace(
        "[[1, 0.5], [3, 1.0]]", "[[3, 0.5], [1, 1]]"
    )
    found = faults(text)
    assert {w for w, _ in found} >= {"rd", "ip"}


def test_yaml_syntax_error_names_the_line():
    one("id: x\nname: [unclosed\n", "line 3, column 1", "YAML syntax error")


def test_a_json_model_is_a_model():
    import yaml

    as_json = json.dumps(yaml.safe_load(GOOD), ensure_ascii=False)
    assert loads(as_json).indicator("ip").bands == ((1, 0.5), (3, 1.0))


def test_unknown_model_id_or_path():
    with pytest.raises(ModelError) as info:
        load_model("no-such-model")
    assert "shipped" in str(info.value)


@pytest.mark.parametrize("model_id", ["national-2024", "national-2025", "example-zone"])
def test_shipped_models_load_with_equal_stage_maxima(model_id):
    assert model_id in shipped()
    m = load_model(model_id)
    maxima = {m.stage_max(s.id) for s in m.stages}
    assert maxima == {100.0}


def test_national_2024_has_the_guideline_structure():
    m = load_model("national-2024")
    per_category = {c.id: sum(1 for i in m.indicators if i.category == c.id) for c in m.categories}
    assert sorted(per_category.values()) == [5, 6, 7] and len(m.indicators) == 18
    assert [s.name.zh for s in m.stages] == ["初创期", "成长期", "稳定期"]


def test_national_2025_has_the_2_0_structure():
    m = load_model("national-2025")
    assert len(m.indicators) == 9 and len(m.bonus_indicators) == 3 and m.bonus_cap == 30


def test_example_zone_has_five_stages_within_stage_cohorts_and_three_lists():
    m = load_model("example-zone")
    assert len(m.stages) == 5 and "stage" in m.cohort
    assert [float(x.top) for x in m.lists] == [0.05, 0.10, 0.20]


def test_a_faulty_stage_condition_is_one_fault_not_one_per_weight():
    found = faults(GOOD.replace('when: "age_years < 3"', 'when: "age_year < 3"'))
    assert found == [("stage young", "when: unknown field 'age_year' in 'age_year < 3'")]
