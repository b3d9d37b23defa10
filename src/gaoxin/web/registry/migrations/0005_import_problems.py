# Placeholder filled in by its feature (kept in a fixed chain so parallel work never forks the graph).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_green_and_policy_fields"),
    ]

    operations: list = []
