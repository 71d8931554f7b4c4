"""Settings: defaults ← user config ← project ← user .env ← environment; untrusted projects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from writers_tui.config import (
    BINDING_IDS,
    DEFAULT_THEME,
    TEXTUAL_THEMES,
    Settings,
    SettingsError,
    Stage,
    load_settings,
)
from writers_tui.paths import ProjectPaths, user_config_dir, user_config_file
from writers_tui.storage.preferences import save_project_setting

EVIL_URL = "https://collector.example/v1"


def _write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _user(data: dict[str, Any]) -> Path:
    return _write_json(user_config_file(), data)


def _project_file(root: Path, data: dict[str, Any]) -> Path:
    return _write_json(ProjectPaths(root).preferences, data)


def _user_env(text: str) -> Path:
    path = user_config_dir() / ".env"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _load(root: Path | None, **environ: str) -> Settings:
    return load_settings(root, environ=environ).settings


# --- defaults and fields ---------------------------------------------------------------


def test_defaults(project: Path) -> None:
    loaded = load_settings(project, environ={})
    settings = loaded.settings
    assert loaded.warnings == []
    assert settings.autosave_interval == 30.0
    assert settings.analysis.target_reading_ease == 65.0
    assert settings.budget.daily_limit is None and settings.budget.warn_ratio == 0.8
    assert settings.goals.daily_words == 1000 and settings.goals.project_words is None
    assert settings.ai.confirm_threshold == Decimal("0.10")
    assert settings.editor.allow_outside_symlinks is False
    assert settings.providers == {} and settings.model_preferences == {}
    assert settings.theme == DEFAULT_THEME == "writers-dark"


def test_every_field_is_documented() -> None:
    def undocumented(model: type[Any], prefix: str = "") -> list[str]:
        missing = []
        for name, info in model.model_fields.items():
            if not info.description:
                missing.append(prefix + name)
            annotation = info.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                missing += undocumented(annotation, f"{prefix}{name}.")
        return missing

    assert undocumented(Settings) == []


def test_theme_list_matches_textual() -> None:
    from textual.theme import BUILTIN_THEMES

    assert set(TEXTUAL_THEMES) == set(BUILTIN_THEMES)


def test_loading_settings_does_not_import_textual() -> None:
    code = (
        "import sys, writers_tui.config as c; c.load_settings(None); "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- precedence: each layer over the previous ------------------------------------------


def test_each_layer_overrides_the_previous(project: Path) -> None:
    assert _load(project).autosave_interval == 30.0  # defaults
    _user({"autosave_interval": 20, "theme": "nord", "goals": {"daily_words": 500}})
    settings = _load(project)
    assert (settings.autosave_interval, settings.theme) == (20, "nord")  # user config
    _project_file(project, {"schema_version": 1, "autosave_interval": 15})
    settings = _load(project)
    assert settings.autosave_interval == 15 and settings.theme == "nord"  # project file
    assert settings.goals.daily_words == 500
    _user_env("WRITERS_TUI_AUTOSAVE_INTERVAL=10\nWRITERS_TUI_GOALS__PROJECT_WORDS=90000\n")
    settings = _load(project)
    assert settings.autosave_interval == 10  # user .env
    assert settings.goals.daily_words == 500 and settings.goals.project_words == 90000
    settings = _load(project, WRITERS_TUI_AUTOSAVE_INTERVAL="5")
    assert settings.autosave_interval == 5  # environment
    assert settings.theme == "nord" and settings.goals.project_words == 90000


def test_nested_environment_variables(project: Path) -> None:
    settings = _load(
        project,
        WRITERS_TUI_BUDGET__DAILY_LIMIT="2.5",
        WRITERS_TUI_MODEL_PREFERENCES__WRITING="mistral/mistral-large-latest",
        WRITERS_TUI_AI__CONFIRM_THRESHOLD="0.25",
        WRITERS_TUI_KEYMAP='{"save": "ctrl+w"}',
    )
    assert settings.budget.daily_limit == Decimal("2.5")
    assert settings.model_preferences == {Stage.WRITING: "mistral/mistral-large-latest"}
    assert settings.ai.confirm_threshold == Decimal("0.25")
    assert settings.keymap == {"save": "ctrl+w"}


def test_real_process_environment_is_read_by_default(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRITERS_TUI_THEME", "dracula")
    assert load_settings(project).settings.theme == "dracula"


def test_no_project_means_user_level_only(tmp_path: Path) -> None:
    _user({"autosave_interval": 20})
    assert _load(None).autosave_interval == 20


def test_old_project_file_is_migrated_when_read(project: Path) -> None:
    _project_file(project, {"auto_save_interval": 45, "model_preferences": {"writing": "claude"}})
    settings = _load(project)
    assert settings.autosave_interval == 45
    assert settings.model_preferences == {Stage.WRITING: "anthropic/claude"}


# --- .env: the user's is read, a project's never ---------------------------------------


def test_project_dotenv_is_never_read(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = "WRITERS_TUI_AUTOSAVE_INTERVAL=2\nWRITERS_TUI_PROVIDERS__OPENAI__BASE_URL=" + EVIL_URL
    (project / ".env").write_text(planted)
    ProjectPaths(project).session_dir.mkdir(exist_ok=True)
    (ProjectPaths(project).session_dir / ".env").write_text(planted)
    monkeypatch.chdir(project)  # pydantic-settings' own lookup would look here
    settings = _load(project)
    assert settings.autosave_interval == 30.0 and settings.providers == {}


def test_user_dotenv_can_configure_providers(project: Path) -> None:
    _user_env("WRITERS_TUI_PROVIDERS__MYLLM__BASE_URL=http://localhost:8000/v1\n")
    assert _load(project).providers["myllm"].base_url == "http://localhost:8000/v1"


# --- an untrusted project --------------------------------------------------------------


def test_project_cannot_set_user_level_keys(project: Path) -> None:
    path = _project_file(
        project,
        {
            "schema_version": 1,
            "theme": "nord",
            "providers": {
                "openai": {
                    "base_url": EVIL_URL,
                    "api_key_env": "ANTHROPIC_API_KEY",
                    "price_override": {"input": 0, "output": 0},
                }
            },
            "editor": {"allow_outside_symlinks": True},
        },
    )
    loaded = load_settings(project, environ={})
    assert loaded.settings.providers == {}
    assert loaded.settings.editor.allow_outside_symlinks is False
    assert loaded.settings.theme == "nord"  # the rest of the file still applies
    assert any(str(path) in w and "'providers'" in w for w in loaded.warnings)
    assert any("'editor'" in w for w in loaded.warnings)


def test_a_project_cannot_loosen_the_spending_guards(project: Path) -> None:
    _user(
        {
            "budget": {"daily_limit": 1, "monthly_limit": 20, "warn_ratio": 0.5},
            "ai": {"confirm_threshold": 0.05},
            "keymap": {"ai.accept": "alt+y"},
        }
    )
    _project_file(
        project,
        {
            "schema_version": 1,
            "budget": {"daily_limit": None, "monthly_limit": 1e9, "warn_ratio": 1.0},
            "ai": {"confirm_threshold": 1e9},
            "keymap": {"ai.continue": "e", "ai.accept": "alt+y", "save": "ctrl+w"},
        },
    )
    loaded = load_settings(project, environ={})
    settings = loaded.settings
    assert settings.budget.daily_limit == Decimal(1)
    assert settings.budget.monthly_limit == Decimal(20)
    assert settings.budget.warn_ratio == 0.5
    assert settings.ai.confirm_threshold == Decimal("0.05")
    assert "ai.continue" not in settings.keymap  # a planted letter for an AI call: ignored
    assert settings.keymap["ai.accept"] == "alt+y"  # the writer's own, also in the project
    assert settings.keymap["save"] == "ctrl+w"  # other keys still come from the project
    joined = " ".join(loaded.warnings)
    assert "budget.daily_limit" in joined and "ai.confirm_threshold" in joined
    assert "ai.continue" in joined


def test_a_project_may_tighten_the_spending_guards(project: Path) -> None:
    _user({"budget": {"daily_limit": 5}})
    _project_file(
        project,
        {
            "schema_version": 1,
            "budget": {"daily_limit": 2, "weekly_limit": 9},
            "ai": {"confirm_threshold": 0.01},
        },
    )
    loaded = load_settings(project, environ={})
    assert loaded.settings.budget.daily_limit == Decimal(2)
    assert loaded.settings.budget.weekly_limit == Decimal(9)  # none of yours: the project's
    assert loaded.settings.ai.confirm_threshold == Decimal("0.01")
    assert loaded.warnings == []


def test_preferences_may_loosen_a_guard_a_planted_file_may_not(project: Path) -> None:
    # Nothing in the user config: the defaults ($0.10, warn at 80 %) are the writer's own.
    _project_file(project, {"schema_version": 1, "ai": {"confirm_threshold": 1}})
    planted = load_settings(project, environ={})
    assert planted.settings.ai.confirm_threshold == Decimal("0.10")
    assert any("was not saved from your Preferences" in w for w in planted.warnings)

    saved = save_project_setting(project, "ai.confirm_threshold", "2.50")  # F8 does this
    assert saved.settings.ai.confirm_threshold == Decimal("2.50")
    assert saved.warnings == []
    assert load_settings(project, environ={}).settings.ai.confirm_threshold == Decimal("2.50")


def test_a_stricter_project_limit_wins_even_over_the_environment(project: Path) -> None:
    _project_file(project, {"schema_version": 1, "budget": {"daily_limit": 3}})
    loaded = load_settings(project, environ={"WRITERS_TUI_BUDGET__DAILY_LIMIT": "5"})
    assert loaded.settings.budget.daily_limit == Decimal(3)


def test_user_level_providers_apply(project: Path) -> None:
    _user(
        {
            "providers": {
                "openai": {"base_url": "https://proxy.example/v1", "api_key_env": "WORK_KEY"},
                "myllm": {"price_override": {"input": 1, "output": 2}},
            },
            "editor": {"allow_outside_symlinks": True},
            "model_preferences": {"writing": "myllm/big"},
        }
    )
    _project_file(project, {"schema_version": 1, "model_preferences": {"scoring": "myllm/x"}})
    settings = _load(project)
    assert settings.providers["openai"].api_key_env == "WORK_KEY"
    assert settings.providers["myllm"].price_override is not None
    assert settings.editor.allow_outside_symlinks is True
    # the project may *use* a provider the writer defined, just not define one
    assert settings.model_preferences == {Stage.WRITING: "myllm/big", Stage.SCORING: "myllm/x"}


def test_unreadable_project_file_is_a_warning_not_a_crash(project: Path) -> None:
    path = ProjectPaths(project).preferences
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00{not json")
    loaded = load_settings(project, environ={})
    assert loaded.settings.autosave_interval == 30.0
    assert any(str(path) in w and "not valid JSON" in w for w in loaded.warnings)
    assert path.read_bytes() == b"\x00{not json"  # read-only: never moved


def test_project_file_that_is_not_a_file(project: Path) -> None:
    path = ProjectPaths(project).preferences
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)  # reading a FIFO would hang
    loaded = load_settings(project, environ={})
    assert any("not a regular file" in w for w in loaded.warnings)


def test_hostile_config_planted_in_the_user_dir_is_the_one_read(
    project: Path, hermetic_user_dirs: Path
) -> None:
    """The planted config is in the test's fake home: proof no test sees the real one."""
    assert str(user_config_file()).startswith(str(hermetic_user_dirs))
    _user(
        {
            "budget": {"daily_limit": 0.01},
            "theme": "no-such-theme",
            "keymap": {"format_disk": "ctrl+d"},
            "autosave_interval": 3600,
        }
    )
    _user_env("WRITERS_TUI_GOALS__DAILY_WORDS=1\n")
    loaded = load_settings(project)
    assert loaded.settings.budget.daily_limit == Decimal("0.01")
    assert loaded.settings.goals.daily_words == 1
    assert loaded.settings.theme == DEFAULT_THEME == "writers-dark" and loaded.settings.keymap == {}
    assert len(loaded.warnings) == 2


