"""Score runs, their results, comparisons, published lists and exports.

The engine (``gaoxin.scoring``) decides every number; this module only moves frames in and rows out,
and records what is needed to reproduce the run: the model file itself and its hash, the hash of the
data snapshot the engine read, and the code version.

Read functions take querysets the caller has already scoped (``accounts.scoping.visible``), so this
module never decides who sees what. Published lists are frozen once: nothing here changes one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gaoxin.data.dataset import Dataset
from gaoxin.io import display, safe
from gaoxin.io.runinfo import RunInfo, code_version
from gaoxin.io.tables import Column, Sheet, to_bytes
from gaoxin.io.write import _display, chinese_headers, write_scores
from gaoxin.scoring import compare as compare_core
from gaoxin.scoring import uncertainty as mc
from gaoxin.scoring.engine import evaluate, output_columns, prepare, score
from gaoxin.scoring.explain import Explanation, explain_values
from gaoxin.scoring.model import Fault, Model, ModelError, loads, shipped
from gaoxin.scoring.model import resolve as resolve_model
from gaoxin.scoring.readable import in_words
from gaoxin.web.accounts.scoping import audit
from gaoxin.web.credit.models import ListEntry, ModelFile, PublishedList, Score, ScoreRun
from gaoxin.web.platform import jobs
from gaoxin.web.platform.caching import remember
from gaoxin.web.platform.labels import label
from gaoxin.web.platform.models import Job
from gaoxin.web.platform.rows import Const, Prepared, insert_rows, part
from gaoxin.web.registry.models import AnnualReport, ChangeRecord, Enterprise, Qualification, Zone
from gaoxin.web.registry.services import zone_dataset
from gaoxin.web.registry.services.versions import register_version

Progress = Callable[[float], None]
BATCH = 5000


def snapshot_hash(data: Dataset, year: int) -> str:
    """A hash of exactly what the engine reads: sorted frames written as CSV."""
    digest = hashlib.sha256(f"year={year}\n".encode())
    for name, frame, keys in (
        ("enterprises", data.enterprises, ["uscc"]),
        ("reports", data.reports, ["uscc", "year"]),
        ("qualifications", data.qualifications, ["uscc", "kind", "valid_from"]),
    ):
        ordered = frame.select(sorted(frame.columns)).sort(keys)
        digest.update(name.encode())
        digest.update(ordered.write_csv().encode())
    return digest.hexdigest()


def _finite(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


# The uncertainty analysis a run may carry (composite-model.md): 1,000 weightings, each weight times
# U(0.75, 1.25), a fixed seed, so that the same run over the same data gives the same intervals.
UNCERTAINTY_SAMPLES = mc.DEFAULT_SAMPLES
UNCERTAINTY_NOISE = mc.DEFAULT_NOISE
UNCERTAINTY_SEED = 0
ROBUST_SHARE = 0.9  # a list member that stays on its list in at least 90 % of weightings is robust
UNCERTAINTY_FIELDS = ("rank_median", "rank_p05", "rank_p95", "total_p05", "total_p95", "list_share")


def start_run(
    zone: Zone,
    year: int,
    model: Model,
    user,
    *,
    uncertainty: bool = False,
    samples: int = UNCERTAINTY_SAMPLES,
    noise: float = UNCERTAINTY_NOISE,
    seed: int = UNCERTAINTY_SEED,
) -> ScoreRun:
    from gaoxin.web.accounts.services import refuse_disabled_zone

    refuse_disabled_zone(zone)  # a disabled zone takes no new run (the one check, in accounts)
    return ScoreRun.objects.create(
        zone=zone,
        year=year,
        model_id=model.id,
        model_version=model.version,
        model_name=model.name.zh,
        model_sha256=model.sha256,
        model_source=model.source,
        code_version=code_version(),
        created_by=user,
        uncertainty=uncertainty,
        uncertainty_samples=samples if uncertainty else 0,
        uncertainty_noise=noise if uncertainty else 0.0,
        uncertainty_seed=seed if uncertainty else 0,
    )


def analyse_uncertainty(run: ScoreRun, model: Model, frame: pl.DataFrame, values: pl.DataFrame):
    """The run's frame with the Monte Carlo intervals attached, and leave-one-out (``scoring.uncertainty``,
    with the run's samples, noise and seed): ``(frame, sensitivity rows)``."""
    result = mc.analyse(model, values, run.uncertainty_samples, run.uncertainty_noise, run.uncertainty_seed)
    return mc.attach(frame, result, model.key), _sensitivity_rows(mc.leave_one_out(model, values))


def execute_run(run: ScoreRun, progress: Progress | None = None) -> ScoreRun:
    """Score the run's zone and year and store every row; the run is done or failed afterwards.

    The heavy work — reading the register, scoring, building the rows, writing the values file — runs
    outside any transaction. The rows then go in batches of ``BATCH``, each in its own short
    transaction, while the run is still "running" (no reader takes a running run's rows: pages and
    the API read done runs only); the run turns "done" in one last short transaction. When anything
    fails the rows written so far are deleted and the run is marked failed, so a done run is always
    whole and a failed one holds no rows.
    """
    progress = progress or (lambda _: None)
    try:
        model = run_model(run)
        data = zone_dataset([run.zone], years=[run.year - 1, run.year])
        progress(0.2)
        result = score(model, data, run.year, keep_values=True, order=False)  # rows are stored by key
        progress(0.5)
        frame = result.frame
        if run.uncertainty:
            frame, run.sensitivity = analyse_uncertainty(run, model, frame, result.values)
            progress(0.55)
        ids = dict(Enterprise.objects.filter(zone=run.zone).values_list("uscc", "pk"))
        rows = _score_rows(run, model, frame, ids)
        snapshot = snapshot_hash(data, run.year)
        _store_values(run, result.values)
        progress(0.6)
        n = frame.height
        for i in range(0, n, BATCH):
            with transaction.atomic():  # short: one batch, no progress write inside
                insert_rows(Score, part(rows, i, i + BATCH), min(BATCH, n - i))
            progress(0.6 + 0.35 * min(1.0, (i + BATCH) / max(1, n)))
        with transaction.atomic():
            run.snapshot_sha256 = snapshot
            run.scored = frame.height
            run.notes = result.notes
            run.status = ScoreRun.Status.DONE
            run.finished = timezone.now()
            run.save()
    except BaseException:
        discard_run(run)
        raise
    progress(1.0)
    return run


def discard_run(run: ScoreRun) -> None:
    """A run that failed part-way: its rows and values file gone, the run marked failed."""
    Score.objects.filter(run_id=run.pk).delete()
    _values_path(run).unlink(missing_ok=True)
    run.status = ScoreRun.Status.FAILED
    run.finished = timezone.now()
    ScoreRun.objects.filter(pk=run.pk).update(status=run.status, finished=run.finished)


# --- which indicators drive a run's ranking (leave one out) -------------------------------------------


