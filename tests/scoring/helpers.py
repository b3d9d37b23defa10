"""Small builders for hand-worked scoring cases."""

from __future__ import annotations

import datetime as dt
import textwrap

import polars as pl

from gaoxin.data.dataset import Dataset, schema
from gaoxin.scoring import loads
from gaoxin.scoring.engine import score

HEADER = """
id: t
version: 1
name: {zh: 测试模型, en: Test}
"""


def model(body: str, header: str = HEADER):
    """A model from YAML; `body` holds everything after id/version/name."""
    return loads(textwrap.dedent(header) + textwrap.dedent(body), name="test.yaml")


def one_indicator(
    value: str,
    method: str,
    extra: str = "",
    weight: float = 10,
    direction: str = "higher",
    cohort: str = "[]",
):
    return model(f"""
cohort: {cohort}
stages: [{{id: all, name: 全部, when: "true"}}]
categories: [{{id: c, name: 类}}]
indicators:
  - {{id: x, name: 指标, category: c, value: "{value}", method: {method}, weight: {weight}, direction: {direction}{extra}}}
""")


def dataset(
    rows: list[dict],
    year: int = 2025,
    prev: dict[str, dict] | None = None,
    qualifications: list[dict] | None = None,
    enterprise: dict[str, dict] | None = None,
) -> Dataset:
    """Reports for `year` from rows (each with uscc, optional zone/established), prev-year rows by uscc."""
    ent_cols = schema("enterprise")
    rep_cols = schema("report")
    ents, reps = [], []
    for r in rows:
        e = {
            "uscc": r["uscc"],
            "name": r.get("name", f"企业{r['uscc']}"),
            "zone": r.get("zone", "Z1"),
            "established": r.get("established", dt.date(2010, 1, 1)),
        }
        e.update((enterprise or {}).get(r["uscc"], {}))
        ents.append(e)
        reps.append({k: v for k, v in r.items() if k in rep_cols} | {"year": year})
    for uscc, p in (prev or {}).items():
        reps.append({k: v for k, v in p.items() if k in rep_cols} | {"uscc": uscc, "year": year - 1})
    used_rep = {k for r in reps for k in r}
    used_ent = {k for e in ents for k in e}
    ent_frame = pl.DataFrame(ents, schema={k: v for k, v in ent_cols.items() if k in used_ent})
    rep_frame = pl.DataFrame(reps, schema={k: v for k, v in rep_cols.items() if k in used_rep})
    qual = pl.DataFrame(qualifications or [], schema=schema("qualification"))
    return Dataset(ent_frame, rep_frame, qual)


def run(m, rows, **kw) -> dict[str, dict]:
    """Score and index the output rows by uscc."""
    out = score(m, dataset(rows, **kw), kw.get("year", 2025)).frame
    return {r["uscc"]: r for r in out.iter_rows(named=True)}
