# A zone can be disabled (issue 16, item 1): its staff cannot sign in and nothing new is written to it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_departments"),
    ]

    operations: list = [
        migrations.AddField(
            model_name="zone",
            name="active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
    ]
