"""The command centre's business operations: where each target stands, talents and platforms against
their targets, action-plan progress and overdue tasks, the command page and the monthly report.

Every number comes from the pure core (``gaoxin.command``; the straight path and the status from
``gaoxin.command.targets``) or from the investment app's services; this module reads rows, hands them to the
core and lays the answers out. Callers pass querysets already scoped with ``accounts.scoping.visible``
(or a zone the caller has authorized). Services never commit: writers expect the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.command import tasks as task_rules
from gaoxin.command.metrics import LEVELS, Metric, MetricError, computed_values, parse_metric
from gaoxin.command.periods import Period, month_of, previous_month, when_of
from gaoxin.command.progress import (
    Point,
    Standing,
    history,
    make_path,
    sparkline,
    standing,
    tally,
    worst_first,
)
from gaoxin.command.targets import Status
from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.command import bulk_io
from gaoxin.web.command.models import (
    ActionPlan,
    Level,
    Platform,
    PlatformKind,
    Talent,
    Target,
    TargetActual,
    Task,
)
from gaoxin.web.platform.caching import remember
from gaoxin.web.platform.labels import english
from gaoxin.web.registry.models import AnnualReport, Zone
from gaoxin.web.registry.services.versions import register_version

STATUS_LABELS = {
    Status.ACHIEVED: gettext_lazy("Achieved"),
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.AT_RISK: gettext_lazy("At risk"),
    Status.OFF_TRACK: gettext_lazy("Off track"),
    Status.NO_DATA: gettext_lazy("No data"),
}
STATUS_CSS = {
    Status.ACHIEVED: "achieved",
    Status.ON_TRACK: "on-track",
    Status.AT_RISK: "at-risk",
    Status.OFF_TRACK: "off-track",
    Status.NO_DATA: "no-data",
}
OVERDUE_SHOWN = 20


class CommandError(ValueError):
    """A request the command centre refuses, with a message for the person."""


def today() -> dt.date:
    return timezone.localdate()


# --- computed metrics -------------------------------------------------------------------------------


def tier_counts(zone: Zone, years) -> dict[int, dict[str, int]]:
    """Firms of ``zone`` holding each tier at the end of each year: the cultivation app's count (the
    one place the command centre asks it; tests replace it here)."""
    from gaoxin.web.cultivation.services import tier_counts as cultivation_tier_counts

    return cultivation_tier_counts(zone, years)


# Computed metrics other apps provide (named in ``gaoxin.command.metrics.provide``): key →
# fn(zone, last complete year) → {year: value}. The green app registers ``green:energy_intensity`` …
METRIC_PROVIDERS: dict = {}


@dataclass
class RegisterFigures:
    """The zone's aggregates the computed metrics read, fetched once per page (few queries)."""

    zone: Zone
    years: list[int]  # complete years the register has data for
    tiers: dict[int, dict[str, int]] = field(default_factory=dict)
    rd_totals: dict[int, Decimal] = field(default_factory=dict)
    firms: dict[int, int] = field(default_factory=dict)
    talents: list[tuple[str, str, int | None, int]] = field(default_factory=list)
    platforms: list[tuple[str, str, int | None, int]] = field(default_factory=list)
    provided: dict[str, dict[int, object]] = field(default_factory=dict)  # METRIC_PROVIDERS' answers

    def values(self, metric: Metric, first_year: int, last_year: int) -> dict[int, object]:
        if metric.kind in self.provided:
            return {y: v for y, v in self.provided[metric.kind].items() if first_year <= y <= last_year}
        years = [y for y in self.years if first_year <= y <= last_year]
        if metric.kind in ("talents", "platforms"):
            years = list(range(first_year, last_year + 1))
        return computed_values(
            metric,
            years,
            tier_counts=self.tiers,
            rd_totals=self.rd_totals,
            firms=self.firms,
            talents=self.talents,
            platforms=self.platforms,
        )


