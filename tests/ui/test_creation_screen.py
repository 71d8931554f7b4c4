"""The Creation stage on a real project: the bible tree, the editor, new entries, gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.ui.apphelpers import until
from tests.ui.stage_support import SIZE, project, show, stage_app
from writers_tui.ui.screens.creation import CreationScreen
from writers_tui.ui.widgets.bible_tree import BibleTree
from writers_tui.ui.widgets.entry_dialog import NewEntryDialog, title_problem

NEW = "reference/characters/Elizabeth Bennet.md"


async def _creation(pilot: Pilot[Any]) -> CreationScreen:
    screen = CreationScreen()
    await show(pilot, screen, lambda: screen.file_editor.path is not None)
    return screen


async def _new_entry(pilot: Pilot[Any], title: str) -> NewEntryDialog:
    await pilot.press("ctrl+n")
    await until(pilot, lambda: isinstance(pilot.app.screen, NewEntryDialog))
    dialog = pilot.app.screen
    assert isinstance(dialog, NewEntryDialog)
    await pilot.pause()
    dialog.query_one("#title", Input).value = title
    await pilot.press("enter")
    await pilot.pause()
    return dialog


async def test_tree_lists_reference_and_planning(tmp_path: Path) -> None:
    root = project(tmp_path)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _creation(pilot)
        files = screen.query_one(BibleTree).files()
        assert "reference/characters/protagonist.md" in files
        assert "planning/beats.md" in files
        assert all(f.startswith(("reference/", "planning/")) for f in files)
        assert screen.file_editor.path == files[0]


async def test_create_character_from_template_opens_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _creation(pilot)
        await _new_entry(pilot, "Elizabeth Bennet")
        await until(pilot, lambda: screen.file_editor.path == NEW)
        assert (root / NEW).is_file()
        assert "# Elizabeth Bennet" in screen.file_editor.editor.text
        assert NEW in screen.query_one(BibleTree).files()
        assert pilot.app.screen is screen


async def test_new_entry_errors_are_shown_in_the_dialog(tmp_path: Path) -> None:
    root = project(tmp_path)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        await _creation(pilot)
        dialog = await _new_entry(pilot, "   ")
        assert dialog.error == "Give it a title."
        assert pilot.app.screen is dialog
        dialog.query_one("#title", Input).value = "protagonist"
        await pilot.press("enter")
        await until(pilot, lambda: bool(dialog.error))
        assert pilot.app.screen is dialog  # the workspace refused: the name exists
        assert str(dialog.query_one("#error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CreationScreen)


def test_title_problem() -> None:
    assert title_problem("") == "Give it a title."
    assert title_problem("a/b") == "A title cannot contain /."
    assert title_problem(".hidden") is not None
    assert title_problem("Mr. Darcy") is None


async def test_completeness_lists_template_gaps_and_jumps_to_the_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _creation(pilot)
        await _new_entry(pilot, "Elizabeth Bennet")
        await until(pilot, lambda: any(issue.path == NEW for issue in screen.issues))
        gaps = [issue for issue in screen.issues if issue.path == NEW]
        assert {issue.kind for issue in gaps} == {"missing-goal", "missing-flaw", "missing-arc"}
        flaw = next(issue for issue in gaps if issue.kind == "missing-flaw")
        lines = (root / NEW).read_text(encoding="utf-8").splitlines()
        assert lines[flaw.line - 1].startswith("- **Flaw:**")
        # open another file first, so the jump has to open this one
        screen.query_one(BibleTree).mark("planning/beats.md")
        await pilot.press("ctrl+o", "enter")
        await until(pilot, lambda: screen.file_editor.path == "planning/beats.md")
        await pilot.press("ctrl+l")
        index = screen.issues.index(flaw)
        screen.issue_list.highlighted = index
        await pilot.press("enter")
        await until(pilot, lambda: screen.file_editor.path == NEW)
        await pilot.pause()
        assert screen.file_editor.editor.cursor_location == (flaw.line - 1, 0)
        assert screen.focused is screen.file_editor.editor


async def test_editing_a_bible_file_is_saved_and_rechecked(tmp_path: Path) -> None:
    root = project(tmp_path)
    async with stage_app(root).run_test(size=SIZE) as pilot:
        screen = await _creation(pilot)
        await _new_entry(pilot, "Jane")
        path = "reference/characters/Jane.md"
        await until(pilot, lambda: screen.file_editor.path == path)
        editor = screen.file_editor.editor
        lines = editor.text.split("\n")
        row = next(i for i, line in enumerate(lines) if line.startswith("- **Flaw:**"))
        editor.cursor_location = (row, len(lines[row]))
        assert screen.focused is editor
        await pilot.press("space", "p", "r", "i", "d", "e")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "- **Flaw:** pride" in (root / path).read_text("utf-8"))
        await pilot.press("ctrl+r")
        await until(
            pilot,
            lambda: not any(i.path == path and i.kind == "missing-flaw" for i in screen.issues),
        )


def test_creation_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    root = project(tmp_path)

    async def ready(pilot: Pilot[Any]) -> None:
        screen = await _creation(pilot)
        screen.file_editor.editor.cursor_blink = False
        await pilot.pause(0.3)
        workspace = pilot.app.workspace
        assert workspace is not None
        await until(pilot, lambda: workspace.save_state.status == "saved")  # a steady bar
        await pilot.pause(0.2)

    assert snap_compare(stage_app(root), terminal_size=SIZE, run_before=ready)
