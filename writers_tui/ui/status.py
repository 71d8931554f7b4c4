"""What the status bar shows, as plain data, and the formatting of each part.

Kept apart from the widget so the words, the goal bar and the budget text can be tested
as functions, and so the App can build one :class:`StatusData` from Workspace events
that every screen's status bar shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from writers_tui.ui.ports import BudgetUsageLike, SaveStateLike

GOAL_BAR_CELLS = 10
BUDGET_WARN_RATIO = 0.8


@dataclass(frozen=True)
class BudgetView:
    """The budget part: ``fraction`` of the tightest limit spent (None: no limit)."""

    fraction: float | None
    text: str
    warned: bool = False  # the workspace sent a BudgetWarning
    warn_ratio: float = BUDGET_WARN_RATIO

    @property
    def warning(self) -> bool:
        return self.warned or (self.fraction is not None and self.fraction >= self.warn_ratio)


@dataclass(frozen=True)
class StatusData:
    stage: str = ""
    file_title: str | None = None
    session_words: int = 0
    day_words: int | None = None
    daily_goal: int | None = None
    save: SaveStateLike | None = None
    session_cost: Decimal = Decimal(0)
    budget: BudgetView | None = None
    read_only: bool = False

    def with_(self, **changes: object) -> StatusData:
        return replace(self, **changes)  # type: ignore[arg-type]


def format_money(amount: Decimal) -> str:
    """Dollars for people: cents when that is honest, more digits for sub-cent amounts."""
    if amount == 0 or abs(amount) >= Decimal("0.01"):
        return f"${amount:,.2f}"
    return f"${amount.normalize():f}"


def format_limit(amount: Decimal) -> str:
    """A budget limit as people write it: ``$5``, ``$2.50``."""
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else format_money(amount)


def budget_view(
    usage: Sequence[BudgetUsageLike],
    warn_ratio: float = BUDGET_WARN_RATIO,
    *,
    warned: bool = False,
) -> BudgetView | None:
    """``day 38% of $5`` for the tightest limit (the highest share spent); None: no limit."""
    limited = [item for item in usage if item.limit > 0]
    if not limited:
        return None
    tightest = max(limited, key=lambda item: item.ratio)
    fraction = float(tightest.ratio)
    text = f"{tightest.period} {int(fraction * 100)}% of {format_limit(tightest.limit)}"
    view = BudgetView(fraction, text, warned=warned, warn_ratio=warn_ratio)
    return replace(view, text=f"⚠ {text}") if view.warning else view


def goal_fraction(words: int, goal: int | None) -> float | None:
    if not goal:
        return None
    return max(0.0, words / goal)


def goal_bar(words: int, goal: int | None, cells: int = GOAL_BAR_CELLS) -> str:
    """``goal ▓▓▓▓▓▓░░░░ 62%`` — or an empty string when there is no daily goal."""
    fraction = goal_fraction(words, goal)
    if fraction is None:
        return ""
    filled = min(cells, int(fraction * cells))
    return f"goal {'▓' * filled}{'░' * (cells - filled)} {int(fraction * 100)}%"


def words_text(data: StatusData) -> str:
    """``+412 words · goal ▓▓▓▓▓▓░░░░ 62%``: session words, then the day against the goal."""
    words = f"{data.session_words:+,} words"
    bar = goal_bar(
        data.day_words if data.day_words is not None else data.session_words, data.daily_goal
    )
    return f"{words} · {bar}" if bar else words
