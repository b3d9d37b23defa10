"""``Job`` moves to the platform app: the ladder run's foreign key points at ``platform.Job``.
State only: the column and its values stay (``platform.0002`` renames the table it refers to)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cultivation", "0001_ladder_runs_entries_settings"),
        ("platform", "0001_job_from_credit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ladderrun",
                    name="job",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="platform.job",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