# --- bad values: one line naming the key and where it came from -------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"autosave_interval": 0}, "autosave_interval: Input should be greater"),
        ({"budget": {"daily_limit": "lots"}}, "budget.daily_limit"),
        ({"model_preferences": {"writing": "gpt-4o"}}, "provider/model"),
        ({"model_preferences": {"drafting": "openai/gpt-4o"}}, "model_preferences.drafting"),
        (
            {"model_preferences": {"writing": "mistrall/x"}},
            "model_preferences.writing: unknown provider 'mistrall'; did you mean 'mistral'",
        ),
        ({"goals": {"daily_words": -1}}, "goals.daily_words"),
    ],
)
def test_bad_project_value_names_key_and_file(
    project: Path, data: dict[str, Any], message: str
) -> None:
    path = _project_file(project, {"schema_version": 1, **data})
    with pytest.raises(SettingsError) as caught:
        load_settings(project, environ={})
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_bad_user_value_names_the_user_file(project: Path) -> None:
    path = _user({"providers": {"x": {"base_url": "ftp://nope"}}})
    with pytest.raises(SettingsError, match=rf"^{path}: providers.x.base_url: .*http"):
        load_settings(project, environ={})


def test_broken_user_file_is_an_error(project: Path) -> None:
    path = user_config_file()
    path.parent.mkdir(parents=True)
    path.write_text("{")
    with pytest.raises(SettingsError, match=rf"^{path}: not valid JSON"):
        load_settings(project, environ={})


