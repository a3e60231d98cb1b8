"""The departments the police ask for opinions (并联审批), as data: edit them in the admin."""
from django.db import migrations

KINDS = [("fire", "消防救援", 10), ("traffic", "交警", 20), ("health", "卫健", 30), ("emergency", "应急管理", 40),
         ("market", "市场监管", 50)]


def forwards(apps, schema_editor):
    DepartmentKind = apps.get_model("events", "DepartmentKind")
    for code, name, ordering in KINDS:
        DepartmentKind.objects.get_or_create(code=code, defaults={"name": name, "ordering": ordering})


class Migration(migrations.Migration):
    dependencies = [("events", "0008_department_kinds")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
