"""The enterprise list: filters by stage, grade (the zone's latest finished run), high-tech field and
current qualification; whitelisted sorting; page numbers; the xlsx export of exactly the filtered list
(audited, formulas neutralised); queries flat in the page size."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.credit.models import Score
from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification

ENTERPRISES = "/registry/enterprises/"
EXPORT = "/registry/enterprises/export.xlsx"


def _all(client, params) -> list[Enterprise]:
    """Every row of the filtered list, page after page."""
    first = client.get(ENTERPRISES, params).context["page"]
    out = list(first.object_list)
    for n in range(2, first.paginator.num_pages + 1):
        out += list(client.get(ENTERPRISES, {**params, "page": n}).context["page"].object_list)
    return out


def _scores(platform) -> dict[int, Score]:
    return {s.enterprise_id: s for s in Score.objects.filter(run=platform.run_a)}


def test_stage_grade_and_qualification_filters_equal_independent_selections(platform):
    client = platform.client("zone_admin")
    scores = _scores(platform)
    stage = scores[platform.listed.pk].stage
    got = {e.pk for e in _all(client, {"stage": stage})}
    assert got == {pk for pk, s in scores.items() if s.stage == stage} and got

    grade = scores[platform.listed.pk].grade
    got = {e.pk for e in _all(client, {"grade": grade})}
    assert got == {pk for pk, s in scores.items() if s.grade == grade} and got
    both = {e.pk for e in _all(client, {"grade": grade, "stage": stage})}
    assert both == {pk for pk, s in scores.items() if s.grade == grade and s.stage == stage}

    today = timezone.localdate()
    firm = Enterprise.objects.filter(zone=platform.zone_a).exclude(pk=platform.listed.pk).first()
    Qualification.objects.create(
        enterprise=firm,
        kind="gazelle",
        valid_from=today - dt.timedelta(days=10),
        valid_to=today + dt.timedelta(days=10),
    )
    Qualification.objects.create(  # expired: not held
        enterprise=platform.listed,
        kind="gazelle",
        valid_from=dt.date(2000, 1, 1),
        valid_to=dt.date(2001, 1, 1),
    )
    assert [e.pk for e in _all(client, {"qualification": "gazelle"})] == [firm.pk]

    # unknown values are dropped, never an error; nothing of zone B leaks in
    for junk in ({"stage": "nope"}, {"grade": "Z'; --"}, {"qualification": "x"}, {"tech_field": "x"}):
        r = client.get(ENTERPRISES, junk)
        assert r.status_code == 200
        assert r.context["page"].paginator.count == Enterprise.objects.filter(zone=platform.zone_a).count()
    assert platform.other.pk not in {e.pk for e in _all(platform.client("zone_admin"), {})}


def test_sorting_is_whitelisted_and_orders_by_score_revenue_rd_and_name(platform):
    client = platform.client("zone_admin")
    scores = _scores(platform)
    rows = _all(client, {"sort": "score"})
    totals = [scores[e.pk].total if e.pk in scores else None for e in rows]
    known = [t for t in totals if t is not None]
    assert known == sorted(known, reverse=True) and totals[: len(known)] == known  # unscored last
    rows = _all(client, {"sort": "-score"})
    assert [scores[e.pk].total for e in rows if e.pk in scores] == sorted(known)

    latest = {}
    for r in AnnualReport.objects.filter(enterprise__zone=platform.zone_a).order_by("year"):
        latest[r.enterprise_id] = r
    for key, column in (("revenue", "revenue"), ("rd", "rd_expense")):
        values = [
            getattr(latest[e.pk], column) if e.pk in latest else None for e in _all(client, {"sort": key})
        ]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=True) and values[: len(present)] == present, key

    names = [e.name for e in _all(client, {})]
    assert names == sorted(names)
    assert [e.name for e in _all(client, {"sort": "-name"})] == sorted(names, reverse=True)
    for bad in ("zone__code", "-password", "score;drop", "__class__", ""):
        r = client.get(ENTERPRISES, {"sort": bad})
        assert r.status_code == 200 and [e.name for e in r.context["page"].object_list] == names[:50], bad
    page = client.get(ENTERPRISES, {"sort": "score"}).content.decode()
    assert 'href="?sort=-score"' in page and 'aria-sort="descending"' in page


def test_page_numbers_keep_the_filters(platform):
    client = platform.client("platform_admin")  # both zones: 120 firms, three pages of 50
    r = client.get(ENTERPRISES, {"sort": "revenue", "page": 2})
    page = r.content.decode()
    assert r.context["page"].number == 2 and r.context["page"].paginator.num_pages == 3
    nav = page[page.index('id="page-numbers"') :]
    for n in (1, 3):
        assert f'href="?sort=revenue&amp;page={n}"' in nav
    assert '<span aria-current="page"><strong>2</strong></span>' in nav


def test_the_export_is_exactly_the_filtered_list_audited_with_formulas_neutralised(platform):
    client = platform.client("zone_admin")
    scores = _scores(platform)
    firm = platform.unlisted
    Enterprise.objects.filter(pk=firm.pk).update(name='=HYPERLINK("http://x","点我")')
    stage = scores[firm.pk].stage
    params = {"stage": stage, "sort": "score"}
    expected = _all(client, params)
    before = AuditEvent.objects.filter(action="export").count()
    r = client.get(EXPORT, params)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("企业名称", "统一社会信用代码", "所在园区")
    assert [row[1] for row in rows[1:]] == [e.uscc for e in expected]  # same firms, same order
    cells = {row[1]: row for row in rows[1:]}
    assert cells[firm.uscc][0] == '=HYPERLINK("http://x","点我")'  # shown as written, as text
    assert cells[firm.uscc][6] == scores[firm.pk].grade
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # no formula anywhere
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert event.detail["what"] == "enterprises" and event.detail["rows"] == len(expected)
    assert event.detail["filters"] == {"stage": stage}
    # the export obeys the same scope: zone B's staff export their own zone only
    ws = openpyxl.load_workbook(io.BytesIO(platform.client("zone_admin_b").get(EXPORT).content)).active
    codes = {row[1] for row in list(ws.iter_rows(values_only=True))[1:]}
    assert codes == set(Enterprise.objects.filter(zone=platform.zone_b).values_list("uscc", flat=True))
    for role in ("enterprise", "bank"):
        assert platform.client(role).get(EXPORT).status_code == 403


def _queries(client, params) -> int:
    client.get(ENTERPRISES, params)  # warm the model cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(ENTERPRISES, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_whatever_its_size(platform, django_assert_max_num_queries):
    client = platform.client("platform_admin")
    params = {"sort": "score", "grade": _scores(platform)[platform.listed.pk].grade}
    small = _queries(client, {**params, "q": platform.listed.name})  # one row
    full = _queries(client, {"sort": "revenue"})  # a full page of 50
    assert small == full
    with django_assert_max_num_queries(12):
        client.get(ENTERPRISES, {"sort": "rd", "qualification": "hightech"})
