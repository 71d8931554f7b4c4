"""Durable atomic writes and appends, on real files with real fsync."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from writers_tui.atomic import (
    _TEMP_NAME,
    UnsafePath,
    append_line,
    atomic_write_bytes,
    atomic_write_text,
    backup_path,
    ensure_dir,
    fsync_dir,
    read_lines,
)

REPO = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _temps(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if _TEMP_NAME.match(name)]


def test_round_trip_bytes_and_text(tmp_path: Path) -> None:
    target = tmp_path / "doc.json"
    atomic_write_bytes(target, b"\x00binary\xff")
    assert target.read_bytes() == b"\x00binary\xff"
    atomic_write_text(target, "Élodie’s “chapter”\n")
    assert target.read_text(encoding="utf-8") == "Élodie’s “chapter”\n"
    assert _temps(tmp_path) == []


def test_new_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        atomic_write_bytes(tmp_path / "new.json", b"{}")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.json") == 0o600


def test_new_file_mode_can_be_chosen(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "scene.md", b"text", new_file_mode=0o644)
    assert _mode(tmp_path / "scene.md") == 0o644


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_existing_mode_is_preserved(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "chapter.md"
    target.write_bytes(b"old")
    os.chmod(target, mode)
    atomic_write_bytes(target, b"new", keep_backup=True)
    assert _mode(target) == mode
    assert target.read_bytes() == b"new"


def test_backup_is_the_previous_generation(tmp_path: Path) -> None:
    target = tmp_path / "current.json"
    atomic_write_bytes(target, b"v1", keep_backup=True)
    assert not backup_path(target).exists()  # nothing to keep yet
    for version in (2, 3, 4):
        atomic_write_bytes(target, b"v%d" % version, keep_backup=True)
        assert target.read_bytes() == b"v%d" % version
        assert backup_path(target).read_bytes() == b"v%d" % (version - 1)
    # The backup is its own file, not an alias of the live one.
    assert os.stat(target).st_ino != os.stat(backup_path(target)).st_ino
    atomic_write_bytes(target, b"v5")  # keep_backup=False leaves the last .bak alone
    assert backup_path(target).read_bytes() == b"v3"
    assert _temps(tmp_path) == []


def test_failed_write_removes_its_temp_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "occupied"
    target.mkdir()  # os.replace(file, directory) fails for real: IsADirectoryError
    (target / "inside.txt").write_bytes(b"keep me")
    with pytest.raises(IsADirectoryError):
        atomic_write_bytes(target, b"data")
    assert _temps(tmp_path) == []
    assert (target / "inside.txt").read_bytes() == b"keep me"


def test_fsync_dir_accepts_a_folder(tmp_path: Path) -> None:
    fsync_dir(tmp_path)
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        fsync_dir(tmp_path / "file")


# -- append_line / read_lines --------------------------------------------------------


def test_append_terminates_records_and_creates_a_private_file(tmp_path: Path) -> None:
    log = tmp_path / "costs.jsonl"
    append_line(log, b'{"n": 1}')
    append_line(log, b'{"n": 2}\n')
    assert log.read_bytes() == b'{"n": 1}\n{"n": 2}\n'
    assert _mode(log) == 0o600


def test_append_heals_a_torn_last_line(tmp_path: Path) -> None:
    log = tmp_path / "costs.jsonl"
    log.write_bytes(b'{"n": 1}\n{"n": 2, "cos')  # a writer died mid-record
    assert list(read_lines(log)) == [b'{"n": 1}\n']  # readers skip the torn tail
    append_line(log, b'{"n": 3}')
    assert log.read_bytes() == b'{"n": 1}\n{"n": 2, "cos\n{"n": 3}\n'
    assert list(read_lines(log)) == [b'{"n": 1}\n', b'{"n": 2, "cos\n', b'{"n": 3}\n']


def test_read_lines_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert list(read_lines(tmp_path / "absent.jsonl")) == []


def _record(writer: int, n: int) -> bytes:
    # Long enough (8 KB) that unserialised writers would interleave or tear records.
    return b"%d:%d:" % (writer, n) + bytes([65 + writer]) * 8192


def _check_records(log: Path, writers: int, per_writer: int) -> None:
    lines = log.read_bytes().split(b"\n")
    assert lines.pop() == b""
    assert len(lines) == writers * per_writer
    seen = set()
    for line in lines:
        writer, n, body = line.split(b":")
        assert body == bytes([65 + int(writer)]) * 8192, "records interleaved"
        seen.add((int(writer), int(n)))
    assert seen == {(w, n) for w in range(writers) for n in range(per_writer)}


def test_concurrent_appends_from_threads_do_not_interleave(tmp_path: Path) -> None:
    log = tmp_path / "costs.jsonl"
    barrier = threading.Barrier(6)

    def write(writer: int) -> None:
        barrier.wait()
        for n in range(60):
            append_line(log, _record(writer, n))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _check_records(log, 6, 60)


_APPENDER = """
import sys
from pathlib import Path
from writers_tui.atomic import append_line
writer = int(sys.argv[2])
sys.stdin.readline()  # start together
for n in range(int(sys.argv[3])):
    append_line(Path(sys.argv[1]), b"%d:%d:" % (writer, n) + bytes([65 + writer]) * 8192)
"""


def test_concurrent_appends_from_processes_do_not_interleave(tmp_path: Path) -> None:
    log = tmp_path / "costs.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _APPENDER, str(log), str(w), "80"],
            stdin=subprocess.PIPE,
            env=env,
        )
        for w in range(4)
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        proc.stdin.close()
    assert [proc.wait(timeout=60) for proc in procs] == [0, 0, 0, 0]
    _check_records(log, 4, 80)


def test_a_link_is_refused_not_followed_nor_replaced(tmp_path: Path) -> None:
    """The writer's manuscript links are resolved by the BufferStore (test_buffers); the
    atomic layer itself never writes through one."""
    synced = tmp_path / "dropbox" / "ch1.md"
    synced.parent.mkdir()
    synced.write_text("old\n")
    link = tmp_path / "manuscript" / "ch1.md"
    link.parent.mkdir()
    link.symlink_to(synced)
    with pytest.raises(UnsafePath, match=r"ch1\.md is a symbolic link"):
        atomic_write_text(link, "new\n")
    assert link.is_symlink()
    assert synced.read_text() == "old\n"
    assert sorted(p.name for p in link.parent.iterdir()) == ["ch1.md"]


def test_ensure_dir_creates_missing_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / ".session"
    ensure_dir(target)
    ensure_dir(target)  # already there: nothing to do
    assert target.is_dir()
