"""Issue 10: the computed level beside the effective one (sign-off follows the more severe), and the authority
that suspended a permit (only it or one above it may resume). Existing rows: the computed level from the newest
assessment; an effective level a non-supervisor's override set below it goes back to the computed level; a
suspension's authority is its officer's bureau."""

import django.db.models.deletion
from django.db import migrations, models


SUPERVISOR = "supervisor"  # accounts.roles.SUPERVISOR, as it was when this migration was written


def backfill(apps, schema_editor):
    Application = apps.get_model("approvals", "Application")
    Assessment = apps.get_model("riskassess", "Assessment")
    RiskLevel = apps.get_model("riskassess", "RiskLevel")
    Suspension = apps.get_model("approvals", "Suspension")
    thresholds = {(lv.version_id, lv.code): lv.min_total for lv in RiskLevel.objects.all()}
    newest = {}
    for assessment in Assessment.objects.select_related("override__actor").order_by("application_id", "created_at",
                                                                                    "id"):
        newest[assessment.application_id] = assessment
    for application in Application.objects.filter(pk__in=list(newest)):
        assessment = newest[application.pk]
        application.computed_security_level = assessment.computed_level
        override = assessment.override
        lowered = (thresholds.get((assessment.model_version_id, assessment.level), 0)
                   < thresholds.get((assessment.model_version_id, assessment.computed_level), 0))
        if lowered and override is not None and not override.actor.groups.filter(name=SUPERVISOR).exists():
            application.security_level = assessment.computed_level
        application.save(update_fields=["computed_security_level", "security_level"])
    for suspension in Suspension.objects.filter(suspended_by__isnull=False).select_related("suspended_by"):
        suspension.suspending_authority_id = suspension.suspended_by.authority_id
        suspension.save(update_fields=["suspending_authority"])


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0004_review_workflow'),
        ('events', '0002_security_company_records'),
        ('riskassess', '0002_seed_model'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='computed_security_level',
            field=models.CharField(blank=True, max_length=10, verbose_name='模型计算等级'),
        ),
        migrations.AddField(
            model_name='suspension',
            name='suspending_authority',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='events.authority', verbose_name='作出熔断的机关'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
