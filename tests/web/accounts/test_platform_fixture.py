"""The shared ``platform`` fixture: built once per session, yet every test starts from it as built.

Each test runs in a transaction rolled back at its end, so what one test writes is gone for the next;
a transactional test (which commits, and flushes the database when it ends) finds the platform
committed, and the next one finds it again, rebuilt. Each test has its own copy of the runs' files.
"""

from __future__ import annotations

import pytest

from gaoxin.web.credit.services import _values_path
from gaoxin.web.registry.models import Enterprise, Zone

EXTRA = "h7-extra-zone"


def _as_built(platform) -> None:
    assert not Zone.objects.filter(code=EXTRA).exists()
    assert Zone.objects.count() == 2 and Enterprise.objects.count() == 120
    assert Zone.objects.get(pk=platform.zone_a.pk).name == platform.zone_a.name != "改过"
    assert platform.published.entries.get().score.enterprise == platform.listed
    assert _values_path(platform.run_a).exists() and _values_path(platform.run_b).exists()


@pytest.mark.parametrize("n", [1, 2])
def test_what_a_test_writes_is_gone_for_the_next(platform, n, settings):
    _as_built(platform)
    assert str(_values_path(platform.run_a)).startswith(str(settings.MEDIA_ROOT))  # this test's copy
    Zone.objects.create(code=EXTRA, name="多余")
    Zone.objects.filter(pk=platform.zone_a.pk).update(name="改过")
    Enterprise.objects.filter(zone=platform.zone_b).exclude(pk=platform.other.pk).delete()
    _values_path(platform.run_a).unlink()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("n", [1, 2])
def test_a_transactional_test_finds_the_platform_committed(platform, n):
    """The second of these runs after the first one's flush: the fixture has built it again."""
    _as_built(platform)
    Zone.objects.create(code=EXTRA, name="多余")  # committed; the flush at the end removes it
