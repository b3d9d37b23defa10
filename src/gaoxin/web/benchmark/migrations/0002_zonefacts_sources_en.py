from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benchmark", "0001_zone_facts_and_peer_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="zonefacts",
            name="sources_en",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
