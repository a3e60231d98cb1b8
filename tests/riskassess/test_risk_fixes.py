"""Risk model fixes (pure scoring): the heat rule as data, route venues scored on the course, night-time and
staffing per session. Figures are worked out by hand in the comments."""
from dataclasses import replace
from datetime import datetime

import pytest

from riskassess import scoring
from riskassess.defaults import default_parameters
from riskassess.facts import (
    ExitFacts, ForecastFacts, RouteFacts, SecurityPlanFacts, SessionFacts, WeatherRuleSpec,
)

from .factories import event_facts, venue_facts

P = default_parameters()
HOT = ForecastFacts(max_temperature_c=36)


def flag_codes(facts, params=P):
    return [flag.code for flag in scoring.assess(facts, params).fuse_flags]


def outdoor_sports(**overrides):
    values = {"kind": "sports", "kind_label": "体育赛事/马拉松", "forecast": HOT,
              "start_local": datetime(2026, 7, 12, 7), "end_local": datetime(2026, 7, 12, 13)}
    values.update(overrides)
    return event_facts(**values)


# ---------------------------------------------------------------------------------------------- heat rule


def test_heat_rule_raises_a_fuse_flag_at_36_degrees_for_outdoor_sports():
    result = scoring.assess(outdoor_sports(), P)
    (flag,) = [f for f in result.fuse_flags if f.code == "weather_heat"]
    reason = str(flag.reason)
    assert "36℃" in reason and "35℃" in reason
    assert "补水点和医疗救护点" in reason and "起跑" in reason and "熔断" in reason
    assert result.blocks_approval


def test_heat_rule_not_indoors_not_at_30_degrees_not_for_other_kinds():
    assert "weather_heat" not in flag_codes(outdoor_sports(venue=venue_facts(indoor=True)))
    assert "weather_heat" not in flag_codes(outdoor_sports(forecast=ForecastFacts(max_temperature_c=30)))
    assert "weather_heat" not in flag_codes(outdoor_sports(forecast=ForecastFacts()))  # no forecast entered
    assert "weather_heat" not in flag_codes(outdoor_sports(kind="music_festival", kind_label="音乐节"))
    assert "weather_heat" in flag_codes(outdoor_sports(forecast=ForecastFacts(max_temperature_c=35)))  # at it


def test_heat_rule_waived_when_the_plan_states_heat_measures():
    assert "weather_heat" not in flag_codes(outdoor_sports(measures=frozenset({"heat_measures"})))


def test_the_threshold_is_data():
    cooler = replace(P, weather_rules=(replace(P.weather_rules[0], threshold=32.0),))
    assert "weather_heat" in flag_codes(outdoor_sports(forecast=ForecastFacts(max_temperature_c=33)), cooler)
    assert "weather_heat" not in flag_codes(outdoor_sports(forecast=ForecastFacts(max_temperature_c=33)))
    gale = WeatherRuleSpec("gale", "大风", "Gale", "wind_speed_ms", 17.2, kinds=(), outdoor_only=True)
    windy = replace(P, weather_rules=(gale,))
    assert flag_codes(event_facts(forecast=ForecastFacts(wind_speed_ms=20)), windy).count("weather_gale") == 1


def test_heat_rule_names_the_sessions_whose_own_forecast_breaches_it():
    sessions = (SessionFacts("周六", datetime(2026, 7, 11, 7), datetime(2026, 7, 11, 12), 3000,
                             ForecastFacts(max_temperature_c=31)),
                SessionFacts("周日", datetime(2026, 7, 12, 7), datetime(2026, 7, 12, 12), 3000,
                             ForecastFacts(max_temperature_c=37)))
    result = scoring.assess(outdoor_sports(sessions=sessions, forecast=ForecastFacts()), P)
    (flag,) = [f for f in result.fuse_flags if f.code == "weather_heat"]
    assert "周日" in str(flag.reason) and "周六" not in str(flag.reason) and "37℃" in str(flag.reason)
    temperature = next(f for f in result.factors if f.code == "forecast_temperature")
    assert temperature.severity == pytest.approx((37 - 30) / 8) and "周日" in str(temperature.explanation)


# ---------------------------------------------------------------------------------------------- route venues


