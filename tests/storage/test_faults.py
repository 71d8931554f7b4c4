"""Injected disk faults: the old file survives, the error is reported, the next save works.

Faults are injected the only honest way without a broken disk: ``os.write``/``os.fsync``/
``os.replace``/``os.link``/``os.open`` are monkeypatched to raise a real ``OSError``
(ENOSPC, EIO, EACCES) on their n-th call while the real file system does everything else.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from writers_tui.atomic import (
    _TEMP_NAME,
    append_line,
    atomic_write_bytes,
    backup_path,
    read_lines,
)
from writers_tui.storage.ledger import Ledger
from writers_tui.storage.models import SessionData
from writers_tui.storage.stores import session_store

ERRNOS = [errno.ENOSPC, errno.EIO, errno.EACCES]

#: (os function, which call fails) for one save that keeps a backup, in the order they run:
#: open temp, write, fsync temp, link the backup, rename the backup, rename the file, fsync dir.
SAVE_STEPS = [
    ("open", 1),
    ("write", 1),
    ("fsync", 1),
    ("link", 1),
    ("replace", 1),
    ("replace", 2),
    ("fsync", 2),
]


@contextmanager
def fault(monkeypatch: pytest.MonkeyPatch, name: str, nth: int, code: int) -> Iterator[None]:
    """Make the ``nth`` call of ``os.<name>`` inside the block raise ``OSError(code)``."""
    real: Callable[..., Any] = getattr(os, name)
    calls = 0

    def failing(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == nth:
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)
    try:
        yield
    finally:
        monkeypatch.setattr(os, name, real)
    assert calls >= nth, f"os.{name} was called {calls} times; the fault never fired"


def _temps(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if _TEMP_NAME.match(name)]


def _session(words: int) -> SessionData:
    return SessionData(session_id="s", project_name="Novel", words_now=words)


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
@pytest.mark.parametrize(("step", "nth"), SAVE_STEPS, ids=[f"{s}{n}" for s, n in SAVE_STEPS])
def test_failed_save_keeps_old_file_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, nth: int, code: int
) -> None:
    store = session_store(tmp_path)
    store.save_sync(_session(1))
    store.save_sync(_session(2))  # now current.json = 2, current.json.bak = 1
    path = store.path
    before = path.read_bytes()
    backup_before = backup_path(path).read_bytes()

    with fault(monkeypatch, step, nth, code), pytest.raises(OSError) as raised:
        store.save_sync(_session(3))

    assert raised.value.errno == code  # reported, never swallowed
    assert _temps(path.parent) == []
    if (step, nth) == ("fsync", 2):
        # The rename happened but could not be made durable: not reported as saved, and
        # the file is a complete generation (new), with the previous one as .bak.
        assert store.load(quarantine_bad=False).value.words_now == 3
        assert backup_path(path).read_bytes() == before
    else:
        assert path.read_bytes() == before
        # The .bak is a good generation: the old one, or (rename of the file failed after
        # the backup moved on) the current file itself.
        assert backup_path(path).read_bytes() in (backup_before, before)

    store.save_sync(_session(4))  # the fault is gone: the next save just works
    fresh = session_store(tmp_path).load()
    assert fresh.source == "file" and fresh.value.words_now == 4 and not fresh.warnings


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
@pytest.mark.parametrize("step", ["open", "write", "fsync", "replace"])
def test_failed_first_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    target = tmp_path / "new.json"
    with fault(monkeypatch, step, 1, code), pytest.raises(OSError):
        atomic_write_bytes(target, b"{}")
    assert os.listdir(tmp_path) == []
    atomic_write_bytes(target, b"{}")
    assert target.read_bytes() == b"{}"


def test_file_system_without_hard_links_still_keeps_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """exFAT and some shares refuse ``link`` with EPERM: the backup becomes a copy."""
    target = tmp_path / "doc.json"
    atomic_write_bytes(target, b"old")
    with fault(monkeypatch, "link", 1, errno.EPERM):
        atomic_write_bytes(target, b"new", keep_backup=True)
    assert target.read_bytes() == b"new"
    assert backup_path(target).read_bytes() == b"old"
    assert _temps(tmp_path) == []


async def test_async_save_reports_the_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = session_store(tmp_path)
    await store.save(_session(1))
    before = store.path.read_bytes()
    with fault(monkeypatch, "fsync", 1, errno.EIO), pytest.raises(OSError) as raised:
        await store.save(_session(2))
    assert raised.value.errno == errno.EIO
    assert store.path.read_bytes() == before


# -- append_line -------------------------------------------------------------------------


@contextmanager
def half_write_then_fail(monkeypatch: pytest.MonkeyPatch, code: int) -> Iterator[None]:
    """The disk fills mid-record: the first write lands half its bytes, the next fails."""
    real = os.write
    calls = 0

    def short(fd: int, data: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            return real(fd, bytes(data)[: len(data) // 2])
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "write", short)
    try:
        yield
    finally:
        monkeypatch.setattr(os, "write", real)
    assert calls == 2


def _record(n: int) -> bytes:
    return (
        b'{"id": "r%d", "provider": "openai", "model": "gpt-4o", "input_tokens": %d, '
        b'"output_tokens": 1, "cost_source": "local"}' % (n, n)
    )


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
def test_partial_append_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    ledger = tmp_path / "costs.jsonl"
    append_line(ledger, _record(1))
    before = ledger.read_bytes()
    with half_write_then_fail(monkeypatch, code), pytest.raises(OSError) as raised:
        append_line(ledger, _record(2))
    assert raised.value.errno == code
    assert ledger.read_bytes() == before  # no half record left behind
    append_line(ledger, _record(3))
    scan = Ledger(ledger).scan(0)
    assert [r.input_tokens for r in scan] == [1, 3] and scan.skipped == 0


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
def test_failed_fsync_of_append_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    ledger = tmp_path / "costs.jsonl"
    append_line(ledger, _record(1))
    before = ledger.read_bytes()
    with fault(monkeypatch, "fsync", 1, code), pytest.raises(OSError):
        append_line(ledger, _record(2))
    assert ledger.read_bytes() == before  # a retry cannot duplicate the record
    append_line(ledger, _record(2))
    assert [r.input_tokens for r in Ledger(ledger)] == [1, 2]


def test_fragment_that_cannot_be_rolled_back_is_healed_by_the_next_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "costs.jsonl"
    append_line(ledger, _record(1))
    with (
        fault(monkeypatch, "ftruncate", 1, errno.EIO),
        half_write_then_fail(monkeypatch, errno.ENOSPC),
        pytest.raises(OSError),
    ):
        append_line(ledger, _record(2))
    assert not ledger.read_bytes().endswith(b"\n")  # the torn half record is still there
    assert len(list(read_lines(ledger))) == 1  # and readers skip it

    append_line(ledger, _record(3))

    scan = Ledger(ledger).scan(0)
    assert [r.input_tokens for r in scan] == [1, 3]
    assert scan.skipped == 1  # the fragment is a line of its own, not glued to record 3
