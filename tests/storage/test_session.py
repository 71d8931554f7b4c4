"""Session: seed 002's API, generation-based dirty tracking, and the lifecycle."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from writers_tui.storage.history import SessionHistory
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.lock import ProjectInUse
from writers_tui.storage.models import SessionData, Stage
from writers_tui.storage.session import Session, SessionManager
from writers_tui.storage.stores import session_store


class FakeClock:
    """A clock tests move by hand, so durations are exact."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _on_disk(root: Path) -> dict:
    return json.loads((root / ".session" / "current.json").read_text())


async def test_save_load_round_trip(tmp_path: Path) -> None:
    session = Session(tmp_path)
    session.set_stage("writing")
    session.add_recent_query("What is Darcy's first name?", source="notebooklm")
    session.open_file("manuscript/1 Chapter 1.md", cursor_line=12, cursor_col=4)
    assert session.has_changes()
    assert await session.save() is True
    assert not session.has_changes()

    loaded = Session(tmp_path)
    assert loaded.current_stage is Stage.WRITING
    assert loaded.data.recent_queries[0].source == "notebooklm"
    assert loaded.data.open_files[0].cursor_line == 12
    assert loaded.data.active_file == "manuscript/1 Chapter 1.md"
    assert loaded.last_save_time is not None
    assert _on_disk(tmp_path)["schema_version"] == 1


async def test_save_skips_when_clean(tmp_path: Path) -> None:
    session = Session(tmp_path)
    session.set_stage("writing")
    assert await session.save()
    before = (tmp_path / ".session" / "current.json").stat().st_mtime_ns
    assert await session.save() is False
    session.set_stage("writing")  # same value: not a change
    assert not session.has_changes()
    assert (tmp_path / ".session" / "current.json").stat().st_mtime_ns == before


def test_recent_queries_keep_last_ten(tmp_path: Path) -> None:
    session = Session(tmp_path)
    for number in range(15):
        session.add_recent_query(f"query {number}")
    assert [q.query for q in session.data.recent_queries] == [f"query {n}" for n in range(5, 15)]


def test_bad_stage_is_refused(tmp_path: Path) -> None:
    session = Session(tmp_path)
    with pytest.raises(ValueError):
        session.set_stage("drafting")
    assert not session.has_changes()


def test_cursor_and_close_file(tmp_path: Path) -> None:
    session = Session(tmp_path)
    session.open_file("a.md")
    session.open_file("b.md")
    session.set_cursor("a.md", 3, 7)
    assert session.data.active_file == "b.md"
    session.close_file("b.md")
    assert session.data.active_file == "a.md"
    assert [(f.path, f.cursor_line, f.cursor_col) for f in session.data.open_files] == [
        ("a.md", 3, 7)
    ]


class _SlowStore(JsonStore[SessionData]):
    """A real store whose write waits for the test, so an edit can land mid-save."""

    def __init__(self, root: Path) -> None:
        base = session_store(root)
        super().__init__(base.path, SessionData)
        self.entered = threading.Event()
        self.release = threading.Event()

    def save_sync(self, value: SessionData) -> None:
        self.entered.set()
        assert self.release.wait(10)
        super().save_sync(value)


async def test_edit_during_save_stays_dirty(tmp_path: Path) -> None:
    store = _SlowStore(tmp_path)
    session = Session(tmp_path, SessionData(), store=store)
    session.set_stage("writing")
    saving = asyncio.create_task(session.save())
    await asyncio.to_thread(store.entered.wait, 10)
    session.set_stage("enhancing")  # lands while the first save is in flight
    store.release.set()
    assert await saving
    assert session.has_changes(), "the edit made during the save must stay dirty"
    assert _on_disk(tmp_path)["current_state"]["stage"] == "writing"
    assert await session.save()
    assert not session.has_changes()
    assert _on_disk(tmp_path)["current_state"]["stage"] == "enhancing"


def test_manager_fresh_project_starts_a_session(tmp_path: Path) -> None:
    manager = SessionManager(tmp_path)
    assert manager.open() is None
    assert manager.session is not None
    assert _on_disk(tmp_path)["ended_at"] is None
    manager.close()
    assert _on_disk(tmp_path)["ended_at"] is not None


