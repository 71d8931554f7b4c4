"""The Analyzing stage on the demo project: the dashboard fills from a real analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from tests.ui.analyzing_helpers import SIZE, RecordingStudio, demo_analysis, open_studio
from tests.ui.apphelpers import until, writing_ready
from writers_tui.project import make_demo
from writers_tui.ui.screens.analyzing import AnalyzingScreen
from writers_tui.ui.screens.dashboard_rows import chapter_rows


async def _dashboard(pilot: Pilot[Any]) -> AnalyzingScreen:
    await writing_ready(pilot)
    screen = AnalyzingScreen()
    await pilot.app.push_screen(screen)
    await until(pilot, lambda: screen.analysis is not None)
    await pilot.pause()
    return screen


async def test_chapter_table_lists_the_demo_chapters(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    expected = demo_analysis(root)
    app, _ = await open_studio(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _dashboard(pilot)
        table = screen.query_one("#chapters", DataTable)
        assert table.row_count == 8
        words = [table.get_row_at(i)[2] for i in range(8)]
        assert words == [f"{r.analysis.words:,}" for r in expected.files]
        assert sum(row.words for row in chapter_rows(expected)) == expected.words


async def test_progress_moves_and_the_dashboard_fills(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    app, _ = await open_studio(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _dashboard(pilot)
        assert screen.progress_seen[0] == (0, 8) and screen.progress_seen[-1] == (8, 8)
        assert not screen.progress_bar.display  # hidden once done
        assert screen.query_one("#presence", DataTable).row_count == 8
        assert screen.query_one("#phrases", DataTable).row_count == len(screen.analysis.phrases)  # type: ignore[union-attr]
        pacing = str(screen.query_one("#pacing", Static).render())
        assert "1 Chapter 1" in pacing and "847" in pacing
        await pilot.press("3")
        assert screen.query_one(TabbedContent).active == "tab-characters"
        assert "Miss Darcy" in str(screen.query_one("#unattributed", Static).render())


async def test_a_change_refreshes_after_a_pause_and_w_writes_the_report(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    app, workspace = await open_studio(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _dashboard(pilot)
        before = workspace.analyses
        screen.mark_stale()
        screen.mark_stale()  # debounced: two changes, one analysis
        await until(pilot, lambda: workspace.analyses > before, timeout=5)
        await pilot.pause(0.2)
        assert workspace.analyses == before + 1
        await pilot.press("w")
        await until(pilot, lambda: bool(workspace.reports))
        await pilot.pause()
        assert any("analysis-2024-11-13.md" in str(n.message) for n in app._notifications)


def test_analyzing_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    app = RecordingStudio(root=root)

    async def ready(pilot: Pilot[Any]) -> None:
        await _dashboard(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
