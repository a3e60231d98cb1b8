"""Department opinions (并联审批): request, answer, withdraw, override, the overdue clock, and what they mean for
the approval (blockers) and the permit (conditions). Every write locks the application's row, checks, writes,
audits (approvals.audit), keeps the grants equal to the open requests (approvals.access) and tells the people
concerned (notifications)."""
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from events.models import Authority

from .. import access
from ..audit import Event, audit_record
from ..workflow.states import state_has
from .models import ConditionTemplate, DecisionTemplate, OpinionRequest

MAX_CONDITIONS = 20
MAX_CONDITION_LENGTH = 500


# ---------------------------------------------------------------------------------------------- reads


def _bureau_chain(application) -> list[int]:
    ids, authority = [], application.district
    while authority is not None:
        ids.append(authority.pk)
        authority = authority.parent
    return ids


def department_choices(application) -> list[Authority]:
    """The departments the reviewer may ask: those serving the application's district or the city above it."""
    return list(Authority.objects.filter(kind=Authority.Kind.DEPARTMENT, area_id__in=_bureau_chain(application))
                .select_related("department_kind").order_by("department_kind__ordering", "name"))


def opinions_of(application) -> list[OpinionRequest]:
    """Every open request of the application (withdrawn ones are the audit log's), oldest first; one query."""
    cached = application.__dict__.get("_open_opinions")
    if cached is None:
        cached = list(OpinionRequest.objects.filter(application=application, withdrawn_at__isnull=True)
                      .select_related("department__department_kind", "answered_by", "overridden_by"))
        application.__dict__["_open_opinions"] = cached
    return cached


def _forget(application) -> None:
    application.__dict__.pop("_open_opinions", None)


def opinions_visible_to(user, application) -> list[OpinionRequest]:
    """The police read every opinion; a department official its own department's; anybody else none."""
    if application.user_may(user, access.REVIEW) or user.is_superuser:
        return opinions_of(application)
    if user.is_department_official and user.authority_id and application.user_may(user, access.OPINE):
        return [o for o in opinions_of(application) if o.department_id == user.authority_id]
    return []


def opinion_blockers(application) -> list[str]:
    """Why the opinions block the approval: each pending or negative one not overridden by a supervisor."""
    reasons = []
    for opinion in opinions_of(application):
        if not opinion.blocks_approval:
            continue
        if opinion.verdict == OpinionRequest.Verdict.DISAGREE:
            reasons.append(_("%(department)s不同意（%(reasons)s），须由分局领导决定不受此意见约束。") % {
                "department": opinion.department.name, "reasons": opinion.reasons})
        else:
            reasons.append(_("尚待%(department)s出具意见（答复期限 %(due)s）。") % {
                "department": opinion.department.name, "due": opinion.due_date.isoformat()})
    return reasons


def opinion_conditions(application) -> list[str]:
    """The departments' conditions, as printed on the permit (each prefixed with its department)."""
    conditions = []
    for opinion in opinions_of(application):
        if opinion.verdict in (OpinionRequest.Verdict.CONDITIONAL, OpinionRequest.Verdict.AGREE):
            conditions += [_("%(department)s意见：%(condition)s") % {"department": opinion.department.name,
                                                                  "condition": c} for c in opinion.conditions]
    return conditions


def library_conditions_for(application) -> list[ConditionTemplate]:
    """The standard conditions offered at approval: for the event's kind (or every kind) and the
    application's level (or every level)."""
    return list(ConditionTemplate.objects.filter(active=True)
                .filter(Q(event_kind="") | Q(event_kind=application.event.kind))
                .filter(Q(security_level="") | Q(security_level=application.security_level or "")))


def chosen_conditions(application, *, library_conditions=(), extra_conditions="") -> list[str]:
    """The reviewer's choice at approval: library conditions (ids of those offered, their text possibly edited
    on the way: `library_conditions` items are ids or {"id", "text"}) and free text (one per line)."""
    offered = {c.pk: c for c in library_conditions_for(application)}
    chosen = []
    for item in library_conditions or ():
        if isinstance(item, dict):
            pk, text = item.get("id"), (item.get("text") or "").strip()
        else:
            pk, text = item, ""
        try:
            template = offered[int(pk)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"library_conditions": _("所选标准许可条件不适用于本活动：%(id)s。") % {"id": pk}})
        chosen.append(text or template.text)
    chosen += [line.strip() for line in (extra_conditions or "").splitlines() if line.strip()]
    if len(chosen) > MAX_CONDITIONS:
        raise ValidationError({"extra_conditions": _("许可条件最多 %(n)s 条。") % {"n": MAX_CONDITIONS}})
    if any(len(text) > MAX_CONDITION_LENGTH for text in chosen):
        raise ValidationError({"extra_conditions": _("每条许可条件不超过 %(n)s 字。") % {"n": MAX_CONDITION_LENGTH}})
    return chosen


