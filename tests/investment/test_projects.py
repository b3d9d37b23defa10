"""The project funnel, days per stage, date checks and stalled detection, worked by hand."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.investment import STAGES, ProjectPath, date_problems, funnel, median_days, stage_index, stalled

D = dt.date


def p(key, stage, dropped=False, dropped_on=None, since=None, **dates):
    """A path; stage dates as ``lead_on=…``, ``signed_on=…`` (the model's field names)."""
    dates = {k.removesuffix("_on"): v for k, v in dates.items()}
    return ProjectPath(key=key, stage=stage, dates=dates, dropped=dropped, dropped_on=dropped_on, since=since)


def test_stage_order():
    assert STAGES == ("lead", "negotiation", "signed", "started", "construction", "operating")
    assert [stage_index(s) for s in STAGES] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="unknown stage"):
        stage_index("won")
    with pytest.raises(ValueError):
        ProjectPath(key=1, stage="signed", dates={"won": D(2025, 1, 1)})


def test_empty_funnel_has_no_rates():
    f = funnel([])
    assert f.total == f.active == f.dropped == 0
    assert [s.reached for s in f.stages] == [0] * 6
    assert all(s.conversion is None and s.overall is None and s.median_days is None for s in f.stages)


def test_hand_worked_funnel():
    """Ten projects: 4 leads (1 dropped), 3 in negotiation, 2 signed (1 of them skipped negotiation),
    1 in operation.

    reached: lead 10, negotiation 6, signed 3, started 1, construction 1, operating 1.
    conversion: 6/10, 3/6, 1/3, 1/1, 1/1, None; overall: 1, .6, .3, .1, .1, .1.
    """
    paths = [
        *(p(f"l{i}", "lead", lead_on=D(2025, 1, 1)) for i in range(3)),
        p("ld", "lead", dropped=True, lead_on=D(2025, 1, 1), dropped_on=D(2025, 2, 1)),
        *(p(f"n{i}", "negotiation", lead_on=D(2025, 1, 1), negotiation_on=D(2025, 1, 11)) for i in range(3)),
        p("s1", "signed", lead_on=D(2025, 1, 1), negotiation_on=D(2025, 1, 21), signed_on=D(2025, 3, 1)),
        p("s2", "signed", lead_on=D(2025, 1, 1), signed_on=D(2025, 1, 31)),  # negotiation skipped
        p(
            "op",
            "operating",
            lead_on=D(2024, 1, 1),
            negotiation_on=D(2024, 1, 31),
            signed_on=D(2024, 3, 1),
            started_on=D(2024, 3, 1),
            construction_on=D(2024, 4, 1),
            operating_on=D(2025, 4, 1),
        ),
    ]
    f = funnel(paths)
    assert f.reached == {
        "lead": 10,
        "negotiation": 6,
        "signed": 3,
        "started": 1,
        "construction": 1,
        "operating": 1,
    }
    assert f.conversions == {
        "lead": pytest.approx(0.6),
        "negotiation": pytest.approx(0.5),
        "signed": pytest.approx(1 / 3),
        "started": 1.0,
        "construction": 1.0,
        "operating": None,
    }
    assert [s.overall for s in f.stages] == pytest.approx([1, 0.6, 0.3, 0.1, 0.1, 0.1])
    assert f.total == 10 and f.dropped == 1 and f.active == 9
    assert [s.active for s in f.stages] == [3, 3, 2, 0, 0, 1]
    assert f.stage("lead").dropped == 1
    # Days in stage (finished stays only): lead → next recorded stage:
    #   n0-2: 10, 10, 10; s1: 20; s2: 30 (straight to signing); op: 30  → median of [10,10,10,20,30,30] = 15
    # negotiation: s1 39, op 30 → 34.5; signed: op 0 (same day) → 0; started: 31; construction: 365.
    assert f.stage("lead").median_days == 15
    assert f.stage("lead").stays == 6
    assert f.stage("negotiation").median_days == 34.5
    assert f.stage("signed").median_days == 0
    assert f.stage("started").median_days == 31
    assert f.stage("construction").median_days == 365
    assert f.stage("operating").median_days is None


def test_zero_denominator_later_stage():
    f = funnel([p(1, "lead", lead_on=D(2025, 1, 1))])
    assert f.conversions["lead"] == 0.0
    assert f.conversions["negotiation"] is None  # nobody reached it: no data, not 0 %
    assert f.stage("signed").overall == 0.0


def test_skipped_stage_counts_as_passed():
    f = funnel([p(1, "started", started_on=D(2025, 5, 1))])
    assert f.reached == dict.fromkeys(STAGES[:4], 1) | {"construction": 0, "operating": 0}
    assert f.conversions["lead"] == 1.0
    # No finished stay was recorded: no medians.
    assert all(v is None for v in median_days([p(1, "started", started_on=D(2025, 5, 1))]).values())


def test_funnel_as_of_a_date():
    paths = [
        p(1, "signed", lead_on=D(2025, 1, 1), negotiation_on=D(2025, 2, 1), signed_on=D(2025, 6, 1)),
        p(2, "negotiation", lead_on=D(2025, 3, 1), negotiation_on=D(2025, 3, 20)),
        p(3, "lead", dropped=True, dropped_on=D(2025, 5, 1), lead_on=D(2025, 1, 15)),
        p(4, "lead", lead_on=D(2025, 7, 1)),
        p(5, "lead"),  # undated: only in the funnel of today
    ]
    on = D(2025, 3, 31)
    f = funnel(paths, on=on)
    # 1 at negotiation (signed only in June), 2 at negotiation, 3 at lead (not yet dropped), 4 not yet.
    assert f.total == 3
    assert f.reached["negotiation"] == 2 and f.reached["signed"] == 0
    assert f.dropped == 0 and f.stage("lead").active == 1
    assert f.stage("lead").median_days == pytest.approx((31 + 19) / 2)
    later = funnel(paths, on=D(2025, 5, 1))
    assert later.dropped == 1  # the drop counts from its own day on
    assert funnel(paths).total == 5


