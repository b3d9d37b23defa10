"""The carriers app's business operations: views and the API call these; they never commit.

Reads go through ``accounts.scoping.visible`` when a ``user`` is given (a job or the demo passes none and
has already decided the zone is its own). The numbers come from ``gaoxin.carriers``: this module reads
rows into its plain objects, hands the answers back with the rows attached, and writes what a person
decided. Every write is audited here (``by``: the request, for the IP, or the user).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.carriers import challenges as core_ch
from gaoxin.carriers import evaluation as core_eval
from gaoxin.carriers import incubators as core_inc
from gaoxin.carriers import listing as core_list
from gaoxin.carriers.checks import Check, ratio
from gaoxin.io import display
from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.carriers.models import (
    STAGE_CHOICES,
    Admission,
    CarrierSettings,
    Challenge,
    ChallengeApplication,
    ChallengeExpert,
    ChallengeReview,
    Contract,
    IncubatedFirm,
    Incubator,
    IncubatorGrade,
    Milestone,
    Need,
    Payment,
    ReserveFirm,
    RewardPayment,
    StageEvent,
)
from gaoxin.web.platform.labels import english, label, unit
from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification, Zone

STAGE_NAMES = dict(STAGE_CHOICES)
IP_FIELDS = (
    "invention_patents",
    "utility_models",
    "design_patents",
    "software_copyrights",
    "other_class1_ip",
)


class CarrierError(ValueError):
    """A change that cannot be made; the message is for the user."""


def today() -> dt.date:
    return timezone.localdate()


def _user(by):
    return getattr(by, "user", by)


def _rows(user, model, **filters) -> QuerySet:
    qs = visible(user, model) if user is not None else model._default_manager.all()
    return qs.filter(**filters)


# --- settings ----------------------------------------------------------------------------------------


def settings_for(zone: Zone) -> CarrierSettings:
    found = CarrierSettings.objects.filter(zone=zone).first()
    return found if found is not None else CarrierSettings(zone=zone)


@dataclass(frozen=True)
class RuleSets:
    """Every threshold set of the core, with the zone's corrections applied."""

    incubator: core_inc.IncubatorRules
    maker_space: core_inc.MakerSpaceRules
    period: core_inc.IncubationLimits
    graduation: core_inc.GraduationRules
    star: core_list.StarRules
    attributes: core_list.StarAttributeRules


# The sections of the settings' rules (JSON): {"maker_space": {"min_area": 400}, "period": {…}, …}; a
# name at the top level corrects the national incubator conditions (``{"min_firms": 60}``).
RULE_SECTIONS = {
    "incubator": core_inc.IncubatorRules,
    "maker_space": core_inc.MakerSpaceRules,
    "period": core_inc.IncubationLimits,
    "graduation": core_inc.GraduationRules,
    "star": core_list.StarRules,
    "attributes": core_list.StarAttributeRules,
}


def rule_sets(s: CarrierSettings) -> RuleSets:
    """The zone's rule sets; an unknown section or name, or a bad value, raises ``ValueError`` naming it."""
    raw = dict(s.incubator_rules or {})
    sections = {k: raw.pop(k) for k in list(raw) if k in RULE_SECTIONS}
    flat = raw
    built, faults = {}, []
    for name, cls in RULE_SECTIONS.items():
        overrides = dict(sections.get(name) or {})
        if name == "incubator":
            overrides = {**flat, **overrides}
        if not isinstance(overrides, dict):
            faults.append(f"{name}: 应为键值表 / must be a mapping")
            continue
        try:
            built[name] = core_inc.replace_rules(cls(), overrides)
        except ValueError as exc:
            faults.append(f"{name}: {exc}")
    if faults:
        raise ValueError("; ".join(faults))
    return RuleSets(**built)


def incubator_rules(s: CarrierSettings) -> core_inc.IncubatorRules:
    return rule_sets(s).incubator


def self_evaluation_model(s: CarrierSettings) -> core_eval.PointsModel:
    return (
        core_eval.load_model(s.self_evaluation) if s.self_evaluation else core_eval.default_self_evaluation()
    )


def admission_model(s: CarrierSettings) -> core_eval.PointsModel:
    return core_eval.load_model(s.admission) if s.admission else core_eval.default_admission()


def reward_schedule(s: CarrierSettings) -> core_list.RewardSchedule:
    amounts = {k: Decimal(str(v)) for k, v in (s.reward_schedule or {}).items()} or dict(
        core_list.WUSHENG_2023
    )
    return core_list.RewardSchedule(
        amounts=amounts, netting=s.reward_netting or "per_stage", cap=s.reward_cap
    )


def default_shares(s: CarrierSettings) -> list[Decimal]:
    return [Decimal(str(x)) for x in s.payment_shares] if s.payment_shares else list(core_ch.DEFAULT_SHARES)


def save_settings(zone: Zone, by, **values) -> CarrierSettings:
    """Save the zone's corrections; every value is checked by the core first (a bad one raises)."""
    s = settings_for(zone)
    for key, value in values.items():
        setattr(s, key, value)
    try:
        rule_sets(s)
        self_evaluation_model(s)
        admission_model(s)
        reward_schedule(s)
    except (ValueError, core_eval.ModelError) as exc:
        raise CarrierError(str(exc)) from None
    faults = core_ch.check_shares(default_shares(s), s.min_first_share)
    if faults:
        raise CarrierError("; ".join(faults))
    s.updated_by = _user(by)
    s.save()
    audit(by, "carriers_settings", s, changed=sorted(values))
    return s


# --- registry data for the rules ---------------------------------------------------------------------


def firm_records(enterprise_ids) -> dict[int, core_inc.FirmRecord]:
    """What the registry knows of each firm: 高企 certificates, investment and revenue by year, listing."""
    ids = [i for i in set(enterprise_ids) if i is not None]
    hightech: dict[int, list] = defaultdict(list)
    for q in Qualification.objects.filter(enterprise_id__in=ids, kind="hightech"):
        hightech[q.enterprise_id].append((q.valid_from, q.valid_to, q.certificate_no))
    investment: dict[int, dict] = defaultdict(dict)
    revenue: dict[int, dict] = defaultdict(dict)
    for r in AnnualReport.objects.filter(enterprise_id__in=ids).values(
        "enterprise_id", "year", "equity_financing", "revenue"
    ):
        if r["equity_financing"] is not None:
            investment[r["enterprise_id"]][r["year"]] = r["equity_financing"]
        if r["revenue"] is not None:
            revenue[r["enterprise_id"]][r["year"]] = r["revenue"]
    boards = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "listed_board"))
    return {
        i: core_inc.FirmRecord(
            hightech=hightech.get(i, ()),
            investment=investment.get(i, {}),
            revenue=revenue.get(i, {}),
            listed_board=boards.get(i) or None,
        )
        for i in ids
    }


