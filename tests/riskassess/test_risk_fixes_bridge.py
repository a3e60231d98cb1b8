"""Risk model fixes through the database: parking counted once and the car share from section 8, the heat rule
with the plan's heat measures, route venues (model, form, API, risk page) and sessions (场次)."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.applications.forms import VenueForm
from approvals.models import CatalogueVersion
from approvals.risk import bridge as risk
from events import sessions as event_sessions
from events.models import Venue
from events.services import venue_create
from riskassess.models import RiskModelVersion, WeatherRule
from tests import factories

from .factories import application_with_venue, event_start, fill_sections

STAFFED = {"security_staff_total": 200, "fixed_posts": 3, "patrol_posts": 5, "mobile_points": 5}


def factor(assessment, code):
    return next(f for f in assessment.factors if f["code"] == code)


def flag_codes(assessment):
    return [flag["code"] for flag in assessment.fuse_flags]


# ---------------------------------------------------------------------------------------------- parking


def test_section_8_parking_is_counted_once(organizer):
    # 5,000 people × 30 % ÷ 2.5 = 600 spaces needed. The venue has 800; section 8 says 300 are available for the
    # event: 300, not 1,100.
    application = application_with_venue(organizer, parking=800, expected_attendance=5000, rated_capacity=8000)
    fill_sections(application, organizer, parking_spaces_arranged=300, **STAFFED)
    crowd = risk.assess_application(application=application).crowd
    assert (crowd["parking_demand"], crowd["parking_spaces"], crowd["parking_short"]) == (600, 300, True)


def test_empty_section_8_parking_means_the_venue_own_spaces(organizer):
    application = application_with_venue(organizer, parking=800, expected_attendance=5000, rated_capacity=8000)
    fill_sections(application, organizer, **STAFFED)
    crowd = risk.assess_application(application=application).crowd
    assert (crowd["parking_demand"], crowd["parking_spaces"], crowd["parking_short"]) == (600, 800, False)


def test_car_share_is_a_field_of_section_8_read_by_the_risk_model(organizer):
    traffic = CatalogueVersion.objects.get(is_current=True).plan_sections.get(code="traffic")
    field = next(f for f in traffic.fields if f["key"] == "car_share_percent")
    assert (field["risk_input"], field["type"], field["min"], field["max"]) == ("car_share_percent", "decimal", 0, 100)
    application = application_with_venue(organizer, parking=800, expected_attendance=5000, rated_capacity=8000)
    fill_sections(application, organizer, car_share_percent="60", **STAFFED)
    assessment = risk.assess_application(application=application)
    # 5,000 × 60 % ÷ 2.5 = 1,200 needed against the venue's 800.
    assert (assessment.crowd["parking_demand"], assessment.crowd["car_share"]) == (1200, 0.6)
    assert "60%" in factor(assessment, "parking")["explanation"]


def test_car_share_above_100_is_refused_by_field(organizer):
    from approvals.applications import services

    application = application_with_venue(organizer)
    with pytest.raises(ValidationError) as error:
        services.section_save(application=application, user=organizer, section_code="traffic",
                              raw_data={"car_share_percent": "130"}, narrative="")
    assert "car_share_percent" in error.value.message_dict


# ---------------------------------------------------------------------------------------------- heat rule


def test_the_current_model_carries_the_heat_rule_as_data(db):
    rule = WeatherRule.objects.get(version__is_current=True, code="heat")
    assert (rule.reading, rule.threshold, rule.event_kinds, rule.outdoor_only, rule.waived_by) == (
        "max_temperature_c", 35, ["sports"], True, "heat_measures")


def test_heat_flag_for_an_outdoor_race_until_the_plan_states_heat_measures(organizer):
    application = application_with_venue(organizer, kind="sports", expected_attendance=3000, rated_capacity=8000)
    fill_sections(application, organizer, **STAFFED)
    hot = risk.assess_application(application=application, forecast={"max_temperature_c": "36"})
    assert "weather_heat" in flag_codes(hot)
    assert any("36℃" in reason for reason in risk.fuse_flags_blocking_approval(application))
    fill_sections(application, organizer, heat_measures=True)
    assert "weather_heat" not in flag_codes(risk.assess_application(application=application))  # forecast kept


def test_heat_threshold_edited_in_a_new_version_applies(organizer):
    from riskassess.admin import model_version_clone

    application = application_with_venue(organizer, kind="sports", expected_attendance=3000, rated_capacity=8000)
    fill_sections(application, organizer, **STAFFED)
    assert "weather_heat" not in flag_codes(risk.assess_application(
        application=application, forecast={"max_temperature_c": "33"}))
    current = RiskModelVersion.objects.get(is_current=True).pk  # used, so frozen: edited in a copy
    copy = model_version_clone(RiskModelVersion.objects.get(pk=current))
    copy.weather_rules.filter(code="heat").update(threshold=32)
    RiskModelVersion.objects.filter(pk=current).update(is_current=False)
    RiskModelVersion.objects.filter(pk=copy.pk).update(is_current=True)
    assert "weather_heat" in flag_codes(risk.assess_application(application=application))


# ---------------------------------------------------------------------------------------------- route venues


def marathon_course(organizer, **overrides):
    values = {"organisation": organizer.organisation, "name": "环湖马拉松赛道", "address": "环湖路",
              "district": factories.DistrictBureauFactory(), "setting": "outdoor", "kind": "route",
              "route_length_km": "5", "route_width_m": "8", "start_area_m2": 6000, "finish_area_m2": 10000,
              "exits": [{"name": "终点东口", "width_m": 10}, {"name": "终点西口", "width_m": 10}]}
    values.update(overrides)
    return venue_create(**values)


def test_route_venue_needs_its_course_and_gets_its_footprint(organizer):
    venue = marathon_course(organizer)
    assert venue.is_route and venue.usable_area_m2 == 5000 * 8 + 6000 + 10000
    with pytest.raises(ValidationError) as error:
        marathon_course(organizer, route_width_m=None, start_area_m2=None)
    assert {"route_width_m", "start_area_m2"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        marathon_course(organizer, kind="area", usable_area_m2=None)
    assert "usable_area_m2" in error.value.message_dict


def test_route_venue_is_scored_on_the_course(organizer):
    venue = marathon_course(organizer)
    application = factories.create_application(organizer, venue=venue, kind="sports", expected_attendance=15000,
                                               rated_capacity=20000)
    fill_sections(application, organizer, security_staff_total=300, fixed_posts=2, patrol_posts=100,
                  mobile_points=5)
    crowd = risk.assess_application(application=application).crowd
    assert crowd["is_route"] is True
    assert (crowd["course_capacity"], crowd["start_capacity"], crowd["finish_capacity"],
            crowd["spectators_along"]) == (40000, 12000, 20000, 40000)
    assert crowd["safe_capacity"] == 12000 and crowd["over_capacity"] is True  # the footprint would say 112,000
    assert crowd["egress_minutes"] == round(15000 / (20 * 82), 2)


def test_risk_page_shows_the_route_figures_not_the_area_ones(client, organizer):
    venue = marathon_course(organizer)
    application = factories.create_application(organizer, venue=venue, kind="sports", expected_attendance=15000,
                                               rated_capacity=20000)
    risk.assess_application(application=application)
    factories.grant_police_access(application)
    client.force_login(factories.ReviewerFactory(authority=application.district))
    page = client.get(reverse("risk:detail", args=[application.pk])).content.decode()
    assert 'data-check="course"' in page and 'data-check="start"' in page and 'data-check="finish"' in page
    assert 'data-check="capacity"' not in page and "可用面积" not in page
    assert "终点区疏散时间" in page


def test_venue_form_takes_a_route(organizer):
    district = factories.DistrictBureauFactory()
    form = VenueForm({"venue-name": "赛道", "venue-address": "环湖路", "venue-district": district.pk,
                      "venue-setting": "outdoor", "venue-parking_spaces": 0, "venue-kind": "route",
                      "venue-route_length_km": "42.195", "venue-route_width_m": "10"}, prefix="venue")
    assert not form.is_valid()
    assert {"start_area_m2", "finish_area_m2"} <= set(form.errors)
    assert "usable_area_m2" not in form.errors


def test_venue_api_creates_a_route(organizer):
    client = APIClient()
    client.force_login(organizer)
    district = factories.DistrictBureauFactory()
    body = {"name": "城市马拉松赛道", "address": "滨江大道", "district": district.pk, "setting": "outdoor",
            "kind": "route", "route_length_km": "42.195", "route_width_m": "12", "start_area_m2": 30000,
            "finish_area_m2": 25000, "exits": [{"name": "终点北口", "width_m": "20"}]}
    response = client.post("/api/venues/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["kind"] == "route" and response.data["route_length_km"] == "42.195"
    assert Venue.objects.get(pk=response.data["id"]).usable_area_m2 == 42195 * 12 + 30000 + 25000
    missing = client.post("/api/venues/", {**body, "finish_area_m2": None}, format="json")
    assert missing.status_code == 400 and "finish_area_m2" in missing.data


# ---------------------------------------------------------------------------------------------- sessions


def test_night_time_per_session_names_the_second_session_past_22(organizer):
    application = application_with_venue(organizer, expected_attendance=4000, rated_capacity=8000)
    fill_sections(application, organizer, **STAFFED)
    first = event_start(days=40, hour=14)
    event_sessions.replace_sessions(application.event, [
        {"name": "第一场", "start_at": first, "end_at": first + timedelta(hours=4), "expected_attendance": 4000},
        {"name": "第二场", "start_at": first + timedelta(days=1, hours=5),  # 19:00 the next day
         "end_at": first + timedelta(days=1, hours=8, minutes=30), "expected_attendance": 3000},  # to 22:30
    ])
    night = factor(risk.assess_application(application=application), "night_time")
    assert night["severity"] == pytest.approx(3.5 / 4)
    assert "第二场" in night["explanation"] and "3.5" in night["value"]
