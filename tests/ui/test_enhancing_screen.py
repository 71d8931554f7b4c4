"""The Enhancing stage on a real project: flags to step through and keep, snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.ui.apphelpers import until
from tests.ui.stage_support import SCENE, SIZE, project, show, stage_app
from writers_tui.ui.screens.enhancing import EnhancingScreen
from writers_tui.ui.widgets.flag_list import flag_keys
from writers_tui.ui.widgets.snapshot_diff import SnapshotDiffView

PROSE = (
    "# Opening\n\n"
    "She suddenly saw the rain. It was very wet, and she quickly felt the cold.\n\n"
    "The rain fell and the rain kept falling on the roof.\n"
)


def _write_scene(root: Path) -> None:
    (root / SCENE).write_text(PROSE, encoding="utf-8")


async def _enhancing(pilot: Pilot[Any]) -> EnhancingScreen:
    screen = EnhancingScreen()
    await show(
        pilot,
        screen,
        lambda: screen.path is not None and not screen.analysing and bool(screen.flag_list.shown),
    )
    return screen


async def test_stepping_through_flags_selects_each_span(tmp_path: Path) -> None:
    root = project(tmp_path)
    _write_scene(root)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _enhancing(pilot)
        assert screen.path == SCENE
        shown = screen.flag_list.shown
        assert len(shown) >= 3
        editor = screen.file_editor.editor
        seen = []
        for index, item in enumerate(shown[:4]):
            if index:
                await pilot.press("n")
            await pilot.pause()
            flag = item.flag
            selection = editor.selection
            assert selection.start == (flag.line - 1, flag.column - 1)
            assert selection.end == (flag.end_line - 1, flag.end_column - 1)
            assert editor.selected_text.casefold() == flag.text.casefold()
            seen.append(selection)
        assert len(set(seen)) == len(seen)
        await pilot.press("p")
        await pilot.pause()
        assert editor.selection == seen[-2]
        # ctrl+n works from the editor too
        editor.focus()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert editor.selection == seen[-1]


async def test_kept_flag_is_remembered_after_reopening(tmp_path: Path) -> None:
    root = project(tmp_path)
    _write_scene(root)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _enhancing(pilot)
        first = screen.flag_list.shown[0]
        await pilot.press("k")
        await until(pilot, lambda: screen.flag_list.shown[0].kept)
        assert first.key == flag_keys([first.flag])[0]
        await pilot.press("ctrl+q")
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _enhancing(pilot)
        kept = [item for item in screen.flag_list.shown if item.kept]
        assert [item.key for item in kept] == [first.key]
        await pilot.press("h")
        await pilot.pause()
        assert first.key not in [item.key for item in screen.flag_list.shown]


async def test_flags_refresh_after_an_edit(tmp_path: Path) -> None:
    root = project(tmp_path)
    _write_scene(root)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _enhancing(pilot)
        before = len(screen.flag_list.shown)
        editor = screen.file_editor.editor
        editor.focus()
        editor.cursor_location = (editor.document.line_count - 1, 0)
        editor.insert("He walked slowly and sadly and quietly home.\n")
        await until(pilot, lambda: len(screen.flag_list.shown) > before, timeout=10)


async def test_take_diff_and_restore_a_snapshot(tmp_path: Path) -> None:
    root = project(tmp_path)
    _write_scene(root)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _enhancing(pilot)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: len(screen.snapshot_infos) == 1)
        editor = screen.file_editor.editor
        editor.focus()
        editor.cursor_location = (0, 0)
        editor.insert("A new first line.\n")
        await pilot.press("ctrl+o")
        assert screen.focused is screen.snapshot_list
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, SnapshotDiffView))
        view = pilot.app.screen
        assert isinstance(view, SnapshotDiffView)
        assert view.diff.added == 1 and view.diff.removed == 0
        await pilot.press("r")  # restore from the diff view
        await until(pilot, lambda: editor.text == PROSE)
        await until(pilot, lambda: len(screen.snapshot_infos) == 2)  # the one taken first
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (root / SCENE).read_text("utf-8") == PROSE)
        editor.focus()
        await pilot.press("ctrl+z")  # the restore was one edit: undo brings the line back
        await pilot.pause()
        assert editor.text.startswith("A new first line.\n")


def test_enhancing_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    root = project(tmp_path)
    _write_scene(root)

    async def ready(pilot: Pilot[Any]) -> None:
        screen = await _enhancing(pilot)
        screen.file_editor.editor.cursor_blink = False
        screen.flag_list.focus()
        await pilot.pause()
        await pilot.press("n")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.5)
        workspace = pilot.app.workspace
        assert workspace is not None
        await until(pilot, lambda: workspace.save_state.status == "saved")  # a steady bar
        await pilot.pause(0.2)

    assert snap_compare(stage_app(root), terminal_size=SIZE, run_before=ready)
