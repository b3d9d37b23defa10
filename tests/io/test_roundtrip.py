"""Property: valid data written as CSV (UTF-8, GB18030) or XLSX reads back as the same Dataset."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from gaoxin.data.dataset import schema
from gaoxin.data.dictionary import (
    BY_ID,
    LISTED_BOARDS,
    QUALIFICATION_KINDS,
    RD_INSTITUTION_LEVELS,
    TECH_FIELDS,
)
from gaoxin.io.read import read_inputs
from tests.io.helpers import code, write_csv, write_xlsx

ENTERPRISE = ["uscc", "name", "zone", "established", "industry", "tech_field", "listed_board"]
REPORT = ["uscc", "year", "employees", "tech_staff", "revenue", "main_revenue", "net_profit", "niche_market_share",
          "serious_dishonesty", "rd_institution"]  # fmt: skip
QUALIFICATION = ["uscc", "kind", "valid_from", "valid_to", "certificate_no"]

HAN = "高新科技电子信息福州厦门泉州软件智能制造材料生物医药航天"
texts = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(HAN),
    st.text(alphabet=HAN + "ABCxyz0123456789（）·", max_size=12),
)
# Money as a whole number of 0.0001 万元 (1 yuan): what statements hold, and what Excel keeps exactly.
money = st.integers(-(10**11), 10**11).map(lambda n: n / 10000)
dates = st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31))


def maybe(s):
    return st.none() | s


@st.composite
def populations(draw):
    n = draw(st.integers(1, 6))
    enterprises, reports, quals = [], [], []
    for i in range(n):
        uscc = code(draw(st.integers(0, 10**6)) * 10 + i)  # distinct
        enterprises.append({
            "uscc": uscc, "name": draw(texts), "zone": draw(texts), "established": draw(maybe(dates)),
            "industry": draw(maybe(st.from_regex(r"[A-T]\d{2,4}|\d{2,4}", fullmatch=True))),
            "tech_field": draw(maybe(st.sampled_from(TECH_FIELDS))),
            "listed_board": draw(maybe(st.sampled_from(LISTED_BOARDS))),
        })  # fmt: skip
        for year in draw(st.lists(st.integers(2015, 2025), max_size=3, unique=True)):
            employees = draw(maybe(st.integers(0, 100_000)))
            revenue = draw(maybe(money.map(abs)))
            main = draw(maybe(money.map(abs)))
            reports.append({
                "uscc": uscc, "year": year, "employees": employees,
                "tech_staff": None if employees is None else draw(maybe(st.integers(0, employees))),
                "revenue": revenue,
                "main_revenue": main if revenue is None or main is None else min(main, revenue),
                "net_profit": draw(maybe(money)),
                "niche_market_share": draw(maybe(st.integers(0, 10000).map(lambda k: k / 10000))),
                "serious_dishonesty": draw(maybe(st.booleans())),
                "rd_institution": draw(maybe(st.sampled_from(RD_INSTITUTION_LEVELS))),
            })  # fmt: skip
        for _ in range(draw(st.integers(0, 2))):
            start = draw(dates)
            quals.append({
                "uscc": uscc, "kind": draw(st.sampled_from(list(QUALIFICATION_KINDS))), "valid_from": start,
                "valid_to": start + dt.timedelta(days=draw(st.integers(0, 3000))),
                "certificate_no": draw(maybe(st.from_regex(r"GR\d{6,12}", fullmatch=True))),
            })  # fmt: skip
    return enterprises, reports, quals


def expected(records: list[dict], cols: list[str], table: str) -> pl.DataFrame:
    """What the reader must return: the supplied columns, in schema order, canonical dtypes."""
    return pl.DataFrame(records, schema={c: t for c, t in schema(table).items() if c in cols}, orient="row")


@st.composite
def styles(draw):
    """How a person might write the same data: header language, missing marker, date and bool forms."""
    return {
        "chinese": draw(st.booleans()),
        "missing": draw(st.sampled_from(["", "-", "NA", "无数据", "—"])),
        "date": draw(
            st.sampled_from(["{:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d.year}年{d.month}月{d.day}日"])
        ),
        "bools": draw(
            st.sampled_from([("是", "否"), ("true", "false"), ("1", "0"), ("Y", "N"), ("有", "无")])
        ),
    }


def as_text(v, style) -> str:
    if v is None:
        return style["missing"]
    if isinstance(v, bool):
        return style["bools"][0 if v else 1]
    if isinstance(v, dt.date):
        return style["date"].format(v, d=v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str) and v in QUALIFICATION_KINDS and style["chinese"]:
        return QUALIFICATION_KINDS[v]
    return str(v)


def header(col: str, style) -> str:
    return BY_ID[col].zh if style["chinese"] and col != "uscc" else col


def table_rows(records, cols, style, cell):
    return [[header(c, style) for c in cols], *([cell(r[c]) for c in cols] for r in records)]


def check(result, enterprises, reports, quals) -> None:
    assert result.ok, result.problems
    ds = result.dataset
    assert_frame_equal(ds.enterprises, expected(enterprises, ENTERPRISE, "enterprise"))
    if reports:
        assert_frame_equal(ds.reports, expected(reports, REPORT, "report"))
    else:
        assert ds.reports.is_empty()
    if quals:
        assert_frame_equal(ds.qualifications, expected(quals, QUALIFICATION, "qualification"))
    else:
        assert ds.qualifications.is_empty()
    assert result.skipped == []


def tables(enterprises, reports, quals):
    return [(n, recs, cols) for n, recs, cols in
            [("企业", enterprises, ENTERPRISE), ("年报", reports, REPORT), ("资质", quals, QUALIFICATION)] if recs]  # fmt: skip


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(populations(), styles(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_csv_round_trip(population, style, encoding: str) -> None:
    enterprises, reports, quals = population
    with tempfile.TemporaryDirectory() as tmp:
        paths = [
            write_csv(
                Path(tmp) / f"{name}.csv",
                table_rows(recs, cols, style, lambda v: as_text(v, style)),
                encoding,
            )
            for name, recs, cols in tables(enterprises, reports, quals)
        ]
        check(read_inputs(paths), enterprises, reports, quals)


@SETTINGS
@given(populations(), styles())
def test_xlsx_round_trip(population, style) -> None:
    enterprises, reports, quals = population

    def cell(v):  # native cells where Excel has them (numbers, dates, booleans), text otherwise
        return v if isinstance(v, int | float | dt.date) else as_text(v, style)

    with tempfile.TemporaryDirectory() as tmp:
        sheets = {
            name: table_rows(recs, cols, style, cell)
            for name, recs, cols in tables(enterprises, reports, quals)
        }
        check(read_inputs([write_xlsx(Path(tmp) / "book.xlsx", sheets)]), enterprises, reports, quals)
