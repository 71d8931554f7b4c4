"""The live session (``current.json``) and its lifecycle: open, recover, close.

:class:`Session` is seed 002's API. It counts edits with a *generation* number: a save
records the generation it snapshotted, so an edit made while that save is on its way to
disk leaves the session dirty (rule 5 of ARCHITECTURE.md).

:class:`SessionManager` walks the lifecycle: take the project lock, notice an interrupted
session (``current.json`` without ``ended_at``), let the writer continue it or start
fresh (the old one is archived to history marked interrupted), and on a clean close write
``ended_at`` and a history entry, then release the lock.

Constructing a :class:`Session` and every :class:`SessionManager` step read or write the
disk; from an event loop run them with ``asyncio.to_thread``. Only ``Session.save`` is
async, because it is the one called over and over while the writer works.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from writers_tui.atomic import remove_stale_temps
from writers_tui.paths import ProjectPaths
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.json_store import JsonStore
from writers_tui.storage.lock import LockHolder, ProjectLock
from writers_tui.storage.models import (
    HistoryEntry,
    OpenFile,
    RecentQuery,
    SessionData,
    Stage,
)
from writers_tui.storage.stores import session_store
from writers_tui.values import minutes_between, utc_now

MAX_RECENT_QUERIES = 10
Clock = Callable[[], datetime]


class Session:
    """Session state with dirty tracking; ``save()`` does its disk work off the loop."""

    def __init__(
        self,
        root: Path,
        data: SessionData | None = None,
        *,
        store: JsonStore[SessionData] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.root = Path(root)
        self._store = store or session_store(self.root)
        self._clock = clock
        self.load_warnings: list[str] = []
        if data is None:
            loaded = self._store.load()
            self.load_warnings = loaded.warnings
            data = loaded.value
        if not data.project_name:
            data.project_name = self.root.name
        self.data = data
        self._generation = 0
        self._saved_generation = 0
        self._written_generation = 0
        self._save_lock = asyncio.Lock()
        self._write_lock = threading.Lock()

    # -- reading -------------------------------------------------------------------

    @property
    def session_id(self) -> str:
        return self.data.session_id

    @property
    def current_stage(self) -> Stage:
        return self.data.current_state.stage

    @property
    def last_save_time(self) -> datetime | None:
        return self.data.last_saved_at

    @property
    def words_written(self) -> int:
        return self.data.words_now - self.data.words_at_start

    def has_changes(self) -> bool:
        return self._generation != self._saved_generation

    # -- changing ------------------------------------------------------------------

    def mark_changed(self) -> None:
        """Count an edit: the session is dirty until a save covers this generation."""
        self._generation += 1
        self.data.last_activity = self._clock()

    def set_stage(self, stage: Stage | str) -> None:
        stage = Stage(stage)
        if stage != self.data.current_state.stage:
            self.data.current_state.stage = stage
            self.mark_changed()

    def set_screen(self, screen: str, breadcrumb: list[str] | None = None) -> None:
        state = self.data.current_state
        if screen != state.screen or (breadcrumb is not None and breadcrumb != state.breadcrumb):
            state.screen = screen
            if breadcrumb is not None:
                state.breadcrumb = list(breadcrumb)
            self.mark_changed()

    def add_recent_query(self, query: str, source: str = "user") -> None:
        """Keep the last ten queries, newest last."""
        entry = RecentQuery(query=query, source=source, timestamp=self._clock())
        self.data.recent_queries = [*self.data.recent_queries, entry][-MAX_RECENT_QUERIES:]
        self.mark_changed()

    def open_file(self, path: str, cursor_line: int = 0, cursor_col: int = 0) -> None:
        """Open (or focus) a file; its cursor position is restored next time."""
        files = [f for f in self.data.open_files if f.path != path]
        files.append(OpenFile(path=path, cursor_line=cursor_line, cursor_col=cursor_col))
        self.data.open_files = files
        self.data.active_file = path
        self.mark_changed()

    def set_cursor(self, path: str, cursor_line: int, cursor_col: int) -> None:
        for entry in self.data.open_files:
            if entry.path == path:
                if (entry.cursor_line, entry.cursor_col) != (cursor_line, cursor_col):
                    entry.cursor_line, entry.cursor_col = cursor_line, cursor_col
                    self.mark_changed()
                return
        self.open_file(path, cursor_line, cursor_col)

    def close_file(self, path: str) -> None:
        remaining = [f for f in self.data.open_files if f.path != path]
        if len(remaining) != len(self.data.open_files):
            self.data.open_files = remaining
            if self.data.active_file == path:
                self.data.active_file = remaining[-1].path if remaining else None
            self.mark_changed()

    def mark_file_created(self, path: str) -> None:
        if path not in self.data.files_created:
            self.data.files_created.append(path)
            self.mark_changed()

    def mark_file_modified(self, path: str) -> None:
        if path not in self.data.files_modified and path not in self.data.files_created:
            self.data.files_modified.append(path)
            self.mark_changed()

    def count_operation(self, operation: str) -> None:
        counts = self.data.operations_count
        counts[operation] = counts.get(operation, 0) + 1
        self.mark_changed()

    def set_word_count(self, words: int, *, at_start: bool = False) -> None:
        """Record the manuscript's word count; ``at_start`` sets the session's baseline."""
        if at_start:
            self.data.words_at_start = words
        if words != self.data.words_now or at_start:
            self.data.words_now = words
            self.mark_changed()

    # -- saving --------------------------------------------------------------------

    def _snapshot(self) -> SessionData:
        snapshot = self.data.model_copy(deep=True)
        snapshot.last_saved_at = self._clock()
        return snapshot

    def _write(self, generation: int, snapshot: SessionData) -> bool:
        """Write a snapshot unless a newer generation is already on disk (any thread).

        The async saver and a blocking save (quit, signal) can overlap; whichever finishes
        last must not put an older snapshot back over a newer one. Only the write's own
        bookkeeping is touched here: what the loop reads is applied by :meth:`_saved`.
        """
        with self._write_lock:
            if generation <= self._written_generation:
                return False
            self._store.save_sync(snapshot)
            self._written_generation = generation
            return True

    def _saved(self, generation: int, snapshot: SessionData) -> None:
        """On the caller's thread (the loop): the snapshot of ``generation`` is on disk."""
        self._saved_generation = max(self._saved_generation, generation)
        # Not an edit (no generation bump): the saved time is known only after the save.
        last = self.data.last_saved_at
        if last is None or snapshot.last_saved_at is None or snapshot.last_saved_at > last:
            self.data.last_saved_at = snapshot.last_saved_at

    async def save(self, *, force: bool = False) -> bool:
        """Save if dirty (or ``force``); True when something was written.

        The snapshot is taken on the loop (a cheap copy of a small document); JSON and
        fsync run in a thread; the result is applied back on the loop.
        """
        async with self._save_lock:
            if not (force or self.has_changes()):
                return False
            if force:
                self.mark_changed()
            generation, snapshot = self._generation, self._snapshot()
            written = await asyncio.to_thread(self._write, generation, snapshot)
            self._saved(generation, snapshot)
            return written

    def save_sync(self, *, force: bool = False) -> bool:
        """Blocking save, for the CLI and for quitting or signal handlers."""
        if not (force or self.has_changes()):
            return False
        if force:
            self.mark_changed()
        generation, snapshot = self._generation, self._snapshot()
        written = self._write(generation, snapshot)
        self._saved(generation, snapshot)
        return written

    def history_entry(self, *, total_cost: Decimal, interrupted: bool) -> HistoryEntry:
        data = self.data
        end = data.ended_at or data.last_saved_at or data.last_activity
        return HistoryEntry(
            session_id=data.session_id,
            start_time=data.created_at,
            end_time=end,
            duration_minutes=minutes_between(data.created_at, end),
            total_cost=total_cost,
            files_modified=list(data.files_modified),
            files_created=list(data.files_created),
            operations_count=dict(data.operations_count),
            words_written=self.words_written,
            interrupted=interrupted,
        )


