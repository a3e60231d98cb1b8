"""The bridge from approvals to riskassess: build plain facts from applications and ask for the score.

riskassess never imports approvals; approvals asks it. Facts for a batch of applications are loaded up front in
a fixed number of queries (no query per application or per factor), scored by the pure functions in
riskassess.scoring, and stored as riskassess Assessments (history kept). Application.security_level follows
the effective level (a reviewer's override wins).
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext as _, gettext_lazy

from events.models import (
    AccountabilityRecord, AfterActionReview, Event, EventSession, Performer, Song, TrainingDrill, VenueExit,
    VettingStatus,
)
from events.sessions import session_label
from riskassess import services as risk_services
from riskassess.facts import (
    EventFacts, ExitFacts, ForecastFacts, OrganiserRecord, OverdueDocument, PerformerFacts, RouteFacts,
    SecurityCompanyRecord, SecurityPlanFacts, SessionFacts, TicketingFacts, TrafficFacts, VenueFacts,
)
from riskassess.models import Assessment, StaleAssessment
from riskassess.scoring import assess as score_event
from riskassess.selectors import current_model_version, latest_assessments, latest_overrides

from .. import access, signals
from ..models import Application, ApplicationDocument, ApplicationState, AuditEntry, SectionEntry
from ..workflow.states import with_trait

logger = logging.getLogger(__name__)

# The facts the model reads from the plan. Which field feeds which is declared in the catalogue: a field of a
# PlanSection with "risk_input": "<fact>" (approvals/catalogue/seed.py), so renaming a key in a new catalogue
# version keeps the fact.
RISK_INPUT_FACTS = (
    "security_staff_total", "fixed_posts", "patrol_posts", "mobile_points", "core_area_m2", "warning_area_m2",
    "control_area_m2", "real_name_tickets", "public_sale_percent", "refund_mechanism", "parking_spaces_arranged",
    "shuttle_buses", "road_closures", "car_share_percent", "heat_measures",
)
# Plan facts that state a measure a weather rule asks for (riskassess WeatherRule.waived_by).
MEASURE_FACTS = ("heat_measures",)
BATCH_SIZE = 500
ACCOUNTABILITY_YEARS = 3
SUSPENDABLE_STATES = with_trait("permit_in_force")


# ---------------------------------------------------------------------------------------------- loading facts


def _int(value):
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


def _float(value):
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


@dataclass
class _BatchRows:
    """What a batch of applications needs besides their own rows, as plain values grouped by owner."""

    exits: dict  # venue id → [(width, kind)]
    performers: dict  # event id → [performer values]
    songs: dict  # performer id → [(title, vetting status)]
    sections: dict  # application id → {fact name: value} of the plan fields declared as risk inputs
    overdue_documents: dict  # application id → [(name, due date)]
    sessions: dict  # event id → [session values], in order


def _group(rows, key) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _applications_for_facts(application_ids, *, today) -> tuple[list[Application], _BatchRows]:
    """Applications (with event, venue and security company) and the rows the facts need: seven queries however
    many applications. Related rows come as values(), not model instances: a batch reads thousands of them."""
    applications = list(Application.objects.filter(pk__in=application_ids)
                        .select_related("event", "event__venue", "event__security_company", "site_plan"))
    ids = [a.pk for a in applications]
    venue_ids = {a.event.venue_id for a in applications}
    event_ids = [a.event_id for a in applications]
    exits = _group(VenueExit.objects.filter(venue_id__in=venue_ids).order_by("id")
                   .values("venue_id", "width_m", "kind"), "venue_id")
    performers = list(Performer.objects.filter(event_id__in=event_ids).order_by("order", "id").values(
        "id", "event_id", "name", "genre", "genre_intensity", "audience_interaction", "vetting_status"))
    songs = _group(Song.objects.filter(performer_id__in=[p["id"] for p in performers])
                   .order_by("order", "id").values("performer_id", "title", "vetting_status"), "performer_id")
    sections: dict = {}
    for application_id, data, fields in SectionEntry.objects.filter(
            application_id__in=ids, section__fields__icontains='"risk_input"',
    ).values_list("application_id", "data", "section__fields"):
        facts = sections.setdefault(application_id, {})
        for key, fact in _risk_inputs(fields):
            if key in (data or {}):
                facts[fact] = data[key]
    sessions = _group(EventSession.objects.filter(event_id__in=event_ids).order_by("start_at", "id").values(
        "event_id", "name", "start_at", "end_at", "expected_attendance"), "event_id")
    overdue = _group(ApplicationDocument.objects.filter(
        application_id__in=ids, status=ApplicationDocument.Status.DEFERRED, deferred_due_date__lt=today,
    ).order_by("document_type__number").values("application_id", "document_type__name_zh", "deferred_due_date"),
        "application_id")
    return applications, _BatchRows(
        exits={venue: [(row["width_m"], row["kind"]) for row in rows] for venue, rows in exits.items()},
        performers=_group(performers, "event_id"),
        songs={performer: [(row["title"], row["vetting_status"]) for row in rows] for performer, rows in songs.items()},
        sections=sections,
        overdue_documents={app: [(row["document_type__name_zh"], row["deferred_due_date"]) for row in rows]
                           for app, rows in overdue.items()},
        sessions=sessions,
    )


def _risk_inputs(fields) -> list[tuple[str, str]]:
    """(field key, fact name) of a section's fields that the catalogue declares as risk inputs."""
    return [(f["key"], f["risk_input"]) for f in fields or []
            if isinstance(f, dict) and f.get("risk_input") in RISK_INPUT_FACTS and "key" in f]


