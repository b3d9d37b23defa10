"""The unit-table reader (io.units) and ``gaoxin score`` on a unit model (composite-model.md, Input)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from gaoxin.cli import main
from gaoxin.io.units import read_unit_files, read_units, unit_template_headers
from gaoxin.scoring import load_model
from gaoxin.scoring.engine import score
from tests.scoring.test_composite import HEADER, NESTED

MODEL_TEXT = HEADER.replace("  - {id: c, name: 丙}", "  - {id: c, name: 丙, unit: 万元}") + NESTED.format(
    missing="reweight"
)


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "z.yaml"
    path.write_text(MODEL_TEXT.lstrip(), encoding="utf-8")
    return path, load_model(path)


def write(tmp_path, text: str, name: str = "units.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_headers_by_id_or_chinese_name_with_units_and_conversions(tmp_path, model):
    _, m = model
    path = write(
        tmp_path,
        "编码,名称,甲（家）,乙(%),丙（亿元）,d,所在省份,备注\n"
        "U1,园区一,3,12.5,1.5,4,甲省,x\n"
        "U2,园区二,,50%,0.25,,乙省,\n",
    )
    read = read_units(path, m)
    assert not read.errors
    assert [(p.column, p.severity) for p in read.problems] == [("备注", "warning")]
    rows = {r["id"]: r for r in read.frame.iter_rows(named=True)}
    assert rows["U1"]["a"] == 3 and rows["U1"]["b"] == pytest.approx(0.125)  # % header on a ratio field
    assert rows["U1"]["c"] == pytest.approx(15000)  # 亿元 → the declared 万元
    assert rows["U2"]["a"] is None and rows["U2"]["b"] == pytest.approx(0.5) and rows["U2"]["d"] is None
    assert rows["U1"]["province"] == "甲省" and "year" not in read.frame.columns


def test_every_bad_cell_is_reported_with_row_column_value_and_nothing_is_returned(tmp_path, model):
    _, m = model
    path = write(
        tmp_path,
        "id,name,year,a,b\nU1,园区一,2025,abc,0.1\nU2,,2025,1,0.2\nU1,园区三,2025,1,是\nU4,园区四,25,1,1\n",
    )
    read = read_units(path, m)
    assert read.frame is None
    got = {(p.row, p.column, p.value, p.reason_en) for p in read.errors}
    assert got == {
        (2, "a", "abc", "must be a number"),
        (3, "name", "", "required value is empty"),
        (4, "b", "是", "must be a number"),
        (4, "id", "U1", "the same unit appears twice for one year"),
        (5, "year", "25", "must be a year such as 2025"),
    }


def test_missing_required_columns_and_units_that_do_not_convert(tmp_path, model):
    _, m = model
    read = read_units(write(tmp_path, "名称,甲（万元）\n园区一,1\n"), m)
    reasons = {(p.column, p.reason_en) for p in read.errors}
    assert ("编码", "a required column is missing") in reasons
    assert ("甲（万元）", "unit '万元' does not convert to the field's unit '家'") in reasons


def test_xlsx_and_parquet_read_the_same(tmp_path, model):
    import xlsxwriter

    _, m = model
    heads = ["编码", "名称", "年度", "甲（家）", "乙"]
    rows = [["U1", "园区一", 2025, 3, 0.5], ["U2", "园区二", 2025, None, 0.25]]
    xlsx = tmp_path / "u.xlsx"
    wb = xlsxwriter.Workbook(str(xlsx))
    ws = wb.add_worksheet("园区")
    ws.write_row(0, 0, heads)
    for n, r in enumerate(rows, start=1):
        ws.write_row(n, 0, r)
    wb.close()
    a = read_units(xlsx, m)
    parquet = tmp_path / "u.parquet"
    pl.DataFrame(
        {
            "id": ["U1", "U2"],
            "name": ["园区一", "园区二"],
            "year": [2025, 2025],
            "a": [3.0, None],
            "b": [0.5, 0.25],
        }
    ).write_parquet(parquet)
    b = read_units(parquet, m)
    assert not a.errors and not b.errors
    assert a.frame.equals(b.frame)


def test_unreadable_file(tmp_path, model):
    _, m = model
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\x01\x02")
    assert read_units(path, m).errors[0].reason_en.startswith("cannot read")


def test_template_headers_read_back(model):
    _, m = model
    heads = unit_template_headers(m)
    assert heads[:3] == ["编码", "名称", "年度"] and "丙（万元）" in heads


def test_several_files_stack_and_duplicates_across_files_are_refused(tmp_path, model):
    _, m = model
    a = write(tmp_path, "id,name,year,a\nU1,一,2024,1\n", "a.csv")
    b = write(tmp_path, "id,name,year,a\nU1,一,2025,2\n", "b.csv")
    assert read_unit_files([a, b], m).frame.height == 2
    c = write(tmp_path, "id,name,year,a\nU1,一,2025,3\n", "c.csv")
    assert read_unit_files([b, c], m).frame is None


def test_cli_scores_a_unit_table_without_year_and_with_uncertainty(tmp_path, model, capsys):
    path, m = model
    data = write(tmp_path, "编码,名称,甲,乙,丙,丁\nU1,一,10,5,0,10\nU2,二,,10,,4\nU3,三,,,,\n")
    out = tmp_path / "r.csv"
    code = main(
        ["score", "--model", str(path), "--out", str(out), str(data), "--uncertainty", "50", "--seed", "7"]
    )
    assert code == 0
    frame = pl.read_csv(out)
    direct = score(m, read_units(data, m).frame, None).frame
    assert frame["id"].to_list() == direct["id"].to_list()
    assert frame["total"].to_list() == pytest.approx(direct["total"].to_list())
    assert {"rank_p05", "rank_p95", "rank_median", "list_share"} <= set(frame.columns)
    record = json.loads((tmp_path / "r.csv.run.json").read_text(encoding="utf-8"))
    assert record["year"] is None and any("unscored" in n for n in record["notes"])
    printed = capsys.readouterr().out
    assert "leave one out" in printed and "单期" in printed


def test_cli_refuses_a_bad_unit_table_and_an_enterprise_model_without_year(tmp_path, model, capsys):
    path, _ = model
    data = write(tmp_path, "编码,名称,甲\nU1,一,x\n")
    assert main(["score", "--model", str(path), "--out", str(tmp_path / "r.csv"), str(data)]) == 2
    captured = capsys.readouterr()
    assert "应为数字" in captured.err + captured.out
    assert not (tmp_path / "r.csv").exists()
    assert main(["score", "--model", "national-2025", "--out", str(tmp_path / "e.csv"), str(data)]) == 2
