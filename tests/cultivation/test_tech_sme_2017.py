"""科技型中小企业 (国科发政〔2017〕115号): every band edge, the pass rule, each direct path, each
ineligibility, the gap sentence, and monotonicity in R&D."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.cultivation import tech_sme_2017
from gaoxin.cultivation.ladder import frame
from gaoxin.data.dataset import Dataset, schema
from tests.cultivation.helpers import YEAR, conditions, dataset, held, judge, row, texts

LOW = {"tech_staff": 9, "rd_expense": 0.0, "rd_expense_domestic": 0.0}  # scores nothing


def one(**over) -> Dataset:
    return dataset({YEAR: over})


@pytest.mark.parametrize(
    ("tech_staff", "points"),
    [
        (100, 20),
        (30, 20),
        (29, 16),
        (25, 16),
        (24, 12),
        (20, 12),
        (19, 8),
        (15, 8),
        (14, 4),
        (10, 4),
        (9, 0),
        (0, 0),
    ],
)
def test_staff_bands_inclusive_lower_bounds(tech_staff, points):
    r = row(one(employees=100, tech_staff=tech_staff))
    assert r["ts_staff_pts"] == points


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        (60.0, 50),
        (59.99, 40),
        (50.0, 40),
        (49.99, 30),
        (40.0, 30),
        (30.0, 20),
        (29.99, 10),
        (20.0, 10),
        (19.99, 0),
        (0.0, 0),
    ],
)
def test_rd_on_sales_bands(rd, points):
    r = row(one(revenue=1000.0, total_costs=1e7, rd_expense=rd))
    assert r["ts_rd_pts"] == points


@pytest.mark.parametrize(
    ("rd", "points"),
    [(300.0, 50), (299.99, 40), (250.0, 40), (200.0, 30), (199.99, 20), (150.0, 20), (100.0, 10), (99.99, 0)],
)
def test_rd_on_cost_bands(rd, points):
    r = row(one(revenue=1e7, total_costs=1000.0, rd_expense=rd))
    assert r["ts_rd_pts"] == points


def test_rd_takes_the_better_basis():
    # sales basis 4 % → 30; cost basis 25 % → 40
    r = row(one(revenue=1000.0, total_costs=160.0, rd_expense=40.0))
    assert r["ts_rd_pts"] == 40


@pytest.mark.parametrize(
    ("ip", "points"),
    [
        ({"invention_patents": 1}, 30),
        ({"other_class1_ip": 1}, 30),
        ({"invention_patents": 1, "utility_models": 9}, 30),
        ({"utility_models": 10}, 24),
        ({"utility_models": 2, "design_patents": 1, "software_copyrights": 1}, 24),
        ({"software_copyrights": 3}, 18),
        ({"design_patents": 2}, 12),
        ({"utility_models": 1}, 6),
        ({}, 0),
    ],
)
def test_ip_points(ip, points):
    assert row(one(**ip))["ts_ip_pts"] == points


def test_pass_at_exactly_60_not_at_56():
    # 30 % staff (20) + 5 % R&D on sales (40) + no IP = 60
    ok = judge(
        one(employees=100, tech_staff=30, revenue=1000.0, total_costs=1e7, rd_expense=50.0), "tech_sme"
    )
    assert ok["status"] == "qualifies" and ok["distance"] == 0 and ok["gaps"] == []
    low = judge(
        one(employees=100, tech_staff=29, revenue=1000.0, total_costs=1e7, rd_expense=50.0), "tech_sme"
    )
    assert low["status"] in ("near", "far")
    assert conditions(low) == ["tech_sme.score"]
    assert low["gaps"][0]["actual"] == 56 and low["gaps"][0]["required"] == 60
    assert low["distance"] == pytest.approx(4 / 60)


def test_a_zero_staff_score_fails_even_with_80_points():
    r = judge(
        one(employees=100, tech_staff=9, revenue=1000.0, rd_expense=60.0, invention_patents=1), "tech_sme"
    )
    assert (
        row(one(employees=100, tech_staff=9, revenue=1000.0, rd_expense=60.0, invention_patents=1))[
            "tech_sme_score"
        ]
        == 80
    )
    assert r["status"] != "qualifies"
    assert conditions(r) == ["tech_sme.staff_ratio"]
    assert texts(r) == ["科技人员占职工总数比例 9% < 10%：科技人员得分为 0，再增加 2 名科技人员即可"]


def test_gap_sentence_lists_each_lever_that_closes_the_gap_alone():
    # staff 14 % (4) + R&D 4 % (30) + 4 class II (24) = 58
    r = judge(
        one(employees=100, tech_staff=14, revenue=1000.0, total_costs=1e7, rd_expense=40.0, utility_models=4),
        "tech_sme",
    )
    assert r["status"] == "near" and r["distance"] == pytest.approx(2 / 60)
    assert texts(r) == [
        "综合评价得分 58 < 60：再增加 2 名科技人员（科技人员得分 4→8）；或 "
        f"{YEAR} 年研发费用再增加 10 万元（研发投入得分 30→40）；或 取得 1 件 I 类知识产权（如发明专利，科技成果得分 24→30）"
    ]
    en = r["gaps"][0]["text_en"]
    assert en.startswith("evaluation score 58 < 60: 2 more S&T staff")


def test_the_levers_really_close_the_gap():
    before = dict(
        employees=100, tech_staff=14, revenue=1000.0, total_costs=1e7, rd_expense=40.0, utility_models=4
    )
    assert judge(one(**{**before, "employees": 102, "tech_staff": 16}), "tech_sme")["status"] == "qualifies"
    assert judge(one(**{**before, "rd_expense": 50.0}), "tech_sme")["status"] == "qualifies"
    assert judge(one(**{**before, "invention_patents": 1}), "tech_sme")["status"] == "qualifies"


# --- direct paths (第八条): eligibility + any one, the score not needed ---------------------------------


def test_direct_path_valid_hightech_title():
    d = dataset({YEAR: LOW}, qualifications=[held("hightech")])
    assert judge(d, "tech_sme")["status"] == "qualifies"
    assert judge(dataset({YEAR: LOW}), "tech_sme")["status"] in ("near", "far")


@pytest.mark.parametrize(
    ("rank", "back", "qualifies"), [(3, 0, True), (1, 4, True), (4, 0, False), (3, 5, False)]
)
def test_direct_path_national_award_top3_in_5_years(rank, back, qualifies):
    years = {YEAR - k: LOW for k in range(6)}
    years[YEAR - back] = {**LOW, "national_award_rank": rank}
    assert (judge(dataset(years), "tech_sme")["status"] == "qualifies") is qualifies


@pytest.mark.parametrize(
    ("level", "qualifies"), [("国家级", True), ("省级", True), ("市级", False), ("无", False)]
)
def test_direct_path_provincial_rd_institution(level, qualifies):
    assert (judge(one(**LOW, rd_institution=level), "tech_sme")["status"] == "qualifies") is qualifies


@pytest.mark.parametrize(("back", "qualifies"), [(0, True), (4, True), (5, False)])
def test_direct_path_led_a_standard_in_5_years(back, qualifies):
    years = {YEAR - k: LOW for k in range(6)}
    years[YEAR - back] = {**LOW, "standards_led": 1}
    assert (judge(dataset(years), "tech_sme")["status"] == "qualifies") is qualifies


def test_direct_path_does_not_override_eligibility():
    d = dataset({YEAR: {**LOW, "employees": 600, "tech_staff": 50}}, qualifications=[held("hightech")])
    assert judge(d, "tech_sme")["status"] == "ineligible"


# --- ineligibility (第六条) -------------------------------------------------------------------------


GOOD = {"employees": 100, "tech_staff": 30, "revenue": 1000.0, "rd_expense": 60.0, "invention_patents": 1}


@pytest.mark.parametrize(
    ("over", "condition"),
    [
        ({"employees": 501, "tech_staff": 160}, "tech_sme.employees"),
        ({"revenue": 20000.01, "rd_expense": 1300.0}, "tech_sme.revenue"),
        ({"total_assets": 20000.01}, "tech_sme.assets"),
        ({"prohibited_industry": True}, "tech_sme.prohibited"),
        ({"major_incident": True}, "tech_sme.incident"),
        ({"serious_dishonesty": True}, "tech_sme.dishonesty"),
        ({"abnormal_operation": True}, "tech_sme.dishonesty"),
    ],
)
def test_each_ineligibility(over, condition):
    r = judge(one(**{**GOOD, **over}), "tech_sme")
    assert r["status"] == "ineligible"
    assert conditions(r) == [condition]  # only what makes it ineligible


@pytest.mark.parametrize(
    "over",
    [
        {"employees": 500, "tech_staff": 150},
        {"revenue": 20000.0, "rd_expense": 1300.0},
        {"total_assets": 20000.0},
    ],
)
def test_size_caps_are_inclusive(over):
    assert judge(one(**{**GOOD, **over}), "tech_sme")["status"] == "qualifies"


def test_a_veto_of_the_year_before_counts_two_years_back_does_not():
    d = dataset({YEAR - 2: {"major_incident": True}, YEAR - 1: {}, YEAR: GOOD})
    assert judge(d, "tech_sme")["status"] == "qualifies"
    d = dataset({YEAR - 1: {"major_incident": True}, YEAR: GOOD})
    assert judge(d, "tech_sme")["status"] == "ineligible"


def test_missing_staff_is_reported_not_zero():
    d = one(**{**GOOD, "employees": None, "tech_staff": None})
    r = judge(d, "tech_sme")
    assert r["status"] in ("near", "far")
    assert "tech_sme.staff_ratio" in conditions(r)
    assert any("缺少数据" in t for t in texts(r))


# --- property: more R&D never lowers the score -----------------------------------------------------

firm = st.fixed_dictionaries(
    {
        "employees": st.integers(1, 600),
        "tech_share": st.floats(0, 1),
        "revenue": st.one_of(st.none(), st.floats(0, 30000)),
        "total_costs": st.one_of(st.none(), st.floats(0, 30000)),
        "rd_expense": st.floats(0, 5000),
        "more": st.floats(0, 5000),
        "invention_patents": st.integers(0, 2),
        "utility_models": st.integers(0, 6),
    }
)


@settings(max_examples=40, deadline=None)
@given(st.lists(firm, min_size=1, max_size=20))
def test_more_rd_never_lowers_the_score(firms):
    def ds(extra: bool) -> Dataset:
        rows = []
        for i, f in enumerate(firms):
            rd = f["rd_expense"] + (f["more"] if extra else 0.0)
            costs = (
                None
                if f["total_costs"] is None
                else max(f["total_costs"], f["rd_expense"]) + (f["more"] if extra else 0.0)
            )
            rows.append(
                {
                    "uscc": f"U{i:017d}",
                    "year": YEAR,
                    "employees": f["employees"],
                    "tech_staff": int(f["employees"] * f["tech_share"]),
                    "revenue": f["revenue"],
                    "total_costs": costs,
                    "rd_expense": rd,
                    "invention_patents": f["invention_patents"],
                    "utility_models": f["utility_models"],
                }
            )
        rs = schema("report")
        reports = pl.DataFrame(rows, schema={k: rs[k] for k in rows[0]})
        return Dataset(reports=reports)

    before = frame(ds(False), YEAR).sort("uscc")["tech_sme_score"]
    after = frame(ds(True), YEAR).sort("uscc")["tech_sme_score"]
    assert (after >= before).all()


def test_rule_set_metadata():
    rs = tech_sme_2017.RULE_SET
    assert rs.id == "tech_sme/2017" and rs.effective_from.year == 2017 and "115" in rs.source