def _organiser_records(organisation_ids, *, now) -> dict[int, OrganiserRecord]:
    # Completed events and, of those, the ones whose after-action review (复盘) of the past year rated the
    # organizer 不合格 (a review exists only for a completed event): one query.
    poor_review = Q(event__after_action_review__organizer_rating=AfterActionReview.OrganizerRating.POOR,
                    event__after_action_review__reviewed_at__gte=now - timedelta(days=365))
    completed = {row["organisation_id"]: row for row in Application.objects.filter(
        organisation_id__in=organisation_ids, state=ApplicationState.COMPLETED,
    ).order_by().values("organisation_id").annotate(n=Count("id"), poor=Count("id", filter=poor_review))}
    suspended = dict(AuditEntry.objects.filter(
        application__organisation_id__in=organisation_ids, action=AuditEntry.Action.TRANSITION,
        to_state=ApplicationState.SUSPENDED, created_at__gte=now - timedelta(days=365),
    ).order_by().values("application__organisation_id").annotate(n=Count("id"))
        .values_list("application__organisation_id", "n"))
    return {org: OrganiserRecord(completed.get(org, {}).get("n", 0), suspended.get(org, 0),
                                 completed.get(org, {}).get("poor", 0))
            for org in organisation_ids}


def _company_records(companies: dict, *, today) -> dict[int, SecurityCompanyRecord]:
    drills = {row["company_id"]: row for row in TrainingDrill.objects.filter(
        company_id__in=list(companies), held_on__gte=today - timedelta(days=365),
    ).order_by().values("company_id").annotate(n=Count("id"), guards=Sum("guards_trained"))}
    counts: dict[int, dict] = {}
    for company_id, severity, n in AccountabilityRecord.objects.filter(
            company_id__in=list(companies), decided_on__gte=today - timedelta(days=365 * ACCOUNTABILITY_YEARS),
    ).order_by().values("company_id", "severity").annotate(n=Count("id")).values_list("company_id", "severity", "n"):
        counts.setdefault(company_id, {})[severity] = n
    records = {}
    for company_id, name in companies.items():
        drill, count = drills.get(company_id, {}), counts.get(company_id, {})
        records[company_id] = SecurityCompanyRecord(
            named=True, name=name, drills_past_year=drill.get("n", 0), guards_trained_past_year=drill.get("guards") or 0,
            warnings=count.get(AccountabilityRecord.Severity.WARNING, 0),
            penalties=count.get(AccountabilityRecord.Severity.PENALTY, 0),
            serious=count.get(AccountabilityRecord.Severity.SERIOUS, 0))
    return records


