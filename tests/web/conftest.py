"""Fixtures for the platform: two zones, two banks, one user per role, a small scored register.

``platform`` is a register loaded through the real import path (``apply_dataset``), a finished score
run per zone on ``national-2024`` and one list published to bank A — so every view, API and scoping
test starts from the same, realistic state. It is built once per session (``_platform_session`` in
``tests/conftest.py`` calls ``build_platform``); each test reads it afresh from the database inside
its own rolled-back transaction and gets its own copy of the runs' files.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from gaoxin.data import synth
from gaoxin.scoring import load_model
from gaoxin.web.accounts.models import Bank, Role, User
from gaoxin.web.credit.models import PublishedList, ScoreRun
from gaoxin.web.registry.models import Enterprise, ImportBatch, Zone

PASSWORD = "correct-horse-battery-9"
YEAR = 2025


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.GAOXIN_TASKS_SYNC = True
    settings.MEDIA_ROOT = tmp_path / "files"  # uploads and run files never land in the checkout
    # Argon2 is deliberately slow; tests that are not about passwords use a fast hasher.
    # tests/web/test_security.py checks that the real settings hash with Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Platform:
    zone_a: Zone
    zone_b: Zone
    bank_a: Bank
    bank_b: Bank
    users: dict[
        str, User
    ]  # platform_admin, zone_admin, clerk, enterprise, bank, zone_admin_b, enterprise_b, bank_b
    run_a: ScoreRun
    run_b: ScoreRun
    published: PublishedList  # zone A's list, published to bank A only
    listed: Enterprise  # an enterprise of zone A on the published list
    unlisted: Enterprise  # an enterprise of zone A not on it
    other: Enterprise  # an enterprise of zone B

    def client(self, role: str) -> Client:
        c = Client()
        c.force_login(self.users[role])
        return c


def make_user(username: str, role: str, **anchor) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **anchor)


def load_zones(n_per_zone: int = 60, seed: int = 7) -> tuple[Zone, Zone]:
    """Two zones of synthetic firms, brought in through the import path."""
    from gaoxin.web.registry.services import apply_dataset

    data = synth.synthesize(n_per_zone * 2, zones=2, years=(YEAR - 2, YEAR), seed=seed)
    (code_a, name_a), (code_b, name_b) = synth.zones(2)
    zone_a = Zone.objects.create(code=code_a, name=name_a)
    zone_b = Zone.objects.create(code=code_b, name=name_b)
    batch = ImportBatch.objects.create(zone=zone_a, file_name="synth", sha256="0" * 64, department="测试")
    apply_dataset(data, batch, allowed_zones={code_a: zone_a, code_b: zone_b})
    batch.status = ImportBatch.Status.APPLIED
    batch.save()
    return zone_a, zone_b


@dataclass
class PlatformSpec:
    """The ids of a built platform and the directory holding its runs' files."""

    zones: tuple[int, int]
    banks: tuple[int, int]
    users: dict[str, int]
    runs: tuple[int, int]
    published: int
    firms: tuple[int, int, int]  # listed, unlisted, other
    media: Path