@dataclass(frozen=True)
class Interruption:
    """What the recovery dialog shows about a session that did not close cleanly."""

    session: SessionData
    previous_holder: LockHolder | None

    @property
    def last_saved_at(self) -> datetime | None:
        return self.session.last_saved_at

    @property
    def duration_minutes(self) -> int:
        end = self.session.last_saved_at or self.session.last_activity
        return minutes_between(self.session.created_at, end)


def remove_stale_temps_in_project(root: Path) -> list[Path]:
    """Temp files of writers killed mid-save, in ``.session/`` and the writer's folders."""
    paths = ProjectPaths(root)
    folders = [paths.session_dir]
    for tracked in paths.tracked_dirs():
        folders.extend(Path(folder) for folder, _, _ in os.walk(tracked))
    removed: list[Path] = []
    for folder in folders:
        removed.extend(remove_stale_temps(folder))
    return removed


class SessionManager:
    """Open a project for writing and carry its session from start to clean close."""

    def __init__(self, root: Path, *, clock: Clock = utc_now) -> None:
        self.root = Path(root)
        self.lock = ProjectLock(self.root)
        self.history = SessionHistory(self.root)
        self._store = session_store(self.root)
        self._clock = clock
        self.session: Session | None = None
        self.interruption: Interruption | None = None
        self.warnings: list[str] = []
        self.removed_temps: list[Path] = []

    def open(self) -> Interruption | None:
        """Take the lock (``ProjectInUse`` if held) and load the last session.

        Returns the interruption to resolve with :meth:`continue_session` or
        :meth:`start_fresh`; otherwise a new session is ready in :attr:`session`, carrying
        over the stage and open files of the last one (models per stage live in settings).
        """
        self.lock.acquire()
        self.removed_temps = remove_stale_temps_in_project(self.root)
        loaded = self._store.load()
        self.warnings = loaded.warnings
        previous = loaded.value if loaded.source != "default" else None
        if previous is not None:  # carried over or continued: its paths must stay inside
            self.warnings.extend(keep_paths_inside(self.root, previous))
        if is_interrupted(previous):
            assert previous is not None
            self.interruption = Interruption(previous, self.lock.previous_holder)
            return self.interruption
        self.session = self._new_session(carry_over=previous)
        return None

    def was_interrupted(self) -> bool:
        return self.interruption is not None

    def continue_session(self) -> Session:
        """Resume the interrupted session where its last save left it."""
        interruption = self._take_interruption()
        session = Session(self.root, interruption.session, store=self._store, clock=self._clock)
        session.mark_changed()
        self.session = session
        return self.session

    def start_fresh(self, *, total_cost: Decimal = Decimal(0)) -> Session:
        """Archive the interrupted session to history (marked interrupted), start anew."""
        interruption = self._take_interruption()
        old = Session(self.root, interruption.session, store=self._store, clock=self._clock)
        self.history.add_sync(old.history_entry(total_cost=total_cost, interrupted=True))
        self.session = self._new_session(carry_over=None)
        return self.session

    def close(self, *, total_cost: Decimal = Decimal(0)) -> HistoryEntry:
        """Clean quit: final save with ``ended_at``, a history entry, release the lock.

        If a write fails (disk full …) the error is raised and the lock is *kept*: no
        other process can take the session while the writer frees space and calls
        ``close()`` again, or gives up with :meth:`abandon`.
        """
        if self.session is None:
            raise RuntimeError("no session is open")
        session = self.session
        session.data.ended_at = self._clock()
        try:
            # History first: if we die between the two writes, current.json still lacks
            # ended_at, so the next open offers recovery and re-adding replaces the entry.
            entry = session.history_entry(total_cost=total_cost, interrupted=False)
            self.history.add_sync(entry)
            session.save_sync(force=True)
        except BaseException:
            session.data.ended_at = None  # not closed: later saves must not claim it was
            raise
        self.lock.release()
        return entry

    def abandon(self) -> None:
        """Quit without a clean close (the writer chose to, after :meth:`close` failed).

        The lock is dropped; ``current.json`` keeps no ``ended_at``, so the next start
        sees an interrupted session and offers to recover it. Never raises for the disk.
        """
        if self.session is not None:
            self.session.data.ended_at = None
        with contextlib.suppress(OSError):
            self.lock.release()

    def check_lock(self) -> str | None:
        """A warning when ``.session/lock`` was replaced behind our back (see
        :meth:`ProjectLock.check`); None while it is ours."""
        return self.lock.check()

    def _take_interruption(self) -> Interruption:
        if self.interruption is None:
            raise RuntimeError("the last session was not interrupted")
        interruption, self.interruption = self.interruption, None
        return interruption

    def _new_session(self, *, carry_over: SessionData | None) -> Session:
        data = SessionData(project_name=self.root.name, created_at=self._clock())
        data.last_activity = data.created_at
        if carry_over is None:
            # Nothing to return to (a new project, or "start fresh"): the writer came to
            # write, so the first session opens where the prose is.
            data.current_state.stage = Stage.WRITING
        else:
            data.current_state = carry_over.current_state.model_copy(deep=True)
            data.open_files = [f.model_copy() for f in carry_over.open_files]
            data.active_file = carry_over.active_file
            data.recent_queries = [q.model_copy() for q in carry_over.recent_queries]
        session = Session(self.root, data, store=self._store, clock=self._clock)
        session.mark_changed()
        session.save_sync()
        return session


