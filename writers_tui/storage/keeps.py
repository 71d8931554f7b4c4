"""Flags the writer chose to keep ("this adverb is deliberate"), remembered per file.

``.session/keeps.json`` maps a project-relative path to the keys of its kept flags. A key
is the UI's to choose (it identifies a flag by rule, text and occurrence, so it survives
edits elsewhere in the scene); storage only keeps the set, durably, like every document.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from writers_tui.paths import ProjectPaths
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.models import Document

#: Keys kept per file at most: a planted file cannot make the app hold millions.
MAX_KEPT_PER_FILE = 10_000


class KeepsData(Document):
    kept: dict[str, list[str]] = Field(default_factory=dict)


class KeptFlags:
    """Load, change and save the kept-flag marks of one project (blocking calls)."""

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self._store = JsonStore(ProjectPaths(root).keeps, KeepsData)
        loaded = self._store.load(quarantine_bad=not read_only)
        self.warnings = loaded.warnings
        self._data = loaded.value

    def of(self, path: str) -> frozenset[str]:
        return frozenset(self._data.kept.get(path, ()))

    def set(self, path: str, key: str, kept: bool) -> bool:
        """Keep (or stop keeping) one flag; True when the document changed and was saved."""
        current = list(self._data.kept.get(path, ()))
        if kept == (key in current):
            return False
        if kept:
            if len(current) >= MAX_KEPT_PER_FILE:
                raise ValueError(f"{path}: too many kept flags (at most {MAX_KEPT_PER_FILE:,})")
            current.append(key)
        else:
            current.remove(key)
        kept_by_path = dict(self._data.kept)
        if current:
            kept_by_path[path] = current
        else:
            kept_by_path.pop(path, None)
        updated = self._data.model_copy(update={"kept": kept_by_path})
        self._store.save_sync(updated)
        self._data = updated
        return True
