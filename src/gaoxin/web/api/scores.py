"""Score runs, their scores, an enterprise's scores across runs, and explanations."""

from __future__ import annotations

import dataclasses
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from gaoxin.scoring.explain import UnknownEnterprise
from gaoxin.web.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    audit_read,
    enterprise_or_404,
    get_visible,
    page,
    scoped,
)
from gaoxin.web.api.schemas import Error, ExplanationOut, Page, RunDetailOut, RunOut, ScoreOut
from gaoxin.web.api.services import explain_enterprise
from gaoxin.web.credit.models import Score, ScoreRun
from gaoxin.web.platform.views import newest_runs

router = Router(tags=["scores"])

ORDER = {
    "rank": ("stage", "rank", "enterprise__uscc"),
    "-total": ("-total", "enterprise__uscc"),
    "uscc": ("enterprise__uscc",),
}


@router.get("/runs", response={200: Page[RunOut], **ERRORS}, summary="Score runs")
def runs(
    request,
    zone: str | None = Query(None, description="zone code"),
    year: int | None = None,
    status: Literal["running", "done", "failed"] | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = scoped(request, ScoreRun).select_related("zone")
    return page(newest_runs(qs, zone=zone, year=year, status=status), limit, offset)


def _run(request, run_id: int) -> ScoreRun:
    qs = scoped(request, ScoreRun).select_related("zone")
    return get_visible(request, qs, run_id, _("Score run not found."))


@router.get(
    "/runs/{run_id}",
    response={200: RunDetailOut, **ERRORS},
    summary="One run: its model (id, version, hash), data snapshot hash and code version",
)
def run(request, run_id: int):
    return _run(request, run_id)


@router.get(
    "/runs/{run_id}/scores",
    response={200: Page[ScoreOut], **ERRORS, 409: Error},
    summary="The scores of a finished run, filtered (full-precision floats); 409 while it runs",
)
def run_scores(
    request,
    run_id: int,
    stage: str | None = Query(None, description="stage id of the run's model"),
    grade: str | None = None,
    list_: str | None = Query(None, alias="list", description="honour list id"),
    order: Literal["rank", "-total", "uscc"] = Query("rank", description="rank: by stage, then rank"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    found = _run(request, run_id)
    if found.status != ScoreRun.Status.DONE:
        # A running run's rows are written in batches and a failed run's are discarded: a machine
        # must not take a part of a ranking for the whole of it.
        raise HttpError(
            409, _("This run is not finished (status: %(status)s).") % {"status": found.get_status_display()}
        )
    qs = scoped(request, Score).filter(run=found).select_related("enterprise")
    if stage:
        qs = qs.filter(stage=stage)
    if grade:
        qs = qs.filter(grade=grade)
    if list_:
        qs = qs.filter(list=list_)
    if request.api_via == "token":  # a machine pulling a zone's scores is audited like an export
        audit_read(request, "view_scores", found, "run-scores")
    return page(qs.order_by(*ORDER[order]), limit, offset)


@router.get(
    "/enterprises/{enterprise_id}/scores",
    response={200: list[ScoreOut], **ERRORS},
    summary="An enterprise's scores across the finished runs the caller may see",
)
def enterprise_scores(request, enterprise_id: int):
    found = enterprise_or_404(request, enterprise_id)
    qs = scoped(request, Score).filter(enterprise=found, run__status=ScoreRun.Status.DONE)
    qs = qs.select_related("enterprise")
    audit_read(request, "view_enterprise", found, "scores")
    return list(qs.order_by("-run__created", "-run_id"))


@router.get(
    "/runs/{run_id}/explanations/{enterprise_id}",
    response={200: ExplanationOut, **ERRORS},
    summary="Why an enterprise scored what it scored in a run, and its best levers",
)
def explanation(request, run_id: int, enterprise_id: int, levers: int = Query(3, ge=0, le=20)):
    found_run = _run(request, run_id)
    found = enterprise_or_404(request, enterprise_id)
    if not scoped(request, Score).filter(run=found_run, enterprise=found).exists():
        raise Http404(_("This enterprise has no score in this run."))
    try:
        result = explain_enterprise(found_run, found, levers=levers)
    except UnknownEnterprise as exc:
        raise Http404(_("This enterprise is no longer in the zone's data for this year.")) from exc
    audit_read(request, "view_enterprise", found, "explanation")
    return {
        **dataclasses.asdict(result.explanation),
        "penalties": [{"id": i, "name": n, "points": p} for i, n, p in result.explanation.penalties],
        "run": found_run.pk,
        "enterprise": found.pk,
        "data_changed": result.data_changed,
    }
