"""The writing studio's App: modes, keys, the palette, and the Workspace's events.

Build it with :func:`make_app`. The App is the only part of the UI that holds the
Workspace: it opens the project (with the read-only offer and the recovery dialog when
needed, or the welcome screen for a folder that is not a project), turns the workspace's
events into :class:`~writers_tui.ui.status.StatusData` that every screen's status bar
shows, and runs the long steps in workers. Every failed worker goes through the one
:meth:`WritersApp.on_worker_state_changed` route (notify + log).

Keys: each ``Binding`` has an id (``config.BINDING_IDS``) and ``settings.keymap`` remaps
them through :meth:`App.set_keymap`. The place keys and ctrl+s are priority bindings so
they work while typing (the editor binds F5–F7 itself otherwise).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from writers_tui.observability.logging import (
    configure_logging,
    current_log_path,
    get_logger,
    session_log_path,
    shutdown_logging,
)
from writers_tui.paths import user_data_dir
from writers_tui.project import ProjectError, make_demo, new_project, template_names
from writers_tui.ui import lifecycle
from writers_tui.ui.ai_models import model_commands, stage_of
from writers_tui.ui.bridge import listener_for, words_message
from writers_tui.ui.commands import PaletteCommand, StudioCommands
from writers_tui.ui.messages import (
    BinderChangedMessage,
    BinderStale,
    BudgetWarned,
    BufferJournaled,
    CostUpdated,
    FileChangedOutside,
    LockWarned,
    ReloadFile,
    SaveStateUpdated,
    SettingsUpdated,
    WordsUpdated,
)
from writers_tui.ui.modals.ask_bible import AskBible
from writers_tui.ui.modals.close_failed import CloseChoice, CloseFailed, one_line
from writers_tui.ui.modals.conflict import ConflictChoice, ConflictDialog
from writers_tui.ui.modals.help import HelpScreen, KeyRow
from writers_tui.ui.modals.read_only import ReadOnlyChoice, ReadOnlyOffer
from writers_tui.ui.modals.recovery import RecoveryDecision, RecoveryDialog
from writers_tui.ui.modals.search_replace import SearchReplaceScreen, SearchTools, undo_last_replace
from writers_tui.ui.ports import Opener, WorkspaceLike
from writers_tui.ui.recent import load_recent_async, remember_async
from writers_tui.ui.screens.analyzing import AnalyzingScreen
from writers_tui.ui.screens.costs import CostsScreen
from writers_tui.ui.screens.creation import CreationScreen
from writers_tui.ui.screens.enhancing import EnhancingScreen
from writers_tui.ui.screens.history import HistoryScreen
from writers_tui.ui.screens.preferences import PreferencesScreen
from writers_tui.ui.screens.scoring import OpenAtLine, ScoringScreen
from writers_tui.ui.screens.start import StartScreen
from writers_tui.ui.screens.welcome import WelcomeChoice, WelcomeScreen
from writers_tui.ui.screens.writing import BINDER_ACTIONS, WritingScreen, title_of
from writers_tui.ui.stages import DEFAULT_STAGE, PLACES, PLACES_BY_MODE, place, stage_title
from writers_tui.ui.status import BudgetView, StatusData, budget_view
from writers_tui.ui.themes import register_all
from writers_tui.ui.widgets.binder import Binder
from writers_tui.values import utc_now
from writers_tui.workspace import NotAProject, ProjectHeld, Workspace

log = get_logger("ui.app")

START_MODE = "start"


#: The screen of each place.
SCREENS: dict[str, Callable[[], Screen[Any]]] = {
    "creation": CreationScreen,
    "writing": WritingScreen,
    "enhancing": EnhancingScreen,
    "analyzing": AnalyzingScreen,
    "scoring": ScoringScreen,
    "costs": CostsScreen,
    "history": HistoryScreen,
    "preferences": PreferencesScreen,
}


def _place_screen(mode: str) -> Screen[Any]:
    return SCREENS[mode]()


def _modes() -> dict[str, Callable[[], Screen[Any]]]:
    modes: dict[str, Callable[[], Screen[Any]]] = {START_MODE: StartScreen}
    for entry in PLACES:
        modes[entry.mode] = partial(_place_screen, entry.mode)
    return modes


def _bindings() -> list[BindingType]:
    bindings: list[BindingType] = [
        Binding(
            entry.key,
            f"app.go('{entry.mode}')",
            entry.title,
            id=entry.binding_id,
            priority=True,
            tooltip=entry.summary,
        )
        for entry in PLACES
    ]
    bindings += [
        Binding("ctrl+s", "save", "Save now", id="save", priority=True, show=False),
        Binding(
            "ctrl+p", "command_palette", "Palette", id="command_palette", priority=True, show=False
        ),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
        Binding("f9", "focus_mode", "Focus", id="focus_mode", priority=True),
        Binding(
            "ctrl+shift+f",
            "search_replace",
            "Search & replace",
            id="search_replace",
            priority=True,
            show=False,
        ),
        Binding(
            "alt+q",
            "ask_bible",
            "Ask the bible",
            id="ai.ask",
            priority=True,
            show=False,
            tooltip="AI: ask the story bible and planning notes a question",
        ),
        Binding("question_mark", "help", "Keys", id="help", show=False),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]
    return bindings


#: Descriptions of the actions that are not places, for the palette and the help screen.
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("save", "Save now", "Write every open file and the session to disk now (ctrl+s)"),
    ("focus_mode", "Focus mode", "Only the text, the status line and the word goal"),
    ("help", "Keys", "List the keys in force"),
    (
        "search_replace",
        "Search & replace across files",
        "Find in every manuscript, reference and planning file; replace one or all",
    ),
    ("undo_replace", "Undo replace across files", "Put back every file the last replace changed"),
    (
        "ask_bible",
        "Ask the story bible (AI)",
        "A question about your book, answered from reference/ and planning/",
    ),
    ("quit", "Quit", "Save everything and quit"),
)


#: What the writer is told a failed worker was doing (by its group), never its code name.
TASK_TITLES: dict[str, str] = {
    "startup": "opening the project",
    "budget": "checking the budget",
    "conflict": "settling the outside change",
    "save": "saving",
    "stage": "recording the stage",
    "quit": "quitting",
    "open-file": "opening the file",
    "binder-palette": "the binder operation",
}


def task_title(group: str, name: str) -> str:
    """A failed worker's task in words (``_startup`` → "opening the project")."""
    if group in TASK_TITLES:
        return TASK_TITLES[group]
    words = (group if group and group != "default" else name).strip("_").replace("_", " ")
    return words.replace("-", " ") or "a background task"


