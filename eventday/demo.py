"""Event-day demo data: zones, gates and a counter token for the demo evening concert (called by load_demo)."""
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.models import Application, ApplicationState
from events.models import Event

from . import services
from .models import Zone

# (kind, name, usable area m², safe density p/m²) — the layered defence: control → warning → core.
ZONES = [
    ("control", "控制区（入口广场）", 1500, Decimal("2.00")),
    ("warning", "警戒区（主草坪）", 4000, Decimal("2.00")),
    ("core", "核心区（舞台前区）", 1200, Decimal("2.00")),
]
# (code, name, zone index, from zone index or None for the perimeter)
GATES = [
    ("east", "东门安检口", 0, None),
    ("west", "西门安检口", 0, None),
    ("south", "南门安检口", 0, None),
    ("ticket-1", "1号验票口", 1, 0),
    ("ticket-2", "2号验票口", 1, 0),
    ("stage", "舞台前区入口", 2, 1),
]


def demo_event() -> Event | None:
    """The evening concert of the core demo, else the approved event nearest to now."""
    from approvals.demo.core import EVENING_CONCERT

    event = Event.objects.filter(name=EVENING_CONCERT).order_by("-start_at").first()
    if event is None:
        application = (Application.objects.filter(state__in=services.LIVE_STATES).select_related("event")
                       .order_by("event__start_at").first())
        event = application.event if application else None
    return event


@transaction.atomic
def setup_event(event: Event) -> str:
    """Zones and gates for one event (once: from its site plan when it has one, else the demo ground's typed
    ones) and a new device; returns the device's raw token."""
    services.zones_from_plan(event=event)
    if not Zone.objects.filter(event=event).exists():
        zones = [services.zone_create(event=event, kind=kind, name=name, usable_area_m2=area, safe_density=density,
                                      order=index) for index, (kind, name, area, density) in enumerate(ZONES)]
        for code, name, zone_index, from_index in GATES:
            services.gate_create(zone=zones[zone_index], code=code, name=name,
                                 from_zone=zones[from_index] if from_index is not None else None)
    # The demo counter replays every gate of the ground (a real one is bound to the gates it stands at).
    _device, token = services.device_register(event=event, name="演示闸机计数器", gates=event.gates.all())
    return token


def plan_events() -> list[Event]:
    """The demo events drawn on a site plan (the lakeside festival, the marathon): their event day is read off
    the drawing."""
    from approvals.demo.core import FESTIVAL, MARATHON

    return list(Event.objects.filter(name__in=[FESTIVAL, MARATHON], application__site_plan__isnull=False)
                .select_related("application").order_by("start_at"))


def load_demo(stdout) -> None:
    for planned in plan_events():
        zones, gates = services.zones_from_plan(event=planned)
        if zones:
            stdout.write(f"eventday: {len(zones)} zones and {len(gates)} gates of {planned.name} from its site plan")
    event = demo_event()
    if event is None:
        stdout.write("eventday: no demo event found; skipped.")
        return
    token = setup_event(event)
    application = getattr(event, "application", None)
    stdout.write(f"eventday: zones and gates for {event.name} "
                 f"({timezone.localtime(event.start_at):%Y-%m-%d %H:%M}), dashboard /eventday/events/{event.pk}/")
    # What the person starting the demo needs afterwards goes in the closing box (load_demo's `keep`).
    keep = getattr(stdout, "keep", stdout.write)
    keep(f"Gate device token (shown once): {token}")
    keep(f"Replay the event day: .venv/bin/python manage.py simulate_gates {event.pk} --token {token} --speed 120")
    if application is not None and application.state not in services.LIVE_STATES:
        stdout.write(f"eventday: note: the application is {application.state}; counts are accepted only once it "
                     f"is approved.")
