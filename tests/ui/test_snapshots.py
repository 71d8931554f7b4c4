"""Snapshots of the screens a writer meets first (pytest-textual-snapshot 1.1.0).

Fixed terminal size, frozen clocks, local time in UTC, no machine paths in the image,
and no blinking cursors. Update with ``pytest tests/ui --snapshot-update`` after
looking at the new SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from tests.ui.conftest import FakeHolder, ScreenHarness, frozen_clock, sample_recovery
from writers_tui.project import new_project, template_names
from writers_tui.ui.app import make_app
from writers_tui.ui.modals.conflict import ConflictDialog
from writers_tui.ui.modals.read_only import ReadOnlyOffer
from writers_tui.ui.modals.recovery import RecoveryDialog
from writers_tui.ui.recent import RecentProject
from writers_tui.ui.screens.welcome import WelcomeScreen
from writers_tui.ui.screens.writing import WritingScreen
from writers_tui.workspace import Workspace

SIZE = (110, 34)
APP_CSS = str(Path(__file__).resolve().parents[2] / "writers_tui" / "ui" / "app.tcss")

MINE = "The letter came on the third day of rain.\nElizabeth read it twice.\n"
THEIRS = "The letter came on the third day of rain.\nJane read it once.\n"


class StyledHarness(ScreenHarness):
    CSS_PATH = APP_CSS


def _harness(screen: Screen[Any]) -> StyledHarness:
    return StyledHarness(screen)


async def _no_blink(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_welcome_screen(snap_compare: Any) -> None:
    recent = [
        RecentProject(Path("/home/writer/novels/pride"), "Pride and Prejudice", ""),
        RecentProject(Path("/home/writer/novels/winter"), "The Winter Road", ""),
    ]
    screen = WelcomeScreen(
        Path("/home/writer/untitled"),
        template_names(),
        recent,
        shown_folder="~/untitled",
    )
    assert snap_compare(_harness(screen), terminal_size=SIZE, run_before=_no_blink)


def test_recovery_dialog(snap_compare: Any, utc_local_time: None) -> None:
    dialog = RecoveryDialog(sample_recovery(), clock=frozen_clock)
    assert snap_compare(_harness(dialog), terminal_size=SIZE)


def test_read_only_offer(snap_compare: Any, utc_local_time: None) -> None:
    dialog = ReadOnlyOffer(
        "Pride and Prejudice", FakeHolder("writing-desk", 4242, "2024-11-13T09:05:00Z")
    )
    assert snap_compare(_harness(dialog), terminal_size=SIZE)


def test_conflict_dialog(snap_compare: Any) -> None:
    dialog = ConflictDialog(
        "manuscript/1 Arrival/1.2 The Letter.md", "1.2 The Letter", MINE, THEIRS
    )
    assert snap_compare(_harness(dialog), terminal_size=SIZE)


def test_conflict_diff_side_by_side(snap_compare: Any) -> None:
    dialog = ConflictDialog(
        "manuscript/1 Arrival/1.2 The Letter.md", "1.2 The Letter", MINE, THEIRS
    )

    dialog.grace_seconds = 0

    async def show_diff(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("alt+d")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(_harness(dialog), terminal_size=SIZE, run_before=show_diff)


def _writing_app(tmp_path: Path) -> Any:
    root = new_project(tmp_path / "novel", title="Snapshot Novel")

    async def ready(pilot: Pilot[Any]) -> None:
        app = pilot.app
        for _ in range(200):
            if isinstance(app.screen, WritingScreen) and app.screen.path is not None:
                break
            await pilot.pause(0.02)
        screen = app.screen
        logs = [p.read_text() for p in (root / ".session" / "logs").glob("*.jsonl")]
        assert isinstance(screen, WritingScreen), logs  # the log says why it did not open
        screen.editor.cursor_blink = False
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)

    class FrozenStudio:
        """The studio with a frozen clock: the workspace stamps saves with the real time,
        which is after the frozen instant, so the bar reads "Auto-saved 0s ago"."""

        def __init__(self) -> None:
            async def opener(path: Path, read_only: bool) -> Any:
                return await Workspace.open(path, read_only=read_only)

            from writers_tui.config import Settings

            self.app = make_app(
                Settings(), root=root, opener=opener, clock=frozen_clock, handle_signals=False
            )

    return FrozenStudio().app, ready


def test_writing_stage(snap_compare: Any, tmp_path: Path) -> None:
    app, ready = _writing_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 36), run_before=ready)


def test_focus_mode(snap_compare: Any, tmp_path: Path) -> None:
    app, ready = _writing_app(tmp_path)

    async def focus(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("f9")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(120, 36), run_before=focus)


def test_writing_stage_on_a_narrow_terminal(snap_compare: Any, tmp_path: Path) -> None:
    """60×20: the binder folds away, the text has the width, the save state stays."""
    app, ready = _writing_app(tmp_path)
    assert snap_compare(app, terminal_size=(60, 20), run_before=ready)
