"""Reads of the event day, already filtered for the user: events, live occupancy, incidents, statistics."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Case, CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value, When, prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from approvals import access as approval_access
from approvals.models import Application, ApplicationState, Permit, Suspension
from approvals.workflow.states import state_has, with_trait
from approvals.applications.selectors import applications_visible_to
from events import sessions as event_sessions
from events.models import AccountabilityRecord, Event, EventSession, Organisation, TrainingDrill
from events.sessions import session_at, sessions_of

from . import crowd
from .models import (
    Alert, EventTally, Gate, GateReading, HeadcountAlert, HeadcountThreshold, Incident, IncidentKind, OccupancyPolicy,
    SessionTally, Zone, ZoneMinute,
)

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
    return event.application.user_may(user, approval_access.REVIEW)


def event_list_queryset(user) -> QuerySet:
    """The event-day list: soonest live first, with what each row needs in the same query."""
    unacknowledged = Alert.objects.filter(zone__event=OuterRef("pk"), acknowledged=False)
    return (events_visible_to(user)
            .select_related("application", "venue", "tally")
            .annotate(open_alerts=Exists(unacknowledged))
            .order_by("-start_at", "pk"))


def event_list_with_sessions(user, *, now: datetime | None = None, limit: int = 200) -> list:
    """The event-day list page: each event with its sessions as rows (a fixed number of queries)."""
    now = now or timezone.now()
    events = list(event_list_queryset(user).select_related("application__permit")
                  .prefetch_related(sessions_prefetch())[:limit])
    for event in events:
        event.session_rows = session_rows(event, now=now, permit=_loaded_permit(event))
        event.review_open = review_available(event)
    return events


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
    # The headline: the people on site against the approved headcount of the live session (Art. 18).
    headcount: "Headcount | None" = None

    @property
    def colour(self) -> str:
        return crowd.bootstrap_colour(self.level)

    @property
    def bar_percent(self) -> int:
        return min(int(self.percent), 100)


def event_occupancy(event: Event, *, policy: OccupancyPolicy | None = None, now: datetime | None = None
                    ) -> Occupancy:
    """Live occupancy per zone and for the event from the running totals (a fixed number of queries, whatever
    the readings), with the headline against the approved headcount of the live session."""
    lines = _lines(policy or OccupancyPolicy.current())
    statuses = []
    for zone in Zone.objects.filter(event=event).order_by("order", "pk"):
        capacity = zone.safe_capacity
        statuses.append(ZoneStatus(zone, zone.occupancy, capacity, crowd.percent_of(zone.occupancy, capacity),
                                   crowd.level_for(zone.occupancy, capacity, lines)))
    total = sum(s.occupancy for s in statuses)
    capacity = sum(s.safe_capacity for s in statuses)
    tally = EventTally.objects.filter(event=event).first() or EventTally(event=event)
    headcount = event_headcount(event, tally=tally, now=now)
    return Occupancy(statuses, total, capacity, crowd.percent_of(total, capacity),
                     crowd.level_for(total, capacity, lines), tally.entries, tally.peak_occupancy,
                     headcount.approved, headcount)


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


# ---------------------------------------------------------------------------------------------- against the permit


def approved_headcount(session, permit=None) -> int:
    """Order 505 Art. 18: ticket checks stop at the approved number. A session's approved headcount is its
    expected attendance capped by the permit's approved attendance (the permit is the ceiling; a session may plan
    fewer). Without a permit, the session's own figure."""
    # The rule itself is the sessions' (events.sessions): one owner for "approved headcount of a session".
    return event_sessions.session_approved_attendance(session, getattr(permit, "approved_attendance", None))


def permit_of(event: Event):
    """The event's permit (许可决定书), or None."""
    return Permit.objects.filter(application__event_id=event.pk).only(
        "approved_attendance", "number", "revoked_at").first()


