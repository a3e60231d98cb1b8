"""The workflow's services: every change of an application's state (submission included), assignments and
culture-tourism vetting.

One path for every state change (`_fire`): the row locked (select_for_update) and the caller's
`expected_revision` compared (a mismatch raises ApplicationConflict, shown as 409 / "已被他人修改"); state, role
and object permission checked (`_check_transition`, from the fsm table) and the input validated before any write;
the write; one typed audit event (approvals.audit); notifications to the people concerned (in-app now, e-mail
through the outbox after commit); after commit approvals.signals.application_transitioned, whose receivers
re-assess the risk (approvals.risk) and render the plan (plans, through the outbox).
The transition table itself is on the model (Application.accept, .approve, ... with django-fsm); what each
action is called, takes and needs is approvals.workflow.registry.
"""
import logging
from datetime import date, datetime, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from accounts import roles
from notifications.models import Notification
from events.models import Performer, Song, VettingStatus

from .. import access, clocks, signals
from . import corrections, deadlines, progress
from ..audit import Event, transition_event
from ..models import (
    Application, ApplicationDocument, ApplicationState, AuditEntry, DecisionNumberSequence, DeferredCommitment,
    ChangeRequest, PartyAssignment, Permit, Refusal, Suspension,
)
from ..applications.requirements import Requirements, requirements_for
from ..applications.selectors import deferred_commitments_of
from ..applications.services import audit
from . import fsm
from .states import state_has, with_trait

logger = logging.getLogger(__name__)
S = ApplicationState

def _label(name: str) -> str:
    """What the action is called on buttons and in messages (approvals.workflow.registry)."""
    from .registry import REGISTRY

    entry = REGISTRY.get(name)
    return str(entry.label) if entry else name
# Kept for callers of the older names: the states come from their traits (approvals.workflow.states).
VETTING_STATES = with_trait("vetting_open")
ASSIGNABLE_STATES = with_trait("assignable")


class ApplicationConflict(Exception):
    """Someone else changed the application after the user loaded it: pages show a message, the API a 409."""

    def __init__(self, message=None):
        super().__init__(message or _("已被他人修改：该申请刚刚被其他人处理，请刷新页面查看最新状态后再操作。"))
        self.message = str(self.args[0])


# ---------------------------------------------------------------------------------------------- plumbing


def _lock(application: Application | int, expected_revision=None) -> Application:
    """Re-read the row under a lock (only the application's row: `of=self`), then compare revisions."""
    pk = application if isinstance(application, int) else application.pk
    locked = (Application.objects.select_for_update(of=("self",))
              .select_related("event", "catalogue", "organisation", "district").get(pk=pk))
    if expected_revision not in (None, ""):
        try:
            expected = int(expected_revision)
        except (TypeError, ValueError):
            raise ValidationError({"expected_revision": _("版本号无效。")})
        if expected != locked.revision:
            raise ApplicationConflict()
    return locked


def _check_transition(application: Application, name: str, actor, *, state_refusal: str = "") -> None:
    """From the right state (else a clear 400), by a user whose role may fire it (else 403)."""
    label = _label(name)
    if not fsm.allows(application, name):
        raise ValidationError(state_refusal or _("申请当前状态为“%(state)s”，不能%(action)s。") % {
            "state": application.get_state_display(), "action": label})
    if actor is None or not fsm.permits(application, name, actor):
        raise PermissionDenied(authority_refusal(application, name, actor)
                               or _("您无权对此申请执行“%(action)s”。") % {"action": label})


# Decisions: who takes them depends on the level (sign-off) and the headcount (the city bureau decides).
DECISION_TRANSITIONS = ("approve", "approve_provisionally", "confirm_post_review", "reject", "revoke")


def authority_refusal(application: Application, name: str, user) -> str | None:
    """Why a police officer whose bureau reviews this application may not take this decision or resume
    (needs a supervisor's signature, the city bureau, or the authority that suspended); None otherwise."""
    if user is None or not user.is_authenticated or not user.is_police or \
            not application.user_may(user, access.REVIEW):
        return None
    if name == "resume":
        return application.resume_refusal(user, action=_label(name))
    if name in DECISION_TRANSITIONS:
        return application.decision_refusal(user, action=_label(name))
    return None


