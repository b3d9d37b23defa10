"""Every validation rule yields a Problem at the right row and column, with the value as written."""

from __future__ import annotations

import pytest

from gaoxin.data.dictionary import BY_ID, NOT_GREATER_THAN
from gaoxin.io.read import read_file
from tests.io.helpers import code, write_csv


def _read(tmp_path, rows, name="v.csv"):
    return read_file(write_csv(tmp_path / name, rows))


def _only(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        ("name", "", "缺少企业名称"),
        ("zone", "-", "缺少所在园区"),
        ("tech_field", "人工智能", "不在可选值中"),
        ("listed_board", "纳斯达克", "不在可选值中"),
        ("industry", "65-13", "不是有效的国民经济行业代码"),
    ],
)
def test_enterprise_fields(tmp_path, column: str, cell: str, reason: str) -> None:
    header = ["uscc", "name", "zone", "tech_field", "listed_board", "industry"]
    row = [code(1), "甲", "FZ", "电子信息", "科创板", "I6513"]
    row[header.index(column)] = cell
    p = _only(_read(tmp_path, [header, row]))
    assert (p.row, p.column) == (2, column)
    assert p.value == (cell or None)  # as written: "-" stays "-"
    assert p.reason.startswith(reason)


def test_missing_uscc_and_year(tmp_path) -> None:
    rows = [["uscc", "year", "revenue"], ["", "2023", "1"], [code(1), "", "2"]]
    result = _read(tmp_path, rows)
    assert [(p.row, p.column, p.reason) for p in result.errors] == [
        (2, "uscc", "缺少统一社会信用代码"),
        (3, "year", "缺少年度"),
    ]
    assert result.dataset.reports.is_empty()


@pytest.mark.parametrize(
    ("header", "cell", "reason"),
    [
        ("研发费用", "-1", "不能为负数"),
        ("营业收入(万元)", "-0.01", "不能为负数"),
        ("有效发明专利数", "-3", "不能为负数"),
        ("年度", "1900", "不能小于1949"),
        ("year", "2101", "不能大于2100"),
        ("主导产品全国细分市场占有率", "35", "不能大于1（百分数请在表头注明 %"),
        ("主导产品全国细分市场占有率(%)", "150", "不能大于1"),
        ("研发机构级别", "区级", "不在可选值中（可选：无、市级、省级、国家级）"),
    ],
)
def test_bounds_and_choices(tmp_path, header: str, cell: str, reason: str) -> None:
    year = [] if header in ("年度", "year") else ["year"]
    rows = [["uscc", *year, header], [code(1), *(["2023"] if year else []), cell]]
    p = _only(_read(tmp_path, rows))
    assert (p.row, p.column, p.value) == (2, header, cell)
    assert p.reason.startswith(reason)


def test_net_profit_and_net_assets_may_be_negative(tmp_path) -> None:
    rows = [
        ["uscc", "year", "净利润", "净资产", "资产总额", "负债总额"],
        [code(1), "2023", "-5", "-10", "90", "100"],
    ]
    result = _read(tmp_path, rows)
    assert result.ok, result.problems


@pytest.mark.parametrize(("small", "large"), NOT_GREATER_THAN)
def test_not_greater_than(tmp_path, small: str, large: str) -> None:
    s, g = BY_ID[small], BY_ID[large]
    rows = [["uscc", "year", g.zh, s.zh], [code(1), "2023", "100", "120"], [code(2), "2023", "100", "100"]]
    result = _read(tmp_path, rows)
    p = _only(result)
    assert (p.row, p.column, p.value) == (2, s.zh, "120")
    assert p.reason == f"{s.zh}(120) 大于 {g.zh}(100)"
    assert result.dataset.reports["uscc"].to_list() == [code(2)]  # equal is fine


def test_relation_in_money_with_units(tmp_path) -> None:
    rows = [["uscc", "year", "营业收入(万元)", "主营业务收入(元)"], [code(1), "2023", "100", "1000001"]]
    p = _only(_read(tmp_path, rows))
    assert p.column == "主营业务收入(元)" and p.value == "1000001"
    assert p.reason == "主营业务收入(100.0001) 大于 营业收入(100)"


