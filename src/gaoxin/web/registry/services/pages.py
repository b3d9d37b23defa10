"""What the registry's pages show: the zone dashboard, the enterprise list and the enterprise profile.

Views authorize and render; everything shown is assembled here from scoped querysets (``visible``) with
few, aggregate queries — counts are counted by the database, never by loading rows. Every number of a
score explanation comes from the pure engine (``gaoxin.scoring``): this module only asks it and lays
the answer out for a template and for the charts (plain lists that ``charts.js`` draws).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gaoxin.data.dictionary import BY_ID, QUALIFICATION_KINDS, TECH_FIELDS, Field
from gaoxin.io import display as io_display
from gaoxin.scoring.explain import Explanation, UnknownEnterprise, value_kind
from gaoxin.scoring.model import Label, Model
from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.credit.models import Score, ScoreRun
from gaoxin.web.credit.services import explain_in_run, run_model
from gaoxin.web.platform import labels as platform_labels
from gaoxin.web.platform.caching import remember
from gaoxin.web.registry.models import (
    ENTERPRISE_COLUMNS,
    REPORT_COLUMNS,
    AnnualReport,
    ChangeRecord,
    Correction,
    Enterprise,
    ImportBatch,
    Qualification,
    Zone,
)
from gaoxin.web.registry.services.corrections import ENTERPRISE_FIELD_IDS, REPORT_FIELD_IDS
from gaoxin.web.registry.services.versions import register_version

HISTOGRAM_WIDTH = 5  # points per bar of the score distribution
TOP = 20
RECENT_IMPORTS = 10
TREND_YEARS = 5
HISTORY_LIMIT = 100  # newest changes shown on the profile
CORRECTION_PREFIX = "correction:"


# --- labels in the reader's language ---------------------------------------------------------------


def english() -> bool:
    return (get_language() or "").startswith("en")


def label(lbl: Label) -> str:
    return lbl.en if english() and lbl.en else lbl.zh


def field_label(f: Field | str) -> str:
    f = BY_ID[f] if isinstance(f, str) else f
    return f.en if english() and f.en else f.zh


def display(fid: str, value) -> str:
    """A stored value as a person reads it: thousands separators, ratios in per cent, 是/否."""
    if value is None or value == "":
        return ""
    f = BY_ID.get(fid)
    kind = f.type if f else ""
    if kind in ("money", "number") and isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    if kind == "ratio" and isinstance(value, Decimal):
        return f"{(value * 100).normalize():f}%"
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "enum":
        return platform_labels.choice(value)  # a high-tech field, a board, a level: in the reader's language
    return str(value)


def number(x: float | None) -> str:
    """An engine value (indicator value, points) rounded for reading."""
    if x is None:
        return ""
    ax = abs(x)
    if x == int(x) and ax < 1e15:
        return f"{int(x):,}"
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:,.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    return f"{x:.4f}".rstrip("0").rstrip(".") if x else "0"


def percent(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.0f}%"


# --- runs and their models -------------------------------------------------------------------------

_models: dict[str, Model] = {}
_models_lock = threading.Lock()


def model_of(run: ScoreRun) -> Model:
    """The run's model (``run_model``), parsed once per model file: runs never change their model."""
    key = run.model_sha256 or f"run:{run.pk}"
    with _models_lock:
        model = _models.get(key)
    if model is None:
        model = run_model(run)
        with _models_lock:
            if len(_models) > 64:
                _models.clear()
            _models[key] = model
    return model


def latest_run(user, zone: Zone) -> ScoreRun | None:
    """The zone's most recent finished score run the user may see."""
    return (
        visible(user, ScoreRun)
        .filter(zone=zone, status=ScoreRun.Status.DONE)
        .order_by(F("finished").desc(nulls_last=True), "-id")
        .first()
    )


# --- dashboard --------------------------------------------------------------------------------------


@dataclass
class Completeness:
    year: int | None
    reports: int
    fields: list[dict]  # {"id", "label", "unit", "filled", "missing", "share", "table"}: every field
    departments: list[dict]  # {"name", "values", "share", "fields", "batches"}: who supplied the values
    by_department: dict  # chart: per incomplete field, the share each department supplied
    incomplete: list[dict] = field(default_factory=list)  # {"department", "fields": [...]} worst first
    complete: int = 0  # fields with a value for every firm (report), shown as one line


@dataclass
class Dashboard:
    zone: Zone
    run: ScoreRun | None
    enterprises: int
    stages: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    stage_rows: list[dict] = field(default_factory=list)  # {"stage", "counts": [...], "total"}
    grade_totals: list[int] = field(default_factory=list)
    scored: int = 0
    histogram: list[dict] = field(default_factory=list)  # {"label", "count"}
    top: list[dict] = field(default_factory=list)  # {"position", "score", "stage"}
    lists: list[dict] = field(default_factory=list)  # {"name", "count"}
    completeness: Completeness | None = None
    imports: list[ImportBatch] = field(default_factory=list)
    charts: dict = field(default_factory=dict)


