"""Tiny terminals: the text and the save state stay visible; names are shown safely."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from tests.ui.apphelpers import studio, writing_ready
from writers_tui.ui.screens.writing import WritingScreen, title_of
from writers_tui.ui.textsafe import visible
from writers_tui.ui.widgets.binder import Binder
from writers_tui.ui.widgets.status_bar import StatusBar


async def test_at_40_by_10_the_binder_folds_and_the_save_state_shows(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=(40, 10)) as pilot:
        await writing_ready(pilot)
        await pilot.press(*"Hi")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        assert screen.narrow and not screen.query_one(Binder).display
        assert screen.editor.region.width >= 36  # most of the 40 columns
        assert screen.editor.region.height >= 1
        bar = screen.query_one(StatusBar)
        save = bar.query_one("#sb-save", Label)
        assert save.display and bar.save_text
        assert save.region.width > 0 and save.region.right <= 40
        assert str(save.render()) == bar.save_text
        # ctrl+b shows the binder (focused, to pick a file); choosing one folds it again.
        await pilot.press("ctrl+b")
        await pilot.pause()
        binder = screen.query_one(Binder)
        assert binder.display and app.focused is binder
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not binder.display and app.focused is screen.editor
        assert "Hi" in screen.editor.text


async def test_at_120_columns_the_binder_stays(project: Path) -> None:
    app = studio(project)
    async with app.run_test(size=(120, 30)) as pilot:
        await writing_ready(pilot)
        screen = app.screen
        assert isinstance(screen, WritingScreen)
        assert not screen.narrow and screen.query_one(Binder).display


def test_control_and_bidi_characters_are_shown_as_escapes() -> None:
    assert visible("1.2 The Letter") == "1.2 The Letter"
    assert visible("a\x1b[31mred") == "a\\x1b[31mred"
    assert visible("abc\u202edcba") == "abc\\u202edcba"
    assert visible("tab\there\x7f\x9b") == "tab\\x09here\\x7f\\x9b"
    assert visible("\u2066iso\u2069") == "\\u2066iso\\u2069"
    assert visible("Élise — ça") == "Élise — ça"  # ordinary Unicode untouched
    assert visible(visible("x\x1by")) == visible("x\x1by")  # idempotent
    assert title_of("manuscript/1 One/\x1b[2J1.1 Evil\u202e.md") == "\\x1b[2J1.1 Evil\\u202e"


async def test_the_binder_shows_a_hostile_file_name_escaped(project: Path) -> None:
    chapter = project / "manuscript" / "1 Chapter One"
    (chapter / "1.3 Ev\u202e\x1b.md").write_text("Boo.\n", encoding="utf-8")
    app = studio(project)
    async with app.run_test(size=(120, 30)) as pilot:
        await writing_ready(pilot)
        binder = app.screen.query_one(Binder)
        labels = [str(node.label) for node in binder._binder_nodes.values()]
        hostile = [label for label in labels if "Ev" in label]
        assert hostile and "\\u202e" in hostile[0] and "\\x1b" in hostile[0]
        assert all("\x1b" not in label and "\u202e" not in label for label in labels)