def _with_session_figures(event: Event) -> list:
    """The event's sessions with their tallies and tickets loaded (one query, fresh: the event instance may
    carry sessions read before their tallies existed)."""
    getattr(event, "_prefetched_objects_cache", {}).pop("sessions", None)
    prefetch_related_objects([event], Prefetch(
        "sessions", queryset=EventSession.objects.select_related("eventday_tally", "eventday_tickets")))
    return sessions_of(event)


def session_label(session, sessions: list) -> str:
    """What a session is called on the day: its name, else its number (“第2场”); one session is the event."""
    if session.name:
        return session.name
    if len(sessions) == 1:
        return _("全场")
    number = next((i for i, s in enumerate(sessions, start=1) if s is session or (s.pk and s.pk == session.pk)), 1)
    return _("第%(n)s场") % {"n": number}


def _session_tally(session) -> SessionTally | None:
    return getattr(session, "eventday_tally", None) if session.pk else None


def session_tickets(session) -> int | None:
    tickets = getattr(session, "eventday_tickets", None) if session.pk else None
    return tickets.tickets_issued if tickets is not None else None


def session_entries(session, sessions: list, event_tally: EventTally | None) -> tuple[int, int]:
    """(entries, peak occupancy) of one session: its own tally; an event of one session not yet attributed
    (no batch evaluated since) reads the event's running totals."""
    tally = _session_tally(session)
    if tally is not None:
        return tally.entries, tally.peak_occupancy
    if len(sessions) == 1 and event_tally is not None:
        return event_tally.entries, event_tally.peak_occupancy
    return 0, 0


def headcount_lines() -> list[HeadcountThreshold]:
    return HeadcountThreshold.active_lines()


@dataclass
class Headcount:
    """The event-day headline: people on site against the approved headcount of the live session, and the
    session's cumulative entries against the tickets issued (None: not reported)."""

    session: EventSession
    label: str
    session_count: int
    approved: int
    planned: int
    permitted: int | None
    occupancy: int
    entries: int
    tickets_issued: int | None
    lines: list[int]
    alerts: list

    @property
    def percent(self) -> float:
        return crowd.percent_of(self.occupancy, self.approved)

    @property
    def bar_percent(self) -> int:
        return min(int(self.percent), 100)

    @property
    def colour(self) -> str:
        return crowd.headcount_colour(self.occupancy, self.approved, self.lines)

    @property
    def over(self) -> int:
        return max(self.occupancy - self.approved, 0)

    @property
    def entries_percent(self) -> float | None:
        return crowd.percent_of(self.entries, self.tickets_issued) if self.tickets_issued else None

    @property
    def open_alerts(self) -> list:
        return [a for a in self.alerts if a.is_open]


def event_headcount(event: Event, *, tally: EventTally | None = None, now: datetime | None = None) -> Headcount:
    """The headline of the dashboard (and the occupancy API) in a fixed number of queries."""
    now = now or timezone.now()
    sessions = _with_session_figures(event)
    session = session_at(event, now)
    if tally is None:
        tally = EventTally.objects.filter(event=event).first()
    permit = permit_of(event)
    entries, _peak = session_entries(session, sessions, tally)
    alerts = list(HeadcountAlert.objects.filter(session=session)[:10]) if session.pk else []
    return Headcount(
        session=session, label=session_label(session, sessions), session_count=len(sessions),
        approved=approved_headcount(session, permit), planned=session.expected_attendance,
        permitted=permit.approved_attendance if permit else None,
        occupancy=tally.occupancy if tally is not None else 0, entries=entries,
        tickets_issued=session_tickets(session), lines=[line.percent for line in headcount_lines()],
        alerts=alerts)


