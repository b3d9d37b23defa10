"""The scoping matrix extended to banks and consents: bank A and bank B × a firm with no consent, a
live consent to A, a revoked one, an expired one, a consent to B only × a listed or unlisted firm,
through pages, the API and the exports — plus guessed ids.

The expectations are written from the issue's rule, not from ``scoping.visible``: a bank sees a firm's
detail (annual reports, qualifications, scores) only under a live consent to that bank; a white-list
published to it shows the listed firm and its listed score, nothing more; a bank never sees another
bank's consents, nor a firm that consented only to another bank.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.urls import reverse
from django.utils import timezone

from gaoxin.web.consent import services
from gaoxin.web.consent.models import AccessLog, Consent
from gaoxin.web.credit.models import Score
from gaoxin.web.registry.models import AnnualReport

from .conftest import consent, firm_user, token_client

OK = 200
DENIED = {403, 404}
STATES = ["none", "live_a", "revoked_a", "expired_a", "live_b"]


def make_state(p, firm, state: str) -> None:
    if state == "none":
        return
    bank = p.bank_b if state == "live_b" else p.bank_a
    c = consent(p, firm, bank)
    if state == "revoked_a":
        services.revoke(firm_user(p, firm), c)
    if state == "expired_a":
        now = timezone.now()
        Consent.objects.filter(pk=c.pk).update(
            starts_at=now - dt.timedelta(days=30), expires_at=now - dt.timedelta(seconds=1)
        )


def _expect(problems: list[str], who: str, url: str, allowed: bool, client) -> None:
    status = client.get(url).status_code
    if (status == OK) != allowed or (status != OK and status not in DENIED):
        problems.append(f"{who} {url}: {status}, expected {'200' if allowed else '403/404'}")


def live_for(state: str, bank_role: str) -> bool:
    return (state, bank_role) in (("live_a", "bank"), ("live_b", "bank_b"))


@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "listed"])
@pytest.mark.parametrize("state", STATES)
def test_banks_see_detail_only_under_their_own_live_consent(p, state, listed):
    firm = p.listed if listed else p.unlisted
    make_state(p, firm, state)
    assert AnnualReport.objects.filter(enterprise=firm).exists()  # there is detail to leak
    for role in ("bank", "bank_b"):
        live = live_for(state, role)
        on_list = listed and role == "bank"  # the list is published to bank A only
        page, api = p.client(role), token_client(p.users[role])
        problems: list[str] = []
        expect = functools.partial(_expect, problems, f"{role} {state}")

        # pages
        expect(reverse("consent:bank_profile", args=[firm.pk]), live, page)
        expect(reverse("consent:bank_profile_export", args=[firm.pk]), live, page)
        expect(reverse("registry:enterprise", args=[firm.pk]), live or on_list, page)
        html = page.get(reverse("consent:bank_profiles")).content.decode()
        if (firm.name in html) != live:
            problems.append(f"{role} {state}: consented list shows the firm: {firm.name in html}")
        if live or on_list:
            profile = page.get(reverse("registry:enterprise", args=[firm.pk])).content.decode()
            shows_reports = 'id="reports"' in profile
            if shows_reports != live:
                problems.append(f"{role} {state}: registry page shows reports: {shows_reports}")
        # API
        expect(f"/api/consent/profiles/{firm.pk}", live, api)
        expect(f"/api/enterprises/{firm.pk}", live or on_list, api)
        ids = {i["enterprise"]["id"] for i in api.get("/api/consent/profiles").json()["items"]}
        if (firm.pk in ids) != live:
            problems.append(f"{role} {state}: API consented list has the firm: {firm.pk in ids}")
        r = api.get(f"/api/enterprises/{firm.pk}/reports")
        reports = r.json() if r.status_code == OK else []
        if bool(reports) != live:
            problems.append(f"{role} {state}: API reports {r.status_code} with {len(reports)} rows")
        r = api.get(f"/api/enterprises/{firm.pk}/scores")
        scores = r.json() if r.status_code == OK else []
        expected_scores = (
            set(Score.objects.filter(enterprise=firm).values_list("pk", flat=True))
            if live
            else ({p.published.entries.get().score_id} if on_list else set())
        )
        if {s["id"] for s in scores} != expected_scores:
            problems.append(f"{role} {state}: API scores {sorted(s['id'] for s in scores)}")
        # exports: the white-list export holds the listed firm only, consent or not
        lst = reverse("credit:list_export", args=[p.published.pk, "csv"])
        r = page.get(lst)
        if role == "bank":
            body = r.content.decode("utf-8-sig")
            if r.status_code != OK or p.listed.uscc not in body or p.unlisted.uscc in body:
                problems.append(f"{role} {state}: list export {r.status_code}")
            api_csv = api.get(f"/api/lists/{p.published.pk}/csv").content.decode("utf-8-sig")
            if p.unlisted.uscc in api_csv:
                problems.append(f"{role} {state}: API list csv leaks the unlisted firm")
        elif r.status_code not in DENIED:
            problems.append(f"{role} {state}: bank B reads bank A's list export: {r.status_code}")
        # consents: a bank sees only those given to it
        seen = {c["id"] for c in api.get("/api/consent/consents").json()["items"]}
        given = set(Consent.objects.filter(bank=p.users[role].bank).values_list("pk", flat=True))
        if seen != given:
            problems.append(f"{role} {state}: consents seen {seen}, given to it {given}")
        assert not problems, "\n".join(problems)
    # only looks under a live consent were logged, each by the bank that had it
    for log in AccessLog.objects.all():
        assert log.consent is not None and log.consent.bank_id == log.bank_id


def test_other_roles_see_only_their_own_consents_and_logs(p):
    c = consent(p, p.unlisted, p.bank_a)
    token_client(p.users["bank"]).get(f"/api/consent/profiles/{p.unlisted.pk}")
    expected = {
        "platform_admin": 1,
        "zone_admin": 1,
        "clerk": 1,
        "enterprise": 1,
        "bank": 1,
        "zone_admin_b": 0,
        "enterprise_b": 0,
        "bank_b": 0,
    }
    for role, n in expected.items():
        api = token_client(p.users[role])
        assert api.get("/api/consent/consents").json()["total"] == n, role
        assert api.get("/api/consent/accesses").json()["total"] == n, role
    assert c.pk


def test_guessed_ids_are_404(p):
    c = consent(p, p.unlisted, p.bank_a)
    bank = p.client("bank")
    assert bank.get(reverse("consent:bank_profile", args=[10**9])).status_code == 404
    assert token_client(p.users["bank"]).get(f"/api/consent/profiles/{10**9}").status_code == 404
    assert p.client("enterprise").post(reverse("consent:revoke", args=[10**9])).status_code == 404
    assert p.client("enterprise_b").post(reverse("consent:revoke", args=[c.pk])).status_code == 404
    assert (
        token_client(p.users["enterprise_b"]).post(f"/api/consent/consents/{c.pk}/revoke").status_code == 404
    )
    # a firm of the other zone that consented to nobody
    assert bank.get(reverse("consent:bank_profile", args=[p.other.pk])).status_code == 404


def test_a_consent_to_bank_b_gives_bank_a_nothing(p):
    consent(p, p.other, p.bank_b)
    a, b = token_client(p.users["bank"]), token_client(p.users["bank_b"])
    assert a.get(f"/api/enterprises/{p.other.pk}").status_code == 404
    assert a.get(f"/api/enterprises/{p.other.pk}/qualifications").status_code == 404
    assert a.get("/api/consent/profiles").json()["total"] == 0
    assert b.get(f"/api/enterprises/{p.other.pk}").status_code == 200
    assert b.get(f"/api/consent/profiles/{p.other.pk}").status_code == 200
    # bank B's consent does not open the zone's runs or other firms
    assert b.get(f"/api/runs/{p.run_b.pk}").status_code == 404
    assert b.get(f"/api/enterprises/{p.unlisted.pk}").status_code == 404
