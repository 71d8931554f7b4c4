"""ProjectWatcher against real inotify events on real files.

"Nothing was reported" is asserted with a *marker*: after the action under test, an
unrelated file is changed and its event awaited. The action's timer was armed first, so
anything it was going to report would already be in the list by then.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from writers_tui.atomic import atomic_write_text
from writers_tui.project import new_project
from writers_tui.storage.buffers import BufferStore
from writers_tui.storage.watcher import FileEvent, ProjectWatcher, is_temp_name

DEBOUNCE = 0.1
TIMEOUT = 5.0


class Events:
    """The watcher's stream, read by a background task into a list."""

    def __init__(self, watcher: ProjectWatcher) -> None:
        self.watcher = watcher
        self.seen: list[FileEvent] = []
        self._arrived = asyncio.Condition()
        self._task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        async for event in self.watcher.events():
            async with self._arrived:
                self.seen.append(event)
                self._arrived.notify_all()

    async def until(self, predicate: Callable[[FileEvent], bool]) -> list[FileEvent]:
        """Wait until some event satisfies ``predicate``; return everything seen so far."""

        async def wait() -> None:
            async with self._arrived:
                await self._arrived.wait_for(lambda: any(predicate(e) for e in self.seen))

        await asyncio.wait_for(wait(), TIMEOUT)
        return list(self.seen)

    async def settled(self, root: Path, *expected: FileEvent) -> list[FileEvent]:
        """Wait for every expected event, then for a marker; return all non-marker events.

        watchdog may hold a rename back to pair its two halves, so expected events are
        awaited first; the marker then shows that nothing *else* was reported.
        """
        for event in expected:
            await self.until(lambda seen, wanted=event: seen == wanted)
        return await self.marker(root)

    async def marker(self, root: Path) -> list[FileEvent]:
        """Touch a fresh marker file, wait for its event, return every *other* event."""
        marker = root / "planning" / f"marker-{len(self.seen)}.md"
        marker.write_text("marker\n")
        seen = await self.until(lambda e: e.path == marker)
        return [event for event in seen if not event.path.name.startswith("marker-")]

    async def close(self) -> None:
        await self.watcher.stop()
        await asyncio.wait_for(self._task, TIMEOUT)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return new_project(tmp_path / "book", title="Watched")


@pytest.fixture
async def events(project: Path) -> AsyncIterator[Events]:
    watcher = ProjectWatcher(project, debounce=DEBOUNCE)
    await watcher.start()
    stream = Events(watcher)
    yield stream
    await stream.close()


def scene(project: Path) -> Path:
    return project / "manuscript" / "1 Chapter One" / "1.1 Opening.md"


async def test_outside_edit_is_reported_once(project: Path, events: Events) -> None:
    target = scene(project)
    for line in ("one\n", "two\n", "three\n"):  # a burst of writes: one event
        with open(target, "a") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    expected = [FileEvent("modified", target)]
    assert await events.settled(project, *expected) == expected


async def test_temp_and_rename_save_is_one_modified(project: Path, events: Events) -> None:
    target = scene(project)
    atomic_write_text(target, "rewritten by another editor\n")  # .NAME.p<pid>-<hex>.tmp + rename
    expected = [FileEvent("modified", target)]
    assert await events.settled(project, *expected) == expected


async def test_temp_and_rename_of_a_new_file_is_one_created(project: Path, events: Events) -> None:
    target = project / "manuscript" / "2 New.md"
    temp = target.with_name(".2 New.md.tmp")
    temp.write_text("fresh\n")
    os.rename(temp, target)
    expected = [FileEvent("created", target)]
    assert await events.settled(project, *expected) == expected


async def test_vim_style_save_is_one_modified(project: Path, events: Events) -> None:
    target = scene(project)
    probe = target.with_name("4913")
    probe.write_text("")
    probe.unlink()
    backup = target.with_name(target.name + "~")
    os.rename(target, backup)
    target.write_text("vim wrote this\n")
    swap = target.with_name(f".{target.name}.swp")
    swap.write_text("swap")
    backup.unlink()
    swap.unlink()
    expected = [FileEvent("modified", target)]
    assert await events.settled(project, *expected) == expected


