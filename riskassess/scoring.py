"""Risk scoring: explicit factors → five dimension scores → total → security level, deployment and fuse flags.

Plain functions over the dataclasses in facts.py; no Django. Every factor gives a severity from 0 (no risk) to 1
and a sentence saying why; a dimension scores 0–100 as the weighted mean of its factors' severities. A
dimension's weight is the number of points it can add to the total; the default weights add up to 150 on
purpose, so an event that is dangerous in three dimensions reaches 一级 without being dangerous in all five.
The total is the sum of the points, capped at 100. A factor's contribution is its share of those points, so the
contributions add up to the total and a reviewer sees where the points come from.
"""
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from . import crowd as crowd_math
from .facts import EventFacts, LevelSpec, ModelParameters


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


@dataclass(slots=True)
class FactorReading:
    value: Text  # what was read, e.g. "2.50 人/㎡"
    severity: float  # 0..1
    explanation: Text


@dataclass(slots=True)
class FactorScore:
    code: str
    dimension: str
    label_zh: str
    label_en: str
    weight: float
    severity: float
    contribution: float  # points of the total
    value: Text
    explanation: Text


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

    @property
    def over_capacity(self) -> bool:
        return self.attendance > self.safe_capacity

    @property
    def egress_over_limit(self) -> bool:
        return self.egress_limit_minutes is not None and self.egress_minutes > self.egress_limit_minutes

    @property
    def parking_short(self) -> bool:
        return self.parking_demand > self.parking_spaces


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
    control_groups: tuple[ControlGroup, ...]
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
    factors: tuple[FactorScore, ...]
    crowd: CrowdFigures
    deployment: Deployment
    fuse_flags: tuple[FuseFlag, ...]

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
    first_day = start.date() - timedelta(days=1)
    origin = datetime.combine(first_day, time())
    start_h = (start - origin).total_seconds() / 3600
    end_h = (end - origin).total_seconds() / 3600
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


# ---------------------------------------------------------------------------------------------- crowd figures


def crowd_figures(facts: EventFacts, params: ModelParameters, egress_limit_minutes: float | None = None) -> CrowdFigures:
    c = params.crowd
    venue = facts.venue
    density = crowd_math.crowd_density(facts.attendance, venue.usable_area_m2)
    return CrowdFigures(
        attendance=facts.attendance,
        usable_area_m2=venue.usable_area_m2,
        safe_density=c.planning_density,
        safe_capacity=crowd_math.safe_capacity(venue.usable_area_m2, c.planning_density),
        density=density,
        density_band=crowd_math.density_band(density, c),
        unstable_density=c.unstable_density,
        terrace_max_density=c.terrace_max_density,
        dangerous_density_moving=c.dangerous_density_moving,
        dangerous_density_standing=c.dangerous_density_standing,
        exit_count=len(venue.exits),
        total_exit_width_m=sum(e.width_m for e in venue.exits),
        egress_per_minute=crowd_math.egress_capacity_per_minute(
            venue.exits, alcohol_served=facts.alcohol_served, crowd=c),
        egress_minutes=crowd_math.egress_minutes(
            facts.attendance, venue.exits, alcohol_served=facts.alcohol_served, crowd=c),
        egress_limit_minutes=egress_limit_minutes,
        parking_demand=crowd_math.parking_demand(
            facts.attendance, car_share=c.car_share, persons_per_car=c.persons_per_car),
        parking_spaces=venue.parking_spaces + facts.traffic.parking_spaces_arranged,
    )


# ---------------------------------------------------------------------------------------------- factors
# Each takes the facts, the crowd figures and the parameters and returns a FactorReading.


