"""The holiday calendar: 2026 from the State Council's notice, 2027's statutory holidays (provisional)."""
from django.db import migrations


def seed(apps, schema_editor):
    from approvals.clocks.seed import seed_calendar

    seed_calendar(apps.get_model("approvals", "CalendarDay"))


def unseed(apps, schema_editor):
    from approvals.clocks.seed import calendar_rows

    apps.get_model("approvals", "CalendarDay").objects.filter(date__in=[r["date"] for r in calendar_rows()]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("approvals", "0009_clocks_calendar_policy_extension"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
