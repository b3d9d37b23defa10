"""Growth and leadership labels without one national standard: 瞪羚, 独角兽 / 潜在独角兽, 科技领军企业.

Every number here is a zone setting (``LadderConfig.gazelle / unicorn / leading``), the defaults being
the most quoted local rules (qualification-rules.md §5):

- 瞪羚 (``GazelleConfig``) [S, 广州黄埔; matching the Torch/GEI style is U]: revenue CAGR over Y−3 … Y,
  ``(R_Y / R_{Y−3})^(1/3) − 1`` ≥ 20 % from a base-year revenue ≥ 1,000万, with growth in Y (R_Y > R_{Y−1});
  or, instead, founded ≤ 5 years with revenue > 5亿, or ≤ 10 years with revenue > 10亿. Age is in whole
  years to 31 December of Y. ``max_age`` (e.g. 15, 郑州) makes older firms ineligible. ``years`` may be
  1–4 (the feature frame reaches back 4 years).
- 独角兽 (``UnicornConfig``) [C]: founded ≤ 10 years, valuation ≥ US$1bn (``valuation`` in 万元 at
  ``usd_cny``), not listed (``listed_board`` empty). Age and listing are hard (*ineligible*).
  潜在独角兽 [S, 宿迁]: founded ≤ 5 years with a valuation ≥ US$0.5亿 or ≥ ¥3亿, or ≤ 9 years with
  ≥ US$1亿 — shown as *near* for the unicorn tier whatever the distance.
- 科技领军企业 (``LeadingConfig``) [S, 浙江省创新型领军企业 2019]: a valid 高新技术企业 title; R&D ÷
  main-business revenue (revenue when not reported) ≥ 4 % in each of the last 3 years; ≥ 50 R&D staff;
  main-business share ≥ 70 %; revenue ≥ 5亿; no dishonesty or major incident in the last 3 years (hard).

All three: on the serious-dishonesty list or a major incident in Y makes a firm ineligible.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.cultivation.common import (
    YEARS_BACK,
    Condition,
    Ctx,
    RuleSet,
    any_years,
    at_least,
    cat,
    col,
    flag,
    held,
    hmin,
    lit,
    money_up,
    none_of,
    num,
    safe_div,
)

RULE_SETS = {
    "gazelle": RuleSet(
        id="gazelle/zone",
        title_zh="瞪羚企业（园区设定；默认参照广州黄埔标准）",
        title_en="Gazelle (zone setting; default after Guangzhou Huangpu)",
        source="园区配置；默认：3 年营业收入复合增长率 ≥ 20%，基期 ≥ 1000 万元",
        effective_from=None,
        certainty="S",
    ),
    "unicorn": RuleSet(
        id="unicorn/zone",
        title_zh="独角兽 / 潜在独角兽（园区设定；默认：成立 ≤ 10 年、估值 ≥ 10 亿美元、未上市）",
        title_en="Unicorn / potential unicorn (zone setting; default ≤ 10 years, ≥ US$1bn, unlisted)",
        source="火炬中心、长城战略咨询独角兽口径；潜在独角兽参照宿迁",
        effective_from=None,
        certainty="C",
    ),
    "leading": RuleSet(
        id="leading/zone",
        title_zh="科技领军企业（园区设定；默认参照浙江省创新型领军企业）",
        title_en="S&T leading enterprise (zone setting; default after Zhejiang's innovative leaders)",
        source="浙江省科技厅 2019 年创新型领军企业培育通知（园区可改）",
        effective_from=None,
        certainty="S",
    ),
}
RULE_SET = RULE_SETS["gazelle"]
PARAMS: dict[str, tuple[float, str]] = {}
TIERS_HERE = ("gazelle", "unicorn", "leading")


def _age(ctx: Ctx) -> pl.Expr:
    """Whole years from the founding to 31 December of Y."""
    return (pl.lit(ctx.year) - pl.col("established").dt.year()).cast(pl.Float64)


def _veto(tier: str, ctx: Ctx, years: int = 1) -> list[Condition]:
    span = f"{ctx.year - years + 1}–{ctx.year}" if years > 1 else f"{ctx.year}"
    return [
        none_of(
            f"{tier}.veto",
            "严重失信或重大安全、质量、环境事故",
            "Serious dishonesty or a major incident",
            any_years("serious_dishonesty", years, lambda c: c)
            | any_years("major_incident", years, lambda c: c),
            f"{span} 年列入严重失信名单或发生重大事故，不能入选",
            f"serious dishonesty or a major incident in {span}: not eligible",
        )
    ]


def columns(ctx: Ctx) -> list[list[pl.Expr]]:
    g = ctx.config.gazelle
    n = max(1, min(int(g.years), YEARS_BACK))
    base = col("revenue", n)
    lead = ctx.config.leading
    k = max(1, min(int(lead.rd_years), YEARS_BACK + 1))
    ratios = [
        safe_div(col("rd_expense", i), pl.coalesce(col("main_revenue", i), col("revenue", i)))
        for i in range(k)
    ]
    return [
        [
            _age(ctx).alias("gr_age"),
            pl.when((base > 0) & (col("revenue") >= 0))
            .then((col("revenue") / base) ** (1.0 / n) - 1.0)
            .alias("gazelle_cagr"),
            (col("valuation") / 1.0).alias("gr_valuation"),
            hmin(*ratios).alias("gr_rd_ratio_min"),
            pl.when(pl.all_horizontal([r.is_not_null() for r in ratios]))
            .then(pl.lit(True))
            .alias("gr_rd_complete"),
        ]
    ]


def gazelle_conditions(ctx: Ctx) -> list[Condition]:
    g = ctx.config.gazelle
    y = ctx.year
    n = max(1, min(int(g.years), YEARS_BACK))
    age = pl.col("gr_age")
    alt = pl.lit(False)
    for years, revenue in g.alternatives:
        alt = alt | ((age <= years) & (col("revenue") > revenue)).fill_null(False)
    target = money_up(col("revenue", n) * (1.0 + g.cagr) ** n)
    conds = [
        *_veto("gazelle", ctx),
        at_least(
            "gazelle.base_revenue",
            f"基期（{y - n} 年）营业收入",
            f"Base-year ({y - n}) revenue",
            col("revenue", n),
            g.base_revenue,
            unit="万元",
            fix_zh="基期规模不足，可按成长期其他标准培育",
            fix_en="the base year is too small",
            waived=alt,
        ),
        at_least(
            "gazelle.cagr",
            f"{y - n}–{y} 年营业收入复合增长率",
            f"Revenue CAGR {y - n}–{y}",
            pl.col("gazelle_cagr"),
            g.cagr,
            percent=True,
            fix_zh=cat(
                f"{y} 年营业收入须达到 ",
                num(target),
                " 万元（再增加 ",
                num(money_up(target - col("revenue"))),
                " 万元）",
            ),
            fix_en=cat(
                f"revenue in {y} must reach ",
                num(target),
                " 万元 (",
                num(money_up(target - col("revenue"))),
                " 万元 more)",
            ),
            waived=alt,
        ),
    ]
    if g.require_last_growth:
        conds.append(
            Condition(
                "gazelle.last_growth",
                f"{y} 年营业收入正增长",
                f"Revenue growth in {y}",
                col("revenue") > col("revenue", 1),
                cat(
                    f"{y} 年营业收入 ",
                    num(col("revenue")),
                    f" 万元未超过 {y - 1} 年的 ",
                    num(col("revenue", 1)),
                    " 万元",
                ),
                cat(
                    f"revenue in {y} ",
                    num(col("revenue")),
                    f" 万元 not above {y - 1}'s ",
                    num(col("revenue", 1)),
                    " 万元",
                ),
                actual=col("revenue"),
                required=col("revenue", 1),
                unit="万元",
                shortfall=pl.lit(1.0),
                waived=alt,
            )
        )
    if g.max_age is not None:
        conds.append(
            Condition(
                "gazelle.age",
                "成立年限",
                "Age",
                age <= g.max_age,
                cat("成立 ", num(age, 0), f" 年，超过 {g.max_age:g} 年"),
                cat(num(age, 0), f" years old, above {g.max_age:g}"),
                actual=age,
                required=pl.lit(float(g.max_age)),
                unit="年",
                hard=True,
            )
        )
    return conds


def _unicorn_threshold(ctx: Ctx) -> float:
    u = ctx.config.unicorn
    return u.valuation_usd * u.usd_cny / 1e4


def potential_unicorn(ctx: Ctx) -> pl.Expr:
    u = ctx.config.unicorn
    age, val = pl.col("gr_age"), pl.col("gr_valuation")
    out = pl.lit(False)
    for i, (years, usd) in enumerate(u.potential):
        cond = val >= usd * u.usd_cny / 1e4
        if i == 0 and u.potential_cny:
            cond = cond | (val >= u.potential_cny / 1e4)
        out = out | ((age <= years) & cond).fill_null(False)
    return out


def unicorn_conditions(ctx: Ctx) -> list[Condition]:
    u = ctx.config.unicorn
    need = _unicorn_threshold(ctx)
    age = pl.col("gr_age")
    listed = pl.col("listed_board").is_not_null() & (pl.col("listed_board") != "")
    return [
        *_veto("unicorn", ctx),
        Condition(
            "unicorn.age",
            "成立年限",
            "Age",
            age <= u.max_age,
            cat("成立 ", num(age, 0), f" 年，超过 {u.max_age:g} 年"),
            cat(num(age, 0), f" years old, above {u.max_age:g}"),
            actual=age,
            required=pl.lit(float(u.max_age)),
            unit="年",
            hard=True,
        ),
        flag(
            "unicorn.unlisted",
            "未上市",
            "Unlisted",
            ~listed,
            cat("已在", pl.col("listed_board").fill_null(""), "上市"),
            cat("listed (", pl.col("listed_board").fill_null(""), ")"),
            hard=True,
        ),
        at_least(
            "unicorn.valuation",
            "企业估值",
            "Valuation",
            pl.col("gr_valuation"),
            need,
            unit="万元",
            fix_zh=cat(
                f"距 {u.valuation_usd / 1e8:g} 亿美元（约 {need:,.0f} 万元）还差 ",
                num(money_up(need - pl.col("gr_valuation"))),
                " 万元",
            )
            + pl.when(potential_unicorn(ctx)).then(pl.lit("；已属潜在独角兽")).otherwise(pl.lit("")),
            fix_en=cat(
                num(money_up(need - pl.col("gr_valuation"))), f" 万元 short of US${u.valuation_usd / 1e9:g}bn"
            )
            + pl.when(potential_unicorn(ctx)).then(pl.lit("; a potential unicorn")).otherwise(pl.lit("")),
        ),
    ]


def leading_conditions(ctx: Ctx) -> list[Condition]:
    lead = ctx.config.leading
    y = ctx.year
    k = max(1, min(int(lead.rd_years), YEARS_BACK + 1))
    main = pl.coalesce(col("main_revenue"), col("revenue"))
    rd_more = money_up(lead.min_rd_ratio * main - col("rd_expense"))
    conds = [*_veto("leading", ctx, max(1, min(int(lead.clean_years), YEARS_BACK + 1)))]
    if lead.requires_hightech:
        conds.append(
            flag(
                "leading.hightech",
                "有效高新技术企业",
                "Valid high-tech enterprise",
                held("hightech"),
                "须为有效期内的高新技术企业",
                "must hold a valid high-tech enterprise title",
            )
        )
    conds += [
        at_least(
            "leading.rd_ratio",
            f"{y - k + 1}–{y} 年每年研发费用占主营业务收入比例（最低一年）",
            f"R&D ÷ main revenue in each of {y - k + 1}–{y} (lowest year)",
            pl.when(pl.col("gr_rd_complete")).then(pl.col("gr_rd_ratio_min")),
            lead.min_rd_ratio,
            percent=True,
            fix_zh=pl.when(rd_more > 0)
            .then(cat(f"{y} 年研发费用再增加 ", num(rd_more), " 万元"))
            .otherwise(lit(f"{y} 年已达标，此前年度不足，须在以后年度保持 ≥ {lead.min_rd_ratio * 100:g}%")),
            fix_en=pl.when(rd_more > 0)
            .then(cat(num(rd_more), f" 万元 more R&D in {y}"))
            .otherwise(
                lit(
                    f"{y} meets it; an earlier year fell short, keep ≥ {lead.min_rd_ratio * 100:g}% in the years ahead"
                )
            ),
        ),
        at_least(
            "leading.rd_staff",
            "研发人员数",
            "R&D staff",
            col("rd_staff").cast(pl.Float64),
            lead.min_rd_staff,
            unit="人",
            digits=0,
            fix_zh=cat(
                "再增加 ",
                num((lead.min_rd_staff - col("rd_staff").cast(pl.Float64)).clip(lower_bound=0.0), 0),
                " 名研发人员",
            ),
            fix_en=cat(
                num((lead.min_rd_staff - col("rd_staff").cast(pl.Float64)).clip(lower_bound=0.0), 0),
                " more R&D staff",
            ),
        ),
        at_least(
            "leading.main_share",
            "主营（核心产品）收入占比",
            "Main-business (core product) share",
            safe_div(col("main_revenue"), col("revenue")),
            lead.min_main_share,
            percent=True,
        ),
        at_least(
            "leading.revenue",
            f"{y} 年营业收入",
            f"Revenue in {y}",
            col("revenue"),
            lead.min_revenue,
            unit="万元",
            fix_zh=cat("再增加 ", num(money_up(lead.min_revenue - col("revenue"))), " 万元"),
            fix_en=cat(num(money_up(lead.min_revenue - col("revenue"))), " 万元 more"),
        ),
    ]
    return conds


def conditions(ctx: Ctx, tier: str) -> list[Condition]:
    return {"gazelle": gazelle_conditions, "unicorn": unicorn_conditions, "leading": leading_conditions}[
        tier
    ](ctx)


def force_near(ctx: Ctx, tier: str) -> pl.Expr | None:
    return potential_unicorn(ctx) if tier == "unicorn" else None


def rule_set(tier: str, ctx: Ctx) -> RuleSet:
    return RULE_SETS[tier]


_ = dt