def marathon(attendance=15000, **overrides):
    """A 5 km × 8 m course, start area 6,000 m², finish area 10,000 m² with two 10 m exits. The usable area
    (its footprint, 56,000 m²) would hold 112,000 people at 2 p/m²: the route must not be scored on it."""
    course = venue_facts(usable_area_m2=56000.0, exits=(ExitFacts(10.0), ExitFacts(10.0)),
                         route=RouteFacts(length_m=5000, width_m=8, start_area_m2=6000, finish_area_m2=10000))
    values = {"kind": "sports", "kind_label": "马拉松", "attendance": attendance, "rated_capacity": 20000,
              "venue": course, "plan": SecurityPlanFacts(security_staff_total=300, fixed_posts=2, patrol_posts=100,
                                                         mobile_points=5)}
    return event_facts(**{**values, **overrides})


def test_route_is_scored_on_the_course_start_and_finish():
    figures = scoring.crowd_figures(marathon(), P)
    assert figures.is_route
    assert figures.course_capacity == 40000  # 5,000 m × 8 m × 1.0 running p/m²
    assert figures.spectators_along == 40000  # 2 sides × 5,000 m × 2 m deep × 2 p/m²
    assert figures.start_capacity == 12000  # 6,000 m² × 2 p/m²
    assert figures.finish_capacity == 20000  # 10,000 m² × 2 p/m²
    assert figures.safe_capacity == 12000  # the lower of course and start area, not 112,000 of the footprint
    assert figures.density == pytest.approx(2.5)  # 15,000 at the mass start on 6,000 m²
    assert figures.egress_minutes == pytest.approx(15000 / (20 * 82))  # finish exits: 9.15 min
    result = scoring.assess(marathon(), P)
    (over,) = [f for f in result.fuse_flags if f.code == "over_capacity"]
    assert "起点区容量 12000" in str(over.reason)
    assert result.deployment.patrol_posts == 100  # both sides of 5 km, one post per 100 m


def test_route_within_its_figures_raises_no_capacity_flag():
    result = scoring.assess(marathon(attendance=11000), P)
    assert "over_capacity" not in [f.code for f in result.fuse_flags]
    narrow = replace(marathon(attendance=11000).venue, route=RouteFacts(2000, 5, 6000, 10000))  # 10,000 on course
    flags = scoring.assess(marathon(attendance=11000, venue=narrow), P).fuse_flags
    assert ["赛道容量 10000" in str(f.reason) for f in flags if f.code == "over_capacity"] == [True]


# ---------------------------------------------------------------------------------------------- sessions


def two_evenings():
    """Saturday afternoon 14:00–18:00 (daytime) and Sunday evening 19:00–22:30 (3.5 night hours)."""
    return (SessionFacts("周六下午场", datetime(2026, 5, 2, 14), datetime(2026, 5, 2, 18), 4000),
            SessionFacts("周日晚场", datetime(2026, 5, 3, 19), datetime(2026, 5, 3, 22, 30), 6000))


def test_night_time_is_judged_per_session_and_names_the_session():
    facts = event_facts(attendance=6000, start_local=datetime(2026, 5, 2, 14), end_local=datetime(2026, 5, 3, 22, 30),
                        sessions=two_evenings())
    night = scoring.read_factor("night_time", facts, scoring.crowd_figures(facts, P), P)
    assert night.severity == pytest.approx(3.5 / 4)  # the span as one would count 19:00 Sat – 06:00 Sun too
    assert "周日晚场" in str(night.explanation) and "3.5" in str(night.value)
    span = event_facts(attendance=6000, start_local=datetime(2026, 5, 2, 14), end_local=datetime(2026, 5, 3, 22, 30))
    assert scoring.read_factor("night_time", span, scoring.crowd_figures(span, P), P).severity == 1


def test_staffing_is_judged_on_the_largest_session_and_names_it():
    facts = event_facts(attendance=6000, sessions=two_evenings(), plan=SecurityPlanFacts(security_staff_total=40))
    staffing = scoring.read_factor("staffing_ratio", facts, scoring.crowd_figures(facts, P), P)
    assert staffing.severity == pytest.approx((6000 / 40 - 50) / 200)  # 1:150 between 1:50 and 1:250 → 0.5
    assert "周日晚场" in str(staffing.explanation)


def test_lazy_texts_equal_the_texts_read_on_their_own():
    facts = marathon()
    result = scoring.assess(facts, P)
    figures = scoring.crowd_figures(facts, P)
    for factor in result.factors:
        alone = scoring.read_factor(factor.code, facts, figures, P)
        assert (str(factor.value), str(factor.explanation), factor.severity) == (
            str(alone.value), str(alone.explanation), alone.severity)
