"""揭榜挂帅: review with conflicts of interest, selection, payment splits, termination and clawback, 赛马."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.carriers.challenges import (
    DEFAULT_RUBRIC,
    Application,
    Expert,
    ExpertScore,
    RaceEntry,
    ReviewRules,
    ScoreError,
    Team,
    check_shares,
    conflict_reason,
    payment_plan,
    race_winner,
    review,
    rubric_from,
    termination,
    validate_scores,
)

D = Decimal


def full(**kw):
    s = {c.code: c.points for c in DEFAULT_RUBRIC}
    s.update({k: D(v) for k, v in kw.items()})
    return s


def test_default_rubric_sums_to_100():
    assert sum(c.points for c in DEFAULT_RUBRIC) == 100


def test_conflicts():
    team = Team(lead=1, partners=frozenset({2}))
    assert conflict_reason(Expert("e", organisation=1), team) == "专家所在单位为牵头单位"
    assert conflict_reason(Expert("e", organisation=2), team) == "专家所在单位为联合单位"
    assert conflict_reason(Expert("e", organisation=3), team) is None
    assert conflict_reason(Expert("e"), team, declared=True, declared_reason="曾为导师").startswith(
        "专家已申明回避"
    )


def test_validate_scores_bounds():
    assert validate_scores(full(route=0), DEFAULT_RUBRIC)["route"] == 0
    assert validate_scores(full(route=30), DEFAULT_RUBRIC)["route"] == 30
    with pytest.raises(ScoreError, match="技术路线"):
        validate_scores(full(route="30.01"), DEFAULT_RUBRIC)
    with pytest.raises(ScoreError, match="未打分"):
        validate_scores({"route": 10}, DEFAULT_RUBRIC)
    with pytest.raises(ScoreError, match="不是评分项"):
        validate_scores({**full(), "bribe": 5}, DEFAULT_RUBRIC)


def make(total_by_expert, app="A", lead=1):
    """Scores totalling ``t`` (each criterion ``t`` % of its points)."""
    return [
        ExpertScore(Expert(e, organisation=org), app, {c.code: c.points * t / 100 for c in DEFAULT_RUBRIC})
        for e, (org, t) in total_by_expert.items()
    ]


def test_review_excludes_conflicted_expert_and_ranks():
    a = Application("A", Team(1), requested=D(100), cofunding=D(100))
    b = Application("B", Team(2, frozenset({5})), requested=D(100), cofunding=D(100))
    scores = [
        *make({"e1": (9, 90), "e2": (9, 80), "e3": (9, 70), "e4": (1, 100)}, "A"),  # e4 works for the lead
        *make({"e1": (9, 85), "e2": (9, 85), "e3": (5, 100)}, "B"),  # e3 works for a partner
    ]
    out = review([a, b], scores)
    by = {r.key: r for r in out}
    assert by["A"].score == D(80) and by["A"].valid == 3
    assert by["A"].excluded == (("e4", "专家所在单位为牵头单位"),)
    assert by["B"].score is None and "不足 3 份" in by["B"].ineligible
    assert [r.key for r in out] == ["A", "B"] and by["A"].selected and not by["B"].selected


def test_review_trimmed_mean_and_cofunding_rule_and_veto():
    apps = [
        Application("A", Team(1), D(100), D(99)),  # 0.99 : 1
        Application("B", Team(2), D(100), D(100)),
        Application("C", Team(3), D(100), D(300), veto="严重失信"),
    ]
    scores = [
        *make({f"e{i}": (9, t) for i, t in enumerate([95, 90, 90, 90, 10])}, "A"),
        *make({f"e{i}": (9, t) for i, t in enumerate([80, 80, 80, 80, 80])}, "B"),
        *make({f"e{i}": (9, t) for i, t in enumerate([99, 99, 99, 99, 99])}, "C"),
    ]
    rules = ReviewRules(trim_from=5, min_cofunding=D(1), funded=2)
    by = {r.key: r for r in review(apps, scores, rules)}
    assert by["A"].score == D(90)  # 95 and 10 dropped
    assert by["C"].rank == 1 and not by["C"].selected and by["C"].ineligible == "否决项：严重失信"
    assert by["A"].rank == 2 and not by["A"].selected and "0.99" in by["A"].ineligible
    assert by["B"].selected  # 1 : 1 exactly is enough


def test_race_mode_selects_several():
    apps = [Application(k, Team(i), D(100)) for i, k in enumerate("ABC")]
    scores = [s for i, k in enumerate("ABC") for s in make({f"e{j}": (9, 90 - i) for j in range(3)}, k)]
    out = review(apps, scores, ReviewRules(funded=2))
    assert [r.key for r in out if r.selected] == ["A", "B"]
    assert race_winner([RaceEntry("A", D(70)), RaceEntry("B", D("70.5")), RaceEntry("C", None)]) == "B"
    assert race_winner([RaceEntry("A", D(70)), RaceEntry("B", D(70))]) == "A"
    assert race_winner([RaceEntry("A", None)]) is None


def test_payment_plan_default_60_20_20():
    assert payment_plan(D(500)) == [D(300), D(100), D(100)]
    parts = payment_plan(D("100.0001"), [D("0.3333"), D("0.3333"), D("0.3334")])
    assert sum(parts) == D("100.0001")
    assert check_shares([D("0.6"), D("0.2"), D("0.2")], min_first=D("0.6")) == []
    assert check_shares([D("0.5"), D("0.5")], min_first=D("0.6"))
    assert check_shares([D("0.6"), D("0.3")])
    with pytest.raises(ValueError):
        payment_plan(D(100), [D(1), D(0)])


@given(
    st.decimals(min_value=0, max_value=10**6, places=4), st.lists(st.integers(1, 100), min_size=1, max_size=6)
)
def test_payments_always_sum_to_the_funding(funding, weights):
    total = sum(weights)
    shares = [D(w) / D(total) for w in weights]
    shares[-1] = 1 - sum(shares[:-1])
    parts = payment_plan(funding, shares)
    assert sum(parts) == funding and all(p >= 0 for p in parts)


def test_termination_clawback():
    t = termination([D(300), D(100)], milestones_passed=1)
    assert (t.paid, t.kept, t.clawback) == (D(400), D(300), D(100))
    t = termination([D(300)], milestones_passed=0)
    assert t.clawback == D(300) and "应追回 300" in t.text
    t = termination([D(300)], 0, verified_spend=D(120), deduct_verified_spend=True)
    assert t.clawback == D(180)
    assert termination([D(300)], 0, verified_spend=D(120)).clawback == D(
        300
    )  # not deducted unless the policy says
    assert termination([D(300)], 0, clawback_share=D("0.5")).clawback == D(150)
    assert termination([D(300), D(100), D(100)], 3).clawback == 0


@given(st.lists(st.decimals(min_value=0, max_value=1000, places=2), max_size=5), st.integers(0, 6))
def test_clawback_never_exceeds_what_is_at_risk(payments, passed):
    t = termination(payments, passed)
    assert 0 <= t.clawback <= t.paid - t.kept and t.kept <= t.paid


def test_rubric_from_rows():
    r = rubric_from([{"code": "a", "zh": "甲", "points": 60}, {"code": "b", "points": "40"}])
    assert [c.points for c in r] == [60, 40]
    with pytest.raises(ValueError):
        rubric_from([{"code": "a", "points": 0}])
