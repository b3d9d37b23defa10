"""Zone-year facts computed from the registry's firms, each with its source (对标对表).

The national evaluation (``zone-eval-2021``) reads zone-year facts: numerators and denominators such as
the zone's staff, revenue, R&D expenditure or number of high-tech enterprises. Many are sums or counts
over the zone's own firms, which the registry holds: ``firm_parts`` gives every firm's part of each
such fact (its revenue; 1 if it is a high-tech enterprise on 31 December …), and ``zone_facts`` adds
the parts up per zone. Every value carries its source (``SOURCES`` and the number of firms that
reported the field), because a zone must be able to say where each number of its evaluation came
from. Facts the registry cannot compute (value added, energy use, city GDP, qualitative scores …)
come from the zone's 火炬统计 return, imported from the xlsx template.

Firm parts are additive by construction, so "zone without firm f" is the zone's fact minus f's part —
which is how ``contributions`` says what each firm adds to an indicator. Nothing here can remove a
firm from the statistics: in-scope firms always count (统计法).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from gaoxin.data.dataset import Dataset

RD5 = 0.05  # 内部研发投入强度 ≥ 5 %
BIG_REVENUE = 50_000.0  # 5 亿元 in 万元


@dataclass(frozen=True)
class Source:
    zh: str
    en: str


# field id of zone-eval-2021 → how the registry computes it (all over the zone's firms of year Y)
SOURCES: dict[str, Source] = {
    "staff": Source("园区企业年报合计：职工总数", "sum of the firms' reported employees"),
    "rd_staff_fte": Source(
        "园区企业年报合计：研发人员数（以人数近似全时当量）",
        "sum of R&D staff (headcount as a proxy for FTE)",
    ),
    "revenue": Source("园区企业年报合计：营业收入", "sum of the firms' revenue"),
    "rd_expense": Source(
        "园区企业年报合计：研发费用（近似研发经费内部支出）", "sum of R&D expense (a proxy for internal R&D)"
    ),
    "tech_contract_value": Source("园区企业年报合计：技术合同成交额", "sum of technology contract value"),
    "net_profit": Source("园区企业年报合计：净利润", "sum of net profit"),
    "invention_patents": Source("园区企业年报合计：有效发明专利数", "sum of valid invention patents"),
    "rd_institutions": Source(
        "研发机构级别为省级或国家级的企业数（每家企业计一个机构）",
        "firms with a provincial or national R&D institution (one per firm)",
    ),
    "firms_national_rd": Source("研发机构级别为国家级的企业数", "firms with a national R&D institution"),
    "new_registered_firms": Source("成立日期在当年的企业数", "firms established in the year"),
    "new_tech_smes": Source("当年起有效的科技型中小企业资格数", "tech SME titles valid from the year"),
    "hightech_firms": Source(
        "12月31日持有效高新技术企业资格的企业数", "firms holding a valid high-tech title on 31 Dec"
    ),
    "vc_backed_firms": Source("当年股权融资额大于0的企业数", "firms with equity financing in the year"),
    "new_gazelles": Source("当年起有效的瞪羚企业资格数", "gazelle titles valid from the year"),
    "rd5_firm_revenue": Source(
        "研发费用占营业收入不低于5%的企业营业收入合计",
        "revenue of firms whose R&D is at least 5 % of revenue",
    ),
    "rd5_big_firms": Source(
        "研发费用占营业收入不低于5%且营业收入超过5亿元的企业数",
        "firms with R&D ≥ 5 % of revenue and revenue above 500 million",
    ),
}
# the report fields each fact reads (for "n of m firms reported it")
READS: dict[str, str | None] = {
    "staff": "employees",
    "rd_staff_fte": "rd_staff",
    "revenue": "revenue",
    "rd_expense": "rd_expense",
    "tech_contract_value": "tech_contract_value",
    "net_profit": "net_profit",
    "invention_patents": "invention_patents",
    "rd_institutions": "rd_institution",
    "firms_national_rd": "rd_institution",
    "new_registered_firms": None,
    "new_tech_smes": None,
    "hightech_firms": None,
    "vc_backed_firms": "equity_financing",
    "new_gazelles": None,
    "rd5_firm_revenue": "rd_expense",
    "rd5_big_firms": "rd_expense",
}
COMPUTED = tuple(SOURCES)


def _title(qualifications: pl.DataFrame, kind: str, year: int, starting: bool) -> pl.DataFrame:
    """uscc of firms holding ``kind`` on 31 December (``starting``: a title valid from that year)."""
    day = dt.date(year, 12, 31)
    q = qualifications.filter(pl.col("kind") == kind)
    if starting:
        q = q.filter(pl.col("valid_from").dt.year() == year)
    else:
        q = q.filter((pl.col("valid_from") <= day) & (pl.col("valid_to") >= day))
    return q.select("uscc").unique().with_columns(pl.lit(1.0).alias("flag"))


def firm_parts(data: Dataset, year: int) -> pl.DataFrame:
    """One row per firm with a report for ``year``: uscc, name, zone, year and its part of each fact.

    A part is missing when the firm did not report the field it reads (it then adds nothing)."""
    ents = data.enterprises.select(
        "uscc", "name", "zone", *(["established"] if "established" in data.enterprises.columns else [])
    )
    reps = data.reports.filter(pl.col("year") == year)

    def col(name: str, dtype=pl.Float64) -> pl.Expr:
        return pl.col(name).cast(dtype) if name in reps.columns else pl.lit(None, dtype=dtype)

    rd, rev = col("rd_expense"), col("revenue")
    intensity = pl.when(rev > 0).then(rd / rev)
    level = col("rd_institution", pl.Utf8)
    frame = reps.select(
        "uscc",
        col("employees").alias("staff"),
        col("rd_staff").alias("rd_staff_fte"),
        rev.alias("revenue"),
        rd.alias("rd_expense"),
        col("tech_contract_value").alias("tech_contract_value"),
        col("net_profit").alias("net_profit"),
        col("invention_patents").alias("invention_patents"),
        level.is_in(["省级", "国家级"]).cast(pl.Float64).alias("rd_institutions"),
        (level == "国家级").cast(pl.Float64).alias("firms_national_rd"),
        (col("equity_financing") > 0).cast(pl.Float64).alias("vc_backed_firms"),
        pl.when(intensity >= RD5).then(rev).when(intensity.is_not_null()).then(0.0).alias("rd5_firm_revenue"),
        ((intensity >= RD5) & (rev > BIG_REVENUE)).cast(pl.Float64).alias("rd5_big_firms"),
    ).join(ents, on="uscc", how="inner")
    if "established" in frame.columns:
        frame = frame.with_columns(
            (pl.col("established").dt.year() == year)
            .cast(pl.Float64)
            .fill_null(0.0)
            .alias("new_registered_firms")
        ).drop("established")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("new_registered_firms"))
    q = data.qualifications
    for fact, kind, starting in (
        ("hightech_firms", "hightech", False),
        ("new_tech_smes", "tech_sme", True),
        ("new_gazelles", "gazelle", True),
    ):
        holders = _title(q, kind, year, starting).rename({"flag": fact})
        frame = frame.join(holders, on="uscc", how="left").with_columns(pl.col(fact).fill_null(0.0))
    return (
        frame.with_columns(pl.lit(year, dtype=pl.Int64).alias("year"))
        .select("uscc", "name", "zone", "year", *COMPUTED)
        .sort("uscc")
    )


def zone_facts(data: Dataset, years: list[int]) -> pl.DataFrame:
    """One row per zone and year: ``id`` (zone code), ``year``, every computed fact and, per fact,
    ``n:<fact>`` — how many of the zone's ``firms`` reported what it reads. A fact no firm reported
    is missing, never 0."""
    frames = []
    for year in years:
        parts = firm_parts(data, year)
        frames.append(
            parts.group_by("zone")
            .agg(
                pl.len().alias("firms"),
                *[pl.when(pl.col(f).count() > 0).then(pl.col(f).sum()).alias(f) for f in COMPUTED],
                *[pl.col(f).count().alias(f"n:{f}") for f in COMPUTED],
            )
            .with_columns(pl.lit(year, dtype=pl.Int64).alias("year"))
        )
    out = pl.concat(frames) if frames else pl.DataFrame()
    return out.rename({"zone": "id"}).sort(["id", "year"]) if frames else out


def source_line(fact: str, reported: int, firms: int, year: int) -> Source:
    """The source line stored with a computed value, in Chinese and in English."""
    s = SOURCES[fact]
    return Source(
        f"{s.zh}（{year} 年，{reported}/{firms} 家企业填报）",
        f"{s.en} ({year}, reported by {reported} of {firms} firms)",
    )


def source_text(fact: str, reported: int, firms: int, year: int) -> str:
    """The source line stored with a computed value (Chinese; ``source_line`` has both languages)."""
    return source_line(fact, reported, firms, year).zh
