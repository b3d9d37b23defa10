"""Score runs: read the zone's register, score it with the pure engine, store the result immutably.

The engine (``gaoxin.scoring``) decides every number; this module only moves frames in and rows out,
and records what is needed to reproduce the run: the model file itself and its hash, the hash of the
data snapshot the engine read, and the code version.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable

import polars as pl
from django.db import transaction
from django.utils import timezone

from gaoxin.dataset import Dataset
from gaoxin.runinfo import code_version
from gaoxin.scoring.engine import score
from gaoxin.scoring.model import Model, loads
from gaoxin.web.credit.models import Score, ScoreRun
from gaoxin.web.registry.models import Enterprise, Zone
from gaoxin.web.registry.services import zone_dataset

Progress = Callable[[float], None]
BATCH = 2000


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


def start_run(zone: Zone, year: int, model: Model, user) -> ScoreRun:
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
    )


def execute_run(run: ScoreRun, progress: Progress | None = None) -> ScoreRun:
    """Score the run's zone and year and store every row; the run is done or failed afterwards."""
    progress = progress or (lambda _: None)
    model = run_model(run)
    data = zone_dataset([run.zone], years=[run.year - 1, run.year])
    progress(0.2)
    result = score(model, data, run.year)
    progress(0.5)
    frame = result.frame
    ids = dict(Enterprise.objects.filter(zone=run.zone).values_list("uscc", "pk"))
    rows = _score_rows(run, model, frame, ids)
    with transaction.atomic():
        for i in range(0, len(rows), BATCH):
            Score.objects.bulk_create(rows[i : i + BATCH])
            progress(0.5 + 0.45 * min(1.0, (i + BATCH) / max(1, len(rows))))
        run.snapshot_sha256 = snapshot_hash(data, run.year)
        run.scored = frame.height
        run.notes = result.notes
        run.status = ScoreRun.Status.DONE
        run.finished = timezone.now()
        run.save()
    progress(1.0)
    return run


def run_model(run: ScoreRun) -> Model:
    """The model exactly as the run used it (from the stored file, not today's copy)."""
    return loads(run.model_source.encode("utf-8"), name=f"{run.model_id} v{run.model_version}")


def _score_rows(run: ScoreRun, model: Model, frame: pl.DataFrame, ids: dict[str, int]) -> list[Score]:
    cats = [c.id for c in model.categories]
    inds = [i.id for i in model.all_indicators]
    out = []
    for r in frame.iter_rows(named=True):
        out.append(
            Score(
                run=run,
                enterprise_id=ids[r["uscc"]],
                stage=r["stage"],
                total=r["total"],
                base=r["base"],
                bonus=r["bonus"],
                penalty=r["penalty"],
                vetoed=r["vetoed"],
                rank=r["rank"],
                cohort_size=r["cohort_size"],
                grade=r["grade"] or "",
                list=r["list"] or "",
                details={
                    "cat": {c: r[f"cat:{c}"] for c in cats},
                    "pts": {i: r[f"pts:{i}"] for i in inds},
                    "val": {i: _finite(r[f"val:{i}"]) for i in inds},
                    "missing": [m for m in r["missing"].split(",") if m],
                },
            )
        )
    return out


def run_scores(zone: Zone, year: int, model: Model, user, progress: Progress | None = None) -> ScoreRun:
    """Start and execute a run in one go (the CLI, the demo and tests); pages use a background job."""
    run = start_run(zone, year, model, user)
    try:
        return execute_run(run, progress)
    except Exception:
        ScoreRun.objects.filter(pk=run.pk).update(status=ScoreRun.Status.FAILED, finished=timezone.now())
        raise