def test_clean_close_writes_history_and_next_open_carries_state(tmp_path: Path) -> None:
    clock = FakeClock()
    manager = SessionManager(tmp_path, clock=clock)
    manager.open()
    session = manager.session
    assert session is not None
    session.set_word_count(1000, at_start=True)
    session.set_stage("writing")
    session.open_file("manuscript/1.md", 5, 2)
    session.mark_file_modified("manuscript/1.md")
    session.mark_file_created("manuscript/2.md")
    session.count_operation("scene_generation")
    session.set_word_count(1450)
    clock.advance(minutes=95)
    entry = manager.close(total_cost=Decimal("0.25"))
    assert entry.duration_minutes == 95
    assert entry.words_written == 450
    assert entry.total_cost == Decimal("0.25")
    assert entry.files_modified == ["manuscript/1.md"]
    assert entry.files_created == ["manuscript/2.md"]
    assert entry.operations_count == {"scene_generation": 1}
    assert not entry.interrupted
    assert [e.session_id for e in SessionHistory(tmp_path).entries()] == [entry.session_id]

    again = SessionManager(tmp_path, clock=clock)
    assert again.open() is None
    assert again.session is not None
    assert again.session.session_id != entry.session_id
    assert again.session.current_stage is Stage.WRITING
    assert again.session.data.open_files[0].cursor_line == 5
    again.close()


def test_second_manager_is_refused_while_first_is_open(tmp_path: Path) -> None:
    first = SessionManager(tmp_path)
    first.open()
    with pytest.raises(ProjectInUse):
        SessionManager(tmp_path).open()
    first.close()


CRASH_SCRIPT = """
import sys
from pathlib import Path
from writers_tui.storage.session import SessionManager
manager = SessionManager(Path(sys.argv[1]))
manager.open()
manager.session.set_stage("enhancing")
manager.session.open_file("manuscript/3.md", 40, 1)
manager.session.save_sync()
print("saved", flush=True)
import time; time.sleep(60)
"""


def _crash_a_session(root: Path) -> str:
    child = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "saved"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return _on_disk(root)["session_id"]


def test_kill_9_then_continue_restores_the_session(tmp_path: Path) -> None:
    crashed_id = _crash_a_session(tmp_path)
    manager = SessionManager(tmp_path)
    interruption = manager.open()
    assert interruption is not None and manager.was_interrupted()
    assert interruption.session.session_id == crashed_id
    assert interruption.previous_holder is not None
    assert interruption.last_saved_at is not None
    session = manager.continue_session()
    assert session.session_id == crashed_id
    assert session.current_stage is Stage.ENHANCING
    assert session.data.open_files[0].cursor_line == 40
    manager.close()
    assert SessionHistory(tmp_path).entries()[-1].interrupted is False


def test_kill_9_then_start_fresh_archives_as_interrupted(tmp_path: Path) -> None:
    crashed_id = _crash_a_session(tmp_path)
    manager = SessionManager(tmp_path)
    assert manager.open() is not None
    session = manager.start_fresh(total_cost=Decimal("1.5"))
    assert session.session_id != crashed_id
    assert session.current_stage is Stage.WRITING  # nothing carried over: where the prose is
    archived = SessionHistory(tmp_path).entries()
    assert [(e.session_id, e.interrupted, e.total_cost) for e in archived] == [
        (crashed_id, True, Decimal("1.5"))
    ]
    assert _on_disk(tmp_path)["session_id"] == session.session_id
    manager.close()


def test_corrupt_current_json_falls_back_to_backup(tmp_path: Path) -> None:
    session = Session(tmp_path)
    session.set_stage("writing")
    session.save_sync()
    session.set_stage("scoring")
    session.save_sync()  # .bak now holds the "writing" generation
    current = tmp_path / ".session" / "current.json"
    current.write_text('{"schema_version": 1, "current_state": {"stage": 7')
    recovered = Session(tmp_path)
    assert recovered.current_stage is Stage.WRITING
    assert any("unusable" in w for w in recovered.load_warnings)
    assert any(p.name.startswith("current.json.corrupt-") for p in current.parent.iterdir())


async def test_a_late_autosave_never_overwrites_the_closing_save(tmp_path: Path) -> None:
    """An autosave snapshotted before close must not land after close's ended_at save."""
    store = _SlowStore(tmp_path)
    session = Session(tmp_path, SessionData(), store=store)
    session.set_stage("writing")
    generation, stale = session._generation, session._snapshot()
    session.data.ended_at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    store.release.set()
    assert session.save_sync(force=True)  # the closing save lands first...
    session._write(generation, stale)  # ...then the older autosave snapshot arrives
    assert _on_disk(tmp_path)["ended_at"] == "2026-11-23T10:00:00.000000Z"
    assert not session.has_changes()


async def test_overlapping_saves_land_in_generation_order(tmp_path: Path) -> None:
    store = _SlowStore(tmp_path)
    session = Session(tmp_path, SessionData(), store=store)
    session.set_stage("writing")
    first = asyncio.create_task(session.save())
    await asyncio.to_thread(store.entered.wait, 10)
    session.set_stage("scoring")
    closing = asyncio.create_task(asyncio.to_thread(session.save_sync, force=True))
    await asyncio.sleep(0.05)
    store.release.set()
    await first
    await closing
    assert _on_disk(tmp_path)["current_state"]["stage"] == "scoring"
    assert not session.has_changes()
