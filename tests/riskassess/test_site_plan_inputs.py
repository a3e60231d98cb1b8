"""The risk model on a drawn site plan: a 100 × 120 m audience area with four 6 m exits (one per side), hand
computed. Capacity = min(12,000 m² × 2 p/m² = 24,000; 3 × 6 m (the largest exit left out) × 82 p/m/min × 8 min
= 11,808) = 11,808; egress of 10,000 people = 10,000 / (18 × 82) = 6.78 min (5.08 with all four exits); the
real perimeter 440 m → 5 patrol posts at 100 m (the venue's registered 2,500 m² would say a 200 m square, 2);
a fixed post at each of the 4 drawn gates. Without a plan, today's formulas from the venue's registration."""
import pytest

from approvals.risk import bridge as risk
from riskassess import scoring
from riskassess.defaults import default_parameters
from riskassess.facts import ExitFacts, PlanZoneFacts, SitePlanFacts
from siteplan import services as siteplan_services
from siteplan.risk_inputs import plan_inputs

from .factories import application_with_venue, event_facts, fill_sections, venue_facts

P = default_parameters()


def _f(kind, key, geometry, coordinates, **props):
    return {"type": "Feature", "geometry": {"type": geometry, "coordinates": coordinates},
            "properties": {"kind": kind, "key": key, "name": key, **props}}


def square_plan():
    """The audience area from (10, 10) to (110, 130) on a 120 × 140 m grid, a 6 m exit midway along each side."""
    return {"type": "FeatureCollection", "features": [
        _f("audience", "ground", "Polygon", [[[10, 10], [110, 10], [110, 130], [10, 130], [10, 10]]]),
        _f("gate", "west", "LineString", [[10, 67], [10, 73]], width_m=6),
        _f("gate", "east", "LineString", [[110, 67], [110, 73]], width_m=6),
        _f("gate", "south", "LineString", [[57, 10], [63, 10]], width_m=6),
        _f("gate", "north", "LineString", [[57, 130], [63, 130]], width_m=6),
    ]}


def test_the_plan_s_inputs_are_its_audience_area_exits_perimeter_and_gates():
    plan, exits = plan_inputs(square_plan(), width_m=120, height_m=140)
    assert plan.area_m2 == pytest.approx(12000)
    assert plan.perimeter_m == pytest.approx(440)
    assert plan.gates == 4 and exits == (ExitFacts(6.0),) * 4
    assert plan.zones == (PlanZoneFacts(12000.0, (ExitFacts(6.0),) * 4),)


def test_a_plan_without_an_audience_area_gives_no_inputs():
    features = {"type": "FeatureCollection", "features": square_plan()["features"][1:]}
    assert plan_inputs(features, width_m=120, height_m=140) is None


def test_crowd_figures_from_the_plan_discount_the_largest_exit_and_take_the_lower_capacity():
    plan = SitePlanFacts(zones=(PlanZoneFacts(12000.0, (ExitFacts(6.0),) * 4),), perimeter_m=440.0, gates=4)
    facts = event_facts(attendance=10000, venue=venue_facts(usable_area_m2=2500.0, exits=(ExitFacts(6.0),) * 4,
                                                            site_plan=plan))
    figures = scoring.crowd_figures(facts, P)
    assert figures.source == "site_plan"
    assert figures.capacity_by_area == 24000 and figures.capacity_by_exits == 11808
    assert figures.safe_capacity == 11808
    assert figures.usable_area_m2 == 12000
    assert figures.egress_per_minute == pytest.approx(18 * 82)
    assert figures.egress_minutes == pytest.approx(10000 / 1476)
    assert figures.largest_exit_width_m == 6.0 and figures.perimeter_m == 440.0
    # Without the plan: the registered area and all three exits, as before.
    estimate = scoring.crowd_figures(event_facts(attendance=10000, venue=venue_facts(usable_area_m2=2500.0)), P)
    assert estimate.source == "estimate" and estimate.safe_capacity == 5000
    assert estimate.egress_minutes == pytest.approx(10000 / (18 * 82))


def test_the_deployment_counts_the_real_perimeter_and_the_drawn_gates():
    plan = SitePlanFacts(zones=(PlanZoneFacts(12000.0, (ExitFacts(6.0),) * 4),), perimeter_m=440.0, gates=4)
    with_plan = scoring.assess(event_facts(venue=venue_facts(usable_area_m2=2500.0, site_plan=plan)), P)
    assert (with_plan.deployment.patrol_posts, with_plan.deployment.fixed_posts) == (5, 4)
    without = scoring.assess(event_facts(venue=venue_facts(usable_area_m2=2500.0)), P)
    assert (without.deployment.patrol_posts, without.deployment.fixed_posts) == (2, 3)


@pytest.fixture
def applications(organizer):
    """Two drafts at venues registered as 2,500 m² with three 6 m exits: one with the drawn plan."""
    drawn = application_with_venue(organizer, area=2500, expected_attendance=10000, rated_capacity=30000)
    plain = application_with_venue(organizer, area=2500, expected_attendance=10000, rated_capacity=30000)
    for application in (drawn, plain):
        fill_sections(application, organizer, security_staff_total=400, fixed_posts=4, patrol_posts=5,
                      mobile_points=5)
    siteplan_services.application_plan_save(application=drawn, actor=organizer, features=square_plan(),
                                            width_m=120, height_m=140)
    return drawn, plain


def test_the_bridge_feeds_the_plan_s_figures_to_the_model(applications):
    drawn, plain = applications
    assessment = risk.assess_application(application=drawn)
    crowd = assessment.crowd
    assert crowd["source"] == "site_plan"
    assert (crowd["safe_capacity"], crowd["capacity_by_area"], crowd["capacity_by_exits"]) == (11808, 24000, 11808)
    assert crowd["usable_area_m2"] == 12000 and crowd["perimeter_m"] == 440
    assert crowd["egress_minutes"] == pytest.approx(6.78, abs=0.01)
    assert (assessment.deployment["patrol_posts"], assessment.deployment["fixed_posts"]) == (5, 4)
    estimate = risk.assess_application(application=plain).crowd
    assert estimate["source"] == "estimate"
    assert (estimate["safe_capacity"], estimate["usable_area_m2"]) == (5000, 2500)


def test_the_risk_page_names_the_source(applications, client):
    from django.urls import reverse

    from tests import factories

    drawn, plain = applications
    pages = {}
    for application in (drawn, plain):
        risk.assess_application(application=application)
        factories.grant_police_access(application)
        client.force_login(factories.ReviewerFactory(authority=application.district))
        pages[application.pk] = client.get(reverse("risk:detail", args=[application.pk])).content.decode()
    assert 'data-source="site_plan"' in pages[drawn.pk] and "依据场地平面图" in pages[drawn.pk]
    source = pages[drawn.pk][pages[drawn.pk].index("crowd-source"):][:900]
    assert "实测周界 440 米" in source and "11808 人" in pages[drawn.pk], source
    assert 'data-source="estimate"' in pages[plain.pk] and "依据场所登记数据估算" in pages[plain.pk]
