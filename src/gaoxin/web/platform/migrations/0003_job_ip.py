"""A job remembers the client IP of the request that enqueued it (its work's audit entries carry it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("platform", "0002_job_table_and_worker_fields")]

    operations = [
        migrations.AddField(
            model_name="job", name="ip", field=models.GenericIPAddressField(blank=True, null=True)
        ),
    ]
