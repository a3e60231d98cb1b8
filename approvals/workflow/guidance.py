"""What a transition's notice asks of its reader, and by when (notifications: `action`, `due_date`, priority).

The organizer's staff get what to do now (sign the 承诺书 and deliver the deferred documents by the due date;
correct the listed items by the due date; what to carry on the event day); the police get their next task
(accept or return a submission before the acceptance clock runs out). A notice with nothing to do is 提示 (info),
one with a task 普通 (normal), a suspension or a revocation 紧急 (urgent: notifications.models.HIGH_PRIORITY_VERBS).
"""
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from notifications.models import Priority, priority_for


@dataclass(frozen=True)
class Todo:
    action: str = ""
    due: date | None = None
    priority: str = Priority.INFO


def _due(application, kind: str) -> date | None:
    return next((c.due for c in (getattr(application, "clocks", None) or []) if c.kind == kind and c.due), None)


def _day(value: date) -> str:
    return _("%(month)s 月 %(day)s 日") % {"month": value.month, "day": value.day}


def _todo(verb: str, action: str = "", due: date | None = None) -> Todo:
    return Todo(action=action, due=due, priority=priority_for(verb, has_action=bool(action)))


def organizer_todo(application, transition: str) -> Todo:
    """What the applicant's staff do after this transition (empty action: nothing, only to know)."""
    from ..applications.selectors import deferred_commitments_of
    from . import corrections

    if transition == "accept_with_deferred":
        commitment = next(iter(sorted(deferred_commitments_of(application), key=lambda c: -c.pk)), None)
        if commitment is not None:
            documents = _("、").join(d.document_type.name for d in commitment.documents.all()) or "—"
            return _todo(transition, _("请于 %(day)s前签署容缺承诺书，并补交：%(docs)s。逾期未补交的，许可将被熔断。") % {
                "day": _day(commitment.due_date), "docs": documents}, commitment.due_date)
    if transition == "return_for_correction":
        correction = corrections.open_correction(application)
        if correction is not None:
            items = _("、").join(i["label"] for i in corrections.describe_items(application, correction.items))
            return _todo(transition, (_("请于 %(day)s前修改以下事项并重新提交：%(items)s。") % {
                "day": _day(correction.due_date), "items": items}) if items else (
                _("请于 %(day)s前按补正告知修改后重新提交。") % {"day": _day(correction.due_date)}),
                correction.due_date)
    if transition in ("approve", "approve_provisionally", "confirm_post_review", "resume"):
        from django.utils import timezone

        event = application.event
        event_day = timezone.localtime(event.start_at).date()
        carry = _("活动当日（%(day)s）请携带：许可决定书（纸质或手机出示其二维码）、安全工作方案、安保人员名册及上岗证件、"
                  "应急预案；按许可人数（%(people)s 人）控制入场，变更须提前申请。") % {
            "day": _day(event_day), "people": event.expected_attendance}
        if transition == "approve_provisionally":
            post_review = application.post_review_due_date
            carry = _("临时许可：请配合公安机关在 %(day)s前完成实质审查。") % {"day": _day(post_review)} + carry \
                if post_review else carry
        return Todo(action=carry, due=event_day, priority=Priority.NORMAL)
    if transition == "suspend":
        return _todo(transition, _("活动须立即停止筹备或举办。请按通知所列理由整改，整改后在申请页面申请恢复。"))
    if transition == "revoke":
        return _todo(transition, _("许可已撤销，活动不得举办。如有异议，可依法申请行政复议或提起行政诉讼。"))
    if transition == "reject":
        return Todo(action=_("如不服本决定，可自收到决定书之日起 60 日内申请行政复议，或 6 个月内提起行政诉讼。"),
                    priority=Priority.NORMAL)
    return Todo()


def police_todo(application, transition: str) -> Todo:
    """The police's task after this transition (the district's reviewers: a submission to accept)."""
    if transition == "submit":
        due = _due(application, "acceptance")
        return _todo(transition, (_("请于 %(day)s前受理、容缺受理或一次性告知补正。") % {"day": _day(due)}) if due
                     else _("请受理、容缺受理或一次性告知补正。"), due)
    if transition in ("accept", "accept_with_deferred", "start_review"):
        due = _due(application, "decision")
        return _todo(transition, (_("请于 %(day)s前作出许可决定。") % {"day": _day(due)}) if due else "", due)
    if transition in ("suspend", "revoke"):
        return _todo(transition)
    return Todo()
