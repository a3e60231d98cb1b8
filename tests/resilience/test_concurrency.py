"""Eight reviewers firing workflow transitions at the same applications at once, on the real PostgreSQL.

Each reviewer thread has its own database connection (closed at the end): it loads an application (a page
load), chooses the action its page would offer for the state it saw, and fires it with the revision it saw
(one action in five without a revision, like an API client that does not send one). Afterwards: no lost
update (revision bumps == applied transitions == transition audit rows), the audit trail is a walk of the
transition table ending in the final state, and it is exactly the sequence the threads were told succeeded.
"""
import random
import threading
import traceback
from collections import Counter, defaultdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from approvals import workflow
from approvals.models import Application, AuditEntry
from approvals.workflow import ApplicationConflict
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags, submitted  # noqa: F401
from tests.conftest import require_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("no_fuse_flags", "without_plan_renders")]

REVIEWERS = 8
ACTIONS_PER_REVIEWER = 20
APPLICATIONS = 3


@pytest.fixture
def without_plan_renders():
    """Every suspend/resume cycle changes the plan's content, so each resume would render a new PDF in-process
    (about 1.5 s of WeasyPrint each, 100 s for the run): the renders are the subject of test_pdf_worker_killed.
    Notifications (through the outbox) and the risk re-assessment stay on."""
    from approvals.signals import application_transitioned
    from plans.services import plan_on_transition

    application_transitioned.disconnect(dispatch_uid="plans.render_on_approval")
    yield
    application_transitioned.connect(plan_on_transition, dispatch_uid="plans.render_on_approval")


def _action_for(state: str, rng: random.Random):
    """What a reviewer's page offers in `state`: (transition name, service call taking application/actor/rev)."""
    if state == "submitted":
        if rng.random() < 0.8:
            return "accept", workflow.application_accept
        return "return_for_correction", lambda **kw: workflow.application_return(reason="材料需补正", **kw)
    if state == "returned":
        return "submit", None  # the organizer resubmits (below)
    if state == "accepted":
        return "start_review", workflow.application_start_review
    if state == "under_review":
        return "approve", workflow.application_approve
    if state == "approved":
        return "suspend", lambda **kw: workflow.application_suspend(reasons="现场人数超过许可人数",
                                                                    required_changes="控制入场", **kw)
    if state == "suspended":
        return "resume", lambda **kw: workflow.application_resume(changes_made="已限流", **kw)
    return None, None


def _transition_table() -> set[tuple[str, str, str]]:
    """(source, transition, target) of every transition on the model (RETURN_VALUE targets expanded)."""
    table = set()
    for t in Application._meta.get_field("state").get_all_transitions(Application):
        targets = t.target.allowed_states if hasattr(t.target, "allowed_states") else [t.target]
        for target in targets:
            table.add((t.source, t.name, target))
    return table


def _walk(entries, start_state: str, table) -> str:
    state = start_state
    for entry in entries:
        assert entry.from_state == state, f"audit {entry.pk} starts from {entry.from_state}, not {state}"
        sources = {entry.from_state, "*", "+"}
        assert any((s, entry.transition, entry.to_state) in table for s in sources), \
            f"{entry.from_state} --{entry.transition}--> {entry.to_state} is not in the transition table"
        state = entry.to_state
    return state


@pytest.mark.django_db(transaction=True)
def test_reviewers_racing_on_the_same_applications_lose_no_update_and_audit_each_transition_once():
    require_postgresql("row locks and real concurrency")
    district = factories.DistrictBureauFactory()
    organizer = factories.OrganizerUserFactory()
    applications = [submitted(organizer, venue=factories.VenueFactory(owner=organizer.organisation,
                                                                       district=district))
                    for _ in range(APPLICATIONS)]
    # Low level, local decision: any reviewer of the district may approve (no supervisor's sign-off).
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(security_level="四级",
                                                                            needs_city_decision=False)
    reviewers = [factories.ReviewerFactory(authority=district) for _ in range(REVIEWERS)]
    start = {a.pk: Application.objects.values("revision", "state").get(pk=a.pk) for a in applications}
    audit_before = {a.pk: AuditEntry.objects.filter(application=a, action=AuditEntry.Action.TRANSITION).count()
                    for a in applications}

    outcomes = Counter()
    applied = defaultdict(list)  # application pk → [(revision after, transition)]
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(REVIEWERS)

    def review(index: int, reviewer) -> None:
        rng = random.Random(index)
        try:
            barrier.wait(timeout=30)
            for _ in range(ACTIONS_PER_REVIEWER):
                application = Application.objects.select_related("created_by").get(
                    pk=rng.choice(applications).pk)
                name, service = _action_for(application.state, rng)
                if name is None:
                    continue
                revision = application.revision if rng.random() < 0.8 else None
                try:
                    if name == "submit":
                        result = workflow.application_resubmit(application=application,
                                                               actor=application.created_by,
                                                               expected_revision=revision)
                    else:
                        result = service(application=application, actor=reviewer, expected_revision=revision)
                except ApplicationConflict:
                    outcome = "conflict"
                except ValidationError:
                    outcome = "refused_state"  # no revision sent, and the state had moved on
                except PermissionDenied:
                    outcome = "forbidden"
                else:
                    outcome = "applied"
                    with lock:
                        applied[application.pk].append((result.revision, name))
                with lock:
                    outcomes["attempted"] += 1
                    outcomes[outcome] += 1
        except Exception as error:  # a failure of the test itself, reported below
            errors.append(traceback.format_exc())
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=review, args=(i, r)) for i, r in enumerate(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)

    table = _transition_table()
    audit_rows = 0
    for application in applications:
        application.refresh_from_db()
        done = sorted(applied[application.pk])
        first = start[application.pk]["revision"]
        # No lost update: every applied transition produced its own revision, one after another.
        assert [rev for rev, _name in done] == list(range(first + 1, first + 1 + len(done)))
        assert application.revision == first + len(done)
        entries = list(AuditEntry.objects.filter(application=application, action=AuditEntry.Action.TRANSITION)
                       .order_by("id")[audit_before[application.pk]:])
        audit_rows += len(entries)
        # Exactly one audit row per applied transition, in the order the revisions say.
        assert [e.transition for e in entries] == [name for _rev, name in done]
        assert [e.snapshot.get("revision") for e in entries] == [rev for rev, _name in done]
        # The final state is reached by walking the table along the applied sequence.
        assert _walk(entries, start[application.pk]["state"], table) == application.state

    assert outcomes["applied"] == sum(len(v) for v in applied.values()) == audit_rows
    assert outcomes["applied"] > 0 and outcomes["conflict"] > 0
    assert outcomes["attempted"] == sum(outcomes[k] for k in ("applied", "conflict", "refused_state", "forbidden"))
    print(f"\nconcurrency: {REVIEWERS} reviewers, {APPLICATIONS} applications: attempted {outcomes['attempted']}, "
          f"applied {outcomes['applied']}, conflicts {outcomes['conflict']}, refused (state moved on) "
          f"{outcomes['refused_state']}, forbidden {outcomes['forbidden']}, audit rows {audit_rows}")
