"""Server-side SVG charts for the printed plan (pure functions, no Django): the risk dimension chart."""
import math
from html import escape

# Every SVG text names the CJK font: WeasyPrint drops glyphs that no listed font covers.
FONT = "'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif"


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def dimension_chart_svg(scores: list[tuple[str, float]], *, max_value: float = 100.0, width: int = 460) -> str:
    """A radar chart of the dimension scores (0–max_value); horizontal bars when there are fewer than three."""
    if not scores:
        return ""
    if len(scores) < 3:
        return dimension_bars_svg(scores, max_value=max_value, width=width)
    height = round(width * 0.78)
    cx, cy = width / 2, height / 2 + 6
    radius = height / 2 - 42
    count = len(scores)

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return cx + radius * fraction * math.cos(angle), cy + radius * fraction * math.sin(angle)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_alt(scores)}" font-family="{FONT}" '
             'font-size="11">']
    for step in (0.2, 0.4, 0.6, 0.8, 1.0):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, step) for i in range(count)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#bbb" stroke-width="0.6"/>')
        x, y = point(0, step)
        parts.append(f'<text x="{x + 3:.1f}" y="{y + 3:.1f}" fill="#888" font-size="8">'
                     f'{_fmt(max_value * step)}</text>')
    for index in range(count):
        x, y = point(index, 1.0)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#bbb" '
                     f'stroke-width="0.6"/>')
    values = [max(0.0, min(float(value), max_value)) / max_value for _label, value in scores]
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))
    parts.append(f'<polygon points="{shape}" fill="#b71c1c" fill-opacity="0.18" stroke="#b71c1c" '
                 f'stroke-width="1.6"/>')
    for index, value in enumerate(values):
        x, y = point(index, value)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="#b71c1c"/>')
    for index, (label, value) in enumerate(scores):
        x, y = point(index, 1.13)
        anchor = "middle" if abs(x - cx) < 8 else ("start" if x > cx else "end")
        parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#222">'
                     f'{escape(str(label))} {_fmt(float(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _alt(scores) -> str:
    """The chart's text alternative (screen readers, the page checks): each dimension with its score."""
    return escape("; ".join(f"{label} {_fmt(float(value))}" for label, value in scores))


def dimension_bars_svg(scores: list[tuple[str, float]], *, max_value: float = 100.0, width: int = 460) -> str:
    """Horizontal bars, one per dimension, with the score printed at the end of each bar."""
    row, label_width = 24, 120
    height = row * len(scores) + 8
    bar_space = width - label_width - 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_alt(scores)}" font-family="{FONT}" '
             'font-size="11">']
    for index, (label, value) in enumerate(scores):
        y = 4 + index * row
        length = bar_space * max(0.0, min(float(value), max_value)) / max_value
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{bar_space}" height="16" fill="#eee"/>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="16" fill="#b71c1c"/>')
        parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + 15}">{_fmt(float(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)
