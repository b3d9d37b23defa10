"""Small typed tables: every problem at once with its cell, exact decimals, round trips."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import xlsxwriter

from gaoxin.io.tables import Column, Sheet, read_table, template, to_bytes

COLUMNS = [
    Column("name", "项目名称", "Project", required=True),
    Column("amount", "投资额（万元）", "Amount", "decimal", required=True),
    Column("stage", "阶段", "Stage", "enum", choices={"lead": "线索", "signed": "签约"}),
    Column("signed_on", "签约日期", "Signed on", "date"),
    Column("jobs", "就业人数", "Jobs", "int"),
    Column("key", "是否重点", "Key project", "bool"),
]


def xlsx(rows: list[list], sheet: str = "Sheet1") -> bytes:
    import io

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(
                    r, c, dt.datetime.combine(v, dt.time()), wb.add_format({"num_format": "yyyy-mm-dd"})
                )
            elif v is not None:
                ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def test_good_rows_are_typed_exactly():
    data = xlsx(
        [
            ["项目名称", "投资额(万元)", "阶段", "签约日期", "Jobs", "是否重点"],
            ["芯片封测基地", "12345.67", "签约", dt.date(2025, 3, 1), 120, "是"],
            [None, None, None, None, None, None],  # blank rows are skipped
            ["数据库产业园", 800, "lead", "2025年4月2日", None, "否"],
        ]
    )
    got = read_table(data, COLUMNS, name="projects.xlsx")
    assert got.ok, got.problems
    assert got.rows[0] == {
        "_row": 2,
        "name": "芯片封测基地",
        "amount": Decimal("12345.67"),
        "stage": "signed",
        "signed_on": dt.date(2025, 3, 1),
        "jobs": 120,
        "key": True,
    }
    assert got.rows[1]["_row"] == 4 and got.rows[1]["amount"] == Decimal(800)
    assert got.rows[1]["stage"] == "lead" and got.rows[1]["signed_on"] == dt.date(2025, 4, 2)
    assert got.rows[1]["jobs"] is None and got.rows[1]["key"] is False


def test_every_problem_names_its_cell():
    data = xlsx(
        [
            ["项目名称", "投资额（万元）", "阶段", "签约日期", "就业人数", "是否重点", "备注"],
            ["", "abc", "洽谈中", "2025-13-40", 1.5, "也许", "x"],
        ],
        sheet="项目",
    )
    got = read_table(data, COLUMNS, name="p.xlsx")
    assert not got.ok
    cells = {(p.row, p.column, p.value, p.reason) for p in got.problems}
    assert (2, "项目名称", "", "必填项为空") in cells
    assert (2, "投资额（万元）", "abc", "应为数字") in cells
    assert (2, "阶段", "洽谈中", "不是允许的取值") in cells
    assert (2, "签约日期", "2025-13-40", "应为日期，如 2025-03-01") in cells
    assert (2, "就业人数", "1.5", "应为整数") in cells
    assert (2, "是否重点", "也许", "应为“是”或“否”") in cells
    assert (1, "备注", None, "无法识别的列，已忽略") in cells  # a warning, not an error
    assert all(p.sheet == "项目" and p.file == "p.xlsx" for p in got.problems)
    assert all(p.reason_en for p in got.problems)


def test_missing_required_columns_and_bad_files():
    got = read_table(xlsx([["阶段"], ["线索"]]), COLUMNS)
    assert {p.column for p in got.errors} == {"项目名称", "投资额（万元）"} and not got.rows
    assert read_table(b"\x00\x01garbage", COLUMNS).errors[0].reason.startswith("无法读取")
    assert read_table(xlsx([["项目名称"]]), COLUMNS, sheet="nope").errors[0].value == "nope"
    assert read_table(b"", COLUMNS).errors[0].reason == "文件中没有表头行"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_any_common_encoding(encoding):
    text = '项目名称,投资额（万元）\n软件园,"1,000.5"\n'
    got = read_table(text.encode(encoding), COLUMNS[:2], name="p.csv")
    assert got.ok and got.rows == [{"_row": 2, "name": "软件园", "amount": Decimal("1000.5")}]


def test_written_tables_read_back_identically():
    rows = [
        {
            "name": "芯片",
            "amount": Decimal("1.25"),
            "stage": "signed",
            "signed_on": dt.date(2025, 1, 31),
            "jobs": 3,
            "key": True,
        },
        {
            "name": "软件",
            "amount": Decimal("0"),
            "stage": None,
            "signed_on": None,
            "jobs": None,
            "key": False,
        },
    ]
    back = read_table(to_bytes([Sheet("项目", COLUMNS, rows)]), COLUMNS)
    assert back.ok and [{k: v for k, v in r.items() if k != "_row"} for r in back.rows] == rows
    empty = read_table(template(COLUMNS), COLUMNS)
    assert empty.ok and empty.rows == []


def test_column_specs_are_checked():
    with pytest.raises(ValueError, match="kind"):
        Column("x", "x", "x", "money")
    with pytest.raises(ValueError, match="choices"):
        Column("x", "x", "x", "enum")


def test_the_registry_readers_cell_vocabulary():
    # One vocabulary with gaoxin.io.cells: ✓/对/✗ are yes/no, "-" and "无数据" are empty, an Excel
    # serial number is a date (45717 = 2025-03-01), full-width digits and ¥ read as numbers.
    data = xlsx(
        [
            ["项目名称", "投资额（万元）", "签约日期", "就业人数", "是否重点"],
            ["甲", "￥１,２３４.５", 45717, "-", "✓"],
            ["乙", "7", "20250302", "无数据", "对"],
            ["丙", "8", "2025", "１２", "✗"],
            ["丁", "-", None, "35人", "错"],
        ]
    )
    got = read_table(data, COLUMNS)
    by_name = {r["name"]: r for r in got.rows}
    assert by_name["甲"]["amount"] == Decimal("1234.5")
    assert by_name["甲"]["signed_on"] == dt.date(2025, 3, 1) and by_name["甲"]["jobs"] is None
    assert by_name["甲"]["key"] is True and by_name["乙"]["key"] is True
    assert by_name["乙"]["signed_on"] == dt.date(2025, 3, 2) and by_name["乙"]["jobs"] is None
    assert by_name["丙"]["jobs"] == 12 and by_name["丙"]["key"] is False
    errors = {(p.row, p.column, p.value, p.reason) for p in got.errors}
    assert errors == {
        (4, "签约日期", "2025", "应为日期，如 2025-03-01"),  # a bare year is not a date (nor serial 2025)
        (5, "投资额（万元）", "-", "必填项为空"),  # "-" is empty, and the amount is required
        (5, "就业人数", "35人", "应为整数"),  # a unit the column does not declare
    }
    assert [p.row for p in got.errors] == sorted(p.row for p in got.errors)
