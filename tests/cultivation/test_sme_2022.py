"""创新型 / 专精特新 / 小巨人 under the 2022 interim measures (工信部企业〔2022〕63号): every band edge of
every scoring table, the group minima, each direct path, each hard condition."""

from __future__ import annotations

import pytest

from gaoxin.cultivation import LadderConfig
from tests.cultivation.helpers import YEAR, conditions, dataset, held, judge, row

C22 = LadderConfig(sme_rules="2022")


def one(over: dict, prev: dict | None = None, prev2: dict | None = None, **kw):
    return dataset({YEAR - 2: prev2 or {}, YEAR - 1: prev or {}, YEAR: over}, **kw)


def pts(column: str, over: dict, prev: dict | None = None, prev2: dict | None = None, **kw) -> float:
    return row(one(over, prev, prev2, **kw), C22)[column]


# --- 创新型中小企业: six indicators ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "points"),
    [
        ({"invention_patents": 1, "class1_ip_high_value": 1}, 20),
        ({"invention_patents": 1, "class1_ip_self_developed": 1}, 15),
        ({"invention_patents": 1}, 10),
        ({"software_copyrights": 1}, 5),
        ({}, 0),
    ],
)
def test_innovative_ip(ip, points):
    assert pts("in_ip", ip) == points


@pytest.mark.parametrize(
    ("rd", "points"), [(50.01, 20), (50.0, 15), (30.0, 15), (29.99, 10), (20.0, 10), (10.0, 5), (9.99, 0)]
)
def test_innovative_rd_ratio(rd, points):
    assert pts("in_rd", {"revenue": 1000.0, "rd_expense": rd}) == points


@pytest.mark.parametrize(
    ("main", "points"),
    [(1150.01, 20), (1150.0, 15), (1100.0, 15), (1099.99, 10), (1050.0, 10), (1000.0, 5), (999.99, 0)],
)
def test_innovative_main_revenue_growth(main, points):
    assert pts("in_growth", {"revenue": 2000.0, "main_revenue": main}, {"main_revenue": 1000.0}) == points


@pytest.mark.parametrize(("liabilities", "points"), [(549.9, 10), (550.0, 5), (750.0, 5), (750.1, 0)])
def test_innovative_debt_ratio(liabilities, points):
    assert pts("in_debt", {"total_assets": 1000.0, "total_liabilities": liabilities}) == points


@pytest.mark.parametrize(("flag", "points"), [(True, 10), (False, 5), (None, 5)])
def test_innovative_product_field(flag, points):
    assert pts("in_field", {"strategic_emerging": flag}) == points


@pytest.mark.parametrize(
    ("main", "points"),
    [(700.1, 20), (700.0, 15), (600.0, 15), (599.9, 10), (550.0, 10), (500.0, 5), (499.9, 0)],
)
def test_innovative_main_business_share(main, points):
    assert pts("in_share", {"revenue": 1000.0, "main_revenue": main}) == points


# A firm scoring 20 + 20 + 20 + 10 + 10 + 20 = 100.
INNOVATIVE_TOP = {
    "invention_patents": 1,
    "class1_ip_high_value": 1,
    "revenue": 1000.0,
    "main_revenue": 800.0,
    "rd_expense": 60.0,
    "total_assets": 1000.0,
    "total_liabilities": 300.0,
    "strategic_emerging": True,
}


def test_innovative_full_marks_qualifies():
    d = one(INNOVATIVE_TOP, {"main_revenue": 600.0})
    assert row(d, C22)["innovative_sme_score"] == 100
    assert judge(d, "innovative_sme", C22)["status"] == "qualifies"


def test_innovative_group_minimum_fails_with_a_high_total():
    # innovation 0 + 5 (IP none, R&D 1 %) = 5 < 20 although the total is 65
    d = one(
        {**INNOVATIVE_TOP, "invention_patents": 0, "class1_ip_high_value": 0, "rd_expense": 10.0},
        {"main_revenue": 600.0},
    )
    r = judge(d, "innovative_sme", C22)
    assert row(d, C22)["innovative_sme_score"] == 65
    assert conditions(r) == ["innovative_sme.innovation"]
    assert r["gaps"][0]["text_zh"] == "创新能力得分 5 分 < 20 分"


LOW = {"rd_expense": 0.0, "main_revenue": 100.0}


@pytest.mark.parametrize(
    ("over", "kw", "qualifies"),
    [
        ({"provincial_award_rank": 9}, {}, True),
        ({"national_award_rank": 12}, {}, True),
        ({}, {"qualifications": [held("hightech")]}, True),
        ({"innovation_title": True}, {}, True),
        ({"rd_institution": "省级"}, {}, True),
        ({"rd_institution": "市级"}, {}, False),
        ({"equity_financing": 300.0}, {"prev": {"equity_financing": 200.0}}, True),
        ({"equity_financing": 299.99}, {"prev": {"equity_financing": 200.0}}, False),
    ],
)
def test_innovative_direct_paths(over, kw, qualifies):
    prev = kw.pop("prev", None)
    r = judge(one({**LOW, **over}, prev, **kw), "innovative_sme", C22)
    assert (r["status"] == "qualifies") is qualifies


