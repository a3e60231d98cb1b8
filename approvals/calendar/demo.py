"""Demo for the calendar: a weekend in 湖滨区 with three events, the Saturday over the district's police force.

A load_demo hook (approvals.management.commands.load_demo, DEMO_HOOKS); idempotent: it does nothing once its
first event exists."""
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from events.models import Authority, Event, Venue

from ..applications import services
from ..demo import core as demo
from . import load

DISTRICT = "湖滨区公安分局"
EVENTS = (  # name, venue, day offset from the Saturday, start hour, hours
    ("湖滨周末草坪音乐会", "湖滨音乐节草坪", 0, 14, 5),
    ("湖滨周末露天电影", "湖滨音乐节草坪", 0, 19, 3),
    ("湖滨周末亲子嘉年华", "湖滨音乐节草坪", 1, 10, 6),
)


def load_demo(stdout) -> None:
    if Event.objects.filter(name=EVENTS[0][0]).exists():
        return
    from ..risk.bridge import assess_applications

    organizer = User.objects.get(username="organizer")
    district = Authority.objects.get(name=DISTRICT)
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 21)  # a Saturday three weeks ahead
    created = []
    for name, venue_name, day, hour, hours in EVENTS:
        venue = Venue.objects.get(name=venue_name)
        start = saturday.replace(hour=hour) + timedelta(days=day)
        application = services.application_create(user=organizer, facts={
            "name": name, "kind": "music_festival", "venue": venue, "start_at": start,
            "end_at": start + timedelta(hours=hours), "expected_attendance": 3000, "rated_capacity": 5000,
            "ticketed": False, "temporary_structures": 1, "has_performances": False, "alcohol_served": False,
            "description": "周末活动（活动日历演示）"})
        demo._fill(application, organizer, staff=120, upload_deferrable=True)
        created.append(services.application_submit(application=application, user=organizer))
        stdout.write(f"  活动日历：{name} {start:%Y-%m-%d %H:%M}")
    assessments = assess_applications(created, trigger="demo")
    # The district's force: one short of the Saturday (two events), enough for the Sunday (one).
    need = [load.police_required(a.deployment) for a in assessments]
    Authority.objects.filter(pk=district.pk).update(available_police=max(1, need[0] + need[1] - 1, need[2]))
    stdout.keep(f"Calendar: {DISTRICT} weekend of {saturday:%Y-%m-%d} (/calendar/?week={saturday:%Y-%m-%d})")