def session_of_event(event: Event, session_pk) -> EventSession | None:
    """A stored session of the event by id (None for no id), or 404."""
    if session_pk in (None, ""):
        return None
    try:
        return EventSession.objects.get(event=event, pk=session_pk)
    except (EventSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No session found.")


def gates_to_close(event: Event, *, now: datetime, seconds: int = 60) -> list[dict]:
    """The entrance (perimeter) gates with inflow in the last minute: where the people still arrive come in."""
    recent = GateReading.objects.filter(gate__event=event, gate__from_zone__isnull=True, count_in__gt=0,
                                        measured_at__gt=now - timedelta(seconds=seconds)).values("gate_id")
    return [{"code": code, "name": name} for code, name in
            Gate.objects.filter(pk__in=recent).order_by("code").values_list("code", "name")]


def command_post_users(event: Event) -> list:
    """The event's command post on the day: the organizer's staff and the guards of the security company named
    on the event (active users of those organisations in those roles)."""
    people = Q(organisation_id=event.organisation_id, groups__name=roles.ORGANIZER)
    if event.security_company_id:
        people |= Q(organisation_id=event.security_company_id, groups__name=roles.SECURITY_COMPANY)
    return list(get_user_model().objects.filter(people, is_active=True).distinct().order_by("pk"))


def bureau_police(application) -> list:
    """The reviewers and supervisors of the bureau that holds the application, and the officer in charge."""
    people = Q(authority_id=application.district_id, groups__name__in=roles.POLICE_ROLES)
    if application.assigned_reviewer_id:
        people |= Q(pk=application.assigned_reviewer_id)
    return list(get_user_model().objects.filter(people, is_active=True).distinct().order_by("pk"))


def may_report_tickets(user, event: Event) -> bool:
    """Tickets issued are reported by the organizer's staff or the event's security company (and police)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_police or user.is_superuser:
        return event.application.user_may(user, approval_access.REVIEW)
    return bool(user.organisation_id) and (
        (user.organisation_id == event.organisation_id and user.has_role(roles.ORGANIZER))
        or (user.organisation_id == event.security_company_id and user.has_role(roles.SECURITY_COMPANY)))


@dataclass
class SessionRow:
    """One session (场次) of an event in the lists and statistics."""

    event: Event
    session: EventSession
    label: str
    approved: int
    entries: int
    peak_occupancy: int
    tickets_issued: int | None
    held: bool


def permit_stood(state: str) -> bool:
    """Whether an event in this state took place under a permit that stood (not suspended, revoked, withdrawn):
    then its started sessions count as held."""
    return state_has(state, "live_on_event_day") or state_has(state, "after_action")


def session_held(*, state: str, started: bool) -> bool:
    """A session counts as held once it has started under a permit that stood (the event went ahead, or was
    completed: 办结). A session not yet begun, or of an event suspended (熔断) or revoked, is not held — even if
    people had already come in before the stop."""
    return started and permit_stood(state)


def session_rows(event: Event, *, now: datetime, permit=None) -> list[SessionRow]:
    """The event's sessions as rows (load its sessions with sessions_prefetch(), its application and tally
    with select_related, to read many events without a query per row)."""
    sessions = sessions_of(event)
    event_tally = _tally(event)
    application = getattr(event, "application", None)
    state = application.state if application is not None else ""
    rows = []
    for session in sessions:
        entries, peak = session_entries(session, sessions, event_tally)
        held = application is not None and session_held(state=state, started=session.start_at <= now)
        rows.append(SessionRow(event=event, session=session, label=session_label(session, sessions),
                               approved=approved_headcount(session, permit), entries=entries, peak_occupancy=peak,
                               tickets_issued=session_tickets(session), held=held))
    return rows


def sessions_prefetch() -> Prefetch:
    return Prefetch("sessions", queryset=EventSession.objects.select_related("eventday_tally", "eventday_tickets"))


# ---------------------------------------------------------------------------------------------- suspension


@dataclass
class SuspensionBanner:
    suspension: Suspension
    application: Application
    may_resume: bool


def suspension_banners(user, *, application=None, limit: int = 20) -> list[SuspensionBanner]:
    """What the red banner shows: on an application's pages, its suspension in force; elsewhere (each role's
    landing page), every suspended application the user may see. One query."""
    if not user.is_authenticated or not user.is_active:
        return []
    open_suspensions = Suspension.objects.filter(resumed_at__isnull=True,
                                                 application__state=ApplicationState.SUSPENDED)
    if application is not None:
        if application.state != ApplicationState.SUSPENDED:
            return []
        open_suspensions = open_suspensions.filter(application_id=application.pk)
    else:
        open_suspensions = open_suspensions.filter(application__in=applications_visible_to(user))
    rows = list(open_suspensions.select_related("application__event", "suspending_authority")
                .order_by("-suspended_at", "-pk")[:limit])
    seen, banners = set(), []
    for suspension in rows:  # the latest open suspension per application
        if suspension.application_id in seen:
            continue
        seen.add(suspension.application_id)
        banners.append(SuspensionBanner(suspension, suspension.application, may_resume=bool(user.is_police)))
    return banners


# ---------------------------------------------------------------------------------------------- incidents


def incidents_of(event: Event) -> QuerySet:
    return Incident.objects.filter(event=event).select_related("kind", "zone", "recorded_by")


def incidents_filtered(event: Event, *, kind=None, severity: str = "", status: str = "", zone=None,
                       violations: bool = False, q: str = "") -> QuerySet:
    """The incident log of one event, filtered (IncidentFilterForm's fields), newest first."""
    incidents = incidents_of(event)
    if kind is not None:
        incidents = incidents.filter(kind=kind)
    if severity:
        incidents = incidents.filter(severity=severity)
    if status:
        incidents = incidents.filter(status=status)
    if zone is not None:
        incidents = incidents.filter(zone=zone)
    if violations:
        incidents = incidents.filter(kind__is_violation=True)
    if q:
        incidents = incidents.filter(Q(place__icontains=q) | Q(description__icontains=q) | Q(outcome__icontains=q))
    return incidents


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
class ApprovalFigures:
    """The year's approval work (of the applications the user may see, in the bureau/venue chosen)."""

    received: int = 0  # submitted in the year
    decided: int = 0  # decided (permit, provisional permit, refusal) in the year
    decided_on_time: int = 0  # of those, by the decision deadline (决定期限)
    average_days_to_decide: float | None = None  # acceptance (else submission) → decision, calendar days
    deferred_acceptances: int = 0  # 容缺受理
    provisional_approvals: int = 0  # 先批后审
    suspensions: int = 0  # 熔断

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.decided_on_time / self.decided, 1) if self.decided else None