def sensitivity(run: ScoreRun, model: Model) -> list[dict]:
    """Leave one out for a done run: per indicator, the mean and the largest rank shift when it is left
    out (``scoring.uncertainty.leave_one_out``), largest mean first. Stored by a run with the uncertainty
    analysis; otherwise computed from the run's values file (once per file and process)."""
    rows = run.sensitivity
    if not rows:
        path = _values_path(run)
        if path.exists():
            st = path.stat()
            rows = _cached_sensitivity(str(path), st.st_mtime_ns, st.st_size, run.model_source, run.model_id)
        else:
            rows = _sensitivity_rows(mc.leave_one_out(model, run_values(run)))
    names = {i.id: i for i in model.all_indicators}
    cats = {c.id: c for c in model.categories}
    out = []
    for r in rows:
        ind = names.get(r["indicator"])
        out.append(
            {
                **r,
                "name": label(ind.name) if ind else r["indicator"],
                "category": label(cats[ind.category].name) if ind and ind.category in cats else "",
                "bonus": bool(ind and ind.bonus),
            }
        )
    return out


def _sensitivity_rows(loo: pl.DataFrame) -> list[dict]:
    return [
        {"indicator": r["indicator"], "mean_shift": r["mean_shift"], "max_shift": r["max_shift"]}
        for r in loo.iter_rows(named=True)
    ]


@lru_cache(maxsize=16)
def _cached_sensitivity(path: str, mtime_ns: int, size: int, model_source: str, name: str) -> list[dict]:
    model = parsed_model(model_source, name)
    return _sensitivity_rows(mc.leave_one_out(model, _cached_values(path, mtime_ns, size)))


def sensitivity_chart(rows: list[dict]) -> dict:
    """The leave-one-out table as a horizontal bar chart for ``charts.js`` (mean and largest shift)."""
    return {
        "kind": "hbar",
        "y": [r["name"] for r in rows],
        "series": [
            {"name": _("Mean rank shift"), "x": [round(r["mean_shift"], 2) for r in rows]},
            {"name": _("Largest rank shift"), "x": [r["max_shift"] for r in rows]},
        ],
        "xtitle": _("Places"),
    }


# --- explaining a firm of a run ----------------------------------------------------------------------


def _values_path(run: ScoreRun) -> Path:
    # pk and creation time: a test database that reuses a pk never finds another run's file.
    return Path(settings.MEDIA_ROOT) / "runs" / f"{run.pk}-{run.created:%Y%m%d%H%M%S%f}.values.parquet"


