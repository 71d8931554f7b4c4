"""SessionHistory: bounded to 20 sessions, gzipped past 1 MB, readable either way."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from writers_tui.storage.history import SessionHistory
from writers_tui.storage.models import HistoryEntry

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _entry(number: int, files: int = 1) -> HistoryEntry:
    return HistoryEntry(
        session_id=f"session-{number:03d}",
        start_time=START + timedelta(days=number),
        end_time=START + timedelta(days=number, minutes=30),
        duration_minutes=30,
        total_cost=Decimal("0.01") * number,
        files_modified=[f"manuscript/chapter-{number}-{i:05d}.md" for i in range(files)],
        words_written=100 * number,
    )


def test_keeps_only_the_last_twenty(tmp_path: Path) -> None:
    history = SessionHistory(tmp_path)
    for number in range(25):
        history.add_sync(_entry(number))
    ids = [e.session_id for e in SessionHistory(tmp_path).entries()]
    assert ids == [f"session-{n:03d}" for n in range(5, 25)]
    saved = json.loads((tmp_path / ".session" / "history.json").read_text())
    assert saved["schema_version"] == 1 and len(saved["sessions"]) == 20
    assert saved["sessions"][-1]["total_cost"] == 0.24


def test_readding_a_session_replaces_it(tmp_path: Path) -> None:
    history = SessionHistory(tmp_path)
    history.add_sync(_entry(1))
    updated = _entry(1).model_copy(update={"words_written": 999})
    history.add_sync(updated)
    assert [(e.session_id, e.words_written) for e in history.entries()] == [("session-001", 999)]


def test_gzips_once_past_one_megabyte_and_reads_back(tmp_path: Path) -> None:
    history = SessionHistory(tmp_path)
    for number in range(20):
        history.add_sync(_entry(number, files=1500))  # ~70 KB of paths per entry
    plain = tmp_path / ".session" / "history.json"
    packed = tmp_path / ".session" / "history.json.gz"
    assert packed.exists() and not plain.exists()
    assert len(gzip.decompress(packed.read_bytes())) > 1_000_000
    entries = SessionHistory(tmp_path).entries()
    assert len(entries) == 20 and len(entries[0].files_modified) == 1500
    backup = tmp_path / ".session" / "history.json.gz.bak"
    assert len(json.loads(gzip.decompress(backup.read_bytes()))["sessions"]) == 19  # previous


def test_back_to_plain_when_it_shrinks(tmp_path: Path) -> None:
    history = SessionHistory(tmp_path, max_sessions=20)
    for number in range(20):
        history.add_sync(_entry(number, files=1500))
    small = SessionHistory(tmp_path, max_sessions=2)
    small.add_sync(_entry(50))
    assert (tmp_path / ".session" / "history.json").exists()
    assert not (tmp_path / ".session" / "history.json.gz").exists()
    assert [e.session_id for e in small.entries()] == ["session-019", "session-050"]


def test_seed_shaped_bare_list_is_read(tmp_path: Path) -> None:
    (tmp_path / ".session").mkdir()
    seed_entry = {
        "session_id": "2024-11-13-143022",
        "start_time": "2024-11-13T14:30:22Z",
        "end_time": "2024-11-13T17:15:30Z",
        "duration_minutes": 165,
        "total_cost": 2.47,
        "files_modified": ["project/manuscript/volume-2/ACT_4/chapter-5.md"],
        "files_created": ["project/output/reports/voice-test-2024-11-13.md"],
        "operations_count": {"scene_generation": 3, "voice_test": 1},
    }
    (tmp_path / ".session" / "history.json").write_text(json.dumps([seed_entry]))
    result = SessionHistory(tmp_path).load()
    assert result.migrated_from == 0
    (entry,) = result.value.sessions
    assert entry.total_cost == Decimal("2.47")
    assert entry.duration_minutes == 165