@dataclass
class PeriodStatistics:
    start: datetime
    end: datetime
    events: list  # (event, EventTally) of every event in scope
    sessions: list  # SessionRow of every session of those events, held or not
    events_held: int  # events with at least one session held
    sessions_held: int
    total_entries: int  # entries of the sessions held
    peak_occupancy: int  # the largest peak of one session held
    incidents_by_kind: list  # (kind name, count)
    incidents_total: int
    drills: int
    guards_trained: int
    companies_held_accountable: int
    accountability_records: int
    by_month: list  # (YYYY-MM, sessions held)
    approvals: ApprovalFigures = None
    reviews: object = None  # eventday.review.YearFromReviews of the year's after-action reviews
    previous: "PeriodStatistics | None" = None  # the year before, same scope (year-on-year)
    reviews_by_kind: list = None  # (kind name, count) summed over the year's after-action reviews

    @property
    def visitors_per_session(self) -> int:
        return round(self.total_entries / self.sessions_held) if self.sessions_held else 0

    def change(self, name: str) -> float | None:
        """Year-on-year change of one figure in per cent (None without the year before or a zero there)."""
        from .review import change_percent

        if self.previous is None:
            return None
        if name.startswith("approvals."):
            field = name.split(".", 1)[1]
            current, previous = getattr(self.approvals, field), getattr(self.previous.approvals, field)
        else:
            current, previous = getattr(self, name), getattr(self.previous, name)
        return change_percent(current or 0, previous or 0)

    @property
    def changes(self) -> dict:
        return {name.replace(".", "_"): self.change(name) for name in (
            "events_held", "sessions_held", "total_entries", "incidents_total", "drills", "guards_trained",
            "companies_held_accountable", "approvals.received", "approvals.decided", "approvals.suspensions")}


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def _scoped_applications(user, *, bureau=None, venue=None) -> QuerySet:
    applications = applications_visible_to(user)
    if bureau is not None:
        applications = applications.filter(Q(event__venue__district=bureau) | Q(event__venue__district__parent=bureau))
    if venue is not None:
        applications = applications.filter(event__venue=venue)
    return applications


