"""The one-plan validation (``gaoxin.io.validate``) against the implementation it replaced
(``tests/io/legacy_validate.py``): the same problems in the same order, the same typed rows.

Three ways in: a large messy population (a synthetic one with faults injected into every kind of
column: full-width digits, thousands separators, 万元 in cells and in headers, bad codes, duplicates,
missing markers in any case, dates in several formats, enums by label, blank rows, values out of
range) checked sheet by sheet and through ``read_inputs``; small random sheets (hypothesis); and the
claim in ``validate`` that the missing markers' spellings are every string that lower-cases to one,
checked over the whole of Unicode.
"""

from __future__ import annotations

import dataclasses
import random
import sys

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from gaoxin.data import synth
from gaoxin.data.dictionary import BY_ID, QUALIFICATION_KINDS
from gaoxin.io import cells, limits, read, validate
from gaoxin.io.headers import Header
from gaoxin.io.mapping import map_columns
from gaoxin.io.sources import RawSheet, load
from gaoxin.io.validate import Sheet
from tests.io import legacy_validate as legacy
from tests.io.helpers import write_csv

# --- faults ------------------------------------------------------------------------------------------

_FW = str.maketrans("0123456789.-+", "０１２３４５６７８９．－＋")


def _any_case(rng: random.Random, s: str) -> str:
    return "".join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in s)


def _missing(rng: random.Random) -> str:
    marker = _any_case(rng, rng.choice(cells.MISSING))
    return rng.choice(["", " ", "\t"]) + marker + rng.choice(["", " "])


def _thousands(v: str) -> str:
    try:
        x = float(v)
    except ValueError:
        return v
    return f"{x:,.2f}" if abs(x) >= 1000 else f"{x:,}"


def _number_fault(rng: random.Random, v: str) -> str:
    return rng.choice(
        [
            lambda: v.translate(_FW),
            lambda: _thousands(v),
            lambda: f"¥{v}",
            lambda: f" {v} ",
            lambda: f"{v}万元",
            lambda: f"{v}元",
            lambda: f"-{v.lstrip('-')}",
            lambda: f"+{v.lstrip('-')}",
            lambda: "1,23",
            lambda: "abc",
            lambda: "1e3",
            lambda: ".5",
            lambda: "5.",
            lambda: "1E-2",
            lambda: f"{v}%",
            lambda: "1 234.5",
            lambda: "1e999",
            lambda: "１２,３４５．６",
        ]
    )()


def _int_fault(rng: random.Random, v: str, f) -> str:
    return rng.choice(
        [
            lambda: v.translate(_FW),
            lambda: f"{v}{f.unit}",
            lambda: _thousands(str(int(v) * 1000)) if v.lstrip("-").isdigit() else v,
            lambda: f"{v}.0",
            lambda: f"{v}.5",
            lambda: f"-{v}",
            lambda: "+7",
            lambda: "007",
            lambda: "1e2",
            lambda: "9007199254740993",
            lambda: f"{v}年" if f.id == "year" else f"{v}个",
            lambda: f"{v}年度" if f.id == "year" else "十二",
            lambda: "1900" if f.id == "year" else "150",
            lambda: "2101" if f.id == "year" else "7",
        ]
    )()


def _date_fault(rng: random.Random, v: str) -> str:
    y, m, d = v[:4], int(v[5:7]), int(v[8:10])
    return rng.choice(
        [
            lambda: f"{y}/{m}/{d}",
            lambda: f"{y}年{m}月{d}日",
            lambda: f"{y}{m:02d}{d:02d}",
            lambda: f"{y}.{m}.{d}",
            lambda: f"{v} 10:30:00",
            lambda: f"{v}T08:00",
            lambda: y,
            lambda: f"{y}-02-30",
            lambda: f"{y}-{m}-{d}",
            lambda: str(rng.randint(20000, 50000)),
            lambda: "42000.5",
            lambda: v.translate(_FW),
            lambda: "yesterday",
        ]
    )()


def _bool_fault(rng: random.Random, v: str) -> str:
    return rng.choice(["是", "否", "Y", "N", "TRUE", " yes ", "√", "×", "有", "无", "1.0", "0", "maybe", "T"])


