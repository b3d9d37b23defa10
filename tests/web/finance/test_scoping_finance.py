"""The scoping matrix for finance: roles × objects × pages, exports, API and guessed ids.

Expected readers are written from the issue's rules, not from ``scoping.visible``: a bank sees only the
applications addressed to it; a firm only its own; zone staff their zone's. "Denied" is any of 302,
401, 403, 404: nothing of the object.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from gaoxin.web.accounts.scoping import sees, visible
from gaoxin.web.finance.models import Application, LossClaim, Match, Product, Transition
from tests.web.matrix import DENIED, ROLES, assert_reads_exactly_its_own, client_for

pytestmark = pytest.mark.django_db


def targets(f) -> dict[str, set[str]]:
    zone_a = {"platform_admin", "zone_admin", "clerk"}
    zone_b = {"platform_admin", "zone_admin_b"}
    app = lambda a: reverse("finance:application", args=[a.pk])  # noqa: E731
    prod = lambda p: reverse("finance:product", args=[p.pk])  # noqa: E731
    export = lambda p: reverse("finance:product_export", args=[p.pk])  # noqa: E731
    api = lambda a: f"/api/finance/applications/{a.pk}"  # noqa: E731
    return {
        app(f.app_a): zone_a | {"bank"},
        app(f.app_b): zone_a | {"bank_b", "enterprise"},
        app(f.app_zb): zone_b | {"bank_b", "enterprise_b"},
        api(f.app_a): zone_a | {"bank"},
        api(f.app_b): zone_a | {"bank_b", "enterprise"},
        api(f.app_zb): zone_b | {"bank_b", "enterprise_b"},
        # products: zone staff, the zone's firms, the owning bank (and for zone products banks working there)
        prod(f.loan_a): zone_a | {"bank", "enterprise"},
        prod(f.loan_b): zone_a | {"bank_b", "enterprise"},
        prod(f.loan_zb): zone_b | {"bank_b", "enterprise_b"},
        prod(f.pool): zone_a | {"bank", "bank_b", "enterprise"},
        f"/api/finance/products/{f.loan_a.pk}": zone_a | {"bank", "enterprise"},
        f"/api/finance/products/{f.loan_zb.pk}": zone_b | {"bank_b", "enterprise_b"},
        # exports of eligible firms: zone staff and the owning bank (its own view of them)
        export(f.loan_a): zone_a | {"bank"},
        export(f.loan_b): zone_a | {"bank_b"},
        export(f.loan_zb): zone_b | {"bank_b"},
        # zone pages and statistics
        reverse("finance:overview"): {"platform_admin", "zone_admin", "clerk", "zone_admin_b"},
        "/api/finance/statistics": {"platform_admin", "zone_admin", "clerk", "zone_admin_b"},
        reverse("finance:workspace"): {"bank", "bank_b"},
        reverse("finance:my_financing"): {"enterprise", "enterprise_b"},
        # guessed ids
        app(type("X", (), {"pk": 10**9})): set(),
        f"/api/finance/applications/{10**9}": set(),
        prod(type("X", (), {"pk": 10**9})): set(),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_exactly_its_own(fin, role):
    assert_reads_exactly_its_own(fin.p, role, targets(fin))


@pytest.mark.parametrize("role", ["bank", "bank_b", "enterprise", "enterprise_b", "zone_admin_b"])
def test_collections_never_show_anyone_elses_applicants(fin, role):
    """Workspace, catalogue, product pages, exports and API lists: no firm outside the role's scope."""
    user = fin.p.users[role]
    mine = set(visible(user, Application).values_list("enterprise__uscc", flat=True))
    seen = set(visible(user, Match).values_list("enterprise__uscc", flat=True))
    applicants = set(Application.objects.values_list("enterprise__uscc", flat=True))
    forbidden = applicants - mine - seen - ({user.enterprise.uscc} if user.enterprise_id else set())
    client = client_for(fin.p, role)
    urls = ["/api/finance/applications?limit=500", reverse("finance:products")]
    if role.startswith("bank"):
        urls += [reverse("finance:workspace"), reverse("finance:workspace") + "?state=all"]
    for p in Product.objects.all():
        urls.append(reverse("finance:product", args=[p.pk]))
    for url in urls:
        body = client.get(url).content.decode()
        assert not [u for u in forbidden if u in body], (role, url)


