"""The writer's settings: one pydantic-settings model, five sources, later wins.

1. the defaults below;
2. the user config file, ``config.json`` in platformdirs' user config dir;
3. the project's ``.session/preferences.json`` (the file the app edits);
4. a ``.env`` file in the *user* config dir (``WRITERS_TUI_…=value`` lines);
5. ``WRITERS_TUI_*`` environment variables, ``__`` for nesting
   (``WRITERS_TUI_BUDGET__DAILY_LIMIT=5``); complex values as JSON.

A project folder is untrusted input (a co-author's zip, a cloned repo): nothing in it may
say where the writer's API key is sent or read from, or what a call costs. So
:data:`USER_ONLY_KEYS` (``providers``: base URL, key variable, timeout, price override;
``editor``: e.g. following symlinks out of the project) are taken from the user level only —
a project file that sets them is ignored for those keys, with a warning naming them — and a
``.env`` inside a project is never read (pydantic-settings' own ``.env`` lookup in the
current folder is off). The guards on the writer's money (:data:`GUARD_KEYS`: budgets, the
warn ratio, the confirm threshold) may be made stricter by a project, looser only to a
value the writer saved from Preferences; AI key bindings come from the user level only.

Each value is stored once: the model per stage lives here (``model_preferences``) and
nowhere else. A bad value is a :class:`SettingsError`: one line naming the key and the file
or environment variable it came from. An unknown theme or keymap binding is not an error
(a theme file may be missing on this machine): it is a warning and the default is used.

This module is the bottom layer: it reads files but never imports storage; writing the
project's preferences durably is :func:`writers_tui.storage.preferences.save_project_setting`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as SourceError

from writers_tui import paths
from writers_tui.model_names import (
    PROVIDER_NAME,
    ModelName,
    check_model_name,
    qualify_model,
)
from writers_tui.values import Money

ENV_PREFIX = "WRITERS_TUI_"
ENV_NESTED_DELIMITER = "__"
PREFERENCES_VERSION = 1
#: The themes shipped in themes/ (writers_tui/_themes in a wheel), designed for long sessions.
PACKAGED_THEMES: tuple[str, ...] = ("writers-dark", "writers-light")
DEFAULT_THEME = "writers-dark"

#: Top-level settings only the user level (user config, user .env, environment) may set.
USER_ONLY_KEYS: tuple[str, ...] = ("providers", "editor")

#: Larger settings files are refused rather than read (a planted multi-GB file).
MAX_SETTINGS_BYTES = 1024 * 1024

#: Textual's built-in theme names; a test checks this against ``textual.theme.BUILTIN_THEMES``
#: so the bottom layer need not import Textual.
TEXTUAL_THEMES: tuple[str, ...] = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)

#: Every remappable key binding of the app, by id. The UI gives each ``Binding`` one of these
#: ids (and a UI test checks the two lists match); ``keymap`` maps an id to new keys.
BINDING_IDS: tuple[str, ...] = (
    "stage.creation",
    "stage.writing",
    "stage.enhancing",
    "stage.analyzing",
    "stage.scoring",
    "screen.costs",
    "screen.history",
    "screen.preferences",
    "save",
    "command_palette",
    "quit",
    "focus_mode",
    "help",
    "search_replace",
    "binder.new_scene",
    "binder.new_chapter",
    "binder.rename",
    "binder.delete",
    "binder.undo_delete",
    "binder.move_up",
    "binder.move_down",
    "binder.move_into",
    "writing.toggle_binder",
    "writing.toggle_inspector",
    "creation.new_entry",
    "creation.files",
    "creation.issues",
    "creation.check",
    "enhancing.analyse",
    "enhancing.flags",
    "enhancing.next_flag",
    "enhancing.previous_flag",
    "enhancing.keep_flag",
    "enhancing.hide_kept",
    "flags.next",
    "flags.previous",
    "enhancing.snapshots",
    "enhancing.take_snapshot",
    "snapshots.restore",
    "analyzing.refresh",
    "analyzing.report",
    "analyzing.chapters",
    "analyzing.pacing",
    "analyzing.characters",
    "analyzing.phrases",
    "scoring.refresh",
    "costs.add_expense",
    "costs.export_csv",
    "costs.filter",
    "costs.sort",
    "costs.period",
    "costs.refresh",
    "history.details",
    "history.refresh",
    "ai.ask",
    "ai.continue",
    "ai.draft",
    "ai.accept",
    "ai.reject",
    "ai.stop",
)


class SettingsError(ValueError):
    """A setting is invalid; the one-line message names the key and where it came from."""


class Stage(StrEnum):
    """The five stages of the studio; settings key the model per stage by them."""

    CREATION = "creation"
    WRITING = "writing"
    ENHANCING = "enhancing"
    ANALYZING = "analyzing"
    SCORING = "scoring"


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True)


class Budget(_Section):
    """Spending limits in US dollars (None: no limit for that period)."""

    daily_limit: Money | None = Field(default=None, ge=0, description="Limit per local day.")
    weekly_limit: Money | None = Field(default=None, ge=0, description="Limit per ISO week.")
    monthly_limit: Money | None = Field(default=None, ge=0, description="Limit per month.")
    warnings_enabled: bool = Field(
        default=True, description="Warn once per period when the warn ratio is crossed."
    )
    warn_ratio: float = Field(
        default=0.8, gt=0, le=1, description="Share of a limit that triggers the warning."
    )


class NotebookLMSettings(_Section):
    enabled: bool = Field(default=False, description="Offer the NotebookLM hand-off.")
    notebook_url: str | None = Field(default=None, description="The project's notebook.")


class AnalysisSettings(_Section):
    target_reading_ease: float = Field(
        default=65.0,
        ge=0,
        le=120,
        description="Flesch reading ease the writer aims for (60-70 is plain adult fiction).",
    )
    quote_style: Literal["auto", "double", "single"] = Field(
        default="auto",
        description="How dialogue is quoted: 'auto' counts both, or only \"double\" / 'single'.",
    )
    flag_filter_words_in_dialogue: bool = Field(
        default=False,
        description="Flag filter words inside dialogue too (off: they are the character's voice).",
    )
    spell_check: bool = Field(
        default=True,
        description="Flag words missing from the dictionary and reference/style/words.txt.",
    )
    spelling_dictionary: str = Field(
        default="en_US",
        pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$",
        description=(
            "Hunspell dictionary: en_US ships with the app; others (en_GB …) are used when "
            "the system has them (Enchant or /usr/share/hunspell), else en_US."
        ),
    )


class GoalSettings(_Section):
    daily_words: int = Field(default=1000, ge=0, description="Words a day (0: no daily goal).")
    project_words: int | None = Field(
        default=None, ge=1, description="Length of the finished manuscript, in words."
    )


class AISettings(_Section):
    confirm_threshold: Money = Field(
        default=Decimal("0.10"),
        ge=0,
        description="Ask before an AI call estimated to cost more than this (US dollars).",
    )


class EditorSettings(_Section):
    """User-level only: a project must not be able to widen what the editor may open."""

    allow_outside_symlinks: bool = Field(
        default=False,
        description="Open files whose symlinks lead outside the project folder.",
    )


class PriceOverride(_Section):
    """US dollars per million tokens."""

    input: Money = Field(ge=0, description="Per million prompt tokens (not cached).")
    output: Money = Field(ge=0, description="Per million output tokens.")
    cached: Money | None = Field(
        default=None, ge=0, description="Per million cache-read tokens (default: input)."
    )


class ProviderSettings(_Section):
    """A provider the writer configures (an OpenAI-compatible server, or a known one)."""

    base_url: str | None = Field(
        default=None, description="API root, e.g. http://localhost:8000/v1 (http or https)."
    )
    api_key_env: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Environment variable that holds the API key.",
    )
    timeout: float = Field(default=60.0, gt=0, le=3600, description="Seconds per request.")
    price_override: PriceOverride | None = Field(
        default=None, description="Use these prices instead of genai-prices ('user price')."
    )

    @field_validator("base_url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value


class ProjectSettings(BaseModel):
    """The settings a project's ``preferences.json`` may set (every level may)."""

    model_preferences: dict[Stage, ModelName] = Field(
        default_factory=dict, description="The model used per stage, as provider/model."
    )
    autosave_interval: float = Field(
        default=30.0, ge=1, le=3600, description="Seconds between session auto-saves."
    )
    theme: str = Field(
        default=DEFAULT_THEME,
        min_length=1,
        description="writers-dark or writers-light, a Textual theme, or a user theme file's "
        "name (themes/NAME.toml|json in the user config folder).",
    )
    keymap: dict[str, str] = Field(
        default_factory=dict,
        description="Binding id → keys, e.g. {'save': 'ctrl+w'}; ids are BINDING_IDS.",
    )
    budget: Budget = Field(default_factory=Budget, description="Spending limits.")
    notebooklm: NotebookLMSettings = Field(
        default_factory=NotebookLMSettings, description="NotebookLM integration."
    )
    analysis: AnalysisSettings = Field(
        default_factory=AnalysisSettings, description="Manuscript analysis."
    )
    goals: GoalSettings = Field(default_factory=GoalSettings, description="Word goals.")
    ai: AISettings = Field(default_factory=AISettings, description="AI help.")


