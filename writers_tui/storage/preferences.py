"""Changing the project's preferences durably: ``.session/preferences.json``.

Reading settings (every source merged) is :func:`writers_tui.config.load_settings`; this
module is the one writer of the project's document, through its :class:`JsonStore` (atomic
write, ``.bak`` generation, a corrupt file set aside, old versions migrated). A change is
validated against every source before anything is written, so a value that would make the
project unloadable never reaches the disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from writers_tui.atomic import atomic_write_text, ensure_dir
from writers_tui.config import (
    GUARD_KEYS,
    PREFERENCES_VERSION,
    LoadedSettings,
    PreferencesData,
    SettingsError,
    approvals_document,
    check_binding_id,
    check_theme,
    guard_value_text,
    load_settings,
    project_setting_path,
)
from writers_tui.paths import user_approved_guards_file
from writers_tui.storage.stores import preferences_store


def _checked(parts: tuple[str, ...], value: Any) -> Any:
    """What the loader only warns about is refused when the writer sets it."""
    try:
        if parts == ("theme",):
            check_theme(str(value))
        elif parts[0] == "keymap":
            check_binding_id(parts[1])
    except ValueError as error:
        raise SettingsError(f"{'.'.join(parts)}: {error}; not saved") from error
    return value


def save_project_setting(
    root: Path, key: str, value: Any, *, environ: Mapping[str, str] | None = None
) -> LoadedSettings:
    """Set one project-level setting (dotted ``key``) and save it durably.

    Refuses, with :class:`SettingsError` and nothing written: an unknown key, a user-level
    only key (``providers``, ``editor``), an invalid value, an unknown theme or binding id.
    Returns the settings as they now are. Blocks on the disk (call it from a thread).
    """
    parts = project_setting_path(key)
    _checked(parts, value)
    store = preferences_store(root)
    loaded = store.load()
    raw = loaded.value.model_dump(mode="json", exclude_unset=True)
    raw["schema_version"] = PREFERENCES_VERSION
    target = raw
    for part in parts[:-1]:
        child = target.get(part)
        target[part] = child = dict(child) if isinstance(child, dict) else {}
        target = child
    target[parts[-1]] = value
    try:
        document = PreferencesData.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or key
        raise SettingsError(f"{where}: {first['msg']} (got {value!r}); not saved") from error
    if key in GUARD_KEYS:  # the writer's own choice: a looser guard is theirs to make
        section, name = parts
        approve_guard(root, key, guard_value_text(getattr(getattr(document, section), name)))
    settings = load_settings(
        root, environ=environ, project=document.model_dump(mode="json", exclude_unset=True)
    )
    store.save_sync(document)
    settings.warnings[:0] = loaded.warnings
    return settings


def approve_guard(root: Path, key: str, value: str) -> None:
    """Remember, in the writer's own data folder, that they set ``key`` to ``value`` for
    this project (so the project file may hold a looser guard than their defaults)."""
    path = user_approved_guards_file()
    raw = approvals_document()
    project = str(Path(root).resolve())
    entry = raw.get(project)
    entry = dict(entry) if isinstance(entry, dict) else {}
    entry[key] = value
    raw[project] = entry
    ensure_dir(path.parent)
    atomic_write_text(path, json.dumps(raw, indent=2, sort_keys=True))


# --- compatibility: the one reader left on the old API (analysis/runner.py) -------------
# It moves to ``config.load_settings(root).settings``; then this section is deleted.

PreferenceError = SettingsError


class Preferences:
    """Deprecated read-only view: ``effective`` is :func:`load_settings`'s settings."""

    def __init__(self, root: Path, *, quarantine_bad: bool = False) -> None:
        del quarantine_bad  # loading settings never moves a file
        self.effective = load_settings(root).settings
