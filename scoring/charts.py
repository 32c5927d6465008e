"""Server-side SVG charts: the views prepare coordinates, the templates draw them.

Everything is drawn with SVG presentation attributes (x, width, fill), never `style`, so the
charts pass the strict Content Security Policy and print the same in a PDF.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.templatetags.scoring import points as format_points

BRAND = "#a3121d"
PALETTE = ["#1e7b34", "#2f6fb0", "#c77c02", "#a3121d", "#6c757d", "#6f42c1"]
# Charts are drawn at their own size, never scaled down (scaled text would shrink below 11 px on
# a phone): narrow enough for a 390 px screen, each bar's label written above it and its value at
# the right edge, clear of the bar and of the scale's mark.
WIDTH = 320
PAD = 8
PLOT_WIDTH = 256
ROW_HEIGHT = 42


def _label(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def totals_by_unit(rows: list[dict[str, Any]], bands: list[str], scale: Decimal) -> dict[str, Any]:
    """Horizontal bars: each unit's total, coloured by its classification, with the scale marked."""
    top = max([scale, *[row["total"] for row in rows]]) if rows else scale
    top = top if top > 0 else Decimal(1)
    colours = {band: PALETTE[i % len(PALETTE)] for i, band in enumerate(bands)}
    bars = []
    for i, row in enumerate(rows):
        width = float(max(row["total"], Decimal(0)) / top) * PLOT_WIDTH
        bars.append(
            {
                "label_y": i * ROW_HEIGHT + 13,
                "y": i * ROW_HEIGHT + 18,
                "text_y": i * ROW_HEIGHT + 31,
                "width": round(width, 1),
                "value_x": WIDTH - 2,
                "label": _label(f"{row['rank']}. {row['unit_name']}"),
                "title": f"{row['unit_name']}: {format_points(row['total'])}",
                "value": format_points(row["total"]),
                "fill": colours.get(row["band"], "#6c757d"),
            }
        )
    height = max(len(rows), 1) * ROW_HEIGHT
    step = _nice_step(top)
    ticks = []
    value = Decimal(0)
    while value <= top:
        x = PAD + round(float(value / top) * PLOT_WIDTH, 1)
        ticks.append({"x": x, "label": format_points(value)})
        value += step
    scale_x = PAD + round(float(scale / top) * PLOT_WIDTH, 1)
    return {
        "width": WIDTH,
        "height": height + 24,
        "plot_height": height,
        "pad": PAD,
        "bars": bars,
        "ticks": ticks,
        "scale_x": scale_x,
        "legend": [{"label": band, "fill": colours[band], "x": i} for i, band in enumerate(bands)],
    }


def section_profile(sections: list[dict[str, Any]]) -> dict[str, Any]:
    """One bar per section: the share of its maximum (or cap) the unit reached."""
    plot_width = 220
    bars = []
    for i, section in enumerate(sections):
        maximum = Decimal(section["max"])
        points = section["points"]
        share = float(points / maximum) if maximum > 0 else 0.0
        share = min(max(share, 0.0), 1.0)
        bars.append(
            {
                "label_y": i * 44 + 13,
                "y": i * 44 + 18,
                "text_y": i * 44 + 32,
                "width": round(share * plot_width, 1),
                "label": _label(f"{section['code']}. {section['title']}"),
                "value": f"{format_points(points)} / {format_points(maximum)}",
                "value_x": PAD + plot_width + 6,
                "fill": "#c0392b"
                if section["kind"] == "deduction"
                else ("#c77c02" if section["kind"] == "bonus" else BRAND),
                "percent": round(share * 100),
            }
        )
    return {
        "width": WIDTH,
        "height": max(len(bars), 1) * 44,
        "pad": PAD,
        "plot_width": plot_width,
        "bars": bars,
    }


def totals_across_years(points: list[tuple[int, Decimal, int]]) -> dict[str, Any]:
    """Vertical bars: a unit's published total in each year, with its rank."""
    top = max([p[1] for p in points] + [Decimal(1)])
    plot_height = 160
    step = 70
    bars = []
    for i, (year, total, rank) in enumerate(points):
        height = round(float(max(total, Decimal(0)) / top) * plot_height, 1)
        bars.append(
            {
                "x": 30 + i * step,
                "y": 20 + plot_height - height,
                "height": height,
                "label_x": 30 + i * step + 20,
                "year": year,
                "value": format_points(total),
                "rank": rank,
            }
        )
    return {
        "width": 60 + max(len(points), 1) * step,
        "height": plot_height + 60,
        "base_y": 20 + plot_height,
        "bars": bars,
    }


def _nice_step(top: Decimal) -> Decimal:
    """A round step (1, 2 or 5 times a power of ten) giving four to eight grid lines."""
    magnitude = Decimal(10) ** (len(str(int(top))) - 1) if top >= 1 else Decimal(1)
    for factor in (
        Decimal("0.1"),
        Decimal("0.2"),
        Decimal("0.5"),
        Decimal(1),
        Decimal(2),
        Decimal(5),
    ):
        step = magnitude * factor
        if top / step <= 8:
            return step
    return magnitude * 10