def decision_text(application, *, kind: str, number: str = "", reason: str = "") -> dict[str, str]:
    """The decision's text blocks ({"opening": ..., "closing": ...}) from the templates, placeholders filled;
    a block without a template is absent (the page keeps its built-in wording)."""
    event = application.event
    authority = application.deciding_authority
    values = {"event": event.name, "organisation": application.organisation.name, "venue": event.venue.name,
              "start": timezone.localtime(event.start_at).strftime("%Y-%m-%d %H:%M"),
              "end": timezone.localtime(event.end_at).strftime("%Y-%m-%d %H:%M"),
              "attendance": event.expected_attendance, "number": number, "authority": str(authority),
              "reason": reason}
    return {t.block: t.render(values) for t in DecisionTemplate.objects.filter(kind=kind)}


# ---------------------------------------------------------------------------------------------- people


def _officials_of(department_ids) -> list:
    return list(get_user_model().objects.filter(authority_id__in=department_ids, is_active=True,
                                                groups__name=roles.DEPARTMENT_OFFICIAL))


def _tell(application, *, users, verb: str, message: str, dedupe_key: str, actor=None) -> None:
    from ..workflow.actions import _tell as workflow_tell

    workflow_tell(application, users=users, verb=verb, message=message, dedupe_key=dedupe_key, actor=actor)


def _reviewers(application, opinion=None) -> list:
    """Who follows the opinions: the officer who asked, the officer in charge."""
    people = [application.assigned_reviewer] if application.assigned_reviewer_id else []
    if opinion is not None:
        people.append(opinion.requested_by)
    return people


def _lock(application, expected_revision=None):
    from ..workflow.actions import _lock as workflow_lock

    return workflow_lock(application, expected_revision)


def _ensure_reviewer(application, actor) -> None:
    if actor is None or not actor.is_police or not application.user_may(actor, access.REVIEW):
        raise PermissionDenied(_("只有受理分局的民警可以征求部门意见。"))
    if not state_has(application.state, "deciding"):
        raise ValidationError(_("申请当前状态为“%(state)s”，不能征求部门意见。") % {
            "state": application.get_state_display()})


def may_request(application, user) -> bool:
    return bool(user.is_police and application.user_may(user, access.REVIEW))


def may_override(application, user) -> bool:
    return bool(user.is_supervisor and application.user_may(user, access.REVIEW)
                and any(o.blocks_approval for o in opinions_of(application)))


# ---------------------------------------------------------------------------------------------- writes


@transaction.atomic
def opinions_request(*, application, actor, departments, due_date: date, note: str = "",
                     expected_revision=None) -> list[OpinionRequest]:
    """The reviewer asks the chosen departments for their opinions by `due_date`: each department's officials
    are told and may now read the application's facts and plan (approvals.access, approvals.dossier)."""
    application = _lock(application, expected_revision)
    _ensure_reviewer(application, actor)
    offered = {d.pk: d for d in department_choices(application)}
    chosen = []
    for department in departments or ():
        pk = getattr(department, "pk", department)
        try:
            chosen.append(offered[int(pk)])
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"departments": _("只能向本辖区的征求意见部门征求意见。")})
    if not chosen:
        raise ValidationError({"departments": _("请选择至少一个征求意见部门。")})
    today = timezone.localdate()
    if due_date is None or due_date < today:
        raise ValidationError({"due_date": _("答复期限不能早于今天。")})
    event_day = timezone.localtime(application.event.start_at).date()
    if due_date >= event_day:
        raise ValidationError({"due_date": _("答复期限必须早于活动开始日期 %(day)s。") % {"day": event_day.isoformat()}})
    already = set(OpinionRequest.objects.filter(application=application, withdrawn_at__isnull=True)
                  .values_list("department_id", flat=True))
    asked = [d for d in chosen if d.pk in already]
    if asked:
        raise ValidationError({"departments": _("已向%(names)s征求意见，尚未撤回。") % {
            "names": _("、").join(d.name for d in asked)}})
    note = (note or "").strip()
    created = []
    for department in dict.fromkeys(chosen):
        opinion = OpinionRequest(application=application, department=department, requested_by=actor,
                                 due_date=due_date, note=note)
        opinion.full_clean()
        opinion.save()
        created.append(opinion)
    _forget(application)
    audit_record(application, actor=actor, event=Event.OPINION_REQUESTED,
                 reason=_("向%(names)s征求意见，答复期限 %(due)s。") % {
                     "names": _("、").join(d.name for d in chosen), "due": due_date.isoformat()},
                 snapshot={"opinions": [o.pk for o in created], "departments": [d.pk for d in chosen],
                           "due": due_date.isoformat()})
    access.application_sync_access(application, actor=actor)
    for opinion in created:
        _tell(application, users=_officials_of([opinion.department_id]), verb="opinion_requested", actor=actor,
              dedupe_key=f"opinion_requested:{opinion.pk}",
              message=_("%(police)s就“%(event)s”（%(reference)s）征求%(department)s意见，请于 %(due)s 前答复。%(note)s") % {
                  "police": application.district, "event": application.event.name,
                  "reference": application.reference, "department": opinion.department.name,
                  "due": due_date.isoformat(), "note": note})
    return created


