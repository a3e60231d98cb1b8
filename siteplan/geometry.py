"""Figures from a site plan's geometry, in venue metres: pure functions (shapely, no Django).

Capacity of a zone is the lower of its area × the planning density and its exits' width × flow × the egress
time limit; for emergency egress the largest exit is left out (Purple Guide practice, as UK council guides
apply it). The crowd formulas themselves are riskassess.crowd's, so a plan and the area-only estimate agree
when they describe the same venue.
"""
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString, Point, Polygon, make_valid
from shapely.ops import unary_union

from riskassess import crowd
from riskassess.facts import CrowdParameters, ExitFacts

Coord = tuple[float, float]

AUDIENCE = "audience"
RINGS = ("core", "warning", "control")  # 核心区, 警戒区, 控制区: inside out


@dataclass(frozen=True)
class Zone:
    key: str
    kind: str  # audience, stage, structure, core, warning, control, parking, …
    outline: tuple[Coord, ...]


@dataclass(frozen=True)
class Gate:
    """An exit or entrance drawn as a segment across the boundary, with the zones it joins."""

    key: str
    start: Coord
    end: Coord
    width_m: float
    kind: str = "level"  # level / steps
    zones: tuple[str, ...] = ()
    exit: bool = True  # usable for egress (an entrance-only gate is not)

    @property
    def segment(self) -> LineString:
        return LineString([self.start, self.end])

    @property
    def midpoint(self) -> Coord:
        return ((self.start[0] + self.end[0]) / 2, (self.start[1] + self.end[1]) / 2)


# ------------------------------------------------------------------------------------------------ validation


def outline_errors(points: Sequence[Coord]) -> list[str]:
    """Why an outline is not a usable polygon (codes the forms and the API turn into messages)."""
    ring = list(points)
    if len(ring) >= 2 and tuple(ring[0]) == tuple(ring[-1]):
        ring = ring[:-1]
    if len(ring) < 3:
        return ["too_few_points"]
    if any(not all(math.isfinite(c) for c in point) for point in ring):
        return ["not_finite"]
    polygon = Polygon(ring)
    if not polygon.is_valid:
        return ["zero_area"] if make_valid(polygon).area <= 0 else ["self_intersecting"]
    if polygon.area <= 0:
        return ["zero_area"]
    return []


def polygon(points: Sequence[Coord]) -> Polygon:
    shape = Polygon(points)
    return shape if shape.is_valid else make_valid(shape)


# -------------------------------------------------------------------------------------------------- figures


def area_m2(points: Sequence[Coord]) -> float:
    return polygon(points).area


def perimeter_m(points: Sequence[Coord]) -> float:
    return polygon(points).exterior.length


def exits_of(zone: Zone, gates: Iterable[Gate]) -> list[Gate]:
    return [g for g in gates if g.exit and zone.key in g.zones]


def egress_minutes(people: int, exits: Sequence[Gate], *, crowd_params: CrowdParameters, alcohol_served=False,
                   discount_largest=False) -> float:
    """Minutes for `people` to leave through `exits` (all of them, or without the largest one)."""
    used = list(exits)
    if discount_largest and len(used) > 0:
        used.remove(max(used, key=lambda g: g.width_m))
    return crowd.egress_minutes(people, [ExitFacts(g.width_m, g.kind) for g in used],
                                alcohol_served=alcohol_served, crowd=crowd_params)


