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
import hashlib
import logging
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, Literal

from writers_tui import bible, history_stats, search_replace
from writers_tui.ai import pricing
from writers_tui.analysis.live import (
    LiveAnalysis,
    Progress,
    project_settings_from,
    read_score_trend,
)
from writers_tui.analysis.manuscript import FileResult, ManuscriptAnalysis, SourceFile
from writers_tui.analysis.runner import AnalysisInputError, read_source
from writers_tui.atomic import atomic_write_text
from writers_tui.bible import BibleIssue, EntryKind
from writers_tui.config import LoadedSettings, Settings, SettingsError, load_settings
from writers_tui.history_stats import HistorySummary, LiveSession
from writers_tui.paths import MANUSCRIPT_DIR, OUTPUT_DIR, ProjectPaths
from writers_tui.project import manuscript_files, markdown_files_under
from writers_tui.search_replace import Match, ReplacePlan, SearchError, StaleMatchError
from writers_tui.storage import manuscript_ops, snapshots
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
from writers_tui.storage.costs import BreakdownKey, BudgetUsage, CostTracker, Period, format_usd
from writers_tui.storage.expenses import ExpenseError, cost_report, recent_records, record_expense
from writers_tui.storage.expenses import report_csv as costs_csv
from writers_tui.storage.history import SessionHistory
from writers_tui.storage.inflight import recover_calls
from writers_tui.storage.journals import Journal
from writers_tui.storage.keeps import KeptFlags
from writers_tui.storage.lock import LockHolder, ProjectInUse
from writers_tui.storage.manuscript_ops import BinderChange, Moved, TrashEntry
from writers_tui.storage.models import (
    CostTotals,
    HistoryEntry,
    LedgerRecord,
    OpenFile,
    SessionData,
    Stage,
)
from writers_tui.storage.preferences import save_project_setting
from writers_tui.storage.session import (
    Session,
    SessionManager,
    SessionState,
    SessionStatus,
    session_state,
)
from writers_tui.storage.snapshots import DiffHunk, DiffLine, SnapshotInfo, TextDiff
from writers_tui.storage.text_codec import decode, sha256_hex
from writers_tui.storage.watcher import FileEvent, ProjectWatcher
from writers_tui.values import minutes_between, utc_now
from writers_tui.wordcount import NotTextError, count_words
from writers_tui.workspace_ai import CallOutcome, WorkspaceAI

__all__ = [
    "BibleIssue",
    "BinderChange",
    "BinderChanged",
    "BinderEntry",
    "BudgetUsage",
    "BudgetWarning",
    "BufferJournaled",
    "CostRecorded",
    "CostTotals",
    "DiffHunk",
    "DiffLine",
    "EntryKind",
    "ExpenseError",
    "FileChanged",
    "HistoryEntry",
    "HistorySummary",
    "Holder",
    "JournalInfo",
    "LedgerRecord",
    "LiveSession",
    "LockWarning",
    "Match",
    "Moved",
    "NotAProject",
    "OpenFileInfo",
    "OpenedFile",
    "ProjectHeld",
    "ReadOnlyError",
    "Recovery",
    "ReplacePlan",
    "SaveState",
    "SaveStateChanged",
    "SaveStatus",
    "SearchError",
    "SessionState",
    "SessionStatus",
    "SettingsChanged",
    "SettingsError",
    "SnapshotInfo",
    "Stage",
    "StaleMatchError",
    "TextDiff",
    "TrashEntry",
    "WordsChanged",
    "Workspace",
    "WorkspaceEvent",
    "session_state",
]

log = logging.getLogger(__name__)

Holder = LockHolder
OpenFileInfo = OpenFile
Clock = Callable[[], datetime]

#: The session (cursor, open files) is saved this long after edits and cursor moves pause,
#: and at most this long after the first unsaved one while they go on.
SESSION_SETTLE_SECONDS = 2.0
SESSION_MAX_DELAY_SECONDS = 5.0

#: How often costs recorded by another process (``writers-tui costs add``) are picked up.
COST_REFRESH_SECONDS = 5.0
#: How long the watcher's view of the app's own binder renames is expected to arrive
#: (its debounce and max delay are well inside this): such events are not news.
OWN_CHANGE_SECONDS = 5.0
#: The label of the snapshot taken of the current text before a restore.
BEFORE_RESTORE_LABEL = "before restore"


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
class LockWarning:
    """``.session/lock`` was replaced or removed behind our back (a sync tool?)."""

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


@dataclass(frozen=True)
class BinderChanged:
    """The app created, renamed, moved, deleted or restored binder entries.

    Open buffers, the session's open files and the word counts already follow it; the
    binder redraws from :meth:`Workspace.binder` and an editor showing a moved file
    takes its new path from ``change.new_path(old)`` (None: it went to the trash).
    """

    change: BinderChange


@dataclass(frozen=True)
class SettingsChanged:
    """A setting was saved and applied; ``warnings`` are what the loader noticed."""

    settings: Settings
    warnings: list[str]


WorkspaceEvent = (
    SaveStateChanged
    | WordsChanged
    | CostRecorded
    | BudgetWarning
    | FileChanged
    | BufferJournaled
    | LockWarning
    | BinderChanged
    | SettingsChanged
)
Listener = Callable[[WorkspaceEvent], None]


