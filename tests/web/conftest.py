"""Fixtures for the platform: zones, banks, one user per role, a small scored register."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _sync_jobs(settings):
    settings.GAOXIN_TASKS_SYNC = True