def test_innovative_award_three_years_back_does_not_count():
    d = dataset({YEAR - 3: {"provincial_award_rank": 1}, YEAR - 2: LOW, YEAR - 1: LOW, YEAR: LOW})
    assert judge(d, "innovative_sme", C22)["status"] != "qualifies"


@pytest.mark.parametrize(
    ("employees", "revenue", "sme"), [(1000, 40000.0, False), (999, 50000.0, True), (5000, 39999.0, True)]
)
def test_sme_size_line(employees, revenue, sme):
    d = one({**INNOVATIVE_TOP, "employees": employees, "tech_staff": 100, "revenue": revenue, "main_revenue": revenue * 0.8, "rd_expense": revenue * 0.06})  # fmt: skip
    r = judge(d, "innovative_sme", C22)
    assert (r["status"] != "ineligible") is sme
    if not sme:
        assert conditions(r) == ["sme.size"]


@pytest.mark.parametrize("veto", ["serious_dishonesty", "major_incident"])
def test_vetoes(veto):
    r = judge(one({**INNOVATIVE_TOP, veto: True}), "innovative_sme", C22)
    assert r["status"] == "ineligible"


# --- 专精特新中小企业: thirteen indicators ----------------------------------------------------------------


@pytest.mark.parametrize(("main", "points"), [(800.0, 5), (799.9, 3), (700.0, 3), (600.0, 1), (599.9, 0)])
def test_specialized_main_share(main, points):
    assert pts("sp_share", {"revenue": 1000.0, "main_revenue": main}) == points


@pytest.mark.parametrize(
    ("g", "points"), [(0.10, 10), (0.0999, 8), (0.08, 8), (0.06, 6), (0.04, 4), (0.0, 2), (-0.0001, 0)]
)
def test_specialized_two_year_growth(g, points):
    # both years grow by g: mean of the two yearly rates = g
    m2 = 1000.0
    m1 = m2 * (1 + g)
    m0 = m1 * (1 + g)
    assert (
        pts("sp_growth", {"revenue": 1e5, "main_revenue": m0}, {"main_revenue": m1}, {"main_revenue": m2})
        == points
    )


@pytest.mark.parametrize(("years", "points"), [(0, 0), (1, 0), (2, 1), (3, 1), (9, 4), (10, 5), (12, 5)])
def test_specialized_niche_years(years, points):
    assert pts("sp_niche", {"niche_years": years}) == points


@pytest.mark.parametrize(
    ("role", "points"), [("补短板锻长板填空白", 5), ("六基或龙头配套", 3), ("无", 0), (None, 0)]
)
def test_specialized_product_field(role, points):
    assert pts("sp_chain", {"chain_role": role}) == points


@pytest.mark.parametrize(("level", "points"), [(4, 5), (3, 5), (2, 3), (1, 0), (None, 0)])
def test_specialized_digitalisation(level, points):
    assert pts("sp_digital", {"digital_level": level}) == points


@pytest.mark.parametrize(
    ("items", "points"),
    [
        ({}, 0),
        ({"own_brand": True}, 3),
        ({"quality_certified": True, "quality_award": True}, 5),
        ({"standards_participated": 1, "own_brand": True, "quality_certified": True}, 5),
    ],
)
def test_specialized_quality_3_per_item_capped_at_5(items, points):
    assert pts("sp_quality", items) == points


@pytest.mark.parametrize(
    ("profit", "points"),
    [(100.0, 10), (99.99, 8), (80.0, 8), (60.0, 6), (40.0, 4), (20.0, 2), (19.99, 0), (-5.0, 0)],
)
def test_specialized_net_margin(profit, points):
    assert pts("sp_margin", {"revenue": 1000.0, "net_profit": profit}) == points


@pytest.mark.parametrize(
    ("liabilities", "points"), [(500.0, 5), (500.1, 3), (600.0, 3), (700.0, 1), (700.1, 0)]
)
def test_specialized_debt_ratio(liabilities, points):
    assert pts("sp_debt", {"total_assets": 1000.0, "total_liabilities": liabilities}) == points


@pytest.mark.parametrize(
    ("ip", "points"),
    [
        ({"invention_patents": 1, "class1_ip_high_value": 1}, 10),
        ({"invention_patents": 1, "class1_ip_self_developed": 1}, 8),
        ({"other_class1_ip": 1}, 6),
        ({"utility_models": 1}, 2),
        ({}, 0),
    ],
)
def test_specialized_ip(ip, points):
    assert pts("sp_ip", ip) == points


