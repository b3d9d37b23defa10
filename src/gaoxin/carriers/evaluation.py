"""Points models for incubator self-evaluation and for a zone's own admission scoring (pure).

The national evaluation (国科火字〔2019〕239号 [O]) and the Dalian version (服务能力 7 · 孵化绩效 9 ·
可持续发展 5 · 加分项 2, full score 105 [O]) publish their structure but no weights [NF]; the A/B/C/D
cut-offs are not published either [NF]. So the models here are data a zone edits, in the points format
of the indicator model (``shared/spec/indicator-model.md``): each indicator has a value (a key of the
carrier's figures), a method and full points —

- ``linear: [lo, hi]``: nothing at or below ``lo``, full points at or above ``hi``, a straight line between
  (``direction: lower`` reverses it);
- ``bands: [[threshold, fraction], …]``: value ≥ threshold → that fraction of the points (the highest met);
- ``flag``: full points when the value is true.

A missing value scores 0 and is listed in ``missing``. The total is the sum, the bonus group capped at
``bonus_cap``. Grades (``grades``: [[A, 85], [B, 70], [C, 60]] by default [I]) take the first cut-off the
total reaches (≥); below the last is D (不合格). Two consecutive failing evaluations revoke a national
title (300号 第十四条 [O]): ``title_risk`` reads a grade history and says how close that is.

When the composite model format lands (``shared/spec/composite-model.md``) these files can move to it;
the values they read stay the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gaoxin.carriers.checks import dec

D = Decimal
METHODS = ("linear", "bands", "flag")
GRADE_LABELS = {"A": "优秀", "B": "良好", "C": "合格", "D": "不合格"}
FAIL = "D"


class ModelError(ValueError):
    def __init__(self, faults: list[str]):
        super().__init__("; ".join(faults))
        self.faults = faults


@dataclass(frozen=True)
class Indicator:
    id: str
    zh: str
    value: str
    method: str
    points: Decimal
    group: str = ""
    linear: tuple[Decimal, Decimal] | None = None
    bands: tuple[tuple[Decimal, Decimal], ...] = ()
    direction: str = "higher"
    bonus: bool = False
    en: str = ""  # the English name (the English switch); Chinese is shown where there is none


@dataclass(frozen=True)
class PointsModel:
    id: str
    name: str
    indicators: tuple[Indicator, ...]
    grades: tuple[tuple[str, Decimal], ...] = (("A", Decimal(85)), ("B", Decimal(70)), ("C", Decimal(60)))
    bonus_cap: Decimal | None = None
    groups: Mapping[str, str] | None = None
    fail: str = FAIL  # the grade below the last cut-off

    @property
    def full_score(self) -> Decimal:
        base = sum((i.points for i in self.indicators if not i.bonus), Decimal(0))
        bonus = sum((i.points for i in self.indicators if i.bonus), Decimal(0))
        return base + (min(bonus, self.bonus_cap) if self.bonus_cap is not None else bonus)

    def grade(self, total: Decimal) -> str:
        for grade, cut in self.grades:
            if total >= cut:
                return grade
        return self.fail


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    value: Decimal | bool | None
    points: Decimal


@dataclass(frozen=True)
class Evaluation:
    total: Decimal
    grade: str
    lines: tuple[Line, ...]
    missing: tuple[str, ...]  # indicator ids without a value

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, self.grade)

    def margin(self, model: PointsModel) -> Decimal:
        """Points above the pass line (the last grade cut-off); negative when failing."""
        return self.total - model.grades[-1][1]


def _fraction(ind: Indicator, value) -> Decimal:
    if ind.method == "flag":
        return D(1) if value else D(0)
    v = dec(value)
    assert v is not None
    if ind.method == "bands":
        if ind.direction == "lower":
            met = [f for t, f in ind.bands if v <= t]
        else:
            met = [f for t, f in ind.bands if v >= t]
        return max(met, default=D(0))
    lo, hi = ind.linear  # type: ignore[misc]
    if v <= lo:
        up = D(0)
    elif v >= hi:
        up = D(1)
    else:
        up = (v - lo) / (hi - lo)
    return 1 - up if ind.direction == "lower" else up


def evaluate(model: PointsModel, values: Mapping[str, object]) -> Evaluation:
    lines, missing = [], []
    base, bonus = Decimal(0), Decimal(0)
    for ind in model.indicators:
        value = values.get(ind.value)
        if value is None:
            missing.append(ind.id)
            pts = Decimal(0)
        else:
            pts = (_fraction(ind, value) * ind.points).quantize(Decimal("0.01"))
        lines.append(Line(ind, value if isinstance(value, bool) else dec(value), pts))  # type: ignore[arg-type]
        if ind.bonus:
            bonus += pts
        else:
            base += pts
    if model.bonus_cap is not None:
        bonus = min(bonus, model.bonus_cap)
    total = base + bonus
    return Evaluation(total, model.grade(total), tuple(lines), tuple(missing))


@dataclass(frozen=True)
class TitleRisk:
    level: str  # "ok" | "watch" | "warning" | "revoked"
    text: str  # Chinese
    en: str = ""  # the same in English

    @property
    def zh(self) -> str:
        return self.text


def title_risk(
    grades: Sequence[str], watch_margin: Decimal | None = None, margin: Decimal | None = None
) -> TitleRisk:
    """From the grade history (oldest first, the latest self-evaluation or evaluation last):
    two consecutive D → revoked; the latest D → one more failing evaluation revokes the title;
    otherwise "watch" when ``margin`` (points above the pass line) is below ``watch_margin``."""
    if len(grades) >= 2 and grades[-1] == FAIL and grades[-2] == FAIL:
        return TitleRisk(
            "revoked",
            "连续两次评价不合格，国家级资格将被取消",
            "Failed two evaluations in a row: the national title is revoked",
        )
    if grades and grades[-1] == FAIL:
        return TitleRisk(
            "warning",
            "最近一次评价不合格：再有一次不合格将被取消国家级资格",
            "Failed the latest evaluation: one more failure revokes the national title",
        )
    if margin is not None and watch_margin is not None and margin < watch_margin:
        return TitleRisk(
            "watch",
            f"得分仅高于合格线 {margin} 分，存在不合格风险",
            f"Only {margin} points above the pass line: at risk of failing",
        )
    return TitleRisk("ok", "")


def _num(raw, key: str, faults: list[str]) -> Decimal | None:
    if isinstance(raw, bool) or raw is None:
        faults.append(f"{key}: 应为数字 / must be a number, got {raw!r}")
        return None
    try:
        return dec(raw)
    except Exception:
        faults.append(f"{key}: 应为数字 / must be a number, got {raw!r}")
        return None


def load_model(raw: Mapping) -> PointsModel:
    """A ``PointsModel`` from a mapping (parsed YAML or JSON); every fault at once, each with its key."""
    faults: list[str] = []
    if not isinstance(raw, Mapping):
        raise ModelError(["顶层应为键值表 / the top level must be a mapping"])
    inds = raw.get("indicators")
    if not isinstance(inds, list) or not inds:
        raise ModelError(["indicators: 至少需要一个指标 / at least one indicator is needed"])
    out, seen = [], set()
    for n, item in enumerate(inds):
        key = f"indicators[{n}]"
        if not isinstance(item, Mapping):
            faults.append(f"{key}: 应为键值表 / must be a mapping")
            continue
        iid = str(item.get("id") or "")
        key = f"indicators.{iid or n}"
        if not iid:
            faults.append(f"{key}: 缺少 id / id is missing")
        elif iid in seen:
            faults.append(f"{key}: id 重复 / duplicate id")
        seen.add(iid)
        method = item.get("method")
        if method not in METHODS:
            faults.append(
                f"{key}.method: 应为 linear、bands 或 flag / must be linear, bands or flag, got {method!r}"
            )
        points = _num(item.get("points"), f"{key}.points", faults)
        if points is not None and points < 0:
            faults.append(f"{key}.points: 不能为负 / must be ≥ 0")
        direction = item.get("direction", "higher")
        if direction not in ("higher", "lower"):
            faults.append(f"{key}.direction: 应为 higher 或 lower / must be higher or lower")
        linear, bands = None, ()
        if method == "linear":
            pair = item.get("linear")
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                faults.append(f"{key}.linear: 应为 [下限, 上限] / must be [lo, hi]")
            else:
                lo, hi = _num(pair[0], f"{key}.linear[0]", faults), _num(pair[1], f"{key}.linear[1]", faults)
                if lo is not None and hi is not None:
                    if hi <= lo:
                        faults.append(f"{key}.linear: 上限应大于下限 / hi must be above lo")
                    linear = (lo, hi)
        elif method == "bands":
            raw_bands = item.get("bands")
            if not isinstance(raw_bands, list | tuple) or not raw_bands:
                faults.append(f"{key}.bands: 应为 [[阈值, 比例], …] / must be [[threshold, fraction], …]")
            else:
                parsed = []
                for b, pair in enumerate(raw_bands):
                    if not isinstance(pair, list | tuple) or len(pair) != 2:
                        faults.append(f"{key}.bands[{b}]: 应为 [阈值, 比例] / must be a pair")
                        continue
                    t, f = (
                        _num(pair[0], f"{key}.bands[{b}][0]", faults),
                        _num(pair[1], f"{key}.bands[{b}][1]", faults),
                    )
                    if f is not None and not (0 <= f <= 1):
                        faults.append(f"{key}.bands[{b}][1]: 比例应在0到1之间 / fraction must be in 0–1")
                    if t is not None and f is not None:
                        parsed.append((t, f))
                bands = tuple(parsed)
        out.append(
            Indicator(
                id=iid,
                zh=str(item.get("zh") or iid),
                en=str(item.get("en") or ""),
                value=str(item.get("value") or iid),
                method=str(method),
                points=points or D(0),
                group=str(item.get("group") or ""),
                linear=linear,
                bands=bands,
                direction=str(direction),
                bonus=bool(item.get("bonus", False)),
            )
        )
    grades = []
    raw_grades = raw.get("grades", [["A", 85], ["B", 70], ["C", 60]])
    if not isinstance(raw_grades, list | tuple) or not raw_grades:
        faults.append("grades: 应为 [[等级, 分数线], …] / must be [[grade, cut-off], …]")
    else:
        for g, pair in enumerate(raw_grades):
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                faults.append(f"grades[{g}]: 应为 [等级, 分数线] / must be a pair")
                continue
            cut = _num(pair[1], f"grades[{g}][1]", faults)
            if cut is not None:
                grades.append((str(pair[0]), cut))
        if any(b[1] >= a[1] for a, b in itertools.pairwise(grades)):
            faults.append("grades: 分数线应从高到低 / cut-offs must decrease")
    cap = raw.get("bonus_cap")
    cap_d = _num(cap, "bonus_cap", faults) if cap is not None else None
    if faults:
        raise ModelError(faults)
    groups = raw.get("groups") if isinstance(raw.get("groups"), Mapping) else None
    return PointsModel(
        id=str(raw.get("id") or "model"),
        name=str(raw.get("name") or raw.get("id") or ""),
        indicators=tuple(out),
        grades=tuple(grades),
        bonus_cap=cap_d,
        groups=groups,
        fail=str(raw.get("fail") or FAIL),
    )


# Defaults [I]: the structure of 239号 / the Dalian version; the points are a proposal, not a rule.
SELF_EVALUATION: dict = {
    "id": "incubator-self-2025",
    "name": "孵化器自评模型（建议值，可由园区调整）",
    "groups": {
        "service": "服务能力",
        "performance": "孵化绩效",
        "sustainability": "可持续发展",
        "bonus": "加分项",
    },
    "grades": [["A", 85], ["B", 70], ["C", 60]],
    "bonus_cap": 5,
    "indicators": [
        {
            "id": "pro_staff_share",
            "zh": "专业孵化服务人员占比",
            "en": "Share of professional incubation staff",
            "group": "service",
            "value": "pro_staff_share",
            "method": "linear",
            "linear": [0.5, 0.8],
            "points": 10,
        },
        {
            "id": "mentors_per_10",
            "zh": "每10家在孵企业创业导师数",
            "en": "Mentors per 10 incubated firms",
            "group": "service",
            "value": "mentors_per_10",
            "method": "linear",
            "linear": [0, 2],
            "points": 10,
        },
        {
            "id": "fund",
            "zh": "孵化基金规模（万元）",
            "en": "Incubation fund (10,000 yuan)",
            "group": "service",
            "value": "fund",
            "method": "linear",
            "linear": [0, 1000],
            "points": 10,
        },
        {
            "id": "incubation_share",
            "zh": "在孵企业使用面积占比",
            "en": "Share of the area used by incubated firms",
            "group": "service",
            "value": "incubation_share",
            "method": "linear",
            "linear": [0.5, 0.9],
            "points": 5,
        },
        {
            "id": "invested_share",
            "zh": "获投融资在孵企业占比",
            "en": "Share of incubated firms that raised investment",
            "group": "performance",
            "value": "invested_share",
            "method": "linear",
            "linear": [0, 0.2],
            "points": 10,
        },
        {
            "id": "ip_held_share",
            "zh": "拥有有效知识产权的在孵企业占比",
            "en": "Share of incubated firms holding valid IP",
            "group": "performance",
            "value": "ip_held_share",
            "method": "linear",
            "linear": [0, 0.6],
            "points": 10,
        },
        {
            "id": "graduates_year",
            "zh": "当年毕业企业数",
            "en": "Firms graduated in the year",
            "group": "performance",
            "value": "graduates_year",
            "method": "bands",
            "bands": [[1, 0.3], [3, 0.6], [5, 1]],
            "points": 15,
        },
        {
            "id": "density",
            "zh": "每千平方米在孵企业数",
            "en": "Incubated firms per 1,000 m²",
            "group": "performance",
            "value": "density",
            "method": "linear",
            "linear": [1, 4],
            "points": 10,
        },
        {
            "id": "hightech_year",
            "zh": "当年新认定高企的在孵企业数",
            "en": "Incubated firms newly recognised as high-tech in the year",
            "group": "sustainability",
            "value": "hightech_year",
            "method": "bands",
            "bands": [[1, 0.5], [3, 1]],
            "points": 10,
        },
        {
            "id": "overdue_share",
            "zh": "超期在孵企业占比",
            "en": "Share of firms incubated beyond their period",
            "group": "sustainability",
            "value": "overdue_share",
            "method": "linear",
            "linear": [0, 0.3],
            "direction": "lower",
            "points": 10,
        },
        {
            "id": "torch",
            "zh": "按时报送火炬统计",
            "en": "Torch statistics reported on time",
            "group": "bonus",
            "value": "reports_torch",
            "method": "flag",
            "points": 3,
            "bonus": True,
        },
        {
            "id": "cases",
            "zh": "投融资案例数≥5",
            "en": "At least 5 investment cases",
            "group": "bonus",
            "value": "investment_cases",
            "method": "bands",
            "bands": [[5, 1]],
            "points": 2,
            "bonus": True,
        },
    ],
}

ADMISSION: dict = {
    "id": "chain-admission-2025",
    "name": "园区孵化链条入驻评分（建议值，可由园区调整）",
    "grades": [["入驻", 70], ["备选", 55]],
    "fail": "不予入驻",
    "indicators": [
        {
            "id": "tech_sme",
            "zh": "科技型中小企业",
            "en": "Tech-based SME",
            "value": "tech_sme",
            "method": "flag",
            "points": 20,
        },
        {
            "id": "age",
            "zh": "成立月数（越短越好）",
            "en": "Months since founding (fewer is better)",
            "value": "age_months",
            "method": "linear",
            "linear": [0, 24],
            "direction": "lower",
            "points": 15,
        },
        {
            "id": "ip",
            "zh": "知识产权数",
            "en": "IP count",
            "value": "ip_count",
            "method": "bands",
            "bands": [[1, 0.5], [3, 1]],
            "points": 20,
        },
        {
            "id": "field",
            "zh": "属于园区主导产业领域",
            "en": "In one of the zone's leading industries",
            "value": "field_match",
            "method": "flag",
            "points": 20,
        },
        {
            "id": "team",
            "zh": "核心团队人数",
            "en": "Core team size",
            "value": "team_size",
            "method": "linear",
            "linear": [1, 10],
            "points": 10,
        },
        {
            "id": "financing",
            "zh": "已获融资（万元）",
            "en": "Financing raised (10,000 yuan)",
            "value": "financing",
            "method": "linear",
            "linear": [0, 300],
            "points": 15,
        },
    ],
}


def default_self_evaluation() -> PointsModel:
    return load_model(SELF_EVALUATION)


def default_admission() -> PointsModel:
    return load_model(ADMISSION)