def organizer_record(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    record = facts.organiser
    value = _text(gettext_noop("已完成 %(completed)d 场，近一年熔断 %(suspended)d 次"),
                  completed=record.completed_events, suspended=record.suspensions_past_year)
    if record.suspensions_past_year:
        return FactorReading(value, 1.0, _text(gettext_noop("承办单位近一年有活动被熔断（暂停），须重点关注。")))
    if record.completed_events == 0:
        return FactorReading(value, 0.7, _text(gettext_noop("承办单位在本系统无已完成的大型活动记录，经验未经检验。")))
    severity = max(0.1, 0.7 - 0.2 * record.completed_events)
    return FactorReading(value, severity, _text(
        gettext_noop("承办单位已顺利完成 %(completed)d 场活动，近一年无熔断。"), completed=record.completed_events))


def security_company_record(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    company = facts.security_company
    if not company.named:
        return FactorReading(_text(gettext_noop("未确定")), 1.0,
                             _text(gettext_noop("尚未确定保安服务公司，安保力量无法落实。")))
    value = _text(gettext_noop("近一年演练 %(drills)d 次；追责：警告 %(w)d、处罚 %(p)d、严重 %(s)d"),
                  drills=company.drills_past_year, w=company.warnings, p=company.penalties, s=company.serious)
    if company.serious:
        severity, explanation = 1.0, _text(gettext_noop("保安服务公司有严重追责记录。"))
    elif company.penalties:
        severity, explanation = 0.7, _text(gettext_noop("保安服务公司有处罚记录。"))
    elif company.warnings:
        severity, explanation = 0.4, _text(gettext_noop("保安服务公司有警告记录，已整改。"))
    else:
        severity, explanation = 0.1, _text(gettext_noop("保安服务公司无追责记录。"))
    if company.drills_past_year == 0:
        severity = min(1.0, severity + 0.3)
        explanation = _text(gettext_noop("%(record)s近一年无培训演练记录。"), record=explanation.render())
    return FactorReading(value, severity, explanation)


def staffing_ratio(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    staff = facts.plan.security_staff_total or 0
    ratios = [lv.attendees_per_guard for lv in params.levels] or [50, 250]
    strictest, loosest = min(ratios), max(ratios)
    if staff <= 0:
        return FactorReading(_text(gettext_noop("未填写")), 1.0,
                             _text(gettext_noop("安保力量配置（第3章）未填写安保人员总数。")))
    ratio = facts.attendance / staff
    return FactorReading(
        _text(gettext_noop("%(staff)d 人，约 1:%(ratio)d"), staff=staff, ratio=round(ratio)),
        ramp(ratio, strictest, loosest),
        _text(gettext_noop("每名安保人员对应约 %(ratio)d 名观众（1:%(strict)d 为最严配比，1:%(loose)d 为最低配比）。"),
              ratio=round(ratio), strict=strictest, loose=loosest))


def ticketing(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    t = facts.ticketing
    if not t.ticketed:
        severity = 0.8 if facts.attendance >= params.ticketing_rules_attendance else 0.4
        return FactorReading(_text(gettext_noop("免费开放")), severity,
                             _text(gettext_noop("不售票、自由入场，入场人数只能靠现场控制。")))
    missing = []
    if not t.real_name:
        missing.append(gettext_noop("实名制购票"))
    if t.public_sale_percent is None or t.public_sale_percent < params.min_public_sale_percent:
        missing.append(gettext_noop("公开销售不低于 %(percent)s%%") % {"percent": f"{params.min_public_sale_percent:g}"})
    if not t.refund_mechanism:
        missing.append(gettext_noop("退票机制"))
    value = _text(gettext_noop("售票；缺 %(count)d 项"), count=len(missing))
    if facts.attendance >= params.ticketing_rules_attendance:
        if not missing:
            return FactorReading(value, 0.0, _text(gettext_noop("实名制、公开销售比例和退票机制均已落实。")))
        return FactorReading(value, len(missing) / 3, _text(
            gettext_noop("%(threshold)d 人以上售票活动须落实：%(items)s。"),
            threshold=params.ticketing_rules_attendance, items="、".join(missing)))
    severity = 0.0 if t.real_name else 0.2
    return FactorReading(value, severity, _text(gettext_noop("售票活动，票证可控制入场人数。")))


def season(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    month = facts.start_local.month
    indoor = 0.5 if facts.venue.indoor else 1.0
    if month in (6, 7, 8):
        severity, explanation = 0.6, _text(gettext_noop("夏季：高温、雷雨多发。"))
    elif month in (12, 1, 2):
        severity, explanation = 0.5, _text(gettext_noop("冬季：低温、路面结冰风险。"))
    else:
        severity, explanation = 0.2, _text(gettext_noop("春秋季：气候较温和。"))
    return FactorReading(_text(gettext_noop("%(month)d 月"), month=month), severity * indoor, explanation)


def night_time(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    hours = night_hours(facts.start_local, facts.end_local)
    value = _text(gettext_noop("夜间 %(hours).1f 小时"), hours=hours)
    if hours <= 0:
        return FactorReading(value, 0.0, _text(gettext_noop("活动在白天（6:00–19:00）进行。")))
    return FactorReading(value, clamp01(hours / 4), _text(
        gettext_noop("活动有 %(hours).1f 小时在夜间（19:00–次日6:00），照明和疏散难度增加。"), hours=hours))


_NO_FORECAST = gettext_noop("未录入天气预报，按一般风险计。")


def forecast_temperature(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    t = facts.forecast.max_temperature_c
    if t is None:
        return FactorReading(_text(gettext_noop("未录入")), 0.3, _text(_NO_FORECAST))
    exposure = 0.3 if facts.venue.indoor else 1.0
    severity = max(ramp(t, 30, 38), ramp(-t, 5, 15)) * exposure
    if t >= 35:
        explanation = _text(gettext_noop("高温预警（≥35℃）：防中暑、增设饮水和医疗点。"))
    elif t <= -5:
        explanation = _text(gettext_noop("低温：防冻伤、防滑。"))
    else:
        explanation = _text(gettext_noop("气温在正常范围。"))
    return FactorReading(_text(gettext_noop("%(t)g℃"), t=t), severity, explanation)


def forecast_rain(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    mm = facts.forecast.precipitation_mm
    if mm is None:
        return FactorReading(_text(gettext_noop("未录入")), 0.3, _text(_NO_FORECAST))
    exposure = 0.3 if facts.venue.indoor else 1.0
    explanation = (_text(gettext_noop("暴雨（≥50毫米）：地面湿滑、可能须中止活动。")) if mm >= 50 else
                   _text(gettext_noop("有明显降水，注意防滑和避雨拥挤。")) if mm >= 10 else
                   _text(gettext_noop("降水影响小。")))
    return FactorReading(_text(gettext_noop("%(mm)g 毫米"), mm=mm), ramp(mm, 10, 50) * exposure, explanation)


def forecast_wind(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    ms = facts.forecast.wind_speed_ms
    if ms is None:
        return FactorReading(_text(gettext_noop("未录入")), 0.3, _text(_NO_FORECAST))
    exposure = 0.2 if facts.venue.indoor else 1.0
    explanation = (_text(gettext_noop("8级以上大风（≥17.2米/秒）：临时舞台、灯架有倒塌风险。")) if ms >= 17.2 else
                   _text(gettext_noop("风力较大，须加固临时搭建设施。")) if ms >= 10.8 else
                   _text(gettext_noop("风力影响小。")))
    return FactorReading(_text(gettext_noop("%(ms)g 米/秒"), ms=ms), ramp(ms, 5.5, 17.2) * exposure, explanation)


def _active_performers(facts: EventFacts):
    return [p for p in facts.performers if not p.struck]


def event_kind(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    severity = clamp01(float(params.kind_severity.get(facts.kind, params.kind_severity.get("other", 0.4))))
    return FactorReading(_text("%(kind)s", kind=facts.kind_label), severity,
                         _text(gettext_noop("“%(kind)s”类活动的一般风险。"), kind=facts.kind_label))


def genre_intensity(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    acts = _active_performers(facts)
    if not acts:
        return FactorReading(_text(gettext_noop("无演出")), 0.0, _text(gettext_noop("没有演出节目。")))
    top = max(acts, key=lambda p: p.genre_intensity)
    return FactorReading(
        _text(gettext_noop("最高 %(level)d/5"), level=top.genre_intensity), clamp01((top.genre_intensity - 1) / 4),
        _text(gettext_noop("风格最激烈的是“%(name)s”（%(genre)s，%(level)d/5），易引发冲撞、人浪。"),
              name=top.name, genre=top.genre or "—", level=top.genre_intensity))


def heavy_acts(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    heavy = [p for p in _active_performers(facts) if p.genre_intensity >= 4]
    severity = 0.0 if not heavy else 0.6 if len(heavy) == 1 else 1.0
    if not heavy:
        return FactorReading(_text(gettext_noop("0 个")), 0.0, _text(gettext_noop("没有激烈程度4级以上的演出。")))
    return FactorReading(_text(gettext_noop("%(n)d 个"), n=len(heavy)), severity, _text(
        gettext_noop("激烈程度4级以上的演出：%(names)s。"), names="、".join(p.name for p in heavy)))


def audience_interaction(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    acts = _active_performers(facts)
    if not acts:
        return FactorReading(_text(gettext_noop("无演出")), 0.0, _text(gettext_noop("没有演出节目。")))
    top = max(acts, key=lambda p: p.audience_interaction)
    return FactorReading(
        _text(gettext_noop("最高 %(level)d/5"), level=top.audience_interaction),
        clamp01((top.audience_interaction - 1) / 4),
        _text(gettext_noop("“%(name)s”观众互动程度 %(level)d/5（冲台、合唱、人浪）。"),
              name=top.name, level=top.audience_interaction))


def struck_items_on_programme(facts: EventFacts) -> list[str]:
    items = []
    for performer in facts.performers:
        if performer.struck:
            items.append(performer.name)
        items.extend(f"{performer.name}《{title}》" for title in performer.struck_songs)
    return items


def struck_items(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    items = struck_items_on_programme(facts)
    if not items:
        return FactorReading(_text(gettext_noop("无")), 0.0, _text(gettext_noop("节目单中没有已被删除的节目。")))
    return FactorReading(_text(gettext_noop("%(n)d 项"), n=len(items)), 1.0, _text(
        gettext_noop("文旅审核已删除但仍在节目单上：%(items)s。"), items="、".join(items)))


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


def crowd_density_factor(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    c = params.crowd
    d = figures.density
    if d <= c.planning_density:
        severity = 0.5 * ramp(d, 0.5, c.planning_density)
    else:
        severity = 0.5 + 0.5 * ramp(d, c.planning_density, c.unstable_density)
    return FactorReading(
        _text(gettext_noop("%(d).2f 人/㎡"), d=d), severity,
        _text(gettext_noop("全部观众在可用面积上为 %(d).2f 人/㎡：%(band)s（规划密度 %(planning)g，%(unstable)g 以上人群不稳定）。"),
              d=d, band=density_words(figures.density_band), planning=c.planning_density, unstable=c.unstable_density))


def attendance_scale(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    n = max(1, facts.attendance)
    return FactorReading(_text(gettext_noop("%(n)d 人"), n=facts.attendance),
                         ramp(math.log10(n), 3.0, math.log10(50000)),
                         _text(gettext_noop("规模越大，出事后果越重（1,000 人记 0 分，50,000 人记满分）。")))


def capacity_use(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    share = facts.attendance / max(1, facts.rated_capacity)
    return FactorReading(_text(gettext_noop("%(p).0f%%"), p=share * 100), ramp(share, 0.7, 1.0), _text(
        gettext_noop("预计人数占场所核定容量 %(capacity)d 人的 %(p).0f%%（70%% 以下不计分，满员记满分）。"),
        capacity=facts.rated_capacity, p=share * 100))


def egress_time(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    c = params.crowd
    minutes = figures.egress_minutes
    if math.isinf(minutes):
        return FactorReading(_text(gettext_noop("无出口")), 1.0, _text(gettext_noop("场所没有登记出口。")))
    return FactorReading(
        _text(gettext_noop("%(m).1f 分钟"), m=minutes), ramp(minutes, c.egress_limit_high / 2, c.egress_limit_low),
        _text(gettext_noop("出口总宽 %(w)g 米，每分钟可疏散 %(rate)d 人，全部疏散约需 %(m).1f 分钟（低风险上限 %(low)g 分钟）。"),
              w=round(figures.total_exit_width_m, 2), rate=round(figures.egress_per_minute), m=minutes,
              low=c.egress_limit_low))


def exit_count(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    n = len(facts.venue.exits)
    severity = {0: 1.0, 1: 1.0, 2: 0.6, 3: 0.3}.get(n, 0.0)
    return FactorReading(_text(gettext_noop("%(n)d 个"), n=n), severity,
                         _text(gettext_noop("出口越少，一处堵塞的后果越严重（4 个以上不计分）。")))


def temporary_structures(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    n = facts.temporary_structures
    return FactorReading(_text(gettext_noop("%(n)d 处"), n=n), clamp01(n * 0.2),
                         _text(gettext_noop("舞台、看台等临时搭建设施须验收，大风时有倒塌风险（每处 20 分，5 处满分）。")))


def indoor_outdoor(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    if facts.venue.indoor:
        return FactorReading(_text(gettext_noop("室内")), 0.6,
                             _text(gettext_noop("室内场所：火灾烟气蔓延快，疏散只能靠出口。")))
    return FactorReading(_text(gettext_noop("室外")), 0.3,
                         _text(gettext_noop("室外场所：受天气影响，边界须围挡控制。")))


def parking(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    demand, spaces = figures.parking_demand, figures.parking_spaces
    share = demand / spaces if spaces else (math.inf if demand else 0.0)
    return FactorReading(
        _text(gettext_noop("需 %(demand)d 个，有 %(spaces)d 个"), demand=demand, spaces=spaces), ramp(share, 0.8, 2.0),
        _text(gettext_noop("按 %(share).0f%% 观众驾车、每车 %(ppc)g 人估算需停车位 %(demand)d 个，场所及方案共安排 %(spaces)d 个。"),
              share=params.crowd.car_share * 100, ppc=params.crowd.persons_per_car, demand=demand, spaces=spaces))


def public_transport(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    has_transit, shuttles = facts.venue.public_transport, facts.traffic.shuttle_buses
    if has_transit and shuttles:
        return FactorReading(_text(gettext_noop("公交 + 接驳 %(n)d 辆"), n=shuttles), 0.0,
                             _text(gettext_noop("有公共交通和接驳车辆分流散场客流。")))
    if has_transit:
        return FactorReading(_text(gettext_noop("有公交")), 0.2, _text(gettext_noop("有公共交通，未安排接驳车辆。")))
    if shuttles:
        return FactorReading(_text(gettext_noop("接驳 %(n)d 辆"), n=shuttles), 0.5,
                             _text(gettext_noop("无公共交通，仅靠接驳车辆。")))
    return FactorReading(_text(gettext_noop("无")), 1.0, _text(gettext_noop("无公共交通也无接驳车辆，散场全靠自驾和步行。")))


def road_closures(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    if facts.traffic.road_closures:
        return FactorReading(_text(gettext_noop("需要")), 1.0,
                             _text(gettext_noop("需临时交通管制，须与交警部门联动。")))
    return FactorReading(_text(gettext_noop("不需要")), 0.0, _text(gettext_noop("不需要临时交通管制。")))


def dispersal_volume(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> FactorReading:
    n = max(1, facts.attendance)
    return FactorReading(_text(gettext_noop("%(n)d 人"), n=facts.attendance), ramp(math.log10(n), 3.0, math.log10(30000)),
                         _text(gettext_noop("散场时集中离场的客流（1,000 人记 0 分，30,000 人记满分）。")))


FACTOR_FUNCTIONS: dict[str, Callable[[EventFacts, CrowdFigures, ModelParameters], FactorReading]] = {
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


# ---------------------------------------------------------------------------------------------- scores


def score_factors(facts: EventFacts, figures: CrowdFigures, params: ModelParameters) -> tuple[dict, tuple]:
    """Dimension scores (0–100) and every factor with its contribution to the total."""
    by_dimension: dict[str, list] = {d.code: [] for d in params.dimensions}
    for spec in params.factors:
        function = FACTOR_FUNCTIONS.get(spec.code)
        if function is None or spec.dimension not in by_dimension:
            continue
        by_dimension[spec.dimension].append((spec, function(facts, figures, params)))
    dimension_scores: dict[str, float] = {}
    scored: list[FactorScore] = []
    for dimension in params.dimensions:
        readings = by_dimension[dimension.code]
        weight_sum = sum(spec.weight for spec, _r in readings)
        if not weight_sum:
            dimension_scores[dimension.code] = 0.0
            continue
        dimension_scores[dimension.code] = 100 * sum(spec.weight * r.severity for spec, r in readings) / weight_sum
        for spec, reading in readings:
            scored.append(FactorScore(
                code=spec.code, dimension=spec.dimension, label_zh=spec.label_zh, label_en=spec.label_en,
                weight=spec.weight, severity=reading.severity,
                contribution=dimension.weight * spec.weight / weight_sum * reading.severity,
                value=reading.value, explanation=reading.explanation))
    uncapped = sum(f.contribution for f in scored)
    if uncapped > 100:
        # Capped at 100: scale the contributions so they still add up to the total shown.
        scored = [replace(f, contribution=f.contribution * 100 / uncapped) for f in scored]
    return dimension_scores, tuple(scored)


def total_score(dimension_scores: dict, params: ModelParameters) -> float:
    """Each dimension adds weight × score / 100 points; the total is capped at 100."""
    points = sum(d.weight * dimension_scores.get(d.code, 0.0) / 100 for d in params.dimensions)
    return round(min(100.0, max(0.0, points)), 1)


# ---------------------------------------------------------------------------------------------- deployment


def required_deployment(facts: EventFacts, level: LevelSpec, params: ModelParameters) -> Deployment:
    """The far-near layered defence (远近结合) the level calls for, against what the organizer planned."""
    c = params.crowd
    plan = facts.plan
    min_staff = crowd_math.minimum_security_staff(facts.attendance, level.attendees_per_guard)
    fixed = max(1, len(facts.venue.exits))
    patrol = crowd_math.patrol_posts_needed(facts.venue.usable_area_m2, c.patrol_spacing_m)
    mobile = crowd_math.mobile_points_needed(facts.attendance, minimum=c.min_mobile_points,
                                             attendees_per_point=c.attendees_per_mobile_point)
    groups = (
        ControlGroup("core", _text(gettext_noop("核心区防控小组")),
                     _text(gettext_noop("舞台、赛场及观众区内部")), plan.core_area_m2),
        ControlGroup("warning", _text(gettext_noop("警戒区防控小组")),
                     _text(gettext_noop("出入口、安检通道及场所围挡沿线")), plan.warning_area_m2),
        ControlGroup("control", _text(gettext_noop("控制区防控小组")),
                     _text(gettext_noop("周边道路、停车场及公共交通站点")), plan.control_area_m2),
    )
    checks = (
        ("security_staff", gettext_noop("安保人员"), min_staff, plan.security_staff_total),
        ("fixed_posts", gettext_noop("固定岗（每个出入口）"), fixed, plan.fixed_posts),
        ("patrol_posts", gettext_noop("巡逻岗（周界）"), patrol, plan.patrol_posts),
        ("mobile_points", gettext_noop("机动兵力点位"), mobile, plan.mobile_points),
    )
    shortfalls = tuple(Shortfall(code, _text(label), required, planned)
                       for code, label, required, planned in checks if (planned or 0) < required)
    return Deployment(
        level=level.code, command_posts=1, control_groups=groups, mobile_points=mobile, fixed_posts=fixed,
        patrol_posts=patrol, min_security_staff=min_staff, attendees_per_guard=level.attendees_per_guard,
        planned_security_staff=plan.security_staff_total, planned_fixed_posts=plan.fixed_posts,
        planned_patrol_posts=plan.patrol_posts, planned_mobile_points=plan.mobile_points, shortfalls=shortfalls,
    )


# ---------------------------------------------------------------------------------------------- fuse flags


def fuse_flags(facts: EventFacts, figures: CrowdFigures, deployment: Deployment, level: LevelSpec) -> tuple:
    """The hard rules: any one recommends 熔断 and blocks approval until removed."""
    flags = []
    if figures.over_capacity:
        flags.append(FuseFlag("over_capacity", _text(
            gettext_noop("预计人数 %(attendance)d 超过安全容量 %(capacity)d（可用面积 %(area)g ㎡ × %(density)g 人/㎡）。"),
            attendance=facts.attendance, capacity=figures.safe_capacity, area=figures.usable_area_m2,
            density=figures.safe_density)))
    if figures.egress_over_limit:
        if math.isinf(figures.egress_minutes):
            reason = _text(gettext_noop("场所没有登记出口，无法疏散。"))
        else:
            reason = _text(gettext_noop("疏散时间 %(minutes).1f 分钟超过%(level)s上限 %(limit)g 分钟。"),
                           minutes=figures.egress_minutes, level=level.name_zh, limit=figures.egress_limit_minutes)
        flags.append(FuseFlag("egress_over_limit", reason))
    planned_staff = deployment.planned_security_staff or 0
    if planned_staff < deployment.min_security_staff:
        flags.append(FuseFlag("staff_below_minimum", _text(
            gettext_noop("安保人员 %(planned)d 人低于%(level)s最低要求 %(required)d 人（1:%(ratio)d）。"),
            planned=planned_staff, level=level.name_zh, required=deployment.min_security_staff,
            ratio=deployment.attendees_per_guard)))
    struck = struck_items_on_programme(facts)
    if struck:
        flags.append(FuseFlag("struck_on_programme", _text(
            gettext_noop("已被文旅审核删除的节目仍在节目单上：%(items)s。"), items="、".join(struck))))
    for document in facts.overdue_documents:
        flags.append(FuseFlag("document_overdue", _text(
            gettext_noop("容缺材料“%(name)s”逾期未补交（期限 %(due)s）。"),
            name=document.name, due=document.due_date.isoformat())))
    return tuple(flags)


def blocking_reasons(result: AssessmentResult, translate: Callable[[str], str] = gettext_noop) -> list[str]:
    """The reasons that block approval: one per fuse flag."""
    return [flag.reason.render(translate) for flag in result.fuse_flags]


# ---------------------------------------------------------------------------------------------- assess


def assess(facts: EventFacts, params: ModelParameters, *, level_override: str | None = None) -> AssessmentResult:
    """Score one event. `level_override` (a level code set by a reviewer) wins over the computed level for the
    deployment and the checks that depend on the level."""
    figures = crowd_figures(facts, params)
    dimension_scores, factors = score_factors(facts, figures, params)
    total = total_score(dimension_scores, params)
    computed = level_for_total(total, params.levels)
    effective = (_level(level_override, params.levels) if level_override else None) or computed
    figures.egress_limit_minutes = params.crowd.egress_limit(effective.egress_band)
    deployment = required_deployment(facts, effective, params)
    return AssessmentResult(
        total=total, computed_level=computed.code, level=effective.code,
        dimension_scores={code: round(score, 1) for code, score in dimension_scores.items()},
        factors=factors, crowd=figures, deployment=deployment,
        fuse_flags=fuse_flags(facts, figures, deployment, effective),
    )