def farthest_from_exit_m(points: Sequence[Coord], exits: Sequence[Gate], *, precision_m: float = 0.3) -> float:
    """The longest walk, as the crow flies, from any point of the area to its nearest exit (∞ without one).

    A coarse grid over the area and its edge finds the far regions, then a fine grid around the best few
    candidates settles the answer to within `precision_m` (bounded work whatever the area's size)."""
    if not exits:
        return math.inf
    area = polygon(points)
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    coarse = max(precision_m, max(maxx - minx, maxy - miny) / 24)
    edge = area.exterior
    along = shapely.get_coordinates(shapely.line_interpolate_point(edge, np.arange(0.0, edge.length, coarse / 2)))
    candidates = np.concatenate([_grid_inside(area, minx, miny, maxx, maxy, coarse), along,
                                 np.asarray(edge.coords)[:, :2]])
    distances = _distance_to_segments(candidates, exits)
    # Zoom in on the best few at once: a 7 × 7 grid around each, a third of the size each round.
    centres = candidates[np.argpartition(distances, -4)[-4:]] if len(distances) > 4 else candidates
    best = float(distances.max())
    radius = coarse
    while radius > precision_m / 2:
        local = (centres[:, None, :] + _OFFSETS[None, :, :] * radius).reshape(-1, 2)
        inside = shapely.intersects_xy(area, local[:, 0], local[:, 1])  # interior or boundary
        d = np.where(inside, _distance_to_segments(local, exits), -np.inf).reshape(len(centres), -1)
        centres = local.reshape(len(centres), -1, 2)[np.arange(len(centres)), d.argmax(axis=1)]
        best = max(best, float(d.max()))
        radius /= 3
    return best


_OFFSETS = np.stack(np.meshgrid(np.linspace(-1, 1, 7), np.linspace(-1, 1, 7)), axis=-1).reshape(-1, 2)


def _grid_inside(area, minx, miny, maxx, maxy, step) -> np.ndarray:
    xs, ys = np.meshgrid(np.arange(minx, maxx + step / 2, step), np.arange(miny, maxy + step / 2, step))
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    return grid[shapely.intersects_xy(area, grid[:, 0], grid[:, 1])]


def _distance_to_segments(points: np.ndarray, gates: Sequence[Gate]) -> np.ndarray:
    """Each point's distance to the nearest gate segment (projection clamped to the segment's ends), computed
    per coordinate on (points × gates) arrays: no 3-D intermediates, one square root per point."""
    ends = np.array([(g.start[0], g.start[1], g.end[0], g.end[1]) for g in gates], dtype=float)
    sx, sy = ends[:, 0], ends[:, 1]
    dx, dy = ends[:, 2] - sx, ends[:, 3] - sy
    length2 = np.maximum(dx * dx + dy * dy, 1e-12)
    rx = points[:, 0:1] - sx  # point − segment start, (points × gates)
    ry = points[:, 1:2] - sy
    t = np.clip((rx * dx + ry * dy) / length2, 0.0, 1.0)
    ex, ey = rx - t * dx, ry - t * dy
    return np.sqrt((ex * ex + ey * ey).min(axis=1))


@dataclass(frozen=True)
class ZoneFigures:
    key: str
    area_m2: float
    capacity_by_area: int
    capacity_by_exits: int  # with the largest exit left out
    capacity: int  # the lower of the two
    egress_minutes: float  # everyone at capacity, all exits
    egress_minutes_without_largest: float
    farthest_from_exit_m: float
    exits: int


def zone_figures(zone: Zone, gates: Sequence[Gate], *, crowd_params: CrowdParameters, egress_limit_minutes: float,
                 alcohol_served=False) -> ZoneFigures:
    area = area_m2(zone.outline)
    exits = exits_of(zone, gates)
    by_area = crowd.safe_capacity(area, crowd_params.planning_density)
    remaining = list(exits)
    if remaining:
        remaining.remove(max(remaining, key=lambda g: g.width_m))
    per_minute = crowd.egress_capacity_per_minute([ExitFacts(g.width_m, g.kind) for g in remaining],
                                                  alcohol_served=alcohol_served, crowd=crowd_params)
    by_exits = max(0, math.floor(per_minute * egress_limit_minutes + 1e-9))
    capacity = min(by_area, by_exits)
    kwargs = {"crowd_params": crowd_params, "alcohol_served": alcohol_served}
    return ZoneFigures(
        key=zone.key, area_m2=area, capacity_by_area=by_area, capacity_by_exits=by_exits, capacity=capacity,
        egress_minutes=egress_minutes(by_area, exits, **kwargs),
        egress_minutes_without_largest=egress_minutes(by_area, exits, discount_largest=True, **kwargs),
        farthest_from_exit_m=farthest_from_exit_m(zone.outline, exits), exits=len(exits))


