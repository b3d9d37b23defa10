"""The JSON API: scope per role (the same sets as ``scoping.visible``), tokens, errors, money, explanations,
the OpenAPI page and flat query counts."""

from __future__ import annotations

import csv
import dataclasses
import math
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gaoxin.data.dictionary import REPORT_FIELDS, TECH_FIELDS
from gaoxin.scoring.explain import explain
from gaoxin.web.accounts.models import ApiToken, AuditEvent
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.accounts.services import new_token
from gaoxin.web.credit.models import ListEntry, PublishedList, Score, ScoreRun
from gaoxin.web.credit.services import list_export, run_model
from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification, Zone
from gaoxin.web.registry.services import zone_dataset
from tests.web.api.schema import openapi_schema
from tests.web.conftest import YEAR

ROLES = ("platform_admin", "zone_admin", "clerk", "enterprise", "bank", "bank_b", "zone_admin_b")


def token_client(user, **kwargs) -> Client:
    return Client(headers={"Authorization": f"Bearer {new_token(user, 'test')}"}, **kwargs)


def caller(platform, role: str, via: str) -> Client:
    if via == "token":
        return token_client(platform.users[role])
    c = Client()
    c.force_login(platform.users[role])  # a real session, without hashing the password again
    return c


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.json() if status != 204 else None


def every(client: Client, url: str, **params) -> list:
    """All items of a paginated endpoint, page by page."""
    items, offset = [], 0
    while True:
        body = ok(client.get(url, {**params, "limit": 40, "offset": offset}))
        items += body["items"]
        offset += 40
        if offset >= body["total"]:
            assert len(items) == body["total"]
            return items


def ids(qs) -> set:
    return set(qs.values_list("pk", flat=True))


# --- scope: every role sees exactly what scoping.visible gives it, through every endpoint ---------------


@pytest.mark.parametrize("via", ["token", "session"])
def test_each_role_reads_exactly_its_scope(platform, via):
    p = platform
    runs = (p.run_a, p.run_b)
    firms = (p.listed, p.unlisted, p.other)
    for role in ROLES:
        user = p.users[role]
        c = caller(p, role, via)
        me = ok(c.get("/api/me"))
        assert (me["username"], me["role"], me["via"]) == (user.username, user.role, via)

        assert {z["id"] for z in ok(c.get("/api/zones"))} == ids(visible(user, Zone)), role
        for zone in (p.zone_a, p.zone_b):
            expected = 200 if visible(user, Zone).filter(pk=zone.pk).exists() else 404
            assert c.get(f"/api/zones/{zone.pk}").status_code == expected, (role, zone)

        assert {e["id"] for e in every(c, "/api/enterprises")} == ids(visible(user, Enterprise)), role
        assert {r["id"] for r in every(c, "/api/runs")} == ids(visible(user, ScoreRun)), role
        assert {pl["id"] for pl in every(c, "/api/lists")} == ids(visible(user, PublishedList)), role

        for run in runs:
            if visible(user, ScoreRun).filter(pk=run.pk).exists():
                assert ok(c.get(f"/api/runs/{run.pk}"))["id"] == run.pk
                got = {s["id"] for s in every(c, f"/api/runs/{run.pk}/scores")}
                assert got == ids(visible(user, Score).filter(run=run)), (role, run)
            else:
                assert ok(c.get(f"/api/runs/{run.pk}"), 404)["detail"]
                assert c.get(f"/api/runs/{run.pk}/scores").status_code == 404

        for firm in firms:
            base = f"/api/enterprises/{firm.pk}"
            if visible(user, Enterprise).filter(pk=firm.pk).exists():
                assert ok(c.get(base))["uscc"] == firm.uscc
                years = {r["year"] for r in ok(c.get(f"{base}/reports"))}
                assert years == set(
                    visible(user, AnnualReport).filter(enterprise=firm).values_list("year", flat=True)
                )
                kinds = sorted(q["kind"] for q in ok(c.get(f"{base}/qualifications")))
                assert kinds == sorted(
                    visible(user, Qualification).filter(enterprise=firm).values_list("kind", flat=True)
                )
                scores = {s["id"] for s in ok(c.get(f"{base}/scores"))}
                assert scores == ids(visible(user, Score).filter(enterprise=firm)), (role, firm)
            else:
                for suffix in ("", "/reports", "/qualifications", "/scores"):
                    assert ok(c.get(base + suffix), 404)["detail"], (role, firm, suffix)

        for pl in PublishedList.objects.all():
            if visible(user, PublishedList).filter(pk=pl.pk).exists():
                assert ok(c.get(f"/api/lists/{pl.pk}"))["id"] == pl.pk
                entries = every(c, f"/api/lists/{pl.pk}/entries")
                expected = visible(user, ListEntry).filter(published_list=pl)
                assert [e["enterprise"]["id"] for e in entries] == list(
                    expected.order_by("position").values_list("enterprise", flat=True)
                )
                assert c.get(f"/api/lists/{pl.pk}/csv").status_code == 200
            else:
                for suffix in ("", "/entries", "/csv"):
                    assert c.get(f"/api/lists/{pl.pk}{suffix}").status_code == 404, (role, suffix)

        for run, firm in ((p.run_a, p.unlisted), (p.run_a, p.listed), (p.run_b, p.other), (p.run_a, p.other)):
            allowed = (
                visible(user, ScoreRun).filter(pk=run.pk).exists()
                and visible(user, Enterprise).filter(pk=firm.pk).exists()
                and visible(user, Score).filter(run=run, enterprise=firm).exists()
            )
            r = c.get(f"/api/runs/{run.pk}/explanations/{firm.pk}", {"levers": 0})
            assert r.status_code == (200 if allowed else 404), (role, run, firm, r.content[:200])


