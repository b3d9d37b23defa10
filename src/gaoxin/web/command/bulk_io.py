"""The command centre's tables in and out of Excel: targets, actuals, talents, platforms, plans/tasks.

Each table has Chinese columns (``gaoxin.io.tables.Column``), an export of the zone's rows in the same
columns (so an exported file imports back unchanged), and ``apply`` for an import. An import is read
whole and checked whole — every cell (``read_table``) and then every reference (an unknown indicator,
an unknown enterprise code, a row the user may not write) — and applied only when nothing is wrong:
a refused file changes nothing. Rows are matched by their natural key (indicator name; talent name and
programme; platform name; action and task name) and updated in place, so re-importing changes
nothing. ``import_table`` does not commit: the caller's transaction holds it; ``import_file`` runs it
in a savepoint (rolled back when the file is refused) and keeps the upload's ``TableImport`` record
(content hash, provenance, outcome, problems; the shared record of ``gaoxin.web.platform.bulk``)
either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from gaoxin.command.metrics import MetricError, parse_metric
from gaoxin.io.problems import Problem
from gaoxin.io.tables import Column, Sheet, read_table, template, to_bytes
from gaoxin.web.accounts.scoping import can_write
from gaoxin.web.command.models import (
    ActionPlan,
    Level,
    Platform,
    PlatformKind,
    TableImport,
    Talent,
    Target,
    TargetActual,
    Task,
    level_rank,
)
from gaoxin.web.platform import bulk
from gaoxin.web.registry.models import Enterprise, Zone

LEVEL_CHOICES = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
KIND_CHOICES = {
    k: str(v)
    for k, v in {
        "lab": "实验室",
        "rd_institution": "研发机构",
        "engineering_centre": "工程（技术）研究中心",
        "tech_centre": "企业技术中心",
        "innovation_centre": "技术创新中心",
        "incubator": "孵化器",
        "maker_space": "众创空间",
        "other": "其他平台",
    }.items()
}
STATUS_CHOICES = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成", "cancelled": "已取消"}

assert set(LEVEL_CHOICES) == set(Level.values) and set(KIND_CHOICES) == set(PlatformKind.values)

R_UNKNOWN_TARGET = "本园区没有这个指标，请先导入指标表"
R_COMPUTED = "该指标由登记库自动计算，不能填报实际值"
R_METRIC = "无法识别的计算方式"
R_YEARS = "目标年份必须晚于基期年份"
R_MONTH = "月份应为 1–12"
R_UNKNOWN_FIRM = "本园区登记库中没有这个统一社会信用代码"
R_NO_PLAN_RIGHT = "只有园区管理员可以新增专项行动"
R_NO_RIGHT = "您没有修改这一行的权限"
R_DUPLICATE = "文件中重复出现的行（同一关键字）"
R_FUTURE_DONE = "完成日期不能晚于今天"
R_LINK = "不是有效的网址（应以 http:// 或 https:// 开头）"

TARGET_COLUMNS = (
    Column("name", "指标名称", "indicator", required=True),
    Column("unit", "单位", "unit"),
    Column("metric", "计算方式", "metric", width=24),
    Column("baseline_value", "基期值", "baseline value", "decimal", required=True),
    Column("baseline_year", "基期年份", "baseline year", "int", required=True),
    Column("target_value", "目标值", "target value", "decimal", required=True),
    Column("target_year", "目标年份", "target year", "int", required=True),
    Column("owner", "责任单位", "responsible unit"),
    Column("source", "数据来源及说明", "source / notes", width=30),
    Column("order", "排序", "order", "int"),
)
ACTUAL_COLUMNS = (
    Column("target", "指标名称", "indicator", required=True),
    Column("year", "年份", "year", "int", required=True),
    Column("month", "月份", "month", "int"),
    Column("value", "实际值", "actual", "decimal", required=True),
    Column("source", "数据来源", "source", required=True, width=30),
)
TALENT_COLUMNS = (
    Column("name", "姓名", "name", required=True),
    Column("level", "层次", "level", "enum", required=True, choices=LEVEL_CHOICES),
    Column("programme", "人才计划", "programme", width=24),
    Column("team", "所属团队", "team"),
    Column("enterprise", "所在企业统一社会信用代码", "enterprise uscc", width=22),
    Column("year", "入选年份", "year recognised", "int"),
)
PLATFORM_COLUMNS = (
    Column("name", "平台名称", "name", required=True, width=30),
    Column("kind", "类别", "kind", "enum", required=True, choices=KIND_CHOICES),
    Column("level", "级别", "level", "enum", required=True, choices=LEVEL_CHOICES),
    Column("enterprise", "依托企业统一社会信用代码", "host enterprise uscc", width=22),
    Column("year", "认定年份", "year recognised", "int"),
)
TASK_COLUMNS = (
    Column("plan", "专项行动", "action", required=True, width=24),
    Column("plan_owner", "牵头部门", "lead department"),
    Column("plan_period", "实施期", "period"),
    Column("name", "任务名称", "task", required=True, width=36),
    Column("owner", "责任单位", "responsible unit"),
    Column("deadline", "完成时限", "deadline", "date"),
    Column("status", "状态", "status", "enum", choices=STATUS_CHOICES),
    Column("evidence", "完成情况及佐证", "evidence", width=36),
    Column("evidence_link", "佐证链接", "evidence link"),
    Column("completed_on", "完成日期", "completed on", "date"),
)


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0  # rows read from the file
    record: TableImport | None = None  # the upload's record (``import_file``)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


class _Check:
    """Row-level problems after the cells were read (references, rights, duplicates)."""

    def __init__(self, name: str, sheet: str | None):
        self.name, self.sheet, self.problems = name, sheet, []

    def __call__(self, row: dict, column: str | None, value, reason: str) -> None:
        self.problems.append(
            Problem(self.name, row["_row"], column, None if value is None else str(value), reason, self.sheet)
        )


def _firms(zone: Zone, rows: list[dict], key: str) -> dict[str, Enterprise]:
    codes = {r[key].strip().upper() for r in rows if r.get(key)}
    return {e.uscc: e for e in Enterprise.objects.filter(zone=zone, uscc__in=codes)}


def _save(obj, values: dict, out: Outcome) -> None:
    if obj.pk is None:
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        out.created += 1
        return
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
        out.updated += 1
    else:
        out.unchanged += 1


def _dupes(rows, key: Callable[[dict], tuple], check: _Check, column: str) -> None:
    seen = set()
    for r in rows:
        k = key(r)
        if k in seen:
            check(r, column, k[0] if len(k) == 1 else " / ".join(map(str, k)), R_DUPLICATE)
        seen.add(k)


# --- targets -----------------------------------------------------------------------------------------


def _targets_apply(zone, user, rows, check, out, today):
    existing = {t.name: t for t in Target.objects.filter(zone=zone)}
    _dupes(rows, lambda r: (r["name"],), check, "指标名称")
    plans = []
    for r in rows:
        metric = (r["metric"] or "entered").strip()
        if metric in ("人工填报", "填报"):
            metric = "entered"
        try:
            metric = parse_metric(metric).key
        except MetricError:
            check(r, "计算方式", r["metric"], R_METRIC)
        if (
            r["baseline_year"] is not None
            and r["target_year"] is not None
            and r["target_year"] <= r["baseline_year"]
        ):
            check(r, "目标年份", r["target_year"], R_YEARS)
        obj = existing.get(r["name"]) or Target(zone=zone, name=r["name"])
        if not can_write(user, obj):
            check(r, "指标名称", r["name"], R_NO_RIGHT)
        values = {
            "unit": r["unit"] or "",
            "metric": metric,
            "baseline_value": r["baseline_value"],
            "baseline_year": r["baseline_year"],
            "target_value": r["target_value"],
            "target_year": r["target_year"],
            "owner": r["owner"] or "",
            "source": r["source"] or "",
            "order": r["order"] if r["order"] is not None else (obj.order if obj.pk else 0),
        }
        plans.append((obj, values))
    return plans


def _targets_export(zone, qs):
    return [
        {
            "name": t.name,
            "unit": t.unit,
            "metric": t.metric,
            "baseline_value": t.baseline_value,
            "baseline_year": t.baseline_year,
            "target_value": t.target_value,
            "target_year": t.target_year,
            "owner": t.owner,
            "source": t.source,
            "order": t.order,
        }
        for t in qs.filter(zone=zone).order_by("order", "id")
    ]


# --- actuals -----------------------------------------------------------------------------------------


def _actuals_apply(zone, user, rows, check, out, today):
    targets = {t.name: t for t in Target.objects.filter(zone=zone)}
    _dupes(rows, lambda r: (r["target"], r["year"], r["month"]), check, "指标名称")
    existing = {(a.target_id, a.year, a.month): a for a in TargetActual.objects.filter(target__zone=zone)}
    plans = []
    for r in rows:
        target = targets.get(r["target"])
        if target is None:
            check(r, "指标名称", r["target"], R_UNKNOWN_TARGET)
            continue
        if parse_metric(target.metric).computed if _valid_metric(target.metric) else False:
            check(r, "指标名称", r["target"], R_COMPUTED)
            continue
        if r["month"] is not None and not 1 <= r["month"] <= 12:
            check(r, "月份", r["month"], R_MONTH)
            continue
        obj = existing.get((target.pk, r["year"], r["month"])) or TargetActual(
            target=target, year=r["year"], month=r["month"]
        )
        if not can_write(user, obj):
            check(r, "指标名称", r["target"], R_NO_RIGHT)
        values = {"value": r["value"], "source": r["source"][:500]}
        if obj.pk is None or any(getattr(obj, k) != v for k, v in values.items()):
            values["entered_by"] = user
        plans.append((obj, values))
    return plans


def _valid_metric(text: str) -> bool:
    try:
        parse_metric(text)
    except MetricError:
        return False
    return True


def _actuals_export(zone, qs):
    return [
        {"target": a.target.name, "year": a.year, "month": a.month, "value": a.value, "source": a.source}
        for a in qs.filter(target__zone=zone)
        .select_related("target")
        .order_by("target__order", "target_id", "year", "month")
    ]


# --- talents and platforms ---------------------------------------------------------------------------


def _keyed_rows(zone, user, rows, check, *, existing, key, new, key_column, firm_column, values):
    """Rows matched by their natural key (``key(row)``; ``existing`` maps keys to the zone's rows) and
    naming a firm of the zone by its USCC: an existing row is updated, a new one (``new(row)``) made.
    An unknown firm, a key twice in the file and a row the user may not write are problems."""
    firms = _firms(zone, rows, "enterprise")
    _dupes(rows, key, check, key_column)
    plans = []
    for r in rows:
        firm = None
        if r["enterprise"]:
            firm = firms.get(r["enterprise"].strip().upper())
            if firm is None:
                check(r, firm_column, r["enterprise"], R_UNKNOWN_FIRM)
        obj = existing.get(key(r)) or new(r)
        if not can_write(user, obj):
            check(r, key_column, r["name"], R_NO_RIGHT)
        plans.append((obj, {**values(r), "enterprise": firm}))
    return plans


def _talents_apply(zone, user, rows, check, out, today):
    return _keyed_rows(
        zone,
        user,
        rows,
        check,
        existing={(t.name, t.programme): t for t in Talent.objects.filter(zone=zone)},
        key=lambda r: (r["name"], r["programme"] or ""),
        new=lambda r: Talent(zone=zone, name=r["name"], programme=r["programme"] or ""),
        key_column="姓名",
        firm_column="所在企业统一社会信用代码",
        values=lambda r: {"level": r["level"], "team": r["team"] or "", "year": r["year"]},
    )


def _talents_export(zone, qs):
    return [
        {
            "name": t.name,
            "level": t.level,
            "programme": t.programme,
            "team": t.team,
            "enterprise": t.enterprise.uscc if t.enterprise else None,
            "year": t.year,
        }
        for t in qs.filter(zone=zone).select_related("enterprise").order_by(level_rank(), "name", "id")
    ]


def _platforms_apply(zone, user, rows, check, out, today):
    return _keyed_rows(
        zone,
        user,
        rows,
        check,
        existing={(p.name,): p for p in Platform.objects.filter(zone=zone)},
        key=lambda r: (r["name"],),
        new=lambda r: Platform(zone=zone, name=r["name"]),
        key_column="平台名称",
        firm_column="依托企业统一社会信用代码",
        values=lambda r: {"kind": r["kind"], "level": r["level"], "year": r["year"]},
    )


def _platforms_export(zone, qs):
    return [
        {
            "name": p.name,
            "kind": p.kind,
            "level": p.level,
            "enterprise": p.enterprise.uscc if p.enterprise else None,
            "year": p.year,
        }
        for p in qs.filter(zone=zone).select_related("enterprise").order_by(level_rank(), "kind", "name")
    ]


# --- plans and tasks ---------------------------------------------------------------------------------


def _tasks_apply(zone, user, rows, check, out, today):
    plans_by_name = {p.name: p for p in ActionPlan.objects.filter(zone=zone)}
    tasks = {(t.plan_id, t.name): t for t in Task.objects.filter(plan__zone=zone)}
    _dupes(rows, lambda r: (r["plan"], r["name"]), check, "任务名称")
    plans: list = []
    new_plans: dict[str, ActionPlan] = {}
    touched: set[str] = set()  # existing plans whose owner or period this file changes
    for i, r in enumerate(rows):
        plan = plans_by_name.get(r["plan"]) or new_plans.get(r["plan"])
        if plan is None:
            plan = ActionPlan(zone=zone, name=r["plan"], order=len(plans_by_name) + len(new_plans) + 1)
            if not can_write(user, plan):
                check(r, "专项行动", r["plan"], R_NO_PLAN_RIGHT)
                continue
            new_plans[r["plan"]] = plan
            plans.append((plan, {"owner": r["plan_owner"] or "", "period": r["plan_period"] or ""}))
        elif (
            r["plan"] not in touched
            and (
                (r["plan_owner"] and r["plan_owner"] != plan.owner)
                or (r["plan_period"] and r["plan_period"] != plan.period)
            )
            and can_write(user, plan)
        ):
            touched.add(r["plan"])
            plans.append(
                (plan, {"owner": r["plan_owner"] or plan.owner, "period": r["plan_period"] or plan.period})
            )
        status = r["status"] or "not_started"
        if r["evidence_link"] and not _is_url(r["evidence_link"]):
            check(r, "佐证链接", r["evidence_link"], R_LINK)
        if r["completed_on"] is not None and r["completed_on"] > today:
            check(r, "完成日期", r["completed_on"], R_FUTURE_DONE)
        obj = tasks.get((plan.pk, r["name"])) if plan.pk else None
        obj = obj or Task(plan=plan, name=r["name"], order=i + 1)
        if not can_write(user, obj):
            check(r, "任务名称", r["name"], R_NO_RIGHT)
        plans.append(
            (
                obj,
                {
                    "plan": plan,
                    "owner": r["owner"] or "",
                    "deadline": r["deadline"],
                    "status": status,
                    "evidence": r["evidence"] or "",
                    "evidence_link": r["evidence_link"] or "",
                    "completed_on": r["completed_on"] if status == "done" else None,
                },
            )
        )
    return plans


def _is_url(text: str) -> bool:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=("http", "https"))(text)
    except ValidationError:
        return False
    return True


def _tasks_export(zone, qs):
    return [
        {
            "plan": t.plan.name,
            "plan_owner": t.plan.owner,
            "plan_period": t.plan.period,
            "name": t.name,
            "owner": t.owner,
            "deadline": t.deadline,
            "status": t.status,
            "evidence": t.evidence,
            "evidence_link": t.evidence_link,
            "completed_on": t.completed_on,
        }
        for t in qs.filter(plan__zone=zone)
        .select_related("plan")
        .order_by("plan__order", "plan_id", "order", "id")
    ]


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # Chinese sheet and file title
    model: type
    columns: tuple[Column, ...]
    plan: Callable
    export: Callable


TABLES: dict[str, Table] = {
    t.key: t
    for t in (
        Table("targets", "目标指标", Target, TARGET_COLUMNS, _targets_apply, _targets_export),
        Table("actuals", "指标实际值", TargetActual, ACTUAL_COLUMNS, _actuals_apply, _actuals_export),
        Table("talents", "人才", Talent, TALENT_COLUMNS, _talents_apply, _talents_export),
        Table("platforms", "创新平台", Platform, PLATFORM_COLUMNS, _platforms_apply, _platforms_export),
        Table("tasks", "专项行动任务", Task, TASK_COLUMNS, _tasks_apply, _tasks_export),
    )
}


def import_table(table: Table, zone: Zone, user, data: bytes, name: str, today) -> Outcome:
    """Read, check and (only when nothing is wrong) apply one file; does not commit."""
    read = read_table(data, table.columns, name=name)
    out = Outcome(problems=list(read.problems), rows=len(read.rows))
    if any(p.row is None for p in read.errors):
        return out  # the file or its header is wrong: no row can be read
    # rows whose cells are all good are checked further (references, rights), so that one pass shows
    # every problem of the file
    bad_rows = {p.row for p in read.errors}
    check = _Check(name, read.sheet)
    plans = table.plan(zone, user, [r for r in read.rows if r["_row"] not in bad_rows], check, out, today)
    out.problems += check.problems
    out.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    if not out.ok:
        return out
    for obj, values in plans:
        if isinstance(obj, Task) and values.get("plan") is not None and values["plan"].pk is not None:
            obj.plan = values["plan"]
        _save(obj, values, out)
    return out


def import_file(table: Table, zone: Zone, user, data: bytes, name: str, today) -> Outcome:
    """``import_table`` in a savepoint that a refused file rolls back, and the upload's saved
    ``TableImport`` record (who, when, file name and SHA-256, rows, outcome, problems) either way."""
    with transaction.atomic():
        out = import_table(table, zone, user, data, name, today)
        if not out.ok:
            transaction.set_rollback(True)
    counts = {"created": out.created, "updated": out.updated, "unchanged": out.unchanged} if out.ok else {}
    out.record = bulk.new_record(
        TableImport,
        zone=zone,
        kind=table.key,
        data=data,
        file_name=name,
        rows=out.rows,
        problems=out.problems,
        user=user,
        counts=counts,
    )
    out.record.save()
    return out


def export_table(table: Table, zone: Zone, qs) -> bytes:
    """The zone's rows of ``qs`` (scoped) in the table's columns."""
    return to_bytes([Sheet(table.title, table.columns, table.export(zone, qs))])


def template_for(table: Table) -> bytes:
    return template(table.columns, table.title)


PROBLEM_COLUMNS = bulk.PROBLEM_COLUMNS
problems_xlsx = bulk.problems_xlsx


problem_dicts = bulk.shown_problems  # the import pages' list of problems (``platform.bulk``)