def test_self_developed_class1_ip(tmp_path) -> None:
    rows = [
        ["uscc", "year", "invention_patents", "other_class1_ip", "class1_ip_self_developed"],
        [code(1), "2023", "2", "1", "4"],
        [code(2), "2023", "2", "1", "3"],
        [code(3), "2023", "2", "", "9"],  # other_class1_ip not reported: cannot tell
    ]
    p = _only(_read(tmp_path, rows))
    assert (p.row, p.column, p.value) == (2, "class1_ip_self_developed", "4")
    assert "大于" in p.reason


def test_net_assets_identity_within_tolerance(tmp_path) -> None:
    rows = [
        ["uscc", "year", "净资产（所有者权益）", "资产总额", "负债总额"],
        [code(1), "2023", "50", "100", "50.005"],  # off by 0.005 万元: rounding, fine
        [code(2), "2023", "50", "100", "49"],  # off by 1 万元
        [code(3), "2023", "50", "100", ""],  # not all three: nothing to check
    ]
    p = _only(_read(tmp_path, rows))
    assert (p.row, p.column, p.value) == (3, "净资产（所有者权益）", "50")
    assert p.reason == "净资产（所有者权益）(50) 不等于 资产总额(100) − 负债总额(49) = 51"


def test_qualifications(tmp_path) -> None:
    rows = [
        ["统一社会信用代码", "资质类型", "有效期起", "有效期止", "证书编号"],
        [code(1), "高新技术企业", "2021-12-01", "2024-11-30", "GR202135000001"],
        [code(1), "tech_sme", "2023-05-01", "2023-12-31", ""],
        [code(2), '专精特新"小巨人"企业', "2022-07-01", "2025-06-30", ""],
        [code(2), "瞪羚", "2022-07-01", "2025-06-30", ""],  # unknown kind
        [code(3), "unicorn", "2024-01-01", "2023-01-01", ""],  # ends before it starts
        [code(3), "gazelle", "", "2023-01-01", ""],  # start missing
    ]
    result = _read(tmp_path, rows, "q.csv")
    assert [(p.row, p.column) for p in result.errors] == [(5, "资质类型"), (6, "有效期止"), (7, "有效期起")]
    assert result.errors[1].reason == "有效期止(2023-01-01) 早于 有效期起(2024-01-01)"
    assert result.errors[2].reason == "缺少有效期起"
    q = result.dataset.qualifications
    assert q["kind"].to_list() == ["hightech", "tech_sme", "little_giant"]
    assert q.columns == ["uscc", "kind", "valid_from", "valid_to", "certificate_no"]
    assert q["certificate_no"].to_list() == ["GR202135000001", None, None]


def test_qualification_sheet_without_required_column(tmp_path) -> None:
    rows = [["uscc", "kind", "valid_from"], [code(1), "hightech", "2021-01-01"]]
    result = _read(tmp_path, rows, "q.csv")
    assert any(p.row is None and "有效期止" in p.reason for p in result.errors)
    assert result.dataset.qualifications.is_empty()


def test_duplicate_uscc_in_enterprise_rows(tmp_path) -> None:
    rows = [["uscc", "name", "zone"], [code(1), "甲", "FZ"], [code(2), "乙", "FZ"], [code(1), "甲", "FZ"]]
    result = _read(tmp_path, rows)
    assert [(p.row, p.column, p.value) for p in result.errors] == [(2, "uscc", code(1)), (4, "uscc", code(1))]
    assert "另见第4行" in result.errors[0].reason and "另见第2行" in result.errors[1].reason
    assert result.dataset.enterprises["uscc"].to_list() == [code(2)]


def test_duplicate_uscc_year_in_report_rows(tmp_path) -> None:
    rows = [
        ["uscc", "year", "revenue"],
        [code(1), "2023", "1"],
        [code(1), "2022", "1"],
        [code(1), "2023", "1"],
    ]
    result = _read(tmp_path, rows)
    assert [p.row for p in result.errors] == [2, 4]
    assert all("同一企业同一年度重复" in p.reason for p in result.errors)
    assert result.dataset.reports["year"].to_list() == [2022]