def _latest_reports(enterprise_ids, year: int) -> dict[int, dict]:
    out: dict[int, dict] = {}
    rows = (
        AnnualReport.objects.filter(enterprise_id__in=[i for i in enterprise_ids if i], year__lte=year)
        .order_by("enterprise_id", "year")
        .values("enterprise_id", "year", *IP_FIELDS)
    )
    for r in rows:
        out[r["enterprise_id"]] = r  # the latest year wins
    return out


# --- incubators --------------------------------------------------------------------------------------


def current(firm: IncubatedFirm, on: dt.date) -> bool:
    return firm.entered <= on and (firm.exited is None or firm.exited > on)


@dataclass
class IncubatorView:
    incubator: Incubator
    checks: list[Check]
    passed: bool | None
    counts: dict
    evaluation: core_eval.Evaluation | None
    risk: core_eval.TitleRisk
    graduates_year: list[IncubatedFirm]
    overdue: list[tuple[IncubatedFirm, core_inc.Period]]
    grades: list[IncubatorGrade] = field(default_factory=list)

    @property
    def failing(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]


def _figures(inc: Incubator, firms: list[IncubatedFirm], on: dt.date, records, reports) -> tuple[dict, list]:
    now = [f for f in firms if current(f, on)]
    invested = sum(
        1
        for f in now
        if f.enterprise_id and any((v or 0) > 0 for v in records[f.enterprise_id].investment.values())
    )
    ip_held = sum(
        1
        for f in now
        if f.enterprise_id and any((reports.get(f.enterprise_id, {}).get(k) or 0) > 0 for k in IP_FIELDS)
    )
    applied = [f.patent_applied for f in now]
    graduates = inc.graduates_before + sum(
        1 for f in firms if f.graduation_year is not None and f.graduation_year <= on.year
    )
    field_share = None
    if inc.specialised and inc.field and now:
        field_share = ratio(sum(1 for f in now if f.field == inc.field), len(now))
    counts = {
        "firms": len(now),
        "invested_firms": invested,
        "ip_held_firms": ip_held,
        "patent_applied_firms": sum(1 for a in applied if a) if any(a is not None for a in applied) else None,
        "graduates": graduates,
        "field_share": field_share,
    }
    return counts, now


# what the core's incubator and maker space read of the record as it is, and of the counted figures
_INCUBATOR_FIELDS = [
    "legal_entity",
    "established",
    "stat_years",
    "area_total",
    "area_incubation",
    "fund",
    "staff_total",
    "pro_staff",
    "mentors",
    "investment_cases",
    "specialised",
    "tech_platform",
    "hardship",
]
_INCUBATOR_COUNTS = [
    "firms",
    "invested_firms",
    "patent_applied_firms",
    "ip_held_firms",
    "graduates",
    "field_share",
]
_SPACE_FIELDS = [
    "established",
    "area_total",
    "workstations",
    "area_shared",
    "teams_admitted",
    "new_firms",
    "financed",
    "typical_cases",
    "mentors",
    "events",
    "reports_torch",
]


def _core_incubator(inc: Incubator, counts: dict) -> core_inc.Incubator:
    return core_inc.Incubator(
        key=inc.pk,
        **{f: getattr(inc, f) for f in _INCUBATOR_FIELDS},
        **{f: counts[f] for f in _INCUBATOR_COUNTS},
    )


def _core_space(inc: Incubator, on: dt.date) -> core_inc.MakerSpace:
    return core_inc.MakerSpace(
        key=inc.pk, fulltime_staff=inc.staff_total, **{f: getattr(inc, f) for f in _SPACE_FIELDS}
    )


def self_evaluation_values(
    inc: Incubator, counts: dict, firms: list[IncubatedFirm], on: dt.date, records, overdue: int
) -> dict:
    """The self-evaluation model's inputs, from the same figures the national check reads."""
    n = counts["firms"]
    year = on.year
    hightech_year = sum(
        1
        for f in firms
        if f.enterprise_id
        and any(start.year == year for start, _end, _c in records[f.enterprise_id].hightech)
    )
    return {
        "pro_staff_share": ratio(inc.pro_staff, inc.staff_total),
        "mentors_per_10": ratio((inc.mentors or 0) * 10, n) if inc.mentors is not None else None,
        "fund": inc.fund,
        "incubation_share": ratio(inc.area_incubation, inc.area_total),
        "invested_share": ratio(counts["invested_firms"], n),
        "ip_held_share": ratio(counts["ip_held_firms"], n),
        "graduates_year": sum(1 for f in firms if f.graduation_year == year),
        "density": ratio(Decimal(n) * 1000, inc.area_total),
        "hightech_year": hightech_year,
        "overdue_share": ratio(overdue, n) if n else None,
        "reports_torch": inc.reports_torch,
        "investment_cases": inc.investment_cases,
    }


def incubator_views(
    zone: Zone, on: dt.date, *, user=None, only: Incubator | None = None
) -> list[IncubatorView]:
    """Each incubator of the zone checked against its national conditions as of ``on``, with its
    self-evaluation, title risk, this year's graduates and the firms over their incubation period."""
    s = settings_for(zone)
    sets, model = rule_sets(s), self_evaluation_model(s)
    rules = sets.incubator
    incs = list(_rows(user, Incubator, zone=zone).order_by("code"))
    if only is not None:
        incs = [i for i in incs if i.pk == only.pk]
    firms_by: dict[int, list[IncubatedFirm]] = defaultdict(list)
    for f in IncubatedFirm.objects.filter(incubator__in=incs).select_related("enterprise"):
        firms_by[f.incubator_id].append(f)
    ids = [f.enterprise_id for fs in firms_by.values() for f in fs]
    records = firm_records(ids)
    records[None] = core_inc.FirmRecord()  # type: ignore[index]
    reports = _latest_reports(ids, on.year)
    grades_by: dict[int, list] = defaultdict(list)
    for g in IncubatorGrade.objects.filter(incubator__in=incs).order_by("year", "source"):
        grades_by[g.incubator_id].append(g)
    limits = sets.period
    out = []
    for inc in incs:
        firms = firms_by[inc.pk]
        counts, now = _figures(inc, firms, on, records, reports)
        if inc.kind == Incubator.Kind.MAKER_SPACE:
            result = core_inc.check_maker_space(_core_space(inc, on), on, sets.maker_space)
        else:
            result = core_inc.check_incubator(_core_incubator(inc, counts), on, rules)
        overdue = []
        for f in now:
            p = core_inc.incubation_period(
                core_inc.IncubatedFirm(
                    f.pk, f.entered, f.enterprise.established if f.enterprise else None, f.field, f.exited
                ),
                on,
                limits,
            )
            if p.overdue:
                overdue.append((f, p))
        ev = core_eval.evaluate(model, self_evaluation_values(inc, counts, firms, on, records, len(overdue)))
        official = [
            g.grade
            for g in grades_by[inc.pk]
            if g.source == IncubatorGrade.Source.OFFICIAL and g.year < on.year
        ]
        risk = (
            core_eval.title_risk([*official, ev.grade], watch_margin=Decimal(5), margin=ev.margin(model))
            if inc.level == Incubator.Level.NATIONAL
            else core_eval.TitleRisk("ok", "")  # only a national title can be revoked
        )
        out.append(
            IncubatorView(
                incubator=inc,
                checks=list(result.checks),
                passed=result.passed,
                counts=counts,
                evaluation=ev,
                risk=risk,
                graduates_year=[f for f in firms if f.graduation_year == on.year],
                overdue=overdue,
                grades=grades_by[inc.pk],
            )
        )
    return out