def dashboard(user, zone: Zone) -> Dashboard:
    """Everything the zone dashboard shows, from the latest finished run and the zone's register."""
    board = Dashboard(
        zone=zone, run=latest_run(user, zone), enterprises=visible(user, Enterprise).filter(zone=zone).count()
    )
    if board.run is not None:
        _scores(user, board)
    board.completeness = completeness(user, zone)
    board.imports = list(visible(user, ImportBatch).filter(zone=zone).select_related("user")[:RECENT_IMPORTS])
    board.charts["completeness"] = board.completeness.by_department
    return board


def _scores(user, board: Dashboard) -> None:
    run = board.run
    model = model_of(run)
    scores = visible(user, Score).filter(run=run)
    stage_names = {s.id: label(s.name) for s in model.stages}
    grades = [g.grade for g in sorted(model.grades, key=lambda g: -g.min)]
    counts: dict[tuple[str, str], int] = {}
    for stage, grade, n in scores.order_by().values_list("stage", "grade").annotate(n=Count("id")):
        counts[(stage, grade)] = n
    if any(g not in grades for _, g in counts):
        grades += sorted({g for _, g in counts if g not in grades})
    stages = [s.id for s in model.stages] + sorted({s for s, _ in counts if s not in stage_names})
    board.stages = [stage_names.get(s, s) for s in stages]
    board.grades = [g or "—" for g in grades]
    for s in stages:
        row = [counts.get((s, g), 0) for g in grades]
        board.stage_rows.append({"stage": stage_names.get(s, s), "counts": row, "total": sum(row)})
    board.grade_totals = [sum(counts.get((s, g), 0) for s in stages) for g in grades]
    board.scored = sum(counts.values())
    board.charts["stages"] = {
        "kind": "bar",
        "stacked": True,
        "x": board.stages,
        "series": [
            {"name": board.grades[i], "y": [r["counts"][i] for r in board.stage_rows]}
            for i in range(len(grades))
        ],
        "ytitle": _("Enterprises"),
    }
    board.histogram = _histogram(scores, model)
    board.charts["histogram"] = {
        "kind": "bar",
        "x": [b["label"] for b in board.histogram],
        "series": [{"name": _("Enterprises"), "y": [b["count"] for b in board.histogram]}],
        "xtitle": _("Total score"),
        "ytitle": _("Enterprises"),
    }
    top = scores.select_related("enterprise").order_by("-total", "enterprise__uscc")[:TOP]
    board.top = [
        {"position": n, "score": s, "stage": stage_names.get(s.stage, s.stage), "total": number(s.total)}
        for n, s in enumerate(top, 1)
    ]
    list_names = {lst.id: label(lst.name) for lst in model.lists}
    by_list = dict(scores.exclude(list="").order_by().values_list("list").annotate(n=Count("id")))
    board.lists = [
        {"name": list_names.get(k, k), "count": by_list.get(k, 0)}
        for k in [*list_names, *sorted(set(by_list) - set(list_names))]
    ]


