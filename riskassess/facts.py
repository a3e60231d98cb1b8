"""Plain facts the risk model scores and the parameters it scores them with (no Django: built by approvals.risk)."""
from dataclasses import dataclass, field
from datetime import date, datetime

# ---------------------------------------------------------------------------------------------- event facts


@dataclass(frozen=True, slots=True)
class ExitFacts:
    width_m: float
    kind: str = "level"  # "level" or "steps": steps let fewer people through per metre


@dataclass(frozen=True, slots=True)
class RouteFacts:
    """A course (a marathon, a cycling race, a parade): scored on its own figures, not as an area."""

    length_m: float
    width_m: float
    start_area_m2: float
    finish_area_m2: float

    @property
    def course_area_m2(self) -> float:
        return self.length_m * self.width_m


@dataclass(frozen=True, slots=True)
class PlanZoneFacts:
    """An audience area drawn on the site plan: its area and the exits that let people out of it."""

    area_m2: float
    exits: tuple[ExitFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class SitePlanFacts:
    """The figures of the application's site plan (siteplan.geometry), used instead of the estimates from the
    venue's registered area and exits: the audience areas with their own exits, the real perimeter (the
    outermost ring, else the hull of the drawing) and how many gates and exits are drawn (a fixed post each)."""

    zones: tuple[PlanZoneFacts, ...]
    perimeter_m: float
    gates: int

    @property
    def area_m2(self) -> float:
        return sum(z.area_m2 for z in self.zones)


@dataclass(frozen=True, slots=True)
class VenueFacts:
    usable_area_m2: float
    indoor: bool = False
    exits: tuple[ExitFacts, ...] = ()  # of a route: the exits of its finish area, where the crowd disperses
    parking_spaces: int = 0
    public_transport: bool = False
    route: RouteFacts | None = None  # None: an area (a stadium, a park, a square)
    # The application's drawn site plan (None: none, or no audience area drawn): its figures replace the
    # estimates from the registered area (an area venue only; a course keeps its own figures). `exits` is
    # then the plan's exits of the audience areas.
    site_plan: SitePlanFacts | None = None


@dataclass(frozen=True, slots=True)
class PerformerFacts:
    name: str
    genre: str = ""
    genre_intensity: int = 2  # 1 (calm) .. 5 (heavy metal, moshing)
    audience_interaction: int = 2  # 1 .. 5
    struck: bool = False  # struck by the culture-tourism vetting but still on the programme
    struck_songs: tuple[str, ...] = ()  # titles of struck songs still on the programme


@dataclass(frozen=True, slots=True)
class ForecastFacts:
    """The weather forecast a reviewer enters for the event day; None means not entered."""

    max_temperature_c: float | None = None
    precipitation_mm: float | None = None
    wind_speed_ms: float | None = None

    @property
    def is_empty(self) -> bool:
        return self.max_temperature_c is None and self.precipitation_mm is None and self.wind_speed_ms is None


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """One session (场次): night-time, weather and staffing are judged per session, the worst one decides."""

    label: str  # its name, or its start when it has none: named in the explanation
    start_local: datetime
    end_local: datetime
    attendance: int
    forecast: ForecastFacts | None = None  # None: the event's forecast


@dataclass(frozen=True, slots=True)
class OrganiserRecord:
    completed_events: int = 0
    suspensions_past_year: int = 0
    # After-action reviews (复盘) of the past year that rated the organizer 不合格.
    poor_reviews_past_year: int = 0


@dataclass(frozen=True, slots=True)
class SecurityCompanyRecord:
    named: bool = False
    name: str = ""
    drills_past_year: int = 0
    guards_trained_past_year: int = 0
    warnings: int = 0
    penalties: int = 0
    serious: int = 0


@dataclass(frozen=True, slots=True)
class SecurityPlanFacts:
    """Section 3 (安保力量配置) and section 6 (治安缓冲区域) as the organizer filled them in; None = empty."""

    security_staff_total: int | None = None
    fixed_posts: int | None = None
    patrol_posts: int | None = None
    mobile_points: int | None = None
    core_area_m2: float | None = None
    warning_area_m2: float | None = None
    control_area_m2: float | None = None


@dataclass(frozen=True, slots=True)
class TicketingFacts:
    """Section 7 (票证查验与安全检查)."""

    ticketed: bool = True
    real_name: bool = False
    public_sale_percent: float | None = None
    refund_mechanism: bool = False


@dataclass(frozen=True, slots=True)
class TrafficFacts:
    """Section 8 (交通组织与车辆停放疏导). Its parking figure is the number of spaces available for the event,
    the venue's own included (counted once); empty means the venue's own spaces."""

    parking_spaces_arranged: int | None = None
    car_share: float | None = None  # share of attendees arriving by car (0..1); None: the model's default
    shuttle_buses: int = 0
    road_closures: bool = False


@dataclass(frozen=True, slots=True)
class OverdueDocument:
    name: str
    due_date: date


@dataclass(frozen=True, slots=True)
class EventFacts:
    kind: str  # events.Event.Kind value
    kind_label: str
    attendance: int
    rated_capacity: int
    start_local: datetime  # naive, local time: night-time and season are read from the clock on the wall
    end_local: datetime
    venue: VenueFacts
    alcohol_served: bool = False
    temporary_structures: int = 0
    has_performances: bool = False
    performers: tuple[PerformerFacts, ...] = ()
    organiser: OrganiserRecord = field(default_factory=OrganiserRecord)
    security_company: SecurityCompanyRecord = field(default_factory=SecurityCompanyRecord)
    plan: SecurityPlanFacts = field(default_factory=SecurityPlanFacts)
    ticketing: TicketingFacts = field(default_factory=TicketingFacts)
    traffic: TrafficFacts = field(default_factory=TrafficFacts)
    forecast: ForecastFacts = field(default_factory=ForecastFacts)
    overdue_documents: tuple[OverdueDocument, ...] = ()
    sessions: tuple[SessionFacts, ...] = ()  # empty: one session from start_local, end_local and attendance
    measures: frozenset[str] = frozenset()  # plan facts that state a measure, e.g. "heat_measures"


# ---------------------------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class DimensionSpec:
    code: str
    label_zh: str
    label_en: str
    weight: float


@dataclass(frozen=True, slots=True)
class FactorSpec:
    code: str  # names a function in scoring.FACTOR_FUNCTIONS
    dimension: str
    label_zh: str
    label_en: str
    weight: float


@dataclass(frozen=True, slots=True)
class LevelSpec:
    code: str  # "一级" (highest) … "四级" (lowest): the domain's own names, stored as they are said
    name_zh: str
    name_en: str
    min_total: float
    attendees_per_guard: int  # staffing ratio 1:N
    egress_band: str  # "high", "medium" or "low" risk: picks the egress time limit


@dataclass(frozen=True, slots=True)
class CrowdParameters:
    planning_density: float = 2.0  # persons/m² used for the safe capacity (Purple Guide: 0.5 m² a person)
    unstable_density: float = 4.0
    terrace_max_density: float = 4.7  # Green Guide, standing terraces
    dangerous_density_moving: float = 5.5  # Fruin
    dangerous_density_standing: float = 7.0
    flow_level: float = 82.0  # persons per metre of exit width per minute (Green Guide)
    flow_steps: float = 66.0
    flow_level_alcohol: float = 72.0
    flow_steps_alcohol: float = 56.0
    egress_limit_low: float = 10.0  # minutes
    egress_limit_medium: float = 8.0
    egress_limit_high: float = 6.0
    car_share: float = 0.3  # share of attendees arriving by car
    persons_per_car: float = 2.5
    patrol_spacing_m: float = 100.0  # one patrol post per this many metres of perimeter
    min_mobile_points: int = 5
    attendees_per_mobile_point: int = 5000
    running_density: float = 1.0  # persons/m² of a moving running crowd on a course (bureau policy)
    spectator_depth_m: float = 2.0  # depth of the spectator strip on each side of a course

    def egress_limit(self, band: str) -> float:
        return {"high": self.egress_limit_high, "medium": self.egress_limit_medium}.get(band, self.egress_limit_low)


@dataclass(frozen=True, slots=True)
class WeatherRuleSpec:
    """A weather rule (riskassess.models.WeatherRule): a forecast reading at or beyond a threshold, for the
    kinds of event and the setting it names, raises a fuse flag unless the plan states the measures."""

    code: str
    name_zh: str
    name_en: str
    reading: str  # a ForecastFacts field: max_temperature_c, precipitation_mm, wind_speed_ms
    threshold: float
    above: bool = True  # True: at or above the threshold; False: at or below
    kinds: tuple[str, ...] = ()  # event kinds it applies to; empty: every kind
    outdoor_only: bool = True
    waived_by: str = ""  # the plan fact (a "measures" entry) that states the measures, e.g. "heat_measures"
    measures_zh: str = ""  # the required measures, named in the flag
    measures_en: str = ""

    def applies(self, kind: str, indoor: bool) -> bool:
        return (not self.kinds or kind in self.kinds) and not (self.outdoor_only and indoor)

    def breached(self, value: float | None) -> bool:
        if value is None:
            return False
        return value >= self.threshold if self.above else value <= self.threshold


@dataclass(frozen=True, slots=True)
class ModelParameters:
    version: int
    dimensions: tuple[DimensionSpec, ...]
    factors: tuple[FactorSpec, ...]
    levels: tuple[LevelSpec, ...]  # any order; scoring sorts by min_total
    crowd: CrowdParameters = field(default_factory=CrowdParameters)
    kind_severity: dict = field(default_factory=dict)  # event kind → 0..1
    ticketing_rules_attendance: int = 5000  # real-name, public sale and refund rules apply from here
    min_public_sale_percent: float = 85.0
    weather_rules: tuple[WeatherRuleSpec, ...] = ()
