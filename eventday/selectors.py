"""Reads of the event day, already filtered for the user: events, live occupancy, incidents, statistics."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from accounts import roles
from approvals import access as approval_access
from approvals.models import ApplicationState
from approvals.workflow.states import with_trait
from approvals.applications.selectors import applications_visible_to
from events.models import AccountabilityRecord, Event, Organisation, TrainingDrill

from . import crowd
from .models import Alert, EventTally, Incident, IncidentKind, OccupancyPolicy, Zone, ZoneMinute

# States in which an event has (or had) a permit: what the event-day pages and statistics list.
PERMITTED_STATES = with_trait("event_day_listed")


def events_visible_to(user, *, perm: str = approval_access.VIEW) -> QuerySet:
    """Events whose application the user may see (police of the district and its city, the organizer, the
    security company named on the event: the same object permissions as every page, approvals.access), only
    with a permit (there is no event day before)."""
    if not user.is_authenticated or not user.is_active:
        return Event.objects.none()
    return Event.objects.filter(application__in=applications_visible_to(user, perm=perm),
                                application__state__in=PERMITTED_STATES)


def event_for_user(user, pk) -> Event:
    """One event the user may see (with its application and venue loaded), or 404."""
    try:
        return events_visible_to(user).select_related(
            "application", "venue", "venue__district", "organisation", "security_company").get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No event found.")


def user_may_operate(user, event: Event) -> bool:
    """Police of the event's district (or its city): acknowledge alerts, log incidents, suspend."""
    return user.has_perm(approval_access.REVIEW, event.application)


def event_list_queryset(user) -> QuerySet:
    """The event-day list: soonest live first, with what each row needs in the same query."""
    unacknowledged = Alert.objects.filter(zone__event=OuterRef("pk"), acknowledged=False)
    return (events_visible_to(user)
            .select_related("application", "venue", "tally")
            .annotate(open_alerts=Exists(unacknowledged))
            .order_by("-start_at", "pk"))


# ---------------------------------------------------------------------------------------------- live occupancy


@dataclass
class ZoneStatus:
    zone: Zone
    occupancy: int
    safe_capacity: int
    percent: float
    level: str

    @property
    def colour(self) -> str:
        return crowd.bootstrap_colour(self.level)

    @property
    def bar_percent(self) -> int:
        return min(int(self.percent), 100)

    @property
    def density(self) -> float:
        return self.occupancy / self.zone.usable_area_m2 if self.zone.usable_area_m2 else 0.0


@dataclass
class Occupancy:
    zones: list[ZoneStatus]
    occupancy: int
    safe_capacity: int
    percent: float
    level: str
    entries: int
    peak_occupancy: int
    approved_headcount: int

    @property
    def colour(self) -> str:
        return crowd.bootstrap_colour(self.level)

    @property
    def bar_percent(self) -> int:
        return min(int(self.percent), 100)


def event_occupancy(event: Event, *, policy: OccupancyPolicy | None = None) -> Occupancy:
    """Live occupancy per zone and for the event from the running totals: one query, whatever the readings."""
    lines = _lines(policy or OccupancyPolicy.current())
    statuses = []
    for zone in Zone.objects.filter(event=event).order_by("order", "pk"):
        capacity = zone.safe_capacity
        statuses.append(ZoneStatus(zone, zone.occupancy, capacity, crowd.percent_of(zone.occupancy, capacity),
                                   crowd.level_for(zone.occupancy, capacity, lines)))
    total = sum(s.occupancy for s in statuses)
    capacity = sum(s.safe_capacity for s in statuses)
    tally = EventTally.objects.filter(event=event).first() or EventTally(event=event)
    return Occupancy(statuses, total, capacity, crowd.percent_of(total, capacity),
                     crowd.level_for(total, capacity, lines), tally.entries, tally.peak_occupancy,
                     event.expected_attendance)


def _tally(event: Event) -> EventTally:
    try:
        return event.tally
    except EventTally.DoesNotExist:
        return EventTally(event=event)


def _lines(policy: OccupancyPolicy) -> crowd.Lines:
    return crowd.Lines(policy.warning_percent, policy.stop_admission_percent, policy.rearm_margin_percent)


def occupancy_last_hour(event: Event, occupancy: Occupancy, *, now: datetime | None = None,
                        minutes: int = 60) -> dict:
    """Chart data: labels (local HH:MM) and one series per zone, walked back from the totals (one query)."""
    now = now or timezone.now()
    since = crowd.minute_floor(now) - timedelta(minutes=minutes)
    net: dict[int, dict[datetime, int]] = {}
    for zone_id, minute, count_in, count_out in ZoneMinute.objects.filter(
            zone__event=event, minute__gt=since).values_list("zone_id", "minute", "count_in", "count_out"):
        net.setdefault(zone_id, {})[minute] = count_in - count_out
    labels, series = None, []
    for status in occupancy.zones:
        points = crowd.occupancy_series(status.zone.entries - status.zone.exits, net.get(status.zone.pk, {}),
                                        now=now, minutes=minutes)
        if labels is None:
            labels = [timezone.localtime(minute).strftime("%H:%M") for minute, _value in points]
        series.append({"zone": status.zone.name, "safe_capacity": status.safe_capacity,
                       "values": [value for _minute, value in points]})
    return {"labels": labels or [], "series": series}


