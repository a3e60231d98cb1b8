"""What a site plan may hold: each layer's kind, its geometry type and its label (the one vocabulary of layers;
the drawing, the forms, the API, the PDF figure and event day read it)."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Layer:
    kind: str
    geometry: str  # GeoJSON type: Polygon, LineString, Point
    label: str
    colour: str


LAYERS = {layer.kind: layer for layer in (
    Layer("audience", "Polygon", _("观众区"), "#0d6efd"),
    Layer("stage", "Polygon", _("舞台"), "#6f42c1"),
    Layer("structure", "Polygon", _("临时搭建设施"), "#6c757d"),
    Layer("core", "Polygon", _("核心区"), "#dc3545"),
    Layer("warning", "Polygon", _("警戒区"), "#fd7e14"),
    Layer("control", "Polygon", _("控制区"), "#ffc107"),
    Layer("parking", "Polygon", _("停车区"), "#20c997"),
    Layer("start_area", "Polygon", _("起点区"), "#198754"),
    Layer("finish_area", "Polygon", _("终点区"), "#198754"),
    Layer("gate", "LineString", _("出入口"), "#198754"),
    Layer("patrol_route", "LineString", _("巡逻路线"), "#0dcaf0"),
    Layer("vehicle_route", "LineString", _("应急车辆通道"), "#d63384"),
    Layer("course", "LineString", _("赛道/巡游路线"), "#0d6efd"),
    Layer("command", "Point", _("定点指挥部"), "#dc3545"),
    Layer("fixed", "Point", _("固定哨"), "#212529"),
    Layer("patrol", "Point", _("巡逻哨"), "#0dcaf0"),
    Layer("mobile", "Point", _("机动点位"), "#fd7e14"),
    Layer("medical", "Point", _("医疗点"), "#198754"),
    Layer("water", "Point", _("补给点"), "#0d6efd"),
    Layer("assembly", "Point", _("集结点"), "#6f42c1"),
)}

ZONE_KINDS = frozenset(k for k, layer in LAYERS.items() if layer.geometry == "Polygon")
POST_KINDS = ("command", "fixed", "patrol", "mobile")
GATE_KINDS = {"level": _("平地"), "steps": _("台阶")}
GATE_ROLES = {"exit": _("出口"), "entrance": _("入口"), "both": _("出入口")}