def _locked_opinion(opinion) -> OpinionRequest:
    pk = getattr(opinion, "pk", opinion)
    application_id = OpinionRequest.objects.values_list("application_id", flat=True).get(pk=pk)
    application = _lock(application_id)
    locked = OpinionRequest.objects.select_for_update().select_related("department").get(pk=pk)
    locked.application = application
    return locked


@transaction.atomic
def opinion_answer(*, opinion, actor, verdict: str, reasons: str = "", conditions=()) -> OpinionRequest:
    """The department answers (同意 / 附条件同意 / 不同意) with its reasons and conditions; it may correct its
    answer until the application is decided."""
    opinion = _locked_opinion(opinion)
    application = opinion.application
    if (actor is None or not actor.is_department_official or actor.authority_id != opinion.department_id
            or not application.user_may(actor, access.OPINE)):
        raise PermissionDenied(_("只有被征求意见部门的审查人员可以答复。"))
    if not opinion.is_open:
        raise ValidationError(_("该征求意见已撤回。"))
    if not state_has(application.state, "deciding"):
        raise ValidationError(_("申请已作出决定，不能再答复。"))
    if verdict not in OpinionRequest.Verdict.values:
        raise ValidationError({"verdict": _("请选择同意、附条件同意或不同意。")})
    if isinstance(conditions, str):
        conditions = conditions.splitlines()
    conditions = [str(c).strip() for c in conditions or () if str(c).strip()]
    if verdict == OpinionRequest.Verdict.DISAGREE:
        conditions = []
    if len(conditions) > MAX_CONDITIONS or any(len(c) > MAX_CONDITION_LENGTH for c in conditions):
        raise ValidationError({"conditions": _("附加条件最多 %(n)s 条，每条不超过 %(len)s 字。") % {
            "n": MAX_CONDITIONS, "len": MAX_CONDITION_LENGTH}})
    previous = opinion.verdict
    opinion.verdict, opinion.reasons, opinion.conditions = verdict, (reasons or "").strip(), conditions
    opinion.answered_by, opinion.answered_at = actor, timezone.now()
    # A new answer is a new opinion: an override of the former one no longer stands.
    opinion.overridden_by, opinion.overridden_at, opinion.override_reason = None, None, ""
    opinion.full_clean()
    opinion.save()
    _forget(application)
    label = opinion.get_verdict_display()
    entry = audit_record(application, actor=actor, event=Event.OPINION_GIVEN,
                         reason=_("%(department)s：%(verdict)s。%(reasons)s") % {
                             "department": opinion.department.name, "verdict": label, "reasons": opinion.reasons},
                         snapshot={"opinion": opinion.pk, "verdict": verdict, "conditions": conditions,
                                   "previous_verdict": previous})
    _tell(application, users=_reviewers(application, opinion), verb="opinion_given", actor=actor,
          dedupe_key=f"audit:{entry.pk}",
          message=_("%(department)s对“%(event)s”（%(reference)s）出具意见：%(verdict)s。") % {
              "department": opinion.department.name, "event": application.event.name,
              "reference": application.reference, "verdict": label})
    return opinion


@transaction.atomic
def opinion_withdraw(*, opinion, actor, reason: str = "") -> OpinionRequest:
    """The reviewer withdraws a request: the department no longer sees the application."""
    opinion = _locked_opinion(opinion)
    application = opinion.application
    if actor is None or not actor.is_police or not application.user_may(actor, access.REVIEW):
        raise PermissionDenied(_("只有受理分局的民警可以撤回征求意见。"))
    if not opinion.is_open:
        raise ValidationError(_("该征求意见已撤回。"))
    if not state_has(application.state, "deciding"):
        raise ValidationError(_("申请已作出决定，不能再撤回征求意见。"))
    opinion.withdrawn_at = timezone.now()
    opinion.save(update_fields=["withdrawn_at"])
    _forget(application)
    entry = audit_record(application, actor=actor, event=Event.OPINION_WITHDRAWN,
                         reason=_("撤回向%(department)s征求意见。%(reason)s") % {
                             "department": opinion.department.name, "reason": (reason or "").strip()},
                         snapshot={"opinion": opinion.pk})
    access.application_sync_access(application, actor=actor)
    _tell(application, users=_officials_of([opinion.department_id]), verb="opinion_withdrawn", actor=actor,
          dedupe_key=f"audit:{entry.pk}",
          message=_("%(police)s已撤回就“%(event)s”（%(reference)s）征求意见。") % {
              "police": application.district, "event": application.event.name,
              "reference": application.reference})
    return opinion


