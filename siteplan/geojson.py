"""The plan as GeoJSON: checks a FeatureCollection (venue metres) and turns it into the geometry's shapes.

Errors are keyed by where they are (`features[3].geometry`, `features[5].properties.width_m`) so forms and
the API show them on the item that is wrong; a plan with any error is not saved."""
import math

from django.utils.translation import gettext as _

from . import geometry
from .layers import GATE_KINDS, GATE_ROLES, LAYERS, POST_KINDS

MAX_FEATURES = 2_000
MAX_POINTS = 2_000  # per geometry

OUTLINE_MESSAGES = {
    "too_few_points": lambda: _("多边形至少需要三个顶点。"),
    "not_finite": lambda: _("坐标必须是有限数值。"),
    "self_intersecting": lambda: _("多边形的边不得相互交叉。"),
    "zero_area": lambda: _("多边形面积不能为零。"),
}


def _coords(value, depth: int):
    """A list nested `depth` deep ending in [x, y] number pairs, or None."""
    if depth == 0:
        ok = (isinstance(value, list) and len(value) >= 2
              and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in value[:2]))
        return (float(value[0]), float(value[1])) if ok else None
    if not isinstance(value, list) or len(value) > MAX_POINTS:
        return None
    items = [_coords(v, depth - 1) for v in value]
    return None if any(i is None for i in items) else items


def parse(collection, *, width_m: float, height_m: float):
    """(zones, gates, posts, other features, errors) of a FeatureCollection inside a width × height plane."""
    errors: dict[str, list[str]] = {}

    def err(where, message):
        errors.setdefault(where, []).append(str(message))

    zones, gates, posts, others = [], [], [], []
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" or not isinstance(
            collection.get("features"), list):
        err("features", _("须为 GeoJSON FeatureCollection。"))
        return zones, gates, posts, others, errors
    features = collection["features"]
    if len(features) > MAX_FEATURES:
        err("features", _("图层要素不得超过 %(n)s 个。") % {"n": MAX_FEATURES})
        return zones, gates, posts, others, errors
    keys = set()
    gate_rows = []
    for i, feature in enumerate(features):
        where = f"features[{i}]"
        props = feature.get("properties") if isinstance(feature, dict) else None
        geom = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or not isinstance(geom, dict):
            err(where, _("每个要素须有 geometry 和 properties。"))
            continue
        layer = LAYERS.get(props.get("kind"))
        if layer is None:
            err(f"{where}.properties.kind", _("未知的图层类型。"))
            continue
        if geom.get("type") != layer.geometry:
            err(f"{where}.geometry", _("%(layer)s须绘制为%(shape)s。") % {
                "layer": layer.label, "shape": {"Polygon": _("多边形"), "LineString": _("线段"),
                                                "Point": _("点")}[layer.geometry]})
            continue
        key = str(props.get("key") or feature.get("id") or f"f{i}")
        if key in keys:
            err(f"{where}.properties.key", _("编号重复。"))
            continue
        keys.add(key)
        depth = {"Polygon": 2, "LineString": 1, "Point": 0}[layer.geometry]
        coords = _coords(geom.get("coordinates"), depth)
        if coords is None:
            err(f"{where}.geometry", _("坐标格式不正确。"))
            continue
        flat = [coords] if depth == 0 else (coords if depth == 1 else [p for ring in coords for p in ring])
        if any(not (-1e-6 <= x <= width_m + 1e-6 and -1e-6 <= y <= height_m + 1e-6) for x, y in flat):
            err(f"{where}.geometry", _("要素超出底图范围（%(w)s × %(h)s 米）。") % {
                "w": round(width_m, 1), "h": round(height_m, 1)})
            continue
        name = str(props.get("name") or "")[:100]
        if layer.geometry == "Polygon":
            ring = coords[0] if coords else []
            if len(ring) >= 2 and ring[0] != ring[-1]:
                err(f"{where}.geometry", _("多边形须闭合（首尾坐标相同）。"))
                continue
            problems = geometry.outline_errors(ring)
            if problems:
                err(f"{where}.geometry", OUTLINE_MESSAGES[problems[0]]())
                continue
            zones.append((geometry.Zone(key, layer.kind, tuple(ring[:-1])), name))
        elif layer.kind == "gate":
            if len(coords) != 2 or coords[0] == coords[1]:
                err(f"{where}.geometry", _("出入口须画成一条线段（两个不同的端点）。"))
                continue
            width = props.get("width_m")
            if not isinstance(width, (int, float)) or isinstance(width, bool) or not math.isfinite(width) \
                    or width <= 0 or width > 200:
                err(f"{where}.properties.width_m", _("宽度须大于 0 且不超过 200 米。"))
                continue
            kind = props.get("gate_kind", "level")
            role = props.get("role", "both")
            if kind not in GATE_KINDS:
                err(f"{where}.properties.gate_kind", _("出口类型须为平地或台阶。"))
                continue
            if role not in GATE_ROLES:
                err(f"{where}.properties.role", _("须为出口、入口或出入口。"))
                continue
            gate_rows.append((i, geometry.Gate(key, coords[0], coords[1], float(width), kind,
                                               tuple(str(z) for z in props.get("zones") or ()),
                                               exit=role != "entrance"), name, role))
        elif layer.kind in POST_KINDS:
            posts.append(geometry.Post(layer.kind, coords, ring=str(props.get("ring") or "")))
        else:
            others.append({"key": key, "kind": layer.kind, "name": name, "coordinates": coords,
                           "width_m": props.get("width_m")})
    # A gate joins zones: named ones must exist; unnamed ones are the zones its segment touches.
    shapes = {z.key: geometry.polygon(z.outline) for z, _name in zones}
    for i, gate, name, role in gate_rows:
        where = f"features[{i}]"
        unknown = [z for z in gate.zones if z not in shapes]
        if unknown:
            err(f"{where}.properties.zones", _("所连接的区域不存在：%(keys)s") % {"keys": _("、").join(unknown)})
            continue
        apart = [z for z in gate.zones if shapes[z].distance(gate.segment) > 0.5]
        if apart:
            err(f"{where}.geometry", _("出入口不在所连接区域的边界上：%(keys)s") % {"keys": _("、").join(apart)})
            continue
        touched = gate.zones or tuple(k for k, s in shapes.items() if s.distance(gate.segment) <= 0.5)
        if not touched:
            err(f"{where}.geometry", _("出入口不在任何区域的边界上。"))
            continue
        gates.append((geometry.Gate(gate.key, gate.start, gate.end, gate.width_m, gate.kind, touched,
                                    exit=gate.exit), name, role))
    return zones, gates, posts, others, errors
