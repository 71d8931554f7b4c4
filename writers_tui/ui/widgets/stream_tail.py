"""The end of a growing text, drawn cheaply: what an AI answer looks like while it streams.

A read-only ``TextArea`` that grows by an insert every 50 ms costs the loop a layout of
the whole screen each time (its virtual size changed) and a re-render of every visible
row; with the writer typing beside it, that was the largest stall in
``benchmarks/bench_ai_stream.py``. This widget has a fixed size (its container's), keeps
the text as a list of paragraphs, and draws only the rows that fit at the bottom: an
append re-wraps the paragraphs it needs and asks for a repaint, never a layout. When the
stream is over the full text goes into a ``TextArea`` (for scrolling and selecting) once.
"""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.widget import Widget


class StreamTail(Widget):
    """The last rows of a text, soft-wrapped to the widget's width."""

    DEFAULT_CSS = """
    StreamTail { height: 1fr; width: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._paragraphs: list[str] = [""]

    @property
    def text(self) -> str:
        return "\n".join(self._paragraphs)

    def clear(self) -> None:
        self._paragraphs = [""]
        self.refresh()

    def append(self, text: str) -> None:
        """Add ``text`` at the end (a repaint, never a layout)."""
        first, *rest = text.split("\n")
        self._paragraphs[-1] += first
        self._paragraphs.extend(rest)
        self.refresh()

    def tail_rows(self, width: int, height: int) -> list[str]:
        """The last ``height`` rows of the text wrapped at ``width``: only the paragraphs
        needed to fill them are wrapped."""
        if width <= 0 or height <= 0:
            return []
        rows: list[str] = []
        room = width * (height + 2) * 2  # more than enough characters for the rows
        for paragraph in reversed(self._paragraphs):
            if len(paragraph) > room:  # a long paragraph: wrap only its end
                paragraph = paragraph[-room:].split(" ", 1)[-1]
            wrapped = textwrap.wrap(paragraph, width, drop_whitespace=True) or [""]
            rows[:0] = wrapped
            if len(rows) >= height:
                break
        return rows[-height:]

    def render(self) -> Content:
        size = self.content_size
        return Content("\n".join(self.tail_rows(size.width, size.height)))