def test_bank_a_sees_no_unconsented_or_unlisted_firm_among_eligible_firms(fin):
    """The open loan matches every scored firm of zone A; bank A sees only its white-listed one."""
    from gaoxin.web.finance import services

    services.refresh_matches(fin.p.zone_a)
    user = fin.p.users["bank"]
    assert Match.objects.filter(product=fin.loan_a).count() > 1
    assert set(visible(user, Match).values_list("enterprise", flat=True)) == {fin.p.listed.pk}
    body = fin.p.client("bank").get(reverse("finance:product", args=[fin.loan_a.pk])).content.decode()
    assert fin.p.listed.uscc in body and fin.p.unlisted.uscc not in body
    assert visible(fin.p.users["bank_b"], Match).count() == 0  # bank B: no list, no consent


def test_history_and_claims_are_scoped_like_their_application(fin):
    for role, app in (("bank", fin.app_a), ("bank_b", fin.app_b), ("enterprise", fin.app_b)):
        user = fin.p.users[role]
        assert set(visible(user, Transition).values_list("application", flat=True)) <= set(
            visible(user, Application).values_list("pk", flat=True)
        )
        assert app.pk in set(visible(user, Transition).values_list("application", flat=True))
    assert not visible(fin.p.users["enterprise"], LossClaim).exists()


@pytest.mark.parametrize(
    "role", ["bank_b", "zone_admin", "clerk", "enterprise", "zone_admin_b", "enterprise_b"]
)
def test_nobody_else_moves_bank_as_applications(fin, role):
    client = client_for(fin.p, role)
    url = reverse("finance:application_act", args=[fin.app_a.pk, "approve"])
    data = {"approve-amount": "1", "approve-rate": "3", "approve-term": "12", "approve-confirm": "on"}
    r = client.post(url, data)
    assert r.status_code in DENIED
    r = client.post(
        f"/api/finance/applications/{fin.app_a.pk}/decide",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert r.status_code in DENIED | {400}
    assert Application.objects.get(pk=fin.app_a.pk).state == "pending"


def test_consent_opens_a_firms_detail_to_the_bank_and_revocation_or_expiry_closes_it(fin):
    """Bank B sees the unlisted firm's score on its application only while the firm's consent is live."""
    import datetime as dt

    from django.utils import timezone

    from gaoxin.web.consent import services as consent

    bank_b = fin.p.users["bank_b"]
    url = reverse("finance:application", args=[fin.app_b.pk])
    api = f"/api/finance/applications/{fin.app_b.pk}"
    client = fin.p.client("bank_b")
    assert 'id="no-consent"' in client.get(url).content.decode()
    assert client.get(api).json()["score_total"] is None
    granted = consent.grant(
        fin.p.users["enterprise"], fin.p.bank_b, timezone.localdate() + dt.timedelta(days=30), "贷款"
    )
    assert sees(bank_b, fin.p.unlisted)
    assert 'id="no-consent"' not in client.get(url).content.decode()
    assert client.get(api).json()["score_total"] is not None
    # bank A never sees it: the consent is bank B's
    assert not sees(fin.p.users["bank"], fin.p.unlisted)
    assert fin.p.client("bank").get(api).status_code == 404
    consent.revoke(fin.p.users["enterprise"], granted)
    assert 'id="no-consent"' in client.get(url).content.decode()
    assert client.get(api).json()["score_total"] is None
    # an expired consent is as closed as none
    from gaoxin.web.consent.models import Consent

    Consent.objects.create(
        enterprise=fin.p.unlisted,
        bank=fin.p.bank_b,
        starts_at=timezone.now() - dt.timedelta(days=40),
        expires_at=timezone.now() - dt.timedelta(days=1),
        purpose="过期",
    )
    assert not sees(bank_b, fin.p.unlisted)
