"""Risk scoring: explicit factors → five dimension scores → total → security level, deployment and fuse flags.

Plain functions over the dataclasses in facts.py; no Django. Every factor gives a severity from 0 (no risk) to 1
and a sentence saying why; a dimension scores 0–100 as the weighted mean of its factors' severities. A
dimension's weight is the number of points it can add to the total; the default weights add up to 150 on
purpose, so an event that is dangerous in three dimensions reaches 一级 without being dangerous in all five.
The total is the sum of the points, capped at 100. A factor's contribution is its share of those points, so the
contributions add up to the total and a reviewer sees where the points come from.

A factor's texts (what was read, and why) are built only when someone reads them: a batch scores thousands of
applications, and the approve guard and the dashboard need only the level and the fuse flags.

A venue is an area or a route. A route (a marathon course) is scored on its own figures: the running crowd on
the course (length × width × running density), the spectators along it, the start area (the mass start is the
densest moment) and the finish area with its exits (where the crowd disperses).

Sessions (场次): night-time, season, weather and staffing are judged per session; the worst session decides the
factor and its explanation names the session.
"""
import math
from collections.abc import Callable
from operator import mul
from dataclasses import dataclass
from datetime import datetime

from . import crowd as crowd_math
from .facts import EventFacts, ForecastFacts, LevelSpec, ModelParameters, SessionFacts


def gettext_noop(message: str) -> str:
    """Marks a message for translation (makemessages); the Django side translates it when it shows it."""
    return message


@dataclass(slots=True)
class Text:
    """A message with its parameters, kept apart so it can be shown in the reader's language."""

    message: str
    params: dict

    def render(self, translate: Callable[[str], str] = gettext_noop) -> str:
        text = translate(self.message)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.render()


def _text(message: str, **params) -> Text:
    return Text(message, params)


# A factor is two functions of the facts, the crowd figures and the parameters: its severity (FACTOR_FUNCTIONS),
# worked out for every assessment, and its texts — what was read and why, (value, explanation) — (FACTOR_TEXTS),
# built from the same inputs only when someone reads them.
Texts = Callable[..., tuple[Text, Text]]


class FactorReading:
    """A factor read on its own (tests, one-off checks): severity, value and explanation."""

    __slots__ = ("severity", "value", "explanation")

    def __init__(self, severity: float, value: Text, explanation: Text):
        self.severity, self.value, self.explanation = severity, value, explanation


class FactorScore:
    """One factor of one assessment: its spec (code, dimension, labels, weight), severity, contribution to the
    total, and its texts (built on first read)."""

    __slots__ = ("spec", "severity", "contribution", "_texts", "_inputs")

    def __init__(self, spec, severity: float, contribution: float, texts: Texts, inputs: tuple):
        self.spec, self.severity, self.contribution, self._texts, self._inputs = (
            spec, severity, contribution, texts, inputs)

    def _built(self) -> tuple[Text, Text]:
        if self._inputs is not None:
            self._texts, self._inputs = self._texts(*self._inputs), None
        return self._texts

    code = property(lambda self: self.spec.code)
    dimension = property(lambda self: self.spec.dimension)
    label_zh = property(lambda self: self.spec.label_zh)
    label_en = property(lambda self: self.spec.label_en)
    weight = property(lambda self: self.spec.weight)
    value = property(lambda self: self._built()[0])
    explanation = property(lambda self: self._built()[1])


@dataclass(slots=True)
class CrowdFigures:
    attendance: int
    usable_area_m2: float
    safe_density: float
    safe_capacity: int
    density: float
    density_band: str
    unstable_density: float
    terrace_max_density: float
    dangerous_density_moving: float
    dangerous_density_standing: float
    exit_count: int
    total_exit_width_m: float
    egress_per_minute: float
    egress_minutes: float
    egress_limit_minutes: float | None
    parking_demand: int
    parking_spaces: int
    car_share: float
    # A route's own figures (None for an area). Its safe capacity is the lower of the course and the start area;
    # its density is the start area's at the mass start; its exits and egress are the finish area's.
    layout: str = "area"
    course_length_m: float | None = None
    course_width_m: float | None = None
    running_density: float | None = None
    course_capacity: int | None = None
    spectators_along: int | None = None
    start_area_m2: float | None = None
    start_capacity: int | None = None
    finish_area_m2: float | None = None
    finish_capacity: int | None = None
    # Where the area, exits and perimeter come from: "site_plan" (the application's drawing: egress with its
    # largest exit left out, capacity the lower of area × density and exits × flow × time) or "estimate"
    # (the venue's registered area and exits, the perimeter of a square of that area).
    source: str = "estimate"
    perimeter_m: float | None = None
    largest_exit_width_m: float | None = None  # left out of the egress (site plan only)
    capacity_by_area: int | None = None
    capacity_by_exits: int | None = None

    @property
    def over_capacity(self) -> bool:
        return self.attendance > self.safe_capacity

    @property
    def egress_over_limit(self) -> bool:
        return self.egress_limit_minutes is not None and self.egress_minutes > self.egress_limit_minutes

    @property
    def parking_short(self) -> bool:
        return self.parking_demand > self.parking_spaces

    @property
    def is_route(self) -> bool:
        return self.layout == "route"

    @property
    def finish_over_capacity(self) -> bool:
        return self.finish_capacity is not None and self.attendance > self.finish_capacity


@dataclass(slots=True)
class ControlGroup:
    code: str  # core / warning / control
    name: Text
    zone: Text
    area_m2: float | None


@dataclass(slots=True)
class Shortfall:
    code: str
    label: Text
    required: int
    planned: int | None

    @property
    def missing(self) -> int:
        return self.required - (self.planned or 0)


@dataclass(slots=True)
class Deployment:
    level: str
    command_posts: int
    control_areas: tuple  # planned (core, warning, control) areas in m², section 6; None where not given
    mobile_points: int
    fixed_posts: int
    patrol_posts: int
    min_security_staff: int
    attendees_per_guard: int
    planned_security_staff: int | None
    planned_fixed_posts: int | None
    planned_patrol_posts: int | None
    planned_mobile_points: int | None
    shortfalls: tuple[Shortfall, ...]

    @property
    def control_groups(self) -> tuple[ControlGroup, ...]:
        """The three control groups (防控小组) with the areas the plan gives them."""
        return tuple(ControlGroup(code, name, zone, area)
                     for (code, name, zone), area in zip(_CONTROL_GROUPS, self.control_areas))


@dataclass(slots=True)
class FuseFlag:
    code: str
    reason: Text