def detect_graduations(zone: Zone, on: dt.date, by=None, *, user=None) -> list[IncubatedFirm]:
    """Mark every incubated firm of the zone that now meets a graduation criterion (once: the first
    detection keeps its year and evidence). Returns the firms newly marked."""
    firms = list(
        _rows(
            user, IncubatedFirm, incubator__zone=zone, enterprise__isnull=False, graduation_year__isnull=True
        ).select_related("incubator")
    )
    records = firm_records([f.enterprise_id for f in firms])
    graduation = rule_sets(settings_for(zone)).graduation
    marked = []
    for f in firms:
        g = core_inc.detect_graduation(records[f.enterprise_id], on, entered=f.entered, rules=graduation)
        if not g.graduated:
            continue
        f.graduation_year = max(g.year, f.entered.year)  # a criterion met before entry counts on entry
        f.graduation_criterion = g.first.criterion
        f.graduation_evidence = [
            {
                "criterion": e.criterion,
                "label": e.label,
                "year": e.year,
                "date": e.date.isoformat() if e.date else None,
                "text": e.text,
                "en": e.en,
            }
            for e in g.evidence
        ]
        if f.exited is None:
            f.exit_reason = IncubatedFirm.Exit.GRADUATED
        f.save(
            update_fields=["graduation_year", "graduation_criterion", "graduation_evidence", "exit_reason"]
        )
        marked.append(f)
    if by is not None:
        audit(by, "carriers_graduations", zone, on=on.isoformat(), marked=len(marked))
    return marked


def graduates(zone: Zone, year: int, *, user=None) -> list[IncubatedFirm]:
    return list(
        _rows(user, IncubatedFirm, incubator__zone=zone, graduation_year=year)
        .select_related("incubator", "enterprise")
        .order_by("incubator__code", "name")
    )


def save_self_evaluation(view: IncubatorView, year: int, by) -> IncubatorGrade:
    ev = view.evaluation
    assert ev is not None
    grade, _created = IncubatorGrade.objects.update_or_create(
        incubator=view.incubator,
        year=year,
        source=IncubatorGrade.Source.SELF,
        defaults={
            "grade": ev.grade,
            "score": ev.total,
            "detail": [
                {
                    "id": ln.indicator.id,
                    "zh": ln.indicator.zh,  # the record keeps the name in both languages
                    "en": ln.indicator.en,
                    "value": str(ln.value) if ln.value is not None else None,
                    "points": str(ln.points),
                    "max": str(ln.indicator.points),
                }
                for ln in ev.lines
            ],
        },
    )
    audit(by, "carriers_self_evaluation", view.incubator, year=year, grade=ev.grade, score=str(ev.total))
    return grade


def record_official_grade(
    incubator: Incubator, year: int, grade: str, score: Decimal | None, by
) -> IncubatorGrade:
    """The official evaluation's grade for ``year`` (A/B/C/D), which the title risk reads."""
    if grade not in core_eval.GRADE_LABELS:
        raise CarrierError(_("A grade is A, B, C or D."))
    g, _created = IncubatorGrade.objects.update_or_create(
        incubator=incubator,
        year=year,
        source=IncubatorGrade.Source.OFFICIAL,
        defaults={"grade": grade, "score": score},
    )
    audit(by, "carriers_official_grade", incubator, year=year, grade=grade)
    return g


def add_firm(
    incubator: Incubator,
    by,
    *,
    name: str,
    entered: dt.date,
    enterprise: Enterprise | None = None,
    field: str = "",
    patent_applied: bool | None = None,
) -> IncubatedFirm:
    if enterprise is not None and enterprise.zone_id != incubator.zone_id:
        raise CarrierError(_("The enterprise is not in the incubator's zone."))
    if (
        enterprise is not None
        and IncubatedFirm.objects.filter(incubator=incubator, enterprise=enterprise, entered=entered).exists()
    ):
        raise CarrierError(_("This firm is already recorded with that entry date."))
    firm = IncubatedFirm.objects.create(
        incubator=incubator,
        enterprise=enterprise,
        name=name or (enterprise.name if enterprise else ""),
        entered=entered,
        field=field,
        patent_applied=patent_applied,
    )
    audit(by, "carriers_firm_added", incubator, firm=firm.name)
    return firm


def exit_firm(firm: IncubatedFirm, on: dt.date, reason: str, by) -> IncubatedFirm:
    if reason not in IncubatedFirm.Exit.values or not reason:
        raise CarrierError(_("Choose why the firm left."))
    if on < firm.entered:
        raise CarrierError(_("The exit date is before the entry date."))
    firm.exited, firm.exit_reason = on, reason
    firm.save(update_fields=["exited", "exit_reason"])
    audit(by, "carriers_firm_exit", firm.incubator, firm=firm.name, reason=reason)
    return firm


# --- admission ---------------------------------------------------------------------------------------


def score_admission(
    incubator: Incubator, by, *, name: str, values: dict, enterprise: Enterprise | None = None
) -> Admission:
    model = admission_model(settings_for(incubator.zone))
    ev = core_eval.evaluate(model, values)
    adm = Admission.objects.create(
        incubator=incubator,
        enterprise=enterprise,
        name=name,
        values={k: str(v) if v is not None and not isinstance(v, bool) else v for k, v in values.items()},
        score=ev.total,
        suggestion=ev.grade,
    )
    audit(
        by, "carriers_admission_scored", incubator, applicant=name, score=str(ev.total), suggestion=ev.grade
    )
    return adm


def decide_admission(adm: Admission, decision: str, reason: str, by) -> Admission:
    if decision not in (Admission.Decision.ADMITTED, Admission.Decision.REJECTED):
        raise CarrierError(_("Choose admit or reject."))
    if not reason.strip():
        raise CarrierError(_("A decision needs its reason."))
    adm.decision, adm.reason, adm.decided_by = decision, reason.strip(), _user(by)
    adm.save(update_fields=["decision", "reason", "decided_by"])
    audit(by, "carriers_admission_decided", adm.incubator, applicant=adm.name, decision=decision)
    return adm


