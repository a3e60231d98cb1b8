"""A site plan drawn as SVG for print (pure: no Django; shapely only for a label's place).

The drawing is in venue metres, x east and y north from the lower-left corner (siteplan.models); SVG's y runs
down, so every y is flipped: y_svg = (height_m − y) × scale. Layers come from the caller (siteplan.layers'
vocabulary: kind → geometry, label, colour), so this module names no kind except the three rings and the
audience zones the geometry already names, and the gate (a segment with a width).

Every feature is one shape element (class "feature", data-kind, data-key); labels, the legend and the scale
bar are separate elements. Every text names the CJK font (WeasyPrint drops glyphs no listed font covers) and
is escaped: names come from users.
"""
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from shapely import Polygon

from .geometry import AUDIENCE, RINGS

# The fonts the plan's stylesheet names (static/css/plan.css); the Noto CJK font is installed for WeasyPrint.
FONT = "'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif"
GATE = "gate"

# Chinese by default; the caller passes its language's texts ({n} is a number).
TEXTS = {"legend": "图例", "metres": "{n} 米", "capacity": "容量 {n} 人", "no_exit": "无出口"}


@dataclass(frozen=True)
class Style:
    """The figure's size in SVG units (px at 96 dpi: 680 px ≈ 180 mm)."""

    width: float = 680.0
    max_drawing_height: float = 760.0
    margin: float = 12.0
    legend_columns: int = 3
    legend_row: float = 18.0
    texts: Mapping[str, str] = field(default_factory=lambda: dict(TEXTS))


def scale_bar_m(extent_m: float) -> float:
    """A round length (1, 2 or 5 × 10ⁿ metres) no longer than a quarter of the extent."""
    target = max(extent_m / 4, 1e-9)
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _count(value: int) -> str:
    return f"{value:,}"


def _points(coords, flip) -> list[tuple[float, float]] | None:
    try:
        return [flip(float(x), float(y)) for x, y, *_rest in coords]
    except (TypeError, ValueError):
        return None


def _z_order(layer) -> tuple[int, int]:
    """Rings at the bottom (outermost first), other areas, lines, gates, points on top."""
    if layer.kind in RINGS:
        return 0, -RINGS.index(layer.kind)
    rank = {"Polygon": 1, "LineString": 2, "Point": 4}.get(layer.geometry, 5)
    return (3 if layer.kind == GATE else rank), 0


