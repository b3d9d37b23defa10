"""National incubator and 众创空间 conditions, incubation periods and graduation, worked by hand at each
boundary (≥ vs > as 国科发区〔2018〕300号 words it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.carriers.incubators import (
    FirmRecord,
    GraduationRules,
    IncubatedFirm,
    IncubationLimits,
    Incubator,
    IncubatorRules,
    MakerSpace,
    add_months,
    check_incubator,
    check_maker_space,
    detect_graduation,
    full_months,
    incubation_period,
    replace_rules,
)

D = Decimal
ON = dt.date(2025, 12, 31)

# Exactly at every national threshold: 10,000 m², 7,500 m² used (75 %), fund 500, 50 firms of which 5
# invested (10 %), 3 cases, 8 of 10 staff professional (80 %) and 5 staff ≥ 50 ÷ 10, 5 mentors, 25 firms
# with patent applications (50 %), 30 firms per 10,000 m² = 3 per 1,000 m²… (50 firms / 10,000 m² = 5),
# 20 graduates, founded exactly 3 years before, 2 years of statistics.
AT = Incubator(
    legal_entity=True,
    established=dt.date(2022, 12, 31),
    stat_years=2,
    area_total=D(10000),
    area_incubation=D(7500),
    fund=D(500),
    staff_total=10,
    pro_staff=8,
    mentors=5,
    firms=50,
    invested_firms=5,
    investment_cases=3,
    patent_applied_firms=25,
    ip_held_firms=0,
    graduates=20,
)


def by_code(result):
    return {c.code: c for c in result.checks}


def test_exactly_at_every_threshold_passes():
    r = check_incubator(AT, ON)
    assert r.passed is True, [(c.code, c.value, c.threshold) for c in r.failing + r.unknown]
    c = by_code(r)
    assert c["incubation_share"].value == D("0.75")
    assert c["staff_per_firms"].threshold == D(5)


@pytest.mark.parametrize(
    ("change", "code", "gap"),
    [
        ({"area_total": D(9999), "area_incubation": D("7499.25")}, "area", D(1)),
        ({"area_incubation": D(7499)}, "incubation_share", D("0.0001")),
        ({"fund": D("499.99")}, "fund", D("0.01")),
        ({"invested_firms": 4}, "invested_share", D("0.02")),
        ({"investment_cases": 2}, "investment_cases", D(1)),
        ({"pro_staff": 7}, "pro_staff_share", D("0.1")),
        ({"mentors": 4}, "mentors_per_firms", D(1)),
        ({"firms": 49, "invested_firms": 5, "patent_applied_firms": 25}, "firms", D(1)),
        ({"graduates": 19}, "graduates", D(1)),
        ({"stat_years": 1}, "stat_years", D(1)),
        ({"established": dt.date(2023, 1, 1)}, "years", D(1)),
        ({"legal_entity": False}, "legal_entity", None),
    ],
)
def test_one_below_each_threshold_fails_with_its_gap(change, code, gap):
    r = check_incubator(dataclasses.replace(AT, **change), ON)
    assert r.passed is False
    failing = {c.code: c for c in r.failing}
    assert code in failing, [c.code for c in r.failing]
    assert failing[code].gap == gap


def test_density_three_per_thousand_square_metres():
    # 60 firms on 20,000 m² = 3.0 per 1,000 m² passes; 59 fails by 0.05
    inc = dataclasses.replace(
        AT,
        area_total=D(20000),
        area_incubation=D(15000),
        firms=60,
        invested_firms=6,
        patent_applied_firms=30,
        pro_staff=8,
        mentors=6,
    )
    assert by_code(check_incubator(inc, ON))["density"].passed is True
    inc = dataclasses.replace(inc, firms=59)
    c = by_code(check_incubator(inc, ON))["density"]
    assert (c.passed, c.gap) == (False, D("0.05"))


def test_staff_per_ten_firms_rounds_up_in_effect():
    # 55 firms need 5.5 → 5 professional staff fail by 0.5 (a sixth person is needed)
    inc = dataclasses.replace(
        AT, firms=55, pro_staff=5, staff_total=6, mentors=6, invested_firms=6, patent_applied_firms=28
    )
    c = by_code(check_incubator(inc, ON))["staff_per_firms"]
    assert (c.passed, c.threshold, c.gap) == (False, D("5.5"), D("0.5"))


def test_ip_is_either_patent_applications_or_held_ip():
    inc = dataclasses.replace(AT, patent_applied_firms=24, ip_held_firms=15)  # 48 % applied, 30 % hold
    c = by_code(check_incubator(inc, ON))["ip"]
    assert c.passed is True and "拥有有效知识产权" in c.note
    inc = dataclasses.replace(AT, patent_applied_firms=24, ip_held_firms=14)
    c = by_code(check_incubator(inc, ON))["ip"]
    assert c.passed is False and c.gap == D("0.02")


def test_missing_data_is_unknown_not_failed():
    r = check_incubator(dataclasses.replace(AT, fund=None), ON)
    assert r.passed is None
    assert [c.code for c in r.unknown] == ["fund"]


def test_specialised_thresholds_and_field_share():
    spec = dataclasses.replace(
        AT,
        firms=30,
        invested_firms=3,
        patent_applied_firms=15,
        mentors=3,
        pro_staff=8,
        graduates=15,
        area_total=D(15000),
        area_incubation=D(11250),
        specialised=True,
        field_share=D("0.75"),
        tech_platform=True,
    )
    r = check_incubator(spec, ON)
    assert r.passed is True, [(c.code, c.value, c.threshold) for c in r.failing]
    assert by_code(r)["density"].value == D(2)
    assert check_incubator(dataclasses.replace(spec, graduates=14), ON).passed is False
    assert check_incubator(dataclasses.replace(spec, field_share=D("0.74")), ON).passed is False
    assert check_incubator(dataclasses.replace(spec, tech_platform=False), ON).passed is False
    # as a comprehensive incubator the same carrier fails (30 < 50 firms)
    assert check_incubator(dataclasses.replace(spec, specialised=False), ON).passed is False


def test_hardship_lowers_absolute_thresholds_by_twenty_percent():
    hard = dataclasses.replace(
        AT,
        hardship=True,
        area_total=D(8000),
        area_incubation=D(6000),
        fund=D(400),
        firms=40,
        invested_firms=4,
        patent_applied_firms=20,
        mentors=4,
        pro_staff=8,
        graduates=16,
    )
    r = check_incubator(hard, ON)
    assert r.passed is True, [(c.code, c.value, c.threshold) for c in r.failing]
    assert by_code(r)["area"].threshold == D(8000)
    assert by_code(r)["incubation_share"].threshold == D("0.75")  # shares are not lowered by default
    assert check_incubator(dataclasses.replace(hard, graduates=15), ON).passed is False
    assert check_incubator(dataclasses.replace(hard, hardship=False), ON).passed is False


def test_rules_are_configurable_by_name():
    rules = replace_rules(IncubatorRules(), {"min_area": "8000", "hardship_lowers": "area,fund"})
    assert rules.min_area == D(8000) and rules.hardship_lowers == ("area", "fund")
    assert check_incubator(
        dataclasses.replace(AT, area_total=D(8000), area_incubation=D(6000)), ON, rules
    ).failing == [
        c
        for c in check_incubator(
            dataclasses.replace(AT, area_total=D(8000), area_incubation=D(6000)), ON, rules
        ).failing
        if c.code == "density"
    ]
    with pytest.raises(ValueError, match="min_aera"):
        replace_rules(IncubatorRules(), {"min_aera": 1})


MS = MakerSpace(
    established=dt.date(2024, 6, 30),
    area_total=D(500),
    workstations=10,
    area_shared=D(375),
    teams_admitted=20,
    new_firms=10,
    financed=0,
    typical_cases=3,
    fulltime_staff=3,
    mentors=3,
    events=10,
    reports_torch=True,
)


def test_maker_space_at_every_threshold():
    assert check_maker_space(MS, ON).passed is True  # 18 months exactly, 500 m², 75 %, 20, 10, 3, 3, 3, 10


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"established": dt.date(2024, 7, 1)}, "months"),
        ({"area_total": D(499), "area_shared": D(375)}, "size"),
        ({"area_shared": D(374)}, "shared_share"),
        ({"teams_admitted": 19}, "teams"),
        ({"new_firms": 9, "financed": 4}, "outcomes"),
        ({"typical_cases": 2}, "cases"),
        ({"fulltime_staff": 2}, "staff"),
        ({"mentors": 2}, "mentors"),
        ({"events": 9}, "events"),
        ({"reports_torch": False}, "reports_torch"),
    ],
)
def test_maker_space_one_below(change, code):
    r = check_maker_space(dataclasses.replace(MS, **change), ON)
    assert [c.code for c in r.failing] == [code]


def test_maker_space_alternatives():
    assert check_maker_space(
        dataclasses.replace(MS, area_total=D(400), area_shared=D(300), workstations=30), ON
    ).passed
    assert check_maker_space(dataclasses.replace(MS, new_firms=0, financed=5), ON).passed


def test_months_arithmetic():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert full_months(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 1
    assert full_months(dt.date(2024, 1, 15), dt.date(2024, 2, 14)) == 0
    assert full_months(dt.date(2021, 1, 1), dt.date(2025, 1, 1)) == 48


def test_incubation_period_48_months_is_within_and_a_day_more_is_over():
    firm = IncubatedFirm("a", entered=dt.date(2021, 3, 1), established=dt.date(2019, 3, 1), field="电子信息")
    p = incubation_period(firm, dt.date(2025, 3, 1))
    assert (p.months, p.limit, p.overdue, p.months_left) == (48, 48, False, 0)
    assert incubation_period(firm, dt.date(2025, 3, 2)).overdue is True
    assert p.entry_checks[0].passed is True  # exactly 24 months old on entry
    young = dataclasses.replace(firm, established=dt.date(2019, 2, 28))
    assert incubation_period(young, ON).entry_checks[0].passed is False
    special = dataclasses.replace(firm, field="生物医药")
    assert incubation_period(special, dt.date(2025, 3, 2)).overdue is False
    assert incubation_period(special, dt.date(2025, 3, 2)).limit == 60
    exited = dataclasses.replace(firm, exited=dt.date(2023, 3, 1))
    assert incubation_period(exited, ON).overdue is False and incubation_period(exited, ON).months == 24
    lim = IncubationLimits(max_prior_revenue=D(300))
    rich = dataclasses.replace(firm, prior_revenue=D("300.01"))
    assert [c.passed for c in incubation_period(rich, ON, lim).entry_checks] == [True, False]


def test_graduation_thresholds_are_strictly_more_than():
    at = FirmRecord(investment={2023: D(200), 2024: D(300)}, revenue={2023: D(400), 2024: D(600)})
    assert detect_graduation(at, ON).graduated is False  # exactly 500 and exactly 1,000: not more than
    over = FirmRecord(
        investment={2023: D(200), 2024: D("300.0001")}, revenue={2023: D(400), 2024: D("600.01")}
    )
    g = detect_graduation(over, ON)
    assert [e.criterion for e in g.evidence] == ["investment", "revenue"]
    assert g.year == 2024
    assert "500.0001" in g.evidence[0].text
    assert "2023—2024" in g.evidence[1].text


def test_revenue_needs_two_consecutive_reported_years():
    gap = FirmRecord(revenue={2021: D(900), 2023: D(900)})
    assert detect_graduation(gap, ON).graduated is False
    g = detect_graduation(FirmRecord(revenue={2022: D(100), 2023: D(950), 2024: D(100)}), ON)
    assert g.first.year == 2023  # 2022+2023 = 1,050


def test_hightech_listing_and_acquisition_with_dates():
    rec = FirmRecord(
        hightech=[(dt.date(2024, 11, 5), dt.date(2027, 11, 4), "GR202421000123")],
        listed_board="科创板",
        listed_on=dt.date(2025, 6, 1),
    )
    g = detect_graduation(rec, ON, entered=dt.date(2022, 1, 1))
    assert [e.criterion for e in g.evidence] == ["hightech", "listed"]
    assert g.first.date == dt.date(2024, 11, 5) and "GR202421000123" in g.first.text
    assert detect_graduation(rec, dt.date(2024, 11, 4)).graduated is False  # not yet certified
    # a certificate that expired before entry does not count; one held on entry counts from entry
    old = FirmRecord(hightech=[(dt.date(2018, 1, 1), dt.date(2020, 12, 31), "x")])
    assert detect_graduation(old, ON, entered=dt.date(2021, 1, 1)).graduated is False
    held = FirmRecord(hightech=[(dt.date(2020, 1, 1), dt.date(2022, 12, 31), "x")])
    assert detect_graduation(held, ON, entered=dt.date(2021, 5, 1)).first.date == dt.date(2021, 5, 1)
    acq = FirmRecord(acquired_on=dt.date(2025, 3, 3))
    assert "兼并" in detect_graduation(acq, ON).first.text


def test_investment_from_entry_is_an_option():
    rec = FirmRecord(investment={2019: D(400), 2023: D(200)})
    assert detect_graduation(rec, ON, entered=dt.date(2022, 1, 1)).graduated is True
    strict = GraduationRules(investment_from_entry=True)
    assert detect_graduation(rec, ON, entered=dt.date(2022, 1, 1), rules=strict).graduated is False


money = st.decimals(min_value=0, max_value=3000, places=2)


@given(
    st.dictionaries(st.integers(2015, 2025), money, max_size=8),
    st.dictionaries(st.integers(2015, 2025), money, max_size=8),
)
def test_graduation_is_monotone_in_time(investment, revenue):
    """Once graduated, a firm stays graduated later; the first evidence never comes after ``on``."""
    rec = FirmRecord(investment=investment, revenue=revenue)
    seen = False
    for year in range(2015, 2026):
        g = detect_graduation(rec, dt.date(year, 12, 31))
        assert not (seen and not g.graduated)
        seen = seen or g.graduated
        if g.graduated:
            assert g.year <= year


@given(st.integers(0, 200), st.integers(1000, 40000))
def test_more_firms_never_hurt_the_firm_count_and_density(firms, area):
    base = dataclasses.replace(AT, firms=firms, area_total=D(area), area_incubation=D(area))
    more = dataclasses.replace(base, firms=firms + 1)
    for code in ("firms", "density"):
        a, b = by_code(check_incubator(base, ON))[code], by_code(check_incubator(more, ON))[code]
        assert not (a.passed and not b.passed)