@transaction.atomic
def opinions_override(*, application, actor, reason: str, expected_revision=None) -> list[OpinionRequest]:
    """A supervisor decides that the pending and negative opinions do not block the approval (with a reason,
    audited; the departments concerned are told)."""
    application = _lock(application, expected_revision)
    if actor is None or not actor.is_supervisor or not application.user_may(actor, access.REVIEW):
        raise PermissionDenied(_("只有分局领导可以决定不受部门意见约束。"))
    if not state_has(application.state, "deciding"):
        raise ValidationError(_("申请当前状态为“%(state)s”，不能作此决定。") % {
            "state": application.get_state_display()})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明理由。")})
    _forget(application)
    blocking = [o for o in opinions_of(application) if o.blocks_approval]
    if not blocking:
        raise ValidationError(_("没有待答复或不同意的部门意见。"))
    now = timezone.now()
    for opinion in blocking:
        opinion.overridden_by, opinion.overridden_at, opinion.override_reason = actor, now, reason
        opinion.save(update_fields=["overridden_by", "overridden_at", "override_reason"])
    entry = audit_record(application, actor=actor, event=Event.OPINION_OVERRIDDEN, reason=reason,
                         snapshot={"opinions": [o.pk for o in blocking],
                                   "verdicts": {str(o.pk): o.verdict or "pending" for o in blocking}})
    _tell(application, users=_officials_of([o.department_id for o in blocking]) + _reviewers(application),
          verb="opinion_overridden", actor=actor, dedupe_key=f"audit:{entry.pk}",
          message=_("%(who)s决定“%(event)s”（%(reference)s）的许可不受%(names)s意见约束。理由：%(reason)s") % {
              "who": actor, "event": application.event.name, "reference": application.reference,
              "names": _("、").join(o.department.name for o in blocking), "reason": reason})
    return blocking


# ---------------------------------------------------------------------------------------------- the clock

OPINION_CLOCK = "opinion"
KIND_LABEL = gettext_noop("部门意见答复期限")


def opinions_overdue_notify(*, today: date | None = None) -> int:
    """The daily check: each open, unanswered request past its due date is told once to the department's
    officials and the reviewer (approvals.clocks.OverdueNotice keeps what was sent). Returns how many."""
    today = today or timezone.localdate()
    overdue = (OpinionRequest.objects.filter(withdrawn_at__isnull=True, verdict="", due_date__lt=today,
                                             application__state__in=_deciding_states())
               .select_related("application__event", "application__district", "application__assigned_reviewer",
                               "department", "requested_by"))
    return sum(_notify_overdue(opinion) for opinion in overdue)


def _deciding_states():
    from ..workflow.states import with_trait

    return with_trait("deciding")


@transaction.atomic
def _notify_overdue(opinion: OpinionRequest) -> int:
    from ..clocks.models import OverdueNotice

    application = opinion.application
    try:
        with transaction.atomic():
            notice = OverdueNotice.objects.create(application=application, kind=f"{OPINION_CLOCK}:{opinion.pk}",
                                                  due=opinion.due_date)
    except IntegrityError:
        return 0  # told already
    audit_record(application, actor=None, event=Event.OPINION_OVERDUE,
                 reason=_("%(department)s未在 %(due)s 前答复。") % {"department": opinion.department.name,
                                                                "due": opinion.due_date.isoformat()},
                 snapshot={"opinion": opinion.pk, "due": opinion.due_date.isoformat(), "notice": notice.pk})
    _tell(application, users=_officials_of([opinion.department_id]) + _reviewers(application, opinion),
          verb="opinion_overdue", dedupe_key=f"opinion_overdue:{notice.pk}",
          message=_("“%(event)s”（%(reference)s）征求%(department)s的意见已于 %(due)s 到期未复，请尽快答复。") % {
              "event": application.event.name, "reference": application.reference,
              "department": opinion.department.name, "due": opinion.due_date.isoformat()})
    return 1
