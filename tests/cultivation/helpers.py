"""Tiny datasets for hand-worked rule cases: one firm (or a few), a few years, only the fields a case needs."""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.cultivation import LadderConfig, qualify
from gaoxin.cultivation.ladder import frame
from gaoxin.data.dataset import Dataset, schema

YEAR = 2025
USCC = "91430100MA4L000001"  # check characters are not validated here (no importer involved)

# A firm that meets nothing special: mid-size, some R&D, some IP.
BASE: dict[str, object] = {
    "employees": 100,
    "tech_staff": 20,
    "rd_staff": 10,
    "revenue": 3000.0,
    "main_revenue": 2700.0,
    "total_costs": 2800.0,
    "hightech_revenue": 2000.0,
    "rd_expense": 150.0,
    "rd_expense_domestic": 150.0,
    "net_profit": 150.0,
    "net_assets": 1000.0,
    "total_assets": 2000.0,
    "total_liabilities": 1000.0,
    "equity_financing": 0.0,
    "invention_patents": 0,
    "other_class1_ip": 0,
    "utility_models": 0,
    "design_patents": 0,
    "software_copyrights": 0,
    "class1_ip_self_developed": 0,
    "class1_ip_high_value": 0,
    "tech_transfers": 0,
    "niche_years": 5,
    "niche_market_share": 0.01,
    "standards_led": 0,
    "standards_participated": 0,
    "rd_institution": "无",
    "national_award_rank": 0,
    "provincial_award_rank": 0,
    "maker_china_rank": 0,
    "market_rank": 0,
    "serious_dishonesty": False,
    "major_incident": False,
    "abnormal_operation": False,
    "prohibited_industry": False,
}


def dataset(
    years: dict[int, dict] | None = None,
    *,
    firm: dict | None = None,
    qualifications: list[dict] | None = None,
    uscc: str = USCC,
    base: dict | None = None,
) -> Dataset:
    """One firm: ``years`` maps year → overrides of ``BASE`` (default: Y−2 … Y, unchanged)."""
    base = BASE if base is None else base
    years = years if years is not None else {YEAR - 2: {}, YEAR - 1: {}, YEAR: {}}
    rs = schema("report")
    rows = [{"uscc": uscc, "year": y, **base, **over} for y, over in sorted(years.items())]
    reports = pl.DataFrame(rows, schema={k: v for k, v in rs.items() if k in {c for r in rows for c in r}})
    es = schema("enterprise")
    ent = {"uscc": uscc, "name": "测试科技有限公司", "zone": "Z001", "established": dt.date(2015, 3, 1),
           "tech_field": "电子信息", **(firm or {})}  # fmt: skip
    enterprises = pl.DataFrame([ent], schema={k: v for k, v in es.items() if k in ent})
    qs = schema("qualification")
    quals = pl.DataFrame(
        [{"uscc": uscc, "certificate_no": None, **q} for q in (qualifications or [])], schema=qs
    )
    return Dataset(enterprises=enterprises, reports=reports, qualifications=quals)


def concat(*datasets: Dataset) -> Dataset:
    return Dataset(
        enterprises=pl.concat([d.enterprises for d in datasets], how="diagonal_relaxed"),
        reports=pl.concat([d.reports for d in datasets], how="diagonal_relaxed"),
        qualifications=pl.concat([d.qualifications for d in datasets], how="diagonal_relaxed"),
    )


def row(data: Dataset, config: LadderConfig | None = None, year: int = YEAR) -> dict:
    """The firm's helper columns (scores, ratios) as a dict."""
    return frame(data, year, config).row(0, named=True)


def judge(data: Dataset, tier: str, config: LadderConfig | None = None, year: int = YEAR, on=None) -> dict:
    """The (firm, tier) row of the long frame, gaps as a list of dicts."""
    r = qualify(data, year, config, on)
    return r.long.filter(pl.col("tier") == tier).row(0, named=True)


def conditions(result_row: dict) -> list[str]:
    return [g["condition"] for g in result_row["gaps"]]


def texts(result_row: dict) -> list[str]:
    return [g["text_zh"] for g in result_row["gaps"]]


def held(kind: str, start: dt.date = dt.date(2024, 1, 1), end: dt.date = dt.date(2026, 12, 31)) -> dict:
    return {"kind": kind, "valid_from": start, "valid_to": end}
