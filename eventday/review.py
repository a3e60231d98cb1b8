"""After-action review (复盘) figures: plain calculations over the day's records, no Django.

The selectors read the records into the plain inputs below (eventday.selectors.review_inputs); this module turns
them into the report the reviewer reads and the snapshot the year's statistics sum (ReviewFigures.as_record).
"""
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median


@dataclass(frozen=True)
class SessionInput:
    label: str
    start: datetime
    approved_headcount: int
    peak_occupancy: int
    peak_at: datetime | None
    entries: int
    tickets_issued: int | None = None


@dataclass(frozen=True)
class IncidentInput:
    kind_code: str
    kind_name: str
    is_violation: bool
    severity: str
    resolved: bool
    people_involved: int


@dataclass(frozen=True)
class AlertInput:
    zone: str
    level: str
    raised_at: datetime
    acknowledged_at: datetime | None
    level_label: str = ""


@dataclass(frozen=True)
class HeadcountAlertInput:
    session_label: str
    percent: int
    raised_at: datetime


@dataclass(frozen=True)
class AccountabilityInput:
    severity: str
    description: str
    severity_label: str = ""


@dataclass(frozen=True)
class SessionReview:
    label: str
    start: datetime
    approved_headcount: int
    peak_occupancy: int
    peak_at: datetime | None
    entries: int
    tickets_issued: int | None

    @property
    def peak_percent(self) -> float:
        """Peak on site against the approved headcount (Order 505 Art. 18), in per cent (0 without a headcount)."""
        return round(100 * self.peak_occupancy / self.approved_headcount, 1) if self.approved_headcount else 0.0

    @property
    def over_headcount(self) -> int:
        return max(self.peak_occupancy - self.approved_headcount, 0)


@dataclass(frozen=True)
class AlertReview:
    zone: str
    level: str
    raised_at: datetime
    acknowledged_at: datetime | None
    level_label: str = ""

    @property
    def response_seconds(self) -> int | None:
        """Raised → acknowledged; None while nobody acknowledged it."""
        if self.acknowledged_at is None:
            return None
        return max(int((self.acknowledged_at - self.raised_at).total_seconds()), 0)


@dataclass(frozen=True)
class KindCount:
    code: str
    name: str
    is_violation: bool
    count: int
    people_involved: int


@dataclass
class ReviewFigures:
    sessions: list[SessionReview]
    incidents_by_kind: list[KindCount]  # every kind given, in its order (zero counts kept)
    incidents_total: int
    incidents_unresolved: int
    incidents_serious: int  # 较大 and 重大
    violations: int
    people_involved: int
    alerts: list[AlertReview]
    headcount_alerts: int
    accountability: list[AccountabilityInput] = field(default_factory=list)

    @property
    def visitors(self) -> int:
        """Entries over the perimeter gates, summed over the sessions."""
        return sum(s.entries for s in self.sessions)

    @property
    def peak_occupancy(self) -> int:
        return max((s.peak_occupancy for s in self.sessions), default=0)

    @property
    def sessions_over_headcount(self) -> int:
        return sum(1 for s in self.sessions if s.over_headcount)

    @property
    def alerts_acknowledged(self) -> int:
        return sum(1 for a in self.alerts if a.acknowledged_at is not None)

    @property
    def alerts_unacknowledged(self) -> int:
        return len(self.alerts) - self.alerts_acknowledged

    def _responses(self) -> list[int]:
        return [a.response_seconds for a in self.alerts if a.response_seconds is not None]

    @property
    def response_mean_seconds(self) -> int | None:
        responses = self._responses()
        return round(sum(responses) / len(responses)) if responses else None

    @property
    def response_median_seconds(self) -> int | None:
        responses = self._responses()
        return round(median(responses)) if responses else None

    @property
    def response_max_seconds(self) -> int | None:
        return max(self._responses(), default=None)

    def count_of(self, code: str) -> int:
        return next((k.count for k in self.incidents_by_kind if k.code == code), 0)

    def as_record(self) -> dict:
        """The snapshot stored with the review (JSON): what the year's statistics sum."""
        return {
            "visitors": self.visitors,
            "peak_occupancy": self.peak_occupancy,
            "sessions": [{"label": s.label, "start": s.start.isoformat(), "approved_headcount": s.approved_headcount,
                          "peak_occupancy": s.peak_occupancy, "entries": s.entries} for s in self.sessions],
            "sessions_over_headcount": self.sessions_over_headcount,
            "incidents_by_kind": {k.code: k.count for k in self.incidents_by_kind},
            "incidents_total": self.incidents_total,
            "violations": self.violations,
            "alerts": len(self.alerts),
            "alerts_unacknowledged": self.alerts_unacknowledged,
            "response_mean_seconds": self.response_mean_seconds,
            "headcount_alerts": self.headcount_alerts,
        }


