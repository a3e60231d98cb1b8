"""siteplan.svg.heat_map_svg alone (no Django): filled zones with their band in words, gate flows, pins, the
bands' legend; names escaped; only the layers asked for are drawn."""
import re
import xml.etree.ElementTree as ET

import pytest

from siteplan import svg
from siteplan.layers import LAYERS
from tests.eventday.plan_world import features

LIVE = {k: v for k, v in LAYERS.items() if k not in ("fixed", "patrol", "mobile")}
NS = {"s": "http://www.w3.org/2000/svg"}


def _render(**overrides):
    values = {"fills": {"lawn": svg.ZoneFill("#f2c94c", "busy", ("草坪区", "74% · 较多")),
                        "pit": svg.ZoneFill("#d63b3b", "full", ("<舞台前区>", "96% · 饱和"))},
              "gate_labels": {"west": "西门 进50/出2"}, "pins": [svg.Pin(100, 50, 1, "斗殴 <东侧>")],
              "bands": [("#2e9e5b", "宽松"), ("#f2c94c", "较多"), ("#f2994a", "拥挤"), ("#d63b3b", "饱和")]}
    values = {"layers": LIVE, **values, **overrides}
    return svg.heat_map_svg(features(), width_m=300, height_m=200, **values)


def test_each_filled_zone_carries_its_band_colour_and_words():
    drawing = _render()
    root = ET.fromstring(drawing)  # well-formed, names escaped
    zones = {p.get("data-key"): p for p in root.iterfind(".//s:polygon[@data-band]", NS)}
    assert {k: (p.get("data-band"), p.get("fill")) for k, p in zones.items()} == {
        "lawn": ("busy", "#f2c94c"), "pit": ("full", "#d63b3b")}
    texts = ["".join(t.itertext()) for t in root.iterfind(".//s:text", NS)]
    assert "74% · 较多" in texts and "<舞台前区>" in texts and "西门 进50/出2" in texts
    assert "&lt;舞台前区&gt;" in drawing


def test_unfilled_features_are_drawn_as_on_the_plan_and_posts_left_out():
    layers = {k: v for k, v in LIVE.items() if k != "command"}
    root = ET.fromstring(_render(layers=layers))
    kinds = {e.get("data-kind") for e in root.iterfind(".//*[@class='feature']", NS)}
    assert {"control", "warning", "core", "stage", "gate", "audience"} <= kinds and "command" not in kinds


def test_pins_and_the_legend():
    root = ET.fromstring(_render())
    pins = list(root.iterfind(".//s:g[@class='incident-pin']", NS))
    assert len(pins) == 1 and pins[0].find("s:title", NS).text == "斗殴 <东侧>"
    legend = [e.get("data-kind") for e in root.iterfind(".//s:g[@class='legend-entry']", NS)]
    assert legend == ["band"] * 4 + ["gate", "pin"]
    without = ET.fromstring(_render(pins=[], gate_labels={}))
    assert [e.get("data-kind") for e in without.iterfind(".//s:g[@class='legend-entry']", NS)] == ["band"] * 4


def test_a_pin_sits_where_it_happened():
    drawing = _render()
    scale = float(re.search(r'data-key="lawn" data-band="busy" points="([\d.]+),', drawing).group(1))
    path = re.search(r'<path d="M([\d.]+),([\d.]+)', drawing)
    # The lawn's west edge is x = 40 m; the pin is at x = 100 m: 60 m further right at the drawing's scale.
    px_per_m = (680 - 24) / 300
    assert float(path.group(1)) - scale == pytest.approx(60 * px_per_m, abs=0.2)
