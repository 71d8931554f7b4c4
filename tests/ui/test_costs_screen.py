"""The Costs screen (F6) on a real Workspace: totals, gauges, history, filter, export, add.

The screen is pushed on the real studio (``make_app`` with an open Workspace), so these
tests cover the same Workspace methods ``writers-tui costs`` uses; app.py's wiring of F6
is not needed for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.ui.apphelpers import set_preferences, tables_settled, until
from tests.ui.conftest import frozen_clock
from writers_tui.project import new_project
from writers_tui.ui.app import WritersApp, make_app
from writers_tui.ui.modals.expense import ExpenseDialog
from writers_tui.ui.screens.costs import CostsScreen
from writers_tui.ui.screens.writing import WritingScreen
from writers_tui.ui.widgets.budget_gauge import BudgetGauge, gauge_level
from writers_tui.workspace import Workspace

SIZE = (120, 36)
SONNET = "anthropic/claude-sonnet-4-5"  # $3 in / $15 out per million tokens


@asynccontextmanager
async def costs_screen(root: Path) -> AsyncIterator[tuple[WritersApp, Pilot[Any], CostsScreen]]:
    """The studio on ``root`` with the Costs screen pushed and loaded."""
    workspace = await Workspace.open(root, clock=frozen_clock)
    app = make_app(workspace.settings, workspace, clock=frozen_clock, handle_signals=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, WritingScreen))
            screen = CostsScreen()
            await app.push_screen(screen)
            await until(pilot, lambda: screen.view is not None)
            await pilot.pause()
            yield app, pilot, screen
    finally:
        await workspace.close()


async def add_via_dialog(pilot: Pilot[Any], **fields: str) -> ExpenseDialog:
    app = pilot.app
    await pilot.press("a")
    await until(pilot, lambda: isinstance(app.screen, ExpenseDialog))
    dialog = app.screen
    assert isinstance(dialog, ExpenseDialog)
    for field, value in fields.items():
        dialog.query_one(f"#{field}", Input).value = value
    await pilot.pause()
    dialog.query_one("#model", Input).focus()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


def totals_text(screen: CostsScreen) -> str:
    return str(screen.query_one("#totals", Static).render())


async def test_manual_expense_updates_totals_and_gauges(project: Path) -> None:
    set_preferences(project, budget={"daily_limit": 1.0, "monthly_limit": 10.0})
    async with costs_screen(project) as (app, pilot, screen):
        assert screen.view is not None
        assert screen.view.totals["session"].total == 0
        gauges = {gauge.id: gauge for gauge in screen.query(BudgetGauge)}
        assert set(gauges) == {"gauge-day", "gauge-month"}
        assert gauges["gauge-day"].level == "ok"

        # 100k in + 20k out on Sonnet = $0.30 + $0.30 = $0.60: 60% of the daily limit.
        await add_via_dialog(
            pilot, **{"model": SONNET, "input-tokens": "100000", "output-tokens": "20000"}
        )
        assert not isinstance(app.screen, ExpenseDialog)
        await until(pilot, lambda: screen.view is not None and screen.view.records)
        assert screen.view is not None
        assert screen.view.totals["session"].total == Decimal("0.6")
        assert screen.view.totals["day"].total == Decimal("0.6")
        assert "$0.60" in totals_text(screen)
        day = screen.query_one("#gauge-day", BudgetGauge)
        assert day.spent == Decimal("0.6") and day.level == "ok"
        assert app.status.session_cost == Decimal("0.6")  # the App heard the same event

        # Another $0.30 → 90% of the day: the warning class; the month stays calm.
        await add_via_dialog(
            pilot, **{"model": SONNET, "input-tokens": "100000", "output-tokens": "0"}
        )
        await until(pilot, lambda: screen.query_one("#gauge-day", BudgetGauge).spent > 0.6)
        day = screen.query_one("#gauge-day", BudgetGauge)
        assert day.has_class("-warning") and not day.has_class("-error")
        assert not screen.query_one("#gauge-month", BudgetGauge).has_class("-warning")
        table = screen.query_one("#operations", DataTable)
        assert table.row_count == 2


async def test_gauge_turns_to_error_at_the_limit(project: Path) -> None:
    set_preferences(project, budget={"daily_limit": 0.5})
    async with costs_screen(project) as (_app, pilot, screen):
        await add_via_dialog(
            pilot, **{"model": SONNET, "input-tokens": "100000", "output-tokens": "20000"}
        )
        await until(pilot, lambda: screen.query_one("#gauge-day", BudgetGauge).spent > 0)
        day = screen.query_one("#gauge-day", BudgetGauge)
        assert day.has_class("-error") and not day.has_class("-warning")


def test_gauge_levels_follow_the_warn_ratio() -> None:
    limit = Decimal(5)
    assert gauge_level(Decimal("3.99"), limit, 0.8) == "ok"
    assert gauge_level(Decimal("4.00"), limit, 0.8) == "warning"
    assert gauge_level(Decimal("4.99"), limit, 0.8) == "warning"
    assert gauge_level(Decimal("5.00"), limit, 0.8) == "error"
    assert gauge_level(Decimal("2.50"), limit, 0.5) == "warning"


async def test_refused_expense_is_shown_inline_and_nothing_recorded(project: Path) -> None:
    async with costs_screen(project) as (app, pilot, screen):
        dialog = await add_via_dialog(
            pilot, **{"model": "nosuch/model", "input-tokens": "10", "output-tokens": "10"}
        )
        assert app.screen is dialog  # still open, the writer can fix the model
        error = str(dialog.query_one("#expense-error", Static).render())
        assert error.startswith("model: unknown provider 'nosuch'")
        assert "\n" not in dialog.error

        dialog.query_one("#input-tokens", Input).value = "ten"
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.error == "input tokens: enter a whole number (0 or more)"

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not dialog and isinstance(app.screen, CostsScreen)
        assert screen.view is not None and not screen.view.records
        assert (
            not (project / ".session" / "costs.jsonl").exists()
            or not (project / ".session" / "costs.jsonl").read_text(encoding="utf-8").strip()
        )


async def test_unpriced_call_is_never_shown_as_zero(project: Path) -> None:
    async with costs_screen(project) as (_app, pilot, screen):
        await add_via_dialog(
            pilot,
            **{"model": "openai/my-finetune", "input-tokens": "1000", "output-tokens": "1000"},
        )
        await until(pilot, lambda: screen.view is not None and bool(screen.view.records))
        table = screen.query_one("#operations", DataTable)
        assert str(table.get_cell_at(Coordinate(0, 6))) == "unpriced"
        assert "1 unpriced" in totals_text(screen)
        assert "no known price" in totals_text(screen)


async def test_filter_narrows_and_sort_orders_the_history(project: Path) -> None:
    async with costs_screen(project) as (_app, pilot, screen):
        workspace = screen.costs_workspace
        assert workspace is not None
        await workspace.add_expense(SONNET, 1000, 100, operation="line-edit")
        await workspace.add_expense(SONNET, 50000, 100, operation="continuity")
        await workspace.add_expense("openai/gpt-4o-mini", 2000, 200, operation="line-edit")
        await until(pilot, lambda: screen.view is not None and len(screen.view.records) == 3)
        table = screen.query_one("#operations", DataTable)
        assert table.row_count == 3

        await pilot.press("slash")
        assert isinstance(screen.focused, Input)
        await pilot.press(*"line")
        await pilot.pause()
        assert table.row_count == 2
        assert {r.operation for r in screen.shown_records} == {"line-edit"}
        await pilot.press(*" gpt")
        await pilot.pause()
        assert [r.model_name for r in screen.shown_records] == ["openai/gpt-4o-mini"]
        assert "1 of 3" in str(screen.query_one("#filter-count").render())

        screen.query_one("#filter", Input).value = ""
        await pilot.press("escape")  # back to the table
        await pilot.pause()
        focused: object = screen.focused
        assert focused is table and table.row_count == 3
        table.cursor_coordinate = table.cursor_coordinate._replace(column=6)  # Cost
        await pilot.press("s")
        await pilot.pause()
        costs = [r.cost for r in screen.shown_records]
        assert screen.sort_column == "cost" and costs == sorted(costs, reverse=True)
        await pilot.press("s")
        await pilot.pause()
        assert [r.cost for r in screen.shown_records] == sorted(costs)


async def test_export_writes_a_csv_and_names_it(project: Path) -> None:
    async with costs_screen(project) as (app, pilot, screen):
        workspace = screen.costs_workspace
        assert workspace is not None
        await workspace.add_expense(SONNET, 1000, 100)
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = list((project / "output").glob("costs-*.csv"))
        assert len(written) == 1
        assert written[0].read_text(encoding="utf-8").startswith("period,cost")
        messages = [n.message for n in app._notifications]
        assert f"Costs exported to output/{written[0].name}" in messages


async def test_period_key_changes_the_breakdowns(project: Path) -> None:
    async with costs_screen(project) as (_app, pilot, screen):
        assert screen.period == "month"
        await pilot.press("p")
        await until(pilot, lambda: screen.period == "all")
        await pilot.pause()
        title = str(screen.query_one("#by-model-title").render())
        assert title == "By model · all time"


def _snapshot_app(tmp_path: Path) -> Any:
    root = new_project(tmp_path / "novel", title="Snapshot Novel")
    set_preferences(root, budget={"daily_limit": 1.0, "weekly_limit": 5.0, "monthly_limit": 20})
    holder: dict[str, Workspace] = {}

    async def opener(path: Path, read_only: bool) -> Any:
        workspace = await Workspace.open(path, read_only=read_only, clock=frozen_clock)
        holder["ws"] = workspace
        return workspace

    app = make_app(
        __import__("writers_tui.config", fromlist=["Settings"]).Settings(),
        root=root,
        opener=opener,
        clock=frozen_clock,
        handle_signals=False,
    )

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, WritingScreen))
        workspace = holder["ws"]
        await workspace.add_expense(SONNET, 120000, 30000, operation="line-edit")
        await workspace.add_expense(
            SONNET, 40000, 8000, cached_tokens=20000, operation="continuity"
        )
        await workspace.add_expense("openai/gpt-4o-mini", 9000, 1500, operation="dialogue")
        await workspace.add_expense("openai/my-finetune", 3000, 500, operation="manual")
        # Catch up with the ledger now: otherwise the 5 s poll may find these lines in the
        # middle of the picture and reload the tables (a flaky snapshot under load).
        await workspace.refresh_costs()
        screen = CostsScreen()
        await pilot.app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None and len(screen.view.records) == 4)
        await pilot.app.workers.wait_for_complete()
        # The tables size their columns to their rows on a later refresh: wait for that, or
        # the picture may catch the header widths ("anthr", "$1.0").
        await tables_settled(pilot)
        for widget in screen.query(Input):
            widget.cursor_blink = False
        pilot.app.clear_notifications()  # the budget toast would hide the table
        for _ in range(3):  # settled: no reload still on its way
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.2)

    return app, ready


def test_costs_screen_snapshot(snap_compare: Any, tmp_path: Path, utc_local_time: None) -> None:
    app, ready = _snapshot_app(tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
