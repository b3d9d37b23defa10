"""``Job`` moves to the platform app (``platform.0001``–``0002``): the score run's foreign key points
at ``platform.Job`` and credit forgets the model. State only: the table and its rows stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0001_initial"),
        ("platform", "0001_job_from_credit"),
        # the ladder run's key moves first: no state may point at credit.Job once it is gone
        ("cultivation", "0002_job_moves_to_platform"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="scorerun",
                    name="job",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="platform.job",
                    ),
                ),
                migrations.DeleteModel(name="Job"),
            ],
            database_operations=[],
        ),
    ]
