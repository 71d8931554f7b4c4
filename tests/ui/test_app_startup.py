"""Starting the studio: an interrupted session, a project held elsewhere, a folder that
is not a project, and a file changed on disk under unsaved edits."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Static

from tests.ui.apphelpers import (
    SCENE,
    SIZE,
    dialog_ready,
    interrupt_a_session,
    studio,
    until,
    writing_ready,
)
from writers_tui.project import manuscript_files
from writers_tui.ui.modals.conflict import ConflictDialog
from writers_tui.ui.modals.read_only import ReadOnlyOffer
from writers_tui.ui.modals.recovery import RecoveryDialog
from writers_tui.ui.recent import load_recent
from writers_tui.ui.screens.start import StartScreen
from writers_tui.ui.screens.welcome import WelcomeScreen
from writers_tui.ui.screens.writing import WritingScreen
from writers_tui.ui.widgets.status_bar import StatusBar
from writers_tui.workspace import SessionState, Workspace, session_state


async def test_interrupted_session_continue_restores_file_and_cursor(project: Path) -> None:
    interrupt_a_session(project, SCENE)
    assert session_state(project).state is SessionState.INTERRUPTED
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await dialog_ready(pilot, RecoveryDialog)
        dialog = app.screen
        assert isinstance(dialog, RecoveryDialog)
        files = str(dialog.query_one("#open-files", Static).render())
        assert f"▸ {SCENE}  (line 3, col 6)" in files
        assert "Writing" in str(dialog.query_one("#facts", Static).render())
        await pilot.press("c")
        await writing_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        assert screen.path == SCENE
        assert screen.editor.cursor_location == (2, 5)
        assert screen.editor.text.startswith("Lost words? ")
        assert app.workspace is not None and app.workspace.recovery is None
        # The writer can type at once: the editor has focus, and the first paint shows the
        # file's real count (not "0 words" until the first edit).
        assert app.focused is screen.editor
        words = app.workspace.words(SCENE).file_words
        assert words > 0
        line = str(screen.query_one("#words-line", Static).render())
        assert f"this file {words:,} words" in line
        await pilot.press("Z")
        await pilot.pause()
        assert screen.editor.text.startswith("Lost words? ")
        assert "Z" in screen.editor.document.get_line(2)


async def test_interrupted_session_start_fresh_archives_it(project: Path) -> None:
    interrupt_a_session(project, SCENE)
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await dialog_ready(pilot, RecoveryDialog)
        await pilot.click("#fresh")
        await writing_ready(pilot)
        assert app.workspace is not None and app.workspace.recovery is None
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
    history = (project / ".session" / "history.json").read_text()
    assert "interrupted" in history


async def test_held_project_offers_read_only_and_nothing_is_written(project: Path) -> None:
    holder = await Workspace.open(project)
    try:
        before = (project / SCENE).read_text()
        app = studio(project)
        async with app.run_test(size=SIZE) as pilot:
            await dialog_ready(pilot, ReadOnlyOffer)
            text = str(app.screen.query_one("#holder", Static).render())
            assert "Process" in text and "Host" in text and "Since" in text
            await pilot.press("r")
            await writing_ready(pilot)
            screen = app.screen
            assert isinstance(screen, WritingScreen)
            assert app.status.read_only
            assert screen.query_one(StatusBar).query_one("#sb-readonly").display
            assert screen.editor.read_only
            await pilot.press(*"no")
            await pilot.press("ctrl+q")
            await pilot.pause(0.3)
        assert (project / SCENE).read_text() == before
    finally:
        await holder.close()


async def test_held_project_quit_leaves_without_opening(project: Path) -> None:
    holder = await Workspace.open(project)
    try:
        app = studio(project)
        async with app.run_test(size=SIZE) as pilot:
            await dialog_ready(pilot, ReadOnlyOffer)
            await pilot.press("q")
            await pilot.pause(0.3)
        assert app.workspace is None
        assert app.return_code == 0
    finally:
        await holder.close()


async def test_welcome_creates_a_project_from_a_template(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    app = studio(folder)
    async with app.run_test(size=SIZE) as pilot:
        await dialog_ready(pilot, WelcomeScreen)
        short_story = app.screen.query_one("#template-short-story")
        await pilot.click(short_story)
        await pilot.press("ctrl+n")
        await writing_ready(pilot)
        assert [p.name for p in manuscript_files(folder)] == ["1 Draft.md"]
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
    assert [entry.path for entry in load_recent()] == [folder]


async def test_welcome_says_why_a_folder_cannot_hold_a_project(tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    app = studio(folder)
    async with app.run_test(size=SIZE) as pilot:
        await dialog_ready(pilot, WelcomeScreen)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: bool(app.screen.query("#welcome-error")))
        error = str(app.screen.query_one("#welcome-error", Static).render())
        assert "is not empty" in error


async def test_outside_change_to_a_dirty_file_asks_and_keeps_both(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press(*"Mine. ")
        (project / SCENE).write_text("Theirs.\n", encoding="utf-8")
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), timeout=8)
        await dialog_ready(pilot, ConflictDialog)
        await pilot.press("alt+m")
        await until(pilot, lambda: (project / SCENE).read_text().startswith("Mine. "), timeout=5)
        copies = list((project / SCENE).parent.glob("*.conflict-*"))
        assert copies and "Theirs." in copies[0].read_text()
        assert isinstance(app.screen, WritingScreen)
        assert not app.screen.query(Checkbox)


async def test_outside_change_to_a_clean_file_reloads_it(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        (project / SCENE).write_text("Rewritten by a sync tool.\n", encoding="utf-8")
        await until(pilot, lambda: screen.editor.text == "Rewritten by a sync tool.\n", timeout=8)
        assert isinstance(app.screen, WritingScreen)  # no dialog for a clean buffer
        await pilot.pause(1.5)
        assert (project / SCENE).read_text() == "Rewritten by a sync tool.\n"


async def test_palette_opens_a_recent_project(project: Path, tmp_path: Path) -> None:
    from writers_tui.project import new_project
    from writers_tui.ui.recent import remember

    other = new_project(tmp_path / "other", template="short-story", title="Other Story")
    remember(other, "Other Story")
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"recent project: other")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.project_root == other and app.workspace is not None)
        await writing_ready(pilot)
        assert app.screen.path == "manuscript/1 Draft.md"  # type: ignore[attr-defined]
        assert session_state(project).state is SessionState.CLOSED


async def test_welcome_opens_the_demo(tmp_path: Path) -> None:
    from writers_tui.paths import user_data_dir
    from writers_tui.project import is_demo

    folder = tmp_path / "empty"
    folder.mkdir()
    app = studio(folder)
    async with app.run_test(size=SIZE) as pilot:
        await dialog_ready(pilot, WelcomeScreen)
        await pilot.press("ctrl+d")
        await writing_ready(pilot)
        assert app.project_root == user_data_dir() / "demo"
        assert is_demo(user_data_dir() / "demo")
        assert app.screen.path == "manuscript/1 Chapter 1.md"  # type: ignore[attr-defined]


async def test_make_app_with_an_open_workspace(project: Path) -> None:
    from writers_tui.config import Settings
    from writers_tui.ui.app import make_app

    workspace = await Workspace.open(project)
    app = make_app(Settings(), workspace, handle_signals=False)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        assert app.workspace is workspace
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
    assert session_state(project).state is SessionState.CLOSED


async def test_typing_through_outside_changes_loses_nothing_and_opens_one_dialog(
    project: Path,
) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        await pilot.press(*"Mine ")
        (project / SCENE).write_text("Theirs.\n", encoding="utf-8")
        # The writer keeps typing while the dialog arrives: m, t and d among the letters.
        typed = "Mine "
        deadline = 40
        while not isinstance(app.screen, ConflictDialog) and deadline:
            await pilot.press(*"md")
            typed += "md"
            await pilot.pause(0.2)
            deadline -= 1
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        more = "the meadow at dusk tended to drift "
        for char in more:
            await pilot.press("space" if char == " " else char)
        typed += more
        await pilot.pause(0.8)  # past the grace: bare letters still do not answer it
        for char in "mtd":
            await pilot.press(char)
        typed += "mtd"
        await pilot.pause()
        assert app.screen is dialog and dialog.is_attached
        # Every character typed is in the buffer (the dialog passed them on to the editor).
        assert screen.editor.text.startswith(typed)
        assert not dialog.stray_keys
        # More outside changes to the same file: the open dialog is updated, not stacked.
        for round_ in range(3):
            (project / SCENE).write_text(f"Theirs again {round_}.\n", encoding="utf-8")
            await pilot.pause(0.6)
        await until(pilot, lambda: dialog.changes > 1, timeout=8)
        await pilot.pause(0.5)
        assert [s for s in app.screen_stack if isinstance(s, ConflictDialog)] == [dialog]
        await pilot.press("alt+m")
        await until(pilot, lambda: (project / SCENE).read_text().startswith(typed), timeout=5)
        assert isinstance(app.screen, WritingScreen)
        copies = list((project / SCENE).parent.glob("*.conflict-*"))
        assert copies and any("Theirs" in copy.read_text() for copy in copies)


async def test_a_project_that_cannot_be_opened_says_why_and_q_quits(project: Path) -> None:
    session = project / ".session"
    if session.is_dir():
        import shutil

        shutil.rmtree(session)
    session.write_text("not a folder", encoding="utf-8")
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartScreen) and app.screen.error)
        screen = app.screen
        assert isinstance(screen, StartScreen)
        text = str(screen.query_one("#start-message", Static).render())
        assert "could not open novel" in text and ".session is not a folder" in text
        assert "Opening" not in text and "Press q to quit" in text and "log" in text
        assert "_startup" not in text
        await pilot.press("q")
        await pilot.pause(0.2)
    assert app.return_code == 2
    assert app.workspace is None
