"""The public verification references of permits and refusals, step 1: the columns, empty for existing rows
(filled in 0018, made unique and required in 0019 — in separate migrations so PostgreSQL never alters a table
with rows updated in the same transaction)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0016_next_deadline'),
    ]

    operations = [
        *[migrations.AddField(model_name=model, name=name, field=models.CharField(
            verbose_name=label, max_length=length, null=True, editable=False))
          for model in ('permit', 'refusal')
          for name, label, length in (('verification_token', '核验令牌', 64), ('verification_code', '核验码', 8))],
    ]
