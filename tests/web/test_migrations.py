"""The models and the migrations say the same thing: a model change without its migration fails here.

Several people change models side by side; a field added to a model but not to a migration would
pass every test that builds the schema from the models' migrations only by accident, and break the
first production upgrade.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits 1 when a migration would be written
        pytest.fail(f"models differ from migrations (exit {exit_.code}):\n{out.getvalue()}")


def test_the_migration_graph_has_one_leaf_per_app():
    from django.db.migrations.loader import MigrationLoader

    conflicts = MigrationLoader(None, ignore_no_migrations=True).detect_conflicts()
    assert conflicts == {}, f"two migrations claim the same place: {conflicts}"
