"""Crowd engineering formulas (Purple Guide, Green Guide, Fruin): plain functions, no Django."""
import math
from collections.abc import Iterable

from .facts import CrowdParameters, ExitFacts


def safe_capacity(usable_area_m2: float, safe_density: float) -> int:
    """How many people the usable area holds at the planning (safe) density."""
    return max(0, math.floor(usable_area_m2 * safe_density + 1e-9))


def crowd_density(attendance: int, usable_area_m2: float) -> float:
    """Persons per m² if everyone expected is on the usable area at once."""
    if usable_area_m2 <= 0:
        return math.inf if attendance > 0 else 0.0
    return attendance / usable_area_m2


def exit_flow_rate(kind: str, *, alcohol_served: bool, crowd: CrowdParameters) -> float:
    """Persons per metre of exit width per minute (less on steps, less where alcohol is served)."""
    if kind == "steps":
        return crowd.flow_steps_alcohol if alcohol_served else crowd.flow_steps
    return crowd.flow_level_alcohol if alcohol_served else crowd.flow_level


def egress_capacity_per_minute(exits: Iterable[ExitFacts], *, alcohol_served: bool, crowd: CrowdParameters) -> float:
    """Persons per minute that all exits together let out."""
    return sum(max(0.0, e.width_m) * exit_flow_rate(e.kind, alcohol_served=alcohol_served, crowd=crowd)
               for e in exits)


def egress_minutes(attendance: int, exits: Iterable[ExitFacts], *, alcohol_served: bool,
                   crowd: CrowdParameters) -> float:
    """Minutes for the whole crowd to leave through the exits (infinite without an exit)."""
    per_minute = egress_capacity_per_minute(exits, alcohol_served=alcohol_served, crowd=crowd)
    if per_minute <= 0:
        return math.inf if attendance > 0 else 0.0
    return attendance / per_minute


def parking_demand(attendance: int, *, car_share: float, persons_per_car: float) -> int:
    """Parking spaces needed if `car_share` of the attendees come by car, `persons_per_car` to a car."""
    if persons_per_car <= 0:
        return 0
    return math.ceil(attendance * car_share / persons_per_car - 1e-9)


def minimum_security_staff(attendance: int, attendees_per_guard: int) -> int:
    """Security staff needed at a ratio of one guard per `attendees_per_guard` attendees."""
    return math.ceil(attendance / max(1, attendees_per_guard))


def perimeter_estimate_m(usable_area_m2: float) -> float:
    """Perimeter of a square of the usable area: the venue's outline is not recorded, its area is."""
    return 4 * math.sqrt(max(0.0, usable_area_m2))


def patrol_posts_needed(usable_area_m2: float, spacing_m: float) -> int:
    return max(1, math.ceil(perimeter_estimate_m(usable_area_m2) / max(1.0, spacing_m)))


def mobile_points_needed(attendance: int, *, minimum: int, attendees_per_point: int) -> int:
    return max(minimum, math.ceil(attendance / max(1, attendees_per_point)))


def density_band(density: float, crowd: CrowdParameters) -> str:
    """Where a density sits among the published thresholds: a code the page explains in words."""
    if density >= crowd.dangerous_density_standing:
        return "dangerous_standing"
    if density >= crowd.dangerous_density_moving:
        return "dangerous_moving"
    if density >= crowd.terrace_max_density:
        return "above_terrace_max"
    if density >= crowd.unstable_density:
        return "unstable"
    if density > crowd.planning_density:
        return "above_planning"
    return "within_planning"


def spectators_along(length_m: float, depth_m: float, density: float) -> int:
    """Spectators a course holds along both sides: a strip `depth_m` deep on each side at `density`."""
    return safe_capacity(2 * max(0.0, length_m) * max(0.0, depth_m), density)


def patrol_posts_along(length_m: float, spacing_m: float) -> int:
    """Patrol posts along both sides of a course."""
    return max(1, math.ceil(2 * max(0.0, length_m) / max(1.0, spacing_m)))