def _histogram(scores: QuerySet, model: Model) -> list[dict]:
    """Firms per band of HISTOGRAM_WIDTH points, counted by the database."""
    top = max([model.stage_max(s.id) for s in model.stages] or [100.0]) + model.bonus_cap
    bins = max(1, int(-(-top // HISTOGRAM_WIDTH)))
    found = Counter()
    rows = (
        scores.annotate(b=Floor(F("total") / HISTOGRAM_WIDTH))
        .order_by()
        .values_list("b")
        .annotate(n=Count("id"))
    )
    for b, n in rows:
        found[min(max(int(b), 0), bins - 1)] += n  # the very top score belongs to the last band
    return [
        {"label": f"{i * HISTOGRAM_WIDTH}–{(i + 1) * HISTOGRAM_WIDTH}", "count": found.get(i, 0)}
        for i in range(bins)
    ]


def _is_text(f: Field) -> bool:
    return f.type in ("text", "enum")


def _filled(f: Field) -> Count:
    """Count of the rows where field ``f`` has a value (text columns store a missing value as '')."""
    return Count("pk", filter=~Q(**{f.id: ""})) if _is_text(f) else Count(f.id)


def completeness(user, zone: Zone) -> Completeness:
    """Share of values per dictionary field (the register, and the latest year's reports); the fields
    still missing values, worst first, under the department that usually supplies them; and which
    department supplied the values the register holds (register, reports and qualifications).

    The figures change only when the register does (an import applied, a correction decided), and
    reading every field's provenance of every row takes seconds at 100,000 firms: they are kept in the
    cache under the register's version (``register_version``) and computed again after a change."""
    parts = [zone.pk, user.role, get_language(), register_version(zone)]
    return remember("registry:completeness", parts, lambda: _completeness(user, zone))


def _completeness(user, zone: Zone) -> Completeness:
    reports = visible(user, AnnualReport).filter(enterprise__zone=zone)
    year = reports.aggregate(y=Max("year"))["y"]
    out = Completeness(year=year, reports=0, fields=[], departments=[], by_department={})
    ents = visible(user, Enterprise).filter(zone=zone)
    ent_agg = ents.aggregate(n=Count("pk"), **{f"f_{f.id}": _filled(f) for f in ENTERPRISE_COLUMNS})
    for f in ENTERPRISE_COLUMNS:
        out.fields.append(_share_row(f, ent_agg[f"f_{f.id}"], ent_agg["n"], _("Registry data")))
    rows = reports.none()
    if year is not None:
        rows = reports.filter(year=year)
        agg = rows.aggregate(n=Count("pk"), **{f"f_{f.id}": _filled(f) for f in REPORT_COLUMNS})
        out.reports = agg["n"]
        for f in REPORT_COLUMNS:
            out.fields.append(
                _share_row(f, agg[f"f_{f.id}"], agg["n"], _("Annual report %(year)s") % {"year": year})
            )
    _incomplete(out)
    _departments(user, ents, rows, zone, out)
    return out


def _share_row(f: Field, filled: int, n: int, table: str) -> dict:
    return {
        "id": f.id,
        "label": field_label(f),
        "unit": platform_labels.unit(f.unit),
        "filled": filled,
        "total": n,
        "missing": n - filled,
        "share": filled / n if n else 0.0,
        "percent": percent(filled / n) if n else "",
        "table": table,
    }


def _usual_department() -> dict[str, str]:
    """Field id → the department (in the departments' order) that usually supplies it."""
    from gaoxin.web.registry.bulk_io import departments

    out: dict[str, str] = {}
    for d in departments():
        for fid in d.fields:
            out.setdefault(fid, platform_labels.label(d))
    return out


def _incomplete(out: Completeness) -> None:
    """The fields that lack values for some firm, worst first, grouped under the department that
    usually supplies them (the worst group first); the complete ones are only counted."""
    missing = [r for r in out.fields if r["total"] and r["filled"] < r["total"]]
    out.complete = sum(1 for r in out.fields if r["total"] and r["filled"] == r["total"])
    usual = _usual_department()
    nobody = _("No department supplies these usually")
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in sorted(missing, key=lambda r: (r["share"], -r["missing"], r["label"])):
        groups[usual.get(r["id"], nobody)].append(r)
    out.incomplete = [
        {"department": name, "fields": rows, "missing": sum(r["missing"] for r in rows)}
        for name, rows in sorted(groups.items(), key=lambda g: (g[1][0]["share"], g[0]))
    ]


def _source_counts(qs: QuerySet, ids: list[str]) -> list[tuple[str, object, int]]:
    """(field, source, rows) for the rows of ``qs``, grouped by the source of each field (one query)."""
    keys = {f"s_{i}": KT(f"sources__{i}") for i in ids}
    grouped = qs.annotate(**keys).order_by().values(*keys).annotate(n=Count("pk"))
    return [(i, g[f"s_{i}"], g["n"]) for g in grouped for i in ids if g[f"s_{i}"] is not None]


def _departments(user, ents: QuerySet, rows: QuerySet, zone: Zone, out: Completeness) -> None:
    """Who supplied the values: the register's fields, the latest reports' fields (each grouped by the
    batch its value came from) and the qualifications (by their batch), a few queries in all.

    Every table counts: the department that brought in the firms (市场监管局's register and
    qualifications) is credited as well as the one that sent the reports (统计局)."""
    report_ids = [f.id for f in REPORT_COLUMNS]
    ent_ids = ["name", "zone", *(f.id for f in ENTERPRISE_COLUMNS)]
    found = _source_counts(ents, ent_ids) + _source_counts(rows, report_ids)
    quals = (
        visible(user, Qualification)
        .filter(enterprise__zone=zone)
        .order_by()
        .values_list("batch_id")
        .annotate(n=Count("pk"))
    )
    found += [("qualification", batch_id, n) for batch_id, n in quals]
    batch_ids = {int(v) for _f, v, _n in found if v is not None and str(v).isdigit()}
    batches = dict(
        visible(user, ImportBatch).filter(pk__in=batch_ids).order_by().values_list("pk", "department")
    )
    unnamed, corrections = _("Department not given"), _("Enterprise corrections")

    def department(v) -> str:
        v = "" if v is None else str(v)
        if v.startswith(CORRECTION_PREFIX):
            return corrections
        return (batches.get(int(v)) if v.isdigit() else None) or unnamed

    per: dict[str, Counter] = defaultdict(Counter)
    used: dict[str, set] = defaultdict(set)
    for fid, v, n in found:
        d = department(v)
        per[d][fid] += n
        if str(v).isdigit():
            used[d].add(int(v))
    total_values = sum(sum(c.values()) for c in per.values())
    names = sorted(per, key=lambda d: (-sum(per[d].values()), d))

    def name(fid: str) -> str:
        return _("Qualifications") if fid == "qualification" else field_label(fid)

    out.departments = [
        {
            "name": d,
            "values": sum(per[d].values()),
            "share": percent(sum(per[d].values()) / total_values) if total_values else "",
            "fields": len(per[d]),
            "field_labels": "、".join(
                name(f) for f in [*ent_ids, *report_ids, "qualification"] if f in per[d]
            ),
            "batches": len(used[d]),
        }
        for d in names
    ]
    # the chart: the incomplete fields only (worst first), each bar the share each department supplied
    shown = [r for g in out.incomplete for r in g["fields"]]
    shown.sort(key=lambda r: (r["share"], r["label"]))
    out.by_department = {
        "kind": "hbar",
        "stacked": True,
        "y": [r["label"] for r in shown],
        "series": [
            {
                "name": d,
                "x": [
                    round(per[d].get(r["id"], 0) / r["total"] * 100, 1) if r["total"] else 0 for r in shown
                ],
            }
            for d in names
        ],
        "xtitle": _("Share of firms with a value (%)"),
        "xmax": 100,
    }


# --- enterprise list ---------------------------------------------------------------------------------


# Sort keys a user may ask for (anything else: the default, never an error): the field to order by,
# descending first for the figures (highest score, revenue, R&D first); "-key" reverses.
SORTS: dict[str, tuple[str, bool]] = {
    "name": ("name", False),
    "score": ("score_total", True),
    "revenue": ("latest_revenue", True),
    "rd": ("latest_rd", True),
}
DEFAULT_SORT = "name"


@dataclass
class EnterpriseFilters:
    """What the enterprise list is filtered and sorted by, cleaned (``clean_filters``)."""

    q: str = ""
    tech_field: str = ""
    zone: Zone | None = None
    stage: str = ""
    grade: str = ""
    qualification: str = ""
    sort: str = DEFAULT_SORT

    def query(self) -> dict[str, str]:
        """The filters as query-string parameters (for the export link and the pager)."""
        out = {
            "q": self.q,
            "tech_field": self.tech_field,
            "zone": self.zone.code if self.zone else "",
            "stage": self.stage,
            "grade": self.grade,
            "qualification": self.qualification,
            "sort": "" if self.sort == DEFAULT_SORT else self.sort,
        }
        return {k: v for k, v in out.items() if v}

    def described(self) -> dict[str, str]:
        """The filters in words, for the audit log."""
        return {k: v for k, v in self.query().items() if k != "sort"}


def latest_runs(user, zone_ids=None) -> dict[int, ScoreRun]:
    """Each zone's most recent finished run the user may see (one query; a zone has a few runs a year)."""
    runs = visible(user, ScoreRun).filter(status=ScoreRun.Status.DONE)
    if zone_ids is not None:
        runs = runs.filter(zone_id__in=list(zone_ids))
    latest: dict[int, ScoreRun] = {}
    for run in runs.order_by(F("finished").desc(nulls_last=True), "-id").defer("model_source", "notes"):
        latest.setdefault(run.zone_id, run)
    return latest


def sort_key(value: str) -> str:
    """A whitelisted sort key (``SORTS``, optionally with a leading ``-``), else the default."""
    value = (value or "").strip()
    return value if value.lstrip("-") in SORTS else DEFAULT_SORT


def filter_choices(user, runs: dict[int, ScoreRun]) -> dict:
    """The stages and grades of the latest runs' models, the qualification kinds and the high-tech
    fields, each as (value, name in the reader's language)."""
    stages: dict[str, str] = {}
    grades: dict[str, float] = {}
    for run in runs.values():
        model = model_of(run)
        for s in model.stages:
            stages.setdefault(s.id, label(s.name))
        for g in model.grades:
            grades[g.grade] = max(grades.get(g.grade, g.min), g.min)
    return {
        "stages": list(stages.items()),
        "grades": [(g, g) for g in sorted(grades, key=lambda g: -grades[g])],
        "qualifications": [(k, platform_labels.qualification(k)) for k in QUALIFICATION_KINDS],
        "tech_fields": [(t, platform_labels.choice(t)) for t in TECH_FIELDS],
    }


def enterprise_list(
    user,
    *,
    q: str = "",
    tech_field: str = "",
    zone: Zone | None = None,
    stage: str = "",
    grade: str = "",
    qualification: str = "",
    sort: str = DEFAULT_SORT,
    runs: dict[int, ScoreRun] | None = None,
) -> QuerySet:
    """The enterprises a user may see, searched by name or code, filtered by high-tech field, stage and
    grade (in its zone's latest finished run) and current qualification, sorted by a whitelisted key.

    Each row carries ``score_total``/``score_grade``/``score_stage`` (its latest run's score) and
    ``latest_revenue``/``latest_rd``/``latest_year`` (its latest annual report) as subqueries, so a page
    costs the same few queries whatever its size.
    """
    qs = visible(user, Enterprise).select_related("zone")
    if zone is not None:
        qs = qs.filter(zone=zone)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
    if tech_field:
        qs = qs.filter(tech_field=tech_field)
    if runs is None:
        runs = latest_runs(user, [zone.pk] if zone is not None else None)
    score = visible(user, Score).filter(enterprise=OuterRef("pk"), run_id__in=[r.pk for r in runs.values()])
    report = visible(user, AnnualReport).filter(enterprise=OuterRef("pk")).order_by("-year")
    qs = qs.annotate(
        score_total=Subquery(score.values("total")[:1]),
        score_grade=Subquery(score.values("grade")[:1]),
        score_stage=Subquery(score.values("stage")[:1]),
        latest_year=Subquery(report.values("year")[:1]),
        latest_revenue=Subquery(report.values("revenue")[:1]),
        latest_rd=Subquery(report.values("rd_expense")[:1]),
    )
    # Filtered as EXISTS, not through the annotations: a filter on a Subquery is evaluated row by row
    # (PostgreSQL: 149 → 23 ms for a stage at 10,000 firms), a semi-join is not. A firm has one score in
    # the latest runs (two only if it moved zone between runs, where the annotation picks either).
    if stage:
        qs = qs.filter(Exists(score.filter(stage=stage)))
    if grade:
        qs = qs.filter(Exists(score.filter(grade=grade)))
    if qualification:
        today = timezone.localdate()
        held = visible(user, Qualification).filter(
            enterprise=OuterRef("pk"), kind=qualification, valid_from__lte=today, valid_to__gte=today
        )
        qs = qs.filter(Exists(held))
    key = sort_key(sort)
    column, descending = SORTS[key.lstrip("-")]
    if key.startswith("-"):
        descending = not descending
    if column == "name":
        order = ["-name" if descending else "name"]
        return qs.order_by("zone__code", *order, "pk")
    first = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return qs.order_by(first, "name", "pk")


EXPORT_COLUMNS = (
    ("name", "企业名称", "Enterprise", "text"),
    ("uscc", "统一社会信用代码", "Unified social credit code", "text"),
    ("zone", "所在园区", "Zone", "text"),
    ("tech_field", "高新技术领域", "High-tech field", "text"),
    ("established", "成立日期", "Date established", "date"),
    ("stage", "阶段", "Stage", "text"),
    ("grade", "等级", "Grade", "text"),
    ("score", "最新得分", "Latest score", "decimal"),
    ("year", "年报年度", "Report year", "int"),
    ("revenue", "营业收入（万元）", "Operating revenue (10k yuan)", "decimal"),
    ("rd_expense", "研发费用（万元）", "R&D expenditure (10k yuan)", "decimal"),
)


def enterprise_export(request, qs: QuerySet, filters: EnterpriseFilters, runs: dict[int, ScoreRun]) -> bytes:
    """The filtered list (every row, not one page) as xlsx through the shared writer (formula
    neutralisation included), in the list's order; audited with the filters and the row count."""
    from gaoxin.io.tables import Column, Sheet, to_bytes

    stage_names: dict[str, str] = {}
    for run in runs.values():
        for s in model_of(run).stages:
            stage_names.setdefault(s.id, s.name.zh)  # the workbook is Chinese, as every export
    rows = []
    values = qs.values_list(
        "name", "uscc", "zone__name", "tech_field", "established", "score_stage", "score_grade",
        "score_total", "latest_year", "latest_revenue", "latest_rd",
    )  # fmt: skip
    for name, code, zone_name, tech, est, stage, grade, total, year, revenue, rd in values.iterator(2000):
        rows.append(
            {
                "name": name,
                "uscc": code,
                "zone": zone_name,
                "tech_field": tech or None,
                "established": est,
                "stage": stage_names.get(stage, stage) if stage else None,
                "grade": grade or None,
                "score": None if total is None else Decimal(str(round(total, 2))),
                "year": year,
                "revenue": revenue,
                "rd_expense": rd,
            }
        )
    columns = [Column(cid, zh, en, kind) for cid, zh, en, kind in EXPORT_COLUMNS]
    content = to_bytes([Sheet("企业名录", columns, rows)])
    audit(request, "export", None, what="enterprises", rows=len(rows), filters=filters.described())
    return content


def latest_scores(
    user, enterprises: list[Enterprise], runs: dict[int, ScoreRun] | None = None
) -> dict[int, Score]:
    """For a page of enterprises: each one's score in its zone's latest finished run (two queries, one
    when the zones' latest ``runs`` are given)."""
    zones = {e.zone_id for e in enterprises}
    if not zones:
        return {}
    latest: dict[int, int] = {}
    if runs is not None:
        latest = {z: r.pk for z, r in runs.items() if z in zones}
    else:
        found = (
            visible(user, ScoreRun)
            .filter(zone_id__in=zones, status=ScoreRun.Status.DONE)
            .order_by(F("finished").desc(nulls_last=True), "-id")
            .values_list("zone_id", "pk")
        )
        for zone_id, pk in found:  # a zone has a handful of runs a year: cheap to walk
            latest.setdefault(zone_id, pk)
    scores = visible(user, Score).filter(
        run__in=list(latest.values()), enterprise__in=[e.pk for e in enterprises]
    )
    return {s.enterprise_id: s for s in scores.order_by()}


# --- enterprise profile -------------------------------------------------------------------------------


@dataclass
class Breakdown:
    run: ScoreRun
    score: Score  # as stored by the run
    stage: str
    explanation: Explanation | None
    data_changed: bool = False
    unavailable: str = ""  # why there is no explanation (the firm has no report for the year any more)
    categories: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    levers: list[dict] = field(default_factory=list)
    penalties: list[dict] = field(default_factory=list)
    list_name: str = ""
    chart: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)


@dataclass
class Profile:
    enterprise: Enterprise
    facts: list[dict]
    years: list[int]
    report_rows: list[dict]
    trends: dict
    qualifications: list[dict]
    changes: list[dict]
    changes_total: int
    batches: list[dict]
    breakdown: Breakdown | None


def profile(user, enterprise: Enterprise) -> Profile:
    """The enterprise page: registry data, trends, score breakdown, qualifications and history.

    ``enterprise`` must come from ``visible(user, Enterprise)``; each part is read through ``visible``
    too, so a bank (which sees the firm and its listed score, not its reports) gets only those parts.
    """
    reports = list(visible(user, AnnualReport).filter(enterprise=enterprise).order_by("year"))
    changes_qs = visible(user, ChangeRecord).filter(enterprise=enterprise)
    # Provenance goes with history: who may not read the firm's changes (a bank) is not told which of
    # the zone's files its values came from either.
    with_history = not changes_qs.query.is_empty()
    batch_refs = _batch_refs(enterprise, reports) if with_history else Counter()
    batches = _batches(batch_refs)

    def source(ref) -> str:
        return _source_text(_ref(ref), batches) if with_history else ""

    facts = [
        {"label": field_label("uscc"), "value": enterprise.uscc, "source": ""},
        {
            "label": field_label("name"),
            "value": enterprise.name,
            "source": source(enterprise.sources.get("name")),
        },
        {
            "label": field_label("zone"),
            "value": str(enterprise.zone),
            "source": source(enterprise.sources.get("zone")),
        },
    ]
    for f in ENTERPRISE_COLUMNS:
        facts.append(
            {
                "label": field_label(f),
                "value": display(f.id, getattr(enterprise, f.id)),
                "source": source(enterprise.sources.get(f.id)),
            }
        )
    shown_reports = reports[-TREND_YEARS:]
    report_rows = [
        {
            "label": field_label(f),
            "unit": platform_labels.unit(f.unit),
            "cells": [
                {"value": display(f.id, getattr(r, f.id)), "source": source(r.sources.get(f.id))}
                for r in shown_reports
            ],
        }
        for f in REPORT_COLUMNS
    ]
    changes = list(changes_qs.select_related("batch", "user")[:HISTORY_LIMIT])
    total = changes_qs.count()  # always counted: the page's queries stay the same as history grows
    return Profile(
        enterprise=enterprise,
        facts=facts,
        years=[r.year for r in shown_reports],
        report_rows=report_rows,
        trends=_trends(shown_reports),
        qualifications=_qualifications(user, enterprise),
        changes=[_change_row(c) for c in changes],
        changes_total=total,
        batches=_batch_rows(batch_refs, batches),
        breakdown=breakdown(user, enterprise),
    )


def _batch_refs(enterprise: Enterprise, reports: list[AnnualReport]) -> Counter:
    """How many of the firm's values each source (batch id, or 'correction:<id>') set."""
    refs: Counter = Counter()
    for sources in [enterprise.sources, *(r.sources for r in reports)]:
        for v in sources.values():
            if v is not None:
                refs[_ref(v)] += 1
    return refs


def _ref(v):
    """A ``sources`` value: an ImportBatch id (int) or ``correction:<id>``."""
    return int(v) if isinstance(v, int) or (isinstance(v, str) and v.isdigit()) else v


def _batches(refs: Counter) -> dict[int, ImportBatch]:
    # Provenance of data the user already sees: the ids come from the ``sources`` of the enterprise and
    # reports that ``visible`` returned, so these batches are exactly the files its values came from
    # (an enterprise sees which file set its own values, not the zone's other imports).
    ids = [r for r in refs if isinstance(r, int)]
    if not ids:
        return {}
    qs = ImportBatch.objects.filter(pk__in=ids).select_related("user")
    return {
        b.pk: b
        for b in qs.only(
            "pk", "file_name", "department", "created", "status", "user__username", "user__display_name"
        )
    }


def _source_text(ref, batches: dict[int, ImportBatch]) -> str:
    if ref is None:
        return ""
    if isinstance(ref, str) and ref.startswith(CORRECTION_PREFIX):
        return _("Correction #%(id)s") % {"id": ref.removeprefix(CORRECTION_PREFIX)}
    b = batches.get(ref) if isinstance(ref, int) else None
    if b is None:
        return _("Import #%(id)s") % {"id": ref}
    return f"{b.file_name} · {b.department}" if b.department else b.file_name


def _batch_rows(refs: Counter, batches: dict[int, ImportBatch]) -> list[dict]:
    rows = []
    for ref, n in refs.items():
        b = batches.get(ref) if isinstance(ref, int) else None
        correction = isinstance(ref, str) and ref.startswith(CORRECTION_PREFIX)
        rows.append(
            {
                "source": _source_text(ref, batches),
                "department": b.department if b else (_("Enterprise correction") if correction else ""),
                "created": b.created if b else None,
                "user": (str(b.user) if b and b.user else ""),  # the display name, as elsewhere
                "values": n,
            }
        )
    epoch = timezone.make_aware(dt.datetime(1970, 1, 1))
    return sorted(rows, key=lambda r: r["created"] or epoch, reverse=True)


def _trends(reports: list[AnnualReport]) -> dict:
    years = [r.year for r in reports]

    def series(*fids: str) -> list[dict]:
        return [
            {
                "name": field_label(f),
                "y": [None if getattr(r, f) is None else str(getattr(r, f)) for r in reports],
            }
            for f in fids
        ]

    return {
        "money": {
            "kind": "line",
            "x": years,
            "series": series("revenue", "rd_expense"),
            "ytitle": platform_labels.unit(BY_ID["revenue"].unit),
        },
        "people": {
            "kind": "line",
            "x": years,
            "series": series("employees", "rd_staff"),
            "ytitle": _("people"),
        },
        "patents": {
            "kind": "line",
            "x": years,
            "series": series("invention_patents", "utility_models"),
            "ytitle": _("patents"),
        },
    }


def _qualifications(user, enterprise: Enterprise) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "kind": platform_labels.qualification(q.kind),
            "valid_from": q.valid_from,
            "valid_to": q.valid_to,
            "certificate_no": q.certificate_no,
            "current": q.valid_from <= today <= q.valid_to,
        }
        for q in visible(user, Qualification).filter(enterprise=enterprise).order_by("-valid_from", "kind")
    ]


