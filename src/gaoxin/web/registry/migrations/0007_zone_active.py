# Placeholder filled in by its feature (kept in a fixed chain so parallel work never forks the graph).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_departments"),
    ]

    operations: list = []
