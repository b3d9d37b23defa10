"""科技型中小企业评价办法 (国科发政〔2017〕115号): eligibility, the 100-point score, the pass rule and
the direct paths.

Source: 《科技型中小企业评价办法》, MOST, Ministry of Finance and State Taxation Administration,
国科发政〔2017〕115号, effective 2017-05-03, still in force with unchanged thresholds as of 2026
(qualification-rules.md §1, [S] on "still in force"). The 2022 Torch guideline (国科火字〔2022〕67号) is
procedural and changes no number. Official text:
https://www.most.gov.cn/xxgk/xinxifenlei/fdzdgknr/fgzc/gfxwj/gfxwj2017/201705/t20170510_132709.html

Rules and their certainty (qualification-rules.md tags):

- 第六条 eligibility [C]: employees ≤ 500, sales revenue ≤ 2亿元, total assets ≤ 2亿元 (``SIZE``); not in a
  prohibited/restricted/phase-out category; no major safety or quality accident, serious environmental
  violation, serious dishonesty or abnormal-operation listing in the evaluated year or the year before
  (read from ``major_incident``, ``serious_dishonesty``, ``abnormal_operation`` of Y and Y−1). A
  known failure makes the firm *ineligible*.
- 第七条 score [C], lower bounds inclusive ("（含）"): ``STAFF_BANDS`` (tech staff ÷ employees, 20),
  ``RD_SALES_BANDS`` / ``RD_COST_BANDS`` (R&D ÷ sales revenue or ÷ total costs and expenses; the firm
  picks one basis, so the better counts, 50), ``IP`` (class I ≥ 1 → 30; class II 4/3/2/1 → 24/18/12/6).
- Pass rule [C]: score ≥ 60 and staff score > 0 (i.e. tech staff ≥ 10 %).
- 第八条 direct paths [C] (any one, with eligibility; the score is then not needed): a valid 高新技术
  企业 title; a national S&T award in the last 5 years ranked in the top 3 (``national_award_rank``
  ≤ 3 in Y−4 … Y); a provincial-or-higher R&D institution (``rd_institution`` 省级/国家级); having led an
  international, national or industry standard in the last 5 years (``standards_led`` > 0 in Y−4 … Y;
  the "top 5" rank detail one source adds is [U] and not applied).

Missing values earn no points (the data dictionary's rule); a missing staff ratio leaves the staff
condition "not reported".
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.cultivation.common import (
    Band,
    Condition,
    Ctx,
    RuleSet,
    any_years,
    at_least,
    at_most,
    banded,
    cat,
    ceil_pos,
    class1,
    class2,
    col,
    held,
    hmax,
    hmin,
    join_texts,
    ladder_points,
    lit,
    min_rank,
    money_up,
    none_of,
    num,
    safe_div,
)

RULE_SET = RuleSet(
    id="tech_sme/2017",
    title_zh="科技型中小企业评价办法（国科发政〔2017〕115号）",
    title_en="Evaluation method for tech-based SMEs (MOST 2017 No. 115)",
    source="国科发政〔2017〕115号 第六、七、八条",
    effective_from=dt.date(2017, 5, 3),
    certainty="C",
    url="https://www.most.gov.cn/xxgk/xinxifenlei/fdzdgknr/fgzc/gfxwj/gfxwj2017/201705/t20170510_132709.html",
)

PARAMS: dict[str, tuple[float, str]] = {
    "tech_sme.max_employees": (500, "[C] 第六条"),
    "tech_sme.max_revenue": (20000, "[C] 第六条, 万元"),
    "tech_sme.max_assets": (20000, "[C] 第六条, 万元"),
    "tech_sme.pass_score": (60, "[C] 第六条"),
    "tech_sme.award_rank": (3, "[C] 第八条, national award rank ≤"),
}

STAFF_BANDS = (Band(0.30, 20), Band(0.25, 16), Band(0.20, 12), Band(0.15, 8), Band(0.10, 4))
RD_SALES_BANDS = (Band(0.06, 50), Band(0.05, 40), Band(0.04, 30), Band(0.03, 20), Band(0.02, 10))
RD_COST_BANDS = (Band(0.30, 50), Band(0.25, 40), Band(0.20, 30), Band(0.15, 20), Band(0.10, 10))
IP_CLASS1_POINTS = 30.0
IP_CLASS2_BANDS = (Band(4, 24), Band(3, 18), Band(2, 12), Band(1, 6))
MIN_STAFF_RATIO = STAFF_BANDS[-1].lower  # the 0-point band ends at 10 %
DIRECT_YEARS = 5


def columns(ctx: Ctx) -> list[list[pl.Expr]]:
    """Helper columns ``ts_*`` (stages of ``with_columns``)."""
    staff = safe_div(col("tech_staff"), col("employees").cast(pl.Float64))
    rd_sales = safe_div(col("rd_expense"), col("revenue"))
    rd_cost = safe_div(col("rd_expense"), col("total_costs"))
    c1, c2 = class1(), class2()
    ip_pts = (
        pl.when(c1 >= 1)
        .then(pl.lit(IP_CLASS1_POINTS))
        .otherwise(banded(c2.cast(pl.Float64), IP_CLASS2_BANDS))
        .fill_null(0.0)
    )
    direct = (
        held("hightech")
        | (min_rank("national_award_rank", DIRECT_YEARS) <= ctx.p(PARAMS, "tech_sme.award_rank")).fill_null(
            False
        )
        | col("rd_institution").is_in(["省级", "国家级"]).fill_null(False)
        | any_years("standards_led", DIRECT_YEARS, lambda c: c > 0)
    )
    first = [
        staff.alias("ts_staff_ratio"),
        rd_sales.alias("ts_rd_sales"),
        rd_cost.alias("ts_rd_cost"),
        banded(staff, STAFF_BANDS).alias("ts_staff_pts"),
        hmax(banded(rd_sales, RD_SALES_BANDS), banded(rd_cost, RD_COST_BANDS)).alias("ts_rd_pts"),
        ip_pts.alias("ts_ip_pts"),
        c1.alias("ts_class1"),
        c2.alias("ts_class2"),
        direct.alias("ts_direct"),
    ]
    second = [
        pl.sum_horizontal(
            pl.col("ts_staff_pts").fill_null(0.0), pl.col("ts_rd_pts").fill_null(0.0), pl.col("ts_ip_pts")
        ).alias("tech_sme_score")
    ]
    return [first, second]


def _levers(ctx: Ctx) -> tuple[pl.Expr, pl.Expr]:
    """The sentence that says how to reach the pass score, zh and en: each single lever that closes the
    gap on its own ("…，或…"), else the steps of every lever to combine."""
    need = ctx.p(PARAMS, "tech_sme.pass_score") - pl.col("tech_sme_score")
    staff_pts = pl.col("ts_staff_pts").fill_null(0.0)
    rd_pts = pl.col("ts_rd_pts").fill_null(0.0)
    ip_pts = pl.col("ts_ip_pts")
    e = col("employees").cast(pl.Float64)
    t = col("tech_staff").cast(pl.Float64)

    # staff: the band that makes up the gap (4 points a band), at most 20
    s_target = (staff_pts + (need / 4.0).ceil() * 4.0).clip(upper_bound=20.0)
    s_lower = ladder_points(pl.col("ts_staff_ratio"), STAFF_BANDS, s_target)
    s_n = ceil_pos((s_lower * e - t) / (1.0 - s_lower) - 1e-9)
    s_ok = (s_target > staff_pts) & s_n.is_not_null() & (e > 0)
    # R&D: 10 points a band, at most 50; the cheaper basis (R&D also adds to the total costs)
    r_target = (rd_pts + (need / 10.0).ceil() * 10.0).clip(upper_bound=50.0)
    rd = col("rd_expense").fill_null(0.0)
    x_sales = pl.when(col("revenue") > 0).then(
        ladder_points(pl.col("ts_rd_sales"), RD_SALES_BANDS, r_target) * col("revenue") - rd
    )
    lc = ladder_points(pl.col("ts_rd_cost"), RD_COST_BANDS, r_target)
    x_cost = pl.when(col("total_costs") > 0).then((lc * col("total_costs") - rd) / (1.0 - lc))
    r_x = money_up(hmin(x_sales, x_cost))
    r_ok = (r_target > rd_pts) & r_x.is_not_null()
    # IP: one class I item gives 30; class II items 6 points each up to 24
    c2 = pl.col("ts_class2").fill_null(0).cast(pl.Float64)
    i1_ok = ip_pts < IP_CLASS1_POINTS
    i2_target = (ip_pts + (need / 6.0).ceil() * 6.0).clip(upper_bound=24.0)
    i2_n = (i2_target / 6.0 - c2).clip(lower_bound=0.0)
    i2_ok = (i2_target > ip_pts) & (i2_n > 0)

    gain = {
        "s": s_target - staff_pts,
        "r": r_target - rd_pts,
        "i1": IP_CLASS1_POINTS - ip_pts,
        "i2": i2_target - ip_pts,
    }
    zh = {
        "s": cat(
            "再增加 ",
            num(s_n, 0),
            " 名科技人员（科技人员得分 ",
            num(staff_pts, 0),
            "→",
            num(s_target, 0),
            "）",
        ),
        "r": cat(
            f"{ctx.year} 年研发费用再增加 ",
            num(r_x),
            " 万元（研发投入得分 ",
            num(rd_pts, 0),
            "→",
            num(r_target, 0),
            "）",
        ),
        "i1": cat("取得 1 件 I 类知识产权（如发明专利，科技成果得分 ", num(ip_pts, 0), "→30）"),
        "i2": cat(
            "再取得 ",
            num(i2_n, 0),
            " 件 II 类知识产权（实用新型、外观设计、软件著作权，科技成果得分 ",
            num(ip_pts, 0),
            "→",
            num(i2_target, 0),
            "）",
        ),
    }
    en = {
        "s": cat(
            num(s_n, 0), " more S&T staff (staff points ", num(staff_pts, 0), "→", num(s_target, 0), ")"
        ),
        "r": cat(
            num(r_x),
            " 万元 more R&D in ",
            str(ctx.year),
            " (R&D points ",
            num(rd_pts, 0),
            "→",
            num(r_target, 0),
            ")",
        ),
        "i1": cat("1 class I IP item, e.g. an invention patent (IP points ", num(ip_pts, 0), "→30)"),
        "i2": cat(
            num(i2_n, 0), " more class II IP items (IP points ", num(ip_pts, 0), "→", num(i2_target, 0), ")"
        ),
    }
    ok = {"s": s_ok, "r": r_ok, "i1": i1_ok, "i2": i2_ok}
    closes = {k: ok[k] & (gain[k] >= need) for k in ok}
    alone_zh = join_texts([pl.when(closes[k]).then(zh[k]) for k in zh], "；或 ")
    alone_en = join_texts([pl.when(closes[k]).then(en[k]) for k in en], "; or ")
    # no single lever suffices: each lever's largest step, to combine
    combo = ["s", "r", "i1"]
    all_zh = join_texts([pl.when(ok[k]).then(zh[k]) for k in combo], "，并 ")
    all_en = join_texts([pl.when(ok[k]).then(en[k]) for k in combo], ", and ")
    text_zh = pl.coalesce(alone_zh, cat("需组合提升：", all_zh), lit("各项均已满分"))
    text_en = pl.coalesce(alone_en, cat("combine: ", all_en), lit("every item is at its maximum"))
    return text_zh, text_en


def conditions(ctx: Ctx, tier: str | None = None) -> list[Condition]:
    p = ctx.p
    direct = pl.col("ts_direct")
    e = col("employees").cast(pl.Float64)
    t = col("tech_staff").cast(pl.Float64)
    n10 = ceil_pos((MIN_STAFF_RATIO * e - t) / (1.0 - MIN_STAFF_RATIO) - 1e-9)
    veto_years = 2
    lever_zh, lever_en = _levers(ctx)
    pass_score = p(PARAMS, "tech_sme.pass_score")
    return [
        at_most(
            "tech_sme.employees",
            "职工总数",
            "Employees",
            e,
            p(PARAMS, "tech_sme.max_employees"),
            unit="人",
            hard=True,
        ),
        at_most(
            "tech_sme.revenue",
            "销售收入",
            "Sales revenue",
            col("revenue"),
            p(PARAMS, "tech_sme.max_revenue"),
            unit="万元",
            hard=True,
        ),
        at_most(
            "tech_sme.assets",
            "资产总额",
            "Total assets",
            col("total_assets"),
            p(PARAMS, "tech_sme.max_assets"),
            unit="万元",
            hard=True,
        ),
        none_of(
            "tech_sme.prohibited",
            "产品属于国家禁止、限制或淘汰类",
            "Products in a prohibited, restricted or phase-out category",
            col("prohibited_industry"),
            "产品属于国家禁止、限制或淘汰类，不能参加评价",
            "products in a prohibited, restricted or phase-out category: not eligible",
        ),
        none_of(
            "tech_sme.incident",
            "重大安全、质量事故或严重环境违法",
            "Major safety or quality accident, serious environmental violation",
            any_years("major_incident", veto_years, lambda c: c),
            f"{ctx.year - 1}–{ctx.year} 年发生重大安全、质量事故或严重环境违法，不能参加评价",
            f"a major safety, quality or environmental incident in {ctx.year - 1}–{ctx.year}: not eligible",
        ),
        none_of(
            "tech_sme.dishonesty",
            "列入经营异常名录或严重违法失信名单",
            "On the abnormal-operation or serious-dishonesty list",
            any_years("serious_dishonesty", veto_years, lambda c: c)
            | any_years("abnormal_operation", veto_years, lambda c: c),
            f"{ctx.year - 1}–{ctx.year} 年列入经营异常名录或严重违法失信名单，不能参加评价",
            f"on the abnormal-operation or serious-dishonesty list in {ctx.year - 1}–{ctx.year}: not eligible",
        ),
        at_least(
            "tech_sme.staff_ratio",
            "科技人员占职工总数比例",
            "S&T staff share of employees",
            pl.col("ts_staff_ratio"),
            MIN_STAFF_RATIO,
            percent=True,
            fix_zh=cat("科技人员得分为 0，再增加 ", num(n10, 0), " 名科技人员即可"),
            fix_en=cat("the staff score is 0; ", num(n10, 0), " more S&T staff closes it"),
            waived=direct,
        ),
        Condition(
            "tech_sme.score",
            "综合评价得分",
            "Evaluation score",
            pl.col("tech_sme_score") >= pass_score,
            cat("综合评价得分 ", num(pl.col("tech_sme_score"), 0), f" < {pass_score:g}：", lever_zh),
            cat("evaluation score ", num(pl.col("tech_sme_score"), 0), f" < {pass_score:g}: ", lever_en),
            actual=pl.col("tech_sme_score"),
            required=pl.lit(pass_score),
            unit="分",
            shortfall=((pass_score - pl.col("tech_sme_score")) / pass_score).clip(0.0, 1.0),
            waived=direct,
        ),
    ]


OUTPUTS = ("tech_sme_score",)
