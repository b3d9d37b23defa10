"""XLSX (python-calamine) and Parquet inputs."""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.io.read import read_file
from tests.io.helpers import code, where, write_xlsx

ENTERPRISES = [
    ["统一社会信用代码", "企业名称", "所在园区", "成立日期"],
    [code(1), "甲公司", "FZ", dt.date(2015, 3, 4)],  # a real date cell
    [code(2), "乙公司", "FZ", 43835],  # an Excel serial number: 2020-01-05
    [code(3), "丙公司", "FZ", "2019年7月1日"],  # a date typed as text
    [code(4), "丁公司", "FZ", dt.datetime(2021, 2, 3, 9, 30)],  # a date-time cell: the date counts
    [code(5), "戊公司", "FZ", 44230.75],  # a serial with a time of day: 2021-02-03
]
REPORTS = [
    ["uscc", "年度", "营业收入（万元）", "研发费用[元]", "职工总数", "列入严重失信主体名单"],
    [code(1), 2023, 1000.5, 1234567, 120, False],
    [code(1), 2022, 900, 1000000, 100, "否"],
    [code(2), 2023, 50, 0, 8, 0],
]


def test_template_with_enterprise_and_report_sheets(tmp_path) -> None:
    notes = [["填表说明"], ["金额单位见表头"]]
    lookup = [["高新技术领域"], ["电子信息"]]  # a hidden drop-down list: not data
    path = write_xlsx(
        tmp_path / "模板.xlsx",
        {"说明": notes, "企业": ENTERPRISES, "年报": REPORTS, "lists": lookup},
        hidden=["lists"],
    )
    result = read_file(path)
    assert result.ok, result.problems
    ent, rep = result.dataset.enterprises, result.dataset.reports
    assert ent["established"].to_list() == [
        dt.date(2015, 3, 4), dt.date(2020, 1, 5), dt.date(2019, 7, 1), dt.date(2021, 2, 3), dt.date(2021, 2, 3),
    ]  # fmt: skip
    assert rep.select("uscc", "year").rows() == [(code(1), 2023), (code(1), 2022), (code(2), 2023)]
    assert rep["revenue"].to_list() == [1000.5, 900.0, 50.0]
    assert rep["rd_expense"].to_list() == [123.4567, 100.0, 0.0]
    assert rep["employees"].dtype == pl.Int64 and rep["employees"].to_list() == [120, 100, 8]
    assert rep["serious_dishonesty"].to_list() == [False, False, False]
    assert result.sources[0].tables == ("enterprise", "report")
    assert result.sources[0].rows == 8
    # The notes sheet is mentioned once, as a warning; the hidden list sheet not at all.
    assert [(p.sheet, p.severity) for p in result.problems] == [("说明", "warning")]


def test_problems_name_the_sheet_and_spreadsheet_row(tmp_path) -> None:
    bad_reports = [REPORTS[0], [code(1), 2023, -5, 1, 1, "否"], [code(2), 2023, 1, 1, "十", "否"]]
    path = write_xlsx(tmp_path / "b.xlsx", {"企业": ENTERPRISES, "年报": bad_reports})
    result = read_file(path)
    negative, not_number = result.errors
    assert (negative.sheet, negative.row, negative.column, negative.value) == (
        "年报",
        2,
        "营业收入（万元）",
        "-5",
    )
    assert negative.reason == "不能为负数"
    assert (not_number.sheet, not_number.row, not_number.column, not_number.value) == (
        "年报",
        3,
        "职工总数",
        "十",
    )
    assert ("b.xlsx:年报", 2) in result.skipped and ("b.xlsx:年报", 3) in result.skipped


def test_single_sheet_with_title_row_and_combined_columns(tmp_path) -> None:
    rows = [
        ["2023年度企业创新积分申报表"],
        [],
        ["统一社会信用代码", "企业名称", "所在园区", "年度", "有效发明专利数(件)"],
        [code(1), "甲", "FZ", 2023, 3],
        [code(1), "甲", "FZ", 2022, 2],
        [code(2), "乙", "FZ", 2023, 1.5],
    ]
    result = read_file(write_xlsx(tmp_path / "one.xlsx", {"Sheet1": rows}))
    (p,) = result.errors
    assert (p.sheet, p.row, p.column, p.value, p.reason) == (
        "Sheet1",
        6,
        "有效发明专利数(件)",
        "1.5",
        "不是整数",
    )
    assert result.dataset.enterprises["uscc"].to_list() == [code(1)]
    assert result.dataset.reports["invention_patents"].to_list() == [3, 2]


def test_numbers_as_text_and_uscc_as_text(tmp_path) -> None:
    rows = [["uscc", "年度", "营业收入(元)"], [code(1), "2023", "1,234,567"]]
    result = read_file(write_xlsx(tmp_path / "t.xlsx", {"年报": rows}))
    assert result.ok, result.problems
    assert result.dataset.reports["revenue"].to_list() == [123.4567]


def test_workbook_without_known_sheets_is_an_error(tmp_path) -> None:
    result = read_file(write_xlsx(tmp_path / "n.xlsx", {"A": [["foo", "bar"], [1, 2]], "B": [["x"]]}))
    assert not result.ok
    assert any("没有可识别的数据表" in p.reason for p in result.errors)


def test_parquet_typed_and_text_columns(tmp_path) -> None:
    frame = pl.DataFrame(
        {
            "统一社会信用代码": [code(1), code(2)],
            "企业名称": ["甲", "乙"],
            "所在园区": ["FZ", "XM"],
            "成立日期": [dt.date(2015, 3, 4), None],
            "年度": [2023, 2023],
            "营业收入(元)": [1234567.0, None],
            "职工总数": [10, 20],
            "主导产品全国细分市场占有率(%)": ["12.5", "—"],
            "列入严重失信主体名单": [True, False],
        }
    )
    path = tmp_path / "p.parquet"
    frame.write_parquet(path)
    result = read_file(path)
    assert result.ok, result.problems
    ent, rep = result.dataset.enterprises, result.dataset.reports
    assert ent["established"].to_list() == [dt.date(2015, 3, 4), None]
    assert rep["revenue"].to_list() == [123.4567, None]
    assert rep["employees"].to_list() == [10, 20]
    assert rep["niche_market_share"].to_list() == [0.125, None]
    assert rep["serious_dishonesty"].to_list() == [True, False]


def test_parquet_problems_use_spreadsheet_rows(tmp_path) -> None:
    path = tmp_path / "p.parquet"
    pl.DataFrame({"uscc": [code(1), "bad"], "name": ["甲", "乙"], "zone": ["FZ", "FZ"]}).write_parquet(path)
    result = read_file(path)
    (p,) = where(result, column="uscc")
    assert p.row == 3 and p.value == "bad"


def test_skipped_rows_name_the_sheet_in_a_workbook_with_several_sheets(tmp_path) -> None:
    bad = [["uscc", "name", "zone"], [code(1), "甲", ""]]
    one = read_file(write_xlsx(tmp_path / "one.xlsx", {"企业": bad}))
    assert one.skipped == [("one.xlsx", 2)]
    two = read_file(write_xlsx(tmp_path / "two.xlsx", {"说明": [["填表说明"]], "企业": bad}))
    assert two.skipped == [("two.xlsx:企业", 2)]