class PreferencesData(ProjectSettings):
    """``.session/preferences.json`` as a document: only what the project sets.

    Unknown keys are kept (a newer version's field, or what a migration could not place),
    so saving never drops what the writer had. Save it with ``exclude_unset`` so unset
    values keep coming from the user level.
    """

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    schema_version: int = PREFERENCES_VERSION


class Settings(BaseSettings, ProjectSettings):
    """Every setting, merged from all sources (see the module docstring).

    ``Settings()`` alone is the defaults plus any keyword arguments; only
    :func:`load_settings` reads files and the environment.
    """

    model_config = SettingsConfigDict(
        extra="ignore", validate_assignment=True, env_file=None, secrets_dir=None
    )

    editor: EditorSettings = Field(
        default_factory=EditorSettings, description="Editor behaviour (user level only)."
    )
    providers: dict[str, ProviderSettings] = Field(
        default_factory=dict,
        description="Per-provider connection and prices, by provider name (user level only).",
    )

    @field_validator("providers")
    @classmethod
    def _provider_names(cls, value: dict[str, ProviderSettings]) -> dict[str, ProviderSettings]:
        for name in value:
            if not PROVIDER_NAME.match(name):
                raise ValueError(f"provider name {name!r} must be lowercase letters, digits, -._")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        context = _CONTEXT.get()
        if context is None:
            return (init_settings,)
        return (init_settings, *context.sources)