def _store_values(run: ScoreRun, values: pl.DataFrame) -> None:
    """Keep the values the run evaluated, so explanations read the run's data, not today's."""
    path = _values_path(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    values.write_parquet(tmp)
    tmp.replace(path)


def run_values(run: ScoreRun) -> pl.DataFrame:
    """The evaluated values of a run; re-evaluated from the register only if the file is gone."""
    path = _values_path(run)
    if path.exists():
        return pl.read_parquet(path)
    model = run_model(run)
    data = zone_dataset([run.zone], years=[run.year - 1, run.year])
    return evaluate(model, prepare(model, data, run.year)).collect()


def data_changed_since(run: ScoreRun) -> bool:
    """Whether the zone's register changed after the run read it (imports, corrections, new firms).

    Four scans of the zone's rows (70 ms at 20,000 firms) asked by every profile page: kept in the
    cache under the run, the zone's register version and the last change recorded (a change record
    is one of the four checks), so they run again only after a change."""
    parts = [run.pk, run.created, register_version(run.zone_id), _last_change()]
    return remember("credit:data-changed", parts, lambda: _data_changed_since(run))


def _last_change() -> int | None:
    """The id of the last change recorded anywhere (the firms' names and codes are read live)."""
    return ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first()


def _data_changed_since(run: ScoreRun) -> bool:
    after = run.created
    zone = run.zone_id
    checks = [  # all four, always: a page's query count must not depend on the answer
        ChangeRecord.objects.filter(enterprise__zone=zone, at__gt=after).exists(),
        Enterprise.objects.filter(zone=zone, created__gt=after).exists(),
        AnnualReport.objects.filter(
            enterprise__zone=zone, year__in=[run.year - 1, run.year], updated__gt=after
        ).exists(),
        Qualification.objects.filter(enterprise__zone=zone, batch__created__gt=after).exists(),
    ]
    return any(checks)


@dataclass
class RunExplanation:
    explanation: Explanation
    data_changed: bool  # the register changed after the run read it


def explain_in_run(run: ScoreRun, uscc: str, levers: int = 3) -> RunExplanation:
    """Why a firm scored what it scored in ``run``: the engine's explanation over the run's own values.

    Raises ``UnknownEnterprise`` when the firm was not scored in the run. The caller checks access.
    """
    path = _values_path(run)
    if run.status == ScoreRun.Status.DONE and path.exists():
        st = path.stat()
        # A finished run's values file is never rewritten, so its explanations are values too: cache
        # them per process, keyed by the file's identity (path, mtime, size), never by the run's id
        # alone (ids are reused after a rollback, and MEDIA_ROOT differs between deployments).
        found = _cached_explanation(
            str(path),
            st.st_mtime_ns,
            st.st_size,
            run.model_source,
            f"{run.model_id} v{run.model_version}",
            run.year,
            uscc,
            levers,
        )
    else:
        found = explain_values(run_model(run), run_values(run), run.year, uscc, levers=levers)
    return RunExplanation(found, data_changed_since(run))


@lru_cache(maxsize=4096)
def _cached_explanation(path, mtime_ns, size, model_source, model_name, year, uscc, levers):
    model = parsed_model(model_source, model_name)
    return explain_values(model, _cached_values(path, mtime_ns, size), year, uscc, levers=levers)


@lru_cache(maxsize=8)
def _cached_values(path: str, mtime_ns: int, size: int) -> pl.DataFrame:
    return pl.read_parquet(path)


def run_model(run: ScoreRun) -> Model:
    """The model exactly as the run used it (from the stored file, not today's copy)."""
    return parsed_model(run.model_source, f"{run.model_id} v{run.model_version}")


@lru_cache(maxsize=64)
def parsed_model(source: str, name: str) -> Model:
    """A stored model file, parsed once per process (models are immutable values)."""
    return loads(source.encode("utf-8"), name=name)


def _details_json(frame: pl.DataFrame, cats: list[str], inds: list[str]) -> pl.Series:
    """Each row's ``details`` (category points, indicator points and values, the missing indicators)
    as JSON text, written by Polars in one pass: the per-row dicts and ``json.dumps`` of 10,000 firms
    took a third of a zone's score run. A value that is NaN is stored as null (JSON has no NaN)."""

    def finite(name: str) -> pl.Expr:
        col = pl.col(name)
        return col.fill_nan(None) if frame.schema[name].is_float() else col

    def group(prefix: str, ids: list[str], value=pl.col) -> pl.Expr:
        if not ids:  # a struct needs a field: an empty group is an empty object
            return pl.lit("{}").str.json_decode(pl.Struct({})).alias(prefix)
        return pl.struct([value(f"{prefix}:{i}").alias(i) for i in ids])

    missing = (
        pl.col("missing").fill_null("").str.split(",").list.eval(pl.element().filter(pl.element() != ""))
    )
    return frame.select(
        pl.struct(
            group("cat", cats).alias("cat"),
            group("pts", inds).alias("pts"),
            group("val", inds, finite).alias("val"),
            missing.alias("missing"),
        ).struct.json_encode()
    ).to_series()


def _score_rows(
    run: ScoreRun, model: Model, frame: pl.DataFrame, ids: dict[str, int]
) -> dict[str, list | Const]:
    """The run's frame as the columns of its Score rows (``platform.rows.insert_rows``)."""
    cats = [c.id for c in model.categories]
    inds = [i.id for i in model.all_indicators]
    intervals = [c for c in UNCERTAINTY_FIELDS if c in frame.columns]
    details = Prepared(_details_json(frame, cats, inds).to_list())
    plain = ("stage", "total", "base", "bonus", "penalty", "vetoed", "rank", "cohort_size")
    return {
        "run_id": Const(run.pk),
        "enterprise_id": [ids[u] for u in frame["uscc"]],
        **{c: frame[c].to_list() for c in plain},
        "grade": frame["grade"].fill_null("").to_list(),
        "list": frame["list"].fill_null("").to_list(),
        **{c: [_finite(v) for v in frame[c]] for c in intervals},
        "details": details,
    }


def run_scores(
    zone: Zone, year: int, model: Model, user, progress: Progress | None = None, **options
) -> ScoreRun:
    """Start and execute a run in one go (the CLI, the demo and tests); pages use a background job."""
    run = start_run(zone, year, model, user, **options)
    try:
        return execute_run(run, progress)
    except Exception:
        ScoreRun.objects.filter(pk=run.pk).update(status=ScoreRun.Status.FAILED, finished=timezone.now())
        raise


# --- models: shipped with gaoxin, or uploaded by a zone ---------------------------------------------

MAX_MODEL_BYTES = 1024 * 1024


@lru_cache(maxsize=16)
def shipped_model(model_id: str) -> Model:
    """A model that ships with gaoxin, by id (KeyError if there is none)."""
    if model_id not in shipped():
        raise KeyError(model_id)
    path = resolve_model(model_id)
    return parsed_model(path.read_text(encoding="utf-8"), str(path))  # parsed once per process


def shipped_models() -> list[Model]:
    return [shipped_model(m) for m in shipped()]


def model_file_model(model_file: ModelFile) -> Model:
    return parsed_model(model_file.source, model_file.name)


def model_ref(run: ScoreRun, model_files: Iterable[ModelFile]) -> str:
    """The choice (``shipped:<id>`` or ``file:<pk>``) holding the model file a run used, or ""."""
    for f in model_files:
        if f.sha256 == run.model_sha256:
            return f"file:{f.pk}"
    if run.model_id in shipped() and shipped_model(run.model_id).sha256 == run.model_sha256:
        return f"shipped:{run.model_id}"
    return ""


def store_model_file(zone: Zone, raw: bytes, file_name: str, user, *, actor=None) -> tuple[ModelFile, bool]:
    """Check an uploaded model file with the engine's loader and keep it for the zone.

    Raises ``ModelError`` listing every fault (file, where, what) and stores nothing then. The same
    file uploaded again returns the stored one (``created`` is False).
    """
    if len(raw) > MAX_MODEL_BYTES:
        raise ModelError([Fault(file_name, "file", f"is larger than {MAX_MODEL_BYTES // 1024} KB")])
    model = loads(raw, name=file_name)
    canonical = parsed_model(model.source, file_name)  # the hash of the text as stored (no BOM)
    model_file, created = ModelFile.objects.get_or_create(
        zone=zone,
        sha256=canonical.sha256,
        defaults={
            "model_id": model.id,
            "version": model.version,
            "name": model.name.zh,  # stored: the file's own (Chinese) name, as the run records it
            "source": model.source,
            "uploaded_by": user,
        },
    )
    if actor is not None:
        audit(actor, "upload_model", model_file, model=model_file.model_id, version=model_file.version)
    return model_file, created


# --- running scores as background jobs ----------------------------------------------------------------


def submit_run(
    zone: Zone, year: int, model: Model, user, *, actor=None, rerun_of: int | None = None, **options
) -> ScoreRun:
    """Record a run and score it in a background job (inline when jobs are synchronous). ``options``:
    ``uncertainty`` (and ``samples``, ``noise``, ``seed``) as ``start_run`` takes them. With ``actor``
    (the request or user acting) the start is audited with the run."""
    with transaction.atomic():
        run = start_run(zone, year, model, user, **options)
        if actor is not None:
            detail = {"model": model.id, "version": model.version, "year": year}
            if run.uncertainty:
                detail["uncertainty"] = run.uncertainty_samples
            if rerun_of is not None:
                detail["rerun_of"] = rerun_of
            audit(actor, "run_scores", run, **detail)
        job = jobs.submit(
            "score_run",
            partial(_run_job, run.pk),
            zone=zone,
            user=user,
            message=f"{model.id} v{model.version} · {year}",
        )
        ScoreRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run


def _run_job(run_pk: int, progress: Progress) -> dict:
    run = ScoreRun.objects.get(pk=run_pk)
    try:
        execute_run(run, progress)
    except Exception:
        ScoreRun.objects.filter(pk=run_pk).update(status=ScoreRun.Status.FAILED, finished=timezone.now())
        raise
    return {"run": run_pk, "scored": run.scored}


def rerun(run: ScoreRun, user, *, actor=None) -> ScoreRun:
    """The same model file over the register as it is now, as a new run (to verify or to refresh), with
    the same uncertainty analysis if the run had one."""
    return submit_run(
        run.zone, run.year, run_model(run), user, actor=actor, rerun_of=run.pk, **uncertainty_options(run)
    )


def uncertainty_options(run: ScoreRun) -> dict:
    if not run.uncertainty:
        return {}
    return {
        "uncertainty": True,
        "samples": run.uncertainty_samples,
        "noise": run.uncertainty_noise,
        "seed": run.uncertainty_seed,
    }


def run_progress(run: ScoreRun) -> dict:
    """What the run page's progress bar polls."""
    job = run.job
    done = run.status == ScoreRun.Status.DONE
    progress = 1.0 if done else (job.progress if job else 0.0)
    return {
        "status": run.status,
        "progress": round(progress, 3),
        "message": (job.message if job and job.status == Job.Status.FAILED else ""),
        "scored": run.scored,
    }


# --- reading a run back -------------------------------------------------------------------------------


def run_summary(run: ScoreRun, model: Model, scores: QuerySet) -> dict:
    """Counts by stage × grade, by list, and vetoed firms, for the run's page."""
    scores = scores.filter(run=run).order_by()
    by_cell = Counter(
        {
            (r["stage"], r["grade"]): r["n"]
            for r in scores.values("stage", "grade").annotate(n=Count("id")).order_by()
        }
    )
    grades = [g.grade for g in model.grades]
    if any(g not in grades for _, g in by_cell):
        grades.append("")
    rows = []
    for stage in model.stages:
        counts = [by_cell[(stage.id, g)] for g in grades]
        rows.append({"stage": stage.id, "name": label(stage.name), "counts": counts, "total": sum(counts)})
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(grades))]
    by_list = dict(scores.exclude(list="").values_list("list").annotate(n=Count("id")).order_by())
    lists = [
        {"id": x.id, "name": label(x.name), "top": float(x.top) * 100, "count": by_list.get(x.id, 0)}
        for x in model.lists
    ]
    return {
        "grades": grades,
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
        "lists": lists,
        "vetoed": scores.filter(vetoed=True).count(),
    }


