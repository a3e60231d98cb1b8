"""`manage.py load_demo` builds a usable portal: every role can sign in; applications exist in several states."""
from django.core.management import call_command

from accounts.models import User
from approvals.demo.core import DEMO_PASSWORD
from approvals.models import Application


def test_load_demo_creates_users_for_every_role_and_applications(db, capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    # The logins and the gate token come last, in a box, not buried under the demo's steps.
    lines = output.strip().splitlines()
    assert len(lines) < 30 and lines[-1].startswith("=====")
    box = lines[next(i for i, line in enumerate(lines) if line.startswith("=====")):]
    assert any("organizer" in line for line in box) and any("Gate device token" in line for line in box)
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert {"organizer", "reviewer", "supervisor", "culture_official", "security_company", "administrator"} <= roles
    assert User.objects.get(username="reviewer").check_password(DEMO_PASSWORD)
    states = set(Application.objects.values_list("state", flat=True))
    assert "draft" in states and len(states) >= 2
    assert Application.objects.count() >= 5


def test_load_demo_twice_changes_nothing(db):
    call_command("load_demo")
    count = Application.objects.count()
    call_command("load_demo")
    assert Application.objects.count() == count



def test_the_calendar_demo_weekend_has_one_day_over_the_force(db):
    """The calendar hook (approvals.calendar.demo): three events one weekend in 湖滨区, the Saturday oversubscribed."""
    from datetime import timedelta

    from django.utils import timezone

    from approvals.calendar.demo import EVENTS
    from approvals.calendar.services import calendar_for
    from events.models import Event

    call_command("load_demo")
    events = Event.objects.filter(name__in=[e[0] for e in EVENTS]).order_by("start_at")
    assert events.count() == 3
    first = timezone.localtime(events[0].start_at).date()
    days = {d.day: d for d in calendar_for(User.objects.get(username="admin"), first, first + timedelta(days=1)).days}
    assert days[first].oversubscribed and not days[first + timedelta(days=1)].oversubscribed
