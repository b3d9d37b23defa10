"""揭榜挂帅 challenges: review scoring with conflicts of interest, selection, milestone payments,
termination with clawback, and 赛马 (pure).

No published rubric or payment split specific to 揭榜挂帅 was found [NF]; everything here is a
configurable default [I] (next-round-rules §(b)):

- **Rubric** (points per criterion): technical route and feasibility 30 · team and track record 20 ·
  indicator commitment against the 榜单 targets 20 · budget and co-funding 15 · transfer /
  industrialisation plan and user letter 15 (= 100). An expert gives each criterion 0 … its points.
- **Conflicts of interest** (回避): an expert declared conflicted, or whose own organisation is the lead
  or a partner of the application, cannot score it (``conflict_reason`` says why); a score entered
  anyway is refused, and ``review`` leaves it out.
- **Review**: an application's score is the mean of its valid expert totals; with at least
  ``trim_from`` valid scores the highest and the lowest are dropped first (a common practice [I]; off by
  default); fewer than ``min_reviews`` valid scores → not yet ranked. Veto items (credit, ethics) and a
  co-funding ratio below ``min_cofunding`` (≥ 1 : 1 in the 崖州湾 rule [S]; 0 = off by default) exclude
  an application from selection, with the reason.
- **Selection**: the best ``funded`` ranked applications (1; more in 赛马 mode, each funded to the first
  milestone, and the best at milestone 1 continues).
- **Payments**: the contract's funding split by shares (60 / 20 / 20 by default, consistent with the
  "first payment ≥ 60 %" of a municipal reform [S]): payment 1 on signing, payment k + 1 on acceptance of
  milestone k. Amounts are exact to the fen (0.0001 万元), the rounding remainder on the last payment, so
  the payments always sum to the funding.
- **Termination**: each payment funds the milestone that follows it; a passed milestone keeps its money.
  On termination the payments made for milestones not passed are clawed back (× ``clawback_share``, 1 by
  default), less the verified eligible spending on them when ``deduct_verified_spend`` is on.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from gaoxin.carriers.checks import dec

D = Decimal
YUAN = Decimal("0.0001")  # 万元 to the yuan (the registry stores 4 places): 0.0001 万元 = 1 元


@dataclass(frozen=True)
class Criterion:
    code: str
    zh: str
    points: Decimal
    en: str = ""  # the English name (the English switch)


DEFAULT_RUBRIC: tuple[Criterion, ...] = (
    Criterion("route", "技术路线与可行性", Decimal(30), "Technical route and feasibility"),
    Criterion("team", "团队与业绩", Decimal(20), "Team and track record"),
    Criterion(
        "indicators", "指标承诺（对照榜单目标）", Decimal(20), "Committed indicators (against the targets)"
    ),
    Criterion("budget", "经费预算与自筹配套", Decimal(15), "Budget and own co-funding"),
    Criterion(
        "transfer",
        "成果转化与产业化方案、用户意见",
        Decimal(15),
        "Commercialisation plan and users' opinions",
    ),
)
DEFAULT_SHARES: tuple[Decimal, ...] = (Decimal("0.6"), Decimal("0.2"), Decimal("0.2"))


@dataclass(frozen=True)
class ReviewRules:
    rubric: tuple[Criterion, ...] = DEFAULT_RUBRIC
    min_reviews: int = 3
    trim_from: int | None = None  # drop highest and lowest from this many valid scores (e.g. 5)
    min_cofunding: Decimal = Decimal(0)  # co-funding ÷ requested funding; 1 = the 1 : 1 rule
    funded: int = 1  # how many are selected (赛马: more than one)


def rubric_from(rows: Sequence[Mapping]) -> tuple[Criterion, ...]:
    """A rubric from ``[{code, zh, points}, …]`` (a 榜单's own); codes unique, points > 0."""
    out, faults, seen = [], [], set()
    for i, r in enumerate(rows):
        code = str(r.get("code") or "").strip()
        pts = dec(r.get("points")) if r.get("points") not in (None, "") else None
        if not code or code in seen:
            faults.append(f"rubric[{i}]: 代码为空或重复 / empty or duplicate code")
        if pts is None or pts <= 0:
            faults.append(f"rubric[{i}]: 分值应大于0 / points must be above 0")
        seen.add(code)
        if code and pts is not None:
            out.append(Criterion(code, str(r.get("zh") or code), pts, str(r.get("en") or "")))
    if faults or not out:
        raise ValueError("; ".join(faults) or "评分细则为空 / the rubric is empty")
    return tuple(out)


@dataclass(frozen=True)
class Team:
    lead: Hashable  # the lead organisation (registry enterprise id)
    partners: frozenset = frozenset()

    @property
    def members(self) -> frozenset:
        return frozenset({self.lead, *self.partners})


@dataclass(frozen=True)
class Expert:
    key: Hashable
    organisation: Hashable | None = None  # the expert's own employer, when it is a registry firm


def conflict_reason(
    expert: Expert, team: Team, declared: bool = False, declared_reason: str = ""
) -> str | None:
    """Why ``expert`` may not score ``team``'s application (None: no conflict)."""
    if declared:
        return "专家已申明回避" + (f"：{declared_reason}" if declared_reason else "")
    if expert.organisation is not None and expert.organisation == team.lead:
        return "专家所在单位为牵头单位"
    if expert.organisation is not None and expert.organisation in team.partners:
        return "专家所在单位为联合单位"
    return None


class ScoreError(ValueError):
    pass


def validate_scores(scores: Mapping[str, object], rubric: Sequence[Criterion]) -> dict[str, Decimal]:
    """Per-criterion points, each 0 … its maximum, every criterion given; raises ``ScoreError`` naming
    every fault."""
    faults, out = [], {}
    codes = {c.code for c in rubric}
    for extra in set(scores) - codes:
        faults.append(f"{extra}: 不是评分项 / not a criterion")
    for c in rubric:
        raw = scores.get(c.code)
        try:
            v = dec(raw) if raw not in (None, "") else None  # type: ignore[arg-type]
        except Exception:
            v = None
            faults.append(f"{c.zh}: 应为数字 / must be a number, got {raw!r}")
            continue
        if v is None:
            faults.append(f"{c.zh}: 未打分 / not scored")
        elif not v.is_finite() or v < 0 or v > c.points:
            faults.append(f"{c.zh}: 应在0到{c.points}之间 / must be 0–{c.points}, got {raw}")
        else:
            out[c.code] = v
    if faults:
        raise ScoreError("; ".join(faults))
    return out


@dataclass(frozen=True)
class Application:
    key: Hashable
    team: Team
    requested: Decimal  # 万元 of the challenge's funding asked for
    cofunding: Decimal = Decimal(0)  # 万元 the team puts in
    veto: str = ""  # a veto item found (credit, ethics …): excluded with this reason


@dataclass(frozen=True)
class ExpertScore:
    expert: Expert
    application: Hashable
    scores: Mapping[str, Decimal]
    declared_conflict: bool = False
    declared_reason: str = ""


@dataclass(frozen=True)
class Reviewed:
    key: Hashable
    score: Decimal | None  # mean of the valid totals (trimmed when configured); None: not enough reviews
    valid: int  # valid expert scores
    excluded: tuple[tuple[Hashable, str], ...]  # (expert, why their score was left out)
    by_criterion: Mapping[str, Decimal]  # mean per criterion over the valid scores
    ineligible: str  # why it cannot be selected ("" when it can)
    rank: int | None = None
    selected: bool = False


def _mean(values: Sequence[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


def review(
    applications: Sequence[Application], scores: Sequence[ExpertScore], rules: ReviewRules | None = None
) -> list[Reviewed]:
    """Each application's review result, ranked (best first; ties by input order), the best ``funded``
    eligible ones selected."""
    r = rules or ReviewRules()
    by_app: dict[Hashable, list[ExpertScore]] = {a.key: [] for a in applications}
    for s in scores:
        if s.application in by_app:
            by_app[s.application].append(s)
    results = []
    for app in applications:
        valid, excluded = [], []
        for s in by_app[app.key]:
            why = conflict_reason(s.expert, app.team, s.declared_conflict, s.declared_reason)
            if why is None:
                try:
                    valid.append(validate_scores(s.scores, r.rubric))
                except ScoreError as exc:
                    why = f"评分无效：{exc}"
            if why is not None:
                excluded.append((s.expert.key, why))
        totals = [sum(v.values(), Decimal(0)) for v in valid]
        used = sorted(totals)
        if r.trim_from is not None and len(used) >= r.trim_from:
            used = used[1:-1]
        score = _mean(used) if len(valid) >= r.min_reviews and used else None
        crit = {c.code: _mean([v[c.code] for v in valid]) for c in r.rubric} if valid else {}
        ineligible = ""
        if app.veto:
            ineligible = f"否决项：{app.veto}"
        elif r.min_cofunding > 0:
            ratio = (app.cofunding / app.requested) if app.requested else None
            if ratio is None or ratio < r.min_cofunding:
                ineligible = f"自筹配套比例 {ratio.quantize(D('0.01')) if ratio is not None else '—'} 低于 {r.min_cofunding}:1"
        if score is None and not ineligible:
            ineligible = f"有效评审意见不足 {r.min_reviews} 份"
        results.append(Reviewed(app.key, score, len(valid), tuple(excluded), crit, ineligible))
    order = sorted(
        (i for i, x in enumerate(results) if x.score is not None),
        key=lambda i: (-results[i].score, i),  # type: ignore[operator]
    )
    out = list(results)
    funded = 0
    for rank, i in enumerate(order, start=1):
        x = results[i]
        sel = not x.ineligible and funded < r.funded
        funded += sel
        out[i] = Reviewed(x.key, x.score, x.valid, x.excluded, x.by_criterion, x.ineligible, rank, sel)
    return sorted(out, key=lambda x: (x.rank is None, x.rank or 0))


# --- payments ----------------------------------------------------------------------------------------


def check_shares(shares: Sequence[Decimal], min_first: Decimal | None = None) -> list[str]:
    """What is wrong with a payment split (empty: nothing): shares > 0 summing to exactly 1, the first at
    least ``min_first`` when given."""
    out = []
    s = [dec(x) for x in shares]
    if not s:
        return ["至少需要一期付款 / at least one payment"]
    if any(x is None or x <= 0 for x in s):
        out.append("每期比例应大于0 / every share must be above 0")
    if sum((x or D(0) for x in s), Decimal(0)) != 1:
        out.append(
            f"各期比例之和应为100%，现为 {sum((x or D(0) for x in s), Decimal(0)) * 100}% / shares must sum to 100%"
        )
    if min_first is not None and s[0] is not None and s[0] < min_first:
        out.append(
            f"首期比例应不低于 {min_first * 100}% / the first share must be at least {min_first * 100}%"
        )
    return out


def payment_plan(funding: Decimal, shares: Sequence[Decimal] = DEFAULT_SHARES) -> list[Decimal]:
    """The payments (万元, exact to the yuan) of ``funding`` split by ``shares``; they sum to ``funding``."""
    faults = check_shares(shares)
    if faults:
        raise ValueError("; ".join(faults))
    total = dec(funding)
    assert total is not None
    parts = [(total * dec(s)).quantize(YUAN, rounding=ROUND_DOWN) for s in shares[:-1]]  # type: ignore[operator]
    return [*parts, total - sum(parts, Decimal(0))]


@dataclass(frozen=True)
class Termination:
    paid: Decimal
    kept: Decimal  # for milestones passed
    clawback: Decimal
    text: str


def termination(
    payments_made: Sequence[Decimal],
    milestones_passed: int,
    *,
    clawback_share: Decimal = Decimal(1),
    verified_spend: Decimal = Decimal(0),
    deduct_verified_spend: bool = False,
) -> Termination:
    """Payment k (1-based) funds milestone k; the first ``milestones_passed`` milestones keep their money,
    the rest is clawed back (× ``clawback_share``, less verified eligible spending when deducted)."""
    if milestones_passed < 0:
        raise ValueError("milestones passed must be zero or more")
    made = [dec(p) or D(0) for p in payments_made]
    paid = sum(made, Decimal(0))
    kept = sum(made[:milestones_passed], Decimal(0))
    at_risk = paid - kept
    spend = min(dec(verified_spend) or D(0), at_risk) if deduct_verified_spend else D(0)
    claw = ((at_risk - spend) * dec(clawback_share)).quantize(YUAN, rounding=ROUND_DOWN)  # type: ignore[operator]
    text = f"已拨付 {paid} 万元，已通过 {milestones_passed} 个节点保留 {kept} 万元"
    if spend:
        text += f"，扣除经核定的合规支出 {spend} 万元"
    text += f"，应追回 {claw} 万元"
    return Termination(paid, kept, claw, text)


@dataclass(frozen=True)
class RaceEntry:
    key: Hashable
    milestone_score: Decimal | None  # the first-milestone acceptance score (None: not accepted)


def race_winner(entries: Sequence[RaceEntry]) -> Hashable | None:
    """赛马: among the teams funded to milestone 1, the one with the best accepted milestone-1 score
    continues (ties: the earlier in the list); None when none passed."""
    passed = [(i, e) for i, e in enumerate(entries) if e.milestone_score is not None]
    if not passed:
        return None
    return min(passed, key=lambda p: (-p[1].milestone_score, p[0]))[1].key  # type: ignore[operator]


def median_score(values: Sequence[Decimal]) -> Decimal | None:
    return D(str(statistics.median(values))) if values else None


@dataclass(frozen=True)
class NeedCandidate:
    """A chain gap proposed as a 榜单 need (from the command centre's industry-chain map)."""

    node: Hashable
    title: str
    reason: str
    extra: Mapping[str, object] = field(default_factory=dict)