def test_the_scopes_are_the_expected_ones_and_guessed_ids_are_404(platform):
    """The matrix above compares with ``visible``; pin here what that means, so neither can drift."""
    p = platform
    zone_a = ids(Enterprise.objects.filter(zone=p.zone_a))
    expected = {
        "platform_admin": ids(Enterprise.objects.all()),
        "zone_admin": zone_a,
        "clerk": zone_a,
        "enterprise": {p.unlisted.pk},
        "bank": {p.listed.pk},
        "bank_b": set(),
        "zone_admin_b": ids(Enterprise.objects.filter(zone=p.zone_b)),
    }
    for role, firms in expected.items():
        c = token_client(p.users[role])
        assert {e["id"] for e in every(c, "/api/enterprises")} == firms, role
    assert {r["id"] for r in every(token_client(p.users["enterprise"]), "/api/runs")} == {p.run_a.pk}
    assert every(token_client(p.users["bank"]), "/api/runs") == []
    bank_lists = every(token_client(p.users["bank"]), "/api/lists")
    assert [pl["id"] for pl in bank_lists] == [p.published.pk]
    assert every(token_client(p.users["bank_b"]), "/api/lists") == []
    own = every(token_client(p.users["enterprise"]), f"/api/runs/{p.run_a.pk}/scores")
    assert [s["enterprise"]["id"] for s in own] == [p.unlisted.pk]
    # Guessed ids outside the scope are 404, never 403.
    c = token_client(p.users["zone_admin"])
    last = Enterprise.objects.order_by("-pk").first().pk
    for url in (
        f"/api/enterprises/{p.other.pk}",
        f"/api/enterprises/{last + 1000}",
        f"/api/enterprises/{p.other.pk}/reports",
        f"/api/runs/{p.run_b.pk}",
        f"/api/runs/{p.run_b.pk}/scores",
        f"/api/runs/{p.run_b.pk}/explanations/{p.other.pk}",
        f"/api/runs/{p.run_a.pk}/explanations/{p.other.pk}",
        f"/api/zones/{p.zone_b.pk}",
        "/api/lists/999999",
    ):
        r = c.get(url)
        assert r.status_code == 404 and isinstance(r.json()["detail"], str), url
    bank_b = token_client(p.users["bank_b"])
    for url in (
        f"/api/lists/{p.published.pk}",
        f"/api/lists/{p.published.pk}/csv",
        f"/api/enterprises/{p.listed.pk}",
    ):
        assert bank_b.get(url).status_code == 404, url
    # A bank sees only itself among a list's addressees.
    p.published.banks.add(p.bank_b)
    assert [
        b["code"] for b in ok(token_client(p.users["bank"]).get(f"/api/lists/{p.published.pk}"))["banks"]
    ] == ["bank-a"]
    assert [
        b["code"] for b in ok(token_client(p.users["bank_b"]).get(f"/api/lists/{p.published.pk}"))["banks"]
    ] == ["bank-b"]
    both = ok(token_client(p.users["zone_admin"]).get(f"/api/lists/{p.published.pk}"))["banks"]
    assert sorted(b["code"] for b in both) == ["bank-a", "bank-b"]
    # Bank A downloads its list as CSV: the very file the list page gives.
    r = token_client(p.users["bank"]).get(f"/api/lists/{p.published.pk}/csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    bank = p.users["bank"]
    assert r.content == list_export(p.published, run_model(p.published.run), visible(bank, Score), "csv")
    rows = list(csv.reader(StringIO(r.content.decode("utf-8-sig"))))
    entries = list(p.published.entries.select_related("enterprise").order_by("position"))
    assert len(rows) == 1 + len(entries)
    for row, e in zip(rows[1:], entries, strict=True):
        assert e.enterprise.uscc in row and e.enterprise.name in row


# --- authentication ----------------------------------------------------------------------------------


def test_anonymous_callers_and_revoked_or_bad_tokens_get_401(platform):
    p = platform
    user = p.users["zone_admin"]
    secret = new_token(user, "to revoke")
    ApiToken.objects.filter(user=user).update(revoked=True)
    urls = [
        "/api/me",
        "/api/zones",
        "/api/enterprises",
        f"/api/enterprises/{p.listed.pk}",
        f"/api/enterprises/{p.listed.pk}/reports",
        f"/api/runs/{p.run_a.pk}/scores",
        f"/api/runs/{p.run_a.pk}/explanations/{p.listed.pk}",
        "/api/lists",
        f"/api/lists/{p.published.pk}/csv",
    ]
    callers = {
        "anonymous": Client(),
        "revoked": Client(headers={"Authorization": f"Bearer {secret}"}),
        "unknown": Client(headers={"Authorization": "Bearer gx_not-a-token"}),
        "not bearer": Client(headers={"Authorization": f"Token {secret}"}),
    }
    for name, c in callers.items():
        for url in urls:
            r = c.get(url)
            assert r.status_code == 401, (name, url)
            assert isinstance(r.json()["detail"], str) and r.json()["detail"]
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
    # A bad token is refused even when the browser also has a valid session.
    session = p.client("zone_admin")
    assert session.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert ok(session.get("/api/me"))["via"] == "session"


def test_a_token_works_until_revoked_or_its_user_is_inactive(platform):
    user = platform.users["bank"]
    secret = new_token(user, "bank system")
    token = ApiToken.objects.get(user=user, name="bank system")
    assert token.key_hash != secret and secret not in token.key_hash  # only the hash is kept
    c = Client(headers={"Authorization": f"Bearer {secret}"})
    assert ok(c.get("/api/me"))["bank"]["code"] == "bank-a"
    token.refresh_from_db()
    assert token.last_used is not None
    listed = [t["prefix"] for t in ok(c.get("/api/me/tokens"))]
    assert listed == [secret[:8]]
    ok(c.delete(f"/api/me/tokens/{token.pk}"), 204)
    assert c.get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(action="token_revoked", user=user).exists()
    # An inactive user's tokens stop working.
    user = platform.users["zone_admin"]
    c = token_client(user)
    assert c.get("/api/me").status_code == 200
    user.is_active = False
    user.save()
    assert c.get("/api/me").status_code == 401
    # Nobody revokes someone else's token.
    theirs = platform.users["zone_admin_b"]
    new_token(theirs, "theirs")
    token = ApiToken.objects.get(user=theirs)
    c = token_client(platform.users["platform_admin"])
    assert c.delete(f"/api/me/tokens/{token.pk}").status_code == 404
    token.refresh_from_db()
    assert not token.revoked


def test_session_needs_csrf_for_unsafe_methods_tokens_do_not(platform):
    user = platform.users["clerk"]
    new_token(user, "one")
    new_token(user, "two")
    first, second = ApiToken.objects.filter(user=user).order_by("pk")
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=user.username, password="correct-horse-battery-9")
    assert ok(browser.get("/api/me"))["via"] == "session"  # safe methods need no CSRF token
    refused = browser.delete(f"/api/me/tokens/{first.pk}")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    first.refresh_from_db()
    assert not first.revoked
    browser.get("/api/docs")  # the docs page hands out the CSRF cookie and token
    csrf = browser.cookies["csrftoken"].value
    ok(browser.delete(f"/api/me/tokens/{first.pk}", headers={"X-CSRFToken": csrf}), 204)
    machine = token_client(user, enforce_csrf_checks=True)
    ok(machine.delete(f"/api/me/tokens/{second.pk}"), 204)
    assert ApiToken.objects.filter(user=user, revoked=False).count() == 1  # the machine's own
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.delete(f"/api/me/tokens/{first.pk}").status_code == 401


