"""Pure crowd arithmetic: levels, alert crossings with re-arming, the last-hour series."""
from datetime import datetime, timedelta, timezone

from eventday import crowd

LINES = crowd.Lines(80, 95, 0)


def test_level_follows_the_lines():
    assert crowd.level_for(79, 100, LINES) == ""
    assert crowd.level_for(80, 100, LINES) == "warning"
    assert crowd.level_for(95, 100, LINES) == "stop_admission"
    assert crowd.level_for(10, 0, LINES) == ""


def test_each_line_raises_once_until_occupancy_falls_back_below():
    state, raised = crowd.alert_transition("", 81, 100, LINES)
    assert (state, raised) == ("warning", ["warning"])
    state, raised = crowd.alert_transition(state, 90, 100, LINES)
    assert (state, raised) == ("warning", [])
    state, raised = crowd.alert_transition(state, 96, 100, LINES)
    assert (state, raised) == ("stop_admission", ["stop_admission"])
    state, raised = crowd.alert_transition(state, 90, 100, LINES)  # below 95: re-armed, warning still raised
    assert (state, raised) == ("warning", [])
    state, raised = crowd.alert_transition(state, 97, 100, LINES)
    assert (state, raised) == ("stop_admission", ["stop_admission"])
    state, raised = crowd.alert_transition(state, 50, 100, LINES)
    assert (state, raised) == ("", [])


def test_a_jump_over_both_lines_raises_both():
    assert crowd.alert_transition("", 99, 100, LINES) == ("stop_admission", ["warning", "stop_admission"])


def test_rearm_margin_keeps_an_alert_raised_just_below_its_line():
    lines = crowd.Lines(80, 95, 5)
    assert crowd.alert_transition("stop_admission", 92, 100, lines) == ("stop_admission", [])
    assert crowd.alert_transition("stop_admission", 89, 100, lines) == ("warning", [])


def test_series_walks_back_from_the_current_total():
    now = datetime(2026, 5, 1, 20, 30, 30, tzinfo=timezone.utc)
    minute = now.replace(second=0)
    net = {minute: 10, minute - timedelta(minutes=1): 20, minute - timedelta(minutes=5): 5,
           minute + timedelta(minutes=1): 3}  # a counter clock slightly ahead
    points = crowd.occupancy_series(100, net, now=now, minutes=7)
    assert [value for _m, value in points] == [62, 67, 67, 67, 67, 87, 97]
    assert points[-1][0] == minute
