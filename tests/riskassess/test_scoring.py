"""Each factor, the dimension and total scores, the level, the deployment and the fuse flags (pure scoring)."""
from dataclasses import replace
from datetime import date, datetime

import pytest

from riskassess import scoring
from riskassess.defaults import default_parameters
from riskassess.facts import (
    ExitFacts, ForecastFacts, OrganiserRecord, OverdueDocument, SecurityCompanyRecord, SecurityPlanFacts,
    TicketingFacts, TrafficFacts,
)

from .factories import event_facts, performer, venue_facts

P = default_parameters()


def read(code, facts, params=P):
    figures = scoring.crowd_figures(facts, params)
    return scoring.read_factor(code, facts, figures, params)


def severity(code, facts, params=P):
    return read(code, facts, params).severity


# ---------------------------------------------------------------------------------------------- organisation


def test_organizer_with_a_recent_suspension_scores_full():
    assert severity("organizer_record", event_facts(organiser=OrganiserRecord(5, 1))) == 1.0


def test_new_organizer_scores_higher_than_an_experienced_one():
    assert severity("organizer_record", event_facts(organiser=OrganiserRecord(0, 0))) == 0.7
    assert severity("organizer_record", event_facts(organiser=OrganiserRecord(1, 0))) == pytest.approx(0.5)
    assert severity("organizer_record", event_facts(organiser=OrganiserRecord(3, 0))) == pytest.approx(0.1)


@pytest.mark.parametrize("record, expected", [
    (SecurityCompanyRecord(named=False), 1.0),
    (SecurityCompanyRecord(named=True, drills_past_year=1, serious=1), 1.0),
    (SecurityCompanyRecord(named=True, drills_past_year=1, penalties=1), 0.7),
    (SecurityCompanyRecord(named=True, drills_past_year=1, warnings=2), 0.4),
    (SecurityCompanyRecord(named=True, drills_past_year=1), 0.1),
    (SecurityCompanyRecord(named=True, drills_past_year=0), 0.4),  # no drills adds 0.3
])
def test_security_company_record(record, expected):
    assert severity("security_company_record", event_facts(security_company=record)) == pytest.approx(expected)


def test_staffing_ratio_between_the_strictest_and_loosest_level_ratios():
    # 3,000 people: 60 guards is 1:50 (strictest) → 0; 12 guards is 1:250 → 1; 20 guards 1:150 → 0.5.
    assert severity("staffing_ratio", event_facts(plan=SecurityPlanFacts(security_staff_total=60))) == 0
    assert severity("staffing_ratio", event_facts(plan=SecurityPlanFacts(security_staff_total=12))) == 1
    assert severity("staffing_ratio", event_facts(plan=SecurityPlanFacts(security_staff_total=20))) == 0.5
    assert severity("staffing_ratio", event_facts(plan=SecurityPlanFacts())) == 1


def test_ticketing_rules_apply_from_five_thousand():
    complete = TicketingFacts(ticketed=True, real_name=True, public_sale_percent=90, refund_mechanism=True)
    lacking = TicketingFacts(ticketed=True, real_name=False, public_sale_percent=60, refund_mechanism=True)
    assert severity("ticketing", event_facts(attendance=6000, ticketing=complete)) == 0
    assert severity("ticketing", event_facts(attendance=6000, ticketing=lacking)) == pytest.approx(2 / 3)
    assert "实名制购票" in str(read("ticketing", event_facts(attendance=6000, ticketing=lacking)).explanation)
    assert severity("ticketing", event_facts(attendance=3000, ticketing=lacking)) == 0.2


def test_free_entry_is_riskier_for_big_crowds():
    free = TicketingFacts(ticketed=False)
    assert severity("ticketing", event_facts(attendance=3000, ticketing=free)) == 0.4
    assert severity("ticketing", event_facts(attendance=20000, ticketing=free)) == 0.8


# ---------------------------------------------------------------------------------------------- environment


@pytest.mark.parametrize("month, expected", [(7, 0.6), (1, 0.5), (4, 0.2), (10, 0.2)])
def test_season(month, expected):
    facts = event_facts(start_local=datetime(2026, month, 10, 9), end_local=datetime(2026, month, 10, 17))
    assert severity("season", facts) == expected


