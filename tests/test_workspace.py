"""The Workspace on real project folders: lifecycle, events, outside edits, read-only, flush.

Everything runs on real files with fsync and real watchdog events; crashes are real
processes killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from writers_tui.storage.history import SessionHistory
from writers_tui.workspace import (
    FileChanged,
    LockWarning,
    NotAProject,
    ProjectHeld,
    ReadOnlyError,
    SaveStateChanged,
    SaveStatus,
    SessionState,
    Stage,
    WordsChanged,
    Workspace,
    WorkspaceEvent,
    session_state,
)

REPO = Path(__file__).resolve().parent.parent
SCENE = "manuscript/1 Chapter One/1.1 Opening.md"


class Recorder:
    """Collects events and the thread each arrived on."""

    def __init__(self) -> None:
        self.events: list[WorkspaceEvent] = []
        self.threads: set[int] = set()

    def __call__(self, event: WorkspaceEvent) -> None:
        self.events.append(event)
        self.threads.add(threading.get_ident())

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [event for event in self.events if isinstance(event, kind)]


async def until(predicate: Callable[[], bool], timeout: float = 6.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def workspace(project: Path) -> AsyncIterator[Workspace]:
    ws = await Workspace.open(project, buffer_idle=0.1, buffer_max_delay=0.3)
    yield ws
    await ws.close()


def _scene(project: Path) -> Path:
    return project / SCENE


async def test_not_a_project_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAProject):
        await Workspace.open(tmp_path)


async def test_open_edit_reaches_disk_and_events_arrive_on_the_loop(
    workspace: Workspace, project: Path
) -> None:
    recorder = Recorder()
    workspace.subscribe(recorder)
    assert workspace.recovery is None
    binder = await workspace.binder()
    assert next(entry.path for entry in binder if not entry.is_folder) == SCENE
    opened = await workspace.open_file(SCENE)
    assert opened.text == _scene(project).read_text(encoding="utf-8")

    text = opened.text + "\nThe rain had not stopped for three days.\n"
    workspace.note_edit(SCENE, lambda: text)
    assert workspace.save_state.status is not SaveStatus.SAVED  # dirty, or a save in flight
    await until(lambda: _scene(project).read_text(encoding="utf-8") == text)
    await until(lambda: workspace.save_state.status is SaveStatus.SAVED)
    statuses = [event.state.status for event in recorder.of(SaveStateChanged)]
    assert SaveStatus.SAVING in statuses and statuses[-1] is SaveStatus.SAVED
    assert recorder.threads == {threading.get_ident()}  # delivered on the loop's thread


async def test_word_counts_follow_the_editor(workspace: Workspace) -> None:
    recorder = Recorder()
    workspace.subscribe(recorder)
    await workspace.open_file(SCENE)
    before = workspace.words(SCENE)
    workspace.note_words(SCENE, before.file_words + 12)
    event = recorder.of(WordsChanged)[-1]
    assert event.session_words == 12
    assert event.manuscript_words == before.manuscript_words + 12
    assert event.daily_goal == workspace.settings.goals.daily_words


async def test_stage_and_cursor_return_after_a_clean_close(project: Path) -> None:
    ws = await Workspace.open(project)
    await ws.open_file(SCENE)
    await ws.set_stage(Stage.WRITING)
    ws.set_cursor(SCENE, 3, 7)
    await ws.close()
    assert session_state(project).state is SessionState.CLOSED

    again = await Workspace.open(project)
    try:
        assert again.recovery is None
        assert again.stage is Stage.WRITING
        assert again.active_file == SCENE
        assert again.cursor_for(SCENE) == (3, 7)
    finally:
        await again.close()
    entries = SessionHistory(project).entries()
    assert len(entries) == 2 and not any(entry.interrupted for entry in entries)


CRASHER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from writers_tui.workspace import Workspace, Stage

    async def main() -> None:
        root, scene, text = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
        ws = await Workspace.open(root, buffer_idle=0.05, buffer_max_delay=0.1)
        await ws.open_file(scene)
        await ws.set_stage(Stage.WRITING)
        ws.set_cursor(scene, 2, 5)
        ws.note_edit(scene, lambda: text)
        await ws.save_now()
        print("saved", flush=True)
        await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def _run_and_kill(project: Path, text: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHER, str(project), SCENE, text],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"saved"
    child.send_signal(signal.SIGKILL)
    child.wait()


async def test_killed_session_offers_recovery_and_continue_restores_it(project: Path) -> None:
    _run_and_kill(project, "Words typed before the crash.\n")
    assert _scene(project).read_text(encoding="utf-8") == "Words typed before the crash.\n"
    assert session_state(project).state is SessionState.INTERRUPTED

    ws = await Workspace.open(project)
    try:
        recovery = ws.recovery
        assert recovery is not None
        assert recovery.stage is Stage.WRITING
        assert recovery.active_file == SCENE
        assert [(f.path, f.cursor_line, f.cursor_col) for f in recovery.open_files] == [
            (SCENE, 2, 5)
        ]
        with pytest.raises(RuntimeError):
            ws.session_data  # noqa: B018 - must resolve the interruption first
        await ws.continue_session()
        assert ws.active_file == SCENE and ws.cursor_for(SCENE) == (2, 5)
    finally:
        await ws.close()
    assert session_state(project).state is SessionState.CLOSED


async def test_start_fresh_archives_the_interrupted_session(project: Path) -> None:
    _run_and_kill(project, "Draft.\n")
    ws = await Workspace.open(project)
    try:
        assert ws.recovery is not None
        old_id = json.loads((project / ".session/current.json").read_text())["session_id"]
        await ws.start_fresh()
        assert ws.session_data.session_id != old_id
    finally:
        await ws.close()
    archived = [entry for entry in SessionHistory(project).entries() if entry.interrupted]
    assert [entry.session_id for entry in archived] == [old_id]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


async def test_held_project_opens_read_only_and_writes_nothing(
    workspace: Workspace, project: Path
) -> None:
    await workspace.save_now()
    with pytest.raises(ProjectHeld) as held:
        await Workspace.open(project)
    assert held.value.holder is not None and held.value.holder.pid == os.getpid()

    before = _tree(project)
    reader = await Workspace.open(project, read_only=True)
    try:
        assert reader.read_only and reader.holder is not None
        opened = await reader.open_file(SCENE)
        assert opened.read_only
        with pytest.raises(ReadOnlyError):
            reader.note_edit(SCENE, lambda: "overwritten")
        with pytest.raises(ReadOnlyError):
            await reader.save_now()
        assert reader.flush_now()
    finally:
        await reader.close()
    assert _tree(project) == before


async def test_outside_edit_reloads_a_clean_buffer(workspace: Workspace, project: Path) -> None:
    recorder = Recorder()
    workspace.subscribe(recorder)
    await workspace.open_file(SCENE)
    _scene(project).write_text("Rewritten in another editor.\n", encoding="utf-8")
    await until(lambda: any(e.reloaded for e in recorder.of(FileChanged)))
    assert workspace.text_of(SCENE) == "Rewritten in another editor.\n"


async def test_outside_edit_to_a_dirty_buffer_is_a_conflict_and_both_versions_survive(
    project: Path,
) -> None:
    ws = await Workspace.open(project, buffer_idle=5.0, buffer_max_delay=10.0)
    try:
        recorder = Recorder()
        ws.subscribe(recorder)
        await ws.open_file(SCENE)
        ws.note_edit(SCENE, lambda: "Mine, typed in the app.\n")
        _scene(project).write_text("Theirs, from a sync.\n", encoding="utf-8")
        await until(lambda: any(e.conflict for e in recorder.of(FileChanged)))
        assert await ws.conflict_versions(SCENE) == (
            "Mine, typed in the app.\n",
            "Theirs, from a sync.\n",
        )
        text = await ws.resolve_conflict(SCENE, "mine")
        assert text == "Mine, typed in the app.\n"
        assert _scene(project).read_text(encoding="utf-8") == text
        copies = list(_scene(project).parent.glob("*.conflict-*.md"))
        assert [copy.read_text(encoding="utf-8") for copy in copies] == ["Theirs, from a sync.\n"]
        assert len(recorder.of(FileChanged)) == 1  # one dialog, not one per save
    finally:
        await ws.close()


FLUSHER = textwrap.dedent(
    """
    import asyncio, signal, sys
    from pathlib import Path
    from writers_tui.workspace import Workspace

    async def main() -> None:
        root, scene, text = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
        # Saves would wait a minute: only the signal's flush can put the text on disk.
        ws = await Workspace.open(root, buffer_idle=60, buffer_max_delay=60)
        await ws.open_file(scene)
        done = asyncio.Event()

        def on_term() -> None:
            ws.flush_now()
            done.set()

        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, on_term)
        ws.note_edit(scene, lambda: text)
        print("typed", flush=True)
        await done.wait()

    asyncio.run(main())
    """
)


async def test_flush_now_from_a_signal_handler_saves_prose(project: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", FLUSHER, str(project), SCENE, "Saved by SIGTERM.\n"],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"typed"
    assert _scene(project).read_text(encoding="utf-8") != "Saved by SIGTERM.\n"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=20) == 0
    assert _scene(project).read_text(encoding="utf-8") == "Saved by SIGTERM.\n"


async def test_paths_outside_the_project_are_refused(workspace: Workspace) -> None:
    for bad in ("../elsewhere.md", "/etc/passwd", ""):
        with pytest.raises(ValueError):
            await workspace.open_file(bad)


async def test_a_link_to_a_file_outside_opens_read_only(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("Someone else's file.\n", encoding="utf-8")
    link = project / "manuscript" / "linked.md"
    link.symlink_to(outside)
    ws = await Workspace.open(project)
    try:
        opened = await ws.open_file("manuscript/linked.md")
        assert opened.read_only and opened.notice and "outside the project" in opened.notice
    finally:
        await ws.close()


# --- issue 7: a failed close, a replaced lock -------------------------------------------

SECOND_INSTANCE = """
import sys
from pathlib import Path
from writers_tui.storage.lock import ProjectInUse, ProjectLock
try:
    ProjectLock(Path(sys.argv[1])).acquire()
