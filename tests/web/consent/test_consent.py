"""Grant, revoke and expiry through the services, the firm's page and the API; illegal grants;
access logging; CSRF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gaoxin.consent import rules
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.consent import services
from gaoxin.web.consent.models import AccessLog, Consent
from gaoxin.web.registry.models import AnnualReport, Enterprise

from .conftest import consent, token_client

TODAY = dt.date.today


def until(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


# --- services: boundaries ------------------------------------------------------------------------------


def test_live_consent_at_exact_boundaries(p):
    c = consent(p, p.unlisted, p.bank_a, days=10)
    tz = timezone.get_current_timezone()
    assert c.expires_at == rules.end_of_day(timezone.localdate() + dt.timedelta(days=10), tz)
    last = c.expires_at - dt.timedelta(microseconds=1)
    assert services.live_consent(p.bank_a, p.unlisted, at=c.starts_at) == c
    assert services.live_consent(p.bank_a, p.unlisted, at=last) == c
    assert services.live_consent(p.bank_a, p.unlisted, at=c.expires_at) is None
    assert services.live_consent(p.bank_a, p.unlisted, at=c.starts_at - dt.timedelta(microseconds=1)) is None
    assert services.live_consent(p.bank_b, p.unlisted, at=c.starts_at) is None
    assert list(services.consented_enterprises(p.bank_a, at=last)) == [p.unlisted]
    assert not services.consented_enterprises(p.bank_a, at=c.expires_at).exists()
    assert not services.consented_enterprises(p.bank_b).exists()


def test_scope_follows_the_clock_at_expiry(p, monkeypatch):
    c = consent(p, p.unlisted, p.bank_a, days=1)
    bank = p.users["bank"]
    monkeypatch.setattr(timezone, "now", lambda: c.expires_at - dt.timedelta(microseconds=1))
    assert visible(bank, Enterprise).filter(pk=p.unlisted.pk).exists()
    assert visible(bank, AnnualReport).filter(enterprise=p.unlisted).exists()
    monkeypatch.setattr(timezone, "now", lambda: c.expires_at)
    assert not visible(bank, Enterprise).filter(pk=p.unlisted.pk).exists()
    assert not visible(bank, AnnualReport).filter(enterprise=p.unlisted).exists()
    assert c.status() == rules.EXPIRED


def test_revocation_ends_access_at_once(p):
    c = consent(p, p.unlisted, p.bank_a)
    at = timezone.now()
    services.revoke(p.users["enterprise"], c, now=at)
    c.refresh_from_db()
    assert c.revoked_at == at and c.revoked_by == p.users["enterprise"]
    assert services.live_consent(p.bank_a, p.unlisted, at=at - dt.timedelta(microseconds=1)) == c
    assert services.live_consent(p.bank_a, p.unlisted, at=at) is None
    assert not visible(p.users["bank"], Enterprise).filter(pk=p.unlisted.pk).exists()
    with pytest.raises(services.ConsentError) as exc:
        services.revoke(p.users["enterprise"], c)
    assert exc.value.code == "already_revoked" and str(exc.value)
    # after revocation the firm may authorise the same bank again
    again = consent(p, p.unlisted, p.bank_a, days=5)
    assert services.live_consent(p.bank_a, p.unlisted) == again


def test_only_the_firm_revokes(p):
    c = consent(p, p.unlisted, p.bank_a)
    for role in ("bank", "zone_admin", "platform_admin", "enterprise_b"):
        with pytest.raises(services.ConsentError):
            services.revoke(p.users[role], c)
    assert services.live_consent(p.bank_a, p.unlisted) == c


def test_expired_consent_cannot_be_revoked(p):
    c = consent(p, p.unlisted, p.bank_a, days=1)
    with pytest.raises(services.ConsentError) as exc:
        services.revoke(p.users["enterprise"], c, now=c.expires_at)
    assert exc.value.code == "already_expired"


@pytest.mark.parametrize(
    "days, purpose, code",
    [
        (-1, "授信", "not_after_now"),
        (400, "授信", "too_long"),
        (30, "  ", "purpose_missing"),
        (30, "字" * 501, "purpose_too_long"),
    ],
)
def test_illegal_grants_are_refused_with_a_reason(p, days, purpose, code):
    with pytest.raises(services.ConsentError) as exc:
        consent(p, p.unlisted, p.bank_a, days=days, purpose=purpose)
    assert exc.value.code == code and str(exc.value)
    assert not Consent.objects.exists()


def test_a_year_to_the_day_is_the_longest_grant(p):
    today = timezone.localdate()
    c = services.grant(p.users["enterprise"], p.bank_a, rules.one_year_after(today), "授信")
    assert c.last_day == rules.one_year_after(today)


def test_only_enterprises_grant_and_not_twice_at_once(p):
    for role in ("bank", "zone_admin", "platform_admin"):
        with pytest.raises(services.ConsentError) as exc:
            services.grant(p.users[role], p.bank_a, timezone.localdate(), "授信")
        assert exc.value.code == "role"
    consent(p, p.unlisted, p.bank_a)
    with pytest.raises(services.ConsentError) as exc:
        consent(p, p.unlisted, p.bank_a)
    assert exc.value.code == "exists"
    consent(p, p.unlisted, p.bank_b)  # another bank is another consent
    assert Consent.objects.count() == 2


# --- the firm's page ----------------------------------------------------------------------------------


def test_firm_grants_on_its_page_and_sees_the_status(p):
    c = p.client("enterprise")
    page = c.get(reverse("consent:mine"))
    assert page.status_code == 200 and p.bank_b.name in page.content.decode()
    r = c.post(reverse("consent:mine"), {"bank": p.bank_a.pk, "until": until(30), "purpose": "创新积分贷"})
    assert r.status_code == 302
    made = Consent.objects.get()
    assert (made.enterprise, made.bank, made.purpose) == (p.unlisted, p.bank_a, "创新积分贷")
    assert made.granted_by == p.users["enterprise"]
    assert AuditEvent.objects.filter(action="consent_grant", object_id=str(made.pk)).exists()
    html = c.get(reverse("consent:mine")).content.decode()
    assert f'data-consent="{made.pk}" data-status="live"' in html
    assert reverse("consent:revoke", args=[made.pk]) in html


@pytest.mark.parametrize(
    "form, needle",
    [
        ({"until": "2020-01-01"}, "2020-01-01"),
        ({"until": "明天"}, "YYYY-MM-DD"),
        ({"until": ""}, ""),
        ({"until": "2999-01-01"}, ""),
        ({"purpose": ""}, ""),
        ({"bank": "999999"}, ""),
    ],
)
def test_illegal_grants_on_the_page_are_refused_with_a_clear_error(p, form, needle):
    data = {"bank": p.bank_a.pk, "until": until(30), "purpose": "授信", **form}
    r = p.client("enterprise").post(reverse("consent:mine"), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="grant-error"' in html and needle in html
    assert not Consent.objects.exists()


def test_firm_revokes_on_its_page(p):
    made = consent(p, p.unlisted, p.bank_a)
    c = p.client("enterprise")
    # without the page's confirmation tick nothing is revoked (the server checks it, not only the form)
    r = c.post(reverse("consent:revoke", args=[made.pk]), follow=True)
    made.refresh_from_db()
    assert made.revoked_at is None and "请先勾选“确认撤销”" in r.content.decode()
    r = c.post(reverse("consent:revoke", args=[made.pk]), {"confirm": "1"})
    assert r.status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None
    html = c.get(reverse("consent:mine")).content.decode()
    assert f'data-consent="{made.pk}" data-status="revoked"' in html
    # another firm cannot revoke it (404), nor can a bank (403: not its page)
    other = consent(p, p.unlisted, p.bank_b)
    assert p.client("enterprise_b").post(reverse("consent:revoke", args=[other.pk])).status_code == 404
    assert p.client("bank_b").post(reverse("consent:revoke", args=[other.pk])).status_code == 403
    assert services.live_consent(p.bank_b, p.unlisted) == other


def test_posts_need_the_csrf_token(p):
    made = consent(p, p.unlisted, p.bank_a)
    c = Client(enforce_csrf_checks=True)
    c.force_login(p.users["enterprise"])
    r = c.post(reverse("consent:mine"), {"bank": p.bank_b.pk, "until": until(30), "purpose": "授信"})
    assert r.status_code == 403
    assert c.post(reverse("consent:revoke", args=[made.pk])).status_code == 403
    made.refresh_from_db()
    assert made.revoked_at is None and Consent.objects.count() == 1
    # with the token from the page, the same post goes through
    c.get(reverse("consent:mine"))
    token = c.cookies["csrftoken"].value
    r = c.post(reverse("consent:revoke", args=[made.pk]), {"csrfmiddlewaretoken": token, "confirm": "1"})
    assert r.status_code == 302


def test_only_enterprises_have_the_page(p):
    for role in ("bank", "zone_admin", "clerk", "platform_admin"):
        assert p.client(role).get(reverse("consent:mine")).status_code == 403
    assert Client().get(reverse("consent:mine")).status_code == 302


# --- the bank's pages and access logging -------------------------------------------------------------------


def test_bank_opens_the_profile_and_the_firm_sees_who_looked(p):
    consent(p, p.unlisted, p.bank_a, purpose="创新积分贷")
    bank = p.client("bank")
    listing = bank.get(reverse("consent:bank_profiles")).content.decode()
    url = reverse("consent:bank_profile", args=[p.unlisted.pk])
    assert url in listing and p.unlisted.name in listing and "创新积分贷" in listing
    page = bank.get(url, REMOTE_ADDR="10.1.2.3")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="reports"' in html and 'id="facts"' in html  # the annual reports, under consent
    assert 'id="history"' not in html  # the change history stays the zone's
    log = AccessLog.objects.get()
    assert (log.enterprise, log.bank, log.user, log.channel, log.what, log.ip) == (
        p.unlisted,
        p.bank_a,
        p.users["bank"],
        "page",
        "profile",
        "10.1.2.3",
    )
    assert log.consent == services.live_consent(p.bank_a, p.unlisted)
    mine = p.client("enterprise").get(reverse("consent:mine")).content.decode()
    section = mine.split('id="who-looked"')[1]
    assert p.bank_a.name in section and str(p.users["bank"]) in section
    # bank B sees nothing of it, and its looks are not in the firm's log
    assert p.client("bank_b").get(url).status_code == 404
    assert AccessLog.objects.count() == 1


def test_looks_through_the_registry_page_and_api_are_shown_to_the_firm_too(p):
    consent(p, p.unlisted, p.bank_a)
    assert p.client("bank").get(reverse("registry:enterprise", args=[p.unlisted.pk])).status_code == 200
    assert token_client(p.users["bank"]).get(f"/api/enterprises/{p.unlisted.pk}/reports").status_code == 200
    section = p.client("enterprise").get(reverse("consent:mine")).content.decode().split('id="who-looked"')[1]
    assert section.count(p.bank_a.name) == 2


def test_the_profile_shows_reports_under_consent_and_not_without(p):
    bank = p.client("bank")
    listed_page = bank.get(reverse("registry:enterprise", args=[p.listed.pk])).content.decode()
    assert 'id="facts"' in listed_page and 'id="reports"' not in listed_page  # a list gives no reports
    assert bank.get(reverse("consent:bank_profile", args=[p.listed.pk])).status_code == 404
    consent(p, p.listed, p.bank_a)
    html = bank.get(reverse("consent:bank_profile", args=[p.listed.pk])).content.decode()
    assert 'id="reports"' in html and 'id="score-summary"' in html


def test_bank_pages_are_for_banks(p):
    consent(p, p.unlisted, p.bank_a)
    for role in ("enterprise", "zone_admin", "platform_admin"):
        assert p.client(role).get(reverse("consent:bank_profiles")).status_code == 403
        assert p.client(role).get(reverse("consent:bank_profile", args=[p.unlisted.pk])).status_code == 403


# --- API ---------------------------------------------------------------------------------------------------


def test_bank_reads_consented_profiles_through_the_api_and_it_is_logged(p):
    c = consent(p, p.unlisted, p.bank_a)
    api = token_client(p.users["bank"])
    listing = api.get("/api/consent/profiles").json()
    assert listing["total"] == 1 and listing["items"][0]["enterprise"]["id"] == p.unlisted.pk
    assert listing["items"][0]["consent"] == c.pk
    r = api.get(f"/api/consent/profiles/{p.unlisted.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["enterprise"]["uscc"] == p.unlisted.uscc
    assert body["consent"]["status"] == "live" and body["consent"]["last_day"] == c.last_day.isoformat()
    assert [x["year"] for x in body["reports"]] == list(
        AnnualReport.objects.filter(enterprise=p.unlisted).order_by("year").values_list("year", flat=True)
    )
    assert body["reports"] and body["latest_score"]["run"] == p.run_a.pk
    log = AccessLog.objects.get()
    assert (log.channel, log.user, log.bank) == ("api", p.users["bank"], p.bank_a)
    firm_log = token_client(p.users["enterprise"]).get("/api/consent/accesses").json()
    assert firm_log["total"] == 1 and firm_log["items"][0]["bank"]["code"] == p.bank_a.code
    assert token_client(p.users["bank_b"]).get("/api/consent/accesses").json()["total"] == 0


def test_api_profiles_are_closed_without_a_live_consent(p):
    c = consent(p, p.unlisted, p.bank_a)
    b = token_client(p.users["bank_b"])
    assert b.get(f"/api/consent/profiles/{p.unlisted.pk}").status_code == 404
    assert b.get("/api/consent/profiles").json()["total"] == 0
    services.revoke(p.users["enterprise"], c)
    a = token_client(p.users["bank"])
    r = a.get(f"/api/consent/profiles/{p.unlisted.pk}")
    assert r.status_code == 404 and r.json()["detail"]
    assert a.get(f"/api/consent/profiles/{p.listed.pk}").status_code == 404  # listed is not consented
    assert token_client(p.users["enterprise"]).get("/api/consent/profiles").status_code == 403
    assert not AccessLog.objects.exists()


def test_firm_grants_and_revokes_through_the_api(p):
    api = token_client(p.users["enterprise"])
    r = api.post(
        "/api/consent/consents",
        {"bank": p.bank_a.code, "until": until(60), "purpose": "授信"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["status"] == "live" and made["bank"]["code"] == p.bank_a.code
    again = api.post(
        "/api/consent/consents",
        {"bank": str(p.bank_a.pk), "until": until(60), "purpose": "授信"},
        content_type="application/json",
    )
    assert again.status_code == 400 and p.bank_a.name in again.json()["detail"]
    for bad in (
        {"bank": "no-such-bank", "until": until(60), "purpose": "授信"},
        {"bank": p.bank_b.code, "until": until(400), "purpose": "授信"},
        {"bank": p.bank_b.code, "until": "2020-01-01", "purpose": "授信"},
        {"bank": p.bank_b.code, "until": "not-a-date", "purpose": "授信"},
        {"bank": p.bank_b.code, "until": until(60), "purpose": ""},
    ):
        r = api.post("/api/consent/consents", bad, content_type="application/json")
        assert r.status_code == 400 and r.json()["detail"], bad
    assert api.get("/api/consent/consents").json()["total"] == 1
    # the bank sees the consent but cannot revoke it; another firm does not see it
    bank = token_client(p.users["bank"])
    assert bank.get("/api/consent/consents").json()["total"] == 1
    assert bank.post(f"/api/consent/consents/{made['id']}/revoke").status_code == 403
    assert token_client(p.users["bank_b"]).get("/api/consent/consents").json()["total"] == 0
    assert (
        token_client(p.users["enterprise_b"]).post(f"/api/consent/consents/{made['id']}/revoke").status_code
        == 404
    )
    assert (
        bank.post(
            "/api/consent/consents",
            {"bank": p.bank_a.code, "until": until(5), "purpose": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    r = api.post(f"/api/consent/consents/{made['id']}/revoke")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = api.post(f"/api/consent/consents/{made['id']}/revoke")
    assert r.status_code == 400
    assert api.post("/api/consent/consents/999999/revoke").status_code == 404


def test_api_session_posts_need_csrf(p):
    c = Client(enforce_csrf_checks=True)
    c.force_login(p.users["enterprise"])
    r = c.post(
        "/api/consent/consents",
        {"bank": p.bank_a.code, "until": until(60), "purpose": "授信"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert not Consent.objects.exists()


def test_openapi_lists_the_consent_endpoints(p):
    schema = p.client("bank").get("/api/openapi.json").json()
    for path in ("/api/consent/profiles", "/api/consent/profiles/{enterprise_id}", "/api/consent/consents"):
        assert path in schema["paths"], path


def test_bank_exports_the_consented_profile_and_it_is_logged(p):
    consent(p, p.unlisted, p.bank_a)
    url = reverse("consent:bank_profile_export", args=[p.unlisted.pk])
    r = p.client("bank").get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    body = r.content.decode("utf-8-sig")
    assert p.unlisted.uscc in body and p.unlisted.name in body
    years = AnnualReport.objects.filter(enterprise=p.unlisted).values_list("year", flat=True)
    assert all(str(y) in body for y in years)
    log = AccessLog.objects.get()
    assert (log.channel, log.bank) == ("export", p.bank_a)
    assert p.client("bank_b").get(url).status_code == 404
    assert p.client("enterprise").get(url).status_code == 403


def test_page_queries_do_not_grow_with_consents_and_looks(p, django_assert_max_num_queries):
    firms = list(Enterprise.objects.filter(zone=p.zone_a).exclude(pk=p.listed.pk).order_by("uscc")[:12])
    for ent in firms:
        consent(p, ent, p.bank_a)
        services.log_access(p.users["bank"], ent, "profile", "page")
    for bank in (p.bank_b,):
        consent(p, p.unlisted, bank)
    for _ in range(10):
        services.log_access(p.users["bank"], p.unlisted, "profile", "api")
    bank, firm = p.client("bank"), p.client("enterprise")
    bank.get(reverse("consent:bank_profiles"))  # warm the session and caches
    firm.get(reverse("consent:mine"))
    with django_assert_max_num_queries(8):
        r = bank.get(reverse("consent:bank_profiles"))
    assert r.content.decode().count("/consent/bank/") >= 12
    with django_assert_max_num_queries(10):
        r = firm.get(reverse("consent:mine"))
    assert r.status_code == 200


def test_each_grant_and_revocation_is_audited_once_by_the_service(p):
    """The audit is written in ``services`` (one place): the page's grant and revocation give exactly
    one event each, with the request's address; the API's carry ``channel: api``; a refused grant
    (the form's or the rules') writes none."""
    c = p.client("enterprise")
    assert (
        c.post(reverse("consent:mine"), {"bank": "", "until": until(30), "purpose": "x"}).status_code == 400
    )
    assert (
        c.post(reverse("consent:mine"), {"bank": p.bank_a.pk, "until": "明天", "purpose": "x"}).status_code
        == 400
    )
    assert not AuditEvent.objects.filter(action="consent_grant").exists()
    c.post(reverse("consent:mine"), {"bank": p.bank_a.pk, "until": until(30), "purpose": "创新积分贷"})
    made = Consent.objects.get()
    (grant,) = AuditEvent.objects.filter(action="consent_grant")
    assert (
        grant.object_id == str(made.pk)
        and grant.ip
        and grant.detail
        == {
            "bank": p.bank_a.code,
            "until": str(made.last_day),
        }
    )
    c.post(reverse("consent:revoke", args=[made.pk]), {"confirm": "1"})
    (revoke,) = AuditEvent.objects.filter(action="consent_revoke")
    assert revoke.detail == {"bank": p.bank_a.code} and revoke.ip
    api = token_client(p.users["enterprise"])
    r = api.post(
        "/api/consent/consents",
        {"bank": p.bank_b.code, "until": until(60), "purpose": "授信"},
        content_type="application/json",
    )
    assert r.status_code == 201
    api.post(f"/api/consent/consents/{r.json()['id']}/revoke")
    channels = sorted(
        (e.action, e.detail.get("channel", "page"))
        for e in AuditEvent.objects.filter(action__in=("consent_grant", "consent_revoke"))
    )
    assert channels == [
        ("consent_grant", "api"),
        ("consent_grant", "page"),
        ("consent_revoke", "api"),
        ("consent_revoke", "page"),
    ]
