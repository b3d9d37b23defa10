"""The listing reserve (上市后备企业库): stages, stalled firms, stage rewards, the 科创板 standards 1–5
and the 科创属性 four-indicator check (pure).

**Stages**, in order: 入库 → 股改 → 辅导备案 → 辅导验收 → 申报受理 → 审核通过 → 注册 → 上市. A firm's
stage is the furthest it reached; each reached stage has a date and its evidence (辅导备案 filing number,
受理 notice, 注册 decision …). A firm **stalls** when its last stage change is more than N days before the
date asked about (exactly N is not yet stalled); listed firms never stall.

**Stage rewards** are the zone's own schedule (武胜 2023 [O] by default: 辅导备案 20, 辅导验收 80,
审核通过 100, 注册 100, 上市 400 万元; 涪陵, 内江, 德清 pay otherwise — the schedule is data). Two
ways of netting what was paid, both seen in real clauses: ``per_stage`` (a stage is never paid twice:
武胜) and ``cumulative`` (each award is the schedule's cumulative amount up to the stage less everything
already paid: 内江); an optional total cap.

**科创板 standards** (上交所科创板股票上市规则 2.1.2, 2024 [S]; money in 万元: 10亿 = 100,000 万元). Net
profit is the lower of before and after 非经常性损益 (the caller passes that figure). At least one of:

1. 预计市值 ≥ 10亿, and net profit > 0 in each of the last 2 years with a cumulative ≥ 5,000万; **or**
   市值 ≥ 10亿, last-year net profit > 0 and last-year revenue ≥ 1亿;
2. 市值 ≥ 15亿, last-year revenue ≥ 2亿, 3-year cumulative R&D ≥ 15 % of 3-year cumulative revenue;
3. 市值 ≥ 20亿, last-year revenue ≥ 3亿, 3-year cumulative operating cash flow ≥ 1亿;
4. 市值 ≥ 30亿, last-year revenue ≥ 3亿;
5. 市值 ≥ 40亿, main products approved by the state, a large market, staged results (pharma: a core
   product approved for Phase II) — qualitative, judged from declared evidence.

``star_standards`` returns each standard's checks and gaps; ``nearest_standard`` the one met, or the one
with the smallest relative shortfall (the sum over its failing conditions of gap ÷ threshold).

**科创属性** (科创属性评价指引, 2024 revision [S, quoting CSRC]), all four: 1. 3-year R&D ≥ 5 % of
3-year revenue, **or** 3-year R&D ≥ 8,000万; 2. R&D staff ≥ 10 % of employees; 3. ≥ 7 invention patents
used in the main business; 4. 3-year revenue CAGR ≥ 25 %, **or** last-year revenue ≥ 3亿. The CAGR over
"the last three years" is taken over the two intervals between the first and the third year,
``(R₃ ÷ R₁)^(1/2) − 1`` (configurable, ``cagr_intervals``) [R].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from gaoxin.carriers.checks import Check, check, dec, either, flag, ratio, verdict

D = Decimal
YI = Decimal(10000)  # 1亿 in 万元

STAGES: tuple[str, ...] = (
    "pool",
    "shareholding",
    "tutoring_filed",
    "tutoring_accepted",
    "application_accepted",
    "approved",
    "registered",
    "listed",
)
STAGE_LABELS: dict[str, str] = {
    "pool": "入库",
    "shareholding": "股改",
    "tutoring_filed": "辅导备案",
    "tutoring_accepted": "辅导验收",
    "application_accepted": "申报受理",
    "approved": "审核通过",
    "registered": "注册",
    "listed": "上市",
}
STAGE_LABELS_EN: dict[str, str] = {
    "pool": "In the reserve",
    "shareholding": "Joint-stock reform",
    "tutoring_filed": "Tutoring filed",
    "tutoring_accepted": "Tutoring accepted",
    "application_accepted": "Application accepted",
    "approved": "Approved by the exchange",
    "registered": "Registered (CSRC)",
    "listed": "Listed",
}
BOARDS: dict[str, str] = {
    "star": "科创板",
    "chinext": "创业板",
    "main": "主板",
    "bse": "北交所",
    "hkex": "港交所",
    "overseas": "境外",
}
DEFAULT_STALLED_DAYS = 180
_INDEX = {s: i for i, s in enumerate(STAGES)}


def stage_index(stage: str) -> int:
    try:
        return _INDEX[stage]
    except KeyError:
        raise ValueError(f"unknown stage {stage!r}; one of {', '.join(STAGES)}") from None


def reached(stage: str) -> tuple[str, ...]:
    """The stages up to and including ``stage``."""
    return STAGES[: stage_index(stage) + 1]


@dataclass(frozen=True)
class ReserveFirm:
    key: Hashable
    stage: str
    dates: Mapping[str, dt.date | None] = field(default_factory=dict)

    def __post_init__(self):
        stage_index(self.stage)
        for s in self.dates:
            stage_index(s)

    def last_change(self) -> dt.date | None:
        days = [
            d for s, d in self.dates.items() if d is not None and stage_index(s) <= stage_index(self.stage)
        ]
        return max(days) if days else None


def date_problems(firm: ReserveFirm) -> list[str]:
    """Dates out of order, or beyond the current stage, in Chinese (empty: nothing wrong)."""
    out, last = [], None
    cur = stage_index(firm.stage)
    for i, s in enumerate(STAGES):
        d = firm.dates.get(s)
        if d is None:
            continue
        if i > cur:
            out.append(f"“{STAGE_LABELS[s]}”有日期，但当前阶段只到“{STAGE_LABELS[firm.stage]}”")
            continue
        if last is not None and d < last[1]:
            out.append(
                f"“{STAGE_LABELS[s]}”日期 {d.isoformat()} 早于“{STAGE_LABELS[last[0]]}”日期 {last[1].isoformat()}"
            )
        else:
            last = (s, d)
    return out


@dataclass(frozen=True)
class Stalled:
    key: Hashable
    stage: str
    last_change: dt.date
    days: int


def stalled(firms: Sequence[ReserveFirm], on: dt.date, days: int = DEFAULT_STALLED_DAYS) -> list[Stalled]:
    """Firms not yet listed whose last stage change is more than ``days`` days before ``on``; longest first."""
    if days < 0:
        raise ValueError("the stalled threshold must be zero or more days")
    out = []
    for f in firms:
        if f.stage == STAGES[-1]:
            continue
        last = f.last_change()
        if last is None:
            continue
        idle = (on - last).days
        if idle > days:
            out.append(Stalled(f.key, f.stage, last, idle))
    out.sort(key=lambda s: -s.days)
    return out


# --- stage rewards -----------------------------------------------------------------------------------

WUSHENG_2023: dict[str, Decimal] = {
    "tutoring_filed": D(20),
    "tutoring_accepted": D(80),
    "approved": D(100),
    "registered": D(100),
    "listed": D(400),
}


@dataclass(frozen=True)
class RewardSchedule:
    amounts: Mapping[str, Decimal] = field(default_factory=lambda: dict(WUSHENG_2023))
    netting: str = "per_stage"  # or "cumulative"
    cap: Decimal | None = None  # total over all stages, 万元

    def __post_init__(self):
        if self.netting not in ("per_stage", "cumulative"):
            raise ValueError("netting must be per_stage or cumulative")
        for s in self.amounts:
            stage_index(s)


@dataclass(frozen=True)
class Reward:
    stage: str
    amount: Decimal  # due now, 万元
    scheduled: Decimal
    note: str


def rewards_due(
    stage: str, paid: Mapping[str, Decimal], schedule: RewardSchedule | None = None
) -> list[Reward]:
    """Rewards due for a firm that reached ``stage``, net of ``paid`` (stage → amount already paid)."""
    sch = schedule or RewardSchedule()
    paid_total = sum((dec(v) or D(0) for v in paid.values()), Decimal(0))
    out: list[Reward] = []
    running = paid_total
    cumulative = Decimal(0)
    for s in reached(stage):
        amount = dec(sch.amounts.get(s))
        if amount is None:
            continue
        cumulative += amount
        if sch.netting == "per_stage":
            if s in paid:
                continue
            due = amount
            note = "按阶段奖励，不重复"
        else:
            due = max(cumulative - running, Decimal(0))
            note = f"累计应奖 {cumulative} 万元，已奖 {running} 万元"
            if s in paid or due == 0:
                continue
        if sch.cap is not None:
            due = max(min(due, sch.cap - running), Decimal(0))
        if due > 0:
            out.append(Reward(s, due, amount, note))
            running += due
    return out


# --- 科创板 standards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Financials:
    """A firm's figures for the calculators; years → 万元, the last year is ``year``."""

    year: int
    market_cap: Decimal | None = None  # 预计市值
    net_profit: Mapping[int, Decimal] = field(default_factory=dict)  # lower of before/after 非经常性损益
    revenue: Mapping[int, Decimal] = field(default_factory=dict)
    rd_expense: Mapping[int, Decimal] = field(default_factory=dict)
    operating_cash_flow: Mapping[int, Decimal] = field(default_factory=dict)
    operating_cash_flow_3y: Decimal | None = None  # the 3-year sum, when only that is known (wins)
    employees: int | None = None
    rd_staff: int | None = None
    core_patents: int | None = None  # invention patents used in the main business
    state_approved: bool | None = (
        None  # standard 5: main products need and have state approval, staged results
    )
    share_capital: Decimal | None = None  # post-issue, 万元
    public_float: Decimal | None = None  # share of post-issue capital


