"""The Scoring stage on the demo project: scores, their reasons, jumps and the trend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.ui.analyzing_helpers import (
    SIZE,
    RecordingStudio,
    demo_analysis,
    open_studio,
    plant_scores,
)
from tests.ui.apphelpers import until, writing_ready
from writers_tui.project import make_demo
from writers_tui.ui.screens.scoring import ScoringScreen
from writers_tui.ui.widgets.unicode_charts import ColumnChart

FIRST = "manuscript/1 Chapter 1.md"


async def _scores(pilot: Pilot[Any]) -> ScoringScreen:
    await writing_ready(pilot)
    screen = ScoringScreen()
    await pilot.app.push_screen(screen)
    await until(pilot, lambda: screen.analysis is not None)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_score_table_shows_subscores_and_reasons(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    expected = demo_analysis(root)
    app, _ = await open_studio(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _scores(pilot)
        scores = screen.query_one("#scores", DataTable)
        assert scores.row_count == 1 + 8  # the manuscript, then the 8 one-file chapters
        assert scores.get_row_at(0)[2] == f"{expected.score.total:.1f}"
        await pilot.press("down")  # chapter 1
        assert screen.selected is not None and screen.selected.path == FIRST
        subs = screen.query_one("#subscores", DataTable)
        first = expected.files[0].score
        assert subs.row_count == len(first.subscores)
        names = [subs.get_row_at(i)[0] for i in range(subs.row_count)]
        assert names == [s.name for s in first.subscores]
        assert subs.get_row_at(3)[3] == first.subscores[3].detail  # the why


async def test_enter_on_a_violation_asks_to_open_its_line(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    expected = demo_analysis(root)
    app, _ = await open_studio(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _scores(pilot)
        await pilot.press("down")  # chapter 1
        violations = screen.query_one("#violations", DataTable)
        violations.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        listed = [v for s in expected.files[0].score.subscores for v in s.violations]
        assert [(j.path, j.line, j.column) for j in app.jumps] == [
            (FIRST, listed[1].line, listed[1].column)
        ]


async def test_trend_shows_one_point_per_planted_run(tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    plant_scores(root, [71.0, 74.5, 80.2, 86.0, 88.8], FIRST)
    app, _ = await open_studio(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _scores(pilot)
        assert screen.query_one("#trend-manuscript", ColumnChart).points == [
            71.0,
            74.5,
            80.2,
            86.0,
            88.8,
        ]
        await pilot.press("down")
        assert len(screen.query_one("#trend-file", ColumnChart).points) == 5
        await pilot.press("down")  # chapter 2: nothing logged
        assert screen.query_one("#trend-file", ColumnChart).points == []


def test_scoring_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    root = make_demo(tmp_path / "demo")
    plant_scores(root, [71.0, 74.5, 80.2, 86.0, 88.8], FIRST)
    app = RecordingStudio(root=root)

    async def ready(pilot: Pilot[Any]) -> None:
        await _scores(pilot)
        await pilot.press("down")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
