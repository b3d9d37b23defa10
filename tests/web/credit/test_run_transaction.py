"""A score run writes in short transactions (issue 18.7): the heavy work outside any transaction, the
rows in batches each in its own short transaction while the run is still running, the flip to done in
a last short one — and a failure part-way leaves the run failed with no rows."""

from __future__ import annotations

import pytest
from django.db import connection

from gaoxin.scoring import load_model
from gaoxin.web.credit import services
from gaoxin.web.credit.models import Score, ScoreRun

YEAR = 2025


def _depth() -> int:
    return len(connection.savepoint_ids)  # how deep in atomic() blocks the caller is (tests run in one)


def test_rows_go_in_short_batches_and_progress_is_written_outside_them(platform, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 10)
    run = services.start_run(platform.zone_a, YEAR, load_model("national-2024"), platform.users["zone_admin"])
    outer = _depth()
    seen: list[tuple[str, int, str]] = []
    insert = services.insert_rows

    def spy(model, columns, n, *args, **kwargs):
        status = ScoreRun.objects.get(pk=run.pk).status
        assert model is Score and n <= 10
        seen.append(("batch", _depth() - outer, status))
        return insert(model, columns, n, *args, **kwargs)

    monkeypatch.setattr(services, "insert_rows", spy)
    services.execute_run(run, lambda f: seen.append(("progress", _depth() - outer, "")))
    batches = [s for s in seen if s[0] == "batch"]
    n = Score.objects.filter(run=run).count()
    assert n > 20 and len(batches) == -(-n // 10)  # every batch of at most 10 rows
    assert all(depth == 1 and status == "running" for _k, depth, status in batches)
    assert all(depth == 0 for k, depth, _s in seen if k == "progress")  # never inside a transaction
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.DONE and run.scored == n


def test_a_failure_after_the_first_batch_leaves_the_run_failed_and_no_rows(platform, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 10)
    run = services.start_run(platform.zone_a, YEAR, load_model("national-2024"), platform.users["zone_admin"])
    insert = services.insert_rows
    calls = []

    def second_fails(model, columns, n, *args, **kwargs):
        calls.append(n)
        if len(calls) == 2:
            assert Score.objects.filter(run=run).count() == 10  # the first batch is in
            raise RuntimeError("disk full")
        return insert(model, columns, n, *args, **kwargs)

    monkeypatch.setattr(services, "insert_rows", second_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        services.execute_run(run)
    run.refresh_from_db()
    assert run.status == ScoreRun.Status.FAILED and run.finished is not None
    assert not Score.objects.filter(run=run).exists()
    assert not services._values_path(run).exists()


def test_a_failure_of_the_final_flip_leaves_no_rows_either(platform, monkeypatch):
    run = services.start_run(platform.zone_a, YEAR, load_model("national-2024"), platform.users["zone_admin"])
    save = ScoreRun.save

    def refuse(self, *args, **kwargs):
        if self.pk == run.pk and self.status == ScoreRun.Status.DONE:
            raise RuntimeError("connection lost")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(ScoreRun, "save", refuse)
    with pytest.raises(RuntimeError):
        services.execute_run(run)
    assert ScoreRun.objects.get(pk=run.pk).status == ScoreRun.Status.FAILED
    assert not Score.objects.filter(run=run).exists()
