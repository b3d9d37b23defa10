"""The annotated copy of a file: exactly the problem cells filled light red, each with its reason."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from gaoxin.io.annotate import FILL, annotate
from gaoxin.io.problems import WARNING, Problem
from gaoxin.io.read import read_inputs
from gaoxin.io.sources import LoadError
from tests.io.helpers import code, write_csv, write_xlsx

ARGB = "FF" + FILL.lstrip("#")


def marked(content: bytes) -> dict[tuple[str, str], str]:
    """(sheet, cell) → comment text of every filled cell; every commented cell must be filled, too."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                filled = cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == ARGB
                assert filled == (cell.comment is not None), cell.coordinate
                if filled:
                    out[(ws.title, cell.coordinate)] = cell.comment.text
    return out


def test_an_xlsx_gets_its_problem_cells_marked_and_its_values_kept(tmp_path):
    path = write_xlsx(
        tmp_path / "企业.xlsx",
        {
            "企业信息": [
                ["统一社会信用代码", "企业名称", "成立日期"],
                [code(1), "甲公司", dt.date(2015, 3, 1)],
                [code(2), "", "2015-13-45"],
            ],
            "年度报表": [["统一社会信用代码", "年度", "营业收入（万元）"], [code(1), 2024, 100.5]],
        },
    )
    problems = [
        Problem("企业.xlsx", 3, "企业名称", None, "缺少企业名称", "企业信息"),
        Problem("企业.xlsx", 3, "成立日期", "2015-13-45", "不是有效的日期", "企业信息"),
        Problem("企业.xlsx", 3, "成立日期", "2015-13-45", "第二个原因", "企业信息"),
        Problem("企业.xlsx", None, "营业收入（万元）", None, "单位不对", "年度报表"),  # a column
        Problem("企业.xlsx", None, None, None, "整个文件的问题"),  # the file: nothing to mark
        Problem("别的.xlsx", 2, "企业名称", None, "另一个文件"),  # another file: ignored
    ]
    out = annotate(path.read_bytes(), "企业.xlsx", problems)
    assert marked(out) == {
        ("企业信息", "B3"): "缺少企业名称",
        ("企业信息", "C3"): "不是有效的日期\n第二个原因",
        ("年度报表", "C1"): "单位不对",
    }
    wb = openpyxl.load_workbook(io.BytesIO(out))
    assert wb.sheetnames == ["企业信息", "年度报表"]
    ws = wb["企业信息"]
    assert [c.value for c in ws[2]] == [code(1), "甲公司", dt.datetime(2015, 3, 1)]
    assert ws["C3"].value == "2015-13-45" and wb["年度报表"]["C2"].value == 100.5


def test_a_csv_becomes_an_xlsx_with_the_same_rows_and_the_reader_s_problems_marked(tmp_path):
    rows = [
        ["统一社会信用代码", "企业名称", "所在园区", "年度", "营业收入（万元）"],
        [code(1), "甲公司", "Z001", "2024", "100"],
        [code(2), "乙公司", "Z001", "2024", "-5"],  # row 3: negative revenue
        [code(3)[:-1] + "X", "丙公司", "Z001", "2024", "7"],  # row 4: a wrong check character
    ]
    path = write_csv(tmp_path / "数据.csv", rows, encoding="gb18030")
    result = read_inputs([path])
    errors = [p for p in result.problems if p.is_error and p.row is not None]
    assert {(p.row, p.column) for p in errors} >= {(3, "营业收入（万元）"), (4, "统一社会信用代码")}
    out = annotate(path.read_bytes(), "数据.csv", errors)
    letters = dict(zip(rows[0], "ABCDE", strict=True))
    expected: dict[tuple[str, str], list[str]] = {}
    for p in errors:
        expected.setdefault(("数据", f"{letters[p.column]}{p.row}"), []).append(p.reason)
    assert marked(out) == {k: "\n".join(dict.fromkeys(v)) for k, v in expected.items()}
    ws = openpyxl.load_workbook(io.BytesIO(out)).active
    assert [c.value for c in ws[1]] == rows[0] and ws["E3"].value == "-5"  # text as written


def test_a_title_above_the_header_and_a_row_problem_without_a_column(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        {"表": [["2024 年度数据"], ["统一社会信用代码", "企业名称"], [code(1), "甲"], [code(2), "乙"]]},
    )
    problems = [
        Problem("t.xlsx", 4, "企业名称", "乙", "重名", None),  # one sheet: no sheet name needed
        Problem("t.xlsx", 3, None, None, "整行有误", None, WARNING),
    ]
    assert marked(annotate(path.read_bytes(), "t.xlsx", problems)) == {
        ("表", "B4"): "重名",
        ("表", "A3"): "整行有误",
    }


def test_a_parquet_file_and_an_unreadable_file(tmp_path):
    import polars as pl

    buf = io.BytesIO()
    pl.DataFrame({"uscc": [code(1), code(2)], "revenue": [1.0, -2.0]}).write_parquet(buf)
    out = annotate(buf.getvalue(), "x.parquet", [Problem("x.parquet", 3, "revenue", "-2", "负数")])
    assert marked(out) == {("x", "B3"): "负数"}
    with pytest.raises(LoadError):
        annotate(b"not a workbook", "x.xlsx", [])