def register_figures(zone: Zone, metrics: list[Metric], on: dt.date) -> RegisterFigures:
    """What ``metrics`` need from the register for complete years up to ``on`` (a year counts once
    it has ended: the end-of-year count of the current year is not known yet)."""
    kinds = {m.kind for m in metrics}
    last_complete = on.year if (on.month, on.day) == (12, 31) else on.year - 1
    out = RegisterFigures(zone, [])
    if needed := kinds & {"tier_count", "rd_total", "firms"}:
        out.years, out.tiers, out.rd_totals, out.firms = _register_aggregates(zone, needed, last_complete)
    for kind in kinds & set(METRIC_PROVIDERS):
        out.provided[kind] = METRIC_PROVIDERS[kind](zone, last_complete)
    if "talents" in kinds:
        rows = Talent.objects.filter(zone=zone).order_by().values("level", "year").annotate(n=Count("id"))
        out.talents = [(r["level"], "", r["year"], r["n"]) for r in rows]
    if "platforms" in kinds:
        rows = (
            Platform.objects.filter(zone=zone)
            .order_by()
            .values("level", "kind", "year")
            .annotate(n=Count("id"))
        )
        out.platforms = [(r["level"], r["kind"], r["year"], r["n"]) for r in rows]
    return out


def _register_aggregates(zone: Zone, kinds: set[str], last_complete: int) -> tuple:
    """(years, tier counts, R&D totals, firms) of the register for ``register_figures``.

    Summing every report's R&D and counting every certificate takes most of a command page at
    100,000 firms, and the figures change only when the register does: they are kept in the cache
    under the register's version (``registry.services.versions``) and computed again after a change."""
    parts = [zone.pk, last_complete, sorted(kinds), register_version(zone)]
    return remember("command:register", parts, lambda: _read_aggregates(zone, kinds, last_complete))


def _read_aggregates(zone: Zone, kinds: set[str], last_complete: int) -> tuple:
    years: list[int] = []
    tiers: dict[int, dict[str, int]] = {}
    rd_totals: dict[int, Decimal] = {}
    firms: dict[int, int] = {}
    reports = AnnualReport.objects.filter(enterprise__zone=zone)
    span = reports.aggregate(lo=Min("year"), hi=Max("year"))
    if span["lo"] is not None:
        years = list(range(span["lo"], min(span["hi"], last_complete) + 1))
    if years and "tier_count" in kinds:
        tiers = tier_counts(zone, years)
    if years and kinds & {"rd_total", "firms"}:
        rows = (
            reports.filter(year__in=years)
            .order_by()
            .values("year")
            .annotate(rd=Sum("rd_expense"), given=Count("rd_expense"), n=Count("id"))
        )
        for r in rows:
            if r["given"]:
                rd_totals[r["year"]] = r["rd"]
            firms[r["year"]] = r["n"]
    return years, tiers, rd_totals, firms


# --- targets ----------------------------------------------------------------------------------------


def metric_of(target: Target) -> Metric:
    try:
        return parse_metric(target.metric)
    except MetricError:
        return Metric("entered")


def path_of(target: Target):
    return make_path(target.baseline_value, target.baseline_year, target.target_value, target.target_year)


@dataclass
class TargetView:
    target: Target
    metric: Metric
    actuals: dict[Period, object]
    sources: dict[Period, str]
    points: list[Point]
    standing: Standing
    on: dt.date

    @property
    def status(self) -> Status:
        return self.standing.status

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def css(self) -> str:
        return STATUS_CSS[self.status]

    @property
    def actual(self):
        p = self.standing.period
        return self.actuals.get(p) if p is not None else None

    @property
    def period(self) -> Period | None:
        return self.standing.period

    @property
    def expected(self) -> float:
        return self.standing.progress.expected

    @property
    def share_done(self) -> str:
        s = self.standing.progress.share_done
        return "" if s is None else f"{s * 100:.0f}%"

    @property
    def spark(self) -> str:
        return sparkline([p.actual for p in self.points])

    @property
    def how(self) -> str:
        return self.metric.describe(english())

    def chart(self) -> dict:
        """Actuals against the straight path, as plain lists for ``command.js``, on the year-end scale of
        ``gaoxin.command.targets`` (the year 2022 at 2022, the month 2026-06 at 2025.5): a period is a
        number, not an instant, so no time zone or date axis can move it to the next year."""
        t = self.target
        return {
            "actual": {
                "x": [p.period.when for p in self.points],
                "y": [p.actual for p in self.points],
                "labels": [p.period.label for p in self.points],
                "name": str(_("Actual")),
            },
            "path": {
                "x": [float(t.baseline_year), float(t.target_year)],
                "y": [float(t.baseline_value), float(t.target_value)],
                "name": str(_("Straight path")),
            },
            "unit": t.unit,
            "xtitle": str(_("Year (as of year-end)")),
        }


