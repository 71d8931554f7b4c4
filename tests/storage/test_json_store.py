"""JsonStore: typed load/save with backup, migration and quarantine, on real files."""

from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from writers_tui.atomic import backup_path
from writers_tui.storage.json_store import DocumentError, JsonStore, quarantine
from writers_tui.storage.models import SessionData


class Note(BaseModel):
    schema_version: int = 2
    title: str = "untitled"
    words: int = 0


def _v0_to_v1(raw: dict[str, Any]) -> dict[str, Any]:
    raw["title"] = raw.pop("name", "untitled")
    return raw


def _v1_to_v2(raw: dict[str, Any]) -> dict[str, Any]:
    raw["words"] = raw.pop("word_count", 0)
    return raw


def _store(folder: Path) -> JsonStore[Note]:
    return JsonStore(folder / "note.json", Note, version=2, migrations={0: _v0_to_v1, 1: _v1_to_v2})


def test_round_trip(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save_sync(Note(title="Ch. 1", words=1200))
    result = _store(tmp_path).load()
    assert (result.source, result.value, result.warnings) == (
        "file",
        Note(title="Ch. 1", words=1200),
        [],
    )
    assert json.loads(store.path.read_text())["schema_version"] == 2


def test_missing_file_gives_the_default_quietly(tmp_path: Path) -> None:
    result = _store(tmp_path).load()
    assert (result.source, result.value, result.warnings) == ("default", Note(), [])


def test_each_save_keeps_the_previous_generation(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.load()
    for words in (1, 2, 3):
        store.save_sync(Note(words=words))
    assert json.loads(backup_path(store.path).read_text())["words"] == 2


def test_first_save_without_load_still_keeps_a_good_file_as_backup(tmp_path: Path) -> None:
    _store(tmp_path).save_sync(Note(words=1))
    _store(tmp_path).save_sync(Note(words=2))  # a fresh store that never loaded
    assert json.loads(backup_path(tmp_path / "note.json").read_text())["words"] == 1


def test_deleted_file_falls_back_to_the_backup(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save_sync(Note(words=1))
    store.save_sync(Note(words=2))
    store.path.unlink()
    result = _store(tmp_path).load()
    assert (result.source, result.value.words) == ("backup", 1)
    assert result.warnings == ["using the previous good version of note.json (note.json.bak)"]


def test_old_versions_are_migrated_step_by_step(tmp_path: Path) -> None:
    path = tmp_path / "note.json"
    path.write_text('{"name": "Prologue", "word_count": 250}')
    result = _store(tmp_path).load()
    assert result.value == Note(title="Prologue", words=250)
    assert result.migrated_from == 0
    assert result.warnings == ["note.json upgraded from schema_version 0 to 2"]
    assert path.read_text() == '{"name": "Prologue", "word_count": 250}'  # untouched until saved
    path.write_text('{"schema_version": 1, "title": "Epilogue", "word_count": 9}')
    assert _store(tmp_path).load().value == Note(title="Epilogue", words=9)


def test_a_migration_that_blows_up_is_a_bad_file(tmp_path: Path) -> None:
    def broken(raw: dict[str, Any]) -> dict[str, Any]:
        return raw["missing"]

    store = JsonStore(tmp_path / "note.json", Note, version=2, migrations={0: broken})
    with pytest.raises(DocumentError, match="KeyError"):
        store.parse(b"{}")
    store.path.write_bytes(b"{}")
    result = store.load()
    assert result.source == "default" and len(result.quarantined) == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"schema_version": true}', "not a version number"),
        (b'{"schema_version": -1}', "not a version number"),
        (b'{"schema_version": 3}', "newer than this writers-tui understands (2)"),
        (b'{"schema_version": 2, "words": "many"}', "words: Input should be a valid integer"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_parse_explains_what_is_wrong(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as raised:
        _store(tmp_path).parse(data)
    assert reason in str(raised.value)


def test_load_survives_a_quarantine_that_cannot_move_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    store.path.write_bytes(b"garbage")
    real = os.replace

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", refuse)
    result = store.load()
    monkeypatch.setattr(os, "replace", real)
    assert result.source == "default"
    assert "could not set it aside: Permission denied" in result.warnings[0]
    assert store.path.read_bytes() == b"garbage"
    store.save_sync(Note(words=5))  # the save sets it aside first, then writes
    assert _store(tmp_path).load().value.words == 5
    moved = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert [p.read_bytes() for p in moved] == [b"garbage"]


def test_quarantine_keeps_the_content_and_never_replaces_evidence(tmp_path: Path) -> None:
    path = tmp_path / "costs.json"
    targets = []
    for content in (b"first", b"second", b"third"):
        path.write_bytes(content)
        targets.append(quarantine(path))
    assert [t.read_bytes() for t in targets] == [b"first", b"second", b"third"]
    assert all(t.name.startswith("costs.json.corrupt-") for t in targets)
    assert not path.exists()


def test_concurrent_saves_from_threads_leave_one_whole_generation(tmp_path: Path) -> None:
    store = _store(tmp_path)
    barrier = threading.Barrier(8)

    def save(words: int) -> None:
        barrier.wait()
        for extra in range(10):
            store.save_sync(Note(words=words * 100 + extra))

    threads = [threading.Thread(target=save, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = _store(tmp_path).load()
    assert final.source == "file" and final.value.words % 100 == 9
    backup = _store(tmp_path).parse(backup_path(store.path).read_bytes())[0]
    saved = {w * 100 + extra for w in range(8) for extra in range(10)}
    assert backup.words in saved and backup.words != final.value.words  # an earlier whole one


async def test_async_save_runs_off_the_event_loop(tmp_path: Path) -> None:
    threads: list[int] = []

    class Recording(JsonStore[Note]):
        def save_sync(self, value: Note) -> None:
            threads.append(threading.get_ident())
            super().save_sync(value)

    store = Recording(tmp_path / "note.json", Note, version=2)
    await store.save(Note(words=7))
    assert threads and threads[0] != threading.get_ident()
    assert _store(tmp_path).load().value.words == 7


def test_invalid_utf8_inside_a_string_is_not_valid_json(tmp_path: Path) -> None:
    """json.loads(bytes) accepts an encoded lone surrogate; a state file must not."""
    store = JsonStore(tmp_path / "doc.json", SessionData)
    lone_surrogate = bytes([0xED, 0xA0, 0x80])
    with pytest.raises(DocumentError, match="not valid JSON"):
        store.parse(b'{"schema_version": 1, "project_name": "' + lone_surrogate + b'"}')
