"""BufferStore and BufferSaver against real files: round trips, conflicts, injected faults.

Faults are injected by monkeypatching ``os.write`` / ``os.fsync`` / ``os.replace`` /
``os.open`` to raise for chosen paths. Tests run as root, where ``chmod 0o500`` does not
stop writes, so an unwritable project folder is simulated by EACCES from ``os.open``.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from writers_tui.storage import text_codec
from writers_tui.storage.autosave import SaveState, SaveStatus
from writers_tui.storage.buffer_saver import BufferSaver
from writers_tui.storage.buffers import (
    BufferStore,
    Conflict,
    Journaled,
    Saved,
    Unsaved,
)
from writers_tui.storage.text_codec import encode_and_hash

NOW = datetime(2024, 11, 13, 15, 45, 10, 123456, tzinfo=UTC)
ORIGINAL = "# Chapter 5\n\nMickey waited by the door.\n"
MINE = ORIGINAL + "Noni did not come.\n"
THEIRS = ORIGINAL + "Noni came early, soaked through.\n"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "my-novel"
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "chapter-5.md").write_text(ORIGINAL)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return root


@pytest.fixture
def store(project: Path) -> BufferStore:
    return BufferStore(project, clock=lambda: NOW)


def fd_path(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


def inject(
    monkeypatch: pytest.MonkeyPatch, name: str, code: int, hits: Callable[[str], bool]
) -> None:
    """Make ``os.<name>`` fail with ``code`` when the path it touches ``hits``."""
    real = getattr(os, name)

    def faulty(*args: Any, **kwargs: Any) -> Any:
        target = args[1] if name == "replace" else args[0]
        folder = kwargs.get("dst_dir_fd" if name == "replace" else "dir_fd")
        if isinstance(target, int):
            where = fd_path(target)
        elif folder is not None:  # relative to a checked folder descriptor (atomic.py)
            where = os.path.join(fd_path(folder), os.fspath(target))
        else:
            where = os.fspath(target)
        if hits(where):
            raise OSError(code, os.strerror(code), where)
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, faulty)


def under(folder: Path) -> Callable[[str], bool]:
    return lambda where: where.startswith(str(folder))


@settings(max_examples=200, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=9))
def test_chunked_encoding_matches_plain_encoding(text: str, chunk: int) -> None:
    real_chunk = text_codec.ENCODE_CHUNK
    text_codec.ENCODE_CHUNK = chunk
    try:
        data, digest = text_codec.encode_and_hash(text)
    finally:
        text_codec.ENCODE_CHUNK = real_chunk
    assert data == text.encode("utf-8")
    assert digest == hashlib.sha256(data).hexdigest()


# --- round trip ----------------------------------------------------------------------


def test_round_trip_keeps_text_hash_and_mode(project: Path, store: BufferStore) -> None:
    path = project / "manuscript" / "chapter-5.md"
    path.chmod(0o640)
    buffer = store.open_sync("manuscript/chapter-5.md")
    assert buffer.text == ORIGINAL and buffer.known_sha256 == sha(ORIGINAL)
    assert store.open_sync(path) is buffer  # one buffer per file
    buffer.set_text(MINE)
    assert buffer.dirty and buffer.generation == 1
    result = store.save_sync(buffer)
    assert result == Saved(path, sha(MINE), 1)
    assert path.read_text() == MINE and not buffer.dirty
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert BufferStore(project).open_sync(path).text == MINE
    assert sorted(p.name for p in path.parent.iterdir()) == ["chapter-5.md"]  # no temp left

    new = store.open_sync("manuscript/chapter-6.md")
    assert new.text == "" and new.known_sha256 is None
    new.set_text("Chapter six.\n")
    assert isinstance(store.save_sync(new), Saved)
    assert stat.S_IMODE((project / "manuscript" / "chapter-6.md").stat().st_mode) == 0o644


def test_windows_line_endings_and_unicode_survive(project: Path, store: BufferStore) -> None:
    path = project / "manuscript" / "crlf.md"
    raw = "“Noni,” she said —\r\nthen nothing.\r\n".encode()
    path.write_bytes(raw)
    buffer = store.open_sync(path)
    buffer.set_text(buffer.text + "Ünter.\r\n")
    assert isinstance(store.save_sync(buffer), Saved)
    assert path.read_bytes() == raw + "Ünter.\r\n".encode()


async def test_async_save_keeps_edits_made_in_flight_dirty(
    project: Path, store: BufferStore
) -> None:
    buffer = await store.open("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    saving = asyncio.create_task(store.save(buffer))
    await asyncio.sleep(0)  # the save has snapshotted generation 1 and is in its thread
    buffer.set_text(MINE + "More.\n")
    result = await saving
    assert isinstance(result, Saved) and result.generation == 1
    assert (project / "manuscript" / "chapter-5.md").read_text() == MINE
    assert buffer.dirty and buffer.saved_generation == 1 and buffer.generation == 2
    assert await store.flush_all() == [Saved(buffer.path, sha(MINE + "More.\n"), 2)]
    assert not buffer.dirty


def test_undoing_back_to_the_saved_text_writes_nothing(project: Path, store: BufferStore) -> None:
    buffer = store.open_sync("manuscript/chapter-5.md")
    path = buffer.path
    before = path.stat().st_ino
    buffer.set_text(MINE)
    buffer.set_text(ORIGINAL)
    assert buffer.dirty
    assert isinstance(store.save_sync(buffer), Saved)
    assert path.stat().st_ino == before and not buffer.dirty


def test_own_writes_are_recognisable_by_the_watcher(project: Path) -> None:
    written: list[tuple[Path, str]] = []
    store = BufferStore(project, on_written=lambda p, d: written.append((p, d)))
    buffer = store.open_sync("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    store.save_sync(buffer)
    assert written == [(buffer.path, sha(MINE))]
    assert store.is_own_write("manuscript/chapter-5.md", sha(MINE))
    assert not store.is_own_write(buffer.path, sha(THEIRS))


def test_close_refuses_unsaved_text(store: BufferStore) -> None:
    buffer = store.open_sync("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    with pytest.raises(ValueError, match="unsaved"):
        store.close(buffer)
    store.save_sync(buffer)
    store.close(buffer)
    assert store.get("manuscript/chapter-5.md") is None


# --- conflicts -----------------------------------------------------------------------


def outside_edit(path: Path, text: str) -> None:
    """Another editor saving the file (its own write, its own inode)."""
    temp = path.with_name("outside.tmp")
    temp.write_text(text)
    os.replace(temp, path)


def test_outside_edit_is_never_overwritten(project: Path, store: BufferStore) -> None:
    path = project / "manuscript" / "chapter-5.md"
    buffer = store.open_sync(path)
    buffer.set_text(MINE)
    outside_edit(path, THEIRS)
    result = store.save_sync(buffer)
    assert isinstance(result, Conflict)
    assert path.read_text() == THEIRS
    assert result.copy_path == path.with_name("chapter-5.conflict-20241113T154510Z.md")
    assert result.copy_path.read_text() == MINE
    assert (result.mine, result.theirs, result.theirs_sha256) == (MINE, THEIRS, sha(THEIRS))
    assert buffer.conflict == result and buffer.parked and not store.needs_save()

    # Typing on while the dialog is open keeps the copy current, never touches the file.
    buffer.set_text(MINE + "Later.\n")
    assert store.needs_save()
    again = store.save_sync(buffer)
    assert isinstance(again, Conflict) and again.copy_path == result.copy_path
    assert result.copy_path.read_text() == MINE + "Later.\n"
    assert path.read_text() == THEIRS and buffer.parked

    # A second conflict at the same second gets its own copy name.
    assert store.conflict_path(path) == path.with_name("chapter-5.conflict-20241113T154510Z-2.md")


async def test_resolve_keep_mine_puts_theirs_in_the_copy(project: Path, store: BufferStore) -> None:
    path = project / "manuscript" / "chapter-5.md"
    buffer = store.open_sync(path)
    buffer.set_text(MINE)
    outside_edit(path, THEIRS)
    conflict = store.save_sync(buffer)
    assert isinstance(conflict, Conflict)
    result = await store.resolve_conflict(buffer, "mine")
    assert result == Saved(path, sha(MINE), 1)
    assert path.read_text() == MINE and conflict.copy_path.read_text() == THEIRS
    assert buffer.conflict is None and not buffer.dirty


async def test_resolve_keep_theirs_keeps_mine_in_the_copy(
    project: Path, store: BufferStore
) -> None:
    path = project / "manuscript" / "chapter-5.md"
    buffer = await store.open(path)
    buffer.set_text(MINE)
    outside_edit(path, THEIRS)
    conflict = await store.save(buffer)
    assert isinstance(conflict, Conflict)
    buffer.set_text(MINE + "Unsaved tail.\n")  # typed after the dialog opened
    assert await store.resolve_conflict(buffer, "theirs") is None
    assert buffer.text == THEIRS and not buffer.dirty and buffer.conflict is None
    assert conflict.copy_path.read_text() == MINE + "Unsaved tail.\n"
    assert path.read_text() == THEIRS
    buffer.set_text(THEIRS + "Agreed.\n")  # and saving goes on normally
    assert isinstance(await store.save(buffer), Saved)
    assert path.read_text() == THEIRS + "Agreed.\n"


def test_deleted_file_is_recreated(project: Path, store: BufferStore) -> None:
    path = project / "manuscript" / "chapter-5.md"
    buffer = store.open_sync(path)
    buffer.set_text(MINE)
    path.unlink()
    result = store.save_sync(buffer)
    assert isinstance(result, Saved) and result.recreated
    assert path.read_text() == MINE


def test_file_created_behind_a_new_buffer_is_a_conflict(project: Path, store: BufferStore) -> None:
    path = project / "manuscript" / "new-scene.md"
    buffer = store.open_sync(path)
    buffer.set_text(MINE)
    path.write_text(THEIRS)
    result = store.save_sync(buffer)
    assert isinstance(result, Conflict) and path.read_text() == THEIRS


# --- faults and recovery journals -------------------------------------------------------

FAULTS = [
    ("write", errno.ENOSPC),
    ("fsync", errno.EIO),
    ("replace", errno.EACCES),
    ("write", errno.EIO),
    ("fsync", errno.ENOSPC),
]


@pytest.mark.parametrize(("call", "code"), FAULTS)
def test_failed_write_keeps_old_file_and_journals_the_text(
    project: Path, store: BufferStore, monkeypatch: pytest.MonkeyPatch, call: str, code: int
) -> None:
    path = project / "manuscript" / "chapter-5.md"
    buffer = store.open_sync(path)
    buffer.set_text(MINE)
    with monkeypatch.context() as patch:
        inject(patch, call, code, under(project / "manuscript"))
        result = store.save_sync(buffer)
    assert isinstance(result, Journaled) and not result.in_user_dir
    assert result.error == os.strerror(code)
    assert path.read_text() == ORIGINAL  # the old file is intact
    assert sorted(p.name for p in path.parent.iterdir()) == ["chapter-5.md"]
    assert result.journal.parent == project / ".session" / "recovery"
    assert result.journal.name == "manuscript%2Fchapter-5.md.20241113T154510123456Z.md"
    assert result.journal.read_text() == MINE
    meta = json.loads(result.journal.with_suffix(".json").read_text())
    assert meta["path"] == "manuscript/chapter-5.md"
    assert meta["based_on_sha256"] == sha(ORIGINAL)
    assert meta["saved_at"] == "2024-11-13T15:45:10.123456Z"
    (journal,) = store.list_journals()
    assert journal.original == path and journal.read_text() == MINE
    assert buffer.dirty and store.needs_save()

    # A second failure rewrites the same journal rather than piling up new ones.
    buffer.set_text(MINE + "More.\n")
    with monkeypatch.context() as patch:
        inject(patch, call, code, under(project / "manuscript"))
        again = store.save_sync(buffer)
    assert isinstance(again, Journaled) and again.journal == result.journal
    assert result.journal.read_text() == MINE + "More.\n"

    # The fault clears: the next save writes the file and removes its journal.
    assert isinstance(store.save_sync(buffer), Saved)
    assert path.read_text() == MINE + "More.\n" and not buffer.dirty
    assert store.list_journals() == []
    assert list((project / ".session" / "recovery").iterdir()) == []


def test_unwritable_project_journals_to_the_user_data_dir(
    project: Path, store: BufferStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    buffer = store.open_sync("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    with monkeypatch.context() as patch:
        inject(patch, "open", errno.EACCES, under(project))  # the whole project folder
        result = store.save_sync(buffer)
        assert isinstance(result, Journaled) and result.in_user_dir
        assert result.journal.parent == tmp_path / "xdg" / "writers-tui" / "recovery" / "my-novel"
        (journal,) = store.list_journals()
    assert journal.in_user_dir and journal.read_text() == MINE
    assert buffer.path.read_text() == ORIGINAL
    assert isinstance(store.save_sync(buffer), Saved)
    assert not result.journal.exists() and store.list_journals() == []


def test_nothing_writable_reports_the_text_is_only_in_memory(
    project: Path, store: BufferStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    buffer = store.open_sync("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    inject(monkeypatch, "open", errno.EROFS, under(tmp_path))
    result = store.save_sync(buffer)
    assert isinstance(result, Unsaved)
    assert "chapter-5.md" in result.error and "recovery" in result.error
    assert buffer.dirty and buffer.text == MINE


async def test_journal_from_an_earlier_session_is_restored_then_removed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashed = BufferStore(project, clock=lambda: NOW)
    buffer = crashed.open_sync("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    with monkeypatch.context() as patch:
        inject(patch, "replace", errno.ENOSPC, under(project / "manuscript"))
        assert isinstance(crashed.save_sync(buffer), Journaled)

    # Next start: a fresh store sees the journal; an ordinary save does not remove it.
    store = BufferStore(project)
    (journal,) = store.list_journals()
    other = store.open_sync("manuscript/chapter-5.md")
    other.set_text(THEIRS)
    store.save_sync(other)
    assert store.list_journals() == [journal]

    restored, kept = await store.restore_journal(journal)
    assert restored is other and restored.text == MINE and restored.dirty
    # The file changed after the journal was written: the newer text is kept, not lost.
    assert kept is not None and kept.read_text() == THEIRS and ".conflict-" in kept.name
    assert isinstance(store.save_sync(restored), Saved)
    assert restored.path.read_text() == MINE
    assert store.list_journals() == [] and not journal.text_path.exists()


async def test_async_restore_and_rename(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = BufferStore(project)
    buffer = await store.open("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    with monkeypatch.context() as patch:
        inject(patch, "write", errno.EIO, under(project / "manuscript"))
        assert isinstance(await store.save(buffer), Journaled)

    later = BufferStore(project)
    (journal,) = later.list_journals()
    restored, kept = await later.restore_journal(journal)
    assert kept is None  # the file is as the journal found it: nothing to keep aside
    # The writer had moved the file meanwhile; the watcher re-points the buffer.
    moved = project / "manuscript" / "chapter-05.md"
    os.replace(restored.path, moved)
    later.rename(restored, "manuscript/chapter-05.md")
    assert later.get(moved) is restored and later.get("manuscript/chapter-5.md") is None
    assert isinstance(await later.save(restored), Saved)
    assert moved.read_text() == MINE and later.list_journals() == []


def test_discarded_journal_is_gone(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = BufferStore(project)
    buffer = store.open_sync("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    with monkeypatch.context() as patch:
        inject(patch, "write", errno.ENOSPC, under(project / "manuscript"))
        store.save_sync(buffer)
    (journal,) = store.list_journals()
    store.discard_journal(journal)
    assert store.list_journals() == []
    assert not journal.text_path.exists() and not journal.meta_path.exists()


# --- the debounced driver ---------------------------------------------------------------


class StateLog:
    def __init__(self) -> None:
        self.states: list[SaveState] = []
        self.changed = asyncio.Event()

    def __call__(self, state: SaveState) -> None:
        self.states.append(state)
        self.changed.set()

    async def until(self, status: SaveStatus) -> SaveState:
        while not self.states or self.states[-1].status is not status:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 10)
        return self.states[-1]


async def test_buffer_saver_saves_after_idle_and_on_stop(project: Path) -> None:
    store = BufferStore(project)
    log = StateLog()
    saver = BufferSaver(store, idle=0.05, max_delay=0.2, on_state=log)
    saver.start()
    buffer = await store.open("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    assert saver.autosaver.state.status is SaveStatus.DIRTY
    await log.until(SaveStatus.SAVED)
    assert buffer.path.read_text() == MINE and not buffer.dirty

    buffer.set_text(THEIRS)  # edited just before quitting: stop's final save gets it
    assert await saver.stop() is True
    assert buffer.path.read_text() == THEIRS and not buffer.dirty


async def test_buffer_saver_flush_is_false_when_a_file_went_to_a_conflict_copy(
    project: Path,
) -> None:
    store = BufferStore(project)
    saver = BufferSaver(store, idle=10, max_delay=10)
    buffer = await store.open("manuscript/chapter-5.md")
    buffer.path.write_text(THEIRS)  # someone else edits the file
    buffer.set_text(MINE)
    assert await saver.flush() is False
    assert buffer.path.read_text() == THEIRS
    assert await saver.stop() is False


async def test_buffer_saver_reports_the_journal_and_recovers(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BufferStore(project)
    log = StateLog()
    results: list[object] = []
    saver = BufferSaver(
        store, idle=0.01, max_delay=0.05, backoff=(0.05,), on_state=log, on_result=results.append
    )
    inject(monkeypatch, "fsync", errno.ENOSPC, under(project / "manuscript"))
    saver.start()
    buffer = await store.open("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    failed = await log.until(SaveStatus.FAILED)
    assert "chapter-5.md could not be saved (No space left on device)" in (failed.error or "")
    assert ".session/recovery/manuscript%2Fchapter-5.md." in (failed.error or "")
    assert isinstance(results[0], Journaled)
    monkeypatch.undo()  # space freed: the retry after the backoff succeeds
    await log.until(SaveStatus.SAVED)
    assert buffer.path.read_text() == MINE and store.list_journals() == []
    assert await saver.flush() is True
    await saver.stop()


async def test_non_utf8_bytes_survive_open_and_save(tmp_path: Path) -> None:
    """A file with stray Latin-1 bytes opens, and saving an edit keeps those bytes."""
    scene = tmp_path / "manuscript" / "latin1.md"
    scene.parent.mkdir(parents=True)
    scene.write_bytes(b"caf\xe9 au lait\n")
    store = BufferStore(tmp_path)
    buffer = await store.open(scene)
    buffer.set_text(buffer.text + "more\n")
    result = await store.save(buffer)
    assert isinstance(result, Saved)
    assert scene.read_bytes() == b"caf\xe9 au lait\nmore\n"


def test_lone_surrogate_is_replaced_not_unsaveable() -> None:
    data, _ = encode_and_hash("a\ud800b")
    assert data == "a\ufffdb".encode()


async def test_journal_of_a_non_utf8_file_restores_its_bytes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = project / "manuscript" / "latin1.md"
    scene.write_bytes(b"caf\xe9\n")
    crashed = BufferStore(project, clock=lambda: NOW)
    buffer = crashed.open_sync(scene)
    buffer.set_text(buffer.text + "noir\n")
    with monkeypatch.context() as patch:
        inject(patch, "replace", errno.ENOSPC, under(project / "manuscript"))
        assert isinstance(crashed.save_sync(buffer), Journaled)
    store = BufferStore(project)
    (journal,) = store.list_journals()
    restored, _ = await store.restore_journal(journal)
    assert isinstance(store.save_sync(restored), Saved)
    assert scene.read_bytes() == b"caf\xe9\nnoir\n"


def test_journals_survive_moving_the_project_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    crashed = BufferStore(project, clock=lambda: NOW)
    buffer = crashed.open_sync("manuscript/chapter-5.md")
    buffer.set_text(MINE)
    with monkeypatch.context() as patch:
        inject(patch, "replace", errno.ENOSPC, under(project / "manuscript"))
        assert isinstance(crashed.save_sync(buffer), Journaled)
    moved = tmp_path / "renamed-novel"
    project.rename(moved)
    (journal,) = BufferStore(moved).list_journals()
    assert journal.read_text() == MINE


async def test_sync_and_async_paths_agree(tmp_path: Path) -> None:
    """The blocking API (signal-time flush) and the async one share every step; the same
    edits through each leave the same files and the same buffer state."""
    outcomes = []
    for mode in ("sync", "async"):
        root = tmp_path / mode
        (root / "manuscript").mkdir(parents=True)
        (root / "manuscript" / "a.md").write_text(ORIGINAL)
        store = BufferStore(root)
        buffer = (
            store.open_sync("manuscript/a.md")
            if mode == "sync"
            else await store.open("manuscript/a.md")
        )
        buffer.set_text(MINE)
        new = (
            store.open_sync("manuscript/new.md")
            if mode == "sync"
            else await store.open("manuscript/new.md")
        )
        new.set_text("A new scene.\n")
        results = store.flush_all_sync() if mode == "sync" else await store.flush_all()
        outcomes.append(
            (
                [type(result).__name__ for result in results],
                sorted(p.name for p in (root / "manuscript").iterdir()),
                (root / "manuscript" / "a.md").read_text(),
                [(b.generation, b.saved_generation, b.dirty) for b in store.buffers],
            )
        )
    assert outcomes[0] == outcomes[1]


def test_a_fifo_planted_as_a_journal_is_not_offered(project: Path) -> None:
    recovery = project / ".session" / "recovery"
    recovery.mkdir(parents=True)
    os.mkfifo(recovery / "e.md")
    (recovery / "e.json").write_text('{"path": "manuscript/new.md", "saved_at": "x"}')
    assert BufferStore(project).list_journals() == []  # listing it must not hang either
