"""优质中小企业梯度培育管理暂行办法 (工信部企业〔2022〕63号): 创新型中小企业, 专精特新中小企业,
专精特新"小巨人"企业.

Source: MIIT, 工信部企业〔2022〕63号, effective 2022-08-01 (qualification-rules.md §3; official text
https://www.gov.cn/zhengce/zhengceku/202206/content_5696342.htm, cited, not opened). Replaced for new
applications by the 2026 办法 from 2026-04-01 (``sme_2026``); still the standard of 2026 re-reviews.

Common to the three tiers: the firm is an SME under 《中小企业划型标准规定》, simplified to the
industrial line (fewer than ``sme_max_employees`` = 1,000 staff *or* revenue below ``sme_max_revenue``
= 4亿元) [S]; not on the serious-dishonesty list and no major safety, quality or environmental incident
in Y [S, the 办法's general conditions]. Both are hard (*ineligible*).

创新型中小企业 (§3.1) [C]: score path — total ≥ 60 with 创新能力 ≥ 20, 成长性 ≥ 15, 专业化 ≥ 15
(``INNOVATIVE_*`` tables; "A–B%" read as A ≤ v < B, the top bands "> x" strict as written); or a direct
path (any): a national or provincial S&T award in Y−2 … Y; a valid 高新技术企业 title or
``innovation_title`` (国家级技术创新示范企业 / 知识产权优势或示范企业); a provincial-or-higher R&D
institution; ≥ 500万 equity financing in Y−2 … Y (``equity_financing``, standing in for paid-in
investment by qualified institutions).

专精特新中小企业 (§3.2) [C]: ≥ 2 years in the niche; R&D in Y ≥ 100万 and ≥ 3 % of revenue; revenue ≥
1,000万, or ≥ 2,000万 equity financing in Y−1 … Y; and score ≥ 60 (13 indicators, ``SPECIALIZED_*``;
特色化 15 points are provincial: ``specialized_local_points``, default 0) or a direct path: a provincial
award ranked top 3 or a national one top 5 in Y−2 … Y; average R&D over Y−1, Y ≥ 1,000万; equity
financing ≥ 6,000万 in Y−1 … Y; 创客中国 national top 500 in Y−2 … Y. Prior 创新型 status is required
only when ``specialized_requires_innovative`` (Guangdong practice) [U].

小巨人 (§3.3), all six dimensions: holds 专精特新 (``little_giant_requires_specialized``) [S for 2022];
专 [C]: ≥ 3 niche years, main-business share ≥ 70 %, average main-revenue growth over the last 2 years ≥ 5 %;
精 [C]: a core process on an information system (``digital_level`` ≥ 1 — a proxy), a quality or
product certification (``quality_certified``), debt ratio ≤ 70 %; 特 [C]: niche market share ≥ 10 %, an
own brand; 新 [C]: (i) R&D ÷ revenue ≥ 3 % in each of Y−1, Y when revenue ≥ 1亿, ≥ 6 % when 5,000万–1亿,
or, below 5,000万, equity ≥ 8,000万 and R&D ≥ 3,000万 over Y−1 … Y [U on the period] and R&D staff ≥ 50 %;
(ii) an R&D institution (``rd_institution`` 市级 or higher); (iii) ≥ 2 class I IP — or a direct path: a
national award ranked top 3, or 创客中国 top 50, in Y−2 … Y; 链 [U]: 补短板/锻长板/填空白
(``chain_role``); 品 [C]: main product in a key field (``key_field``).

"Average growth over the last 2 years" is the mean of the two yearly growth rates (Y−1 and Y) [U].
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gaoxin.cultivation.common import (
    EPS,
    Band,
    Condition,
    Ctx,
    RuleSet,
    at_least,
    at_most,
    banded,
    cat,
    class1,
    class2,
    col,
    debt_ratio,
    flag,
    held,
    hmax,
    join_texts,
    ladder_points,
    lit,
    min_rank,
    money_up,
    niche_years,
    none_of,
    num,
    ranked,
    safe_div,
    sum_years,
)

RULE_SET = RuleSet(
    id="sme/2022",
    title_zh="优质中小企业梯度培育管理暂行办法（工信部企业〔2022〕63号）",
    title_en="Interim measures for the gradient cultivation of quality SMEs (MIIT 2022 No. 63)",
    source="工信部企业〔2022〕63号 附件1–3",
    effective_from=dt.date(2022, 8, 1),
    effective_to=dt.date(2026, 3, 31),
    certainty="C",
    url="https://www.gov.cn/zhengce/zhengceku/202206/content_5696342.htm",
)

TIERS_HERE = ("innovative_sme", "specialized_sme", "little_giant")

PARAMS: dict[str, tuple[float, str]] = {
    "sme_2022.innovative.pass_score": (60, "[C]"),
    "sme_2022.innovative.equity_3y": (500, "[C] 万元"),
    "sme_2022.specialized.niche_years": (2, "[C]"),
    "sme_2022.specialized.rd_min": (100, "[C] 万元"),
    "sme_2022.specialized.rd_ratio": (0.03, "[C]"),
    "sme_2022.specialized.revenue_min": (1000, "[C] 万元"),
    "sme_2022.specialized.equity_alt": (2000, "[C] 万元 over 2 years"),
    "sme_2022.specialized.pass_score": (60, "[C]"),
    "sme_2022.little_giant.niche_years": (3, "[C]"),
    "sme_2022.little_giant.main_share": (0.70, "[C]"),
    "sme_2022.little_giant.main_growth": (0.05, "[C]"),
    "sme_2022.little_giant.debt_ratio_max": (0.70, "[C]"),
    "sme_2022.little_giant.market_share": (0.10, "[C]"),
    "sme_2022.little_giant.class1_ip": (2, "[C]"),
    "sme_2022.little_giant.rd_small_total": (3000, "[U] period: 2 years, 万元"),
}

# 创新型中小企业 (100 points)
INNOVATIVE_RD = (Band(0.05, 20, strict=True), Band(0.03, 15), Band(0.02, 10), Band(0.01, 5))
INNOVATIVE_GROWTH = (Band(0.15, 20, strict=True), Band(0.10, 15), Band(0.05, 10), Band(0.0, 5))
INNOVATIVE_SHARE = (Band(0.70, 20, strict=True), Band(0.60, 15), Band(0.55, 10), Band(0.50, 5))
INNOVATIVE_GROUPS = {"innovation": 20.0, "growth": 15.0, "specialisation": 15.0}
# 专精特新中小企业 (100 points; 特色化 15 are the province's)
SPECIALIZED_SHARE = (Band(0.80, 5), Band(0.70, 3), Band(0.60, 1))
SPECIALIZED_GROWTH = (Band(0.10, 10), Band(0.08, 8), Band(0.06, 6), Band(0.04, 4), Band(0.0, 2))
SPECIALIZED_MARGIN = (Band(0.10, 10), Band(0.08, 8), Band(0.06, 6), Band(0.04, 4), Band(0.02, 2))
SPECIALIZED_RD_AMOUNT = (Band(500, 10), Band(400, 8), Band(300, 6), Band(200, 4), Band(100, 2))
SPECIALIZED_RD_RATIO = (Band(0.10, 10), Band(0.08, 8), Band(0.06, 6), Band(0.04, 4), Band(0.03, 2))
SPECIALIZED_RD_STAFF = (Band(0.20, 5), Band(0.10, 3), Band(0.05, 1))
SPECIALIZED_INSTITUTION = {"国家级": 10.0, "省级": 8.0, "市级": 4.0}
SPECIALIZED_CHAIN = {"补短板锻长板填空白": 5.0, "六基或龙头配套": 3.0}
SPECIALIZED_DIGITAL = (Band(3, 5), Band(2, 3))
LITTLE_GIANT_RD = ((10000.0, 0.03), (5000.0, 0.06))  # (revenue ≥, R&D ratio in each of Y−1, Y)


def _debt(k: int = 0) -> pl.Expr:
    return safe_div(col("total_liabilities", k), col("total_assets", k))


def _growth(name: str, k: int) -> pl.Expr:
    return safe_div(col(name, k), col(name, k + 1)) - 1.0


def _points_of(mapping: dict[str, float], expr: pl.Expr) -> pl.Expr:
    return expr.replace_strict(mapping, default=0.0, return_dtype=pl.Float64).fill_null(0.0)


def _sme(ctx: Ctx) -> Condition:
    c = ctx.config
    e = col("employees").cast(pl.Float64)
    rev = col("revenue")
    met = (e < c.sme_max_employees) | (rev < c.sme_max_revenue)
    return flag(
        "sme.size",
        "属于中小企业",
        "An SME",
        met,
        cat(
            "职工 ",
            num(e, 0),
            f" 人（≥ {c.sme_max_employees:g}）且营业收入 ",
            num(rev),
            f" 万元（≥ {c.sme_max_revenue:g}），不属于中小企业",
        ),
        cat(
            num(e, 0),
            f" staff (≥ {c.sme_max_employees:g}) and revenue ",
            num(rev),
            f" 万元 (≥ {c.sme_max_revenue:g}): not an SME",
        ),
        hard=True,
    )


def _veto(ctx: Ctx) -> list[Condition]:
    y = ctx.year
    return [
        none_of(
            "sme.dishonesty",
            "列入严重失信主体名单",
            "On the serious-dishonesty list",
            col("serious_dishonesty"),
            f"{y} 年列入严重失信主体名单，不能申报",
            f"on the serious-dishonesty list in {y}: not eligible",
        ),
        none_of(
            "sme.incident",
            "重大安全、质量或环境事故",
            "Major safety, quality or environmental incident",
            col("major_incident"),
            f"{y} 年发生重大安全、质量或环境事故，不能申报",
            f"a major safety, quality or environmental incident in {y}: not eligible",
        ),
    ]


def columns(ctx: Ctx) -> list[list[pl.Expr]]:
    c1, c2 = class1(), class2()
    hv = col("class1_ip_high_value").fill_null(0)
    sd = col("class1_ip_self_developed").fill_null(0)

    def ip_ladder(high_value: float, self_developed: float, class_i: float, class_ii: float) -> pl.Expr:
        """Points of the best IP held: the innovative and specialised tables differ only in points."""
        best = pl.when(hv >= 1).then(high_value).when(sd >= 1).then(self_developed)
        return best.when(c1 >= 1).then(class_i).when(c2 >= 1).then(class_ii).otherwise(0.0)

    rd_ratio = safe_div(col("rd_expense"), col("revenue"))
    main_share = safe_div(col("main_revenue"), col("revenue"))
    debt = _debt()
    g0 = _growth("main_revenue", 0)
    g1 = _growth("main_revenue", 1)
    avg2 = (g0 + g1) / 2.0
    inn_ip = ip_ladder(20.0, 15.0, 10.0, 5.0)
    inn_debt = (
        pl.when(debt < 0.55 - EPS).then(10.0).when(debt <= 0.75 + EPS).then(5.0).otherwise(0.0).fill_null(0.0)
    )
    inn_field = pl.when(col("strategic_emerging").fill_null(False)).then(10.0).otherwise(5.0)
    sp_ip = ip_ladder(10.0, 8.0, 6.0, 2.0)
    quality_items = pl.sum_horizontal(
        col("quality_award").fill_null(False).cast(pl.Int32),
        col("quality_certified").fill_null(False).cast(pl.Int32),
        col("own_brand").fill_null(False).cast(pl.Int32),
        ((col("standards_participated") > 0) | (col("standards_led") > 0)).fill_null(False).cast(pl.Int32),
    )
    sp_debt = (
        pl.when(debt <= 0.5 + EPS)
        .then(5.0)
        .when(debt <= 0.6 + EPS)
        .then(3.0)
        .when(debt <= 0.7 + EPS)
        .then(1.0)
        .otherwise(0.0)
        .fill_null(0.0)
    )

    rd_staff_ratio = safe_div(col("rd_staff").cast(pl.Float64), col("employees").cast(pl.Float64))
    margin = safe_div(col("net_profit"), col("revenue"))
    f = lambda e: e.fill_null(0.0)  # noqa: E731
    first = [
        c1.alias("sm_class1"),
        c2.alias("sm_class2"),
        rd_ratio.alias("sm_rd_ratio"),
        main_share.alias("sm_main_share"),
        debt.alias("sm_debt"),
        g0.alias("sm_main_growth"),
        avg2.alias("sm_main_growth_2y"),
        rd_staff_ratio.alias("sm_rd_staff_ratio"),
        inn_ip.alias("in_ip"),
        f(banded(rd_ratio, INNOVATIVE_RD)).alias("in_rd"),
        f(banded(g0, INNOVATIVE_GROWTH)).alias("in_growth"),
        inn_debt.alias("in_debt"),
        inn_field.alias("in_field"),
        f(banded(main_share, INNOVATIVE_SHARE)).alias("in_share"),
        f(banded(main_share, SPECIALIZED_SHARE)).alias("sp_share"),
        f(banded(avg2, SPECIALIZED_GROWTH)).alias("sp_growth"),
        f((col("niche_years").cast(pl.Float64) / 2.0).floor().clip(0.0, 5.0)).alias("sp_niche"),
        _points_of(SPECIALIZED_CHAIN, col("chain_role")).alias("sp_chain"),
        f(banded(col("digital_level").cast(pl.Float64), SPECIALIZED_DIGITAL)).alias("sp_digital"),
        (quality_items * 3.0).clip(upper_bound=5.0).cast(pl.Float64).alias("sp_quality"),
        f(banded(margin, SPECIALIZED_MARGIN)).alias("sp_margin"),
        sp_debt.alias("sp_debt"),
        pl.lit(float(ctx.config.specialized_local_points)).alias("sp_local"),
        sp_ip.alias("sp_ip"),
        hmax(
            f(banded(col("rd_expense"), SPECIALIZED_RD_AMOUNT)), f(banded(rd_ratio, SPECIALIZED_RD_RATIO))
        ).alias("sp_rd"),
        f(banded(rd_staff_ratio, SPECIALIZED_RD_STAFF)).alias("sp_rd_staff"),
        _points_of(SPECIALIZED_INSTITUTION, col("rd_institution")).alias("sp_institution"),
        sum_years("equity_financing", 2).alias("sm_equity_2y"),
        sum_years("equity_financing", 3).alias("sm_equity_3y"),
        sum_years("rd_expense", 2).alias("sm_rd_2y"),
    ]
    second = [
        (pl.col("in_ip") + pl.col("in_rd")).alias("in_g_innovation"),
        (pl.col("in_growth") + pl.col("in_debt")).alias("in_g_growth"),
        (pl.col("in_field") + pl.col("in_share")).alias("in_g_specialisation"),
        pl.sum_horizontal("in_ip", "in_rd", "in_growth", "in_debt", "in_field", "in_share").alias("innovative_sme_score"),
        pl.sum_horizontal(
            "sp_share", "sp_growth", "sp_niche", "sp_chain", "sp_digital", "sp_quality", "sp_margin", "sp_debt",
            "sp_local", "sp_ip", "sp_rd", "sp_rd_staff", "sp_institution",
        ).alias("specialized_sme_score"),
    ]  # fmt: skip
    return [first, second]


def innovative_direct(ctx: Ctx) -> pl.Expr:
    return (
        ranked("national_award_rank", 3)
        | ranked("provincial_award_rank", 3)
        | held("hightech")
        | col("innovation_title").fill_null(False)
        | col("rd_institution").is_in(["省级", "国家级"]).fill_null(False)
        | (pl.col("sm_equity_3y") >= ctx.p(PARAMS, "sme_2022.innovative.equity_3y")).fill_null(False)
    )


def _breakdown(items: list[tuple[str, str, str, float]]) -> tuple[pl.Expr, pl.Expr]:
    """'知识产权 10/20、…' for the indicators below full marks (zh, en)."""
    zh = join_texts(
        [pl.when(pl.col(c) < m).then(cat(z, " ", num(pl.col(c), 0), f"/{m:g}")) for c, z, _, m in items], "，"
    )
    en = join_texts(
        [pl.when(pl.col(c) < m).then(cat(e, " ", num(pl.col(c), 0), f"/{m:g}")) for c, _, e, m in items], ", "
    )
    return zh, en


def _rd_to_band(ratio_col: str, bands, current_pts: pl.Expr, step: float) -> pl.Expr:
    """R&D (万元) to add in Y to reach the next R&D band of a ratio table (revenue unchanged)."""
    lower = ladder_points(pl.col(ratio_col), bands, current_pts + step)
    return money_up(lower * col("revenue") - col("rd_expense").fill_null(0.0))


def innovative_conditions(ctx: Ctx, prefix: str = "sme_2022") -> list[Condition]:
    direct = innovative_direct(ctx)
    pass_score = ctx.p(PARAMS, "sme_2022.innovative.pass_score")
    items = [
        ("in_ip", "知识产权", "IP", 20.0),
        ("in_rd", "研发投入", "R&D", 20.0),
        ("in_growth", "主营收入增长", "main-revenue growth", 20.0),
        ("in_debt", "资产负债率", "debt ratio", 10.0),
        ("in_field", "产品领域", "product field", 10.0),
        ("in_share", "主营业务占比", "main-business share", 20.0),
    ]
    bz, be = _breakdown(items)
    rd_more = _rd_to_band("sm_rd_ratio", INNOVATIVE_RD, pl.col("in_rd"), 5.0)
    rd_zh = pl.when(pl.col("in_rd") < 20).then(
        cat(f"；{ctx.year} 年研发费用再增加 ", num(rd_more), " 万元，研发投入得分 +5")
    )
    rd_en = pl.when(pl.col("in_rd") < 20).then(
        cat("; ", num(rd_more), f" 万元 more R&D in {ctx.year} adds 5 points")
    )
    score = pl.col("innovative_sme_score")
    conds = [
        _sme(ctx),
        *_veto(ctx),
        Condition(
            "innovative_sme.score",
            "创新型中小企业评价得分",
            "Innovative-SME score",
            score >= pass_score,
            cat(
                "评价得分 ",
                num(score, 0),
                f" < {pass_score:g}（未满分项：",
                pl.coalesce(bz, lit("无")),
                "）",
                pl.coalesce(rd_zh, lit("")),
            ),
            cat(
                "score ",
                num(score, 0),
                f" < {pass_score:g} (below full marks: ",
                pl.coalesce(be, lit("none")),
                ")",
                pl.coalesce(rd_en, lit("")),
            ),
            actual=score,
            required=pl.lit(pass_score),
            unit="分",
            shortfall=((pass_score - score) / pass_score).clip(0.0, 1.0),
            waived=direct,
        ),
    ]
    for key, zh, en, cols in (
        ("innovation", "创新能力得分", "Innovation points", "in_g_innovation"),
        ("growth", "成长性得分", "Growth points", "in_g_growth"),
        ("specialisation", "专业化得分", "Specialisation points", "in_g_specialisation"),
    ):
        conds.append(
            at_least(
                f"innovative_sme.{key}",
                zh,
                en,
                pl.col(cols),
                INNOVATIVE_GROUPS[key],
                unit="分",
                digits=0,
                waived=direct,
            )
        )
    return conds


def specialized_direct(ctx: Ctx) -> pl.Expr:
    return (
        (min_rank("provincial_award_rank", 3) <= 3).fill_null(False)
        | (min_rank("national_award_rank", 3) <= 5).fill_null(False)
        | ((pl.col("sm_rd_2y") / 2.0) >= 1000.0).fill_null(False)
        | (pl.col("sm_equity_2y") >= 6000.0).fill_null(False)
        | (min_rank("maker_china_rank", 3) <= 500).fill_null(False)
    )


def specialized_conditions(ctx: Ctx) -> list[Condition]:
    p = lambda k: ctx.p(PARAMS, f"sme_2022.specialized.{k}")  # noqa: E731
    y = ctx.year
    direct = specialized_direct(ctx)
    score = pl.col("specialized_sme_score")
    items = [
        ("sp_share", "主营业务占比", "main-business share", 5.0),
        ("sp_growth", "主营收入增长", "main-revenue growth", 10.0),
        ("sp_niche", "细分市场年限", "niche years", 5.0),
        ("sp_chain", "产品领域", "product field", 5.0),
        ("sp_digital", "数字化水平", "digitalisation", 5.0),
        ("sp_quality", "质量管理", "quality management", 5.0),
        ("sp_margin", "净利润率", "net margin", 10.0),
        ("sp_debt", "资产负债率", "debt ratio", 5.0),
        ("sp_ip", "知识产权", "IP", 10.0),
        ("sp_rd", "研发投入", "R&D", 10.0),
        ("sp_rd_staff", "研发人员占比", "R&D staff share", 5.0),
        ("sp_institution", "研发机构", "R&D institution", 10.0),
    ]
    bz, be = _breakdown(items)
    pass_score = p("pass_score")
    rd_min, rd_ratio = p("rd_min"), p("rd_ratio")
    rd_for_ratio = money_up(rd_ratio * col("revenue") - col("rd_expense"))
    conds = [
        _sme(ctx),
        *_veto(ctx),
        niche_years("specialized_sme", p("niche_years")),
        at_least(
            "specialized_sme.rd_amount",
            f"{y} 年研发费用",
            f"R&D in {y}",
            col("rd_expense"),
            rd_min,
            unit="万元",
            fix_zh=cat("再增加 ", num(money_up(rd_min - col("rd_expense"))), " 万元"),
            fix_en=cat(num(money_up(rd_min - col("rd_expense"))), " 万元 more"),
        ),
        at_least(
            "specialized_sme.rd_ratio",
            f"{y} 年研发费用占营业收入比例",
            f"R&D ratio in {y}",
            pl.col("sm_rd_ratio"),
            rd_ratio,
            percent=True,
            fix_zh=cat("研发费用再增加 ", num(rd_for_ratio), " 万元"),
            fix_en=cat(num(rd_for_ratio), " 万元 more R&D"),
        ),
        Condition(
            "specialized_sme.revenue",
            f"{y} 年营业收入（或近两年股权融资）",
            f"Revenue in {y} (or equity financing over 2 years)",
            (col("revenue") >= p("revenue_min"))
            | (pl.col("sm_equity_2y") >= p("equity_alt")).fill_null(False),
            cat(
                "营业收入 ",
                num(col("revenue")),
                f" 万元 < {p('revenue_min'):g} 万元，且近两年股权融资 ",
                num(pl.col("sm_equity_2y").fill_null(0.0)),
                f" 万元 < {p('equity_alt'):g} 万元：营业收入再增加 ",
                num(money_up(p("revenue_min") - col("revenue"))),
                " 万元",
            ),
            cat(
                "revenue ",
                num(col("revenue")),
                f" 万元 < {p('revenue_min'):g} and equity financing ",
                num(pl.col("sm_equity_2y").fill_null(0.0)),
                f" 万元 < {p('equity_alt'):g} over two years: ",
                num(money_up(p("revenue_min") - col("revenue"))),
                " 万元 more revenue",
            ),
            actual=col("revenue"),
            required=pl.lit(p("revenue_min")),
            unit="万元",
            shortfall=((p("revenue_min") - col("revenue")) / p("revenue_min")).clip(0.0, 1.0),
        ),
        Condition(
            "specialized_sme.score",
            "专精特新中小企业评价得分",
            "Specialised-SME score",
            score >= pass_score,
            cat(
                "评价得分 ", num(score, 0), f" < {pass_score:g}（未满分项：", pl.coalesce(bz, lit("无")), "）"
            ),
            cat(
                "score ",
                num(score, 0),
                f" < {pass_score:g} (below full marks: ",
                pl.coalesce(be, lit("none")),
                ")",
            ),
            actual=score,
            required=pl.lit(pass_score),
            unit="分",
            shortfall=((pass_score - score) / pass_score).clip(0.0, 1.0),
            waived=direct,
        ),
    ]
    if ctx.config.specialized_requires_innovative:
        conds.append(
            flag(
                "specialized_sme.prerequisite",
                "已获创新型中小企业称号",
                "Holds the innovative-SME title",
                held("innovative_sme"),
                "尚未取得创新型中小企业称号（本地要求先认定创新型）",
                "does not hold the innovative-SME title (required locally)",
            )
        )
    return conds


def little_giant_new(ctx: Ctx) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """新 (innovation) of 2022: (met, text_zh, text_en) of the general conditions or a direct path."""
    rev = col("revenue")
    r0 = safe_div(col("rd_expense", 0), col("revenue", 0))
    r1 = safe_div(col("rd_expense", 1), col("revenue", 1))
    (big, big_ratio), (mid, mid_ratio) = LITTLE_GIANT_RD
    small_total = ctx.p(PARAMS, "sme_2022.little_giant.rd_small_total")
    i_big = (rev >= big) & (r0 >= big_ratio) & (r1 >= big_ratio)
    i_mid = (rev >= mid) & (rev < big) & (r0 >= mid_ratio) & (r1 >= mid_ratio)
    i_small = (
        (rev < mid)
        & (pl.col("sm_equity_2y") >= 8000.0)
        & (pl.col("sm_rd_2y") >= small_total)
        & (pl.col("sm_rd_staff_ratio") >= 0.5)
    )
    cond_i = (i_big | i_mid | i_small).fill_null(False)
    cond_ii = col("rd_institution").is_in(["市级", "省级", "国家级"]).fill_null(False)
    need_ip = ctx.p(PARAMS, "sme_2022.little_giant.class1_ip")
    cond_iii = (pl.col("sm_class1") >= need_ip).fill_null(False)
    direct = (min_rank("national_award_rank", 3) <= 3).fill_null(False) | (
        min_rank("maker_china_rank", 3) <= 50
    ).fill_null(False)
    req_ratio = pl.when(rev >= big).then(big_ratio).when(rev >= mid).then(mid_ratio)

    def unmet_i(prev_year: str, this_year: str, must: str, small_path: str) -> pl.Expr:
        """The gap of (i) in one language: both years' R&D ratios against the band's, or the path of
        firms below 5000 万元 revenue."""
        shown = lambda r: pl.coalesce(num(r * 100, 1), lit("—"))  # noqa: E731
        ratios = cat(prev_year, shown(r1), this_year, shown(r0), must, num(req_ratio * 100, 0), "%")
        return pl.when(~cond_i).then(pl.when(rev >= mid).then(ratios).otherwise(lit(small_path)))

    i_zh = unmet_i(
        f"研发费用占比 {ctx.year - 1} 年 ",
        f"%、{ctx.year} 年 ",
        "% 须均 ≥ ",
        "营业收入低于 5000 万元：须近两年股权融资 ≥ 8000 万元、研发费用 ≥ 3000 万元且研发人员占比 ≥ 50%",
    )
    i_en = unmet_i(
        f"R&D ratio {ctx.year - 1} ",
        f"%, {ctx.year} ",
        "% must both be ≥ ",
        "revenue below 5,000万: needs ≥ 8,000万 equity and ≥ 3,000万 R&D over two years and R&D staff ≥ 50 %",
    )
    ii_zh = pl.when(~cond_ii).then(lit("须自建或共建研发机构"))
    ii_en = pl.when(~cond_ii).then(lit("needs an own or joint R&D institution"))
    iii_zh = pl.when(~cond_iii).then(
        cat("I 类知识产权 ", num(pl.col("sm_class1").fill_null(0), 0), f" 件 < {need_ip:g} 件")
    )
    iii_en = pl.when(~cond_iii).then(
        cat("class I IP ", num(pl.col("sm_class1").fill_null(0), 0), f" < {need_ip:g}")
    )
    met = direct | (cond_i & cond_ii & cond_iii)
    return (
        met,
        cat("创新能力（新）未达标：", join_texts([i_zh, ii_zh, iii_zh], "；")),
        cat("innovation (新) not met: ", join_texts([i_en, ii_en, iii_en], "; ")),
    )


def little_giant_conditions(ctx: Ctx) -> list[Condition]:
    p = lambda k: ctx.p(PARAMS, f"sme_2022.little_giant.{k}")  # noqa: E731
    new_met, new_zh, new_en = little_giant_new(ctx)
    conds = [
        _sme(ctx),
        *_veto(ctx),
        niche_years("little_giant", p("niche_years")),
        at_least(
            "little_giant.main_share",
            "主营业务收入占营业收入比例",
            "Main-business share of revenue",
            pl.col("sm_main_share"),
            p("main_share"),
            percent=True,
        ),
        at_least(
            "little_giant.main_growth",
            "近两年主营业务收入平均增长率",
            "Average main-revenue growth over two years",
            pl.col("sm_main_growth_2y"),
            p("main_growth"),
            percent=True,
        ),
        flag(
            "little_giant.informatised",
            "核心业务采用信息系统支撑",
            "Core processes run on information systems",
            col("digital_level") >= 1,
            "须至少 1 项核心业务采用信息系统支撑（数字化水平等级 ≥ 1）",
            "at least one core process must run on an information system (digitalisation level ≥ 1)",
        ),
        flag(
            "little_giant.certified",
            "取得管理体系认证或发达国家产品认证",
            "Management-system or developed-country product certification",
            col("quality_certified"),
            "须取得质量管理体系认证或发达国家和地区产品认证",
            "needs a management-system or developed-country product certification",
        ),
        debt_ratio("little_giant", p("debt_ratio_max")),
        at_least(
            "little_giant.market_share",
            "主导产品全国细分市场占有率",
            "National niche market share",
            col("niche_market_share"),
            p("market_share"),
            percent=True,
        ),
        flag(
            "little_giant.brand",
            "拥有自主品牌",
            "Own brand",
            col("own_brand"),
            "须拥有自主品牌",
            "needs an own brand",
        ),
        Condition(
            "little_giant.innovation",
            "创新能力（新）",
            "Innovation (新)",
            new_met,
            new_zh,
            new_en,
            actual=new_met.cast(pl.Float64),
            required=pl.lit(1.0),
            shortfall=pl.lit(1.0),
        ),
        flag(
            "little_giant.chain",
            "产业链补短板、锻长板、填空白",
            "Fills a gap at a key link of a key chain",
            pl.when(col("chain_role").is_not_null()).then(col("chain_role") == "补短板锻长板填空白"),
            "须位于重点产业链关键环节，发挥补短板、锻长板、填空白作用",
            "must sit at a key link of a key chain, filling a gap or extending a strength",
        ),
        flag(
            "little_giant.field",
            "主导产品属于重点领域",
            "Main product in a key field",
            col("key_field"),
            "主导产品须属于工业“六基”、制造强国或网络强国重点领域",
            "the main product must be in the six industrial foundations or a manufacturing- or cyber-power key field",
        ),
    ]
    if ctx.config.little_giant_requires_specialized:
        conds.append(
            flag(
                "little_giant.prerequisite",
                "已获专精特新中小企业称号",
                "Holds the specialised-SME title",
                held("specialized_sme"),
                "尚未取得有效的专精特新中小企业称号",
                "does not hold a valid specialised-SME title",
            )
        )
    return conds


def conditions(ctx: Ctx, tier: str) -> list[Condition]:
    if tier == "innovative_sme":
        return innovative_conditions(ctx)
    if tier == "specialized_sme":
        return specialized_conditions(ctx)
    if tier == "little_giant":
        return little_giant_conditions(ctx)
    raise KeyError(tier)


def rule_set(tier: str, ctx: Ctx) -> RuleSet:
    return RULE_SET


OUTPUTS = ("innovative_sme_score", "specialized_sme_score")
_ = (lit, at_most)
