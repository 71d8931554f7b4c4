"""Binder operations by keyboard on the real studio: create, rename, delete (to the
trash) and undo, move up/down and into a chapter; the open file follows every move."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from tests.ui.apphelpers import SCENE, SECOND, SIZE, studio, until, writing_ready
from writers_tui.ui.app import WritersApp
from writers_tui.ui.modals.binder_ops import ChapterPicker, ConfirmDelete, TitlePrompt
from writers_tui.ui.screens.writing import WritingScreen

CHAPTER = "manuscript/1 Chapter One"


def _writing(app: WritersApp) -> WritingScreen:
    screen = app.screen
    assert isinstance(screen, WritingScreen)
    return screen


def _titles(screen: WritingScreen) -> list[str]:
    return [item.title for item in screen.binder.items]


async def _type_title(pilot: object, text: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    await until(pilot, lambda: isinstance(app.screen, TitlePrompt))  # type: ignore[arg-type]
    prompt = app.screen
    prompt.query_one(Input).value = text
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_new_scene_invalid_title_inline_then_created_and_opened(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = _writing(app)
        screen.binder.focus()
        assert screen.binder.selected is not None
        assert screen.binder.selected.path == SCENE
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TitlePrompt))
        prompt = app.screen
        assert isinstance(prompt, TitlePrompt)
        await pilot.press("enter")  # empty
        await pilot.pause()
        assert prompt.error == "A title cannot be empty."
        prompt.query_one(Input).value = "a/b"  # the workspace refuses it: shown inline
        await pilot.press("enter")
        await until(pilot, lambda: bool(prompt.error))
        assert app.screen is prompt
        assert "\n" not in prompt.error
        assert str(prompt.query_one("#error", Static).render()) == prompt.error
        prompt.query_one(Input).value = "Storm"
        await pilot.press("enter")
        created = f"{CHAPTER}/1.2 Storm.md"
        await until(pilot, lambda: screen.path == created)
        assert (project / created).is_file()
        assert _titles(screen) == ["1 Chapter One", "1.1 Opening", "1.2 Storm", "1.3 Second Scene"]
        assert (project / f"{CHAPTER}/1.3 Second Scene.md").is_file()
        assert app.focused is screen.editor


async def test_new_chapter_and_rename_keep_the_editor_text_and_cursor(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = _writing(app)
        await pilot.press("x", "y")
        screen.editor.cursor_location = (0, 1)
        text = screen.editor.text
        screen.binder.focus()
        await pilot.press("N")
        await _type_title(pilot, "The Storm")
        await until(pilot, lambda: "2 The Storm" in _titles(screen))
        first = "manuscript/2 The Storm/2.1 The Storm.md"
        assert (project / first).is_file()  # a chapter comes with its first scene, opened
        await until(pilot, lambda: screen.path == first)
        screen.binder.select_path(SCENE)
        screen.binder.post_message(screen.binder.FileChosen(SCENE))
        await until(pilot, lambda: screen.path == SCENE)
        assert screen.editor.text == text
        screen.editor.cursor_location = (0, 1)
        # Rename the open scene: the editor keeps its (unsaved) text and cursor.
        screen.binder.select_path(SCENE)
        screen.binder.focus()
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, TitlePrompt))
        assert app.screen.query_one(Input).value == "Opening"  # the title, not the number
        await _type_title(pilot, "Arrival")
        renamed = f"{CHAPTER}/1.1 Arrival.md"
        await until(pilot, lambda: screen.path == renamed)
        assert screen.editor.text == text
        assert screen.editor.cursor_location == (0, 1)
        assert app.status.file_title == "1.1 Arrival"
        assert app.workspace is not None and app.workspace.active_file == renamed
        await app.workspace.save_now()
        assert (project / renamed).read_text(encoding="utf-8") == text
        assert not (project / SCENE).exists()


async def test_delete_open_scene_opens_the_next_and_undo_brings_it_back(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = _writing(app)
        original = (project / SCENE).read_text(encoding="utf-8")
        screen.binder.focus()
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDelete))
        await pilot.press("n")  # keep it
        await until(pilot, lambda: app.screen is screen)
        assert (project / SCENE).exists()
        assert app.focused is screen.binder  # back where the writer was
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDelete))
        await pilot.press("y")
        await until(pilot, lambda: not (project / SCENE).exists())
        await until(pilot, lambda: screen.path is not None and "Second Scene" in screen.path)
        assert screen.trash_ids
        assert app.workspace is not None
        assert len(await app.workspace.trash()) == 1
        assert "1.1 Opening" not in _titles(screen)
        screen.binder.focus()
        await pilot.press("u")
        await until(pilot, lambda: "1.1 Opening" in _titles(screen))
        assert (project / SCENE).read_text(encoding="utf-8") == original
        assert screen.trash_ids == []


async def test_move_down_up_and_into_a_chapter_the_open_file_follows(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = _writing(app)
        screen.editor.cursor_location = (2, 3)
        text = screen.editor.text
        screen.binder.focus()
        await pilot.press("alt+down")
        moved = f"{CHAPTER}/1.2 Opening.md"
        await until(pilot, lambda: screen.path == moved)
        assert _titles(screen) == ["1 Chapter One", "1.1 Second Scene", "1.2 Opening"]
        assert screen.binder.selected is not None and screen.binder.selected.path == moved
        assert screen.editor.text == text and screen.editor.cursor_location == (2, 3)
        await pilot.press("alt+up")
        await until(pilot, lambda: screen.path == SCENE)
        # A second chapter, then move the open scene into it with the picker.
        await pilot.press("N")
        await _type_title(pilot, "Two")
        await until(pilot, lambda: "2 Two" in _titles(screen))
        await until(pilot, lambda: screen.path == "manuscript/2 Two/2.1 Two.md")
        screen.binder.post_message(screen.binder.FileChosen(SCENE))
        await until(pilot, lambda: screen.path == SCENE)
        screen.binder.select_path(SCENE)
        screen.binder.focus()
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ChapterPicker))
        await pilot.press("enter")
        await until(
            pilot, lambda: screen.path is not None and screen.path.startswith("manuscript/2 Two/")
        )
        assert screen.editor.text == text
        assert (project / screen.path).is_file()
        assert not (project / SCENE).exists()
        assert (project / SECOND).exists() or (project / f"{CHAPTER}/1.1 Second Scene.md").exists()


async def test_every_binder_operation_is_in_the_palette(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        names = {command.name for command in await app.palette_commands()}
        for title in (
            "New scene",
            "New chapter",
            "Rename",
            "Delete",
            "Undo delete",
            "Move up",
            "Move down",
            "Move into chapter",
        ):
            assert title in names
        # From the palette, the operation runs on the binder's selection.
        screen = _writing(app)
        app.binder_operation("move_down")
        await until(pilot, lambda: screen.path == f"{CHAPTER}/1.2 Opening.md")