def _programme(performer_rows, songs: dict) -> tuple[PerformerFacts, ...]:
    """The programme as it will be performed. Striking an act or a song takes it off the programme (it becomes a
    permit condition); it is "still on the programme" only when an act or song of the same name is on it again."""
    struck_acts = {p["name"].strip() for p in performer_rows if p["vetting_status"] == VettingStatus.STRUCK}
    struck_titles = {title.strip() for p in performer_rows for title, status in songs.get(p["id"], ())
                     if status == VettingStatus.STRUCK}
    return tuple(PerformerFacts(
        name=p["name"], genre=p["genre"], genre_intensity=p["genre_intensity"],
        audience_interaction=p["audience_interaction"], struck=p["name"].strip() in struck_acts,
        struck_songs=tuple(title for title, status in songs.get(p["id"], ())
                           if status != VettingStatus.STRUCK and title.strip() in struck_titles),
    ) for p in performer_rows if p["vetting_status"] != VettingStatus.STRUCK)


def _local(moment):
    """Naive local time: night-time and season are read from the clock on the wall."""
    return timezone.localtime(moment).replace(tzinfo=None)


def _session_facts(rows) -> tuple[SessionFacts, ...]:
    """The sessions in time order, each called as on the permit (its name, else 第 N 场)."""
    return tuple(SessionFacts(label=session_label(SimpleNamespace(name=row["name"]), number),
                              start_local=_local(row["start_at"]), end_local=_local(row["end_at"]),
                              attendance=row["expected_attendance"]) for number, row in enumerate(rows, start=1))


def _site_plan(application):
    try:
        return application.site_plan
    except ObjectDoesNotExist:
        return None


def _venue_facts(venue, exits, site_plan=None) -> VenueFacts:
    """The venue as registered; for an area venue with a drawn site plan, the plan's audience areas, exits and
    perimeter instead (siteplan.risk_inputs)."""
    if site_plan is not None and not venue.is_route:
        from siteplan.risk_inputs import plan_inputs

        inputs = plan_inputs(site_plan.features, width_m=site_plan.width_m, height_m=site_plan.height_m)
        if inputs is not None:
            plan, plan_exits = inputs
            return VenueFacts(usable_area_m2=plan.area_m2, indoor=venue.is_indoor, exits=plan_exits,
                              parking_spaces=venue.parking_spaces, public_transport=venue.public_transport,
                              site_plan=plan)
    route = None
    if venue.is_route and None not in (venue.route_length_km, venue.route_width_m, venue.start_area_m2,
                                       venue.finish_area_m2):
        route = RouteFacts(length_m=float(venue.route_length_km) * 1000, width_m=float(venue.route_width_m),
                           start_area_m2=float(venue.start_area_m2), finish_area_m2=float(venue.finish_area_m2))
    return VenueFacts(usable_area_m2=float(venue.usable_area_m2), indoor=venue.is_indoor,
                      exits=tuple(ExitFacts(float(width), kind) for width, kind in exits),
                      parking_spaces=venue.parking_spaces, public_transport=venue.public_transport, route=route)


def _car_share(value) -> float | None:
    """Section 8's share of attendees arriving by car, in % → 0..1 (None: not stated, the model's default)."""
    percent = _float(value)
    return None if percent is None else min(1.0, max(0.0, percent / 100))