async def open_workspace(root: Path, read_only: bool) -> WorkspaceLike:
    """The default opener: the real :class:`Workspace`."""
    return await Workspace.open(root, read_only=read_only)


class WritersApp(App[int], inherit_bindings=False):
    """The studio. Construct it with :func:`make_app`."""

    CSS_PATH = "app.tcss"
    TITLE = "writers-tui"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = _modes()  # type: ignore[assignment]
    BINDINGS: ClassVar[list[BindingType]] = _bindings()
    COMMANDS = App.COMMANDS | {StudioCommands}

    status: reactive[StatusData] = reactive(StatusData, always_update=True, init=False)
    words: reactive[WordsUpdated | None] = reactive(None, always_update=True, init=False)

    def __init__(
        self,
        settings: Any,
        workspace: WorkspaceLike | None = None,
        *,
        root: Path | None = None,
        opener: Opener = open_workspace,
        clock: Callable[[], datetime] = utc_now,
        debug: bool = False,
        handle_signals: bool = True,
        shown_root: str | None = None,
    ) -> None:
        super().__init__()
        self._theme_warnings = register_all(self)  # before any setting names a theme
        self.settings = settings
        self.workspace: WorkspaceLike | None = workspace
        self.project_root: Path | None = workspace.root if workspace is not None else root
        self.opener = opener
        self.clock = clock
        self.debug_logging = debug
        self.handle_signals = handle_signals
        #: How the welcome screen names the folder (tests pass a fixed name: no machine paths).
        self.shown_root = shown_root
        self.writing_signal: Signal[object] = Signal(self, "writing")
        self._unsubscribe: Callable[[], None] | None = None
        self._uninstall_signals: Callable[[], None] | None = None
        self._quitting = False
        self._budget_warned = False
        #: The conflict dialog open for each file (None while it is being built): one per file.
        self._conflicts: dict[str, ConflictDialog | None] = {}
        #: The budget part of the status bar (None: no limit set, or not known yet).
        self.budget_state: BudgetView | None = None

    # -- settings, kept in one place -------------------------------------------------------

    def _apply_settings(self, settings: Any) -> None:
        """Theme and keymap from the settings (anything else is read where it is used)."""
        theme = getattr(settings, "theme", None)
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            log.warning("unknown_theme", theme=theme)
        # Always: resetting the last remapped key must take effect too.
        self.set_keymap(dict(getattr(settings, "keymap", {}) or {}))

    def _daily_goal(self) -> int | None:
        goals = getattr(self.settings, "goals", None)
        return getattr(goals, "daily_words", None) or None

    def _warn_ratio(self) -> float:
        budget = getattr(self.settings, "budget", None)
        return float(getattr(budget, "warn_ratio", 0.8) or 0.8)

    @work(exclusive=True, group="budget", exit_on_error=False)
    async def refresh_budget(self) -> None:
        """Ask the workspace how much of each budget limit is spent; show the tightest."""
        workspace = self.workspace
        if workspace is None:
            return
        usage = await workspace.budget_usage()
        self.budget_state = budget_view(usage, self._warn_ratio(), warned=self._budget_warned)
        self.status = self.status.with_(budget=self.budget_state)

    # -- start-up -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from ()

    async def on_mount(self) -> None:
        self._log_to(session_log_path(None))
        for warning in self._theme_warnings:
            self.notify(warning, severity="warning", timeout=10)
        self._apply_settings(self.settings)
        if self.handle_signals:
            self._uninstall_signals = lifecycle.install_stop_handlers(
                asyncio.get_running_loop(), self._on_stop_signal
            )
        await self.switch_mode(START_MODE)
        self._startup()

    def _log_to(self, path: Path) -> None:
        try:
            used = configure_logging(path, self.debug_logging)
        except OSError as error:
            self.notify(f"Logs cannot be written: {error}", severity="warning")
            return
        log.info("logging", path=str(used))

    @work(exclusive=True, group="startup", exit_on_error=False)
    async def _startup(self) -> None:
        try:
            if self.workspace is not None:
                await self._attach_workspace(self.workspace)
                return
            if self.project_root is None:
                self.project_root = Path.cwd()
            await self._open_project(self.project_root)
        except Exception as error:  # OSError/UnsafePath above all: never a dead "Opening…"
            await self._open_failed(error)

    async def _open_failed(self, error: BaseException) -> None:
        """The project could not be opened: say why and where the log is; q quits."""
        name = self.project_root.name if self.project_root is not None else "the project"
        log.error(
            "open_failed",
            root=str(self.project_root),
            exc_info=(type(error), error, error.__traceback__),
        )
        if self.workspace is not None and self._unsubscribe is not None:
            self._teardown()
        where = current_log_path()
        line = f"writers-tui could not open {name}: {one_line(error)}"
        if not isinstance(self.screen, StartScreen):
            await self.switch_mode(START_MODE)
            while len(self.screen_stack) > 1:
                self.pop_screen()
        screen = self.screen
        if isinstance(screen, StartScreen):
            screen.fail(line, str(where) if where else None)

    def open_failed_exit(self, message: str) -> None:
        """q on the failure screen: leave with return code 2 and the one line printed."""
        shutdown_logging()
        self.exit(return_code=2, message=message)

    async def _open_project(self, root: Path) -> None:
        """Open ``root``: held elsewhere → the read-only offer; not a project → welcome."""
        self._say(f"Opening {root.name}…")
        try:
            workspace = await self.opener(root, False)
        except NotAProject:
            await self._welcome(root)
            return
        except ProjectHeld as held:
            choice: ReadOnlyChoice = await self.push_screen_wait(
                ReadOnlyOffer(root.name, held.holder)
            )
            if choice != "read-only":
                self.exit(0)
                return
            workspace = await self.opener(root, True)
        await self._attach_workspace(workspace)

    async def _welcome(self, folder: Path, error: str | None = None) -> None:
        recent = await load_recent_async()
        choice: WelcomeChoice = await self.push_screen_wait(
            WelcomeScreen(
                folder, template_names(), recent, shown_folder=self.shown_root, error=error
            )
        )
        try:
            if choice.action == "create":
                target = choice.path or folder
                root = await asyncio.to_thread(
                    new_project, target, choice.template or "novel", choice.title
                )
            elif choice.action == "demo":
                root = await asyncio.to_thread(make_demo, user_data_dir() / "demo")
            elif choice.action == "open" and choice.path is not None:
                root = choice.path
            else:
                self.exit(0)
                return
        except ProjectError as problem:
            await self._welcome(folder, error=str(problem))
            return
        self.project_root = root
        await self._open_project(root)

    async def _attach_workspace(self, workspace: WorkspaceLike) -> None:
        """The project is open: log into it, listen to it, settle any recovery, show it."""
        self.workspace = workspace
        self.project_root = workspace.root
        self.settings = workspace.settings
        self._apply_settings(self.settings)
        self._log_to(session_log_path(workspace.root, read_only=workspace.read_only))
        log.info("project_open", root=str(workspace.root), read_only=workspace.read_only)
        self._unsubscribe = workspace.subscribe(listener_for(self))
        for warning in workspace.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if workspace.recovery is not None:
            decision: RecoveryDecision = await self.push_screen_wait(
                RecoveryDialog(workspace.recovery, clock=self.clock)
            )
            shown = len(workspace.warnings)
            await self._settle_recovery(workspace, decision)
            for warning in workspace.warnings[shown:]:  # e.g. AI calls the crash cut off
                self.notify(warning, severity="warning", timeout=15)
        if not workspace.read_only:
            await remember_async(workspace.root)
        self.status = StatusData(
            save=workspace.save_state,
            session_cost=workspace.session_cost,
            read_only=workspace.read_only,
            daily_goal=workspace.daily_goal or None,
            budget=self.budget_state,
        )
        self.refresh_budget()
        self.words = words_message(workspace.words(workspace.active_file))
        self._apply_words(self.words)
        stage = str(getattr(workspace.stage, "value", workspace.stage))
        await self.switch_mode(stage if stage in PLACES_BY_MODE else DEFAULT_STAGE)
        self.call_after_refresh(lifecycle.freeze_long_lived)
        if workspace.read_only:
            self.notify(
                "Read-only: this project is open in another window. Nothing you do here is saved.",
                severity="warning",
                timeout=10,
            )

    async def _settle_recovery(self, workspace: WorkspaceLike, decision: RecoveryDecision) -> None:
        if decision.action == "fresh":
            await workspace.start_fresh()
            log.info("recovery", action="fresh")
            return
        await workspace.continue_session()
        for journal in decision.restore:
            path = await workspace.restore_journal(journal)
            log.info("journal_restored", journal=journal, path=str(path))
        log.info("recovery", action="continue", restored=len(decision.restore))

    def _say(self, message: str) -> None:
        screen = self.screen
        if isinstance(screen, StartScreen):
            screen.say(message)

    # -- the workspace's events -------------------------------------------------------------

    @on(SaveStateUpdated)
    def _save_state(self, message: SaveStateUpdated) -> None:
        self.status = self.status.with_(save=message.state)

    @on(WordsUpdated)
    def _words(self, message: WordsUpdated) -> None:
        self.words = message
        self._apply_words(message)

    def _apply_words(self, words: WordsUpdated) -> None:
        self.status = self.status.with_(
            session_words=words.session_words,
            day_words=words.day_words,
            daily_goal=words.daily_goal,
        )

    @on(CostUpdated)
    def _cost(self, message: CostUpdated) -> None:
        self.status = self.status.with_(session_cost=message.session_total)
        self.refresh_budget()

    @on(BudgetWarned)
    def _budget(self, message: BudgetWarned) -> None:
        self._budget_warned = True
        self.refresh_budget()
        self.notify(message.message, title="Budget", severity="warning", timeout=15)

    @on(SettingsUpdated)
    def _settings_changed(self, message: SettingsUpdated) -> None:
        """Preferences saved a setting: theme, keymap and budget take effect at once."""
        self.settings = message.settings
        self._apply_settings(message.settings)
        for warning in message.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self.refresh_budget()

    @on(OpenAtLine)
    def _open_at_line(self, message: OpenAtLine) -> None:
        """A violation or flag elsewhere: show it in the Writing stage, at its line."""
        self.open_in_writing(message.path, message.line, message.column)

    @on(LockWarned)
    def _lock_warned(self, message: LockWarned) -> None:
        log.warning("lock_warning", message=message.message)
        self.notify(message.message, title="Project lock", severity="warning", timeout=15)

    @on(BinderChangedMessage)
    def _binder_changed(self, message: BinderChangedMessage) -> None:
        """Our own binder operation: the Writing screen follows moved and trashed files."""
        log.info(
            "binder_changed",
            created=len(message.change.created),
            moved=len(message.change.moved),
            deleted=len(message.change.deleted),
        )
        self.writing_signal.publish(message)

    @on(BufferJournaled)
    def _journaled(self, message: BufferJournaled) -> None:
        where = message.journal or "memory only (the recovery folder could not be written)"
        self.notify(
            f"{message.path} could not be saved ({message.error or 'write failed'}). "
            f"Your text is safe in {where}; retrying.",
            title="Auto-save failed",
            severity="error",
            timeout=15,
        )
        log.warning("journaled", path=message.path, journal=message.journal, error=message.error)

    @on(FileChangedOutside)
    def _outside(self, message: FileChangedOutside) -> None:
        log.info("file_changed_outside", kind=message.kind, path=message.path)
        if message.conflict:
            if message.path in self._conflicts:
                self._conflict_again(message.path)
            else:
                self._conflicts[message.path] = None  # before any await: no second dialog
                self._conflict(message.path)
            return
        if message.reloaded:
            self.notify(f"{title_of(message.path)} changed on disk and was reloaded.")
            self.writing_signal.publish(ReloadFile(message.path))
        elif message.kind == "deleted" and message.path == self._active_file():
            self.notify(
                f"{message.path} was deleted outside writers-tui. Your text is still here; "
                "press ctrl+s to write it back.",
                severity="warning",
                timeout=15,
            )
        if message.kind in ("created", "deleted", "moved"):
            self.writing_signal.publish(BinderStale())

    def _active_file(self) -> str | None:
        return self.workspace.active_file if self.workspace is not None else None

    @work(group="conflict", exit_on_error=False)
    async def _conflict(self, path: str) -> None:
        workspace = self.workspace
        if workspace is None:
            self._conflicts.pop(path, None)
            return
        try:
            mine, theirs = await workspace.conflict_versions(path)
            dialog = ConflictDialog(
                path,
                title_of(path),
                mine,
                theirs,
                versions=partial(workspace.conflict_versions, path),
            )
            self._conflicts[path] = dialog
            choice: ConflictChoice = await self.push_screen_wait(dialog)
        finally:
            self._conflicts.pop(path, None)
        text = await workspace.resolve_conflict(path, choice)
        log.info("conflict_resolved", path=path, keep=choice)
        self.writing_signal.publish(ReloadFile(path, text))
        self.notify(
            f"Kept {'your version' if choice == 'mine' else 'the version on disk'} of "
            f"{title_of(path)}; the other is saved beside it as a .conflict- copy."
        )

    @work(group="conflict", exit_on_error=False)
    async def _conflict_again(self, path: str) -> None:
        """The file changed once more while its dialog is open: update that dialog."""
        workspace, dialog = self.workspace, self._conflicts.get(path)
        if workspace is None or dialog is None:
            return
        mine, theirs = await workspace.conflict_versions(path)
        dialog.changed_again(mine, theirs)
        log.info("conflict_again", path=path, changes=dialog.changes)

    def show_file(self, title: str | None) -> None:
        """The Writing screen opened a file: the status bar names it."""
        self.status = self.status.with_(file_title=title)

    # -- actions ------------------------------------------------------------------------------

    async def action_go(self, mode: str) -> None:
        """Switch to a stage or side screen; a stage change is recorded (and flushes prose)."""
        if self.workspace is None:
            self.notify("Open or create a project first.", severity="warning")
            return
        if mode == self.current_mode:
            return
        target = place(mode)
        if target.is_stage and not self.workspace.read_only:
            self._record_stage(mode)
        await self.switch_mode(mode)

    @work(group="stage", exit_on_error=False)
    async def _record_stage(self, mode: str) -> None:
        if self.workspace is not None:
            await self.workspace.set_stage(mode)

    @work(exclusive=True, group="save", exit_on_error=False)
    async def action_save(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        if workspace.read_only:
            self.notify("Read-only: nothing is saved in this window.", severity="warning")
            return
        ok = await workspace.save_now()
        if ok:
            self.notify("Saved.", timeout=2)
        else:
            self.notify(
                "Some text could not be written to its file; it is kept in "
                ".session/recovery/ and saving is retried.",
                severity="error",
            )

    def action_focus_mode(self) -> None:
        screen = self.screen
        if isinstance(screen, WritingScreen):
            screen.toggle_focus_mode()
        else:
            self.notify("Focus mode is for the Writing stage (F2).")

    def key_rows(self) -> list[KeyRow]:
        """The bindings in force on the current screen, keymap applied."""
        rows: list[KeyRow] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.system or not binding.description:
                continue
            marker = binding.id or f"{binding.action}:{key}"
            if marker in seen:
                continue
            seen.add(marker)
            keys = ", ".join(
                self.get_key_display(Binding(k, binding.action))
                for k, b in self.screen.active_bindings.items()
                if (b.binding.id or f"{b.binding.action}:{k}") == marker
            )
            rows.append(KeyRow(keys, binding.description, binding.id))
        # The app's own keys first (they work everywhere), then the focused widget's.
        return sorted(rows, key=lambda row: row.binding_id is None)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_rows()))

    def action_ask_bible(self) -> None:
        """alt+q or the palette: ask the story bible, over whatever stage is open."""
        workspace = self.workspace
        if workspace is None:
            return
        self.push_screen(AskBible(workspace.ai, stage_of(self.screen)))

    def action_search_replace(self) -> None:
        """Project-wide search and replace; enter on a result opens it in Writing."""
        workspace = self.workspace
        if not isinstance(workspace, SearchTools):
            self.notify("Open a project to search it.", severity="warning")
            return

        def opened(result: OpenAtLine | None) -> None:
            if result is not None:
                self.open_in_writing(result.path, result.line, result.column)

        self.push_screen(SearchReplaceScreen(workspace), opened)

    @work(exclusive=True, group="undo-replace", exit_on_error=False)
    async def action_undo_replace(self) -> None:
        """The palette's "Undo replace across files", outside the dialog."""
        workspace = self.workspace
        if not isinstance(workspace, SearchTools):
            return
        message, warning = await undo_last_replace(workspace)
        self.notify(message, title="Replace", severity="warning" if warning else "information")

    async def action_quit(self) -> None:
        """Save prose and session, close the workspace, then stop the workers and exit."""
        if self._quitting:
            return
        self._quitting = True
        self._quit()

    @work(group="quit", exit_on_error=False)
    async def _quit(self) -> None:
        workspace = self.workspace
        if workspace is not None:
            await self._close_or_ask(workspace)
        self._teardown()
        for worker in self.workers:
            if worker.group != "quit":
                worker.cancel()
        shutdown_logging()
        self.exit(0)

    async def _close_or_ask(self, workspace: WorkspaceLike) -> None:
        """``close()``; if it fails, ask: Retry (close again) or Quit anyway (abandon)."""
        attempts = 0
        while True:
            attempts += 1
            try:
                ok = await workspace.close()
            except Exception as error:  # OSError above all (disk full): the lock is kept
                log.exception("close_failed", attempt=attempts)
                choice: CloseChoice = await self.push_screen_wait(
                    CloseFailed(one_line(error), attempts)
                )
                if choice == "retry":
                    continue
                try:
                    await workspace.abandon()
                    log.warning("abandoned", attempts=attempts)
                except Exception:
                    log.exception("abandon_failed")
                    lifecycle.flush_quietly(workspace.flush_now, "abandon failed")
                return
            log.info("closed", complete=ok, attempts=attempts)
            return

    def _teardown(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._uninstall_signals is not None:
            self._uninstall_signals()
            self._uninstall_signals = None

    # -- the palette --------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands, less the two that ours replace (Keys, Quit)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Quit"):
                yield command

    def screen_commands(self, screen: Screen[Any]) -> list[PaletteCommand]:
        """Every keyed action of ``screen`` and its widgets (the binder's are listed apart),
        so whatever a key does on this screen can also be found by name."""
        commands: list[PaletteCommand] = []
        nodes: list[DOMNode] = [screen, *screen.query("*")]
        for node in nodes:
            if isinstance(node, Binder):
                continue
            for binding in getattr(type(node), "BINDINGS", ()):
                if not isinstance(binding, Binding) or not binding.id or not binding.description:
                    continue
                key = self.key_for(binding.id, binding.key)
                commands.append(
                    PaletteCommand(
                        binding.description,
                        f"{binding.tooltip or binding.description} ({key})",
                        partial(self.run_action, binding.action, node),
                    )
                )
        return commands

    async def palette_commands(self, screen: Screen[Any] | None = None) -> Sequence[PaletteCommand]:
        commands: list[PaletteCommand] = [] if screen is None else self.screen_commands(screen)
        for entry in PLACES:
            key = self.key_for(entry.binding_id, entry.key)
            commands.append(
                PaletteCommand(
                    f"Go to {entry.title}",
                    f"{entry.summary} ({key})",
                    partial(self.run_action, f"go('{entry.mode}')"),
                )
            )
        keys = {  # action: (binding id, default key)
            "save": ("save", "ctrl+s"),
            "focus_mode": ("focus_mode", "f9"),
            "help": ("help", "?"),
            "search_replace": ("search_replace", "ctrl+shift+f"),
            "undo_replace": ("", ""),
            "ask_bible": ("ai.ask", "alt+q"),
            "quit": ("quit", "ctrl+q"),
        }
        for action, name, help_text in ACTIONS:
            binding_id, default = keys[action]
            key = self.key_for(binding_id, default) if binding_id else ""
            shown = f"{help_text} ({key})" if key else help_text
            commands.append(PaletteCommand(name, shown, partial(self.run_action, action)))
        for binder_action in BINDER_ACTIONS:
            key = self.key_for(binder_action.binding_id, binder_action.key)
            commands.append(
                PaletteCommand(
                    binder_action.title,
                    f"{binder_action.help} (binder: {key})",
                    partial(self.binder_operation, binder_action.operation),
                )
            )
        workspace = self.workspace
        if workspace is not None:
            commands += model_commands(self, workspace, screen)
            for item in await workspace.binder():
                if not item.is_folder:
                    commands.append(
                        PaletteCommand(
                            f"open {item.title}",
                            f"{item.path} · {item.words:,} words",
                            partial(self.open_in_writing, item.path),
                            discover=False,
                        )
                    )
        for recent in await load_recent_async():
            if self.project_root is not None and recent.path == self.project_root:
                continue
            commands.append(
                PaletteCommand(
                    f"Open recent project: {recent.title}",
                    str(recent.path),
                    partial(self.switch_project, recent.path),
                )
            )
        return commands

    @work(group="binder-palette", exit_on_error=False)
    async def binder_operation(self, operation: str) -> None:
        """From the palette: a binder operation on the binder's selection (Writing stage)."""
        await self.action_go("writing")
        screen = self.screen
        if isinstance(screen, WritingScreen):
            screen.run_binder_operation(operation)

    def key_for(self, binding_id: str, default: str) -> str:
        """How the key for ``binding_id`` is shown, after the keymap (``default`` if unmapped)."""
        keys = self._keymap.get(binding_id, default)
        return ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))

    @work(group="open-file", exit_on_error=False)
    async def open_in_writing(
        self, path: str, line: int | None = None, column: int | None = None
    ) -> None:
        """Go to the Writing stage and open ``path`` there (at a 1-based line and column)."""
        await self.action_go("writing")
        screen = self.screen
        if isinstance(screen, WritingScreen):
            screen.open_file(path, line, column)

    @work(exclusive=True, group="startup", exit_on_error=False)
    async def switch_project(self, root: Path) -> None:
        """Close this project (saving everything) and open another one."""
        if self.workspace is not None:
            await self.workspace.close()
            self._teardown()
            self.workspace = None
        await self.switch_mode(START_MODE)
        for entry in PLACES:
            if entry.mode in self._screen_stacks:
                await self.remove_mode(entry.mode)
                self.add_mode(entry.mode, partial(_place_screen, entry.mode))
        self.project_root = root
        await self._open_project(root)

    # -- failures: one route for workers, one for the unexpected -------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        log.error(
            "worker_failed",
            worker=worker.name,
            group=worker.group,
            exc_info=(type(error), error, error.__traceback__),
        )
        where = current_log_path()
        self.notify(
            f"{one_line(error)}" + (f"\nDetails: {where}" if where else ""),
            title=f"Could not finish {task_title(worker.group, worker.name)}",
            severity="error",
            timeout=15,
        )

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: save the prose, log the traceback, say where the log is.

        Textual's default prints a traceback with local variables, which may hold the
        writer's text; ours goes to the log and the terminal gets a short note instead.
        """
        log.critical("unexpected_error", exc_info=(type(error), error, error.__traceback__))
        flushed = lifecycle.flush_quietly(
            self.workspace.flush_now if self.workspace is not None else None, "crash"
        )
        message = lifecycle.crash_text(current_log_path(), flushed)
        self._teardown()
        shutdown_logging()
        self._return_code = 1
        if self._exception is None:  # what run_test re-raises in a test
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.append(message)
        self._close_messages_no_wait()

    def _on_stop_signal(self, sig: signal.Signals) -> None:
        """SIGTERM or SIGHUP: prose and session to disk now, then exit cleanly."""
        log.info("stop_signal", signal=sig.name)
        if self.workspace is not None:
            lifecycle.flush_quietly(self.workspace.flush_now, sig.name)
        self._teardown()
        shutdown_logging()
        self.exit(0)


def make_app(
    settings: Any,
    workspace: WorkspaceLike | None = None,
    *,
    root: Path | None = None,
    opener: Opener = open_workspace,
    clock: Callable[[], datetime] = utc_now,
    debug: bool = False,
    handle_signals: bool = True,
    shown_root: str | None = None,
) -> WritersApp:
    """The studio app.

    Give it an open ``workspace`` (tests open one on a temp project in their own loop), or
    a ``root`` folder for the app to open itself, with the read-only offer, the recovery
    dialog and the welcome screen as needed (what ``writers-tui [PROJECT]`` does).
    ``clock`` drives every "… ago" on screen; ``debug`` logs at DEBUG level.
    """
    return WritersApp(
        settings,
        workspace,
        root=root,
        opener=opener,
        clock=clock,
        debug=debug,
        handle_signals=handle_signals,
        shown_root=shown_root,
    )


__all__ = ["WritersApp", "make_app", "open_workspace", "stage_title"]
