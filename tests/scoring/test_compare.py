"""Comparing two runs (issue 17, item 6): score changes first, rank shifts caused only by new or departed
firms apart. Hand-worked cases of ``gaoxin.scoring.compare``."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from gaoxin.scoring.compare import Standing, classify, continuing_ranks, histogram


def S(rank, total, cohort="growth"):
    return Standing(cohort, rank, total)


def test_a_new_firm_on_top_moves_every_rank_but_no_score():
    # before: A 90, B 80, C 70. After: N (new) 95 on top; the others' scores are the same.
    before = {"A": S(1, 90), "B": S(2, 80), "C": S(3, 70)}
    after = {"N": S(1, 95), "A": S(2, 90), "B": S(3, 80), "C": S(4, 70)}
    shifts = classify(before, after)
    assert set(shifts) == {"A", "B", "C"}  # N is new: not a shift
    for firm in "ABC":
        s = shifts[firm]
        assert (s.kind, s.rank_change, s.continuing_change, s.by_entrants) == ("others", -1, 0, True)
        assert s.score_change == 0


def test_score_changes_come_first_and_others_are_passed():
    # C's score rises from 70 to 85, past B (80): C is "up" (+1 place), B is "others" (it fell a place
    # without its score changing, and not because of an entrant: its rank among both-run firms fell too).
    before = {"A": S(1, 90), "B": S(2, 80), "C": S(3, 70)}
    after = {"A": S(1, 90), "C": S(2, 85), "B": S(3, 80)}
    shifts = classify(before, after)
    assert (shifts["C"].kind, shifts["C"].score_change, shifts["C"].rank_change) == ("up", 15, 1)
    assert (shifts["B"].kind, shifts["B"].continuing_change, shifts["B"].by_entrants) == ("others", -1, False)
    assert shifts["A"].kind == "same"


def test_a_score_that_rises_without_a_rank_change_is_up_with_rank_unchanged():
    before = {"A": S(1, 90), "B": S(2, 80)}
    after = {"A": S(1, 90), "B": S(2, 82.5)}
    s = classify(before, after)["B"]
    assert (s.kind, s.rank_change, s.score_change) == ("up", 0, 2.5)


def test_a_departed_firm_lifts_the_rest_by_entrants_only():
    before = {"A": S(1, 90), "B": S(2, 80), "C": S(3, 70)}
    after = {"B": S(1, 80), "C": S(2, 70)}
    shifts = classify(before, after)
    assert set(shifts) == {"B", "C"}
    assert all(s.kind == "others" and s.rank_change == 1 and s.by_entrants for s in shifts.values())


def test_float_noise_is_not_a_score_change():
    s = classify({"A": S(1, 0.1 + 0.2)}, {"A": S(1, 0.3)})["A"]
    assert s.kind == "same"


def test_a_change_that_shows_as_0_00_is_not_a_score_change():
    # 131 places down with the total 61.2030 → 61.1990 (shown 61.20 → 61.20): not "score down"
    s = classify({"A": S(20, 61.2030)}, {"A": S(151, 61.1990)})["A"]
    assert (s.kind, s.rank_change) == ("others", -131)
    # the boundary as worded: half a hundredth is a change (61.205 shows as 61.21 against 61.20)
    assert classify({"A": S(1, 61.200)}, {"A": S(1, 61.205)})["A"].kind == "up"
    assert classify({"A": S(1, 61.200)}, {"A": S(1, 61.2049)})["A"].kind == "same"
    assert classify({"A": S(1, 61.205)}, {"A": S(1, 61.200)})["A"].kind == "down"


def test_continuing_ranks_are_competition_ranks_within_the_cohort():
    run = {
        "A": S(1, 9),
        "B": S(2, 8),
        "C": S(2, 8),
        "D": S(4, 7),
        "E": S(5, 6),
        "X": S(1, 5, cohort="startup"),
    }
    assert continuing_ranks(run, {"A", "C", "D", "E", "X"}) == {"A": 1, "C": 2, "D": 3, "E": 4, "X": 1}
    assert continuing_ranks(run, {"B", "C", "E"}) == {"B": 1, "C": 1, "E": 3}


def test_histogram_round_bins_with_zero_as_an_edge():
    # changes −3.5 … 2.2 over at most 10 bins: width 1 (5.7 / 10 → 0.57 → nice 1), bins −4 … 3
    bins = histogram([-3.5, -0.2, 0.0, 0.4, 0.6, 2.2, -0.0], max_bins=10)
    assert [(lo, hi) for lo, hi, _n in bins] == [
        (-4, -3),
        (-3, -2),
        (-2, -1),
        (-1, 0),
        (0, 1),
        (1, 2),
        (2, 3),
    ]
    assert [n for _lo, _hi, n in bins] == [1, 0, 0, 1, 2, 0, 1]  # the two zeros are not counted
    assert histogram([0.0, 0.0]) == []
    # an edge value falls in the bin it opens: 0.3 with width 0.1 is in [0.3, 0.4)
    bins = histogram([0.1, 0.3, 0.55], max_bins=10)
    assert [n for lo, _hi, n in bins if lo == pytest.approx(0.3)] == [1]


@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=200), st.integers(1, 30))
@example([1.9], 5)  # hypothesis found the first edge 1.9000000000000001 above its only value
def test_histogram_counts_every_moved_firm_once(changes, max_bins):
    bins = histogram(changes, max_bins)
    moved = [c for c in changes if abs(c) > 1e-9]
    assert sum(n for _lo, _hi, n in bins) == len(moved)
    assert len(bins) <= max(max_bins, 2)
    if bins:
        assert bins[0][0] <= min(moved) and bins[-1][1] >= max(moved)
        assert all(lo < hi for lo, hi, _n in bins)
        # zero is never inside a bin
        assert not any(lo < 0 < hi for lo, hi, _n in bins)


def test_the_last_edge_reaches_the_largest_change_whatever_the_float_sum():
    bins = histogram([0.9, 0.4375], 24)  # found by hypothesis: 0.42 + 24 × 0.02 = 0.8999…
    assert bins[-1][1] >= 0.9 and sum(n for *_, n in bins) == 2