def target_view(
    target: Target, on: dt.date | None = None, figures: RegisterFigures | None = None
) -> TargetView:
    """Where ``target`` stands as of ``on`` (default today): its actuals (entered, or computed from the
    register), their history against the straight path and the status."""
    on = on or today()
    metric = metric_of(target)
    path = path_of(target)
    sources: dict[Period, str] = {}
    if metric.computed:
        figures = figures or register_figures(target.zone, [metric], on)
        values = figures.values(metric, target.baseline_year, min(target.target_year, on.year))
        # a count of talents or platforms is known during the year: this year's stands at this month
        year_done = (on.month, on.day) == (12, 31)
        actuals = {
            Period(y) if y < on.year or year_done else Period(y, on.month): v for y, v in values.items()
        }
    else:
        actuals = {}
        for a in target.actuals.all():
            p = Period(a.year, a.month)
            actuals[p] = a.value
            sources[p] = a.source
    upto = when_of(on)
    shown = {p: v for p, v in actuals.items() if p.when <= upto + 1e-9}
    return TargetView(target, metric, shown, sources, history(path, shown), standing(path, shown, upto), on)


def target_progress(target: Target, when: dt.date | None = None) -> TargetView:
    """Actual vs the straight path as of ``when`` (the name the cultivation app and the API use)."""
    return target_view(target, when)


def target_history(target: Target, on: dt.date | None = None) -> list[Point]:
    """The target's actuals period by period, each with the path's value and its status then."""
    return target_view(target, on).points


def target_views(targets: QuerySet, zone: Zone, on: dt.date | None = None) -> list[TargetView]:
    """All targets of a scoped queryset for one zone, with the register read once for all."""
    on = on or today()
    rows = list(
        targets.filter(zone=zone).select_related("zone").prefetch_related("actuals").order_by("order", "id")
    )
    metrics = [metric_of(t) for t in rows]
    figures = register_figures(zone, [m for m in metrics if m.computed], on)
    return [target_view(t, on, figures) for t in rows]


def glance(views: list[TargetView]) -> dict:
    """The targets worst first and a count per status."""
    order = worst_first([v.status for v in views])
    counts = tally([v.status for v in views])
    return {
        "targets": [views[i] for i in order],
        "counts": [
            {"status": s, "label": STATUS_LABELS[s], "css": STATUS_CSS[s], "n": n} for s, n in counts.items()
        ],
    }


def parse_value(text) -> Decimal:
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise CommandError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise CommandError(_("“%(value)s” is not a number.") % {"value": text})
    return value


def enter_actual(
    target: Target, period: Period, value: Decimal, source: str, user, *, by=None
) -> TargetActual:
    """Record (or replace) the actual of an entered target for a period, with its source; audited
    (``by``: the request, for its address, or the user)."""
    if metric_of(target).computed:
        raise CommandError(_("This indicator is computed from the register; its actual cannot be entered."))
    source = (source or "").strip()
    if not source:
        raise CommandError(_("Give the source of the figure (document, department, statistics bulletin)."))
    if not target.baseline_year <= period.year <= target.target_year:
        raise CommandError(
            _("The period %(period)s is outside the target's years %(first)s–%(last)s.")
            % {"period": period.label, "first": target.baseline_year, "last": target.target_year}
        )
    if period.end > today():
        raise CommandError(_("The period %(period)s has not ended yet.") % {"period": period.label})
    actual, _created = TargetActual.objects.update_or_create(
        target=target,
        year=period.year,
        month=period.month,
        defaults={"value": value, "source": source[:500], "entered_by": user},
    )
    audit(by or user, "enter_actual", target, period=period.label, value=str(value), source=actual.source)
    return actual