# --- audit -------------------------------------------------------------------------------------------


def test_detail_reads_are_audited_with_the_channel_and_token(platform):
    p = platform
    user = p.users["zone_admin"]
    secret = new_token(user, "warehouse")
    c = Client(headers={"Authorization": f"Bearer {secret}"})
    before = AuditEvent.objects.count()
    for suffix in ("", "/reports", "/qualifications", "/scores"):
        ok(c.get(f"/api/enterprises/{p.listed.pk}{suffix}"))
    ok(c.get(f"/api/runs/{p.run_a.pk}/explanations/{p.listed.pk}", {"levers": 0}))
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.detail["endpoint"] for e in events] == [
        "enterprise",
        "reports",
        "qualifications",
        "scores",
        "explanation",
    ]
    for e in events:
        assert (e.action, e.user, e.object_type, e.object_id) == (
            "view_enterprise",
            user,
            "enterprise",
            str(p.listed.pk),
        )
        assert e.detail["via"] == "token" and e.detail["token"] == secret[:8]
        assert e.zone == p.zone_a
    ok(p.client("zone_admin").get(f"/api/enterprises/{p.listed.pk}"))
    assert AuditEvent.objects.latest("id").detail["via"] == "session"
    ok(c.get(f"/api/runs/{p.run_a.pk}/scores"))
    bulk = AuditEvent.objects.latest("id")
    assert (bulk.action, bulk.object_type, bulk.detail["token"]) == ("view_scores", "scorerun", secret[:8])
    bank = token_client(p.users["bank"])
    bank.get(f"/api/lists/{p.published.pk}/csv")
    export = AuditEvent.objects.latest("id")
    assert (export.action, export.object_type, export.user) == ("export", "publishedlist", p.users["bank"])


