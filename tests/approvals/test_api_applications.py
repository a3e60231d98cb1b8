"""The applications API: list, create, read, edit facts, submit, checklist, sections, parties, lineup, catalogue."""
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import Application, ApplicationState
from events.models import Performer
from tests import factories

REPO = Path(__file__).resolve().parents[2]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def facts_payload(venue, **overrides) -> dict:
    facts = factories.event_facts(venue, **overrides)
    facts["venue"] = venue.pk
    for key in ("start_at", "end_at"):
        facts[key] = facts[key].isoformat()
    return facts


def complete(application, user):
    return factories.complete_application(application, user)


# ---------------------------------------------------------------------------------------------- list


def test_list_shows_only_the_organisations_own_applications(organizer, other_organizer, draft):
    factories.create_application(other_organizer)
    response = client_for(organizer).get("/api/applications/")
    assert response.status_code == 200
    assert [row["reference"] for row in response.data["results"]] == [draft.reference]
    assert response.data["count"] == 1
    row = response.data["results"][0]
    assert row["event_name"] == "湖滨音乐节" and row["state"] == "draft" and row["state_display"] == "草稿"


def test_list_query_count_does_not_grow_with_rows(organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    factories.create_application(organizer, venue=venue)
    client = client_for(organizer)
    client.get("/api/applications/")  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one_row:
        assert len(client.get("/api/applications/").data["results"]) == 1
    for _ in range(24):
        factories.create_application(organizer, venue=venue)
    with CaptureQueriesContext(connection) as many_rows:
        assert len(client.get("/api/applications/").data["results"]) == 25
    assert len(many_rows) == len(one_row)
    assert len(one_row) <= 10


def test_list_filters_by_state_searches_and_orders(organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    early = factories.create_application(organizer, venue=venue, name="早场活动",
                                         start_at=timezone.now() + timedelta(days=30),
                                         end_at=timezone.now() + timedelta(days=30, hours=3))
    late = factories.submitted_application(organizer, venue=venue, name="晚场活动")
    client = client_for(organizer)
    by_state = client.get("/api/applications/", {"state": "submitted"}).data["results"]
    assert [row["id"] for row in by_state] == [late.pk]
    searched = client.get("/api/applications/", {"search": "早场"}).data["results"]
    assert [row["id"] for row in searched] == [early.pk]
    assert [row["id"] for row in client.get("/api/applications/", {"q": "晚场"}).data["results"]] == [late.pk]
    ordered = client.get("/api/applications/", {"ordering": "event__start_at"}).data["results"]
    assert [row["id"] for row in ordered] == [early.pk, late.pk]


def test_list_page_size_is_capped(organizer, draft):
    response = client_for(organizer).get("/api/applications/", {"page_size": 5000})
    assert response.status_code == 200


def test_anonymous_list_is_refused():
    assert client_for().get("/api/applications/").status_code == 403


def test_token_authentication_reads_the_list(organizer, draft):
    from knox.models import AuthToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=organizer)[1]}")
    assert client.get("/api/applications/").data["count"] == 1


# ---------------------------------------------------------------------------------------------- create & read


