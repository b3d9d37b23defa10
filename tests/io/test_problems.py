"""Showing problems: the terminal table and the xlsx a person can filter."""

from __future__ import annotations

import openpyxl

from gaoxin.io.problems import Problem, format_problems, write_problems_xlsx
from gaoxin.io.read import read_file
from tests.io.helpers import code, write_csv

PROBLEMS = [
    Problem("企业.csv", 3, "营业收入(元)", "-5", "不能为负数", reason_en="must not be less than 0"),
    Problem("年报.xlsx", 12, "科技人员数", "120", "科技人员数(120) 大于 职工总数(100)", sheet="年报"),
    Problem("企业.csv", None, "备注", None, "无法识别的列名，此列未读取", severity="warning"),
]


def test_terminal_table() -> None:
    text = format_problems(PROBLEMS)
    lines = text.splitlines()
    assert lines[0].split() == ["文件", "工作表", "行", "列", "值", "原因"]
    assert "科技人员数(120) 大于 职工总数(100)" in text
    assert "警告：无法识别的列名" in text
    assert lines[-1] == "共 3 条问题（错误 2 条，警告 1 条）"
    # Columns line up although Chinese characters take two terminal cells.
    from gaoxin.io.problems import _width

    rows = lines[2:5]
    starts = {_width(r[: r.index(v)]) for r, v in zip(rows, ["-5", "120", "警告"], strict=True)}
    assert len(starts) == 2  # values share a column; the warning has no value, so its reason starts later


def test_terminal_table_without_sheets_and_limited() -> None:
    text = format_problems([PROBLEMS[0], PROBLEMS[2]], limit=1)
    assert text.splitlines()[0].split() == ["文件", "行", "列", "值", "原因"]
    assert "不能为负数" in text and "无法识别" not in text
    assert "只显示前 1 条" in text
    assert format_problems([]) == "没有发现问题。"


def test_xlsx_reads_back(tmp_path) -> None:
    path = tmp_path / "问题.xlsx"
    write_problems_xlsx(PROBLEMS, path)
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("文件", "工作表", "行", "列", "值", "原因", "级别")
    assert rows[1] == ("企业.csv", None, 3, "营业收入(元)", "-5", "不能为负数", "错误")
    assert rows[2] == (
        "年报.xlsx",
        "年报",
        12,
        "科技人员数",
        "120",
        "科技人员数(120) 大于 职工总数(100)",
        "错误",
    )
    assert rows[3] == ("企业.csv", None, None, "备注", None, "无法识别的列名，此列未读取", "警告")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G4"
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFG"}
    assert widths["F"] > widths["C"]  # the reason column is wider than the row-number column
    assert all(6 <= w <= 62 for w in widths.values())


def test_xlsx_of_a_real_read(tmp_path) -> None:
    rows = [["uscc", "name", "zone"], ["bad", "甲", "FZ"], [code(1), "", "FZ"], [code(2), "乙", "FZ"]]
    result = read_file(write_csv(tmp_path / "e.csv", rows))
    write_problems_xlsx(result.problems, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    got = [(r[0], r[2], r[3]) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert got == [("e.csv", 2, "uscc"), ("e.csv", 3, "name")]


def test_empty_problem_list_still_writes_headers(tmp_path) -> None:
    write_problems_xlsx([], tmp_path / "none.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "none.xlsx").active
    assert next(ws.iter_rows(values_only=True))[0] == "文件"
