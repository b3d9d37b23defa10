"""The green figures and the policy facts are dictionary fields: a file can carry them under their
Chinese headers, with their units (吨标准煤 or tce, 吨标准煤/万元, 吨), shares as ratios or per cent,
yes/no facts; a wrong unit or a negative quantity is an error naming row and column."""

from __future__ import annotations

import pytest

from gaoxin.data.dictionary import BY_ID, SCORABLE_FIELDS
from gaoxin.io.headers import parse_header
from gaoxin.io.read import read_inputs
from tests.io.helpers import code, write_csv

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所在园区",
    "年度",
    "综合能耗(tce)",
    "万元工业增加值能耗（吨标准煤/万元）",
    "万元工业总产值能耗",
    "非化石能源消费占比(%)",
    "可再生能源电力消费占比（含绿证）",
    "二氧化碳排放量（吨）",
    "规模以上企业",
    "上年度地方综合贡献度（亿元）",
    "已迁出或公示期内迁出本区",
    "房地产企业",
]


def test_every_new_field_is_scorable_with_its_type_and_unit():
    expect = {
        "energy_consumption": ("number", "吨标准煤"),
        "energy_intensity_va": ("number", "吨标准煤/万元"),
        "energy_intensity_output": ("number", "吨标准煤/万元"),
        "non_fossil_share": ("ratio", ""),
        "renewable_power_share": ("ratio", ""),
        "co2_emissions": ("number", "吨"),
        "above_scale": ("bool", ""),
        "local_contribution": ("money", "万元"),
        "moved_out": ("bool", ""),
        "real_estate": ("bool", ""),
    }
    for fid, (typ, unit) in expect.items():
        f = BY_ID[fid]
        assert (f.type, f.unit, f.table) == (typ, unit, "report") and f.en and fid in SCORABLE_FIELDS


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("综合能耗（吨标准煤）", True),
        ("综合能耗(TCE)", True),
        ("综合能耗（万元）", False),
        ("万元工业增加值能耗(tce/万元)", True),
        ("万元工业增加值能耗（吨标准煤）", False),
        ("二氧化碳排放量(t)", True),
        ("二氧化碳排放量（千克）", False),
    ],
)
def test_a_quantity_accepts_its_unit_and_refuses_another(header, ok):
    h = parse_header(header, 0)
    assert h.field is not None and (h.error is None) is ok


def test_read_with_chinese_headers_and_units(tmp_path):
    row = [code(1), "甲公司", "Z001", 2025, "1,234.5", 0.35, 0.12, 18, 0.4, 2800.25, "是", 0.015, "否", "N"]
    result = read_inputs([write_csv(tmp_path / "a.csv", [HEADERS, row])])
    assert not result.errors, result.problems
    r = result.dataset.reports.row(0, named=True)
    assert r["energy_consumption"] == 1234.5 and r["energy_intensity_va"] == 0.35
    assert r["energy_intensity_output"] == 0.12 and r["non_fossil_share"] == pytest.approx(0.18)
    assert r["renewable_power_share"] == 0.4 and r["co2_emissions"] == 2800.25
    assert r["above_scale"] is True and r["local_contribution"] == pytest.approx(150.0)  # 0.015 亿元
    assert r["moved_out"] is False and r["real_estate"] is False


def test_bad_values_are_named_with_row_and_column(tmp_path):
    row = [code(2), "乙公司", "Z001", 2025, -1, "abc", 0.1, 120, 1.5, 3, "也许", 1, "否", "否"]
    errors = read_inputs([write_csv(tmp_path / "b.csv", [HEADERS, row])]).errors
    columns = {p.column for p in errors}
    assert {
        "综合能耗(tce)",
        "万元工业增加值能耗（吨标准煤/万元）",
        "非化石能源消费占比(%)",
        "可再生能源电力消费占比（含绿证）",
        "规模以上企业",
    } <= columns
    assert all(p.row == 2 for p in errors)