# --- sources ---------------------------------------------------------------------------


class _Traced:
    """A source that remembers what it returned, to say where a bad value came from."""

    data: dict[str, Any]

    def origin(self, loc: tuple[str | int, ...]) -> str | None:
        raise NotImplementedError


def _contains(data: Any, loc: tuple[str | int, ...]) -> bool:
    for part in loc:
        if not isinstance(data, Mapping) or str(part) not in data:
            return False
        data = data[str(part)]
    return True


class JsonFileSource(PydanticBaseSettingsSource, _Traced):
    """One JSON settings file: the user's ``config.json`` or a project's preferences.

    A project file is untrusted: its :data:`USER_ONLY_KEYS` are dropped with a warning,
    and a file that cannot be read is ignored with a warning (``doctor`` reports it, the app
    sets it aside). The user's own file failing to parse is an error they should see.
    """

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        path: Path,
        *,
        trusted: bool,
        warnings: list[str],
        document: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(settings_cls)
        self.path = path
        self.trusted = trusted
        self.warnings = warnings
        raw = dict(document) if document is not None else self._read()
        self.data = self._filter(raw)

    def _read(self) -> dict[str, Any]:
        try:
            raw = _read_json_object(self.path)
        except FileNotFoundError:
            return {}
        except SettingsError as error:
            if self.trusted:
                raise
            self.warnings.append(f"{error}; its settings are ignored (see writers-tui doctor)")
            return {}
        if not self.trusted:
            version = raw.get("schema_version", 0)
            if version == 0:
                raw = preferences_v0_to_v1(raw)
            elif version != PREFERENCES_VERSION:
                self.warnings.append(
                    f"{self.path}: schema_version {version!r} is not one this writers-tui "
                    "understands; its settings are ignored"
                )
                return {}
        return raw

    def _filter(self, raw: dict[str, Any]) -> dict[str, Any]:
        allowed = Settings.model_fields if self.trusted else ProjectSettings.model_fields
        kept: dict[str, Any] = {}
        for key, value in raw.items():
            if key in allowed:
                kept[key] = value
            elif key in USER_ONLY_KEYS:
                self.warnings.append(
                    f"{self.path}: '{key}' can only be set in your user config "
                    f"({paths.user_config_file()}); ignored here"
                )
            elif key != "schema_version" and not key.startswith("unrecognised_"):
                self.warnings.append(f"{self.path}: unknown setting '{key}' ignored")
        return kept

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.data)

    def origin(self, loc: tuple[str | int, ...]) -> str | None:
        return str(self.path) if _contains(self.data, loc) else None


