"""Consent fixtures on top of the web tests' ``platform``: a user for the listed firm, token clients,
and a helper that grants a consent as the firm would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.services import new_token
from gaoxin.web.consent import services
from gaoxin.web.consent.models import Consent
from tests.web.conftest import make_user


def token_client(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {new_token(user, 'test')}"})


def firm_user(platform, enterprise):
    """The user of ``enterprise`` (created for the listed firm, which the platform gives none)."""
    for u in platform.users.values():
        if u.role == Role.ENTERPRISE and u.enterprise_id == enterprise.pk:
            return u
    user = make_user(f"firm-{enterprise.pk}", Role.ENTERPRISE, enterprise=enterprise)
    platform.users[f"firm-{enterprise.pk}"] = user
    return user


def consent(platform, enterprise, bank, days: int = 90, purpose: str = "授信审查") -> Consent:
    """``enterprise`` authorises ``bank`` until ``days`` from today (through the grant service)."""
    until = timezone.localdate() + dt.timedelta(days=days)
    return services.grant(firm_user(platform, enterprise), bank, until, purpose)


@pytest.fixture
def p(platform):
    return platform
