"""The risk model's inputs read off a site plan (riskassess.facts.SitePlanFacts): the audience areas with their
exits, the real perimeter, the number of gates drawn. approvals.risk.bridge calls it for every application with a
plan; the risk model then uses these instead of the estimates from the venue's registered area."""
from riskassess.facts import ExitFacts, PlanZoneFacts, SitePlanFacts

from . import geojson, geometry


def exits_of_audience(zones, gates) -> list[geometry.Gate]:
    """The usable exits of the audience areas, each once (a gate between two areas is one exit)."""
    audience = {z.key for z in zones if z.kind == geometry.AUDIENCE}
    return [g for g in gates if g.exit and audience.intersection(g.zones)]


def plan_inputs(features, *, width_m: float, height_m: float
                ) -> tuple[SitePlanFacts, tuple[ExitFacts, ...]] | None:
    """(the plan's figures, its exits of the audience areas) for the risk model, or None when the drawing has
    no audience area (or does not parse: a saved plan always does)."""
    zones, gates, _posts, _others, errors = geojson.parse(features, width_m=width_m, height_m=height_m)
    shapes = [z for z, _name in zones]
    gate_shapes = [g for g, _name, _role in gates]
    audience = [z for z in shapes if z.kind == geometry.AUDIENCE]
    if errors or not audience:
        return None
    boundary = geometry.outer_boundary(shapes)
    facts = SitePlanFacts(
        zones=tuple(PlanZoneFacts(geometry.area_m2(z.outline),
                                  tuple(ExitFacts(g.width_m, g.kind) for g in geometry.exits_of(z, gate_shapes)))
                    for z in audience),
        perimeter_m=boundary.exterior.length if boundary is not None else 0.0,
        gates=len(gate_shapes))
    return facts, tuple(ExitFacts(g.width_m, g.kind) for g in exits_of_audience(shapes, gate_shapes))
