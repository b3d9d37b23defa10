"""Incubators (孵化器) and 众创空间: the national conditions, incubation periods and graduation (pure).

**National-level incubator** (科技企业孵化器管理办法, 国科发区〔2018〕300号 [O]). Each condition is a
``Check`` with its value and gap; the thresholds are ``IncubatorRules`` (the 300号 numbers by default;
a zone corrects them, e.g. for the 2025 工信部 regime whose numbers were not found [NF]):

- independent legal entity; operating ≥ 3 years; ≥ 2 consecutive years of 火炬统计 reported;
- ≥ 10,000 m² owned or controlled, of which ≥ 75 % used by incubated firms (public service area included);
- seed or incubation fund ≥ 500 万元; ≥ 10 % of incubated firms have raised investment; ≥ 3 investment cases;
- professional service staff ≥ 80 % of headcount; for every 10 incubated firms ≥ 1 professional service
  staff member and ≥ 1 mentor (staff ≥ firms ÷ 10, mentors ≥ firms ÷ 10);
- incubated firms that applied for patents ≥ 50 %, **or** that hold valid IP ≥ 30 %;
- ≥ 50 incubated firms and ≥ 3 per 1,000 m² (of the incubator's area); cumulative graduates ≥ 20;
- specialised incubators (≥ 75 % of firms in one field, with their own technical platform): ≥ 30 firms,
  ≥ 2 per 1,000 m², ≥ 15 graduates;
- hardship regions (第十条): thresholds lowered by 20 % — which thresholds is not spelt out in the
  excerpt; by default the absolute ones (area, fund, investment cases, firms, density, graduates) and not
  the shares [I], configurable (``hardship_lowers``).

**众创空间** (国家众创空间备案暂行规定 [O]): operating ≥ 18 months; ≥ 500 m² **or** ≥ 30 workstations;
workstations plus public area ≥ 75 % of the area; ≥ 20 teams or firms admitted in the year; ≥ 10 new firms
registered **or** ≥ 5 teams financed in the year; ≥ 3 typical cases; ≥ 3 full-time staff and ≥ 3 mentors;
≥ 10 events a year; reports 火炬统计.

**Incubation period** (Shenzhen implementation [S]; a city version [O]): a firm ≤ 24 months old on entry,
incubated ≤ 48 months — longer in special fields (biomedicine, IC design, modern agriculture; 60 months in
the city version, the Shenzhen number is cut off in the source); optionally a cap on the prior-year revenue
of a firm moving in (300 万元 in the city version; off by default). "≤ 48 months" means a firm at exactly 48
months is still within its period; it is over from the first day after.

**Graduation** (300号 [O]), any one of: 1. recognised as a 高新技术企业; 2. cumulative angel or venture
investment **> 500 万元**; 3. revenue **> 1,000 万元** cumulatively over 2 consecutive years; 4. merged,
acquired, or listed / quoted on a capital market. Strictly more than, as worded: exactly 500 万元 is not
a graduation. ``detect_graduation`` reads the registry's own data (the 高企 qualification, the yearly
``equity_financing`` and ``revenue``, the listing board) and returns every criterion met with its evidence.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from gaoxin.carriers.checks import Check, check, dec, either, flag, ratio, verdict
from gaoxin.data.dictionary import CHOICES_EN

D = Decimal
THOUSAND = Decimal(1000)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    m = day.month - 1 + months
    y, m = day.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (negative when end is before start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def full_years(start: dt.date, end: dt.date) -> int:
    return full_months(start, end) // 12


# --- national-level incubator ------------------------------------------------------------------------


@dataclass(frozen=True)
class IncubatorRules:
    """The thresholds of the national-level conditions (300号 defaults)."""

    min_years: int = 3
    min_stat_years: int = 2
    min_area: Decimal = Decimal(10000)  # m²
    min_incubation_share: Decimal = Decimal("0.75")
    min_fund: Decimal = Decimal(500)  # 万元
    min_invested_share: Decimal = Decimal("0.10")
    min_investment_cases: Decimal = Decimal(3)
    min_pro_staff_share: Decimal = Decimal("0.80")
    firms_per_staff: Decimal = Decimal(10)  # one professional staff member and one mentor per this many firms
    min_patent_applied_share: Decimal = Decimal("0.50")
    min_ip_held_share: Decimal = Decimal("0.30")
    min_firms: Decimal = Decimal(50)
    min_density: Decimal = Decimal(3)  # incubated firms per 1,000 m²
    min_graduates: Decimal = Decimal(20)
    specialised_min_firms: Decimal = Decimal(30)
    specialised_min_density: Decimal = Decimal(2)
    specialised_min_graduates: Decimal = Decimal(15)
    specialised_field_share: Decimal = Decimal("0.75")
    hardship_factor: Decimal = Decimal("0.80")  # thresholds × this in hardship regions (lowered by 20 %)
    hardship_lowers: tuple[str, ...] = ("area", "fund", "investment_cases", "firms", "density", "graduates")


@dataclass(frozen=True)
class Incubator:
    key: Hashable = None
    legal_entity: bool | None = None
    established: dt.date | None = None
    stat_years: int | None = None  # consecutive years of 火炬统计 reported
    area_total: Decimal | None = None  # m² owned or controlled
    area_incubation: Decimal | None = None  # used by incubated firms, incl. public service area
    fund: Decimal | None = None  # seed / incubation fund, 万元
    staff_total: int | None = None
    pro_staff: int | None = None  # professional incubation service staff
    mentors: int | None = None
    firms: int | None = None  # incubated firms now
    invested_firms: int | None = None  # incubated firms that have raised investment
    investment_cases: int | None = None
    patent_applied_firms: int | None = None
    ip_held_firms: int | None = None
    graduates: int | None = None  # cumulative graduates
    specialised: bool = False
    field_share: Decimal | None = None  # share of firms in the specialised field
    tech_platform: bool | None = None  # specialised: its own technical platform
    hardship: bool = False


def _lowered(rules: IncubatorRules, inc: Incubator, name: str, value: Decimal) -> Decimal:
    return value * rules.hardship_factor if inc.hardship and name in rules.hardship_lowers else value


def national_checks(inc: Incubator, on: dt.date, rules: IncubatorRules | None = None) -> list[Check]:
    """Every national-level condition for ``inc`` as of ``on``, in the order of the rule."""
    r = rules or IncubatorRules()

    def low(name: str, value: Decimal) -> Decimal:
        return _lowered(r, inc, name, value)

    spec = inc.specialised
    years = full_years(inc.established, on) if inc.established else None
    firms = inc.firms
    out = [
        flag("legal_entity", "独立法人", inc.legal_entity),
        check("years", "运营年限", years, r.min_years, unit="年"),
        check("stat_years", "连续报送火炬统计年数", inc.stat_years, r.min_stat_years, unit="年"),
        check("area", "可自主支配场地面积", inc.area_total, low("area", r.min_area), unit="m²"),
        check(
            "incubation_share",
            "在孵企业使用面积占比（含公共服务场地）",
            ratio(inc.area_incubation, inc.area_total),
            r.min_incubation_share,
        ),
        check("fund", "孵化基金（种子资金）", inc.fund, low("fund", r.min_fund), unit="万元"),
        check(
            "invested_share", "获投融资在孵企业占比", ratio(inc.invested_firms, firms), r.min_invested_share
        ),
        check(
            "investment_cases",
            "投融资案例数",
            inc.investment_cases,
            low("investment_cases", r.min_investment_cases),
            unit="个",
        ),
        check(
            "pro_staff_share",
            "专业孵化服务人员占比",
            ratio(inc.pro_staff, inc.staff_total),
            r.min_pro_staff_share,
        ),
        check(
            "staff_per_firms",
            "专业孵化服务人员（每10家在孵企业至少1名）",
            inc.pro_staff if firms is not None else None,
            ratio(firms, r.firms_per_staff) or 0,
            unit="人",
        ),
        check(
            "mentors_per_firms",
            "创业导师（每10家在孵企业至少1名）",
            inc.mentors if firms is not None else None,
            ratio(firms, r.firms_per_staff) or 0,
            unit="人",
        ),
        either(
            "ip",
            "知识产权（申请专利企业≥50%或拥有有效知识产权企业≥30%）",
            check(
                "patent_applied_share",
                "申请专利的在孵企业占比",
                ratio(inc.patent_applied_firms, firms),
                r.min_patent_applied_share,
            ),
            check(
                "ip_held_share",
                "拥有有效知识产权的在孵企业占比",
                ratio(inc.ip_held_firms, firms),
                r.min_ip_held_share,
            ),
        ),
        check(
            "firms",
            "在孵企业数",
            firms,
            low("firms", r.specialised_min_firms if spec else r.min_firms),
            unit="家",
        ),
        check(
            "density",
            "每千平方米在孵企业数",
            ratio(D(firms) * THOUSAND, inc.area_total) if firms is not None else None,
            low("density", r.specialised_min_density if spec else r.min_density),
            unit="家/千m²",
        ),
        check(
            "graduates",
            "累计毕业企业数",
            inc.graduates,
            low("graduates", r.specialised_min_graduates if spec else r.min_graduates),
            unit="家",
        ),
    ]
    if spec:
        out += [
            check("field_share", "同一领域在孵企业占比", inc.field_share, r.specialised_field_share),
            flag("tech_platform", "自有专业技术服务平台", inc.tech_platform),
        ]
    return out


@dataclass(frozen=True)
class Result:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool | None:
        return verdict(self.checks)

    @property
    def failing(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]

    @property
    def unknown(self) -> list[Check]:
        return [c for c in self.checks if c.passed is None]


def check_incubator(inc: Incubator, on: dt.date, rules: IncubatorRules | None = None) -> Result:
    return Result(tuple(national_checks(inc, on, rules)))


# --- 众创空间 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MakerSpaceRules:
    min_months: int = 18
    min_area: Decimal = Decimal(500)
    min_workstations: Decimal = Decimal(30)
    min_shared_share: Decimal = Decimal("0.75")
    min_teams: Decimal = Decimal(20)
    min_new_firms: Decimal = Decimal(10)
    min_financed: Decimal = Decimal(5)
    min_cases: Decimal = Decimal(3)
    min_staff: Decimal = Decimal(3)
    min_mentors: Decimal = Decimal(3)
    min_events: Decimal = Decimal(10)


@dataclass(frozen=True)
class MakerSpace:
    key: Hashable = None
    established: dt.date | None = None
    area_total: Decimal | None = None
    workstations: int | None = None
    area_shared: Decimal | None = None  # workstations plus public service area, m²
    teams_admitted: int | None = None  # under agreement, in the year
    new_firms: int | None = None  # registered out of the teams, in the year
    financed: int | None = None  # teams or firms financed, in the year
    typical_cases: int | None = None
    fulltime_staff: int | None = None
    mentors: int | None = None
    events: int | None = None  # in the year
    reports_torch: bool | None = None


def check_maker_space(space: MakerSpace, on: dt.date, rules: MakerSpaceRules | None = None) -> Result:
    r = rules or MakerSpaceRules()
    months = full_months(space.established, on) if space.established else None
    return Result(
        (
            check("months", "运营时间", months, r.min_months, unit="个月"),
            either(
                "size",
                "场地面积≥500m²或工位≥30个",
                check("area", "场地面积", space.area_total, r.min_area, unit="m²"),
                check("workstations", "工位数", space.workstations, r.min_workstations, unit="个"),
            ),
            check(
                "shared_share",
                "工位和公共服务场地面积占比",
                ratio(space.area_shared, space.area_total),
                r.min_shared_share,
            ),
            check("teams", "年协议入驻团队和企业数", space.teams_admitted, r.min_teams, unit="个"),
            either(
                "outcomes",
                "年新注册企业≥10家或获投融资团队≥5个",
                check("new_firms", "年新注册企业数", space.new_firms, r.min_new_firms, unit="家"),
                check("financed", "年获投融资团队和企业数", space.financed, r.min_financed, unit="个"),
            ),
            check("cases", "典型孵化案例", space.typical_cases, r.min_cases, unit="个"),
            check("staff", "专职工作人员", space.fulltime_staff, r.min_staff, unit="人"),
            check("mentors", "创业导师", space.mentors, r.min_mentors, unit="人"),
            check("events", "年举办创新创业活动", space.events, r.min_events, unit="场"),
            flag("reports_torch", "报送火炬统计", space.reports_torch),
        )
    )


# --- incubation period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncubationLimits:
    max_age_on_entry: int = 24  # months
    max_months: int = 48
    special_months: int = 60
    special_fields: tuple[str, ...] = ("生物医药", "集成电路设计", "现代农业")
    max_prior_revenue: Decimal | None = None  # 万元; the city version: 300 (off by default)

    def limit_for(self, field: str | None) -> int:
        return self.special_months if field and field in self.special_fields else self.max_months


@dataclass(frozen=True)
class IncubatedFirm:
    key: Hashable
    entered: dt.date
    established: dt.date | None = None
    field: str | None = None
    exited: dt.date | None = None
    prior_revenue: Decimal | None = None  # 万元, the year before entry


@dataclass(frozen=True)
class Period:
    months: int  # whole months incubated (to the exit, or to the date asked about)
    limit: int
    ends: dt.date  # the last day within the limit
    overdue: bool  # still incubated after the limit
    months_left: int  # 0 when overdue
    entry_checks: tuple[Check, ...]


def _age_on_entry(firm: IncubatedFirm, limit: int) -> Check:
    """≤ ``limit`` months old on entry, judged to the day: entered no later than founding + limit months."""
    label = "入驻时企业成立时间"
    if firm.established is None:
        return check("age_on_entry", label, None, limit, op="≤", unit="个月")
    months = full_months(firm.established, firm.entered)
    latest = add_months(firm.established, limit)
    ok = firm.entered <= latest
    over = (firm.entered - latest).days
    return Check(
        "age_on_entry",
        label,
        Decimal(months),
        Decimal(limit),
        "≤",
        ok,
        None if ok else Decimal(over),
        "个月",
        "" if ok else f"超出 {over} 天（最迟应于 {latest.isoformat()} 前入驻）",
    )


def incubation_period(firm: IncubatedFirm, on: dt.date, limits: IncubationLimits | None = None) -> Period:
    lim = limits or IncubationLimits()
    limit = lim.limit_for(firm.field)
    ends = add_months(firm.entered, limit)
    until = firm.exited if firm.exited is not None and firm.exited <= on else on
    months = max(full_months(firm.entered, until), 0)
    overdue = firm.exited is None and on > ends
    entry = [_age_on_entry(firm, lim.max_age_on_entry)]
    if lim.max_prior_revenue is not None:
        entry.append(
            check(
                "prior_revenue",
                "入驻前一年营业收入",
                firm.prior_revenue,
                lim.max_prior_revenue,
                op="≤",
                unit="万元",
            )
        )
    return Period(months, limit, ends, overdue, 0 if overdue else max(limit - months, 0), tuple(entry))


# --- graduation --------------------------------------------------------------------------------------

CRITERIA: dict[str, str] = {
    "hightech": "认定为高新技术企业",
    "investment": "累计获得天使投资或风险投资超过500万元",
    "revenue": "连续2年营业收入累计超过1000万元",
    "listed": "被兼并收购或在资本市场挂牌上市",
}


@dataclass(frozen=True)
class GraduationRules:
    investment_over: Decimal = Decimal(500)
    revenue_over: Decimal = Decimal(1000)
    revenue_years: int = 2
    # Count investment only from the year of entry (the rule says "cumulative"; from founding by default).
    investment_from_entry: bool = False


@dataclass(frozen=True)
class FirmRecord:
    """What the registry knows of an incubated firm."""

    hightech: Sequence[tuple[dt.date, dt.date, str]] = ()  # (valid from, valid to, certificate no)
    investment: Mapping[int, Decimal] = field(default_factory=dict)  # year → equity financing, 万元
    revenue: Mapping[int, Decimal] = field(default_factory=dict)  # year → revenue, 万元
    listed_board: str | None = None
    listed_on: dt.date | None = None
    acquired_on: dt.date | None = None


@dataclass(frozen=True)
class Evidence:
    criterion: str
    year: int
    date: dt.date | None  # when known to the day (a certificate, a listing); None for yearly figures
    text: str  # Chinese: what was met, with the numbers
    en: str = ""  # the same in English (a page in English shows it)

    @property
    def zh(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        return CRITERIA[self.criterion]


@dataclass(frozen=True)
class Graduation:
    evidence: tuple[Evidence, ...]  # every criterion met, earliest first

    @property
    def graduated(self) -> bool:
        return bool(self.evidence)

    @property
    def first(self) -> Evidence | None:
        return self.evidence[0] if self.evidence else None

    @property
    def year(self) -> int | None:
        return self.first.year if self.first else None


def _fmt(x: Decimal) -> str:
    x = x.normalize()
    return f"{x:f}"


def detect_graduation(
    record: FirmRecord, on: dt.date, entered: dt.date | None = None, rules: GraduationRules | None = None
) -> Graduation:
    """Every graduation criterion ``record`` meets by the end of ``on`` (in the years up to ``on.year``)."""
    r = rules or GraduationRules()
    found: list[Evidence] = []
    # 1. 高企: a certificate valid at some time between entry and ``on``
    for start, end, cert in sorted(record.hightech):
        if start > on or (entered is not None and end < entered):
            continue
        when = max(start, entered) if entered else start
        found.append(
            Evidence(
                "hightech",
                when.year,
                when,
                f"高新技术企业证书 {cert or '（无编号）'}，有效期 {start.isoformat()} 至 {end.isoformat()}",
                f"High-tech enterprise certificate {cert or '(no number)'}, valid {start.isoformat()}"
                f" to {end.isoformat()}",
            )
        )
        break
    # 2. cumulative investment > 500
    total = Decimal(0)
    first_year = entered.year if (entered and r.investment_from_entry) else None
    for year in sorted(record.investment):
        if year > on.year or (first_year is not None and year < first_year):
            continue
        amount = dec(record.investment[year]) or D(0)
        total += amount
        if total > r.investment_over:
            found.append(
                Evidence(
                    "investment",
                    year,
                    None,
                    f"截至{year}年累计股权融资 {_fmt(total)} 万元，超过 {_fmt(r.investment_over)} 万元",
                    f"Equity financing of {_fmt(total)} 10k yuan in total by {year},"
                    f" above {_fmt(r.investment_over)} 10k yuan",
                )
            )
            break
    # 3. revenue over n consecutive years > 1000
    n = r.revenue_years
    years = sorted(y for y, v in record.revenue.items() if v is not None and y <= on.year)
    for y in years:
        span = list(range(y - n + 1, y + 1))
        if all(s in record.revenue and record.revenue[s] is not None for s in span):
            total_rev = sum((dec(record.revenue[s]) for s in span), Decimal(0))
            if total_rev > r.revenue_over:
                found.append(
                    Evidence(
                        "revenue",
                        y,
                        None,
                        f"{span[0]}—{y}年营业收入累计 {_fmt(total_rev)} 万元，超过 {_fmt(r.revenue_over)} 万元",
                        f"Revenue of {_fmt(total_rev)} 10k yuan in {span[0]}–{y} together,"
                        f" above {_fmt(r.revenue_over)} 10k yuan",
                    )
                )
                break
    # 4. listed, or merged / acquired
    events = []
    if record.listed_board and (record.listed_on is None or record.listed_on <= on):
        when = record.listed_on
        events.append(
            Evidence(
                "listed",
                (when or on).year,
                when,
                f"在{record.listed_board}上市或挂牌" + (f"（{when.isoformat()}）" if when else ""),
                f"Listed or quoted on {CHOICES_EN.get(record.listed_board, record.listed_board)}"
                + (f" ({when.isoformat()})" if when else ""),
            )
        )
    if record.acquired_on is not None and record.acquired_on <= on:
        events.append(
            Evidence(
                "listed",
                record.acquired_on.year,
                record.acquired_on,
                f"被兼并收购（{record.acquired_on.isoformat()}）",
                f"Merged or acquired ({record.acquired_on.isoformat()})",
            )
        )
    if events:
        found.append(min(events, key=lambda e: (e.year, e.date or dt.date(e.year, 12, 31))))
    found.sort(key=lambda e: (e.year, e.date or dt.date(e.year, 12, 31), list(CRITERIA).index(e.criterion)))
    return Graduation(tuple(found))


def replace_rules(rules, overrides: Mapping[str, object]):
    """``rules`` with the named fields replaced, each converted to the field's type; unknown names and
    bad values raise ``ValueError`` naming the key (a zone's settings form calls this)."""
    names = {f.name: f for f in dataclasses.fields(rules)}
    faults, kwargs = [], {}
    for key, value in overrides.items():
        if key not in names:
            faults.append(f"{key}: 未知参数 / unknown setting")
            continue
        current = getattr(rules, key)
        try:
            if isinstance(current, bool):
                kwargs[key] = bool(value)
            elif isinstance(current, int):
                kwargs[key] = int(value)
            elif isinstance(current, tuple):
                kwargs[key] = (
                    tuple(value)
                    if not isinstance(value, str)
                    else tuple(v.strip() for v in value.split(",") if v.strip())
                )
            elif isinstance(current, Decimal) or current is None:
                kwargs[key] = None if value in (None, "") else dec(value)
            else:
                kwargs[key] = value
        except Exception:
            faults.append(f"{key}: 取值无效 / bad value {value!r}")
    if faults:
        raise ValueError("; ".join(faults))
    return dataclasses.replace(rules, **kwargs)