def approval_figures_for(user, *, years: list[int], bureau=None, venue=None) -> dict[int, ApprovalFigures]:
    """Received, decided on time, average days, 容缺受理 / 先批后审 / 熔断 counts per year (one query)."""
    from approvals.models import AuditEntry

    first, _end = _year_bounds(min(years))
    _start, last = _year_bounds(max(years))
    figures = {year: ApprovalFigures() for year in years}
    days: dict[int, list[float]] = {year: [] for year in years}
    counted = {AuditEntry.Event.ACCEPTED_WITH_DEFERRED: "deferred_acceptances",
               AuditEntry.Event.PROVISIONALLY_APPROVED: "provisional_approvals",
               AuditEntry.Event.SUSPENDED: "suspensions"}
    # One query: the applications handed in, decided, or with a counted audit entry in the years, each with its
    # counted entries per year (conditional counts over its audit log).
    counts = {f"{attribute}_{year}": Count("audit_entries", filter=Q(
        audit_entries__event=event, audit_entries__created_at__gte=_year_bounds(year)[0],
        audit_entries__created_at__lt=_year_bounds(year)[1]))
        for event, attribute in counted.items() for year in years}
    counted_entry = AuditEntry.objects.filter(application=OuterRef("pk"), event__in=list(counted),
                                              created_at__gte=first, created_at__lt=last)
    applications = _scoped_applications(user, bureau=bureau, venue=venue).filter(
        Q(submitted_at__gte=first, submitted_at__lt=last) | Q(decided_at__gte=first, decided_at__lt=last)
        | Exists(counted_entry)).order_by().annotate(**counts)
    for row in applications.values("submitted_at", "accepted_at", "decided_at", "decision_due_date", *counts):
        for key in counts:
            attribute, year = key.rsplit("_", 1)
            setattr(figures[int(year)], attribute, getattr(figures[int(year)], attribute) + row[key])
        submitted, accepted, decided, due = (row["submitted_at"], row["accepted_at"], row["decided_at"],
                                             row["decision_due_date"])
        if submitted is not None and timezone.localtime(submitted).year in figures:
            figures[timezone.localtime(submitted).year].received += 1
        if decided is None or timezone.localtime(decided).year not in figures:
            continue
        year = timezone.localtime(decided).year
        figures[year].decided += 1
        if due is None or timezone.localdate(decided) <= due:
            figures[year].decided_on_time += 1
        began = accepted or submitted
        if began is not None:
            days[year].append((decided - began).total_seconds() / 86400)
    for year, values in days.items():
        figures[year].average_days_to_decide = round(sum(values) / len(values), 1) if values else None
    return figures


