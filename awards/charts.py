"""The SVG markup of the awards' bar charts (statistics, council sessions, block ballots).

The views compute each chart's coordinates; these functions write its `<svg>` in one pass in
Python. A template loop cost a variable lookup and an escape per attribute, a few thousand per
chart; this writes the same markup for a fraction of that. Presentation attributes only, never
`style` (strict CSP). Numbers are written as Python writes them (`126.7`, never `126,7`), as the
templates did with `{% localize off %}`; text is escaped as the templates escaped it.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _svg(width: Any, height: Any, title_id: str, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg class="chart img-fluid" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" aria-labelledby="{title_id}">\n'
        f'  <title id="{title_id}">{escape(title)}</title>\n'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text in it is escaped


def statistics_svg(chart: dict[str, Any], *, chart_id: str, title: str) -> SafeString:
    """Two horizontal bars per row (sent, awarded) with a value scale, as `bar_chart` laid out."""
    label_x = chart["label_width"] - 8
    label_width = chart["label_width"]
    body = [
        f'  <line x1="{t["x"]}" x2="{t["x"]}" y1="0" y2="{chart["plot_height"]}"'
        ' stroke="#dee2e6" stroke-width="1"/>\n'
        f'  <text x="{t["x"]}" y="{chart["tick_y"]}" text-anchor="middle" font-size="11"'
        f' fill="#6c757d">{t["label"]}</text>\n'
        for t in chart["ticks"]
    ]
    for group in chart["groups"]:
        body.append(
            f"  <g>\n    <title>{escape(group['title'])}</title>\n"
            f'    <text x="{label_x}" y="{group["text_y"]}" text-anchor="end" font-size="12"'
            f' fill="#212529">{escape(group["label"])}</text>\n'
        )
        body.extend(
            f'    <rect x="{label_width}" y="{bar["y"]}" width="{bar["width"]}" height="11"'
            f' fill="{bar["fill"]}" rx="2"/>\n'
            f'    <text x="{bar["value_x"]}" y="{bar["value_y"]}" font-size="10"'
            f' fill="#212529">{bar["value"]}</text>\n'
            for bar in group["bars"]
        )
        body.append("  </g>\n")
    return _svg(chart["width"], chart["height"], f"{chart_id}-title", title, body)


def votes_svg(
    chart: dict[str, Any], *, title_id: str, title: str, disagree: bool, needed_per_bar: bool
) -> SafeString:
    """One bar per candidate or agenda item: votes for (and, with `disagree`, against), the
    votes needed marked per bar or, without `needed_per_bar`, once across the plot."""
    label_x = chart["label_width"] - 8
    label_width = chart["label_width"]
    body = []
    for bar in chart["bars"]:
        counts = f"{bar['agree']} / {bar['disagree']}" if disagree else f"{bar['agree']}"
        parts = [
            f"  <g>\n    <title>{escape(bar['title'])}: {counts}</title>\n"
            f'    <text x="{label_x}" y="{bar["text_y"]}" text-anchor="end" font-size="12"'
            f' fill="#212529">{escape(bar["label"])}</text>\n'
            f'    <rect x="{label_width}" y="{bar["y"]}" width="{bar["agree_width"]}"'
            f' height="20" fill="{bar["fill"]}" rx="2"/>\n'
        ]
        if disagree:
            parts.append(
                f'    <rect x="{bar["disagree_x"]}" y="{bar["y"]}" width="{bar["disagree_width"]}"'
                ' height="20" fill="#e9a5aa" rx="2"/>\n'
            )
        if needed_per_bar:
            parts.append(
                f'    <line x1="{bar["needed_x"]}" x2="{bar["needed_x"]}" y1="{bar["needed_y1"]}"'
                f' y2="{bar["needed_y2"]}" stroke="#212529" stroke-width="1"'
                ' stroke-dasharray="3 2"/>\n'
            )
        parts.append(
            f'    <text x="{bar["value_x"]}" y="{bar["text_y"]}" font-size="12"'
            f' fill="#212529">{counts}</text>\n  </g>\n'
        )
        body.extend(parts)
    if not needed_per_bar:
        body.append(
            f'  <line x1="{chart["needed_x"]}" x2="{chart["needed_x"]}" y1="0"'
            f' y2="{chart["plot_height"]}" stroke="#212529" stroke-width="1"'
            ' stroke-dasharray="4 3"/>\n'
        )
    return _svg(chart["width"], chart["height"], title_id, title, body)
