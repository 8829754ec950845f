"""Small bar charts drawn on the server as inline SVG: no script, nothing fetched.

The SVG is an image with a name (``<title>``) and a summary (``<desc>``) for screen readers;
the page shows the same numbers in a table next to it. Every text that goes in is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 170
VALUE_WIDTH = 110
PADDING = 8
MAX_LABEL = 26  # characters of a label drawn in the chart (the table has the full text)


def bar_chart(chart_id: str, title: str, description: str, rows: Sequence[tuple[str, Decimal]],
              show_value: Callable[[Decimal], str]) -> Markup:
    """Horizontal bars, one per ``(label, value)``, longest for the largest value."""
    largest = max((value for _, value in rows), default=Decimal(0))
    bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PADDING
    height = PADDING * 2 + len(rows) * (BAR_HEIGHT + GAP)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = PADDING + index * (BAR_HEIGHT + GAP)
        length = 0 if not largest else max(1, round(float(value / largest) * bar_space))
        shown = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        middle = y + BAR_HEIGHT / 2
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 6}" y="{middle}" text-anchor="end" dominant-baseline="middle" '
            f'class="chart-label">{escape(shown)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" class="chart-bar"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" dominant-baseline="middle" '
            f'class="chart-value">{escape(show_value(value))}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
