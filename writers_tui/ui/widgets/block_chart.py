"""A small bar chart drawn with Unicode blocks: one bar per value, oldest on the left.

Generic on purpose (daily spend, words per day, anything "a number per bucket"): it takes
plain numbers and two axis labels, and formats the peak with a caller's function. Bars are
eighth-blocks (``▁``…``█``) stacked over as many rows as the widget is high, so a 30-day
chart needs 30 cells of width and a few rows; colours come from the theme (the widget's
``color`` for bars, the ``block-chart--axis`` component class for the labels).

A zero is drawn as nothing at all, so "no spend" never looks like "a little spend".
(Used by the Costs and History screens; the Analyzing/Scoring charts are in
``unicode_charts.py``.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

#: Eighths of a cell, from empty to full.
EIGHTHS = " ▁▂▃▄▅▆▇█"
BLANK = " "


def bar_cells(value: float, peak: float, rows: int) -> list[str]:
    """The cells of one bar from the top row down (``rows`` of them)."""
    if peak <= 0 or value <= 0:
        return [BLANK] * rows
    eighths = max(1, round(value / peak * rows * 8))  # a non-zero value always shows
    cells: list[str] = []
    for row in range(rows - 1, -1, -1):  # top row first
        filled = min(8, max(0, eighths - row * 8))
        cells.append(EIGHTHS[filled])
    return cells


def _plain_number(value: float) -> str:
    return f"{value:,.0f}"


class BlockChart(Widget):
    """A vertical bar chart of ``values`` with a caption row and an axis row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"block-chart--axis"}

    DEFAULT_CSS = """
    BlockChart { height: 8; width: 1fr; color: $primary; }
    BlockChart > .block-chart--axis { color: $text-muted; }
    """

    values: reactive[tuple[float, ...]] = reactive((), layout=False)

    def __init__(
        self,
        values: Sequence[float] = (),
        *,
        first_label: str = "",
        last_label: str = "",
        caption: str = "",
        format_value: Callable[[float], str] = _plain_number,
        empty_text: str = "nothing yet",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.first_label = first_label
        self.last_label = last_label
        self.caption = caption
        self.format_value = format_value
        self.empty_text = empty_text
        self.set_reactive(BlockChart.values, tuple(float(v) for v in values))

    def plot(
        self,
        values: Sequence[float],
        *,
        first_label: str | None = None,
        last_label: str | None = None,
        caption: str | None = None,
    ) -> None:
        """Show new values (and optionally new labels)."""
        if first_label is not None:
            self.first_label = first_label
        if last_label is not None:
            self.last_label = last_label
        if caption is not None:
            self.caption = caption
        self.values = tuple(float(v) for v in values)
        self.refresh()

    @property
    def peak(self) -> float:
        return max(self.values, default=0.0)

    def head(self) -> str:
        """The caption row: the caller's caption and the peak (or the empty text)."""
        parts = [self.caption] if self.caption else []
        parts.append(f"peak {self.format_value(self.peak)}" if self.peak > 0 else self.empty_text)
        return " · ".join(parts)

    def render(self) -> Text:
        width = max(1, self.size.width)
        rows = max(1, self.size.height - 2)  # a caption row on top, an axis row below
        axis_style = self.get_component_rich_style("block-chart--axis")
        shown = self.values[-width:]  # the newest values win when the widget is narrow
        peak = self.peak
        step = 2 if len(shown) * 2 <= width else 1  # a gap between bars when there is room
        columns = [bar_cells(value, peak, rows) for value in shown]
        lines = [Text(self.head()[:width], style=axis_style)]
        for row in range(rows):
            lines.append(Text("".join(column[row] + BLANK * (step - 1) for column in columns)))
        used = max(1, len(shown) * step - (step - 1))
        gap = max(1, used - len(self.first_label) - len(self.last_label))
        axis = f"{self.first_label}{' ' * gap}{self.last_label}" if shown else ""
        lines.append(Text(axis[:width], style=axis_style))
        return Text("\n").join(lines)
