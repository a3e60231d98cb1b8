"""The site plan as SVG for the printed plan (pure: no database)."""
import xml.etree.ElementTree as ET

import pytest

from siteplan.layers import LAYERS
from siteplan.svg import site_plan_svg, scale_bar_m

SVG = "{http://www.w3.org/2000/svg}"


def zone(key, ring, kind="audience", name="主观众区"):
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]},
            "properties": {"kind": kind, "key": key, "name": name}}


def gate(key, a, b, width=6):
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [a, b]},
            "properties": {"kind": "gate", "key": key, "width_m": width}}


def point(key, at, kind, name=""):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": at},
            "properties": {"kind": kind, "key": key, "name": name}}


FEATURES = [
    zone("control", [[0, 0], [200, 0], [200, 150], [0, 150]], "control", ""),
    zone("field", [[20, 10], [120, 10], [120, 130], [20, 130]]),
    zone("stage", [[140, 60], [180, 60], [180, 90], [140, 90]], "stage", "主舞台"),
    gate("south", [67, 10], [73, 10]), gate("north", [67, 130], [73, 130], width=12),
    point("cmd", [160, 20], "command", "指挥部"), point("m1", [100, 140], "medical"),
    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[5, 5], [195, 5], [195, 145]]},
     "properties": {"kind": "vehicle_route", "key": "lane"}},
]


def render(features=FEATURES, **kwargs):
    svg = site_plan_svg(features, width_m=200, height_m=150, layers=LAYERS, **kwargs)
    return svg, ET.fromstring(svg)


def test_the_svg_parses_with_one_shape_per_feature():
    _svg, root = render()
    assert root.tag == f"{SVG}svg"
    shapes = root.findall(".//*[@class='feature']")
    assert sorted(s.get("data-key") for s in shapes) == sorted(f["properties"]["key"] for f in FEATURES)
    # The rings lie underneath, the points on top.
    order = [s.get("data-key") for s in shapes]
    assert order[0] == "control" and order.index("field") < order.index("south") < order.index("cmd")


def test_the_y_axis_is_flipped_venue_north_is_up():
    _svg, root = render()
    by_key = {s.get("data-key"): s for s in root.findall(".//*[@class='feature']")}
    south = [float(v) for v in by_key["south"].get("points").split()[0].split(",")]
    north = [float(v) for v in by_key["north"].get("points").split()[0].split(",")]
    assert north[1] < south[1]  # y = 130 m is higher on the page than y = 10 m
    scale = float(root.get("data-px-per-m"))
    assert south[1] - north[1] == pytest.approx(120 * scale, abs=0.2)


def test_gates_are_thicker_the_wider_they_are():
    _svg, root = render()
    by_key = {s.get("data-key"): s for s in root.findall(".//*[@class='feature']")}
    assert float(by_key["north"].get("stroke-width")) > float(by_key["south"].get("stroke-width"))


def test_the_legend_lists_only_the_layers_present_in_vocabulary_order():
    _svg, root = render()
    kinds = [g.get("data-kind") for g in root.findall(".//*[@class='legend-entry']")]
    assert kinds == [k for k in LAYERS if k in {"control", "audience", "stage", "gate", "command", "medical",
                                                  "vehicle_route"}]
    labels = [g.find(f"{SVG}text").text for g in root.findall(".//*[@class='legend-entry']")]
    assert "观众区" in labels and "医疗点" in labels and "停车区" not in labels


@pytest.mark.parametrize("extent, metres", [(200, 50), (150, 20), (4_000, 1_000), (9, 2), (1, 0.2)])
def test_the_scale_bar_is_a_round_length(extent, metres):
    assert scale_bar_m(extent) == pytest.approx(metres)


def test_the_scale_bar_is_drawn_at_the_plans_scale():
    _svg, root = render()
    bar = root.find(".//*[@class='scale-bar']")
    metres = float(bar.get("data-metres"))
    length = float(bar.find(".//*[@class='scale-bar-length']").get("width"))
    assert metres == 50 and length == pytest.approx(metres * float(root.get("data-px-per-m")), abs=0.01)
    assert "50 米" in "".join(bar.itertext())


def test_audience_zones_carry_their_name_and_capacity_in_the_cjk_font():
    svg, root = render(capacities={"field": 3936})
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "主观众区" in texts and "容量 3,936 人" in texts and "主舞台" in texts and "指挥部" in texts
    assert "Noto Sans CJK SC" in root.get("font-family")


def test_user_supplied_names_are_escaped():
    evil = '<script>alert("x")</script>&'
    svg, root = render([zone("bad\"key", [[20, 10], [120, 10], [120, 130]], name=evil)])
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert evil in [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(".//*[@class='feature']").get("data-key") == 'bad"key'


def test_unknown_kinds_and_broken_coordinates_are_left_out():
    broken = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": "nonsense"},
              "properties": {"kind": "audience", "key": "x"}}
    unknown = point("u", [1, 1], "helipad")
    _svg, root = render([broken, unknown, FEATURES[1]])
    assert [s.get("data-key") for s in root.findall(".//*[@class='feature']")] == ["field"]