SERIOUS_SEVERITIES = frozenset({"major", "serious"})


def review_figures(*, sessions: list[SessionInput], incidents: list[IncidentInput], kinds: list[tuple[str, str, bool]],
                   alerts: list[AlertInput], headcount_alerts: list[HeadcountAlertInput] = (),
                   accountability: list[AccountabilityInput] = ()) -> ReviewFigures:
    """The report of one event. `kinds`: (code, name, is violation) of every incident kind, in display order; a
    kind met in `incidents` but missing there (retired since) is appended."""
    by_code: dict[str, list[IncidentInput]] = {}
    for incident in incidents:
        by_code.setdefault(incident.kind_code, []).append(incident)
    listed = list(kinds)
    known = {code for code, _name, _violation in listed}
    for incident in incidents:
        if incident.kind_code not in known:
            listed.append((incident.kind_code, incident.kind_name, incident.is_violation))
            known.add(incident.kind_code)
    counts = [KindCount(code, name, violation, len(by_code.get(code, [])),
                        sum(i.people_involved for i in by_code.get(code, [])))
              for code, name, violation in listed]
    return ReviewFigures(
        sessions=[SessionReview(s.label, s.start, s.approved_headcount, s.peak_occupancy, s.peak_at, s.entries,
                                s.tickets_issued) for s in sorted(sessions, key=lambda s: s.start)],
        incidents_by_kind=counts,
        incidents_total=len(incidents),
        incidents_unresolved=sum(1 for i in incidents if not i.resolved),
        incidents_serious=sum(1 for i in incidents if i.severity in SERIOUS_SEVERITIES),
        violations=sum(1 for i in incidents if i.is_violation),
        people_involved=sum(i.people_involved for i in incidents),
        alerts=sorted((AlertReview(a.zone, a.level, a.raised_at, a.acknowledged_at, a.level_label) for a in alerts),
                      key=lambda a: a.raised_at),
        headcount_alerts=len(headcount_alerts),
        accountability=list(accountability),
    )


@dataclass
class YearFromReviews:
    """The year's figures summed over the after-action reviews (the snapshots)."""

    events_reviewed: int = 0
    visitors: int = 0
    incidents_by_kind: dict = field(default_factory=dict)  # code → count
    violations: int = 0
    alerts: int = 0
    sessions_over_headcount: int = 0
    organizers_rated_poor: int = 0


def year_from_reviews(records: list[tuple[dict, str]]) -> YearFromReviews:
    """Sum (snapshot, organizer rating) of the year's reviews."""
    year = YearFromReviews()
    for figures, rating in records:
        year.events_reviewed += 1
        year.visitors += int(figures.get("visitors") or 0)
        for code, count in (figures.get("incidents_by_kind") or {}).items():
            year.incidents_by_kind[code] = year.incidents_by_kind.get(code, 0) + int(count or 0)
        year.violations += int(figures.get("violations") or 0)
        year.alerts += int(figures.get("alerts") or 0)
        year.sessions_over_headcount += int(figures.get("sessions_over_headcount") or 0)
        year.organizers_rated_poor += rating == "poor"
    return year


def change_percent(current: float, previous: float) -> float | None:
    """Year-on-year change in per cent; None when there is nothing to compare with."""
    if not previous:
        return None
    return round(100 * (current - previous) / previous, 1)
