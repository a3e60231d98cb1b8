"""Pages of the review workflow: the actions panel, action posts, permit and refusal, history, vetting pages."""
import re

import pytest
from django.urls import reverse

from approvals import clocks
from approvals import workflow
from approvals.models import Application
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    approved, days_from_today, lineup, no_fuse_flags, organizer_of, reviewer_of, set_level, submitted, under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def logged_in(client, user):
    client.force_login(user)
    return client


def ticked_documents(page: str) -> list[str]:
    """The documents the 容缺 form of the actions panel ticks by default."""
    form = re.search(r'<form[^>]*data-action="accept_with_deferred".*?</form>', page, re.S).group(0)
    return [m.group(1) for m in re.finditer(r'<input[^>]*name="documents" value="([^"]+)"[^>]*\bchecked\b', form)]


def act(client, application, action, **data):
    data.setdefault("expected_revision", application.revision)
    return client.post(reverse("review:act", args=[application.pk, action]), data, follow=True)


def test_reviewer_sees_the_actions_panel_and_accepts_with_deferred_documents(client):
    application = submitted(upload_deferrable=False)
    reviewer = reviewer_of(application)
    page = logged_in(client, reviewer).get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert 'data-action="accept_with_deferred"' in page and 'value="liability_insurance"' in page
    assert 'data-action="approve"' not in page
    # The form as shown: its pre-ticked documents (not a hand-picked list).
    response = act(client, application, "accept_with_deferred", documents=ticked_documents(page),
                   due_date=days_from_today(10).isoformat())
    application.refresh_from_db()
    assert application.state == "accepted_deferred"
    assert "已容缺受理" in response.content.decode()


def test_organizer_sees_the_commitment_countdown_and_signs(client):
    application = submitted(upload_deferrable=False)
    workflow.application_accept_with_deferred(application=application, actor=reviewer_of(application),
                                              documents=["liability_insurance", "service_contracts"],
                                              due_date=days_from_today(10))
    organizer = organizer_of(application)
    page = logged_in(client, organizer).get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert "倒计时 10 天" in page and 'data-action="sign_commitment"' in page
    commitment = application.deferred_commitments.get()
    client.post(reverse("review:commitment_sign", args=[commitment.pk]))
    commitment.refresh_from_db()
    assert commitment.signed_by == organizer


def test_a_stale_form_says_someone_else_changed_it_and_changes_nothing(client):
    application = submitted()
    reviewer = reviewer_of(application)
    stale = application.revision
    workflow.application_accept(application=application, actor=reviewer)
    application.refresh_from_db()
    response = act(logged_in(client, reviewer), application, "start_review", expected_revision=stale)
    assert "已被他人修改" in response.content.decode()
    application.refresh_from_db()
    assert application.state == "accepted"


def test_missing_reason_is_shown_and_changes_nothing(client):
    application = submitted()
    response = act(logged_in(client, reviewer_of(application)), application, "return_for_correction", reason="")
    assert "请填写退回理由" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == "submitted"


def test_organizer_posting_a_police_action_gets_403_and_a_stranger_404(client):
    application = submitted()
    assert act(logged_in(client, organizer_of(application)), application, "accept").status_code == 403
    assert act(logged_in(client, factories.OrganizerUserFactory()), application, "accept").status_code == 404


def test_permit_page_prints_number_and_conditions(client):
    application = submitted(has_performances=True)
    (band,) = lineup(application, bands=1, songs=2)
    reviewer = reviewer_of(application)
    application = under_review(application, reviewer)
    official = factories.CultureOfficialFactory()
    workflow.application_assign_culture_vetting(application=application, actor=reviewer, official=official)
    workflow.performer_vet(performer=band, actor=official, decision="approved")
    songs = list(band.songs.all())
    workflow.song_vet(song=songs[0], actor=official, decision="struck", reason="歌词不宜")
    workflow.song_vet(song=songs[1], actor=official, decision="approved")
    application = workflow.application_approve(application=application, actor=reviewer)
    page = logged_in(client, organizer_of(application)).get(reverse("review:permit", args=[application.pk]))
    text = page.content.decode()
    assert application.permit.number in text and f"《{songs[0].title}》" in text and "歌词不宜" in text


def test_refusal_page_states_the_reasons(client):
    application = submitted()
    reviewer = reviewer_of(application)
    workflow.application_reject(application=under_review(application, reviewer), actor=reviewer,
                                reason="疏散通道宽度不足")
    text = logged_in(client, organizer_of(application)).get(reverse("review:refusal", args=[application.pk])).content
    assert "疏散通道宽度不足" in text.decode() and "不予安全许可决定书" in text.decode()