def _env_origin(variables: Mapping[str, str | None], loc: tuple[str | int, ...]) -> str | None:
    """The variable that set ``loc``: the longest ``WRITERS_TUI_A__B`` prefix present."""
    for length in range(len(loc), 0, -1):
        name = ENV_PREFIX + ENV_NESTED_DELIMITER.join(str(part) for part in loc[:length])
        if name.lower() in variables:
            return name.upper()
    return None


def _traced_call(source: _Traced, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a pydantic-settings env source; its JSON parse error becomes one line naming it."""
    try:
        return call()
    except SourceError as error:
        found = re.search(r'field "([^"]+)"', str(error))
        key = found.group(1) if found else "settings"
        where = source.origin((key,)) or "environment"
        raise SettingsError(f"{where}: {key}: not valid JSON") from error


class _Env(EnvSettingsSource, _Traced):
    """``WRITERS_TUI_*`` from the given mapping (``os.environ`` unless a test passes one)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(
            settings_cls,
            case_sensitive=False,
            env_prefix=ENV_PREFIX,
            env_nested_delimiter=ENV_NESTED_DELIMITER,
        )

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items()}

    def __call__(self) -> dict[str, Any]:
        self.data = _traced_call(self, super().__call__)
        return self.data

    def origin(self, loc: tuple[str | int, ...]) -> str | None:
        name = _env_origin(self.env_vars, loc)
        return f"environment variable {name}" if name else None


