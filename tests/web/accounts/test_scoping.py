"""The scoping helper itself: for every role, what ``visible`` returns and what ``can_write`` allows.

The page/API/export matrix lives in test_scoping_matrix.py; this file pins the helper's rules.
"""

from __future__ import annotations

import pytest

from gaoxin.web.accounts.models import AuditEvent, Bank, User
from gaoxin.web.accounts.scoping import ScopeError, can_write, visible
from gaoxin.web.credit.models import ListEntry, PublishedList, Score, ScoreRun
from gaoxin.web.registry.models import AnnualReport, Correction, Enterprise, ImportBatch, Qualification, Zone


def ids(qs) -> set:
    return set(qs.values_list("pk", flat=True))


def test_platform_admin_sees_everything(platform):
    u = platform.users["platform_admin"]
    assert ids(visible(u, Enterprise)) == ids(Enterprise.objects.all())
    assert ids(visible(u, Score)) == ids(Score.objects.all())


def test_zone_staff_see_only_their_zone(platform):
    for role in ("zone_admin", "clerk"):
        u = platform.users[role]
        assert ids(visible(u, Zone)) == {platform.zone_a.pk}
        assert ids(visible(u, Enterprise)) == ids(Enterprise.objects.filter(zone=platform.zone_a))
        assert platform.other.pk not in ids(visible(u, Enterprise))
        assert ids(visible(u, ScoreRun)) == {platform.run_a.pk}
        assert not visible(u, Score).filter(run=platform.run_b).exists()
        assert not visible(u, AnnualReport).filter(enterprise__zone=platform.zone_b).exists()


def test_enterprise_user_sees_only_itself(platform):
    u = platform.users["enterprise"]
    assert ids(visible(u, Enterprise)) == {platform.unlisted.pk}
    assert set(visible(u, AnnualReport).values_list("enterprise", flat=True)) == {platform.unlisted.pk}
    assert set(visible(u, Score).values_list("enterprise", flat=True)) == {platform.unlisted.pk}
    assert not visible(u, PublishedList).exists() and not visible(u, ImportBatch).exists()
    assert ids(visible(u, ScoreRun)) == {platform.run_a.pk}


def test_bank_sees_only_lists_published_to_it_and_their_firms(platform):
    a, b = platform.users["bank"], platform.users["bank_b"]
    assert ids(visible(a, PublishedList)) == {platform.published.pk}
    assert ids(visible(a, Enterprise)) == {platform.listed.pk}
    assert set(visible(a, Score).values_list("enterprise", flat=True)) == {platform.listed.pk}
    assert ids(visible(a, ListEntry)) == ids(platform.published.entries.all())
    assert not visible(a, AnnualReport).exists() and not visible(a, ScoreRun).exists()
    assert ids(visible(a, Bank)) == {platform.bank_a.pk}
    for model in (PublishedList, Enterprise, Score, ListEntry, Qualification, Correction, AuditEvent):
        assert not visible(b, model).exists(), model


def test_anonymous_and_inactive_users_see_nothing(platform):
    from django.contrib.auth.models import AnonymousUser

    inactive = platform.users["zone_admin"]
    inactive.is_active = False
    for u in (AnonymousUser(), inactive):
        assert not visible(u, Enterprise).exists()


def test_an_unknown_model_is_refused_not_shown():
    with pytest.raises(ScopeError):
        visible(
            User(role="platform_admin"),
            __import__("django.contrib.sessions.models").contrib.sessions.models.Session,
        )


def test_writes(platform):
    u = platform.users
    assert can_write(u["zone_admin"], platform.unlisted) and not can_write(u["zone_admin"], platform.other)
    assert not can_write(u["clerk"], platform.unlisted)
    assert can_write(u["clerk"], ImportBatch(zone=platform.zone_a))
    assert not can_write(u["clerk"], ImportBatch(zone=platform.zone_b))
    own = Correction(enterprise=platform.unlisted)
    assert can_write(u["enterprise"], own) and not can_write(
        u["enterprise"], Correction(enterprise=platform.other)
    )
    assert not can_write(u["bank"], platform.listed)


def test_apps_extend_the_rules_only_through_the_helper(platform, monkeypatch):
    from django.db.models import Q

    from gaoxin.web.accounts import scoping
    from gaoxin.web.accounts.models import Role

    with pytest.raises(ScopeError, match="already scoped"):
        scoping.register("registry.Enterprise", zone="zone")
    with pytest.raises(ScopeError, match="only bank and enterprise"):
        scoping.grant("registry.Enterprise", Role.ZONE_ADMIN, lambda user: Q())
    # A grant widens a bank's view by exactly the rows it selects, and nothing for other banks.
    monkeypatch.setattr(
        scoping, "_GRANTS", {k: {r: list(v) for r, v in d.items()} for k, d in scoping._GRANTS.items()}
    )
    bank, bank_b = platform.users["bank"], platform.users["bank_b"]
    before = set(visible(bank, Enterprise).values_list("pk", flat=True))
    assert platform.unlisted.pk not in before
    scoping.grant(
        "registry.Enterprise",
        Role.BANK,
        lambda user: Q(pk=platform.unlisted.pk) if user.bank_id == platform.bank_a.pk else Q(pk__in=[]),
    )
    after = set(visible(bank, Enterprise).values_list("pk", flat=True))
    assert after == before | {platform.unlisted.pk}
    assert platform.unlisted.pk not in set(visible(bank_b, Enterprise).values_list("pk", flat=True))
    # An action registered by an app is granted to the roles named, and only to them.
    monkeypatch.setattr(scoping, "_ACTIONS", dict(scoping._ACTIONS))
    scoping.register_action("try_it", Role.ENTERPRISE)
    assert scoping.may(platform.users["enterprise"], "try_it") and not scoping.may(bank, "try_it")