def open_alerts(event: Event) -> QuerySet:
    return Alert.objects.filter(zone__event=event).select_related("zone", "acknowledged_by").order_by(
        "acknowledged", "-raised_at", "-id")


# ---------------------------------------------------------------------------------------------- incidents


def incidents_of(event: Event) -> QuerySet:
    return Incident.objects.filter(event=event).select_related("kind", "zone", "recorded_by")


def incident_kinds() -> QuerySet:
    return IncidentKind.objects.filter(is_active=True)


# ---------------------------------------------------------------------------------------------- companies


def companies_visible_to(user) -> QuerySet:
    """Police see the whole registry (a record follows a company across districts); a company sees itself."""
    companies = Organisation.objects.filter(kind=Organisation.Kind.SECURITY_COMPANY)
    if not user.is_authenticated or not user.is_active:
        return companies.none()
    if user.is_police or user.is_superuser:
        return companies
    if user.has_role(roles.SECURITY_COMPANY) and user.organisation_id:
        return companies.filter(pk=user.organisation_id)
    return companies.none()


def company_list_queryset(user) -> QuerySet:
    return companies_visible_to(user).annotate(
        event_count=Count("secured_events", distinct=True),
        drill_count=Count("training_drills", distinct=True),
        accountability_count=Count("accountability_records", distinct=True),
    ).order_by("name")


def company_for_user(user, pk) -> Organisation:
    try:
        return companies_visible_to(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("No company found.")


def visible_event_name(user):
    """`event_name` of a company record: the event's name if the user may see the event, else null. The records
    follow a company across districts (all police read them), the events they name do not."""
    visible = events_visible_to(user).filter(pk=OuterRef("event_id"))
    return Case(When(Exists(visible), then=F("event__name")), default=Value(None), output_field=CharField())


def company_drills(company, user) -> QuerySet:
    return company.training_drills.select_related("recorded_by").annotate(
        event_name=visible_event_name(user)).order_by("-held_on", "-id")


def company_accountability(company, user) -> QuerySet:
    return company.accountability_records.select_related("recorded_by").annotate(
        event_name=visible_event_name(user)).order_by("-decided_on", "-id")


def drills_visible_to(user) -> QuerySet:
    return TrainingDrill.objects.filter(company__in=companies_visible_to(user)).select_related("company").annotate(
        event_name=visible_event_name(user)).order_by("-held_on", "-id")


def accountability_visible_to(user) -> QuerySet:
    return AccountabilityRecord.objects.filter(company__in=companies_visible_to(user)).select_related(
        "company").annotate(event_name=visible_event_name(user)).order_by("-decided_on", "-id")


# ---------------------------------------------------------------------------------------------- statistics


@dataclass
class PeriodStatistics:
    start: datetime
    end: datetime
    events: list
    events_held: int
    total_entries: int
    peak_occupancy: int
    incidents_by_kind: list  # (kind name, count)
    incidents_total: int
    drills: int
    guards_trained: int
    companies_held_accountable: int
    accountability_records: int
    by_month: list  # (YYYY-MM, events)


def statistics_for(user, *, year: int, bureau=None, venue=None) -> PeriodStatistics:
    """Events held in the year (with a permit) that the user may see, optionally of one bureau or venue."""
    tz = timezone.get_current_timezone()
    start = datetime(year, 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz)
    events = events_visible_to(user).filter(start_at__gte=start, start_at__lt=end)
    if bureau is not None:
        events = events.filter(Q(venue__district=bureau) | Q(venue__district__parent=bureau))
    if venue is not None:
        events = events.filter(venue=venue)
    rows = list(events.select_related("venue", "application", "tally", "security_company").order_by("start_at"))
    event_ids = [e.pk for e in rows]
    company_ids = {e.security_company_id for e in rows if e.security_company_id}

    counts = dict(Incident.objects.filter(event_id__in=event_ids).values("kind").annotate(n=Count("pk"))
                  .values_list("kind", "n"))
    incidents_by_kind = [(kind.name, counts.get(kind.pk, 0)) for kind in IncidentKind.objects.all()]

    # Company records count when tied to one of these events, or (untied) dated in the year for a company
    # that secured one of them.
    in_scope = Q(event_id__in=event_ids) | Q(event__isnull=True, company_id__in=company_ids)
    drills = TrainingDrill.objects.filter(in_scope, held_on__year=year).aggregate(
        n=Count("pk"), guards=Sum("guards_trained"))
    records = AccountabilityRecord.objects.filter(in_scope, decided_on__year=year).aggregate(
        n=Count("pk"), companies=Count("company", distinct=True))

    months: dict[str, int] = {f"{year}-{m:02d}": 0 for m in range(1, 13)}
    for event in rows:
        months[timezone.localtime(event.start_at).strftime("%Y-%m")] += 1
    tallies = [_tally(e) for e in rows]
    return PeriodStatistics(
        start=start, end=end, events=list(zip(rows, tallies)), events_held=len(rows),
        total_entries=sum(t.entries for t in tallies), peak_occupancy=max((t.peak_occupancy for t in tallies), default=0),
        incidents_by_kind=incidents_by_kind, incidents_total=sum(counts.values()),
        drills=drills["n"] or 0, guards_trained=drills["guards"] or 0,
        companies_held_accountable=records["companies"] or 0, accountability_records=records["n"] or 0,
        by_month=list(months.items()),
    )