def keep_paths_inside(root: Path, data: SessionData) -> list[str]:
    """Drop open files, the active file and breadcrumb items that leave the project.

    ``current.json`` comes from an untrusted folder: an ``open_files`` entry of
    ``../../.ssh/config`` or one reached through a linked folder must never be opened (or
    written) by the next session. Returns one warning per dropped path.
    """
    paths = ProjectPaths(root)
    warnings: list[str] = []

    def inside(path: str) -> bool:
        if paths.contains(path):
            return True
        warnings.append(f"ignored {path!r} from current.json: it is not inside the project")
        return False

    data.open_files = [entry for entry in data.open_files if inside(entry.path)]
    if data.active_file is not None and not inside(data.active_file):
        data.active_file = data.open_files[-1].path if data.open_files else None
    state = data.current_state
    state.breadcrumb = [item for item in state.breadcrumb if inside(item)]
    return warnings


class SessionState(StrEnum):
    """Where a project's session stands, as every front door reports it."""

    NONE = "none"  # never opened: no current.json
    OPEN_ELSEWHERE = "open"  # a live process holds the lock
    INTERRUPTED = "interrupted"  # not held, and the last session never closed cleanly
    CLOSED = "closed"  # not held, closed cleanly


@dataclass(frozen=True)
class SessionStatus:
    """:func:`session_state`'s answer: the state and what it was read from."""

    state: SessionState
    holder: LockHolder | None  # who holds (or last held) the lock, if it says
    session: SessionData | None  # current.json, when there is one
    source: str  # where current.json came from: "file", "backup" or "default"
    warnings: list[str]


def is_interrupted(previous: SessionData | None) -> bool:
    """The one definition of "interrupted" (ARCHITECTURE.md, Session lifecycle).

    A saved session without ``ended_at`` never closed cleanly. (A leftover lock holder
    beside an ``ended_at`` means the close finished its writes and died emptying the lock:
    nothing to recover.) Callers first make sure nobody holds the lock.
    """
    return previous is not None and previous.ended_at is None


def session_state(root: Path) -> SessionStatus:
    """Where ``root``'s session stands, for ``session show``, ``doctor`` and the app.

    Reads only; never quarantines or writes anything.
    """
    loaded = session_store(root).load(quarantine_bad=False)
    held, holder = ProjectLock.inspect(root)
    exists = loaded.source != "default"
    data = loaded.value if exists else None
    if held:
        state = SessionState.OPEN_ELSEWHERE
    elif is_interrupted(data):
        state = SessionState.INTERRUPTED
    elif data is None:
        state = SessionState.NONE
    else:
        state = SessionState.CLOSED
    return SessionStatus(state, holder, data, loaded.source, loaded.warnings)
