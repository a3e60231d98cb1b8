"""The clocks of an application, computed from what happened (submission, acceptance, corrections, approved
extensions) by its bureau's policy and the holiday calendar; the extension of the decision clock; the daily
overdue notice. The arithmetic itself is approvals.workflow.deadlines (no Django)."""
import logging
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles

from ..workflow import deadlines
from ..workflow.deadlines import Deadline, WorkCalendar
from ..workflow.states import state_has, with_trait
from .models import CalendarDay, ClockExtension, ClockPolicy, OverdueNotice

logger = logging.getLogger(__name__)

# The bureau's own clocks: overdue ones are told to the officer in charge and the supervisors.
BUREAU_CLOCKS = ("acceptance", "decision")


# ---------------------------------------------------------------------------------------------- data


def work_calendar() -> WorkCalendar:
    """The holiday calendar as the arithmetic reads it (one query)."""
    days_off, working = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (working if kind == CalendarDay.Kind.WORKING_WEEKEND else days_off).add(day)
    return WorkCalendar(days_off=frozenset(days_off), working_weekends=frozenset(working))


class Policies:
    """Every bureau's clock policy, read once: a bureau's own row, else its parent's, else the defaults."""

    def __init__(self):
        self.by_authority = {p.authority_id: p for p in ClockPolicy.objects.all()}

    def of(self, authority) -> ClockPolicy:
        # Bureaus are two levels (a district under its city): no query for the parent.
        if authority is not None:
            for pk in (authority.pk, authority.parent_id):
                if pk in self.by_authority:
                    return self.by_authority[pk]
        return ClockPolicy()


def policy_for(authority) -> ClockPolicy:
    return Policies().of(authority)


def application_policy(application, policies: Policies | None = None) -> ClockPolicy:
    # Read once per instance: the page's clocks, its extension button and the panel all ask.
    policy = application.__dict__.get("_clock_policy")
    if policy is None:
        policy = application.__dict__["_clock_policy"] = (policies or Policies()).of(_deciding_authority(application))
    return policy


def _local_date(moment) -> date:
    return timezone.localtime(moment).date()


def _deciding_authority(application):
    # The bureau that receives (and, below the city level, decides); a city-level path may name another.
    deciding = getattr(application, "deciding_authority", None)  # Application.deciding_authority(): the city's
    return (deciding() if callable(deciding) else deciding) or application.district


# ---------------------------------------------------------------------------------------------- the clocks


def decision_due_on_acceptance(application, accepted_on: date, *, calendar: WorkCalendar | None = None) -> date:
    """The decision clock's due date fixed at acceptance, by the bureau's policy then in force."""
    policy = policy_for(_deciding_authority(application))
    return deadlines.decision_due_date(accepted_on, days=policy.effective_decision_days,
                                       working_days=policy.decision_days_are_working_days,
                                       calendar=calendar or work_calendar())


def _corrections(application) -> list:
    return list(application.correction_requests.all())


def _approved_extensions(application) -> list:
    return [e for e in application.clock_extensions.all() if e.approved]


def _pause(correction) -> deadlines.Pause:
    return (_local_date(correction.requested_at),
            _local_date(correction.resubmitted_at) if correction.resubmitted_at else None)


def _acceptance_clock(application, *, today, calendar, policy, corrections) -> Deadline | None:
    """行政许可法 Art. 32: accept, or give one complete notice of what is missing (a correction request),
    within `acceptance_days` working days. The notice stops the clock; resubmission starts it again."""
    accepted_at = application.accepted_at
    before = [c for c in corrections if accepted_at is None or c.requested_at < accepted_at]
    if any(c.open for c in before) or state_has(application.state, "organizer_may_edit"):
        return Deadline("acceptance", None, today, paused=True, remaining=policy.acceptance_days, working=True)
    start = max([_local_date(application.submitted_at)] + [_local_date(c.resubmitted_at) for c in before])
    due = deadlines.add_clock_days(start, policy.acceptance_days, working=True, calendar=calendar)
    return Deadline("acceptance", due, today, working=True)


