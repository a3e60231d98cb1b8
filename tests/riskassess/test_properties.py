"""Properties of the scoring that must hold for any event (hypothesis)."""
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings, strategies as st

from riskassess import crowd, scoring
from riskassess.defaults import default_parameters
from riskassess.facts import (
    EventFacts, ExitFacts, ForecastFacts, OrganiserRecord, OverdueDocument, PerformerFacts, SecurityCompanyRecord,
    SecurityPlanFacts, TicketingFacts, TrafficFacts, VenueFacts,
)

P = default_parameters()

exits = st.lists(st.builds(ExitFacts, width_m=st.floats(0.5, 50), kind=st.sampled_from(["level", "steps"])),
                 max_size=8).map(tuple)
venues = st.builds(VenueFacts, usable_area_m2=st.floats(100, 500_000), indoor=st.booleans(), exits=exits,
                   parking_spaces=st.integers(0, 20_000), public_transport=st.booleans())
performers = st.lists(st.builds(PerformerFacts, name=st.text(min_size=1, max_size=5),
                                genre_intensity=st.integers(1, 5), audience_interaction=st.integers(1, 5),
                                struck=st.booleans()), max_size=4).map(tuple)
optional_int = st.none() | st.integers(0, 5000)


@st.composite
def events(draw):
    start = datetime(2026, 1, 1) + timedelta(hours=draw(st.integers(0, 24 * 365)))
    return EventFacts(
        kind=draw(st.sampled_from(list(P.kind_severity))), kind_label="活动",
        attendance=draw(st.integers(0, 200_000)), rated_capacity=draw(st.integers(1, 200_000)),
        start_local=start, end_local=start + timedelta(hours=draw(st.integers(1, 72))),
        venue=draw(venues), alcohol_served=draw(st.booleans()), temporary_structures=draw(st.integers(0, 20)),
        performers=draw(performers),
        organiser=OrganiserRecord(draw(st.integers(0, 10)), draw(st.integers(0, 2))),
        security_company=SecurityCompanyRecord(named=draw(st.booleans()), drills_past_year=draw(st.integers(0, 5)),
                                               warnings=draw(st.integers(0, 2)), serious=draw(st.integers(0, 1))),
        plan=SecurityPlanFacts(security_staff_total=draw(optional_int), fixed_posts=draw(optional_int),
                               patrol_posts=draw(optional_int), mobile_points=draw(optional_int)),
        ticketing=TicketingFacts(ticketed=draw(st.booleans()), real_name=draw(st.booleans()),
                                 public_sale_percent=draw(st.none() | st.floats(0, 100)),
                                 refund_mechanism=draw(st.booleans())),
        traffic=TrafficFacts(parking_spaces_arranged=draw(st.integers(0, 5000)),
                             shuttle_buses=draw(st.integers(0, 50)), road_closures=draw(st.booleans())),
        forecast=ForecastFacts(max_temperature_c=draw(st.none() | st.floats(-30, 45)),
                               precipitation_mm=draw(st.none() | st.floats(0, 200)),
                               wind_speed_ms=draw(st.none() | st.floats(0, 40))),
        overdue_documents=tuple(OverdueDocument("材料", start.date()) for _ in range(draw(st.integers(0, 1)))),
    )


@settings(max_examples=100, deadline=None)
@given(events(), st.integers(1, 100_000))
def test_more_attendance_in_the_same_venue_never_lowers_the_venue_score(facts, extra):
    before = scoring.assess(facts, P).dimension_scores["venue"]
    after = scoring.assess(replace(facts, attendance=facts.attendance + extra), P).dimension_scores["venue"]
    assert after >= before


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 200_000), exits, st.floats(0.5, 50), st.sampled_from(["level", "steps"]), st.booleans())
def test_adding_an_exit_never_raises_egress_time(attendance, venue_exits, width, kind, alcohol):
    before = crowd.egress_minutes(attendance, venue_exits, alcohol_served=alcohol, crowd=P.crowd)
    after = crowd.egress_minutes(attendance, venue_exits + (ExitFacts(width, kind),), alcohol_served=alcohol,
                                 crowd=P.crowd)
    assert after <= before


@settings(max_examples=100, deadline=None)
@given(events(), st.integers(1, 8), st.floats(0.5, 50))
def test_adding_an_exit_never_raises_the_assessed_egress_time(facts, _n, width):
    wider = replace(facts, venue=replace(facts.venue, exits=facts.venue.exits + (ExitFacts(width),)))
    assert scoring.assess(wider, P).crowd.egress_minutes <= scoring.assess(facts, P).crowd.egress_minutes


RANK = {lv.code: rank for rank, lv in enumerate(sorted(P.levels, key=lambda lv: lv.min_total))}


@given(st.floats(0, 100), st.floats(0, 100))
def test_the_level_is_monotone_in_the_total(a, b):
    low, high = sorted((a, b))
    assert RANK[scoring.level_for_total(high, P.levels).code] >= RANK[scoring.level_for_total(low, P.levels).code]


@settings(max_examples=150, deadline=None)
@given(events(), st.none() | st.sampled_from([lv.code for lv in P.levels]))
def test_a_fuse_flag_always_blocks_approval(facts, override):
    result = scoring.assess(facts, P, level_override=override)
    reasons = scoring.blocking_reasons(result)
    assert len(reasons) == len(result.fuse_flags)
    assert result.blocks_approval == bool(result.fuse_flags)
    assert all(reasons)


@settings(max_examples=100, deadline=None)
@given(events())
def test_scores_stay_in_range_and_contributions_add_up(facts):
    result = scoring.assess(facts, P)
    assert 0 <= result.total <= 100
    assert all(0 <= score <= 100 for score in result.dimension_scores.values())
    assert abs(sum(f.contribution for f in result.factors) - result.total) <= 0.06
