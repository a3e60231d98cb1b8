"""Step 2: a fresh token and code for every permit and refusal issued before verification existed."""
from django.db import migrations

from approvals.verification.codes import new_verification_code, new_verification_token


def backfill(apps, schema_editor):
    taken_codes = set()
    for model_name in ('Permit', 'Refusal'):
        model = apps.get_model('approvals', model_name)
        taken_codes |= set(model.objects.exclude(verification_code=None).values_list('verification_code', flat=True))
    for model_name in ('Permit', 'Refusal'):
        model = apps.get_model('approvals', model_name)
        for row in model.objects.filter(verification_token=None).only('pk'):
            code = new_verification_code()
            while code in taken_codes:
                code = new_verification_code()
            taken_codes.add(code)
            model.objects.filter(pk=row.pk).update(verification_token=new_verification_token(),
                                                   verification_code=code)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0017_decision_verification_nullable'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
