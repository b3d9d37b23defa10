"""高新技术企业 (国科发火〔2016〕32号, 195号): the eight conditions, the R&D threshold by revenue, the
growth formula with every special case, every band edge of the capability tables."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.cultivation import LadderConfig
from gaoxin.cultivation.hightech_2016 import application_date
from tests.cultivation.helpers import YEAR, conditions, dataset, judge, row, texts

# Meets every condition: 5 % R&D on ≤ 5,000万 revenue, one invention patent, 5 transfers a year.
OK = {
    "revenue": 3000.0,
    "rd_expense": 150.0,
    "rd_expense_domestic": 150.0,
    "hightech_revenue": 2000.0,
    "employees": 100,
    "tech_staff": 20,
    "invention_patents": 1,
    "class1_ip_self_developed": 1,
    "tech_transfers": 5,
}


def three(y2: dict | None = None, y1: dict | None = None, y0: dict | None = None) -> dict[int, dict]:
    return {YEAR - 2: {**OK, **(y2 or {})}, YEAR - 1: {**OK, **(y1 or {})}, YEAR: {**OK, **(y0 or {})}}


def test_the_reference_firm_qualifies():
    r = judge(dataset(three()), "hightech")
    assert r["status"] == "qualifies", texts(r)
    assert r["hightech_rd_ratio_3y"] == pytest.approx(0.05)
    assert r["hightech_rd_threshold"] == 0.05
    assert (r["hightech_capability_min"], r["hightech_capability_max"]) == (35.0, 80.0)
    assert (r["hightech_growth_points_min"], r["hightech_growth_points_max"]) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("revenue", "threshold"),
    [(1.0, 0.05), (5000.0, 0.05), (5000.01, 0.04), (20000.0, 0.04), (20000.01, 0.03), (1e6, 0.03)],
)
def test_rd_threshold_is_set_by_the_latest_years_revenue(revenue, threshold):
    assert row(dataset(three(y0={"revenue": revenue})))["hightech_rd_threshold"] == threshold


def test_rd_ratio_gap_in_the_firms_own_units():
    # Σ revenue 18,000, Σ R&D 648 → 3.6 %; Y revenue 1亿 → 4 %; 720 − 648 = 72万
    d = dataset(
        three(
            {
                "revenue": 4000.0,
                "rd_expense": 200.0,
                "rd_expense_domestic": 200.0,
                "hightech_revenue": 3000.0,
            },
            {
                "revenue": 4000.0,
                "rd_expense": 200.0,
                "rd_expense_domestic": 200.0,
                "hightech_revenue": 3000.0,
            },
            {
                "revenue": 10000.0,
                "rd_expense": 248.0,
                "rd_expense_domestic": 248.0,
                "hightech_revenue": 7000.0,
            },
        )
    )
    r = judge(d, "hightech")
    assert conditions(r) == ["hightech.rd_ratio"]
    assert texts(r) == [f"近三年研发费用占销售收入比例 3.6% < 4%：{YEAR} 年再增加研发费用 72 万元即可达标"]
    g = r["gaps"][0]
    assert (g["actual"], g["required"], g["unit"]) == (pytest.approx(3.6), pytest.approx(4.0), "%")
    assert r["distance"] == pytest.approx(0.1)
    assert r["status"] == "near"
    # and 72万 more closes it
    d2 = dataset(three(*(dict(x) for x in ({"revenue": 4000.0, "rd_expense": 200.0, "rd_expense_domestic": 200.0, "hightech_revenue": 3000.0},) * 2), {"revenue": 10000.0, "rd_expense": 320.0, "rd_expense_domestic": 320.0, "hightech_revenue": 7000.0}))  # fmt: skip
    assert judge(d2, "hightech")["status"] == "qualifies"


def test_exactly_at_the_threshold_meets_it_just_below_does_not():
    assert "hightech.rd_ratio" not in conditions(judge(dataset(three()), "hightech"))
    r = judge(dataset(three(y0={"rd_expense": 149.99, "rd_expense_domestic": 149.99})), "hightech")
    assert conditions(r) == ["hightech.rd_ratio"]
    assert texts(r) == [f"近三年研发费用占销售收入比例 4.9% < 5%：{YEAR} 年再增加研发费用 0.01 万元即可达标"]


def test_a_young_firm_uses_its_actual_period():
    d = dataset({YEAR: OK}, firm={"established": dt.date(2024, 3, 1)})
    r = row(d)
    assert r["hightech_rd_ratio_3y"] == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("over", "condition"),
    [
        ({"rd_expense_domestic": 89.99}, "hightech.domestic_rd"),
        ({"hightech_revenue": 1799.99}, "hightech.hightech_revenue"),
        ({"tech_staff": 9}, "hightech.staff"),
        ({"invention_patents": 0, "class1_ip_self_developed": 0}, "hightech.ip"),
    ],
)
def test_each_condition_just_below_its_bound(over, condition):
    r = judge(dataset(three(over, over, over)), "hightech")
    assert condition in conditions(r)


@pytest.mark.parametrize(
    "over", [{"rd_expense_domestic": 90.0}, {"hightech_revenue": 1800.0}, {"tech_staff": 10}]
)
def test_each_condition_exactly_at_its_bound(over):
    assert judge(dataset(three(over, over, over)), "hightech")["status"] == "qualifies"


def test_domestic_rd_gap_accounts_for_the_added_rd():
    # Σ R&D 450, Σ domestic 240 (53.3 %): (0.6·450 − 240) / 0.4 = 75
    r = judge(
        dataset(
            three({"rd_expense_domestic": 80.0}, {"rd_expense_domestic": 80.0}, {"rd_expense_domestic": 80.0})
        ),
        "hightech",
    )
    assert texts(r) == ["境内研发费用占比 53.3% < 60%：再增加境内研发费用 75 万元即可达标"]


def test_no_tech_field_is_a_gap():
    r = judge(dataset(three(), firm={"tech_field": None}), "hightech")
    assert conditions(r) == ["hightech.field"]


@pytest.mark.parametrize(("established", "ok"), [(dt.date(2025, 6, 30), True), (dt.date(2025, 7, 1), False)])
def test_registered_one_year_by_the_application_date(established, ok):
    assert application_date(YEAR) == dt.date(YEAR + 1, 6, 30)
    r = judge(dataset({YEAR: OK}, firm={"established": established}), "hightech")
    assert ("hightech.registered" not in conditions(r)) is ok


def test_an_incident_in_the_year_makes_it_ineligible():
    r = judge(dataset(three(y0={"major_incident": True})), "hightech")
    assert r["status"] == "ineligible" and conditions(r) == ["hightech.incident"]


# --- the growth formula (指引: ½(x₂/x₁ + x₃/x₂) − 1) -----------------------------------------------------


def growth(revenues: list[float | None], years: int = 3) -> dict:
    ys = {}
    for k, rev in enumerate(reversed(revenues)):
        ys[YEAR - k] = {**OK, "revenue": rev, "net_assets": 1000.0}
    return row(dataset(ys))


@pytest.mark.parametrize(
    ("revenues", "rate", "points"),
    [
        ([100.0, 120.0, 150.0], 0.225, (5, 6)),  # ½(1.2 + 1.25) − 1
        ([0.0, 100.0, 150.0], 0.5, (9, 10)),  # x₁ = 0: the last two years only
        ([100.0, 0.0, 150.0], None, (0, 0)),  # x₂ = 0: scores 0
        ([100.0, 90.0, 80.0], -0.1055555, (0, 0)),  # negative: 0
        ([100.0, 150.0], 0.5, (9, 10)),  # two years of history: the actual period
        ([150.0], None, (0, 0)),  # one year: nothing to measure
        ([None, 100.0, 150.0], 0.5, (9, 10)),  # x₁ not reported: as x₁ = 0
    ],
)
def test_growth_special_cases(revenues, rate, points):
    r = growth(revenues)
    if rate is None:
        assert r["hightech_sales_growth"] is None
    else:
        assert r["hightech_sales_growth"] == pytest.approx(rate, abs=1e-6)
    # net assets are flat: 0 points, so the sums are the sales indicator's band
    assert (r["hightech_growth_points_min"], r["hightech_growth_points_max"]) == points


def test_negative_net_assets():
    def na(values):
        ys = {YEAR - k: {**OK, "net_assets": v} for k, v in enumerate(reversed(values))}
        return row(dataset(ys))["hightech_net_asset_growth"]

    assert na([-50.0, 100.0, 150.0]) == pytest.approx(0.5)  # negative x₁ treated as 0
    assert na([100.0, -10.0, 50.0]) is None  # negative x₂ treated as 0: scores 0


def test_net_assets_fall_back_to_assets_less_liabilities():
    ys = {
        YEAR - 2: {**OK, "net_assets": None, "total_assets": 300.0, "total_liabilities": 200.0},
        YEAR - 1: {**OK, "net_assets": None, "total_assets": 320.0, "total_liabilities": 200.0},
        YEAR: {**OK, "net_assets": None, "total_assets": 350.0, "total_liabilities": 200.0},
    }
    assert row(dataset(ys))["hightech_net_asset_growth"] == pytest.approx(0.5 * (1.2 + 1.25) - 1)


@pytest.mark.parametrize(
    ("x3", "points"),
    [
        (135.0, (9, 10)),
        (134.99, (7, 8)),
        (125.0, (7, 8)),
        (124.99, (5, 6)),
        (115.0, (5, 6)),
        (114.99, (3, 4)),
        (105.0, (3, 4)),
        (104.99, (1, 2)),
        (100.01, (1, 2)),
        (100.0, (0, 0)),
    ],
)
def test_growth_band_edges(x3, points):
    r = growth([0.0, 100.0, x3])  # two-year formula: rate = x₃/100 − 1
    assert (r["hightech_growth_points_min"], r["hightech_growth_points_max"]) == points


# --- capability tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "quantity"),
    [
        ({"invention_patents": 1}, 7),
        ({"other_class1_ip": 1}, 7),
        ({"utility_models": 5}, 5),
        ({"utility_models": 4}, 3),
        ({"software_copyrights": 3}, 3),
        ({"design_patents": 2}, 1),
        ({"utility_models": 1}, 1),
        ({}, 0),
    ],
)
def test_ip_quantity_bands(ip, quantity):
    base = {**OK, "invention_patents": 0, "class1_ip_self_developed": 0}
    r = row(dataset({YEAR: {**base, **ip}}))
    assert r["ht_quantity_min"] == quantity
    if quantity:
        assert r["ht_ip_min"] == 1 + 1 + quantity + 1  # advancement, support, quantity, how obtained
    else:
        assert (r["ht_ip_min"], r["ht_ip_max"]) == (0, 0)


def test_ip_range_top_and_transfer_only_and_bonus_and_cap():
    r = row(dataset({YEAR: {**OK, "invention_patents": 2, "class1_ip_self_developed": 0}}))
    assert r["ht_ip_max"] == 8 + 8 + 8 + 3  # only transferred-in IP: how obtained 1–3
    r = row(dataset({YEAR: {**OK, "standards_participated": 1}}))
    assert (r["ht_ip_min"], r["ht_ip_max"]) == (1 + 1 + 7 + 1 + 1, 30)  # bonus 1–2, capped at 30


@pytest.mark.parametrize(
    ("transfers", "points"),
    [
        ((5, 5, 5), (25, 30)),
        ((4, 4, 4), (19, 24)),
        ((3, 3, 3), (13, 18)),
        ((2, 2, 2), (7, 12)),
        ((1, 1, 1), (1, 6)),
        ((0, 1, 1), (0, 0)),
        ((0, 0, 0), (0, 0)),
        ((6, 5, 4), (25, 30)),
    ],
)
def test_conversion_bands_on_the_3_year_average(transfers, points):
    ys = {YEAR - 2 + i: {**OK, "tech_transfers": t} for i, t in enumerate(transfers)}
    r = row(dataset(ys))
    assert (r["ht_conv_min"], r["ht_conv_max"]) == points


def test_rd_institution_raises_the_pessimistic_organisation_score():
    assert row(dataset({YEAR: {**OK, "rd_institution": "市级"}}))["ht_org_min"] == 3
    assert row(dataset({YEAR: OK}))["ht_org_min"] == 0


def test_capability_basis_is_configurable():
    d = dataset(three())
    assert judge(d, "hightech")["status"] == "qualifies"  # max 80 > 70
    r = judge(d, "hightech", LadderConfig(hightech_capability_basis="mid"))  # (35 + 80) / 2 = 57.5
    assert conditions(r) == ["hightech.capability"]
    assert texts(r)[0].startswith("创新能力评价预计 35–80 分，按中值 57.5 分，未超过 70 分：")
    assert judge(d, "hightech", LadderConfig(hightech_capability_basis="min"))["status"] in ("near", "far")


def test_capability_gap_when_even_the_optimistic_end_fails():
    r = judge(dataset(three({"tech_transfers": 0}, {"tech_transfers": 0}, {"tech_transfers": 0})), "hightech")
    assert conditions(r) == ["hightech.capability"]
    assert r["gaps"][0]["actual"] == 50 and r["gaps"][0]["required"] == 71
    assert "近三年科技成果转化再增加 3 项（年均达到 1 项" in texts(r)[0]
