"""The calendar's arithmetic, computed by hand (approvals.calendar.load, .conflicts: no database)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from approvals.calendar.conflicts import Blackout, distance_m, session_conflicts
from approvals.calendar.load import Session, daily_load, local_days, oversubscribed_days, police_required

SH = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=SH)


def s(key, app, start, end, venue="v1", police=10, staff=50, lat=None, lon=None):
    return Session(key, app, start, end, venue, lat, lon, police, staff)


def test_police_required_follows_the_documented_rule():
    # 3 fixed + 4 patrol + 2×1 command post + 3 control-group leaders + 2×5 mobile crews = 22
    deployment = {"fixed_posts": 3, "patrol_posts": 4, "command_posts": 1, "mobile_points": 5,
                  "control_groups": [{}, {}, {}], "min_security_staff": 60}
    assert police_required(deployment) == 22
    assert police_required({}) == 0 and police_required(None) == 0


def test_a_session_over_midnight_counts_on_both_days_and_midnight_end_does_not():
    assert local_days(at(5, 20), at(6, 1)) == [date(2026, 12, 5), date(2026, 12, 6)]
    assert local_days(at(5, 20), at(6, 0)) == [date(2026, 12, 5)]
    # 2026-12-05 17:00 UTC is 06-01:00 local: the local date decides
    assert local_days(datetime(2026, 12, 5, 17, tzinfo=ZoneInfo("UTC")),
                      datetime(2026, 12, 5, 18, tzinfo=ZoneInfo("UTC"))) == [date(2026, 12, 6)]


def test_daily_demand_is_summed_and_compared_with_the_force():
    sessions = [s("a", 1, at(5, 19), at(6, 1), police=30, staff=100),
                s("b", 2, at(5, 14), at(5, 17), police=25, staff=80),
                s("c", 3, at(6, 10), at(6, 12), police=5, staff=10)]
    loads = daily_load(sessions, available_police=50, available_security_staff=500)
    assert (loads[date(2026, 12, 5)].police, loads[date(2026, 12, 5)].security_staff) == (55, 180)
    assert (loads[date(2026, 12, 6)].police, loads[date(2026, 12, 6)].security_staff) == (35, 110)
    assert oversubscribed_days(loads) == [date(2026, 12, 5)]
    # no force set: never oversubscribed
    assert oversubscribed_days(daily_load(sessions)) == []
    # asked days are all reported, also the empty ones
    assert list(daily_load(sessions, days=[date(2026, 12, 7)])) == [date(2026, 12, 7)]


def test_same_venue_at_overlapping_times_conflicts_but_back_to_back_does_not():
    a = s("a", 1, at(5, 19), at(5, 22))
    b = s("b", 2, at(5, 21), at(5, 23))
    c = s("c", 3, at(5, 23), at(6, 1))
    found = session_conflicts([a, b, c])
    assert [(f.kind, f.sessions) for f in found] == [("same_venue", ("a", "b"))]


def test_nearby_venues_conflict_within_the_distance():
    # 0.003° of latitude ≈ 333.6 m
    assert round(distance_m(30.0, 120.0, 30.003, 120.0)) == 334
    a = s("a", 1, at(5, 19), at(5, 22), venue="v1", lat=30.0, lon=120.0)
    b = s("b", 2, at(5, 20), at(5, 23), venue="v2", lat=30.003, lon=120.0)
    assert [(f.kind, f.distance_m) for f in session_conflicts([a, b], nearby_m=500)] == [("nearby", 334)]
    assert session_conflicts([a, b], nearby_m=300) == []


def test_a_session_in_a_blackout_window_conflicts():
    window = Blackout("重大国事活动", at(6, 0), at(8, 0), "国事活动期间不举办大型活动")
    inside = s("in", 1, at(6, 19), at(6, 22))
    outside = s("out", 2, at(5, 19), at(5, 22), venue="v9")
    found = session_conflicts([inside, outside], blackouts=[window])
    assert [(f.kind, f.sessions, f.other.name) for f in found] == [("blackout", ("in",), "重大国事活动")]