def _get(m: Mapping[int, Decimal], y: int) -> Decimal | None:
    return dec(m.get(y))


def _sum(m: Mapping[int, Decimal], years: Sequence[int]) -> Decimal | None:
    vals = [_get(m, y) for y in years]
    return None if any(v is None for v in vals) else sum(vals, Decimal(0))  # type: ignore[arg-type]


@dataclass(frozen=True)
class StarRules:
    caps: tuple[Decimal, ...] = (
        Decimal(100000),
        Decimal(150000),
        Decimal(200000),
        Decimal(300000),
        Decimal(400000),
    )  # 万元
    std1_profit_2y: Decimal = Decimal(5000)
    std1_revenue: Decimal = Decimal(10000)
    std2_revenue: Decimal = Decimal(20000)
    std2_rd_share: Decimal = Decimal("0.15")
    std3_revenue: Decimal = Decimal(30000)
    std3_cash_flow: Decimal = Decimal(10000)
    std4_revenue: Decimal = Decimal(30000)
    min_share_capital: Decimal = Decimal(3000)
    min_float: Decimal = Decimal("0.25")
    min_float_large: Decimal = Decimal("0.10")
    large_capital: Decimal = Decimal(40000)


@dataclass(frozen=True)
class Standard:
    number: int
    checks: tuple[Check, ...]

    @property
    def met(self) -> bool | None:
        return verdict(self.checks)

    @property
    def shortfall(self) -> Decimal | None:
        """The sum of gap ÷ threshold over failing conditions, a condition without data counting 1 (as
        much as a failed yes/no condition: it has yet to be shown); 0 when met; None when nothing is judged."""
        judged = [c for c in self.checks if c.passed is not None]
        if not judged:
            return None
        total = Decimal(0)
        for c in self.checks:
            if c.passed is None:
                total += Decimal(1)
            elif c.passed is False:
                if isinstance(c.threshold, Decimal) and c.threshold != 0 and c.gap is not None:
                    total += c.gap / abs(c.threshold)
                else:
                    total += Decimal(1)  # a failed yes/no condition
        return total


