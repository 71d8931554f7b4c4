"""ProjectLock: one writer per project, and a crash reads as interrupted, not in use."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from writers_tui.storage.lock import LockHolder, ProjectInUse, ProjectLock, _holder_alive, boot_id

HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from writers_tui.storage.lock import ProjectLock
lock = ProjectLock(Path(sys.argv[1])).acquire()
print("held", flush=True)
time.sleep(60)
"""


def _hold_in_child(root: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


def test_first_open_is_not_interrupted(tmp_path: Path) -> None:
    with ProjectLock(tmp_path) as lock:
        assert lock.held
        assert not lock.was_interrupted()
        holder = LockHolder.parse((tmp_path / ".session" / "lock").read_text())
        assert holder is not None
        assert holder.pid == os.getpid()
        assert holder.boot_id  # Linux always has one


def test_clean_release_empties_the_file_and_next_open_is_clean(tmp_path: Path) -> None:
    ProjectLock(tmp_path).acquire().release()
    assert (tmp_path / ".session" / "lock").read_text() == ""
    with ProjectLock(tmp_path) as again:
        assert not again.was_interrupted()


def test_second_lock_in_same_process_is_refused(tmp_path: Path) -> None:
    with ProjectLock(tmp_path), pytest.raises(ProjectInUse) as refused:
        ProjectLock(tmp_path).acquire()
    assert refused.value.holder is not None
    assert refused.value.holder.pid == os.getpid()
    assert "already open" in str(refused.value)


def test_live_holder_in_another_process_is_in_use(tmp_path: Path) -> None:
    child = _hold_in_child(tmp_path)
    try:
        held, holder = ProjectLock.inspect(tmp_path)
        assert held and holder is not None and holder.pid == child.pid
        with pytest.raises(ProjectInUse, match=f"pid {child.pid}"):
            ProjectLock(tmp_path).acquire()
    finally:
        child.kill()
        child.wait()


def test_holder_killed_with_sigkill_reads_as_interrupted(tmp_path: Path) -> None:
    child = _hold_in_child(tmp_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    held, holder = ProjectLock.inspect(tmp_path)
    assert not held and holder is not None and holder.pid == child.pid
    with ProjectLock(tmp_path) as lock:
        assert lock.was_interrupted()
        assert lock.previous_holder is not None
        assert lock.previous_holder.pid == child.pid
        now = json.loads((tmp_path / ".session" / "lock").read_text())
        assert now["pid"] == os.getpid()


def test_garbage_in_lock_file_still_counts_as_interrupted(tmp_path: Path) -> None:
    (tmp_path / ".session").mkdir()
    (tmp_path / ".session" / "lock").write_bytes(b"\x00\xffnot json")
    with ProjectLock(tmp_path) as lock:
        assert lock.was_interrupted()
        assert lock.previous_holder is None


def test_a_concurrent_inspect_does_not_make_acquire_fail(tmp_path: Path) -> None:
    """doctor/session show probing the lock must not pass for a second instance."""
    probe = (
        "import sys,time;from pathlib import Path;"
        "from writers_tui.storage.lock import ProjectLock;"
        "print('probing',flush=True);end=time.monotonic()+30\n"
        "while time.monotonic()<end: ProjectLock.inspect(Path(sys.argv[1]))"
    )
    ProjectLock(tmp_path).acquire().release()
    prober = subprocess.Popen(
        [sys.executable, "-c", probe, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert prober.stdout is not None and prober.stdout.readline().strip() == "probing"
        acquired = 0
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            ProjectLock(tmp_path).acquire().release()  # ProjectInUse would fail the test
            acquired += 1
        assert acquired > 100
    finally:
        prober.kill()
        prober.wait()


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_killed_but_unreaped_holder_is_not_alive(tmp_path: Path) -> None:
    """Some containers' init never reaps: a kill -9'd app stays a zombie. It holds nothing,
    so the next start must see an interrupted session, not a project open elsewhere."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        holder = LockHolder(child.pid, socket.gethostname(), boot_id(), "")
        lock = tmp_path / "lock"
        lock.write_text(json.dumps(asdict(holder)))
        assert _holder_alive(holder, lock)  # alive: the lock file was replaced while held
        child.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 5
        while _state(child.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not _holder_alive(holder, lock)  # a zombie: we have not reaped it yet
    finally:
        child.wait()
