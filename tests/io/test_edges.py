"""Odd but real inputs: empty files, header-only files, the same file twice, extra columns in odd places."""

from __future__ import annotations

import shutil

from gaoxin.io.read import read_file, read_inputs
from tests.io.helpers import code, write_csv


def test_empty_file(tmp_path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    result = read_file(tmp_path / "empty.csv")
    assert not result.ok and result.errors[0].reason == "文件为空"


def test_header_only_file_is_fine_and_empty(tmp_path) -> None:
    result = read_file(write_csv(tmp_path / "h.csv", [["uscc", "name", "zone", "year", "revenue"]]))
    assert result.ok, result.problems
    assert result.dataset.enterprises.is_empty() and result.dataset.reports.is_empty()
    assert result.dataset.reports.columns == ["uscc", "year", "revenue"]


def test_the_same_file_twice_is_read_once(tmp_path) -> None:
    a = write_csv(tmp_path / "a.csv", [["uscc", "kind", "valid_from", "valid_to"],
                                       [code(1), "hightech", "2021-01-01", "2023-12-31"]])  # fmt: skip
    b = tmp_path / "copy.csv"
    shutil.copy(a, b)
    result = read_inputs([a, b])
    assert result.ok
    assert [(p.file, p.severity) for p in result.problems] == [("copy.csv", "warning")]
    assert result.dataset.qualifications.height == 1


def test_names_in_a_qualification_list_are_not_read_but_do_not_block(tmp_path) -> None:
    rows = [["企业名称", "统一社会信用代码", "资质类型", "有效期起", "有效期止"],
            ["甲", code(1), "高新技术企业", "2021/1/1", "2023/12/31"]]  # fmt: skip
    result = read_file(write_csv(tmp_path / "q.csv", rows))
    assert result.ok
    assert [(p.column, p.severity) for p in result.problems] == [("企业名称", "warning")]
    assert result.dataset.qualifications["kind"].to_list() == ["hightech"]
    assert result.dataset.enterprises.is_empty()


def test_currency_sign_and_column_without_header(tmp_path) -> None:
    rows = [["uscc", "year", "营业收入(元)", ""], [code(1), "2023", "¥1,234,567.00", "note"]]
    result = read_file(write_csv(tmp_path / "c.csv", rows))
    assert result.ok
    assert result.dataset.reports["revenue"].to_list() == [123.4567]
    assert [p.column for p in result.warnings] == ["第D列"]


def test_only_uscc_column(tmp_path) -> None:
    result = read_file(write_csv(tmp_path / "u.csv", [["uscc"], [code(1)]]))
    assert not result.ok
