"""The transition table, generated from the model: every illegal (state, transition) pair and every wrong role
is refused with a clear error and changes nothing."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import workflow
from approvals.models import Application, ApplicationState
from tests.approvals.workflow_helpers import (  # noqa: F401
    days_from_today, force_state, no_fuse_flags, organizer_of, submitted, supervisor_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]

ORGANIZER_TRANSITIONS = {"submit", "withdraw", "cancel"}

# How each transition is fired through its service, with otherwise valid input.
CALLS = {
    "submit": lambda app, actor: workflow.application_resubmit(application=app, actor=actor),
    "return_for_correction": lambda app, actor: workflow.application_return(application=app, actor=actor,
                                                                            reason="补正"),
    "accept": lambda app, actor: workflow.application_accept(application=app, actor=actor),
    "accept_with_deferred": lambda app, actor: workflow.application_accept_with_deferred(
        application=app, actor=actor, documents=["liability_insurance"], due_date=days_from_today(5)),
    "start_review": lambda app, actor: workflow.application_start_review(application=app, actor=actor),
    "approve": lambda app, actor: workflow.application_approve(application=app, actor=actor),
    "approve_provisionally": lambda app, actor: workflow.application_approve_provisionally(application=app,
                                                                                           actor=actor),
    "confirm_post_review": lambda app, actor: workflow.application_confirm_post_review(application=app, actor=actor),
    "reject": lambda app, actor: workflow.application_reject(application=app, actor=actor, reason="不符合条件"),
    "suspend": lambda app, actor: workflow.application_suspend(application=app, actor=actor, reasons="超员",
                                                               required_changes="限流"),
    "resume": lambda app, actor: workflow.application_resume(application=app, actor=actor, changes_made="已限流"),
    "revoke": lambda app, actor: workflow.application_revoke(application=app, actor=actor, reason="撤销"),
    "withdraw": lambda app, actor: workflow.application_withdraw(application=app, actor=actor),
    "complete": lambda app, actor: workflow.application_complete(application=app, actor=actor),
    "report_to_city": lambda app, actor: workflow.application_report_to_city(application=app, actor=actor,
                                                                             opinion="同意"),
    "cancel": lambda app, actor: workflow.application_cancel(application=app, actor=actor, reason="取消"),
}


def transition_table() -> dict[str, set[str]]:
    """{transition name: its source states}, read from the django-fsm declarations."""
    table: dict[str, set[str]] = {}
    for t in Application._meta.get_field("state").get_all_transitions(Application):
        table.setdefault(t.name, set()).add(t.source)
    return table


def test_every_transition_of_the_model_has_a_service():
    assert set(transition_table()) == set(CALLS)


def unchanged(application, state, revision, audit_count):
    application.refresh_from_db()
    return (application.state, application.revision, application.audit_entries.count()) == (
        state, revision, audit_count)


def test_every_illegal_transition_is_refused_and_changes_nothing():
    application = submitted()
    organizer, supervisor = organizer_of(application), supervisor_of(application)
    tried = 0
    for name, sources in sorted(transition_table().items()):
        actor = organizer if name in ORGANIZER_TRANSITIONS else supervisor
        for state in sorted(set(ApplicationState.values) - sources):
            application = force_state(application, state)
            revision, audit_count = application.revision, application.audit_entries.count()
            with pytest.raises(ValidationError, match="不能"):
                CALLS[name](application, actor)
            assert unchanged(application, state, revision, audit_count), (name, state)
            tried += 1
    assert tried > 100


def test_every_transition_by_the_wrong_role_is_refused_and_changes_nothing():
    application = submitted()
    organizer, supervisor = organizer_of(application), supervisor_of(application)
    for name, sources in sorted(transition_table().items()):
        wrong = supervisor if name in ORGANIZER_TRANSITIONS else organizer
        for state in sorted(sources):
            application = force_state(application, state)
            revision, audit_count = application.revision, application.audit_entries.count()
            with pytest.raises(PermissionDenied):
                CALLS[name](application, wrong)
            assert unchanged(application, state, revision, audit_count), (name, state)