def event_facts(application, rows: _BatchRows, *, organiser: OrganiserRecord, company: SecurityCompanyRecord,
                forecast: ForecastFacts, kind_labels: dict) -> EventFacts:
    """The plain facts of one application (its rows loaded by _applications_for_facts)."""
    event, venue = application.event, application.event.venue
    data = rows.sections.get(application.pk, {})
    performers = _programme(rows.performers.get(event.pk, ()), rows.songs)
    return EventFacts(
        kind=event.kind, kind_label=kind_labels.get(event.kind, event.kind), attendance=event.expected_attendance,
        rated_capacity=event.rated_capacity,
        start_local=_local(event.start_at), end_local=_local(event.end_at),
        venue=_venue_facts(venue, rows.exits.get(venue.pk, ()), _site_plan(application)),
        alcohol_served=event.alcohol_served, temporary_structures=event.temporary_structures,
        has_performances=event.has_performances, performers=performers, organiser=organiser,
        security_company=company,
        plan=SecurityPlanFacts(
            security_staff_total=_int(data.get("security_staff_total")), fixed_posts=_int(data.get("fixed_posts")),
            patrol_posts=_int(data.get("patrol_posts")), mobile_points=_int(data.get("mobile_points")),
            core_area_m2=_float(data.get("core_area_m2")), warning_area_m2=_float(data.get("warning_area_m2")),
            control_area_m2=_float(data.get("control_area_m2"))),
        ticketing=TicketingFacts(
            ticketed=event.ticketed, real_name=bool(data.get("real_name_tickets")),
            public_sale_percent=_float(data.get("public_sale_percent")),
            refund_mechanism=bool(data.get("refund_mechanism"))),
        traffic=TrafficFacts(parking_spaces_arranged=_int(data.get("parking_spaces_arranged")),
                             car_share=_car_share(data.get("car_share_percent")),
                             shuttle_buses=_int(data.get("shuttle_buses")) or 0,
                             road_closures=bool(data.get("road_closures"))),
        forecast=forecast,
        overdue_documents=tuple(OverdueDocument(name, due) for name, due in rows.overdue_documents.get(
            application.pk, ())),
        sessions=_session_facts(rows.sessions.get(event.pk, ())),
        measures=frozenset(fact for fact in MEASURE_FACTS if data.get(fact)),
    )


def kind_labels() -> dict:
    """Event kinds as shown (in the active language), worked out once per batch."""
    return {value: str(label) for value, label in Event.Kind.choices}


@dataclass
class _Scored:
    application: Application
    assessment: Assessment  # unsaved
    previous: Assessment | None


def _score_batch(application_ids, *, forecasts=None, actor=None, trigger="", compare=True) -> list[_Scored]:
    """Load, build facts and score a batch: a fixed number of queries for any number of applications.
    `compare`: load the whole previous assessment (to skip unchanged results), not only its forecast."""
    now = timezone.now()
    today = timezone.localdate(now)
    version = current_model_version()
    params = version.parameters()
    applications, rows = _applications_for_facts(application_ids, today=today)
    ids = [a.pk for a in applications]
    previous = latest_assessments(ids, only_forecast=not compare)
    overrides = latest_overrides(ids)
    supervisors = _supervisor_ids({o.actor_id for o in overrides.values() if o.level})
    organisers = _organiser_records({a.organisation_id for a in applications}, now=now)
    companies = _company_records({a.event.security_company_id: a.event.security_company.name
                                  for a in applications if a.event.security_company_id}, today=today)
    scored = []
    with translation.override(settings.LANGUAGE_CODE):
        translate = risk_services.memoised_gettext()
        labels = kind_labels()
        for application in applications:
            given = (forecasts or {}).get(application.pk)
            last = previous.get(application.pk)
            forecast = given if given is not None else risk_services.forecast_from_json(last.forecast if last else None)
            facts = event_facts(
                application, rows, organiser=organisers[application.organisation_id],
                company=companies.get(application.event.security_company_id, SecurityCompanyRecord()),
                forecast=forecast, kind_labels=labels)
            override = overrides.get(application.pk)
            result = score_event(facts, params, level_override=override.level if override else None)
            if override is not None and override.actor_id not in supervisors and _lowered(result, params):
                # Below the computed level only on a supervisor's decision: anyone else's override (an old
                # row, or one made before the computed level rose) does not count.
                override = None
                result = score_event(facts, params)
            stored = risk_services.result_as_json(result, params, translate)
            assessment = risk_services.assessment_build(
                application_id=application.pk, version=version, stored=stored, forecast=forecast, actor=actor,
                trigger=trigger, override=override)
            scored.append(_Scored(application, assessment, last if compare else None))
    return scored


