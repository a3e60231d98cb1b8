"""Sessions (场次): the rules on a list of sessions, the summary on the event, and the test factories."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events import sessions as event_sessions
from events.models import Event, EventSession
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)


def evening(day: int, attendance: int = 3000, *, hours: float = 4, hour: int = 19) -> dict:
    start = NOW.replace(hour=hour) + timedelta(days=day)
    return {"name": "", "start_at": start, "end_at": start + timedelta(hours=hours),
            "expected_attendance": attendance}


def errors(sessions, **kwargs):
    return event_sessions.session_errors(sessions, now=NOW, **kwargs)


# ---------------------------------------------------------------------------------------------- the rules


def test_two_evenings_ahead_are_accepted():
    assert errors([evening(30), evening(31, 6000)]) == {}


def test_overlapping_sessions_are_refused_on_the_later_ones_start():
    second = evening(30, hour=21)  # 21:00, while the first runs 19:00–23:00
    found = errors([evening(30), second])
    assert found == {"sessions[1].start_at": ["与第 1 场时间重叠：同一场所同一时间只能有一个场次。"]}


def test_overlap_is_found_whatever_the_order_given():
    found = errors([evening(30, hour=21), evening(30)])
    assert list(found) == ["sessions[0].start_at"] and "第 2 场" in found["sessions[0].start_at"][0]


def test_back_to_back_sessions_do_not_overlap():
    first = evening(30, hours=2)
    second = {**evening(30), "start_at": first["end_at"], "end_at": first["end_at"] + timedelta(hours=2)}
    assert errors([first, second]) == {}


def test_end_before_start_names_the_row():
    bad = {**evening(31), "end_at": evening(31)["start_at"] - timedelta(hours=1)}
    assert errors([evening(30), bad]) == {"sessions[1].end_at": ["结束时间必须晚于开始时间。"]}


def test_a_start_in_the_past_is_refused_unless_already_stored():
    past = evening(-3)
    assert errors([past]) == {"sessions[0].start_at": ["开始时间不能早于现在。"]}
    # A draft edited after its date passed keeps the start it had; a moved start must be ahead.
    assert errors([past], stored_starts=[past["start_at"]]) == {}
    moved = {**past, "start_at": past["start_at"] + timedelta(hours=1)}
    assert list(errors([moved], stored_starts=[past["start_at"]])) == ["sessions[0].start_at"]


def test_a_start_beyond_the_horizon_is_refused(settings):
    settings.EVENT_START_HORIZON_DAYS = 730
    assert errors([evening(729)]) == {}
    message = errors([evening(731)])["sessions[0].start_at"][0]
    assert "2028-11-30" in message and "730" in message


def test_the_year_1900_is_refused_even_when_stored():
    old = {"name": "", "start_at": datetime(1900, 5, 1, 19, tzinfo=SHANGHAI),
           "end_at": datetime(1900, 5, 1, 23, tzinfo=SHANGHAI), "expected_attendance": 3000}
    found = errors([old], stored_starts=[old["start_at"]])
    assert found["sessions[0].start_at"] == ["年份 1900 不合理，请检查日期。"]
    assert found["sessions[0].end_at"] == ["年份 1900 不合理，请检查日期。"]


def test_attendance_far_over_the_rated_capacity_names_the_session():
    found = errors([evening(30, 3000), evening(31, 16000)], rated_capacity=5000)
    assert list(found) == ["sessions[1].expected_attendance"] and "请核实" in found["sessions[1].expected_attendance"][0]


def test_no_session_at_all_is_refused():
    assert list(errors([])) == ["sessions"]


# ---------------------------------------------------------------------------------------------- the summary


@pytest.mark.django_db
def test_replace_sessions_orders_them_and_puts_the_summary_on_the_event():
    event = factories.EventFactory()
    later, earlier = evening(41, 6000), evening(40, 3000)
    event_sessions.replace_sessions(event, [later, earlier])
    event.refresh_from_db()
    assert [s.expected_attendance for s in event_sessions.sessions_of(event)] == [3000, 6000]
    assert (event.start_at, event.end_at, event.expected_attendance) == (
        earlier["start_at"], later["end_at"], 6000)
    assert event_sessions.largest_session(event).expected_attendance == 6000


@pytest.mark.django_db
def test_an_event_without_sessions_reads_as_one_session_of_its_span():
    event = factories.EventFactory(sessions=[])
    assert not EventSession.objects.filter(event=event).exists()
    (only,) = event_sessions.sessions_of(event)
    assert (only.start_at, only.end_at, only.expected_attendance) == (
        event.start_at, event.end_at, event.expected_attendance)


@pytest.mark.django_db
def test_session_at_gives_the_running_then_the_next_session():
    event = factories.EventFactory(sessions=[evening(40), evening(41, 6000)])
    first, second = event_sessions.sessions_of(event)
    assert event_sessions.session_at(event, first.start_at + timedelta(hours=1)) == first
    assert event_sessions.session_at(event, first.end_at + timedelta(hours=1)) == second


def test_approved_attendance_of_a_session_is_capped_by_the_permit():
    session = EventSession(expected_attendance=3000)
    assert event_sessions.session_approved_attendance(session, 6000) == 3000
    assert event_sessions.session_approved_attendance(session, 2500) == 2500


# ---------------------------------------------------------------------------------------------- factories


@pytest.mark.django_db
def test_event_factory_makes_one_session_matching_its_summary():
    event = factories.EventFactory(expected_attendance=4200)
    (session,) = EventSession.objects.filter(event=event)
    assert (session.start_at, session.end_at, session.expected_attendance) == (
        event.start_at, event.end_at, 4200)


@pytest.mark.django_db
def test_session_factory_adds_a_session_and_the_summary_follows():
    event = factories.EventFactory(sessions=[])
    factories.SessionFactory(event=event, expected_attendance=2000)
    factories.SessionFactory(event=event, start_at=event.start_at + timedelta(days=1), expected_attendance=7000)
    event.refresh_from_db()
    assert event.expected_attendance == 7000 and event.sessions.count() == 2
    assert event.end_at == event.start_at + timedelta(days=1, hours=4)


@pytest.mark.django_db
def test_the_builder_gives_a_draft_two_evenings():
    from tests.support import builder

    two = factories.evenings(2, attendance=(3000, 6000))
    application = builder.application().sessions(two).build()
    event = Event.objects.get(pk=application.event_id)
    assert [s.expected_attendance for s in event.sessions.all()] == [3000, 6000]
    assert event.expected_attendance == 6000 and event.start_at == two[0]["start_at"]
    assert timezone.localtime(event.end_at).hour == 0  # the second evening, 19:00 + 5 h
