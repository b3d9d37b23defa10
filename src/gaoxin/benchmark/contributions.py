"""Which firms contribute most to an indicator the registry computes (贡献值).

A firm's contribution to an indicator is the zone's value minus the value the same expression gives
for the zone's facts without that firm's parts (``facts.firm_parts`` are additive) — for a ratio
such as R&D intensity, a firm below the zone level has a negative contribution: it pulls the zone
down. Signed by the indicator's direction, so that a positive contribution always helps the zone.

This is information for cultivation (which firms to support), never a lever: the statistics always
count every in-scope firm (统计法), so nothing here offers to drop one. What-ifs change values.
"""

from __future__ import annotations

import polars as pl

from gaoxin.benchmark.facts import COMPUTED


def computable(model) -> list:
    """The model's indicators whose value reads only registry-computed facts."""
    return [i for i in model.indicators if i.value.uses.fields and i.value.uses.fields <= set(COMPUTED)]


def contributions(
    model, indicator_id: str, parts: pl.DataFrame, prev_parts: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Per firm of one zone (``parts``: its firms of year Y; ``prev_parts``: of Y − 1): uscc, name,
    the zone's value, the value without the firm, and the signed contribution, best first."""
    ind = model.indicator(indicator_id)
    fields = sorted(ind.value.uses.fields)
    prev = sorted(ind.value.uses.prev)
    if not set(fields) <= set(COMPUTED):
        raise ValueError(f"{indicator_id} reads facts the registry does not compute")
    totals = parts.select([pl.when(pl.col(f).count() > 0).then(pl.col(f).sum()).alias(f) for f in fields])
    frame = parts.select("uscc", "name", *[pl.col(f).fill_null(0.0).alias(f"part:{f}") for f in fields])
    frame = frame.with_columns([pl.lit(totals[f][0], dtype=pl.Float64).alias(f) for f in fields])
    if prev:
        pp = prev_parts if prev_parts is not None else parts.clear()
        ptotals = pp.select([pl.when(pl.col(f).count() > 0).then(pl.col(f).sum()).alias(f) for f in prev])
        frame = frame.join(
            pp.select("uscc", *[pl.col(f).fill_null(0.0).alias(f"ppart:{f}") for f in prev]),
            on="uscc",
            how="left",
        ).with_columns([pl.lit(ptotals[f][0], dtype=pl.Float64).alias(f"prev:{f}") for f in prev])
    zone_value = frame.select(ind.value.number().fill_nan(None).alias("v")).head(1)["v"]
    without = frame.with_columns(
        [(pl.col(f) - pl.col(f"part:{f}")).alias(f) for f in fields]
        + [(pl.col(f"prev:{f}") - pl.col(f"ppart:{f}").fill_null(0.0)).alias(f"prev:{f}") for f in prev]
    )
    sign = -1.0 if ind.direction == "lower" else 1.0
    value = zone_value[0] if zone_value.len() else None
    out = without.select(
        "uscc",
        "name",
        pl.lit(value, dtype=pl.Float64).alias("zone_value"),
        ind.value.number().fill_nan(None).alias("without"),
    ).with_columns(((pl.col("zone_value") - pl.col("without")) * sign).alias("contribution"))
    return out.sort(["contribution", "uscc"], descending=[True, False], nulls_last=True)
