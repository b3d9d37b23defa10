# An import's problems as rows (issue 18.6): ``ImportProblem`` (batch, order, where, value, reason)
# instead of the batch's JSON list, which is no longer written. The problems already stored as JSON are
# copied into the table (at most PROBLEMS_KEPT per batch, as new imports keep); the JSON stays where it
# is, so going back (which drops the table) loses nothing. And a correction's evidence file (issue
# 17.10). Hand-written; kept in the fixed chain.

import django.db.models.deletion
from django.db import migrations, models

import gaoxin.web.registry.models

PROBLEMS_KEPT = 10_000  # services.imports.PROBLEMS_KEPT when this was written
CHUNK = 2_000


def copy_problems(apps, schema_editor):
    ImportBatch = apps.get_model("registry", "ImportBatch")
    ImportProblem = apps.get_model("registry", "ImportProblem")
    rows = []
    for pk, problems in ImportBatch.objects.order_by("pk").values_list("pk", "problems").iterator(500):
        if not isinstance(problems, list):
            continue
        for seq, p in enumerate(problems[:PROBLEMS_KEPT]):
            if not isinstance(p, dict):
                continue
            rows.append(
                ImportProblem(
                    batch_id=pk,
                    seq=seq,
                    severity=p.get("severity") or "error",
                    file=p.get("file") or "",
                    sheet=p.get("sheet"),
                    row=p.get("row"),
                    column=p.get("column"),
                    value=p.get("value"),
                    reason=p.get("reason") or "",
                    reason_en=p.get("reason_en") or "",
                )
            )
            if len(rows) >= CHUNK:
                ImportProblem.objects.bulk_create(rows)
                rows = []
    ImportProblem.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_green_and_policy_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportProblem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveIntegerField()),
                ("severity", models.CharField(default="error", max_length=10)),
                ("file", models.TextField(blank=True)),
                ("sheet", models.TextField(blank=True, null=True)),
                ("row", models.PositiveIntegerField(blank=True, null=True)),
                ("column", models.TextField(blank=True, null=True)),
                ("value", models.TextField(blank=True, null=True)),
                ("reason", models.TextField()),
                ("reason_en", models.TextField(blank=True)),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="problem_rows",
                        to="registry.importbatch",
                    ),
                ),
            ],
            options={
                "verbose_name": "import problem",
                "ordering": ["batch", "seq"],
                "indexes": [
                    models.Index(fields=["batch", "severity", "seq"], name="registry_im_batch_i_2cf5b1_idx")
                ],
            },
        ),
        migrations.RunPython(copy_problems, migrations.RunPython.noop, elidable=True),
        # A correction's optional evidence file (issue 17.10).
        migrations.AddField(
            model_name="correction",
            name="evidence",
            field=models.FileField(
                blank=True,
                max_length=300,
                upload_to=gaoxin.web.registry.models.evidence_path,
                verbose_name="evidence file",
            ),
        ),
    ]
