"""Small inline-SVG charts, so the report opens offline with no script and no external file.

Every text that reaches the markup goes through `html.escape`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif"


def nice_ticks(top: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round axis ticks from 0 to at least `top` (1, 2, 2.5 or 5 times a power of ten; whole steps if `integer`)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    steps = [m * mag for m in (1, 2, 2.5, 5, 10) if not integer or (m * mag) % 1 == 0]
    step = next((s for s in steps if s >= raw), max(1.0, steps[-1]))
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def _num(v: float) -> str:
    return f"{v:g}" if v < 10_000 else f"{v:,.0f}"


def _legend(items: Sequence[tuple[str, str, str]], x: float, y: float) -> list[str]:
    """items: (label, color, kind) with kind 'box' or 'line' or 'dash'."""
    out, cx = [], x
    for label, color, kind in items:
        if kind == "box":
            out.append(f'<rect x="{cx:.1f}" y="{y - 9:.1f}" width="11" height="11" fill="{color}"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if kind == "dash" else ""
            out.append(f'<line x1="{cx:.1f}" y1="{y - 3.5:.1f}" x2="{cx + 14:.1f}" y2="{y - 3.5:.1f}" stroke="{color}" stroke-width="2.5"{dash}/>')
        out.append(f'<text x="{cx + 18:.1f}" y="{y:.1f}" font-size="12">{escape(label)}</text>')
        cx += 18 + 7.0 * len(label) + 18
    return out


def column_chart(
    categories: Sequence[str],
    bars: Sequence[tuple[str, Sequence[float], str]],
    lines: Sequence[tuple[str, Sequence[float | None], str, bool]] = (),
    title: str = "",
    y_label: str = "",
    width: int = 900,
    height: int = 300,
    label_every: int = 1,
    integer: bool = True,
) -> str:
    """Stacked columns per category, with optional lines (name, values, color, dashed) on the same axis."""
    left, right, top, bottom = 52, 12, 46 if title else 30, 34
    pw, ph = width - left - right, height - top - bottom
    n = max(len(categories), 1)
    stack_tops = [sum(b[1][i] or 0 for b in bars) for i in range(len(categories))]
    line_max = [v for ln in lines for v in ln[1] if v is not None]
    ticks = nice_ticks(max(stack_tops + line_max + [0]), integer=integer)
    ymax = ticks[-1] or 1
    slot = pw / n
    bw = max(slot * 0.7, 1)

    def y(v: float) -> float:
        return top + ph - ph * v / ymax

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title or y_label)}" style="{FONT};max-width:{width}px">']
    if title:
        out.append(f'<text x="{left}" y="18" font-size="14" font-weight="600">{escape(title)}</text>')
    legend = [(name, color, "box") for name, _, color in bars] + [(name, color, "dash" if dashed else "line") for name, _, color, dashed in lines]
    out += _legend(legend, left, top - 12)
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e3e6ea"/>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{_num(t)}</text>')
    if y_label:
        out.append(f'<text transform="translate(13,{top + ph / 2:.1f}) rotate(-90)" font-size="11" text-anchor="middle" fill="#555">{escape(y_label)}</text>')
    for i, cat in enumerate(categories):
        x0 = left + i * slot + (slot - bw) / 2
        base = 0.0
        tip = []
        for name, values, color in bars:
            v = values[i] or 0
            if v > 0:
                out.append(f'<rect x="{x0:.1f}" y="{y(base + v):.1f}" width="{bw:.1f}" height="{y(base) - y(base + v):.1f}" fill="{color}"><title>{escape(f"{cat} {name}: {_num(v)}")}</title></rect>')
            base += v
            tip.append(f"{name} {_num(v)}")
        if i % label_every == 0:
            out.append(f'<text x="{left + (i + 0.5) * slot:.1f}" y="{top + ph + 15}" font-size="11" text-anchor="middle" fill="#333">{escape(cat)}</text>')
    for name, values, color, dashed in lines:
        pts = [(left + (i + 0.5) * slot, y(v)) for i, v in enumerate(values) if v is not None]
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        if len(pts) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"{dash}/>')
        for (px, py), v in zip(pts, [v for v in values if v is not None]):
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"><title>{escape(f"{name}: {_num(v)}")}</title></circle>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#888"/>')
    out.append("</svg>")
    return "\n".join(out)


def bar_list(
    labels: Sequence[str],
    values: Sequence[float],
    color: str = "#2f6f9f",
    fmt: Callable[[float], str] = _num,
    title: str = "",
    width: int = 640,
    label_width: int = 230,
) -> str:
    """Horizontal bars, one per label, longest first as given; the value is printed at the bar's end."""
    row, top = 22, 26 if title else 6
    height = top + row * max(len(labels), 1) + 6
    vmax = max(list(values) + [0]) or 1
    value_room = 12 + 7 * max((len(fmt(v)) for v in values), default=4)  # the printed value after the longest bar
    pw = width - label_width - value_room
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(title)}" style="{FONT};max-width:{width}px">']
    if title:
        out.append(f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>')
    for i, (label, v) in enumerate(zip(labels, values)):
        yy = top + i * row
        shown = label if len(label) <= 34 else label[:33] + "…"
        out.append(f'<text x="{label_width - 8}" y="{yy + 15}" font-size="12" text-anchor="end"><title>{escape(label)}</title>{escape(shown)}</text>')
        w = pw * (v / vmax)
        out.append(f'<rect x="{label_width}" y="{yy + 4}" width="{max(w, 0.5):.1f}" height="{row - 8}" fill="{color}" rx="2"/>')
        out.append(f'<text x="{label_width + w + 5:.1f}" y="{yy + 15}" font-size="12" fill="#333">{escape(fmt(v))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def heat_color(value: float, vmax: float) -> str:
    """White to deep red; used for the vaccine x symptom table."""
    if vmax <= 0 or value <= 0:
        return "#ffffff"
    t = min(value / vmax, 1.0) ** 0.6
    r, g, b = 255, int(245 - 170 * t), int(240 - 190 * t)
    return f"#{r:02x}{g:02x}{b:02x}"
