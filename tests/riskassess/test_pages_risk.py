"""The risk page: who sees it, what it shows, the police-only forecast and override forms."""
import pytest
from django.urls import reverse

from approvals.risk import bridge as risk
from approvals.models import AuditEntry
from events.models import Performer
from riskassess.models import Assessment
from tests import factories

from .factories import application_with_venue, fill_sections


@pytest.fixture
def application(organizer):
    application = application_with_venue(organizer, expected_attendance=3000, rated_capacity=8000,
                                         has_performances=True)
    fill_sections(application, organizer, security_staff_total=10, fixed_posts=3, patrol_posts=2, mobile_points=5,
                  core_area_m2=3000)
    Performer.objects.create(event=application.event, name="铁锈乐队", genre="重金属", genre_intensity=5)
    factories.grant_police_access(application)
    return application


@pytest.fixture
def police(application):
    return factories.ReviewerFactory(authority=application.district)


def url(application, name="detail"):
    return reverse(f"risk:{name}", args=[application.pk])


def test_page_shows_level_chart_crowd_factors_deployment_flags_and_history(client, police, application):
    risk.assess_application(application=application)
    client.force_login(police)
    response = client.get(url(application))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="dimension-chart"' in page and "<svg" in page
    assert 'data-check="capacity"' in page and 'data-check="egress"' in page and 'data-check="parking"' in page
    assert 'data-factor="genre_intensity"' in page and "铁锈乐队" in page
    assert 'data-deployment="security_staff"' in page and "核心区防控小组" in page
    assert 'data-flag="staff_below_minimum"' in page  # 10 staff: even 四级 (1:250) needs 12
    assert 'data-testid="risk-history"' in page
    assert url(application, "override") in page and url(application, "assess") in page
    assert "<script>" not in page  # no inline script (CSP)


def test_page_without_assessment_says_so(client, police, application):
    client.force_login(police)
    assert 'data-testid="not-assessed"' in client.get(url(application)).content.decode()


def test_organizer_sees_its_risk_page_without_the_police_forms(client, organizer, application):
    risk.assess_application(application=application)
    client.force_login(organizer)
    page = client.get(url(application)).content.decode()
    assert 'data-testid="risk-level"' in page
    assert url(application, "override") not in page


def test_another_organisation_gets_404(client, other_organizer, application):
    client.force_login(other_organizer)
    assert client.get(url(application)).status_code == 404
    assert client.post(url(application, "assess"), {}).status_code == 404


def test_organizer_may_not_assess_or_override(client, organizer, application):
    client.force_login(organizer)
    assert client.post(url(application, "assess"), {"max_temperature_c": "20"}).status_code == 403
    assert client.post(url(application, "override"), {"level": "四级", "reason": "x"}).status_code == 403
    assert not Assessment.objects.exists()


def test_police_enter_a_forecast_and_reassess(client, police, application):
    client.force_login(police)
    response = client.post(url(application, "assess"), {"max_temperature_c": "38", "precipitation_mm": "",
                                                         "wind_speed_ms": "18"})
    assert response.status_code == 302
    assessment = risk.latest_assessment(application)
    assert assessment.forecast == {"max_temperature_c": 38.0, "wind_speed_ms": 18.0}
    assert assessment.actor == police


def test_invalid_forecast_shows_field_errors(client, police, application):
    client.force_login(police)
    response = client.post(url(application, "assess"), {"wind_speed_ms": "-5"})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()


def test_police_override_with_reason(client, police, application):
    client.force_login(police)
    response = client.post(url(application, "override"), {"level": "一级", "reason": "国庆期间从严"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.security_level == "一级"
    assert AuditEntry.objects.filter(application=application, action="level_overridden").exists()
    page = client.get(url(application)).content.decode()
    assert 'data-testid="overridden"' in page and "国庆期间从严" in page


def test_override_without_reason_is_refused(client, police, application):
    client.force_login(police)
    response = client.post(url(application, "override"), {"level": "一级", "reason": ""})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="level_overridden").exists()


def test_suspension_candidates_panel_lists_flagged_approved_events(client, police, application):
    from django.template.loader import render_to_string

    from approvals.models import Application

    Application.objects.filter(pk=application.pk).update(state="approved")
    html = render_to_string("riskassess/includes/suspension_candidates.html",
                            {"candidates": risk.suspension_candidates(police)})
    assert application.event.name in html and "安保人员" in html
    assert render_to_string("riskassess/includes/suspension_candidates.html", {"candidates": []}).strip() == ""


def test_page_in_english_translates_the_stored_texts_it_can(client, police, application, settings):
    risk.assess_application(application=application)
    client.force_login(police)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url(application))
    assert response.status_code == 200
    assert "Genre intensity" in response.content.decode()


def test_the_history_says_what_started_each_assessment_in_words(client, police, application):
    risk.assess_application(application=application, trigger="change:section")
    risk.assess_application(application=application, trigger="accept")
    client.force_login(police)
    page = client.get(url(application)).content.decode()
    assert "安保方案章节修改" in page and "受理" in page
    assert "change:section" not in page and ">accept<" not in page
