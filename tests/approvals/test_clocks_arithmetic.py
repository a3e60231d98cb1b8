"""Working-day arithmetic of the statutory clocks, with the 2026 holiday calendar as seeded (no database):
every expected date below is counted by hand on the calendar of the State Council's notice for 2026."""
from datetime import date

from approvals.clocks.seed import calendar_rows
from approvals.workflow import deadlines
from approvals.workflow.deadlines import WorkCalendar, add_clock_days, add_working_days, clock_days_between

ROWS = calendar_rows()
CALENDAR = WorkCalendar(days_off=frozenset(r["date"] for r in ROWS if r["kind"] == "day_off"),
                        working_weekends=frozenset(r["date"] for r in ROWS if r["kind"] == "working_weekend"))


def test_friday_before_national_day_acceptance_runs_past_the_golden_week():
    # Fri 25 Sep 2026 is 中秋 (25–27 off); 28, 29, 30 Sep count; 1–7 Oct off; 8, 9 Oct count: the 5th is 9 Oct.
    assert add_working_days(date(2026, 9, 25), 5, CALENDAR) == date(2026, 10, 9)


def test_a_working_sunday_counts_as_a_working_day():
    # Fri 18 Sep 2026: Sat 19 off, Sun 20 Sep is 调休上班 (1), 21 (2), 22 (3), 23 (4), 24 (5).
    assert add_working_days(date(2026, 9, 18), 5, CALENDAR) == date(2026, 9, 24)
    # Without the calendar the same count ends the next Friday.
    assert add_working_days(date(2026, 9, 18), 5) == date(2026, 9, 25)


def test_decision_clock_over_national_day_working_and_calendar_days():
    # Accepted Tue 29 Sep: 30 Sep (1), 8 Oct (2), 9 Oct (3), Sat 10 Oct 调休 (4), 12 (5), 13 (6), 14 Oct (7).
    assert deadlines.decision_due_date(date(2026, 9, 29), days=7, working_days=True,
                                       calendar=CALENDAR) == date(2026, 10, 14)
    # A calendar-day bureau counts every day, holidays included.
    assert deadlines.decision_due_date(date(2026, 9, 29), days=7, working_days=False,
                                       calendar=CALENDAR) == date(2026, 10, 6)


def test_a_closed_pause_shifts_the_due_date_by_its_clock_days():
    # Accepted Mon 2 Nov: due Wed 11 Nov. A correction requested Wed 4 Nov, resubmitted Mon 9 Nov: 5, 6, 9 Nov
    # (3 working days) are not counted → 3 working days later, Mon 16 Nov.
    pause = (date(2026, 11, 4), date(2026, 11, 9))
    assert add_clock_days(date(2026, 11, 2), 7, working=True, calendar=CALENDAR) == date(2026, 11, 11)
    assert add_clock_days(date(2026, 11, 2), 7, working=True, calendar=CALENDAR,
                          pauses=[pause]) == date(2026, 11, 16)
    assert clock_days_between(*pause, working=True, calendar=CALENDAR) == 3
    # Calendar days: 9 Nov → 5 paused days (5–9 Nov) → 14 Nov.
    assert add_clock_days(date(2026, 11, 2), 7, working=False, pauses=[pause]) == date(2026, 11, 14)


def test_an_open_pause_stops_the_clock():
    assert add_clock_days(date(2026, 11, 2), 7, working=True, pauses=[(date(2026, 11, 4), None)]) is None
    # A clock already run out before the pause keeps its date.
    assert add_clock_days(date(2026, 11, 2), 1, working=True, pauses=[(date(2026, 11, 4), None)]) == \
        date(2026, 11, 3)


def test_spring_festival_2026_with_both_working_saturdays():
    # Fri 13 Feb: Sat 14 Feb 调休 (1), 15–23 Feb off, 24 (2), 25 (3), 26 (4), 27 (5).
    assert add_working_days(date(2026, 2, 13), 5, CALENDAR) == date(2026, 2, 27)
    # ... and Sat 28 Feb is a working day too: the 6th.
    assert add_working_days(date(2026, 2, 13), 6, CALENDAR) == date(2026, 2, 28)


def test_2027_statutory_days_are_provisional_and_2026_follows_the_notice():
    provisional = {r["date"] for r in ROWS if r["provisional"]}
    assert date(2027, 2, 5) in provisional and date(2027, 10, 3) in provisional
    assert all(r["date"].year == 2027 for r in ROWS if r["provisional"])
    days_2027 = [r for r in ROWS if r["date"].year == 2027]
    # 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 (全国年节及纪念日放假办法, 2024 revision).
    assert len(days_2027) == 13 and all(r["kind"] == "day_off" for r in days_2027)
    assert {r["date"] for r in ROWS if r["kind"] == "working_weekend"} == {
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
        date(2026, 10, 10)}


def test_paused_clocks_sort_after_dated_ones_and_overdue_is_after_the_due_day():
    today = date(2026, 11, 10)
    clocks = deadlines.soonest_first([
        deadlines.Deadline("decision", None, today, paused=True, remaining=3),
        deadlines.Deadline("deferred", date(2026, 11, 12), today),
        deadlines.Deadline("correction", date(2026, 11, 10), today),
    ])
    assert [c.kind for c in clocks] == ["correction", "deferred", "decision"]
    assert not clocks[0].overdue and clocks[0].days_left == 0
    assert deadlines.Deadline("acceptance", date(2026, 11, 9), today).days_overdue == 1
