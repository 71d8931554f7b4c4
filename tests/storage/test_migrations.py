"""The seed's example files (schema version 0) load through the real stores, meaning intact."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from writers_tui.paths import ProjectPaths
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.migrations import LEGACY_COST_SOURCE, qualify_model
from writers_tui.storage.models import Stage
from writers_tui.storage.session import Session
from writers_tui.storage.stores import (
    costs_store,
    history_store,
    preferences_store,
    session_store,
)

# Verbatim from seed 002.
SEED_CURRENT = {
    "session_id": "2024-11-13-143022",
    "project_name": "The Explants",
    "created_at": "2024-11-13T14:30:22Z",
    "last_activity": "2024-11-13T15:45:10Z",
    "current_state": {
        "stage": "writing",
        "screen": "scene_editor",
        "breadcrumb": ["Home", "Writing", "Chapter 5", "Scene 5.3"],
    },
    "open_files": [
        {
            "path": "project/manuscript/volume-2/ACT_4/chapter-5.md",
            "cursor_line": 142,
            "cursor_col": 23,
        }
    ],
    "model_preferences": {"writing": "claude", "enhancing": "gemini", "analyzing": "claude"},
    "recent_queries": [
        {
            "query": "What is Mickey's relationship with Noni?",
            "timestamp": "2024-11-13T15:30:00Z",
            "source": "cognee",
        }
    ],
}
SEED_COSTS_TEXT = """{
  "session_total": 2.47,
  "daily_total": 8.32,
  "weekly_total": 45.19,
  "monthly_total": 127.88,
  "operations": [
    {"timestamp": "2024-11-13T15:30:00Z", "operation": "scene_generation",
     "model": "claude-sonnet-3.5", "input_tokens": 12450, "output_tokens": 3200, "cost": 0.15}
  ],
  "by_model": {"claude-sonnet-3.5": 1.50, "gemini-flash": 0.72, "gpt-4": 0.25},
  "budget": {"daily_limit": 50.0, "weekly_limit": 200.0, "monthly_limit": 500.0,
             "warnings_enabled": true}
}"""
SEED_HISTORY_ENTRY = {
    "session_id": "2024-11-13-143022",
    "start_time": "2024-11-13T14:30:22Z",
    "end_time": "2024-11-13T17:15:30Z",
    "duration_minutes": 165,
    "total_cost": 2.47,
    "files_modified": ["project/manuscript/volume-2/ACT_4/chapter-5.md"],
    "files_created": ["project/output/reports/voice-test-2024-11-13.md"],
    "operations_count": {"scene_generation": 3, "scene_enhancement": 2, "voice_test": 1},
}
# The seed gives no preferences.json example; this is what its list describes.
SEED_PREFERENCES = {
    "model_preferences": {"writing": "claude", "enhancing": "gemini", "planning": "claude"},
    "notebooklm": {"enabled": True, "notebook_url": "https://notebooklm.google.com/n/123"},
    "keyboard_shortcuts": {"save": "ctrl+s"},
    "ui_theme": "nord",
    "auto_save_interval": 45,
}


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def test_seed_current_json(tmp_path: Path) -> None:
    _write(ProjectPaths(tmp_path).current, json.dumps(SEED_CURRENT, indent=2))
    result = session_store(tmp_path).load()
    assert (result.source, result.migrated_from) == ("file", 0)
    assert result.warnings == ["current.json upgraded from schema_version 0 to 1"]
    data = result.value
    assert data.session_id == "2024-11-13-143022"
    assert data.project_name == "The Explants"
    assert data.created_at == datetime(2024, 11, 13, 14, 30, 22, tzinfo=UTC)
    assert data.current_state.stage is Stage.WRITING
    assert data.current_state.breadcrumb == ["Home", "Writing", "Chapter 5", "Scene 5.3"]
    assert (data.open_files[0].cursor_line, data.open_files[0].cursor_col) == (142, 23)
    assert data.recent_queries[0].source == "cognee"
    assert data.model_preferences == {
        "writing": "anthropic/claude",
        "enhancing": "google/gemini",
        "analyzing": "anthropic/claude",
    }
    assert data.ended_at is None  # a seed session never recorded its end: interrupted


def test_seed_current_json_through_session_and_back(tmp_path: Path) -> None:
    _write(ProjectPaths(tmp_path).current, json.dumps(SEED_CURRENT))
    session = Session(tmp_path)
    assert session.current_stage is Stage.WRITING
    assert session.session_id == "2024-11-13-143022"
    session_store(tmp_path).save_sync(session.data)
    on_disk = json.loads(ProjectPaths(tmp_path).current.read_text())
    assert on_disk["schema_version"] == 1
    again = session_store(tmp_path).load()
    assert (again.source, again.warnings, again.migrated_from) == ("file", [], None)
    assert again.value == session.data
    # The seed-era original is kept as the previous generation.
    assert json.loads(ProjectPaths(tmp_path).current.with_suffix(".json.bak").read_text()) == (
        SEED_CURRENT
    )


def test_seed_costs_json(tmp_path: Path) -> None:
    store = costs_store
    _write(ProjectPaths(tmp_path).costs, SEED_COSTS_TEXT)
    result = store(tmp_path).load()
    assert (result.source, result.migrated_from) == ("file", 0)
    costs = result.value
    assert costs.session_total == Decimal("2.47")  # exact: never through binary floats
    assert (costs.daily_total, costs.weekly_total, costs.monthly_total) == (
        Decimal("8.32"),
        Decimal("45.19"),
        Decimal("127.88"),
    )
    (operation,) = costs.operations
    assert operation.model == "anthropic/claude-sonnet-3.5"
    assert operation.cost == Decimal("0.15")
    assert operation.cost_source == LEGACY_COST_SOURCE
    assert (operation.input_tokens, operation.output_tokens) == (12450, 3200)
    assert costs.by_model == {
        "anthropic/claude-sonnet-3.5": Decimal("1.5"),
        "google/gemini-flash": Decimal("0.72"),
        "openai/gpt-4": Decimal("0.25"),
    }
    assert costs.budget.daily_limit == Decimal(50) and costs.budget.warnings_enabled
    assert costs.updated_at == datetime(2024, 11, 13, 15, 30, tzinfo=UTC)
    # Saved back, money is still a plain JSON number with the same value.
    store(tmp_path).save_sync(costs)
    on_disk = json.loads(ProjectPaths(tmp_path).costs.read_text())
    assert on_disk["session_total"] == 2.47 and on_disk["schema_version"] == 1


def test_seed_history_bare_list(tmp_path: Path) -> None:
    interrupted = {
        "session_id": "2024-11-14-090000",
        "start_time": "2024-11-14T09:00:00Z",
        "duration_minutes": 20,
        "total_cost": 0.1,
    }
    _write(ProjectPaths(tmp_path).history, json.dumps([SEED_HISTORY_ENTRY, interrupted]))
    result = history_store(tmp_path).load()
    assert (result.source, result.migrated_from) == ("file", 0)
    first, second = result.value.sessions
    assert first.session_id == "2024-11-13-143022"
    assert (first.duration_minutes, first.total_cost) == (165, Decimal("2.47"))
    assert first.operations_count == {
        "scene_generation": 3,
        "scene_enhancement": 2,
        "voice_test": 1,
    }
    assert first.files_created == ["project/output/reports/voice-test-2024-11-13.md"]
    assert not first.interrupted
    # An entry without an end was a session that never closed.
    assert second.interrupted
    assert second.end_time == datetime(2024, 11, 14, 9, 20, tzinfo=UTC)
    assert [e.session_id for e in SessionHistory(tmp_path).entries()] == [
        "2024-11-13-143022",
        "2024-11-14-090000",
    ]


def test_history_entry_without_duration_gets_it_from_its_times(tmp_path: Path) -> None:
    entry = {k: v for k, v in SEED_HISTORY_ENTRY.items() if k != "duration_minutes"}
    _write(ProjectPaths(tmp_path).history, json.dumps({"sessions": [entry]}))
    assert history_store(tmp_path).load().value.sessions[0].duration_minutes == 165


def test_seed_preferences(tmp_path: Path) -> None:
    _write(ProjectPaths(tmp_path).preferences, json.dumps(SEED_PREFERENCES))
    result = preferences_store(tmp_path).load()
    assert (result.source, result.migrated_from) == ("file", 0)
    prefs = result.value
    assert prefs.model_preferences == {
        Stage.WRITING: "anthropic/claude",
        Stage.ENHANCING: "google/gemini",
    }
    # "planning" is no stage: kept for the writer to see, not a reason to reject the file.
    assert prefs.model_extra == {"unrecognised_model_preferences": {"planning": "claude"}}
    assert prefs.keymap == {"save": "ctrl+s"}
    assert prefs.theme == "nord"
    assert prefs.autosave_interval == 45
    assert prefs.notebooklm.enabled and prefs.notebooklm.notebook_url.endswith("/n/123")


def test_current_documents_are_not_migrated(tmp_path: Path) -> None:
    _write(
        ProjectPaths(tmp_path).preferences,
        json.dumps({"schema_version": 1, "model_preferences": {"writing": "openai/gpt-4o"}}),
    )
    result = preferences_store(tmp_path).load()
    assert (result.migrated_from, result.warnings) == (None, [])
    assert result.value.model_preferences == {Stage.WRITING: "openai/gpt-4o"}


@pytest.mark.parametrize(
    ("name", "qualified"),
    [
        ("claude", "anthropic/claude"),
        ("claude-opus-3", "anthropic/claude-opus-3"),
        ("gemini-pro", "google/gemini-pro"),
        ("gpt-4-turbo", "openai/gpt-4-turbo"),
        ("llama3.2", "ollama/llama3.2"),
        ("openai/gpt-4o", "openai/gpt-4o"),
        ("acme/unknown", None),
        ("mystery-model", None),
    ],
)
def test_qualify_model(name: str, qualified: str | None) -> None:
    assert qualify_model(name) == qualified


def test_seed_costs_operations_are_imported_into_the_ledger(tmp_path: Path) -> None:
    _write(ProjectPaths(tmp_path).costs, SEED_COSTS_TEXT)
    tracker = CostTracker(tmp_path)
    (record,) = tracker.ledger
    assert (record.provider, record.model, record.cost) == (
        "anthropic",
        "claude-sonnet-3.5",
        Decimal("0.15"),
    )
    assert record.cost_source == LEGACY_COST_SOURCE
    assert tracker.totals("all").total == Decimal("0.15")
    assert any("imported 1 operations" in warning for warning in tracker.warnings)
    # Opening again imports nothing twice.
    again = CostTracker(tmp_path)
    assert again.ledger_records == 1 and again.totals("all").total == Decimal("0.15")


def test_seed_import_cut_short_is_completed_without_duplicates(tmp_path: Path) -> None:
    two_operations = json.loads(SEED_COSTS_TEXT)
    second = dict(two_operations["operations"][0], operation="scene_enhancement", cost=0.05)
    two_operations["operations"].append(second)
    complete, crashed = tmp_path / "complete", tmp_path / "crashed"
    for root in (complete, crashed):
        _write(ProjectPaths(root).costs, json.dumps(two_operations))
    CostTracker(complete)
    first_line = ProjectPaths(complete).ledger.read_bytes().splitlines(keepends=True)[0]
    # A crash after the first record: the ledger holds it, costs.json is still version 0.
    ProjectPaths(crashed).ledger.write_bytes(first_line)
    tracker = CostTracker(crashed)
    assert [r.id for r in tracker.ledger] == [r.id for r in CostTracker(complete).ledger]
    assert tracker.ledger_records == 2
    assert tracker.totals("all").total == Decimal("0.20")
