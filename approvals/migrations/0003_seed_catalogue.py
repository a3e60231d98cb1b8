"""Seed the first catalogue version (9 documents, 11 sections, 5 parties)."""
from django.db import migrations

from approvals.catalogue.seed import seed_catalogue


def forwards(apps, schema_editor):
    if not apps.get_model("approvals", "CatalogueVersion").objects.exists():
        seed_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
