"""Step 3 of the move: the table becomes ``platform_job``; the worker's fields are added."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0001_job_from_credit"),
        ("credit", "0002_job_moves_to_platform"),
        ("cultivation", "0002_job_moves_to_platform"),
    ]

    operations = [
        migrations.AlterModelTable(name="job", table=None),
        migrations.AddField(
            model_name="job", name="started", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="job", name="task_id", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.AddField(
            model_name="job", name="worker", field=models.CharField(blank=True, max_length=100)
        ),
        migrations.AddField(
            model_name="job", name="attempts", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddIndex(
            model_name="job", index=models.Index(fields=["status"], name="platform_job_status")
        ),
    ]