def site_plan_svg(features: Sequence[dict], *, width_m: float, height_m: float, layers: Mapping,
                  capacities: Mapping[str, int | None] | None = None, style: Style = Style(),
                  background_href: str = "") -> str:
    """The plan's features (GeoJSON Feature dicts in venue metres) inside its width × height, with a legend of
    the layers present and a scale bar. `capacities` maps an audience zone's key to its capacity (None: no
    exit), printed under the zone's name. `background_href` (a data: URI, say) is the background image,
    stretched under the drawing over its whole extent, as the editor shows it."""
    texts = {**TEXTS, **style.texts}
    capacities = capacities or {}
    m = style.margin
    scale = min((style.width - 2 * m) / width_m, style.max_drawing_height / height_m)
    draw_w, draw_h = width_m * scale, height_m * scale
    left = m + (style.width - 2 * m - draw_w) / 2

    def flip(x: float, y: float) -> tuple[float, float]:
        return left + x * scale, m + (height_m - y) * scale

    shapes, labels, present = [], [], []
    usable = []
    for feature in features:
        props = feature.get("properties") or {}
        layer = layers.get(props.get("kind"))
        if layer is None:
            continue
        usable.append((_z_order(layer), len(usable), feature, props, layer))
    for _order, index, feature, props, layer in sorted(usable, key=lambda row: (row[0], row[1])):
        coords = (feature.get("geometry") or {}).get("coordinates")
        key = str(props.get("key") or index)
        name = str(props.get("name") or "")
        shape = _shape(layer, coords, props, flip, scale, key)
        if shape is None:
            continue
        shapes.append(shape)
        if layer.kind not in present:
            present.append(layer.kind)
        labels.extend(_labels(layer, coords, name, key, capacities, flip, texts))

    bar_m = scale_bar_m(width_m)
    bottom = m + draw_h
    parts = [f'<rect class="frame" x="{left:.1f}" y="{m:.1f}" width="{draw_w:.1f}" height="{draw_h:.1f}" '
             f'fill="#fcfcfa" stroke="#333" stroke-width="1"/>']
    if background_href:
        parts.append(f'<image class="background" x="{left:.1f}" y="{m:.1f}" width="{draw_w:.1f}" '
                     f'height="{draw_h:.1f}" preserveAspectRatio="none" opacity="0.7" '
                     f'href="{escape(background_href)}"/>')
    parts += [*shapes, *labels]
    # Scale bar: a black-and-white bar of bar_m metres under the drawing's lower-left corner.
    bar_y = bottom + 10
    half = bar_m * scale / 2
    parts.append(f'<g class="scale-bar" data-metres="{_n(bar_m)}">'
                 f'<rect class="scale-bar-length" x="{left:.1f}" y="{bar_y:.1f}" width="{bar_m * scale:.3f}" '
                 f'height="5" fill="#fff" stroke="#222" stroke-width="0.8"/>'
                 f'<rect x="{left:.1f}" y="{bar_y:.1f}" width="{half:.3f}" height="5" fill="#222"/>'
                 f'<text x="{left + bar_m * scale + 6:.1f}" y="{bar_y + 5:.1f}">'
                 f'{escape(texts["metres"].format(n=_n(bar_m)))}</text></g>')
    legend_top = bar_y + 24
    parts.append(f'<text class="legend-title" x="{left:.1f}" y="{legend_top:.1f}" font-weight="bold">'
                 f'{escape(texts["legend"])}</text>')
    column = draw_w / style.legend_columns
    for i, kind in enumerate(layers[k].kind for k in layers if layers[k].kind in present):
        row, col = divmod(i, style.legend_columns)
        x, y = left + col * column, legend_top + 8 + row * style.legend_row
        parts.append(f'<g class="legend-entry" data-kind="{escape(kind)}">{_swatch(layers[kind], x, y)}'
                     f'<text x="{x + 26:.1f}" y="{y + 10:.1f}">{escape(str(layers[kind].label))}</text></g>')
    rows = math.ceil(len(present) / style.legend_columns)
    legend = ", ".join(str(layers[k].label) for k in layers if layers[k].kind in present)  # the text alternative
    height = legend_top + 8 + rows * style.legend_row + m
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="site-plan" width="{style.width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {style.width:.0f} {height:.0f}" role="img" '
            f'aria-label="{escape(texts["legend"])}: {escape(legend)}" '
            f'data-px-per-m="{scale:.6f}" font-family="{FONT}" font-size="10">' + "".join(parts) + "</svg>")


def _attrs(layer, key: str) -> str:
    return f'class="feature" data-kind="{escape(layer.kind)}" data-key="{escape(key)}"'


