"""Three events give plausible, different results: a 30,000-person lake-side festival with heavy metal on
12,000 m² (一级, over capacity), a marathon (middle levels, no flag), a small lantern fair (四级)."""
import io
from datetime import timedelta

import pytest

from approvals.risk import bridge as risk
from events.models import Performer
from tests import factories

from .factories import application_with_venue, event_start, fill_sections

PLAN = {"fixed_posts": 24, "patrol_posts": 12, "mobile_points": 5, "real_name_tickets": True,
        "public_sale_percent": 90, "refund_mechanism": True, "shuttle_buses": 30}


def festival(organizer, company):
    start = event_start(days=45, hour=16)
    application = application_with_venue(
        organizer, area=12000, exits=((8, "level"), (6, "level"), (6, "level"), (4, "steps")), parking=1500,
        name="湖滨草莓音乐节", kind="music_festival", start_at=start, end_at=start + timedelta(hours=8),
        expected_attendance=30000, rated_capacity=32000, alcohol_served=True, temporary_structures=6,
        has_performances=True, security_company=company)
    for name, intensity, interaction in (("铁锈乐队", 5, 5), ("暗夜咆哮", 5, 4), ("晴天民谣社", 1, 2)):
        Performer.objects.create(event=application.event, name=name, genre_intensity=intensity,
                                 audience_interaction=interaction)
    fill_sections(application, organizer, security_staff_total=450, parking_spaces_arranged=1500,
                  road_closures=True, **PLAN)
    return application


def marathon(organizer, company):
    start = event_start(days=30, hour=7)
    application = application_with_venue(
        organizer, area=60000, exits=((20, "level"), (20, "level"), (12, "level"), (12, "level")), parking=3000,
        name="城市马拉松", kind="sports", start_at=start, end_at=start + timedelta(hours=7),
        expected_attendance=20000, rated_capacity=30000, ticketed=False, temporary_structures=12,
        security_company=company)
    fill_sections(application, organizer, security_staff_total=600, parking_spaces_arranged=3000,
                  road_closures=True, **PLAN)
    return application


def lantern_fair(organizer, company):
    start = event_start(days=25, hour=18)
    application = application_with_venue(
        organizer, area=8000, exits=((6, "level"), (4, "steps"), (4, "level")), parking=300,
        name="古城元宵灯会", kind="lantern_festival", start_at=start, end_at=start + timedelta(hours=4),
        expected_attendance=2500, rated_capacity=6000, temporary_structures=3, security_company=company)
    fill_sections(application, organizer, security_staff_total=60, parking_spaces_arranged=300, **PLAN)
    return application


@pytest.fixture
def results(organizer):
    company = factories.SecurityCompanyFactory()
    return {name: risk.assess_application(application=build(organizer, company))
            for name, build in (("festival", festival), ("marathon", marathon), ("lantern", lantern_fair))}


def test_the_festival_is_level_one_and_flagged_over_capacity(results):
    assessment = results["festival"]
    assert assessment.level == "一级" and assessment.total >= 80
    codes = {flag["code"] for flag in assessment.fuse_flags}
    assert {"over_capacity", "egress_over_limit", "staff_below_minimum"} <= codes
    assert assessment.crowd["safe_capacity"] == 24000
    assert assessment.deployment["min_security_staff"] == 600


def test_the_marathon_sits_in_the_middle_without_flags(results):
    assessment = results["marathon"]
    assert assessment.level in {"二级", "三级"}
    assert assessment.fuse_flags == []
    road = next(f for f in assessment.factors if f["code"] == "road_closures")
    assert road["contribution"] > 0


def test_the_lantern_fair_is_level_four(results):
    assessment = results["lantern"]
    assert assessment.level == "四级" and assessment.total < 40
    assert assessment.fuse_flags == []


def test_the_three_results_differ(results):
    totals = [a.total for a in results.values()]
    assert totals == sorted(totals, reverse=True) and len(set(a.level for a in results.values())) == 3


def test_demo_hook_assesses_the_demo_applications(db):
    from approvals.demo.core import FESTIVAL, LANTERN_FAIR, MARATHON, load_core_demo
    from approvals.models import Application
    from riskassess.demo import load_demo

    load_core_demo(io.StringIO())
    out = io.StringIO()
    load_demo(out)
    levels = dict(Application.objects.values_list("event__name", "security_level"))
    assert levels[FESTIVAL] == "一级"
    assert levels[LANTERN_FAIR] == "四级"
    assert levels[MARATHON] in {"二级", "三级"}
    festival_assessment = risk.latest_assessment(Application.objects.get(event__name=FESTIVAL))
    assert "over_capacity" in {flag["code"] for flag in festival_assessment.fuse_flags}
    assert "over_capacity" in out.getvalue()
