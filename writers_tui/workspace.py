"""The Workspace: the one object the UI (and the CLI) talks to about an open project.

It ties the storage services together — the project lock and session lifecycle, prose
buffers and their auto-saver, the session auto-saver, the file watcher, the cost tracker
and the settings — behind one small async API, so a screen never reaches into storage
and never blocks the event loop (every disk step runs in a thread). What the UI shows is
published as events (:class:`SaveStateChanged`, :class:`WordsChanged`, …) to subscribers,
called on the event loop. docs/workspace.md is the contract; this module is the truth.

No Textual here: the Workspace is plain asyncio and is tested without a terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from writers_tui.ai import pricing
from writers_tui.config import LoadedSettings, Settings, load_settings
from writers_tui.paths import MANUSCRIPT_DIR, ProjectPaths
from writers_tui.project import manuscript_files
from writers_tui.storage.autosave import AutoSaver, SaveState, SaveStatus
from writers_tui.storage.buffer_saver import BufferSaver
from writers_tui.storage.buffers import (
    Buffer,
    BufferStore,
    Conflict,
    Journaled,
    SaveResult,
    Unsaved,
)
from writers_tui.storage.costs import CostTracker
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.journals import Journal
from writers_tui.storage.lock import LockHolder, ProjectInUse
from writers_tui.storage.models import OpenFile, SessionData, Stage
from writers_tui.storage.session import (
    Session,
    SessionManager,
    SessionState,
    SessionStatus,
    session_state,
)
from writers_tui.storage.text_codec import decode
from writers_tui.storage.watcher import FileEvent, ProjectWatcher
from writers_tui.values import minutes_between, utc_now
from writers_tui.wordcount import count_words

__all__ = [
    "BinderEntry",
    "BudgetWarning",
    "BufferJournaled",
    "CostRecorded",
    "FileChanged",
    "Holder",
    "JournalInfo",
    "NotAProject",
    "OpenFileInfo",
    "OpenedFile",
    "ProjectHeld",
    "ReadOnlyError",
    "Recovery",
    "SaveState",
    "SaveStateChanged",
    "SaveStatus",
    "SessionState",
    "SessionStatus",
    "Stage",
    "WordsChanged",
    "Workspace",
    "WorkspaceEvent",
    "session_state",
]

log = logging.getLogger(__name__)

Holder = LockHolder
OpenFileInfo = OpenFile
Clock = Callable[[], datetime]

#: How often costs recorded by another process (``writers-tui costs add``) are picked up.
COST_REFRESH_SECONDS = 5.0


class NotAProject(ValueError):
    """The folder has neither ``manuscript/`` nor ``.session/``: offer to create one."""


class ProjectHeld(RuntimeError):
    """Another live writers-tui holds the project; it can be opened read-only."""

    def __init__(self, root: Path, holder: LockHolder | None) -> None:
        self.root = root
        self.holder = holder
        super().__init__(str(ProjectInUse(root, holder)))


class ReadOnlyError(PermissionError):
    """A write was attempted on a read-only Workspace (the project is held elsewhere)."""


# --- what the UI is told ---------------------------------------------------------------


@dataclass(frozen=True)
class SaveStateChanged:
    """Session and prose saving merged into one truthful state for the status bar."""

    state: SaveState


@dataclass(frozen=True)
class WordsChanged:
    path: str | None  # the file whose count changed (project-relative), if one did
    file_words: int
    session_words: int  # words added this session, over the whole manuscript
    today_words: int  # this session plus earlier sessions that started today
    daily_goal: int
    manuscript_words: int


@dataclass(frozen=True)
class CostRecorded:
    cost: Decimal  # what the newly recorded operations cost
    session_total: Decimal


@dataclass(frozen=True)
class BudgetWarning:
    message: str


@dataclass(frozen=True)
class FileChanged:
    """A file the writer owns changed outside the app (or a save found it changed)."""

    kind: Literal["created", "modified", "deleted", "moved"]
    path: str
    dest: str | None = None
    reloaded: bool = False  # a clean open buffer took the new text
    conflict: bool = False  # an open buffer with edits: the writer must choose


@dataclass(frozen=True)
class BufferJournaled:
    """A file could not be written; its text is safe in ``journal``."""

    path: str
    journal: str
    error: str


WorkspaceEvent = (
    SaveStateChanged | WordsChanged | CostRecorded | BudgetWarning | FileChanged | BufferJournaled
)
Listener = Callable[[WorkspaceEvent], None]


@dataclass(frozen=True)
class JournalInfo:
    path: str  # the file the text belongs to, project-relative
    journal: str  # where the text is
    saved_at: str
    size: int
    error: str


@dataclass(frozen=True)
class Recovery:
    """What the recovery dialog shows about the interrupted last session."""

    last_saved_at: datetime | None
    duration_minutes: int
    stage: Stage
    open_files: list[OpenFile]
    active_file: str | None
    journals: list[JournalInfo]


@dataclass(frozen=True)
class BinderEntry:
    path: str  # project-relative, POSIX
    title: str
    words: int
    depth: int  # 0 for the top level of manuscript/
    is_folder: bool


@dataclass(frozen=True)
class OpenedFile:
    path: str
    text: str
    cursor_line: int
    cursor_col: int
    read_only: bool
    notice: str | None = None  # e.g. why the file opened read-only


# --- the Workspace -----------------------------------------------------------------------


class Workspace:
    """One open project. Build it with ``await Workspace.open(root)``."""

    def __init__(
        self,
        root: Path,
        *,
        loaded: LoadedSettings,
        read_only: bool,
        clock: Clock,
        buffer_idle: float,
        buffer_max_delay: float,
    ) -> None:
        self.paths = ProjectPaths(root)
        self.root = self.paths.root
        self.settings: Settings = loaded.settings
        self.warnings: list[str] = list(loaded.warnings)
        self.read_only = read_only
        self.holder: LockHolder | None = None
        self.recovery: Recovery | None = None
        self._clock = clock
        self._listeners: list[Listener] = []
        self._manager: SessionManager | None = None
        self._session: Session | None = None
        self._readonly_data: SessionData | None = None
        self._buffers = BufferStore(self.root, clock=clock)
        self._prose = BufferSaver(
            self._buffers,
            idle=buffer_idle,
            max_delay=buffer_max_delay,
            on_state=lambda _state: self._publish_save_state(),
            on_result=self._on_save_result,
        )
        self._session_saver: AutoSaver | None = None
        self._costs: CostTracker | None = None
        self._watcher: ProjectWatcher | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._file_words: dict[str, int] = {}
        self._words_before_today = 0
        self._reported_conflicts: set[Path] = set()
        self._journals: dict[str, Journal] = {}
        self._read_only_paths: set[str] = set()  # links to files outside the project
        self._save_state = SaveState(SaveStatus.SAVED)
        self._started = False
        self._closed = False

    # -- opening ----------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        root: Path,
        *,
        read_only: bool = False,
        clock: Clock = utc_now,
        buffer_idle: float = 1.0,
        buffer_max_delay: float = 2.0,
        environ: dict[str, str] | None = None,
    ) -> Workspace:
        """Open ``root``: take the lock (unless ``read_only``), load everything.

        Raises :class:`NotAProject` for a folder that is not a project, and
        :class:`ProjectHeld` when another live process holds it (then the writer may
        open it again with ``read_only=True``). When the last session was interrupted,
        :attr:`recovery` is set and :meth:`continue_session` or :meth:`start_fresh` must
        be called before anything else.
        """
        paths = ProjectPaths(root)
        if not await asyncio.to_thread(paths.is_project):
            raise NotAProject(f"{paths.root} is not a writers-tui project (no manuscript/)")
        loaded = await asyncio.to_thread(load_settings, paths.root, environ=environ)
        workspace = cls(
            paths.root,
            loaded=loaded,
            read_only=read_only,
            clock=clock,
            buffer_idle=buffer_idle,
            buffer_max_delay=buffer_max_delay,
        )
        if read_only:
            await workspace._open_read_only()
        else:
            await workspace._open_for_writing()
        return workspace

    async def _open_read_only(self) -> None:
        status = await asyncio.to_thread(session_state, self.root)
        self.holder = status.holder if status.state is SessionState.OPEN_ELSEWHERE else None
        self._readonly_data = status.session or SessionData(project_name=self.root.name)
        self.warnings.extend(status.warnings)
        self._costs = await asyncio.to_thread(self._make_costs, "", True)
        await self._start()

    async def _open_for_writing(self) -> None:
        manager = SessionManager(self.root, clock=self._clock)
        try:
            interruption = await asyncio.to_thread(manager.open)
        except ProjectInUse as error:
            raise ProjectHeld(self.root, error.holder) from None
        self._manager = manager
        self.warnings.extend(manager.warnings)
        if interruption is None:
            assert manager.session is not None
            await self._begin(manager.session, new=True)
            return
        journals = await asyncio.to_thread(self._buffers.list_journals)
        self._journals = {str(journal.text_path): journal for journal in journals}
        data = interruption.session
        self.recovery = Recovery(
            last_saved_at=interruption.last_saved_at,
            duration_minutes=interruption.duration_minutes,
            stage=data.current_state.stage,
            open_files=[entry.model_copy() for entry in data.open_files],
            active_file=data.active_file,
            journals=[self._journal_info(journal) for journal in journals],
        )

    def _journal_info(self, journal: Journal) -> JournalInfo:
        try:
            size = journal.text_path.stat().st_size
        except OSError:
            size = 0
        return JournalInfo(
            path=self._buffers.relative(journal.original),
            journal=str(journal.text_path),
            saved_at=journal.saved_at,
            size=size,
            error=journal.error,
        )

    async def continue_session(self) -> None:
        """Resume the interrupted session: its stage, open files and cursors return."""
        manager = self._take_recovery()
        session = manager.continue_session()
        await self._begin(session, new=False)

    async def start_fresh(self) -> None:
        """Archive the interrupted session to history (marked interrupted) and start anew."""
        manager = self._take_recovery()
        old_id = manager.interruption.session.session_id if manager.interruption else ""
        costs = await asyncio.to_thread(self._make_costs, old_id, False)
        old_cost = (await asyncio.to_thread(costs.totals, "session")).total
        session = await asyncio.to_thread(manager.start_fresh, total_cost=old_cost)
        await self._begin(session, new=True, costs=costs)

    def _take_recovery(self) -> SessionManager:
        if self.recovery is None or self._manager is None:
            raise RuntimeError("the last session was not interrupted")
        self.recovery = None
        return self._manager

    def _make_costs(self, session_id: str, readonly: bool) -> CostTracker:
        return CostTracker(
            self.root,
            session_id,
            clock=self._clock,
            budget=self.settings.budget,
            readonly=readonly,
            price=pricing.pricer(self.settings.providers),
        )

    async def _begin(
        self, session: Session, *, new: bool, costs: CostTracker | None = None
    ) -> None:
        """A session is ready: count words, start saving, watching and cost refresh."""
        self._session = session
        if costs is None:
            costs = await asyncio.to_thread(self._make_costs, session.session_id, False)
        else:
            await asyncio.to_thread(costs.reset_session, session.session_id)
        self._costs = costs

        async def save_session() -> None:
            await session.save()

        self._session_saver = AutoSaver(
            save_session,
            session.has_changes,
            interval=self.settings.autosave_interval,
            on_state=lambda _state: self._publish_save_state(),
            clock=self._clock,
        )
        await self._start()
        total = sum(self._file_words.values())
        session.set_word_count(total, at_start=new)
        self._session_saver.start()
        self._prose.start()
        self._session_saver.request_save()

    async def _start(self) -> None:
        """What both modes share: word counts, history for today, the watcher."""
        self._file_words = await asyncio.to_thread(self._count_manuscript)
        self._words_before_today = await asyncio.to_thread(self._words_earlier_today)
        watcher = ProjectWatcher(self.root, is_own_write=self._buffers.is_own_write)
        try:
            await watcher.start()
        except OSError as error:
            self.warnings.append(f"outside edits will not be noticed: {error.strerror or error}")
        else:
            self._watcher = watcher
            self._spawn(self._watch(watcher))
        self._spawn(self._refresh_costs())
        self._started = True

    def _count_manuscript(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for path in manuscript_files(self.root):
            try:
                text = decode(path.read_bytes())
            except OSError:
                continue
            counts[self._relative(path)] = count_words(text)
        return counts

    def _words_earlier_today(self) -> int:
        today = self._clock().astimezone().date()
        entries = SessionHistory(self.root).load(quarantine_bad=False).value.sessions
        return sum(
            entry.words_written
            for entry in entries
            if entry.start_time.astimezone().date() == today
            and (self._session is None or entry.session_id != self._session.session_id)
        )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        self._tasks.append(asyncio.get_running_loop().create_task(work))

    # -- events -----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on the loop for every event; returns an unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: WorkspaceEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("a workspace listener failed on %s", type(event).__name__)

    @property
    def save_state(self) -> SaveState:
        return self._save_state

    def _merged_save_state(self) -> SaveState:
        """One state for session + prose: the worst status wins; "saved" only if both are."""
        states = [self._prose.autosaver.state]
        if self._session_saver is not None:
            states.append(self._session_saver.state)
        rank = [SaveStatus.SAVED, SaveStatus.DIRTY, SaveStatus.SAVING, SaveStatus.FAILED]
        worst = max(states, key=lambda state: rank.index(state.status))
        times = [state.saved_at for state in states if state.saved_at is not None]
        errors = [state.error for state in states if state.error]
        return SaveState(
            worst.status,
            max(times) if times else None,
            "; ".join(errors) or None,
            max(state.attempt for state in states),
        )

    def _publish_save_state(self) -> None:
        state = self._merged_save_state()
        if state != self._save_state:
            self._save_state = state
            self._emit(SaveStateChanged(state))

    def _on_save_result(self, result: SaveResult) -> None:
        if isinstance(result, Conflict):
            if result.path not in self._reported_conflicts:
                self._reported_conflicts.add(result.path)
                self._emit(FileChanged("modified", self._relative(result.path), conflict=True))
        elif isinstance(result, Journaled):
            self._emit(
                BufferJournaled(self._relative(result.path), str(result.journal), result.error)
            )
        elif isinstance(result, Unsaved):
            self._emit(BufferJournaled(self._relative(result.path), "", result.error))
        else:
            self._reported_conflicts.discard(result.path)

    # -- session state the UI reads -----------------------------------------------------

    @property
    def session_data(self) -> SessionData:
        """A read view of the session (do not mutate: use the methods below)."""
        if self._session is not None:
            return self._session.data
        if self._readonly_data is not None:
            return self._readonly_data
        raise RuntimeError("resolve the interrupted session first")

    @property
    def stage(self) -> Stage:
        return self.session_data.current_state.stage

    @property
    def active_file(self) -> str | None:
        return self.session_data.active_file

    def cursor_for(self, path: str) -> tuple[int, int]:
        for entry in self.session_data.open_files:
            if entry.path == path:
                return entry.cursor_line, entry.cursor_col
        return 0, 0

    @property
    def session_cost(self) -> Decimal:
        if self._costs is None or self._session is None:
            return Decimal(0)
        return self._costs.totals("session").total

    @property
    def daily_goal(self) -> int:
        return self.settings.goals.daily_words

    def words(self, path: str | None = None) -> WordsChanged:
        """The word counts the status bar shows, as of now."""
        data = self.session_data
        total = sum(self._file_words.values())
        session_words = total - data.words_at_start if self._session is not None else 0
        return WordsChanged(
            path=path,
            file_words=self._file_words.get(path, 0) if path else 0,
            session_words=session_words,
            today_words=self._words_before_today + session_words,
            daily_goal=self.daily_goal,
            manuscript_words=total,
        )

    # -- changing -------------------------------------------------------------------------

    def _writable_session(self) -> Session:
        if self.read_only:
            raise ReadOnlyError(f"{self.root.name} is open read-only; nothing can be changed")
        if self._session is None or self._session_saver is None:
            raise RuntimeError("resolve the interrupted session first")
        return self._session

    async def set_stage(self, stage: Stage | str) -> None:
        """Switch stage: prose is flushed first (rule 6), then the session is saved soon."""
        if self.read_only:
            return
        session = self._writable_session()
        await self._prose.flush()
        session.set_stage(stage)
        self._request_session_save()

    def _request_session_save(self) -> None:
        if self._session_saver is not None:
            self._session_saver.request_save()

    def _relative(self, path: Path) -> str:
        return self._buffers.relative(path)

    def resolve(self, path: str) -> Path:
        """The absolute path of a project-relative one; refuses anything outside the project."""
        candidate = Path(path)
        if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
            raise ValueError(f"{path}: not a path inside the project")
        return self.root / candidate

    def _points_outside(self, absolute: Path) -> bool:
        try:
            absolute.resolve().relative_to(self.root.resolve())
        except ValueError:
            return True
        return False

    async def binder(self) -> list[BinderEntry]:
        """``manuscript/`` in binder order, each folder before its files, with words."""
        files = await asyncio.to_thread(manuscript_files, self.root)
        entries: list[BinderEntry] = []
        folder_words: dict[str, int] = {}
        seen_folders: set[str] = set()
        manuscript = self.paths.manuscript
        for path in files:
            relative = path.relative_to(manuscript)
            words = self._file_words.get(self._relative(path), 0)
            for depth in range(len(relative.parts) - 1):
                folder = f"{MANUSCRIPT_DIR}/" + "/".join(relative.parts[: depth + 1])
                folder_words[folder] = folder_words.get(folder, 0) + words
                if folder not in seen_folders:
                    seen_folders.add(folder)
                    entries.append(BinderEntry(folder, relative.parts[depth], 0, depth, True))
            entries.append(
                BinderEntry(self._relative(path), path.stem, words, len(relative.parts) - 1, False)
            )
        return [
            BinderEntry(e.path, e.title, folder_words.get(e.path, 0), e.depth, True)
            if e.is_folder
            else e
            for e in entries
        ]

    async def open_file(self, path: str) -> OpenedFile:
        """Open (or focus) a project file; other files' edits are flushed first."""
        absolute = self.resolve(path)
        read_only, notice = self.read_only, None
        if self._points_outside(absolute) and not self.settings.editor.allow_outside_symlinks:
            read_only = True
            notice = (
                f"{path} is a link to a file outside the project: opened read-only "
                "(allow it with editor.allow_outside_symlinks in your user settings)"
            )
        if read_only:
            self._read_only_paths.add(path)
        if not self.read_only:
            await self._prose.flush()
        buffer = await self._buffers.open(absolute)
        line, col = self.cursor_for(path)
        if self._session is not None and not self.read_only:
            self._session.open_file(path, line, col)
            self._request_session_save()
        elif self._readonly_data is not None:
            self._readonly_data.active_file = path
        return OpenedFile(path, buffer.text, line, col, read_only, notice)

    def text_of(self, path: str) -> str:
        """The buffer's current text (after a reload or a conflict resolution)."""
        buffer = self._buffers.get(self.resolve(path))
        if buffer is None:
            raise KeyError(f"{path} is not open")
        return buffer.text

    def _buffer(self, path: str) -> Buffer:
        buffer = self._buffers.get(self.resolve(path))
        if buffer is None:
            raise KeyError(f"{path} is not open")
        return buffer

    def note_edit(self, path: str, read_text: Callable[[], str]) -> None:
        """The editor changed ``path``; ``read_text()`` is called when a save snapshots it."""
        self._writable_session()
        if path in self._read_only_paths:
            raise ReadOnlyError(f"{path} links outside the project and is open read-only")
        buffer = self._buffer(path)
        buffer.mark_edited(read_text)
        if self._session is not None:
            self._session.mark_file_modified(path)
        self._publish_save_state()

    def note_words(self, path: str, file_words: int) -> None:
        """The editor's (debounced) word count for ``path``."""
        if self._file_words.get(path) == file_words:
            return
        if path.startswith(f"{MANUSCRIPT_DIR}/"):
            self._file_words[path] = file_words
        if self._session is not None and not self.read_only:
            self._session.set_word_count(sum(self._file_words.values()))
        self._emit(self.words(path))

    def set_cursor(self, path: str, line: int, col: int) -> None:
        if self._session is None or self.read_only:
            return
        self._session.set_cursor(path, line, col)

    async def save_now(self) -> bool:
        """ctrl+s: prose and session to disk now; True when every file was written."""
        self._writable_session()
        prose_ok = await self._prose.flush()
        assert self._session_saver is not None
        session_ok = await self._session_saver.save_now()
        return prose_ok and session_ok

    def flush_now(self) -> bool:
        """Blocking: every dirty buffer (or its journal) and the session to disk, now.

        For signal handlers and the crash path, where awaiting is not possible. Returns
        False if some text could only be journaled or kept in memory.
        """
        if self.read_only or self._session is None or self._closed:
            return True
        results = self._buffers.flush_all_sync()
        for result in results:
            self._on_save_result(result)
        try:
            self._session.save_sync()
        except OSError:
            log.exception("the session could not be saved while flushing")
            return False
        return not any(isinstance(r, Journaled | Unsaved | Conflict) for r in results)

    # -- conflicts and journals -----------------------------------------------------------

    async def conflict_versions(self, path: str) -> tuple[str, str]:
        """(mine, theirs): the buffer's text and the file's text on disk, for a diff."""
        buffer = self._buffer(path)
        mine = buffer.text
        try:
            theirs = decode(await asyncio.to_thread(buffer.path.read_bytes))
        except FileNotFoundError:
            theirs = ""
        return mine, theirs

    async def resolve_conflict(self, path: str, keep: Literal["mine", "theirs"]) -> str:
        """The writer chose; the losing version stays on disk as a conflict copy."""
        self._writable_session()
        buffer = self._buffer(path)
        if buffer.conflict is None and buffer.dirty:
            # The watcher noticed first: a save now records the conflict and its copy.
            await self._buffers.save(buffer)
        if buffer.conflict is not None:
            await self._buffers.resolve_conflict(buffer, keep)
        elif keep == "theirs":
            await self._buffers.reload(buffer)
        self._reported_conflicts.discard(buffer.path)
        self._publish_save_state()
        return buffer.text

    async def restore_journal(self, journal_path: str) -> str:
        """Put a journal's text back into its file's buffer; returns that file's path."""
        self._writable_session()
        journal = self._journals.pop(journal_path)
        buffer = await self._buffers.restore_journal(journal)
        path = self._relative(buffer.path)
        assert self._session is not None
        self._session.open_file(path, *self.cursor_for(path))
        self._request_session_save()
        return path

    async def discard_journal(self, journal_path: str) -> None:
        self._writable_session()
        journal = self._journals.pop(journal_path)
        await asyncio.to_thread(self._buffers.discard_journal, journal)

    # -- background work ------------------------------------------------------------------

    async def _watch(self, watcher: ProjectWatcher) -> None:
        async for event in watcher.events():
            try:
                await self._on_file_event(event)
            except Exception:
                log.exception("handling %s of %s failed", event.kind, event.path)

    async def _on_file_event(self, event: FileEvent) -> None:
        path = self._relative(event.path)
        dest = self._relative(event.dest) if event.dest is not None else None
        buffer = self._buffers.get(event.path)
        reloaded = conflict = False
        if event.kind == "modified" and buffer is not None:
            reloaded = await self._buffers.reload(buffer)
            conflict = not reloaded
            if conflict:  # the dialog opens now; the save that follows must not ask again
                self._reported_conflicts.add(buffer.path)
        elif event.kind == "moved" and buffer is not None and event.dest is not None:
            self._buffers.rename(buffer, event.dest)
            if self._session is not None and dest is not None:
                line, col = self.cursor_for(path)
                was_active = self.active_file == path
                self._session.close_file(path)
                if was_active:
                    self._session.open_file(dest, line, col)
                self._request_session_save()
        await self._recount(event, path, dest)
        self._emit(FileChanged(event.kind, path, dest, reloaded, conflict))

    async def _recount(self, event: FileEvent, path: str, dest: str | None) -> None:
        changed = False
        if event.kind in ("deleted", "moved") and path in self._file_words:
            del self._file_words[path]
            changed = True
        target = event.dest if event.kind == "moved" else event.path
        name = dest if event.kind == "moved" else path
        if (
            event.kind != "deleted"
            and target is not None
            and name is not None
            and name.startswith(f"{MANUSCRIPT_DIR}/")
            and target.suffix.lower() == ".md"
        ):
            self._file_words[name] = await asyncio.to_thread(_count_file, target)
            changed = True
        if changed:
            if self._session is not None and not self.read_only:
                self._session.set_word_count(sum(self._file_words.values()))
            self._emit(self.words(name))

    async def _refresh_costs(self) -> None:
        """Pick up costs recorded by other processes; warn once per budget period."""
        last_total = await asyncio.to_thread(self._session_total)
        while True:
            await asyncio.sleep(COST_REFRESH_SECONDS)
            await self.refresh_costs(last_total)
            last_total = await asyncio.to_thread(self._session_total)

    def _session_total(self) -> Decimal:
        if self._costs is None or self._session is None:
            return Decimal(0)
        return self._costs.totals("session").total

    async def refresh_costs(self, previous_total: Decimal | None = None) -> None:
        """Catch up with the ledger now; emits :class:`CostRecorded` when it grew."""
        costs = self._costs
        if costs is None:
            return
        before = previous_total if previous_total is not None else self._session_total()
        added = await asyncio.to_thread(costs.refresh)
        if not added:
            return
        total = await asyncio.to_thread(self._session_total)
        self._emit(CostRecorded(total - before, total))
        if not self.read_only:
            warning = await asyncio.to_thread(costs.should_warn_budget)
            if warning:
                self._emit(BudgetWarning(warning))

    # -- closing --------------------------------------------------------------------------

    async def close(self) -> bool:
        """Final save of prose and session, a history entry, the lock released.

        Returns False when some prose could only be journaled (the status said so).
        """
        if self._closed:
            return True
        self._closed = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._watcher is not None:
            await self._watcher.stop()
        if self.read_only or self._manager is None:
            return True
        if self._session is None:  # interrupted and never resolved: leave it for next time
            await asyncio.to_thread(self._manager.lock.release)
            return True
        prose_ok = await self._prose.stop(final_save=True)
        assert self._session_saver is not None
        await self._session_saver.stop(final_save=False)
        total = await asyncio.to_thread(self._session_total)
        await asyncio.to_thread(self._manager.close, total_cost=total)
        return prose_ok

    @property
    def duration_minutes(self) -> int:
        data = self.session_data
        return minutes_between(data.created_at, self._clock())


def _count_file(path: Path) -> int:
    try:
        return count_words(decode(path.read_bytes()))
    except OSError:
        return 0
