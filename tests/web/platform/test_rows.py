"""``platform.rows.insert_rows``: rows stored exactly as the ORM stores them (COPY on PostgreSQL,
a prepared INSERT on SQLite), prepared JSON text, constants, chunks with progress, and a refused row
that leaves the caller's transaction as it was."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction

from gaoxin.web.accounts.models import Role
from gaoxin.web.cultivation.models import LadderEntry
from gaoxin.web.cultivation.services import start_assessment
from gaoxin.web.platform import rows
from gaoxin.web.registry.models import Enterprise
from tests.web.conftest import load_zones, make_user

pytestmark = pytest.mark.django_db

FIELDS = ("enterprise_id", "tier", "status", "status_order", "distance", "gaps", "next_tier", "numbers")


def _stored(run) -> list[tuple]:
    return list(LadderEntry.objects.filter(run=run).order_by("enterprise_id").values_list(*FIELDS))


@pytest.fixture
def setting():
    zone, _ = load_zones(n_per_zone=3)
    user = make_user("officer", Role.ZONE_ADMIN, zone=zone)
    ids = list(Enterprise.objects.filter(zone=zone).order_by("pk").values_list("pk", flat=True))
    return zone, user, ids


def _values(ids):
    gaps = [
        [{"condition": "rd_ratio", "label_zh": "研发费用占比", "actual": 0.031, "required": 0.05}],
        [],
        [{"condition": "ip", "text_zh": '需 "Ⅰ类" 知识产权 ≥ 1 件\\n', "actual": None}],
    ]
    numbers = [{"rd_ratio": 0.031, "held_until": "2027-12-31"}, {}, {"points": 71.5}]
    return {
        "enterprise_id": ids,
        "tier": ["hightech"] * 3,
        "status": ["near", "holds", "far"],
        "status_order": [1, 0, 3],
        "distance": [0.019, None, 2.5],
        "gaps": gaps,
        "next_tier": ["srdi", "", ""],
        "numbers": numbers,
    }


def test_rows_read_back_as_the_orm_writes_them(setting):
    zone, user, ids = setting
    by_orm, by_rows = start_assessment(zone, 2025, user), start_assessment(zone, 2025, user)
    values = _values(ids)
    LadderEntry.objects.bulk_create(
        LadderEntry(run=by_orm, **{f: values[f][i] for f in FIELDS}) for i in range(len(ids))
    )
    rows.insert_rows(LadderEntry, {"run_id": rows.Const(by_rows.pk), **values}, len(ids))
    assert _stored(by_rows) == _stored(by_orm)
    assert _stored(by_rows)[0][5][0]["required"] == 0.05  # JSON numbers stay numbers


def test_prepared_json_text_is_stored_as_the_json_it_spells(setting):
    zone, user, ids = setting
    run = start_assessment(zone, 2025, user)
    values = _values(ids)
    text = rows.Prepared(json.dumps(g, ensure_ascii=False) for g in values["gaps"])
    rows.insert_rows(LadderEntry, {"run_id": rows.Const(run.pk), **values, "gaps": text}, len(ids))
    assert [r[5] for r in _stored(run)] == values["gaps"]


def test_chunks_report_progress_and_parts_slice_every_column(setting, monkeypatch):
    zone, user, ids = setting
    run = start_assessment(zone, 2025, user)
    columns = {"run_id": rows.Const(run.pk), **_values(ids), "gaps": rows.Prepared(["[]", "[1]", "[2]"])}
    second = rows.part(columns, 1, 3)
    assert second["run_id"] is columns["run_id"] and second["tier"] == ["hightech", "hightech"]
    assert isinstance(second["gaps"], rows.Prepared) and second["gaps"] == ["[1]", "[2]"]
    monkeypatch.setattr(rows, "WRITE_CHUNK", 1)
    seen: list[float] = []
    rows.insert_rows(LadderEntry, columns, 3, seen.append)
    assert seen == [1 / 3, 2 / 3, 1.0]
    assert [r[5] for r in _stored(run)] == [[], [1], [2]]


def test_a_refused_row_raises_djangos_error_and_the_transaction_keeps_nothing(setting):
    zone, user, ids = setting
    run = start_assessment(zone, 2025, user)
    values = _values(ids)
    twice = {k: v + v[:1] for k, v in values.items()}  # the first firm's row again: ladder_entry_once
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert_rows(LadderEntry, {"run_id": rows.Const(run.pk), **twice}, len(ids) + 1)
    assert _stored(run) == []
    with pytest.raises(ValueError, match="unknown columns"):
        rows.insert_rows(LadderEntry, {"run_id": rows.Const(run.pk), "colour": ["red"]}, 1)
