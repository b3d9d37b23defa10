"""Several input files: enterprise rows merged on uscc, report rows on (uscc, year), conflicts reported."""

from __future__ import annotations

import datetime as dt

from gaoxin.io.read import read_inputs
from tests.io.helpers import code, write_csv, write_xlsx


def test_two_departments_with_partial_columns(tmp_path) -> None:
    # The registry office knows names, zones and dates; the statistics office the annual figures,
    # in yuan; the science office the R&D figures and the tech field.
    registry = write_csv(
        tmp_path / "工商.csv",
        [["统一社会信用代码", "企业名称", "所在园区", "成立日期"],
         [code(1), "甲", "FZ", "2015-01-01"], [code(2), "乙", "XM", "2018-05-05"]],
    )  # fmt: skip
    stats = write_csv(
        tmp_path / "统计.csv",
        [["统一社会信用代码", "年度", "营业收入(元)", "职工总数"],
         [code(2), "2023", "5000000", "40"], [code(1), "2023", "12345678", "100"], [code(1), "2022", "1", "90"]],
        encoding="gb18030",
    )  # fmt: skip
    science = write_csv(
        tmp_path / "科技.csv",
        [["uscc", "tech_field", "year", "rd_expense", "研发人员数"],
         [code(1), "电子信息", "2023", "300", "20"], [code(2), "新材料", "2023", "", "5"]],
    )  # fmt: skip
    result = read_inputs([registry, stats, science])
    assert result.ok, result.problems
    ent = result.dataset.enterprises
    assert ent.columns == ["uscc", "name", "zone", "established", "tech_field"]
    assert ent.rows() == [
        (code(1), "甲", "FZ", dt.date(2015, 1, 1), "电子信息"),
        (code(2), "乙", "XM", dt.date(2018, 5, 5), "新材料"),
    ]
    rep = result.dataset.reports.sort("uscc", "year")
    assert rep.columns == ["uscc", "year", "employees", "rd_staff", "revenue", "rd_expense"]
    assert rep.rows() == [
        (code(1), 2022, 90, None, 0.0001, None),
        (code(1), 2023, 100, 20, 1234.5678, 300.0),
        (code(2), 2023, 40, 5, 500.0, None),
    ]
    assert [s.tables for s in result.sources] == [("enterprise",), ("report",), ("enterprise", "report")]
    assert [s.encoding for s in result.sources] == ["utf-8", "gb18030", "utf-8"]
    assert all(len(s.sha256) == 64 for s in result.sources)


def test_conflicting_values_name_both_files(tmp_path) -> None:
    a = write_csv(tmp_path / "a.csv", [["uscc", "name", "zone", "year", "revenue"],
                                       [code(1), "甲", "FZ", "2023", "100"], [code(2), "乙", "FZ", "2023", "7"]])  # fmt: skip
    b = write_csv(tmp_path / "b.csv", [["统一社会信用代码", "所在园区", "年度", "营业收入(元)"],
                                       [code(1), "XM", "2023", "1100000"], [code(2), "FZ", "2023", "70000"]])  # fmt: skip
    result = read_inputs([a, b])
    got = [(p.file, p.row, p.column, p.value, p.reason) for p in result.errors]
    assert got == [
        ("a.csv", 2, "zone", "FZ", "所在园区(FZ) 与 b.csv 第2行 的所在园区(XM) 不一致"),
        ("a.csv", 2, "revenue", "100", "营业收入(100) 与 b.csv 第2行 的营业收入(110) 不一致"),
        ("b.csv", 2, "所在园区", "XM", "所在园区(XM) 与 a.csv 第2行 的所在园区(FZ) 不一致"),
        ("b.csv", 2, "营业收入(元)", "1100000", "营业收入(110) 与 a.csv 第2行 的营业收入(100) 不一致"),
    ]
    # code(2): 7 万元 and 70000 元 agree. code(1) is dropped from both tables.
    assert result.dataset.enterprises["uscc"].to_list() == [code(2)]
    assert result.dataset.reports["uscc"].to_list() == [code(2)]
    assert result.skipped == [("a.csv", 2), ("b.csv", 2)]


def test_money_agrees_within_rounding(tmp_path) -> None:
    a = write_csv(tmp_path / "a.csv", [["uscc", "year", "revenue"], [code(1), "2023", "123.46"]])
    b = write_csv(tmp_path / "b.csv", [["uscc", "year", "营业收入(元)"], [code(1), "2023", "1234567"]])
    result = read_inputs([a, b])
    assert result.ok, result.problems
    assert result.dataset.reports["revenue"].to_list() == [123.46]  # the first file's value is kept