# --- listing reserve ---------------------------------------------------------------------------------


@dataclass
class ReserveView:
    reserve: ReserveFirm
    dates: dict[str, dt.date | None]
    evidence: dict[str, str]
    standards: list[core_list.Standard]
    nearest: core_list.Standard | None
    attributes: list[Check]
    rewards_due: list[core_list.Reward]
    paid: dict[str, Decimal]
    stalled_days: int | None  # days idle when stalled
    notes: list[str]

    @property
    def attributes_met(self) -> int:
        return sum(1 for c in self.attributes if c.passed)

    @property
    def since(self) -> dt.date | None:
        return self.dates.get(self.reserve.stage)

    @property
    def rewards_due_rows(self) -> list[tuple[str, core_list.Reward]]:
        return [(STAGE_NAMES[r.stage], r) for r in self.rewards_due]

    @property
    def nearest_gap(self) -> str:
        return gap_shown(self.nearest)


def _fmt_num(x) -> str:
    return display.num(x) if x is not None else display.MISSING


def gap_text(standard) -> str:
    """The failing conditions of a standard with their gaps, in Chinese."""
    if standard is None:
        return "缺少财务数据"
    if standard.met:
        return "已满足"
    parts = []
    for c in standard.checks:
        if c.passed is False:
            parts.append(
                f"{c.note or c.label}差 {_fmt_num(c.gap)}{c.unit}"
                if c.gap is not None
                else f"{c.label}未满足"
            )
        elif c.passed is None:
            parts.append(f"{c.label}缺数据")
    return "；".join(parts)


def gap_shown(standard) -> str:
    """``gap_text`` in the reader's language, for the page (the exported workbook keeps the Chinese)."""
    if not english():
        return gap_text(standard)
    if standard is None:
        return _("No financial data")
    if standard.met:
        return _("Every condition met")
    parts = []
    for c in standard.checks:
        if c.passed is False and c.gap is not None:
            gap = f"{_fmt_num(c.gap)} {check_unit(c.unit)}".strip()
            parts.append(_("%(name)s short by %(gap)s") % {"name": check_name(c.note or c.label), "gap": gap})
        elif c.passed is False:
            parts.append(_("%(name)s not met") % {"name": check_name(c.label)})
        elif c.passed is None:
            parts.append(_("%(name)s: no data") % {"name": check_name(c.label)})
    return "; ".join(parts)


def financials(
    reserve: ReserveFirm, year: int, reports: dict[int, dict] | None = None
) -> tuple[core_list.Financials, list[str]]:
    """The calculators' inputs: the registry's annual reports plus what the reserve entry records."""
    if reports is None:
        reports = {
            r["year"]: r for r in AnnualReport.objects.filter(enterprise=reserve.enterprise_id).values()
        }
    notes = []
    last = reports.get(year, {})

    def series(name):
        return {y: r[name] for y, r in reports.items() if r.get(name) is not None}

    patents = reserve.core_patents
    if patents is None and last.get("invention_patents") is not None:
        patents = last["invention_patents"]
        notes.append(
            _(
                "Core patents: the firm's valid invention patents are used until the reserve records its core patents."
            )
        )
    return (
        core_list.Financials(
            year=year,
            market_cap=reserve.market_cap,
            net_profit=series("net_profit"),
            revenue=series("revenue"),
            rd_expense=series("rd_expense"),
            operating_cash_flow_3y=reserve.cash_flow_3y,
            employees=last.get("employees"),
            rd_staff=last.get("rd_staff"),
            core_patents=patents,
            state_approved=reserve.state_approved,
            share_capital=reserve.share_capital,
        ),
        notes,
    )


def reserve_views(
    zone: Zone, on: dt.date, year: int, *, user=None, only: ReserveFirm | None = None
) -> list[ReserveView]:
    s = settings_for(zone)
    schedule, sets = reward_schedule(s), rule_sets(s)
    qs = _rows(user, ReserveFirm, zone=zone).select_related("enterprise")
    if only is not None:
        qs = qs.filter(pk=only.pk)
    entries = list(qs.order_by("enterprise__name"))
    events: dict[int, list[StageEvent]] = defaultdict(list)
    for e in StageEvent.objects.filter(reserve__in=entries):
        events[e.reserve_id].append(e)
    paid: dict[int, dict] = defaultdict(dict)
    for p in RewardPayment.objects.filter(reserve__in=entries):
        paid[p.reserve_id][p.stage] = p.amount
    reports: dict[int, dict[int, dict]] = defaultdict(dict)
    for r in AnnualReport.objects.filter(enterprise__in=[e.enterprise_id for e in entries]).values():
        reports[r["enterprise_id"]][r["year"]] = r
    paths = []
    out = []
    for r in entries:
        dates = {e.stage: e.on for e in events[r.pk]}
        paths.append(core_list.ReserveFirm(r.pk, r.stage, dates))
        f, notes = financials(r, year, reports[r.enterprise_id])
        standards = core_list.star_standards(f, sets.star)
        out.append(
            ReserveView(
                reserve=r,
                dates=dates,
                evidence={e.stage: e.evidence for e in events[r.pk]},
                standards=standards,
                nearest=core_list.nearest_standard(standards),
                attributes=core_list.star_attributes(f, sets.attributes),
                rewards_due=core_list.rewards_due(r.stage, paid[r.pk], schedule),
                paid=paid[r.pk],
                stalled_days=None,
                notes=notes,
            )
        )
    idle = {st.key: st.days for st in core_list.stalled(paths, on, s.stalled_days)}
    for v in out:
        v.stalled_days = idle.get(v.reserve.pk)
    return out


def add_to_reserve(zone: Zone, enterprise: Enterprise, on: dt.date, by, **fields) -> ReserveFirm:
    if enterprise.zone_id != zone.pk:
        raise CarrierError(_("The enterprise is not in this zone."))
    if ReserveFirm.objects.filter(zone=zone, enterprise=enterprise).exists():
        raise CarrierError(_("The enterprise is already in the reserve."))
    r = ReserveFirm.objects.create(zone=zone, enterprise=enterprise, stage="pool", **fields)
    StageEvent.objects.create(
        reserve=r, stage="pool", on=on, evidence=fields.get("note", "")[:300], user=_user(by)
    )
    audit(by, "carriers_reserve_added", r, enterprise=enterprise.uscc)
    return r