def save_target(form, *, by) -> Target:
    """Save a valid ``forms.TargetForm`` (a new target of the zone, or a change) and audit it."""
    adding = form.instance.pk is None
    saved = form.save()
    audit(by, "add_target" if adding else "edit_target", saved, name=saved.name)
    return saved


# --- talents and platforms --------------------------------------------------------------------------


def levels_of(user, zone: Zone, kind: str, on: dt.date | None = None) -> dict:
    """The level table (national, provincial, municipal) of the zone's ``kind`` targets (``talents`` or
    ``platforms``) the user sees."""
    targets = visible(user, Target).filter(metric__startswith=f"{kind}:")
    return level_table(zone, target_views(targets, zone, on), on)


def level_table(zone: Zone, views: list[TargetView], on: dt.date | None = None) -> dict:
    """Talents by level and platforms by level and kind, each level next to its targets."""
    talent_counts = dict(
        Talent.objects.filter(zone=zone).order_by().values_list("level").annotate(n=Count("id"))
    )
    platform_rows = (
        Platform.objects.filter(zone=zone).order_by().values("level", "kind").annotate(n=Count("id"))
    )
    by_level: dict[str, dict[str, int]] = defaultdict(dict)
    for r in platform_rows:
        by_level[r["level"]][r["kind"]] = r["n"]
    targets_for = defaultdict(list)
    for v in views:
        if v.metric.kind in ("talents", "platforms"):
            targets_for[(v.metric.kind, v.metric.level)].append(v)
    talents = [
        {"level": lv, "label": label, "n": talent_counts.get(lv, 0), "targets": targets_for[("talents", lv)]}
        for lv, label in Level.choices
    ]
    kinds = [k for k, _label in PlatformKind.choices if any(k in by_level[lv] for lv in LEVELS)]
    platforms = [
        {
            "level": lv,
            "label": label,
            "n": sum(by_level[lv].values()),
            "kinds": [by_level[lv].get(k, 0) for k in kinds],
            "targets": targets_for[("platforms", lv)],
        }
        for lv, label in Level.choices
    ]
    return {
        "by_level": [
            {"label": t["label"], "talents": t["n"], "platforms": p["n"]}
            for t, p in zip(talents, platforms, strict=True)
        ],
        "talents": talents,
        "talent_total": sum(talent_counts.values()),
        "talent_targets_all": targets_for[("talents", "all")],
        "platforms": platforms,
        "platform_kinds": [PlatformKind(k).label for k in kinds],
        "platform_kind_totals": [sum(by_level[lv].get(k, 0) for lv in LEVELS) for k in kinds],
        "platform_total": sum(r["n"] for r in platforms),
        "platform_targets_all": targets_for[("platforms", "all")],
    }


# --- action plans and tasks -------------------------------------------------------------------------


def overdue(tasks: QuerySet, on: dt.date | None = None) -> QuerySet:
    """Overdue tasks as of ``on``: the database form of ``gaoxin.command.tasks.is_overdue``."""
    on = on or today()
    return tasks.filter(deadline__lt=on).exclude(status__in=task_rules.CLOSED)