def _decision_clock(application, *, today, calendar, policy, corrections) -> Deadline:
    """Order 505 Art. 14: decide within the bureau's days of acceptance. A correction after acceptance pauses
    it (the days from its request to its resubmission are not counted); an approved extension adds its days."""
    working = policy.decision_days_are_working_days
    accepted_on = _local_date(application.accepted_at)
    base = application.decision_due_date or deadlines.decision_due_date(
        accepted_on, days=policy.effective_decision_days, working_days=working, calendar=calendar)
    pauses = [_pause(c) for c in corrections if c.requested_at >= application.accepted_at]
    closed = [p for p in pauses if p[1] is not None]
    paused_days = sum(deadlines.clock_days_between(start, end, working=working, calendar=calendar)
                      for start, end in closed)
    due = deadlines.add_clock_days(base, paused_days, working=working, calendar=calendar)
    extended = 0
    for extension in _approved_extensions(application):
        due = deadlines.add_clock_days(due, extension.days, working=extension.working_days, calendar=calendar)
        extended += extension.days
    open_since = min((start for start, end in pauses if end is None), default=None)
    if open_since is not None and open_since < due:
        remaining = deadlines.clock_days_between(open_since, due, working=working, calendar=calendar)
        return Deadline("decision", None, today, paused=True, remaining=remaining, working=working,
                        extended_days=extended)
    return Deadline("decision", due, today, working=working, extended_days=extended)


def application_clocks(application, *, today: date | None = None, calendar: WorkCalendar | None = None,
                       policies: Policies | None = None) -> list[Deadline]:
    """Every clock that runs (or stands paused) for the application now, soonest first. Reads the
    application's correction_requests, clock_extensions and documents (prefetch them for a list:
    prefetch_for_clocks)."""
    from ..models import ApplicationState

    today = today or timezone.localdate()
    state = application.state
    if state_has(state, "terminal"):
        return []
    clocks = []
    if application.submitted_at is None:
        # Order 505 Art. 13: apply at least `submission_lead_days` before the event (calendar days).
        event_on = _local_date(application.event.start_at)
        clocks.append(Deadline("lead", deadlines.latest_deferred_due_date(
            event_on, days_before_event=application.catalogue.submission_lead_days), today))
        return clocks
    corrections = _corrections(application)
    accepting = state_has(state, "undecided") and not state_has(state, "deciding")
    deciding = state_has(state, "deciding") and application.accepted_at is not None
    if accepting or deciding:
        calendar = calendar if calendar is not None else work_calendar()
        policy = application_policy(application, policies)
        clock = _acceptance_clock if accepting else _decision_clock
        clocks.append(clock(application, today=today, calendar=calendar, policy=policy, corrections=corrections))
    clocks += [Deadline("correction", c.due_date, today) for c in corrections if c.open]
    if state_has(state, "in_progress"):
        deferred = getattr(application, "clock_deferred_due", None)
        if deferred is None:
            from ..models import ApplicationDocument

            deferred = sorted({d.deferred_due_date for d in application.documents.all()
                               if d.status == ApplicationDocument.Status.DEFERRED and d.deferred_due_date})
        else:
            deferred = [deferred] if deferred != date.max else []
        clocks += [Deadline("deferred", due, today) for due in deferred]
    if state == ApplicationState.PROVISIONALLY_APPROVED and application.post_review_due_date:
        clocks.append(Deadline("post_review", application.post_review_due_date, today))
    return deadlines.soonest_first(clocks)


def application_deadlines(application, today: date | None = None) -> list[Deadline]:
    """The dated clocks (paused ones have no date): the workflow API's `deadlines` and the panel (which reuse
    the clocks the page drew already)."""
    found = getattr(application, "clocks", None) if today is None else None
    if found is None:
        found = application_clocks(application, today=today)
    return [clock for clock in found if clock.due is not None]


def attach_clocks(applications, *, today: date | None = None) -> None:
    """Set `.clocks` on each application of a page (prefetched with prefetch_for_clocks): two queries for the
    calendar and the policies, whatever the page's length. `.next_deadline` becomes the soonest dated clock:
    the SQL annotation of that name orders the list, but only the clocks count pauses and extensions."""
    applications = list(applications)
    if not applications:
        return
    calendar, policies = work_calendar(), Policies()
    for application in applications:
        application.clocks = application_clocks(application, today=today, calendar=calendar, policies=policies)
        application.next_deadline = next((c.due for c in application.clocks if c.due is not None), None)


def store_next_deadline(application) -> date | None:
    """Write the application's soonest dated clock into Application.next_deadline (the inbox's urgency order).
    Called inside the transaction of whatever moved a clock: a transition, a changed document or fact, an
    approved extension. Reads the application's corrections and extensions afresh."""
    from ..models import Application

    for cached in ("clocks", "_clock_policy"):
        application.__dict__.pop(cached, None)
    found = application.clocks = application_clocks(application)
    due = next((clock.due for clock in found if clock.due is not None), None)
    Application.objects.filter(pk=application.pk).update(next_deadline=due)
    application.next_deadline = due
    return due