def test_night_hours_counted_between_seven_pm_and_six_am():
    assert scoring.night_hours(datetime(2026, 5, 1, 9), datetime(2026, 5, 1, 17)) == 0
    assert scoring.night_hours(datetime(2026, 5, 1, 18), datetime(2026, 5, 1, 21)) == 2
    assert scoring.night_hours(datetime(2026, 5, 1, 16), datetime(2026, 5, 2, 2)) == 7
    assert scoring.night_hours(datetime(2026, 5, 1, 5), datetime(2026, 5, 1, 8)) == 1


def test_night_time_scores_a_quarter_per_night_hour():
    facts = event_facts(start_local=datetime(2026, 5, 1, 18), end_local=datetime(2026, 5, 1, 21))
    assert severity("night_time", facts) == 0.5


def test_forecast_not_entered_counts_as_ordinary_risk():
    for code in ("forecast_temperature", "forecast_rain", "forecast_wind"):
        assert severity(code, event_facts()) == 0.3


def test_forecast_heat_rain_and_wind_outdoors():
    hot = event_facts(forecast=ForecastFacts(max_temperature_c=38, precipitation_mm=30, wind_speed_ms=17.2))
    assert severity("forecast_temperature", hot) == 1
    assert severity("forecast_rain", hot) == 0.5  # (30 − 10) / (50 − 10)
    assert severity("forecast_wind", hot) == 1
    mild = event_facts(forecast=ForecastFacts(max_temperature_c=24, precipitation_mm=0, wind_speed_ms=3))
    assert [severity(c, mild) for c in ("forecast_temperature", "forecast_rain", "forecast_wind")] == [0, 0, 0]


def test_weather_matters_less_indoors():
    forecast = ForecastFacts(max_temperature_c=38, precipitation_mm=50, wind_speed_ms=17.2)
    indoor = event_facts(venue=venue_facts(indoor=True), forecast=forecast)
    assert severity("forecast_temperature", indoor) == pytest.approx(0.3)
    assert severity("forecast_wind", indoor) == pytest.approx(0.2)


# ---------------------------------------------------------------------------------------------- performers


def test_event_kind_reads_the_kind_table():
    assert severity("event_kind", event_facts(kind="music_festival")) == 0.8
    assert severity("event_kind", event_facts(kind="exhibition")) == 0.3


def test_genre_intensity_and_interaction_take_the_fiercest_act():
    facts = event_facts(performers=(performer("民谣", 1, 2), performer("重金属", 5, 4)))
    assert severity("genre_intensity", facts) == 1
    assert severity("audience_interaction", facts) == 0.75
    assert "重金属" in str(read("genre_intensity", facts).explanation)


def test_no_performers_no_performance_risk():
    for code in ("genre_intensity", "heavy_acts", "audience_interaction", "struck_items"):
        assert severity(code, event_facts()) == 0


def test_heavy_acts_count():
    one = event_facts(performers=(performer("A", 4), performer("B", 2)))
    two = event_facts(performers=(performer("A", 4), performer("B", 5)))
    assert (severity("heavy_acts", one), severity("heavy_acts", two)) == (0.6, 1.0)


def test_struck_performer_no_longer_counts_for_intensity_but_flags_the_programme():
    facts = event_facts(performers=(performer("重金属", 5, 5, struck=True), performer("民谣", 1, 1)))
    assert severity("genre_intensity", facts) == 0
    assert severity("struck_items", facts) == 1
    assert "重金属" in str(read("struck_items", facts).explanation)


def test_struck_song_flags_the_programme():
    facts = event_facts(performers=(performer("乐队", 2, 2, struck_songs=("禁歌",)),))
    assert "乐队《禁歌》" in str(read("struck_items", facts).explanation)


# ---------------------------------------------------------------------------------------------- venue


def test_crowd_density_half_at_planning_density_full_at_unstable():
    assert severity("crowd_density", event_facts(attendance=5000, venue=venue_facts(usable_area_m2=10000))) == 0
    assert severity("crowd_density", event_facts(attendance=20000, venue=venue_facts(usable_area_m2=10000))) == 0.5
    assert severity("crowd_density", event_facts(attendance=30000, venue=venue_facts(usable_area_m2=10000))) == 0.75
    assert severity("crowd_density", event_facts(attendance=40000, venue=venue_facts(usable_area_m2=10000))) == 1


def test_attendance_scale_is_logarithmic_from_1000_to_50000():
    assert severity("attendance_scale", event_facts(attendance=1000)) == 0
    assert severity("attendance_scale", event_facts(attendance=50000)) == 1
    assert severity("attendance_scale", event_facts(attendance=10000)) == pytest.approx(1 / 1.69897, abs=1e-4)


