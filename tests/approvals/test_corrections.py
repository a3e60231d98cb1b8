"""补正 at any stage before the decision (一次性告知): the reviewer names exactly what to change, the organizer may
change only that (services, pages, API), resubmission returns to the stage it left keeping acceptance, commitments
and vetting, the clocks' fields are set, and the reviewer sees what changed."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from approvals import workflow
from approvals.applications import services
from approvals.models import Application, ApplicationState, AuditEntry, Permit
from approvals.workflow import corrections
from approvals.workflow.models import CorrectionRequest
from events.models import VettingStatus
from notifications.models import Notification
from tests import factories
from tests.approvals.workflow_helpers import no_fuse_flags  # noqa: F401
from tests.support.builder import application, reviewer_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]

S = ApplicationState
# The attendance is a session's (场次): the first session is the item to correct.
TWO_ITEMS = [{"kind": "section", "key": "fire_safety"}, {"kind": "session", "key": "1"}]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def logged_in(client, user):
    client.force_login(user)
    return client


def fresh(app) -> Application:
    return Application.objects.select_related("event").get(pk=app.pk)


def returned_under_review(items=TWO_ITEMS, **facts):
    builder = application(**facts).under_review()
    builder.returned("请补正消防措施并核减预计人数", items=items)
    return builder


# ---------------------------------------------------------------------------------------------- each stage


@pytest.mark.parametrize("stage", sorted(corrections.returnable_stages()))
def test_a_correction_from_each_stage_before_the_decision_returns_to_that_stage(stage):
    city_level = {"expected_attendance": 6000, "rated_capacity": 8000} if stage == S.REPORTED_TO_CITY else {}
    builder = application(**city_level).filled(skip_deferrable=stage == S.ACCEPTED_DEFERRED).reach(stage)
    before = builder.build()
    items = [] if stage == S.SUBMITTED else [{"kind": "section", "key": "fire_safety"}]
    builder.returned("请补正消防安全措施", items=items)
    app = builder.build()
    assert app.state == S.RETURNED
    correction = app.correction_requests.get()
    assert (correction.stage, correction.open, correction.resubmitted_at) == (stage, True, None)
    assert correction.requested_at is not None and correction.requested_by == builder.person("reviewer")

    workflow.application_submit(application=app, actor=builder.person("organizer"))
    app = builder.build()
    correction.refresh_from_db()
    assert app.state == stage
    assert correction.resubmitted_at is not None and correction.resubmitted_at >= correction.requested_at
    # Acceptance is kept (the decision clock is the clocks' to pause), and so are commitments.
    assert (app.accepted_at, app.decision_due_date) == (before.accepted_at, before.decision_due_date)
    assert app.deferred_commitments.count() == before.deferred_commitments.count()
    events = list(app.audit_entries.filter(event__in=[AuditEntry.Event.RETURNED, AuditEntry.Event.RESUBMITTED])
                  .order_by("id").values_list("event", "from_state", "to_state"))
    assert events == [(AuditEntry.Event.RETURNED, stage, S.RETURNED), (AuditEntry.Event.RESUBMITTED, S.RETURNED, stage)]


def test_after_acceptance_the_notice_must_name_what_to_correct_and_a_due_date_in_time():
    builder = application().accepted()
    app, reviewer = builder.build(), builder.person("reviewer")
    with pytest.raises(ValidationError) as refused:
        workflow.application_return(application=app, actor=reviewer, reason="请补正")
    assert "items" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        workflow.application_return(application=app, actor=reviewer, reason="请补正", items=["section:no_such"])
    assert "items" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        workflow.application_return(application=app, actor=reviewer, reason="请补正", items=["section:fire_safety"],
                                    due_date=timezone.localdate() - timedelta(days=1))
    assert "due_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        workflow.application_return(application=app, actor=reviewer, reason="请补正", items=["section:fire_safety"],
                                    due_date=app.event.start_at.date() + timedelta(days=1))
    assert "due_date" in refused.value.message_dict
    assert fresh(app).state == S.ACCEPTED and not CorrectionRequest.objects.filter(application=app).exists()


def test_a_return_before_acceptance_without_items_leaves_everything_editable():
    builder = application().submitted().returned("材料不齐")
    app, organizer = builder.build(), builder.person("organizer")
    assert corrections.scope(app) is None
    services.section_save(application=app, user=organizer, section_code="traffic",
                          raw_data={"parking_spaces_arranged": 900}, narrative="改。")
    services.application_update_facts(application=app, user=organizer, facts={"name": "新名称"})
    assert fresh(app).event.name == "新名称"


# ---------------------------------------------------------------------------------------------- only those items


def test_the_organizer_changes_only_the_named_items_in_the_services():
    builder = returned_under_review()
    app, organizer = builder.build(), builder.person("organizer")
    services.section_save(application=app, user=organizer, section_code="fire_safety",
                          raw_data={"fire_extinguishers": 40, "firefighters_on_site": 12}, narrative="增设消防点。")
    services.application_update_facts(application=app, user=organizer, facts={"expected_attendance": 2500})
    with pytest.raises(PermissionDenied, match="不在补正告知所列事项内"):
        services.section_save(application=app, user=organizer, section_code="traffic",
                              raw_data={"parking_spaces_arranged": 900}, narrative="改。")
    with pytest.raises(ValidationError) as refused:
        services.application_update_facts(application=app, user=organizer, facts={"name": "改名", "rated_capacity": 9000})
    assert set(refused.value.message_dict) == {"name", "rated_capacity"}
    with pytest.raises(PermissionDenied):
        services.document_upload(application=app, user=organizer, document_type_code="event_plan",
                                 uploaded=factories.pdf_upload("plan.pdf"))
    party = app.parties.filter(party__named_by_organizer=True).select_related("party").first()
    with pytest.raises(PermissionDenied):
        services.party_save(application=app, user=organizer, party_code=party.party.code, organisation_name="甲",
                            responsible_person="乙", phone="13800000000")
    app = fresh(app)
    assert (app.event.name, app.event.expected_attendance) != ("改名", 2500) and app.event.expected_attendance == 2500


def test_the_lineup_is_editable_only_where_the_notice_names_it():
    builder = application(has_performances=True).with_lineup(bands=2, songs=2).under_review()
    first, second = builder.lineup
    song = first.songs.order_by("id").first()
    builder.returned("请更换曲目", items=[f"song:{song.pk}"])
    app, organizer = builder.build(), builder.person("organizer")
    services.song_save(application=app, user=organizer, performer_id=first.pk, song_id=song.pk, title="新曲目")
    with pytest.raises(PermissionDenied):
        services.performer_save(application=app, user=organizer, performer_id=second.pk, name="改名乐队")
    with pytest.raises(PermissionDenied):
        services.performer_save(application=app, user=organizer, name="新乐队")
    with pytest.raises(PermissionDenied):
        services.song_delete(application=app, user=organizer, song_id=second.songs.first().pk)


def test_the_pages_show_only_the_named_items_editable_and_refuse_the_rest(client):
    builder = returned_under_review()
    app, organizer = builder.build(), builder.person("organizer")
    client = logged_in(client, organizer)

    detail = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'data-testid="correction-notice"' in detail and "请补正消防措施并核减预计人数" in detail
    assert "消防安全措施" in detail and "第1场" in detail

    sections = client.get(f"/applications/{app.pk}/sections/").content.decode()
    fire = sections.split('id="fire_safety"')[1].split("</section>")[0]
    traffic = sections.split('id="traffic"')[1].split("</section>")[0]
    assert "data-correction-item" in fire.split(">")[0] and "data-correction-item" not in traffic.split(">")[0]
    assert "disabled" not in fire.split("<fieldset")[1].split(">")[0]
    assert "disabled" in traffic.split("<fieldset")[1].split(">")[0]
    response = client.post(f"/applications/{app.pk}/sections/", {"section": "traffic", "narrative": "改。"})
    assert response.status_code == 403

    facts = client.get(f"/applications/{app.pk}/facts/").content.decode()
    attendance = facts.split('name="sessions-0-expected_attendance"')[1].split(">")[0]
    name = facts.split('name="name"')[1].split(">")[0]
    assert "disabled" not in attendance and "data-correction-item" in attendance and "disabled" in name
    event = app.event
    posted = {"name": "偷偷改名", "kind": event.kind, "venue": event.venue_id,
              "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "1", "sessions-MIN_NUM_FORMS": "1",
              "sessions-MAX_NUM_FORMS": "100", "sessions-0-name": "",
              "sessions-0-start_at": timezone.localtime(event.start_at).strftime("%Y-%m-%dT%H:%M"),
              "sessions-0-end_at": timezone.localtime(event.end_at).strftime("%Y-%m-%dT%H:%M"),
              "sessions-0-expected_attendance": 2400, "rated_capacity": 1,
              "temporary_structures": event.temporary_structures, "ticketed": "on"}
    response = client.post(f"/applications/{app.pk}/facts/", posted)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.expected_attendance, event.rated_capacity) == ("湖滨音乐节", 2400, 5000)


def test_the_api_refuses_what_the_notice_does_not_name_with_a_field_error_or_403():
    builder = returned_under_review()
    app, organizer = builder.build(), builder.person("organizer")
    client = api(organizer)
    response = client.patch(f"/api/applications/{app.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 400 and "不在补正告知所列事项内" in response.json()["name"][0]
    response = client.patch(f"/api/applications/{app.pk}/", {"expected_attendance": 2600}, format="json")
    assert response.status_code == 200
    response = client.patch(f"/api/applications/{app.pk}/sections/traffic/", {"narrative": "改。"}, format="json")
    assert response.status_code == 403 and "消防安全措施" in response.json()["detail"]
    response = client.patch(f"/api/applications/{app.pk}/sections/fire_safety/", {"narrative": "新增消防站。"},
                            format="json")
    assert response.status_code == 200

    reviewer = builder.person("reviewer")
    correction = api(organizer).get(f"/api/applications/{app.pk}/correction/").json()
    assert [i["key"] for i in correction["items"]] == ["fire_safety", "1"]
    assert correction["open"] is True and correction["stage"] == S.UNDER_REVIEW
    changes = api(reviewer).get(f"/api/applications/{app.pk}/correction/").json()["changes"]
    assert {(c["key"], c["field"], c["old"], c["new"]) for c in changes} == {
        ("1", "expected_attendance", "3000", "2600"), ("fire_safety", "narrative", "按方案执行。", "新增消防站。")}


def test_the_reviewer_returns_through_the_api_naming_items_and_the_page_panel_offers_them(client):
    builder = application().accepted()
    app, reviewer = builder.build(), builder.person("reviewer")
    panel = logged_in(client, reviewer).get(f"/applications/{app.pk}/").content.decode()
    assert 'form method="post" action="/review/applications/%s/act/return_for_correction/"' % app.pk in panel
    assert 'value="section:fire_safety"' in panel and 'value="session:1"' in panel
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = api(reviewer).post(f"/api/applications/{app.pk}/workflow/return/", {
        "reason": "请补正", "items": TWO_ITEMS, "due_date": due}, format="json")
    assert response.status_code == 200 and response.json()["state"] == S.RETURNED
    correction = app.correction_requests.get()
    assert correction.due_date.isoformat() == due
    assert [(i["kind"], i["key"], i["label"]) for i in correction.items] == [
        ("section", "fire_safety", "4. 消防安全措施"), ("session", "1", "第1场（%s）" % timezone.localtime(
            app.event.start_at).strftime("%Y-%m-%d %H:%M"))]


def test_the_page_form_returns_with_the_checked_items(client):
    builder = application().accepted()
    app, reviewer = builder.build(), builder.person("reviewer")
    response = logged_in(client, reviewer).post(f"/review/applications/{app.pk}/act/return_for_correction/", {
        "reason": "请补正消防", "items": ["section:fire_safety", "document:liability_insurance"], "due_date": "",
        "expected_revision": app.revision})
    assert response.status_code == 302
    correction = fresh(app).correction_requests.get()
    assert [i["key"] for i in correction.items] == ["fire_safety", "liability_insurance"]
    assert correction.due_date == corrections.default_due_date(app)


# ---------------------------------------------------------------------------------------------- vetting, diff, told


def test_resubmission_keeps_vetting_and_struck_songs_stay_permit_conditions():
    builder = (application(has_performances=True)
               .with_lineup(performers=[{"name": "晴天乐队", "songs": ["湖边", "夜行者"]}]).accepted()
               .vetted(struck={"夜行者": "歌词宣扬暴力"}).under_review())
    builder.returned("请补正消防措施并核减预计人数", items=TWO_ITEMS)
    app, organizer = builder.build(), builder.person("organizer")
    services.application_update_facts(application=app, user=organizer, facts={"expected_attendance": 2800})
    workflow.application_submit(application=app, actor=organizer)
    app = builder.build()
    assert app.state == S.UNDER_REVIEW and app.vetting_blockers() == []
    statuses = dict(app.event.performers.get().songs.values_list("title", "vetting_status"))
    assert statuses == {"湖边": VettingStatus.APPROVED, "夜行者": VettingStatus.STRUCK}
    builder.approved()
    conditions = Permit.objects.get(application=app).conditions
    assert any("《夜行者》" in c and "歌词宣扬暴力" in c for c in conditions)
    assert any("2800" in c for c in conditions)


def test_the_organizer_is_told_what_and_by_when_and_the_reviewer_of_the_resubmission(client):
    builder = returned_under_review()
    app, organizer, reviewer = builder.build(), builder.person("organizer"), builder.person("reviewer")
    correction = app.correction_requests.get()
    told = Notification.objects.get(user=organizer, application=app, verb="return_for_correction")
    assert correction.due_date.isoformat() in told.message
    assert "消防安全措施" in told.message and "第1场" in told.message
    services.section_save(application=app, user=organizer, section_code="fire_safety",
                          raw_data={"fire_extinguishers": 40, "firefighters_on_site": 12}, narrative="增设消防点。")
    workflow.application_submit(application=app, actor=organizer)
    resubmitted = Notification.objects.get(user=reviewer, application=app, verb="submit")
    assert "消防安全措施" in resubmitted.message

    page = logged_in(client, reviewer).get(f"/applications/{app.pk}/").content.decode()
    diff = page.split('data-testid="revision-diff"')[1].split("</section>")[0]
    assert "按方案执行。" in diff and "增设消防点。" in diff and "灭火器数量" in diff
    assert 'data-testid="correction-notice"' not in page  # answered: no longer an open notice


def test_the_diff_names_document_versions_and_songs():
    builder = application(has_performances=True).with_lineup(performers=[{"name": "晴天乐队", "songs": ["湖边"]}])
    builder.accepted()
    song = builder.lineup[0].songs.get()
    builder.returned("请补正", items=["document:liability_insurance", f"song:{song.pk}"])
    app, organizer = builder.build(), builder.person("organizer")
    services.document_upload(application=app, user=organizer, document_type_code="liability_insurance",
                             uploaded=factories.pdf_upload("保险单-新.pdf"))
    services.song_save(application=app, user=organizer, performer_id=song.performer_id, song_id=song.pk,
                       title="湖畔")
    rows = {(r.kind, r.field): (r.old, r.new) for r in corrections.revision_changes(app.correction_requests.get())}
    assert rows[("document", "version")] == ("v1", "v2") and rows[("document", "file")][1] == "保险单-新.pdf"
    assert rows[("song", "title")] == ("湖边", "湖畔")
    assert ("song", "vetting_status") not in rows  # never vetted: still pending


def test_other_roles_do_not_read_the_correction():
    builder = returned_under_review()
    app = builder.build()
    stranger = factories.OrganizerUserFactory()
    assert api(stranger).get(f"/api/applications/{app.pk}/correction/").status_code == 404
    assert api(reviewer_for(app)).get(f"/api/applications/{app.pk}/correction/").status_code == 200