@pytest.fixture
async def own_events(project: Path) -> AsyncIterator[tuple[Events, set[tuple[Path, str]]]]:
    """A watcher whose is_own_write predicate answers from a set the test fills."""
    own: set[tuple[Path, str]] = set()
    watcher = ProjectWatcher(
        project, debounce=DEBOUNCE, is_own_write=lambda path, digest: (path, digest) in own
    )
    await watcher.start()
    stream = Events(watcher)
    yield stream, own
    await stream.close()


async def test_own_write_with_registered_hash_is_not_reported(
    project: Path, own_events: tuple[Events, set[tuple[Path, str]]]
) -> None:
    events, own = own_events
    target = scene(project)
    data = "our own save\n"
    own.add((target, hashlib.sha256(data.encode()).hexdigest()))
    atomic_write_text(target, data)
    assert await events.marker(project) == []


async def test_outside_edit_right_after_own_write_is_reported(
    project: Path, own_events: tuple[Events, set[tuple[Path, str]]]
) -> None:
    events, own = own_events
    target = scene(project)
    ours = "our own save\n"
    own.add((target, hashlib.sha256(ours.encode()).hexdigest()))
    atomic_write_text(target, ours)
    target.write_text("someone else, a moment later\n")  # inside the same debounce window
    expected = [FileEvent("modified", target)]
    assert await events.settled(project, *expected) == expected


async def test_buffer_store_saves_are_not_reported(project: Path) -> None:
    store = BufferStore(project)
    watcher = ProjectWatcher(project, debounce=DEBOUNCE, is_own_write=store.is_own_write)
    await watcher.start()
    stream = Events(watcher)
    try:
        buffer = await store.open(scene(project))
        buffer.set_text("Typed in writers-tui.\n")
        await store.save(buffer)
        assert await stream.marker(project) == []
        scene(project).write_text("Typed in another editor.\n")
        expected = [FileEvent("modified", scene(project))]
        assert await stream.settled(project, *expected) == expected
    finally:
        await stream.close()


async def test_session_dir_and_temp_files_are_ignored(project: Path, events: Events) -> None:
    manuscript = project / "manuscript"
    (project / ".session").mkdir()
    (project / ".session" / "current.json").write_text("{}")
    (manuscript / ".session").mkdir()
    (manuscript / ".session" / "stray.json").write_text("{}")
    for name in (
        ".#1.1 Opening.md",
        "1.1 Opening.md~",
        ".1.1 Opening.md.swp",
        ".1.1 Opening.md.swx",
        "4913",
        ".1.1 Opening.md.p123-0123456789abcdef0123456789abcdef.tmp",
        ".costs.json.p1-00.bak-tmp",
    ):
        (manuscript / name).write_text("noise")
        (manuscript / name).unlink()
    (manuscript / "kept.md~").write_text("an editor's backup that stays")
    (manuscript / "3 Scratch").mkdir()  # a folder alone is not an event
    assert await events.marker(project) == []


async def test_deletion_is_reported(project: Path, events: Events) -> None:
    target = scene(project)
    target.unlink()
    expected = [FileEvent("deleted", target)]
    assert await events.settled(project, *expected) == expected


async def test_move_is_reported_with_its_destination(project: Path, events: Events) -> None:
    source = scene(project)
    dest = source.with_name("1.1 Beginning.md")
    os.rename(source, dest)
    expected = [FileEvent("moved", source, dest)]
    assert await events.settled(project, *expected) == expected


