"""高新技术企业认定 (国科发火〔2016〕32号 管理办法 + 国科发火〔2016〕195号 工作指引): the eight
conditions and the innovation-capability score.

Sources (qualification-rules.md §2, marked "有效" as of 2026-08):
- 办法: https://www.most.gov.cn/xxgk/xinxifenlei/fdzdgknr/fgzc/gfxwj/gfxwj2016/201602/t20160205_123998.html
  (effective 2016-01-01)
- 指引: https://www.most.gov.cn/xxgk/xinxifenlei/fdzdgknr/fgzc/gfxwj/gfxwj2016/201606/t20160629_126169.html
Not the 2008 rules many web pages still quote (6 %, 大专 30 %, asset growth).

The eight conditions (第十一条) [C], as conditions of this module:

1. ``hightech.registered``: registered ≥ 1 year on the application date, taken as 30 June of Y+1 (the
   round after fiscal year Y; the window is May–September) — a decision, documented.
2. ``hightech.ip``: owns IP (class I or class II) supporting its main products.
3. ``hightech.field``: the core technology is in one of the 8 fields (``tech_field`` filled).
4. ``hightech.staff``: S&T staff ≥ 10 % of employees in Y.
5. ``hightech.rd_ratio``: Σ R&D ÷ Σ sales revenue over Y−2 … Y (the years reported: a younger firm
   uses its actual period) ≥ the threshold set by Y's revenue: ≤ 5,000万 → 5 %, ≤ 2亿 → 4 %, above → 3 %
   (``RD_THRESHOLDS``, bounds inclusive as the text says "（含）");
   ``hightech.domestic_rd``: domestic R&D ≥ 60 % of R&D over the same years.
6. ``hightech.hightech_revenue``: high-tech product (service) revenue ≥ 60 % of revenue in Y.
7. ``hightech.capability``: innovation-capability score > 70 (i.e. ≥ 71) [C].
8. ``hightech.incident``: no major safety or quality accident or serious environmental violation in Y
   (the year before applying) — a veto: *ineligible*.

Innovation capability (指引, 100 points) [C on the tables]: only parts are mechanical, so the score is a
range [pessimistic, optimistic]:

- (a) IP ≤ 30: quantity (``IP_QUANTITY``: ≥ 1 class I → 7–8; class II ≥ 5 → 5–6, 3–4 → 3–4, 1–2 → 1–2)
  is computed; technical advancement (0–8) and core support (0–8) are expert-judged: 1–8 each when the
  firm has IP, else 0; how obtained (0–6): 1–6, or 1–3 when all its IP is class I and none of it is
  self-developed (``class1_ip_self_developed`` = 0); the standards bonus 1–2 when the firm led or took
  part in a standard in Y; capped at 30.
- (b) conversion ≤ 30 (``CONVERSION``): the average of ``tech_transfers`` over Y−2 … Y (years reported)
  ≥ 5 → 25–30, ≥ 4 → 19–24, ≥ 3 → 13–18, ≥ 2 → 7–12, ≥ 1 → 1–6, else 0 (an average between 0 and 1 is
  read as 0 [U]).
- (c) R&D organisation ≤ 20: expert-judged, 0–20; 3–20 when the firm reports an R&D institution
  (municipal or higher) — an assumption.
- (d) growth ≤ 20 [C]: net-asset growth and sales growth, each ``½(x₂/x₁ + x₃/x₂) − 1`` over Y−2, Y−1, Y,
  scored on ``GROWTH_BANDS`` (≥ 35 % → 9–10, ≥ 25 % → 7–8, ≥ 15 % → 5–6, ≥ 5 % → 3–4, > 0 → 1–2, ≤ 0 → 0).
  Special cases [C]: a negative rate scores 0; x₁ = 0 → the last two years only (x₃/x₂ − 1); x₂ = 0 →
  0 points; fewer than 3 years → the actual period. Decisions [U]: x₁ missing or negative is treated as
  x₁ = 0; x₂ negative as x₂ = 0 (0 points); only one year → 0 points. Net assets are ``net_assets``, or
  total assets − total liabilities when not reported.

``hightech_capability_min/max`` is the range; ``LadderConfig.hightech_capability_basis`` is what the
pass condition is judged on: ``max`` by default — the optimistic end, reachable when the firm prepares
what the experts look at (R&D management and cost accounting, incentive systems, a clear account of its
IP); ``mid`` and ``min`` are stricter readings for a zone that wants only sure candidates.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.cultivation.common import (
    Band,
    Condition,
    Ctx,
    RuleSet,
    at_least,
    banded,
    cat,
    ceil_pos,
    class1,
    class2,
    col,
    flag,
    ip_known,
    join_texts,
    lit,
    money_up,
    next_band,
    none_of,
    num,
    safe_div,
)

RULE_SET = RuleSet(
    id="hightech/2016",
    title_zh="高新技术企业认定管理办法及工作指引（国科发火〔2016〕32号、195号）",
    title_en="Administrative measures and guideline for high-tech enterprise recognition (2016 No. 32, 195)",
    source="国科发火〔2016〕32号 第十一条；国科发火〔2016〕195号",
    effective_from=dt.date(2016, 1, 1),
    certainty="C",
    url="https://www.most.gov.cn/xxgk/xinxifenlei/fdzdgknr/fgzc/gfxwj/gfxwj2016/201602/t20160205_123998.html",
)

PARAMS: dict[str, tuple[float, str]] = {
    "hightech.min_staff_ratio": (0.10, "[C] 第十一条(四)"),
    "hightech.min_domestic_rd": (0.60, "[C] 第十一条(五)"),
    "hightech.min_hightech_revenue": (0.60, "[C] 第十一条(六)"),
    "hightech.pass_mark": (70, "[C] 创新能力评价 > 70"),
    "hightech.org_min_with_institution": (3, "assumption: (c) pessimistic with an R&D institution"),
}

# (revenue of Y up to, inclusive, in 万元; required 3-year R&D ratio)
RD_THRESHOLDS: tuple[tuple[float, float], ...] = ((5000.0, 0.05), (20000.0, 0.04), (float("inf"), 0.03))
IP_QUANTITY_CLASS1 = (7.0, 8.0)
IP_QUANTITY_CLASS2 = (Band(5, 5, 6), Band(3, 3, 4), Band(1, 1, 2))
CONVERSION = (Band(5, 25, 30), Band(4, 19, 24), Band(3, 13, 18), Band(2, 7, 12), Band(1, 1, 6))
GROWTH_BANDS = (
    Band(0.35, 9, 10),
    Band(0.25, 7, 8),
    Band(0.15, 5, 6),
    Band(0.05, 3, 4),
    Band(0.0, 1, 2, strict=True),
)
IP_CAP = 30.0
ORG_MAX = 20.0
YEARS = 3


def growth_rate(x1: pl.Expr, x2: pl.Expr, x3: pl.Expr) -> pl.Expr:
    """The guideline's growth rate ½(x₂/x₁ + x₃/x₂) − 1 with its special cases; null = scores 0."""
    two = x3 / x2 - 1.0
    three = 0.5 * (x2 / x1 + x3 / x2) - 1.0
    return (
        pl.when(x3.is_null() | x2.is_null() | (x2 <= 0))
        .then(pl.lit(None, dtype=pl.Float64))
        .when(x1.is_null() | (x1 <= 0))
        .then(two)
        .otherwise(three)
    )