@dataclass(slots=True)
class AssessmentResult:
    total: float
    computed_level: str
    level: str  # effective: the override when there is one
    dimension_scores: dict
    crowd: CrowdFigures
    fuse_flags: tuple[FuseFlag, ...]
    effective: LevelSpec  # the level the deployment follows
    # The factors as scored — the compiled model, each factor's severity, the contributions' scale (the
    # total is capped at 100) and the inputs the texts are built from: `factors` makes FactorScores of them when
    # someone reads them.
    model: object
    severities: list
    scale: float
    inputs: tuple
    _factors: tuple | None = None
    _deployment: Deployment | None = None

    @property
    def deployment(self) -> Deployment:
        if self._deployment is None:
            facts, _figures, params = self.inputs
            self._deployment = required_deployment(facts, self.effective, params)
        return self._deployment

    @property
    def factors(self) -> tuple[FactorScore, ...]:
        if self._factors is None:
            self._factors = _factor_scores(self.model, self.severities, self.scale, self.inputs)
        return self._factors

    @property
    def blocks_approval(self) -> bool:
        return bool(self.fuse_flags)


# ---------------------------------------------------------------------------------------------- helpers


def ramp(x: float, low: float, high: float) -> float:
    """0 at or below `low`, 1 at or above `high`, linear between."""
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    return (x - low) / (high - low)


