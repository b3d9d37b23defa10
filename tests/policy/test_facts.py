"""The facts frame: report fields of the year and the one before, qualification dates, score, ladder."""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.data.dataset import Dataset
from gaoxin.policy.engine import prepare, run
from gaoxin.policy.facts import qualification_flags

from .helpers import policy

D = dt.date


def quals(rows):
    return pl.DataFrame(
        rows,
        schema={"uscc": pl.Utf8, "kind": pl.Utf8, "valid_from": pl.Date, "valid_to": pl.Date},
        orient="row",
    )


def test_first_new_renewed_relapsed():
    q = quals(
        [
            ("FIRST", "hightech", D(2025, 3, 1), D(2028, 2, 28)),
            ("RENEW", "hightech", D(2022, 1, 1), D(2024, 12, 31)),
            ("RENEW", "hightech", D(2025, 1, 1), D(2027, 12, 31)),
            ("LAPSE", "hightech", D(2019, 1, 1), D(2021, 12, 31)),
            ("LAPSE", "hightech", D(2025, 6, 1), D(2028, 5, 31)),
            ("OLD", "hightech", D(2024, 1, 1), D(2026, 12, 31)),
        ]
    )
    f = {r["uscc"]: r for r in qualification_flags(q, {"hightech"}, 2025).to_dicts()}
    assert f["FIRST"] | {} == {
        "uscc": "FIRST",
        "new:hightech": True,
        "first:hightech": True,
        "renewed:hightech": False,
        "relapsed:hightech": False,
        "has:hightech": True,
    }
    assert (
        f["RENEW"]["renewed:hightech"],
        f["RENEW"]["first:hightech"],
        f["RENEW"]["relapsed:hightech"],
    ) == (True, False, False)
    assert (f["LAPSE"]["relapsed:hightech"], f["LAPSE"]["renewed:hightech"]) == (True, False)
    assert (f["OLD"]["has:hightech"], f["OLD"]["new:hightech"]) == (True, False)


def test_prepare_reads_the_dataset_and_a_firm_without_report_is_still_matched_on_qualifications():
    data = Dataset(
        enterprises=pl.DataFrame(
            {
                "uscc": ["A", "B"],
                "name": ["甲", "乙"],
                "zone": ["Z", "Z"],
                "established": [D(2010, 1, 1), D(2024, 1, 1)],
            }
        ),
        reports=pl.DataFrame({"uscc": ["A", "A"], "year": [2024, 2025], "rd_expense": [100.0, 150.0]}),
        qualifications=quals([("B", "hightech", D(2025, 3, 1), D(2028, 2, 28))]),
    )
    p = policy(
        """
clauses:
  - {id: inc, title: 增量, when: [rd_expense > prev(rd_expense), age_years > 10], amount: rd_expense - prev(rd_expense)}
  - {id: new, title: 新认定, when: [first(hightech)], amount: 10}
"""
    )
    facts = prepare([p], data, 2025)
    assert facts.filter(pl.col("uscc") == "A")["prev:rd_expense"][0] == 100.0
    got = {(ln.uscc, ln.clause): str(ln.amount) for ln in run([p], facts, 2025).lines}
    assert got == {("A", "inc"): "50.000000", ("B", "new"): "10.000000"}


def test_score_and_ladder_columns():
    data = Dataset(enterprises=pl.DataFrame({"uscc": ["A", "B"], "name": ["甲", "乙"], "zone": ["Z", "Z"]}))
    scores = pl.DataFrame(
        {
            "uscc": ["A", "B"],
            "total": [90.0, 50.0],
            "rank": [1, 2],
            "cohort_size": [2, 2],
            "grade": ["A", "C"],
            "list": ["top", None],
        }
    )
    ladder = pl.DataFrame(
        {"uscc": ["A", "B"], "tier": ["hightech", "hightech"], "status": ["near", "qualifies"]}
    )
    p = policy(
        """
clauses:
  - {id: g, title: 等级, when: [grade(A), on_list(top), score_pct <= 0.5], amount: 1}
  - {id: l, title: 梯度, when: [ladder(hightech)], amount: 2}
  - {id: n, title: 接近, when: [near(hightech)], amount: 3}
"""
    )
    got = {
        (ln.uscc, ln.clause)
        for ln in run([p], prepare([p], data, 2025, scores=scores, ladder=ladder), 2025).lines
    }
    assert got == {("A", "g"), ("B", "l"), ("A", "n")}
