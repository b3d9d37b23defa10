"""The cultivation ladder: every firm's status, distance, gaps and next tier for every tier.

``qualify(data, year, config, on)`` evaluates all rule sets over one feature frame
(``common.features``) and returns a :class:`LadderResult`.

Status of a (firm, tier), in this order:

1. ``holds``: a qualification of the tier is valid on ``on`` (valid_from ≤ on ≤ valid_to), whatever the
   data say. ``on`` defaults to 31 December of ``year``, the date the data dictionary's ``has(kind)``
   uses; pass ``on=date(year + 1, 12, 31)`` to treat titles that lapse during the next round as
   needing renewal (the result's ``held_until`` shows when each held title lapses).
2. ``ineligible``: a hard condition is known to fail (size caps, veto events, age or listing limits):
   no amount of work this round changes it. Only those conditions are listed as gaps.
3. ``qualifies``: every condition is met (or waived by a direct path).
4. ``near``: the distance is at most the zone's ``near`` setting for the tier (default 0.25);
   ``far`` otherwise. (A 潜在独角兽 is always ``near`` for the unicorn tier.)

Distance: the sum over unmet conditions of the relative shortfall, each within 0–1 — (required −
actual) ÷ required for a "≥" condition (3.6 % against 4 % → 0.1), (actual − limit) ÷ limit for a "≤"
condition, 1 for a yes/no condition not met or a value not reported; rounded to 9 decimals. 0 for
holds and qualifies. It compares firms within a tier (smaller = closer); across tiers only roughly.

Next tier: per firm, the tier it should aim for next — among the tiers it neither holds nor qualifies
for and is not ineligible for, whose predecessor on its track it holds or qualifies for (tracks:
科技型中小企业 → 高新技术企业 → 科技领军企业; 创新型 → 专精特新 → 小巨人; 瞪羚 → 独角兽; the first tier of a
track is always in reach), the nearest: ``near`` before ``far``, then the smaller distance, then ladder
order. Null when there is none. The same value is on each of the firm's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from gaoxin.cultivation import growth, hightech_2016, sme_2022, sme_2026, tech_sme_2017
from gaoxin.cultivation.common import Condition, Ctx, RuleSet, features, materialised
from gaoxin.cultivation.config import TIERS, LadderConfig
from gaoxin.data.dataset import Dataset

STATUSES = ("holds", "qualifies", "near", "far", "ineligible")
TRACKS: tuple[tuple[str, ...], ...] = (
    ("tech_sme", "hightech", "leading"),
    ("innovative_sme", "specialized_sme", "little_giant"),
    ("gazelle", "unicorn"),
)
PREDECESSOR: dict[str, str | None] = {
    t: (track[i - 1] if i else None) for track in TRACKS for i, t in enumerate(track)
}

GAP_DTYPE = pl.Struct(
    {
        "condition": pl.Utf8,
        "label_zh": pl.Utf8,
        "label_en": pl.Utf8,
        "actual": pl.Float64,
        "required": pl.Float64,
        "unit": pl.Utf8,
        "text_zh": pl.Utf8,
        "text_en": pl.Utf8,
    }
)
# hightech numbers carried on the long frame (null on other tiers) and in the wide frame
HIGHTECH_COLUMNS = hightech_2016.OUTPUTS
WIDE_NUMBERS = ("tech_sme_score", *HIGHTECH_COLUMNS, "innovative_sme_score", "specialized_sme_score")

# The gap structs are built on the few rows that show them, without common-subexpression elimination:
# Polars 1.44 panics ("bitmap_ops.rs: left == right") on some of them with it (a gap text next to its
# condition), and on so few rows it saves nothing.
_NO_CSE = pl.QueryOptFlags(comm_subexpr_elim=False)


@dataclass
class LadderResult:
    long: pl.DataFrame  # one row per (firm, tier)
    wide: pl.DataFrame  # one row per firm (the CLI frame)
    rule_sets: dict[str, RuleSet]  # tier → the rule set it was judged by
    year: int
    on: dt.date
    config: LadderConfig

    def candidates(self, tier: str, statuses: tuple[str, ...] = ("qualifies", "near", "far")) -> pl.DataFrame:
        """The firms of one tier in the given statuses, closest first (status, then distance)."""
        order = {s: i for i, s in enumerate(STATUSES)}
        return (
            self.long.filter((pl.col("tier") == tier) & pl.col("status").is_in(list(statuses)))
            .with_columns(pl.col("status").replace_strict(order, return_dtype=pl.Int8).alias("_o"))
            .sort(["_o", "distance", "uscc"])
            .drop("_o")
        )


def _modules(ctx: Ctx) -> dict[str, object]:
    sme = sme_2026 if ctx.config.sme_set(ctx.year) == "2026" else sme_2022
    return {
        "tech_sme": tech_sme_2017,
        "hightech": hightech_2016,
        "innovative_sme": sme,
        "specialized_sme": sme,
        "little_giant": sme,
        "gazelle": growth,
        "unicorn": growth,
        "leading": growth,
    }


def rule_sets(year: int, config: LadderConfig | None = None) -> dict[str, RuleSet]:
    """Tier → the rule set ``qualify`` applies for fiscal year ``year``."""
    config = config or LadderConfig()
    ctx = Ctx(year, dt.date(year, 12, 31), config)
    out = {}
    for tier, module in _modules(ctx).items():
        rs = getattr(module, "rule_set", None)
        out[tier] = rs(tier, ctx) if rs else module.RULE_SET
    return out


def _conditions(module, tier: str, ctx: Ctx) -> list[Condition]:
    return module.conditions(ctx, tier)


def _gap(c: Condition) -> pl.Expr:
    """The gap struct of one condition (computed only on the rows where it is shown)."""
    missing_zh = f"{c.zh}：缺少数据（未报告），无法判断"
    missing_en = f"{c.en}: not reported, cannot be judged"
    return pl.struct(
        pl.lit(c.id, dtype=pl.Utf8).alias("condition"),
        pl.lit(c.zh, dtype=pl.Utf8).alias("label_zh"),
        pl.lit(c.en, dtype=pl.Utf8).alias("label_en"),
        (c.actual.cast(pl.Float64) if c.actual is not None else pl.lit(None, dtype=pl.Float64)).alias(
            "actual"
        ),
        (c.required.cast(pl.Float64) if c.required is not None else pl.lit(None, dtype=pl.Float64)).alias(
            "required"
        ),
        pl.lit(c.unit, dtype=pl.Utf8).alias("unit"),
        pl.when(c.met.is_null())
        .then(pl.lit(missing_zh))
        .otherwise(c.text_zh.fill_null(pl.lit(f"{c.zh}：未达到要求")))
        .alias("text_zh"),
        pl.when(c.met.is_null())
        .then(pl.lit(missing_en))
        .otherwise(c.text_en.fill_null(pl.lit(f"{c.en}: not met")))
        .alias("text_en"),
    ).cast(GAP_DTYPE)


def _evaluate(tier: str, conds: list[Condition], ctx: Ctx, force_near: pl.Expr | None) -> list[list[pl.Expr]]:
    """Stages of expressions giving ``status``, ``distance`` and, per condition i, ``_v{i}`` (the gap
    is shown) of one tier, to run after the helper columns. Per condition the first stage
    materialises ``_u{i}`` (unmet), ``_h{i}`` (a hard failure) and ``_s{i}`` (shortfall)."""
    first = []
    for i, c in enumerate(conds):
        waived = c.waived.fill_null(False) if c.waived is not None else pl.lit(False)
        u = ~waived & ~c.met.fill_null(False)
        h = (~waived & (c.met == False).fill_null(False)) if c.hard else pl.lit(False)  # noqa: E712
        s = (
            pl.when(c.met.is_null())
            .then(1.0)
            .otherwise(
                (c.shortfall if c.shortfall is not None else pl.lit(1.0)).fill_null(1.0).clip(0.0, 1.0)
            )
        )
        first += [u.alias(f"_u{i}"), h.alias(f"_h{i}"), s.cast(pl.Float64).alias(f"_s{i}")]
    n = len(conds)
    held = pl.col(f"held_{tier}")
    second = [
        pl.any_horizontal([pl.col(f"_h{i}") for i in range(n)]).alias("_inel"),
        pl.any_horizontal([pl.col(f"_u{i}") for i in range(n)]).alias("_any"),
    ]
    third = [
        (pl.col(f"_u{i}") & (~pl.col("_inel") | pl.col(f"_h{i}")) & ~held).alias(f"_v{i}") for i in range(n)
    ]
    distance = pl.sum_horizontal(
        [pl.when(pl.col(f"_v{i}")).then(pl.col(f"_s{i}")).otherwise(0.0) for i in range(n)]
    )
    # rounded to 9 decimals: the same data give the same distance to the last bit, whatever the order
    # in which a database hands the rows over
    fourth = [distance.round(9).alias("_dist")]
    near = pl.col("_dist") <= ctx.config.near_for(tier)
    if force_near is not None:
        near = near | force_near.fill_null(False)
    status = (
        pl.when(held)
        .then(pl.lit("holds"))
        .when(pl.col("_inel"))
        .then(pl.lit("ineligible"))
        .when(~pl.col("_any"))
        .then(pl.lit("qualifies"))
        .when(near)
        .then(pl.lit("near"))
        .otherwise(pl.lit("far"))
    )
    fifth = [
        status.alias("status"),
        pl.when(held | ~pl.col("_any"))
        .then(0.0)
        .otherwise(pl.col("_dist"))
        .cast(pl.Float64)
        .alias("distance"),
    ]
    return [first, second, third, fourth, fifth]


def frame(
    data: Dataset, year: int, config: LadderConfig | None = None, on: dt.date | None = None
) -> pl.DataFrame:
    """The feature frame with every rule set's helper columns (scores, sub-scores, ratios): one row
    per firm. What ``qualify`` judges; useful to look at a firm's numbers (``ts_*`` tech-SME,
    ``ht_*`` / ``hightech_*`` high-tech, ``in_*`` / ``sp_*`` / ``sm_*`` 创新型 and 专精特新, ``gr_*``)."""
    config = config or LadderConfig()
    on = on or dt.date(year, 12, 31)
    ctx = Ctx(year, on, config)
    feats = features(data, year, on).lazy()
    seen: list[object] = []
    for module in _modules(ctx).values():
        if module in seen:
            continue
        seen.append(module)
        for stage in module.columns(ctx):
            feats = feats.with_columns(stage)
    return materialised(feats.collect())


def qualify(
    data: Dataset, year: int, config: LadderConfig | None = None, on: dt.date | None = None
) -> LadderResult:
    """Status, distance, gaps and next tier of every firm for every tier, for fiscal year ``year`` (the
    last completed one), judging "holds" on ``on`` (default 31 December of ``year``)."""
    config = config or LadderConfig()
    on = on or dt.date(year, 12, 31)

    ctx = Ctx(year, on, config)
    modules = _modules(ctx)
    feats = frame(data, year, config, on)

    # One tier at a time: a tier's working frame (features + its condition columns) is dropped as soon
    # as its statuses and gap lists are out. Every tier's frame keeps the feature frame's row order, so
    # the parts are put side by side and stacked without joins (a join would copy the gap lists).
    empty_gaps = pl.lit([], dtype=pl.List(GAP_DTYPE))
    rows = feats.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"))
    parts: list[pl.DataFrame] = []
    for tier, module in modules.items():
        conds = _conditions(module, tier, ctx)
        force = getattr(module, "force_near", lambda c, t: None)(ctx, tier)
        lazy = feats.lazy().with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"))
        for stage in _evaluate(tier, conds, ctx, force):
            lazy = lazy.with_columns(stage)
        tf = materialised(lazy.collect())
        gap_parts = [
            tf.lazy()
            .filter(pl.col(f"_v{i}"))
            .select("_row", pl.lit(i, dtype=pl.Int32).alias("_i"), _gap(c).alias("gap"))
            for i, c in enumerate(conds)
        ]
        lists = (
            pl.concat(pl.collect_all(gap_parts, optimizations=_NO_CSE), rechunk=False)
            .group_by("_row")
            .agg(pl.col("gap").sort_by("_i").alias("gaps"))
        )
        aligned = rows.join(lists, on="_row", how="left", maintain_order="left")["gaps"]
        extra = [
            pl.col(c).cast(pl.Float64).alias(c)
            if tier == "hightech"
            else pl.lit(None, dtype=pl.Float64).alias(c)
            for c in HIGHTECH_COLUMNS
        ]
        part = tf.select(
            "uscc",
            "name",
            "zone",
            pl.lit(tier).alias("tier"),
            "status",
            "distance",
            pl.col(f"held_to_{tier}").alias("held_until"),
            *extra,
        )
        parts.append(
            part.with_columns(aligned.alias("gaps")).with_columns(pl.col("gaps").fill_null(empty_gaps))
        )
        del tf, lists, aligned
    next_tier = _next_tier(parts)
    parts = [p.with_columns(next_tier) for p in parts]
    cols = [
        "uscc",
        "name",
        "zone",
        "tier",
        "status",
        "distance",
        "gaps",
        "next_tier",
        "held_until",
        *HIGHTECH_COLUMNS,
    ]
    long = pl.concat([p.select(cols) for p in parts], rechunk=False)
    wide = _wide(parts, feats)
    return LadderResult(long, wide, rule_sets(year, config), year, on, config)


def _next_tier(parts: list[pl.DataFrame]) -> pl.Series:
    """Per firm (rows aligned across ``parts``, one part per tier in ladder order): the in-reach tier
    with near before far, then the smaller distance, then ladder order; null when none."""
    frame = pl.DataFrame(
        {f"s{i}": p["status"] for i, p in enumerate(parts)}
        | {f"d{i}": p["distance"] for i, p in enumerate(parts)}
    )
    index = {t: i for i, t in enumerate(TIERS)}
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.Float64).alias("_k"), pl.lit(None, dtype=pl.Utf8).alias("_t")
    )
    for tier, i in index.items():  # one materialised step per tier: no nested expression grows
        status = pl.col(f"s{i}")
        pred = PREDECESSOR[tier]
        reach = pl.lit(True) if pred is None else pl.col(f"s{index[pred]}").is_in(["holds", "qualifies"])
        open_ = status.is_in(["near", "far"]) & reach
        key = pl.when(open_).then((status == "far").cast(pl.Float64) * 1e6 + pl.col(f"d{i}") + i * 1e-9)
        frame = frame.with_columns(key.alias("_c"))
        better = pl.col("_c").is_not_null() & (pl.col("_k").is_null() | (pl.col("_c") < pl.col("_k")))
        frame = frame.with_columns(
            pl.when(better).then(pl.lit(tier)).otherwise(pl.col("_t")).alias("_t"),
            pl.when(better).then(pl.col("_c")).otherwise(pl.col("_k")).alias("_k"),
        )
    return frame["_t"].alias("next_tier")


def _wide(parts: list[pl.DataFrame], feats: pl.DataFrame) -> pl.DataFrame:
    columns = [parts[0]["uscc"], parts[0]["name"], parts[0]["zone"], parts[0]["next_tier"]]
    for tier, part in zip(TIERS, parts, strict=True):
        columns.append(part["status"].alias(f"{tier}_status"))
        columns.append(
            part.select(
                pl.col("gaps")
                .list.eval(pl.element().struct.field("text_zh"))
                .list.join("；")
                .alias(f"{tier}_gaps")
            ).to_series()
        )
        columns.append(part["distance"].alias(f"{tier}_distance"))
    numbers = [feats[c] for c in WIDE_NUMBERS if c in feats.columns]
    return pl.DataFrame([*columns, *numbers])