def test_history_page_shows_every_step(client):
    application = submitted()
    reviewer = reviewer_of(application)
    application = approved(application, reviewer)
    application = workflow.application_suspend(application=application, actor=reviewer, reasons="大风",
                                               required_changes="加固")
    workflow.application_resume(application=application, actor=reviewer, changes_made="已加固")
    text = logged_in(client, reviewer).get(reverse("review:history", args=[application.pk])).content.decode()
    for transition in ("submit", "accept", "start_review", "approve", "suspend", "resume"):
        assert f'data-transition="{transition}"' in text
    assert "已加固" in text


def test_culture_official_lands_on_their_vetting_list_with_only_assigned_events(client, django_assert_num_queries):
    official = factories.CultureOfficialFactory()
    logged_in(client, official)
    assert client.get(reverse("home")).url == reverse("review:vetting_list")
    assigned = []
    for _ in range(3):
        application = submitted(has_performances=True)
        lineup(application, bands=2, songs=1)
        reviewer = reviewer_of(application)
        workflow.application_accept(application=application, actor=reviewer)
        workflow.application_assign_culture_vetting(application=application, actor=reviewer, official=official)
        assigned.append(application)
    other = submitted(has_performances=True, name="别人的演出")
    client.get(reverse("review:vetting_list"))  # warm-up
    with django_assert_num_queries(5):  # with the suspension banner's one query
        text = client.get(reverse("review:vetting_list")).content.decode()
    assert text.count("2 / 2") == 3 and "别人的演出" not in text
    assert client.get(reverse("review:vetting_detail", args=[other.pk])).status_code == 404


def test_official_strikes_a_song_on_the_vetting_page(client):
    application = submitted(has_performances=True)
    (band,) = lineup(application, bands=1, songs=2)
    reviewer = reviewer_of(application)
    workflow.application_accept(application=application, actor=reviewer)
    official = factories.CultureOfficialFactory()
    workflow.application_assign_culture_vetting(application=application, actor=reviewer, official=official)
    logged_in(client, official)
    song = band.songs.first()
    response = client.post(reverse("review:song_vet", args=[song.pk]), {"decision": "struck", "reason": ""},
                           follow=True)
    assert "不予通过须填写理由" in response.content.decode()
    client.post(reverse("review:song_vet", args=[song.pk]), {"decision": "struck", "reason": "歌词宣扬暴力"})
    song.refresh_from_db()
    assert (song.vetting_status, song.vetted_by) == ("struck", official)


def test_nav_shows_the_unread_notification_count(client):
    application = submitted()
    reviewer = reviewer_of(application)
    workflow.application_accept(application=application, actor=reviewer)
    logged_in(client, organizer_of(application))
    assert reverse("notifications:unread_badge") in client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">1<' in client.get(reverse("notifications:unread_badge")).content.decode()
    assert "已受理" in client.get(reverse("notifications:list")).content.decode()


def test_inbox_sorts_by_urgency_by_default_and_marks_overdue_rows(client):
    later = submitted(name="四十天后的活动")
    reviewer = reviewer_of(later)
    venue = later.event.venue
    overdue = submitted(organizer_of(later), venue=venue, name="决定期限已过")
    workflow.application_accept(application=overdue, actor=reviewer)
    # Set-up of time passing: the decision clock ran out yesterday.
    Application.objects.filter(pk=overdue.pk).update(decision_due_date=days_from_today(-1))
    clocks.refresh_next_deadlines()  # the daily refresh of the stored next deadline (the update bypassed it)
    deferred = submitted(organizer_of(later), venue=venue, upload_deferrable=False, name="容缺五天")
    workflow.application_accept_with_deferred(application=deferred, actor=reviewer, documents=[
        "liability_insurance", "service_contracts"], due_date=days_from_today(5))
    page = logged_in(client, reviewer).get(reverse("approvals:inbox"))
    assert [a.pk for a in page.context["page"]] == [overdue.pk, deferred.pk, later.pk]
    text = page.content.decode()
    assert text.count('class="overdue"') == 1
    assert f'data-next-deadline="{days_from_today(5).isoformat()}"' in text


def test_an_approval_the_panel_knows_will_fail_is_offered_disabled_with_its_reasons(client):
    application = submitted(has_performances=True)
    reviewer = reviewer_of(application)
    application = set_level(under_review(application, reviewer), "四级")
    lineup(application, bands=1, songs=1)
    assert "approve" in workflow.available_actions(application, reviewer)  # the state and role allow it
    page = logged_in(client, reviewer).get(reverse("approvals:detail", args=[application.pk])).content.decode()
    assert 'data-action="approve"' not in page  # no live button that can only end in an error
    withheld = re.search(r'<li data-withheld="approve">(.*?)</li>', page, re.S).group(1)
    assert "disabled" in withheld and "尚未指派文旅审核员" in withheld
