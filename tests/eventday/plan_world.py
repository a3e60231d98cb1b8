"""An approved, running event drawn on a site plan (300 × 200 m): the lawn (150 × 120 m, in the warning area)
with two perimeter gates, the stage pit (70 × 50 m, in the core) entered from the lawn, and a gate on the
control ring only (not counted: it joins no crowd area)."""
from siteplan import services as siteplan_services
from tests.support import builder


def _f(kind, key, geometry, coordinates, name="", **props):
    return {"type": "Feature", "geometry": {"type": geometry, "coordinates": coordinates},
            "properties": {"kind": kind, "key": key, "name": name, **props}}


def _box(x0, y0, x1, y1):
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def features():
    return [
        _f("control", "control", "Polygon", _box(5, 5, 295, 195), "控制区"),
        _f("warning", "warning", "Polygon", _box(20, 20, 280, 180), "警戒区"),
        _f("core", "core", "Polygon", _box(185, 40, 270, 170), "核心区"),
        _f("audience", "lawn", "Polygon", _box(40, 40, 190, 160), "草坪区"),
        _f("audience", "pit", "Polygon", _box(190, 50, 260, 100), "舞台前区"),
        _f("stage", "stage", "Polygon", _box(200, 110, 260, 160), "主舞台"),
        _f("gate", "west", "LineString", [[40, 95], [40, 101]], "西门", width_m=6),
        _f("gate", "south", "LineString", [[100, 40], [106, 40]], "南门", width_m=6),
        _f("gate", "pit-gate", "LineString", [[190, 60], [190, 66]], "舞台前区入口", width_m=6,
           zones=["pit", "lawn"]),
        _f("gate", "ring", "LineString", [[5, 100], [5, 106]], "控制区北口", width_m=6),
        _f("command", "command", "Point", [240, 30], "现场指挥部"),
    ]


def planned_application(*, state="approved", live=True, plan_features=None, **facts):
    made = builder.application(**facts).filled()
    siteplan_services.application_plan_save(
        application=made.build(), actor=made.person("organizer"), width_m=300, height_m=200,
        features={"type": "FeatureCollection", "features": plan_features or features()})
    made.reach(state)
    if live:
        made.running_now()
    return made.build()