class _UserDotEnv(DotEnvSettingsSource, _Traced):
    """``WRITERS_TUI_*`` lines of the ``.env`` in the user config dir (never a project's)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        self.path = path
        super().__init__(
            settings_cls,
            env_file=path,
            case_sensitive=False,
            env_prefix=ENV_PREFIX,
            env_nested_delimiter=ENV_NESTED_DELIMITER,
        )

    def __call__(self) -> dict[str, Any]:
        self.data = _traced_call(self, super().__call__)
        return self.data

    def origin(self, loc: tuple[str | int, ...]) -> str | None:
        name = _env_origin(self.env_vars, loc)
        return f"{self.path} ({name})" if name else None


@dataclass
class _LoadContext:
    sources: list[Any] = field(default_factory=list)  # highest priority first


_CONTEXT: ContextVar[_LoadContext | None] = ContextVar("writers_tui_settings", default=None)


@contextmanager
def _loading(context: _LoadContext) -> Iterator[None]:
    token = _CONTEXT.set(context)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def _read_json_object(path: Path) -> dict[str, Any]:
    """A settings file's JSON object; SettingsError naming the file when it is not one."""
    if path.exists() and not path.is_file():
        raise SettingsError(f"{path}: not a regular file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as error:  # EACCES, EIO …: say what it is, not "not valid JSON"
        raise SettingsError(f"{path}: cannot be read: {error.strerror or error}") from error
    if len(data) > MAX_SETTINGS_BYTES:
        raise SettingsError(f"{path}: larger than {MAX_SETTINGS_BYTES // 1024} KiB")
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SettingsError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: expected a JSON object")
    return raw


# --- loading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedSettings:
    """The merged settings and what the writer should be told about them."""

    settings: Settings
    warnings: list[str]


def _origin(sources: list[Any], loc: tuple[str | int, ...]) -> str:
    for source in sources:
        if isinstance(source, _Traced) and (where := source.origin(loc)):
            return where
    return "settings"


def _error_line(error: ValidationError, sources: list[Any]) -> str:
    first = error.errors()[0]
    loc = tuple(part for part in first["loc"] if part != "[key]")  # a bad dict key
    key = ".".join(str(part) for part in loc) or "settings"
    given = first.get("input")
    shown = f" (got {given!r})" if isinstance(given, str | int | float | bool) else ""
    return f"{_origin(sources, loc)}: {key}: {first['msg']}{shown}"


def user_themes() -> tuple[str, ...]:
    """Names of the writer's theme files (``themes/NAME.toml`` or ``.json``, by stem)."""
    folder = paths.user_config_dir() / "themes"
    try:
        files = list(folder.iterdir())
    except OSError:
        return ()
    return tuple(sorted(p.stem for p in files if p.suffix in (".toml", ".json") and p.is_file()))


def check_theme(name: str) -> str:
    """``name`` if it is a packaged, Textual or user theme, else a ValueError."""
    if name in PACKAGED_THEMES or name in TEXTUAL_THEMES or name in user_themes():
        return name
    raise ValueError(f"unknown theme {name!r}")


def check_binding_id(binding_id: str) -> str:
    """``binding_id`` if it is one of :data:`BINDING_IDS`, else a ValueError."""
    if binding_id in BINDING_IDS:
        return binding_id
    raise ValueError(f"unknown key binding id {binding_id!r}")


def _check_loaded(settings: Settings, sources: list[Any], warnings: list[str]) -> Settings:
    """What one field cannot check alone: providers, themes and binding ids."""
    for stage, name in settings.model_preferences.items():
        try:
            check_model_name(name, settings.providers)
        except ValueError as error:
            loc = ("model_preferences", stage.value)
            raise SettingsError(
                f"{_origin(sources, loc)}: model_preferences.{stage.value}: {error}"
            ) from error
    try:
        check_theme(settings.theme)
    except ValueError as error:
        warnings.append(
            f"{_origin(sources, ('theme',))}: {error}; using {DEFAULT_THEME!r} "
            f"(known: {', '.join(PACKAGED_THEMES)}, Textual's themes and "
            f"{paths.user_config_dir() / 'themes'})"
        )
        settings.theme = DEFAULT_THEME
    unknown = [binding for binding in settings.keymap if binding not in BINDING_IDS]
    for binding in unknown:
        warnings.append(
            f"{_origin(sources, ('keymap', binding))}: keymap: unknown key binding id "
            f"{binding!r} ignored"
        )
    if unknown:
        settings.keymap = {k: v for k, v in settings.keymap.items() if k not in unknown}
    return settings


def load_settings(
    root: Path | None,
    *,
    environ: Mapping[str, str] | None = None,
    project: Mapping[str, Any] | None = None,
) -> LoadedSettings:
    """Merge every source for the project at ``root`` (None: outside any project).

    ``environ`` replaces ``os.environ`` (tests, subprocesses). ``project`` is the project's
    preferences document when the caller already holds it (e.g. about to save a change);
    otherwise ``.session/preferences.json`` is read, read-only. Raises
    :class:`SettingsError` with one line naming the key and its file or variable.
    """
    warnings: list[str] = []
    config_dir = paths.user_config_dir()
    sources: list[Any] = [
        _Env(Settings, os.environ if environ is None else environ),
        _UserDotEnv(Settings, config_dir / ".env"),
    ]
    if root is not None:
        sources.append(
            JsonFileSource(
                Settings,
                paths.ProjectPaths(root).preferences,
                trusted=False,
                warnings=warnings,
                document=project,
            )
        )
    sources.append(
        JsonFileSource(Settings, paths.user_config_file(), trusted=True, warnings=warnings)
    )
    try:
        with _loading(_LoadContext(sources)):
            settings = Settings()
    except ValidationError as error:
        raise SettingsError(_error_line(error, sources)) from error
    settings = _check_loaded(settings, sources, warnings)
    project_source = next(
        (s for s in sources if isinstance(s, JsonFileSource) and not s.trusted), None
    )
    if root is not None and project_source is not None and _touches_guards(project_source.data):
        user_sources = [source for source in sources if source is not project_source]
        with _loading(_LoadContext(user_sources)):
            yours = Settings()
        with _loading(_LoadContext([project_source])):
            theirs = Settings()
        approved = approved_guards(root)
        settings = _guards_only_tighten(
            settings, yours, theirs, approved, str(project_source.path), warnings
        )
    return LoadedSettings(settings, warnings)


# --- spending guards: a project may tighten them, never loosen them ------------------------

#: The settings that guard the writer's money. A project file may make them stricter; it
#: may make them looser only with the writer's approval (saved from Preferences).
GUARD_KEYS: tuple[str, ...] = (
    "budget.daily_limit",
    "budget.weekly_limit",
    "budget.monthly_limit",
    "budget.warn_ratio",
    "budget.warnings_enabled",
    "ai.confirm_threshold",
)


def _touches_guards(project: Mapping[str, Any]) -> bool:
    keymap = project.get("keymap")
    ai_keys = isinstance(keymap, Mapping) and any(str(k).startswith("ai.") for k in keymap)
    return "budget" in project or "ai" in project or ai_keys


def guard_value_text(value: object) -> str:
    """How an approved guard value is remembered (and compared): its validated form."""
    return "none" if value is None else str(value)


def approvals_document() -> dict[str, Any]:
    """``approved-guards.json`` as read (empty when missing or unreadable): per project
    folder, the guard values the writer saved there from Preferences."""
    try:
        return _read_json_object(paths.user_approved_guards_file())
    except (FileNotFoundError, SettingsError):
        return {}


def approved_guards(root: Path) -> dict[str, str]:
    """The guard values the writer saved for this project from Preferences (user data)."""
    entry = approvals_document().get(str(Path(root).resolve()))
    if not isinstance(entry, Mapping):
        return {}
    return {str(k): str(v) for k, v in entry.items() if k in GUARD_KEYS}


def _at_least_as_strict(key: str, project: Any, yours: Any) -> bool:
    if key == "budget.warnings_enabled":
        return bool(project) or not yours
    if project is None:  # no limit
        return yours is None
    return yours is None or project <= yours


def _guards_only_tighten(
    settings: Settings,
    yours: Settings,
    theirs: Settings,
    approved: Mapping[str, str],
    where: str,
    warnings: list[str],
) -> Settings:
    """Budgets, the warn ratio and the confirm threshold: the project's value when it is at
    least as strict as the writer's own (user config, user .env, environment, else the
    defaults) or the writer approved it from Preferences; otherwise the writer's own.
    AI keys come only from the writer's own keymap.

    A project folder may come from someone else: a planted ``"daily_limit": null`` or a
    $1,000,000,000 confirm threshold must not turn off the guards on the writer's money,
    nor may a planted keymap bind a letter to an AI call.
    """
    for key in GUARD_KEYS:
        section, name = key.split(".")
        if name not in getattr(theirs, section).model_fields_set:
            continue  # the project does not set it: the usual precedence stands
        project = getattr(getattr(theirs, section), name)
        mine = getattr(getattr(yours, section), name)
        if _at_least_as_strict(key, project, mine):
            setattr(getattr(settings, section), name, project)
        elif approved.get(key) != guard_value_text(project):
            warnings.append(
                f"{where}: {key} would loosen your own setting and was not saved from your "
                f"Preferences; yours ({guard_value_text(mine)}) applies"
            )
            setattr(getattr(settings, section), name, mine)
    planted = {
        key: value
        for key, value in settings.keymap.items()
        if key.startswith("ai.") and yours.keymap.get(key) != value
    }
    if planted:
        warnings.append(
            f"{where}: keys for AI calls ({', '.join(sorted(planted))}) can only be set in your "
            "user config; ignored here"
        )
        settings.keymap = {
            **{k: v for k, v in settings.keymap.items() if k not in planted},
            **{k: v for k, v in yours.keymap.items() if k in planted},
        }
    return settings


# --- the project's document ------------------------------------------------------------

#: Preference keys a seed-era file may use, and the name the model gives them.
_PREFERENCE_SYNONYMS = {
    "auto_save_interval": "autosave_interval",
    "keyboard_shortcuts": "keymap",
    "shortcuts": "keymap",
    "ui_theme": "theme",
    "color_theme": "theme",
    "notebook_lm": "notebooklm",
}


def preferences_v0_to_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """The seed's ``preferences.json``: other key names, bare model names per stage.

    A model or stage that cannot be understood moves to ``unrecognised_model_preferences``
    (kept in the file, visible to the writer) instead of making the whole file invalid.
    Here (not in storage) because :func:`load_settings` reads an old file read-only too.
    """
    raw = dict(raw)
    for old, new in _PREFERENCE_SYNONYMS.items():
        if old in raw and new not in raw:
            raw[new] = raw.pop(old)
    preferences = raw.get("model_preferences")
    if isinstance(preferences, dict):
        stages = {stage.value for stage in Stage}
        kept: dict[str, str] = {}
        unrecognised: dict[str, Any] = {}
        for stage, model in preferences.items():
            qualified = qualify_model(model) if isinstance(model, str) else None
            if isinstance(stage, str) and stage.lower() in stages and qualified:
                kept[stage.lower()] = qualified
            else:
                unrecognised[stage] = model
        raw["model_preferences"] = kept
        if unrecognised:
            raw["unrecognised_model_preferences"] = unrecognised
    return raw


def project_setting_path(key: str) -> tuple[str, ...]:
    """``"budget.daily_limit"`` → its parts, if a project may set it; else SettingsError.

    A dict-valued setting (``model_preferences``, ``keymap``) takes one more part, its key.
    """
    parts = tuple(key.split("."))
    if parts[0] in USER_ONLY_KEYS:
        raise SettingsError(
            f"{key}: can only be set in your user config ({paths.user_config_file()})"
        )
    model: type[BaseModel] = ProjectSettings
    for index, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            raise SettingsError(f"{key}: no such setting")
        annotation = info.annotation
        rest = parts[index + 1 :]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if not rest:
                raise SettingsError(f"{key}: a group of settings; name one of its keys")
            model = annotation
            continue
        is_dict = getattr(annotation, "__origin__", None) is dict
        if is_dict and not rest:
            raise SettingsError(f"{key}: a group of settings; name one of its keys ({key}.KEY)")
        if len(rest) > (1 if is_dict else 0):
            raise SettingsError(f"{key}: no such setting")
        return parts
    raise SettingsError(f"{key}: no such setting")
