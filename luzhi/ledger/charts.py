"""A small server-side SVG line chart (no JavaScript, no CDN): progress per special committee per month."""

from __future__ import annotations

from typing import Any

COLOURS = ["#c00000", "#1f6feb", "#2da44e", "#bf8700", "#8250df", "#d63384", "#0a7ea4", "#6e7781", "#e36209"]
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 300, 40, 16, 16, 28


def line_chart(months: list[int], series: list[dict[str, Any]]) -> dict[str, Any]:
    """Return coordinates for the template to draw: axes, gridlines, one polyline per series."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(months) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / 100), 1)

    lines = []
    for n, s in enumerate(series):
        points = [(x(i), y(v)) for i, v in enumerate(s["values"])]
        lines.append(
            {
                "name": s["name"],
                "colour": COLOURS[n % len(COLOURS)],
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": [{"x": px, "y": py, "value": v} for (px, py), v in zip(points, s["values"], strict=True)],
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "grid": [{"y": y(v), "label": v} for v in (0, 25, 50, 75, 100)],
        "ticks": [{"x": x(i), "label": f"{m}月"} for i, m in enumerate(months)],
        "lines": lines,
        "empty": not months or not series,
    }
