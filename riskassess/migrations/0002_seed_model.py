"""Seed the first risk model version (factors, weights, levels, crowd figures) from riskassess/defaults.py."""
from dataclasses import asdict

from django.db import migrations


def seed(apps, schema_editor):
    from riskassess import defaults

    RiskModelVersion = apps.get_model("riskassess", "RiskModelVersion")
    RiskDimension = apps.get_model("riskassess", "RiskDimension")
    RiskFactor = apps.get_model("riskassess", "RiskFactor")
    RiskLevel = apps.get_model("riskassess", "RiskLevel")
    if RiskModelVersion.objects.exists():
        return
    # Only the crowd figures this migration's model has (later migrations add more, with their defaults).
    fields = {f.name for f in RiskModelVersion._meta.get_fields()}
    version = RiskModelVersion.objects.create(
        number=1, label="初始版本 / initial version", is_current=True, kind_severity=dict(defaults.KIND_SEVERITY),
        **{name: value for name, value in asdict(defaults.CROWD).items() if name in fields})
    dimensions = {}
    for order, (code, zh, en, weight) in enumerate(defaults.DIMENSIONS, start=1):
        dimensions[code] = RiskDimension.objects.create(version=version, code=code, order=order, name_zh=zh,
                                                        name_en=en, weight=weight)
    RiskFactor.objects.bulk_create([
        RiskFactor(version=version, dimension=dimensions[dimension], code=code, order=order, name_zh=zh, name_en=en,
                   weight=weight)
        for order, (code, dimension, zh, en, weight) in enumerate(defaults.FACTORS, start=1)
    ])
    RiskLevel.objects.bulk_create([
        RiskLevel(version=version, code=code, name_zh=zh, name_en=en, min_total=minimum, attendees_per_guard=ratio,
                  egress_band=band)
        for code, zh, en, minimum, ratio, band in defaults.LEVELS
    ])


class Migration(migrations.Migration):
    dependencies = [("riskassess", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