def _score_values(scores: QuerySet, extra: Iterable[str] = ()) -> list[tuple]:
    fields = [
        "enterprise__uscc",
        "enterprise__name",
        "stage",
        "total",
        "base",
        "bonus",
        "penalty",
        "vetoed",
        "rank",
        "cohort_size",
        "grade",
        "list",
        "details",
        *extra,
    ]
    return list(scores.values_list(*fields))


def scores_frame(run: ScoreRun, model: Model, scores: QuerySet, *, engine_order: bool = True) -> pl.DataFrame:
    """The engine's output frame rebuilt from stored Score rows (the spec's columns, in its order).

    With ``engine_order`` the rows are sorted as the engine sorts them (cohort, rank, uscc); otherwise
    they keep the queryset's order (a ranking page's sort). Nothing is re-scored.
    """
    cohort_extra = [k for k in model.cohort if k not in ("zone", "stage")]
    intervals = list(UNCERTAINTY_FIELDS) if run.uncertainty else []
    rows = _score_values(scores.filter(run=run), [f"enterprise__{k}" for k in cohort_extra] + intervals)
    cats = [c.id for c in model.categories]
    inds = [i.id for i in model.all_indicators]
    zone = run.zone.code
    data: dict[str, list] = {c: [] for c in output_columns(model)}
    extra: dict[str, list] = {k: [] for k in cohort_extra}
    spread: dict[str, list] = {k: [] for k in intervals}
    for r in rows:
        uscc, name, stage, total, base, bonus, penalty, vetoed, rank, size, grade, lst, details = r[:13]
        for k, v in zip(cohort_extra, r[13 : 13 + len(cohort_extra)], strict=True):
            extra[k].append(v)
        for k, v in zip(intervals, r[13 + len(cohort_extra) :], strict=True):
            spread[k].append(v)
        cat, pts, val = details.get("cat", {}), details.get("pts", {}), details.get("val", {})
        for c, v in (
            ("uscc", uscc),
            ("name", name),
            ("zone", zone),
            ("year", run.year),
            ("stage", stage),
            ("total", total),
            ("base", base),
            ("bonus", bonus),
            ("penalty", penalty),
            ("vetoed", vetoed),
            ("rank", rank),
            ("cohort_size", size),
            ("grade", grade or None),
            ("list", lst or None),
            ("missing", ",".join(details.get("missing", []))),
        ):
            data[c].append(v)
        for c in cats:
            data[f"cat:{c}"].append(cat.get(c))
        for i in inds:
            data[f"pts:{i}"].append(pts.get(i))
            data[f"val:{i}"].append(val.get(i))
    schema = {c: _dtype(c) for c in data}
    frame = pl.DataFrame(data, schema=schema)
    if intervals:  # the columns the core's ``attach`` adds, after the spec's (composite-model.md)
        frame = frame.with_columns(
            pl.Series(k, spread[k], dtype=pl.Int64 if k.startswith("rank") else pl.Float64) for k in intervals
        )
    if not engine_order:
        return frame
    stage_order = {s.id: n for n, s in enumerate(model.stages)}
    keys = []
    for k in model.cohort:
        if k == "stage":
            keys.append(pl.col("stage").replace_strict(stage_order, default=None, return_dtype=pl.Int64))
        elif k == "zone":
            keys.append(pl.col("zone"))
        else:
            keys.append(pl.Series(k, [str(v) if v is not None else None for v in extra[k]]))
    return frame.sort([*keys, pl.col("rank"), pl.col("uscc")], nulls_last=True)


def _dtype(column: str) -> pl.DataType:
    if column in ("uscc", "name", "zone", "stage", "grade", "list", "missing"):
        return pl.Utf8()
    if column in ("year", "rank", "cohort_size"):
        return pl.Int64()
    if column == "vetoed":
        return pl.Boolean()
    return pl.Float64()


def run_info(run: ScoreRun, scored: int, notes: Iterable[str] = ()) -> RunInfo:
    """The run's record in the shape the writers print (model, snapshot, code version, time)."""
    return RunInfo(
        model_id=run.model_id,
        model_version=run.model_version,
        model_name=run.model_name,
        model_sha256=run.model_sha256,
        model_path=f"{run.model_id} v{run.model_version}（评分记录 #{run.pk} 中保存的模型文件）",
        year=run.year,
        inputs=[
            {
                "name": f"{run.zone.name}（{run.zone.code}）登记数据快照",
                "sha256": run.snapshot_sha256,
                "rows": run.scored,
            }
        ],
        code_version=run.code_version,
        started=timezone.localtime(run.created).isoformat(timespec="seconds"),
        scored=scored,
        notes=[*notes, *run.notes, *_uncertainty_note(run)],
    )


def _uncertainty_note(run: ScoreRun) -> list[str]:
    if not run.uncertainty:
        return []
    return [
        f"排名稳健性：{run.uncertainty_samples} 次权重抽样，每个权重乘以 "
        f"±{display.pct(run.uncertainty_noise, 0)} 内的随机系数（随机种子 {run.uncertainty_seed}）"
    ]


# The Chinese headers of the uncertainty columns in the exports (the files a zone hands round).
INTERVAL_HEADERS = {
    "rank_median": "排名中位数（权重抽样）",
    "rank_p05": "排名区间（90%）起（名次）",
    "rank_p95": "排名区间（90%）止（名次）",
    "total_p05": "总分区间（90%）低值",
    "total_p95": "总分区间（90%）高值",
    "list_share": "保持所在榜单的权重组合占比",
}


def _interval_headers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: h for c, h in INTERVAL_HEADERS.items() if c in frame.columns})


def xlsx_bytes(frame: pl.DataFrame, model: Model, info: RunInfo) -> bytes:
    """An xlsx from gaoxin.io.write (summary, ranking with Chinese headers, model and run record)."""
    frame = _interval_headers(frame)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.xlsx"
        write_scores(frame, model, info, out)
        return out.read_bytes()


def csv_bytes(frame: pl.DataFrame, model: Model) -> bytes:
    """A CSV with Chinese headers and names (stage, list, 是/否) that Excel opens (UTF-8 with BOM)."""
    headers = chinese_headers(model) | INTERVAL_HEADERS
    shown = _display(frame, model)
    shown = shown.rename({c: headers.get(c, c) for c in shown.columns})
    return b"\xef\xbb\xbf" + safe.frame(shown).write_csv().encode("utf-8")  # formulas neutralised


def run_export(run: ScoreRun, model: Model, scores: QuerySet, *, actor=None) -> bytes:
    frame = scores_frame(run, model, scores)
    content = xlsx_bytes(frame, model, run_info(run, frame.height))
    if actor is not None:
        audit(actor, "export", run, what="run")
    return content


# --- the ranking --------------------------------------------------------------------------------------

SORTS = {
    "rank": ("rank", "-total", "enterprise__uscc"),
    "-total": ("-total", "enterprise__uscc"),
    "total": ("total", "enterprise__uscc"),
    "name": ("enterprise__name", "enterprise__uscc"),
}
RANKING_FIELDS = (
    "id",
    "rank_median",
    "rank_p05",
    "rank_p95",
    "list_share",
    "run_id",
    "enterprise_id",
    "stage",
    "total",
    "rank",
    "cohort_size",
    "grade",
    "list",
    "vetoed",
    "enterprise__uscc",
    "enterprise__name",
    "enterprise__industry",
    "enterprise__tech_field",
)


