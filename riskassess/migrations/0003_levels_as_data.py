"""Levels carry their rules as data: which levels a supervisor must sign, which may be approved first and
reviewed after (先批后审). Seeded as the code said until now: 二级 and above need a signature, only the lowest
level (四级) is open to 先批后审."""
from django.db import migrations, models

SIGN_OFF_FROM_LEVEL = "二级"  # the rule this migration turns into data


def seed_rules(apps, schema_editor):
    RiskLevel = apps.get_model("riskassess", "RiskLevel")
    RiskModelVersion = apps.get_model("riskassess", "RiskModelVersion")
    for version in RiskModelVersion.objects.all():
        levels = list(RiskLevel.objects.filter(version=version).order_by("-min_total", "id"))
        if not levels:
            continue
        codes = [level.code for level in levels]
        threshold = codes.index(SIGN_OFF_FROM_LEVEL) if SIGN_OFF_FROM_LEVEL in codes else len(codes)
        for rank, level in enumerate(levels):
            level.requires_sign_off = rank <= threshold
            level.allows_provisional = rank == len(levels) - 1
            level.save(update_fields=["requires_sign_off", "allows_provisional"])


class Migration(migrations.Migration):
    dependencies = [("riskassess", "0002_seed_model")]
    operations = [
        migrations.AddField(
            model_name="risklevel", name="requires_sign_off",
            field=models.BooleanField(default=False, help_text="此等级（按计算与生效等级中较高者）的许可决定须由分局领导作出。",
                                      verbose_name="须分局领导签批")),
        migrations.AddField(
            model_name="risklevel", name="allows_provisional",
            field=models.BooleanField(default=False, help_text="此等级（生效等级）的活动可申请先批后审。",
                                      verbose_name="可先批后审")),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
    ]