def test_relation_across_files_points_at_both(tmp_path) -> None:
    a = write_csv(tmp_path / "a.csv", [["uscc", "year", "职工总数"], [code(1), "2023", "10"]])
    b = write_csv(tmp_path / "b.csv", [["uscc", "year", "科技人员数"], [code(1), "2023", "12"]])
    result = read_inputs([a, b])
    (collateral, p) = result.errors  # problems are listed in file order
    assert (p.file, p.row, p.column) == ("b.csv", 2, "科技人员数")
    assert p.reason == "科技人员数(12) 大于 职工总数(10)；职工总数见 a.csv 第2行"
    assert (collateral.file, collateral.row) == ("a.csv", 2) and "一并排除" in collateral.reason
    assert result.dataset.reports.is_empty()


def test_required_fields_checked_after_merging(tmp_path) -> None:
    names = write_csv(tmp_path / "n.csv", [["uscc", "name", "zone"], [code(1), "甲", "FZ"]])
    extra = write_csv(tmp_path / "x.csv", [["uscc", "industry"], [code(1), "I6513"], [code(2), "C3911"]])
    result = read_inputs([names, extra])
    assert [(p.file, p.row, p.column, p.reason) for p in result.errors] == [
        ("x.csv", 3, "企业名称", "缺少企业名称"),
        ("x.csv", 3, "所在园区", "缺少所在园区"),
    ]
    assert result.dataset.enterprises.rows() == [(code(1), "甲", "FZ", "I6513")]


def test_row_dropped_for_an_error_takes_its_values_with_it(tmp_path) -> None:
    # The name comes only from a row with a bad date: once that row goes, the other row lacks a name.
    names = write_csv(
        tmp_path / "n.csv", [["uscc", "name", "zone", "established"], [code(1), "甲", "FZ", "bad"]]
    )
    extra = write_csv(tmp_path / "x.csv", [["uscc", "industry"], [code(1), "I6513"]])
    result = read_inputs([names, extra])
    assert [(p.file, p.row, p.column) for p in result.errors] == [
        ("n.csv", 2, "established"),
        ("x.csv", 2, "企业名称"),
        ("x.csv", 2, "所在园区"),
    ]
    assert "已排除" in result.errors[1].reason
    assert result.dataset.enterprises.is_empty()
    assert result.skipped == [("n.csv", 2), ("x.csv", 2)]


def test_report_rows_merge_across_sheets_and_files(tmp_path) -> None:
    book = write_xlsx(
        tmp_path / "book.xlsx",
        {"企业": [["uscc", "name", "zone"], [code(1), "甲", "FZ"]],
         "年报": [["uscc", "year", "revenue"], [code(1), 2023, 10], [code(1), 2022, 8]]},
    )  # fmt: skip
    more = write_csv(tmp_path / "more.csv", [["uscc", "year", "rd_expense"], [code(1), "2023", "2"]])
    result = read_inputs([book, more])
    assert result.ok, result.problems
    assert result.dataset.reports.rows() == [(code(1), 2023, 10.0, 2.0), (code(1), 2022, 8.0, None)]


def test_qualifications_are_concatenated(tmp_path) -> None:
    header = ["uscc", "kind", "valid_from", "valid_to"]
    a = write_csv(tmp_path / "a.csv", [header, [code(1), "hightech", "2021-01-01", "2023-12-31"]])
    b = write_csv(tmp_path / "b.csv", [header, [code(1), "hightech", "2024-01-01", "2026-12-31"],
                                       [code(2), "gazelle", "2023-01-01", "2023-12-31"]])  # fmt: skip
    result = read_inputs([a, b])
    assert result.ok
    q = result.dataset.qualifications
    assert q.select("uscc", "valid_from").rows() == [
        (code(1), dt.date(2021, 1, 1)),
        (code(1), dt.date(2024, 1, 1)),
        (code(2), dt.date(2023, 1, 1)),
    ]
    assert result.dataset.enterprises.is_empty() and result.dataset.reports.is_empty()


def test_an_unreadable_file_does_not_stop_the_others(tmp_path) -> None:
    good = write_csv(tmp_path / "good.csv", [["uscc", "name", "zone"], [code(1), "甲", "FZ"]])
    result = read_inputs([tmp_path / "missing.csv", good])
    assert [p.file for p in result.errors] == ["missing.csv"]
    assert result.dataset.enterprises.height == 1


def test_conflict_and_relation_on_one_report_are_both_reported(tmp_path) -> None:
    a = write_csv(
        tmp_path / "a.csv", [["uscc", "year", "employees", "revenue"], [code(1), "2023", "10", "5"]]
    )
    b = write_csv(
        tmp_path / "b.csv", [["uscc", "year", "tech_staff", "revenue"], [code(1), "2023", "11", "6"]]
    )
    result = read_inputs([a, b])
    got = {(p.file, p.column, p.reason.split("(")[0]) for p in result.errors}
    assert got == {
        ("a.csv", "revenue", "营业收入"),
        ("b.csv", "revenue", "营业收入"),
        ("b.csv", "tech_staff", "科技人员数"),
    }
