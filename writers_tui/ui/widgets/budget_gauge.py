"""One spending limit as a one-line gauge: ``daily ▕███████▌░░░░▏ $4.10 of $5.00 · 82%``.

Generic (any "spent against a limit" with a warn ratio). The gauge's state is a CSS class
so the theme decides the colour: ``-warning`` from ``warn_ratio`` on, ``-error`` from
the limit on (spent ≥ limit). Tests and other widgets read :attr:`level`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from rich.text import Text
from textual.widget import Widget

from writers_tui.ui.status import format_money

Level = Literal["ok", "warning", "error"]

#: Partial cells for the bar's end, in eighths.
_PARTS = " ▏▎▍▌▋▊▉"
BAR_CELLS = 24


def gauge_level(spent: Decimal, limit: Decimal, warn_ratio: float) -> Level:
    """``error`` at or past the limit, ``warning`` from the warn ratio on, else ``ok``."""
    if limit <= 0:
        return "error" if spent > 0 else "ok"
    ratio = spent / limit
    if ratio >= 1:
        return "error"
    if ratio >= Decimal(str(warn_ratio)):
        return "warning"
    return "ok"


def gauge_bar(fraction: float, cells: int = BAR_CELLS) -> str:
    """``fraction`` (0…1, clipped) of ``cells`` in eighth blocks, the rest a light shade."""
    eighths = round(min(max(fraction, 0.0), 1.0) * cells * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_PARTS[part] if part else "")
    return bar + "░" * (cells - len(bar))


class BudgetGauge(Widget):
    """A named limit, what was spent against it, and a bar coloured by its level."""

    DEFAULT_CSS = """
    BudgetGauge { height: 1; width: 1fr; color: $success; }
    BudgetGauge.-warning { color: $warning; }
    BudgetGauge.-error { color: $error; text-style: bold; }
    """

    def __init__(
        self,
        label: str,
        spent: Decimal = Decimal(0),
        limit: Decimal = Decimal(0),
        *,
        warn_ratio: float = 0.8,
        period: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        self.period = period
        self.warn_ratio = warn_ratio
        self.spent = spent
        self.limit = limit
        self._apply_level()

    @property
    def fraction(self) -> float:
        return float(self.spent / self.limit) if self.limit > 0 else 0.0

    @property
    def level(self) -> Level:
        return gauge_level(self.spent, self.limit, self.warn_ratio)

    def show(
        self, spent: Decimal, limit: Decimal, *, warn_ratio: float | None = None, period: str = ""
    ) -> None:
        """New figures: the bar, the text and the level class follow."""
        self.spent, self.limit = spent, limit
        if warn_ratio is not None:
            self.warn_ratio = warn_ratio
        if period:
            self.period = period
        self._apply_level()
        self.refresh()

    def _apply_level(self) -> None:
        level = self.level
        self.set_class(level == "warning", "-warning")
        self.set_class(level == "error", "-error")

    @property
    def text(self) -> str:
        percent = f"{self.fraction * 100:.0f}%"
        marker = {"ok": "", "warning": " ⚠", "error": " ⚠ limit reached"}[self.level]
        period = f" ({self.period})" if self.period else ""
        return (
            f"{self.label:<8} ▕{gauge_bar(self.fraction)}▏ {format_money(self.spent)} of "
            f"{format_money(self.limit)} · {percent}{marker}{period}"
        )

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")
