"""Demo: drawn site plans for the lakeside festival ground and the marathon course, saved through the service
(validated, figures computed) while the applications are still drafts. load_demo runs this once (it skips
everything when the demo is loaded), so a second run changes nothing."""
from . import services


def _f(kind, key, geometry, coordinates, name="", **props):
    return {"type": "Feature", "geometry": {"type": geometry, "coordinates": coordinates},
            "properties": {"kind": kind, "key": key, "name": name, **props}}


def _box(x0, y0, x1, y1):
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def lakeside_features():
    """湖滨音乐节草坪, 300 × 200 m: the lawn before the main stage, its four gates, the three rings."""
    return [
        _f("control", "control", "Polygon", _box(5, 5, 295, 195), "控制区"),
        _f("warning", "warning", "Polygon", _box(20, 20, 280, 180), "警戒区"),
        _f("core", "core", "Polygon", _box(195, 100, 270, 170), "核心区"),
        _f("audience", "lawn", "Polygon", _box(40, 40, 190, 160), "主舞台草坪区"),
        _f("stage", "stage", "Polygon", _box(200, 110, 260, 160), "主舞台"),
        _f("parking", "parking", "Polygon", _box(210, 25, 275, 55), "东侧停车场"),
        _f("gate", "east", "LineString", [[190, 70], [190, 78]], "东门", width_m=8),
        _f("gate", "west", "LineString", [[40, 95], [40, 101]], "西门", width_m=6),
        _f("gate", "south", "LineString", [[100, 40], [106, 40]], "南门", width_m=6),
        _f("gate", "north", "LineString", [[110, 160], [114, 160]], "北侧应急出口", width_m=4, gate_kind="steps",
           role="exit"),
        _f("command", "command", "Point", [240, 75], "现场指挥部"),
        *[_f("fixed", f"fixed-{i}", "Point", at) for i, at in enumerate([[192, 74], [38, 98], [103, 38], [112, 162]])],
        *[_f("mobile", f"mobile-{i}", "Point", at) for i, at in enumerate([[80, 60], [150, 60], [80, 140],
                                                                           [150, 140], [115, 100], [230, 90]])],
        _f("medical", "medical-1", "Point", [60, 170], "医疗点一"),
        _f("medical", "medical-2", "Point", [180, 30], "医疗点二"),
        _f("assembly", "assembly", "Point", [30, 185], "紧急集结点"),
        _f("patrol_route", "patrol", "LineString", [[25, 25], [275, 25], [275, 175], [25, 175], [25, 25]], "周界巡逻"),
        _f("vehicle_route", "lane", "LineString", [[10, 100], [10, 190], [290, 190]], "应急车辆通道"),
    ]


def marathon_features():
    """城市马拉松赛道, 4 × 3 km: start and finish on the civic square, the loop round the lake."""
    return [
        _f("start_area", "start", "Polygon", _box(300, 300, 700, 500), "起点区"),
        _f("finish_area", "finish", "Polygon", _box(900, 300, 1300, 500), "终点区"),
        _f("course", "course", "LineString", [[500, 400], [500, 2600], [3600, 2600], [3600, 400], [1100, 400]],
           "环湖路赛道"),
        _f("gate", "start-gate", "LineString", [[480, 300], [520, 300]], "起点通道", width_m=20),
        _f("gate", "finish-gate", "LineString", [[1080, 300], [1120, 300]], "终点通道", width_m=20),
        _f("command", "command", "Point", [800, 250], "赛事指挥部"),
        *[_f("water", f"water-{i}", "Point", at, f"补给点{i + 1}") for i, at in enumerate(
            [[500, 1500], [2000, 2600], [3600, 1500], [2300, 400]])],
        *[_f("medical", f"medical-{i}", "Point", at, f"医疗点{i + 1}") for i, at in enumerate(
            [[1500, 2600], [3600, 800], [1150, 450]])],
        *[_f("fixed", f"fixed-{i}", "Point", at) for i, at in enumerate([[500, 290], [1100, 290]])],
        _f("vehicle_route", "lane", "LineString", [[100, 100], [3900, 100], [3900, 2900]], "应急车辆通道"),
    ]


def draw_demo_plan(application, organizer, *, features, width_m, height_m):
    return services.application_plan_save(application=application, actor=organizer, width_m=width_m,
                                          height_m=height_m,
                                          features={"type": "FeatureCollection", "features": features})
