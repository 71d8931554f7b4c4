"""The configured :class:`JsonStore` for each document in ``.session/``."""

from __future__ import annotations

from pathlib import Path

from writers_tui.paths import ProjectPaths
from writers_tui.storage import migrations
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.models import CostsDocument, HistoryData, PreferencesData, SessionData


def session_store(root: Path) -> JsonStore[SessionData]:
    return JsonStore(
        ProjectPaths(root).current, SessionData, migrations=migrations.SESSION_MIGRATIONS
    )


def history_store(root: Path) -> JsonStore[HistoryData]:
    return JsonStore(
        ProjectPaths(root).history,
        HistoryData,
        migrations=migrations.HISTORY_MIGRATIONS,
        preprocess=migrations.history_preprocess,
    )


def costs_store(root: Path) -> JsonStore[CostsDocument]:
    return JsonStore(
        ProjectPaths(root).costs, CostsDocument, migrations=migrations.COSTS_MIGRATIONS
    )


def preferences_store(root: Path) -> JsonStore[PreferencesData]:
    return JsonStore(
        ProjectPaths(root).preferences,
        PreferencesData,
        migrations=migrations.PREFERENCES_MIGRATIONS,
    )
