"""Preferences: validated, layered (user config ← project ← environment), durable."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from writers_tui.storage.preferences import PreferenceError, Preferences, environment_overrides


def _prefs(root: Path, **kwargs: object) -> Preferences:
    kwargs.setdefault("user_config", root / "no-user-config.json")
    kwargs.setdefault("environ", {})
    return Preferences(root, **kwargs)  # type: ignore[arg-type]


def test_defaults(tmp_path: Path) -> None:
    prefs = _prefs(tmp_path)
    assert prefs.effective.autosave_interval == 30.0
    assert prefs.get("analysis.target_reading_ease") == 65.0
    assert prefs.effective.budget.daily_limit is None


def test_set_and_save_round_trip(tmp_path: Path) -> None:
    prefs = _prefs(tmp_path)
    prefs.set("autosave_interval", 10)
    prefs.set("model_preferences.writing", "openai/gpt-4o")
    prefs.set("budget.daily_limit", 5)
    prefs.set("keymap.save", "ctrl+w")
    prefs.save_sync()
    saved = json.loads((tmp_path / ".session" / "preferences.json").read_text())
    assert saved["autosave_interval"] == 10
    assert saved["budget"]["daily_limit"] == 5
    again = _prefs(tmp_path)
    assert again.effective.model_preferences["writing"] == "openai/gpt-4o"
    assert again.effective.budget.daily_limit == Decimal(5)
    assert again.get("keymap.save") == "ctrl+w"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("autosave_interval", 0, "autosave_interval"),
        ("autosave_interval", "soon", "autosave_interval"),
        ("model_preferences.writing", "gpt-4o", "provider/model"),
        ("model_preferences.drafting", "openai/gpt-4o", "model_preferences.drafting"),
        ("budget.daily_limit", "lots", "budget.daily_limit"),
        ("no_such_thing", 1, "no such preference"),
    ],
)
def test_invalid_values_name_the_key_and_change_nothing(
    tmp_path: Path, key: str, value: object, message: str
) -> None:
    prefs = _prefs(tmp_path)
    with pytest.raises(PreferenceError, match=message):
        prefs.set(key, value)
    assert prefs.effective.autosave_interval == 30.0
    assert not (tmp_path / ".session" / "preferences.json").exists()


def test_layers_user_then_project_then_environment(tmp_path: Path) -> None:
    user = tmp_path / "config.json"
    user.write_text(json.dumps({"autosave_interval": 20, "theme": "nord"}))
    prefs = _prefs(tmp_path, user_config=user)
    assert prefs.effective.autosave_interval == 20 and prefs.effective.theme == "nord"
    prefs.set("autosave_interval", 15)
    assert prefs.effective.autosave_interval == 15 and prefs.effective.theme == "nord"
    env = {"WRITERS_TUI_AUTOSAVE_INTERVAL": "5", "WRITERS_TUI_BUDGET__DAILY_LIMIT": "2.5"}
    prefs = _prefs(tmp_path, user_config=user, environ=env)
    assert prefs.effective.autosave_interval == 5
    assert prefs.effective.budget.daily_limit == Decimal("2.5")


def test_invalid_environment_value_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(PreferenceError, match="environment: autosave_interval"):
        _prefs(tmp_path, environ={"WRITERS_TUI_AUTOSAVE_INTERVAL": "-3"})


def test_environment_overrides_parse() -> None:
    assert environment_overrides({"WRITERS_TUI_THEME": "nord", "HOME": "/x"}) == {"theme": "nord"}