# ------------------------------------------------------------------------------------------------ deployment


@dataclass(frozen=True)
class Post:
    kind: str  # command, fixed, patrol, mobile
    at: Coord
    ring: str = ""
    gate: str = ""


def _points_along(ring, count: int, *, offset: float = 0.0) -> list[Coord]:
    length = ring.length
    at = (offset + np.arange(count) * (length / count)) % length if length > 0 else np.zeros(count)
    return [tuple(p) for p in shapely.get_coordinates(shapely.line_interpolate_point(ring, at)).tolist()]


def outer_boundary(zones: Sequence[Zone]):
    """The outermost ring drawn (control, else warning, else core), or the hull of every zone."""
    by_kind = {z.kind: z for z in zones}
    for kind in reversed(RINGS):
        if kind in by_kind:
            return polygon(by_kind[kind].outline)
    shapes = [polygon(z.outline) for z in zones]
    return unary_union(shapes).convex_hull if shapes else None


def derive_deployment(zones: Sequence[Zone], gates: Sequence[Gate], *, attendance: int,
                      crowd_params: CrowdParameters) -> list[Post]:
    """The posts the plan needs: a fixed post at every gate, patrol posts along the real perimeter at the policy
    spacing, mobile points (at least the policy minimum) spread over the rings, the command post outside the
    core (远近结合: one command post, three control groups, fixed, patrol and mobile posts)."""
    posts = [Post("fixed", g.midpoint, gate=g.key) for g in gates]
    boundary = outer_boundary(zones)
    if boundary is None:
        return posts
    perimeter = boundary.exterior
    patrols = max(1, math.ceil(perimeter.length / max(1.0, crowd_params.patrol_spacing_m)))
    posts += [Post("patrol", p, ring="perimeter") for p in _points_along(perimeter, patrols)]
    mobile = crowd.mobile_points_needed(attendance, minimum=crowd_params.min_mobile_points,
                                        attendees_per_point=crowd_params.attendees_per_mobile_point)
    rings = [z for kind in RINGS for z in zones if z.kind == kind] or [Zone("site", "control", ())]
    along = {}  # per ring: its share of the mobile points, spread evenly on a ring shrunk towards its centre
    for r, zone in enumerate(rings[:mobile]):
        shape = polygon(zone.outline) if zone.outline else boundary
        share = len(range(r, mobile, len(rings)))
        inner = shape.buffer(-min(10.0, math.sqrt(shape.area) / 10))
        line = (inner if not inner.is_empty else shape).exterior
        along[r] = _points_along(line, share, offset=line.length / (2 * share))
    for i in range(mobile):
        r = i % len(rings)
        posts.append(Post("mobile", along[r][i // len(rings)], ring=rings[r].kind))
    core = next((polygon(z.outline) for z in zones if z.kind == "core"), None)
    command_at = _command_post_point(boundary, core)
    posts.append(Post("command", command_at, ring="warning" if core is not None else ""))
    return posts


def _command_post_point(boundary, core) -> Coord:
    """Outside the core, inside the site: a point between the core's edge and the outer boundary."""
    if core is None or core.is_empty:
        c = boundary.representative_point()
        return (c.x, c.y)
    area = boundary.difference(core)
    c = area.representative_point() if not area.is_empty else boundary.representative_point()
    return (c.x, c.y)


def shortfall(required: Sequence[Post], drawn: Sequence[Post]) -> dict[str, int]:
    """By post kind, how many required posts the organizer's drawing lacks (kinds with none missing left out)."""
    missing = {}
    for kind in ("command", "fixed", "patrol", "mobile"):
        lack = sum(1 for p in required if p.kind == kind) - sum(1 for p in drawn if p.kind == kind)
        if lack > 0:
            missing[kind] = lack
    return missing
