import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("riskassess", "0003_levels_as_data"), ("approvals", "0002_initial")]
    operations = [
        migrations.CreateModel(
            name="StaleAssessment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("requested_at", models.DateTimeField(verbose_name="请求时间")),
                ("trigger", models.CharField(blank=True, max_length=30, verbose_name="触发原因")),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="失败次数")),
                ("failed_at", models.DateTimeField(blank=True, null=True, verbose_name="最近失败时间")),
                ("error", models.TextField(blank=True, verbose_name="错误")),
                ("application", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name="stale_assessment", to="approvals.application")),
            ],
            options={"verbose_name": "待重新评估", "verbose_name_plural": "待重新评估", "ordering": ["requested_at"]},
        ),
    ]
