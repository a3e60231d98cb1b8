"""Two reviewers acting at once: one wins, the other is told someone else changed the application."""
import threading

import pytest
from django.db import connections

from approvals import workflow
from approvals.models import Application, Permit
from approvals.workflow import ApplicationConflict
from tests.approvals.workflow_helpers import (  # noqa: F401
    no_fuse_flags, reviewer_of, submitted, under_review,
)
from tests.conftest import require_postgresql

pytestmark = pytest.mark.usefixtures("no_fuse_flags")


@pytest.mark.django_db
def test_a_stale_revision_is_refused_as_a_conflict():
    application = submitted()
    reviewer = reviewer_of(application)
    stale = application.revision
    application = workflow.application_accept(application=application, actor=reviewer)
    with pytest.raises(ApplicationConflict, match="已被他人修改"):
        workflow.application_start_review(application=application, actor=reviewer, expected_revision=stale)
    application.refresh_from_db()
    assert application.state == "accepted"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_one_wins_the_other_gets_a_conflict():
    require_postgresql("row locks")
    application = submitted()
    first, second = reviewer_of(application), reviewer_of(application)
    application = under_review(application, first)
    revision = application.revision
    barrier = threading.Barrier(2)
    outcomes = {}

    def approve(reviewer):
        try:
            loaded = Application.objects.get(pk=application.pk)  # each reviewer's page load
            barrier.wait(timeout=10)
            workflow.application_approve(application=loaded, actor=reviewer, expected_revision=revision)
            outcomes[reviewer.pk] = "approved"
        except ApplicationConflict as conflict:
            outcomes[reviewer.pk] = conflict.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values(), key=len)[0] == "approved"
    assert sum("已被他人修改" in v for v in outcomes.values()) == 1
    application.refresh_from_db()
    assert application.state == "approved" and application.revision == revision + 1
    assert Permit.objects.filter(application=application).count() == 1
    assert application.audit_entries.filter(transition="approve").count() == 1
