"""The policy app's API (mounted at /api/policy); same scope as the pages: zone staff see their zone's
policies, runs and awards; an enterprise sees the published policies of its zone and its own awards
of official lists in publicity or closed (never a simulation); banks see nothing. Money: exact
decimal strings in 万元. Out of scope is 404.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from gaoxin.web.api.common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, get_visible, page, scoped
from gaoxin.web.api.schemas import DecimalString, Page
from gaoxin.web.policy.models import Award, MatchRun, Policy

router = Router(tags=["policy"])


class PolicyOut(Schema):
    id: int
    code: str
    version: int
    title: str
    doc_no: str
    level: str
    execution: str
    status: str
    valid_from: dt.date
    valid_to: dt.date
    example: bool
    sha256: str


class PolicyDetailOut(PolicyOut):
    text: str


class AwardOut(Schema):
    id: int
    run_id: int
    enterprise_uscc: str
    clause_id: str
    clause_title: str
    eligible: bool
    amount: DecimalString
    status: str
    split: dict
    steps: list
    checks: list

    @staticmethod
    def resolve_enterprise_uscc(obj) -> str:
        return obj.enterprise.uscc


class RunOut(Schema):
    id: int
    policy_id: int
    year: int
    kind: str
    status: str
    facts_sha256: str
    lines_sha256: str
    summary: dict


@router.get("/policies", response={200: Page[PolicyOut], **ERRORS}, summary="Policies the caller may see")
def policies(request, limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0)):
    return page(scoped(request, Policy).order_by("code", "-version"), limit, offset)


@router.get(
    "/policies/{policy_id}", response={200: PolicyDetailOut, **ERRORS}, summary="One policy with its file"
)
def policy(request, policy_id: int):
    return get_visible(request, Policy, policy_id, _("Policy not found."))


@router.get(
    "/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="A matching run and its simulation figures"
)
def run(request, run_id: int):
    return get_visible(request, MatchRun, run_id, _("Run not found."))


@router.get(
    "/awards", response={200: Page[AwardOut], **ERRORS}, summary="Awards: a run's, or the caller's own"
)
def awards(
    request,
    run: int | None = Query(None, description="a matching run id"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    qs = (
        scoped(request, Award).select_related("enterprise").filter(amount__gt=0)
        if run is None
        else scoped(request, Award).select_related("enterprise").filter(run_id=run)
    )
    return page(qs.order_by("run_id", "clause_id", "enterprise__uscc"), limit, offset)