def _shape(layer, coords, props, flip, scale: float, key: str) -> str | None:
    colour = escape(layer.colour)
    if layer.geometry == "Polygon":
        ring = _points(coords[0], flip) if isinstance(coords, list) and coords else None
        if not ring or len(ring) < 3:
            return None
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in ring)
        if layer.kind in RINGS:
            return (f'<polygon {_attrs(layer, key)} points="{points}" fill="{colour}" fill-opacity="0.06" '
                    f'stroke="{colour}" stroke-width="1.6" stroke-dasharray="6 3"/>')
        opacity = "0.28" if layer.kind == AUDIENCE else "0.45"
        return (f'<polygon {_attrs(layer, key)} points="{points}" fill="{colour}" fill-opacity="{opacity}" '
                f'stroke="{colour}" stroke-width="1"/>')
    if layer.geometry == "LineString":
        line = _points(coords, flip) if isinstance(coords, list) else None
        if not line or len(line) < 2:
            return None
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        if layer.kind == GATE:
            # Thick by the gate's width (a 1 m gate still shows; a 20 m one does not swallow the plan).
            width = props.get("width_m")
            width = float(width) if isinstance(width, (int, float)) and math.isfinite(width) else 1.0
            stroke = min(10.0, max(2.5, 1.5 + width * 0.6))
            return (f'<polyline {_attrs(layer, key)} points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="{stroke:.1f}" stroke-linecap="butt" data-width-m="{_n(width)}"/>')
        return (f'<polyline {_attrs(layer, key)} points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2.2" stroke-dasharray="{"7 4" if layer.kind != "course" else "none"}" '
                f'stroke-linejoin="round"/>')
    if layer.geometry == "Point":
        at = _points([coords], flip) if isinstance(coords, list) else None
        if not at:
            return None
        x, y = at[0]
        if layer.kind == "command":  # the one command post: a square, larger than every other point
            return (f'<rect {_attrs(layer, key)} x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" '
                    f'fill="{colour}" stroke="#fff" stroke-width="1.2"/>')
        return (f'<circle {_attrs(layer, key)} cx="{x:.1f}" cy="{y:.1f}" r="4.2" fill="{colour}" '
                f'stroke="#fff" stroke-width="1.2"/>')
    return None


def _labels(layer, coords, name: str, key: str, capacities, flip, texts) -> list[str]:
    """A zone's name (and an audience zone's capacity) at a point inside it; a named point's name beside it."""
    if layer.geometry == "Polygon" and layer.kind not in RINGS:
        try:
            ring = [(float(x), float(y)) for x, y, *_r in coords[0]]
            inside = Polygon(ring).representative_point()
        except (TypeError, ValueError, IndexError):
            return []
        if inside.is_empty:
            return []
        x, y = flip(inside.x, inside.y)
        lines = [name] if name else []
        if layer.kind == AUDIENCE and key in capacities:
            capacity = capacities[key]
            lines.append(texts["no_exit"] if capacity is None else texts["capacity"].format(n=_count(capacity)))
        return [f'<text class="label" x="{x:.1f}" y="{y + 12 * i - 6 * (len(lines) - 1) + 3:.1f}" '
                f'text-anchor="middle" fill="#111">{escape(line)}</text>' for i, line in enumerate(lines)]
    if layer.geometry == "Point" and name:
        at = _points([coords], flip)
        if not at:
            return []
        x, y = at[0]
        return [f'<text class="label" x="{x + 7:.1f}" y="{y + 3:.1f}" font-size="8" fill="#333">'
                f'{escape(name)}</text>']
    return []


def _swatch(layer, x: float, y: float) -> str:
    colour = escape(layer.colour)
    if layer.geometry == "Polygon":
        dash = ' stroke-dasharray="4 2"' if layer.kind in RINGS else ""
        opacity = "0.06" if layer.kind in RINGS else "0.35"
        return (f'<rect x="{x:.1f}" y="{y:.1f}" width="20" height="12" fill="{colour}" fill-opacity="{opacity}" '
                f'stroke="{colour}" stroke-width="1.2"{dash}/>')
    if layer.geometry == "LineString":
        width = "5" if layer.kind == GATE else "2.2"
        dash = "none" if layer.kind in (GATE, "course") else "7 4"
        return (f'<line x1="{x:.1f}" y1="{y + 6:.1f}" x2="{x + 20:.1f}" y2="{y + 6:.1f}" stroke="{colour}" '
                f'stroke-width="{width}" stroke-dasharray="{dash}"/>')
    if layer.kind == "command":
        return f'<rect x="{x + 4:.1f}" y="{y:.1f}" width="12" height="12" fill="{colour}"/>'
    return f'<circle cx="{x + 10:.1f}" cy="{y + 6:.1f}" r="4.2" fill="{colour}"/>'


