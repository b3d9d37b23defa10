"""The registry's pages: zone dashboard, enterprise list, enterprise profile, my enterprise.

Each page renders for the roles it is for and for nobody else (an object out of scope is a 404), its
numbers equal counts taken independently from the database, the profile's breakdown is the engine's
explanation, every profile view is audited, and the pages' query counts do not grow with the data.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.data.dictionary import REPORT_FIELDS
from gaoxin.scoring.explain import explain
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.credit.models import Score
from gaoxin.web.credit.services import run_model
from gaoxin.web.registry.models import AnnualReport, ChangeRecord, Enterprise, ImportBatch, Qualification
from gaoxin.web.registry.services import zone_dataset
from tests.web.conftest import YEAR

DASHBOARD = "/registry/dashboard/"
ENTERPRISES = "/registry/enterprises/"
MINE = "/registry/my-enterprise/"
CORRECTIONS = "/registry/corrections/"


def profile_url(enterprise) -> str:
    return f"/registry/enterprises/{enterprise.pk}/"


def test_urls_have_the_names_the_navigation_expects():
    from django.urls import reverse

    assert reverse("registry:dashboard") == DASHBOARD
    assert reverse("registry:enterprises") == ENTERPRISES
    assert reverse("registry:corrections") == CORRECTIONS
    assert reverse("registry:my_enterprise") == MINE
    assert reverse("registry:enterprise", args=[7]) == "/registry/enterprises/7/"


def test_each_page_opens_for_its_roles_only(platform):
    expected = {
        # page: roles with 200; every other signed-in role gets 403
        DASHBOARD: {"platform_admin", "zone_admin", "clerk", "zone_admin_b"},
        ENTERPRISES: {"platform_admin", "zone_admin", "clerk", "zone_admin_b"},
        CORRECTIONS: {"platform_admin", "zone_admin", "clerk", "zone_admin_b"},
        MINE: {"enterprise", "enterprise_b"},
    }
    for role in platform.users:
        client = platform.client(role)
        for url, allowed in expected.items():
            status = client.get(url).status_code
            assert status == (200 if role in allowed else 403), (role, url, status)
    anonymous = Client()
    for url in [*expected, profile_url(platform.listed)]:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url

    # the enterprise's home: its own profile with the correction form
    response = platform.client("enterprise").get(MINE)
    page = response.content.decode()
    assert response.context["p"].enterprise == platform.unlisted
    assert platform.unlisted.name in page and 'id="correction-form"' in page
    years = response.context["choices"]["years"]
    assert years == sorted(
        AnnualReport.objects.filter(enterprise=platform.unlisted).values_list("year", flat=True), reverse=True
    )
    assert response.context["p"].breakdown is not None  # its own score and explanation


def test_profile_is_visible_in_scope_and_a_404_outside_it(platform):
    p = platform
    allowed = {
        "platform_admin": {p.listed, p.unlisted, p.other},
        "zone_admin": {p.listed, p.unlisted},
        "clerk": {p.listed, p.unlisted},
        "zone_admin_b": {p.other},
        "enterprise": {p.unlisted},  # its own only
        "enterprise_b": {p.other},
        "bank": {p.listed},  # only the firm on the list published to bank A
        "bank_b": set(),
    }
    for role, firms in allowed.items():
        client = p.client(role)
        for firm in (p.listed, p.unlisted, p.other):
            status = client.get(profile_url(firm)).status_code
            assert status == (200 if firm in firms else 404), (role, firm.name, status)
        assert client.get("/registry/enterprises/999999/").status_code == 404

    # the bank sees the listed firm and its listed score, not its reports or history
    response = platform.client("bank").get(profile_url(platform.listed))
    p = response.context["p"]
    assert p.breakdown is not None and p.breakdown.score.pk == platform.published.entries.get().score_id
    assert p.years == [] and p.changes == [] and p.qualifications == []
    assert b'id="reports"' not in response.content and b'id="history"' not in response.content


def test_every_profile_view_is_audited_and_a_refused_one_is_not(platform):
    before = AuditEvent.objects.filter(action="view_enterprise").count()
    for role, firm in (
        ("zone_admin", platform.listed),
        ("bank", platform.listed),
        ("enterprise", platform.unlisted),
    ):
        assert platform.client(role).get(profile_url(firm)).status_code == 200
        event = AuditEvent.objects.filter(action="view_enterprise").latest("id")
        assert (event.user, event.object_type, event.object_id) == (
            platform.users[role],
            "enterprise",
            str(firm.pk),
        )
        assert event.zone_id == firm.zone_id and event.ip == "127.0.0.1"
    assert platform.client("enterprise").get(MINE).status_code == 200  # the firm's home page is a view too
    assert AuditEvent.objects.filter(action="view_enterprise").count() == before + 4
    platform.client("enterprise_b").get(profile_url(platform.unlisted))  # 404: nothing was seen
    platform.client("bank").get(profile_url(platform.unlisted))
    assert AuditEvent.objects.filter(action="view_enterprise").count() == before + 4


# --- dashboard -------------------------------------------------------------------------------------------


def test_dashboard_numbers_equal_independent_counts(platform, django_assert_max_num_queries):
    response = platform.client("zone_admin").get(DASHBOARD)
    board = response.context["board"]
    run = platform.run_a
    assert board.zone == platform.zone_a and board.run == run
    model = run_model(run)
    scores = list(Score.objects.filter(run=run).select_related("enterprise"))
    assert board.enterprises == Enterprise.objects.filter(zone=platform.zone_a).count()
    assert board.scored == len(scores) == run.scored

    # firms by stage and grade
    counted = Counter((s.stage, s.grade) for s in scores)
    grades = [g.grade for g in sorted(model.grades, key=lambda g: -g.min)]
    names = {s.id: s.name.zh for s in model.stages}
    table = {row["stage"]: row["counts"] for row in board.stage_rows}
    for stage in model.stages:
        assert table[names[stage.id]] == [counted[(stage.id, g)] for g in grades]
    assert board.grade_totals == [sum(counted[(s.id, g)] for s in model.stages) for g in grades]
    chart = board.charts["stages"]
    assert [s["name"] for s in chart["series"]] == grades
    assert sum(sum(s["y"]) for s in chart["series"]) == len(scores)

    # the score distribution: firms per 5 points (the top score in the last band)
    bands = len(board.histogram)
    expected = Counter(min(int(s.total // 5), bands - 1) for s in scores)
    assert [b["count"] for b in board.histogram] == [expected[i] for i in range(bands)]
    assert board.charts["histogram"]["series"][0]["y"] == [expected[i] for i in range(bands)]

    # top 20, linked to the profiles
    top = sorted(scores, key=lambda s: (-s.total, s.enterprise.uscc))[:20]
    assert [t["score"].pk for t in board.top] == [s.pk for s in top]
    assert profile_url(top[0].enterprise).encode() in response.content

    # honour lists of the model, counted
    listed = Counter(s.list for s in scores if s.list)
    assert {row["name"]: row["count"] for row in board.lists} == {
        lst.name.zh: listed[lst.id] for lst in model.lists
    }

    # completeness of the latest year's reports, per field and per department
    year = AnnualReport.objects.filter(enterprise__zone=platform.zone_a).latest("year").year
    reports = list(AnnualReport.objects.filter(enterprise__zone=platform.zone_a, year=year))
    c = board.completeness
    assert (c.year, c.reports) == (year, len(reports))
    rows = {r["id"]: r for r in c.fields}
    for f in REPORT_FIELDS:
        if f.id == "year":
            continue
        filled = sum(1 for r in reports if getattr(r, f.id) not in (None, ""))
        assert rows[f.id]["filled"] == filled and rows[f.id]["total"] == len(reports), f.id
    # every value the one import brought in counts: the reports', the register's and the qualifications
    values = sum(1 for r in reports for k, v in r.sources.items() if k != "year")
    firms = Enterprise.objects.filter(zone=platform.zone_a)
    values += sum(1 for e in firms for k in e.sources if k != "uscc")
    values += Qualification.objects.filter(enterprise__zone=platform.zone_a).count()
    department = ImportBatch.objects.get(file_name="synth").department
    assert [(d["name"], d["values"]) for d in c.departments] == [(department, values)]
    # only the incomplete fields are listed (worst first in each group), the complete ones counted
    listed = [f for g in c.incomplete for f in g["fields"]]
    assert {f["id"] for f in listed} == {r["id"] for r in c.fields if r["filled"] < r["total"]}
    assert c.complete == sum(1 for r in c.fields if r["filled"] == r["total"])
    for g in c.incomplete:
        assert [f["share"] for f in g["fields"]] == sorted(f["share"] for f in g["fields"])
        assert all(f["missing"] == f["total"] - f["filled"] > 0 for f in g["fields"])

    # recent imports
    assert [b.pk for b in board.imports] == list(
        ImportBatch.objects.filter(zone=platform.zone_a)
        .order_by("-created", "-id")
        .values_list("pk", flat=True)[:10]
    )

    # and the page's queries are few and pinned
    client = platform.client("zone_admin")
    client.get(DASHBOARD)
    with django_assert_max_num_queries(20):
        client.get(DASHBOARD)


def test_dashboard_counts_each_department_and_corrections_apart(platform):
    """Two departments and a correction supplied the values: each is credited with its own."""
    tax = ImportBatch.objects.create(
        zone=platform.zone_a, file_name="税务.xlsx", sha256="1" * 64, department="税务局"
    )
    reports = list(AnnualReport.objects.filter(enterprise__zone=platform.zone_a, year=YEAR).order_by("pk"))
    for r in reports[:5]:
        r.sources = {**r.sources, "taxes_paid": tax.pk, "revenue": "correction:1"}
        r.save()
    c = platform.client("zone_admin").get(DASHBOARD).context["board"].completeness
    by_name = {d["name"]: d for d in c.departments}
    assert by_name["税务局"]["values"] == 5 and by_name["税务局"]["fields"] == 1
    assert by_name["企业更正"]["values"] == 5
    chart = {s["name"]: s["x"] for s in c.by_department["series"]}
    labels = c.by_department["y"]
    assert chart["税务局"][labels.index("实缴税费")] == round(5 / len(reports) * 100, 1)


def test_platform_admin_picks_the_zone_and_zone_staff_cannot(platform):
    admin = platform.client("platform_admin")
    assert admin.get(DASHBOARD).context["board"].zone == platform.zone_a
    board = admin.get(DASHBOARD, {"zone": "Z002"}).context["board"]
    assert board.zone == platform.zone_b and board.run == platform.run_b
    assert admin.get(DASHBOARD, {"zone": "nowhere"}).status_code == 404
    # zone staff always see their own zone, whatever they ask for
    board = platform.client("zone_admin").get(DASHBOARD, {"zone": "Z002"}).context["board"]
    assert board.zone == platform.zone_a
    assert all(b.zone_id == platform.zone_a.pk for b in board.imports)


def test_pages_are_chinese_by_default_and_english_on_request(platform):
    client = platform.client("zone_admin")
    page = client.get(DASHBOARD).content.decode()
    assert "园区概览" in page and "按阶段和等级的企业分布" in page and "Zone dashboard" not in page
    # a browser that asks for English first (every fresh Chromium does) still gets Chinese
    page = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "园区概览" in page and "Zone dashboard" not in page
    login = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in login and "Sign in" not in login
    client.post("/i18n/setlang/", {"language": "en", "next": DASHBOARD})
    page = client.get(DASHBOARD).content.decode()
    assert "Zone dashboard" in page and "Enterprises by stage and grade" in page
    profile = client.get(profile_url(platform.listed)).content.decode()
    assert "Operating revenue" in profile and "Score breakdown" in profile

    # charts: same-origin scripts drawing JSON data, no inline code (CSP)
    page = platform.client("zone_admin").get(DASHBOARD).content.decode()
    assert '<script src="/static/vendor/plotly/plotly-finance.min.js">' in page
    assert '<script src="/static/gaoxin/charts.js">' in page
    assert '<script id="chart-stages" type="application/json">' in page
    for tag in page.split("<script")[1:]:  # no inline code: every script is a src or JSON data
        assert tag.lstrip().startswith(("src=", 'id="chart-')), tag[:80]
    assert Client().get("/static/gaoxin/charts.js").status_code == 200


# --- enterprise list --------------------------------------------------------------------------------------


def test_enterprise_list_is_scoped_searchable_and_filtered(platform, django_assert_max_num_queries):
    client = platform.client("zone_admin")
    response = client.get(ENTERPRISES)
    page = response.context["page"]
    zone_a = Enterprise.objects.filter(zone=platform.zone_a)
    assert page.paginator.count == zone_a.count()
    assert {r["enterprise"].zone_id for r in response.context["rows"]} == {platform.zone_a.pk}
    assert platform.other.name not in response.content.decode()

    firm = platform.listed
    found = client.get(ENTERPRISES, {"q": firm.name[2:6]}).context["page"]
    assert firm in list(found.object_list)
    found = client.get(ENTERPRISES, {"q": firm.uscc[:12].lower()}).context["page"]
    assert firm in list(found.object_list)
    assert client.get(ENTERPRISES, {"q": platform.other.uscc}).context["page"].paginator.count == 0

    field = firm.tech_field
    filtered = client.get(ENTERPRISES, {"tech_field": field}).context["page"]
    assert filtered.paginator.count == zone_a.filter(tech_field=field).count()
    assert all(e.tech_field == field for e in filtered.object_list)

    scores = {r["enterprise"].pk: r["score"] for r in response.context["rows"]}
    assert scores[firm.pk].run_id == platform.run_a.pk

    admin = platform.client("platform_admin")
    assert admin.get(ENTERPRISES).context["page"].paginator.count == Enterprise.objects.count()
    only_b = admin.get(ENTERPRISES, {"zone": "Z002"}).context["page"]
    assert only_b.paginator.count == Enterprise.objects.filter(zone=platform.zone_b).count()
    with django_assert_max_num_queries(10):  # one query for the zones' latest runs, whatever their number
        admin.get(ENTERPRISES)


# --- profile ---------------------------------------------------------------------------------------------


def test_profile_breakdown_is_the_engines_explanation(platform):
    firm, run = platform.listed, platform.run_a
    b = platform.client("zone_admin").get(profile_url(firm)).context["p"].breakdown
    assert b.run == run and not b.data_changed
    model = run_model(run)
    data = zone_dataset([platform.zone_a], years=[run.year - 1, run.year])
    expected = explain(model, data, run.year, firm.uscc)
    got = b.explanation
    assert (got.total, got.base, got.bonus, got.penalty) == (
        expected.total,
        expected.base,
        expected.bonus,
        expected.penalty,
    )
    assert (got.rank, got.cohort_size, got.grade, got.stage) == (
        expected.rank,
        expected.cohort_size,
        expected.grade,
        expected.stage,
    )
    assert got.categories == expected.categories
    assert [(i.id, i.value, i.points, i.full_points, i.percentile) for i in got.indicators] == [
        (i.id, i.value, i.points, i.full_points, i.percentile) for i in expected.indicators
    ]
    assert [(lv.indicator, lv.target, lv.total_gain) for lv in got.levers] == [
        (lv.indicator, lv.target, lv.total_gain) for lv in expected.levers
    ]
    # and it is what the run stored, the data being unchanged
    stored = Score.objects.get(run=run, enterprise=firm)
    assert stored.total == pytest.approx(expected.total) and stored.grade == (expected.grade or "")
    assert stored.details["pts"] == pytest.approx({i.id: i.points for i in expected.indicators})
    # the page shows the numbers: full points per category, one row per indicator
    assert len(b.indicators) == len(model.all_indicators) and len(b.categories) == len(model.categories)
    assert [c["full"] for c in b.categories] == [
        f"{sum(i.weight(got.stage) for i in model.all_indicators if i.category == c.id):g}"
        for c in model.categories
    ]

    # the data change after the run: the page says so; the explanation keeps the run's own data
    client = platform.client("zone_admin")
    assert b'id="data-changed"' not in client.get(profile_url(platform.listed)).content
    report = AnnualReport.objects.get(enterprise=platform.listed, year=YEAR)
    report.revenue = (report.revenue or Decimal(0)) + Decimal("1000")
    report.save()
    response = client.get(profile_url(platform.listed))
    assert response.context["p"].breakdown.data_changed
    assert "本次评分之后数据已有变动" in response.content.decode()


def test_profile_shows_registry_data_trends_history_and_sources(platform):
    from gaoxin.data.dataset import Dataset
    from gaoxin.web.registry.services import apply_dataset

    firm = platform.listed
    import polars as pl

    old = AnnualReport.objects.get(enterprise=firm, year=YEAR).employees
    batch = ImportBatch.objects.create(
        zone=platform.zone_a, file_name="人社局2025.xlsx", sha256="2" * 64, department="人社局"
    )
    data = Dataset(
        reports=pl.DataFrame({"uscc": [firm.uscc], "year": [YEAR], "employees": [(old or 0) + 7]}),
    )
    apply_dataset(data, batch, allowed_zones={"Z001": platform.zone_a})
    response = platform.client("zone_admin").get(profile_url(firm))
    p = response.context["p"]
    page = response.content.decode()
    assert firm.uscc in page and "统一社会信用代码" in page and "营业收入" in page
    assert p.years == sorted(AnnualReport.objects.filter(enterprise=firm).values_list("year", flat=True))[-5:]
    assert [s["name"] for s in p.trends["money"]["series"]] == ["营业收入", "研发费用"]
    assert p.trends["people"]["series"][0]["y"][-1] == str((old or 0) + 7)
    change = p.changes[0]
    assert change["field"] == "职工总数" and change["year"] == YEAR
    assert (change["old"], change["new"]) == (str(old) if old is not None else "", str((old or 0) + 7))
    assert change["source"] == "人社局2025.xlsx · 人社局"
    assert "人社局2025.xlsx · 人社局" in page
    assert {b["department"]: b["values"] for b in p.batches}["人社局"] == 1


def _profile_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# The profile itself, and each other app's panel: one query per table it shows, none per row (issue 10:
# policy (ledger entries, open awards) and green (latest figures) joined; carriers reads its incubated
# firms, reserve entries and challenge applications). A panel that costs more fails the test below by name.
PROFILE_OWN_QUERIES = 15  # the session is no longer written on every page (issue 18)
PANEL_QUERIES = {
    "ladder": 1,
    "financing": 1,
    "investment": 2,
    "command": 1,
    "policy": 2,
    "carriers": 3,
    "green": 1,
    "rank_interval": 1,  # benchmark: the latest finished run of the firm's zone (its analysis is cached)
    "rank_robustness": 1,  # credit: the same run; its Score row only when the run has the analysis
}
PROFILE_QUERIES = PROFILE_OWN_QUERIES + sum(PANEL_QUERIES.values())


def test_each_profile_panel_costs_its_pinned_queries(platform):
    """Leaving one panel out of the profile saves exactly that panel's pinned queries."""
    from gaoxin.web.registry import panels

    client = platform.client("zone_admin")
    url = profile_url(platform.listed)
    client.get(url)
    everything = _profile_queries(client, url)
    registered = list(panels._PANELS)
    assert {name for name, _ in registered} == set(PANEL_QUERIES)  # a new panel gets its pin here
    costs = {}
    try:
        for name, _ in registered:
            panels._PANELS = [(n, f) for n, f in registered if n != name]
            costs[name] = everything - _profile_queries(client, url)
    finally:
        panels._PANELS = registered
    assert costs == PANEL_QUERIES
    assert everything <= PROFILE_QUERIES  # at most: warm per-process caches may save a query


