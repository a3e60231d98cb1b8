"""The holiday calendar as published, for the data migration (and for re-seeding a development database).

2026: 国务院办公厅关于2026年部分节假日安排的通知 (State Council General Office, November 2025).
2027: only the statutory holidays of 全国年节及纪念日放假办法 (as revised by State Council Decree No. 795 of
2024-11-10, in force 2025-01-01: 元旦 1 day, 春节 4 days (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1,
国庆 3), marked provisional: the bridging rest days and the working weekends (调休) come with the State
Council's notice for 2027, to be entered in the admin when it is published.
"""
from datetime import date, timedelta

NOTICE_2026 = "国务院办公厅关于2026年部分节假日安排的通知"
STATUTORY = "全国年节及纪念日放假办法（2024年修订）"

# (name, first day off, last day off, working weekends)
HOLIDAYS_2026 = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3), [date(2026, 1, 4)]),
    ("春节", date(2026, 2, 15), date(2026, 2, 23), [date(2026, 2, 14), date(2026, 2, 28)]),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6), []),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5), [date(2026, 5, 9)]),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21), []),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27), []),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7), [date(2026, 9, 20), date(2026, 10, 10)]),
]

# The statutory days of 2027 by the lunar calendar (春节: 除夕 2027-02-05, 初一 02-06; 端午 06-09; 中秋 09-15).
STATUTORY_2027 = [
    ("元旦", [date(2027, 1, 1)]),
    ("春节", [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]),
    ("清明节", [date(2027, 4, 5)]),
    ("劳动节", [date(2027, 5, 1), date(2027, 5, 2)]),
    ("端午节", [date(2027, 6, 9)]),
    ("中秋节", [date(2027, 9, 15)]),
    ("国庆节", [date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)]),
]


def calendar_rows() -> list[dict]:
    rows = []
    for name, first, last, working in HOLIDAYS_2026:
        day = first
        while day <= last:
            rows.append({"date": day, "kind": "day_off", "name": name, "provisional": False, "source": NOTICE_2026})
            day += timedelta(days=1)
        rows += [{"date": d, "kind": "working_weekend", "name": name, "provisional": False, "source": NOTICE_2026}
                 for d in working]
    for name, days in STATUTORY_2027:
        rows += [{"date": d, "kind": "day_off", "name": name, "provisional": True, "source": STATUTORY} for d in days]
    return rows


def seed_calendar(CalendarDay) -> None:
    """Add the rows not yet there (an admin's edits are kept)."""
    known = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([CalendarDay(**row) for row in calendar_rows() if row["date"] not in known])
