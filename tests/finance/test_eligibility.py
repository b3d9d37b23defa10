"""Eligibility with reasons and gaps, and the credit line (hand-worked cases and properties)."""

from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gaoxin.finance.eligibility import Firm, check, score_decimal
from gaoxin.finance.lines import credit_line, percentile
from gaoxin.finance.products import load_product

GRADES = ("A", "B", "C", "D")
LISTS = ("leaders", "runners", "climbers")  # smallest first


def loan(**elig):
    return load_product(
        {
            "kind": "loan",
            "eligibility": elig,
            "line": {"base": 100, "cap": 300},
            "rate": "3.45",
            "term_months": 12,
        }
    )


def firm(**kw):
    base = {
        "uscc": "X",
        "total": D("80"),
        "grade": "A",
        "stage": "growth",
        "list": "leaders",
        "rank": 1,
        "cohort_size": 10,
        "industry": "3911",
        "tech_field": "电子信息",
        "qualifications": frozenset({"hightech"}),
    }
    return Firm(**(base | kw))


def texts(result):
    return [c.text for c in result.gaps]


def test_score_gap_is_named_with_the_points_short():
    r = check(loan(min_score=75), firm(total=D("71.5")), grades=GRADES)
    assert not r.eligible
    assert texts(r) == ["score 71.5 < 75: 3.5 points short"]
    assert r.gaps[0].gap == D("3.5")
    assert check(
        loan(min_score=75), firm(total=D("75")), grades=GRADES
    ).eligible  # the threshold itself passes


def test_grade_list_stage_whitelist_industry_field_qualification():
    product = loan(
        min_grade="B",
        lists=["runners"],
        stages=["mature"],
        whitelist=True,
        industries=["27"],
        tech_fields=["新材料"],
        qualifications=["specialized_sme", "little_giant"],
    )
    r = check(product, firm(grade="C", list="climbers", whitelisted=False), grades=GRADES, lists=LISTS)
    assert texts(r) == [
        "grade C below B",
        "stage growth is not one of mature",
        "not on list runners (is on: climbers)",
        "not on the bank's white-list",
        "industry 3911 is not one of 27",
        "tech field 电子信息 is not one of 新材料",
        "qualification hightech is not one of specialized_sme, little_giant",
    ]
    # grade A meets B; "leaders" is nested inside "runners" (smaller list, better)
    ok = check(
        loan(min_grade="B", lists=["runners"]), firm(grade="A", list="leaders"), grades=GRADES, lists=LISTS
    )
    assert ok.eligible


def test_unscored_or_vetoed_firms_are_never_eligible_for_a_score_product():
    assert (
        texts(check(loan(min_score=10), firm(total=None, grade=""), grades=GRADES))[0]
        == "not scored in the latest run"
    )
    assert not check(loan(min_grade="D"), firm(vetoed=True), grades=GRADES).eligible
    assert check(loan(), firm(total=None), grades=GRADES).eligible  # no conditions at all


def test_top_share():
    product = loan(top_share="0.2")
    assert check(product, firm(rank=2, cohort_size=10), grades=GRADES).eligible
    r = check(product, firm(rank=3, cohort_size=10), grades=GRADES)
    assert texts(r) == ["rank 3/10 outside the top 20 % of its cohort"]


def test_score_decimal_reads_the_float_as_people_do():
    assert score_decimal(71.5) == D("71.5")
    assert score_decimal(0.1 + 0.2) == D("0.30000000000000004")  # exact repr, no silent rounding


# --- credit line -----------------------------------------------------------------------------------------


def rule(**line):
    return load_product({"kind": "loan", "line": line, "rate": 3, "term_months": 12}).line


def test_linear_uplift_by_hand():
    r = rule(base=100, cap=300, step=10, uplift={"mode": "linear", "max": "1.5"})
    assert percentile(1, 10) == 1 and percentile(10, 10) == 0 and percentile(1, 1) == 1
    assert credit_line(r, 1, 10) == D("250")  # 100 × (1 + 1.5)
    assert credit_line(r, 5, 10) == D("180")  # 100 × (1 + 1.5 × 5/9) = 183.33… → 180
    assert credit_line(r, 10, 10) == D("100")
    assert credit_line(r, None, None) == D("100")  # unranked: the base line


def test_cap_and_bands_by_hand():
    r = rule(base=200, cap=300, uplift={"mode": "linear", "max": 1})
    assert credit_line(r, 1, 4) == D("300")  # 400 capped
    b = rule(
        base=100,
        cap=1000,
        uplift={"mode": "bands", "bands": [{"top": "0.05", "uplift": 1}, {"top": "0.2", "uplift": "0.5"}]},
    )
    assert credit_line(b, 5, 100) == D("200")  # top 5 %
    assert credit_line(b, 6, 100) == D("150")  # top 20 %
    assert credit_line(b, 21, 100) == D("100")  # outside every band
    assert credit_line(rule(base="100.123456", cap=500, step="0.000001"), 1, 1) == D("100.123456")


line_rules = st.builds(
    lambda base, extra, step, mx: rule(
        base=base, cap=base + extra, step=step, uplift={"mode": "linear", "max": mx}
    ),
    st.integers(1, 10_000),
    st.integers(0, 10_000),
    st.sampled_from(["1", "10", "0.5", "0.000001"]),
    st.decimals(min_value=0, max_value=5, places=2),
)


@given(line_rules, st.integers(1, 500), st.data())
def test_a_better_rank_never_lowers_the_line_and_the_line_never_exceeds_the_cap(r, n, data):
    a = data.draw(st.integers(1, n))
    b = data.draw(st.integers(a, n))  # a is ranked at least as well as b
    assert credit_line(r, a, n) >= credit_line(r, b, n)
    assert credit_line(r, a, n) <= r.cap
    assert credit_line(r, b, n) >= min(r.cap, (r.base // r.step) * r.step)


@given(st.integers(1, 1000), st.data())
def test_percentile_is_exact_and_ordered(n, data):
    rank = data.draw(st.integers(1, n))
    p = percentile(rank, n)
    assert isinstance(p, Fraction) and 0 <= p <= 1
