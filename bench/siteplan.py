"""Benchmark: site-plan figures and the derived deployment for a plan of 50 zones and 200 gates (pure, no
database), against a floor that shares none of siteplan.geometry: shapely computing the same 50 areas alone.

    .venv/bin/python bench/siteplan.py [--repeat 15]

Prints the median CPU time of one full pass (every zone's capacity, egress with and without its largest exit,
farthest point from an exit; the deployment) with the target (< 50 ms), the floor and the ratio; then the
median time to draw the same plan as the printed plan's SVG (siteplan.svg, target < 200 ms).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from shapely import Polygon  # noqa: E402

from bench.common import Results  # noqa: E402
from riskassess.facts import CrowdParameters  # noqa: E402
from siteplan import geometry as g  # noqa: E402
from siteplan.svg import site_plan_svg  # noqa: E402

TARGET_MS = 50
SVG_TARGET_MS = 200


def plan(zones=50, gates=200):
    """A 10 × 5 grid of 40 × 30 m audience zones inside the three rings, four gates a zone."""
    out = [g.Zone("core", "core", ((100, 50), (300, 50), (300, 100), (100, 100))),
           g.Zone("warning", "warning", ((-20, -20), (420, -20), (420, 170), (-20, 170))),
           g.Zone("control", "control", ((-60, -60), (460, -60), (460, 210), (-60, 210)))]
    placed = []
    for i in range(zones):
        x, y = (i % 10) * 40, (i // 10) * 30
        key = f"z{i}"
        placed.append(g.Zone(key, "audience", ((x, y), (x + 40, y), (x + 40, y + 30), (x, y + 30))))
    out += placed
    gate_rows = []
    for i in range(gates):
        zone = placed[i % zones]
        (x0, y0), (x1, _), _, (_, y3) = zone.outline[:4]
        side = (i // zones) % 4
        mid_x, mid_y = (x0 + x1) / 2, (y0 + y3) / 2
        ends = [((mid_x - 2, y0), (mid_x + 2, y0)), ((mid_x - 2, y3), (mid_x + 2, y3)),
                ((x0, mid_y - 2), (x0, mid_y + 2)), ((x1, mid_y - 2), (x1, mid_y + 2))][side]
        gate_rows.append(g.Gate(f"g{i}", *ends, width_m=2 + side, zones=(zone.key,)))
    return out, gate_rows


def one_pass(zones, gates, crowd):
    audience = [z for z in zones if z.kind == "audience"]
    figures = [g.zone_figures(z, gates, crowd_params=crowd, egress_limit_minutes=8) for z in audience]
    posts = g.derive_deployment(zones, gates, attendance=sum(f.capacity for f in figures), crowd_params=crowd)
    return figures, posts


def as_features(zones, gates, posts):
    """The plan as the GeoJSON features a saved site plan holds (the bench's plane moved to positive metres)."""
    def at(x, y):
        return [x + 60, y + 60]

    features = [{"type": "Feature", "geometry": {"type": "Polygon",
                                                  "coordinates": [[at(*p) for p in (*z.outline, z.outline[0])]]},
                 "properties": {"kind": z.kind, "key": z.key, "name": f"{z.key}区"}} for z in zones]
    features += [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [at(*gt.start), at(*gt.end)]},
                  "properties": {"kind": "gate", "key": gt.key, "width_m": gt.width_m}} for gt in gates]
    features += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": at(*p.at)},
                  "properties": {"kind": p.kind, "key": f"p{i}"}} for i, p in enumerate(posts)]
    return features


def svg_layers():
    """siteplan.layers' vocabulary without Django settings (its labels are lazy translations)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)
    from siteplan.layers import LAYERS

    return LAYERS


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        started = time.process_time()  # CPU time: a busy machine's queueing is not the plan's cost
        fn()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    load_before = os.getloadavg()
    zones, gates = plan()
    crowd = CrowdParameters()
    figures, posts = one_pass(zones, gates, crowd)
    outlines = [z.outline for z in zones if z.kind == "audience"]
    floor = median_ms(lambda: [Polygon(o).area for o in outlines], args.repeat)
    figure = median_ms(lambda: one_pass(zones, gates, crowd), args.repeat)
    attendance = sum(f.capacity for f in figures)
    deployment = median_ms(lambda: g.derive_deployment(zones, gates, attendance=attendance, crowd_params=crowd),
                           args.repeat)
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"plan: {len(outlines)} audience zones, {len(gates)} gates; {len(posts)} posts derived")
    print(f"floor  shapely areas alone        {floor:8.2f} ms")
    print(f"figure figures + deployment       {figure:8.2f} ms  ({figure / floor:.0f}× floor; "
          f"target < {TARGET_MS} ms: {'met' if figure < TARGET_MS else 'NOT met'})")
    print(f"       of which the deployment    {deployment:8.2f} ms")
    features, layers = as_features(zones, gates, posts), svg_layers()
    capacities = {f.key: f.capacity for f in figures}
    svg = median_ms(lambda: site_plan_svg(features, width_m=520, height_m=270, layers=layers,
                                          capacities=capacities), args.repeat)
    print(f"svg    plan drawn as SVG ({len(features)} features) {svg:6.2f} ms  "
          f"(target < {SVG_TARGET_MS} ms: {'met' if svg < SVG_TARGET_MS else 'NOT met'})")
    results = Results("siteplan", "`bench/siteplan.py`")
    results.load_before = load_before
    results.add(f"site plan of {len(outlines)} zones and {len(gates)} gates: figures + derived deployment "
                f"(floor: shapely areas alone {floor:.2f} ms)", f"{figure:.1f} ms ({figure / floor:.0f}× floor)",
                f"< {TARGET_MS} ms", figure < TARGET_MS)
    results.add(f"the same plan drawn as SVG for the PDF ({len(features)} features)", f"{svg:.1f} ms",
                f"< {SVG_TARGET_MS} ms", svg < SVG_TARGET_MS)
    results.write()


if __name__ == "__main__":
    main()