def build_platform(media: Path) -> PlatformSpec:
    """Build the platform in the current database (files under ``media``, MEDIA_ROOT at the time)."""
    from gaoxin.web.credit.services import run_scores

    zone_a, zone_b = load_zones()
    bank_a = Bank.objects.create(code="bank-a", name="甲银行")
    bank_b = Bank.objects.create(code="bank-b", name="乙银行")
    ents_a = list(Enterprise.objects.filter(zone=zone_a).order_by("uscc"))
    other = Enterprise.objects.filter(zone=zone_b).order_by("uscc").first()
    model = load_model("national-2024")
    admin = make_user("admin", Role.PLATFORM_ADMIN)
    run_a = run_scores(zone_a, YEAR, model, admin)
    run_b = run_scores(zone_b, YEAR, model, admin)
    top = run_a.scores.order_by("-total", "enterprise__uscc")
    listed = top.first().enterprise
    unlisted = top.last().enterprise
    published = _publish(run_a, [top.first()], bank_a, admin)
    users = {
        "platform_admin": admin,
        "zone_admin": make_user("zone_admin", Role.ZONE_ADMIN, zone=zone_a),
        "clerk": make_user("clerk", Role.CLERK, zone=zone_a),
        "enterprise": make_user("firm", Role.ENTERPRISE, enterprise=unlisted),
        "bank": make_user("bank", Role.BANK, bank=bank_a),
        "zone_admin_b": make_user("zone_admin_b", Role.ZONE_ADMIN, zone=zone_b),
        "enterprise_b": make_user("firm_b", Role.ENTERPRISE, enterprise=other),
        "bank_b": make_user("bank_b", Role.BANK, bank=bank_b),
    }
    assert listed != unlisted and len(ents_a) > 2
    return PlatformSpec(
        zones=(zone_a.pk, zone_b.pk),
        banks=(bank_a.pk, bank_b.pk),
        users={role: u.pk for role, u in users.items()},
        runs=(run_a.pk, run_b.pk),
        published=published.pk,
        firms=(listed.pk, unlisted.pk, other.pk),
        media=media,
    )


def _load(spec: PlatformSpec) -> Platform | None:
    """The platform of ``spec`` as fresh objects, or None when it is not (any more) in the database."""
    zones = Zone.objects.in_bulk(spec.zones)
    banks = Bank.objects.in_bulk(spec.banks)
    users = User.objects.in_bulk(spec.users.values())
    runs = ScoreRun.objects.in_bulk(spec.runs)
    firms = Enterprise.objects.in_bulk(spec.firms)
    published = PublishedList.objects.filter(pk=spec.published).first()
    if published is None or any(
        len(found) != len(set(wanted))
        for found, wanted in (
            (zones, spec.zones),
            (banks, spec.banks),
            (users, spec.users.values()),
            (runs, spec.runs),
            (firms, spec.firms),
        )
    ):
        return None
    if runs[spec.runs[0]].zone_id != spec.zones[0] or firms[spec.firms[2]].zone_id != spec.zones[1]:
        return None  # ids reused by other rows after a flush
    (za, zb), (ba, bb), (ra, rb), (fl, fu, fo) = spec.zones, spec.banks, spec.runs, spec.firms
    return Platform(
        zones[za],
        zones[zb],
        banks[ba],
        banks[bb],
        {role: users[pk] for role, pk in spec.users.items()},
        runs[ra],
        runs[rb],
        published,
        firms[fl],
        firms[fu],
        firms[fo],
    )


@pytest.fixture
def platform(_platform_session: PlatformSpec, db, settings) -> Platform:
    """The session's platform (``tests/conftest.py``), rebuilt here if a transactional test flushed it."""
    spec = _platform_session
    found = _load(spec)
    if found is None:  # flushed by a transactional test: build it again, in this test's database state
        media = Path(settings.MEDIA_ROOT)
        vars(spec).update(vars(build_platform(media)))
        from tests.conftest import _SESSION, _counts

        _SESSION["counts"] = _counts()
        found = _load(spec)
        assert found is not None
    elif spec.media != Path(settings.MEDIA_ROOT) and spec.media.exists():
        shutil.copytree(spec.media, settings.MEDIA_ROOT, dirs_exist_ok=True)  # the runs' values files
    return found


def _publish(run: ScoreRun, scores, bank: Bank, user: User) -> PublishedList:
    """The top firm of the run, published to ``bank`` through the credit app's publish service."""
    from gaoxin.web.credit.services import publish_list

    published = publish_list(run, title="测试白名单", filters={"top": 1}, banks=[bank], user=user)
    assert [e.score_id for e in published.entries.all()] == [s.pk for s in scores]
    return published