def ranking_queryset(scores: QuerySet, run: ScoreRun, filters: dict) -> QuerySet:
    """A run's scores filtered and sorted as the ranking page asks.

    ``filters``: stage, grade, list (exact ids), industry (code prefix), tech_field, q (name or USCC),
    sort (rank, -total, total, name). Empty values are ignored.
    """
    qs = scores.filter(run=run)
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("grade"):
        qs = qs.filter(grade=filters["grade"])
    if filters.get("list"):
        qs = qs.filter(list=filters["list"])
    if filters.get("industry"):
        qs = qs.filter(enterprise__industry__startswith=filters["industry"].strip())
    if filters.get("tech_field"):
        qs = qs.filter(enterprise__tech_field=filters["tech_field"])
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__istartswith=q))
    return qs.order_by(*SORTS.get(filters.get("sort") or "rank", SORTS["rank"]))


def ranking_rows(qs: QuerySet) -> QuerySet:
    """Only the columns the ranking table shows, in one query with the enterprise."""
    return qs.select_related("enterprise").only(*RANKING_FIELDS)


def rank_interval(score: Score) -> dict | None:
    """A firm's 90 % rank interval as the ranking draws it: positions along its cohort, in percent
    (``left``, ``width`` of the interval, ``mark`` the nominal rank), or None without the analysis."""
    if score.rank_p05 is None or score.rank_p95 is None or not score.cohort_size:
        return None
    n = score.cohort_size
    return {
        "p05": score.rank_p05,
        "p95": score.rank_p95,
        "median": score.rank_median,
        "left": round(100 * (score.rank_p05 - 1) / n, 2),
        "width": round(100 * (score.rank_p95 - score.rank_p05 + 1) / n, 2),
        "mark": round(100 * (min(score.rank, n) - 0.5) / n, 2),
        "list_share": score.list_share,
        "robust": robust(score.list_share),
    }


def robust(list_share: float | None) -> bool:
    """Whether a list member is robust: it makes its list in at least ``ROBUST_SHARE`` of the weightings."""
    return list_share is not None and list_share >= ROBUST_SHARE


def robust_count(published: PublishedList) -> int:
    """How many entries of a published list are robust (their frozen scores' list share)."""
    return published.entries.filter(score__list_share__gte=ROBUST_SHARE).count()


def latest_zone_run(user, zone_id: int) -> ScoreRun | None:
    """The zone's latest finished run the user may see (the one the profile's rank panels describe)."""
    from gaoxin.web.accounts.scoping import visible

    return (
        visible(user, ScoreRun)
        .filter(zone=zone_id, status=ScoreRun.Status.DONE)
        .defer("model_source", "notes", "sensitivity")
        .order_by("-created", "-id")
        .first()
    )


def robustness(run: ScoreRun, score: Score) -> dict:
    """What the profile says of a firm's stored interval: its rank, the 90 % interval, the list it is on
    (in the reader's language) and the share of weightings that keep it there."""
    model = run_model(run)
    lists = {x.id: label(x.name) for x in model.lists}
    return {
        "run": run,
        "score": score,
        "interval": rank_interval(score),
        "list_name": lists.get(score.list, score.list) if score.list else "",
    }


def ranking_export(
    run: ScoreRun, model: Model, qs: QuerySet, described: str, *, actor=None, filters: dict | None = None
) -> bytes:
    frame = scores_frame(run, model, qs, engine_order=False)
    content = xlsx_bytes(frame, model, run_info(run, frame.height, [described] if described else []))
    if actor is not None:
        audit(actor, "export", run, what="ranking", filters=filters or {})
    return content


# --- comparing two runs -------------------------------------------------------------------------------

REASONS_SHOWN = 3


@dataclass
class Reason:
    what: str  # an indicator id, or "penalty", "veto", "stage"
    name: str
    before: float | str | None
    after: float | str | None
    delta: float = 0.0


@dataclass
class Mover:
    enterprise_id: int
    uscc: str
    name: str
    stage_before: str
    stage_after: str
    rank_before: int
    rank_after: int
    total_before: float
    total_after: float
    grade_before: str
    grade_after: str
    list_before: str
    list_after: str
    reasons: list[Reason] = field(default_factory=list)
    kind: str = ""  # up | down | others (gaoxin.scoring.compare)
    continuing_change: int = 0  # places gained among the firms scored in both runs
    by_entrants: bool = False  # the rank moved only because firms entered or left the cohort

    @property
    def rank_change(self) -> int:
        """Places gained (positive: moved up)."""
        return self.rank_before - self.rank_after

    @property
    def total_change(self) -> float:
        return self.total_after - self.total_before


@dataclass
class Comparison:
    before: ScoreRun
    after: ScoreRun
    up: list[Mover]  # the score rose, largest rise first
    down: list[Mover]  # the score fell, largest fall first
    unchanged: int
    new: list[dict]  # firms scored only in the later run
    dropped: list[dict]  # firms scored only in the earlier run
    identical: bool  # every firm, every number, grade and list the same
    same_model: bool
    same_snapshot: bool
    # the same score, the rank moved: others passed the firm, or firms entered or left its cohort
    shifted: list[Mover] = field(default_factory=list)

    @property
    def by_entrants(self) -> int:
        """Firms whose rank moved only because firms entered or left their cohort."""
        return sum(1 for m in self.shifted if m.by_entrants)

    @property
    def movers(self) -> list[Mover]:
        return [*self.up, *self.down, *self.shifted]

    def histogram(self) -> list[tuple[float, float, int]]:
        return compare_core.histogram([m.total_change for m in (*self.up, *self.down)])


EPS = compare_core.EPS


def compare_runs(run_a: ScoreRun, run_b: ScoreRun, scores: QuerySet | None = None) -> Comparison:
    """Whose score rose or fell from ``run_a`` to ``run_b`` and why (the indicators whose points moved
    most), and whose rank moved with the same score (``shifted``: others passed it, or firms entered or
    left its cohort), by ``gaoxin.scoring.compare``.

    Both runs must be of the same zone. ``scores`` is the caller's scoped Score queryset.

    The comparison of two finished runs never changes (their scores are final): it is kept in the
    cache per pair of runs, scope (the scoped queryset's SQL), language and the register's last change
    (the firms' names and USCCs are read live), and computed afresh while either run is unfinished.
    """
    if run_a.zone_id != run_b.zone_id:
        raise ValueError(_("Only runs of the same zone can be compared."))
    scores = Score.objects.all() if scores is None else scores
    parts = _compare_parts(run_a, run_b)
    if parts is None:
        return _compare_runs(run_a, run_b, scores)
    found = remember("credit:compare", parts, lambda: _compare_runs(run_a, run_b, scores), scope=scores)
    found.before, found.after = run_a, run_b  # the caller's instances, not the cached copies
    return found


def _compare_parts(run_a: ScoreRun, run_b: ScoreRun) -> list | None:
    """What a comparison of two finished runs is computed from, for its cache key, besides the
    reader's scope (None: not both finished, nothing worth keeping)."""
    done = ScoreRun.Status.DONE
    if run_a.status != done or run_b.status != done:
        return None
    runs = [
        (r.pk, r.created.isoformat(), r.finished.isoformat() if r.finished else "") for r in (run_a, run_b)
    ]
    return [runs, get_language(), _last_change()]