def advance(reserve: ReserveFirm, stage: str, on: dt.date | None, evidence: str, by) -> ReserveFirm:
    """Record that the firm reached ``stage`` (a later one) on ``on``, with its evidence."""
    if stage not in STAGE_NAMES:
        raise CarrierError(_("Unknown stage."))
    if core_list.stage_index(stage) <= core_list.stage_index(reserve.stage):
        raise CarrierError(_("The firm is already at %(stage)s or beyond.") % {"stage": STAGE_NAMES[stage]})
    if on is None:
        raise CarrierError(_("Give the date the stage was reached."))
    last = StageEvent.objects.filter(reserve=reserve).order_by("-on").first()
    if last is not None and on < last.on:
        raise CarrierError(
            _("The date is before the previous stage's date (%(date)s).") % {"date": last.on.isoformat()}
        )
    if on > today():
        raise CarrierError(_("The date is in the future."))
    StageEvent.objects.create(
        reserve=reserve, stage=stage, on=on, evidence=evidence.strip()[:300], user=_user(by)
    )
    reserve.stage = stage
    reserve.save(update_fields=["stage"])
    audit(by, "carriers_reserve_stage", reserve, stage=stage, on=on.isoformat(), evidence=evidence[:100])
    return reserve


def pay_reward(reserve: ReserveFirm, stage: str, on: dt.date, reference: str, by) -> RewardPayment:
    """Record a due stage reward as paid (the amount is the one the schedule makes due, never typed)."""
    due = {
        r.stage: r
        for r in core_list.rewards_due(
            reserve.stage,
            {p.stage: p.amount for p in reserve.rewards.all()},
            reward_schedule(settings_for(reserve.zone)),
        )
    }
    if stage not in due:
        raise CarrierError(_("No reward is due for this stage."))
    p = RewardPayment.objects.create(
        reserve=reserve,
        stage=stage,
        amount=due[stage].amount,
        paid_on=on,
        reference=reference[:200],
        user=_user(by),
    )
    audit(by, "carriers_reward_paid", reserve, stage=stage, amount=str(p.amount))
    return p


# --- 揭榜挂帅 ----------------------------------------------------------------------------------------


def propose_needs_from_chains(zone: Zone, by, *, user=None) -> list[Need]:
    """A need (source: chain) for every gap node of the zone's chains that has none yet."""
    from gaoxin.web.investment import services as inv

    made = []
    existing = set(
        Need.objects.filter(zone=zone, source=Need.Source.CHAIN).values_list("chain_node", flat=True)
    )
    for gap in inv.chain_gaps(zone, user=user):
        label = f"{gap.chain.name} · {gap.node.name}"
        if label in existing:
            continue
        reasons = "、".join(gap.reasons) or _("no local firm")
        made.append(
            Need.objects.create(
                zone=zone,
                source=Need.Source.CHAIN,
                chain_node=label,
                title=_("Key technology for %(node)s") % {"node": label},
                description=_("Gap on the chain: %(why)s.") % {"why": reasons},
            )
        )
    audit(by, "carriers_needs_from_chains", zone, made=len(made))
    return made


def submit_need(enterprise: Enterprise, title: str, description: str, by) -> Need:
    if not title.strip():
        raise CarrierError(_("Describe the need in a title."))
    need = Need.objects.create(
        zone=enterprise.zone,
        enterprise=enterprise,
        source=Need.Source.FIRM,
        title=title.strip()[:200],
        description=description.strip(),
    )
    audit(by, "carriers_need_submitted", need, title=need.title)
    return need


def rubric(ch: Challenge) -> tuple[core_ch.Criterion, ...]:
    return core_ch.rubric_from(ch.rubric) if ch.rubric else core_ch.DEFAULT_RUBRIC


def shares(ch: Challenge) -> list[Decimal]:
    return [Decimal(str(x)) for x in ch.shares] if ch.shares else default_shares(settings_for(ch.zone))


def create_challenge(zone: Zone, by, **fields) -> Challenge:
    s = settings_for(zone)
    fields.setdefault("shares", [str(x) for x in default_shares(s)])
    if not fields.get("rubric"):
        fields["rubric"] = [
            {"code": c.code, "zh": c.zh, "en": c.en, "points": str(c.points)} for c in core_ch.DEFAULT_RUBRIC
        ]
    faults = core_ch.check_shares([Decimal(str(x)) for x in fields["shares"]], s.min_first_share)
    if faults:
        raise CarrierError("; ".join(faults))
    if Challenge.objects.filter(zone=zone, code=fields.get("code")).exists():
        raise CarrierError(_("A challenge with this code exists already."))
    need = fields.get("need")
    ch = Challenge.objects.create(zone=zone, **fields)
    if need is not None:
        need.status = Need.Status.ADOPTED
        need.save(update_fields=["status"])
    audit(by, "carriers_challenge_created", ch, code=ch.code)
    return ch


def publish(ch: Challenge, on: dt.date, by) -> Challenge:
    if ch.status != Challenge.Status.DRAFT:
        raise CarrierError(_("Only a draft can be published."))
    if ch.deadline < on:
        raise CarrierError(_("The deadline has passed."))
    ch.status, ch.published_on = Challenge.Status.PUBLISHED, on
    ch.save(update_fields=["status", "published_on"])
    audit(by, "carriers_challenge_published", ch, on=on.isoformat())
    return ch


def apply(
    ch: Challenge,
    lead: Enterprise,
    by,
    *,
    plan: str,
    budget: Decimal,
    requested: Decimal,
    cofunding: Decimal,
    partners=(),
    partners_other: str = "",
    on: dt.date | None = None,
) -> ChallengeApplication:
    on = on or today()
    if ch.status != Challenge.Status.PUBLISHED:
        raise CarrierError(_("The challenge is not taking applications."))
    if on > ch.deadline:
        raise CarrierError(_("The deadline (%(date)s) has passed.") % {"date": ch.deadline.isoformat()})
    if requested <= 0 or requested > ch.ceiling:
        raise CarrierError(
            _("The funding requested must be above 0 and at most the ceiling of %(c)s 万元.")
            % {"c": ch.ceiling}
        )
    if cofunding < 0 or budget < requested + cofunding:
        raise CarrierError(
            _(
                "The budget must cover the funding requested plus the co-funding, and co-funding cannot be negative."
            )
        )
    if ChallengeApplication.objects.filter(challenge=ch, lead=lead).exists():
        raise CarrierError(_("This firm has applied already."))
    if not plan.strip():
        raise CarrierError(_("The technical plan is required."))
    app = ChallengeApplication.objects.create(
        challenge=ch,
        lead=lead,
        plan=plan.strip(),
        budget=budget,
        requested=requested,
        cofunding=cofunding,
        partners_other=partners_other[:300],
        submitted_by=_user(by),
    )
    partners = [p for p in partners if p.pk != lead.pk]
    if partners:
        app.partners.set(partners)
    audit(by, "carriers_applied", app, challenge=ch.code, lead=lead.uscc)
    return app