def _required_text(value, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _snapshot(application: Application, **extra) -> dict:
    event = application.event
    return {
        "revision": application.revision, "security_level": application.security_level,
        "needs_city_decision": application.needs_city_decision, "expected_attendance": event.expected_attendance,
        "start_at": event.start_at.isoformat(), "end_at": event.end_at.isoformat(),
        "assigned_reviewer": application.assigned_reviewer_id, **extra,
    }


def _fire(application: Application, name: str, *, actor, reason: str = "", snapshot: dict | None = None,
          args=(), message: str = "", also=()) -> AuditEntry:
    """The one write path of a state change (the caller locked the row and checked state, role and input):
    change the state, bump the revision, one typed audit event, the re-assessment enqueued (outbox, runs after
    commit), the people concerned told (e-mails through the outbox), application_transitioned after commit (the
    plan PDF on approval: plans, through the outbox)."""
    from ..risk.bridge import reassess_after_commit

    from_state = application.state
    try:
        getattr(application, name)(*args)
        application.revision += 1
        application.save()
    except ConcurrentTransition:
        raise ApplicationConflict()
    # The revision this transition produced (callers may have taken their snapshot before the bump).
    snapshot = {**(snapshot if snapshot is not None else _snapshot(application)), "revision": application.revision}
    entry = audit(application, actor=actor, event=transition_event(name, from_state=from_state),
                  action=AuditEntry.Action.TRANSITION, transition=name, from_state=from_state,
                  to_state=application.state, reason=reason, snapshot=snapshot)
    clocks.store_next_deadline(application)
    reassess_after_commit(application, trigger=name)
    transaction.on_commit(partial(
        signals.application_transitioned.send, sender=Application, application=application, transition=name,
        from_state=from_state, to_state=application.state, actor=actor, reason=reason, reassessed=True),
        robust=True)
    _tell_transition(application, entry, actor=actor, message=message, also=also)
    return entry


def application_link(application: Application) -> str:
    for name in ("approvals:detail", "review:application"):
        try:
            return reverse(name, args=[application.pk])
        except NoReverseMatch:
            continue
    return ""


def _people_concerned(application: Application, *, police: bool = False) -> list:
    """The organizer's staff, the assigned reviewer, the culture official; with police=True the district bureau."""
    User = get_user_model()
    people = list(User.objects.filter(organisation_id=application.organisation_id, is_active=True,
                                      groups__name=roles.ORGANIZER))
    for user in (application.assigned_reviewer, application.culture_official):
        if user is not None:
            people.append(user)
    if police or application.assigned_reviewer_id is None:
        people += list(User.objects.filter(authority_id=application.district_id, is_active=True,
                                           groups__name__in=roles.POLICE_ROLES))
    return people


def _tell(application: Application, *, users, verb: str, message: str, dedupe_key: str, actor=None, action: str = "",
          due_date=None, priority: str | None = None) -> None:
    from notifications.services import notify

    recipients = [u for u in users if actor is None or u.pk != actor.pk]
    notify(users=recipients, verb=verb, message=message, application=application,
           link=application_link(application), dedupe_key=dedupe_key, action=action, due_date=due_date,
           priority=priority)


def _tell_transition(application: Application, entry: AuditEntry, *, actor, message: str = "", also=()) -> None:
    """`message`: what this transition adds (e.g. the items to correct); `also`: people told besides those
    concerned (e.g. the officer who asked for the correction)."""
    text = _("“%(event)s”（%(reference)s）：%(action)s，当前状态：%(state)s。") % {
        "event": application.event.name, "reference": application.reference,
        "action": _label(entry.transition), "state": application.get_state_display()}
    if message:
        text += "\n" + message
    if entry.reason:
        text += "\n" + _("理由：%(reason)s") % {"reason": entry.reason}
    # What the applicant does now, and by when (the clocks _fire just stored): not only the new state's name.
    reviewer = application.assigned_reviewer
    upcoming = progress.next_step(state=application.state, clocks=getattr(application, "clocks", None) or [],
                                  reviewer_name=str(reviewer) if reviewer else "")
    if upcoming:
        text += "\n" + _("下一步：%(next)s") % {"next": upcoming}
    users = [*_people_concerned(application, police=actor is None), *(u for u in also if u)]
    if entry.transition in CITY_ROUTE_TRANSITIONS and application.city_level:
        users += _bureaus_of_city_route(application)  # both bureaus follow a city-level case
    # Each reader's own task and its date (approvals.workflow.guidance): the applicant's staff, the others.
    from .guidance import organizer_todo, police_todo

    staff = [u for u in users if u.organisation_id and u.organisation_id == application.organisation_id]
    others = [u for u in users if u not in staff]
    for readers, todo in ((staff, organizer_todo(application, entry.transition)),
                          (others, police_todo(application, entry.transition))):
        if readers:
            _tell(application, users=readers, verb=entry.transition, message=text, dedupe_key=f"audit:{entry.pk}",
                  actor=actor, action=todo.action, due_date=todo.due, priority=todo.priority)


def _today() -> date:
    return timezone.localdate()


def _event_date(application: Application) -> date:
    return timezone.localtime(application.event.start_at).date()


def _set_decision_clock(application: Application) -> None:
    application.accepted_at = timezone.now()
    application.decision_due_date = clocks.decision_due_on_acceptance(application, _today())


def _locked_requirements(application: Application) -> Requirements:
    """The application's document requirements (approvals.applications.requirements), its document rows locked."""
    return requirements_for(application, documents=application.documents.select_related("document_type")
                            .select_for_update(of=("self",)))


# ---------------------------------------------------------------------------------------------- reads for pages


def approval_blockers(application: Application) -> list[str]:
    """Every reason the application cannot be approved now (vetting, commitment, fuse flags, event started,
    a department's opinion pending or negative: approvals.opinions)."""
    from ..opinions.services import opinion_blockers
    from ..risk.bridge import fuse_flags_blocking_approval

    reasons = list(application.vetting_blockers())
    unsigned = [c for c in deferred_commitments_of(application) if c.signed_at is None]
    if any(not c.is_fulfilled for c in unsigned):
        reasons.append(_("容缺承诺书尚未由申请单位签署。"))
    reasons += [str(r) for r in fuse_flags_blocking_approval(application)]
    if application.event.start_at <= timezone.now():
        reasons.append(_("活动已开始，不能再作出许可决定。"))
    reasons += opinion_blockers(application)
    return reasons


def application_deadlines(application: Application, today: date | None = None) -> list[deadlines.Deadline]:
    """The deadlines that still matter in the application's state, soonest first."""
    return clocks.application_deadlines(application, today)  # the statutory clocks (approvals.clocks)


def latest_deferred_due(application: Application) -> date:
    return deadlines.latest_deferred_due_date(
        _event_date(application), days_before_event=application.catalogue.deferred_due_days_before_event)


def reviewer_choices(application: Application) -> list:
    """Police officers of the bureau and the bureaus above it (who may be assigned)."""
    authorities, authority = [], application.district
    while authority is not None:
        authorities.append(authority.pk)
        authority = authority.parent
    return list(get_user_model().objects.filter(authority_id__in=authorities, is_active=True,
                                                groups__name__in=roles.POLICE_ROLES).distinct().order_by("username"))


def culture_official_choices() -> list:
    return list(get_user_model().objects.filter(is_active=True, groups__name=roles.CULTURE_OFFICIAL)
                .select_related("authority").order_by("username"))


# ---------------------------------------------------------------------------------------------- acceptance


@transaction.atomic
def application_accept(*, application: Application, actor, expected_revision=None) -> Application:
    """受理: every applicable document is there (missing deferrable ones need accept-with-deferred)."""
    application = _lock(application, expected_revision)
    _check_transition(application, "accept", actor)
    missing = [d.document_type.name for d in _locked_requirements(application).missing]
    if missing:
        raise ValidationError(_("材料不齐：%(docs)s。请容缺受理或退回补正。") % {"docs": _("、").join(missing)})
    _set_decision_clock(application)
    _fire(application, "accept", actor=actor,
          snapshot=_snapshot(application, decision_due_date=application.decision_due_date.isoformat()))
    return application


@transaction.atomic
def application_accept_with_deferred(*, application: Application, actor, documents: list[str], due_date: date,
                                     expected_revision=None) -> Application:
    """容缺受理: the listed deferrable documents follow by due_date, on the organizer's signed commitment."""
    application = _lock(application, expected_revision)
    _check_transition(application, "accept_with_deferred", actor)
    codes = {str(c) for c in (documents or []) if str(c).strip()}
    if not codes:
        raise ValidationError({"documents": _("请选择容缺补交的材料。")})
    requirements = _locked_requirements(application)
    errors = requirements.deferral_errors(codes)
    if errors:
        raise ValidationError({"documents": errors})
    applicable = requirements.by_code()
    left_out = [d.document_type.name for d in requirements.left_out(codes)]
    if left_out:
        raise ValidationError({"documents": _("以下材料缺失且未列入容缺，请一并容缺或退回补正：%(docs)s")
                               % {"docs": _("、").join(left_out)}})
    if isinstance(due_date, datetime):
        due_date = due_date.date()
    if not isinstance(due_date, date):
        raise ValidationError({"due_date": _("请填写补交期限。")})
    latest = latest_deferred_due(application)
    if due_date > latest:
        raise ValidationError({"due_date": _("补交期限最迟为活动开始前 %(days)s 天（%(latest)s）。") % {
            "days": application.catalogue.deferred_due_days_before_event, "latest": latest.isoformat()}})
    if due_date < _today():
        raise ValidationError({"due_date": _("补交期限不能早于今天。")})

    deferred = [applicable[code] for code in sorted(codes)]
    for document in deferred:
        document.status = ApplicationDocument.Status.DEFERRED
        document.deferred_due_date = due_date
        document.save(update_fields=["status", "deferred_due_date"])
    commitment = DeferredCommitment(application=application, due_date=due_date, created_by=actor)
    commitment.full_clean()
    commitment.save()
    commitment.documents.set(deferred)
    _set_decision_clock(application)
    _fire(application, "accept_with_deferred", actor=actor, snapshot=_snapshot(
        application, deferred_documents=sorted(codes), deferred_due_date=due_date.isoformat(),
        decision_due_date=application.decision_due_date.isoformat()))
    return application


@transaction.atomic
def deferred_commitment_sign(*, commitment: DeferredCommitment, actor) -> DeferredCommitment:
    """The organizer signs the commitment (承诺) to deliver the deferred documents by the due date."""
    application = _lock(commitment.application)
    if not (actor.is_organizer and application.user_may(actor, access.CHANGE)):
        raise PermissionDenied(_("只有申请单位可以签署容缺承诺书。"))
    commitment = DeferredCommitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.signed_at is not None:
        raise ValidationError(_("承诺书已于 %(when)s 签署。") % {
            "when": timezone.localtime(commitment.signed_at).strftime("%Y-%m-%d %H:%M")})
    if state_has(application.state, "terminal"):
        raise ValidationError(_("申请已终结，无需签署。"))
    commitment.signed_by = actor
    commitment.signed_at = timezone.now()
    commitment.save(update_fields=["signed_by", "signed_at"])
    audit(application, actor=actor, action=AuditEntry.Action.COMMITMENT_SIGNED, snapshot={
        "commitment": commitment.pk, "due_date": commitment.due_date.isoformat(),
        "documents": sorted(commitment.documents.values_list("document_type__code", flat=True))})
    return commitment


@transaction.atomic
def application_return(*, application: Application, actor, reason: str, items=(), due_date=None,
                       expected_revision=None) -> Application:
    """退回补正 / 补充材料 from any stage before the decision, told at once and in full (一次性告知): `reason` is
    the note, `items` what the organizer must change (and alone may change; approvals.workflow.corrections),
    by `due_date`. Acceptance, deferred commitments and vetting decisions stay; resubmission returns to this
    stage. The statutory clocks pause from now until the resubmission (CorrectionRequest.requested_at →
    resubmitted_at)."""
    application = _lock(application, expected_revision)
    _check_transition(application, "return_for_correction", actor)
    reason = _required_text(reason, "reason", _("请填写退回理由和需补正的内容。"))
    correction = corrections.request_correction(application, actor=actor, note=reason, items=items,
                                                due_date=due_date)
    _fire(application, "return_for_correction", actor=actor, reason=reason, message=corrections.notice_text(correction),
          snapshot=_snapshot(application, correction=correction.pk, stage=correction.stage,
                             items=correction.items, due_date=correction.due_date.isoformat()))
    return application


def submission_flags(application: Application, *, now=None) -> dict:
    """Flags fixed at submission, for the inbox: late (less than the lead time), city-level (headcount)."""
    now = now or timezone.now()
    catalogue = application.catalogue
    event = application.event
    return {
        "is_late": event.start_at - now < timedelta(days=catalogue.submission_lead_days),
        "needs_city_decision": event.expected_attendance >= catalogue.city_level_threshold,
    }


@transaction.atomic
def application_submit(*, application: Application, actor, expected_revision=None) -> Application:
    """Hand the application in, the first time or again after a return (the one submit path: the organizer's
    page, POST /api/applications/<id>/submit/ and …/workflow/resubmit/ all call this).

    Refused with the list of what is missing until every blocking item is there; missing deferrable documents
    are recorded as "to be deferred". A resubmission goes to the bureau of the venue's district now (the venue
    may have moved while returned). The bureau's officers are told (the assigned officer, or the whole district
    bureau while nobody is assigned), and the risk is re-assessed after commit."""
    from ..applications.checklist import application_checklist, blocking_gaps, documents_to_defer
    from ..applications.selectors import application_with_contents
    from ..applications.services import _follow_venue_district

    application = _lock(application, expected_revision)
    _check_transition(application, "submit", actor, state_refusal=_(
        "申请当前状态为“%(state)s”，不能重复提交。") % {"state": application.get_state_display()})
    application_with_contents(application)
    event = application.event
    if event.start_at <= timezone.now():
        raise ValidationError({"start_at": _("活动开始时间已过，不能提交。")})
    gaps = blocking_gaps(application_checklist(application))
    if gaps:
        raise ValidationError({"__all__": [
            _("尚缺：%(item)s") % {"item": g.label} + (_("（%(note)s）") % {"note": g.note} if g.note else "")
            for g in gaps]})
    # After a correction: back to the stage it left, keeping acceptance, commitments and vetting.
    correction = corrections.open_correction(application)
    back_to = correction.stage if correction is not None else S.SUBMITTED
    flags = submission_flags(application)
    deferred = []
    if back_to == S.SUBMITTED:  # not accepted yet: handed in anew (flags, deferral, submission time)
        deferred = documents_to_defer(application)
        for document in deferred:
            document.status = ApplicationDocument.Status.TO_BE_DEFERRED
            document.save(update_fields=["status"])
        application.is_late = flags["is_late"]
        application.submitted_at = timezone.now()
    application.needs_city_decision = flags["needs_city_decision"]  # the headcount may have been corrected
    _follow_venue_district(application, actor=actor)
    message, also, answered = "", (), {}
    if correction is not None:
        changes = corrections.revision_changes(correction)
        correction.resubmitted_at = timezone.now()
        correction.save(update_fields=["resubmitted_at"])
        message, also = corrections.resubmission_text(correction, changes), (correction.requested_by,)
        answered = {"correction": correction.pk, "back_to": back_to,
                    "corrected": list(dict.fromkeys(f"{row.kind}:{row.key}" for row in changes))}
    _fire(application, "submit", actor=actor, args=(back_to,), message=message, also=also, snapshot={
        **flags, "to_be_deferred": [d.document_type.code for d in deferred],
        "expected_attendance": event.expected_attendance, "start_at": event.start_at.isoformat(),
        "district": application.district_id, **answered})
    # From submission on the district bureau (and the bureaus above it) and the named security company see it;
    # a bureau or company it no longer concerns stops seeing it.
    access.application_sync_access(application, actor=actor)
    return application


# Resubmitting after a return is submitting: the same service (kept under its API name).
application_resubmit = application_submit


@transaction.atomic
def application_start_review(*, application: Application, actor, expected_revision=None) -> Application:
    application = _lock(application, expected_revision)
    _check_transition(application, "start_review", actor)
    _fire(application, "start_review", actor=actor)
    return application


# ---------------------------------------------------------------------------------------------- decisions


def permit_conditions(application: Application, permit: Permit | None = None) -> list[str]:
    """The conditions printed on the permit: headcount, struck items, deferred documents, provisional review,
    the departments' conditions (approvals.opinions), and those the reviewer chose at approval (the library's
    and free text, kept on the permit: `Permit.chosen_conditions`)."""
    from ..opinions.services import opinion_conditions

    event = application.event
    conditions = [_("入场人数不得超过许可人数 %(n)s 人，票证查验达到许可人数即停止入场。") % {
        "n": event.expected_attendance}]
    performers = list(event.performers.prefetch_related("songs"))
    for performer in performers:
        if performer.vetting_status == VettingStatus.STRUCK:
            conditions.append(_("演出者“%(name)s”不得登台演出（%(reason)s）。") % {
                "name": performer.name, "reason": performer.vetting_reason})
            continue
        for song in performer.songs.all():
            if song.vetting_status == VettingStatus.STRUCK:
                conditions.append(_("曲目《%(title)s》（%(name)s）不得演出（%(reason)s）。") % {
                    "title": song.title, "name": performer.name, "reason": song.vetting_reason})
    for document in application.documents.select_related("document_type").order_by("document_type__number"):
        if document.status == ApplicationDocument.Status.DEFERRED:
            conditions.append(_("容缺材料“%(doc)s”须于 %(due)s 前补交，逾期未补交本许可将被熔断（暂停）。") % {
                "doc": document.document_type.name, "due": document.deferred_due_date.isoformat()})
    if application.state == S.PROVISIONALLY_APPROVED and application.post_review_due_date:
        conditions.append(_("本许可为先批后审临时许可：实质审查须于 %(due)s 前完成；审查未通过将撤销许可，"
                            "逾期未完成将熔断。") % {"due": application.post_review_due_date.isoformat()})
    conditions += opinion_conditions(application)
    if permit is not None:
        conditions += list(permit.chosen_conditions or [])
    return conditions


def next_decision_number(authority, kind: str, *, year: int | None = None) -> str:
    """The next number of `authority`'s series for `kind` (permit or refusal) in `year`, in the authority's own
    format (events.Authority.permit_number_format / refusal_number_format): the sequence row is locked, so
    numbers are never duplicated or skipped."""
    year = year or timezone.localdate().year
    DecisionNumberSequence.objects.bulk_create(
        [DecisionNumberSequence(authority=authority, year=year, kind=kind)], ignore_conflicts=True)
    sequence = DecisionNumberSequence.objects.select_for_update().get(authority=authority, year=year, kind=kind)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    number_format = (authority.permit_number_format if kind == DecisionNumberSequence.Kind.PERMIT
                     else authority.refusal_number_format)
    return authority.decision_number(number_format, year=year, n=sequence.last)


def _issue_permit(application: Application, *, actor, kind: str, audit_reason: str = "",
                  chosen_conditions: list[str] | None = None) -> Permit:
    """Issue (or re-issue) the numbered permit; with `audit_reason`, record it as a permit_issued event;
    `chosen_conditions`: the reviewer's (None keeps those chosen before)."""
    signer = actor if actor.is_supervisor else None
    permit = Permit.objects.select_for_update().filter(application=application).first()
    if permit is None:
        # In the deciding authority's name and number series (the city bureau for a city-level event).
        authority = application.deciding_authority
        permit = Permit(application=application, authority=authority, issued_at=timezone.now(), issued_by=actor,
                        number=next_decision_number(authority, DecisionNumberSequence.Kind.PERMIT))
    permit.kind = kind
    permit.signed_by = signer or permit.signed_by
    permit.approved_attendance = application.event.expected_attendance
    if chosen_conditions is not None:
        permit.chosen_conditions = chosen_conditions
    permit.conditions = permit_conditions(application, permit)
    permit.full_clean()
    permit.save()
    if audit_reason:
        audit(application, actor=actor, event=Event.PERMIT_ISSUED, reason=audit_reason % {"n": permit.number},
              snapshot={"permit": permit.number, "kind": permit.kind, "conditions": permit.conditions})
    return permit


def _refuse_if_blocked(reasons: list[str]) -> None:
    if reasons:
        raise ValidationError({"__all__": reasons})


@transaction.atomic
def application_approve(*, application: Application, actor, expected_revision=None, library_conditions=(),
                        extra_conditions: str = "") -> Application:
    """许可: issues the permit with its conditions, among them the standard conditions the reviewer picked
    (`library_conditions`: ids, or {"id", "text"} with the text edited) and free text (`extra_conditions`, one
    per line). Blocked by pending vetting, an unsigned commitment, fuse flags, pending or negative opinions."""
    from ..opinions.services import chosen_conditions

    application = _lock(application, expected_revision)
    _check_transition(application, "approve", actor)
    _refuse_if_blocked(approval_blockers(application))
    chosen = chosen_conditions(application, library_conditions=library_conditions,
                               extra_conditions=extra_conditions)
    application.decided_at = timezone.now()
    entry_snapshot = _snapshot(application, conditions=permit_conditions(application) + chosen)
    _fire(application, "approve", actor=actor, snapshot=entry_snapshot)
    permit = _issue_permit(application, actor=actor, kind=Permit.Kind.APPROVED,
                           audit_reason=_("签发许可决定书 %(n)s"), chosen_conditions=chosen)
    _copy_decision(application, actor=actor, authority=permit.authority, number=permit.number)
    return application


@transaction.atomic
def application_approve_provisionally(*, application: Application, actor, expected_revision=None) -> Application:
    """先批后审: only level 四级 and a clean record; the post-review is due N days before the event."""
    from ..risk.bridge import fuse_flags_blocking_approval

    application = _lock(application, expected_revision)
    _check_transition(application, "approve_provisionally", actor)
    reasons = application.provisional_blockers() + [str(r) for r in fuse_flags_blocking_approval(application)]
    due = deadlines.post_review_due_date(
        _event_date(application), days_before_event=application.catalogue.post_review_days_before_event)
    if due < _today():
        reasons.append(_("距活动开始不足 %(days)s 天，不能先批后审。") % {
            "days": application.catalogue.post_review_days_before_event})
    _refuse_if_blocked(reasons)
    application.post_review_due_date = due
    application.decided_at = timezone.now()
    _fire(application, "approve_provisionally", actor=actor,
          snapshot=_snapshot(application, post_review_due_date=due.isoformat()))
    permit = _issue_permit(application, actor=actor, kind=Permit.Kind.PROVISIONAL,
                           audit_reason=_("签发先批后审临时许可 %(n)s"))
    _copy_decision(application, actor=actor, authority=permit.authority, number=permit.number)
    return application


@transaction.atomic
def application_confirm_post_review(*, application: Application, actor, expected_revision=None) -> Application:
    """The substantive review of a provisional permit passed: it becomes a full permit."""
    application = _lock(application, expected_revision)
    _check_transition(application, "confirm_post_review", actor)
    _refuse_if_blocked(approval_blockers(application))
    _fire(application, "confirm_post_review", actor=actor)
    _issue_permit(application, actor=actor, kind=Permit.Kind.APPROVED)
    return application


@transaction.atomic
def application_reject(*, application: Application, actor, reason: str, expected_revision=None) -> Application:
    """不予许可, with the reasons printed on the refusal."""
    application = _lock(application, expected_revision)
    _check_transition(application, "reject", actor)
    reason = _required_text(reason, "reason", _("请填写不予许可的理由。"))
    application.decided_at = timezone.now()
    authority = application.deciding_authority
    number = next_decision_number(authority, DecisionNumberSequence.Kind.REFUSAL)
    _fire(application, "reject", actor=actor, reason=reason, snapshot=_snapshot(application, refusal=number))
    refusal = Refusal(application=application, authority=authority, number=number, reason=reason, decided_by=actor,
                      decided_at=application.decided_at)
    refusal.full_clean()
    refusal.save()
    _copy_decision(application, actor=actor, authority=authority, number=number)
    return application


@transaction.atomic
def application_revoke(*, application: Application, actor, reason: str, expected_revision=None) -> Application:
    """撤销许可 (e.g. the post-review of a provisional permit failed)."""
    application = _lock(application, expected_revision)
    _check_transition(application, "revoke", actor)
    reason = _required_text(reason, "reason", _("请填写撤销许可的理由。"))
    _fire(application, "revoke", actor=actor, reason=reason)
    Permit.objects.filter(application=application, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return application


# ---------------------------------------------------------------------------------------------- after the permit


def _suspend(application: Application, *, actor, reasons: str, required_changes: str, cause: str) -> Suspension:
    suspension = Suspension(application=application, from_state=application.state, reasons=reasons,
                            required_changes=required_changes, automatic=actor is None, cause=cause,
                            suspended_by=actor, suspending_authority=getattr(actor, "authority", None),
                            suspended_at=timezone.now())
    suspension.full_clean()
    suspension.save()
    _fire(application, "suspend", actor=actor, reason=reasons,
          snapshot=_snapshot(application, suspension=suspension.pk, cause=cause, required_changes=required_changes))
    return suspension


@transaction.atomic
def application_suspend(*, application: Application, actor, reasons: str, required_changes: str,
                        expected_revision=None) -> Application:
    """熔断: names the reasons and what must change before the permit is resumed."""
    application = _lock(application, expected_revision)
    _check_transition(application, "suspend", actor)
    reasons = _required_text(reasons, "reasons", _("请填写熔断原因。"))
    required_changes = _required_text(required_changes, "required_changes", _("请填写恢复前须整改的事项。"))
    _suspend(application, actor=actor, reasons=reasons, required_changes=required_changes,
             cause=Suspension.Cause.REVIEWER)
    return application


@transaction.atomic
def application_suspend_automatically(*, application: Application, reasons: str, required_changes: str,
                                      cause: str) -> Application | None:
    """The daily deadline check suspends (no actor); None when the application no longer holds a permit."""
    application = _lock(application)
    if not state_has(application.state, "permit_in_force"):
        return None
    _suspend(application, actor=None, reasons=reasons, required_changes=required_changes, cause=cause)
    return application


@transaction.atomic
def application_resume(*, application: Application, actor, changes_made: str,
                       expected_revision=None) -> Application:
    """Back to the permit's previous state, after recording what changed. A new approval: by whoever may
    decide the application, and by the authority that suspended or one above it (Application.resume_refusal)."""
    application = _lock(application, expected_revision)
    _check_transition(application, "resume", actor)
    changes_made = _required_text(changes_made, "changes_made", _("请记录已完成的整改情况。"))
    suspension = application.suspensions.select_for_update().filter(resumed_at__isnull=True).first()
    back_to = suspension.from_state if suspension else S.APPROVED
    if suspension:
        suspension.changes_made = changes_made
        suspension.resumed_by = actor
        suspension.resumed_at = timezone.now()
        suspension.save(update_fields=["changes_made", "resumed_by", "resumed_at"])
    _fire(application, "resume", actor=actor, reason=changes_made, args=(back_to,),
          snapshot=_snapshot(application, suspension=suspension.pk if suspension else None))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor, reason: str = "",
                         expected_revision=None) -> Application:
    """The organizer calls the event off; a permit it held is no longer valid."""
    application = _lock(application, expected_revision)
    _check_transition(application, "withdraw", actor)
    _fire(application, "withdraw", actor=actor, reason=(reason or "").strip())
    Permit.objects.filter(application=application, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return application


@transaction.atomic
def application_complete(*, application: Application, actor, expected_revision=None) -> Application:
    """办结: the event took place under its permit (only after it ended)."""
    application = _lock(application, expected_revision)
    _check_transition(application, "complete", actor)
    if application.event.end_at > timezone.now():
        raise ValidationError(_("活动尚未结束，不能办结。"))
    _fire(application, "complete", actor=actor)
    return application


# ---------------------------------------------------------------------------------------------- assignments


def _ensure_police(application: Application, actor, *, supervisor: bool = False) -> None:
    if actor is None or not actor.is_police or not application.user_may(actor, access.REVIEW):
        raise PermissionDenied(_("只有受理分局的民警可以执行此操作。"))
    if supervisor and not actor.is_supervisor:
        raise PermissionDenied(_("只有分局领导可以执行此操作。"))


@transaction.atomic
def application_assign_reviewer(*, application: Application, actor, reviewer,
                                expected_revision=None) -> Application:
    """A supervisor names the officer in charge (承办民警)."""
    application = _lock(application, expected_revision)
    _ensure_police(application, actor, supervisor=True)
    if not state_has(application.state, "assignable"):
        raise ValidationError(_("申请当前状态为“%(state)s”，不能分派。") % {"state": application.get_state_display()})
    if reviewer is None or not reviewer.is_police or not application.user_may(reviewer, access.REVIEW):
        raise ValidationError({"reviewer": _("只能分派给本分局（或上级市局）的审批民警。")})
    previous = application.assigned_reviewer_id
    application.assigned_reviewer = reviewer
    application.save(update_fields=["assigned_reviewer", "updated_at"])
    entry = audit(application, actor=actor, action=AuditEntry.Action.ASSIGNED,
                  snapshot={"reviewer": reviewer.pk, "previous": previous})
    _tell(application, users=[reviewer], verb="assigned", actor=actor, dedupe_key=f"audit:{entry.pk}",
          message=_("您被指派为“%(event)s”（%(reference)s）的承办民警。") % {
              "event": application.event.name, "reference": application.reference})
    return application


@transaction.atomic
def applications_assign_reviewer(*, application_ids, actor, reviewer) -> list[Application]:
    """分派 many at once from the queue: each row through application_assign_reviewer (its permission check,
    its audit row and its notice). All or nothing: one row the actor may not assign (not visible, another
    bureau's, not assignable, a reviewer who may not review it) refuses the whole batch, nothing changed, and
    the refusal names every such row."""
    from ..applications.selectors import applications_visible_to

    ids = list(dict.fromkeys(int(i) for i in application_ids if str(i).isdigit()))
    if not ids:
        raise ValidationError({"applications": _("请先勾选要分派的申请。")})
    if reviewer is None:
        raise ValidationError({"reviewer": _("请选择承办民警。")})
    found = {a.pk: a for a in applications_visible_to(actor).filter(pk__in=ids).select_related("event")}
    refused, done = [], []
    for pk in ids:
        application = found.get(pk)
        if application is None:
            refused.append(_("#%(id)s：无权查看或不存在") % {"id": pk})
            continue
        try:
            done.append(application_assign_reviewer(application=application, actor=actor, reviewer=reviewer))
        except (PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            refused.append(_("%(ref)s：%(why)s") % {"ref": application.reference, "why": " ".join(messages)})
    if refused:
        # Raised inside this transaction: the rows that went through are rolled back with it.
        raise ValidationError({"applications": [_("未分派（整批未执行）：") + "；".join(refused)]})
    return done


@transaction.atomic
def application_assign_culture_vetting(*, application: Application, actor, official,
                                       expected_revision=None) -> Application:
    """Ask a culture-tourism official to vet the lineup; the official then sees this event (and only the
    events assigned to them)."""
    application = _lock(application, expected_revision)
    _ensure_police(application, actor)
    if not application.event.has_performances:
        raise ValidationError(_("该活动没有演出，无需文旅审核。"))
    if not state_has(application.state, "vetting_open"):
        raise ValidationError(_("申请当前状态为“%(state)s”，不能指派文旅审核。") % {
            "state": application.get_state_display()})
    if official is None or not official.is_culture_official:
        raise ValidationError({"official": _("请选择文旅审核员。")})
    previous = application.culture_official_id
    application.culture_official = official
    application.save(update_fields=["culture_official", "updated_at"])
    entry = audit(application, actor=actor, action=AuditEntry.Action.ASSIGNED,
                  snapshot={"culture_official": official.pk, "previous": previous})
    # The official now assigned vets; one replaced loses the application (and may vet nothing more).
    access.application_sync_access(application, actor=actor)
    _tell(application, users=[official], verb="vetting_assigned", actor=actor, dedupe_key=f"audit:{entry.pk}",
          message=_("请审核“%(event)s”（%(reference)s）的演出阵容和曲目。") % {
              "event": application.event.name, "reference": application.reference})
    return application


@transaction.atomic
def application_set_supervising_party(*, application: Application, actor, organisation_name: str,
                                      responsible_person: str, phone: str, responsible_title: str = "",
                                      expected_revision=None) -> PartyAssignment:
    """The bureau names the fifth party (监管部门) and its responsible officer."""
    application = _lock(application, expected_revision)
    _ensure_police(application, actor)
    assignment = application.parties.select_related("party").filter(party__named_by_organizer=False).first()
    if assignment is None:
        raise ValidationError(_("目录中没有由公安机关填写的责任方。"))
    assignment.organisation_name = _required_text(organisation_name, "organisation_name", _("请填写单位名称。"))
    assignment.responsible_person = _required_text(responsible_person, "responsible_person", _("请填写责任人。"))
    assignment.phone = _required_text(phone, "phone", _("请填写联系电话。"))
    assignment.responsible_title = (responsible_title or "").strip()
    assignment.full_clean()
    assignment.save()
    audit(application, actor=actor, action=AuditEntry.Action.EDITED, snapshot={
        "party": assignment.party.code, "organisation_name": assignment.organisation_name,
        "responsible_person": assignment.responsible_person})
    return assignment


# ---------------------------------------------------------------------------------------------- vetting


def _vet(item, *, application_id: int | None, kind: str, actor, decision: str, reason: str):
    if application_id is None:
        raise ValidationError(_("该演出内容不属于任何申请。"))
    application = _lock(application_id)
    if actor is None or not actor.is_culture_official or not application.user_may(actor, access.VET):
        raise PermissionDenied(_("只有指派的文旅审核员可以审核演出内容。"))
    if not state_has(application.state, "vetting_open"):
        raise ValidationError(_("申请当前状态为“%(state)s”，不能审核演出内容。") % {
            "state": application.get_state_display()})
    if decision not in (VettingStatus.APPROVED, VettingStatus.STRUCK):
        raise ValidationError({"decision": _("请选择“通过”或“不予通过”。")})
    reason = (reason or "").strip()
    if decision == VettingStatus.STRUCK and not reason:
        raise ValidationError({"reason": _("不予通过须填写理由。")})
    item = type(item).objects.select_for_update().get(pk=item.pk)
    item.vetting_status = decision
    item.vetting_reason = reason
    item.vetted_by = actor
    item.vetted_at = timezone.now()
    item.full_clean()
    item.save(update_fields=["vetting_status", "vetting_reason", "vetted_by", "vetted_at"])
    entry = audit(application, actor=actor, action=AuditEntry.Action.VETTED, reason=reason, snapshot={
        kind: item.pk, "name": str(item), "decision": decision})
    transaction.on_commit(partial(signals.application_changed.send, sender=Application, application=application,
                                  actor=actor, what="vetting"), robust=True)
    if not application.vetting_blockers():
        _tell(application, users=_people_concerned(application, police=True), verb="vetting_done", actor=actor,
              dedupe_key=f"audit:{entry.pk}",
              message=_("“%(event)s”（%(reference)s）的文旅审核已完成。") % {
                  "event": application.event.name, "reference": application.reference})
    return item


@transaction.atomic
def performer_vet(*, performer: Performer, actor, decision: str, reason: str = "") -> Performer:
    """Approve or strike (with a reason) one performer; struck performers become permit conditions."""
    application_id = Application.objects.filter(event_id=performer.event_id).values_list("pk", flat=True).first()
    return _vet(performer, application_id=application_id, kind="performer", actor=actor, decision=decision,
                reason=reason)


@transaction.atomic
def song_vet(*, song: Song, actor, decision: str, reason: str = "") -> Song:
    """Approve or strike (with a reason) one song."""
    application_id = Application.objects.filter(event__performers=song.performer_id).values_list(
        "pk", flat=True).first()
    return _vet(song, application_id=application_id, kind="song", actor=actor, decision=decision, reason=reason)


def lineup_pending(application: Application) -> list:
    """What the culture official has still to decide, in programme order: the performers pending, then the
    pending songs of every performer not struck (a struck performer's songs go with it)."""
    performers = list(Performer.objects.filter(event_id=application.event_id).order_by("order", "id"))
    pending: list = [p for p in performers if p.vetting_status == VettingStatus.PENDING]
    struck = {p.pk for p in performers if p.vetting_status == VettingStatus.STRUCK}
    pending += list(Song.objects.filter(performer__event_id=application.event_id, vetting_status=VettingStatus.PENDING)
                    .exclude(performer_id__in=struck).order_by("performer__order", "performer_id", "order", "id"))
    return pending


@transaction.atomic
def lineup_approve_all(*, application: Application, actor) -> int:
    """全部通过: every performer and song still pending approved by the assigned official, each recorded and
    audited as if decided one by one (decisions already taken stay). Returns how many were approved."""
    application = _lock(application)
    items = lineup_pending(application)
    if not items:
        raise ValidationError(_("没有待审核的演出内容。"))
    for item in items:
        kind = "performer" if isinstance(item, Performer) else "song"
        _vet(item, application_id=application.pk, kind=kind, actor=actor, decision=VettingStatus.APPROVED,
             reason="")
    return len(items)


# ---------------------------------------------------------------------------------------------- daily check


def deadlines_enforce(*, today: date | None = None) -> dict:
    """The daily job: remind 2 days before deferred due dates; suspend permits whose deferred documents are
    still missing on the due date, or whose post-review is overdue. Safe to run twice a day."""
    today = today or _today()
    counts = {"reminded": 0, "suspended": 0}
    commitments = (DeferredCommitment.objects.filter(missed_at__isnull=True,
                                                     application__state__in=with_trait("deferred_watched"))
                   .select_related("application__event", "application__catalogue").prefetch_related("documents__document_type"))
    for commitment in commitments:
        outstanding = commitment.outstanding_documents()
        if not outstanding:
            continue
        names = _("、").join(d.document_type.name for d in outstanding)
        reminder_on = deadlines.reminder_date(commitment.due_date,
                                              days_before=commitment.application.catalogue.deferred_reminder_days)
        try:
            if commitment.due_date <= today:
                counts["suspended"] += _deferred_missed(commitment, names)
            elif reminder_on <= today and commitment.reminder_sent_at is None:
                counts["reminded"] += _deferred_remind(commitment, names)
        except Exception:  # one bad row must not stop the others; the next run retries it
            logger.exception("Deadline check failed for commitment %s", commitment.pk)
    overdue = Application.objects.filter(state=S.PROVISIONALLY_APPROVED, post_review_due_date__lt=today).exclude(
        suspensions__cause=Suspension.Cause.POST_REVIEW_OVERDUE)
    for application in overdue.select_related("event"):
        try:
            done = application_suspend_automatically(
                application=application, cause=Suspension.Cause.POST_REVIEW_OVERDUE,
                reasons=_("先批后审的实质审查未在期限（%(due)s）内完成。") % {
                    "due": application.post_review_due_date.isoformat()},
                required_changes=_("完成实质审查（确认通过或撤销许可）。"))
            counts["suspended"] += int(done is not None)
        except Exception:
            logger.exception("Post-review check failed for application %s", application.pk)
    return counts


@transaction.atomic
def _deferred_remind(commitment: DeferredCommitment, names: str) -> int:
    commitment = DeferredCommitment.objects.select_for_update().select_related("application__event").get(
        pk=commitment.pk)
    if commitment.reminder_sent_at is not None:
        return 0
    application = commitment.application
    commitment.reminder_sent_at = timezone.now()
    commitment.save(update_fields=["reminder_sent_at"])
    audit(application, actor=None, action=AuditEntry.Action.REMINDER, snapshot={
        "commitment": commitment.pk, "due_date": commitment.due_date.isoformat()})
    _tell(application, users=_people_concerned(application), verb="deferred_reminder",
          dedupe_key=f"deferred_reminder:{commitment.pk}",
          message=_("“%(event)s”：容缺材料（%(docs)s）须于 %(due)s 前补交，逾期未补交许可将被熔断。") % {
              "event": application.event.name, "docs": names, "due": commitment.due_date.isoformat()},
          action=_("请在截止日期前在“材料”页上传：%(docs)s。") % {"docs": names}, due_date=commitment.due_date,
          priority=Notification.Priority.NORMAL)
    return 1


@transaction.atomic
def _deferred_missed(commitment: DeferredCommitment, names: str) -> int:
    commitment = DeferredCommitment.objects.select_for_update().select_related("application__event").get(
        pk=commitment.pk)
    if commitment.missed_at is not None:
        return 0
    application = commitment.application
    if not state_has(application.state, "permit_in_force"):
        # No permit to suspend yet: tell once; the approval is blocked by the fuse flag meanwhile.
        _tell(application, users=_people_concerned(application, police=True), verb="deferred_missed",
              dedupe_key=f"deferred_missed:{commitment.pk}",
              message=_("“%(event)s”：容缺材料（%(docs)s）已逾期（%(due)s）未补交。") % {
                  "event": application.event.name, "docs": names, "due": commitment.due_date.isoformat()})
        return 0
    commitment.missed_at = timezone.now()
    commitment.save(update_fields=["missed_at"])
    application_suspend_automatically(
        application=application, cause=Suspension.Cause.DEFERRED_MISSED,
        reasons=_("容缺材料（%(docs)s）逾期（%(due)s）未补交。") % {"docs": names, "due": commitment.due_date.isoformat()},
        required_changes=_("补交容缺材料：%(docs)s。") % {"docs": names})
    return 1


# ---------------------------------------------------------------------------------------------- city level
# Order 505 Art. 12: ≥ 5,000 people (the largest session) is the city bureau's decision. The district receives,
# accepts and reviews, then reports it with its opinion (报市局审批); the city decides; the decision is issued in
# the city's name and number series and copied to the authority one level up (抄送).

# The transitions of a city-level case both bureaus are told of.
CITY_ROUTE_TRANSITIONS = frozenset({"report_to_city", "approve", "approve_provisionally", "reject"})


def _police_of(authority) -> list:
    if authority is None:
        return []
    return list(get_user_model().objects.filter(authority=authority, is_active=True,
                                                groups__name__in=roles.POLICE_ROLES).distinct())


def _bureaus_of_city_route(application: Application) -> list:
    return _police_of(application.district) + _police_of(application.deciding_authority)


def city_report(application: Application):
    """The district's report to the city bureau (its opinion, who reported and when), or None."""
    return (application.audit_entries.select_related("actor").filter(event=Event.REPORTED_TO_CITY)
            .order_by("-created_at", "-id").first())


@transaction.atomic
def application_report_to_city(*, application: Application, actor, opinion: str,
                               expected_revision=None) -> Application:
    """报市局审批: the district's review is done; the city bureau decides, with the district's opinion before it."""
    application = _lock(application, expected_revision)
    if fsm.allows(application, "report_to_city") and not application.city_level and actor is not None \
            and actor.is_police and application.user_may(actor, access.REVIEW):
        raise ValidationError(_("预计人数（最大场次 %(n)s 人）未达到市级决定标准（%(threshold)s 人），由分局决定，"
                                "无需报市局审批。") % {"n": application.event.expected_attendance,
                                               "threshold": application.catalogue.city_level_threshold})
    _check_transition(application, "report_to_city", actor)
    opinion = _required_text(opinion, "opinion", _("请填写分局审查意见。"))
    city = application.deciding_authority
    _fire(application, "report_to_city", actor=actor, reason=opinion,
          snapshot=_snapshot(application, reported_to=city.pk, reported_by_authority=actor.authority_id))
    return application


def _copy_decision(application: Application, *, actor, authority, number: str) -> None:
    """抄送: the decision is copied to the authority one level above the deciding one. Its police already read
    the application through the grants of every bureau above the district (approvals.access); they are told,
    and the copy is on record."""
    parent = authority.parent if authority is not None else None
    if parent is None:
        return
    entry = audit(application, actor=actor, event=Event.DECISION_COPIED,
                  reason=_("%(number)s 抄送 %(authority)s") % {"number": number, "authority": parent.name},
                  snapshot={"number": number, "deciding_authority": authority.pk, "copied_to": parent.pk})
    _tell(application, users=_police_of(parent), verb="decision_copied", actor=actor,
          dedupe_key=f"audit:{entry.pk}",
          message=_("抄送：%(authority)s对“%(event)s”（%(reference)s）作出决定，文号 %(number)s，当前状态：%(state)s。") % {
              "authority": authority.name, "event": application.event.name, "reference": application.reference,
              "number": number, "state": application.get_state_display()})


def decision_copies(application: Application) -> list[str]:
    """The names of the authorities a decision was copied to (抄送), for the permit and refusal pages."""
    from events.models import Authority

    ids = [e.snapshot.get("copied_to") for e in application.audit_entries.filter(event=Event.DECISION_COPIED)]
    names = dict(Authority.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
    return list(dict.fromkeys(names[i] for i in ids if i in names))


# ---------------------------------------------------------------------------------------------- cancellation


@transaction.atomic
def application_cancel(*, application: Application, actor, reason: str, expected_revision=None) -> Application:
    """取消: the organizer's cancellation notice (Order 505 Art. 20) withdraws the permit; a pending change
    request lapses; the event leaves the event-day lists (the cancelled state is not event_day_listed)."""
    application = _lock(application, expected_revision)
    _check_transition(application, "cancel", actor)
    reason = _required_text(reason, "reason", _("请填写取消活动的原因。"))
    now = timezone.now()
    _fire(application, "cancel", actor=actor, reason=reason)
    Permit.objects.filter(application=application, revoked_at__isnull=True).update(revoked_at=now, cancelled_at=now)
    application.change_requests.filter(status=ChangeRequest.Status.PENDING).update(
        status=ChangeRequest.Status.LAPSED, decided_at=now)
    # The deciding authority hears of it (the district's bureau is told by _fire).
    permit = Permit.objects.filter(application=application).select_related("authority").first()
    if permit is not None and permit.authority_id != application.district_id:
        _tell(application, users=_police_of(permit.authority), verb="cancel", actor=actor,
              dedupe_key=f"cancel:{application.pk}:{permit.authority_id}",
              message=_("“%(event)s”（%(reference)s）已由主办方取消，许可决定书 %(number)s 注销。理由：%(reason)s") % {
                  "event": application.event.name, "reference": application.reference, "number": permit.number,
                  "reason": reason})
    return application


# ---------------------------------------------------------------------------------------------- changes


def _session_rows(event) -> list[dict]:
    from events.sessions import sessions_of

    return [{"name": s.name, "start_at": timezone.localtime(s.start_at).isoformat(),
             "end_at": timezone.localtime(s.end_at).isoformat(), "expected_attendance": s.expected_attendance}
            for s in sessions_of(event)]


def _parse_sessions(rows) -> list[dict]:
    """The sessions asked for, checked (each with start < end and a positive attendance), as stored rows."""
    parsed, errors = [], []
    for index, row in enumerate(rows or [], start=1):
        try:
            start, end = row["start_at"], row["end_at"]
            start = start if isinstance(start, datetime) else datetime.fromisoformat(str(start))
            end = end if isinstance(end, datetime) else datetime.fromisoformat(str(end))
            attendance = int(row["expected_attendance"])
        except (KeyError, TypeError, ValueError):
            errors.append(_("第 %(n)s 场：请填写有效的开始、结束时间和预计人数。") % {"n": index})
            continue
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        if timezone.is_naive(end):
            end = timezone.make_aware(end)
        if end <= start:
            errors.append(_("第 %(n)s 场：结束时间必须晚于开始时间。") % {"n": index})
        if attendance < 1:
            errors.append(_("第 %(n)s 场：预计人数必须大于 0。") % {"n": index})
        parsed.append({"name": str(row.get("name") or "").strip()[:100],
                       "start_at": timezone.localtime(start).isoformat(),
                       "end_at": timezone.localtime(end).isoformat(), "expected_attendance": attendance})
    if not parsed and not errors:
        errors.append(_("请至少填写一个场次。"))
    if errors:
        raise ValidationError({"sessions": errors})
    return parsed


def change_deciding_authority(application: Application, largest_before: int, largest_after: int):
    """The authority that decided the permit; the city bureau above the district when the largest session,
    before or after the change, reaches the city-level threshold (Order 505 Art. 12)."""
    permit = Permit.objects.filter(application=application).select_related("authority").first()
    authority = permit.authority if permit is not None else application.district
    threshold = application.catalogue.city_level_threshold
    if max(largest_before, largest_after) >= threshold and application.district.parent_id is not None \
            and authority.level != authority.Level.CITY:
        authority = application.district.parent
    return authority


def pending_change(application: Application):
    """The change request awaiting a decision, or None; read once per instance (the page's panel, its action
    registry and its banner all ask; services re-read the application under a lock, so never a stale one)."""
    if "_pending_change" not in application.__dict__:
        application.__dict__["_pending_change"] = application.change_requests.filter(
            status=ChangeRequest.Status.PENDING).select_related(
            "venue", "previous_venue", "deciding_authority", "filed_by").first()
    return application.__dict__["_pending_change"]


def change_refusal(application: Application, user, change=None) -> str | None:
    """Why a police officer of the case may not decide the pending change request (None: may decide): the
    deciding authority (or one above it) decides, with a supervisor's signature where the permit needed one."""
    from ..applications.models import _authority_covers

    change = change or pending_change(application)
    if change is None or user is None or not user.is_police:
        return None
    authority = change.deciding_authority
    if not _authority_covers(getattr(user, "authority", None), authority):
        return _("该变更申请由%(authority)s决定（%(action)s）。") % {"authority": authority.name,
                                                              "action": _label("decide_change")}
    if application.requires_sign_off and not user.is_supervisor:
        return _("该变更须由领导签批（%(action)s）。") % {"action": _label("decide_change")}
    return None


def change_notice_deadline(application: Application, *, start_at=None) -> date:
    """The last day a change may be filed: the catalogue's working days before the event (or the changed
    start, whichever is earlier), by the deciding authority's calendar (approvals.clocks)."""
    from .. import clocks

    days = application.catalogue.change_notice_working_days
    start = timezone.localtime(min(filter(None, [application.event.start_at, start_at]))).date()
    # The latest filing day d with d + days working days ≤ the event's start.
    day = start - timedelta(days=days)
    while day > _today() - timedelta(days=1) and clocks.add_working_days(day, days,
                                                                        authority=application.district) > start:
        day -= timedelta(days=1)
    return day


@transaction.atomic
def change_request_file(*, application: Application, actor, sessions, reason: str, venue=None,
                        expected_revision=None) -> ChangeRequest:
    """变更: the organizer asks to change time (sessions), place (venue) or scale (attendance) of a held permit,
    at least the catalogue's working days before the event. Nothing changes until the bureau approves."""
    application = _lock(application, expected_revision)
    if actor is None or not actor.is_organizer or not application.user_may(actor, access.CHANGE):
        raise PermissionDenied(_("只有申请单位可以申请变更。"))
    if not state_has(application.state, "changeable"):
        raise ValidationError(_("申请当前状态为“%(state)s”，不能申请变更。") % {"state": application.get_state_display()})
    if pending_change(application) is not None:
        raise ValidationError(_("已有一项变更申请待审查，请等待决定后再申请。"))
    reason = _required_text(reason, "reason", _("请填写变更理由。"))
    rows = _parse_sessions(sessions)
    event = application.event
    previous = _session_rows(event)
    if venue is not None and venue.pk == event.venue_id:
        venue = None
    if venue is not None and venue.district_id != application.district_id:
        raise ValidationError({"venue": _("变更后的场所不在原受理分局辖区内，须重新申请许可。")})
    if rows == previous and venue is None:
        raise ValidationError({"sessions": _("变更内容与许可内容相同，请修改时间、地点或规模。")})
    earliest_new = min(datetime.fromisoformat(r["start_at"]) for r in rows)
    if earliest_new <= timezone.now():
        raise ValidationError({"sessions": _("变更后的开始时间不能早于现在。")})
    latest_filing = change_notice_deadline(application, start_at=earliest_new)
    if _today() > latest_filing:
        raise ValidationError({"__all__": _("变更申请须于活动开始前 %(days)s 个工作日提出（最迟 %(day)s），"
                                            "已不能申请变更。") % {
            "days": application.catalogue.change_notice_working_days, "day": latest_filing.isoformat()}})
    change = ChangeRequest(
        application=application, sessions=rows, previous_sessions=previous, venue=venue,
        previous_venue=event.venue, reason=reason, filed_by=actor, filed_at=timezone.now(),
        deciding_authority=change_deciding_authority(
            application, max(r["expected_attendance"] for r in previous), max(r["expected_attendance"] for r in rows)))
    change.full_clean()
    change.save()
    entry = audit(application, actor=actor, event=Event.CHANGE_REQUESTED, reason=reason, snapshot={
        "change_request": change.pk, "sessions": rows, "previous_sessions": previous,
        "venue": venue.pk if venue else None, "deciding_authority": change.deciding_authority_id})
    _tell(application, users=_people_concerned(application, police=True) + _police_of(change.deciding_authority),
          verb="change_requested", actor=actor, dedupe_key=f"audit:{entry.pk}",
          message=_("“%(event)s”（%(reference)s）申请变更%(what)s，请审查。理由：%(reason)s") % {
              "event": event.name, "reference": application.reference, "what": _("、").join(change.what_changes()),
              "reason": reason})
    return change


@transaction.atomic
def change_request_decide(*, application: Application, actor, decision: str, reason: str = "",
                          expected_revision=None) -> ChangeRequest:
    """The deciding authority approves the change (the new facts apply, the permit is amended, the plan PDF
    re-requested, access re-synced) or rejects it with a reason (the permit's facts stand)."""
    from events import sessions as event_sessions

    application = _lock(application, expected_revision)
    _ensure_police(application, actor)
    change = pending_change(application)
    if change is None or not state_has(application.state, "changeable"):
        raise ValidationError(_("没有待审查的变更申请。"))
    refusal = change_refusal(application, actor, change)
    if refusal:
        raise PermissionDenied(refusal)
    if decision not in ("approve", "reject"):
        raise ValidationError({"decision": _("请选择“准予变更”或“不予变更”。")})
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise ValidationError({"reason": _("不予变更须填写理由。")})
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    change.decided_by, change.decided_at, change.decision_reason = actor, timezone.now(), reason
    event = application.event
    if decision == "reject":
        change.status = ChangeRequest.Status.REJECTED
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        entry = audit(application, actor=actor, event=Event.CHANGE_REJECTED, reason=reason,
                      snapshot={"change_request": change.pk})
        verb, message = "change_rejected", _("“%(event)s”（%(reference)s）的变更申请不予准许，原许可内容不变。"
                                             "理由：%(reason)s") % {
            "event": event.name, "reference": application.reference, "reason": reason}
    else:
        if datetime.fromisoformat(min(r["start_at"] for r in change.sessions)) <= timezone.now():
            raise ValidationError(_("变更后的开始时间已过，不能准予变更。"))
        change.status = ChangeRequest.Status.APPROVED
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        if change.venue_id:
            event.venue = change.venue
            event.save(update_fields=["venue", "updated_at"])
        event_sessions.replace_sessions(event, [
            {"name": r["name"], "start_at": datetime.fromisoformat(r["start_at"]),
             "end_at": datetime.fromisoformat(r["end_at"]), "expected_attendance": r["expected_attendance"]}
            for r in change.sessions])
        event.refresh_from_db()
        application.event = event
        application.needs_city_decision = event.expected_attendance >= application.catalogue.city_level_threshold
        application.revision += 1
        application.save(update_fields=["needs_city_decision", "revision", "updated_at"])
        permit = Permit.objects.select_for_update().filter(application=application).first()
        if permit is not None:
            permit.approved_attendance = event.expected_attendance
            permit.conditions = permit_conditions(application, permit)
            permit.amended_at = change.decided_at
            permit.save(update_fields=["approved_attendance", "conditions", "amended_at"])
        entry = audit(application, actor=actor, event=Event.CHANGE_APPROVED, reason=reason, snapshot={
            "change_request": change.pk, "sessions": change.sessions, "previous_sessions": change.previous_sessions,
            "venue": change.venue_id, "approved_attendance": event.expected_attendance,
            "permit": permit.number if permit else None})
        access.application_sync_access(application, actor=actor)
        transaction.on_commit(partial(signals.permit_amended.send, sender=Application, application=application,
                                      actor=actor), robust=True)
        transaction.on_commit(partial(signals.application_changed.send, sender=Application,
                                      application=application, actor=actor, what="facts"), robust=True)
        verb, message = "change_approved", _("“%(event)s”（%(reference)s）的变更（%(what)s）已准予，许可决定书已相应变更，"
                                             "许可人数 %(n)s 人。") % {
            "event": event.name, "reference": application.reference, "what": _("、").join(change.what_changes()),
            "n": event.expected_attendance}
    _tell(application, users=_people_concerned(application, police=True) + _police_of(change.deciding_authority),
          verb=verb, actor=actor, dedupe_key=f"audit:{entry.pk}", message=message)
    return change