def _enum_fault(rng: random.Random, v: str, f) -> str:
    options = [f" {v}", f"“{v}”", f"'{v}'", _any_case(rng, v), "不存在的值", v.replace("", " ").strip()]
    if f.id == "kind":
        options += [QUALIFICATION_KINDS[rng.choice(f.choices)], v.upper()]
    return rng.choice(options)


def _uscc_fault(rng: random.Random, v: str) -> str:
    return rng.choice(
        [
            lambda: v.lower(),
            lambda: v[:-1] + ("0" if v[-1] != "0" else "1"),
            lambda: v[:-2],
            lambda: f" {v} ",
            lambda: v[:8] + "I" + v[9:],
            lambda: v.translate(_FW),
            lambda: v + "X",
        ]
    )()


def _text_fault(rng: random.Random, v: str, fid: str) -> str:
    options = ["=1+2", "\t=2+3", f"{v}\x01", "x" * 250, f"  {v}  "]
    if fid == "industry":
        options += [v.lower(), "65-13", "Z9999", "I"]
    return rng.choice(options)


def _fault(rng: random.Random, fid: str, v: str | None) -> str | None:
    if rng.random() < 0.25:
        return _missing(rng)
    if v is None:
        return rng.choice([None, "", "  ", "0"])
    f = BY_ID[fid]
    if fid == "uscc":
        return _uscc_fault(rng, v)
    if f.type in ("money", "number", "ratio"):
        return _number_fault(rng, v)
    if f.type == "int":
        return _int_fault(rng, v, f)
    if f.type == "date":
        return _date_fault(rng, v)
    if f.type == "bool":
        return _bool_fault(rng, v)
    if f.type == "enum":
        return _enum_fault(rng, v, f)
    return _text_fault(rng, v, fid)


def _messy(frame: pl.DataFrame, header: dict[str, str], rng: random.Random, rate: float) -> list[list]:
    """The frame as the rows of a CSV file under ``header`` (field id → header text), with faults."""
    cols = list(header)
    text = frame.select(
        pl.col(c).cast(pl.Int8).cast(pl.Utf8) if frame[c].dtype == pl.Boolean else pl.col(c).cast(pl.Utf8)
        for c in cols
    )
    rows: list[list] = [[header[c] for c in cols]]
    seen: list[tuple] = []
    for values in text.iter_rows():
        row = [_fault(rng, c, v) if rng.random() < rate else v for c, v in zip(cols, values, strict=True)]
        rows.append(row)
        seen.append(values)
        roll = rng.random()
        if roll < 0.01:  # a blank row, or one of spaces
            rows.append([rng.choice([None, "", " "]) for _ in cols])
        elif roll < 0.03:  # a repeated key: an earlier row again, or with other values
            again = rng.choice(seen)
            keep = 2 if "year" in cols else 1
            rows.append(
                [
                    *again[:keep],
                    *(
                        _fault(rng, c, v) if rng.random() < 0.3 else v
                        for c, v in zip(cols[keep:], again[keep:], strict=True)
                    ),
                ]
            )
    return rows


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> list:
    """Four messy files from 6,000 synthetic firms (about 12,000 reports over two years)."""
    ds = synth.synthesize(6_000, zones=3, years=(2023, 2024), seed=11)
    rng = random.Random(20261203)
    out = tmp_path_factory.mktemp("messy")
    ent = ["uscc", "name", "zone", "established", "industry", "tech_field", "listed_board"]
    ent_header = {fid: BY_ID[fid].zh for fid in ent}
    reports = ds.reports
    report_ids = [c for c in reports.columns if c in BY_ID]
    # In id headers the values are in the dictionary's units: most rows take validate's fast branch.
    canonical = {fid: fid for fid in report_ids}
    # In Chinese headers with other units: 元 (exp10 = -4), %, full-width brackets.
    chinese = {fid: BY_ID[fid].zh for fid in report_ids}
    for fid in ("revenue", "rd_expense", "net_profit", "total_assets"):
        chinese[fid] = f"{BY_ID[fid].zh}(元)"
    chinese["main_revenue"] = f"{BY_ID['main_revenue'].zh}（万元）"
    chinese["niche_market_share"] = f"{BY_ID['niche_market_share'].zh}(%)"
    quals = ["uscc", "kind", "valid_from", "valid_to", "certificate_no"]
    half = reports.height // 2
    files = [
        write_csv(out / "enterprises.csv", _messy(ds.enterprises, ent_header, rng, 0.04)),
        write_csv(out / "reports.csv", _messy(reports.head(half), canonical, rng, 0.01)),
        write_csv(out / "reports-yuan.csv", _messy(reports.slice(half), chinese, rng, 0.01)),
        write_csv(
            out / "qualifications.csv",
            _messy(ds.qualifications, {q: q for q in quals if q in ds.qualifications.columns}, rng, 0.05),
        ),
    ]
    return files