@dataclass(frozen=True)
class JournalInfo:
    path: str  # the file the text belongs to, project-relative
    journal: str  # where the text is
    saved_at: str
    size: int
    error: str
    #: The file changed since the journal was written: restoring keeps it as a conflict copy.
    stale: bool = False


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
        self._buffers = BufferStore(
            self.root,
            clock=clock,
            allow_outside_links=self.settings.editor.allow_outside_symlinks,
        )
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
        self._analysis: LiveAnalysis | None = None
        # One analysis at a time: the analyzer is not thread-safe.
        self._analysis_lock = asyncio.Lock()
        self._keeps: KeptFlags | None = None
        self._save_state = SaveState(SaveStatus.SAVED)
        self._started = False
        self._stopped = False  # background work and savers stopped (close() began)
        self._prose_ok = True  # the final prose save wrote every file
        self._closed = False  # the lock is released (or the workspace was read-only)
        self._environ: dict[str, str] | None = None
        self._binder_lock = asyncio.Lock()  # one binder operation at a time
        # Paths the app itself just moved away / brought into place, with the loop time
        # until which the watcher reporting them is an echo, not an outside change.
        self._own_gone: dict[str, float] = {}
        self._own_present: dict[str, float] = {}
        self._known_session_total = Decimal(0)  # what CostRecorded last reported
        self._last_replace: ReplacePlan | None = None
        self._ai: WorkspaceAI | None = None

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
        workspace._environ = environ
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
        infos = await asyncio.to_thread(self._journal_infos, journals)
        data = interruption.session
        self.recovery = Recovery(
            last_saved_at=interruption.last_saved_at,
            duration_minutes=interruption.duration_minutes,
            stage=data.current_state.stage,
            open_files=[entry.model_copy() for entry in data.open_files],
            active_file=data.active_file,
            journals=infos,
        )

    def _journal_infos(self, journals: list[Journal]) -> list[JournalInfo]:
        """What the recovery dialog shows of each journal (reads and hashes: a thread)."""
        infos: list[JournalInfo] = []
        for journal in journals:
            try:
                size = journal.text_path.stat().st_size
            except OSError:
                size = 0
            try:
                stale = sha256_hex(journal.original.read_bytes()) != journal.based_on_sha256
            except OSError:
                stale = False  # no file (or unreadable): restoring loses nothing on disk
            infos.append(
                JournalInfo(
                    path=self._buffers.relative(journal.original),
                    journal=str(journal.text_path),
                    saved_at=journal.saved_at,
                    size=size,
                    error=journal.error,
                    stale=stale,
                )
            )
        return infos

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
        """A session is ready: count words, start saving, watching and cost refresh.

        What can fail (the ledger, a link planted in ``.session/``) comes before the session
        is taken: a failure here leaves no half-begun session for ``close()`` to trip on.
        """
        if costs is None:
            costs = await asyncio.to_thread(self._make_costs, session.session_id, False)
        else:
            await asyncio.to_thread(costs.reset_session, session.session_id)
        await self._bill_cut_calls(costs)
        self._costs = costs
        self._session = session
        self._session_saver = self._make_session_saver(session)
        await self._start()
        total = sum(self._file_words.values())
        session.set_word_count(total, at_start=new)
        self._session_saver.start()
        self._prose.start()
        # On disk before the first screen: the status bar opens saying "saved", truthfully.
        await self._session_saver.save_now()

    async def _bill_cut_calls(self, costs: CostTracker) -> None:
        """AI calls a crash cut off are billed at their estimates (storage/inflight.py)."""
        try:
            recovered = await asyncio.to_thread(recover_calls, self.root, costs)
        except OSError as error:  # the ledger cannot take them now: they wait for next time
            self.warnings.append(f"AI calls cut off earlier could not be billed yet: {error}")
            return
        if recovered.records:
            total = sum((record.cost for record in recovered.records), Decimal(0))
            count = len(recovered.records)
            self.warnings.append(
                f"{count:,} AI call{'s' if count != 1 else ''} had not finished when writers-tui "
                f"last stopped: recorded at {'their' if count != 1 else 'its'} estimate "
                f"({format_usd(total)}); see Costs"
            )
        self.warnings.extend(recovered.problems)

    def _make_session_saver(self, session: Session) -> AutoSaver:
        async def save_session() -> None:
            await self._check_lock()
            await session.save()

        return AutoSaver(
            save_session,
            session.has_changes,
            interval=self.settings.autosave_interval,
            on_state=lambda _state: self._publish_save_state(),
            clock=self._clock,
            # Edits and cursor moves ask for a save: it follows once they pause, and at
            # least every few seconds while the writer keeps going (a kill -9 then loses
            # seconds of cursor, not the autosave interval's worth).
            debounce=SESSION_SETTLE_SECONDS,
            max_delay=SESSION_MAX_DELAY_SECONDS,
        )

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
        self._tasks = [task for task in self._tasks if not task.done()]
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
        """Switch stage: prose is flushed first (rule 6), then the session is saved."""
        if self.read_only:
            return
        session = self._writable_session()
        await self._prose.flush()
        session.set_stage(stage)
        self._save_session_at_once()

    def _request_session_save(self) -> None:
        """Save the session once edits and cursor moves pause (coalesced)."""
        if self._session_saver is not None:
            self._session_saver.request_save()

    def _save_session_at_once(self) -> None:
        """A significant action (stage switched, file opened): saved now, in the background."""
        if self._session_saver is not None:
            self._session_saver.request_save(at_once=True)

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
        words = {path: self._file_words.get(self._relative(path), 0) for path in files}
        return self._tree(self.paths.manuscript, files, words, top_level=False)

    async def bible_files(self) -> list[BinderEntry]:
        """``reference/`` and ``planning/`` (the story bible and the plan) for Creation:
        each top folder at depth 0, then its folders and Markdown files in binder order."""
        return await asyncio.to_thread(self._bible_files)

    def _bible_files(self) -> list[BinderEntry]:
        entries: list[BinderEntry] = []
        for top in (self.paths.reference, self.paths.planning):
            if not top.is_dir():
                continue
            files = markdown_files_under(top, within=self.root)
            words = {path: _count_file(path) for path in files}
            entries.extend(self._tree(top, files, words, top_level=True))
        return entries

    def _tree(
        self, base: Path, files: list[Path], words: dict[Path, int], *, top_level: bool
    ) -> list[BinderEntry]:
        """Folder and file entries under ``base`` in the order of ``files``; a folder's
        words are its files' sum. ``top_level`` lists ``base`` itself as the first folder."""
        shift = 1 if top_level else 0
        entries: list[BinderEntry] = []
        if top_level:
            entries.append(BinderEntry(self._relative(base), base.name, 0, 0, True))
        folder_words: dict[str, int] = {self._relative(base): 0}
        seen: set[str] = set()
        for path in files:
            relative = path.relative_to(base)
            for depth in range(len(relative.parts) - 1):
                folder = self._relative(base / Path(*relative.parts[: depth + 1]))
                folder_words[folder] = folder_words.get(folder, 0) + words[path]
                if folder not in seen:
                    seen.add(folder)
                    entries.append(
                        BinderEntry(folder, relative.parts[depth], 0, depth + shift, True)
                    )
            folder_words[self._relative(base)] += words[path]
            entries.append(
                BinderEntry(
                    self._relative(path),
                    path.stem,
                    words[path],
                    len(relative.parts) - 1 + shift,
                    False,
                )
            )
        return [
            replace(entry, words=folder_words.get(entry.path, 0)) if entry.is_folder else entry
            for entry in entries
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
            self._save_session_at_once()
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
            self._request_session_save()
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
        if self._session.has_changes():
            self._request_session_save()

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
        buffer, kept = await self._buffers.restore_journal(journal)
        path = self._relative(buffer.path)
        if kept is not None:
            self.warnings.append(
                f"{path} had changed since its unsaved text was kept; the newer file is kept "
                f"as {self._relative(kept)}"
            )
        assert self._session is not None
        self._session.open_file(path, *self.cursor_for(path))
        self._request_session_save()
        return path

    async def discard_journal(self, journal_path: str) -> None:
        self._writable_session()
        journal = self._journals.pop(journal_path)
        await asyncio.to_thread(self._buffers.discard_journal, journal)

    # -- the binder: create, rename, move, delete, undo --------------------------------------

    async def create_scene(
        self, title: str, *, after: str | None = None, folder: str | None = None
    ) -> BinderChange:
        """A new scene after ``after`` (its sibling) or at the end of ``folder``."""
        self._check_paths(after, folder)
        return await self._binder_op(
            lambda: manuscript_ops.create_scene(self.root, title, after=after, folder=folder)
        )

    async def create_chapter(self, title: str, *, after: str | None = None) -> BinderChange:
        """A new chapter folder after ``after`` or at the end of the manuscript."""
        self._check_paths(after)
        return await self._binder_op(
            lambda: manuscript_ops.create_chapter(self.root, title, after=after)
        )

    async def rename_entry(self, path: str, title: str) -> BinderChange:
        """A new title for a scene or chapter (its number stays; the text is untouched)."""
        self._check_paths(path)
        return await self._binder_op(lambda: manuscript_ops.rename(self.root, path, title))

    async def move_entry(self, path: str, direction: Literal["up", "down"]) -> BinderChange:
        """Swap places with the entry above or below (same folder)."""
        self._check_paths(path)
        if direction == "up":
            return await self._binder_op(lambda: manuscript_ops.move_up(self.root, path))
        if direction == "down":
            return await self._binder_op(lambda: manuscript_ops.move_down(self.root, path))
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")

    async def move_entry_into(self, path: str, folder: str) -> BinderChange:
        """Move to the end of another chapter (``manuscript`` for the top level)."""
        self._check_paths(path, folder)
        return await self._binder_op(lambda: manuscript_ops.move_into(self.root, path, folder))

    async def delete_entry(self, path: str) -> BinderChange:
        """Move a scene, chapter or bible file to ``.session/trash/`` (undoable).

        Its open buffers are saved first and then closed; if one cannot be saved the
        delete is refused (ValueError), so no unsaved text goes to the trash unseen.
        """
        self._check_paths(path)
        return await self._binder_op(
            lambda: manuscript_ops.delete(self.root, path, now=self._clock()), closing=path
        )

    async def undo_delete(self, trash_id: str | None = None) -> BinderChange:
        """Put a deleted entry back where it was (None: the newest one in the trash)."""
        self._writable_session()
        if trash_id is None:
            entries = await self.trash()
            if not entries:
                raise ValueError("the trash is empty: nothing to undo")
            trash_id = entries[0].id
        chosen = trash_id
        return await self._binder_op(lambda: manuscript_ops.undo_delete(self.root, chosen))

    async def trash(self) -> list[TrashEntry]:
        """What can be restored, newest first."""
        return await asyncio.to_thread(manuscript_ops.trash_entries, self.root)

    def _check_paths(self, *paths: str | None) -> None:
        """Refuse absolute paths and ``..`` before anything runs (the ops check again)."""
        self._writable_session()
        for path in paths:
            if path is not None:
                self.resolve(path)

    def _under(self, path: str) -> list[Buffer]:
        """Open buffers of ``path`` and of everything under it (a folder)."""
        prefix = path.rstrip("/") + "/"
        return [
            buffer
            for buffer in self._buffers.buffers
            if (relative := self._relative(buffer.path)) == path or relative.startswith(prefix)
        ]

    async def _binder_op(
        self,
        work: Callable[[], BinderChange],
        *,
        closing: str | None = None,
        binder_event: bool = True,
    ) -> BinderChange:
        """Run one binder operation and make everything follow it.

        Prose is flushed first, so the renames move files holding the writer's latest
        text; the operation runs in a thread; then buffers, the session's open files,
        word counts and the watcher's expectations follow the change before any event
        is emitted. Edits typed while the thread runs are saved by the prose saver ~1 s
        later, to the buffer's new path (it was re-pointed on the loop before then).
        """
        session = self._writable_session()
        async with self._binder_lock:
            await self._prose.flush()
            if closing is not None:
                unsaved = [b for b in self._under(closing) if b.needs_save]
                if unsaved:
                    names = ", ".join(self._relative(b.path) for b in unsaved)
                    raise ValueError(f"{names}: unsaved text could not be written; not deleted")
            change = await asyncio.to_thread(work)
            self._expect_own(change)
            self._follow(change, session)
            await self._recount_change(change)
            self._request_session_save()
            if binder_event:
                self._emit(BinderChanged(change))
            else:
                for created in change.created:
                    self._emit(FileChanged("created", created))
            self._emit(self.words(self._words_path(change)))
        return change

    def _words_path(self, change: BinderChange) -> str | None:
        """The file a WordsChanged after ``change`` is about: the active file if any."""
        active = self.active_file
        return active if active is not None else next(iter(change.created), None)

    def _expect_own(self, change: BinderChange) -> None:
        until = asyncio.get_running_loop().time() + OWN_CHANGE_SECONDS
        for moved in change.moved:
            self._own_gone[moved.old] = until
            self._own_present[moved.new] = until
        for path in change.deleted:
            self._own_gone[path] = until
        for path in change.created:
            self._own_present[path] = until

    def _follow(self, change: BinderChange, session: Session) -> None:
        """Re-point buffers and the session's files after the app moved or deleted them."""
        for moved in change.moved:
            if moved.is_folder:
                continue
            buffer = self._buffers.get(self.resolve(moved.old))
            if buffer is not None:
                self._buffers.rename(buffer, self.resolve(moved.new))
            if moved.old in self._read_only_paths:
                self._read_only_paths.discard(moved.old)
                self._read_only_paths.add(moved.new)
        for path in change.deleted:
            buffer = self._buffers.get(self.resolve(path))
            if buffer is not None and not buffer.needs_save:  # saved by the flush
                self._buffers.close(buffer)
            self._reported_conflicts.discard(self.resolve(path))
            self._read_only_paths.discard(path)
        data = session.data
        files = [
            entry.model_copy(update={"path": new})
            for entry in data.open_files
            if (new := change.new_path(entry.path)) is not None
        ]
        active = change.new_path(data.active_file) if data.active_file is not None else None
        if active is None and data.active_file is not None:
            active = files[-1].path if files else None
        created = _renamed(data.files_created, change) + [
            path for path in change.created if path not in data.files_created
        ]
        modified = _renamed(data.files_modified, change)
        if (files, active, created, modified) != (
            data.open_files,
            data.active_file,
            data.files_created,
            data.files_modified,
        ):
            data.open_files, data.active_file = files, active
            data.files_created, data.files_modified = created, modified
            session.mark_changed()

    async def _recount_change(self, change: BinderChange) -> None:
        words = self._file_words
        for moved in change.moved:
            if moved.old in words:
                words[moved.new] = words.pop(moved.old)
        for path in change.deleted:
            words.pop(path, None)
        counted = [
            path
            for path in change.created
            if path.startswith(f"{MANUSCRIPT_DIR}/") and path.lower().endswith(".md")
        ]
        counts = await asyncio.to_thread(
            lambda: {path: _count_file(self.resolve(path)) for path in counted}
        )
        words.update(counts)
        if self._session is not None:
            self._session.set_word_count(sum(words.values()))

    async def _is_own_change(
        self, event: FileEvent, path: str, dest: str | None, buffer: Buffer | None
    ) -> bool:
        """Whether a watcher event is the echo of the app's own binder operation.

        Such events are dropped whole (no FileChanged, no recount: the operation already
        did both). A "modified" is an echo only if the file still holds exactly what its
        open buffer last read or wrote, so an outside edit is never mistaken for one.
        """
        now = asyncio.get_running_loop().time()
        for expected in (self._own_gone, self._own_present):
            for stale in [key for key, until in expected.items() if until < now]:
                del expected[stale]
        gone, present = self._own_gone, self._own_present
        if event.kind == "moved":
            return path in gone and dest in present
        if event.kind == "deleted":
            return path in gone
        if event.kind == "created":
            return path in present
        if path not in present or buffer is None or buffer.known_sha256 is None:
            return False
        digest = await asyncio.to_thread(_disk_sha256, event.path)
        return digest == buffer.known_sha256

    # -- snapshots ------------------------------------------------------------------------

    async def _current_text(self, path: str) -> str:
        """The buffer's text when ``path`` is open (unsaved edits included), else the file's."""
        absolute = self.resolve(path)
        buffer = self._buffers.get(absolute)
        if buffer is not None:
            return buffer.text
        try:
            return decode(await asyncio.to_thread(absolute.read_bytes))
        except FileNotFoundError:
            raise ValueError(f"{path}: no such file") from None

    async def take_snapshot(self, path: str, *, label: str | None = None) -> SnapshotInfo:
        """Keep the current text of ``path`` (the buffer's when open) as a snapshot."""
        self._writable_session()
        return await self._snapshot(path, label=label)

    async def _snapshot(
        self, path: str, *, label: str | None, bulk_id: str | None = None
    ) -> SnapshotInfo:
        text = await self._current_text(path)
        return await asyncio.to_thread(
            snapshots.take_snapshot,
            self.root,
            path,
            text,
            label=label,
            bulk_id=bulk_id,
            now=self._clock(),
        )

    async def snapshots(self, path: str) -> list[SnapshotInfo]:
        """The snapshots of ``path``, newest first."""
        self.resolve(path)
        return await asyncio.to_thread(snapshots.list_snapshots, self.root, path)

    async def diff_snapshot(self, path: str, snapshot_id: str) -> TextDiff:
        """From a snapshot to the current text (the buffer's, unsaved edits included)."""
        current = await self._current_text(path)
        return await asyncio.to_thread(
            snapshots.diff_snapshot, self.root, path, snapshot_id, current
        )

    async def restore_snapshot(self, path: str, snapshot_id: str) -> str:
        """Put a snapshot's text back; returns it (the buffer's text now).

        The current text is snapshotted first ("before restore"), so a restore is itself
        undoable. The text goes into the buffer as an edit, so it is saved with the usual
        rules (conflict check, journal on failure) within ~1 s.
        """
        self._writable_session()
        if path in self._read_only_paths:
            raise ReadOnlyError(f"{path} links outside the project and is open read-only")
        text = await asyncio.to_thread(snapshots.read_snapshot, self.root, path, snapshot_id)
        await self.take_snapshot(path, label=BEFORE_RESTORE_LABEL)
        buffer = await self._buffers.open(self.resolve(path))
        self._set_buffer_text(path, buffer, text)
        self._emit(FileChanged("modified", path, reloaded=True))
        self._emit(self.words(path))
        return text

    def _set_buffer_text(self, path: str, buffer: Buffer, text: str) -> None:
        """Replace a buffer's text as an edit would: dirty, saved by the prose saver."""
        buffer.set_text(text)
        if self._session is not None:
            self._session.mark_file_modified(path)
        if path.startswith(f"{MANUSCRIPT_DIR}/"):
            self._file_words[path] = count_words(text)
            if self._session is not None:
                self._session.set_word_count(sum(self._file_words.values()))
        self._publish_save_state()

    # -- search and replace ---------------------------------------------------------------

    def _open_texts(self) -> dict[str, str]:
        return {self._relative(buffer.path): buffer.text for buffer in self._buffers.buffers}

    async def _texts_of(self, paths: Iterable[str]) -> dict[str, str]:
        texts: dict[str, str] = {}
        for path in paths:
            with contextlib.suppress(ValueError):  # gone since: stale, reported by the caller
                texts[path] = await self._current_text(path)
        return texts

    async def search(
        self,
        query: str,
        *,
        whole_word: bool = False,
        case_sensitive: bool = False,
        regex: bool = False,
    ) -> list[Match]:
        """Every match in manuscript/, reference/ and planning/ (open buffers' text wins).

        A bad query (empty, invalid regex) is :class:`SearchError`, one line.
        """
        open_texts = self._open_texts()

        def run() -> list[Match]:
            texts = search_replace.project_texts(self.root, open_texts)
            return search_replace.search(
                texts, query, whole_word=whole_word, case_sensitive=case_sensitive, regex=regex
            )

        return await asyncio.to_thread(run)

    async def plan_replace(
        self, matches: Sequence[Match], replacement: str, *, preserve_case: bool = False
    ) -> ReplacePlan:
        """What replacing ``matches`` would do (preview); :class:`StaleMatchError` when a
        file changed since the search."""
        texts = await self._texts_of(dict.fromkeys(match.path for match in matches))
        return await asyncio.to_thread(
            search_replace.plan_replace, texts, matches, replacement, preserve_case=preserve_case
        )

    async def apply_replace(self, plan: ReplacePlan) -> ReplacePlan:
        """Apply a plan: each file is snapshotted (tagged ``plan.bulk_id``, kept while the
        replace is undoable) and saved now through its buffer, so the usual conflict
        rules hold. Refused whole (:class:`StaleMatchError`, nothing written) when a file
        changed since the plan was made.

        Returns the plan with its snapshot ids: the one :meth:`undo_replace` undoes.
        """
        self._writable_session()
        paths = [planned.path for planned in plan.files]
        self._check_writable_files(paths)
        stale = plan.stale(await self._texts_of(paths))
        if stale:
            raise StaleMatchError(f"changed since the search: {', '.join(stale)}; search again")
        label = f"before replacing with {plan.replacement!r}"
        ids: dict[str, str] = {}
        for path in paths:
            ids[path] = (await self._snapshot(path, label=label, bulk_id=plan.bulk_id)).id
        if self._last_replace is not None:  # only the last replace is undoable
            await self._release(self._last_replace)
        applied = plan.with_snapshots(ids)
        for planned in plan.files:
            await self._write_now(planned.path, planned.new_text)
        self._last_replace = applied
        self._emit(self.words(self.active_file))
        return applied

    async def undo_replace(self) -> list[str]:
        """Undo the last replace from its snapshots; returns the files left as they are
        because they changed since (undoing those would lose that edit)."""
        self._writable_session()
        plan = self._last_replace
        if plan is None:
            raise ValueError("no replace to undo")
        paths = [planned.path for planned in plan.files]
        self._check_writable_files(paths)
        blocked = plan.undo_blockers(await self._texts_of(paths))
        for path in paths:
            if path in blocked:
                continue
            text = await asyncio.to_thread(
                snapshots.read_snapshot, self.root, path, plan.snapshot_ids[path]
            )
            await self._write_now(path, text)
        self._last_replace = None
        await self._release(plan)
        self._emit(self.words(self.active_file))
        return blocked

    async def _release(self, plan: ReplacePlan) -> None:
        """The replace can no longer be undone: its snapshots are bounded like the rest."""
        paths = list(plan.snapshot_ids)
        await asyncio.to_thread(snapshots.release_bulk, self.root, paths, plan.bulk_id)

    def _check_writable_files(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.resolve(path)
            if path in self._read_only_paths:
                raise ReadOnlyError(f"{path} links outside the project and is open read-only")

    async def _write_now(self, path: str, text: str) -> None:
        """Put ``text`` in ``path``'s buffer (opened for it if need be) and save it now,
        through the one code that writes prose (conflict copy, journal on failure).

        An open file's editor is told (``FileChanged(reloaded=True)``); a buffer opened
        only for this is closed again once its text is on disk.
        """
        absolute = self.resolve(path)
        was_open = self._buffers.get(absolute) is not None
        buffer = await self._buffers.open(absolute)
        self._set_buffer_text(path, buffer, text)
        result = await self._buffers.save(buffer)
        self._on_save_result(result)
        self._publish_save_state()
        if was_open:
            self._emit(FileChanged("modified", path, reloaded=True))
        elif not buffer.needs_save:
            self._buffers.close(buffer)

    # -- the story bible ------------------------------------------------------------------

    async def bible_issues(self) -> list[BibleIssue]:
        """Characters without goal, flaw or arc; beats without scenes; unknown POVs."""
        open_texts = self._open_texts()
        return await asyncio.to_thread(bible.project_completeness, self.root, open_texts)

    async def create_entry(
        self, kind: EntryKind, title: str, *, after: str | None = None
    ) -> BinderChange:
        """A character, place, beat sheet or chapter from its template.

        A chapter is a binder change (:class:`BinderChanged`); the others are new files in
        ``reference/`` or ``planning/`` (:class:`FileChanged` ``created``).
        """
        self._check_paths(after)
        if kind not in bible.ENTRY_KINDS:
            raise ValueError(f"unknown entry kind {kind!r}; one of {', '.join(bible.ENTRY_KINDS)}")
        return await self._binder_op(
            lambda: bible.create_entry(self.root, kind, title, after=after),
            binder_event=kind == "chapter",
        )

    # -- costs ----------------------------------------------------------------------------

    def _tracker(self) -> CostTracker:
        if self._costs is None:
            raise RuntimeError("resolve the interrupted session first")
        return self._costs

    async def cost_totals(self, period: Period) -> CostTotals:
        """Totals for session / day / week / month (local calendar) / all."""
        return await asyncio.to_thread(self._tracker().totals, period)

    async def budget_usage(self) -> list[BudgetUsage]:
        """Each configured limit and what its period spent (``ratio``, ``label``)."""
        return await asyncio.to_thread(self._tracker().budget_usage)

    async def cost_breakdown(self, by: BreakdownKey, period: Period) -> dict[str, CostTotals]:
        """The period split by model, operation (biggest first) or local day (by date)."""
        return await asyncio.to_thread(self._tracker().breakdown, by, period)

    async def cost_records(self, *, limit: int = 500) -> list[LedgerRecord]:
        """The newest ledger records, newest first (read from the end of the ledger)."""
        return await asyncio.to_thread(recent_records, self._tracker().ledger, limit)

    async def add_expense(
        self,
        model: str,
        input_tokens: int,
        output_tokens: int,
        *,
        cached_tokens: int = 0,
        operation: str = "manual",
    ) -> LedgerRecord:
        """Record an expense made outside the app, exactly as ``writers-tui costs add``.

        Bad input is :class:`ExpenseError` (one line naming the input; nothing written).
        Emits :class:`CostRecorded`, and :class:`BudgetWarning` the first time a budget
        period passes its warn ratio.
        """
        self._writable_session()
        tracker = self._tracker()
        price = pricing.pricer(self.settings.providers)
        before = self._known_session_total
        recorded = await asyncio.to_thread(
            record_expense,
            tracker,
            price,
            model,
            input_tokens,
            output_tokens,
            cached_tokens=cached_tokens,
            operation=operation,
        )
        self.warnings.extend(recorded.warnings)
        await self._costs_changed(before, recorded.budget_warning)
        return recorded.record

    async def _costs_changed(self, before: Decimal, budget_warning: str | None) -> None:
        """This process recorded a cost: the status bar hears of it now, not at the poll."""
        total = await asyncio.to_thread(self._session_total)
        self._known_session_total = total
        self._emit(CostRecorded(total - before, total))
        if budget_warning:
            self._emit(BudgetWarning(budget_warning))

    # -- AI ---------------------------------------------------------------------------------

    @property
    def ai(self) -> WorkspaceAI:
        """The project's AI operations (docs/ai.md); built on first use."""
        if self._ai is None:
            self._tracker()  # the interrupted session must be settled first
            self._ai = WorkspaceAI(
                self.root,
                settings=lambda: self.settings,
                tracker=self._tracker,
                environ=self._environ,
                read_only=self.read_only,
                on_outcome=self._on_ai_outcome,
                remember_query=self._remember_query,
            )
        return self._ai

    def _on_ai_outcome(self, outcome: CallOutcome) -> None:
        if outcome.record is None:
            return
        if self._session is not None and not self.read_only:
            self._session.count_operation(outcome.record.operation)
            self._request_session_save()
        self._spawn(self._costs_changed(self._known_session_total, outcome.budget_warning))

    def _remember_query(self, question: str) -> None:
        if self._session is not None and not self.read_only:
            self._session.add_recent_query(question, source="ask")
            self._request_session_save()

    async def export_costs_csv(self, destination: Path | None = None) -> Path:
        """Write ``costs --csv`` durably; returns where.

        The default is ``output/costs-YYYY-MM-DD.csv`` (local date) in the project. A
        relative ``destination`` is inside the project; an absolute one is wherever the
        writer chose (read-only mode may export outside the project, never into it).
        """
        if destination is None:
            day = self._clock().astimezone().date().isoformat()
            target = self.root / OUTPUT_DIR / f"costs-{day}.csv"
        elif destination.is_absolute():
            target = destination
        else:
            target = self.resolve(destination.as_posix())
        if self.read_only and not self._points_outside(target):
            raise ReadOnlyError(f"{self.root.name} is open read-only; export outside it")
        tracker = self._tracker()

        def export() -> None:
            atomic_write_text(target, costs_csv(cost_report(tracker, "month", None)))

        await asyncio.to_thread(export)
        return target

    # -- history --------------------------------------------------------------------------

    async def history(self) -> list[HistoryEntry]:
        """The last sessions (up to 20), newest first."""
        entries = await asyncio.to_thread(SessionHistory(self.root).entries)
        return entries[::-1]

    async def history_summary(self) -> HistorySummary:
        """Words per day, streaks and totals, the live session included."""
        entries = await asyncio.to_thread(SessionHistory(self.root).entries)
        live = None
        if self._session is not None:
            data = self._session.data
            live = LiveSession(
                start_time=data.created_at,
                words_written=self.words().session_words,
                duration_minutes=self.duration_minutes,
            )
            # A continued session may be in the history already (as interrupted).
            entries = [entry for entry in entries if entry.session_id != data.session_id]
        today = self._clock().astimezone().date()
        return history_stats.summarize(entries, today=today, live=live)

    # -- settings -------------------------------------------------------------------------

    async def update_setting(self, key: str, value: object) -> Settings:
        """Save one project setting (dotted ``key``) durably and apply it now.

        Refused with :class:`SettingsError` (one line naming the key, nothing written):
        an unknown key, a bad value, and user-level-only keys (``providers.*``,
        ``editor.*``). Emits :class:`SettingsChanged`.
        """
        self._writable_session()
        loaded = await asyncio.to_thread(
            save_project_setting, self.root, key, value, environ=self._environ
        )
        old, new = self.settings, loaded.settings
        self.settings = new
        if new.autosave_interval != old.autosave_interval and self._session is not None:
            await self._replace_session_saver(self._session)
        if new.budget != old.budget or new.providers != old.providers:
            session_id = self._session.session_id if self._session is not None else ""
            self._costs = await asyncio.to_thread(self._make_costs, session_id, False)
        self._emit(SettingsChanged(new, list(loaded.warnings)))
        if new.goals != old.goals:
            self._emit(self.words(self.active_file))
        return new

    # -- analysis (Analyzing, Scoring and Enhancing stages) -----------------------------

    def _live_analysis(self) -> LiveAnalysis:
        settings = project_settings_from(self.settings.analysis)
        if self._analysis is None or self._analysis.settings != settings:
            self._analysis = LiveAnalysis(self.paths, settings, read_only=self.read_only)
        return self._analysis

    async def _sources(self) -> list[SourceFile]:
        """The manuscript in binder order; open buffers' texts win over the disk."""
        files = await asyncio.to_thread(manuscript_files, self.root)
        open_texts = {self._relative(buffer.path): buffer.text for buffer in self._buffers.buffers}
        return await asyncio.to_thread(self._read_sources, files, open_texts)

    def _read_sources(self, files: list[Path], open_texts: dict[str, str]) -> list[SourceFile]:
        sources: list[SourceFile] = []
        for file in files:
            path = self._relative(file)
            text = open_texts.get(path)
            if text is None:
                try:
                    text, _warning = read_source(file)
                except (AnalysisInputError, NotTextError):
                    continue
            chapter = file.parent.name if file.parent != self.paths.manuscript else file.stem
            sources.append(SourceFile(path=path, text=text, chapter=chapter))
        return sources

    async def analyze_manuscript(self, progress: Progress | None = None) -> ManuscriptAnalysis:
        """The whole manuscript, measured in a thread; ``progress(done, total)`` is called
        on the loop after each file. Incremental: unchanged files come from the cache."""
        sources = await self._sources()
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> None:
            if progress is not None:
                loop.call_soon_threadsafe(progress, done, total)

        async with self._analysis_lock:
            live = self._live_analysis()
            return await asyncio.to_thread(live.manuscript, sources, report)

    async def analyze_file(self, path: str) -> FileResult:
        """One file (its buffer's text when open): flags with spans, measurements, score."""
        absolute = self.resolve(path)
        buffer = self._buffers.get(absolute)
        if buffer is not None:
            text = buffer.text
        else:
            text, _warning = await asyncio.to_thread(read_source, absolute)
        chapter = absolute.parent.name
        async with self._analysis_lock:
            live = self._live_analysis()
            return await asyncio.to_thread(live.file, SourceFile(path, text, chapter))

    async def score_trend(self) -> list[dict[str, Any]]:
        """``output/reports/scores.jsonl``, oldest first (what ``writers-tui analyze`` logs)."""
        return await asyncio.to_thread(read_score_trend, self.paths)

    async def write_report(self) -> Path:
        """The Markdown analysis report, written to ``output/reports/``; returns its path."""
        if self.read_only:
            raise ReadOnlyError(f"{self.root.name} is open read-only; nothing can be written")
        analysis = await self.analyze_manuscript()
        now = self._clock().astimezone()
        live = self._live_analysis()
        return await asyncio.to_thread(live.report, analysis, self.root.name, now)

    async def kept_flags(self, path: str) -> frozenset[str]:
        """The keys of the flags the writer kept in ``path``."""
        keeps = await self._kept()
        return keeps.of(path)

    async def keep_flag(self, path: str, key: str, *, kept: bool = True) -> None:
        """Remember (or forget) that a flag is deliberate."""
        self._writable_session()
        self.resolve(path)
        keeps = await self._kept()
        await asyncio.to_thread(keeps.set, path, key, kept)

    async def _kept(self) -> KeptFlags:
        if self._keeps is None:
            self._keeps = await asyncio.to_thread(
                partial(KeptFlags, self.root, read_only=self.read_only)
            )
            self.warnings.extend(self._keeps.warnings)
        return self._keeps

    async def _replace_session_saver(self, session: Session) -> None:
        """A new schedule for the session saver (AutoSaver's interval is fixed): the old
        one stops after saving what it had, the new one starts at once."""
        old = self._session_saver
        self._session_saver = self._make_session_saver(session)
        if old is not None:
            await old.stop(final_save=True)
        self._session_saver.start()
        self._publish_save_state()

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
        if await self._is_own_change(event, path, dest, buffer):
            return
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
        self._known_session_total = await asyncio.to_thread(self._session_total)
        while True:
            await asyncio.sleep(COST_REFRESH_SECONDS)
            await self.refresh_costs(self._known_session_total)

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
        self._known_session_total = total
        self._emit(CostRecorded(total - before, total))
        if not self.read_only:
            warning = await asyncio.to_thread(costs.should_warn_budget)
            if warning:
                self._emit(BudgetWarning(warning))

    # -- closing --------------------------------------------------------------------------

    async def close(self) -> bool:
        """Final save of prose and session, a history entry, the lock released.

        Returns False when some prose could only be journaled (the status said so).
        Raises ``OSError`` when the session's final writes failed (disk full …): the
        lock is then still held, so no other writers-tui can take the session; call
        ``close()`` again once the writer freed space, or :meth:`abandon` to quit anyway.
        """
        if self._closed:
            return True
        prose_ok = await self._stop()
        if self.read_only or self._manager is None:
            self._closed = True
            return True
        if self._session is None:  # interrupted and never resolved: leave it for next time
            await asyncio.to_thread(self._manager.lock.release)
            self._closed = True
            return True
        total = await asyncio.to_thread(self._session_total)
        await asyncio.to_thread(self._manager.close, total_cost=total)
        self._closed = True
        return prose_ok and self._prose_ok

    async def abandon(self) -> None:
        """Quit without a clean close, after :meth:`close` raised and the writer chose to.

        Prose is flushed once more (text that cannot be written goes to journals), the
        lock is dropped, and the session stays *interrupted*: the next start offers to
        recover it. Never raises for the disk.
        """
        if self._closed:
            return
        await self._stop()
        if self._manager is not None and not self.read_only:
            await asyncio.to_thread(self._manager.abandon)
        self._closed = True

    async def _stop(self) -> bool:
        """Stop background work and the savers, with a final prose save (once)."""
        if self._stopped:
            return self._prose_ok
        self._stopped = True
        if self._ai is not None:
            await self._ai.aclose()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._watcher is not None:
            await self._watcher.stop()
        if self.read_only or self._session is None:
            return True
        self._prose_ok = await self._prose.stop(final_save=True)
        assert self._session_saver is not None
        await self._session_saver.stop(final_save=False)
        return self._prose_ok

    async def _check_lock(self) -> None:
        """Warn (once per replacement) when ``.session/lock`` was swapped behind us."""
        if self._manager is None:
            return
        warning = await asyncio.to_thread(self._manager.check_lock)
        if warning is not None:
            log.warning("%s", warning)
            self.warnings.append(warning)
            self._emit(LockWarning(warning))

    @property
    def duration_minutes(self) -> int:
        data = self.session_data
        return minutes_between(data.created_at, self._clock())


def _count_file(path: Path) -> int:
    try:
        return count_words(decode(path.read_bytes()))
    except OSError:
        return 0


def _disk_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _renamed(paths: Sequence[str], change: BinderChange) -> list[str]:
    """``paths`` where ``change`` put them (those it trashed left out)."""
    return [new for path in paths if (new := change.new_path(path)) is not None]