def _supervisor_ids(user_ids) -> set[int]:
    """Which of these users are (active) police supervisors: one query, none when there are no overrides."""
    if not user_ids:
        return set()
    from django.contrib.auth import get_user_model

    from accounts import roles

    return set(get_user_model().objects.filter(pk__in=user_ids, is_active=True, groups__name=roles.SUPERVISOR)
               .values_list("pk", flat=True))


def _lowered(result, params) -> bool:
    """The effective level is less severe than the computed one (the order is the levels' thresholds)."""
    thresholds = {lv.code: lv.min_total for lv in params.levels}
    return thresholds.get(result.level, 0) < thresholds.get(result.computed_level, 0)


def _chunks(items, size=BATCH_SIZE):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _ids(applications) -> list[int]:
    return [getattr(a, "pk", a) for a in applications]


# ---------------------------------------------------------------------------------------------- public interface


def assess_applications(applications, *, actor=None, trigger="batch", only_if_changed=False) -> list[Assessment]:
    """Assess many applications (instances or ids) in batches; stores an Assessment each and updates
    Application.security_level. With only_if_changed, an application whose result equals its newest stored
    assessment gets no new history row."""
    stored: list[Assessment] = []
    for chunk in _chunks(_ids(applications)):
        scored = _score_batch(chunk, actor=actor, trigger=trigger, compare=only_if_changed)
        fresh = [s for s in scored if not (only_if_changed and
                                           risk_services.assessment_is_unchanged(s.previous, s.assessment))]
        with transaction.atomic():
            created = Assessment.objects.bulk_create([s.assessment for s in fresh])
            changed = [s.application for s in scored if (s.application.security_level,
                                                         s.application.computed_security_level)
                       != (s.assessment.level, s.assessment.computed_level)]
            for s in scored:
                s.application.security_level = s.assessment.level
                s.application.computed_security_level = s.assessment.computed_level
            if changed:
                Application.objects.bulk_update(changed, ["security_level", "computed_security_level"])
        stored.extend(created)
    return stored


def assess_application(*, application, actor=None, forecast=None, trigger=None) -> Assessment:
    """Score the application, store an Assessment, update application.security_level; returns the assessment.

    `forecast` (a dict of max_temperature_c, precipitation_mm, wind_speed_ms, or a ForecastFacts) replaces the
    forecast of the previous assessment; without it the previous forecast is kept."""
    if forecast is not None and not isinstance(forecast, ForecastFacts):
        forecast = risk_services.forecast_clean(forecast)
    trigger = trigger or ("forecast" if forecast is not None else "manual")
    forecasts = {application.pk: forecast} if forecast is not None else None
    with transaction.atomic():
        (scored,) = _score_batch([application.pk], forecasts=forecasts, actor=actor, trigger=trigger,
                                 compare=False)
        assessment = scored.assessment
        assessment.save()
        stored = scored.application
        if (stored.security_level, stored.computed_security_level) != (assessment.level, assessment.computed_level):
            stored.security_level, stored.computed_security_level = assessment.level, assessment.computed_level
            stored.save(update_fields=["security_level", "computed_security_level"])
    application.security_level = assessment.level
    application.computed_security_level = assessment.computed_level
    return assessment