def add_expert(
    ch: Challenge, expert_user, by, *, organisation: Enterprise | None = None, title: str = ""
) -> ChallengeExpert:
    if organisation is None and getattr(expert_user, "enterprise_id", None):
        organisation = expert_user.enterprise
    ex, _created = ChallengeExpert.objects.get_or_create(
        challenge=ch, user=expert_user, defaults={"organisation": organisation, "title": title}
    )
    audit(by, "carriers_expert_added", ch, expert=expert_user.username)
    return ex


def _team(app: ChallengeApplication) -> core_ch.Team:
    return core_ch.Team(app.lead_id, frozenset(app.partners.values_list("pk", flat=True)))


def assign(app: ChallengeApplication, expert: ChallengeExpert, by) -> ChallengeReview:
    """Assign an application to an expert; a conflict the registry shows (own firm leads or partners) is
    recorded at once, and that expert can never score it."""
    if expert.challenge_id != app.challenge_id:
        raise CarrierError(_("The expert does not review this challenge."))
    why = core_ch.conflict_reason(core_ch.Expert(expert.pk, expert.organisation_id), _team(app))
    review, _created = ChallengeReview.objects.get_or_create(
        application=app, expert=expert, defaults={"conflict": why is not None, "conflict_reason": why or ""}
    )
    audit(by, "carriers_review_assigned", app, expert=expert.user.username, conflict=bool(why))
    return review


def assign_all(ch: Challenge, by) -> int:
    n = 0
    for app in ch.applications.exclude(status=ChallengeApplication.Status.WITHDRAWN):
        for ex in ch.experts.all():
            assign(app, ex, by)
            n += 1
    return n


def start_review(ch: Challenge, by) -> Challenge:
    if ch.status != Challenge.Status.PUBLISHED:
        raise CarrierError(_("Only a published challenge goes to review."))
    if not ch.applications.exists():
        raise CarrierError(_("There are no applications to review."))
    ch.status = Challenge.Status.REVIEW
    ch.save(update_fields=["status"])
    audit(by, "carriers_review_started", ch)
    return ch


def declare_conflict(review: ChallengeReview, reason: str, by) -> ChallengeReview:
    if review.submitted is not None and not review.conflict:
        raise CarrierError(_("The review has been submitted; ask the zone to withdraw it first."))
    review.conflict, review.conflict_reason = True, (reason.strip() or _("declared by the expert"))[:200]
    review.scores, review.total = {}, None
    review.save(update_fields=["conflict", "conflict_reason", "scores", "total"])
    audit(by, "carriers_conflict_declared", review.application, expert=review.expert.user.username)
    return review


def submit_review(review: ChallengeReview, scores: dict, comment: str, by) -> ChallengeReview:
    app = review.application
    if app.challenge.status != Challenge.Status.REVIEW:
        raise CarrierError(_("The challenge is not under review."))
    why = core_ch.conflict_reason(
        core_ch.Expert(review.expert_id, review.expert.organisation_id),
        _team(app),
        review.conflict,
        review.conflict_reason,
    )
    if why is not None:
        raise CarrierError(_("You cannot score this application: %(why)s.") % {"why": why})
    try:
        valid = core_ch.validate_scores(scores, rubric(app.challenge))
    except core_ch.ScoreError as exc:
        raise CarrierError(str(exc)) from None
    review.scores = {k: str(v) for k, v in valid.items()}
    review.total = sum(valid.values(), Decimal(0))
    review.comment = comment.strip()
    review.submitted = timezone.now()
    review.save(update_fields=["scores", "total", "comment", "submitted"])
    audit(by, "carriers_review_submitted", app, expert=review.expert.user.username, total=str(review.total))
    return review


def review_rules(ch: Challenge) -> core_ch.ReviewRules:
    return core_ch.ReviewRules(
        rubric=rubric(ch),
        min_reviews=ch.min_reviews,
        min_cofunding=ch.min_cofunding,
        funded=ch.funded if ch.race else 1,
    )


def results(ch: Challenge) -> list[tuple[ChallengeApplication, core_ch.Reviewed]]:
    apps = list(
        ch.applications.exclude(status=ChallengeApplication.Status.WITHDRAWN)
        .select_related("lead")
        .prefetch_related("partners")
    )
    scores = []
    for r in ChallengeReview.objects.filter(application__in=apps, submitted__isnull=False).select_related(
        "expert"
    ):
        scores.append(
            core_ch.ExpertScore(
                core_ch.Expert(r.expert_id, r.expert.organisation_id),
                r.application_id,
                {k: Decimal(v) for k, v in r.scores.items()},
                r.conflict,
                r.conflict_reason,
            )
        )
    # declared conflicts without a score are shown as exclusions too
    for r in ChallengeReview.objects.filter(
        application__in=apps, conflict=True, submitted__isnull=True
    ).select_related("expert"):
        scores.append(
            core_ch.ExpertScore(
                core_ch.Expert(r.expert_id, r.expert.organisation_id),
                r.application_id,
                {},
                True,
                r.conflict_reason,
            )
        )
    core_apps = [core_ch.Application(a.pk, _team(a), a.requested, a.cofunding, a.veto) for a in apps]
    by_pk = {a.pk: a for a in apps}
    return [(by_pk[x.key], x) for x in core_ch.review(core_apps, scores, review_rules(ch))]


def select(ch: Challenge, by) -> list[ChallengeApplication]:
    if ch.status != Challenge.Status.REVIEW:
        raise CarrierError(_("Selection follows the review."))
    chosen = []
    for app, x in results(ch):
        app.score, app.rank = x.score, x.rank
        app.status = (
            ChallengeApplication.Status.SELECTED if x.selected else ChallengeApplication.Status.NOT_SELECTED
        )
        app.save(update_fields=["score", "rank", "status"])
        if x.selected:
            chosen.append(app)
    if not chosen:
        raise CarrierError(_("No application can be selected yet (too few valid reviews, or all excluded)."))
    ch.status = Challenge.Status.SELECTED
    ch.save(update_fields=["status"])
    audit(by, "carriers_selected", ch, selected=[a.lead.uscc for a in chosen])
    return chosen


