"""The cultivation ladder (梯度培育) in the platform: assessments, tier counts, pipeline, candidates.

The rules core (``gaoxin.cultivation``) decides every status, distance and gap; this module only moves the
zone's data in (``registry.services.zone_dataset``, the same path score runs use) and rows out, and
records what is needed to reproduce an assessment: the zone settings used and their hash, the rule-set
ids, the hash of the data snapshot and the code version.

Read functions take querysets the caller has already scoped (``accounts.scoping.visible``), except
``tier_counts``, whose callers (this app's views, the command centre) have authorized the zone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial

import yaml
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.command import targets
from gaoxin.data import safe_yaml
from gaoxin.data.dictionary import QUALIFICATION_KINDS
from gaoxin.io.runinfo import code_version
from gaoxin.web.accounts.scoping import audit
from gaoxin.web.cultivation.models import STATUS_ORDER, LadderEntry, LadderRun, LadderSettings
from gaoxin.web.platform import jobs
from gaoxin.web.platform.caching import remember
from gaoxin.web.platform.labels import english, qualification
from gaoxin.web.platform.models import Job
from gaoxin.web.platform.rows import Const, Prepared, insert_rows
from gaoxin.web.registry.models import Enterprise, Qualification, Zone
from gaoxin.web.registry.services.versions import register_version, register_versions

Progress = Callable[[float], None]
YEARS_READ = 5  # report years before the assessed year the rules may read (3-year R&D ratio, growth)
TREND_YEARS = 6

TIERS: tuple[str, ...] = tuple(QUALIFICATION_KINDS)  # ladder order (= gaoxin.cultivation.TIERS)
STATUS_LABELS = {
    "holds": gettext_lazy("holds"),
    "qualifies": gettext_lazy("qualifies"),
    "near": gettext_lazy("near"),
    "far": gettext_lazy("far"),
    "ineligible": gettext_lazy("not eligible"),
}
STATUS_ZH = {
    "holds": "已认定",
    "qualifies": "已达标",
    "near": "接近",
    "far": "差距较大",
    "ineligible": "不符合基本条件",
}
CANDIDATES = ("qualifies", "near")
# The figures a tier's rows carry (from the rules core's wide frame), with Chinese headers for exports.
NUMBER_LABELS = {
    "score": ("科技型中小企业评价得分", gettext_lazy("Evaluation score")),
    "rd_ratio_3y": ("近三年研发费用占销售收入比例", gettext_lazy("R&D / sales, last 3 years")),
    "rd_threshold": ("研发费用比例门槛", gettext_lazy("R&D ratio required")),
    "growth_points_min": ("成长性得分（下限）", gettext_lazy("Growth points (low)")),
    "growth_points_max": ("成长性得分（上限）", gettext_lazy("Growth points (high)")),
    "capability_min": ("创新能力评价得分（下限）", gettext_lazy("Innovation capability (low)")),
    "capability_max": ("创新能力评价得分（上限）", gettext_lazy("Innovation capability (high)")),
    "held_until": ("资质有效期至", gettext_lazy("Valid until")),
}
RATIO_NUMBERS = {"rd_ratio_3y", "rd_threshold"}


def tier_name(tier: str) -> str:
    """A tier in the reader's language (both names from the data dictionary)."""
    return qualification(tier)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def gap_text(gap: dict) -> str:
    """One gap as the reader reads it (the rules core writes both languages)."""
    if english() and gap.get("text_en"):
        return gap["text_en"]
    return gap.get("text_zh") or gap.get("text_en") or gap.get("label_zh") or gap.get("condition", "")


def _rules():
    import gaoxin.cultivation as rules  # the pure core; imported late so a page never depends on import order

    return rules


# --- tier counts from the register ----------------------------------------------------------------


def tier_counts(
    zone: Zone, years: Iterable[int], qualifications: QuerySet | None = None
) -> dict[int, dict[str, int]]:
    """Firms of ``zone`` holding each tier at the end of each year: valid_from ≤ 31 Dec ≤ valid_to.

    One query whatever the number of years; every tier is present (0 when none). A firm with two
    overlapping certificates of one kind counts once. ``qualifications``: a scoped queryset to count
    from (default: all of the zone's records; the caller has authorized the zone).

    Counting every certificate takes most of a page at 100,000 firms and the counts change only with
    the register: they are kept in the cache under the zone's register version and the reader's scope.
    """
    years = sorted({int(y) for y in years})
    if not years:
        return {}
    qs = Qualification.objects.all() if qualifications is None else qualifications
    parts = [zone.pk, years, register_version(zone)]
    return remember("cultivation:tiers", parts, lambda: _tier_counts(zone, years, qs), scope=qs)


