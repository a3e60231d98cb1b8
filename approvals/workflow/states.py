"""The workflow's states as data: each state's traits (what holds in it) and its two labels.

The one place that groups states. Every other module asks a trait — `with_trait("permit_in_force")` for a
queryset filter, `state_has(application.state, "organizer_may_edit")` for one application — and never lists
states itself (tests/approvals/test_workflow_registry.py fails on a literal tuple of states elsewhere). The
states themselves stay `ApplicationState` (approvals.models); which state a transition starts from is the
django-fsm transition table on the model (approvals.workflow.registry reads it).
"""
from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from ..applications.models import ApplicationState

S = ApplicationState

# What a trait means (a state has it or not).
TRAITS = {
    "organizer_may_edit": "the organizer may change facts, sections, parties and upload documents",
    "undecided": "handed in and waiting for the bureau's decision (the event date is the deadline)",
    "deciding": "accepted: the statutory decision clock runs",
    "vetting_open": "the culture-tourism official may vet the lineup and may be assigned",
    "assignable": "the bureau may assign the officer in charge and name the supervising party",
    "in_progress": "handed in and not closed: deadlines and deferred documents still matter",
    "deferred_watched": "the daily check chases deferred documents (reminders, suspension)",
    "permit_held": "a permit was issued and is not void (it may be suspended)",
    "permit_in_force": "the permit is in force: it may be suspended; its plan PDF is generated on entry",
    "live_on_event_day": "the event may go ahead: the event-day dashboard counts it as running",
    "event_day_listed": "the event-day pages list it (with a permit, or after one)",
    "formal_plan": "the plan PDF is the approved document (it may be rendered)",
    "terminal": "closed: nothing more happens to it",
    "reported_to_city": "reported to the city bureau with the district's opinion: the city decides (Art. 12)",
    "changeable": "the organizer may file a change request (变更) or a cancellation notice (Art. 20)",
    "after_action": "the event is over and closed (办结): the bureau writes its after-action review (复盘)",
}


@dataclass(frozen=True)
class StateInfo:
    state: str
    police_label: str  # what police and the admin see (ApplicationState's label)
    organizer_label: str  # what the organizer sees, in plain language
    traits: frozenset


def _state(state, organizer_label, *traits) -> StateInfo:
    unknown = set(traits) - set(TRAITS)
    assert not unknown, unknown
    return StateInfo(state=state, police_label=state.label, organizer_label=organizer_label,
                     traits=frozenset(traits))


STATES = {info.state: info for info in (
    _state(S.DRAFT, pgettext_lazy("organizer state", "草稿"), "organizer_may_edit"),
    _state(S.SUBMITTED, pgettext_lazy("organizer state", "已提交，等待受理"),
           "undecided", "assignable", "in_progress"),
    _state(S.RETURNED, pgettext_lazy("organizer state", "待补正，请修改后重新提交"),
           "organizer_may_edit", "undecided", "in_progress"),
    _state(S.ACCEPTED, pgettext_lazy("organizer state", "审查中"),
           "undecided", "deciding", "vetting_open", "assignable", "in_progress"),
    _state(S.ACCEPTED_DEFERRED, pgettext_lazy("organizer state", "审查中（容缺材料待补交）"),
           "undecided", "deciding", "vetting_open", "assignable", "in_progress", "deferred_watched"),
    _state(S.UNDER_REVIEW, pgettext_lazy("organizer state", "审查中"),
           "undecided", "deciding", "vetting_open", "assignable", "in_progress", "deferred_watched"),
    _state(S.REPORTED_TO_CITY, pgettext_lazy("organizer state", "已报市局审批"),
           "undecided", "deciding", "vetting_open", "assignable", "in_progress", "deferred_watched",
           "reported_to_city"),
    _state(S.APPROVED, pgettext_lazy("organizer state", "已许可"),
           "changeable", "assignable", "in_progress", "deferred_watched", "permit_held", "permit_in_force", "live_on_event_day",
           "event_day_listed", "formal_plan"),
    _state(S.PROVISIONALLY_APPROVED, pgettext_lazy("organizer state", "已许可（先批后审，审查仍在进行）"),
           "changeable", "vetting_open", "assignable", "in_progress", "deferred_watched", "permit_held", "permit_in_force",
           "live_on_event_day", "event_day_listed", "formal_plan"),
    _state(S.REJECTED, pgettext_lazy("organizer state", "不予许可"), "terminal"),
    _state(S.SUSPENDED, pgettext_lazy("organizer state", "许可已暂停（熔断），整改后方可恢复"),
           "changeable", "assignable", "in_progress", "deferred_watched", "permit_held", "event_day_listed", "formal_plan"),
    _state(S.REVOKED, pgettext_lazy("organizer state", "许可已撤销"), "event_day_listed", "terminal"),
    _state(S.WITHDRAWN, pgettext_lazy("organizer state", "已撤回"), "terminal"),
    _state(S.COMPLETED, pgettext_lazy("organizer state", "已办结"), "event_day_listed", "formal_plan", "terminal",
           "after_action"),
    # Cancelled by the organizer after the permit (Art. 20): off the event-day lists, the permit withdrawn.
    _state(S.CANCELLED, pgettext_lazy("organizer state", "已取消（许可已注销）"), "terminal"),
)}
assert set(STATES) == set(ApplicationState.values), "every state declares its traits"


def with_trait(trait: str) -> tuple[str, ...]:
    """The states that have `trait`, in the order ApplicationState declares them (for `state__in=`)."""
    if trait not in TRAITS:
        raise KeyError(trait)
    return tuple(state for state in ApplicationState.values if trait in STATES[state].traits)


def state_has(state: str, trait: str) -> bool:
    if trait not in TRAITS:
        raise KeyError(trait)
    info = STATES.get(state)
    return info is not None and trait in info.traits


def police_label(state: str) -> str:
    info = STATES.get(state)
    return str(info.police_label) if info else state


def organizer_label(state: str) -> str:
    info = STATES.get(state)
    return str(info.organizer_label) if info else state


def label_for(state: str, user) -> str:
    """The organizer's plain-language label for organizer users, the police label for everyone else."""
    if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_organizer", False):
        return organizer_label(state)
    return police_label(state)
