"""Fixtures for the cultivation app: the platform (tests/web/conftest.py) with a ladder assessment per
zone, computed by the real rules core through the real service (``run_assessment``)."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.web.registry.models import Qualification
from tests.web.conftest import YEAR

NEAR_A = {"near": {"hightech": 1.0}}


@pytest.fixture
def ladder(platform):
    """The platform with a finished ladder assessment of YEAR for each zone (zone A's by its admin).

    Zone A counts a high-tech distance up to 1.0 as "near" (its settings, as a zone administrator would
    set them): the small synthetic zone then has high-tech candidates as well as far firms."""
    from gaoxin.web.cultivation.services import run_assessment, save_settings

    save_settings(platform.zone_a, NEAR_A, platform.users["zone_admin"])
    platform.ladder_a = run_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    platform.ladder_b = run_assessment(platform.zone_b, YEAR, platform.users["zone_admin_b"])
    return platform


def qualify_firm(enterprise, kind: str, start: dt.date, end: dt.date) -> Qualification:
    return Qualification.objects.create(enterprise=enterprise, kind=kind, valid_from=start, valid_to=end)
