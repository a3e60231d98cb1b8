"""The department official's role (消防救援, 交警, ... answering the police's opinion requests)."""
from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="department_official")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_role_groups")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