def _tier_counts(zone: Zone, years: list[int], qs: QuerySet) -> dict[int, dict[str, int]]:
    # Grouped by kind, one count per year (not one per year × tier over every row): each row is
    # counted in its own kind's group only, and rows valid at none of the year-ends are left out.
    first, last = dt.date(years[0], 12, 31), dt.date(years[-1], 12, 31)
    qs = qs.filter(enterprise__zone=zone, kind__in=TIERS, valid_from__lte=last, valid_to__gte=first)
    aggregates = {}
    for y in years:
        end = dt.date(y, 12, 31)
        held = Q(valid_from__lte=end, valid_to__gte=end)
        aggregates[f"n_{y}"] = Count("enterprise", distinct=True, filter=held)
    found = {row["kind"]: row for row in qs.order_by().values("kind").annotate(**aggregates)}
    return {y: {tier: found.get(tier, {}).get(f"n_{y}") or 0 for tier in TIERS} for y in years}


def tier_counts_by_zone(
    zones: Iterable[Zone], year: int, qualifications: QuerySet | None = None
) -> dict[int, dict[str, int]]:
    """``tier_counts`` of one year for several zones in one query (the supervision page's zones):
    zone id → tier → firms holding it on 31 December of ``year`` (every tier present, 0 when none).
    Kept in the cache as ``tier_counts`` is, under every zone's register version."""
    ids = [z.pk for z in zones]
    qs = Qualification.objects.all() if qualifications is None else qualifications
    parts = [ids, year, register_versions(ids)]
    compute = partial(_tier_counts_by_zone, ids, year, qs)
    return remember("cultivation:tiers-by-zone", parts, compute, scope=qs)


def _tier_counts_by_zone(ids: list[int], year: int, qs: QuerySet) -> dict[int, dict[str, int]]:
    end = dt.date(year, 12, 31)
    rows = (
        qs.filter(enterprise__zone__in=ids, kind__in=TIERS, valid_from__lte=end, valid_to__gte=end)
        .order_by()
        .values("enterprise__zone", "kind")
        .annotate(n=Count("enterprise", distinct=True))
    )
    found: dict[int, dict[str, int]] = {}
    for r in rows:
        found.setdefault(r["enterprise__zone"], {})[r["kind"]] = r["n"]
    return {pk: {tier: found.get(pk, {}).get(tier, 0) for tier in TIERS} for pk in ids}


def last_complete_year() -> int:
    """The latest year whose 31 December has passed: counts "at year-end" stop there."""
    return timezone.localdate().year - 1


def trend_years(end: int | None = None, n: int = TREND_YEARS) -> list[int]:
    end = end or last_complete_year()
    return list(range(end - n + 1, end + 1))


# --- zone settings ----------------------------------------------------------------------------------


class SettingsError(ValueError):
    pass


def zone_config(zone: Zone) -> dict:
    """The zone's stored settings (the config dict; ``{}`` means the rules core's defaults)."""
    found = LadderSettings.objects.filter(zone=zone).values_list("config", flat=True).first()
    return dict(found or {})