def _compare_runs(run_a: ScoreRun, run_b: ScoreRun, scores: QuerySet) -> Comparison:
    model_a, model_b = run_model(run_a), run_model(run_b)
    names = {i.id: label(i.name) for i in model_a.all_indicators} | {
        i.id: label(i.name) for i in model_b.all_indicators
    }
    stages = {s.id: label(s.name) for s in model_a.stages} | {s.id: label(s.name) for s in model_b.stages}
    a, b = _compare_rows(scores, run_a), _compare_rows(scores, run_b)
    shifts = compare_core.classify(
        {e: compare_core.Standing(r["stage"], r["rank"], r["total"]) for e, r in a.items()},
        {e: compare_core.Standing(r["stage"], r["rank"], r["total"]) for e, r in b.items()},
    )
    groups: dict[str, list[Mover]] = {"up": [], "down": [], "others": []}
    unchanged, identical = 0, True
    for ent, rb in b.items():
        ra = a.get(ent)
        if ra is None:
            continue
        # Identical means bit for bit (a re-run must reproduce every number exactly); moving means a
        # change a person can see, so float noise below EPS is not reported as a move.
        if not (
            ra["pts"] == rb["pts"]
            and ra["total"] == rb["total"]
            and ra["penalty"] == rb["penalty"]
            and ra["stage"] == rb["stage"]
            and ra["grade"] == rb["grade"]
            and ra["list"] == rb["list"]
            and ra["vetoed"] == rb["vetoed"]
        ):
            identical = False
        shift = shifts[ent]
        if shift.kind == "same":
            unchanged += 1
            continue
        groups[shift.kind].append(
            Mover(
                enterprise_id=ent,
                uscc=rb["uscc"],
                name=rb["name"],
                stage_before=stages.get(ra["stage"], ra["stage"]),
                stage_after=stages.get(rb["stage"], rb["stage"]),
                rank_before=ra["rank"],
                rank_after=rb["rank"],
                total_before=ra["total"],
                total_after=rb["total"],
                grade_before=ra["grade"],
                grade_after=rb["grade"],
                list_before=ra["list"],
                list_after=rb["list"],
                reasons=_reasons(ra, rb, names, stages),
                kind=shift.kind,
                continuing_change=shift.continuing_change,
                by_entrants=shift.by_entrants,
            )
        )
    up, down, shifted = groups["up"], groups["down"], groups["others"]
    up.sort(key=lambda m: (-m.total_change, -m.rank_change, m.uscc))
    down.sort(key=lambda m: (m.total_change, m.rank_change, m.uscc))
    shifted.sort(key=lambda m: (m.by_entrants, m.continuing_change, m.rank_change, m.uscc))

    def brief(r: dict, ent: int) -> dict:
        stage = stages.get(r["stage"], r["stage"])
        return {"enterprise_id": ent, **r, "stage_name": stage}

    new = sorted((brief(r, e) for e, r in b.items() if e not in a), key=lambda r: (r["rank"], r["uscc"]))
    dropped = sorted((brief(r, e) for e, r in a.items() if e not in b), key=lambda r: (r["rank"], r["uscc"]))
    return Comparison(
        before=run_a,
        after=run_b,
        up=up,
        down=down,
        unchanged=unchanged,
        new=new,
        dropped=dropped,
        identical=identical and not new and not dropped,
        same_model=run_a.model_sha256 == run_b.model_sha256,
        same_snapshot=bool(run_a.snapshot_sha256) and run_a.snapshot_sha256 == run_b.snapshot_sha256,
        shifted=shifted,
    )


COMPARE_KINDS = {
    "up": gettext_lazy("Score up"),
    "down": gettext_lazy("Score down"),
    "others": gettext_lazy("Same score, rank moved"),
    "new": gettext_lazy("New in the later run"),
    "dropped": gettext_lazy("No longer scored"),
}


def compare_filter(result: Comparison, show: str = "", stage: str = "", q: str = "") -> list[Mover]:
    """The continuing firms the compare page lists: one group (``show``: up, down, others; default all),
    one stage name (before or after), a name or USCC fragment."""
    movers = {"up": result.up, "down": result.down, "others": result.shifted}.get(show, result.movers)
    q = (q or "").strip().lower()
    return [
        m
        for m in movers
        if (not stage or stage in (m.stage_before, m.stage_after))
        and (not q or q in m.name.lower() or q in m.uscc.lower())
    ]


def compare_chart(result: Comparison) -> dict:
    """The distribution of score changes (firms per bin) for ``charts.js``; rank-only shifts excluded."""
    bins = result.histogram()
    return {
        "kind": "bar",
        "x": [f"{display.num(lo)} – {display.num(hi)}" for lo, hi, _n in bins],
        "series": [{"name": _("Firms"), "y": [n for _lo, _hi, n in bins]}] if bins else [],
        "xtitle": _("Change of the total score"),
        "ytitle": _("Firms"),
    }


COMPARE_COLUMNS = (
    Column("kind", "分类", "Change"),
    Column("name", "企业名称", "Enterprise"),
    Column("uscc", "统一社会信用代码", "USCC"),
    Column("stage_before", "阶段（前）", "Stage before"),
    Column("stage_after", "阶段（后）", "Stage after"),
    Column("total_before", "总分（前）", "Total before", "decimal"),
    Column("total_after", "总分（后）", "Total after", "decimal"),
    Column("total_change", "总分变化", "Change of the total", "decimal"),
    Column("rank_before", "同组排名（前）", "Rank before", "int"),
    Column("rank_after", "同组排名（后）", "Rank after", "int"),
    Column("rank_change", "排名变化（名次，正为上升）", "Places gained", "int"),
    Column(
        "continuing_change", "两期均参评企业中的排名变化", "Places gained among firms in both runs", "int"
    ),
    Column("by_entrants", "仅因新进或退出企业", "Only because firms entered or left", "bool"),
    Column("grade_before", "等级（前）", "Grade before"),
    Column("grade_after", "等级（后）", "Grade after"),
    Column("reasons", "主要原因", "Why", width=60),
)


def _rounded(x) -> Decimal | None:
    return None if x is None else Decimal(str(round(float(x), 4)))


def compare_rows(result: Comparison, movers: list[Mover] | None = None) -> list[dict]:
    """The rows of the export: the listed continuing firms, then (unfiltered) new and departed firms."""
    rows = []
    for m in result.movers if movers is None else movers:
        rows.append(
            {
                "kind": str(COMPARE_KINDS[m.kind]),
                "name": m.name,
                "uscc": m.uscc,
                "stage_before": m.stage_before,
                "stage_after": m.stage_after,
                "total_before": _rounded(m.total_before),
                "total_after": _rounded(m.total_after),
                "total_change": _rounded(m.total_change),
                "rank_before": m.rank_before,
                "rank_after": m.rank_after,
                "rank_change": m.rank_change,
                "continuing_change": m.continuing_change,
                "by_entrants": m.by_entrants,
                "grade_before": m.grade_before,
                "grade_after": m.grade_after,
                "reasons": "；".join(
                    f"{r.name}：{r.before} → {r.after}" if not r.delta else f"{r.name} {r.delta:+.2f}"
                    for r in m.reasons
                ),
            }
        )
    for kind, group, when in (("new", result.new, "after"), ("dropped", result.dropped, "before")):
        for r in group:
            rows.append(
                {
                    "kind": str(COMPARE_KINDS[kind]),
                    "name": r["name"],
                    "uscc": r["uscc"],
                    f"stage_{when}": r["stage_name"],
                    f"total_{when}": _rounded(r["total"]),
                    f"rank_{when}": r["rank"],
                    f"grade_{when}": r["grade"],
                }
            )
    return rows


