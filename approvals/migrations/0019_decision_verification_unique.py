"""Step 3: every permit and refusal has its token and code: required, unique (and so indexed)."""
from django.db import migrations, models

import approvals.verification.codes


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0018_decision_verification_backfill'),
    ]

    operations = [
        *[operation
          for model in ('permit', 'refusal')
          for operation in (
              migrations.AlterField(model_name=model, name='verification_token', field=models.CharField(
                  default=approvals.verification.codes.new_verification_token, editable=False, max_length=64,
                  unique=True, verbose_name='核验令牌')),
              migrations.AlterField(model_name=model, name='verification_code', field=models.CharField(
                  default=approvals.verification.codes.new_verification_code, editable=False, max_length=8,
                  unique=True, verbose_name='核验码')))],
    ]