@pytest.mark.parametrize(
    ("revenue", "rd", "points"),
    [
        (1e6, 500.0, 10),
        (1e6, 499.99, 8),
        (1e6, 400.0, 8),
        (1e6, 300.0, 6),
        (1e6, 200.0, 4),
        (1e6, 100.0, 2),
        (1e6, 99.99, 0),
        (1000.0, 100.0, 10),  # 10 % of revenue
        (1000.0, 80.0, 8),
        (1000.0, 60.0, 6),
        (1000.0, 40.0, 4),
        (1000.0, 30.0, 2),
        (1000.0, 29.99, 0),
    ],
)
def test_specialized_rd_amount_or_ratio(revenue, rd, points):
    assert pts("sp_rd", {"revenue": revenue, "rd_expense": rd}) == points


@pytest.mark.parametrize(("rd_staff", "points"), [(20, 5), (19, 3), (10, 3), (5, 1), (4, 0)])
def test_specialized_rd_staff(rd_staff, points):
    assert pts("sp_rd_staff", {"employees": 100, "rd_staff": rd_staff}) == points


@pytest.mark.parametrize(
    ("level", "points"), [("国家级", 10), ("省级", 8), ("市级", 4), ("无", 0), (None, 0)]
)
def test_specialized_institution(level, points):
    assert pts("sp_institution", {"rd_institution": level}) == points


def test_specialized_local_points_come_from_the_zone():
    assert row(one({}), LadderConfig(sme_rules="2022", specialized_local_points=8))["sp_local"] == 8


SPECIALIZED_OK = {
    "niche_years": 10,  # 5
    "revenue": 1000.0,
    "main_revenue": 900.0,  # share 5
    "rd_expense": 100.0,  # 10 % → 10
    "chain_role": "补短板锻长板填空白",  # 5
    "digital_level": 3,  # 5
    "own_brand": True,
    "quality_certified": True,  # 5
    "net_profit": 100.0,  # 10
    "total_assets": 1000.0,
    "total_liabilities": 400.0,  # 5
    "invention_patents": 1,  # 6
    "employees": 100,
    "rd_staff": 20,  # 5
}
SPEC_PREV = {"main_revenue": 800.0}
SPEC_PREV2 = {"main_revenue": 700.0}  # growth ≥ 10 % → 10


def spec(over: dict, **kw):
    return one({**SPECIALIZED_OK, **over}, SPEC_PREV, SPEC_PREV2, **kw)


def test_specialized_reference_firm():
    r = row(spec({}), C22)
    assert r["specialized_sme_score"] == 71
    assert judge(spec({}), "specialized_sme", C22)["status"] == "qualifies"


@pytest.mark.parametrize(
    ("over", "condition"),
    [
        ({"niche_years": 1}, "specialized_sme.niche_years"),
        ({"rd_expense": 99.99, "revenue": 1000.0}, "specialized_sme.rd_amount"),
        ({"revenue": 3400.0, "main_revenue": 3000.0, "rd_expense": 101.0}, "specialized_sme.rd_ratio"),
        ({"revenue": 999.99, "main_revenue": 900.0}, "specialized_sme.revenue"),
    ],
)
def test_specialized_conditions(over, condition):
    assert condition in conditions(judge(spec(over), "specialized_sme", C22))


def test_specialized_revenue_alternative_by_equity():
    d = one(
        {**SPECIALIZED_OK, "revenue": 999.0, "equity_financing": 1000.0},
        {**SPEC_PREV, "equity_financing": 1000.0},
        SPEC_PREV2,
    )
    assert "specialized_sme.revenue" not in conditions(judge(d, "specialized_sme", C22))


LOW_SPEC = {
    "chain_role": "无",
    "digital_level": 1,
    "own_brand": False,
    "quality_certified": False,
    "net_profit": 0.0,
}


@pytest.mark.parametrize(
    ("over", "prev", "qualifies"),
    [
        ({"provincial_award_rank": 3}, {}, True),
        ({"provincial_award_rank": 4}, {}, False),
        ({"national_award_rank": 5}, {}, True),
        ({"national_award_rank": 6}, {}, False),
        ({"rd_expense": 1000.0, "revenue": 10000.0, "main_revenue": 9000.0}, {"rd_expense": 1000.0}, True),
        ({"equity_financing": 3000.0}, {"equity_financing": 3000.0}, True),
        ({"equity_financing": 3000.0}, {"equity_financing": 2999.0}, False),
        ({"maker_china_rank": 500}, {}, True),
        ({"maker_china_rank": 501}, {}, False),
    ],
)
def test_specialized_direct_paths(over, prev, qualifies):
    d = one({**SPECIALIZED_OK, **LOW_SPEC, **over}, {**SPEC_PREV, **prev}, SPEC_PREV2)
    assert row(d, C22)["specialized_sme_score"] < 60
    assert (judge(d, "specialized_sme", C22)["status"] == "qualifies") is qualifies