def _sheets(path) -> list[Sheet]:
    loaded = load(path, limits.current())
    out = []
    for i, raw in enumerate(loaded.sheets):
        sheet = Sheet(i, loaded.name, raw)
        map_columns(sheet, workbook=False)
        if sheet.tables:
            out.append(sheet)
    return out


def _both(sheet: Sheet, cap: int | None) -> None:
    """The two implementations on one sheet agree: typed rows, problems, row and omitted counts."""
    new, old = dataclasses.replace(sheet, rows=0, omitted=0), dataclasses.replace(sheet, rows=0, omitted=0)
    new_typed, new_problems = validate.check_sheet(new, cap)
    old_typed, old_problems = legacy.check_sheet(old, cap)
    assert_frame_equal(new_typed, old_typed, check_exact=True)
    assert new_problems == old_problems
    assert (new.rows, new.omitted) == (old.rows, old.omitted)


def test_messy_population_sheet_by_sheet(population) -> None:
    sheets = [sheet for path in population for sheet in _sheets(path)]
    assert len(sheets) == 4
    reasons: set[str] = set()
    for sheet in sheets:
        for cap in (None, 1, 250):
            _both(sheet, cap)
        reasons |= {p.reason.split("（")[0] for p in validate.check_sheet(sheet)[1]}
    # faults of every kind were found (so the comparison covered them)
    for expected in ("不是有效的数字", "不是整数", "不能为负数", "不是有效的日期", "只有年份，不是完整日期"):
        assert expected in reasons
    for expected in ("不是有效的是/否值", "不在可选值中", "校验位", "重复", "缺少", "过长", "控制字符"):
        assert any(expected in r for r in reasons), expected
    # and both of validate's branches carried many rows of the file in id headers
    sheet = sheets[1]
    fast = {
        h.field.id: spec
        for h in sheet.headers.values()
        if h.field and (spec := validate._fast(h, pl.col(f"c{h.index}")))
    }
    taken = sheet.raw.frame.select(pl.all_horizontal(s.test for s in fast.values())).to_series().mean()
    assert 0.1 < taken < 0.99, taken


@pytest.mark.parametrize("max_problems", [10_000, 40])
def test_messy_population_through_read_inputs(population, monkeypatch, max_problems) -> None:
    """The public entry point: the whole read (merging, conflicts, relations) comes out the same."""
    lim = dataclasses.replace(limits.current(), max_problems=max_problems)
    new = read.read_inputs(population, lim)
    monkeypatch.setattr(read, "check_sheet", legacy.check_sheet)
    old = read.read_inputs(population, lim)
    assert new.problems == old.problems
    assert (new.skipped, new.omitted) == (old.skipped, old.omitted)
    for table in ("enterprises", "reports", "qualifications"):
        assert_frame_equal(getattr(new.dataset, table), getattr(old.dataset, table), check_exact=True)
    assert len(new.problems) > (40 if max_problems == 40 else 1_000)


# --- small random sheets -----------------------------------------------------------------------------

