"""Plan pages: status, regenerate, download through Django (never a public URL), HTML preview, the panel."""
import hashlib

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from plans.models import PlanVersion
from tests import factories


def _url(name, application, **kwargs):
    return reverse(f"plans:{name}", kwargs={"application_pk": application.pk, **kwargs})


def test_organizer_downloads_the_pdf_as_an_attachment(client, with_plan):
    application, people = with_plan
    version = PlanVersion.objects.get(application=application)
    client.force_login(people["organizer"])
    response = client.get(_url("download", application))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == version.sha256 == response["X-Content-SHA256"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_another_organisation_gets_404_for_the_pdf_and_the_pages(client, with_plan):
    application, _people = with_plan
    client.force_login(factories.OrganizerUserFactory())
    for name in ("download", "status", "preview", "panel"):
        assert client.get(_url(name, application)).status_code == 404
    assert client.get(_url("download_version", application, number=1)).status_code == 404
    assert client.post(_url("regenerate", application)).status_code == 404


def test_anonymous_is_sent_to_login(client, with_plan):
    application, _people = with_plan
    response = client.get(_url("download", application))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_pdf_is_not_reachable_under_the_media_url(client, with_plan, settings):
    application, people = with_plan
    version = PlanVersion.objects.get(application=application)
    client.force_login(people["organizer"])
    assert client.get(settings.MEDIA_URL + version.file.name).status_code == 404


def test_status_page_lists_versions_with_their_state(client, with_plan, django_assert_max_num_queries):
    application, people = with_plan
    client.force_login(people["supervisor"])
    with django_assert_max_num_queries(25):
        response = client.get(_url("status", application))
    html = response.content.decode()
    assert response.status_code == 200
    assert "已生成" in html and _url("download_version", application, number=1) in html
    assert _url("regenerate", application) in html


def test_culture_official_neither_sees_nor_regenerates_the_plan(client, with_plan):
    """The official vets the lineup; the plan is not its part of the dossier (approvals.dossier, issue 10)."""
    application, people = with_plan
    client.force_login(people["culture"])
    assert client.get(_url("status", application)).status_code == 404
    assert client.post(_url("regenerate", application)).status_code == 404


def test_regenerate_with_unchanged_content_keeps_the_version(client, with_plan):
    application, people = with_plan
    client.force_login(people["organizer"])
    response = client.post(_url("regenerate", application), follow=True)
    assert response.status_code == 200
    assert PlanVersion.objects.filter(application=application).count() == 1
    assert "第 1 版" in response.content.decode()


def test_regenerate_on_the_application_page_carries_its_csrf_token(with_plan):
    """The panel is an isolated include: its form must still get the token (it posted without one: 403)."""
    import re

    from django.test import Client

    application, people = with_plan
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["organizer"])
    page = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
    form = page[page.index('action="%s"' % _url("regenerate", application)):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form[:form.index("</form>")]).group(1)
    assert client.post(_url("regenerate", application), {"csrfmiddlewaretoken": token}).status_code == 302


def test_regenerate_from_htmx_returns_the_panel(client, with_plan):
    application, people = with_plan
    client.force_login(people["organizer"])
    response = client.post(_url("regenerate", application), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'class="card mb-3 plan-panel"' in html and "<html" not in html


def test_preview_is_the_same_html_with_the_print_stylesheet(client, approved):
    application, people = approved
    client.force_login(people["organizer"])
    response = client.get(_url("preview", application))
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/css/plan.css" in html and "大型群众性活动安全工作方案" in html and "<script" not in html
    assert "组织指挥体系与五方责任" in html


def test_draft_preview_is_marked_and_offers_no_pdf(client, organizer):
    draft = factories.create_application(organizer)
    client.force_login(organizer)
    assert "预览稿" in client.get(_url("preview", draft)).content.decode()
    response = client.post(_url("regenerate", draft), follow=True)
    assert "许可后才能生成" in response.content.decode()
    assert not PlanVersion.objects.filter(application=draft).exists()


@pytest.mark.parametrize("status,polls", [("queued", True), ("ready", False)])
def test_panel_include_polls_only_while_pending(with_plan, status, polls):
    application, people = with_plan
    PlanVersion.objects.filter(application=application).update(status=status)
    request = RequestFactory().get("/")
    request.user = people["organizer"]
    html = render_to_string("plans/includes/plan_panel.html", {"application": application}, request=request)
    assert ('hx-trigger="every 3s"' in html) is polls
    assert _url("preview", application) in html
