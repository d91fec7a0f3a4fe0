"""Charts as inline SVG drawn on the server: no chart library, nothing loaded from another host, and the
numbers are in the page for screen readers (``<title>`` on each mark, ``aria-label`` on each chart)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup


def _e(value: object) -> str:
    return escape(str(value), quote=True)


Fmt = str | Callable[[float], str]  # a ``str.format`` pattern, or a function (the page language's grouping)


def _fmt(fmt: Fmt, value: float) -> str:
    return _e(fmt(value) if callable(fmt) else fmt.format(value))


def _short(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(rows: Sequence[tuple[str, float]], label: str, width: int = 560, fmt: Fmt = "{:.0f}") -> Markup:
    """Horizontal bars, one per row, longest bar = largest value."""
    bar_h, gap, label_w = 22, 8, 190
    height = max(1, len(rows)) * (bar_h + gap)
    top = max((v for _, v in rows), default=0.0) or 1.0
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{_e(label)}">'
    ]
    for i, (name, value) in enumerate(rows):
        y = i * (bar_h + gap)
        w = max(1.0, (width - label_w - 60) * value / top)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12">{_e(_short(name))}'
            f"<title>{_e(name)}</title></text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" class="bar">'
            f"<title>{_e(name)}: {_fmt(fmt, value)}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12">{_fmt(fmt, value)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    points: Sequence[tuple[str, float | None]],
    label: str,
    *,
    width: int = 560,
    height: int = 180,
    y_range: tuple[float, float] | None = None,
    fmt: Fmt = "{:.0f}",
    css_class: str = "line",
) -> Markup:
    """A line over labelled x points (weeks); ``None`` values break the line. ``y_range`` fixes the axis
    (sentiment −1..1), otherwise it runs from 0 to the largest value."""
    pad_l, pad_r, pad_t, pad_b = 36, 10, 12, 28
    values = [v for _, v in points if v is not None]
    lo, hi = y_range if y_range else (0.0, max(values, default=0.0) or 1.0)
    span = (hi - lo) or 1.0
    n = len(points)
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v: float) -> float:
        return pad_t + inner_h * (1 - (min(hi, max(lo, v)) - lo) / span)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{_e(label)}">'
    ]
    for tick in (lo, (lo + hi) / 2, hi):
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{pad_l - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="10">'
            f"{_fmt(fmt, tick)}</text>"
        )
    segment: list[str] = []
    for i, (_, v) in enumerate(points):
        if v is None:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" class="{css_class}"/>')
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(v):.1f}")
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" class="{css_class}"/>')
    # Labels >= 85 px apart: a date is ~55 px at 10 px, and the first and last are aligned to the edges.
    step = max(1, -(-n * 85 // inner_w))
    for i, (name, v) in enumerate(points):
        if v is not None:
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" class="dot">'
                f"<title>{_e(name)}: {_fmt(fmt, v)}</title></circle>"
            )
        gap_to_last = (n - 1 - i) * inner_w / max(1, n - 1)
        if i == n - 1 or (i % step == 0 and gap_to_last >= 85):  # the last date, right-aligned, always shows
            anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="{anchor}" font-size="10">'
                f"{_e(name)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