def test_capacity_use_counts_from_seventy_percent():
    assert severity("capacity_use", event_facts(attendance=5600, rated_capacity=8000)) == 0
    assert severity("capacity_use", event_facts(attendance=6800, rated_capacity=8000)) == pytest.approx(0.5)
    assert severity("capacity_use", event_facts(attendance=8000, rated_capacity=8000)) == 1


def test_egress_time_between_three_and_ten_minutes():
    # 18 m of level exits let 1,476 out a minute.
    assert severity("egress_time", event_facts(attendance=4428)) == 0  # 3 minutes
    assert severity("egress_time", event_facts(attendance=14760)) == 1  # 10 minutes
    assert severity("egress_time", event_facts(venue=venue_facts(exits=()))) == 1


@pytest.mark.parametrize("count, expected", [(1, 1.0), (2, 0.6), (3, 0.3), (4, 0.0), (6, 0.0)])
def test_exit_count(count, expected):
    assert severity("exit_count", event_facts(venue=venue_facts(exits=(ExitFacts(5),) * count))) == expected


def test_temporary_structures_twenty_points_each():
    assert severity("temporary_structures", event_facts(temporary_structures=2)) == pytest.approx(0.4)
    assert severity("temporary_structures", event_facts(temporary_structures=9)) == 1


def test_indoor_venue_scores_higher_than_outdoor():
    assert severity("indoor_outdoor", event_facts(venue=venue_facts(indoor=True))) == 0.6
    assert severity("indoor_outdoor", event_facts()) == 0.3


# ---------------------------------------------------------------------------------------------- traffic


def test_parking_spaces_are_counted_once():
    # 10,000 people × 30 % by car ÷ 2.5 a car → 1,200 spaces needed. Section 8 states the spaces available for
    # the event, the venue's own included: 900 there means 900 (not the venue's 600 + 900 = 1,500).
    # 1,200 / 900 = 1.33 → (1.33 − 0.8) / (2.0 − 0.8) = 0.444…
    stated = event_facts(attendance=10000, venue=venue_facts(parking_spaces=600),
                         traffic=TrafficFacts(parking_spaces_arranged=900))
    figures = scoring.crowd_figures(stated, P)
    assert (figures.parking_demand, figures.parking_spaces) == (1200, 900)
    assert severity("parking", stated) == pytest.approx((1200 / 900 - 0.8) / 1.2)
    # Nothing stated in section 8: the venue's own 600 → 1,200 / 600 = 2 → full.
    unstated = event_facts(attendance=10000, venue=venue_facts(parking_spaces=600), traffic=TrafficFacts())
    assert scoring.crowd_figures(unstated, P).parking_spaces == 600
    assert severity("parking", unstated) == 1
    # 1,500 stated: 1,200 / 1,500 = 0.8 → none.
    enough = event_facts(attendance=10000, venue=venue_facts(parking_spaces=600),
                         traffic=TrafficFacts(parking_spaces_arranged=1500))
    assert severity("parking", enough) == 0


def test_car_share_from_section_8_replaces_the_default():
    # 10,000 people × 12 % ÷ 2.5 = 480 spaces (the default 30 % would need 1,200); 600 available → 0.8 → none.
    facts = event_facts(attendance=10000, traffic=TrafficFacts(parking_spaces_arranged=600, car_share=0.12))
    figures = scoring.crowd_figures(facts, P)
    assert (figures.parking_demand, figures.car_share) == (480, 0.12)
    assert severity("parking", facts) == 0
    assert "12%" in str(read("parking", facts).explanation)
    default = scoring.crowd_figures(event_facts(attendance=10000, traffic=TrafficFacts(parking_spaces_arranged=600)), P)
    assert (default.parking_demand, default.car_share) == (1200, 0.3)


@pytest.mark.parametrize("transit, shuttles, expected", [(True, 5, 0.0), (True, 0, 0.2), (False, 5, 0.5),
                                                         (False, 0, 1.0)])
def test_public_transport(transit, shuttles, expected):
    facts = event_facts(venue=venue_facts(public_transport=transit), traffic=TrafficFacts(shuttle_buses=shuttles))
    assert severity("public_transport", facts) == expected