def statistics_for(user, *, year: int, bureau=None, venue=None, now: datetime | None = None,
                   compare: bool = True) -> PeriodStatistics:
    """The year's events that the user may see (optionally of one bureau or venue), counted per session (场次):
    a session is held once it has started under a permit that stood (session_held); future sessions and
    suspended or revoked events are listed but not counted. With `compare`, the year before in the same queries (year-on-year)."""
    from events.models import AfterActionReview

    from . import review

    now = now or timezone.now()
    years = [year - 1, year] if compare else [year]
    first, _end = _year_bounds(years[0])
    events = events_visible_to(user).filter(start_at__gte=first, start_at__lt=_year_bounds(year)[1])
    if bureau is not None:
        events = events.filter(Q(venue__district=bureau) | Q(venue__district__parent=bureau))
    if venue is not None:
        events = events.filter(venue=venue)
    all_rows = list(events.select_related("venue", "application", "application__permit", "tally", "security_company",
                                          "after_action_review")
                    .prefetch_related(sessions_prefetch()).order_by("start_at"))
    all_ids = [e.pk for e in all_rows]
    incident_counts = list(Incident.objects.filter(event_id__in=all_ids).values("event_id", "kind")
                           .annotate(n=Count("pk")).values_list("event_id", "kind", "n"))
    kinds = list(IncidentKind.objects.all())
    reviews = []
    for event in all_rows:
        try:
            record = event.after_action_review
        except AfterActionReview.DoesNotExist:
            continue
        reviews.append((event.pk, record.figures, record.organizer_rating))
    approvals = approval_figures_for(user, years=years, bureau=bureau, venue=venue)

    rows_by_year = {y: [e for e in all_rows if _year_bounds(y)[0] <= e.start_at < _year_bounds(y)[1]]
                    for y in years}
    # Company records count when tied to one of the year's events, or (untied) dated in the year for a company
    # that secured one of them: one query per kind of record for both years (conditional aggregates).
    scopes = {}
    for y, rows in rows_by_year.items():
        company_ids = {e.security_company_id for e in rows if e.security_company_id}
        scopes[y] = Q(event_id__in=[e.pk for e in rows]) | Q(event__isnull=True, company_id__in=company_ids)
    drills_by_year = TrainingDrill.objects.aggregate(**{
        f"{key}_{y}": aggregate(field, filter=scopes[y] & Q(held_on__year=y))
        for y in years for key, aggregate, field in (("n", Count, "pk"), ("guards", Sum, "guards_trained"))})
    records_by_year = AccountabilityRecord.objects.aggregate(**{
        f"{key}_{y}": Count(field, filter=scopes[y] & Q(decided_on__year=y), distinct=distinct)
        for y in years for key, field, distinct in (("n", "pk", False), ("companies", "company", True))})

    def one_year(y: int) -> PeriodStatistics:
        start, end = _year_bounds(y)
        rows = rows_by_year[y]
        event_ids = {e.pk for e in rows}
        counts: dict[int, int] = {}
        for event_id, kind_id, n in incident_counts:
            if event_id in event_ids:
                counts[kind_id] = counts.get(kind_id, 0) + n
        drills = {"n": drills_by_year[f"n_{y}"], "guards": drills_by_year[f"guards_{y}"]}
        records = {"n": records_by_year[f"n_{y}"], "companies": records_by_year[f"companies_{y}"]}
        sessions = [row for event in rows for row in session_rows(event, now=now, permit=_loaded_permit(event))]
        held = [row for row in sessions if row.held]
        months: dict[str, int] = {f"{y}-{m:02d}": 0 for m in range(1, 13)}
        for row in held:
            month = timezone.localtime(row.session.start_at).strftime("%Y-%m")
            if month in months:
                months[month] += 1
        year_reviews = review.year_from_reviews([(figures, rating) for event_id, figures, rating in reviews
                                                 if event_id in event_ids])
        return PeriodStatistics(
            start=start, end=end, events=[(e, _tally(e)) for e in rows], sessions=sessions,
            events_held=len({row.event.pk for row in held}), sessions_held=len(held),
            total_entries=sum(row.entries for row in held),
            peak_occupancy=max((row.peak_occupancy for row in held), default=0),
            incidents_by_kind=[(kind.name, counts.get(kind.pk, 0)) for kind in kinds],
            incidents_total=sum(counts.values()),
            drills=drills["n"] or 0, guards_trained=drills["guards"] or 0,
            companies_held_accountable=records["companies"] or 0, accountability_records=records["n"] or 0,
            by_month=list(months.items()), approvals=approvals[y], reviews=year_reviews,
            reviews_by_kind=[(kind.name, year_reviews.incidents_by_kind.get(kind.code, 0)) for kind in kinds],
        )

    stats = one_year(year)
    if compare:
        stats.previous = one_year(year - 1)
    return stats


def _loaded_permit(event: Event):
    """The permit of an event read with select_related("application__permit"), or None."""
    application = getattr(event, "application", None)
    return getattr(application, "permit", None) if application is not None else None


# ---------------------------------------------------------------------------------------------- after-action review