def latest_assessment(application) -> Assessment | None:
    """The newest riskassess Assessment of the application, or None."""
    return (Assessment.objects.filter(application_id=application.pk).select_related("model_version")
            .order_by("-created_at", "-id").first())


def fuse_flags_by_application(applications) -> dict[int, list[str]]:
    """Fresh fuse flags (reasons in the reader's language) for each application, without storing anything:
    a deferred document becomes overdue by the calendar, not by an edit."""
    reasons: dict[int, list[str]] = {}
    for chunk in _chunks(_ids(applications)):
        for s in _score_batch(chunk, trigger="check", compare=False):
            reasons[s.application.pk] = [_flag_reason(flag) for flag in s.assessment.fuse_flags]
    return reasons


def _flag_reason(flag: dict) -> str:
    message, params = flag.get("reason_i18n") or [flag["reason"], {}]
    text = gettext(message)
    return text % params if params else text


def fuse_flags_blocking_approval(application) -> list[str]:
    """Human-readable reasons (fuse flags) that block approval; empty when approval may proceed."""
    return fuse_flags_by_application([application.pk]).get(application.pk, [])


# ---------------------------------------------------------------------------------------------- derived state


def reassess_after_commit(application, *, trigger: str = "change") -> None:
    """Call in the transaction of any change the risk model reads (an upload, a section, the lineup, a state
    change): marks the application's assessment stale (riskassess StaleAssessment) and enqueues the
    re-assessment through the outbox, so it runs after commit, outside the request, and is not lost when the
    broker is away. Repeated calls before the task runs coalesce into one marker; the task is idempotent."""
    from outbox.services import enqueue

    from .tasks import reassess

    # One upsert: a marker still pending (or failed) takes the newer request; its own task runs again.
    StaleAssessment.objects.bulk_create(
        [StaleAssessment(application_id=application.pk, requested_at=timezone.now(), trigger=str(trigger)[:30])],
        update_conflicts=True, unique_fields=["application"], update_fields=["requested_at", "trigger"])
    enqueue(reassess, application.pk)


def reassess_pending(application_id: int) -> bool:
    """The re-assessment task's work: re-score one application if it is marked stale. Only a changed result
    adds a history row. A failure is recorded on the marker (with its error), logged and raised: the outbox
    relay runs the task again. Returns whether it re-assessed."""
    marker = StaleAssessment.objects.filter(application_id=application_id).first()
    if marker is None:
        return False  # already done by an earlier run of the same or a later request
    try:
        assess_applications([application_id], trigger=f"change:{marker.trigger}"[:30], only_if_changed=True)
    except Exception as error:
        StaleAssessment.objects.filter(pk=marker.pk).update(
            attempts=F("attempts") + 1, failed_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000])
        logger.exception("Risk re-assessment of application %s failed; its assessment stays marked stale",
                         application_id)
        raise
    # A change that arrived while this ran bumped requested_at: its marker stays for its own task.
    StaleAssessment.objects.filter(pk=marker.pk, requested_at=marker.requested_at).delete()
    return True


# What started an assessment, in words (Assessment.trigger stores a code: "change:section", a transition's name…).
TRIGGER_LABELS = {
    "check": gettext_lazy("许可前核查"), "override": gettext_lazy("人工调整等级"), "batch": gettext_lazy("批量评估"),
    "demo": gettext_lazy("演示数据"), "facts": gettext_lazy("活动信息修改"), "document": gettext_lazy("材料上传"),
    "section": gettext_lazy("安保方案章节修改"), "lineup": gettext_lazy("演出阵容修改"), "siteplan": gettext_lazy("场地平面图修改"),
    "forecast": gettext_lazy("天气预报更新"), "review": gettext_lazy("活动复盘"),
    "change": gettext_lazy("申请内容修改"), "": gettext_lazy("评估"),
}


