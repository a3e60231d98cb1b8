"""Police-force and security-staff demand per calendar day (pure: no Django).

A session counts on every local day it touches (a concert from 20:00 to 01:00 counts on both days); a day's
demand is the sum over the sessions that touch it. A day is oversubscribed when the demand exceeds the force the
bureau has available; an unset force (None) never warns."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Session:
    """One session as the calendar sees it. `key` identifies it (any hashable: the page uses the session's row id);
    `application` is what it belongs to; coordinates are latitude/longitude degrees or None."""
    key: object
    application: object
    start: datetime
    end: datetime
    venue: object
    latitude: float | None = None
    longitude: float | None = None
    police: int = 0
    security_staff: int = 0


@dataclass
class DayLoad:
    day: date
    police: int = 0
    security_staff: int = 0
    available_police: int | None = None
    available_security_staff: int | None = None
    sessions: list = field(default_factory=list)

    @property
    def police_over(self) -> bool:
        return self.available_police is not None and self.police > self.available_police

    @property
    def security_staff_over(self) -> bool:
        return self.available_security_staff is not None and self.security_staff > self.available_security_staff

    @property
    def oversubscribed(self) -> bool:
        return self.police_over or self.security_staff_over


def police_required(deployment: dict | None) -> int:
    """The police officers a derived deployment (riskassess Assessment.deployment) takes, the one rule:

    - one officer at each fixed post (`fixed_posts`) and each patrol post (`patrol_posts`);
    - each command post (`command_posts`, one per event: 1 command post) is staffed by 2 officers
      (the commander and a duty officer);
    - each of the three control groups (core, warning, control area: `control_groups`) has a leader, 1 officer each;
    - each mobile point (`mobile_points`, at least 5) is a crew of 2 officers.

    So the seed's "1 command post + 3 control groups + 5 mobile points" with no posts is 2 + 3 + 10 = 15. No
    deployment (never assessed) takes 0. Security staff (保安) are the deployment's `min_security_staff`."""
    if not deployment:
        return 0
    groups = deployment.get("control_groups")
    groups = len(groups) if isinstance(groups, list) else 3
    return (int(deployment.get("fixed_posts") or 0) + int(deployment.get("patrol_posts") or 0)
            + 2 * int(deployment.get("command_posts") or 0) + groups
            + 2 * int(deployment.get("mobile_points") or 0))


def security_staff_required(deployment: dict | None) -> int:
    return int((deployment or {}).get("min_security_staff") or 0)


def local_days(start: datetime, end: datetime, tz: tzinfo = LOCAL) -> list[date]:
    """The local dates a span [start, end) touches; an end exactly at midnight does not touch the next day."""
    first = start.astimezone(tz).date()
    last_moment = end.astimezone(tz)
    last = last_moment.date()
    if last_moment.time() == time(0) and last > first:
        last -= timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def daily_load(sessions, *, available_police=None, available_security_staff=None, days=None,
               tz: tzinfo = LOCAL) -> dict[date, DayLoad]:
    """Each day's demand (in date order). `days`: the dates to report (all, even empty); otherwise the days
    the sessions touch. A session's demand counts once per day it touches."""
    loads = {day: DayLoad(day, available_police=available_police, available_security_staff=available_security_staff)
             for day in (days or ())}
    for session in sessions:
        for day in local_days(session.start, session.end, tz):
            if days is not None and day not in loads:
                continue
            load = loads.setdefault(day, DayLoad(day, available_police=available_police,
                                                 available_security_staff=available_security_staff))
            load.police += session.police
            load.security_staff += session.security_staff
            load.sessions.append(session)
    return dict(sorted(loads.items()))


def oversubscribed_days(loads: dict[date, DayLoad]) -> list[date]:
    return [day for day, load in loads.items() if load.oversubscribed]
