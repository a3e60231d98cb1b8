"""The culture official's vetting page: more than titles, 全部通过, 不予通过 (never 删除), a struck band's songs
marked, a missing reason on its own row, the deadline the vetting must meet."""
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from approvals import workflow
from approvals.models import AuditEntry
from events.models import VettingStatus
from tests import factories
from tests.approvals.workflow_helpers import lineup, no_fuse_flags, reviewer_of, songs_of, submitted  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


@pytest.fixture
def assigned():
    """An accepted application with two bands of two songs, vetting assigned to an official."""
    application = submitted(has_performances=True)
    bands = lineup(application, bands=2, songs=2)
    reviewer = reviewer_of(application)
    workflow.application_accept(application=application, actor=reviewer)
    official = factories.CultureOfficialFactory()
    workflow.application_assign_culture_vetting(application=application, actor=reviewer, official=official)
    return application, bands, official


def page_of(client, application):
    return client.get(reverse("review:vetting_detail", args=[application.pk]))


def test_approve_all_approves_what_is_pending_and_keeps_decisions_taken(client, assigned):
    application, (first, second), official = assigned
    struck_song = songs_of(first)[0]
    workflow.song_vet(song=struck_song, actor=official, decision="struck", reason="歌词不当")
    client.force_login(official)
    assert 'data-testid="approve-all"' in page_of(client, application).content.decode()
    response = client.post(reverse("review:vetting_approve_all", args=[application.pk]), follow=True)
    assert "已全部通过（5 项）" in response.content.decode()
    struck_song.refresh_from_db()
    assert struck_song.vetting_status == VettingStatus.STRUCK and struck_song.vetting_reason == "歌词不当"
    for band in (first, second):
        band.refresh_from_db()
        assert band.vetting_status == VettingStatus.APPROVED and band.vetted_by == official
        assert all(s.vetting_status != VettingStatus.PENDING for s in songs_of(band))
    assert application.audit_entries.filter(event=AuditEntry.Event.VETTED).count() == 6  # one per decision
    application.refresh_from_db()
    assert application.vetting_blockers() == []
    assert 'data-testid="approve-all"' not in page_of(client, application).content.decode()


def test_only_the_assigned_official_may_approve_all(client, assigned):
    application, bands, _official = assigned
    reviewer = reviewer_of(application)
    for user in (reviewer, factories.CultureOfficialFactory()):  # neither holds VET on it: not even told it exists
        client.force_login(user)
        assert client.post(reverse("review:vetting_approve_all", args=[application.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        workflow.lineup_approve_all(application=application, actor=reviewer)
    assert application.event.performers.filter(vetting_status=VettingStatus.PENDING).count() == 2


def test_a_struck_band_s_songs_are_marked_and_the_page_says_not_approved_not_deleted(client, assigned):
    application, (first, _second), official = assigned
    workflow.performer_vet(performer=first, actor=official, decision="struck", reason="曾有违法记录")
    client.force_login(official)
    text = page_of(client, application).content.decode()
    band = text[text.index(f'id="performer-{first.pk}"'):text.index("</section>", text.index(f'id="performer-{first.pk}"'))]
    assert band.count('data-testid="struck-with-performer"') == 2 and "待审核" not in band
    assert band.count("vet-form") == 1  # the band's own form; its songs need no decision
    assert "不予通过" in text and "删除" not in text
    assert "风格" in text and "激烈" in text  # more than the titles
    # The overview says so too.
    client.force_login(reviewer_of(application))
    detail = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert detail.count("随演出者不予通过") == 2


def test_a_missing_reason_is_shown_on_its_row_with_the_page_kept(client, assigned):
    application, (first, _second), official = assigned
    song = songs_of(first)[1]
    client.force_login(official)
    response = client.post(reverse("review:song_vet", args=[song.pk]), {"decision": "struck", "reason": "  "})
    assert response.status_code == 400
    text = response.content.decode()
    row = text[text.index(f'id="song-{song.pk}"'):text.index("</li>", text.index(f'id="song-{song.pk}"'))]
    assert 'data-testid="row-error"' in row and "不予通过须填写理由" in row and 'aria-invalid="true"' in row
    assert text.count('data-testid="row-error"') == 1
    assert not re.search(r'class="alert alert-danger"[^>]*role="alert">[^<]*不予通过须填写理由', text)  # no banner
    song.refresh_from_db()
    assert song.vetting_status == VettingStatus.PENDING


def test_the_vetting_deadline_is_the_decision_deadline(client, assigned):
    application, _bands, official = assigned
    application.refresh_from_db()
    client.force_login(official)
    text = page_of(client, application).content.decode()
    deadline = text[text.index('data-testid="vetting-deadline"'):]
    assert application.decision_due_date.isoformat() in deadline[:400] and "许可决定时限" in deadline[:600]
