"""优质中小企业梯度培育管理办法 (工信部企业〔2026〕2号): the 2026 revision, [S] throughout.

Source: MIIT, issued 2026-01-17, effective 2026-04-01 (qualification-rules.md §4; reported by public
policy-data files and a news mirror; the official text was not opened):
https://www.miit.gov.cn/jgsj/qyj/wjfb/art/2026/art_2aa4981e3c9248379bc210c62dbb0569.html

Selection: ``LadderConfig.sme_rules`` "auto" applies this set to fiscal years ≥ 2025 (applications
from 2026-04-01 are judged on the 2025 accounts), the 2022 set before; "2022"/"2026" force one.
Re-reviews (复核) still use the 2022 standards — run with ``sme_rules: "2022"`` for them.

- 创新型 / 科技和创新型中小企业: until the merged standard is published the 2022 创新型 rules apply
  (办法 第三十条 as reported) — reused from ``sme_2022`` unchanged.
- 专精特新中小企业: holds 科技和创新型 (here: a valid 创新型 *or* 科技型中小企业 title — the two titles the
  new one merges; a decision); ≥ 3 niche years; revenue in Y ≥ 1,500万 or ≥ 2,000万 equity financing in
  Y−1 … Y; main-business share ≥ 80 %; debt ratio ≤ 80 % [U, one source]; R&D ≥ 100万 and ≥ 3 % of revenue
  in each of Y−1 and Y; ≥ 1 class I IP unless a national or provincial award in Y−2 … Y or a provincial-
  or-higher R&D institution exempts it; development score ≥ 50 (``development_score``, computed by the
  MIIT platform, 工信厅企业〔2024〕75号: firms cannot reproduce it, so it must be reported). "Relatively
  leading market position" has no numeric line and is not checked.
- 小巨人, seven indicators, all required: a valid 专精特新 title and ≥ 3 niche years; revenue ≥ 5,000万,
  main-business share ≥ 90 %, 2-year revenue CAGR ((R_Y / R_{Y−2})^½ − 1) ≥ 5 %, debt ratio ≤ 75 %; R&D
  over Y−1 … Y ≥ 1,200万 and ≥ 3 % of revenue in each year; ≥ 4 self-developed class I IP
  (``class1_ip_self_developed``; transferred-in IP does not count) unless a national award ranked top
  3 in Y−2 … Y; niche market share ≥ 10 % or national rank ≤ 3; main product in a key field
  (``key_field``); development score ≥ 60.

SME size and the dishonesty/incident vetoes are as in ``sme_2022`` (hard conditions).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.cultivation import sme_2022
from gaoxin.cultivation.common import (
    Condition,
    Ctx,
    RuleSet,
    at_least,
    cat,
    col,
    debt_ratio,
    flag,
    held,
    hmin,
    lit,
    min_rank,
    money_up,
    niche_years,
    num,
    pct,
    ranked,
    safe_div,
)

RULE_SET = RuleSet(
    id="sme/2026",
    title_zh="优质中小企业梯度培育管理办法（工信部企业〔2026〕2号）",
    title_en="Measures for the gradient cultivation of quality SMEs (MIIT 2026 No. 2)",
    source="工信部企业〔2026〕2号（据公开政策数据转述）",
    effective_from=dt.date(2026, 4, 1),
    certainty="S",
    url="https://www.miit.gov.cn/jgsj/qyj/wjfb/art/2026/art_2aa4981e3c9248379bc210c62dbb0569.html",
)

PARAMS: dict[str, tuple[float, str]] = {
    "sme_2026.specialized.niche_years": (3, "[S]"),
    "sme_2026.specialized.revenue_min": (1500, "[S] 万元"),
    "sme_2026.specialized.equity_alt": (2000, "[S] 万元 over 2 years"),
    "sme_2026.specialized.main_share": (0.80, "[S]"),
    "sme_2026.specialized.debt_ratio_max": (0.80, "[U] one source"),
    "sme_2026.specialized.rd_min": (100, "[S] 万元, each of 2 years"),
    "sme_2026.specialized.rd_ratio": (0.03, "[S] each of 2 years"),
    "sme_2026.specialized.class1_ip": (1, "[S]"),
    "sme_2026.specialized.development_score": (50, "[S]"),
    "sme_2026.little_giant.niche_years": (3, "[S]"),
    "sme_2026.little_giant.revenue_min": (5000, "[S] 万元"),
    "sme_2026.little_giant.main_share": (0.90, "[S]"),
    "sme_2026.little_giant.cagr": (0.05, "[S]"),
    "sme_2026.little_giant.debt_ratio_max": (0.75, "[S]"),
    "sme_2026.little_giant.rd_2y": (1200, "[S] 万元"),
    "sme_2026.little_giant.rd_ratio": (0.03, "[S] each of 2 years"),
    "sme_2026.little_giant.class1_ip": (4, "[S] self-developed"),
    "sme_2026.little_giant.market_share": (0.10, "[S]"),
    "sme_2026.little_giant.market_rank": (3, "[S]"),
    "sme_2026.little_giant.development_score": (60, "[S]"),
}

TIERS_HERE = sme_2022.TIERS_HERE


def columns(ctx: Ctx) -> list[list[pl.Expr]]:
    stages = sme_2022.columns(ctx)
    extra = [
        safe_div(col("rd_expense", 1), col("revenue", 1)).alias("s6_rd_ratio_1"),
        pl.when(col("rd_expense", 0).is_not_null() & col("rd_expense", 1).is_not_null())
        .then(hmin(col("rd_expense", 0), col("rd_expense", 1)))
        .alias("s6_rd_min_2y"),
        pl.when((col("revenue", 2) > 0) & (col("revenue", 0) >= 0))
        .then((col("revenue", 0) / col("revenue", 2)).sqrt() - 1.0)
        .alias("s6_cagr_2y"),
    ]
    return [
        stages[0] + extra,
        *stages[1:],
        [
            pl.when(pl.col("sm_rd_ratio").is_not_null() & pl.col("s6_rd_ratio_1").is_not_null())
            .then(hmin("sm_rd_ratio", "s6_rd_ratio_1"))
            .alias("s6_rd_ratio_min")
        ],
    ]


def _dev_score(id: str, need: float) -> Condition:
    return at_least(
        id,
        "专精特新发展评价得分",
        "Development score",
        col("development_score").cast(pl.Float64),
        need,
        unit="分",
        digits=0,
        fix_zh="以工业和信息化部平台测算结果为准",
        fix_en="as computed by the MIIT platform",
    )


def _rd_each_year(prefix: str, y: int, rd_min: float | None, ratio: float) -> list[Condition]:
    out = []
    if rd_min is not None:
        out.append(
            at_least(
                f"{prefix}.rd_amount",
                f"{y - 1}–{y} 年每年研发费用（较低一年）",
                f"R&D in each of {y - 1}–{y} (the lower year)",
                pl.col("s6_rd_min_2y"),
                rd_min,
                unit="万元",
                fix_zh=cat("较低一年再增加 ", num(money_up(rd_min - pl.col("s6_rd_min_2y"))), " 万元"),
                fix_en=cat(num(money_up(rd_min - pl.col("s6_rd_min_2y"))), " 万元 more in the lower year"),
            )
        )
    out.append(
        at_least(
            f"{prefix}.rd_ratio",
            f"{y - 1}–{y} 年每年研发费用占营业收入比例（较低一年）",
            f"R&D ratio in each of {y - 1}–{y} (the lower year)",
            pl.col("s6_rd_ratio_min"),
            ratio,
            percent=True,
            fix_zh=cat(
                f"{y} 年须再增加研发费用 ",
                num(money_up(ratio * col("revenue") - col("rd_expense")).clip(lower_bound=0.0)),
                " 万元（上年度已定）",
            ),
            fix_en=cat(
                num(money_up(ratio * col("revenue") - col("rd_expense")).clip(lower_bound=0.0)),
                f" 万元 more R&D in {y} (the year before is closed)",
            ),
        )
    )
    return out


def specialized_conditions(ctx: Ctx) -> list[Condition]:
    p = lambda k: ctx.p(PARAMS, f"sme_2026.specialized.{k}")  # noqa: E731
    y = ctx.year
    exempt = (
        ranked("national_award_rank", 3)
        | ranked("provincial_award_rank", 3)
        | col("rd_institution").is_in(["省级", "国家级"]).fill_null(False)
    )
    rev_min = p("revenue_min")
    return [
        sme_2022._sme(ctx),
        *sme_2022._veto(ctx),
        flag(
            "specialized_sme.prerequisite",
            "已获科技和创新型中小企业称号",
            "Holds the tech-and-innovation SME title",
            held("innovative_sme") | held("tech_sme"),
            "须先取得科技和创新型中小企业（创新型或科技型中小企业）称号",
            "must first hold the tech-and-innovation SME title (innovative or tech-based SME)",
        ),
        niche_years("specialized_sme", p("niche_years")),
        Condition(
            "specialized_sme.revenue",
            f"{y} 年营业收入（或近两年股权融资）",
            f"Revenue in {y} (or equity financing over 2 years)",
            (col("revenue") >= rev_min) | (pl.col("sm_equity_2y") >= p("equity_alt")).fill_null(False),
            cat(
                "营业收入 ",
                num(col("revenue")),
                f" 万元 < {rev_min:g} 万元（且近两年股权融资不足 {p('equity_alt'):g} 万元）：再增加 ",
                num(money_up(rev_min - col("revenue"))),
                " 万元",
            ),
            cat(
                "revenue ",
                num(col("revenue")),
                f" 万元 < {rev_min:g} (and equity financing below {p('equity_alt'):g} over two years): ",
                num(money_up(rev_min - col("revenue"))),
                " 万元 more",
            ),
            actual=col("revenue"),
            required=pl.lit(rev_min),
            unit="万元",
            shortfall=((rev_min - col("revenue")) / rev_min).clip(0.0, 1.0),
        ),
        at_least(
            "specialized_sme.main_share",
            "主营业务收入占比",
            "Main-business share",
            pl.col("sm_main_share"),
            p("main_share"),
            percent=True,
        ),
        debt_ratio("specialized_sme", p("debt_ratio_max")),
        *_rd_each_year("specialized_sme", y, p("rd_min"), p("rd_ratio")),
        at_least(
            "specialized_sme.class1_ip",
            "主营产品相关 I 类知识产权",
            "Class I IP related to the main product",
            pl.col("sm_class1").cast(pl.Float64),
            p("class1_ip"),
            unit="件",
            digits=0,
            fix_zh="取得发明专利等 I 类知识产权（或以获奖、省级以上研发机构豁免）",
            fix_en="obtain class I IP such as an invention patent (or be exempted by an award or a provincial R&D institution)",
            waived=exempt,
        ),
        _dev_score("specialized_sme.development_score", p("development_score")),
    ]


def little_giant_conditions(ctx: Ctx) -> list[Condition]:
    p = lambda k: ctx.p(PARAMS, f"sme_2026.little_giant.{k}")  # noqa: E731
    y = ctx.year
    award = (min_rank("national_award_rank", 3) <= 3).fill_null(False)
    share, rank = p("market_share"), p("market_rank")
    share_met = (col("niche_market_share") >= share).fill_null(False) | (
        (col("market_rank") >= 1) & (col("market_rank") <= rank)
    ).fill_null(False)
    known = col("niche_market_share").is_not_null() | (col("market_rank") >= 1).fill_null(False)
    rd2 = p("rd_2y")
    return [
        sme_2022._sme(ctx),
        *sme_2022._veto(ctx),
        flag(
            "little_giant.prerequisite",
            "已获专精特新中小企业称号",
            "Holds the specialised-SME title",
            held("specialized_sme"),
            "尚未取得有效的专精特新中小企业称号",
            "does not hold a valid specialised-SME title",
        ),
        niche_years("little_giant", p("niche_years")),
        at_least(
            "little_giant.revenue",
            f"{y} 年营业收入",
            f"Revenue in {y}",
            col("revenue"),
            p("revenue_min"),
            unit="万元",
            fix_zh=cat("再增加 ", num(money_up(p("revenue_min") - col("revenue"))), " 万元"),
            fix_en=cat(num(money_up(p("revenue_min") - col("revenue"))), " 万元 more"),
        ),
        at_least(
            "little_giant.main_share",
            "主营业务收入占比",
            "Main-business share",
            pl.col("sm_main_share"),
            p("main_share"),
            percent=True,
        ),
        at_least(
            "little_giant.cagr",
            "近两年营业收入复合增长率",
            "2-year revenue CAGR",
            pl.col("s6_cagr_2y"),
            p("cagr"),
            percent=True,
            fix_zh=cat(
                f"{y} 年营业收入须达到 ", num(money_up(col("revenue", 2) * (1.0 + p("cagr")) ** 2)), " 万元"
            ),
            fix_en=cat(
                f"revenue in {y} must reach ",
                num(money_up(col("revenue", 2) * (1.0 + p("cagr")) ** 2)),
                " 万元",
            ),
        ),
        debt_ratio("little_giant", p("debt_ratio_max")),
        at_least(
            "little_giant.rd_2y",
            f"{y - 1}–{y} 年研发费用合计",
            f"R&D over {y - 1}–{y}",
            pl.col("sm_rd_2y"),
            rd2,
            unit="万元",
            fix_zh=cat(f"{y} 年再增加研发费用 ", num(money_up(rd2 - pl.col("sm_rd_2y"))), " 万元"),
            fix_en=cat(num(money_up(rd2 - pl.col("sm_rd_2y"))), f" 万元 more R&D in {y}"),
        ),
        *_rd_each_year("little_giant", y, None, p("rd_ratio")),
        at_least(
            "little_giant.class1_ip",
            "自主研发的主营产品相关 I 类知识产权",
            "Self-developed class I IP related to the main product",
            col("class1_ip_self_developed").cast(pl.Float64),
            p("class1_ip"),
            unit="件",
            digits=0,
            fix_zh=cat(
                "再取得 ",
                num(
                    (p("class1_ip") - col("class1_ip_self_developed").cast(pl.Float64)).clip(lower_bound=0.0),
                    0,
                ),
                " 件自主研发 I 类知识产权（受让不计）",
            ),
            fix_en=cat(
                num(
                    (p("class1_ip") - col("class1_ip_self_developed").cast(pl.Float64)).clip(lower_bound=0.0),
                    0,
                ),
                " more self-developed class I IP (transferred-in IP does not count)",
            ),
            waived=award,
        ),
        Condition(
            "little_giant.market",
            "细分市场占有率或全国排名",
            "Niche market share or national rank",
            pl.when(known).then(share_met),
            cat(
                "细分市场占有率 ",
                pl.coalesce(pct(col("niche_market_share")), lit("未报告")),
                "，全国排名",
                pl.when(col("market_rank") >= 1)
                .then(cat(" 第 ", num(col("market_rank"), 0), " 名"))
                .otherwise(lit("无")),
                f"：须占有率 ≥ {share * 100:g}% 或全国排名前 {rank:g}",
            ),
            cat(
                "niche market share ",
                pl.coalesce(pct(col("niche_market_share")), lit("not reported")),
                ", national rank ",
                pl.when(col("market_rank") >= 1).then(num(col("market_rank"), 0)).otherwise(lit("none")),
                f": needs a share ≥ {share * 100:g}% or a top-{rank:g} national rank",
            ),
            actual=col("niche_market_share") * 100.0,
            required=pl.lit(share * 100.0),
            unit="%",
            shortfall=((share - col("niche_market_share").fill_null(0.0)) / share).clip(0.0, 1.0),
        ),
        flag(
            "little_giant.field",
            "主导产品属于重点领域",
            "Main product in a key field",
            col("key_field"),
            "主导产品须属于工业“六基”领域或传统产业升级、新兴产业壮大、未来产业培育的关键环节",
            "the main product must be in the six industrial foundations or a key link of upgrading, emerging or future industries",
        ),
        _dev_score("little_giant.development_score", p("development_score")),
    ]


def conditions(ctx: Ctx, tier: str) -> list[Condition]:
    if tier == "innovative_sme":
        return sme_2022.innovative_conditions(ctx)
    if tier == "specialized_sme":
        return specialized_conditions(ctx)
    if tier == "little_giant":
        return little_giant_conditions(ctx)
    raise KeyError(tier)


def rule_set(tier: str, ctx: Ctx) -> RuleSet:
    return RULE_SET


OUTPUTS = sme_2022.OUTPUTS
