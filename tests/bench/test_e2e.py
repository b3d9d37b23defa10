"""The end-to-end benchmark's hand-written Polars pipeline (bench/e2e.py) scores like the engine."""

from __future__ import annotations

import polars as pl
from bench.common import reads

from bench import compare, e2e
from gaoxin.data import synth
from gaoxin.scoring.engine import score
from gaoxin.scoring.model import load_model


def test_the_polars_pipeline_agrees_with_the_engine_on_the_benchmark_files(tmp_path) -> None:
    model = load_model(str(e2e.MODEL))
    ds = synth.synthesize(3_000, zones=2, years=(e2e.YEAR - 1, e2e.YEAR), seed=5)
    fields = sorted(reads(model).fields)
    ent, rep = tmp_path / "enterprises.csv", tmp_path / "reports.csv"
    ds.enterprises.write_csv(ent)
    ds.reports.select("uscc", "year", *fields).write_csv(rep)
    got = e2e.polars_score(model, e2e.YEAR, ent, rep)
    expected = score(model, ds, e2e.YEAR).frame
    assert got.height == expected.height == ds.reports.filter(pl.col("year") == e2e.YEAR).height
    assert compare.differences(expected, got) == []
    assert got["vetoed"].any() and got["list"].is_not_null().any() and (got["penalty"] > 0).any()
