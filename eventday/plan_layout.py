"""Event-day zones and gates read off a site plan's geometry (pure: shapely via siteplan.geometry, no Django).

The zones counted on event day are the areas that hold the crowd (audience areas; a route's start and finish
areas). Each takes its kind from the innermost ring it lies in (core 核心区, warning 警戒区, control 控制区;
"area" outside every ring) and its usable area from the drawing. A gate or exit joins zones: it leads into
the first crowd zone it joins (the order the gate names them, else the drawing's) from the second, or from
outside when it joins one. A gate joining no crowd zone (on a ring only) is not counted."""
from dataclasses import dataclass

from siteplan import geometry

CROWD_KINDS = ("audience", "start_area", "finish_area")
AREA = "area"


@dataclass(frozen=True)
class ZoneSpec:
    key: str
    kind: str  # eventday.Zone.Kind: core, warning, control, area
    name: str
    usable_area_m2: int
    order: int


@dataclass(frozen=True)
class GateSpec:
    key: str
    name: str
    zone: str  # the key of the zone it leads into
    from_zone: str | None  # the key of the zone it leads from (None: outside)


def _ring_of(zone: geometry.Zone, rings: list[geometry.Zone]) -> str:
    inside = geometry.polygon(zone.outline).representative_point()
    for kind in geometry.RINGS:  # inside out: the innermost ring that holds the zone wins
        if any(r.kind == kind and geometry.polygon(r.outline).covers(inside) for r in rings):
            return kind
    return AREA


def layout(zones: list[tuple[geometry.Zone, str]], gates: list[tuple[geometry.Gate, str, str]]
           ) -> tuple[list[ZoneSpec], list[GateSpec]]:
    """(zones, gates) of event day from siteplan.geojson.parse's zones and gates (with their names)."""
    rings = [z for z, _name in zones if z.kind in geometry.RINGS]
    specs, names = [], set()
    for zone, name in zones:
        if zone.kind not in CROWD_KINDS:
            continue
        label = (name or zone.key)[:100]
        if label in names:  # zone names are unique per event
            label = f"{label[:90]}（{zone.key}）"[:100]
        names.add(label)
        specs.append(ZoneSpec(zone.key, _ring_of(zone, rings), label,
                              max(1, round(geometry.area_m2(zone.outline))), len(specs)))
    crowd = {s.key for s in specs}
    gate_specs = []
    for gate, name, _role in gates:
        joined = [key for key in gate.zones if key in crowd]
        if not joined:
            continue
        gate_specs.append(GateSpec(gate.key, (name or gate.key)[:100], joined[0],
                                   joined[1] if len(joined) > 1 else None))
    return specs, gate_specs