async def test_moving_a_chapter_folder_moves_its_scenes(project: Path, events: Events) -> None:
    chapter = project / "manuscript" / "1 Chapter One"
    renamed = project / "manuscript" / "1 Arrival"
    os.rename(chapter, renamed)
    expected = [
        FileEvent("moved", chapter / "1.1 Opening.md", renamed / "1.1 Opening.md"),
        FileEvent("moved", chapter / "1.2 Second Scene.md", renamed / "1.2 Second Scene.md"),
    ]
    reported = await events.settled(project, *expected)
    assert sorted(reported, key=lambda e: e.path) == expected


async def test_created_then_edited_is_two_events_only_when_settled_apart(
    project: Path, events: Events
) -> None:
    target = project / "reference" / "characters" / "anna.md"
    target.write_text("---\nname: Anna\n---\n")
    await events.until(lambda e: e.path == target)
    target.write_text("---\nname: Anna Karenina\n---\n")
    expected = [FileEvent("created", target), FileEvent("modified", target)]
    assert await events.settled(project, *expected) == expected


async def test_touch_without_change_is_not_reported(project: Path, events: Events) -> None:
    target = scene(project)
    target.write_text("settled text\n")
    await events.until(lambda e: e.path == target)
    target.write_text("settled text\n")  # same bytes again: nothing changed
    expected = [FileEvent("modified", target)]
    assert await events.settled(project, *expected) == expected


async def test_a_tracked_folder_that_appears_later_is_watched(project: Path) -> None:
    shutil.rmtree(project / "reference")
    watcher = ProjectWatcher(project, debounce=DEBOUNCE)
    await watcher.start()
    stream = Events(watcher)
    try:
        outside = project.parent / "bible"
        (outside / "characters").mkdir(parents=True)
        (outside / "characters" / "anna.md").write_text("# Anna\n")
        os.rename(outside, project / "reference")  # moved in with a file already inside
        moved_in = project / "reference" / "characters" / "anna.md"
        await stream.until(lambda e: e.path == moved_in)
        later = project / "reference" / "world.md"
        later.write_text("# World\n")  # the new folder is watched now
        expected = [FileEvent("created", moved_in), FileEvent("created", later)]
        assert await stream.settled(project, *expected) == expected
    finally:
        await stream.close()


async def test_a_busy_file_is_reported_before_it_goes_quiet(project: Path) -> None:
    watcher = ProjectWatcher(project, debounce=0.3, max_delay=0.3)
    await watcher.start()
    stream = Events(watcher)
    target = scene(project)
    try:
        for index in range(200):  # keeps writing far longer than max_delay + debounce
            with open(target, "a") as handle:
                handle.write(f"line {index}\n")
            if stream.seen:
                break
            await asyncio.sleep(0.02)
        assert stream.seen[:1] == [FileEvent("modified", target)]
        assert index < 199  # reported while the writes were still going on
    finally:
        await stream.close()


async def test_stop_ends_the_event_stream_and_context_manager_works(project: Path) -> None:
    async with ProjectWatcher(project, debounce=DEBOUNCE) as watcher:
        stream = watcher.events()
        scene(project).write_text("edited\n")
        assert await asyncio.wait_for(anext(stream), TIMEOUT) == FileEvent(
            "modified", scene(project)
        )
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), TIMEOUT)


def test_temp_name_patterns() -> None:
    for name in (".x.md.tmp", ".x.md.p1-ab.tmp", "x.md~", ".#x.md", "x.swp", "x.swx", "4913"):
        assert is_temp_name(name), name
    for name in ("1.1 Opening.md", "notes.tmp.md", "x.md.bak", "49130"):
        assert not is_temp_name(name), name


async def test_start_on_a_missing_folder_raises_and_stop_is_safe(tmp_path: Path) -> None:
    watcher = ProjectWatcher(tmp_path / "gone")
    with pytest.raises(FileNotFoundError):
        await watcher.start()
    await watcher.stop()  # nothing running: a no-op, not an error


async def test_rewrite_of_a_file_known_at_start_without_change_is_not_reported(
    project: Path, events: Events
) -> None:
    target = scene(project)
    target.write_bytes(target.read_bytes())  # same bytes as when the watcher started
    assert await events.marker(project) == []
