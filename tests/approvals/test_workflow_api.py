"""API of the workflow: each action, 400/403/404/409, the state, audit and permit endpoints, the schema."""
import pytest
from rest_framework.test import APIClient

from approvals import workflow
from tests import factories
from tests.approvals.workflow_helpers import (  # noqa: F401
    days_from_today, lineup, no_fuse_flags, organizer_of, reviewer_of, submitted, under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fuse_flags")]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(application, slug=""):
    return f"/api/applications/{application.pk}/workflow/{slug + '/' if slug else ''}"


def test_reviewer_walks_the_straight_path_through_the_api():
    application = submitted()
    client = api(reviewer_of(application))
    state = client.get(url(application)).json()
    assert "accept" in state["actions"] and state["revision"] == 1
    response = client.post(url(application, "accept"), {"expected_revision": 1}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    client.post(url(application, "start-review"), {"expected_revision": 2}, format="json")
    response = client.post(url(application, "approve"), {"expected_revision": 3}, format="json")
    assert response.json()["state"] == "approved" and "安许〔" in response.json()["permit_number"]
    permit = client.get(f"/api/applications/{application.pk}/permit/").json()
    assert permit["number"] == response.json()["permit_number"] and permit["conditions"]
    audit = client.get(f"/api/applications/{application.pk}/audit/").json()
    assert [e["transition"] for e in audit if e["action"] == "transition"] == [
        "submit", "accept", "start_review", "approve"]


def test_stale_revision_answers_409_with_the_message():
    application = submitted()
    client = api(reviewer_of(application))
    client.post(url(application, "accept"), {"expected_revision": 1}, format="json")
    response = client.post(url(application, "start-review"), {"expected_revision": 1}, format="json")
    assert response.status_code == 409 and "已被他人修改" in response.json()["detail"]


def test_field_errors_400_wrong_role_403_invisible_404():
    application = submitted(upload_deferrable=False)
    reviewer = reviewer_of(application)
    response = api(reviewer).post(url(application, "accept-with-deferred"),
                                  {"documents": ["event_plan"], "due_date": days_from_today(5).isoformat()},
                                  format="json")
    assert response.status_code == 400 and "不可容缺" in str(response.json()["documents"])
    assert api(organizer_of(application)).post(url(application, "accept"), {}, format="json").status_code == 403
    assert api(factories.OrganizerUserFactory()).post(url(application, "accept"), {}).status_code == 404
    response = api(reviewer).post(url(application, "return"), {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_vetting_and_suspension_through_the_api():
    application = submitted(has_performances=True)
    (band,) = lineup(application, bands=1, songs=1)
    reviewer = reviewer_of(application)
    official = factories.CultureOfficialFactory()
    under_review(application, reviewer)
    api(reviewer).post(url(application, "assign-culture-vetting"), {"user": official.pk}, format="json")
    response = api(official).post(f"/api/applications/{application.pk}/performers/{band.pk}/vet/",
                                  {"decision": "struck", "reason": "重金属"}, format="json")
    assert response.status_code == 200 and response.json()["vetting_status"] == "struck"
    response = api(reviewer).post(url(application, "approve"), {}, format="json")
    assert response.status_code == 200
    response = api(reviewer).post(url(application, "suspend"), {"reasons": "超员", "required_changes": "限流"},
                                  format="json")
    assert response.json()["state"] == "suspended"
    response = api(reviewer).post(url(application, "resume"), {"changes_made": "已限流"}, format="json")
    assert response.json()["state"] == "approved"


def test_an_unassigned_official_cannot_see_or_vet():
    application = submitted(has_performances=True)
    (band,) = lineup(application, bands=1, songs=1)
    workflow.application_accept(application=application, actor=reviewer_of(application))
    response = api(factories.CultureOfficialFactory()).post(
        f"/api/applications/{application.pk}/performers/{band.pk}/vet/", {"decision": "approved"}, format="json")
    assert response.status_code == 404


def test_the_schema_lists_every_workflow_endpoint(client, reviewer):
    client.force_login(reviewer)  # the schema is for signed-in users (issue 10, finding 11)
    schema = client.get("/api/schema/?format=json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()
                  if isinstance(op, dict) and "operationId" in op}
    for name in ("accept", "accept_with_deferred", "return", "resubmit", "start_review", "approve",
                 "approve_provisionally", "confirm_post_review", "reject", "revoke", "suspend", "resume",
                 "withdraw", "complete", "assign_reviewer", "assign_culture_vetting", "set_supervising_party",
                 "workflow", "audit_log", "permit"):
        assert f"application_{name}" in operations
    assert {"performer_vet", "song_vet", "deferred_commitment_sign"} <= operations
