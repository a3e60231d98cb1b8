import django.db.models.deletion
import events.validators
from django.db import migrations, models


def one_session_per_event(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    EventSession = apps.get_model("events", "EventSession")
    EventSession.objects.bulk_create(
        EventSession(event_id=e.pk, start_at=e.start_at, end_at=e.end_at, expected_attendance=e.expected_attendance)
        for e in Event.objects.all().only("pk", "start_at", "end_at", "expected_attendance").iterator()
        if e.end_at > e.start_at
    )


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0003_input_limits"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(blank=True, max_length=100, validators=[events.validators.validate_single_line], verbose_name="场次名称")),
                ("start_at", models.DateTimeField(verbose_name="开始时间")),
                ("end_at", models.DateTimeField(verbose_name="结束时间")),
                ("expected_attendance", models.PositiveIntegerField(verbose_name="预计人数")),
                ("event", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="sessions", to="events.event")),
            ],
            options={
                "verbose_name": "场次",
                "verbose_name_plural": "场次",
                "ordering": ["event", "start_at", "id"],
                "constraints": [models.CheckConstraint(condition=models.Q(("end_at__gt", models.F("start_at"))), name="event_session_ends_after_start")],
            },
        ),
        migrations.RunPython(one_session_per_event, migrations.RunPython.noop),
    ]
