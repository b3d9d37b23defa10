"""External check: COINr's own example index (ASEM), reproduced unit by unit (data/coinr/README.md).

1. Published numbers, complete data: COINr's treated data through ``asem.yaml`` give COINr's
   normalised scores, its 8 pillars, 2 sub-indices and the index for all 51 countries (to 1e-9:
   COINr divides by the renormalised weights, gaoxin by their sum — the same number up to rounding).
2. With COINr's 63 missing values (its raw data, which COINr itself imputes before aggregating, so it
   publishes no aggregate of them): the model under ``missing: reweight`` against an independent
   plain-Python transcription of COINr's ``n_minmax`` and ``a_amean`` (R/aggregate.R: drop the NAs,
   weights divided by their sum). A reference of the algorithm, not COINr's output; said plainly.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import polars as pl
import pytest

from gaoxin.scoring import load_model
from gaoxin.scoring.engine import score

DATA = Path(__file__).with_name("data") / "coinr"
MODEL = load_model(DATA / "asem.yaml")
INDICATORS = list(csv.DictReader((DATA / "asem_indicators.csv").open()))
AGGREGATES = [a for a in csv.DictReader((DATA / "asem_aggregates.csv").open()) if a["AgLevel"] != "4.0"]


def unit_table(name: str) -> pl.DataFrame:
    frame = pl.read_csv(DATA / f"asem_{name}.csv", infer_schema_length=0)
    codes = [i["IndCode"] for i in INDICATORS]
    return frame.select(
        pl.col("UnitCode").alias("id"),
        pl.col("UnitName").alias("name"),
        *[pl.col(c).cast(pl.Float64).alias(c.lower()) for c in codes],
    )


def coinr(name: str) -> dict[str, dict[str, float | None]]:
    rows = csv.DictReader((DATA / f"asem_{name}.csv").open())
    return {
        r["UnitCode"]: {k: float(v) if v else None for k, v in r.items() if k not in ("UnitCode", "UnitName")}
        for r in rows
    }


def test_the_model_is_coinrs_structure():
    assert len(MODEL.indicators) == 49 and len(MODEL.categories) == 10
    assert [c.id for c in MODEL.top_categories] == ["conn", "sust"]
    assert sum(i.direction == "lower" for i in MODEL.indicators) == sum(
        float(i["Direction"]) < 0 for i in INDICATORS
    )


def test_reproduces_coinrs_published_scores_unit_by_unit():
    out = {r["id"]: r for r in score(MODEL, unit_table("treated"), None).frame.iter_rows(named=True)}
    normalised, aggregated = coinr("normalised"), coinr("aggregated")
    assert set(out) == set(aggregated) and len(out) == 51
    for unit, row in out.items():
        for ind in INDICATORS:
            assert row[f"pts:{ind['IndCode'].lower()}"] == pytest.approx(
                normalised[unit][ind["IndCode"]], abs=1e-9
            )
        for agg in AGGREGATES:
            assert row[f"cat:{agg['Code'].lower()}"] == pytest.approx(aggregated[unit][agg["Code"]], abs=1e-9)
        assert row["total"] == pytest.approx(aggregated[unit]["Index"], abs=1e-9)
    # and the ranking COINr's index gives (competition ranks)
    index = {u: v["Index"] for u, v in aggregated.items()}
    for unit, row in out.items():
        assert row["rank"] == 1 + sum(v > index[unit] + 1e-9 for v in index.values())


# --- with missing values: an independent transcription of COINr's algorithm ------------------------


def reference(raw: dict[str, dict[str, float | None]]) -> dict[str, dict[str, float | None]]:
    """n_minmax (0–100, NAs skipped) then a_amean at every level (NAs dropped, w / sum(w))."""
    scores: dict[str, dict[str, float | None]] = {u: {} for u in raw}
    for ind in INDICATORS:
        code, sign = ind["IndCode"], float(ind["Direction"])
        xs = [raw[u][code] * sign for u in raw if raw[u][code] is not None]
        lo, hi = min(xs), max(xs)
        for u in raw:
            x = raw[u][code]
            scores[u][code] = None if x is None else (x * sign - lo) / (hi - lo) * 100

    def a_amean(values: list[float | None], weights: list[float]) -> float | None:
        kept = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
        if not kept:
            return None
        total = sum(w for _, w in kept)
        return sum(w / total * v for v, w in kept)

    for u in raw:
        for agg in AGGREGATES:
            if agg["AgLevel"] == "2.0":
                members = [i for i in INDICATORS if i["Agg1"] == agg["Code"]]
                scores[u][agg["Code"]] = a_amean(
                    [scores[u][i["IndCode"]] for i in members], [float(i["IndWeight"]) for i in members]
                )
        for agg in AGGREGATES:
            if agg["AgLevel"] == "3.0":
                pillars = sorted({i["Agg1"] for i in INDICATORS if i["Agg2"] == agg["Code"]})
                weights = [float(next(a for a in AGGREGATES if a["Code"] == p)["Weight"]) for p in pillars]
                scores[u][agg["Code"]] = a_amean([scores[u][p] for p in pillars], weights)
        scores[u]["Index"] = a_amean([scores[u]["Conn"], scores[u]["Sust"]], [1.0, 1.0])
    return scores


def test_reproduces_coinrs_mean_over_available_values_with_its_missing_data():
    raw = coinr("raw")
    n_missing = sum(v is None for row in raw.values() for v in row.values())
    assert n_missing == 63
    expected = reference(raw)
    out = {r["id"]: r for r in score(MODEL, unit_table("raw"), None).frame.iter_rows(named=True)}
    gaps = 0
    for unit, row in out.items():
        for ind in INDICATORS:
            want = expected[unit][ind["IndCode"]]
            got = row[f"pts:{ind['IndCode'].lower()}"]
            assert (got is None) == (want is None) and (want is None or math.isclose(got, want, abs_tol=1e-9))
        for agg in AGGREGATES:
            assert row[f"cat:{agg['Code'].lower()}"] == pytest.approx(expected[unit][agg["Code"]], abs=1e-9)
        assert row["total"] == pytest.approx(expected[unit]["Index"], abs=1e-9)
        gaps += bool(row["missing"])
    assert gaps >= 10  # many countries really miss something
    # missing: zero would give other numbers for them: the check discriminates
    zero = MODEL.__class__(**{**MODEL.__dict__, "missing": "zero"})
    zeroed = {r["id"]: r["total"] for r in score(zero, unit_table("raw"), None).frame.iter_rows(named=True)}
    assert sum(abs(zeroed[u] - out[u]["total"]) > 1e-6 for u in out) == gaps