def test_combined_rows_must_agree_on_enterprise_attributes(tmp_path) -> None:
    rows = [
        ["uscc", "name", "zone", "year", "revenue"],
        [code(1), "甲公司", "FZ", "2023", "10"],
        [code(1), "甲有限公司", "FZ", "2022", "9"],
        [code(2), "乙", "FZ", "2023", "1"],
        [code(2), "乙", "FZ", "2022", "1"],
    ]
    result = _read(tmp_path, rows)
    assert [(p.row, p.column, p.value) for p in result.errors] == [
        (2, "name", "甲公司"),
        (3, "name", "甲有限公司"),
    ]
    assert result.errors[0].reason == "企业名称(甲公司) 与 第3行 的企业名称(甲有限公司) 不一致"
    assert result.dataset.enterprises["uscc"].to_list() == [code(2)]
    assert result.dataset.reports["uscc"].to_list() == [code(2), code(2)]  # the rows went, years and all


def test_wrong_unit_is_a_column_problem(tmp_path) -> None:
    rows = [["uscc", "year", "营业收入(美元)", "职工总数(个)", "研发费用"], [code(1), "2023", "1", "2", "3"]]
    result = _read(tmp_path, rows)
    assert [(p.row, p.column) for p in result.errors] == [(None, "营业收入(美元)"), (None, "职工总数(个)")]
    assert "无法识别的金额单位“美元”" in result.errors[0].reason
    assert "应为“人”" in result.errors[1].reason
    assert result.dataset.reports.columns == ["uscc", "year", "rd_expense"]  # those columns are left out


def test_unknown_header_is_a_warning_and_the_file_still_loads(tmp_path) -> None:
    rows = [["uscc", "name", "zone", "备注", "联系人"], [code(1), "甲", "FZ", "x", "张三"]]
    result = _read(tmp_path, rows)
    assert result.ok
    assert [(p.column, p.severity) for p in result.problems] == [("备注", "warning"), ("联系人", "warning")]
    assert result.dataset.enterprises.height == 1


def test_duplicate_mapped_headers_are_an_error(tmp_path) -> None:
    rows = [
        ["uscc", "name", "zone", "revenue", "营业收入(元)", "year"],
        [code(1), "甲", "FZ", "1", "2", "2023"],
    ]
    result = _read(tmp_path, rows)
    (p,) = result.errors
    assert p.column == "营业收入(元)" and "重复" in p.reason and "D列“revenue”" in p.reason
    assert "revenue" not in result.dataset.reports.columns


def test_report_columns_without_year(tmp_path) -> None:
    rows = [["uscc", "name", "zone", "revenue"], [code(1), "甲", "FZ", "1"]]
    result = _read(tmp_path, rows)
    (p,) = result.errors
    assert p.column == "revenue" and "缺少“年度”列" in p.reason
    assert result.dataset.enterprises.height == 1


def test_no_uscc_column(tmp_path) -> None:
    result = _read(tmp_path, [["name", "zone"], ["甲", "FZ"]])
    assert not result.ok and "缺少“统一社会信用代码”列" in result.errors[0].reason


def test_all_problems_at_once(tmp_path) -> None:
    rows = [
        ["uscc", "name", "zone", "established", "year", "employees", "tech_staff", "revenue"],
        [code(1), "甲", "FZ", "2020-01-01", "2023", "10", "5", "100"],
        [code(2), "乙", "FZ", "2020-13-01", "2023", "ten", "5", "-1"],  # three problems in one row
        ["12345", "丙", "FZ", "2020-01-01", "2023", "10", "5", "100"],
        [code(4), "丁", "", "2020-01-01", "2023", "10", "50", "100"],  # two problems
        [code(5), "戊", "FZ", "2020-01-01", "2023", "10", "5", "100"],
    ]
    result = _read(tmp_path, rows)
    assert [(p.row, p.column) for p in result.errors] == [
        (3, "established"), (3, "employees"), (3, "revenue"), (4, "uscc"), (5, "zone"), (5, "tech_staff"),
    ]  # fmt: skip
    assert result.skipped == [("v.csv", 3), ("v.csv", 4), ("v.csv", 5)]
    assert result.dataset.enterprises["uscc"].to_list() == [code(1), code(5)]
    assert result.dataset.reports["uscc"].to_list() == [code(1), code(5)]
    assert not result.ok


def test_english_reasons_are_present(tmp_path) -> None:
    rows = [["uscc", "year", "revenue"], [code(1), "2023", "x"]]
    p = _only(_read(tmp_path, rows))
    assert p.reason == "不是有效的数字" and p.reason_en == "not a valid number"