def refresh_next_deadlines(queryset=None, *, chunk: int = 500) -> int:
    """Recompute the stored next deadline of many applications (daily, and `manage.py clocks_refresh` after a
    deploy or a calendar edit): a few queries a chunk. Returns how many rows changed."""
    from ..models import Application

    queryset = queryset if queryset is not None else Application.objects.exclude(state__in=with_trait("terminal"))
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), chunk):
        rows = list(prefetch_for_clocks(Application.objects.filter(pk__in=ids[start:start + chunk]).select_related(
            "event", "district", "district__parent", "catalogue")))
        before = {a.pk: a.next_deadline for a in rows}
        attach_clocks(rows)  # sets .next_deadline to the soonest dated clock
        stale = [a for a in rows if a.next_deadline != before[a.pk]]
        Application.objects.bulk_update(stale, ["next_deadline"])
        changed += len(stale)
    return changed


# ---------------------------------------------------------------------------------------------- extensions


def _supervisors(application) -> list:
    authority = _deciding_authority(application)
    return list(get_user_model().objects.filter(authority=authority, is_active=True, groups__name=roles.SUPERVISOR))


def _locked(application, expected_revision):
    from ..workflow.actions import ApplicationConflict
    from ..models import Application

    locked = Application.objects.select_for_update(of=("self",)).select_related("event", "district").get(
        pk=application.pk)
    if expected_revision not in (None, "") and str(expected_revision) != str(locked.revision):
        raise ApplicationConflict()
    return locked


def extension_pending(application) -> ClockExtension | None:
    return next((e for e in application.clock_extensions.all() if not e.approved), None)


def extension_refusal(application) -> str | None:
    """Why the decision clock of this application may not be extended (now), or None."""
    if not state_has(application.state, "deciding"):
        return _("只有受理后、作出决定前的决定时限可以延长。")
    policy = application_policy(application)
    if not policy.extension_days:
        return _("本机关的审批时限设置不允许延长决定期限。")
    if application.clock_extensions.all():  # the page prefetched them
        return _("决定期限已申请过延长（只能延长一次）。")
    return None


def may_request_extension(application, user) -> bool:
    from .. import access

    return bool(user.is_police and application.user_may(user, access.REVIEW) and extension_refusal(application)
                is None)


def may_approve_extension(application, user) -> bool:
    from .. import access

    return bool(user.is_police and user.is_supervisor and application.user_may(user, access.REVIEW)
                and state_has(application.state, "deciding") and extension_pending(application) is not None)


def _tell(application, *, users, verb, message, dedupe_key, actor=None):
    from ..workflow.actions import _tell as tell

    tell(application, users=users, verb=verb, message=message, dedupe_key=dedupe_key, actor=actor)