_HEADERS = {
    "report": [
        "uscc",
        "year",
        "revenue",
        "营业收入(元)",
        "employees",
        "established",
        "niche_market_share",
        "主导产品全国细分市场占有率(%)",
        "rd_institution",
        "serious_dishonesty",
        "digital_level",
        "net_profit",
        "name",
        "industry",
    ],
    "qualification": ["uscc", "kind", "valid_from", "valid_to", "certificate_no"],
    "enterprise": ["uscc", "name", "zone", "industry", "established", "tech_field"],
}
_CELLS = [
    "",
    " ",
    "0",
    "-0",
    "12",
    "12.5",
    "1,234.5",
    "1,23",
    "１２",
    "+3",
    ".5",
    "5.",
    "1e3",
    "1e999",
    "007",
    "-4",
    "2023",
    "2023年",
    "1900",
    "2024-03-01",
    "2024/3/1",
    "2024年3月1日",
    "20240301",
    "2024-02-30",
    "45000",
    "是",
    "否",
    "TRUE",
    "y",
    "maybe",
    "省级",
    " 国家级 ",
    "hightech",
    "HIGHTECH",
    "高新技术企业",
    "NaN",
    "N/A",
    "nULL",
    "——",
    "／",
    "12%",
    "35",
    "¥5",
    "5万元",
    "=1+2",
    "\t=1",
    "i6513",
    "91350100M000000019",
    "91350100m000000019",
    "91350100M000000018",
]
# text as people leave it: spaces at either end, a control character, too long, a code in lower case
_TEXT = ["甲公司 ", "\u3000乙", "丙\x01", "x" * 201, "i6513", "91350100m000000019", "FZ", "甲公司"]


@st.composite
def _sheet(draw) -> RawSheet:
    table = draw(st.sampled_from(sorted(_HEADERS)))
    headers = draw(st.lists(st.sampled_from(_HEADERS[table]), min_size=1, max_size=6, unique=True))
    n = draw(st.integers(0, 12))
    # mostly empty cells, so that many rows have every cell canonical and take validate's fast branch
    cell = st.one_of(
        st.none(), st.none(), st.none(), st.sampled_from(_CELLS), st.sampled_from(_TEXT), st.text(max_size=5)
    )
    # a repeated row makes duplicate keys likely
    rows = draw(st.lists(st.lists(cell, min_size=len(headers), max_size=len(headers)), max_size=n))
    rows += draw(st.lists(st.sampled_from(rows), max_size=3)) if rows else []
    frame = pl.DataFrame(
        {f"c{i}": [r[i] for r in rows] for i in range(len(headers))},
        schema={f"c{i}": pl.Utf8 for i in range(len(headers))},
    )
    return RawSheet(None, headers, 1, frame)


@settings(
    max_examples=250,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raw=_sheet(), cap=st.sampled_from([None, 2]))
def test_small_random_sheets(raw: RawSheet, cap: int | None) -> None:
    sheet = Sheet(0, "h.csv", raw)
    map_columns(sheet, workbook=False)
    if sheet.headers:
        sheet.tables = sheet.tables or ("report",)
        _both(sheet, cap)


# --- the missing markers over the whole of Unicode ---------------------------------------------------


def test_missing_spellings_are_every_string_that_lower_cases_to_a_marker() -> None:
    """``cells.clean`` nulls a cell when Polars' ``to_lowercase`` of it is a marker; validate looks the
    cell up among ``_MISSING_SPELLINGS`` instead. The two agree on every string: Polars lower-cases
    character by character (the one exception, a final Σ, becomes ς, in no marker), so a string
    lower-cases to a marker exactly when it is a sequence of characters whose lower-cased forms spell
    the marker. Every code point's lower-cased form is computed here, and from them every such sequence."""
    points = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    lowered = pl.Series(points).str.to_lowercase().to_list()
    pieces = {m[i:j] for m in cells.MISSING for i in range(len(m)) for j in range(i + 1, len(m) + 1)}
    makes: dict[str, set[str]] = {}  # a piece of a marker → the characters that lower-case to it
    for ch, low in zip(points, lowered, strict=True):
        if low in pieces:
            makes.setdefault(low, set()).add(ch)

    def spellings(m: str) -> set[str]:
        if not m:
            return {""}
        return {
            c + rest for k in range(1, len(m) + 1) for c in makes.get(m[:k], ()) for rest in spellings(m[k:])
        }

    everything = set().union(*(spellings(m) for m in cells.MISSING))
    assert everything == set(validate._MISSING_SPELLINGS)
    # and the lookup as validate uses it matches cells.clean on all of them and on near misses
    probe = sorted(everything | {s + "x" for s in everything} | {"Ｎａ", "ＮＵＬＬ", "\u212a", "İ"})
    frame = pl.DataFrame({"c": probe})
    got = frame.select(
        validate._clean_expr(Header("", 0, BY_ID["revenue"]), pl.col("c")).is_null()
    ).to_series()
    want = frame.select(cells.clean(pl.col("c")).is_null()).to_series()
    assert got.to_list() == want.to_list()
    assert "nA" in everything and "Ｎａ" not in everything