def trigger_label(trigger: str) -> str:
    """The words for an assessment's trigger: a known change, or the workflow action's label, else the code."""
    from ..workflow.registry import REGISTRY

    code = (trigger or "").removeprefix("change:")
    if code in TRIGGER_LABELS:
        return str(TRIGGER_LABELS[code])
    if code in REGISTRY:
        return str(REGISTRY[code].label)
    return trigger


def assessment_staleness(application) -> StaleAssessment | None:
    """The application's pending or failed re-assessment, if any (shown next to the level)."""
    return StaleAssessment.objects.filter(application_id=application.pk).first()


def reassess_on_change(sender, application, **kwargs):
    """Receiver of approvals.signals.application_changed and application_transitioned (sent after commit) for
    senders that do not call reassess_after_commit in their own transaction yet. The services' changes say
    `reassessed=True`: they already enqueued it."""
    if kwargs.get("reassessed"):
        return
    what = kwargs.get("what") or kwargs.get("transition") or "change"
    reassess_after_commit(application, trigger=what)


# Transitions (accepting with deferred documents, approving, suspending…) change what the flags read too.
signals.application_transitioned.connect(reassess_on_change, dispatch_uid="approvals.risk.reassess_on_transition")


@transaction.atomic
def override_level(*, application, actor, level, reason) -> Assessment:
    """A police reviewer sets the security level by hand, with a reason (audited); empty `level` clears it.
    Raising it is any reviewer's call; setting it below the computed level is a supervisor's decision, refused
    by field to anyone else. Returns the new assessment made under the override."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.user_may(actor, access.REVIEW):
        raise PermissionDenied(_("只有审批民警可以调整安保等级。"))
    previous = latest_assessment(application)
    version = current_model_version()
    levels = {lv.code: lv for lv in version.levels.all()}
    if level and level in levels and not actor.is_supervisor:
        (fresh,) = _score_batch([application.pk], trigger="check", compare=False)
        computed = levels.get(fresh.assessment.computed_level)
        if computed is not None and levels[level].min_total < computed.min_total:
            raise ValidationError({"level": _(
                "调低安保等级（低于模型计算的%(computed)s）须由分局领导决定；您可以调高等级，或请分局领导调整。")
                % {"computed": computed.name}})
    override = risk_services.level_override_create(application_id=application.pk, actor=actor, level=level or "",
                                                   reason=reason, version=version)
    assessment = assess_application(application=application, actor=actor, trigger="override")
    _audit_override(application, actor=actor, reason=override.reason, snapshot={
        "from_level": previous.level if previous else application.security_level,
        "to_level": assessment.level, "computed_level": assessment.computed_level, "total": assessment.total,
        "cleared": not override.level, "assessment": assessment.pk})
    return assessment


def _audit_override(application, *, actor, reason, snapshot):
    from ..applications.services import audit  # here, not at the top: services may one day import this module

    audit(application, actor=actor, action=AuditEntry.Action.LEVEL_OVERRIDDEN, reason=reason, snapshot=snapshot)


# ---------------------------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class SuspensionCandidate:
    application: Application
    reasons: list


def suspension_candidates(user) -> list[SuspensionCandidate]:
    """Approved events the police user may act on whose fuse flags say 熔断: flags computed fresh, in a fixed
    number of queries for any number of events."""
    from ..applications.selectors import applications_visible_to

    if not user.is_authenticated or not (user.is_police or user.is_superuser):
        return []
    queryset = applications_visible_to(user, perm=access.REVIEW, queryset=Application.objects.filter(
        state__in=SUSPENDABLE_STATES, event__end_at__gte=timezone.now()))
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return []
    reasons = fuse_flags_by_application(ids)
    flagged = [pk for pk in ids if reasons.get(pk)]
    applications = Application.objects.select_related("event", "organisation").in_bulk(flagged)
    return sorted((SuspensionCandidate(applications[pk], reasons[pk]) for pk in flagged if pk in applications),
                  key=lambda c: c.application.event.start_at)