@transaction.atomic
def clock_extension_request(*, application, actor, reason: str, expected_revision=None) -> ClockExtension:
    """The officer asks to extend the decision clock by the bureau's extension days, with the reason; the
    supervisors are told (行政许可法 Art. 42: extended with the approval of the head of the organ)."""
    from .. import access
    from ..audit import Event, audit_record

    application = _locked(application, expected_revision)
    if actor is None or not actor.is_police or not application.user_may(actor, access.REVIEW):
        raise PermissionDenied(_("只有受理机关的民警可以申请延长决定期限。"))
    refusal = extension_refusal(application)
    if refusal:
        raise ValidationError(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写延长决定期限的理由。")})
    policy = policy_for(_deciding_authority(application))
    extension = ClockExtension(application=application, days=policy.extension_days,
                               working_days=policy.decision_days_are_working_days, reason=reason,
                               requested_by=actor, requested_at=timezone.now())
    extension.full_clean()
    extension.save()
    entry = audit_record(application, actor=actor, event=Event.CLOCK_EXTENSION_REQUESTED, reason=reason,
                         snapshot={"extension": extension.pk, "days": extension.days})
    _tell(application, users=_supervisors(application), verb="clock_extension_requested", actor=actor,
          dedupe_key=f"audit:{entry.pk}",
          message=_("“%(event)s”（%(reference)s）申请延长决定期限 %(days)s 天，待您批准。理由：%(reason)s") % {
              "event": application.event.name, "reference": application.reference, "days": extension.days,
              "reason": reason})
    return extension


@transaction.atomic
def clock_extension_approve(*, application, actor, expected_revision=None) -> ClockExtension:
    """A supervisor of the bureau approves the pending extension: the decision clock runs its days longer;
    the applicant is told the reason and the new due date."""
    from .. import access
    from ..audit import Event, audit_record
    from ..workflow.actions import _people_concerned

    application = _locked(application, expected_revision)
    if actor is None or not actor.is_police or not actor.is_supervisor or \
            not application.user_may(actor, access.REVIEW):
        raise PermissionDenied(_("只有受理机关的领导可以批准延长决定期限。"))
    extension = ClockExtension.objects.select_for_update().filter(
        application=application, approved_at__isnull=True).first()
    if extension is None or not state_has(application.state, "deciding"):
        raise ValidationError(_("没有待批准的延长申请。"))
    extension.approved_by = actor
    extension.approved_at = timezone.now()
    extension.save(update_fields=["approved_by", "approved_at"])
    store_next_deadline(application)
    clock = next(c for c in application.clocks if c.kind == "decision")
    due = clock.due.isoformat() if clock.due else ""
    entry = audit_record(application, actor=actor, event=Event.CLOCK_EXTENDED, reason=extension.reason,
                         snapshot={"extension": extension.pk, "days": extension.days, "decision_due": due})
    _tell(application, users=_people_concerned(application, police=True) + [extension.requested_by],
          verb="clock_extended", actor=actor, dedupe_key=f"audit:{entry.pk}",
          message=_("“%(event)s”（%(reference)s）的决定期限经批准延长 %(days)s 天%(due)s。理由：%(reason)s") % {
              "event": application.event.name, "reference": application.reference, "days": extension.days,
              "due": _("，至 %(due)s") % {"due": due} if due else "", "reason": extension.reason})
    return extension


# ---------------------------------------------------------------------------------------------- overdue


def prefetch_for_clocks(queryset):
    """What application_clocks reads, for a list (no query per row)."""
    from django.db.models import DateField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from ..models import ApplicationDocument

    deferred_due = Subquery(ApplicationDocument.objects.filter(
        application=OuterRef("pk"), status=ApplicationDocument.Status.DEFERRED, deferred_due_date__isnull=False,
    ).order_by("deferred_due_date").values("deferred_due_date")[:1], output_field=DateField())
    return queryset.prefetch_related("correction_requests", "clock_extensions").annotate(
        clock_deferred_due=Coalesce(deferred_due, Value(date.max, output_field=DateField())))


def clocks_overdue_notify(*, today: date | None = None) -> int:
    """The daily check: each bureau clock (受理, 决定) that is overdue is told once to the officer in charge and
    the supervisors of the bureau (OverdueNotice keeps what was sent). Returns how many were told."""
    from ..models import Application

    today = today or timezone.localdate()
    applications = prefetch_for_clocks(Application.objects.filter(state__in=with_trait("undecided"),
                                                                  submitted_at__isnull=False)
                                       .select_related("event", "district", "assigned_reviewer"))
    calendar, policies = work_calendar(), Policies()
    sent = 0
    for application in applications:
        for clock in application_clocks(application, today=today, calendar=calendar, policies=policies):
            if clock.kind in BUREAU_CLOCKS and clock.overdue:
                try:
                    sent += _notify_overdue(application, clock)
                except Exception:  # one bad row must not stop the others; the next run retries it
                    logger.exception("Overdue notice failed for application %s", application.pk)
    return sent


KIND_LABELS = {"acceptance": gettext_noop("受理时限"), "decision": gettext_noop("决定时限")}


@transaction.atomic
def _notify_overdue(application, clock: Deadline) -> int:
    from ..audit import Event, audit_record

    try:
        with transaction.atomic():
            notice = OverdueNotice.objects.create(application=application, kind=clock.kind, due=clock.due)
    except IntegrityError:
        return 0  # told already
    entry = audit_record(application, actor=None, event=Event.CLOCK_OVERDUE,
                         snapshot={"clock": clock.kind, "due": clock.due.isoformat(), "notice": notice.pk})
    officers = [application.assigned_reviewer] if application.assigned_reviewer_id else list(
        get_user_model().objects.filter(authority=_deciding_authority(application), is_active=True,
                                        groups__name=roles.REVIEWER))
    _tell(application, users=officers + _supervisors(application), verb="clock_overdue",
          dedupe_key=f"clock_overdue:{notice.pk}",
          message=_("“%(event)s”（%(reference)s）的%(clock)s已于 %(due)s 届满，请立即办理。") % {
              "event": application.event.name, "reference": application.reference,
              "clock": _(KIND_LABELS[clock.kind]), "due": clock.due.isoformat()})
    return 1
