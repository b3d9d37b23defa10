"""The cultivation ladder's fields reach the reader from the dictionary alone: Chinese headers, units,
choices, the rank fields' 0 = none, and the bounds."""

from __future__ import annotations

from gaoxin.cultivation import qualify
from gaoxin.io.read import read_inputs
from tests.io.helpers import code, write_csv

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所在园区",
    "年度",
    "营业收入（万元）",
    "中小企业数字化水平等级",
    "产业链配套地位",
    "企业估值(亿元)",
    "当年获国家级科技奖励的单位排名",  # the label without its bracketed gloss
    "专精特新发展评价得分",
    "拥有自主品牌",
    "其中高价值I类知识产权数",
]


def test_new_fields_are_read_with_chinese_headers_and_units(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [HEADERS, [code(1), "甲公司", "Z001", 2025, 3000, 3, "补短板锻长板填空白", 12.5, 0, 62, "是", 1]],
    )
    result = read_inputs([path])
    assert not result.errors, result.problems
    r = result.dataset.reports.row(0, named=True)
    assert r["digital_level"] == 3 and r["chain_role"] == "补短板锻长板填空白"
    assert r["valuation"] == 125000.0  # 12.5 亿元 in 万元
    assert r["national_award_rank"] == 0 and r["development_score"] == 62
    assert r["own_brand"] is True and r["class1_ip_high_value"] == 1
    ladder = qualify(result.dataset, 2025)
    assert ladder.wide.height == 1


def test_bad_values_are_named_with_row_and_column(tmp_path):
    path = write_csv(
        tmp_path / "b.csv",
        [HEADERS, [code(2), "乙公司", "Z001", 2025, 3000, 5, "关键环节", -1, 0, 101, "是", 0]],
    )
    errors = read_inputs([path]).errors
    columns = {p.column for p in errors}
    assert {"中小企业数字化水平等级", "产业链配套地位", "企业估值(亿元)", "专精特新发展评价得分"} <= columns
    assert all(p.row == 2 for p in errors)