def test_same_day_changes_are_zero_days():
    m = median_days(
        [p(1, "signed", lead_on=D(2025, 1, 1), negotiation_on=D(2025, 1, 1), signed_on=D(2025, 1, 1))]
    )
    assert m["lead"] == 0 and m["negotiation"] == 0 and m["signed"] is None


def test_dates_out_of_order_are_left_out_and_reported():
    bad = p(1, "signed", lead_on=D(2025, 3, 1), negotiation_on=D(2025, 2, 1), signed_on=D(2025, 4, 1))
    m = median_days([bad])
    assert m["lead"] is None  # -28 days: not a stay
    assert m["negotiation"] == 59
    problems = date_problems(bad)
    assert len(problems) == 1 and "洽谈" in problems[0] and "早于" in problems[0]


def test_date_problems():
    assert date_problems(p(1, "signed", lead_on=D(2025, 1, 1), signed_on=D(2025, 2, 1))) == []
    beyond = date_problems(p(1, "lead", lead_on=D(2025, 1, 1), signed_on=D(2025, 2, 1)))
    assert any("当前阶段只到" in x for x in beyond)
    undated = date_problems(p(1, "signed", lead_on=D(2025, 1, 1)))
    assert any("没有日期" in x for x in undated)
    early_drop = date_problems(p(1, "lead", dropped=True, dropped_on=D(2024, 1, 1), lead_on=D(2025, 1, 1)))
    assert any("终止日期" in x for x in early_drop)


def test_stalled_threshold_is_strict():
    on = D(2025, 12, 31)
    paths = [
        p("exact", "lead", lead_on=on - dt.timedelta(days=90)),  # exactly 90 days: not yet
        p("over", "negotiation", lead_on=D(2025, 1, 1), negotiation_on=on - dt.timedelta(days=91)),
        p("old", "signed", signed_on=D(2025, 1, 1)),
        p("done", "operating", operating_on=D(2024, 1, 1)),  # in operation: never stalls
        p("gone", "lead", dropped=True, lead_on=D(2024, 1, 1)),  # dropped: never stalls
        p("nodate", "lead"),  # nothing to count from
        p("since", "lead", since=D(2025, 6, 1)),
    ]
    found = stalled(paths, on=on, days=90)
    assert [(s.key, s.days) for s in found] == [("old", 364), ("since", 213), ("over", 91)]
    assert found[0].last_change == D(2025, 1, 1) and found[0].stage == "signed"
    assert [s.key for s in stalled(paths, on=on, days=400)] == []
    assert "exact" in [s.key for s in stalled(paths, on=on, days=89)]
    with pytest.raises(ValueError):
        stalled(paths, on=on, days=-1)


def test_last_change_is_the_latest_stage_date():
    path = p(1, "signed", lead_on=D(2025, 1, 1), negotiation_on=D(2025, 5, 1), signed_on=D(2025, 3, 1))
    assert path.last_change() == D(2025, 5, 1)


# --- properties --------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 12, 31))


@st.composite
def project_paths(draw, key):
    stage = draw(st.sampled_from(STAGES))
    upto = STAGES[: stage_index(stage) + 1]
    chosen = {s: draw(st.one_of(st.none(), dates)) for s in upto}
    dropped = draw(st.booleans())
    return ProjectPath(
        key=key,
        stage=stage,
        dates=chosen,
        dropped=dropped,
        dropped_on=draw(st.one_of(st.none(), dates)) if dropped else None,
    )


@st.composite
def many_paths(draw):
    n = draw(st.integers(0, 25))
    return [draw(project_paths(i)) for i in range(n)]


@settings(max_examples=200, deadline=None)
@given(many_paths(), st.one_of(st.none(), dates))
def test_funnel_properties(paths, on):
    f = funnel(paths, on=on)
    reached = [s.reached for s in f.stages]
    assert all(a >= b for a, b in itertools.pairwise(reached)), "counts never grow"
    for s in f.stages:
        assert s.conversion is None or 0.0 <= s.conversion <= 1.0
        assert s.overall is None or 0.0 <= s.overall <= 1.0
        assert s.median_days is None or s.median_days >= 0
    assert f.total == reached[0] == f.active + f.dropped
    assert sum(s.active + s.dropped for s in f.stages) == f.total
    if on is None:
        assert f.total == len(paths)


@settings(max_examples=100, deadline=None)
@given(many_paths(), dates, st.integers(0, 400))
def test_stalled_properties(paths, on, days):
    found = stalled(paths, on=on, days=days)
    keys = {s.key for s in found}
    by_key = {p.key: p for p in paths}
    for s in found:
        path = by_key[s.key]
        assert not path.dropped and path.stage != "operating"
        assert s.days > days
    assert [s.days for s in found] == sorted((s.days for s in found), reverse=True)
    assert keys <= set(by_key)
    # A larger threshold never flags more projects.
    assert {s.key for s in stalled(paths, on=on, days=days + 30)} <= keys