def sign_contract(
    app: ChallengeApplication,
    by,
    *,
    number: str,
    signed_on: dt.date,
    funding: Decimal,
    milestones: list[tuple[str, dt.date]],
) -> Contract:
    """The 任务书: funding split by the challenge's shares into one payment per milestone (payment 1 on
    signing, payment k + 1 on acceptance of milestone k)."""
    ch = app.challenge
    if app.status != ChallengeApplication.Status.SELECTED:
        raise CarrierError(_("Only a selected team signs a contract."))
    if hasattr(app, "contract"):
        raise CarrierError(_("The contract is signed already."))
    if funding <= 0 or funding > ch.ceiling:
        raise CarrierError(
            _("The funding must be above 0 and at most the ceiling of %(c)s 万元.") % {"c": ch.ceiling}
        )
    split = shares(ch)
    if len(milestones) != len(split):
        raise CarrierError(_("Give one milestone per payment (%(n)s).") % {"n": len(split)})
    amounts = core_ch.payment_plan(funding, split)
    c = Contract.objects.create(application=app, number=number, signed_on=signed_on, funding=funding)
    for k, ((indicator, due), share, amount) in enumerate(
        zip(milestones, split, amounts, strict=True), start=1
    ):
        if not indicator.strip():
            raise CarrierError(_("Milestone %(k)s needs its indicator.") % {"k": k})
        Milestone.objects.create(
            contract=c, number=k, indicator=indicator.strip()[:300], due=due, share=share, amount=amount
        )
    if ch.status == Challenge.Status.SELECTED:
        ch.status = Challenge.Status.CONTRACTED
        ch.save(update_fields=["status"])
    audit(by, "carriers_contract_signed", app, number=number, funding=str(funding))
    return c


def payment_due(c: Contract) -> Milestone | None:
    """The milestone whose payment is due now (None: none): payment 1 after signing, payment k + 1 once
    milestone k is accepted; never on a terminated contract, never twice."""
    if c.status != Contract.Status.ACTIVE:
        return None
    paid = set(c.payments.filter(kind=Payment.Kind.PAYMENT).values_list("number", flat=True))
    ms = list(c.milestones.order_by("number"))
    for m in ms:
        if m.number in paid:
            continue
        if m.number == 1 or ms[m.number - 2].status == Milestone.Status.ACCEPTED:
            return m
        return None
    return None


def pay(c: Contract, on: dt.date, by, note: str = "") -> Payment:
    m = payment_due(c)
    if m is None:
        raise CarrierError(_("No payment is due on this contract."))
    p = Payment.objects.create(
        contract=c, number=m.number, amount=m.amount, on=on, note=note[:300], user=_user(by)
    )
    audit(by, "carriers_payment", c.application, number=m.number, amount=str(m.amount))
    return p


def decide_milestone(
    m: Milestone, accepted: bool, by, *, evidence: str, on: dt.date, score: Decimal | None = None
) -> Milestone:
    if m.contract.status != Contract.Status.ACTIVE:
        raise CarrierError(_("The contract is not active."))
    if m.status != Milestone.Status.PENDING:
        raise CarrierError(_("This milestone has been decided."))
    if m.number > 1 and m.contract.milestones.get(number=m.number - 1).status != Milestone.Status.ACCEPTED:
        raise CarrierError(_("The previous milestone has not been accepted."))
    if accepted and not evidence.strip():
        raise CarrierError(_("Acceptance needs its evidence (a test report, the acceptance minutes)."))
    m.status = Milestone.Status.ACCEPTED if accepted else Milestone.Status.FAILED
    m.evidence, m.decided_on, m.score = evidence.strip()[:300], on, score
    m.save(update_fields=["status", "evidence", "decided_on", "score"])
    c = m.contract
    if accepted and not c.milestones.exclude(status=Milestone.Status.ACCEPTED).exists():
        c.status = Contract.Status.COMPLETED
        c.save(update_fields=["status"])
    audit(by, "carriers_milestone", c.application, number=m.number, accepted=accepted)
    return m


def terminate(
    c: Contract, on: dt.date, reason: str, by, *, verified_spend: Decimal = Decimal(0), deduct: bool = False
) -> Contract:
    if c.status != Contract.Status.ACTIVE:
        raise CarrierError(_("Only an active contract can be terminated."))
    if not reason.strip():
        raise CarrierError(_("A termination needs its reason."))
    made = [p.amount for p in c.payments.filter(kind=Payment.Kind.PAYMENT).order_by("number")]
    passed = c.milestones.filter(status=Milestone.Status.ACCEPTED).count()
    t = core_ch.termination(made, passed, verified_spend=verified_spend, deduct_verified_spend=deduct)
    c.status, c.terminated_on, c.termination_reason, c.clawback = (
        Contract.Status.TERMINATED,
        on,
        f"{reason.strip()}（{t.text}）",
        t.clawback,
    )
    c.save(update_fields=["status", "terminated_on", "termination_reason", "clawback"])
    if t.clawback > 0:
        Payment.objects.create(
            contract=c,
            kind=Payment.Kind.CLAWBACK,
            amount=-t.clawback,
            on=on,
            note=t.text[:300],
            user=_user(by),
        )
    audit(by, "carriers_contract_terminated", c.application, clawback=str(t.clawback))
    return c


def settle_race(ch: Challenge, on: dt.date, by) -> ChallengeApplication | None:
    """赛马: once every funded team's milestone 1 is decided, the best continues; the others end there
    (they keep the payment for the milestone they passed)."""
    contracts = list(
        Contract.objects.filter(application__challenge=ch, status=Contract.Status.ACTIVE).select_related(
            "application"
        )
    )
    firsts = {c.pk: c.milestones.get(number=1) for c in contracts}
    if any(m.status == Milestone.Status.PENDING for m in firsts.values()):
        raise CarrierError(_("Every team's first milestone must be decided first."))
    entries = [
        core_ch.RaceEntry(
            c.pk, firsts[c.pk].score if firsts[c.pk].status == Milestone.Status.ACCEPTED else None
        )
        for c in contracts
    ]
    winner = core_ch.race_winner(entries)
    for c in contracts:
        if c.pk != winner:
            terminate(c, on, _("Horse race: another team continues after the first milestone"), by)
    audit(by, "carriers_race_settled", ch, winner=winner)
    return next((c.application for c in contracts if c.pk == winner), None)


def my_reviews(user) -> QuerySet:
    return (
        visible(user, ChallengeReview)
        .filter(expert__user=user)
        .select_related("application__challenge", "application__lead", "expert")
    )


def reward_export_rows(views: list[ReserveView]) -> list[dict]:
    """Stage rewards due, for the policy engine or the finance office (net of what was paid)."""
    rows = []
    for v in views:
        for r in v.rewards_due:
            rows.append(
                {
                    "uscc": v.reserve.enterprise.uscc,
                    "name": v.reserve.enterprise.name,
                    "stage": r.stage,
                    "amount": r.amount,
                    "scheduled": r.scheduled,
                    "note": r.note,
                    "reached_on": v.dates.get(r.stage),
                }
            )
    return rows


POLICY_FACT = "listing_stage_reward"  # the fact a policy file declares (``items``: one per stage)


