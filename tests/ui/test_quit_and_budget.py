"""Quitting when the session end cannot be written, the lock warning, and the budget
part of the status bar, on the real studio with a workspace that fails on demand."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.widgets import Label, Static

from tests.ui.apphelpers import SIZE, studio, until, writing_ready
from writers_tui.ui.bridge import to_message
from writers_tui.ui.messages import CostUpdated
from writers_tui.ui.modals.close_failed import CloseFailed
from writers_tui.ui.status import budget_view
from writers_tui.ui.widgets.status_bar import StatusBar
from writers_tui.workspace import LockWarning, SessionState, Workspace, session_state


@dataclass(frozen=True)
class Usage:
    period: str
    limit: Decimal
    spent: Decimal

    @property
    def ratio(self) -> Decimal:
        return self.spent / self.limit


class Faulty:
    """The real workspace, except that ``close()`` fails ``fail_closes`` times (disk full)
    and ``budget_usage()`` returns what the test sets."""

    def __init__(self, inner: Workspace, fail_closes: int) -> None:
        self._inner = inner
        self.fail_closes = fail_closes
        self.closes = 0
        self.abandoned = False
        self.usage: list[Usage] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def close(self) -> bool:
        self.closes += 1
        if self.closes <= self.fail_closes:
            raise OSError(28, "No space left on device", ".session/history.json")
        return await self._inner.close()

    async def abandon(self) -> None:
        self.abandoned = True
        await self._inner.abandon()

    async def budget_usage(self) -> list[Usage]:
        return list(self.usage)


def _faulty_studio(project: Path, fail_closes: int = 0) -> tuple[Any, list[Faulty]]:
    made: list[Faulty] = []

    async def opener(root: Path, read_only: bool) -> Any:
        workspace = Faulty(await Workspace.open(root, read_only=read_only), fail_closes)
        workspace.usage = [
            Usage("day", Decimal(5), Decimal("1.90")),
            Usage("month", Decimal(50), Decimal(3)),
        ]
        made.append(workspace)
        return workspace

    return studio(project, opener=opener), made


async def test_close_failure_asks_and_retry_then_closes(project: Path) -> None:
    app, made = _faulty_studio(project, fail_closes=2)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("x")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, CloseFailed))
        dialog = app.screen
        error = str(dialog.query_one("#error", Static).render())
        assert "No space left on device" in error and "\n" not in error
        assert app.is_running  # never gone silently
        await pilot.press("r")  # retry: fails again, the dialog comes back
        await until(pilot, lambda: isinstance(app.screen, CloseFailed) and app.screen is not dialog)
        assert made[0].closes == 2
        assert "Tried 2 times" in str(app.screen.query_one("#attempts", Static).render())
        await pilot.click("#retry")
        await until(pilot, lambda: not app.is_running)
    assert made[0].closes == 3 and not made[0].abandoned
    assert session_state(project).state is SessionState.CLOSED


async def test_close_failure_quit_anyway_abandons_for_recovery(project: Path) -> None:
    app, made = _faulty_studio(project, fail_closes=5)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, CloseFailed))
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)
    assert made[0].abandoned
    assert session_state(project).state is SessionState.INTERRUPTED


async def test_budget_label_at_start_and_after_a_cost_and_the_lock_warning(
    project: Path,
) -> None:
    app, made = _faulty_studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        bar = app.screen.query_one(StatusBar)
        budget = bar.query_one("#sb-budget", Label)
        await until(pilot, lambda: bar.data.budget is not None)
        assert str(budget.render()) == "day 38% of $5"  # the tightest limit
        assert not budget.has_class("-warning")
        made[0].usage = [Usage("day", Decimal(5), Decimal("4.10"))]
        app.post_message(CostUpdated(Decimal("2.20"), Decimal("4.10")))
        await until(pilot, lambda: budget.has_class("-warning"))
        assert str(budget.render()) == "⚠ day 82% of $5"
        assert str(bar.query_one("#sb-cost", Label).render()) == "$4.10"
        message = to_message(LockWarning(".session/lock was replaced; it was locked again"))
        assert message is not None
        app.post_message(message)
        await until(
            pilot, lambda: any("locked again" in str(n.message) for n in app._notifications)
        )
        assert [n.severity for n in app._notifications if "locked again" in str(n.message)] == [
            "warning"
        ]


def test_budget_view_picks_the_tightest_limit_and_warns_past_the_ratio() -> None:
    assert budget_view([]) is None
    assert budget_view([Usage("day", Decimal(0), Decimal(0))]) is None
    view = budget_view(
        [Usage("day", Decimal(5), Decimal("0.50")), Usage("week", Decimal("2.50"), Decimal(2))]
    )
    assert view is not None
    assert view.text == "⚠ week 80% of $2.50" and view.warning
    calm = budget_view([Usage("day", Decimal(5), Decimal("3.90"))], 0.9)
    assert calm is not None and not calm.warning and calm.text == "day 78% of $5"
