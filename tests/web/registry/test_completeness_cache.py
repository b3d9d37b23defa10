"""The dashboard's completeness figures are kept per register version (issue 15 item 2: the
provenance of every field of every row took seconds at 100,000 firms): the second dashboard reads
none of it again, and an import applied or a correction decided shows at once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.web.registry.models import AnnualReport, ChangeRecord
from gaoxin.web.registry.services import pages


def _provenance_queries(ctx) -> int:
    return sum("sources" in q["sql"] for q in ctx.captured_queries)


def test_the_second_look_reads_no_provenance_and_a_change_is_seen(platform):
    p = platform
    user, zone = p.users["zone_admin"], p.zone_a
    with CaptureQueriesContext(connection) as first:
        before = pages.completeness(user, zone)
    with CaptureQueriesContext(connection) as again:
        same = pages.completeness(user, zone)
    assert _provenance_queries(first) > 0 and _provenance_queries(again) == 0
    assert same.fields == before.fields

    # a correction decided: one value cleared, one change recorded — the figures follow
    report = (
        AnnualReport.objects.filter(enterprise__zone=zone, year=before.year).exclude(revenue=None).first()
    )
    old = report.revenue
    report.revenue = None
    report.save(update_fields=["revenue"])
    ChangeRecord.objects.create(
        enterprise=report.enterprise, year=report.year, field="revenue", old=str(old), new=""
    )
    after = pages.completeness(user, zone)
    filled = {r["id"]: r["filled"] for r in after.fields}
    assert filled["revenue"] == {r["id"]: r["filled"] for r in before.fields}["revenue"] - 1
