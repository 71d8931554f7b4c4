"""Upgrades of older on-disk documents to the current ``schema_version``.

Version 0 is the seed's shape: files written before documents carried a version. Each
function takes a version-``v`` dict and returns version ``v + 1``; ``JsonStore`` applies
them in order and sets ``schema_version``. A migration only reshapes what it recognises and
passes everything else through (the models keep unknown keys), so an upgrade never drops
what the writer had; anything it cannot place is kept under an ``unrecognised_*`` key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from writers_tui.config import preferences_v0_to_v1
from writers_tui.model_names import qualify_model
from writers_tui.storage.json_store import Migration
from writers_tui.values import minutes_between

#: What the seed's pre-ledger cost table priced an operation with.
LEGACY_COST_SOURCE = "legacy price table"


def history_preprocess(raw: Any) -> Any:
    """The seed kept history as a bare list of entries; wrap it as a document."""
    if isinstance(raw, list):
        return {"schema_version": 0, "sessions": raw}
    return raw


def _qualified_or_same(name: Any) -> Any:
    if not isinstance(name, str):
        return name
    return qualify_model(name) or name


def session_v0_to_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """The seed's ``current.json``: model preferences were bare names ("claude").

    They become ``provider/model`` so the rest of the app (which validates that form) can
    use them; a name with no known provider is kept as written.
    """
    preferences = raw.get("model_preferences")
    if isinstance(preferences, dict):
        raw["model_preferences"] = {
            stage: _qualified_or_same(model) for stage, model in preferences.items()
        }
    return raw


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _history_entry_v0(entry: Any) -> Any:
    """Fill what a seed-era entry left implicit: a missing end means it was interrupted."""
    if not isinstance(entry, dict):
        return entry
    start = _parse_time(entry.get("start_time"))
    end = _parse_time(entry.get("end_time"))
    minutes = entry.get("duration_minutes")
    if end is None and start is not None:
        span = timedelta(minutes=minutes) if isinstance(minutes, int) and minutes >= 0 else None
        entry["end_time"] = (start + (span or timedelta())).isoformat()
        entry.setdefault("interrupted", True)
    elif minutes is None and start is not None and end is not None:
        entry["duration_minutes"] = minutes_between(start, end)
    return entry


def history_v0_to_v1(raw: dict[str, Any]) -> dict[str, Any]:
    sessions = raw.get("sessions")
    if isinstance(sessions, list):
        raw["sessions"] = [_history_entry_v0(entry) for entry in sessions]
    return raw


def costs_v0_to_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """The seed's ``costs.json``: bare model names, operations priced by its own table.

    Models become ``provider/model`` (the ledger's naming, so old and new totals line up),
    each operation says it was priced by the legacy table (not "unknown"), and the
    snapshot is dated by its last operation rather than by the moment it was migrated.
    """
    operations = raw.get("operations")
    if isinstance(operations, list):
        for operation in operations:
            if isinstance(operation, dict):
                operation["model"] = _qualified_or_same(operation.get("model"))
                operation.setdefault("cost_source", LEGACY_COST_SOURCE)
        times = [
            (parsed, operation["timestamp"])
            for operation in operations
            if isinstance(operation, dict)
            and (parsed := _parse_time(operation.get("timestamp"))) is not None
        ]
        if times and "updated_at" not in raw:
            raw["updated_at"] = max(times, key=lambda pair: pair[0])[1]
    by_model = raw.get("by_model")
    if isinstance(by_model, dict):
        merged: dict[str, Any] = {}
        for model, cost in by_model.items():
            key = _qualified_or_same(model)
            if key in merged and isinstance(cost, int | float) and not isinstance(cost, bool):
                merged[key] = merged[key] + cost
            else:
                merged[key] = cost
        raw["by_model"] = merged
    return raw


SESSION_MIGRATIONS: dict[int, Migration] = {0: session_v0_to_v1}
HISTORY_MIGRATIONS: dict[int, Migration] = {0: history_v0_to_v1}
COSTS_MIGRATIONS: dict[int, Migration] = {0: costs_v0_to_v1}
PREFERENCES_MIGRATIONS: dict[int, Migration] = {0: preferences_v0_to_v1}