def _change_row(c: ChangeRecord) -> dict:
    f = BY_ID.get(c.field)
    if c.correction_id:
        source = _("Correction #%(id)s") % {"id": c.correction_id}
    elif c.batch is not None:
        source = f"{c.batch.file_name} · {c.batch.department}" if c.batch.department else c.batch.file_name
    else:
        source = ""
    return {
        "at": c.at,
        "user": str(c.user) if c.user else "",
        "field": field_label(f) if f else c.field,
        "year": c.year,
        "old": c.old,
        "new": c.new,
        "old_shown": _stored_text(c.field, c.old),  # as the field is shown elsewhere
        "new_shown": _stored_text(c.field, c.new),
        "source": source,
    }


def _stored_text(fid: str, text: str | None) -> str | None:
    """A change record's old or new value (kept as text) as the field is shown elsewhere: thousands
    separators, a ratio in per cent; anything that does not read as a number stays as it is."""
    f = BY_ID.get(fid)
    if not text or f is None or f.type not in ("money", "number", "ratio", "int"):
        return text
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    if not value.is_finite():
        return text
    if f.type == "int":
        return display(fid, int(value)) if value == value.to_integral_value() else text
    return display(fid, value)


def breakdown(user, enterprise: Enterprise) -> Breakdown | None:
    """The score of the latest finished run that includes the firm (and that the user may see), explained
    by the engine over the zone's current data; says so when the data changed since the run."""
    score = (
        visible(user, Score)
        .filter(enterprise=enterprise, run__status=ScoreRun.Status.DONE)
        .select_related("run", "run__zone")
        .order_by(F("run__finished").desc(nulls_last=True), "-run_id")
        .first()
    )
    if score is None:
        return None
    run = score.run
    model = model_of(run)
    stage_names = {s.id: label(s.name) for s in model.stages}
    out = Breakdown(run=run, score=score, stage=stage_names.get(score.stage, score.stage), explanation=None)
    list_names = {lst.id: label(lst.name) for lst in model.lists}
    out.list_name = list_names.get(score.list, score.list)
    try:
        found = explain_in_run(run, enterprise.uscc)
        out.data_changed = found.data_changed
        exp = found.explanation
    except UnknownEnterprise:
        out.unavailable = _(
            "The enterprise has no annual report for %(year)s any more, so its score cannot be explained."
        ) % {"year": run.year}
        return out
    out.explanation = exp
    _lay_out(out, model, exp, stage_names, list_names)
    return out


