"""Noticing outside edits: watchdog on the writer's folders, turned into calm asyncio events.

A writer may edit a scene in another editor, sync the folder, or rename a chapter while
the app is open. :class:`ProjectWatcher` watches ``manuscript/``, ``reference/`` and
``planning/`` and delivers one :class:`FileEvent` per settled change through
``async for event in watcher.events()`` (one consumer; it ends after :meth:`stop`).

How raw filesystem noise becomes one event per change:

- **Hand-off.** watchdog calls us on its own thread; every event is passed to the event
  loop with ``loop.call_soon_threadsafe`` and all bookkeeping happens on the loop, so there
  are no locks around it.
- **Debounce per path.** Each path's events restart a short timer (``debounce``, 200 ms);
  when it fires the file is looked at once. An editor's burst (write a temp file, rename it
  over the original; or vim's ``4913`` probe, ``NAME~`` backup and rewrite) is therefore
  one event. A path that never goes quiet is still looked at every ``max_delay`` seconds.
- **Settle against what was reported.** The watcher remembers which files it has told its
  consumer about (and their hashes). After the debounce the file's existence and SHA-256
  (read in a thread) decide the event: ``created`` (new to us), ``modified`` (known and its
  content hash differs), ``deleted`` (known and gone), or nothing (a temp file that came
  and went, or a touch that changed no byte). ``moved`` carries ``dest``; if the file at
  ``dest`` is also different from what moved there, a ``modified`` for ``dest`` follows.
- **Our own writes are not news.** The ``is_own_write(path, sha256)`` predicate asks the
  one place that knows (``BufferStore.is_own_write``, which records each hash before its
  rename). An event whose current content hash is one we wrote is dropped. It is a hash
  compare, not a time window: an outside edit a moment after our save has another hash
  and is reported.
- **Ignored:** anything under ``.session/``, directories themselves, and temp files:
  ``.*.tmp`` (including our own ``.NAME.p<pid>-<hex>.tmp``), ``.*.bak-tmp``, ``*~``,
  ``.#*``, ``*.swp``, ``*.swx``, ``*.swo`` and vim's ``4913``.

What is watched: each tracked folder that exists, recursively, plus the project root
*non-recursively*, only so that a tracked folder created (or moved in) later gets its own
watch and its files are reported as created. The rest of the root (``.git/``, ``output/``,
``.session/``) is never watched, so a big repository costs no inotify watches.

Events pending when :meth:`ProjectWatcher.stop` is called are dropped: the app is closing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import hashlib
import logging
import os
import stat
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from writers_tui.paths import SESSION_DIR, TRACKED_DIRS, ProjectPaths

log = logging.getLogger(__name__)

EventKind = Literal["created", "modified", "deleted", "moved"]

DEFAULT_DEBOUNCE = 0.2
DEFAULT_MAX_DELAY = 2.0
TEMP_PATTERNS: tuple[str, ...] = (
    ".*.tmp",
    ".*.bak-tmp",
    "*~",
    ".#*",
    "*.swp",
    "*.swx",
    "*.swo",
    "4913",
)
_RAW_KINDS = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}


@dataclass(frozen=True, slots=True)
class FileEvent:
    """One settled change to a file the writer owns (absolute paths)."""

    kind: EventKind
    path: Path
    dest: Path | None = None


def is_temp_name(name: str) -> bool:
    """True for editors' and our own temp files, which never deserve an event."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in TEMP_PATTERNS)


def _file_state(path: Path) -> tuple[bool, str | None]:
    """(exists as a regular file, SHA-256 or None when unreadable). Runs in a thread."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the open below
            return False, None
        with open(path, "rb") as handle:
            return True, hashlib.file_digest(handle, "sha256").hexdigest()
    except (FileNotFoundError, NotADirectoryError):
        return False, None
    except OSError:
        return path.is_file(), None


def _scan(folder: Path) -> list[Path]:
    """Every non-temp file under ``folder`` (for the initial picture and for new folders)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if name != SESSION_DIR]
        found.extend(Path(dirpath) / name for name in filenames if not is_temp_name(name))
    return found


