"""The data dictionary: canonical enterprise fields, their Chinese labels, types and units.

This is the project's own copy of ``shared/spec/data-dictionary.md`` (the contract); every reader,
the scoring engine and the qualification rules look fields up here and nowhere else. A capability
that needs another field adds it here (with label, unit and rule) and the importer learns it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Table = Literal["enterprise", "report", "qualification"]
# text: free text; enum: one of `choices`; date; int: counts (件, 人, 项, 次, 年); money: 万元 decimals;
# ratio: a number, usually 0–1; number: a physical quantity in the field's unit (吨标准煤, 吨 …), exact
# decimals; bool.
FieldType = Literal["text", "enum", "date", "int", "money", "ratio", "number", "bool"]


@dataclass(frozen=True)
class Field:
    id: str
    zh: str
    table: Table
    type: FieldType
    unit: str = ""  # canonical unit shown in templates: 万元, 人, 件 …
    min: float | None = None  # inclusive lower bound, when the dictionary gives one
    max: float | None = None  # inclusive upper bound
    choices: tuple[str, ...] = ()
    required: bool = False
    en: str = ""

    @property
    def numeric(self) -> bool:
        return self.type in ("int", "money", "ratio", "number")


TECH_FIELDS = (
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
)
LISTED_BOARDS = ("主板", "创业板", "科创板", "北交所", "港交所", "境外")
RD_INSTITUTION_LEVELS = ("无", "市级", "省级", "国家级")
# The main product's place in the industrial chain (专精特新 "main-product field" and 小巨人 链):
# none; a 工业“六基” field, a 中华老字号 or a supplier of a key chain's leading firm (3 points in the 2022
# 专精特新 table); 补短板/锻长板/填空白 at a key link of a key chain (5 points). qualification-rules §3.2–3.3.
CHAIN_ROLES = ("无", "六基或龙头配套", "补短板锻长板填空白")

QUALIFICATION_KINDS: dict[str, str] = {
    "tech_sme": "科技型中小企业",
    "hightech": "高新技术企业",
    "innovative_sme": "创新型中小企业",
    "specialized_sme": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”企业",
    "gazelle": "瞪羚企业",
    "unicorn": "独角兽企业",
    "leading": "科技领军企业",
}

# English names of the values above and of the units (the English switch: ``web.platform.labels``).
# Stored values stay Chinese (they are what the departments' files say); only what is shown changes.
QUALIFICATION_KINDS_EN: dict[str, str] = {
    "tech_sme": "Tech-based SME",
    "hightech": "High-tech enterprise",
    "innovative_sme": "Innovative SME",
    "specialized_sme": "Specialised and innovative SME",
    "little_giant": "Little giant",
    "gazelle": "Gazelle enterprise",
    "unicorn": "Unicorn enterprise",
    "leading": "Leading tech enterprise",
}
CHOICES_EN: dict[str, str] = {
    # high-tech fields (国家重点支持的高新技术领域)
    "电子信息": "Electronic information",
    "生物与新医药": "Biotech and new medicine",
    "航空航天": "Aerospace",
    "新材料": "New materials",
    "高技术服务": "High-tech services",
    "新能源与节能": "New energy and energy saving",
    "资源与环境": "Resources and environment",
    "先进制造与自动化": "Advanced manufacturing and automation",
    # listing boards
    "主板": "Main board",
    "创业板": "ChiNext",
    "科创板": "STAR Market",
    "北交所": "Beijing Stock Exchange",
    "港交所": "Hong Kong Stock Exchange",
    "境外": "Overseas",
    # R&D institution levels
    "无": "None",
    "市级": "Municipal",
    "省级": "Provincial",
    "国家级": "National",
    # roles in the industrial chain
    "六基或龙头配套": "Industrial foundation or supplier of a leading firm",
    "补短板锻长板填空白": "Fills a gap at a key link of a key chain",
    # yes / no
    "是": "Yes",
    "否": "No",
    **{zh: QUALIFICATION_KINDS_EN[k] for k, zh in QUALIFICATION_KINDS.items()},
}
UNITS_EN: dict[str, str] = {
    "万元": "10k yuan",
    "亿元": "100m yuan",
    "元": "yuan",
    "家": "firms",
    "人": "people",
    "件": "items",
    "项": "items",
    "次": "times",
    "年": "years",
    "名": "",  # a rank: the number says it
    "级": "",  # a level: the number says it
    "分": "points",
    "个": "",
    "所": "",
    "座": "",
    "吨标准煤": "tce",
    "吨标准煤/万元": "tce per 10k yuan",
    "吨": "t",
}

_F = Field
FIELDS: tuple[Field, ...] = (
    # --- enterprise: one row per enterprise ---
    _F("uscc", "统一社会信用代码", "enterprise", "text", required=True, en="Unified social credit code"),
    _F("name", "企业名称", "enterprise", "text", required=True, en="Enterprise name"),
    _F("zone", "所在园区", "enterprise", "text", required=True, en="Zone"),
    _F("established", "成立日期", "enterprise", "date", en="Date established"),
    _F("industry", "国民经济行业代码", "enterprise", "text", en="Industry code (GB/T 4754-2017)"),
    _F("tech_field", "高新技术领域", "enterprise", "enum", choices=TECH_FIELDS, en="High-tech field"),
    _F("listed_board", "上市板块", "enterprise", "enum", choices=LISTED_BOARDS, en="Listing board"),
    # --- annual report: one row per enterprise and year ---
    _F("year", "年度", "report", "int", min=1949, max=2100, required=True, en="Year"),
    _F("employees", "职工总数", "report", "int", "人", min=0, en="Employees"),
    _F("tech_staff", "科技人员数", "report", "int", "人", min=0, en="S&T staff"),
    _F("rd_staff", "研发人员数", "report", "int", "人", min=0, en="R&D staff"),
    _F("graduates_hired", "当年吸纳高校应届毕业生数", "report", "int", "人", min=0, en="Graduates hired"),
    _F("revenue", "营业收入", "report", "money", "万元", min=0, en="Operating revenue"),
    _F("main_revenue", "主营业务收入", "report", "money", "万元", min=0, en="Main-business revenue"),
    _F("total_costs", "成本费用总额", "report", "money", "万元", en="Total costs and expenses"),
    _F(
        "hightech_revenue",
        "高新技术产品（服务）收入",
        "report",
        "money",
        "万元",
        min=0,
        en="High-tech product (service) revenue",
    ),
    _F("rd_expense", "研发费用", "report", "money", "万元", min=0, en="R&D expenditure"),
    _F(
        "rd_expense_domestic", "境内研发费用", "report", "money", "万元", min=0, en="Domestic R&D expenditure"
    ),
    _F("net_profit", "净利润", "report", "money", "万元", en="Net profit"),
    _F("net_assets", "净资产（所有者权益）", "report", "money", "万元", en="Net assets (equity)"),
    _F("total_assets", "资产总额", "report", "money", "万元", min=0, en="Total assets"),
    _F("total_liabilities", "负债总额", "report", "money", "万元", min=0, en="Total liabilities"),
    _F("taxes_paid", "实缴税费", "report", "money", "万元", en="Taxes paid"),
    _F(
        "tech_contract_value",
        "技术合同成交额",
        "report",
        "money",
        "万元",
        min=0,
        en="Technology contract turnover",
    ),
    _F(
        "equity_financing",
        "当年股权融资额（含风险投资）",
        "report",
        "money",
        "万元",
        min=0,
        en="Equity financing in the year (incl. venture capital)",
    ),
    _F("invention_patents", "有效发明专利数", "report", "int", "件", min=0, en="Valid invention patents"),
    _F(
        "other_class1_ip",
        "其他I类知识产权数（集成电路布图设计、植物新品种、国家新药等）",
        "report",
        "int",
        "件",
        min=0,
        en="Other class I IP",
    ),
    _F("utility_models", "有效实用新型专利数", "report", "int", "件", min=0, en="Valid utility models"),
    _F("design_patents", "有效外观设计专利数", "report", "int", "件", min=0, en="Valid design patents"),
    _F("software_copyrights", "软件著作权数", "report", "int", "件", min=0, en="Software copyrights"),
    _F(
        "class1_ip_self_developed",
        "其中自主研发的I类知识产权数",
        "report",
        "int",
        "件",
        min=0,
        en="Self-developed class I IP",
    ),
    _F("tech_transfers", "当年科技成果转化数", "report", "int", "项", min=0, en="Technology transfers"),
    _F("niche_years", "从事特定细分市场年限", "report", "int", "年", min=0, en="Years in niche market"),
    _F(
        "niche_market_share",
        "主导产品全国细分市场占有率",
        "report",
        "ratio",
        min=0,
        max=1,
        en="National niche market share",
    ),
    _F("standards_led", "主导制定的国际、国家、行业标准数", "report", "int", "项", min=0, en="Standards led"),
    _F(
        "rd_institution",
        "研发机构级别",
        "report",
        "enum",
        choices=RD_INSTITUTION_LEVELS,
        en="R&D institution level",
    ),
    _F("awards", "省部级以上科技奖励数", "report", "int", "项", min=0, en="Provincial+ S&T awards"),
    _F(
        "gov_projects",
        "承担省部级以上科技项目数",
        "report",
        "int",
        "项",
        min=0,
        en="Provincial+ S&T projects",
    ),
    _F(
        "admin_penalties", "当年受到行政处罚次数", "report", "int", "次", min=0, en="Administrative penalties"
    ),
    _F("serious_dishonesty", "列入严重失信主体名单", "report", "bool", en="On the serious-dishonesty list"),
    _F(
        "major_incident",
        "发生重大安全、质量或环境事故",
        "report",
        "bool",
        en="Major safety, quality or environmental incident",
    ),
    # --- fields the cultivation ladder needs (gaoxin.cultivation; qualification-rules.md) ---
    _F(
        "class1_ip_high_value",
        "其中高价值I类知识产权数",
        "report",
        "int",
        "件",
        min=0,
        en="High-value class I IP",
    ),
    _F(
        "national_award_rank",
        "当年获国家级科技奖励的单位排名（未获奖为0）",
        "report",
        "int",
        "名",
        min=0,
        en="Rank among the winning organisations of a national S&T award received in the year (0: none)",
    ),
    _F(
        "provincial_award_rank",
        "当年获省级科技奖励的单位排名（未获奖为0）",
        "report",
        "int",
        "名",
        min=0,
        en="Rank among the winning organisations of a provincial S&T award received in the year (0: none)",
    ),
    _F(
        "standards_participated",
        "参与制定的国家、行业标准数",
        "report",
        "int",
        "项",
        min=0,
        en="Standards participated in",
    ),
    _F(
        "digital_level",
        "中小企业数字化水平等级",
        "report",
        "int",
        "级",
        min=1,
        max=4,
        en="SME digitalisation level (1–4)",
    ),
    _F(
        "quality_certified",
        "通过质量管理体系认证或发达国家产品认证",
        "report",
        "bool",
        en="Quality-management or developed-country product certification",
    ),
    _F("own_brand", "拥有自主品牌", "report", "bool", en="Own brand"),
    _F("quality_award", "获省级以上质量奖", "report", "bool", en="Provincial+ quality award"),
    _F(
        "strategic_emerging",
        "主导产品属于战略性新兴产业",
        "report",
        "bool",
        en="Main product in a strategic emerging industry",
    ),
    _F(
        "key_field",
        "主导产品属于工业六基、制造强国或网络强国重点领域",
        "report",
        "bool",
        en="Main product in a key field (six industrial foundations, manufacturing or cyber power)",
    ),
    _F(
        "chain_role",
        "产业链配套地位",
        "report",
        "enum",
        choices=CHAIN_ROLES,
        en="Role in the industrial chain",
    ),
    _F(
        "market_rank",
        "主导产品全国细分市场排名（无排名为0）",
        "report",
        "int",
        "名",
        min=0,
        en="National niche market rank (0: not ranked)",
    ),
    _F(
        "maker_china_rank",
        "当年创客中国大赛全国排名（未入榜为0）",
        "report",
        "int",
        "名",
        min=0,
        en="Rank in the Maker China national contest in the year (0: not listed)",
    ),
    _F(
        "development_score",
        "专精特新发展评价得分",
        "report",
        "int",
        "分",
        min=0,
        max=100,
        en="Specialised-SME development score (0–100)",
    ),
    _F(
        "valuation",
        "企业估值（最近一轮融资或评估）",
        "report",
        "money",
        "万元",
        min=0,
        en="Valuation (latest round or appraisal)",
    ),
    _F("abnormal_operation", "列入经营异常名录", "report", "bool", en="On the abnormal-operation list"),
    _F(
        "prohibited_industry",
        "属于国家禁止、限制或淘汰类产业",
        "report",
        "bool",
        en="In a prohibited, restricted or phase-out category",
    ),
    _F(
        "innovation_title",
        "持有国家级技术创新示范企业或知识产权优势（示范）企业称号",
        "report",
        "bool",
        en="National technology-innovation demonstration or IP advantage/demonstration enterprise",
    ),
    # --- green and low-carbon (issue 14): written by the green app from the firm's energy data, with the
    # coefficient set used (GB/T 2589-2020); 综合能耗 excludes energy used as feedstock (原料用能) ---
    _F(
        "energy_consumption",
        "综合能耗",
        "report",
        "number",
        "吨标准煤",
        min=0,
        en="Comprehensive energy consumption (tce)",
    ),
    _F(
        "energy_intensity_va",
        "万元工业增加值能耗",
        "report",
        "number",
        "吨标准煤/万元",
        min=0,
        en="Energy per 10,000 yuan of industrial value added (tce)",
    ),
    _F(
        "energy_intensity_output",
        "万元工业总产值能耗",
        "report",
        "number",
        "吨标准煤/万元",
        min=0,
        en="Energy per 10,000 yuan of industrial output (tce)",
    ),
    _F(
        "non_fossil_share",
        "非化石能源消费占比",
        "report",
        "ratio",
        min=0,
        max=1,
        en="Non-fossil share of energy consumption",
    ),
    _F(
        "renewable_power_share",
        "可再生能源电力消费占比（含绿证）",
        "report",
        "ratio",
        min=0,
        max=1,
        en="Renewable share of electricity consumed (green certificates included)",
    ),
    _F("co2_emissions", "二氧化碳排放量", "report", "number", "吨", min=0, en="CO₂ emissions (t)"),
    # --- policy facts (issue 12): supplied by a department (统计局, 税务局 …) through the policy app ---
    _F("above_scale", "规模以上企业", "report", "bool", en="Above designated size"),
    _F(
        "local_contribution",
        "上年度地方综合贡献度",
        "report",
        "money",
        "万元",
        en="Local comprehensive contribution of the previous year",
    ),
    _F("moved_out", "已迁出或公示期内迁出本区", "report", "bool", en="Moved out of the zone (or moving)"),
    _F("real_estate", "房地产企业", "report", "bool", en="Real-estate enterprise"),
    # --- qualifications: one row per enterprise, kind and period ---
    _F(
        "kind",
        "资质类型",
        "qualification",
        "enum",
        choices=tuple(QUALIFICATION_KINDS),
        required=True,
        en="Qualification kind",
    ),
    _F("valid_from", "有效期起", "qualification", "date", required=True, en="Valid from"),
    _F("valid_to", "有效期止", "qualification", "date", required=True, en="Valid to"),
    _F("certificate_no", "证书编号", "qualification", "text", en="Certificate number"),
)

BY_ID: dict[str, Field] = {f.id: f for f in FIELDS}
ENTERPRISE_FIELDS = tuple(f for f in FIELDS if f.table == "enterprise")
REPORT_FIELDS = tuple(f for f in FIELDS if f.table == "report")
# Fields an indicator expression may read for the evaluated year (numbers and booleans).
SCORABLE_FIELDS = {
    f.id: f for f in REPORT_FIELDS if f.id != "year" and f.type in ("int", "money", "ratio", "number", "bool")
}

# Relations between fields of one report row (data dictionary "rule" column): (smaller, larger).
NOT_GREATER_THAN: tuple[tuple[str, str], ...] = (
    ("tech_staff", "employees"),
    ("rd_staff", "employees"),
    ("main_revenue", "revenue"),
    ("hightech_revenue", "revenue"),
    ("rd_expense_domestic", "rd_expense"),
)
# net_assets = total_assets − total_liabilities must hold "within rounding": 0.01 万元 (100 yuan),
# the precision statements are usually filed in.
NET_ASSETS_TOLERANCE = 0.01

# Header units a ``number`` field also accepts for its canonical unit (the same unit, another spelling).
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "吨标准煤": ("tce", "吨标煤", "t标准煤"),
    "吨标准煤/万元": ("tce/万元", "吨标煤/万元", "t标准煤/万元"),
    "吨": ("t", "tco2", "吨二氧化碳"),
}

# Derived names usable in expressions (data-dictionary.md, "Derived values available to formulas").
DERIVED_FUNCTIONS = ("prev", "growth", "has")
DERIVED_NAMES = ("age_years",)


def field(id_or_label: str) -> Field | None:
    """A field by English id or Chinese label (exact, after trimming)."""
    key = id_or_label.strip()
    return BY_ID.get(key) or _BY_LABEL.get(key)


_BY_LABEL: dict[str, Field] = {f.zh: f for f in FIELDS}
