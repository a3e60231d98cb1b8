"""Lineup writes (performers and songs): editable-only, scoped to the application, audited, announced."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.applications import services
from approvals import signals
from approvals.models import AuditEntry
from events.models import Performer, Song, VettingStatus
from tests import factories

pytestmark = pytest.mark.django_db


def add_performer(application, user, **overrides):
    values = {"name": "民谣歌手", "genre": "民谣", "genre_intensity": 1, "audience_interaction": 2, "order": 1}
    values.update(overrides)
    return services.performer_save(application=application, user=user, **values)


def test_a_lineup_change_is_audited_and_announced_after_commit(organizer, draft, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, application, actor, what, **kwargs):
        heard.append((application.pk, actor, what))

    signals.application_changed.connect(receiver, dispatch_uid="test-lineup-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            performer = add_performer(draft, organizer)
            services.song_save(application=draft, user=organizer, performer_id=performer.pk, title="南方")
    finally:
        signals.application_changed.disconnect(dispatch_uid="test-lineup-receiver")
    assert [what for _pk, _actor, what in heard] == ["lineup", "lineup"]
    assert heard[0][:2] == (draft.pk, organizer)
    entries = draft.audit_entries.filter(action=AuditEntry.Action.EDITED)
    assert [e.snapshot["lineup"] for e in entries] == ["performer_added", "song_added"]


def test_intensity_outside_one_to_five_is_refused(organizer, draft):
    with pytest.raises(ValidationError) as refused:
        add_performer(draft, organizer, genre_intensity=6)
    assert "genre_intensity" in refused.value.message_dict
    assert not Performer.objects.exists()


def test_a_submitted_applications_lineup_cannot_change(organizer):
    application = factories.submitted_application(organizer)
    with pytest.raises(ValidationError, match="不能再修改"):
        add_performer(application, organizer)


def test_another_organisation_may_not_change_the_lineup(other_organizer, draft):
    with pytest.raises(PermissionDenied):
        add_performer(draft, other_organizer)


def test_songs_and_performers_of_another_application_are_out_of_reach(organizer, draft):
    other = factories.create_application(organizer, venue=draft.event.venue)
    foreign_song = factories.SongFactory(performer=factories.PerformerFactory(event=other.event))
    mine = add_performer(draft, organizer)
    with pytest.raises(ValidationError):
        services.song_delete(application=draft, user=organizer, song_id=foreign_song.pk)
    with pytest.raises(ValidationError):
        services.song_save(application=draft, user=organizer, performer_id=mine.pk, song_id=foreign_song.pk,
                           title="偷改")
    with pytest.raises(ValidationError):
        services.performer_delete(application=draft, user=organizer, performer_id=foreign_song.performer_id)
    assert Song.objects.filter(pk=foreign_song.pk, title=foreign_song.title).exists()


def test_a_renamed_song_goes_back_to_vetting_but_a_reordered_one_does_not(organizer, draft):
    performer = add_performer(draft, organizer)
    song = factories.SongFactory(performer=performer, title="原名", vetting_status=VettingStatus.APPROVED)
    services.song_save(application=draft, user=organizer, performer_id=performer.pk, song_id=song.pk,
                       title="原名", order=5)
    song.refresh_from_db()
    assert (song.order, song.vetting_status) == (5, VettingStatus.APPROVED)
    services.song_save(application=draft, user=organizer, performer_id=performer.pk, song_id=song.pk, title="新名")
    song.refresh_from_db()
    assert song.vetting_status == VettingStatus.PENDING


def test_removing_a_performer_removes_its_songs_and_records_them(organizer, draft):
    performer = add_performer(draft, organizer)
    factories.SongFactory(performer=performer, title="第一首")
    services.performer_delete(application=draft, user=organizer, performer_id=performer.pk)
    assert not Song.objects.exists()
    entry = draft.audit_entries.filter(action=AuditEntry.Action.EDITED).last()
    assert entry.snapshot["lineup"] == "performer_removed" and entry.snapshot["songs"] == ["第一首"]