def compare_export(result: Comparison, fmt: str, movers: list[Mover] | None = None, *, actor=None) -> bytes:
    """The comparison as a workbook (xlsx) or CSV (UTF-8 with BOM, for Excel), Chinese headers."""
    if actor is not None:
        audit(actor, "export", result.after, format=fmt, compared_with=result.before.pk)
    rows = compare_rows(result, movers)
    if fmt != "csv":
        return to_bytes([Sheet("对比", COMPARE_COLUMNS, rows)])
    out = io.StringIO()
    writer = safe.writer(out)  # a cell that would start a formula is neutralised
    writer.writerow([c.zh for c in COMPARE_COLUMNS])
    for r in rows:
        writer.writerow([_csv_cell(r.get(c.id)) for c in COMPARE_COLUMNS])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _compare_rows(scores: QuerySet, run: ScoreRun) -> dict[int, dict]:
    rows = (
        scores.filter(run=run)
        .order_by()
        .values_list(
            "enterprise_id",
            "enterprise__uscc",
            "enterprise__name",
            "stage",
            "total",
            "rank",
            "grade",
            "list",
            "vetoed",
            "penalty",
            "details__pts",
        )
    )
    keys = ("uscc", "name", "stage", "total", "rank", "grade", "list", "vetoed", "penalty", "pts")
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def _reasons(ra: dict, rb: dict, names: dict[str, str], stages: dict[str, str]) -> list[Reason]:
    """Why a firm moved: stage, veto and penalty changes first, then the indicators whose points moved most."""
    out = []
    if ra["stage"] != rb["stage"]:
        out.append(Reason("stage", _("Stage"), stages.get(ra["stage"]), stages.get(rb["stage"])))
    if ra["vetoed"] != rb["vetoed"]:
        yes, no = _("yes"), _("no")
        out.append(Reason("veto", _("Veto"), yes if ra["vetoed"] else no, yes if rb["vetoed"] else no))
    if abs(rb["penalty"] - ra["penalty"]) > EPS:
        out.append(
            Reason("penalty", _("Penalty"), ra["penalty"], rb["penalty"], rb["penalty"] - ra["penalty"])
        )
    pa, pb = ra["pts"] or {}, rb["pts"] or {}
    deltas = []
    for ind in sorted(set(pa) | set(pb)):
        before, after = pa.get(ind) or 0.0, pb.get(ind) or 0.0
        if abs(after - before) > EPS:
            deltas.append(Reason(ind, names.get(ind, ind), before, after, after - before))
    deltas.sort(key=lambda r: (-abs(r.delta), r.what))
    return out + deltas[:REASONS_SHOWN]


# --- the monthly report ---------------------------------------------------------------------------------


def report_section(user, zone: Zone, start: dt.date, end: dt.date) -> dict | None:
    """The innovation credit score in the zone's monthly report: the latest run finished by ``end``
    (firms scored, per grade, vetoed) and the lists published between ``start`` and ``end``."""
    from gaoxin.web.accounts.scoping import visible

    run = (
        visible(user, ScoreRun)
        .filter(zone=zone, status=ScoreRun.Status.DONE, finished__date__lte=end)
        .order_by("-finished", "-id")
        .first()
    )
    if run is None:
        return None
    scores = visible(user, Score).filter(run=run)
    grades = dict(scores.order_by().values_list("grade").annotate(n=Count("id")))
    published = (
        visible(user, PublishedList)
        .filter(zone=zone, created__date__gte=start, created__date__lte=end)
        .annotate(n=Count("entries", distinct=True))
        .order_by("created", "id")
    )
    return {
        "run": run,
        "scored": sum(grades.values()),
        "grades": [{"grade": g, "n": grades[g]} for g in sorted(grades, key=lambda g: (g == "", g))],
        "vetoed": scores.filter(vetoed=True).count(),
        "lists": list(published),
    }


# --- publishing lists ---------------------------------------------------------------------------------


class PublishError(ValueError):
    pass


PUBLISH_FILTERS = ("stage", "grade_min", "list", "top")


def clean_list_filters(model: Model, filters: dict) -> dict:
    """The filters a list is published with, checked against the run's model (PublishError if not)."""
    unknown = set(filters) - set(PUBLISH_FILTERS)
    if unknown:
        raise PublishError(_("Unknown filter: %(names)s") % {"names": ", ".join(sorted(unknown))})
    out: dict = {}
    if stage := filters.get("stage"):
        if stage not in {s.id for s in model.stages}:
            raise PublishError(_("The model has no stage %(value)s.") % {"value": stage})
        out["stage"] = stage
    if grade := filters.get("grade_min"):
        if grade not in [g.grade for g in model.grades]:
            raise PublishError(_("The model has no grade %(value)s.") % {"value": grade})
        out["grade_min"] = grade
    if lst := filters.get("list"):
        if lst not in [x.id for x in model.lists]:
            raise PublishError(_("The model has no list %(value)s.") % {"value": lst})
        out["list"] = lst
    top = filters.get("top")
    if top not in (None, ""):
        try:
            top = int(top)
        except (TypeError, ValueError):
            top = 0
        if top < 1:
            raise PublishError(_("Top N must be a whole number of at least 1."))
        out["top"] = top
    return out


def list_candidates(run: ScoreRun, model: Model, scores: QuerySet, filters: dict) -> QuerySet:
    """The run's scores a list with ``filters`` holds, best first (total, then USCC).

    Vetoed firms are never listed. ``grade_min`` keeps that grade and the better ones; ``list`` keeps
    that list and the smaller (better) lists nested inside it; ``top`` keeps the first N that remain.
    """
    filters = clean_list_filters(model, filters)
    qs = scores.filter(run=run, vetoed=False)
    if "stage" in filters:
        qs = qs.filter(stage=filters["stage"])
    if "grade_min" in filters:
        grades = [g.grade for g in model.grades]
        qs = qs.filter(grade__in=grades[: grades.index(filters["grade_min"]) + 1])
    if "list" in filters:
        lists = [x.id for x in model.lists]
        qs = qs.filter(list__in=lists[: lists.index(filters["list"]) + 1])
    qs = qs.order_by("-total", "enterprise__uscc")
    if "top" in filters:
        qs = qs[: filters["top"]]
    return qs


def describe_filters(model: Model, filters: dict) -> str:
    """The filters in words, e.g. 阶段：成长期；等级不低于 B."""
    parts = []
    stages = {s.id: label(s.name) for s in model.stages}
    lists = {x.id: label(x.name) for x in model.lists}
    for key, value in filters.items():
        if value in (None, ""):
            continue
        if key == "stage":
            parts.append(_("stage: %(value)s") % {"value": stages.get(value, value)})
        elif key == "grade_min":
            parts.append(_("grade %(value)s or better") % {"value": value})
        elif key == "grade":
            parts.append(_("grade: %(value)s") % {"value": value})
        elif key == "list":
            parts.append(_("list: %(value)s") % {"value": lists.get(value, value)})
        elif key == "top":
            parts.append(_("top %(value)s") % {"value": value})
        elif key == "industry":
            parts.append(_("industry code starts with %(value)s") % {"value": value})
        elif key == "tech_field":
            parts.append(_("tech field: %(value)s") % {"value": value})
        elif key == "q":
            parts.append(_("search: %(value)s") % {"value": value})
    return "; ".join(parts) if parts else _("all firms (vetoed firms excluded)")