def hand_rewards_to_policy(zone: Zone, on: dt.date, by, *, user=None) -> int:
    """Hand every stage reward now due (net of the stages already paid) to the policy engine as the
    supplied fact ``listing_stage_reward`` (one item per stage, for the year the stage was reached), so
    that a policy file pays it through its own list, batch and ledger. Handing again changes nothing
    (one fact per firm, year and stage). Returns the facts written; 0 when the policy app is absent."""
    from django.apps import apps

    if not apps.is_installed("gaoxin.web.policy"):
        return 0
    from gaoxin.web.policy import services as policy

    n = 0
    for v in reserve_views(zone, on, on.year - 1, user=user):
        for r in v.rewards_due:
            reached_on = v.dates.get(r.stage) or on
            policy.put_fact(
                zone,
                v.reserve.enterprise,
                reached_on.year,
                POLICY_FACT,
                r.amount,
                item=r.stage,
                department=_("Listing reserve"),
                file_name="carriers",
                user=_user(by),
            )
            n += 1
    audit(by, "carriers_rewards_to_policy", zone, facts=n)
    return n


# --- the conditions' English names (the English switch) --------------------------------------------------

# The core names each condition (``gaoxin.carriers.checks.Check.label``) in Chinese, as the rules and the
# exported workbooks do; a page in English shows these names instead (a condition without one keeps
# its Chinese: a zone's own rule, say).
CHECK_NAMES_EN = {
    # national incubator (国科发区〔2018〕300号)
    "独立法人": "Independent legal entity",
    "运营年限": "Years in operation",
    "连续报送火炬统计年数": "Consecutive years of Torch statistics reported",
    "可自主支配场地面积": "Area owned or controlled",
    "在孵企业使用面积占比（含公共服务场地）": "Share of the area used by incubated firms (public areas included)",
    "孵化基金（种子资金）": "Incubation (seed) fund",
    "获投融资在孵企业占比": "Share of incubated firms that raised investment",
    "投融资案例数": "Investment cases",
    "专业孵化服务人员占比": "Share of professional incubation staff",
    "专业孵化服务人员（每10家在孵企业至少1名）": "Professional incubation staff (at least 1 per 10 incubated firms)",
    "创业导师（每10家在孵企业至少1名）": "Start-up mentors (at least 1 per 10 incubated firms)",
    "知识产权（申请专利企业≥50%或拥有有效知识产权企业≥30%）": (
        "Intellectual property (≥ 50 % of firms applied for patents or ≥ 30 % hold valid IP)"
    ),
    "申请专利的在孵企业占比": "Share of incubated firms that applied for patents",
    "拥有有效知识产权的在孵企业占比": "Share of incubated firms holding valid IP",
    "在孵企业数": "Incubated firms",
    "每千平方米在孵企业数": "Incubated firms per 1,000 m²",
    "累计毕业企业数": "Graduated firms (cumulative)",
    "同一领域在孵企业占比": "Share of incubated firms in one field",
    "自有专业技术服务平台": "Own technical service platform",
    # 众创空间 (maker space)
    "运营时间": "Time in operation",
    "场地面积≥500m²或工位≥30个": "Area ≥ 500 m² or ≥ 30 workstations",
    "场地面积": "Area",
    "工位数": "Workstations",
    "工位和公共服务场地面积占比": "Share of workstations and public service area",
    "年协议入驻团队和企业数": "Teams and firms admitted in the year",
    "年新注册企业≥10家或获投融资团队≥5个": "≥ 10 new firms registered or ≥ 5 teams financed in the year",
    "年新注册企业数": "New firms registered in the year",
    "年获投融资团队和企业数": "Teams and firms financed in the year",
    "典型孵化案例": "Typical incubation cases",
    "专职工作人员": "Full-time staff",
    "创业导师": "Start-up mentors",
    "年举办创新创业活动": "Innovation and start-up events in the year",
    "报送火炬统计": "Reports Torch statistics",
    # graduation (``incubators.CRITERIA``)
    "认定为高新技术企业": "Recognised as a high-tech enterprise",
    "累计获得天使投资或风险投资超过500万元": "Angel or venture investment above 5 million yuan in total",
    "连续2年营业收入累计超过1000万元": "Revenue above 10 million yuan over 2 consecutive years",
    "被兼并收购或在资本市场挂牌上市": "Merged, acquired or listed on a capital market",
    # entering an incubator
    "入驻前一年营业收入": "Revenue in the year before entry",
    "入驻时企业成立时间": "Age of the firm on entry",
    # listing standards (上市标准)
    "发行后股本总额": "Share capital after the offering",
    "公开发行股份比例": "Share of the shares offered to the public",
    "预计市值": "Expected market value",
    "盈利条件（二选一）": "Profit condition (one of two)",
    "最近两年净利润均为正且累计≥5000万元": "Net profit positive in each of the last two years, ≥ 50 million yuan in total",
    "最近两年净利润（较低一年）": "Net profit of the last two years (the lower year)",
    "最近两年累计净利润": "Net profit of the last two years in total",
    "最近一年净利润为正且营业收入≥1亿元": "Net profit positive in the last year and revenue ≥ 100 million yuan",
    "最近一年净利润": "Net profit of the last year",
    "最近一年营业收入": "Revenue of the last year",
    "最近三年累计研发投入占累计营业收入比例": "R&D spending of the last three years as a share of their revenue",
    "最近三年经营活动现金流量净额累计": "Net operating cash flow of the last three years in total",
    "主要业务或产品经国家有关部门批准、市场空间大、已取得阶段性成果": (
        "Main business or products approved by the state, with a large market and results achieved"
    ),
    "最近三年营业收入复合增长率": "Compound revenue growth over the last three years",
    "研发投入（占比≥5%或金额≥8000万元）": "R&D spending (≥ 5 % of revenue or ≥ 80 million yuan)",
    "最近三年研发投入占营业收入比例": "R&D spending of the last three years as a share of revenue",
    "最近三年累计研发投入": "R&D spending of the last three years in total",
    "研发人员占当年员工总数比例": "R&D staff as a share of the year's employees",
    "应用于主营业务并能产业化的发明专利": "Invention patents used in the main business and fit for production",
    "营业收入（复合增长率≥25%或最近一年≥3亿元）": "Revenue (compound growth ≥ 25 % or ≥ 300 million yuan in the last year)",
}


# the units of the conditions the data dictionary does not list (``labels.unit`` has the others)
CHECK_UNITS_EN = {"个月": "months", "场": "events", "家/千m²": "firms per 1,000 m²"}


def check_unit(text: str) -> str:
    """A condition's unit in the reader's language."""
    return CHECK_UNITS_EN.get(text, text) if english() and text in CHECK_UNITS_EN else unit(text)


def check_name(text: str) -> str:
    """A condition's name (a check's ``label``, or the alternative its ``note`` names) in the reader's
    language."""
    return label((text, CHECK_NAMES_EN.get(text, "")))