# --- content: money, scores, explanations, CSV ------------------------------------------------------


def test_money_is_exact_decimal_strings_equal_to_the_database(platform):
    p = platform
    c = token_client(p.users["zone_admin"])
    exact = [f.id for f in REPORT_FIELDS if f.type in ("money", "ratio")]
    seen = 0
    for firm in (p.listed, p.unlisted):
        for body in ok(c.get(f"/api/enterprises/{firm.pk}/reports")):
            stored = AnnualReport.objects.get(enterprise=firm, year=body["year"])
            for field in exact:
                value = getattr(stored, field)
                if value is None:
                    assert body[field] is None
                    continue
                assert isinstance(body[field], str), field
                assert Decimal(body[field]) == value and body[field] == format(value, "f"), field
                seen += 1
    assert seen > 20
    AnnualReport.objects.filter(enterprise=p.listed, year=YEAR).update(revenue=Decimal("98765432109.1234"))
    body = ok(c.get(f"/api/enterprises/{p.listed.pk}/reports", {"year": YEAR}))
    assert [r["revenue"] for r in body] == ["98765432109.1234"]


def test_scores_are_full_precision_with_their_breakdown_and_filters(platform):
    p = platform
    c = token_client(p.users["zone_admin"])
    items = every(c, f"/api/runs/{p.run_a.pk}/scores")
    stored = {s.pk: s for s in Score.objects.filter(run=p.run_a)}
    for item in items:
        s = stored[item["id"]]
        assert (item["total"], item["base"], item["rank"], item["stage"]) == (
            s.total,
            s.base,
            s.rank,
            s.stage,
        )
        assert item["cat"] == s.details["cat"] and item["pts"] == s.details["pts"]
        assert item["val"] == s.details["val"] and item["missing"] == s.details["missing"]
        assert item["grade"] == (s.grade or None) and item["list"] == (s.list or None)
    # Filters and orders.
    c = token_client(p.users["platform_admin"])
    run = p.run_a
    stage = Score.objects.filter(run=run).values_list("stage", flat=True).first()
    got = every(c, f"/api/runs/{run.pk}/scores", stage=stage)
    assert {s["id"] for s in got} == ids(Score.objects.filter(run=run, stage=stage))
    assert [s["rank"] for s in got] == sorted(s["rank"] for s in got)
    grade = Score.objects.filter(run=run).exclude(grade="").values_list("grade", flat=True).first()
    got = every(c, f"/api/runs/{run.pk}/scores", grade=grade)
    assert {s["id"] for s in got} == ids(Score.objects.filter(run=run, grade=grade))
    listed = Score.objects.filter(run=run).exclude(list="").values_list("list", flat=True).first()
    if listed:
        got = every(c, f"/api/runs/{run.pk}/scores", list=listed)
        assert {s["id"] for s in got} == ids(Score.objects.filter(run=run, list=listed))
    by_total = [s["total"] for s in every(c, f"/api/runs/{run.pk}/scores", order="-total")]
    assert by_total == sorted(by_total, reverse=True)
    assert c.get(f"/api/runs/{run.pk}/scores", {"order": "random"}).status_code == 400


