# A bank can be disabled (issue 16, item 1): its officers cannot sign in, their API tokens stop working.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_supervisors"),
    ]

    operations = [
        migrations.AddField(
            model_name="bank",
            name="active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
    ]
