"""A trigram index on the enterprise's name, on PostgreSQL only (issue 15 item 2).

The enterprise list searches names with ``name__icontains``, which Django emits on PostgreSQL as
``UPPER("registry_enterprise"."name"::text) LIKE UPPER('%…%')``: the GIN index is on that expression
(``gin_trgm_ops`` of ``pg_trgm``, a trusted extension the database's owner may create on PostgreSQL
13+), so the planner can use it for a search of three or more characters. The index is not part of the
models' state (an expression index with an operator class exists on PostgreSQL only): on SQLite this
migration does nothing.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "registry_enterprise_name_upper_trgm"


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_import_checking"),
    ]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; a no-op on other databases
        migrations.RunPython(
            _on_postgresql(
                f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "registry_enterprise" '
                'USING gin ((UPPER("name"::text)) gin_trgm_ops)'
            ),
            _on_postgresql(f'DROP INDEX IF EXISTS "{INDEX}"'),
            elidable=False,
        ),
    ]
