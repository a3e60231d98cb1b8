"""Event-day demo data: zones, gates and a counter token for the demo evening concert; the after-action review
(复盘) of the demo's completed event (called by load_demo)."""
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals import access as approval_access
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


# The completed event's day, as imported history: (kind code, people, severity, place, what, outcome).
HISTORY_INCIDENTS = [
    ("dispute_mediated", 2, "minor", "北门排队区", "排队插队引发口角", "民警现场调解，双方和解"),
    ("dispute_mediated", 3, "minor", "灯组展区", "拍照位置争执", "劝导分流，双方和解"),
    ("dispute_mediated", 2, "major", "美食街", "摊位消费纠纷", "会同市场监管调解，商户退款"),
    ("help_request", 1, "minor", "南门服务台", "儿童与家长走散", "广播寻人，10分钟内找回"),
    ("help_request", 1, "minor", "主灯区", "老人身体不适", "医疗点处置后由家属接回"),
    ("help_request", 1, "minor", "东门", "遗失手机", "监控查找后归还"),
    ("help_request", 2, "minor", "停车场", "车辆被堵", "联系车主挪车"),
    ("help_request", 1, "minor", "北门", "游客问路求助", "指引至接驳车站"),
    ("fence_climbing", 1, "major", "西侧围栏", "游客翻越围栏逃票进场", "带离并批评教育，保安加强西侧巡查"),
]


def _history_reviewer(application):
    from accounts.models import User

    for username in ("reviewer2", "reviewer", "supervisor"):
        user = User.objects.filter(username=username).first()
        if user is not None and application.user_may(user, approval_access.REVIEW):
            return user
    return None


@transaction.atomic
def load_review_demo(stdout) -> None:
    """The demo's completed event gets its day (imported: a zone, the counts, one alert, the incident log) and
    the bureau's after-action review; its organizer is rated 良好, so the record the risk model reads stays
    clean (the lantern fair's 先批后审 relies on it)."""
    from events.models import AfterActionReview

    from .models import Alert, EventTally, IncidentKind, SessionTally

    application = (Application.objects.filter(state=ApplicationState.COMPLETED).select_related("event")
                   .order_by("event__start_at").first())
    if application is None or AfterActionReview.objects.filter(event=application.event).exists():
        return
    event = application.event
    reviewer = _history_reviewer(application)
    if reviewer is None:
        stdout.write("eventday: no reviewer of the completed demo event; its review skipped.")
        return
    zone = Zone.objects.filter(event=event).first() or services.zone_create(
        event=event, kind="core", name="主灯区", usable_area_m2=1200, safe_density=Decimal("2.00"))
    peak_at = event.start_at + timedelta(hours=2)
    entries, peak = 2180, 1960
    EventTally.objects.update_or_create(event=event, defaults={
        "entries": entries, "exits": entries, "peak_occupancy": peak, "peak_at": peak_at})
    session = event.sessions.order_by("start_at").first()
    if session is not None:
        SessionTally.objects.update_or_create(session=session, defaults={
            "entries": entries, "exits": entries, "peak_occupancy": peak, "peak_at": peak_at})
    raised = peak_at - timedelta(minutes=5)
    Alert.objects.create(zone=zone, level=Alert.Level.WARNING, raised_at=raised, occupancy=1940,
                         safe_capacity=zone.safe_capacity, acknowledged=True, acknowledged_by=reviewer,
                         acknowledged_at=raised + timedelta(seconds=95))  # answered in 95 s
    kinds = {k.code: k for k in IncidentKind.objects.all()}
    for index, (code, people, severity, place, what, outcome) in enumerate(HISTORY_INCIDENTS):
        services.incident_record(event=event, user=reviewer, kind=kinds[code], people_involved=people,
                                 occurred_at=event.start_at + timedelta(minutes=20 + 17 * index), place=place,
                                 description=what, outcome=outcome, severity=severity, status="resolved",
                                 zone=zone)
    record = services.after_action_review_record(
        event=event, user=reviewer, organizer_rating=AfterActionReview.OrganizerRating.GOOD,
        findings="峰值在场1960人，低于核准人数；纠纷3起均现场调解，群众求助5起均及时处置；西侧围栏翻越1起，"
                 "保安已加强巡查。承办单位组织有序，安保措施落实到位。")
    # The review re-assesses the organizer's and the company's open applications through the outbox; the demo
    # runs that now, so no level is left marked stale when the demo starts without a worker.
    from approvals.risk.bridge import reassess_pending
    from riskassess.models import StaleAssessment

    for application_id in StaleAssessment.objects.filter(trigger="review").values_list("application_id", flat=True):
        reassess_pending(application_id)
    stdout.write(f"eventday: after-action review of {event.name}: /eventday/events/{event.pk}/review/ "
                 f"(review {record.pk})")


def plan_events() -> list[Event]:
    """The demo events drawn on a site plan (the lakeside festival, the marathon): their event day is read off
    the drawing."""
    from approvals.demo.core import FESTIVAL, MARATHON

    return list(Event.objects.filter(name__in=[FESTIVAL, MARATHON], application__site_plan__isnull=False)
                .select_related("application").order_by("start_at"))


def load_demo(stdout) -> None:
    load_review_demo(stdout)
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
