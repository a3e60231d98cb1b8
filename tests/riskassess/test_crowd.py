"""Crowd formulas against hand-computed cases (Purple Guide, Green Guide, Fruin figures)."""
import math

import pytest

from riskassess import crowd
from riskassess.facts import CrowdParameters, ExitFacts

C = CrowdParameters()
FESTIVAL_EXITS = (ExitFacts(8), ExitFacts(6), ExitFacts(6), ExitFacts(4, "steps"))


def test_safe_capacity_is_usable_area_times_planning_density():
    assert crowd.safe_capacity(12000, 2.0) == 24000
    assert crowd.safe_capacity(8000, 2.0) == 16000
    assert crowd.safe_capacity(333.3, 2.0) == 666


def test_density_is_attendance_over_usable_area():
    assert crowd.crowd_density(30000, 12000) == 2.5
    assert crowd.crowd_density(0, 0) == 0.0
    assert math.isinf(crowd.crowd_density(10, 0))


def test_flow_rates_follow_the_green_guide_and_drop_with_alcohol():
    assert crowd.exit_flow_rate("level", alcohol_served=False, crowd=C) == 82
    assert crowd.exit_flow_rate("steps", alcohol_served=False, crowd=C) == 66
    assert crowd.exit_flow_rate("level", alcohol_served=True, crowd=C) == 72
    assert crowd.exit_flow_rate("steps", alcohol_served=True, crowd=C) == 56


def test_egress_time_of_the_festival_with_alcohol():
    # 20 m level × 72 + 4 m steps × 56 = 1,664 people a minute; 30,000 / 1,664 = 18.03 minutes.
    assert crowd.egress_capacity_per_minute(FESTIVAL_EXITS, alcohol_served=True, crowd=C) == 1664
    assert crowd.egress_minutes(30000, FESTIVAL_EXITS, alcohol_served=True, crowd=C) == pytest.approx(18.029, abs=1e-3)


def test_egress_time_without_alcohol():
    # 20 × 82 + 4 × 66 = 1,904 a minute; 30,000 / 1,904 = 15.76 minutes.
    assert crowd.egress_minutes(30000, FESTIVAL_EXITS, alcohol_served=False, crowd=C) == pytest.approx(15.756, abs=1e-3)


def test_no_exit_means_no_egress():
    assert math.isinf(crowd.egress_minutes(100, (), alcohol_served=False, crowd=C))
    assert crowd.egress_minutes(0, (), alcohol_served=False, crowd=C) == 0


def test_parking_demand_from_car_share_and_occupancy():
    assert crowd.parking_demand(30000, car_share=0.3, persons_per_car=2.5) == 3600
    assert crowd.parking_demand(2500, car_share=0.3, persons_per_car=2.5) == 300
    assert crowd.parking_demand(1001, car_share=0.3, persons_per_car=2.5) == 121  # 120.12 rounds up


def test_minimum_security_staff_from_the_ratio():
    assert crowd.minimum_security_staff(30000, 50) == 600
    assert crowd.minimum_security_staff(2500, 250) == 10
    assert crowd.minimum_security_staff(2501, 250) == 11


def test_patrol_posts_along_the_estimated_perimeter():
    # A 10,000 m² square has a 400 m perimeter: four posts 100 m apart.
    assert crowd.perimeter_estimate_m(10000) == 400
    assert crowd.patrol_posts_needed(10000, 100) == 4
    assert crowd.patrol_posts_needed(1, 100) == 1


def test_mobile_points_at_least_five():
    assert crowd.mobile_points_needed(2000, minimum=5, attendees_per_point=5000) == 5
    assert crowd.mobile_points_needed(30000, minimum=5, attendees_per_point=5000) == 6


@pytest.mark.parametrize("density, band", [
    (1.0, "within_planning"), (2.0, "within_planning"), (2.5, "above_planning"), (4.0, "unstable"),
    (4.7, "above_terrace_max"), (5.5, "dangerous_moving"), (7.0, "dangerous_standing"),
])
def test_density_bands_follow_the_published_thresholds(density, band):
    assert crowd.density_band(density, C) == band