def review_available(event: Event) -> bool:
    """The after-action review (复盘) is written once the event is completed (办结)."""
    application = getattr(event, "application", None)
    return application is not None and state_has(application.state, "after_action")


def user_may_review(user, event: Event) -> bool:
    """Police of the event's district (or its city) write the review; who may see the event reads it."""
    return user_may_operate(user, event)


def event_for_review(user, pk) -> Event:
    """One event for its after-action review page, with what the report reads besides the records in the same
    query (the permit, the tally, the review), or 404."""
    try:
        return events_visible_to(user).select_related(
            "application", "application__permit", "venue", "organisation", "security_company", "tally",
            "after_action_review", "after_action_review__reviewed_by").get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No event found.")


def after_action_review_of(event: Event):
    """The event's review, or None (read from event_for_review's join when loaded)."""
    from events.models import AfterActionReview

    try:
        return event.after_action_review
    except AfterActionReview.DoesNotExist:
        return None


def review_inputs(event: Event, *, preloaded: bool = False) -> dict:
    """The day's records of one event as the plain inputs of eventday.review.review_figures (a fixed number of
    queries: sessions with tallies, incidents, kinds, alerts, headcount alerts, company records; and the permit
    and the tally unless `preloaded` by event_for_review)."""
    from . import review

    sessions = _with_session_figures(event)
    if preloaded:
        tally, permit = _tally(event), _loaded_permit(event)
    else:
        tally, permit = EventTally.objects.filter(event=event).first(), permit_of(event)
    session_inputs = []
    for session in sessions:
        entries, peak = session_entries(session, sessions, tally)
        own = _session_tally(session)
        peak_at = own.peak_at if own is not None else (tally.peak_at if tally is not None and len(sessions) == 1
                                                       else None)
        session_inputs.append(review.SessionInput(
            label=str(session_label(session, sessions)), start=session.start_at,
            approved_headcount=approved_headcount(session, permit), peak_occupancy=peak, peak_at=peak_at,
            entries=entries, tickets_issued=session_tickets(session)))
    incidents = [review.IncidentInput(kind_code=i.kind.code, kind_name=i.kind.name, is_violation=i.kind.is_violation,
                                      severity=i.severity, resolved=i.status == Incident.Status.RESOLVED,
                                      people_involved=i.people_involved)
                 for i in Incident.objects.filter(event=event).select_related("kind")]
    kinds = [(k.code, k.name, k.is_violation) for k in IncidentKind.objects.filter(is_active=True)]
    alert_labels, severity_labels = dict(Alert.Level.choices), dict(AccountabilityRecord.Severity.choices)
    alerts = [review.AlertInput(zone=name, level=level, raised_at=raised, acknowledged_at=acknowledged,
                                level_label=str(alert_labels.get(level, level)))
              for name, level, raised, acknowledged in Alert.objects.filter(zone__event=event).values_list(
                  "zone__name", "level", "raised_at", "acknowledged_at")]
    labels = {s.pk: str(session_label(s, sessions)) for s in sessions}
    headcount = [review.HeadcountAlertInput(labels.get(session_id, ""), percent, raised)
                 for session_id, percent, raised in HeadcountAlert.objects.filter(event=event).values_list(
                     "session_id", "percent", "raised_at")]
    accountability = [review.AccountabilityInput(severity, description, str(severity_labels.get(severity, severity)))
                      for severity, description in
                      AccountabilityRecord.objects.filter(event=event).order_by("decided_on", "pk").values_list(
                          "severity", "description")]
    return {"sessions": session_inputs, "incidents": incidents, "kinds": kinds, "alerts": alerts,
            "headcount_alerts": headcount, "accountability": accountability}


def after_action_figures(event: Event, *, preloaded: bool = False):
    from . import review

    return review.review_figures(**review_inputs(event, preloaded=preloaded))


def user_may_log_incidents(user, event: Event) -> bool:
    """Police of the district (REVIEW) or the guards of the company named on the event (STAFF, approvals.access)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user_may_operate(user, event) or event.application.user_may(user, approval_access.STAFF)
