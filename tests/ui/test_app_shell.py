"""The real studio on temp projects: places, keys, the palette, saving and quitting."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import signal
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import DataTable

from tests.ui.apphelpers import SCENE, SECOND, SIZE, set_preferences, studio, until, writing_ready
from writers_tui import ui
from writers_tui.config import BINDING_IDS
from writers_tui.ui.app import WritersApp
from writers_tui.ui.modals.help import HelpScreen
from writers_tui.ui.screens.analyzing import AnalyzingScreen
from writers_tui.ui.screens.base import StudioScreen
from writers_tui.ui.screens.writing import WritingScreen
from writers_tui.ui.widgets.binder import Binder
from writers_tui.ui.widgets.status_bar import StatusBar
from writers_tui.workspace import SessionState, session_state


def _bindings_by_class() -> dict[type[DOMNode], list[Binding]]:
    """The bindings of the app and of every screen and widget class in writers_tui.ui."""
    found: dict[type[DOMNode], list[Binding]] = {
        WritersApp: [b for b in WritersApp.BINDINGS if isinstance(b, Binding)]
    }
    for module_info in pkgutil.walk_packages(ui.__path__, "writers_tui.ui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
            ):
                own = vars(value).get("BINDINGS", [])  # not the ones Textual's classes bring
                found[value] = [b for b in own if isinstance(b, Binding)]
    return found


def test_every_binding_has_a_known_id() -> None:
    by_class = _bindings_by_class()
    assert Binder in by_class and WritingScreen in by_class
    ids = {b.id for bindings in by_class.values() for b in bindings if b.id is not None}
    # The app's, every place's and every widget's described keys can be remapped; a dialog's
    # own keys (y/n, escape) are local to it.
    remappable = [
        (cls.__name__, b.key)
        for cls, bindings in by_class.items()
        if cls is WritersApp
        or issubclass(cls, StudioScreen)
        or cls.__module__.startswith("writers_tui.ui.widgets.")
        for b in bindings
        if not b.system
        and b.description
        and b.id is None
        and b.key not in ("escape", "tab", "shift+tab")  # leaving and moving focus: fixed
    ]
    assert remappable == []
    assert ids == set(BINDING_IDS)  # every id a keymap may name is bound, and no other


async def test_lands_in_writing_with_the_first_scene_focused(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        assert screen.path == SCENE
        assert app.focused is screen.editor
        assert screen.editor.soft_wrap
        assert app.status.file_title == "1.1 Opening"
        assert [item.title for item in screen.binder.items] == [
            "1 Chapter One",
            "1.1 Opening",
            "1.2 Second Scene",
        ]
        bar = screen.query_one(StatusBar)
        assert bar.data.stage == "Writing"


async def test_f_keys_switch_places_even_while_typing(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("a", "b")
        for key, mode in (
            ("f4", "analyzing"),
            ("f2", "writing"),
            ("f5", "scoring"),
            ("f6", "costs"),
            ("f7", "history"),
            ("f8", "preferences"),
            ("f1", "creation"),
            ("f3", "enhancing"),
            ("f2", "writing"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
        assert app.workspace is not None
        await until(pilot, lambda: app.workspace.stage == "writing")
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalyzingScreen)
        assert screen.query_one(StatusBar).data.stage == "Analyzing"
        await until(pilot, lambda: app.workspace.stage == "analyzing")


async def test_palette_switches_stage_and_opens_a_scene_by_title(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to analyzing")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.current_mode == "analyzing")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open 1.2 second")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, WritingScreen) and app.screen.path == SECOND,
        )
        assert app.status.file_title == "1.2 Second Scene"


async def test_keymap_from_settings_moves_a_binding(project: Path) -> None:
    set_preferences(project, keymap={"stage.analyzing": "f12", "save": "ctrl+w"})
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert app.current_mode == "writing"
        await pilot.press("f12")
        await pilot.pause()
        assert app.current_mode == "analyzing"
        rows = {row.binding_id: row.keys for row in app.key_rows()}
        assert rows["stage.analyzing"] == "f12"
        assert rows["save"] == "^w"


async def test_help_lists_the_keys_in_force(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        assert isinstance(app.screen, WritingScreen)
        app.screen.binder.focus()  # ? types a question mark in the editor
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ["f4", "Analyzing", "stage.analyzing"] in rows
        assert ["^s", "Save now", "save"] in rows
        assert ["f9", "Focus", "focus_mode"] in rows
        await pilot.press("escape")


async def test_typing_reaches_the_file_on_disk_within_two_seconds(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press(*"Rain again. ")
        target = project / SCENE
        await until(pilot, lambda: target.read_text().startswith("Rain again. "), timeout=3)
        await until(pilot, lambda: "Auto-saved" in app.screen.query_one(StatusBar).save_text)


async def test_focus_mode_leaves_the_text_the_status_line_and_the_goal(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        await pilot.press("f9")
        await pilot.pause()
        assert screen.has_class("-focus-mode")
        assert not screen.binder.display
        assert screen.editor.display and screen.query_one("#goal-row").display
        assert screen.query_one(StatusBar).display
        assert app.focused is screen.editor
        await pilot.press("f9")
        await pilot.pause()
        assert screen.binder.display


async def test_quit_saves_and_releases_the_project(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press(*"Last words. ")
        await pilot.press("ctrl+q")
        await pilot.pause(0.5)
    assert app.return_code == 0
    assert (project / SCENE).read_text().startswith("Last words. ")
    assert session_state(project).state is SessionState.CLOSED


async def test_sigterm_flushes_the_prose_and_exits(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press(*"Before the signal. ")
        app._on_stop_signal(signal.SIGTERM)
        await pilot.pause(0.2)
        # flush_now ran before the exit: the text is on disk, whatever the idle timer did.
        assert (project / SCENE).read_text().startswith("Before the signal. ")
    assert app.return_code == 0


async def test_an_unexpected_error_saves_first_and_says_where_the_log_is(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    app = studio(project)
    raised = False
    try:
        async with app.run_test(size=SIZE) as pilot:
            await writing_ready(pilot)
            await pilot.press(*"Never lost. ")

            def boom() -> None:
                raise RuntimeError("a bug")

            app.call_later(boom)
            await pilot.pause(0.5)
    except RuntimeError as error:
        raised = str(error) == "a bug"
    assert raised
    assert (project / SCENE).read_text().startswith("Never lost. ")
    logs = list((project / ".session" / "logs").glob("*.jsonl"))
    assert len(logs) == 1
    assert '"unexpected_error"' in logs[0].read_text()
    note = "".join(capfd.readouterr().err.split())  # the terminal wraps long paths
    assert "".join(str(logs[0]).split()) in note
    assert "Yourwritingwassavedtodiskbeforeclosing." in note
    assert "Traceback" not in note  # the traceback (and the prose in its locals) is logged


async def test_a_failing_save_shows_the_warning_then_recovers(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    real_replace = os.replace
    broken = [True]

    def replace(src: object, dst: object, *args: object, **kwargs: object) -> None:
        if broken[0] and str(dst).endswith("1.1 Opening.md"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        bar = app.screen.query_one(StatusBar)
        await pilot.press(*"Full disk. ")
        await until(pilot, lambda: bar.save_text == "⚠ Auto-save failed — retrying", timeout=5)
        assert bar.query_one("#sb-save").has_class("-failed")
        assert not (project / SCENE).read_text().startswith("Full disk. ")
        broken[0] = False
        await until(pilot, lambda: (project / SCENE).read_text().startswith("Full disk. "), 8)
        await until(pilot, lambda: bar.save_text.startswith("● Auto-saved"), timeout=5)


async def test_search_and_replace_opens_from_its_key_and_the_palette(project: Path) -> None:
    from writers_tui.ui.modals.search_replace import SearchReplaceScreen

    app = studio(project)
    async with app.run_test(size=SIZE) as pilot:
        await writing_ready(pilot)
        await pilot.press("ctrl+shift+f")
        await until(pilot, lambda: isinstance(app.screen, SearchReplaceScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WritingScreen))
        commands = await app.palette_commands(app.screen)
        names = {command.name for command in commands}
        assert {"Search & replace across files", "Undo replace across files"} <= names
