"""A score run may carry the uncertainty analysis (composite-model.md): its options and leave-one-out
on ``ScoreRun``, each firm's rank interval, total interval and list share on ``Score`` (empty otherwise)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0002_job_moves_to_platform"),
    ]

    operations = [
        migrations.AddField(
            model_name="score",
            name="list_share",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="score",
            name="rank_median",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="score",
            name="rank_p05",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="score",
            name="rank_p95",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="score",
            name="total_p05",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="score",
            name="total_p95",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="scorerun",
            name="sensitivity",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="scorerun",
            name="uncertainty",
            field=models.BooleanField(default=False, verbose_name="uncertainty analysis"),
        ),
        migrations.AddField(
            model_name="scorerun",
            name="uncertainty_noise",
            field=models.FloatField(default=0.0),
        ),
        migrations.AddField(
            model_name="scorerun",
            name="uncertainty_samples",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="scorerun",
            name="uncertainty_seed",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
