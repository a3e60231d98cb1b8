"""Helpers for the review-workflow tests: applications in each state, reached through the services."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import workflow
from approvals.models import Application
from events.models import Performer, Song
from tests import factories


@pytest.fixture
def no_fuse_flags(monkeypatch):
    """The risk model's hard rules are tested by the risk engineer; these tests pin the workflow alone."""
    monkeypatch.setattr("approvals.risk.fuse_flags_blocking_approval", lambda application: [])


def submitted(organizer=None, *, upload_deferrable=True, **facts) -> Application:
    organizer = organizer or factories.OrganizerUserFactory()
    application = factories.create_application(organizer, **facts)
    factories.complete_application(application, organizer, skip_deferrable=not upload_deferrable)
    from approvals.applications.services import application_submit

    return application_submit(application=application, user=organizer)


def organizer_of(application):
    return application.created_by


def reviewer_of(application, **kwargs):
    return factories.ReviewerFactory(authority=application.district, **kwargs)


def supervisor_of(application):
    return factories.SupervisorFactory(authority=application.district)


def under_review(application, reviewer) -> Application:
    application = workflow.application_accept(application=application, actor=reviewer)
    return workflow.application_start_review(application=application, actor=reviewer)


def approved(application, reviewer) -> Application:
    return workflow.application_approve(application=under_review(application, reviewer), actor=reviewer)


def set_level(application, level: str) -> Application:
    # Test set-up of what the risk model would have stored (not a state change).
    Application.objects.filter(pk=application.pk).update(security_level=level)
    application.refresh_from_db()
    return application


def force_state(application, state: str) -> Application:
    """Test set-up only: put a row in a state without walking the workflow."""
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


def with_completed_history(organisation) -> Application:
    """A past application of the organisation in state completed (a clean record needs one)."""
    organizer = organisation.members.first() or factories.OrganizerUserFactory(organisation=organisation)
    past = factories.create_application(organizer)
    return force_state(past, "completed")


def lineup(application, bands: int = 2, songs: int = 3) -> list[Performer]:
    performers = []
    for _ in range(bands):
        performer = factories.PerformerFactory(event=application.event)
        for _ in range(songs):
            factories.SongFactory(performer=performer)
        performers.append(performer)
    return performers


def songs_of(performer) -> list[Song]:
    return list(performer.songs.order_by("order", "id"))


def days_from_today(days: int):
    return timezone.localdate() + timedelta(days=days)
