"""The one display rule: half up on exact decimals, thousands separators, units (hand-worked values)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.io import display


def test_pct_rounds_half_up_the_same_for_every_type():
    # 0.00025 × 100 = 0.025 % → half up to two places: 0.03 % (half-even would give 0.02 %).
    assert display.pct(Decimal("0.00025")) == "0.03%"
    assert display.pct(0.00025) == "0.03%"
    assert display.pct("0.00025") == "0.03%"
    assert display.pct(Decimal("0.00015")) == "0.02%"
    assert display.pct(0.00015) == "0.02%"  # the float's shortest repr, not its binary 0.000149999…
    assert display.pct(Decimal("0.000249")) == "0.02%"
    assert display.pct(Decimal("-0.00025")) == "-0.03%"  # half away from zero
    assert display.pct(Decimal("0.5")) == "50.00%"
    assert display.pct(1) == "100.00%"
    assert display.pct(Decimal("0.125"), 1) == "12.5%"
    assert display.pct(Decimal("0.1235"), 1) == "12.4%"
    assert display.pct(Decimal("0.12345"), 0) == "12%"
    assert display.pct(None) == display.MISSING


def test_num_groups_thousands_and_integers_have_no_decimals():
    assert display.num(1904288.13, 2) == "1,904,288.13"
    assert display.num(Decimal("1904288.125"), 2) == "1,904,288.13"
    assert display.num(Decimal("1904288.135"), 2) == "1,904,288.14"
    assert display.num(1904288) == "1,904,288"
    assert display.num(1904288, 2) == "1,904,288"  # an int shows no decimals
    assert display.num(Decimal("12")) == "12"
    assert display.num(Decimal("12.5")) == "12.50"
    assert display.num(999.995, 2) == "1,000.00"
    assert display.num(-1234.5, 1) == "-1,234.5"
    assert display.num(Decimal("0.5"), 0) == "1"
    assert display.num(Decimal("2.5"), 0) == "3"  # half up, not banker's 2
    assert display.num("") == display.MISSING
    with pytest.raises(ValueError):
        display.num("abc")
    with pytest.raises(ValueError):
        display.num(True)


def test_money_is_wan_yuan_with_two_decimals():
    assert display.money(Decimal("1904288.125")) == "1,904,288.13 万元"
    assert display.money(500) == "500.00 万元"
    assert display.money(0.005) == "0.01 万元"
    assert display.money(None) == "—"


def test_count_and_units():
    assert display.count(1204) == "1,204 家"
    assert display.count(35, "人") == "35 人"
    assert display.count(Decimal("7"), "件") == "7 件"
    with pytest.raises(ValueError):
        display.count(Decimal("7.5"))
    assert display.with_unit(Decimal("1234.5"), "money", "万元") == "1,234.50 万元"
    assert display.with_unit(Decimal("0.0625"), "ratio", "") == "6.25%"
    assert display.with_unit(1250, "int", "人") == "1,250 人"
    assert display.with_unit(2025, "int", "") == "2025"  # the year: no grouping
    assert display.with_unit("电子信息", "enum", "") == "电子信息"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_pct_agrees_with_num_of_the_percent(ratio):
    # One rule: the percentage text is the number (ratio × 100) at two places, plus the sign.
    assert display.pct(ratio) == display.num(ratio * 100, 2) + "%"


def test_a_target_in_a_count_unit_shows_whole_things_and_others_two_decimals():
    from gaoxin.io.display import measure

    assert measure(323.67, "家") == "324"  # firms on the path by now: whole firms
    assert measure(323.5, "家") == "324" and measure(323.49, "家") == "323"  # half up
    assert measure(12000, "人") == "12,000"
    assert measure(0.4123, "吨标准煤/万元") == "0.41"
    assert measure(1904288.13, "万元") == "1,904,288.13"
    assert measure(None, "家") == measure(None)