def test_organizer_creates_a_draft_with_its_checklist(organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    response = client_for(organizer).post("/api/applications/", facts_payload(venue), format="json")
    assert response.status_code == 201, response.data
    application = Application.objects.get(pk=response.data["id"])
    assert application.organisation == organizer.organisation and application.state == ApplicationState.DRAFT
    assert response.data["event"]["venue"] == venue.pk
    assert response.data["checklist"]["can_submit"] is False
    assert {item["kind"] for item in response.data["checklist"]["items"]} == {"section", "document", "party"}


def test_reviewer_cannot_create_an_application(reviewer, organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    response = client_for(reviewer).post("/api/applications/", facts_payload(venue), format="json")
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_end_before_start_is_a_field_error(organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    start = timezone.now() + timedelta(days=40)
    payload = facts_payload(venue, start_at=start, end_at=start - timedelta(hours=2))
    response = client_for(organizer).post("/api/applications/", payload, format="json")
    assert response.status_code == 400
    assert response.data["end_at"] == ["结束时间必须晚于开始时间。"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("attendance", [-5, 0, 10**9])
def test_negative_zero_or_huge_attendance_is_refused_by_type(organizer, attendance):
    venue = factories.VenueFactory(owner=organizer.organisation)
    payload = facts_payload(venue, expected_attendance=attendance)
    response = client_for(organizer).post("/api/applications/", payload, format="json")
    assert response.status_code == 400
    assert list(response.data) == ["expected_attendance"]


def test_attendance_absurdly_over_capacity_is_refused(organizer):
    venue = factories.VenueFactory(owner=organizer.organisation)
    payload = facts_payload(venue, expected_attendance=900_000, rated_capacity=5000)
    response = client_for(organizer).post("/api/applications/", payload, format="json")
    assert response.status_code == 400
    assert "expected_attendance" in response.data


def test_another_organisations_venue_cannot_be_named(organizer, other_organizer):
    foreign_venue = factories.VenueFactory(owner=other_organizer.organisation)
    response = client_for(organizer).post("/api/applications/", facts_payload(foreign_venue), format="json")
    assert response.status_code == 400
    assert "venue" in response.data


def test_errors_are_chinese_by_default_and_english_on_request(organizer):
    client = client_for(organizer)
    assert client.post("/api/applications/", {}, format="json").data["name"] == ["该字段是必填项。"]
    english = client.post("/api/applications/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.data["name"] == ["This field is required."]


def test_retrieve_shows_facts_flags_state_and_checklist(organizer, draft):
    data = client_for(organizer).get(f"/api/applications/{draft.pk}/").data
    assert data["reference"] == draft.reference
    assert data["event"]["expected_attendance"] == 3000
    assert data["is_editable"] is True and data["is_late"] is False
    assert data["checklist"]["missing"] > 0


def test_another_organisations_application_is_not_found(other_organizer, draft):
    client = client_for(other_organizer)
    assert client.get(f"/api/applications/{draft.pk}/").status_code == 404
    assert client.patch(f"/api/applications/{draft.pk}/", {"name": "x"}, format="json").status_code == 404


def test_retrieve_query_count_is_fixed(organizer, draft, django_assert_max_num_queries):
    client = client_for(organizer)
    client.get(f"/api/applications/{draft.pk}/")
    with django_assert_max_num_queries(25):
        client.get(f"/api/applications/{draft.pk}/")


# ---------------------------------------------------------------------------------------------- edit facts


def test_patch_changes_only_the_given_facts(organizer, draft):
    response = client_for(organizer).patch(f"/api/applications/{draft.pk}/", {"name": "湖滨秋季音乐节"},
                                           format="json")
    assert response.status_code == 200, response.data
    draft.event.refresh_from_db()
    assert draft.event.name == "湖滨秋季音乐节" and draft.event.expected_attendance == 3000


def test_patch_end_before_start_keeps_the_saved_facts(organizer, draft):
    end = (draft.event.start_at - timedelta(hours=1)).isoformat()
    response = client_for(organizer).patch(f"/api/applications/{draft.pk}/", {"name": "新名字", "end_at": end},
                                           format="json")
    assert response.status_code == 400 and "end_at" in response.data
    draft.event.refresh_from_db()
    assert draft.event.name == "湖滨音乐节"


def test_submitted_application_facts_cannot_be_edited(organizer):
    application = factories.submitted_application(organizer)
    response = client_for(organizer).patch(f"/api/applications/{application.pk}/", {"name": "改名"},
                                           format="json")
    assert response.status_code == 400
    assert "不能再修改" in response.data["non_field_errors"][0]
    application.event.refresh_from_db()
    assert application.event.name == "湖滨音乐节"


def test_put_on_an_application_is_not_offered(organizer, draft):
    assert client_for(organizer).put(f"/api/applications/{draft.pk}/", {}, format="json").status_code == 405


# ---------------------------------------------------------------------------------------------- submit & checklist


def test_submit_incomplete_lists_what_is_missing_including_parties(organizer, draft):
    response = client_for(organizer).post(f"/api/applications/{draft.pk}/submit/")
    assert response.status_code == 400
    assert any("主办方" in message for message in response.data["non_field_errors"])
    missing = {(item["kind"], item["code"]) for item in response.data["missing"]}
    assert ("party", "sponsor") in missing and ("document", "event_plan") in missing
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_submit_with_one_party_missing_is_refused(organizer, draft):
    complete(draft, organizer)
    draft.parties.filter(party__code="sponsor").update(responsible_person="")
    response = client_for(organizer).post(f"/api/applications/{draft.pk}/submit/")
    assert response.status_code == 400
    assert [item["code"] for item in response.data["missing"]] == ["sponsor"]


def test_submit_complete_then_duplicate_submission_is_refused(organizer, draft):
    complete(draft, organizer)
    client = client_for(organizer)
    response = client.post(f"/api/applications/{draft.pk}/submit/")
    assert response.status_code == 200, response.data
    assert response.data["state"] == "submitted" and response.data["submitted_at"]
    again = client.post(f"/api/applications/{draft.pk}/submit/")
    assert again.status_code == 400
    assert "不能重复提交" in again.data["non_field_errors"][0]
    assert "missing" not in again.data
    assert draft.audit_entries.filter(transition="submit").count() == 1


def test_checklist_endpoint(organizer, draft):
    data = client_for(organizer).get(f"/api/applications/{draft.pk}/checklist/").data
    assert data["can_submit"] is False
    complete(draft, organizer)
    data = client_for(organizer).get(f"/api/applications/{draft.pk}/checklist/").data
    assert data["can_submit"] is True and data["missing"] == 0


# ---------------------------------------------------------------------------------------------- sections & parties


def test_sections_list_and_put(organizer, draft):
    client = client_for(organizer)
    sections = client.get(f"/api/applications/{draft.pk}/sections/").data
    assert [s["number"] for s in sections] == list(range(1, 12))
    response = client.put(f"/api/applications/{draft.pk}/sections/security_staff/", {
        "data": {"security_staff_total": 120, "fixed_posts": 10, "patrol_posts": 4, "mobile_points": 5},
        "narrative": "分三班"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["complete"] is True and response.data["data"]["security_staff_total"] == 120


def test_section_patch_merges_and_keeps_the_narrative(organizer, draft):
    client = client_for(organizer)
    url = f"/api/applications/{draft.pk}/sections/security_staff/"
    client.put(url, {"data": {"security_staff_total": 120}, "narrative": "原有说明"}, format="json")
    response = client.patch(url, {"data": {"fixed_posts": 8}}, format="json")
    assert response.status_code == 200
    assert response.data["data"]["security_staff_total"] == 120 and response.data["data"]["fixed_posts"] == 8
    assert response.data["narrative"] == "原有说明"


def test_section_type_error_is_field_level_and_keeps_content(organizer, draft):
    client = client_for(organizer)
    url = f"/api/applications/{draft.pk}/sections/security_staff/"
    client.put(url, {"data": {"security_staff_total": 120}, "narrative": "原有说明"}, format="json")
    response = client.put(url, {"data": {"security_staff_total": "很多"}, "narrative": "新"}, format="json")
    assert response.status_code == 400
    assert list(response.data) == ["security_staff_total"]
    assert client.get(url).data["narrative"] == "原有说明"


def test_unknown_section_is_not_found(organizer, draft):
    response = client_for(organizer).put(f"/api/applications/{draft.pk}/sections/nope/", {"data": {}},
                                         format="json")
    assert response.status_code == 404


def test_party_put_names_the_responsible_person(organizer, draft):
    client = client_for(organizer)
    parties = client.get(f"/api/applications/{draft.pk}/parties/").data
    sponsor = next(p for p in parties if p["code"] == "sponsor")
    item_ids = [item["id"] for item in sponsor["items"]]
    response = client.put(f"/api/applications/{draft.pk}/parties/sponsor/", {
        "organisation_name": "某文化公司", "responsible_person": "李四", "phone": "13800000000",
        "acknowledged_item_ids": item_ids[:1]}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["is_named"] is True
    assert [item["acknowledged"] for item in response.data["items"]] == [True] + [False] * (len(item_ids) - 1)


def test_party_named_by_the_bureau_cannot_be_filled_by_the_organizer(organizer, draft):
    code = draft.parties.get(party__named_by_organizer=False).party.code
    response = client_for(organizer).put(f"/api/applications/{draft.pk}/parties/{code}/", {
        "organisation_name": "x", "responsible_person": "y", "phone": "1"}, format="json")
    assert response.status_code == 403


def test_party_phone_must_look_like_a_phone_number(organizer, draft):
    response = client_for(organizer).put(f"/api/applications/{draft.pk}/parties/sponsor/", {
        "organisation_name": "x", "responsible_person": "y", "phone": "<script>"}, format="json")
    assert response.status_code == 400 and list(response.data) == ["phone"]


# ---------------------------------------------------------------------------------------------- lineup


def test_lineup_crud_while_editable(organizer, draft):
    client = client_for(organizer)
    base = f"/api/applications/{draft.pk}/performers/"
    created = client.post(base, {"name": "乐队甲", "genre": "摇滚", "genre_intensity": 4}, format="json")
    assert created.status_code == 201, created.data
    performer_url = f"{base}{created.data['id']}/"
    song = client.post(f"{performer_url}songs/", {"title": "第一首"}, format="json")
    assert song.status_code == 201
    assert client.patch(performer_url, {"order": 3}, format="json").data["genre_intensity"] == 4
    renamed = client.put(f"{performer_url}songs/{song.data['id']}/", {"title": "第二首", "order": 1},
                         format="json")
    assert renamed.data["title"] == "第二首"
    listed = client.get(base).data
    assert [(p["name"], [s["title"] for s in p["songs"]]) for p in listed] == [("乐队甲", ["第二首"])]
    assert client.delete(f"{performer_url}songs/{song.data['id']}/").status_code == 204
    assert client.delete(performer_url).status_code == 204
    assert not Performer.objects.filter(event=draft.event).exists()


def test_performer_intensity_out_of_range_is_a_field_error(organizer, draft):
    response = client_for(organizer).post(f"/api/applications/{draft.pk}/performers/",
                                          {"name": "乐队", "genre_intensity": 9}, format="json")
    assert response.status_code == 400 and list(response.data) == ["genre_intensity"]


def test_lineup_of_a_submitted_application_cannot_change(organizer):
    application = factories.submitted_application(organizer)
    performer = factories.PerformerFactory(event=application.event)
    client = client_for(organizer)
    base = f"/api/applications/{application.pk}/performers/"
    assert client.post(base, {"name": "新乐队"}, format="json").status_code == 400
    assert client.delete(f"{base}{performer.pk}/").status_code == 400
    assert list(Performer.objects.filter(event=application.event)) == [performer]


def test_another_applications_performer_is_not_found(organizer, draft):
    other = factories.create_application(organizer, venue=draft.event.venue)
    performer = factories.PerformerFactory(event=other.event)
    response = client_for(organizer).get(f"/api/applications/{draft.pk}/performers/{performer.pk}/")
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------- catalogue & orgs


def test_catalogue_lists_documents_sections_and_parties(organizer):
    data = client_for(organizer).get("/api/catalogue/").data
    assert len(data["document_types"]) == 9 and len(data["plan_sections"]) == 11 and len(data["parties"]) == 5
    assert data["plan_sections"][0]["fields"][0]["label"] == "场次"
    english = client_for(organizer).get("/api/catalogue/", HTTP_ACCEPT_LANGUAGE="en").data
    assert english["plan_sections"][0]["title"] == "Event overview"


def test_organisations_organizer_sees_its_own_police_see_applicants(organizer, other_organizer):
    application = factories.submitted_application(organizer)
    reviewer = factories.ReviewerFactory(authority=application.district)
    own = client_for(organizer).get("/api/organisations/").data["results"]
    assert [o["id"] for o in own] == [organizer.organisation_id]
    seen = client_for(reviewer).get("/api/organisations/").data["results"]
    assert [o["id"] for o in seen] == [organizer.organisation_id]
    assert client_for(organizer).get(f"/api/organisations/{other_organizer.organisation_id}/").status_code == 404


# ---------------------------------------------------------------------------------------------- schema


def test_openapi_schema_validates_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=REPO, capture_output=True, text=True, env=_env())
    assert result.returncode == 0, result.stderr


def test_committed_openapi_schema_is_current(tmp_path):
    """Regenerate with: env -u DATABASE_URL DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py spectacular --file docs/openapi.yaml"""
    generated = tmp_path / "openapi.yaml"
    result = subprocess.run([sys.executable, "manage.py", "spectacular", "--file", str(generated)],
                            cwd=REPO, capture_output=True, text=True, env=_env())
    assert result.returncode == 0, result.stderr
    assert generated.read_text() == (REPO / "docs" / "openapi.yaml").read_text(), (
        "docs/openapi.yaml is stale: env -u DATABASE_URL DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py spectacular --file docs/openapi.yaml")


def test_swagger_ui_is_served_from_local_static_files(client, organizer):
    client.force_login(organizer)  # for signed-in users only (finding 11)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn" not in html.lower()


def _env() -> dict:
    import os

    # The schema never reads rows, but model integer ranges depend on the backend: always the default (SQLite),
    # so the committed file is the same whichever database the tests run on.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    return env
