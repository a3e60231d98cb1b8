"""Conflicts between sessions (pure: no Django): one venue twice at once, two venues too close at once, a session
inside a blackout window (major state events)."""
import math
from dataclasses import dataclass
from datetime import datetime

EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Blackout:
    name: str
    start: datetime
    end: datetime
    refusal_ground: str = ""


@dataclass(frozen=True)
class Conflict:
    kind: str  # "same_venue", "nearby", "blackout"
    sessions: tuple  # the session keys concerned
    other: object = None  # the other session (same_venue, nearby) or the Blackout
    distance_m: float | None = None


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Half-open spans: one ending when the other starts do not overlap."""
    return a_start < b_end and b_start < a_end


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def session_conflicts(sessions, *, nearby_m: float = 500, blackouts=()) -> list[Conflict]:
    """Every conflict among `sessions` (calendar.load.Session), each pair once. Sessions of one application never
    conflict with each other (its own sessions were checked not to overlap when filed). Two venues conflict when
    both have coordinates and lie within `nearby_m` metres."""
    found = []
    ordered = sorted(sessions, key=lambda s: (s.start, str(s.key)))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start >= a.end:
                break  # sorted by start: no later one overlaps a
            if a.application == b.application or not overlaps(a.start, a.end, b.start, b.end):
                continue
            if a.venue == b.venue:
                found.append(Conflict("same_venue", (a.key, b.key), (a, b)))
            elif None not in (a.latitude, a.longitude, b.latitude, b.longitude):
                d = distance_m(float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))
                if d <= nearby_m:
                    found.append(Conflict("nearby", (a.key, b.key), (a, b), round(d)))
    for session in ordered:
        for blackout in blackouts:
            if overlaps(session.start, session.end, blackout.start, blackout.end):
                found.append(Conflict("blackout", (session.key,), blackout))
    return found


def conflicts_by_session(conflicts) -> dict:
    """Session key → its conflicts."""
    out = {}
    for conflict in conflicts:
        for key in conflict.sessions:
            out.setdefault(key, []).append(conflict)
    return out
