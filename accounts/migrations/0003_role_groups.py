"""Create one Django group per role (organizer, reviewer, supervisor, culture official, security company, admin)."""
from django.db import migrations

ROLES = ["organizer", "reviewer", "supervisor", "culture_official", "security_company", "administrator"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