def test_profile_query_count_is_pinned_and_flat_as_data_grow(platform, django_assert_max_num_queries):
    firm = platform.listed
    client = platform.client("zone_admin")
    url = profile_url(firm)
    client.get(url)
    with django_assert_max_num_queries(PROFILE_QUERIES):
        client.get(url)
    before = _profile_queries(client, url)
    # many more years of reports and hundreds of changes for this firm
    template = AnnualReport.objects.get(enterprise=firm, year=YEAR)
    for year in range(2010, YEAR - 2):
        template.pk, template.year = None, year
        template.save()
    ChangeRecord.objects.bulk_create(
        ChangeRecord(enterprise=firm, year=YEAR, field="employees", old=str(n), new=str(n + 1))
        for n in range(300)
    )
    client.get(url)  # as before: the first look after a change computes the cached figures again
    after = _profile_queries(client, url)
    assert after == before
    with django_assert_max_num_queries(PROFILE_QUERIES):
        client.get(url)
    p = client.get(url).context["p"]
    assert len(p.changes) == 100 and p.changes_total == 300 and len(p.years) == 5


def test_the_audit_log_reads_in_words_and_filters_by_code(platform):
    from gaoxin.web.accounts.audit_labels import ACTIONS

    client = platform.client("zone_admin")
    assert client.get(profile_url(platform.listed)).status_code == 200  # audited as view_enterprise
    page = client.get(reverse("accounts:audit")).content.decode()
    assert '<td title="view_enterprise">查看企业</td>' in page and "企业 " + str(platform.listed.pk) in page
    only = client.get(reverse("accounts:audit"), {"action": "view_enterprise"}).context["page"]
    assert only.object_list and all(e.action == "view_enterprise" for e in only.object_list)
    # every code the code base records has a label (a new audit() call without one fails here)
    import ast
    from pathlib import Path

    import gaoxin.web

    codes = set()
    for path in Path(gaoxin.web.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            f = getattr(node, "func", None)
            name = getattr(f, "id", None) or getattr(f, "attr", None)
            if name == "audit" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                codes.add(node.args[1].value)
    assert codes and not codes - set(ACTIONS), codes - set(ACTIONS)