def test_enterprise_filters_pagination_and_errors(platform):
    p = platform
    c = token_client(p.users["platform_admin"])
    assert {e["id"] for e in every(c, "/api/enterprises", zone="Z002")} == ids(
        Enterprise.objects.filter(zone=p.zone_b)
    )
    field = Enterprise.objects.exclude(tech_field="").values_list("tech_field", flat=True).first()
    assert field in TECH_FIELDS
    got = every(c, "/api/enterprises", tech_field=field)
    assert got and {e["id"] for e in got} == ids(Enterprise.objects.filter(tech_field=field))
    assert [e["id"] for e in every(c, "/api/enterprises", search=p.other.uscc[:12])] == [p.other.pk]
    assert p.other.pk in {e["id"] for e in every(c, "/api/enterprises", search=p.other.name[2:6])}
    first = ok(c.get("/api/enterprises", {"limit": 5, "offset": 0}))
    second = ok(c.get("/api/enterprises", {"limit": 5, "offset": 5}))
    assert first["total"] == Enterprise.objects.count() and len(first["items"]) == 5
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}
    assert ok(c.get("/api/enterprises", {"offset": 10_000}))["items"] == []
    # Errors are JSON with a detail.
    c = token_client(platform.users["zone_admin"])
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"tech_field": "魔法"}):
        r = c.get("/api/enterprises", params)
        assert r.status_code == 400 and isinstance(r.json()["detail"], str) and r.json()["detail"], params
    assert c.get("/api/enterprises/abc").status_code == 400
    r = c.get("/api/no-such-thing")
    assert r.status_code == 404 and r.json()["detail"]
    assert c.post("/api/enterprises").status_code == 405


