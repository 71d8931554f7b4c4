"""Upgrades of older on-disk documents to the current ``schema_version``.

Version 0 is the seed's shape: files written before documents carried a version. Each
function takes a version-``v`` dict and returns version ``v + 1``; ``JsonStore`` applies
them in order and sets ``schema_version``.
"""

from __future__ import annotations

from typing import Any

from writers_tui.storage.json_store import Migration


def history_preprocess(raw: Any) -> Any:
    """The seed kept history as a bare list of entries; wrap it as a document."""
    if isinstance(raw, list):
        return {"schema_version": 0, "sessions": raw}
    return raw


SESSION_MIGRATIONS: dict[int, Migration] = {}
HISTORY_MIGRATIONS: dict[int, Migration] = {}
COSTS_MIGRATIONS: dict[int, Migration] = {}
PREFERENCES_MIGRATIONS: dict[int, Migration] = {}