def clamp01(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def night_hours(start: datetime, end: datetime, *, night_starts: int = 19, night_ends: int = 6) -> float:
    """Hours of the event between `night_starts` o'clock and `night_ends` o'clock the next morning."""
    if end <= start:
        return 0.0
    # Hours counted from midnight of the day before the start: plain arithmetic, no calendar objects.
    start_h = 24 + start.hour + start.minute / 60 + start.second / 3600 + start.microsecond / 3_600_000_000
    end_h = start_h + (end - start).total_seconds() / 3600
    total, night_length = 0.0, 24 - night_starts + night_ends
    day = 0
    while day * 24 + night_starts < end_h:
        night_from = day * 24 + night_starts
        overlap = min(end_h, night_from + night_length) - max(start_h, night_from)
        if overlap > 0:
            total += overlap
        day += 1
    return total


def level_for_total(total: float, levels) -> LevelSpec:
    """The highest level whose threshold the total reaches (levels are data, in any order)."""
    ordered = sorted(levels, key=lambda lv: lv.min_total, reverse=True)
    for level in ordered:
        if total >= level.min_total:
            return level
    return ordered[-1]


def _level(code: str, levels) -> LevelSpec | None:
    return next((lv for lv in levels if lv.code == code), None)


def sessions_of(facts: EventFacts) -> tuple[SessionFacts, ...]:
    """The event's sessions; facts without any read as one session of the event's own span."""
    return facts.sessions or (SessionFacts("", facts.start_local, facts.end_local, facts.attendance),)


def _worst(sessions, severity_of):
    """(severity, session) of the session with the highest severity; the earliest wins a tie."""
    best, best_session = -1.0, None
    for session in sessions:
        value = severity_of(session)
        if value > best:
            best, best_session = value, session
    return best, best_session


def _named(session: SessionFacts | None, count: int, message: str) -> Text:
    """A constant explanation, prefixed with the session that decided when the event has several (the detail is
    a message of its own, translated where it is shown)."""
    if count > 1 and session is not None:
        return Text(gettext_noop("场次“%(session)s”：%(detail)s"), {"session": session.label, "detail": message})
    return Text(message, {})


def session_forecasts(facts: EventFacts) -> list[tuple[SessionFacts | None, ForecastFacts]]:
    """The forecast of each session (its own, else the event's); one entry for the event when no session has its
    own forecast, so nothing is named twice."""
    if not any(s.forecast is not None for s in facts.sessions):
        return [(None, facts.forecast)]
    return [(s, s.forecast if s.forecast is not None else facts.forecast) for s in facts.sessions]


# ---------------------------------------------------------------------------------------------- crowd figures


def crowd_figures(facts: EventFacts, params: ModelParameters, egress_limit_minutes: float | None = None) -> CrowdFigures:
    c = params.crowd
    venue = facts.venue
    exits = venue.exits
    alcohol = facts.alcohol_served
    per_minute = crowd_math.egress_capacity_per_minute(exits, alcohol_served=alcohol, crowd=c)
    attendance = facts.attendance
    if per_minute > 0:
        egress = attendance / per_minute
    else:
        egress = math.inf if attendance > 0 else 0.0
    traffic = facts.traffic
    car_share = traffic.car_share if traffic.car_share is not None else c.car_share
    # Section 8 states the spaces available for the event, the venue's own included: counted once.
    spaces = traffic.parking_spaces_arranged if traffic.parking_spaces_arranged is not None else venue.parking_spaces
    route = venue.route
    if route is None and venue.site_plan is not None:
        return _site_plan_figures(facts, params, egress_limit_minutes, car_share, spaces)
    if route is None:
        area = venue.usable_area_m2
        density = crowd_math.crowd_density(attendance, area)
        return CrowdFigures(
            attendance, area, c.planning_density, crowd_math.safe_capacity(area, c.planning_density), density,
            crowd_math.density_band(density, c), c.unstable_density, c.terrace_max_density,
            c.dangerous_density_moving, c.dangerous_density_standing, len(exits), sum(e.width_m for e in exits),
            per_minute, egress, egress_limit_minutes,
            crowd_math.parking_demand(attendance, car_share=car_share, persons_per_car=c.persons_per_car), spaces,
            car_share)
    course = crowd_math.safe_capacity(route.course_area_m2, c.running_density)
    start = crowd_math.safe_capacity(route.start_area_m2, c.planning_density)
    density = crowd_math.crowd_density(attendance, route.start_area_m2)
    return CrowdFigures(
        attendance, route.course_area_m2, c.planning_density, min(course, start), density,
        crowd_math.density_band(density, c), c.unstable_density, c.terrace_max_density,
        c.dangerous_density_moving, c.dangerous_density_standing, len(exits), sum(e.width_m for e in exits),
        per_minute, egress, egress_limit_minutes,
        crowd_math.parking_demand(attendance, car_share=car_share, persons_per_car=c.persons_per_car), spaces,
        car_share, layout="route", course_length_m=route.length_m, course_width_m=route.width_m,
        running_density=c.running_density, course_capacity=course,
        spectators_along=crowd_math.spectators_along(route.length_m, c.spectator_depth_m, c.planning_density),
        start_area_m2=route.start_area_m2, start_capacity=start, finish_area_m2=route.finish_area_m2,
        finish_capacity=crowd_math.safe_capacity(route.finish_area_m2, c.planning_density))


def _site_plan_figures(facts: EventFacts, params: ModelParameters, egress_limit_minutes, car_share: float,
                       spaces: int) -> CrowdFigures:
    """The crowd figures of an area drawn on a site plan. Egress leaves the largest exit out (Purple Guide
    practice: it may be the one blocked); each audience area holds the lower of its area × the planning density
    and what its exits (less their largest) let out in the egress time limit (the medium band's, as the plan's
    own figures: the level is not known before the score)."""
    c = params.crowd
    plan = facts.venue.site_plan
    alcohol = facts.alcohol_served
    exits = list(facts.venue.exits)
    largest = max(exits, key=lambda e: e.width_m) if exits else None
    used = list(exits)
    if largest is not None:
        used.remove(largest)
    per_minute = crowd_math.egress_capacity_per_minute(used, alcohol_served=alcohol, crowd=c)
    attendance = facts.attendance
    egress = attendance / per_minute if per_minute > 0 else (math.inf if attendance > 0 else 0.0)
    limit = c.egress_limit("medium")
    by_area = by_exits = capacity = 0
    for zone in plan.zones:
        zone_exits = list(zone.exits)
        if zone_exits:
            zone_exits.remove(max(zone_exits, key=lambda e: e.width_m))
        zone_by_area = crowd_math.safe_capacity(zone.area_m2, c.planning_density)
        zone_flow = crowd_math.egress_capacity_per_minute(zone_exits, alcohol_served=alcohol, crowd=c)
        zone_by_exits = max(0, math.floor(zone_flow * limit + 1e-9))
        by_area += zone_by_area
        by_exits += zone_by_exits
        capacity += min(zone_by_area, zone_by_exits)
    area = plan.area_m2
    density = crowd_math.crowd_density(attendance, area)
    return CrowdFigures(
        attendance, area, c.planning_density, capacity, density, crowd_math.density_band(density, c),
        c.unstable_density, c.terrace_max_density, c.dangerous_density_moving, c.dangerous_density_standing,
        len(used), sum(e.width_m for e in used), per_minute, egress, egress_limit_minutes,
        crowd_math.parking_demand(attendance, car_share=car_share, persons_per_car=c.persons_per_car), spaces,
        car_share, source="site_plan", perimeter_m=plan.perimeter_m,
        largest_exit_width_m=largest.width_m if largest is not None else None,
        capacity_by_area=by_area, capacity_by_exits=by_exits)


# ---------------------------------------------------------------------------------------------- factors
# Each takes the facts, the crowd figures and the parameters and returns its severity (0..1); its texts function
# (FACTOR_TEXTS) reads the same inputs.


def organizer_record(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    record = facts.organiser
    if record.suspensions_past_year:
        return 1.0
    if record.poor_reviews_past_year:  # a bad after-action review weighs like no track record, or worse
        return 0.9
    if record.completed_events == 0:
        return 0.7
    return max(0.1, 0.7 - 0.2 * record.completed_events)


def _organizer_texts(facts, figures, params):
    record = facts.organiser
    value = _text(gettext_noop("已完成 %(completed)d 场，近一年熔断 %(suspended)d 次"),
                  completed=record.completed_events, suspended=record.suspensions_past_year)
    if record.suspensions_past_year:
        return value, _text(gettext_noop("承办单位近一年有活动被熔断（暂停），须重点关注。"))
    if record.poor_reviews_past_year:
        return value, _text(gettext_noop("承办单位近一年有 %(poor)d 场活动复盘评价为不合格，须重点关注。"),
                            poor=record.poor_reviews_past_year)
    if record.completed_events == 0:
        return value, _text(gettext_noop("承办单位在本系统无已完成的大型活动记录，经验未经检验。"))
    return value, _text(gettext_noop("承办单位已顺利完成 %(completed)d 场活动，近一年无熔断。"),
                        completed=record.completed_events)


def _company_standing(company) -> tuple[float, str]:
    if company.serious:
        return 1.0, gettext_noop("保安服务公司有严重追责记录。")
    if company.penalties:
        return 0.7, gettext_noop("保安服务公司有处罚记录。")
    if company.warnings:
        return 0.4, gettext_noop("保安服务公司有警告记录，已整改。")
    return 0.1, gettext_noop("保安服务公司无追责记录。")


def security_company_record(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    company = facts.security_company
    if not company.named:
        return 1.0
    severity = _company_standing(company)[0]
    if company.drills_past_year == 0:  # no training drill in the past year adds 0.3
        severity = min(1.0, severity + 0.3)
    return severity


def _company_texts(facts, figures, params):
    company = facts.security_company
    if not company.named:
        return _text(gettext_noop("未确定")), _text(gettext_noop("尚未确定保安服务公司，安保力量无法落实。"))
    value = _text(gettext_noop("近一年演练 %(drills)d 次；追责：警告 %(w)d、处罚 %(p)d、严重 %(s)d"),
                  drills=company.drills_past_year, w=company.warnings, p=company.penalties, s=company.serious)
    message = _company_standing(company)[1]
    if company.drills_past_year == 0:
        return value, _text(gettext_noop("%(record)s近一年无培训演练记录。"), record=message)
    return value, _text(message)


def _staffing_ratios(params) -> tuple[int, int]:
    ratios = [lv.attendees_per_guard for lv in params.levels] or [50, 250]
    return min(ratios), max(ratios)


def _largest_session(facts: EventFacts) -> SessionFacts | None:
    """The session with the most people, when the event has several (None: one session, the event itself)."""
    sessions = facts.sessions
    return max(sessions, key=lambda s: s.attendance) if len(sessions) > 1 else None


def staffing_ratio(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    """Judged on the largest session: the same staff must cover every session."""
    staff = facts.plan.security_staff_total or 0
    if staff <= 0:
        return 1.0
    strictest, loosest = compiled(params).staffing_ratios
    attendance = _largest_session(facts).attendance if len(facts.sessions) > 1 else facts.attendance
    return ramp(attendance / staff, strictest, loosest)


def _staffing_texts(facts, figures, params):
    staff = facts.plan.security_staff_total or 0
    if staff <= 0:
        return _text(gettext_noop("未填写")), _text(gettext_noop("安保力量配置（第3章）未填写安保人员总数。"))
    strictest, loosest = _staffing_ratios(params)
    session = _largest_session(facts)
    ratio = round((session.attendance if session else facts.attendance) / staff)
    value = _text(gettext_noop("%(staff)d 人，约 1:%(ratio)d"), staff=staff, ratio=ratio)
    if session is not None:
        return value, _text(gettext_noop(
            "人数最多的场次“%(session)s”（%(n)d 人）每名安保人员对应约 %(ratio)d 名观众（1:%(strict)d 为最严配比，1:%(loose)d 为最低配比）。"),
            session=session.label, n=session.attendance, ratio=ratio, strict=strictest, loose=loosest)
    return value, _text(gettext_noop(
        "每名安保人员对应约 %(ratio)d 名观众（1:%(strict)d 为最严配比，1:%(loose)d 为最低配比）。"),
        ratio=ratio, strict=strictest, loose=loosest)


def _ticketing_missing(t, params) -> list[str]:
    missing = []
    if not t.real_name:
        missing.append(gettext_noop("实名制购票"))
    if t.public_sale_percent is None or t.public_sale_percent < params.min_public_sale_percent:
        missing.append(gettext_noop("公开销售不低于 %(percent)s%%") % {"percent": f"{params.min_public_sale_percent:g}"})
    if not t.refund_mechanism:
        missing.append(gettext_noop("退票机制"))
    return missing


def ticketing(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    t = facts.ticketing
    rules_apply = facts.attendance >= params.ticketing_rules_attendance
    if not t.ticketed:
        return (0.8 if rules_apply else 0.4)
    if not rules_apply:
        return (0.0 if t.real_name else 0.2)
    missing = (not t.real_name) + (t.public_sale_percent is None or t.public_sale_percent < params.min_public_sale_percent) \
        + (not t.refund_mechanism)
    return missing / 3


def _ticketing_texts(facts, figures, params):
    t = facts.ticketing
    if not t.ticketed:
        return _text(gettext_noop("免费开放")), _text(gettext_noop("不售票、自由入场，入场人数只能靠现场控制。"))
    missing = _ticketing_missing(t, params)
    value = _text(gettext_noop("售票；缺 %(count)d 项"), count=len(missing))
    if facts.attendance < params.ticketing_rules_attendance:
        return value, _text(gettext_noop("售票活动，票证可控制入场人数。"))
    if not missing:
        return value, _text(gettext_noop("实名制、公开销售比例和退票机制均已落实。"))
    return value, _text(gettext_noop("%(threshold)d 人以上售票活动须落实：%(items)s。"),
                        threshold=params.ticketing_rules_attendance, items="、".join(missing))


_SUMMER = (0.6, gettext_noop("夏季：高温、雷雨多发。"))
_WINTER = (0.5, gettext_noop("冬季：低温、路面结冰风险。"))
_MILD = (0.2, gettext_noop("春秋季：气候较温和。"))
_SEASONS = {6: _SUMMER, 7: _SUMMER, 8: _SUMMER, 12: _WINTER, 1: _WINTER, 2: _WINTER}


def _season_session(facts: EventFacts) -> SessionFacts | None:
    sessions = facts.sessions
    if len(sessions) <= 1:
        return None
    return _worst(sessions, lambda s: _SEASONS.get(s.start_local.month, _MILD)[0])[1]


def season(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    session = _season_session(facts) if len(facts.sessions) > 1 else None
    month = (session or facts).start_local.month
    return _SEASONS.get(month, _MILD)[0] * (0.5 if facts.venue.indoor else 1.0)


def _season_texts(facts, figures, params):
    session = _season_session(facts)
    month = (session or facts).start_local.month
    return (_text(gettext_noop("%(month)d 月"), month=month),
            _named(session, len(facts.sessions), _SEASONS.get(month, _MILD)[1]))


def _night(facts: EventFacts) -> tuple[float, SessionFacts | None]:
    """Night hours of the worst session (and that session, when the event has several)."""
    sessions = facts.sessions
    if len(sessions) > 1:
        return _worst(sessions, lambda s: night_hours(s.start_local, s.end_local))
    return night_hours(facts.start_local, facts.end_local), None


def night_time(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    hours = _night(facts)[0]
    return (clamp01(hours / 4) if hours > 0 else 0.0)


def _night_texts(facts, figures, params):
    hours, session = _night(facts)
    value = _text(gettext_noop("夜间 %(hours).1f 小时"), hours=hours)
    if hours <= 0:
        return value, _text(gettext_noop("活动在白天（6:00–19:00）进行。"))
    if session is not None:
        return value, _text(gettext_noop(
            "场次“%(session)s”有 %(hours).1f 小时在夜间（19:00–次日6:00），照明和疏散难度增加。"),
            session=session.label, hours=hours)
    return value, _text(gettext_noop("活动有 %(hours).1f 小时在夜间（19:00–次日6:00），照明和疏散难度增加。"),
                        hours=hours)


_NO_FORECAST = gettext_noop("未录入天气预报，按一般风险计。")


def _forecast_worst(facts: EventFacts, reading: str, severity_of, exposure: float):
    """(severity, session, value) of the worst session's forecast reading (its own forecast, else the event's)."""
    worst = None
    for session, forecast in session_forecasts(facts):
        value = getattr(forecast, reading)
        severity = 0.3 if value is None else severity_of(value) * exposure
        if worst is None or severity > worst[0]:
            worst = (severity, session, value)
    return worst


def _forecast_texts(facts, reading, severity_of, exposure, unit_message, describe):
    _severity, session, value = _forecast_worst(facts, reading, severity_of, exposure)
    count = len(facts.sessions) if any(s.forecast is not None for s in facts.sessions) else 1
    if value is None:
        return _text(gettext_noop("未录入")), _named(session, count, _NO_FORECAST)
    return Text(unit_message, {"v": value}), _named(session, count, describe(value))


def _temperature_severity(t: float) -> float:
    return max(ramp(t, 30, 38), ramp(-t, 5, 15))


def _temperature_words(t: float) -> str:
    if t >= 35:
        return gettext_noop("高温预警（≥35℃）：防中暑、增设饮水和医疗点。")
    if t <= -5:
        return gettext_noop("低温：防冻伤、防滑。")
    return gettext_noop("气温在正常范围。")


def _forecast_score(facts: EventFacts, reading: str, severity, indoor_exposure: float) -> float:
    """A weather factor: the reading's severity, damped indoors; 0.3 with no forecast; the worst session's."""
    exposure = indoor_exposure if facts.venue.indoor else 1.0
    if len(facts.sessions) <= 1:  # one forecast: no session to compare
        value = getattr(facts.forecast, reading)
        return 0.3 if value is None else severity(value) * exposure
    return _forecast_worst(facts, reading, severity, exposure)[0]


def forecast_temperature(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return _forecast_score(facts, "max_temperature_c", _temperature_severity, 0.3)


def _temperature_texts(facts, figures, params):
    return _forecast_texts(facts, "max_temperature_c", _temperature_severity, 0.3 if facts.venue.indoor else 1.0,
                           gettext_noop("%(v)g℃"), _temperature_words)


def _rain_severity(mm: float) -> float:
    return ramp(mm, 10, 50)


def _rain_words(mm: float) -> str:
    if mm >= 50:
        return gettext_noop("暴雨（≥50毫米）：地面湿滑、可能须中止活动。")
    if mm >= 10:
        return gettext_noop("有明显降水，注意防滑和避雨拥挤。")
    return gettext_noop("降水影响小。")


def forecast_rain(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return _forecast_score(facts, "precipitation_mm", _rain_severity, 0.3)


def _rain_texts(facts, figures, params):
    return _forecast_texts(facts, "precipitation_mm", _rain_severity, 0.3 if facts.venue.indoor else 1.0,
                           gettext_noop("%(v)g 毫米"), _rain_words)


def _wind_severity(ms: float) -> float:
    return ramp(ms, 5.5, 17.2)


def _wind_words(ms: float) -> str:
    if ms >= 17.2:
        return gettext_noop("8级以上大风（≥17.2米/秒）：临时舞台、灯架有倒塌风险。")
    if ms >= 10.8:
        return gettext_noop("风力较大，须加固临时搭建设施。")
    return gettext_noop("风力影响小。")


def forecast_wind(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return _forecast_score(facts, "wind_speed_ms", _wind_severity, 0.2)


def _wind_texts(facts, figures, params):
    return _forecast_texts(facts, "wind_speed_ms", _wind_severity, 0.2 if facts.venue.indoor else 1.0,
                           gettext_noop("%(v)g 米/秒"), _wind_words)


def _active_performers(facts: EventFacts):
    return [p for p in facts.performers if not p.struck]


def event_kind(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    kinds = params.kind_severity
    return clamp01(float(kinds.get(facts.kind, kinds.get("other", 0.4))))


def _event_kind_texts(facts, figures, params):
    return (_text("%(kind)s", kind=facts.kind_label),
            _text(gettext_noop("“%(kind)s”类活动的一般风险。"), kind=facts.kind_label))


def _no_performance_texts(facts, figures, params):
    return _text(gettext_noop("无演出")), _text(gettext_noop("没有演出节目。"))


def genre_intensity(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    if not facts.performers:
        return 0.0
    top = max((p.genre_intensity for p in facts.performers if not p.struck), default=None)
    if top is None:
        return 0.0
    return clamp01((top - 1) / 4)


def _genre_texts(facts, figures, params):
    if not _active_performers(facts):
        return _no_performance_texts(facts, figures, params)
    top = max(_active_performers(facts), key=lambda p: p.genre_intensity)
    return (_text(gettext_noop("最高 %(level)d/5"), level=top.genre_intensity),
            _text(gettext_noop("风格最激烈的是“%(name)s”（%(genre)s，%(level)d/5），易引发冲撞、人浪。"),
                  name=top.name, genre=top.genre or "—", level=top.genre_intensity))


def _heavy(facts: EventFacts) -> list:
    return [p for p in facts.performers if not p.struck and p.genre_intensity >= 4]


def heavy_acts(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    if not facts.performers:
        return 0.0
    n = len(_heavy(facts))
    return (0.0 if not n else 0.6 if n == 1 else 1.0)


def _heavy_texts(facts, figures, params):
    heavy = _heavy(facts)
    if not heavy:
        return _text(gettext_noop("0 个")), _text(gettext_noop("没有激烈程度4级以上的演出。"))
    return (_text(gettext_noop("%(n)d 个"), n=len(heavy)),
            _text(gettext_noop("激烈程度4级以上的演出：%(names)s。"), names="、".join(p.name for p in heavy)))


def audience_interaction(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    if not facts.performers:
        return 0.0
    top = max((p.audience_interaction for p in facts.performers if not p.struck), default=None)
    if top is None:
        return 0.0
    return clamp01((top - 1) / 4)


def _interaction_texts(facts, figures, params):
    if not _active_performers(facts):
        return _no_performance_texts(facts, figures, params)
    top = max(_active_performers(facts), key=lambda p: p.audience_interaction)
    return (_text(gettext_noop("最高 %(level)d/5"), level=top.audience_interaction),
            _text(gettext_noop("“%(name)s”观众互动程度 %(level)d/5（冲台、合唱、人浪）。"),
                  name=top.name, level=top.audience_interaction))


def struck_items_on_programme(facts: EventFacts) -> list[str]:
    items = []
    for performer in facts.performers:
        if performer.struck:
            items.append(performer.name)
        if performer.struck_songs:
            items.extend(f"{performer.name}《{title}》" for title in performer.struck_songs)
    return items


def struck_items(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    if not facts.performers:
        return 0.0
    return (1.0 if struck_items_on_programme(facts) else 0.0)


def _struck_texts(facts, figures, params):
    items = struck_items_on_programme(facts)
    if not items:
        return _text(gettext_noop("无")), _text(gettext_noop("节目单中没有已被删除的节目。"))
    return (_text(gettext_noop("%(n)d 项"), n=len(items)),
            _text(gettext_noop("文旅审核已删除但仍在节目单上：%(items)s。"), items="、".join(items)))


_DENSITY_WORDS = {
    "within_planning": gettext_noop("在规划密度以内"),
    "above_planning": gettext_noop("超过规划密度"),
    "unstable": gettext_noop("人群不稳定"),
    "above_terrace_max": gettext_noop("超过站席看台上限"),
    "dangerous_moving": gettext_noop("移动人群危险"),
    "dangerous_standing": gettext_noop("站立人群危险"),
}


def density_words(band: str) -> str:
    return _DENSITY_WORDS.get(band, band)


def crowd_density_factor(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    c = params.crowd
    d = figures.density
    if d <= c.planning_density:
        return 0.5 * ramp(d, 0.5, c.planning_density)
    return 0.5 + 0.5 * ramp(d, c.planning_density, c.unstable_density)


def _density_texts(facts, figures, params):
    c = params.crowd
    d = figures.density
    values = {"d": d, "band": density_words(figures.density_band), "planning": c.planning_density,
              "unstable": c.unstable_density}
    if figures.is_route:
        return _text(gettext_noop("%(d).2f 人/㎡"), d=d), Text(gettext_noop(
            "集中起跑时全部参与者在起点区为 %(d).2f 人/㎡：%(band)s（规划密度 %(planning)g，%(unstable)g 以上人群不稳定）。"),
            values)
    return _text(gettext_noop("%(d).2f 人/㎡"), d=d), Text(gettext_noop(
        "全部观众在可用面积上为 %(d).2f 人/㎡：%(band)s（规划密度 %(planning)g，%(unstable)g 以上人群不稳定）。"), values)


_LOG_1000, _LOG_30000, _LOG_50000 = 3.0, math.log10(30000), math.log10(50000)


def attendance_scale(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return ramp(math.log10(max(1, facts.attendance)), _LOG_1000, _LOG_50000)


def _attendance_texts(facts, figures, params):
    return (_text(gettext_noop("%(n)d 人"), n=facts.attendance),
            _text(gettext_noop("规模越大，出事后果越重（1,000 人记 0 分，50,000 人记满分）。")))


def capacity_use(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return ramp(facts.attendance / max(1, facts.rated_capacity), 0.7, 1.0)


def _capacity_use_texts(facts, figures, params):
    share = facts.attendance / max(1, facts.rated_capacity)
    return (_text(gettext_noop("%(p).0f%%"), p=share * 100), _text(
        gettext_noop("预计人数占场所核定容量 %(capacity)d 人的 %(p).0f%%（70%% 以下不计分，满员记满分）。"),
        capacity=facts.rated_capacity, p=share * 100))


def egress_time(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    minutes = figures.egress_minutes
    if minutes == math.inf:
        return 1.0
    c = params.crowd
    return ramp(minutes, c.egress_limit_high / 2, c.egress_limit_low)


def _egress_texts(facts, figures, params):
    minutes = figures.egress_minutes
    if math.isinf(minutes):
        return _text(gettext_noop("无出口")), _text(gettext_noop("场所没有登记出口。"))
    values = {"w": round(figures.total_exit_width_m, 2), "rate": round(figures.egress_per_minute), "m": minutes,
              "low": params.crowd.egress_limit_low}
    if figures.is_route:
        return _text(gettext_noop("%(m).1f 分钟"), m=minutes), Text(gettext_noop(
            "终点区出口总宽 %(w)g 米，每分钟可疏散 %(rate)d 人，全部离场约需 %(m).1f 分钟（低风险上限 %(low)g 分钟）。"),
            values)
    return _text(gettext_noop("%(m).1f 分钟"), m=minutes), Text(gettext_noop(
        "出口总宽 %(w)g 米，每分钟可疏散 %(rate)d 人，全部疏散约需 %(m).1f 分钟（低风险上限 %(low)g 分钟）。"), values)


_EXIT_SEVERITY = {0: 1.0, 1: 1.0, 2: 0.6, 3: 0.3}


def exit_count(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return _EXIT_SEVERITY.get(len(facts.venue.exits), 0.0)


def _exit_count_texts(facts, figures, params):
    return (_text(gettext_noop("%(n)d 个"), n=len(facts.venue.exits)),
            _text(gettext_noop("出口越少，一处堵塞的后果越严重（4 个以上不计分）。")))


def temporary_structures(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return clamp01(facts.temporary_structures * 0.2)


def _structures_texts(facts, figures, params):
    return (_text(gettext_noop("%(n)d 处"), n=facts.temporary_structures),
            _text(gettext_noop("舞台、看台等临时搭建设施须验收，大风时有倒塌风险（每处 20 分，5 处满分）。")))


def indoor_outdoor(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return (0.6 if facts.venue.indoor else 0.3)


def _setting_texts(facts, figures, params):
    if facts.venue.indoor:
        return _text(gettext_noop("室内")), _text(gettext_noop("室内场所：火灾烟气蔓延快，疏散只能靠出口。"))
    return _text(gettext_noop("室外")), _text(gettext_noop("室外场所：受天气影响，边界须围挡控制。"))


def parking(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    demand, spaces = figures.parking_demand, figures.parking_spaces
    share = demand / spaces if spaces else (math.inf if demand else 0.0)
    return ramp(share, 0.8, 2.0)


def _parking_texts(facts, figures, params):
    demand, spaces = figures.parking_demand, figures.parking_spaces
    return (_text(gettext_noop("需 %(demand)d 个，有 %(spaces)d 个"), demand=demand, spaces=spaces),
            _text(gettext_noop("按 %(share).0f%% 观众驾车、每车 %(ppc)g 人估算需停车位 %(demand)d 个，活动可用停车位 %(spaces)d 个。"),
                  share=figures.car_share * 100, ppc=params.crowd.persons_per_car, demand=demand, spaces=spaces))


def public_transport(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    has_transit, shuttles = facts.venue.public_transport, facts.traffic.shuttle_buses
    if has_transit:
        return (0.0 if shuttles else 0.2)
    return (0.5 if shuttles else 1.0)


def _transport_texts(facts, figures, params):
    has_transit, shuttles = facts.venue.public_transport, facts.traffic.shuttle_buses
    if has_transit and shuttles:
        return (_text(gettext_noop("公交 + 接驳 %(n)d 辆"), n=shuttles),
                _text(gettext_noop("有公共交通和接驳车辆分流散场客流。")))
    if has_transit:
        return _text(gettext_noop("有公交")), _text(gettext_noop("有公共交通，未安排接驳车辆。"))
    if shuttles:
        return _text(gettext_noop("接驳 %(n)d 辆"), n=shuttles), _text(gettext_noop("无公共交通，仅靠接驳车辆。"))
    return _text(gettext_noop("无")), _text(gettext_noop("无公共交通也无接驳车辆，散场全靠自驾和步行。"))


def road_closures(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return (1.0 if facts.traffic.road_closures else 0.0)


def _closures_texts(facts, figures, params):
    if facts.traffic.road_closures:
        return _text(gettext_noop("需要")), _text(gettext_noop("需临时交通管制，须与交警部门联动。"))
    return _text(gettext_noop("不需要")), _text(gettext_noop("不需要临时交通管制。"))


def dispersal_volume(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> float:
    return ramp(math.log10(max(1, facts.attendance)), _LOG_1000, _LOG_30000)


def _dispersal_texts(facts, figures, params):
    return (_text(gettext_noop("%(n)d 人"), n=facts.attendance),
            _text(gettext_noop("散场时集中离场的客流（1,000 人记 0 分，30,000 人记满分）。")))


FACTOR_FUNCTIONS: dict[str, Callable[[EventFacts, CrowdFigures, ModelParameters], float]] = {
    "organizer_record": organizer_record,
    "security_company_record": security_company_record,
    "staffing_ratio": staffing_ratio,
    "ticketing": ticketing,
    "season": season,
    "night_time": night_time,
    "forecast_temperature": forecast_temperature,
    "forecast_rain": forecast_rain,
    "forecast_wind": forecast_wind,
    "event_kind": event_kind,
    "genre_intensity": genre_intensity,
    "heavy_acts": heavy_acts,
    "audience_interaction": audience_interaction,
    "struck_items": struck_items,
    "crowd_density": crowd_density_factor,
    "attendance_scale": attendance_scale,
    "capacity_use": capacity_use,
    "egress_time": egress_time,
    "exit_count": exit_count,
    "temporary_structures": temporary_structures,
    "indoor_outdoor": indoor_outdoor,
    "parking": parking,
    "public_transport": public_transport,
    "road_closures": road_closures,
    "dispersal_volume": dispersal_volume,
}
FACTOR_CODES = tuple(FACTOR_FUNCTIONS)
FACTOR_TEXTS: dict[str, Texts] = {
    "organizer_record": _organizer_texts,
    "security_company_record": _company_texts,
    "staffing_ratio": _staffing_texts,
    "ticketing": _ticketing_texts,
    "season": _season_texts,
    "night_time": _night_texts,
    "forecast_temperature": _temperature_texts,
    "forecast_rain": _rain_texts,
    "forecast_wind": _wind_texts,
    "event_kind": _event_kind_texts,
    "genre_intensity": _genre_texts,
    "heavy_acts": _heavy_texts,
    "audience_interaction": _interaction_texts,
    "struck_items": _struck_texts,
    "crowd_density": _density_texts,
    "attendance_scale": _attendance_texts,
    "capacity_use": _capacity_use_texts,
    "egress_time": _egress_texts,
    "exit_count": _exit_count_texts,
    "temporary_structures": _structures_texts,
    "indoor_outdoor": _setting_texts,
    "parking": _parking_texts,
    "public_transport": _transport_texts,
    "road_closures": _closures_texts,
    "dispersal_volume": _dispersal_texts,
}


# ---------------------------------------------------------------------------------------------- scores


@dataclass(slots=True)
class _CompiledModel:
    """What the parameters say, worked out once per set of parameters: the factor functions in order; per
    dimension its weight and its factors' shares of it (weight / sum of weights); each factor's spec and points at
    full severity (its share × the dimension's weight); the levels most severe first; the strictest and loosest
    staffing ratios."""

    functions: tuple
    dimensions: tuple  # (code, weight, index of its first factor, index after its last, shares)
    specs: tuple  # (spec, points at full severity, texts function) per factor, in the order of `functions`
    levels: tuple
    staffing_ratios: tuple[int, int]


_compiled: list = [None, None]  # (parameters, their compiled form): a batch scores with one set of parameters


def compiled(params: ModelParameters) -> _CompiledModel:
    if _compiled[0] is params:
        return _compiled[1]
    by_dimension: dict[str, list] = {d.code: [] for d in params.dimensions}
    for spec in params.factors:
        function = FACTOR_FUNCTIONS.get(spec.code)
        if function is not None and spec.dimension in by_dimension:
            by_dimension[spec.dimension].append((spec, function))
    functions, dimensions, specs = [], [], []
    for dimension in params.dimensions:
        entries = by_dimension[dimension.code]
        weight_sum = sum(spec.weight for spec, _function in entries)
        if not weight_sum:
            dimensions.append((dimension.code, dimension.weight, len(functions), len(functions), ()))
            continue
        dimensions.append((dimension.code, dimension.weight, len(functions), len(functions) + len(entries),
                           tuple(spec.weight / weight_sum for spec, _function in entries)))
        for spec, function in entries:
            functions.append(function)
            specs.append((spec, dimension.weight * spec.weight / weight_sum, FACTOR_TEXTS[spec.code]))
    model = _CompiledModel(tuple(functions), tuple(dimensions), tuple(specs),
                           tuple(sorted(params.levels, key=lambda lv: lv.min_total, reverse=True)),
                           _staffing_ratios(params))
    _compiled[0], _compiled[1] = params, model
    return model


def read_factor(code: str, facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    """One factor on its own, texts built."""
    return FactorReading(FACTOR_FUNCTIONS[code](facts, figures, params), *FACTOR_TEXTS[code](facts, figures, params))


def _score(facts: EventFacts, figures: CrowdFigures, model: _CompiledModel, params: ModelParameters):
    """(dimension scores 0–100 rounded, each factor's severity, uncapped points)."""
    severities = [function(facts, figures, params) for function in model.functions]
    dimension_scores: dict[str, float] = {}
    uncapped = 0.0
    for code, weight, start, stop, shares in model.dimensions:
        score = sum(map(mul, shares, severities[start:stop]))
        uncapped += weight * score
        dimension_scores[code] = round(100 * score, 1)
    return dimension_scores, severities, uncapped


def _factor_scores(model: _CompiledModel, severities, scale: float, inputs: tuple) -> tuple:
    return tuple(FactorScore(spec, severity, points * severity * scale, texts, inputs)
                 for (spec, points, texts), severity in zip(model.specs, severities))


def score_factors(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> tuple[dict, tuple]:
    """Dimension scores (0–100) and every factor with its contribution to the total."""
    model = compiled(params)
    dimension_scores, severities, uncapped = _score(facts, figures, model, params)
    scale = 100 / uncapped if uncapped > 100 else 1.0  # capped at 100: the contributions still add up to it
    return dimension_scores, _factor_scores(model, severities, scale, (facts, figures, params))


def total_score(dimension_scores: dict, params: ModelParameters) -> float:
    """Each dimension adds weight × score / 100 points; the total is capped at 100."""
    points = sum(d.weight * dimension_scores.get(d.code, 0.0) / 100 for d in params.dimensions)
    return round(min(100.0, max(0.0, points)), 1)


# ---------------------------------------------------------------------------------------------- deployment


_CONTROL_GROUPS = (
    ("core", Text(gettext_noop("核心区防控小组"), {}), Text(gettext_noop("舞台、赛场及观众区内部"), {})),
    ("warning", Text(gettext_noop("警戒区防控小组"), {}), Text(gettext_noop("出入口、安检通道及场所围挡沿线"), {})),
    ("control", Text(gettext_noop("控制区防控小组"), {}), Text(gettext_noop("周边道路、停车场及公共交通站点"), {})),
)
_DEPLOYMENT_LABELS = {
    "security_staff": gettext_noop("安保人员"), "fixed_posts": gettext_noop("固定岗（每个出入口）"),
    "patrol_posts": gettext_noop("巡逻岗（周界）"), "mobile_points": gettext_noop("机动兵力点位"),
}


def required_deployment(facts: EventFacts, level: LevelSpec, params: ModelParameters) -> Deployment:
    """The far-near layered defence (远近结合) the level calls for, against what the organizer planned."""
    c = params.crowd
    plan = facts.plan
    min_staff = -(-facts.attendance // max(1, level.attendees_per_guard))  # rounded up
    site_plan = facts.venue.site_plan if facts.venue.route is None else None
    # A fixed post at every gate and exit (drawn on the site plan, else the venue's registered exits).
    fixed = max(1, site_plan.gates if site_plan is not None else len(facts.venue.exits))
    route = facts.venue.route
    if site_plan is not None:  # along the real perimeter
        patrol = max(1, math.ceil(site_plan.perimeter_m / max(1.0, c.patrol_spacing_m) - 1e-9))
    elif route is None:
        patrol = crowd_math.patrol_posts_needed(facts.venue.usable_area_m2, c.patrol_spacing_m)
    else:  # both sides of the course
        patrol = crowd_math.patrol_posts_along(route.length_m, c.patrol_spacing_m)
    mobile = crowd_math.mobile_points_needed(facts.attendance, minimum=c.min_mobile_points,
                                             attendees_per_point=c.attendees_per_mobile_point)
    shortfalls = []
    for code, required, planned in (
            ("security_staff", min_staff, plan.security_staff_total), ("fixed_posts", fixed, plan.fixed_posts),
            ("patrol_posts", patrol, plan.patrol_posts), ("mobile_points", mobile, plan.mobile_points)):
        if (planned or 0) < required:
            shortfalls.append(Shortfall(code, Text(_DEPLOYMENT_LABELS[code], {}), required, planned))
    return Deployment(
        level.code, 1, (plan.core_area_m2, plan.warning_area_m2, plan.control_area_m2), mobile, fixed, patrol,
        min_staff, level.attendees_per_guard, plan.security_staff_total, plan.fixed_posts, plan.patrol_posts,
        plan.mobile_points, tuple(shortfalls))


# ---------------------------------------------------------------------------------------------- fuse flags


_READING_UNITS = {"max_temperature_c": "℃", "precipitation_mm": gettext_noop("毫米"),
                  "wind_speed_ms": gettext_noop("米/秒")}


def weather_flags(facts: EventFacts, params: ModelParameters) -> list:
    """The weather rules (data): a forecast at or beyond a rule's threshold, for the kinds of event and the setting
    it names, raises a fuse flag unless the plan states the rule's measures. Judged per session: the flag names
    every session whose forecast breaches the rule."""
    flags = []
    indoor = facts.venue.indoor
    for rule in params.weather_rules:
        if (rule.kinds and facts.kind not in rule.kinds) or (rule.outdoor_only and indoor) or (
                rule.waived_by and rule.waived_by in facts.measures):
            continue
        if facts.forecast.is_empty and not any(s.forecast is not None for s in facts.sessions):
            continue  # nothing forecast
        breaching = [(session, getattr(forecast, rule.reading)) for session, forecast in session_forecasts(facts)
                     if rule.breached(getattr(forecast, rule.reading))]
        if not breaching:
            continue
        worst = max(value for _session, value in breaching) if rule.above else min(v for _s, v in breaching)
        sessions = "、".join(session.label for session, _value in breaching if session is not None)
        params_ = {"rule": rule.name_zh, "value": worst, "threshold": rule.threshold,
                   "unit": _READING_UNITS.get(rule.reading, ""), "measures": rule.measures_zh or "—"}
        if sessions:
            params_["sessions"] = sessions
            reason = Text(gettext_noop(
                "%(rule)s：场次 %(sessions)s 预报 %(value)g%(unit)s，达到阈值 %(threshold)g%(unit)s，方案未写明应对措施"
                "（须有：%(measures)s）。"), params_)
        else:
            reason = Text(gettext_noop(
                "%(rule)s：预报 %(value)g%(unit)s，达到阈值 %(threshold)g%(unit)s，方案未写明应对措施（须有：%(measures)s）。"),
                params_)
        flags.append(FuseFlag(f"weather_{rule.code}", reason))
    return flags


def fuse_flags(facts: EventFacts, figures: CrowdFigures, level: LevelSpec, params: ModelParameters) -> tuple:
    """The hard rules: any one recommends 熔断 and blocks approval until removed."""
    flags = []
    if figures.attendance > figures.safe_capacity:
        if figures.layout == "area":
            flags.append(FuseFlag("over_capacity", _text(
                gettext_noop("预计人数 %(attendance)d 超过安全容量 %(capacity)d（可用面积 %(area)g ㎡ × %(density)g 人/㎡）。"),
                attendance=facts.attendance, capacity=figures.safe_capacity, area=figures.usable_area_m2,
                density=figures.safe_density)))
        elif figures.course_capacity < figures.start_capacity:
            flags.append(FuseFlag("over_capacity", _text(gettext_noop(
                "预计人数 %(attendance)d 超过赛道容量 %(capacity)d（长 %(length)g 米 × 宽 %(width)g 米 × 跑动人群密度 %(density)g 人/㎡）。"),
                attendance=facts.attendance, capacity=figures.course_capacity, length=figures.course_length_m,
                width=figures.course_width_m, density=figures.running_density)))
        else:
            flags.append(FuseFlag("over_capacity", _text(gettext_noop(
                "预计人数 %(attendance)d 超过起点区容量 %(capacity)d（%(area)g ㎡ × %(density)g 人/㎡）。"),
                attendance=facts.attendance, capacity=figures.start_capacity, area=figures.start_area_m2,
                density=figures.safe_density)))
    if figures.egress_limit_minutes is not None and figures.egress_minutes > figures.egress_limit_minutes:
        if math.isinf(figures.egress_minutes):
            reason = _text(gettext_noop("场所没有登记出口，无法疏散。"))
        else:
            reason = _text(gettext_noop("疏散时间 %(minutes).1f 分钟超过%(level)s上限 %(limit)g 分钟。"),
                           minutes=figures.egress_minutes, level=level.name_zh, limit=figures.egress_limit_minutes)
        flags.append(FuseFlag("egress_over_limit", reason))
    planned_staff = facts.plan.security_staff_total or 0
    min_staff = -(-facts.attendance // max(1, level.attendees_per_guard))  # rounded up
    if planned_staff < min_staff:
        flags.append(FuseFlag("staff_below_minimum", _text(
            gettext_noop("安保人员 %(planned)d 人低于%(level)s最低要求 %(required)d 人（1:%(ratio)d）。"),
            planned=planned_staff, level=level.name_zh, required=min_staff, ratio=level.attendees_per_guard)))
    if facts.performers:
        struck = struck_items_on_programme(facts)
        if struck:
            flags.append(FuseFlag("struck_on_programme", _text(
                gettext_noop("已被文旅审核删除的节目仍在节目单上：%(items)s。"), items="、".join(struck))))
    for document in facts.overdue_documents:
        flags.append(FuseFlag("document_overdue", _text(
            gettext_noop("容缺材料“%(name)s”逾期未补交（期限 %(due)s）。"),
            name=document.name, due=document.due_date.isoformat())))
    if params.weather_rules:
        flags.extend(weather_flags(facts, params))
    return tuple(flags)


def blocking_reasons(result: AssessmentResult, translate: Callable[[str], str] = gettext_noop) -> list[str]:
    """The reasons that block approval: one per fuse flag."""
    return [flag.reason.render(translate) for flag in result.fuse_flags]


# ---------------------------------------------------------------------------------------------- assess


def assess(facts: EventFacts, params: ModelParameters, *, level_override: str | None = None) -> AssessmentResult:
    """Score one event. `level_override` (a level code set by a reviewer) wins over the computed level for the
    deployment and the checks that depend on the level."""
    model = compiled(params)
    figures = crowd_figures(facts, params)
    dimension_scores, severities, uncapped = _score(facts, figures, model, params)
    # The total is the sum of the dimensions' points (each weight × score / 100), capped at 100.
    total = round(min(100.0, max(0.0, uncapped)), 1)
    computed = next((lv for lv in model.levels if total >= lv.min_total), model.levels[-1])
    effective = (_level(level_override, params.levels) if level_override else None) or computed
    figures.egress_limit_minutes = params.crowd.egress_limit(effective.egress_band)
    return AssessmentResult(
        total, computed.code, effective.code, dimension_scores, figures,
        fuse_flags(facts, figures, effective, params), effective, model, severities,
        100 / uncapped if uncapped > 100 else 1.0, (facts, figures, params))