def test_bad_environment_value_names_the_variable(project: Path) -> None:
    with pytest.raises(SettingsError, match=r"^environment variable WRITERS_TUI_AUTOSAVE_INTERVAL"):
        load_settings(project, environ={"WRITERS_TUI_AUTOSAVE_INTERVAL": "-3"})
    with pytest.raises(SettingsError, match=r"^environment variable WRITERS_TUI_BUDGET: budget"):
        load_settings(project, environ={"WRITERS_TUI_BUDGET": "{not json"})


def test_bad_user_dotenv_value_names_the_file_and_variable(project: Path) -> None:
    path = _user_env("WRITERS_TUI_BUDGET__WARN_RATIO=7\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(project, environ={})
    assert str(caught.value).startswith(f"{path} (WRITERS_TUI_BUDGET__WARN_RATIO): ")


# --- themes and keymaps ----------------------------------------------------------------


def test_unknown_theme_falls_back_with_a_warning(project: Path) -> None:
    path = _project_file(project, {"schema_version": 1, "theme": "neon-nightmare"})
    loaded = load_settings(project, environ={})
    assert loaded.settings.theme == DEFAULT_THEME == "writers-dark"
    assert len(loaded.warnings) == 1
    assert str(path) in loaded.warnings[0] and "neon-nightmare" in loaded.warnings[0]


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_user_theme_files_are_known_themes(project: Path, suffix: str) -> None:
    themes = user_config_dir() / "themes"
    themes.mkdir(parents=True)
    (themes / f"sepia{suffix}").write_text("")
    loaded = load_settings(project, environ={"WRITERS_TUI_THEME": "sepia"})
    assert loaded.settings.theme == "sepia" and loaded.warnings == []


def test_unknown_binding_id_is_named_and_dropped(project: Path) -> None:
    _user({"keymap": {"save": "ctrl+w", "sav": "ctrl+s"}})
    loaded = load_settings(project, environ={})
    assert loaded.settings.keymap == {"save": "ctrl+w"}
    assert len(loaded.warnings) == 1 and "'sav'" in loaded.warnings[0]
    assert "save" in BINDING_IDS


# --- changing a project setting --------------------------------------------------------


def test_save_project_setting_round_trip(project: Path) -> None:
    save_project_setting(project, "autosave_interval", 10, environ={})
    save_project_setting(project, "model_preferences.writing", "openai/gpt-4o", environ={})
    save_project_setting(project, "budget.daily_limit", 5, environ={})
    loaded = save_project_setting(project, "keymap.save", "ctrl+w", environ={})
    assert loaded.settings.keymap == {"save": "ctrl+w"}
    saved = json.loads(ProjectPaths(project).preferences.read_text())
    assert saved == {
        "schema_version": 1,
        "autosave_interval": 10,
        "model_preferences": {"writing": "openai/gpt-4o"},
        "budget": {"daily_limit": 5},
        "keymap": {"save": "ctrl+w"},
    }
    again = _load(project)
    assert again.model_preferences == {Stage.WRITING: "openai/gpt-4o"}
    assert again.budget.daily_limit == Decimal(5)


def test_saving_does_not_freeze_defaults_over_the_user_config(project: Path) -> None:
    save_project_setting(project, "autosave_interval", 10, environ={})
    _user({"theme": "nord", "goals": {"daily_words": 250}})
    settings = _load(project)
    assert settings.theme == "nord" and settings.goals.daily_words == 250


def test_saving_keeps_unknown_keys(project: Path) -> None:
    _project_file(project, {"schema_version": 1, "from_a_newer_version": [1, 2]})
    save_project_setting(project, "theme", "nord", environ={})
    saved = json.loads(ProjectPaths(project).preferences.read_text())
    assert saved["from_a_newer_version"] == [1, 2] and saved["theme"] == "nord"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("autosave_interval", 0, "autosave_interval"),
        ("autosave_interval", "soon", "autosave_interval"),
        ("model_preferences.writing", "gpt-4o", "provider/model"),
        ("model_preferences.writing", "mistrall/x", "did you mean 'mistral'"),
        ("model_preferences.drafting", "openai/gpt-4o", "model_preferences.drafting"),
        ("budget.daily_limit", "lots", "budget.daily_limit"),
        ("budget", {"daily_limit": 1}, "name one of its keys"),
        ("no_such_thing", 1, "no_such_thing: no such setting"),
        ("theme", "neon-nightmare", "unknown theme"),
        ("keymap.sav", "ctrl+s", "unknown key binding id 'sav'"),
        ("providers.openai.base_url", EVIL_URL, "only be set in your user config"),
        ("editor.allow_outside_symlinks", True, "only be set in your user config"),
    ],
)
def test_invalid_changes_are_refused_and_nothing_is_written(
    project: Path, key: str, value: object, message: str
) -> None:
    with pytest.raises(SettingsError, match=message) as caught:
        save_project_setting(project, key, value, environ={})
    assert "\n" not in str(caught.value)
    assert not ProjectPaths(project).preferences.exists()


def test_a_change_is_checked_against_every_source(project: Path) -> None:
    """A project value valid alone but not with the environment is still not written."""
    before = _project_file(project, {"schema_version": 1, "theme": "nord"}).read_bytes()
    with pytest.raises(SettingsError, match="WRITERS_TUI_BUDGET__WARN_RATIO"):
        save_project_setting(
            project, "theme", "dracula", environ={"WRITERS_TUI_BUDGET__WARN_RATIO": "9"}
        )
    assert ProjectPaths(project).preferences.read_bytes() == before
