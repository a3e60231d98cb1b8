"""Plan API: status, regenerate (idempotent), download; filtered by what the user may see."""
import hashlib

from django.urls import reverse

from plans.models import PlanVersion
from tests import factories


def _url(name, application):
    return reverse(f"plans_api:{name}", kwargs={"application_pk": application.pk})


def test_status_lists_the_current_and_ready_version(client, with_plan):
    application, people = with_plan
    client.force_login(people["organizer"])
    data = client.get(_url("status", application)).json()
    assert data["current"]["status"] == "ready" and data["ready"]["number"] == 1
    assert data["renderable"] and data["may_regenerate"]
    assert data["versions"][0]["download_url"].endswith(_url("download", application) + "?version=1")


def test_regenerate_answers_202_and_does_not_duplicate(client, with_plan):
    application, people = with_plan
    client.force_login(people["supervisor"])
    response = client.post(_url("regenerate", application))
    assert response.status_code == 202 and response.json()["current"]["number"] == 1
    assert PlanVersion.objects.filter(application=application).count() == 1


def test_regenerate_is_404_for_the_culture_official_and_400_for_a_draft(client, with_plan, organizer):
    application, people = with_plan
    client.force_login(people["culture"])  # the plan is not its part of the dossier (approvals.dossier)
    assert client.post(_url("regenerate", application)).status_code == 404
    draft = factories.create_application(organizer)
    client.force_login(organizer)
    response = client.post(_url("regenerate", draft))
    assert response.status_code == 400 and "application" in response.json()


def test_download_returns_the_stored_pdf(client, with_plan):
    application, people = with_plan
    version = PlanVersion.objects.get(application=application)
    client.force_login(people["organizer"])
    response = client.get(_url("download", application) + "?version=1", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == version.sha256


def test_other_organisation_gets_404_everywhere(client, with_plan):
    application, _people = with_plan
    client.force_login(factories.OrganizerUserFactory())
    assert client.get(_url("status", application)).status_code == 404
    assert client.post(_url("regenerate", application)).status_code == 404
    assert client.get(_url("download", application)).status_code == 404


def test_schema_documents_the_plan_endpoints(client, admin_user):
    client.force_login(admin_user)
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/plans/{application_pk}/", "/api/plans/{application_pk}/regenerate/",
                 "/api/plans/{application_pk}/download/"):
        assert path in schema