def test_specialized_prerequisite_is_a_zone_choice():
    cfg = LadderConfig(sme_rules="2022", specialized_requires_innovative=True)
    assert "specialized_sme.prerequisite" in conditions(judge(spec({}), "specialized_sme", cfg))
    assert (
        judge(spec({}, qualifications=[held("innovative_sme")]), "specialized_sme", cfg)["status"]
        == "qualifies"
    )


# --- 小巨人 (2022): six dimensions --------------------------------------------------------------------

GIANT = {
    "niche_years": 3,
    "revenue": 10000.0,
    "main_revenue": 8000.0,
    "rd_expense": 300.0,
    "digital_level": 1,
    "quality_certified": True,
    "total_assets": 10000.0,
    "total_liabilities": 7000.0,
    "niche_market_share": 0.10,
    "own_brand": True,
    "rd_institution": "市级",
    "invention_patents": 2,
    "chain_role": "补短板锻长板填空白",
    "key_field": True,
}
G_PREV = {"revenue": 10000.0, "main_revenue": 7600.0, "rd_expense": 300.0}
G_PREV2 = {"main_revenue": 7200.0}


def giant(over: dict, prev: dict | None = None, **kw):
    return one(
        {**GIANT, **over}, {**G_PREV, **(prev or {})}, G_PREV2, qualifications=[held("specialized_sme")], **kw
    )


def test_little_giant_reference_firm():
    r = judge(giant({}), "little_giant", C22)
    assert r["status"] == "qualifies", r["gaps"]


@pytest.mark.parametrize(
    ("over", "condition"),
    [
        ({"niche_years": 2}, "little_giant.niche_years"),
        ({"main_revenue": 6999.0}, "little_giant.main_share"),
        ({"digital_level": None}, "little_giant.informatised"),
        ({"quality_certified": False}, "little_giant.certified"),
        ({"total_liabilities": 7001.0}, "little_giant.debt_ratio"),
        ({"niche_market_share": 0.0999}, "little_giant.market_share"),
        ({"own_brand": False}, "little_giant.brand"),
        ({"rd_institution": "无"}, "little_giant.innovation"),
        ({"invention_patents": 1}, "little_giant.innovation"),
        ({"rd_expense": 299.0}, "little_giant.innovation"),
        ({"chain_role": "六基或龙头配套"}, "little_giant.chain"),
        ({"key_field": False}, "little_giant.field"),
    ],
)
def test_little_giant_each_dimension(over, condition):
    assert condition in conditions(judge(giant(over), "little_giant", C22))


def test_little_giant_growth_of_main_revenue():
    # mean of 7600/7200 − 1 (5.56 %) and 7500/7600 − 1 (−1.3 %) < 5 %
    assert "little_giant.main_growth" in conditions(
        judge(giant({"main_revenue": 7500.0}), "little_giant", C22)
    )


def test_little_giant_rd_rule_by_revenue_band():
    mid = {"revenue": 6000.0, "main_revenue": 5000.0, "total_assets": 6000.0, "total_liabilities": 3000.0}
    mid_prev = {"revenue": 6000.0, "main_revenue": 4800.0}
    # 5,000万–1亿: 6 % in each year
    ok = one({**GIANT, **mid, "rd_expense": 360.0}, {**G_PREV, **mid_prev, "rd_expense": 360.0}, {"main_revenue": 4500.0}, qualifications=[held("specialized_sme")])  # fmt: skip
    assert judge(ok, "little_giant", C22)["status"] == "qualifies"
    short = one({**GIANT, **mid, "rd_expense": 360.0}, {**G_PREV, **mid_prev, "rd_expense": 359.0}, {"main_revenue": 4500.0}, qualifications=[held("specialized_sme")])  # fmt: skip
    assert "little_giant.innovation" in conditions(judge(short, "little_giant", C22))


@pytest.mark.parametrize(
    ("over", "qualifies"),
    [({"national_award_rank": 3}, True), ({"maker_china_rank": 50}, True), ({"maker_china_rank": 51}, False)],
)
def test_little_giant_innovation_direct_paths(over, qualifies):
    d = giant({"rd_institution": "无", "invention_patents": 0, **over})
    assert ("little_giant.innovation" not in conditions(judge(d, "little_giant", C22))) is qualifies


def test_little_giant_needs_the_specialized_title():
    d = one(GIANT, G_PREV, G_PREV2)
    assert conditions(judge(d, "little_giant", C22)) == ["little_giant.prerequisite"]
    assert (
        judge(d, "little_giant", LadderConfig(sme_rules="2022", little_giant_requires_specialized=False))[
            "status"
        ]
        == "qualifies"
    )