def base_checks(f: Financials, rules: StarRules | None = None) -> list[Check]:
    r = rules or StarRules()
    large = f.share_capital is not None and f.share_capital > r.large_capital
    return [
        check("share_capital", "发行后股本总额", f.share_capital, r.min_share_capital, unit="万元"),
        check(
            "public_float",
            "公开发行股份比例" + ("（股本超过4亿元）" if large else ""),
            f.public_float,
            r.min_float_large if large else r.min_float,
        ),
    ]


def star_standards(f: Financials, rules: StarRules | None = None) -> list[Standard]:
    r = rules or StarRules()
    y = f.year
    y2, y3 = (y - 1, y), (y - 2, y - 1, y)
    cap = f.market_cap

    def cap_check(i: int) -> Check:
        return check("market_cap", "预计市值", cap, r.caps[i], unit="万元")

    np1, np0 = _get(f.net_profit, y - 1), _get(f.net_profit, y)
    both_positive = None if np1 is None or np0 is None else min(np1, np0)
    std1 = Standard(
        1,
        (
            cap_check(0),
            either(
                "profit",
                "盈利条件（二选一）",
                _all(
                    "profit_2y",
                    "最近两年净利润均为正且累计≥5000万元",
                    check("profit_each", "最近两年净利润（较低一年）", both_positive, 0, op=">", unit="万元"),
                    check(
                        "profit_sum",
                        "最近两年累计净利润",
                        _sum(f.net_profit, y2),
                        r.std1_profit_2y,
                        unit="万元",
                    ),
                ),
                _all(
                    "profit_revenue",
                    "最近一年净利润为正且营业收入≥1亿元",
                    check("profit_last", "最近一年净利润", np0, 0, op=">", unit="万元"),
                    check(
                        "revenue_last", "最近一年营业收入", _get(f.revenue, y), r.std1_revenue, unit="万元"
                    ),
                ),
            ),
        ),
    )
    std2 = Standard(
        2,
        (
            cap_check(1),
            check("revenue_last", "最近一年营业收入", _get(f.revenue, y), r.std2_revenue, unit="万元"),
            check(
                "rd_share_3y",
                "最近三年累计研发投入占累计营业收入比例",
                ratio(_sum(f.rd_expense, y3), _sum(f.revenue, y3)),
                r.std2_rd_share,
            ),
        ),
    )
    std3 = Standard(
        3,
        (
            cap_check(2),
            check("revenue_last", "最近一年营业收入", _get(f.revenue, y), r.std3_revenue, unit="万元"),
            check(
                "cash_flow_3y",
                "最近三年经营活动现金流量净额累计",
                f.operating_cash_flow_3y
                if f.operating_cash_flow_3y is not None
                else _sum(f.operating_cash_flow, y3),
                r.std3_cash_flow,
                unit="万元",
            ),
        ),
    )
    std4 = Standard(
        4,
        (
            cap_check(3),
            check("revenue_last", "最近一年营业收入", _get(f.revenue, y), r.std4_revenue, unit="万元"),
        ),
    )
    std5 = Standard(
        5,
        (
            cap_check(4),
            flag(
                "state_approved",
                "主要业务或产品经国家有关部门批准、市场空间大、已取得阶段性成果",
                f.state_approved,
            ),
        ),
    )
    return [std1, std2, std3, std4, std5]