def plan_rows(plans: QuerySet, tasks: QuerySet, on: dt.date | None = None) -> list[dict]:
    """Each plan with the progress of its tasks (two queries)."""
    on = on or today()
    per_plan = defaultdict(list)
    for plan_id, deadline, status in tasks.order_by().values_list("plan_id", "deadline", "status"):
        per_plan[plan_id].append((deadline, status))
    out = []
    for plan in plans:
        p = task_rules.plan_progress(per_plan.get(plan.pk, []), on)
        out.append(
            {
                "plan": plan,
                "progress": p,
                "percent": "" if p.share_done is None else f"{p.share_done * 100:.0f}%",
            }
        )
    return out


def task_rows(tasks, on: dt.date | None = None) -> list[dict]:
    on = on or today()
    return [
        {
            "task": t,
            "overdue": task_rules.is_overdue(t.deadline, t.status, on),
            "days": task_rules.days_overdue(t.deadline, t.status, on),
            "late": task_rules.late(t.deadline, t.status, t.completed_on),
        }
        for t in tasks
    ]


def update_task(
    task: Task, *, status: str, evidence: str, evidence_link: str, completed_on: dt.date | None, by=None
) -> Task:
    """Record a task's progress; a task marked done gets today as its completion date unless given.
    Audited when ``by`` (the request or the user) is given; what the model refuses is a ``CommandError``."""
    if status not in task_rules.STATUSES:
        raise CommandError(_("Unknown status “%(value)s”.") % {"value": status})
    if completed_on is not None and completed_on > today():
        raise CommandError(_("The completion date cannot be in the future."))
    task.status = status
    task.evidence = (evidence or "").strip()
    task.evidence_link = (evidence_link or "").strip()[:500]
    if status == task_rules.DONE:
        task.completed_on = completed_on or task.completed_on or today()
    else:
        task.completed_on = None
    try:
        task.full_clean(exclude=["plan", "name"])
    except ValidationError as exc:  # a refusal like the others (an evidence link that is not a URL …)
        raise CommandError("; ".join(exc.messages)) from None
    task.save()
    if by is not None:
        audit(by, "update_task", task, status=task.status)
    return task


# --- investment (the investment app's services) ------------------------------------------------------


def investment_summary(
    zone: Zone, user, on: dt.date | None = None, month: Period | None = None
) -> dict | None:
    """The project funnel, stalled projects and chain gaps from ``gaoxin.web.investment.services``;
    with ``month``, also the projects that reached 签约 (signed) and 落地开工 (started) in that month.
    None when the investment app is not there."""
    try:
        from gaoxin.web.investment import services as inv
    except ImportError:
        return None
    on = on or today()
    cfg = inv.settings_for(zone)
    # the projects read once for the funnel now and (with a month) at its two ends
    dates = [on] if month is None else [on, previous_month(month).end, month.end]
    paths = inv.project_paths(zone, user=user)
    f, *ends = inv.funnels(zone, dates, user=user, paths=paths)
    stalled = inv.stalled_projects(zone, on=on, user=user, cfg=cfg, paths=paths)
    maps, gaps = inv.chain_overview(zone, user=user, cfg=cfg)
    names = inv.STAGE_NAMES
    stages = [
        {
            "stage": s.stage,
            "label": names.get(s.stage, s.stage),
            "reached": s.reached,
            "active": s.active,
            "dropped": s.dropped,
            "conversion": "" if s.conversion is None else f"{s.conversion * 100:.0f}%",
            "width": 0 if not f.total else round(100 * s.reached / f.total),
        }
        for s in f.stages
    ]
    out = {
        "funnel": f,
        "stages": stages,
        "stalled": stalled,
        "chains": [
            {"chain": m.chain, "nodes": len(m.nodes), "gaps": m.gaps, "firms": m.firms, "roots": m.roots}
            for m in maps
        ],
        "gaps": gaps,
        "gap_count": len(gaps),
    }
    if month is not None:
        before, now = ends[0].reached, ends[1].reached
        out["month"] = {
            "signed": max(now.get("signed", 0) - before.get("signed", 0), 0),
            "started": max(now.get("started", 0) - before.get("started", 0), 0),
        }
    return out


# --- the command page and the monthly report --------------------------------------------------------


