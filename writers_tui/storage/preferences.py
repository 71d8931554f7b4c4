"""The writer's preferences: defaults ← user config ← project file ← environment.

The project's ``.session/preferences.json`` is the document the app edits. A user-wide
``config.json`` (platformdirs' config dir) supplies defaults for every project, and
``WRITERS_TUI_<KEY>`` environment variables (``__`` for nesting, e.g.
``WRITERS_TUI_BUDGET__DAILY_LIMIT=5``) override both for one run. A bad value anywhere
gives :class:`PreferenceError` naming the key, never a traceback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from writers_tui.paths import user_config_file
from writers_tui.storage.models import PreferencesData
from writers_tui.storage.stores import preferences_store

ENV_PREFIX = "WRITERS_TUI_"


class PreferenceError(ValueError):
    """A preference value is invalid; the message names the key."""


def _validation_message(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "preferences"
    return f"{origin}: {key}: {first['msg']}"


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _set_dotted(target: dict[str, Any], key: str, value: Any) -> None:
    *parents, leaf = key.split(".")
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise PreferenceError(f"{key}: {part} is not a group of settings")
    target[leaf] = value


def environment_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``WRITERS_TUI_A__B=v`` → ``{"a": {"b": v}}`` (values are parsed as JSON if they can be)."""
    overrides: dict[str, Any] = {}
    for name, raw in (os.environ if environ is None else environ).items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX) :].lower().replace("__", ".")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        _set_dotted(overrides, key, value)
    return overrides


def _user_defaults(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise PreferenceError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(raw, dict):
        raise PreferenceError(f"{path}: expected a JSON object")
    return raw


class Preferences:
    """Load, change (validated) and save a project's preferences."""

    def __init__(
        self,
        root: Path,
        *,
        user_config: Path | None = None,
        environ: Mapping[str, str] | None = None,
        quarantine_bad: bool = True,
    ) -> None:
        self._store = preferences_store(root)
        loaded = self._store.load(quarantine_bad=quarantine_bad)
        self.warnings = loaded.warnings
        #: What the project file says (what :meth:`save` writes back).
        self.project = loaded.value
        self._user = _user_defaults(user_config or user_config_file())
        self._environ = environ
        self.effective = self._combine()

    def _combine(self) -> PreferencesData:
        layers = (
            ("user config", self._user),
            (".session/preferences.json", self.project.model_dump(exclude_unset=True)),
            ("environment", environment_overrides(self._environ)),
        )
        merged: dict[str, Any] = {}
        for origin, layer in layers:
            merged = _deep_merge(merged, layer)
            try:
                PreferencesData.model_validate(merged)
            except ValidationError as error:
                raise PreferenceError(_validation_message(error, origin)) from error
        return PreferencesData.model_validate(merged)

    def get(self, key: str) -> Any:
        value: Any = self.effective.model_dump(mode="json")
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                raise PreferenceError(f"{key}: no such preference")
            value = value[part]
        return value

    def set(self, key: str, value: Any) -> None:
        """Change one project preference (dotted key); invalid values are refused."""
        if key.split(".")[0] not in PreferencesData.model_fields:
            raise PreferenceError(f"{key}: no such preference")
        raw = self.project.model_dump(exclude_unset=True)
        _set_dotted(raw, key, value)
        try:
            updated = PreferencesData.model_validate(raw)
        except ValidationError as error:
            raise PreferenceError(_validation_message(error, "preference")) from error
        previous, self.project = self.project, updated
        try:
            self.effective = self._combine()
        except PreferenceError:
            self.project = previous
            raise

    def save_sync(self) -> None:
        self._store.save_sync(self.project)

    async def save(self) -> None:
        await self._store.save(self.project.model_copy(deep=True))