def _quartile(q: str) -> str:
    """What a lever's step is (``gaoxin.scoring.explain``: a quartile, the next band or full points)."""
    names = {
        "Q1": _("cohort's first quartile"),
        "Q2": _("cohort's median"),
        "Q3": _("cohort's third quartile"),
        "band": _("the next band"),
        "full": _("full points"),
    }
    return names.get(q, q)


def _in_unit(value: float | None, kind: tuple[str, str]) -> str:
    """An indicator's value in the field's unit (万元, %, 件 …), as every page shows the field."""
    try:
        return io_display.with_unit(value, *kind)
    except (TypeError, ValueError):
        return number(value)


def _lay_out(out: Breakdown, model: Model, exp: Explanation, stage_names: dict, list_names: dict) -> None:
    cat_names = {c.id: label(c.name) for c in model.categories}
    out.stage = stage_names.get(exp.stage, exp.stage)
    out.list_name = list_names.get(exp.list or "", exp.list or "")
    out.totals = {
        "total": number(exp.total),
        "stored": number(out.score.total),  # as the run stored it (differs only if the data changed)
        "base": number(exp.base),
        "bonus": number(exp.bonus),
        "penalty": number(exp.penalty),
        "max": number(model.stage_max(exp.stage)),
        "bonus_cap": number(model.bonus_cap),
        "rank": exp.rank,
        "cohort_size": exp.cohort_size,
        "grade": exp.grade or "",
        "vetoed": exp.vetoed,
    }
    full = {
        c.id: sum(i.weight(exp.stage) for i in model.all_indicators if i.category == c.id)
        for c in model.categories
    }
    for c in model.categories:
        out.categories.append(
            {"name": cat_names[c.id], "points": number(exp.categories[c.id]), "full": number(full[c.id])}
        )
    for line in exp.indicators:
        ind = model.indicator(line.id)
        out.indicators.append(
            {
                "category": cat_names.get(line.category, line.category),
                "name": label(ind.name),
                "bonus": line.bonus,
                "value": _in_unit(line.value, value_kind(ind)),
                "points": number(line.points),
                "full": number(line.full_points),
                "percentile": percent(line.percentile),
                "missing": line.missing,
            }
        )
    out.levers = [
        {
            "name": label(model.indicator(lv.indicator).name),
            "value": _in_unit(lv.value, value_kind(model.indicator(lv.indicator))),
            "target": _in_unit(lv.target, value_kind(model.indicator(lv.indicator))),
            "quartile": _quartile(lv.quartile),
            "points_now": number(lv.points_now),
            "points_after": number(lv.points_after),
            "gain": number(lv.total_gain),
        }
        for lv in exp.levers
    ]
    names = {p.id: label(p.name) for p in model.penalties}
    out.penalties = [
        {"name": names.get(pid, name), "points": number(points)} for pid, name, points in exp.penalties
    ]
    out.chart = {
        "kind": "bar",
        "x": [c["name"] for c in out.categories],
        "series": [
            {"name": _("Points"), "y": [exp.categories[c.id] for c in model.categories]},
            {"name": _("Full points"), "y": [full[c.id] for c in model.categories]},
        ],
    }