@dataclass(slots=True)
class _Pending:
    """A path with events still settling."""

    first_seen: float
    timer: asyncio.TimerHandle | None = None
    moved_to: Path | None = None
    dest_touched: bool = False


class _Relay(FileSystemEventHandler):
    """Runs on watchdog's thread: forwards the few event types we use to the loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sink: Callable[..., None]) -> None:
        self._loop = loop
        self._sink = sink

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.event_type not in _RAW_KINDS:
            return
        src = Path(os.fsdecode(event.src_path))
        dest = Path(os.fsdecode(event.dest_path)) if event.dest_path else None
        with contextlib.suppress(RuntimeError):  # the loop closed under us: nobody listens
            self._loop.call_soon_threadsafe(
                self._sink, event.event_type, event.is_directory, src, dest
            )


class ProjectWatcher:
    """Watches one project's tracked folders; see the module docstring for the rules."""

    def __init__(
        self,
        root: Path,
        *,
        debounce: float = DEFAULT_DEBOUNCE,
        max_delay: float = DEFAULT_MAX_DELAY,
        is_own_write: Callable[[Path, str], bool] | None = None,
    ) -> None:
        self.paths = ProjectPaths(root)
        self.debounce = debounce
        self.max_delay = max_delay
        self._is_own_write = is_own_write
        self._queue: asyncio.Queue[FileEvent | None] = asyncio.Queue()
        self._known: dict[Path, str | None] = {}
        self._pending: dict[Path, _Pending] = {}
        self._move_targets: dict[Path, Path] = {}
        self._due: asyncio.Queue[tuple[Path, _Pending]] = asyncio.Queue()
        self._settler: asyncio.Task[None] | None = None
        self._background: set[asyncio.Future[None]] = set()  # strong refs: tasks are weak
        self._watches: dict[str, ObservedWatch] = {}
        self._observer: BaseObserver | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._relay: _Relay | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Take the initial picture and start watching (both in a thread).

        Raises ``OSError`` when the system refuses a watch (e.g. the inotify limit); the
        app can carry on without outside-edit detection and say so.
        """
        if self._observer is not None:
            raise RuntimeError("the watcher is already running")
        self._loop = asyncio.get_running_loop()
        self._relay = _Relay(self._loop, self._on_raw)
        observer = Observer()
        self._observer = observer
        try:
            known = await asyncio.to_thread(self._start_observer, observer)
        except BaseException:
            self._observer = None
            await asyncio.to_thread(_stop_observer, observer)
            raise
        self._known.update(known)
        self._settler = asyncio.create_task(self._settle_due())

    def _start_observer(self, observer: BaseObserver) -> dict[Path, str | None]:
        """Watch, then hash what is there, so a rewrite that changes nothing is no event."""
        assert self._relay is not None
        observer.schedule(self._relay, str(self.paths.root), recursive=False)
        known: list[Path] = []
        for folder in self.paths.tracked_dirs():
            if folder.is_dir():
                self._watches[folder.name] = observer.schedule(
                    self._relay, str(folder), recursive=True
                )
                known.extend(_scan(folder))
        observer.start()
        return {path: _file_state(path)[1] for path in known}

    async def stop(self) -> None:
        """Stop watching; pending events are dropped and :meth:`events` ends."""
        observer, self._observer = self._observer, None
        if observer is None:
            return
        await asyncio.to_thread(_stop_observer, observer)
        for entry in self._pending.values():
            if entry.timer is not None:
                entry.timer.cancel()
        self._pending.clear()
        self._move_targets.clear()
        tasks = [*self._background, *([self._settler] if self._settler else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._settler = None
        self._queue.put_nowait(None)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def events(self) -> AsyncIterator[FileEvent]:
        """Settled events in the order they settle; ends once the watcher stops."""
        while True:
            event = await self._queue.get()
            if event is None:
                return
            yield event

    # -- own writes --------------------------------------------------------------------

    def _is_own(self, path: Path, digest: str | None) -> bool:
        return (
            digest is not None
            and self._is_own_write is not None
            and self._is_own_write(path, digest)
        )

    # -- raw events (on the loop) ------------------------------------------------------

    def _in_tracked_tree(self, path: Path) -> bool:
        """``path`` is a tracked folder or anything inside one (``.session/`` excluded)."""
        try:
            parts = path.relative_to(self.paths.root).parts
        except ValueError:
            return False
        return bool(parts) and parts[0] in TRACKED_DIRS and SESSION_DIR not in parts

    def _tracked(self, path: Path) -> bool:
        """``path`` may be a file the writer cares about."""
        return (
            self._in_tracked_tree(path)
            and path.parent != self.paths.root
            and not is_temp_name(path.name)
        )

    def _on_raw(self, kind: str, is_directory: bool, src: Path, dest: Path | None) -> None:
        if self._observer is None:
            return
        if is_directory:
            self._on_directory(kind, src, dest)
            return
        if kind == EVENT_TYPE_MOVED and dest is not None:
            src_ok, dest_ok = self._tracked(src), self._tracked(dest)
            if src_ok and dest_ok:
                self._move(src, dest)
            elif src_ok or dest_ok:
                self._touch(src if src_ok else dest)  # a temp renamed in, or a file out
            return
        if self._tracked(src):
            self._touch(src)

    def _on_directory(self, kind: str, src: Path, dest: Path | None) -> None:
        """Folder events only matter for the files inside them.

        A folder that vanished (deleted, or moved out of the tracked folders) takes its known
        files with it; a folder that appeared (created, or moved in) is scanned for files; a
        folder moved within the tracked folders moves its known files. Duplicates of what
        watchdog reports per file coalesce in the debounce.
        """
        if kind in (EVENT_TYPE_DELETED, EVENT_TYPE_MOVED):
            if src.parent == self.paths.root and src.name in TRACKED_DIRS:
                self._spawn(asyncio.to_thread(self._unwatch, src.name))
            inside = [known for known in self._known if known.is_relative_to(src)]
            target = dest if kind == EVENT_TYPE_MOVED else None
            for known in inside:
                if target is not None and self._tracked(target / known.relative_to(src)):
                    self._move(known, target / known.relative_to(src))
                else:
                    self._touch(known)
        if kind == EVENT_TYPE_CREATED:
            self._spawn(self._adopt_folder(src))
        elif kind == EVENT_TYPE_MOVED and dest is not None and not self._in_tracked_tree(src):
            self._spawn(self._adopt_folder(dest))  # moved in from elsewhere in the root

    async def _adopt_folder(self, folder: Path) -> None:
        """Watch a tracked folder that appeared at the root, and report files found inside."""
        if not self._in_tracked_tree(folder):
            return
        if folder.parent == self.paths.root:
            await asyncio.to_thread(self._rewatch, folder)
        for path in await asyncio.to_thread(_scan, folder):
            if self._observer is not None and self._tracked(path):
                self._touch(path)

    def _unwatch(self, name: str) -> None:
        """Drop the watch of a tracked folder that was deleted or moved away (a thread)."""
        old = self._watches.pop(name, None)
        if old is not None and self._observer is not None:
            with contextlib.suppress(KeyError, OSError):
                self._observer.unschedule(old)

    def _rewatch(self, folder: Path) -> None:
        """Watch a tracked folder that (re)appeared at the root (a thread)."""
        self._unwatch(folder.name)
        if self._observer is not None and self._relay is not None:
            with contextlib.suppress(OSError):  # gone again already
                self._watches[folder.name] = self._observer.schedule(
                    self._relay, str(folder), recursive=True
                )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)

    # -- debouncing --------------------------------------------------------------------

    def _entry(self, path: Path) -> _Pending:
        assert self._loop is not None
        entry = self._pending.get(path)
        if entry is None:
            entry = self._pending[path] = _Pending(first_seen=self._loop.time())
        return entry

    def _arm(self, path: Path, entry: _Pending) -> None:
        """(Re)start ``path``'s quiet timer, unless it has waited ``max_delay`` already."""
        assert self._loop is not None
        overdue = self._loop.time() - entry.first_seen >= self.max_delay
        if entry.timer is not None:
            if overdue:
                return
            entry.timer.cancel()
        entry.timer = self._loop.call_later(self.debounce, self._settle_later, path)

    def _touch(self, path: Path) -> None:
        origin = self._move_targets.get(path)
        if origin is not None:  # the file a pending move landed on changed again
            entry = self._pending[origin]
            entry.dest_touched = True
            self._arm(origin, entry)
            return
        self._arm(path, self._entry(path))

    def _move(self, src: Path, dest: Path) -> None:
        origin = self._move_targets.pop(src, src)  # a → b then b → c is one move a → c
        stale = self._pending.pop(dest, None)
        if stale is not None and stale.timer is not None:
            stale.timer.cancel()
        entry = self._entry(origin)
        if entry.moved_to is not None:
            self._move_targets.pop(entry.moved_to, None)
        entry.moved_to = dest
        entry.dest_touched = entry.dest_touched or stale is not None
        self._move_targets[dest] = origin
        self._arm(origin, entry)

    def _settle_later(self, path: Path) -> None:
        entry = self._pending.pop(path, None)
        if entry is None:
            return
        if entry.moved_to is not None:
            self._move_targets.pop(entry.moved_to, None)
        self._due.put_nowait((path, entry))

    # -- settling (hashing off the loop) -------------------------------------------------

    async def _settle_due(self) -> None:
        """Settle paths one at a time, in the order their quiet timers fired.

        One at a time keeps the picture of known files consistent (a path never settles
        twice at once) and makes events come out in the order things went quiet, so a
        consumer sees a file's creation before a later change to a neighbour.
        """
        while True:
            path, entry = await self._due.get()
            try:
                await self._settle(path, entry)
            except Exception:
                log.exception("file watcher: could not settle %s", path)

    async def _settle(self, path: Path, entry: _Pending) -> None:
        """Compare ``path`` (and a move's destination) with what was last reported."""
        dest = entry.moved_to
        if dest is None:
            exists, digest = await asyncio.to_thread(_file_state, path)
            self._report_state(path, exists, digest)
            return
        was_known = path in self._known
        before = self._known.pop(path, None)
        exists, digest = await asyncio.to_thread(_file_state, dest)
        if was_known:
            self._emit(FileEvent("moved", path, dest))
            self._known.pop(dest, None)
            if not exists:
                self._emit(FileEvent("deleted", dest))
            else:
                self._known[dest] = digest
                # An unhashed file (known since start) changed only if something wrote to it.
                changed = entry.dest_touched if before is None else digest != before
                if changed and not self._is_own(dest, digest):
                    self._emit(FileEvent("modified", dest))
        else:  # created and moved within one burst: to the consumer it simply appeared
            self._report_state(dest, exists, digest)
        src_exists, src_digest = await asyncio.to_thread(_file_state, path)
        if src_exists:  # something new took the old name
            self._report_state(path, src_exists, src_digest)

    def _report_state(self, path: Path, exists: bool, digest: str | None) -> None:
        known = path in self._known
        previous = self._known.get(path)
        if not exists:
            if known:
                del self._known[path]
                self._emit(FileEvent("deleted", path))
            return
        self._known[path] = digest
        if self._is_own(path, digest):
            return
        if not known:
            self._emit(FileEvent("created", path))
        elif digest is None or digest != previous:
            self._emit(FileEvent("modified", path))

    def _emit(self, event: FileEvent) -> None:
        if self._observer is not None:
            self._queue.put_nowait(event)


def _stop_observer(observer: BaseObserver) -> None:
    observer.stop()
    if observer.is_alive():  # a start() that failed never started the thread
        observer.join()


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("file watcher: %s", task.exception(), exc_info=task.exception())