# ------------------------------------------------------------------------------------------- event-day heat map


@dataclass(frozen=True)
class ZoneFill:
    """How the heat map fills one zone: its band's colour and code, and the lines printed inside it (the band
    in words too: colour is never the only sign)."""

    colour: str
    band: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pin:
    """A numbered marker at a point of the plan (venue metres), with its description as a tooltip."""

    x: float
    y: float
    number: int
    title: str


HEAT_TEXTS = {"legend": "图例", "metres": "{n} 米", "pin": "现场警情", "gate": "出入口（每分钟 进/出）"}


def heat_map_svg(features: Sequence[dict], *, width_m: float, height_m: float, layers: Mapping,
                 fills: Mapping[str, ZoneFill], gate_labels: Mapping[str, str] | None = None,
                 pins: Sequence[Pin] = (), bands: Sequence[tuple[str, str]] = (),
                 style: Style = Style(legend_columns=2), title: str = "") -> str:
    """The plan as the live heat map: the zones in `fills` (by feature key) filled with their band's colour and
    labelled, the other features of `layers` as on the printed plan, each gate labelled with `gate_labels`
    (its flow), `pins` on top, a legend of the `bands` ((colour, words), lowest first) and a scale bar."""
    texts = {**HEAT_TEXTS, **style.texts}
    gate_labels = gate_labels or {}
    m = style.margin
    scale = min((style.width - 2 * m) / width_m, style.max_drawing_height / height_m)
    draw_w, draw_h = width_m * scale, height_m * scale
    left = m + (style.width - 2 * m - draw_w) / 2

    def flip(x: float, y: float) -> tuple[float, float]:
        return left + x * scale, m + (height_m - y) * scale

    usable = []
    for feature in features:
        props = feature.get("properties") or {}
        layer = layers.get(props.get("kind"))
        if layer is not None:
            usable.append((_z_order(layer), len(usable), feature, props, layer))
    shapes, labels = [], []
    for _order, index, feature, props, layer in sorted(usable, key=lambda row: (row[0], row[1])):
        coords = (feature.get("geometry") or {}).get("coordinates")
        key = str(props.get("key") or index)
        fill = fills.get(key) if layer.geometry == "Polygon" else None
        if fill is not None:
            ring = _points(coords[0], flip) if isinstance(coords, list) and coords else None
            if not ring or len(ring) < 3:
                continue
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in ring)
            shapes.append(f'<polygon {_attrs(layer, key)} data-band="{escape(fill.band)}" points="{points}" '
                          f'fill="{escape(fill.colour)}" fill-opacity="0.78" stroke="#222" stroke-width="1.2">'
                          f'<title>{escape(" · ".join(fill.lines))}</title></polygon>')
            labels.extend(_zone_lines(coords, fill.lines, key, flip))
            continue
        shape = _shape(layer, coords, props, flip, scale, key)
        if shape is None:
            continue
        shapes.append(shape)
        labels.extend(_labels(layer, coords, str(props.get("name") or ""), key, {}, flip, texts))
        if layer.kind == GATE and key in gate_labels:
            line = _points(coords, flip) if isinstance(coords, list) else None
            if line and len(line) >= 2:
                (x1, y1), (x2, y2) = line[0], line[-1]
                labels.append(f'<text class="gate-flow" data-key="{escape(key)}" x="{(x1 + x2) / 2 + 7:.1f}" '
                              f'y="{(y1 + y2) / 2 - 6:.1f}" font-size="9" fill="#0b3d1f" stroke="#fff" '
                              f'stroke-width="2.5" paint-order="stroke">{escape(gate_labels[key])}</text>')
    for pin in pins:
        x, y = flip(pin.x, pin.y)
        labels.append(f'<g class="incident-pin" data-number="{pin.number}"><title>{escape(pin.title)}</title>'
                      f'<path d="M{x:.1f},{y:.1f} l-6,-11 a7,7 0 1 1 12,0 z" fill="#111" stroke="#fff" '
                      f'stroke-width="1"/><text x="{x:.1f}" y="{y - 11:.1f}" text-anchor="middle" font-size="8" '
                      f'fill="#fff">{pin.number}</text></g>')

    bar_m = scale_bar_m(width_m)
    bar_y = m + draw_h + 10
    half = bar_m * scale / 2
    parts = [f'<rect class="frame" x="{left:.1f}" y="{m:.1f}" width="{draw_w:.1f}" height="{draw_h:.1f}" '
             f'fill="#fcfcfa" stroke="#333" stroke-width="1"/>', *shapes, *labels,
             f'<g class="scale-bar" data-metres="{_n(bar_m)}">'
             f'<rect x="{left:.1f}" y="{bar_y:.1f}" width="{bar_m * scale:.3f}" height="5" fill="#fff" '
             f'stroke="#222" stroke-width="0.8"/><rect x="{left:.1f}" y="{bar_y:.1f}" width="{half:.3f}" '
             f'height="5" fill="#222"/><text x="{left + bar_m * scale + 6:.1f}" y="{bar_y + 5:.1f}">'
             f'{escape(texts["metres"].format(n=_n(bar_m)))}</text></g>']
    legend_top = bar_y + 24
    parts.append(f'<text class="legend-title" x="{left:.1f}" y="{legend_top:.1f}" font-weight="bold">'
                 f'{escape(texts["legend"])}</text>')
    entries = [(f'<rect x="{{x:.1f}}" y="{{y:.1f}}" width="20" height="12" fill="{escape(colour)}" '
                f'fill-opacity="0.78" stroke="#222" stroke-width="0.8"/>', words, "band") for colour, words in bands]
    if gate_labels:
        entries.append((f'<line x1="{{x:.1f}}" y1="{{y6:.1f}}" x2="{{x20:.1f}}" y2="{{y6:.1f}}" '
                        f'stroke="{escape(layers[GATE].colour) if GATE in layers else "#198754"}" '
                        f'stroke-width="5"/>', texts["gate"], "gate"))
    if pins:
        entries.append(('<circle cx="{x10:.1f}" cy="{y6:.1f}" r="5" fill="#111"/>', texts["pin"], "pin"))
    column = draw_w / style.legend_columns
    for i, (swatch, words, kind) in enumerate(entries):
        row, col = divmod(i, style.legend_columns)
        x, y = left + col * column, legend_top + 8 + row * style.legend_row
        parts.append(f'<g class="legend-entry" data-kind="{kind}">'
                     + swatch.format(x=x, y=y, y6=y + 6, x10=x + 10, x20=x + 20)
                     + f'<text x="{x + 26:.1f}" y="{y + 10:.1f}">{escape(str(words))}</text></g>')
    rows = math.ceil(len(entries) / style.legend_columns)
    height = legend_top + 8 + rows * style.legend_row + m
    label = f' aria-label="{escape(title)}"' if title else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="site-plan heat-map" width="{style.width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {style.width:.0f} {height:.0f}" role="img"{label} '
            f'preserveAspectRatio="xMidYMin meet" font-family="{FONT}" font-size="10">' + "".join(parts) + "</svg>")


def _zone_lines(coords, lines: Sequence[str], key: str, flip) -> list[str]:
    try:
        inside = Polygon([(float(x), float(y)) for x, y, *_r in coords[0]]).representative_point()
    except (TypeError, ValueError, IndexError):
        return []
    if inside.is_empty:
        return []
    x, y = flip(inside.x, inside.y)
    bold = ' font-weight="bold"'
    return [f'<text class="label zone-label" data-key="{escape(key)}" x="{x:.1f}" '
            f'y="{y + 12 * i - 6 * (len(lines) - 1) + 3:.1f}" text-anchor="middle" fill="#111" stroke="#fff" '
            f'stroke-width="2.5" paint-order="stroke"{bold if i == 0 else ""}>'
            f'{escape(line)}</text>' for i, line in enumerate(lines)]
