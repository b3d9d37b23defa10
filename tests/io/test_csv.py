"""CSV: encodings detected, Chinese headers, units, numbers, dates, booleans and missing markers."""

from __future__ import annotations

import codecs
import datetime as dt

import polars as pl
import pytest

from gaoxin.data.dataset import schema
from gaoxin.io.read import read_file
from tests.io.helpers import code, csv_text, where, write_csv

CHINESE = [
    [
        "统一社会信用代码",
        "企业名称",
        "所在园区",
        "成立日期",
        "年度",
        "职工总数",
        "营业收入(元)",
        "高新技术领域",
    ],
    [code(1), "福州甲科技有限公司", "福州高新区", "2015-06-01", "2023", "120", "1234567", "电子信息"],
    [code(2), "厦门乙软件股份公司", "厦门火炬", "2018/3/9", "2023", "45", "9800000", "新材料"],
]


@pytest.mark.parametrize(
    ("encoding", "detected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")]
)
def test_encodings_with_chinese_headers(tmp_path, encoding: str, detected: str) -> None:
    path = write_csv(tmp_path / "企业.csv", CHINESE, encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(codecs.BOM_UTF8)
    if encoding == "gb18030":  # really not UTF-8, or the test proves nothing
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    result = read_file(path)
    assert result.ok, result.problems
    assert result.sources[0].encoding == detected
    ent = result.dataset.enterprises
    assert ent["name"].to_list() == ["福州甲科技有限公司", "厦门乙软件股份公司"]
    assert ent["zone"].to_list() == ["福州高新区", "厦门火炬"]
    assert ent["tech_field"].to_list() == ["电子信息", "新材料"]
    assert result.dataset.reports["revenue"].to_list() == [123.4567, 980.0]


def test_gbk_file_from_old_excel_reads_as_gb18030(tmp_path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(csv_text(CHINESE).encode("gbk"))  # GBK is a subset of GB18030
    result = read_file(path)
    assert result.ok and result.sources[0].encoding == "gb18030"
    assert result.dataset.enterprises["name"][0] == "福州甲科技有限公司"


def test_undecodable_file_is_refused_with_a_clear_error(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"uscc,name\n" + code(1).encode() + b",\xff\xfe\xfa\n")
    result = read_file(path)
    assert not result.ok
    (p,) = result.errors
    assert p.file == "bad.csv" and p.row is None
    assert "无法识别文件编码" in p.reason and "第 2 行" in p.reason
    assert result.dataset.enterprises.is_empty()


def test_tab_separated_text(tmp_path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(f"uscc\tname\tzone\n{code(1)}\t甲\tFZ\n", encoding="utf-8")
    result = read_file(path)
    assert result.ok and result.dataset.enterprises["name"].to_list() == ["甲"]


def test_unsupported_and_missing_files(tmp_path) -> None:
    (tmp_path / "x.doc").write_bytes(b"hello")
    result = read_file(tmp_path / "x.doc")
    assert not result.ok and "不支持的文件类型" in result.errors[0].reason
    result = read_file(tmp_path / "nope.csv")
    assert not result.ok and "无法读取文件" in result.errors[0].reason


def _one(tmp_path, header: str, cells: list[str], extra: dict[str, str] | None = None):
    """Read a report CSV with one column ``header`` holding ``cells`` (one row each)."""
    cols = {"uscc": None, "year": "2023", **(extra or {})}
    rows = [[*cols, header]]
    for i, c in enumerate(cells):
        rows.append([code(i) if k == "uscc" else v for k, v in cols.items()] + [c])
    return read_file(write_csv(tmp_path / "r.csv", rows))


@pytest.mark.parametrize(
    ("header", "cell", "expected"),
    [
        ("研发费用(元)", "1234567", 123.4567),  # exact: the double nearest 123.4567
        ("研发费用（元）", "1,234,567", 123.4567),
        ("rd_expense[千元]", "1234.567", 123.4567),
        ("研发费用(万元)", "123.4567", 123.4567),
        ("研发费用(百万元)", "1.234567", 123.4567),
        ("研发费用(亿元)", "0.01234567", 123.4567),
        ("研发费用", " 1 234.5 ", 1234.5),  # spaces as thousands separators, and around
        ("研发费用", "１２３", 123.0),  # full-width digits
        ("研发费用", "-0.5", -0.5),  # negative: a bound problem later, but a number
        ("净利润", "-1,234.5", -1234.5),
        ("主导产品全国细分市场占有率(%)", "35", 0.35),
        ("主导产品全国细分市场占有率(%)", "12.5%", 0.125),  # % in both: still ÷100 once
        ("主导产品全国细分市场占有率", "12.5%", 0.125),
        ("主导产品全国细分市场占有率", "0.2", 0.2),
    ],
)
def test_numbers_and_units(tmp_path, header: str, cell: str, expected: float) -> None:
    result = _one(tmp_path, header, [cell])
    values = result.dataset.reports.drop("uscc", "year").row(0) if result.dataset.reports.height else None
    if expected < 0 and "研发" in header:
        assert where(result, row=2)[0].reason == "不能为负数"
        return
    assert result.ok, result.problems
    assert values == (expected,)


@pytest.mark.parametrize("marker", ["", "-", "—", "NA", "N/A", "n/a", "null", "NULL", "无数据", "  "])
def test_missing_markers_are_null_never_zero(tmp_path, marker: str) -> None:
    result = _one(tmp_path, "职工总数", [marker, "5"], {"revenue": "1"})
    assert result.ok, result.problems
    assert result.dataset.reports["employees"].to_list() == [None, 5]
    assert result.dataset.reports["employees"].null_count() == 1


def test_missing_markers_in_every_type(tmp_path) -> None:
    rows = [
        ["uscc", "name", "zone", "established", "tech_field", "year", "revenue", "serious_dishonesty"],
        [code(1), "甲", "FZ", "—", "-", "2023", "N/A", "无数据"],
    ]
    result = read_file(write_csv(tmp_path / "m.csv", rows))
    assert result.ok, result.problems
    assert result.dataset.enterprises.row(0, named=True)["established"] is None
    assert result.dataset.enterprises.row(0, named=True)["tech_field"] is None
    rep = result.dataset.reports.row(0, named=True)
    assert rep["revenue"] is None and rep["serious_dishonesty"] is None


def test_ints_must_be_whole(tmp_path) -> None:
    result = _one(tmp_path, "职工总数(人)", ["120", "120.0", "1,200", "120人", "12.5", "abc"])
    assert result.dataset.reports["employees"].to_list() == [120, 120, 1200, 120]
    assert [(p.row, p.value, p.reason) for p in result.errors] == [
        (6, "12.5", "不是整数"),
        (7, "abc", "不是有效的数字"),
    ]


def test_year_written_with_nian(tmp_path) -> None:
    rows = [["uscc", "年度", "revenue"], [code(1), "2023年", "1"], [code(1), "2022年度", "2"]]
    result = read_file(write_csv(tmp_path / "y.csv", rows))
    assert result.ok, result.problems
    assert result.dataset.reports["year"].to_list() == [2023, 2022]


@pytest.mark.parametrize(
    "cell",
    ["2020-01-05", "2020/1/5", "2020/01/05", "2020年1月5日", "2020.1.5", "20200105", "43835", "2020-01-05 00:00:00",
     "２０２０年１月５日"],
)  # fmt: skip
def test_date_forms(tmp_path, cell: str) -> None:
    rows = [["uscc", "name", "zone", "成立日期"], [code(1), "甲", "FZ", cell]]
    result = read_file(write_csv(tmp_path / "d.csv", rows))
    assert result.ok, result.problems
    assert result.dataset.enterprises["established"].to_list() == [dt.date(2020, 1, 5)]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [("2020-02-30", "不是有效的日期"), ("2020", "只有年份"), ("yesterday", "不是有效的日期")],
)
def test_bad_dates(tmp_path, cell: str, reason: str) -> None:
    rows = [["uscc", "name", "zone", "成立日期"], [code(1), "甲", "FZ", cell]]
    result = read_file(write_csv(tmp_path / "d.csv", rows))
    (p,) = result.errors
    assert (p.row, p.column, p.value) == (2, "成立日期", cell)
    assert p.reason.startswith(reason)


BOOLS = {
    "是": True, "否": False, "true": True, "FALSE": False, "True": True, "1": True, "0": False,
    "Y": True, "n": False, "y": True, "N": False, "有": True, "无": False,
}  # fmt: skip


def test_boolean_forms(tmp_path) -> None:
    result = _one(tmp_path, "列入严重失信主体名单", list(BOOLS))
    assert result.ok, result.problems
    assert result.dataset.reports["serious_dishonesty"].to_list() == list(BOOLS.values())


def test_bad_boolean(tmp_path) -> None:
    result = _one(tmp_path, "发生重大安全、质量或环境事故", ["maybe"])
    (p,) = result.errors
    assert (p.row, p.column, p.value) == (2, "发生重大安全、质量或环境事故", "maybe")
    assert "是/否" in p.reason


def test_output_dtypes_match_the_schema_and_absent_columns_stay_absent(tmp_path) -> None:
    rows = [
        ["uscc", "name", "zone", "established", "year", "employees", "revenue", "niche_market_share",
         "serious_dishonesty", "rd_institution"],
        [code(1), "甲", "FZ", "2020-01-01", "2023", "10", "5", "0.1", "否", "省级"],
    ]  # fmt: skip
    result = read_file(write_csv(tmp_path / "s.csv", rows))
    assert result.ok, result.problems
    ent, rep = result.dataset.enterprises, result.dataset.reports
    assert ent.columns == ["uscc", "name", "zone", "established"]
    supplied = {
        "uscc",
        "year",
        "employees",
        "revenue",
        "niche_market_share",
        "serious_dishonesty",
        "rd_institution",
    }
    assert rep.columns == [c for c in schema("report") if c in supplied]  # schema order
    for frame, table in ((ent, "enterprise"), (rep, "report")):
        for name, dtype in frame.schema.items():
            assert dtype == schema(table)[name], name


def test_blank_lines_do_not_shift_row_numbers(tmp_path) -> None:
    text = f"uscc,name,zone\n{code(1)},甲,FZ\n\n,,\n{code(2)},乙,\n"
    path = tmp_path / "b.csv"
    path.write_text(text, encoding="utf-8")
    result = read_file(path)
    (p,) = result.errors
    assert (p.row, p.column, p.reason) == (5, "zone", "缺少所在园区")
    assert result.sources[0].rows == 2


def test_title_row_above_the_header(tmp_path) -> None:
    rows = [["XX高新区企业名单（2023年）", "", ""], ["uscc", "name", "zone"], [code(1), "甲", ""]]
    result = read_file(write_csv(tmp_path / "t.csv", rows))
    (p,) = result.errors
    assert (p.row, p.column) == (3, "zone")  # the header is row 2, so the data row is 3


def test_uscc_upper_cased_and_trimmed(tmp_path) -> None:
    rows = [["uscc", "name", "zone"], [f"  {code(1).lower()} ", "甲", "FZ"]]
    result = read_file(write_csv(tmp_path / "u.csv", rows))
    assert result.ok and result.dataset.enterprises["uscc"].to_list() == [code(1)]
    assert result.dataset.enterprises["uscc"].dtype == pl.Utf8