except ProjectInUse:
    sys.exit(3)
"""


def _second_instance(root: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", SECOND_INSTANCE, str(root)], env=env, check=False, timeout=30
    ).returncode


@pytest.fixture
def full_disk_project(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A project on a 512 KiB tmpfs (a real ENOSPC); skipped where mounting is refused."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        root = mount / "novel"
        (root / "manuscript").mkdir(parents=True)
        (root / "manuscript" / "1.md").write_text("Words.\n")
        yield root, mount / "filler"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(filler: Path) -> None:
    with open(filler, "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"x" * 4096)


async def test_a_failed_close_keeps_the_project_until_the_writer_abandons_it(
    full_disk_project: tuple[Path, Path],
) -> None:
    root, filler = full_disk_project
    ws = await Workspace.open(root)
    _fill(filler)
    with pytest.raises(OSError):
        await ws.close()
    assert await asyncio.to_thread(_second_instance, root) == 3  # still ours
    await ws.abandon()
    filler.unlink()
    assert session_state(root).state is SessionState.INTERRUPTED
    assert await asyncio.to_thread(_second_instance, root) == 0


async def test_a_failed_close_can_be_retried(full_disk_project: tuple[Path, Path]) -> None:
    root, filler = full_disk_project
    ws = await Workspace.open(root)
    _fill(filler)
    with pytest.raises(OSError):
        await ws.close()
    filler.unlink()
    assert await ws.close()
    assert session_state(root).state is SessionState.CLOSED


async def test_a_replaced_lock_is_reported_and_taken_again(project: Path) -> None:
    ws = await Workspace.open(project)
    recorder = Recorder()
    ws.subscribe(recorder)
    try:
        lock = project / ".session" / "lock"
        staging = lock.with_name("lock.synced")
        staging.write_bytes(b"")
        os.replace(staging, lock)  # a sync tool puts back an empty lock file
        await ws.save_now()
        warnings = recorder.of(LockWarning)
        assert warnings and "replaced" in warnings[0].message
        assert await asyncio.to_thread(_second_instance, project) == 3
    finally:
        await ws.close()


async def test_cursor_and_modified_files_reach_disk_within_seconds(project: Path) -> None:
    """A kill -9 must cost seconds of cursor, not the 30 s autosave interval."""
    ws = await Workspace.open(project)
    try:
        await ws.open_file(SCENE)
        ws.note_edit(SCENE, lambda: "A new first line.\n")
        ws.set_cursor(SCENE, 0, 17)

        def on_disk() -> bool:
            data = json.loads((project / ".session" / "current.json").read_text())
            files = {f["path"]: (f["cursor_line"], f["cursor_col"]) for f in data["open_files"]}
            return files.get(SCENE) == (0, 17) and SCENE in data["files_modified"]

        await until(on_disk, timeout=8.0)
    finally:
        await ws.close()


async def test_bible_files_list_reference_and_planning_in_order(workspace: Workspace) -> None:
    entries = await workspace.bible_files()
    tops = [e.path for e in entries if e.depth == 0]
    assert tops == ["reference", "planning"]
    files = [e for e in entries if not e.is_folder]
    assert files and all(e.path.startswith(("reference/", "planning/")) for e in files)
    assert all(e.path.endswith(".md") for e in files)
    reference = next(e for e in entries if e.path == "reference")
    assert reference.words == sum(e.words for e in files if e.path.startswith("reference/"))
    characters = [e for e in entries if e.path.startswith("reference/characters/")]
    assert characters and all(e.depth == 2 for e in characters if not e.is_folder)
