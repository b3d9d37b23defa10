"""Computed metrics: parsing the keys, and the values they take from the register's aggregates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gaoxin.command.metrics import (
    MetricError,
    computed_values,
    cumulative_counts,
    metric_choices,
    parse_metric,
)
from gaoxin.data.dictionary import QUALIFICATION_KINDS


def test_keys_round_trip_and_describe():
    for key, zh in metric_choices():
        m = parse_metric(key)
        assert m.key == key and zh
        assert m.computed == (key != "entered")
    assert parse_metric("").key == "entered"
    assert parse_metric("tier_count:hightech").describe() == "高新技术企业数（登记库计算）"
    assert parse_metric("platforms:national:rd_institution").describe() == "国家级研发机构数（平台库计算）"
    assert {k for k, _ in metric_choices()} >= {f"tier_count:{t}" for t in QUALIFICATION_KINDS}


@pytest.mark.parametrize(
    "bad",
    ["tier_count:nobel", "talents:galactic", "platforms:national:castle", "talents:national:lab", "gdp"],
)
def test_bad_keys_say_why(bad):
    with pytest.raises(MetricError):
        parse_metric(bad)


def test_tier_counts_rd_and_firms_leave_out_years_without_data():
    tiers = {2023: {"hightech": 10, "tech_sme": 4}, 2024: {"hightech": 12}}
    assert computed_values(parse_metric("tier_count:hightech"), [2022, 2023, 2024], tier_counts=tiers) == {
        2023: 10,
        2024: 12,
    }
    assert computed_values(parse_metric("tier_count:tech_sme"), [2023, 2024], tier_counts=tiers) == {
        2023: 4,
        2024: 0,
    }
    rd = {2024: Decimal("1234.5")}
    assert computed_values(parse_metric("rd_total"), [2023, 2024], rd_totals=rd) == {2024: Decimal("1234.5")}
    assert computed_values(parse_metric("firms"), [2024], firms={2024: 7}) == {2024: 7}
    with pytest.raises(MetricError):
        computed_values(parse_metric("entered"), [2024])


def test_talents_and_platforms_count_up_to_each_year():
    talents = [
        ("national", "", 2020, 2),
        ("national", "", 2023, 1),
        ("provincial", "", 2021, 5),
        ("national", "", None, 1),
    ]
    national = parse_metric("talents:national")
    assert cumulative_counts(talents, national, [2019, 2020, 2023]) == {2019: 1, 2020: 3, 2023: 4}
    assert computed_values(parse_metric("talents:all"), [2021], talents=talents) == {2021: 8}
    platforms = [
        ("national", "lab", 2020, 1),
        ("national", "rd_institution", 2022, 2),
        ("provincial", "lab", 2020, 3),
    ]
    assert computed_values(parse_metric("platforms:national"), [2022], platforms=platforms) == {2022: 3}
    assert computed_values(
        parse_metric("platforms:national:rd_institution"), [2021, 2022], platforms=platforms
    ) == {
        2021: 0,
        2022: 2,
    }
