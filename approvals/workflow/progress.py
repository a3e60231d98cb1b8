"""The organizer's progress stepper: where the application stands, the time each stage promises, and what to do
next, from the state's traits (states.py) and the running clocks (approvals.clocks). No query of its own."""
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .states import state_has

DONE, CURRENT, TODO, STOPPED = "done", "current", "todo", "stopped"


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    status: str  # DONE, CURRENT, TODO or STOPPED (refused, withdrawn, cancelled, revoked)
    promise: str  # the time limit the stage promises, in words
    due: date | None = None  # the running clock's date, for the current stage


STEP_LABELS = {
    "apply": gettext_lazy("填写并提交申请"),
    "accept": gettext_lazy("受理"),
    "decide": gettext_lazy("审查与决定"),
    "permit": gettext_lazy("许可"),
    "event": gettext_lazy("活动举办"),
}


def _stage(state: str, permit_issued: bool) -> int:
    """The index of the stage the application is at (0 apply … 4 the event)."""
    if state_has(state, "organizer_may_edit"):
        return 0
    if state_has(state, "deciding"):
        return 2
    if state_has(state, "undecided"):
        return 1
    if state_has(state, "permit_held") or permit_issued:
        return 3 if state_has(state, "in_progress") else 4
    return 2  # decided without a permit (refused, withdrawn): it stopped at the decision


def progress_steps(*, state: str, clocks: list, acceptance_days: int, decision_days: int, decision_working: bool,
                   lead_days: int, event_day: date, permit_issued: bool) -> list[Step]:
    from ..models import ApplicationState as S

    due = {clock.kind: clock.due for clock in clocks}
    stage = _stage(state, permit_issued)
    stopped = state_has(state, "terminal") and state != S.COMPLETED  # refused, withdrawn, cancelled, revoked
    day_word = _("个工作日") if decision_working else _("日")
    promises = [
        _("活动举办 %(n)s 日前提交") % {"n": lead_days},
        _("提交后 %(n)s 个工作日内受理或一次性告知补正") % {"n": acceptance_days},
        _("受理后 %(n)s %(unit)s内作出决定（补正期间暂停）") % {"n": decision_days, "unit": day_word},
        _("许可决定书载明场次与核准人数"),
        event_day.isoformat(),
    ]
    clock_of = [due.get("lead"), due.get("acceptance") or due.get("correction"), due.get("decision"),
                due.get("deferred") or due.get("post_review"), None]
    steps = []
    for index, key in enumerate(STEP_LABELS):
        if index < stage or (index == stage and state_has(state, "terminal") and not stopped):
            status = DONE
        elif index == stage:
            status = STOPPED if stopped else CURRENT
        else:
            status = TODO
        steps.append(Step(key, str(STEP_LABELS[key]), status, promises[index],
                          clock_of[index] if status == CURRENT else None))
    return steps


def next_step(*, state: str, clocks: list, reviewer_name: str = "", commitment_signed: bool = False) -> str:
    """What the organizer should do now, or wait for, and by when (one sentence)."""
    from ..models import ApplicationState as S

    due = {clock.kind: clock.due for clock in clocks}

    def by(kind):
        return due[kind].isoformat() if due.get(kind) else ""

    if state == S.DRAFT:
        return (_("补齐清单中的材料、方案章节和五方责任后提交；最迟 %(due)s 提交。") % {"due": by("lead")}
                if by("lead") else _("补齐清单中的材料、方案章节和五方责任后提交。"))
    if state == S.RETURNED:
        return _("请按补正告知修改所列内容后重新提交（补正期限 %(due)s）。") % {"due": by("correction") or "—"}
    if state == S.SUBMITTED:
        return _("已提交，等待受理（%(due)s 前）：受理机关会一次性告知需补正的全部内容。") % {"due": by("acceptance") or "—"}
    if state == S.ACCEPTED_DEFERRED and commitment_signed:
        return _("已容缺受理，承诺书已签署：请在 %(due)s 前补交容缺材料；审查同时进行。") % {"due": by("deferred") or "—"}
    if state == S.ACCEPTED_DEFERRED:
        return _("已容缺受理：请签署容缺承诺书，并在 %(due)s 前补交容缺材料；审查同时进行。") % {
            "due": by("deferred") or "—"}
    if state_has(state, "reported_to_city"):
        return _("分局已审查并报市公安局审批，市局将在 %(due)s 前作出决定。") % {"due": by("decision") or "—"}
    if state_has(state, "deciding"):
        who = _("（经办民警：%(name)s）") % {"name": reviewer_name} if reviewer_name else ""
        return _("审查中%(who)s：公安机关将在 %(due)s 前作出决定；有演出的，文旅部门同时审核演出内容。") % {
            "who": who, "due": by("decision") or "—"}
    if state == S.PROVISIONALLY_APPROVED:
        return _("已先批后审：活动可以筹备，实质审查须在 %(due)s 前完成。") % {"due": by("post_review") or "—"}
    if state == S.SUSPENDED:
        return _("许可已暂停（熔断）：按通知所列要求整改，经公安机关确认后恢复。")
    if state_has(state, "permit_in_force"):
        return _("许可已签发：下载许可决定书和安全工作方案，活动当日按方案执行；变更须提前申请。")
    return ""