def parse_settings(text: str) -> dict:
    """Settings typed on the page (YAML or JSON) checked by the rules core; SettingsError says why not."""
    text = (text or "").strip()
    if not text:
        return {}
    try:
        data = safe_yaml.load(text)  # bounded in size, depth and aliases
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _("line %(line)s, column %(col)s") % {"line": mark.line + 1, "col": mark.column + 1}
            if mark
            else ""
        )
        problem = getattr(exc, "problem", None) or str(exc)
        raise SettingsError(
            _("The settings are not valid YAML or JSON (%(where)s): %(problem)s")
            % {"where": where, "problem": problem}
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(
            _("The settings must be a mapping of names to values, e.g. near: {hightech: 0.2}.")
        )
    check_config(data)
    return data


def check_config(config: dict):
    """``load_config`` of the rules core over ``config``; SettingsError with its message if it refuses."""
    try:
        return _rules().load_config(config)
    except Exception as exc:  # the core names the setting and the fault; never a traceback to a user
        raise SettingsError(_("The settings were refused: %(reason)s") % {"reason": exc}) from None


def save_settings(zone: Zone, config: dict, user, *, by=None) -> LadderSettings:
    """Check and store the zone's ladder settings; audited (``by``: the request, or the user)."""
    check_config(config)
    found, _created = LadderSettings.objects.update_or_create(
        zone=zone, defaults={"config": config, "updated_by": user}
    )
    audit(by or user, "ladder_settings", zone, config=config_hash(config))
    return found


def settings_text(config: dict) -> str:
    """The stored settings as the page shows them for editing (YAML; Chinese kept as text)."""
    if not config:
        return ""
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def _jsonable(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def resolved_config(config) -> dict:
    """The full config the core will use (defaults filled in), as a JSON-able dict, for the record."""
    for name in ("to_dict", "as_dict", "model_dump"):
        fn = getattr(config, name, None)
        if callable(fn):
            return _jsonable(fn())
    if dataclasses.is_dataclass(config):
        return _jsonable(config)
    return {}


def config_hash(config: dict) -> str:
    text = json.dumps(config, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_settings() -> dict:
    """The rules core's defaults, to show the administrator what may be set."""
    try:
        return resolved_config(_rules().load_config({}))
    except Exception:
        return {}


# --- assessments --------------------------------------------------------------------------------------


def start_assessment(zone: Zone, year: int, user, config: dict | None = None) -> LadderRun:
    """Record an assessment with the zone's settings (checked now; hashed with every default filled in,
    so two runs with the same effective settings carry the same hash)."""
    config = zone_config(zone) if config is None else config
    loaded = check_config(config)
    return LadderRun.objects.create(
        zone=zone,
        year=year,
        config=config,
        config_sha256=config_hash(resolved_config(loaded) or config),
        code_version=code_version(),
        created_by=user,
    )


def execute_assessment(run: LadderRun, progress: Progress | None = None) -> LadderRun:
    """Assess the run's zone for its year with the rules core and store every (firm, tier) row."""
    from gaoxin.web.credit.services import snapshot_hash
    from gaoxin.web.registry.services import zone_dataset

    progress = progress or (lambda _: None)
    rules = _rules()
    config = rules.load_config(run.config)
    data = zone_dataset([run.zone], years=range(run.year - YEARS_READ, run.year + 1))
    progress(0.15)
    result = rules.qualify(data, run.year, config, on=dt.date(run.year, 12, 31))
    progress(0.45)
    ids = dict(Enterprise.objects.filter(zone=run.zone).values_list("uscc", "pk"))
    columns, n = entry_rows(run, result, ids)
    with transaction.atomic():
        insert_rows(LadderEntry, columns, n, lambda f: progress(0.45 + 0.5 * f))
        run.rule_sets = {
            str(k): str(getattr(v, "id", v)) for k, v in dict(getattr(result, "rule_sets", {}) or {}).items()
        }
        run.snapshot_sha256 = snapshot_hash(data, run.year)
        run.assessed = len(set(columns["enterprise_id"]))
        run.status = LadderRun.Status.DONE
        run.finished = timezone.now()
        run.save()
    progress(1.0)
    return run


def _finite(x):
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    return x


def _numbers(wide) -> dict[str, dict[str, dict]]:
    """uscc → tier → figures from the core's wide frame (columns ``<tier>_<figure>``)."""
    if wide is None or wide.height == 0:
        return {}
    cols = {}
    for c in wide.columns:
        for tier in TIERS:
            prefix = f"{tier}_"
            if c.startswith(prefix) and c not in (f"{tier}_status", f"{tier}_gaps", f"{tier}_distance"):
                cols[c] = (tier, c.removeprefix(prefix))
    if not cols:
        return {}
    out: dict[str, dict[str, dict]] = {}
    for r in wide.select(["uscc", *cols]).iter_rows(named=True):
        per = out.setdefault(r["uscc"], {})
        for c, (tier, name) in cols.items():
            v = _finite(r[c])
            if v is not None:
                per.setdefault(tier, {})[name] = v
    return out


def _with_held(numbers: dict, held_until) -> dict:
    """The tier's figures, plus the date a held title lapses (so officers see renewals coming)."""
    if held_until is None:
        return numbers
    return {**numbers, "held_until": held_until.isoformat()}


def entry_rows(run: LadderRun, result, ids: dict[str, int]) -> tuple[dict[str, list | Const], int]:
    """The core's long frame as the columns of the rows to store, and how many rows (a firm that left
    the zone between the read and now is left out). The gaps are written as the JSON text Polars
    encodes (NaN → null), without a round trip through Python objects."""
    import polars as pl

    numbers = _numbers(getattr(result, "wide", None))
    long = result.long
    held = "held_until" in long.columns
    frame = long.select(
        pl.col("uscc").replace_strict(ids, default=None, return_dtype=pl.Int64).alias("enterprise_id"),
        "uscc",
        "tier",
        "status",
        pl.col("status")
        .replace_strict(STATUS_ORDER, default=len(STATUS_ORDER), return_dtype=pl.Int64)
        .alias("status_order"),
        pl.col("distance").cast(pl.Float64).fill_nan(None),
        pl.concat_str(
            pl.lit("["),
            pl.col("gaps").list.eval(pl.element().struct.json_encode()).list.join(",").fill_null(""),
            pl.lit("]"),
        ).alias("gaps"),
        pl.col("next_tier").fill_null(""),
        (pl.col("held_until") if held else pl.lit(None, dtype=pl.Date)).alias("held_until"),
    ).filter(pl.col("enterprise_id").is_not_null())
    no_numbers: dict = {}
    figures = [
        _with_held(numbers.get(uscc, no_numbers).get(tier, no_numbers), held_until)
        for uscc, tier, held_until in zip(frame["uscc"], frame["tier"], frame["held_until"], strict=True)
    ]
    columns: dict[str, list | Const] = {
        "run_id": Const(run.pk),
        "enterprise_id": frame["enterprise_id"].to_list(),
        "tier": frame["tier"].to_list(),
        "status": frame["status"].to_list(),
        "status_order": frame["status_order"].to_list(),
        "distance": frame["distance"].to_list(),
        "gaps": Prepared(frame["gaps"].to_list()),
        "next_tier": frame["next_tier"].to_list(),
        "numbers": figures,
    }
    return columns, frame.height


def _execute_or_fail(run: LadderRun, progress: Progress | None) -> LadderRun:
    """Execute; on any failure mark the run failed and raise an ordinary exception with the reason.

    A panic inside the data engine (pyo3's ``PanicException``) is a ``BaseException``: it is turned
    into a ``RuntimeError`` so that the job machinery records it instead of leaving the job running.
    """
    try:
        return execute_assessment(run, progress)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        LadderRun.objects.filter(pk=run.pk).update(status=LadderRun.Status.FAILED, finished=timezone.now())
        if isinstance(exc, Exception):
            raise
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from exc


def run_assessment(zone: Zone, year: int, user, progress: Progress | None = None) -> LadderRun:
    """Start and execute in one go (the demo, the CLI and tests); pages use ``submit_assessment``."""
    return _execute_or_fail(start_assessment(zone, year, user), progress)


def submit_assessment(zone: Zone, year: int, user) -> LadderRun:
    """Record an assessment and compute it in a background job (inline when jobs are synchronous)."""
    with transaction.atomic():
        run = start_assessment(zone, year, user)
        job = jobs.submit(
            "ladder_run", partial(_job, run.pk), zone=zone, user=user, message=f"{zone.code} · {year}"
        )
        LadderRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run


def _job(run_pk: int, progress: Progress) -> dict:
    run = _execute_or_fail(LadderRun.objects.get(pk=run_pk), progress)
    return {"ladder_run": run_pk, "assessed": run.assessed}


def run_progress(run: LadderRun) -> dict:
    """What the run page's progress bar polls."""
    job = run.job
    done = run.status == LadderRun.Status.DONE
    return {
        "status": run.status,
        "progress": round(1.0 if done else (job.progress if job else 0.0), 3),
        "message": (job.message if job and job.status == Job.Status.FAILED else ""),
        "assessed": run.assessed,
    }


def latest_run(runs: QuerySet, zone: Zone) -> LadderRun | None:
    """The zone's latest finished assessment among ``runs`` (scoped by the caller)."""
    return (
        runs.filter(zone=zone, status=LadderRun.Status.DONE)
        .order_by(F("finished").desc(nulls_last=True), "-id")
        .first()
    )


# --- the cultivation page -------------------------------------------------------------------------------


def status_counts(entries: QuerySet, run: LadderRun) -> dict[str, dict[str, int]]:
    """tier → status → firms in ``run`` (one query; none again for a finished run).

    A finished run's entries never change (written once, before the run is marked done), so its
    counts are kept per run and per scope: the key holds the run's identity (pk, finish time,
    snapshot) and the SQL of the scoped queryset, so another scope or another run never shares them.
    """
    rows = entries.filter(run=run).order_by().values_list("tier", "status").annotate(n=Count("id"))
    try:
        sql = str(rows.query)
    except EmptyResultSet:  # a scope that sees nothing: no SQL to key on (and no query is made)
        sql = None
    if sql is not None and run.status == LadderRun.Status.DONE and run.finished is not None:
        key = (run.pk, run.finished.isoformat(), run.snapshot_sha256, sql)
        found = _DONE_COUNTS.get(key)
        if found is None:
            found = _DONE_COUNTS[key] = tuple(rows)
            while len(_DONE_COUNTS) > DONE_COUNTS_KEPT:
                _DONE_COUNTS.pop(next(iter(_DONE_COUNTS)))
    else:
        found = tuple(rows)
    out = {tier: dict.fromkeys(STATUS_ORDER, 0) for tier in TIERS}
    for tier, status, n in found:
        out.setdefault(tier, dict.fromkeys(STATUS_ORDER, 0))[status] = n
    return out


# (run pk, finished, snapshot, SQL) → the rows of a finished run's counts, oldest first (bounded).
_DONE_COUNTS: dict[tuple, tuple] = {}
DONE_COUNTS_KEPT = 256


def counts_table(counts: dict[int, dict[str, int]]) -> dict:
    """Tier counts laid out for the page: rows per tier, a column per year, and the chart."""
    years = sorted(counts)
    rows = [{"tier": t, "name": tier_name(t), "counts": [counts[y][t] for y in years]} for t in TIERS]
    chart = {
        "kind": "line",
        "x": [str(y) for y in years],
        "series": [{"name": r["name"], "y": r["counts"]} for r in rows if any(r["counts"])],
        "ytitle": _("Enterprises"),
    }
    return {"years": years, "rows": rows, "chart": chart}


@dataclass
class Pipeline:
    """One tier target of the zone: actual per year against the straight path, and the candidates."""

    target: object
    tier: str
    name: str
    years: list[int]
    actual: list[int | None]
    expected: list[float]
    progress: targets.Progress | None
    year: int | None  # the latest year with an actual
    short: float  # firms still needed to reach the target (0 when reached)
    qualifies: int = 0
    near: int = 0
    chart: dict = field(default_factory=dict)

    @property
    def candidates(self) -> int:
        return self.qualifies + self.near

    @property
    def chart_id(self) -> str:
        return f"chart-pipeline-{self.tier}-{getattr(self.target, 'pk', '')}"

    @property
    def status_label(self) -> str:
        return str(PROGRESS_LABELS[self.progress.status]) if self.progress else ""

    @property
    def rows(self) -> list[dict]:
        return [
            {"year": y, "actual": a, "expected": e}
            for y, a, e in zip(self.years, self.actual, self.expected, strict=True)
        ]


def target_model():
    """The command centre's Target model, once it exists (None before)."""
    from django.apps import apps

    try:
        return apps.get_model("command", "Target")
    except LookupError:
        return None


TIER_METRIC = "tier_count:"


def tier_targets(targets_qs: QuerySet, zone: Zone) -> list:
    """The zone's targets on tier counts (metric ``tier_count:<tier>``), ordered by ladder and year."""
    found = [
        t
        for t in targets_qs.filter(zone=zone, metric__startswith=TIER_METRIC)
        if t.metric.removeprefix(TIER_METRIC) in TIERS
    ]
    return sorted(found, key=lambda t: (TIERS.index(t.metric.removeprefix(TIER_METRIC)), t.target_year))


def pipeline_years(targets_found: list, this_year: int | None = None) -> list[int]:
    """The complete years (up to ``this_year``) the tier targets' pipelines show a count for."""
    this_year = this_year or last_complete_year()
    years = set()
    for t in targets_found:
        years.update(range(int(t.baseline_year), int(t.target_year) + 1))
    return sorted(y for y in years if y <= this_year)


def pipelines(
    targets_found: list,
    zone: Zone,
    statuses: dict[str, dict[str, int]] | None,
    this_year: int | None = None,
    qualifications: QuerySet | None = None,
    counts: dict[int, dict[str, int]] | None = None,
) -> list[Pipeline]:
    """Each tier target's actual per year (register, year-end) against its straight path (``gaoxin.command.targets``).

    ``counts``: ``tier_counts`` of (at least) ``pipeline_years`` when the caller has them (the home
    page counts its trend's years and these in one call)."""
    if not targets_found:
        return []
    this_year = this_year or last_complete_year()
    needed = pipeline_years(targets_found, this_year)
    counts = tier_counts(zone, needed, qualifications) if counts is None else {y: counts[y] for y in needed}
    out = []
    for t in targets_found:
        tier = t.metric.removeprefix(TIER_METRIC)
        path = targets.Path(
            float(t.baseline_value), float(t.baseline_year), float(t.target_value), float(t.target_year)
        )
        years = list(range(int(t.baseline_year), int(t.target_year) + 1))
        actual = [counts[y][tier] if y in counts else None for y in years]
        expected = [round(path.expected(y), 1) for y in years]
        known = [(y, a) for y, a in zip(years, actual, strict=True) if a is not None]
        last_year, last = known[-1] if known else (None, None)
        prog = targets.progress(path, last, last_year) if last_year is not None else None
        short = targets.shortfall(path, last)
        per = (statuses or {}).get(tier, {})
        pipe = Pipeline(
            target=t,
            tier=tier,
            name=tier_name(tier),
            years=years,
            actual=actual,
            expected=expected,
            progress=prog,
            year=last_year,
            short=short,
            qualifies=per.get("qualifies", 0),
            near=per.get("near", 0),
        )
        pipe.chart = {
            "kind": "line",
            "x": [str(y) for y in years],
            "series": [
                {"name": _("Actual (year-end)"), "y": actual},
                {"name": _("Path to the target"), "y": expected},
            ],
            "ytitle": _("Enterprises"),
        }
        out.append(pipe)
    return out


PROGRESS_LABELS = {
    targets.Status.ACHIEVED: gettext_lazy("achieved"),
    targets.Status.ON_TRACK: gettext_lazy("on track"),
    targets.Status.AT_RISK: gettext_lazy("at risk"),
    targets.Status.OFF_TRACK: gettext_lazy("off track"),
    targets.Status.NO_DATA: gettext_lazy("no data"),
}


# --- candidate lists ---------------------------------------------------------------------------------

STATUS_FILTERS = ("candidates", "renewal", "qualifies", "near", "far", "ineligible", "holds", "all")


def report_section(user, zone: Zone, on: dt.date | None = None) -> dict | None:
    """The cultivation ladder in the zone's monthly report: the latest assessment finished by ``on``,
    its firms per tier (holding, qualifying now, near) and each tier target's pipeline. None before
    any assessment."""
    from gaoxin.web.accounts.scoping import covered, visible

    runs = visible(user, LadderRun)
    run = latest_run(runs.filter(finished__date__lte=on) if on else runs, zone)
    if run is None:
        return None
    statuses = status_counts(covered(user, LadderEntry), run)  # counts: a supervisor counts every firm
    model = target_model()
    found = tier_targets(visible(user, model), zone) if model is not None else []
    return {
        "run": run,
        "tiers": [
            {
                "tier": t,
                "name": tier_name(t),
                "holds": statuses[t]["holds"],
                "qualifies": statuses[t]["qualifies"],
                "near": statuses[t]["near"],
            }
            for t in TIERS
        ],
        "pipelines": pipelines(found, zone, statuses, qualifications=covered(user, Qualification)),
    }


def renewal_by(run: LadderRun) -> str:
    """Held titles that lapse by the end of the year after the assessed one must be renewed in the
    next round: the last day (ISO) of that window."""
    return f"{run.year + 1}-12-31"


def candidates(
    entries: QuerySet,
    run: LadderRun,
    tier: str,
    *,
    status: str = "candidates",
    q: str = "",
    tech_field: str = "",
) -> QuerySet:
    """A tier's rows of ``run``: candidates (qualifies, then near) first, each by smallest distance.

    ``status``: ``candidates`` (qualifies or near), one status, ``all``, or ``renewal``: firms holding
    the tier whose title lapses by the end of the next year (they apply again in the next round),
    soonest first.
    """
    from django.db.models import CharField
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    qs = entries.filter(run=run, tier=tier)
    if status == "renewal":
        qs = (
            qs.filter(status="holds")
            .annotate(_lapses=Cast(KT("numbers__held_until"), output_field=CharField()))
            .filter(_lapses__lte=renewal_by(run))
        )
        return qs.select_related("enterprise").order_by("_lapses", "enterprise__uscc")
    if status == "candidates" or status not in STATUS_FILTERS:
        qs = qs.filter(status__in=CANDIDATES)
    elif status != "all":
        qs = qs.filter(status=status)
    if tech_field:
        qs = qs.filter(enterprise__tech_field=tech_field)
    if q := (q or "").strip():
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__istartswith=q))
    return qs.select_related("enterprise").order_by(
        "status_order", F("distance").asc(nulls_last=True), "enterprise__uscc"
    )


def entry_view(e: LadderEntry) -> dict:
    """A row as the pages show it: status, distance, the gaps in the reader's language, the next tier."""
    return {
        "entry": e,
        "status": status_label(e.status),
        "distance": "" if e.distance is None else f"{e.distance:.3f}".rstrip("0").rstrip("."),
        "gaps": [gap_text(g) for g in e.gaps],
        "next_tier": tier_name(e.next_tier) if e.next_tier else "",
        "numbers": number_rows(e.numbers),
    }


def _number(name: str, value) -> str:
    if value is None:
        return ""
    if name in RATIO_NUMBERS and isinstance(value, (int, float)):
        return f"{value * 100:.2f}%"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def number_rows(numbers: dict) -> list[dict]:
    out = []
    for name, value in (numbers or {}).items():
        zh, en = NUMBER_LABELS.get(name, (name, name))
        out.append({"id": name, "label": str(en) if english() else zh, "value": _number(name, value)})
    return out


def describe(status: str, q: str, tech_field: str) -> str:
    shown = {
        "candidates": _("candidates (qualifies or near)"),
        "renewal": _("renewals due in the next round"),
        "all": _("all"),
    }
    parts = [_("status: %(value)s") % {"value": shown.get(status) or status_label(status)}]
    if q:
        parts.append(_("search: %(value)s") % {"value": q})
    if tech_field:
        parts.append(_("tech field: %(value)s") % {"value": tech_field})
    return "; ".join(parts)


# --- one enterprise's ladder -----------------------------------------------------------------------------


@dataclass
class Ladder:
    run: LadderRun
    rows: list[dict]  # one per tier in ladder order (entry_view + tier, name)
    next_tier: str
    next_tier_name: str


def enterprise_ladder(entries: QuerySet, enterprise: Enterprise) -> Ladder | None:
    """The firm's rows in the latest finished assessment that ``entries`` (scoped) show: one query."""
    from django.db.models import Subquery

    mine = entries.filter(enterprise=enterprise, run__status=LadderRun.Status.DONE)
    latest = mine.order_by(F("run__finished").desc(nulls_last=True), "-run_id").values("run_id")[:1]
    found = list(mine.filter(run_id=Subquery(latest)).select_related("run", "run__zone"))
    if not found:
        return None
    found.sort(key=lambda e: TIERS.index(e.tier) if e.tier in TIERS else len(TIERS))
    rows = [{**entry_view(e), "tier": e.tier, "name": tier_name(e.tier)} for e in found]
    nxt = next((e.next_tier for e in found if e.next_tier), "")
    return Ladder(run=found[0].run, rows=rows, next_tier=nxt, next_tier_name=tier_name(nxt) if nxt else "")