# --- corrections on the pages ----------------------------------------------------------------------------


def corrections(user, *, status: str = "", enterprise: Enterprise | None = None) -> QuerySet:
    qs = visible(user, Correction).select_related("enterprise", "submitted_by", "decided_by")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted", "-id")


def correction_rows(items) -> list[dict]:
    return [
        {
            "correction": c,
            "field": field_label(c.field) if c.field in BY_ID else c.field,
            "unit": platform_labels.unit(BY_ID[c.field].unit) if c.field in BY_ID else "",
        }
        for c in items
    ]


def correction_choices(years: list[int]) -> dict:
    """The fields an enterprise may propose a correction for, grouped, with units and the report years."""

    def option(fid: str) -> dict:
        f = BY_ID[fid]
        hint = platform_labels.unit(f.unit) or {
            "ratio": "0–1 / %",
            "date": "YYYY-MM-DD",
            "bool": _("Yes") + "/" + _("No"),
        }.get(f.type, "")
        if f.choices:
            hint = "、".join(platform_labels.choice(c) for c in f.choices)
        return {"id": fid, "label": field_label(f), "hint": hint}

    return {
        "enterprise": [option(f) for f in ENTERPRISE_FIELD_IDS],
        "report": [option(f) for f in REPORT_FIELD_IDS],
        "years": years,
    }
