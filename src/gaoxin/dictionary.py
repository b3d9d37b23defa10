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
# ratio: a number, usually 0–1; bool.
FieldType = Literal["text", "enum", "date", "int", "money", "ratio", "bool"]


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
        return self.type in ("int", "money", "ratio")


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
    f.id: f for f in REPORT_FIELDS if f.id != "year" and f.type in ("int", "money", "ratio", "bool")
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

# Derived names usable in expressions (data-dictionary.md, "Derived values available to formulas").
DERIVED_FUNCTIONS = ("prev", "growth", "has")
DERIVED_NAMES = ("age_years",)


def field(id_or_label: str) -> Field | None:
    """A field by English id or Chinese label (exact, after trimming)."""
    key = id_or_label.strip()
    return BY_ID.get(key) or _BY_LABEL.get(key)


_BY_LABEL: dict[str, Field] = {f.zh: f for f in FIELDS}
