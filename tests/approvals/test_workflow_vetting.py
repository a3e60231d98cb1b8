"""Culture-tourism vetting: assigned officials only, performers and songs approved or struck with reasons."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import signals, workflow
from approvals.applications.selectors import applications_visible_to
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    lineup, no_fuse_flags, organizer_of, reviewer_of, songs_of, submitted, supervisor_of, under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def with_vetting():
    application = submitted(has_performances=True)
    bands = lineup(application, bands=3, songs=2)
    reviewer = reviewer_of(application)
    application = under_review(application, reviewer)
    official = factories.CultureOfficialFactory()
    application = workflow.application_assign_culture_vetting(application=application, actor=reviewer,
                                                              official=official)
    return application, reviewer, official, bands


def test_official_sees_only_the_events_assigned_to_them():
    application, _reviewer, official, _bands = with_vetting()
    other = submitted(has_performances=True)
    visible = set(applications_visible_to(official).values_list("pk", flat=True))
    assert application.pk in visible and other.pk not in visible


def test_striking_a_band_and_two_songs_makes_them_permit_conditions(django_capture_on_commit_callbacks):
    application, reviewer, official, (metal, folk, pop) = with_vetting()
    with pytest.raises(ValidationError, match="文旅审核尚未完成"):
        workflow.application_approve(application=application, actor=reviewer)
    changed = []
    signals.application_changed.connect(lambda **kw: changed.append(kw["what"]), weak=False, dispatch_uid="v1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.performer_vet(performer=metal, actor=official, decision="struck", reason="重金属乐队，现场冲撞风险高")
            for performer in (folk, pop):
                workflow.performer_vet(performer=performer, actor=official, decision="approved")
            folk_songs, pop_songs = songs_of(folk), songs_of(pop)
            workflow.song_vet(song=folk_songs[0], actor=official, decision="struck", reason="歌词不宜")
            workflow.song_vet(song=pop_songs[1], actor=official, decision="struck", reason="歌词不宜")
            for song in (folk_songs[1], pop_songs[0]):
                workflow.song_vet(song=song, actor=official, decision="approved")
    finally:
        signals.application_changed.disconnect(dispatch_uid="v1")
    assert changed == ["vetting"] * 7
    # The struck band's songs need no decision of their own. (The risk model re-assessed on each decision and
    # may have raised the level: a supervisor signs.)
    application = workflow.application_approve(application=application, actor=supervisor_of(application))
    conditions = " ".join(application.permit.conditions)
    assert metal.name in conditions and "重金属乐队" in conditions
    assert f"《{folk_songs[0].title}》" in conditions and f"《{pop_songs[1].title}》" in conditions
    assert f"《{folk_songs[1].title}》" not in conditions


def test_striking_needs_a_reason():
    application, _reviewer, official, bands = with_vetting()
    with pytest.raises(ValidationError, match="理由"):
        workflow.performer_vet(performer=bands[0], actor=official, decision="struck", reason=" ")
    bands[0].refresh_from_db()
    assert bands[0].vetting_status == "pending"


def test_only_the_assigned_official_may_vet():
    application, reviewer, _official, bands = with_vetting()
    for intruder in (factories.CultureOfficialFactory(), reviewer, organizer_of(application)):
        with pytest.raises(PermissionDenied):
            workflow.performer_vet(performer=bands[0], actor=intruder, decision="approved")


def test_approval_is_blocked_until_an_official_is_assigned():
    application = submitted(has_performances=True)
    lineup(application, bands=1, songs=1)
    reviewer = reviewer_of(application)
    application = under_review(application, reviewer)
    with pytest.raises(ValidationError, match="尚未指派文旅审核员"):
        workflow.application_approve(application=application, actor=reviewer)


def test_vetting_is_closed_once_decided():
    application, reviewer, official, bands = with_vetting()
    for band in bands:
        workflow.performer_vet(performer=band, actor=official, decision="struck", reason="不宜")
    application = workflow.application_approve(application=application, actor=reviewer)
    with pytest.raises(ValidationError, match="不能审核"):
        workflow.performer_vet(performer=bands[0], actor=official, decision="approved")
