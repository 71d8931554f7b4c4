"""The theme files: found in a checkout or a wheel, validated, registered, and readable.

A bad user theme is a warning, never a crash; the packaged themes load without one; and a
snapshot of Writing-like prose with a selection in each packaged theme shows what a writer
will read for hours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES

from writers_tui.ui.themes import (
    ThemeFileError,
    load_theme_file,
    packaged_theme_dir,
    packaged_themes,
    register_all,
    user_theme_dir,
)
from writers_tui.ui.widgets.editor import ProseEditor

REPO = Path(__file__).resolve().parents[2]
PACKAGED = ("writers-dark", "writers-light")

PROSE = (
    "The letter came on the third day of rain, and Elizabeth read it twice before she "
    "understood that it was not from Jane. The hand was careful, the ink a little faded, "
    "as if the writer had waited a long while before deciding to send it.\n\n"
    "She folded it along its creases and set it on the sill, where the grey light made "
    "the paper look older than it was."
)


def test_packaged_themes_are_found_and_load_without_warnings() -> None:
    folder = packaged_theme_dir()
    assert folder is not None
    loaded = packaged_themes()
    assert loaded.warnings == []
    assert {theme.name for theme in loaded.themes} >= set(PACKAGED)
    by_name = {theme.name: theme for theme in loaded.themes}
    assert by_name["writers-dark"].dark and not by_name["writers-light"].dark
    for theme in by_name.values():
        assert "input-selection-background" in theme.variables


def test_every_file_in_the_repo_themes_folder_is_a_valid_theme() -> None:
    files = sorted((REPO / "themes").glob("*.toml"))
    assert {f.stem for f in files} >= set(PACKAGED)
    for file in files:
        assert load_theme_file(file).name == file.stem


def test_register_all_keeps_builtins_and_adds_packaged_and_user_themes() -> None:
    folder = user_theme_dir()
    folder.mkdir(parents=True)
    (folder / "sepia.toml").write_text('primary = "#8a6d3b"\ndark = false\n', encoding="utf-8")
    (folder / "broken.toml").write_text("primary = [not toml", encoding="utf-8")
    (folder / "typo.json").write_text('{"primary": "#123456", "forground": "#fff"}')
    (folder / "writers-dark.toml").write_text('primary = "#000000"\n', encoding="utf-8")
    app: App[None] = App()
    warnings = register_all(app)
    assert set(BUILTIN_THEMES) <= set(app.available_themes)
    assert {*PACKAGED, "sepia"} <= set(app.available_themes)
    assert app.available_themes["writers-dark"].primary != "#000000"  # not shadowed
    assert len(warnings) == 3
    assert any("broken.toml" in w and "cannot be read" in w for w in warnings)
    assert any("typo.json" in w and "forground" in w for w in warnings)
    assert any("writers-dark.toml" in w and "already taken" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('primary = "not-a-colour"', "not a colour"),
        ('primary = "#123456"\n[variables]\ntext-area-cursor = "#fff"', "unknown theme variable"),
        ('name = "other"\nprimary = "#123456"', "does not match the file name"),
        ("dark = true", "primary"),
    ],
)
def test_a_bad_theme_file_is_one_line_naming_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    file = tmp_path / "mine.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ThemeFileError) as caught:
        load_theme_file(file)
    assert problem in str(caught.value) and "mine.toml" in str(caught.value)
    assert "\n" not in str(caught.value)


class ProseSample(App[None]):
    """Writing-like text in the prose editor, with a selection, in one theme."""

    def __init__(self, theme: str) -> None:
        super().__init__()
        register_all(self)
        self.theme_name = theme

    def compose(self) -> ComposeResult:
        yield ProseEditor(PROSE, measure=72, word_count=False, id="editor")

    def on_mount(self) -> None:
        self.theme = self.theme_name


@pytest.mark.parametrize("theme", PACKAGED)
def test_prose_in_each_packaged_theme(snap_compare: Any, theme: str) -> None:
    async def select(pilot: Pilot[Any]) -> None:
        editor = pilot.app.query_one(ProseEditor)
        editor.cursor_blink = False
        editor.focus()
        editor.select_line(0)
        editor.move_cursor((0, 46), select=False)
        editor.move_cursor((0, 83), select=True)
        await pilot.pause()

    assert snap_compare(ProseSample(theme), terminal_size=(100, 16), run_before=select)