def growth_points(rate: pl.Expr, top: bool) -> pl.Expr:
    return banded(rate, GROWTH_BANDS, top=top).fill_null(0.0)


def _net_assets(k: int) -> pl.Expr:
    return pl.coalesce(col("net_assets", k), col("total_assets", k) - col("total_liabilities", k))


def rd_threshold(revenue: pl.Expr) -> pl.Expr:
    expr = None
    for limit, rate in RD_THRESHOLDS:
        cond = revenue <= limit
        expr = pl.when(cond).then(pl.lit(rate)) if expr is None else expr.when(cond).then(pl.lit(rate))
    assert expr is not None
    return expr


def application_date(year: int) -> dt.date:
    return dt.date(year + 1, 6, 30)


def columns(ctx: Ctx) -> list[list[pl.Expr]]:
    both = [col("revenue", k).is_not_null() & col("rd_expense", k).is_not_null() for k in range(YEARS)]
    rd3 = pl.sum_horizontal([pl.when(both[k]).then(col("rd_expense", k)) for k in range(YEARS)])
    rev3 = pl.sum_horizontal([pl.when(both[k]).then(col("revenue", k)) for k in range(YEARS)])
    dom_ok = [both[k] & col("rd_expense_domestic", k).is_not_null() for k in range(YEARS)]
    dom3 = pl.sum_horizontal([pl.when(dom_ok[k]).then(col("rd_expense_domestic", k)) for k in range(YEARS)])
    rd_dom3 = pl.sum_horizontal([pl.when(dom_ok[k]).then(col("rd_expense", k)) for k in range(YEARS)])
    any_pair = pl.any_horizontal(both)
    c1, c2 = class1(), class2()
    any_ip = (c1 + c2) > 0
    self_dev = col("class1_ip_self_developed")
    transfer_only = (c1 > 0) & (c2 == 0) & (self_dev == 0).fill_null(False)
    q_min = pl.when(c1 >= 1).then(pl.lit(IP_QUANTITY_CLASS1[0])).otherwise(banded(c2, IP_QUANTITY_CLASS2))
    q_max = (
        pl.when(c1 >= 1)
        .then(pl.lit(IP_QUANTITY_CLASS1[1]))
        .otherwise(banded(c2, IP_QUANTITY_CLASS2, top=True))
    )
    bonus = (col("standards_led") > 0).fill_null(False) | (col("standards_participated") > 0).fill_null(False)
    ip_min = pl.when(any_ip).then(1.0 + 1.0 + q_min.fill_null(0.0) + 1.0).otherwise(0.0) + pl.when(
        bonus
    ).then(1.0).otherwise(0.0)
    ip_max = pl.when(any_ip).then(
        8.0 + 8.0 + q_max.fill_null(0.0) + pl.when(transfer_only).then(3.0).otherwise(6.0)
    ).otherwise(0.0) + pl.when(bonus).then(2.0).otherwise(0.0)
    tt = [col("tech_transfers", k) for k in range(YEARS)]
    conv_avg = pl.mean_horizontal(tt)
    has_inst = col("rd_institution").is_in(["市级", "省级", "国家级"]).fill_null(False)
    na_rate = growth_rate(_net_assets(2), _net_assets(1), _net_assets(0))
    sales_rate = growth_rate(col("revenue", 2), col("revenue", 1), col("revenue", 0))
    first = [
        pl.when(any_pair).then(rd3).alias("ht_rd3"),
        pl.when(any_pair).then(rev3).alias("ht_rev3"),
        pl.when(pl.any_horizontal(dom_ok)).then(dom3).alias("ht_dom3"),
        pl.when(pl.any_horizontal(dom_ok)).then(rd_dom3).alias("ht_rd_dom3"),
        rd_threshold(col("revenue")).alias("hightech_rd_threshold"),
        c1.alias("ht_class1"),
        c2.alias("ht_class2"),
        ip_min.clip(upper_bound=IP_CAP).alias("ht_ip_min"),
        ip_max.clip(upper_bound=IP_CAP).alias("ht_ip_max"),
        q_min.fill_null(0.0).alias("ht_quantity_min"),
        conv_avg.alias("ht_conversion_avg"),
        pl.sum_horizontal(tt).alias("ht_conversion_sum"),
        pl.sum_horizontal([t.is_not_null() for t in tt]).alias("ht_conversion_years"),
        banded(conv_avg, CONVERSION).fill_null(0.0).alias("ht_conv_min"),
        banded(conv_avg, CONVERSION, top=True).fill_null(0.0).alias("ht_conv_max"),
        pl.when(has_inst)
        .then(pl.lit(ctx.p(PARAMS, "hightech.org_min_with_institution")))
        .otherwise(0.0)
        .alias("ht_org_min"),
        pl.lit(ORG_MAX).alias("ht_org_max"),
        na_rate.alias("hightech_net_asset_growth"),
        sales_rate.alias("hightech_sales_growth"),
        (growth_points(na_rate, False) + growth_points(sales_rate, False)).alias(
            "hightech_growth_points_min"
        ),
        (growth_points(na_rate, True) + growth_points(sales_rate, True)).alias("hightech_growth_points_max"),
    ]
    second = [
        safe_div(pl.col("ht_rd3"), pl.col("ht_rev3")).alias("hightech_rd_ratio_3y"),
        safe_div(pl.col("ht_dom3"), pl.col("ht_rd_dom3")).alias("ht_domestic_share"),
        pl.sum_horizontal("ht_ip_min", "ht_conv_min", "ht_org_min", "hightech_growth_points_min").alias(
            "hightech_capability_min"
        ),
        pl.sum_horizontal("ht_ip_max", "ht_conv_max", "ht_org_max", "hightech_growth_points_max").alias(
            "hightech_capability_max"
        ),
    ]
    basis = getattr(ctx.config, "hightech_capability_basis", "max")
    value = {
        "min": pl.col("hightech_capability_min"),
        "max": pl.col("hightech_capability_max"),
        "mid": (pl.col("hightech_capability_min") + pl.col("hightech_capability_max")) / 2.0,
    }[basis]
    third = [value.alias("ht_capability")]
    return [first, second, third]


