"""Reads for the calendar: the applications a user may see that hold or await a permit, their sessions, the
demand of their latest risk assessment's deployment, each district's available force, and the blackout windows;
the arithmetic is load.py and conflicts.py."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from events.models import EventSession
from riskassess.selectors import latest_assessments

from ..applications.selectors import applications_visible_to
from ..workflow.states import with_trait
from . import conflicts as conflict_math
from . import load as load_math
from .models import BlackoutWindow

NEARBY_M = 500  # two venues this close at one time share the same streets and the same officers


@dataclass
class DistrictDay:
    district: object
    load: load_math.DayLoad


@dataclass
class CalendarDay:
    day: date
    sessions: list = field(default_factory=list)  # load.Session, in time order
    districts: list = field(default_factory=list)  # DistrictDay with sessions that day

    @property
    def oversubscribed(self) -> bool:
        return any(d.load.oversubscribed for d in self.districts)


@dataclass
class Calendar:
    days: list
    conflicts: dict  # session key → [Conflict]
    applications: dict  # application id → Application


def _window(first: date, last: date):
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(first, time.min), tz),
            timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz))


def calendar_applications(user):
    """What the calendar shows: applications the user may see, handed in and not closed (they hold or await a
    permit)."""
    return applications_visible_to(user).filter(state__in=with_trait("in_progress"))


def _sessions(applications, start, end) -> list[load_math.Session]:
    applications = list(applications.filter(
        Q(event__sessions__start_at__lt=end, event__sessions__end_at__gt=start)
        | Q(event__start_at__lt=end, event__end_at__gt=start)).distinct()
        .select_related("event__venue", "district")
        .prefetch_related(Prefetch("event__sessions", queryset=EventSession.objects.order_by("start_at", "id"))))
    deployments = {app_id: a.deployment for app_id, a in latest_assessments([a.pk for a in applications]).items()}
    out = []
    from events.sessions import sessions_of
    for application in applications:
        deployment = deployments.get(application.pk)
        venue = application.event.venue
        for number, session in enumerate(sessions_of(application.event), 1):
            if not conflict_math.overlaps(session.start_at, session.end_at, start, end):
                continue
            out.append(load_math.Session(
                key=(application.pk, session.pk or 0, number), application=application,
                start=session.start_at, end=session.end_at, venue=venue.pk,
                latitude=venue.latitude, longitude=venue.longitude,
                police=load_math.police_required(deployment),
                security_staff=load_math.security_staff_required(deployment)))
    return out


def blackouts_for(districts, start, end) -> list[conflict_math.Blackout]:
    rows = BlackoutWindow.objects.filter(start_at__lt=end, end_at__gt=start).filter(
        Q(authority__isnull=True) | Q(authority__in=districts) | Q(authority__children__in=districts)).distinct()
    return [conflict_math.Blackout(row.name, row.start_at, row.end_at, row.refusal_ground) for row in rows]


def calendar_for(user, first: date, last: date, *, applications=None) -> Calendar:
    """The days first…last with their sessions, each district's demand against its force, and the conflicts."""
    start, end = _window(first, last)
    sessions = _sessions(applications if applications is not None else calendar_applications(user), start, end)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    districts = {}
    for session in sessions:
        districts.setdefault(session.application.district_id, (session.application.district, []))[1].append(session)
    calendar_days = {day: CalendarDay(day) for day in days}
    tz = timezone.get_current_timezone()
    for district, its_sessions in districts.values():
        loads = load_math.daily_load(its_sessions, days=days, tz=tz, available_police=district.available_police,
                                     available_security_staff=district.available_security_staff)
        for day, day_load in loads.items():
            if day_load.sessions:
                calendar_days[day].districts.append(DistrictDay(district, day_load))
                calendar_days[day].sessions.extend(day_load.sessions)
    for day in calendar_days.values():
        day.sessions.sort(key=lambda s: (s.start, str(s.key)))
    found = conflict_math.session_conflicts(
        sessions, nearby_m=NEARBY_M, blackouts=blackouts_for([d for d, _s in districts.values()], start, end))
    return Calendar(list(calendar_days.values()), conflict_math.conflicts_by_session(found),
                    {s.application.pk: s.application for s in sessions})


@dataclass
class ApplicationWarnings:
    oversubscribed_days: list
    conflicts: list


def application_warnings(application, user) -> ApplicationWarnings:
    """For the application page: the days of its sessions whose district demand exceeds the force, and its
    conflicts with other applications the user may see."""
    event = application.event
    first, last = timezone.localtime(event.start_at).date(), timezone.localtime(event.end_at).date()
    cal = calendar_for(user, first, last)
    over = [day.day for day in cal.days if any(
        d.load.oversubscribed and d.district.pk == application.district_id
        and any(s.application.pk == application.pk for s in d.load.sessions) for d in day.districts)]
    mine = []
    for key, conflicts in cal.conflicts.items():
        if key[0] == application.pk:
            mine.extend(c for c in conflicts if c not in mine)
    return ApplicationWarnings(over, mine)
