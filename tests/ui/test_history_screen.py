"""The History screen (F7) on a real Workspace with a planted ``history.json``.

The history is written through the storage API (tests may use storage; the UI may not),
with sessions around the frozen test clock (2024-11-13 15:45 UTC) and local time in UTC.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.ui.apphelpers import tables_settled, until
from tests.ui.conftest import frozen_clock
from writers_tui.config import Settings
from writers_tui.project import new_project
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.models import HistoryEntry
from writers_tui.ui.app import WritersApp, make_app
from writers_tui.ui.modals.session_detail import SessionDetail, detail_lines
from writers_tui.ui.screens.history import HistoryScreen
from writers_tui.ui.screens.writing import WritingScreen
from writers_tui.ui.widgets.block_chart import BlockChart
from writers_tui.workspace import Workspace

SIZE = (120, 36)

#: (start, minutes, words, cost, interrupted, created, modified)
PLANTED: tuple[tuple[datetime, int, int, str, bool, list[str], list[str]], ...] = (
    (datetime(2024, 9, 1, 9, 0, tzinfo=UTC), 180, 2500, "0", False, [], ["manuscript/a.md"]),
    (datetime(2024, 10, 20, 20, 0, tzinfo=UTC), 95, 2000, "0.42", False, [], []),
    (datetime(2024, 11, 8, 7, 30, tzinfo=UTC), 60, 1200, "0", False, [], []),
    (
        datetime(2024, 11, 11, 21, 0, tzinfo=UTC),
        40,
        300,
        "0",
        True,
        ["manuscript/1 Chapter One/1.3 Storm.md"],
        ["manuscript/1 Chapter One/1.1 Opening.md"],
    ),
    (datetime(2024, 11, 12, 8, 0, tzinfo=UTC), 75, 800, "1.25", False, [], []),
    (datetime(2024, 11, 13, 6, 0, tzinfo=UTC), 50, 500, "0", False, [], []),
)


def plant_history(root: Path) -> None:
    history = SessionHistory(root)
    for n, (start, minutes, words, cost, interrupted, created, modified) in enumerate(PLANTED):
        history.add_sync(
            HistoryEntry(
                session_id=f"s{n}",
                start_time=start,
                end_time=start + timedelta(minutes=minutes),
                duration_minutes=minutes,
                total_cost=Decimal(cost),
                files_created=created,
                files_modified=modified,
                operations_count={"line-edit": 3, "continuity": 1} if cost != "0" else {},
                words_written=words,
                interrupted=interrupted,
            )
        )


@asynccontextmanager
async def history_screen(
    root: Path,
) -> AsyncIterator[tuple[WritersApp, Pilot[Any], HistoryScreen]]:
    workspace = await Workspace.open(root, clock=frozen_clock)
    app = make_app(workspace.settings, workspace, clock=frozen_clock, handle_signals=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, WritingScreen))
            screen = HistoryScreen()
            await app.push_screen(screen)
            await until(pilot, lambda: screen.loaded)
            await pilot.pause()
            yield app, pilot, screen
    finally:
        await workspace.close()


@pytest.fixture
def planted(project: Path, utc_local_time: None) -> Path:
    plant_history(project)
    return project


async def test_sessions_newest_first_with_interrupted_marked(planted: Path) -> None:
    async with history_screen(planted) as (_app, _pilot, screen):
        table = screen.query_one("#sessions", DataTable)
        assert table.row_count == len(PLANTED)
        assert [entry.session_id for entry in screen.sessions] == [
            "s5",
            "s4",
            "s3",
            "s2",
            "s1",
            "s0",
        ]
        first = table.get_row_at(0)
        assert str(first[0]) == "Wed 2024-11-13 06:00"
        assert str(first[1]) == "50 minutes" and str(first[2]) == "+500"
        assert str(table.get_row_at(1)[3]) == "$1.25"
        interrupted = table.get_row_at(2)
        assert str(interrupted[6]) == "⚠ interrupted"
        assert (str(interrupted[4]), str(interrupted[5])) == ("1", "1")
        assert str(table.get_row_at(0)[6]) == "closed"


async def test_streaks_and_words_per_day(planted: Path) -> None:
    async with history_screen(planted) as (_app, _pilot, screen):
        summary = screen.summary
        assert summary is not None
        assert (summary.current_streak, summary.longest_streak) == (3, 3)
        text = str(screen.query_one("#streaks", Static).render())
        assert "Current streak  3 days" in text
        assert "Longest streak  3 days" in text
        assert "Words written   7,300 on 6 days" in text
        assert "(1 interrupted)" in text
        assert "Best day        01 Sep 2024: 2,500 words" in text
        chart = screen.query_one("#words-chart", BlockChart)
        assert len(chart.values) == 30
        assert chart.values[-3:] == (300.0, 800.0, 500.0)  # 11, 12, 13 November
        assert chart.values[5] == 2000.0  # 20 October (the window starts on 15 October)
        assert chart.first_label == "15 Oct" and chart.last_label == "today"
        assert chart.peak == 2000.0


async def test_enter_opens_the_session_detail(planted: Path) -> None:
    async with history_screen(planted) as (app, pilot, screen):
        await pilot.press("down", "down")  # the interrupted one
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SessionDetail))
        detail = app.screen
        assert isinstance(detail, SessionDetail)
        assert detail.entry.session_id == "s3"
        text = str(detail.query_one("#detail", Static).render())
        assert "manuscript/1 Chapter One/1.3 Storm.md" in text
        assert "interrupted" in str(detail.query_one("#title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


def test_detail_lines_list_files_and_operations(utc_local_time: None) -> None:
    start = datetime(2024, 11, 12, 8, 0, tzinfo=UTC)
    entry = HistoryEntry(
        session_id="x",
        start_time=start,
        end_time=start + timedelta(minutes=75),
        duration_minutes=75,
        total_cost=Decimal("1.25"),
        files_modified=["manuscript/a.md", "manuscript/b.md"],
        operations_count={"line-edit": 3},
        words_written=-40,
    )
    lines = detail_lines(entry)
    assert lines[0] == "Started    Tue 12 Nov 2024, 08:00"
    assert "Duration   1 h 15 min" in lines and "Words      -40" in lines
    assert "AI cost    $1.25" in lines
    assert lines[lines.index("Created (0)") + 1] == "  none"
    assert lines[lines.index("Modified (2)") + 1 :][:2] == [
        "  manuscript/a.md",
        "  manuscript/b.md",
    ]
    assert any(line.startswith("  line-edit") and line.endswith("3") for line in lines)


async def test_no_history_says_so(project: Path, utc_local_time: None) -> None:
    async with history_screen(project) as (app, pilot, screen):
        assert screen.query_one("#sessions", DataTable).row_count == 0
        assert "No finished sessions yet" in str(screen.query_one("#sessions-empty").render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen


def test_history_screen_snapshot(snap_compare: Any, tmp_path: Path, utc_local_time: None) -> None:
    root = new_project(tmp_path / "novel", title="Snapshot Novel")
    plant_history(root)

    async def opener(path: Path, read_only: bool) -> Any:
        return await Workspace.open(path, read_only=read_only, clock=frozen_clock)

    app = make_app(Settings(), root=root, opener=opener, clock=frozen_clock, handle_signals=False)

    async def ready(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, WritingScreen))
        screen = HistoryScreen()
        await pilot.app.push_screen(screen)
        await until(pilot, lambda: screen.loaded)
        await pilot.app.workers.wait_for_complete()
        await tables_settled(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
