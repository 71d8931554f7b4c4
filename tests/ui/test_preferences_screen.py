"""The Preferences screen on a real project: validated, saved durably, applied at once.

The studio runs on a temp project; the Preferences screen is pushed over Writing (until
app.py routes F8 to it). :func:`wire_settings` does what the app does on the workspace's
``SettingsChanged``: take the new settings and re-apply the keymap and the theme.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from tests.ui.apphelpers import studio, tables_settled, until, writing_ready
from tests.ui.conftest import frozen_clock
from writers_tui import config
from writers_tui.config import check_theme
from writers_tui.ui.app import WritersApp
from writers_tui.ui.screens.preferences import PreferencesScreen, input_id
from writers_tui.ui.themes import register_all
from writers_tui.workspace import SettingsChanged

SIZE = (120, 36)


def wire_settings(app: WritersApp) -> None:
    """The app's SettingsChanged handling (what app.py gets): settings, keymap, theme."""
    assert app.workspace is not None

    def listen(event: object) -> None:
        if isinstance(event, SettingsChanged):
            app.settings = event.settings
            app.set_keymap(dict(event.settings.keymap))
            if event.settings.theme in app.available_themes:
                app.theme = event.settings.theme

    app.workspace.subscribe(listen)


def make(project: Path) -> WritersApp:
    app = studio(project, clock=frozen_clock)
    register_all(app)
    return app


async def open_preferences(pilot: Pilot[Any]) -> PreferencesScreen:
    app = pilot.app
    assert isinstance(app, WritersApp)
    await writing_ready(pilot)
    wire_settings(app)
    screen = PreferencesScreen()
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def preferences_file(project: Path) -> Path:
    return project / ".session" / "preferences.json"


def message(screen: PreferencesScreen) -> str:
    return str(screen.query_one("#prefs-message", Static).render())


async def go_to(pilot: Pilot[Any], screen: PreferencesScreen, section: str) -> None:
    sections = screen.query_one("#prefs-sections", OptionList)
    sections.focus()
    sections.highlighted = [o.id for o in sections.options].index(section)
    await pilot.press("enter")
    await pilot.pause()


async def saved(pilot: Pilot[Any], screen: PreferencesScreen) -> None:
    await pilot.app.workers.wait_for_complete()
    await until(pilot, lambda: screen.last_result is not None)
    await pilot.pause()


async def test_a_field_is_saved_and_applied(project: Path) -> None:
    app = make(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preferences(pilot)
        await go_to(pilot, screen, "writing")
        field = screen.query_one(f"#{input_id('goals.daily_words')}", Input)
        field.focus()
        field.value = "1,500"
        await pilot.press("enter")
        await saved(pilot, screen)
        assert screen.last_result is not None and screen.last_result[0] == "ok"
        assert app.settings.goals.daily_words == 1500
        data = json.loads(preferences_file(project).read_text())
        assert data["goals"]["daily_words"] == 1500


async def test_changing_theme_previews_applies_and_saves(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = "writers-light"
    try:
        check_theme(target)
    except ValueError:  # config.py does not list the packaged themes yet (the lead's change)
        monkeypatch.setattr(config, "TEXTUAL_THEMES", (*config.TEXTUAL_THEMES, target))
    app = make(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preferences(pilot)
        before = app.theme
        await go_to(pilot, screen, "theme")
        listing = screen.query_one("#theme-list", OptionList)
        assert listing.has_focus
        names = [o.id for o in listing.options]
        # Escape reverts a preview.
        listing.highlighted = names.index("textual-light")
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("escape")
        assert app.theme == before
        # Enter keeps it: applied and saved.
        listing.focus()
        listing.highlighted = names.index(target)
        await pilot.pause()
        assert app.theme == target
        await pilot.press("enter")
        await saved(pilot, screen)
        assert app.theme == target
        assert json.loads(preferences_file(project).read_text())["theme"] == target


async def test_a_bad_value_shows_one_line_naming_the_key_and_saves_nothing(
    project: Path,
) -> None:
    app = make(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preferences(pilot)
        before = (
            preferences_file(project).read_bytes() if preferences_file(project).exists() else None
        )
        await go_to(pilot, screen, "models")
        field = screen.query_one(f"#{input_id('model_preferences.writing')}", Input)
        field.value = "antropic/claude-sonnet-4-5"
        field.focus()
        await pilot.press("enter")
        await saved(pilot, screen)
        shown = message(screen)
        assert screen.last_result is not None and screen.last_result[0] == "error"
        assert "model_preferences.writing" in shown
        assert "did you mean 'anthropic'" in shown
        assert "\n" not in shown and str(project) not in shown
        after = (
            preferences_file(project).read_bytes() if preferences_file(project).exists() else None
        )
        assert after == before

        screen.last_result = None
        await go_to(pilot, screen, "writing")
        field = screen.query_one(f"#{input_id('autosave_interval')}", Input)
        field.value = "0"
        field.focus()
        await pilot.press("enter")
        await saved(pilot, screen)
        assert "autosave_interval" in message(screen)
        assert app.settings.autosave_interval == 30


async def test_a_keymap_edit_shows_conflicts_then_applies(project: Path) -> None:
    app = make(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preferences(pilot)
        await go_to(pilot, screen, "keys")
        table = screen.query_one("#keys-table")
        assert table.has_focus
        ids = [str(row.value) for row in screen.query_one("#keys-table").rows]  # type: ignore[attr-defined]
        table.move_cursor(row=ids.index("save"))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        field = screen.query_one("#key-input", Input)
        assert field.has_focus and field.value == "ctrl+s"
        # ctrl+q already quits: the conflict is shown and nothing is saved yet.
        field.value = "ctrl+q"
        await pilot.press("enter")
        await pilot.pause()
        assert "Conflict" in message(screen) and "quit" in message(screen)
        assert not preferences_file(project).exists() or "keymap" not in json.loads(
            preferences_file(project).read_text()
        )
        # A free key saves, is applied, and works.
        field.value = "ctrl+w"
        await pilot.press("enter")
        await saved(pilot, screen)
        assert json.loads(preferences_file(project).read_text())["keymap"] == {"save": "ctrl+w"}
        assert app._keymap.get("save") == "ctrl+w"
        assert workspace_saves_on(app, "ctrl+w")
        await pilot.press("ctrl+w")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert any(n.message == "Saved." for n in app._notifications)


def workspace_saves_on(app: WritersApp, key: str) -> bool:
    """The key is now bound to the save action on the screen in force."""
    active = app.screen.active_bindings.get(key)
    return active is not None and active.binding.action == "save"


async def test_user_level_settings_are_read_only(project: Path) -> None:
    app = make(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_preferences(pilot)
        await go_to(pilot, screen, "user")
        text = str(screen.query_one("#user-settings", Static).render())
        assert "user config file" in text and "config.json" in text
        assert not screen.query("#pane-user Input")


def test_preferences_screen_snapshot(snap_compare: Any, project: Path) -> None:
    app = make(project)

    async def ready(pilot: Pilot[Any]) -> None:
        await open_preferences(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.app.workers.wait_for_complete()
        await tables_settled(pilot)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