def conditions(ctx: Ctx, tier: str | None = None) -> list[Condition]:
    p = ctx.p
    y = ctx.year
    e = col("employees").cast(pl.Float64)
    t = col("tech_staff").cast(pl.Float64)
    min_staff = p(PARAMS, "hightech.min_staff_ratio")
    n_staff = ceil_pos((min_staff * e - t) / (1.0 - min_staff) - 1e-9)
    thr = pl.col("hightech_rd_threshold")
    rd_more = money_up(thr * pl.col("ht_rev3") - pl.col("ht_rd3"))
    min_dom = p(PARAMS, "hightech.min_domestic_rd")
    dom_more = money_up((min_dom * pl.col("ht_rd_dom3") - pl.col("ht_dom3")) / (1.0 - min_dom))
    min_ht = p(PARAMS, "hightech.min_hightech_revenue")
    ht_more = money_up((min_ht * col("revenue") - col("hightech_revenue")) / (1.0 - min_ht))
    app = application_date(y)
    est = pl.col("established")
    one_year = est.dt.offset_by("1y")
    days_left = (one_year - pl.lit(app)).dt.total_days().cast(pl.Float64)
    ip_any = pl.when(ip_known()).then((pl.col("ht_class1") + pl.col("ht_class2")) > 0)
    pass_mark = p(PARAMS, "hightech.pass_mark")
    cap = pl.col("ht_capability")
    basis = getattr(ctx.config, "hightech_capability_basis", "max")
    basis_zh = {"min": "按保守估计", "mid": "按中值", "max": "按乐观估计"}[basis]
    basis_en = {"min": "pessimistic", "mid": "central", "max": "optimistic"}[basis]

    # levers for the capability score: the next IP-quantity band and the next conversion band
    nb_lower, nb_points = next_band(pl.col("ht_conversion_avg").fill_null(0.0), CONVERSION)
    years_n = pl.col("ht_conversion_years").clip(lower_bound=1).cast(pl.Float64)
    conv_more = ceil_pos(nb_lower * years_n - pl.col("ht_conversion_sum").fill_null(0) - 1e-9)
    lever_ip_zh = pl.when(pl.col("ht_class1").fill_null(0) < 1).then(
        cat("取得 I 类知识产权（知识产权数量得分 ", num(pl.col("ht_quantity_min"), 0), "→7–8）")
    )
    lever_ip_en = pl.when(pl.col("ht_class1").fill_null(0) < 1).then(
        cat("obtain class I IP (IP-quantity points ", num(pl.col("ht_quantity_min"), 0), "→7–8)")
    )
    lever_conv_zh = pl.when(nb_lower.is_not_null()).then(
        cat(
            "近三年科技成果转化再增加 ",
            num(conv_more, 0),
            " 项（年均达到 ",
            num(nb_lower, 0),
            " 项，转化得分可达 ",
            num(nb_points, 0),
            " 分以上）",
        )
    )
    lever_conv_en = pl.when(nb_lower.is_not_null()).then(
        cat(
            num(conv_more, 0),
            " more technology transfers over three years (average ",
            num(nb_lower, 0),
            " a year, ≥ ",
            num(nb_points, 0),
            " points)",
        )
    )
    growth_zh = lit("并完善研究开发组织管理（最高 20 分）")
    growth_en = lit("and strengthen R&D organisation and management (up to 20 points)")
    lever_zh = join_texts([lever_ip_zh, lever_conv_zh, growth_zh], "；")
    lever_en = join_texts([lever_ip_en, lever_conv_en, growth_en], "; ")

    return [
        Condition(
            "hightech.registered",
            "注册成立满一年",
            "Registered for at least one year",
            one_year <= pl.lit(app),
            cat(
                "注册成立未满一年：",
                one_year.dt.strftime("%Y-%m-%d"),
                " 起满一年",
                f"（申报按 {app:%Y-%m-%d} 计）",
            ),
            cat(
                "registered for less than a year: one year on ",
                one_year.dt.strftime("%Y-%m-%d"),
                f" (application taken as {app:%Y-%m-%d})",
            ),
            actual=(pl.lit(app) - est).dt.total_days().cast(pl.Float64),
            required=(one_year - est).dt.total_days().cast(pl.Float64),
            unit="天",
            shortfall=(days_left / 365.0).clip(0.0, 1.0),
        ),
        flag(
            "hightech.ip",
            "拥有核心自主知识产权",
            "Owns core IP",
            ip_any,
            "尚无有效知识产权：至少取得 1 件（I 类如发明专利，或 II 类如实用新型、软件著作权）",
            "no valid IP: obtain at least one item (class I, e.g. an invention patent, or class II, e.g. a utility model or software copyright)",
        ),
        flag(
            "hightech.field",
            "核心技术属于国家重点支持的高新技术领域",
            "Core technology in a supported high-tech field",
            pl.when(pl.col("tech_field").is_not_null()).then(pl.lit(True)),
            "未填报所属高新技术领域（8 个领域之一）",
            "no high-tech field given (one of the 8 fields)",
        ),
        at_least(
            "hightech.staff",
            "科技人员占职工总数比例",
            "S&T staff share of employees",
            safe_div(t, e),
            min_staff,
            percent=True,
            fix_zh=cat("再增加 ", num(n_staff, 0), " 名科技人员即可达标"),
            fix_en=cat(num(n_staff, 0), " more S&T staff closes it"),
        ),
        at_least(
            "hightech.rd_ratio",
            "近三年研发费用占销售收入比例",
            "3-year R&D ratio",
            pl.col("hightech_rd_ratio_3y"),
            thr,
            percent=True,
            fix_zh=cat(f"{y} 年再增加研发费用 ", num(rd_more), " 万元即可达标"),
            fix_en=cat(num(rd_more), f" 万元 more R&D in {y} closes it"),
        ),
        at_least(
            "hightech.domestic_rd",
            "境内研发费用占比",
            "Domestic share of R&D",
            pl.col("ht_domestic_share"),
            min_dom,
            percent=True,
            fix_zh=cat("再增加境内研发费用 ", num(dom_more), " 万元即可达标"),
            fix_en=cat(num(dom_more), " 万元 more R&D in China closes it"),
        ),
        at_least(
            "hightech.hightech_revenue",
            "高新技术产品（服务）收入占比",
            "High-tech product (service) revenue share",
            safe_div(col("hightech_revenue"), col("revenue")),
            min_ht,
            percent=True,
            fix_zh=cat("再增加高新技术产品（服务）收入 ", num(ht_more), " 万元即可达标"),
            fix_en=cat(num(ht_more), " 万元 more high-tech product revenue closes it"),
        ),
        Condition(
            "hightech.capability",
            "创新能力评价得分",
            "Innovation-capability score",
            cap > pass_mark,
            cat(
                "创新能力评价预计 ",
                num(pl.col("hightech_capability_min"), 0),
                "–",
                num(pl.col("hightech_capability_max"), 0),
                f" 分，{basis_zh} ",
                num(cap, 1),
                f" 分，未超过 {pass_mark:g} 分：",
                lever_zh,
            ),
            cat(
                "innovation capability estimated at ",
                num(pl.col("hightech_capability_min"), 0),
                "–",
                num(pl.col("hightech_capability_max"), 0),
                f", {basis_en} ",
                num(cap, 1),
                f", not above {pass_mark:g}: ",
                lever_en,
            ),
            actual=cap,
            required=pl.lit(pass_mark + 1.0),
            unit="分",
            shortfall=((pass_mark + 1.0 - cap) / (pass_mark + 1.0)).clip(0.0, 1.0),
        ),
        none_of(
            "hightech.incident",
            "重大安全、质量事故或严重环境违法",
            "Major safety or quality accident, serious environmental violation",
            col("major_incident"),
            f"{y} 年发生重大安全、质量事故或严重环境违法行为，本轮不能申报",
            f"a major safety, quality or environmental incident in {y}: not eligible this round",
        ),
    ]


OUTPUTS = (
    "hightech_rd_ratio_3y",
    "hightech_rd_threshold",
    "hightech_growth_points_min",
    "hightech_growth_points_max",
    "hightech_capability_min",
    "hightech_capability_max",
)
_ = lit
