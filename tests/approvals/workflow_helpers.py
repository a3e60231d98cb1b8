"""Helpers for the review-workflow tests: applications in each state, reached through the services."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Application
from events.models import Performer, Song
from tests import factories
from tests.support import builder


@pytest.fixture
def no_fuse_flags(monkeypatch):
    """The risk model's hard rules are tested by the risk engineer; these tests pin the workflow alone."""
    monkeypatch.setattr("approvals.risk.bridge.fuse_flags_blocking_approval", lambda application: [])


def submitted(organizer=None, *, upload_deferrable=True, **facts) -> Application:
    return builder.application(organizer, **facts).filled(skip_deferrable=not upload_deferrable).submitted().build()


def organizer_of(application):
    return application.created_by


reviewer_of = builder.reviewer_for


def supervisor_of(application):
    return builder.supervisor_for(application)


def under_review(application, reviewer) -> Application:
    """Accepted (every document there) and under review, both by `reviewer`."""
    return builder.builder_for(application).accepted(by=reviewer).under_review(by=reviewer).build()


def approved(application, reviewer) -> Application:
    """Accepted, reviewed and approved, all by `reviewer`."""
    return (builder.builder_for(application).accepted(by=reviewer).under_review(by=reviewer).approved(by=reviewer)
            .build())


def set_level(application, level: str) -> Application:
    # Test set-up of what the risk model would have stored (not a state change).
    Application.objects.filter(pk=application.pk).update(security_level=level)
    application.refresh_from_db()
    return application


def force_state(application, state: str) -> Application:
    """Test set-up only: put a row in a state without walking the workflow. Kept for the generated table tests,
    which take one row through every state, including states no transition leads to from where it is (draft
    after submission); every other helper walks the workflow (tests.support.builder)."""
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


def with_completed_history(organisation) -> Application:
    """A past application of the organisation, approved and completed after its event (a clean record needs
    one), walked through the workflow."""
    organizer = organisation.members.first() or factories.OrganizerUserFactory(organisation=organisation)
    return builder.application(organizer).completed().build()


def lineup(application, bands: int = 2, songs: int = 3) -> list[Performer]:
    return builder.builder_for(application).with_lineup(bands=bands, songs=songs).lineup


def songs_of(performer) -> list[Song]:
    return list(performer.songs.order_by("order", "id"))


def days_from_today(days: int):
    return timezone.localdate() + timedelta(days=days)
