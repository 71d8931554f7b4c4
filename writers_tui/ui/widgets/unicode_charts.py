"""Charts drawn with Unicode blocks (Analyzing, Scoring): bars for lists, columns for trends.

The issue asks for charts without a plotting dependency; eighth-blocks give a bar eight
times finer than a cell, which is enough to compare scene lengths or see a score drift
by a point. The drawing is pure functions (testable without an app); :class:`ColumnChart`
only shows what :func:`column_rows` draws, and keeps the values it plotted so a test
(or a screen reader of the DOM) can ask what is on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

#: Left-to-right eighths of a cell, for horizontal bars.
H_EIGHTHS = " ▏▎▍▌▋▊▉"
#: Bottom-to-top eighths of a cell, for columns.
V_EIGHTHS = "▁▂▃▄▅▆▇█"
#: Shades from light to full, for a grid of counts (a heat map without colours).
SHADES = "░▒▓█"


def hbar(value: float, maximum: float, width: int) -> str:
    """A bar ``width`` cells long at ``maximum``, in eighth-cell steps (never negative)."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = min(width * 8, max(1, round(value / maximum * width * 8)))
    full, rest = divmod(eighths, 8)
    return "█" * full + (H_EIGHTHS[rest] if rest else "")


def shade(count: int, maximum: int) -> str:
    """One shade block for ``count`` out of ``maximum`` ("" for none)."""
    if count <= 0 or maximum <= 0:
        return ""
    index = min(len(SHADES) - 1, math.ceil(count / maximum * len(SHADES)) - 1)
    return SHADES[index]


def scale_for(
    values: Sequence[float], floor: float = 0.0, ceiling: float = 100.0
) -> tuple[float, float]:
    """A y range that shows small changes: a little below the lowest value, at least 10
    points tall, kept inside ``floor``–``ceiling`` (scores are 0–100)."""
    if not values:
        return floor, ceiling
    low = max(floor, math.floor(min(values) / 5) * 5 - 5)
    high = min(ceiling, max(math.ceil(max(values) / 5) * 5, low + 10))
    if high - low < 10:
        low = max(floor, high - 10)
    return float(low), float(high)


def column_rows(
    values: Sequence[float], height: int, low: float, high: float, width: int = 2
) -> list[str]:
    """The chart's lines, top first: one column of ``width`` cells per value (plus a gap).

    Every value gets at least one eighth, so a point at the bottom of the range is still
    visible as a point.
    """
    span = high - low or 1.0
    levels = [max(1, round(min(max((v - low) / span, 0.0), 1.0) * height * 8)) for v in values]
    rows = []
    for row in range(height):
        base = (height - 1 - row) * 8
        cells = []
        for level in levels:
            fill = min(max(level - base, 0), 8)
            cells.append((V_EIGHTHS[fill - 1] if fill else " ") * width)
        rows.append(" ".join(cells).rstrip())
    return rows


class ColumnChart(Static):
    """A column chart of a series (oldest first) with its y range on the left."""

    DEFAULT_CSS = """
    ColumnChart {
        height: auto;
        color: $primary;
    }
    """

    def __init__(self, *, height: int = 6, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.chart_height = height
        #: what is plotted now (the last values that fit the width)
        self.points: list[float] = []
        self.empty_text = "No data yet."

    def plot(self, values: Sequence[float], *, caption: str = "", empty: str = "") -> None:
        """Draw ``values``; when they do not fit, the most recent ones are kept."""
        fit = max(1, (max(self.size.width, 60) - 8) // 3)
        shown = list(values)[-fit:]
        self.points = shown
        if not shown:
            self.update(Text(empty or self.empty_text, style="italic"))
            return
        low, high = scale_for(shown)
        rows = column_rows(shown, self.chart_height, low, high)
        text = Text()
        for index, line in enumerate(rows):
            axis = (
                f"{high:>5.0f} ┤"
                if index == 0
                else f"{low:>5.0f} ┤"
                if index == len(rows) - 1
                else "      │"
            )
            text.append(axis, style="dim")
            text.append(line + "\n")
        text.append("      └" + "─" * (len(shown) * 3), style="dim")
        if caption:
            text.append(f"\n       {caption}", style="dim")
        self.update(text)