def board(user, zone: Zone, on: dt.date | None = None) -> dict:
    """Everything the command page shows for ``zone`` (scoped through ``user``)."""
    from gaoxin.web.accounts.scoping import visible

    on = on or today()
    views = target_views(visible(user, Target), zone, on)
    tasks = visible(user, Task).filter(plan__zone=zone)
    late_tasks = overdue(tasks, on).select_related("plan").order_by("deadline", "id")
    n_overdue = late_tasks.count()
    return {
        "zone": zone,
        "on": on,
        "glance": glance(views),
        "levels": level_table(zone, views, on),
        "investment": investment_summary(zone, user, on),
        "overdue": task_rows(late_tasks[:OVERDUE_SHOWN], on),
        "overdue_count": n_overdue,
        "plans": plan_rows(visible(user, ActionPlan).filter(zone=zone).order_by("order", "id"), tasks, on),
    }


def report_month(text: str | None, on: dt.date | None = None) -> Period:
    """The month a report is for: ``YYYY-MM`` or, by default, the last month that has ended."""
    on = on or today()
    if not text:
        return previous_month(month_of(on))
    try:
        year, month = (int(x) for x in text.split("-"))
        period = Period(year, month)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a month such as 2026-06.") % {"value": text}) from None
    if period.end >= on and period != month_of(on):
        raise CommandError(_("The month %(month)s has not begun yet.") % {"month": period.label})
    return period


def monthly_report(user, zone: Zone, month: Period) -> dict:
    """The management committee's monthly report: everything as of the end of ``month``."""
    from gaoxin.web.accounts.scoping import visible

    on = min(month.end, today())
    views = target_views(visible(user, Target), zone, on)
    tasks = visible(user, Task).filter(plan__zone=zone)
    plans = visible(user, ActionPlan).filter(zone=zone).order_by("order", "id")
    # the longest overdue first (the earliest deadline), whatever action plan the task belongs to
    late_tasks = overdue(tasks, on).select_related("plan").order_by("deadline", "plan__order", "id")
    done_in_month = tasks.filter(
        status=task_rules.DONE,
        completed_on__gte=dt.date(month.year, month.month, 1),
        completed_on__lte=month.end,
    ).select_related("plan")
    return {
        "zone": zone,
        "month": month,
        "on": on,
        "glance": glance(views),
        "targets": views,
        "levels": level_table(zone, views, on),
        "investment": investment_summary(zone, user, on, month),
        "plans": plan_rows(plans, tasks, on),
        "overdue": task_rows(late_tasks, on),
        "done_in_month": list(done_in_month.order_by("completed_on", "id")),
        "generated": timezone.localtime(),
        **_app_sections(user, zone, month, on),
    }


def _app_sections(user, zone: Zone, month: Period, on: dt.date) -> dict:
    """The report's sections from the other apps: innovation credit, cultivation, finance (issue 17)."""
    from gaoxin.web.credit.services import report_section as credit_section
    from gaoxin.web.cultivation.services import report_section as ladder_section
    from gaoxin.web.finance.services import report_section as finance_section

    start = dt.date(month.year, month.month or 1, 1)
    return {
        "credit": credit_section(user, zone, start, on),
        "cultivation": ladder_section(user, zone, on),
        "finance": finance_section(user, zone, start, on),
    }


# --- tables: import -----------------------------------------------------------------------------------


def import_table(by, table, zone: Zone, data: bytes, file_name: str):
    """Import one uploaded table (``bulk_io.import_file``: applied only when the whole file is good,
    a refused file changes nothing) and audit it with its ``TableImport`` record; ``by`` is the request
    (for the address) or the user. Returns the ``bulk_io.Outcome``."""
    user = getattr(by, "user", by)
    outcome = bulk_io.import_file(table, zone, user, data, file_name, today())
    record = outcome.record
    audit(
        by,
        "import_table",
        record,
        table=table.key,
        file=file_name,
        status=record.status,
        rows=record.rows,
        created=outcome.created,
        updated=outcome.updated,
    )
    return outcome