def test_road_closures_and_dispersal():
    assert severity("road_closures", event_facts(traffic=TrafficFacts(road_closures=True))) == 1
    assert severity("dispersal_volume", event_facts(attendance=30000)) == 1
    assert severity("dispersal_volume", event_facts(attendance=1000)) == 0


# ---------------------------------------------------------------------------------------------- totals and level


def test_every_seeded_factor_has_a_function():
    assert {f.code for f in P.factors} == set(scoring.FACTOR_CODES)


def test_contributions_add_up_to_the_total():
    result = scoring.assess(event_facts(attendance=30000), P)
    assert sum(f.contribution for f in result.factors) == pytest.approx(result.total, abs=0.06)


def test_dimension_score_is_the_weighted_mean_of_its_factors():
    result = scoring.assess(event_facts(), P)
    traffic = [f for f in result.factors if f.dimension == "traffic"]
    expected = 100 * sum(f.weight * f.severity for f in traffic) / sum(f.weight for f in traffic)
    assert result.dimension_scores["traffic"] == pytest.approx(expected, abs=0.05)


def test_total_is_capped_at_100():
    worst = {d.code: 100.0 for d in P.dimensions}
    assert scoring.total_score(worst, P) == 100


@pytest.mark.parametrize("total, level", [(100, "一级"), (80, "一级"), (79.9, "二级"), (60, "二级"), (59.9, "三级"),
                                          (40, "三级"), (39.9, "四级"), (0, "四级")])
def test_level_thresholds(total, level):
    assert scoring.level_for_total(total, P.levels).code == level


def test_override_sets_the_effective_level_and_the_staffing_it_demands():
    facts = event_facts(plan=SecurityPlanFacts(security_staff_total=30))
    computed = scoring.assess(facts, P)
    overridden = scoring.assess(facts, P, level_override="一级")
    assert overridden.computed_level == computed.computed_level != "一级"
    assert overridden.level == "一级"
    assert overridden.deployment.min_security_staff == 60
    assert "staff_below_minimum" in {f.code for f in overridden.fuse_flags}


# ---------------------------------------------------------------------------------------------- deployment


def test_deployment_from_the_level_against_the_plan():
    facts = event_facts(attendance=3000, plan=SecurityPlanFacts(security_staff_total=10, fixed_posts=3,
                                                                patrol_posts=1, mobile_points=5))
    d = scoring.required_deployment(facts, next(lv for lv in P.levels if lv.code == "四级"), P)
    assert (d.command_posts, len(d.control_groups), d.mobile_points, d.fixed_posts, d.patrol_posts,
            d.min_security_staff) == (1, 3, 5, 3, 4, 12)
    assert [g.code for g in d.control_groups] == ["core", "warning", "control"]
    assert {s.code: s.missing for s in d.shortfalls} == {"security_staff": 2, "patrol_posts": 3}


# ---------------------------------------------------------------------------------------------- fuse flags


def flags(facts, **kwargs):
    return {f.code for f in scoring.assess(facts, P, **kwargs).fuse_flags}


def test_calm_event_has_no_fuse_flag():
    assert flags(event_facts()) == set()


def test_attendance_above_safe_capacity_flags():
    facts = event_facts(attendance=20001, rated_capacity=30000, plan=SecurityPlanFacts(security_staff_total=500))
    assert "over_capacity" in flags(facts)
    assert "over_capacity" not in flags(replace(facts, attendance=20000))


def test_egress_above_the_level_limit_flags():
    facts = event_facts(venue=venue_facts(exits=(ExitFacts(1),)), attendance=3000)
    reason = next(f for f in scoring.assess(facts, P).fuse_flags if f.code == "egress_over_limit").reason
    assert "疏散时间" in str(reason)


def test_staff_below_minimum_flags():
    assert "staff_below_minimum" in flags(event_facts(plan=SecurityPlanFacts(security_staff_total=5)))


def test_struck_item_on_programme_flags():
    assert "struck_on_programme" in flags(event_facts(performers=(performer("X", struck=True),)))


def test_overdue_deferred_document_flags_with_its_name():
    facts = event_facts(overdue_documents=(OverdueDocument("公众责任保险", date(2026, 3, 1)),))
    result = scoring.assess(facts, P)
    assert [str(f.reason) for f in result.fuse_flags] == ["容缺材料“公众责任保险”逾期未补交（期限 2026-03-01）。"]
    assert scoring.blocking_reasons(result) == [str(result.fuse_flags[0].reason)]