def _all(code: str, label: str, *parts: Check) -> Check:
    """Every part must hold; the value, threshold and gap are those of the first failing (or unjudged) part."""
    passed = verdict(parts)
    worst = next((p for p in parts if p.passed is False), None) or next(
        (p for p in parts if p.passed is None), parts[0]
    )
    return Check(
        code,
        label,
        worst.value,
        worst.threshold,
        worst.op,
        passed,
        None if passed else worst.gap,
        worst.unit,
        worst.label,
    )


def nearest_standard(standards: Sequence[Standard]) -> Standard | None:
    """The met standard with the lowest number, else the one with the smallest shortfall (ties: lower
    number); None when no standard can be judged at all."""
    met = [s for s in standards if s.met]
    if met:
        return met[0]
    judged = [s for s in standards if s.shortfall is not None]
    return min(judged, key=lambda s: (s.shortfall, s.number)) if judged else None


# --- 科创属性 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StarAttributeRules:
    rd_share: Decimal = Decimal("0.05")
    rd_amount: Decimal = Decimal(8000)  # 万元 over 3 years (was 6,000 before 2024)
    rd_staff_share: Decimal = Decimal("0.10")
    core_patents: Decimal = Decimal(7)  # (was 5)
    revenue_cagr: Decimal = Decimal("0.25")  # (was 20 %)
    revenue_last: Decimal = Decimal(30000)  # 万元
    cagr_intervals: int = 2  # (R_last / R_first)^(1/intervals) − 1 over the three years


def revenue_cagr(revenue: Mapping[int, Decimal], year: int, intervals: int = 2) -> Decimal | None:
    first, last = _get(revenue, year - intervals), _get(revenue, year)
    if first is None or last is None or first <= 0 or last < 0:
        return None
    growth = float(last / first) ** (1 / intervals) - 1
    return D(repr(growth)).quantize(Decimal("0.000001"))


def cagr_at_least(
    revenue: Mapping[int, Decimal], year: int, target: Decimal, intervals: int = 2
) -> bool | None:
    """Exact test of CAGR ≥ target without rounding: R_last ≥ R_first × (1 + target)^intervals."""
    first, last = _get(revenue, year - intervals), _get(revenue, year)
    if first is None or last is None or first <= 0:
        return None
    return last >= first * (1 + target) ** intervals


def star_attributes(f: Financials, rules: StarAttributeRules | None = None) -> list[Check]:
    r = rules or StarAttributeRules()
    y3 = (f.year - 2, f.year - 1, f.year)
    rd3, rev3 = _sum(f.rd_expense, y3), _sum(f.revenue, y3)
    cagr = revenue_cagr(f.revenue, f.year, r.cagr_intervals)
    exact = cagr_at_least(f.revenue, f.year, r.revenue_cagr, r.cagr_intervals)
    cagr_check = check("revenue_cagr", "最近三年营业收入复合增长率", cagr, r.revenue_cagr)
    if exact is not None and cagr_check.passed != exact:  # the rounded figure must not decide a boundary
        cagr_check = Check(
            cagr_check.code,
            cagr_check.label,
            cagr,
            r.revenue_cagr,
            "≥",
            exact,
            None if exact else max(r.revenue_cagr - (cagr or 0), Decimal("0.000001")),
        )
    return [
        either(
            "rd",
            "研发投入（占比≥5%或金额≥8000万元）",
            check("rd_share_3y", "最近三年研发投入占营业收入比例", ratio(rd3, rev3), r.rd_share),
            check("rd_amount_3y", "最近三年累计研发投入", rd3, r.rd_amount, unit="万元"),
        ),
        check(
            "rd_staff_share", "研发人员占当年员工总数比例", ratio(f.rd_staff, f.employees), r.rd_staff_share
        ),
        check(
            "core_patents", "应用于主营业务并能产业化的发明专利", f.core_patents, r.core_patents, unit="项"
        ),
        either(
            "growth",
            "营业收入（复合增长率≥25%或最近一年≥3亿元）",
            cagr_check,
            check("revenue_last", "最近一年营业收入", _get(f.revenue, f.year), r.revenue_last, unit="万元"),
        ),
    ]
