"""Policy files: every fault with its place; the seeded examples load; numbers are exact."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from gaoxin.policy.model import PolicyError, load_file, loads_policy, shipped

from .helpers import HEAD, policy


def faults(text: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        loads_policy(text, "p.yaml")
    return [str(f) for f in info.value.faults]


def test_every_seeded_policy_loads_and_is_marked_as_an_example():
    paths = shipped()
    assert {p.stem for p in paths} >= {
        "dangshan-rd",
        "hainan-rd-increment",
        "binhai-keqi-six",
        "wenzhou-tech-transaction",
    }
    for path in paths:
        p = load_file(path)
        assert p.example is True and p.source and len(p.sha256) == 64
        assert p.code == path.stem


def test_numbers_are_read_through_their_text():
    p = policy("clauses:\n  - {id: c, title: t, when: [true], amount: 0.1, budget: 0.3, caps: {item: 0.2}}\n")
    assert p.clauses[0].budget == D("0.3")
    assert p.clauses[0].tiers[0].amount.decimal({}) == D("0.1")


def test_faults_name_the_place_and_the_line():
    text = (
        HEAD.format(code="bad").replace("level: 区", "level: 乡")
        + """clauses:
  - id: c1
    title: 第一条
    when: [rd_expense >= 100, rd_expens > 0]
    amount: 0.01 * rd_expense
    caps: {item: abc, per_year: 5}
    rank: {by: rd_expense, top: 0}
  - id: c1
    title: 重复
    when: [has(gaoqi)]
    amount: rd_expense > 1
    colour: red
"""
    )
    got = faults(text)
    assert any(f.startswith("level (line") and "'乡' is not one of 国, 省, 市, 区, 县" in f for f in got)
    assert any("clauses[0] c1.when[1] (line 12)" in f and "unknown name 'rd_expens'" in f for f in got)
    assert any("clauses[0] c1.caps.item (line 14)" in f and "unknown name 'abc'" in f for f in got)
    assert any("clauses[0] c1.caps.per_year" in f and "unknown key" in f for f in got)
    assert any("clauses[0] c1.rank.top" in f and "whole number ≥ 1" in f for f in got)
    assert any("clauses[1] c1.id" in f and "used twice" in f for f in got)
    assert any("clauses[1] c1.when[0]" in f and "unknown qualification kind 'gaoqi'" in f for f in got)
    assert any("clauses[1] c1.amount" in f and "a condition, but an amount is required" in f for f in got)
    assert any("clauses[1] c1.colour" in f and "unknown key" in f for f in got)


def test_a_key_written_twice_and_a_syntax_error_say_where():
    assert faults(HEAD.format(code="x") + "code: y\nclauses: []\n")[0].startswith("line 9")
    assert "written twice" in faults(HEAD.format(code="x") + "code: y\nclauses: []\n")[0]
    assert faults("code: [x\n")[0].startswith("line ")


@pytest.mark.parametrize(
    ("extra", "fault"),
    [
        (
            "clauses:\n  - {id: c, title: t, when: [true], amount: 1, pro_rata: true}\n",
            "pro_rata needs the clause's budget",
        ),
        (
            "clauses:\n  - {id: c, title: t, when: [true], amount: 1, total_control: true}\n",
            "declares no total_control ceiling",
        ),
        ("clauses:\n  - {id: c, title: t, when: [true]}\n", "exactly one of amount"),
        ("clauses:\n  - {id: c, title: t, when: [true], amount: 1, per: item}\n", "declare its item fields"),
        (
            "clauses:\n  - {id: c, title: t, when: [tx_paid > 0], amount: 1}\nitems: [{id: tx_paid, zh: 实付, type: money}]\n",
            "only a clause with per: item",
        ),
        (
            "clauses:\n  - {id: c, title: t, when: [true], amount: 1, split: {市: 0, 区: 0}}\n",
            "must not all be 0",
        ),
        ("clauses: []\n", "non-empty list of clauses"),
    ],
)
def test_rule_faults(extra, fault):
    assert any(fault in f for f in faults(HEAD.format(code="x") + extra))


def test_validity_and_required_keys():
    got = faults(
        "code: x\nvalid: {from: 2025-12-31, to: 2025-01-01}\nclauses: [{id: c, title: t, when: [true], amount: 1}]\n"
    )
    assert any(f.startswith("valid (line 2)") and "ends" in f for f in got)
    for key in ("title", "doc_no", "issuer", "level", "execution"):
        assert any(f.startswith(key) for f in got), key


def test_covers_the_years_of_its_validity():
    p = policy("clauses:\n  - {id: c, title: t, when: [true], amount: 1}\n")
    assert p.covers(2025) and not p.covers(2024) and not p.covers(2026)


def test_a_pathologically_nested_expression_is_a_fault_not_a_crash():
    from gaoxin.policy import lang
    from gaoxin.policy.model import BUILTIN_INPUTS
    from gaoxin.scoring.expr import BOOL, ExprError

    ns = lang.Namespace(dict(BUILTIN_INPUTS), {})
    with pytest.raises(ExprError):
        lang.parse("(" * 5000 + "revenue" + ")" * 5000 + " > 0", ns)
    assert lang.parse("((revenue)) > 0", ns).type == BOOL
