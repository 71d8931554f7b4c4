"""The configured :class:`JsonStore` for each document in ``.session/``."""

from __future__ import annotations

from pathlib import Path

from writers_tui.config import PreferencesData
from writers_tui.paths import ProjectPaths
from writers_tui.storage import migrations
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.models import CostsDocument, HistoryData, SessionData


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


class _PreferencesStore(JsonStore[PreferencesData]):
    """Writes only what the project sets, so unset values keep coming from the user level.

    (A full dump would freeze every default into the project file and silently shadow the
    writer's user config from then on.)
    """

    def dump(self, value: PreferencesData) -> bytes:
        return value.model_dump_json(indent=2, exclude_unset=True).encode("utf-8") + b"\n"


def preferences_store(root: Path) -> JsonStore[PreferencesData]:
    return _PreferencesStore(
        ProjectPaths(root).preferences,
        PreferencesData,
        migrations=migrations.PREFERENCES_MIGRATIONS,
    )