# Called inside the publishing transaction with the new list (the finance app refreshes its product
# matches here): what depends on a published list changes with it or not at all.
PUBLISH_HOOKS: list = []


def publish_list(
    run: ScoreRun, *, title: str, filters: dict, banks: Iterable, user, actor=None
) -> PublishedList:
    """Freeze the run's scores that match ``filters`` into a list for ``banks``; never changed after.

    The entries point at the run's Score rows, which never change either, so the list reads the same
    numbers forever, whatever is imported or re-scored later.
    """
    if run.status != ScoreRun.Status.DONE:
        raise PublishError(_("Only a finished run can be published."))
    title = (title or "").strip()
    if not title:
        raise PublishError(_("A list needs a title."))
    model = run_model(run)
    filters = clean_list_filters(model, filters)
    with transaction.atomic():
        chosen = list(
            list_candidates(run, model, Score.objects.all(), filters).values_list("pk", "enterprise_id")
        )
        if not chosen:
            raise PublishError(_("No firm matches these filters; nothing was published."))
        published = PublishedList.objects.create(
            run=run, zone=run.zone, title=title, filters=filters, created_by=user
        )
        banks = list(banks)
        published.banks.set(banks)
        ListEntry.objects.bulk_create(
            [
                ListEntry(published_list=published, enterprise_id=ent, score_id=pk, position=n)
                for n, (pk, ent) in enumerate(chosen, 1)
            ],
            batch_size=BATCH,
        )
        for hook in PUBLISH_HOOKS:
            hook(published)
        if actor is not None:
            audit(actor, "publish", published, run=run.pk, banks=[b.code for b in banks], filters=filters)
    return published


POSITION = "序号"  # the list's own column, named as the files show it


def list_frame(published: PublishedList, model: Model, scores: QuerySet) -> pl.DataFrame:
    """A published list as a frame: its position, then the spec's columns from the frozen scores."""
    positions = dict(published.entries.values_list("score_id", "position"))
    chosen = scores.filter(pk__in=list(positions))
    ids = list(chosen.values_list("pk", flat=True).order_by("pk"))
    frame = scores_frame(published.run, model, chosen.order_by("pk"), engine_order=False)
    order = pl.Series(POSITION, [positions[i] for i in ids], dtype=pl.Int64)
    return frame.insert_column(0, order).sort(POSITION)


def list_info(published: PublishedList, model: Model, count: int) -> RunInfo:
    notes = [
        f"名单：{published.title}",
        f"发布时间：{timezone.localtime(published.created):%Y-%m-%d %H:%M}",
        f"筛选条件：{describe_filters(model, published.filters)}",
        f"入选企业：{count} 家",
    ]
    return run_info(published.run, count, notes)


def list_export(published: PublishedList, model: Model, scores: QuerySet, fmt: str, *, actor=None) -> bytes:
    frame = list_frame(published, model, scores)
    if fmt == "csv":
        content = csv_bytes(frame, model)
    else:
        content = xlsx_bytes(frame, model, list_info(published, model, frame.height))
    if actor is not None:
        audit(actor, "export", published, format=fmt)
    return content


def list_seen(actor, published: PublishedList) -> None:
    """A bank opened a list addressed to it: audited (what a bank reads of the firms is recorded)."""
    audit(actor, "view", published)


# --- the model page -----------------------------------------------------------------------------------


METHOD_LABELS = {
    "percentile": gettext_lazy("percentile in cohort"),
    "minmax": gettext_lazy("min–max in cohort"),
    "linear": gettext_lazy("linear between two values"),
    "bands": gettext_lazy("bands"),
}


def model_outline(model: Model) -> dict:
    """A model as the model page shows it: stages, the indicator tree with weights per stage, rules;
    every expression also in words (``gaoxin.scoring.readable``: field labels of the data dictionary)."""
    stage_ids = [s.id for s in model.stages]
    lang = "en" if (get_language() or "").startswith("en") else "zh"

    def indicator(i) -> dict:
        return {
            "id": i.id,
            "name": label(i.name),
            "name_en": i.name.en,
            "method": i.method,
            "direction": i.direction,
            "method_label": METHOD_LABELS.get(i.method, i.method),
            "direction_label": _("higher is better") if i.direction == "higher" else _("lower is better"),
            "value": i.value.text,
            "value_words": in_words(i.value, lang),
            "linear": i.linear,
            "bands": [{"threshold": t, "fraction": f} for t, f in i.bands],
            "rule": _rule(i),
            "weights": [i.weight(s) for s in stage_ids],
            "description": i.description,
            "bonus": i.bonus,
        }

    categories = []
    for c in model.categories:
        base = [indicator(i) for i in model.indicators if i.category == c.id]
        bonus = [indicator(i) for i in model.bonus_indicators if i.category == c.id]
        subtotal = [sum(i["weights"][n] for i in base) for n in range(len(stage_ids))]
        categories.append(
            {
                "id": c.id,
                "name": label(c.name),
                "name_en": c.name.en,
                "indicators": base,
                "bonus": bonus,
                "subtotal": subtotal,
            }
        )
    return {
        "id": model.id,
        "version": model.version,
        "name": label(model.name),
        "name_en": model.name.en,
        "sha256": model.sha256,
        "cohort": list(model.cohort),
        "cohort_names": [_cohort_name(k) for k in model.cohort],
        "stages": [
            {
                "id": s.id,
                "name": label(s.name),
                "name_en": s.name.en,
                "when": s.when.text,
                "when_words": in_words(s.when, lang),
            }
            for s in model.stages
        ],
        "categories": categories,
        "stage_max": [model.stage_max(s) for s in stage_ids],
        "bonus_cap": model.bonus_cap,
        "bonus_count": len(model.bonus_indicators),
        "penalties": [
            {
                "id": p.id,
                "name": label(p.name),
                "when": p.when.text,
                "when_words": in_words(p.when, lang),
                "points": p.points,
                "description": p.description,
            }
            for p in model.penalties
        ],
        "veto": [v.text for v in model.veto],
        "veto_words": [{"text": v.text, "words": in_words(v, lang)} for v in model.veto],
        "grades": [{"grade": g.grade, "min": g.min} for g in model.grades],
        "lists": [{"id": x.id, "name": label(x.name), "top": float(x.top) * 100} for x in model.lists],
        "indicator_count": len(model.all_indicators),
    }


def _rule(i) -> str:
    """The parameters of an indicator's method, e.g. ``[0, 0.3]`` or ``1→0.3, 2→0.5``."""
    if i.method == "linear" and i.linear:
        a, b = i.linear
        return f"[{a:g}, {b:g}]"
    if i.method == "bands":
        return ", ".join(f"{t:g}→{f:g}" for t, f in i.bands)
    return ""


def _cohort_name(key: str) -> str:
    if key == "zone":
        return _("zone")
    if key == "stage":
        return _("stage")
    from gaoxin.data.dictionary import BY_ID

    return label(BY_ID[key]) if key in BY_ID else key