def _plain(value):
    """A dataclass value as the JSON the API gives (NaN as null, tuples as lists)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def test_the_explanation_is_the_engines_on_the_same_data(platform):
    p = platform
    c = token_client(p.users["enterprise"])
    firm = p.unlisted
    got = ok(c.get(f"/api/runs/{p.run_a.pk}/explanations/{firm.pk}", {"levers": 5}))
    data = zone_dataset([p.zone_a], years=[YEAR - 1, YEAR])
    expected = dataclasses.asdict(explain(run_model(p.run_a), data, YEAR, firm.uscc, levers=5))
    expected["penalties"] = [{"id": i, "name": n, "points": pts} for i, n, pts in expected["penalties"]]
    expected.update(run=p.run_a.pk, enterprise=firm.pk, data_changed=False)
    assert got == _plain(expected)
    stored = Score.objects.get(run=p.run_a, enterprise=firm)
    assert (got["total"], got["rank"], got["categories"]) == (
        stored.total,
        stored.rank,
        stored.details["cat"],
    )
    # After the register changes, the explanation still shows the run's own data, and says the data changed.
    report = AnnualReport.objects.get(enterprise=firm, year=YEAR)
    report.rd_expense = Decimal("99999")
    report.save()
    after = ok(c.get(f"/api/runs/{p.run_a.pk}/explanations/{firm.pk}", {"levers": 0}))
    assert after["data_changed"] is True and after["total"] == stored.total


# --- OpenAPI -----------------------------------------------------------------------------------------

APP_PREFIXES = (
    "/api/cultivation/",
    "/api/consent/",
    "/api/finance/",
    "/api/investment/",
    "/api/command/",
    "/api/carriers/",
    "/api/policy/",
    "/api/green/",
    "/api/benchmark/",
    "/api/supervision/",
)
ENDPOINTS = {
    ("get", "/api/me"),
    ("get", "/api/me/tokens"),
    ("delete", "/api/me/tokens/{token_id}"),
    ("get", "/api/zones"),
    ("get", "/api/zones/{zone_id}"),
    ("get", "/api/enterprises"),
    ("get", "/api/enterprises/{enterprise_id}"),
    ("get", "/api/enterprises/{enterprise_id}/reports"),
    ("get", "/api/enterprises/{enterprise_id}/qualifications"),
    ("get", "/api/enterprises/{enterprise_id}/scores"),
    ("get", "/api/runs"),
    ("get", "/api/runs/{run_id}"),
    ("get", "/api/runs/{run_id}/scores"),
    ("get", "/api/runs/{run_id}/explanations/{enterprise_id}"),
    ("get", "/api/lists"),
    ("get", "/api/lists/{list_id}"),
    ("get", "/api/lists/{list_id}/entries"),
    ("get", "/api/lists/{list_id}/csv"),
}


@pytest.mark.django_db
def test_openapi_lists_every_endpoint_with_auth_and_errors():
    schema = openapi_schema()
    found = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    # The core endpoints exactly; each app's own tests pin the endpoints under its prefix, and every
    # app mounted on the API serves at least one.
    assert {e for e in found if not e[1].startswith(APP_PREFIXES)} == ENDPOINTS
    for prefix in APP_PREFIXES:
        assert any(path.startswith(prefix) for _, path in found), prefix
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert {"401", "404"} <= set(op["responses"]), (method, path)
            assert op.get("security"), (method, path)
    revenue = schema["components"]["schemas"]["AnnualReportOut"]["properties"]["revenue"]
    assert {"type": "string", "format": "decimal"}.items() <= revenue["anyOf"][0].items()


def test_the_docs_page_works_offline(platform):
    c = platform.client("enterprise")
    r = c.get("/api/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/api/openapi.json" in html
    assert "cdn" not in html.lower() and "https://" not in html and "http://" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        url = f"/api/docs/assets/{asset}"
        assert url in html
        served = c.get(url)
        assert served.status_code == 200 and b"".join(served.streaming_content)
    assert c.get("/api/docs/assets/..%2Fapi.py").status_code == 404
    assert c.get("/api/docs/assets/redoc.standalone.js.map").status_code == 404


# --- query counts ------------------------------------------------------------------------------------


def _queries(client: Client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        ok(client.get(url, params))
    return len(ctx)


def test_list_endpoints_query_counts_do_not_grow_with_page_size(platform, django_assert_max_num_queries):
    p = platform
    scores, entries = f"/api/runs/{p.run_a.pk}/scores", f"/api/lists/{p.published.pk}/entries"
    # The token look-up and its last_used update, the caller's bank (for a bank user: scoping reads
    # user.bank), then the endpoint's own queries.
    pinned = {
        scores: 6,  # + run, audit (a machine's bulk read), count, page (enterprises joined)
        "/api/enterprises": 5,  # + count, page (zones joined)
        "/api/lists": 6,  # + count, page, addressee banks
        entries: 8,  # + list, its banks, audit, count, page
    }
    readable = {
        "zone_admin": [scores, "/api/enterprises", "/api/lists", entries],
        "enterprise": [scores, "/api/enterprises"],
        "bank": ["/api/enterprises", "/api/lists", entries],
    }
    for role, urls in readable.items():
        c = token_client(p.users[role])
        for url in urls:
            small, large = _queries(c, url, limit=2), _queries(c, url, limit=200)
            assert small == large, (role, url, small, large)
            with django_assert_max_num_queries(pinned[url]):
                c.get(url, {"limit": 200})
    session = p.client("zone_admin")  # the session costs its own look-ups, as flat
    for url in (scores, "/api/enterprises"):
        assert _queries(session, url, limit=2) == _queries(session, url, limit=200)


# --- the token page and the management command -------------------------------------------------------


def test_tokens_from_the_page_and_the_command_are_shown_once_and_revocable(platform):
    user = platform.users["bank"]
    page = platform.client("bank")
    created = page.post("/api/tokens/", {"name": "credit system"})
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    secret = created.context["secret"]
    assert secret.startswith("gx_") and secret in created.content.decode()
    assert secret not in page.get("/api/tokens/").content.decode()  # shown once only
    machine = Client(headers={"Authorization": f"Bearer {secret}"})
    assert ok(machine.get("/api/me"))["username"] == user.username
    token = ApiToken.objects.get(user=user)
    platform.client("zone_admin").post(f"/api/tokens/{token.pk}/revoke/")  # not theirs: no effect
    assert machine.get("/api/me").status_code == 200
    page.post(f"/api/tokens/{token.pk}/revoke/")
    assert machine.get("/api/me").status_code == 401
    assert page.post("/api/tokens/", {"name": "  "}).context["error"]
    assert Client().get("/api/tokens/").status_code == 302  # sign in first
    # The management command creates, lists and revokes.
    out = StringIO()
    call_command("gaoxin_token", "create", "bank", "--name", "core banking", stdout=out, stderr=StringIO())
    secret = out.getvalue().strip()
    c = Client(headers={"Authorization": f"Bearer {secret}"})
    assert ok(c.get("/api/me"))["role"] == "bank"
    listing = StringIO()
    call_command("gaoxin_token", "list", "bank", stdout=listing)
    assert secret[:8] in listing.getvalue() and secret not in listing.getvalue()
    call_command("gaoxin_token", "revoke", "bank", "--prefix", secret[:8], stdout=StringIO())
    assert c.get("/api/me").status_code == 401
    with pytest.raises(Exception, match="no user"):
        call_command("gaoxin_token", "create", "nobody", stdout=StringIO())
