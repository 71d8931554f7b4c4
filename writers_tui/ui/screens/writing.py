"""The Writing stage: binder on the left, the text in the middle, the day's goal below.

The editor comes from :func:`make_editor`, the one place that decides which widget edits
prose. On entry the last open file returns at its cursor (else the first scene) and the
editor has focus, so the writer can type at once. Every edit is only *noted* with the
workspace (``note_edit`` with a callable that reads the text): the workspace decides when
to snapshot and save, off the loop. Focus mode hides everything but the text, the status
line and the word goal. On a narrow terminal (< :data:`NARROW_COLUMNS`) the binder folds away
so the text keeps the width; ctrl+b (or "Binder" in the palette) shows and hides it.

Binder operations (:data:`BINDER_ACTIONS`, keys on the binder and commands in the
palette) are done here by :meth:`WritingScreen.binder_op`, one worker each: titles come
from a :class:`TitlePrompt` (the workspace's ``ValueError`` is shown inline), deletion is
confirmed and undoable. Whatever the operation moved, the open file follows
(:meth:`WritingScreen.follow`, from the workspace's ``BinderChanged``): the editor keeps
its text and cursor; if the open file went to the trash, the next scene opens.

The inspector (:class:`Inspector`, right of the text) shows the open scene's front matter,
the bible characters it mentions and its notes; it is shown from :data:`WIDE_COLUMNS`
columns and folded below, and f10 (or "Inspector" in the palette) shows and hides it. An
edit there becomes one undoable ``editor.replace`` of the front-matter block
(:meth:`WritingScreen.set_front_matter`), so the normal auto-save takes it to disk.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Label, ProgressBar, TextArea

from writers_tui.ui.ai_flow import say_off
from writers_tui.ui.front_matter import FrontMatter, parse
from writers_tui.ui.messages import BinderChangedMessage, BinderStale, ReloadFile, WordsUpdated
from writers_tui.ui.modals.binder_ops import (
    ChapterChoice,
    ChapterPicker,
    ConfirmDelete,
    TitlePrompt,
)
from writers_tui.ui.screens.base import StudioScreen
from writers_tui.ui.screens.writing_ai import (
    AI_BINDINGS,
    SUGGESTION_ACTIONS,
    brief_of,
    draft_words,
    fit_at_cursor,
    text_before,
)
from writers_tui.ui.stages import place
from writers_tui.ui.textsafe import visible
from writers_tui.ui.widgets.ai_stream import StreamView
from writers_tui.ui.widgets.binder import BINDER_ACTIONS, Binder, BinderItem
from writers_tui.ui.widgets.editor import ProseEditor
from writers_tui.ui.widgets.inspector import Inspector
from writers_tui.ui.widgets.suggestion_panel import SuggestionKeys, SuggestionPanel

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from writers_tui.ui.ports import BinderChangeLike, WorkspaceLike
    from writers_tui.workspace_ai import Estimate

__all__ = ["BINDER_ACTIONS", "WritingScreen", "make_editor", "title_of"]

_NUMBER = re.compile(r"^\d+(?:\.\d+)*\s+")
OPERATIONS = frozenset(action.operation for action in BINDER_ACTIONS)
#: Below this many columns the binder folds away (ctrl+b shows it again).
NARROW_COLUMNS = 80
#: From this many columns the inspector is shown beside the text (f10 shows or hides it).
WIDE_COLUMNS = 140
#: Below this many columns an AI suggestion shows under the text, not beside it.
SIDE_PANEL_COLUMNS = 100
#: Seconds after the last keystroke before the inspector re-reads the front matter, and
#: before it counts the mentions again (an analysis of the scene, in a worker).
FRONT_MATTER_DELAY = 0.4
MENTIONS_DELAY = 2.0
#: Lines of the text searched for the closing fence of the front matter.
FRONT_MATTER_LINES = 200
INSPECTOR_BINDING = Binding(
    "f10",
    "toggle_inspector",
    "Inspector",
    id="writing.toggle_inspector",
    show=False,
    tooltip="Show or hide the scene's inspector: POV, status, synopsis, target, mentions, notes",
)


def bare_title(title: str) -> str:
    """A binder title without its number (``1.2 The Letter`` → ``The Letter``)."""
    return _NUMBER.sub("", title, count=1)


def make_editor(text: str = "") -> ProseEditor:
    """The prose editor (swap the widget here and nowhere else)."""
    editor = ProseEditor(text, soft_wrap=True, show_line_numbers=False, id="editor")
    return editor


def title_of(path: str) -> str:
    """A file's title as the binder shows it: its name without the extension."""
    name = path.rsplit("/", 1)[-1]
    return visible(name.rsplit(".", 1)[0] if "." in name else name)


class WritingScreen(StudioScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+b",
            "toggle_binder",
            "Binder",
            id="writing.toggle_binder",
            show=False,
            tooltip="Show or hide the binder (it folds away on a narrow terminal)",
        ),
        INSPECTOR_BINDING,
        *AI_BINDINGS,
    ]

    focus_mode: reactive[bool] = reactive(False, init=False)
    #: The terminal is too narrow for binder and text side by side.
    narrow: reactive[bool] = reactive(False, init=False)
    #: The terminal is wide enough for the inspector beside the text.
    wide: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__(place("writing"))
        self.path: str | None = None
        self._loads_pending = 0  # load_text posts one Changed we must not take as an edit
        self.file_words = 0  # the editor's own count for the open file
        #: Trash ids of this session's deletions, newest last (what ``u`` brings back).
        self.trash_ids: list[str] = []
        self._pending_open: str | None = None
        self._pending_select: str | None = None
        #: The writer's own choice with ctrl+b (None: automatic, folded when narrow).
        self._binder_choice: bool | None = None
        #: The writer's own choice with f10 (None: automatic, shown when wide).
        self._inspector_choice: bool | None = None
        self._front_timer: Timer | None = None
        self._mentions_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="writing"):
            yield Binder()
            with Vertical(id="page"):
                yield Label("", id="file-title")
                yield make_editor()
                with Horizontal(id="goal-row"):
                    yield Label("", id="words-line")
                    yield ProgressBar(total=None, show_eta=False, id="goal-bar")
            yield SuggestionPanel()
            yield Inspector()
        yield from self.compose_status()

    @property
    def editor(self) -> ProseEditor:
        return self.query_one("#editor", ProseEditor)

    @property
    def inspector(self) -> Inspector:
        return self.query_one(Inspector)

    @property
    def binder(self) -> Binder:
        return self.query_one(Binder)

    @property
    def suggestion(self) -> SuggestionPanel:
        return self.query_one(SuggestionPanel)

    @property
    def workspace(self) -> WorkspaceLike | None:
        return self.studio.workspace

    def on_mount(self) -> None:
        super().on_mount()
        self.editor.focus()
        self.watch(self.suggestion, "shown", self._suggestion_shown, init=False)
        self.watch(self.studio, "words", self._show_words, init=True)
        self.studio.writing_signal.subscribe(self, self._on_signal)
        self._show_inspector()
        self._load()

    def on_screen_resume(self) -> None:
        # Back from another stage or a dialog: the focus stays where the writer left it
        # (the binder after a binder dialog); the editor when nothing had it.
        if self.focused is None:
            self.editor.focus()

    # -- loading ---------------------------------------------------------------------

    @work(exclusive=True, group="writing-load", exit_on_error=False)
    async def _load(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        entries = await workspace.binder()
        self.binder.set_entries(entries)
        path = workspace.active_file
        files = [entry.path for entry in entries if not entry.is_folder]
        if path is None and files:
            path = files[0]
        if path is not None:
            await self._open(path)
        else:
            self._show_file(None)
            self.notify(
                "The manuscript folder has no scenes yet: add a .md file to manuscript/.",
                title="Nothing to write in",
            )

    @work(exclusive=True, group="writing-open", exit_on_error=False)
    async def open_file(
        self, path: str, line: int | None = None, column: int | None = None
    ) -> None:
        """Open ``path`` in the editor (the workspace flushes the previous file first);
        with ``line``/``column`` (1-based, as analysis reports them) the cursor goes there."""
        await self._open(path, line, column)

    async def _open(
        self, path: str, at_line: int | None = None, at_column: int | None = None
    ) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        opened = await workspace.open_file(path)
        self.path = opened.path
        self.file_words = workspace.words(opened.path).file_words
        editor = self.editor
        self._loads_pending += 1
        editor.load_text(opened.text)
        editor.read_only = opened.read_only or workspace.read_only
        wanted = (
            (at_line - 1, (at_column or 1) - 1)
            if at_line is not None
            else (opened.cursor_line, opened.cursor_col)
        )
        line = min(wanted[0], editor.document.line_count - 1)
        editor.cursor_location = (max(0, line), max(0, wanted[1]))
        editor.scroll_cursor_visible(center=True)
        self._show_file(opened.path)
        self._refresh_inspector(mentions_now=True)
        notice = getattr(opened, "notice", None)
        if notice:
            self.notify(notice, severity="warning", timeout=8)
        editor.focus()

    def _show_file(self, path: str | None) -> None:
        title = title_of(path) if path else None
        self.query_one("#file-title", Label).update(title or "")
        self.binder.mark_active(path)
        self.studio.show_file(title)
        self._show_words(self.studio.words)

    def _close_file(self) -> None:
        """The open file is gone (trashed): an empty, read-only editor until another opens."""
        self.path = None
        self.file_words = 0
        editor = self.editor
        self._loads_pending += 1
        editor.load_text("")
        editor.read_only = True
        self._show_file(None)
        self._refresh_inspector()

    # -- the editor --------------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        if self._loads_pending:
            self._loads_pending -= 1
            return
        workspace, path = self.workspace, self.path
        if workspace is None or path is None or workspace.read_only:
            return
        editor = self.editor
        workspace.note_edit(path, lambda: editor.text)
        self._inspector_later()

    @on(ProseEditor.WordsChanged, "#editor")
    def _counted(self, event: ProseEditor.WordsChanged) -> None:
        workspace, path = self.workspace, self.path
        if workspace is not None and path is not None:
            self.file_words = event.words
            workspace.note_words(path, event.words)
            self.binder.set_words(path, event.words)
            self._show_words(self.studio.words)
            self.inspector.show_words(event.words)

    @on(TextArea.SelectionChanged, "#editor")
    def _moved(self, event: TextArea.SelectionChanged) -> None:
        workspace, path = self.workspace, self.path
        if workspace is not None and path is not None:
            line, col = event.selection.end
            workspace.set_cursor(path, line, col)

    @on(Binder.FileChosen)
    def _chosen(self, event: Binder.FileChosen) -> None:
        if self.narrow and self._binder_choice:
            self._binder_choice = None  # chosen: fold the binder away again for the text
            self._show_binder()
        if event.path != self.path:
            self.open_file(event.path)
        else:
            self.editor.focus()

    # -- the binder on a narrow terminal ---------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_COLUMNS
        if narrow != self.narrow:
            self._binder_choice = None  # across the line: back to automatic
            self.narrow = narrow
        self.suggestion.set_class(event.size.width < SIDE_PANEL_COLUMNS, "-below")
        wide = event.size.width >= WIDE_COLUMNS
        if wide != self.wide:
            self._inspector_choice = None
            self.wide = wide

    def watch_narrow(self) -> None:
        self._show_binder()

    @property
    def binder_visible(self) -> bool:
        """Whether the binder is shown (folded on a narrow terminal, and beside an AI
        suggestion unless the terminal is wide, unless asked for)."""
        if self._binder_choice is not None:
            return self._binder_choice
        return not self.narrow and not (self.suggestion.shown and not self.wide)

    def _show_binder(self) -> None:
        binder = self.binder
        shown = self.binder_visible
        if not shown and binder.has_focus:
            self.editor.focus()
        binder.display = shown
        self.set_class(not shown, "-binder-folded")

    def action_toggle_binder(self) -> None:
        """ctrl+b: show or hide the binder; shown, it has the focus to pick a file."""
        self._binder_choice = not self.binder_visible
        self._show_binder()
        if self.binder_visible:
            self.binder.focus()
        else:
            self.editor.focus()

    # -- the inspector ---------------------------------------------------------------------

    def watch_wide(self) -> None:
        self._show_inspector()

    @property
    def inspector_visible(self) -> bool:
        """Whether the inspector is shown (only on a wide terminal unless asked for, and
        never beside an AI suggestion)."""
        if self.suggestion.shown:
            return False
        if self._inspector_choice is not None:
            return self._inspector_choice
        return self.wide

    def _show_inspector(self) -> None:
        inspector = self.inspector
        shown = self.inspector_visible
        if not shown and self.focused is not None and inspector in self.focused.ancestors:
            self.editor.focus()
        inspector.display = shown
        if shown:
            self._refresh_inspector(mentions_now=True)

    def action_toggle_inspector(self) -> None:
        """f10: show or hide the inspector; shown, its first field has the focus."""
        self._inspector_choice = not self.inspector_visible
        self._show_inspector()
        if self.inspector_visible:
            self.inspector.query_one("#inspector-pov").focus()
        else:
            self.editor.focus()

    def front_matter(self) -> FrontMatter:
        """The open scene's front matter, read from the editor's first lines."""
        document = self.editor.document
        count = min(document.line_count, FRONT_MATTER_LINES)
        return parse([document.get_line(index) for index in range(count)])

    def _inspector_later(self) -> None:
        """After an edit: re-read the fields soon and the mentions a little later."""
        if not self.inspector_visible:
            return
        for timer in (self._front_timer, self._mentions_timer):
            if timer is not None:
                timer.stop()
        self._front_timer = self.set_timer(FRONT_MATTER_DELAY, self._refresh_fields)
        self._mentions_timer = self.set_timer(MENTIONS_DELAY, self._count_mentions)

    def _refresh_fields(self) -> None:
        inspector = self.inspector
        inspector.show_front_matter(self.front_matter())
        inspector.show_words(self.file_words)

    def _refresh_inspector(self, *, mentions_now: bool = False) -> None:
        if not self.inspector_visible:
            return
        self._refresh_fields()
        if self.path is None:
            self.inspector.show_mentions({})
        elif mentions_now:
            self._count_mentions()

    @work(exclusive=True, group="writing-mentions", exit_on_error=False)
    async def _count_mentions(self) -> None:
        """The bible characters the open scene names (the workspace's analysis of it)."""
        workspace, path = self.workspace, self.path
        analyze = getattr(workspace, "analyze_file", None)
        if path is None or analyze is None:
            return
        result = await analyze(path)
        if path == self.path:
            hits = result.analysis.characters
            self.inspector.show_mentions({name: hit.count for name, hit in hits.items()})

    @on(Inspector.FieldEdited)
    def _field_edited(self, event: Inspector.FieldEdited) -> None:
        self.set_front_matter(event.key, event.value)

    def set_front_matter(self, key: str, value: str) -> bool:
        """Set a front-matter field of the open scene as one undoable edit of the editor's
        text (the block is made when the scene has none); False when nothing can change."""
        editor = self.editor
        if self.path is None or editor.read_only:
            self.notify("This scene cannot change here (read-only).", severity="warning")
            return False
        front = self.front_matter()
        updated = front.set(key, value)
        if updated.lines == front.lines:
            return False
        if front.end_line is None:
            editor.replace(updated.render() + "\n", (0, 0), (0, 0), maintain_selection_offset=True)
        else:
            end = (front.end_line, len(editor.document.get_line(front.end_line)))
            block = updated.render() if updated.lines else ""
            if not updated.lines and front.end_line + 1 < editor.document.line_count:
                end = (front.end_line + 1, 0)  # the last field went: so do the fences' lines
            editor.replace(block, (0, 0), end, maintain_selection_offset=True)
        self.inspector.show_front_matter(self.front_matter())
        return True

    # -- what the app tells us ------------------------------------------------------------

    def _show_words(self, words: WordsUpdated | None) -> None:
        line = self.query_one("#words-line", Label)
        bar = self.query_one("#goal-bar", ProgressBar)
        if words is None:
            line.update("")
            bar.display = False
            return
        day = words.day_words if words.day_words is not None else words.session_words
        file_part = f"this file {self.file_words:,} words" if self.path else ""
        parts = [p for p in (file_part, f"session {words.session_words:+,}") if p]
        if words.daily_goal:
            parts.append(f"today {day:,} of {words.daily_goal:,}")
            bar.display = True
            bar.update(total=words.daily_goal, progress=min(max(day, 0), words.daily_goal))
        else:
            parts.append(f"today {day:,} (no daily goal)")
            bar.display = False
        line.update(" · ".join(parts))

    def _on_signal(self, message: Any) -> None:
        if isinstance(message, BinderChangedMessage):
            self.follow(message.change)
        elif isinstance(message, BinderStale):
            self._reload_binder()
        elif isinstance(message, ReloadFile) and message.path == self.path:
            workspace = self.workspace
            text = message.text
            if text is None and workspace is not None:
                text = workspace.text_of(message.path)
            if text is not None:
                editor = self.editor
                cursor = editor.cursor_location
                self._loads_pending += 1
                editor.load_text(text)
                last = editor.document.line_count - 1
                editor.cursor_location = (min(cursor[0], last), cursor[1])
                self._refresh_inspector(mentions_now=True)

    @work(exclusive=True, group="writing-binder", exit_on_error=False)
    async def _reload_binder(self, select: str | None = None, open_next: str | None = None) -> None:
        """Redraw the binder; then open ``open_next`` or put the cursor on ``select``.

        Reloads replace each other (exclusive), so what to open and select is kept on the
        screen until a reload gets that far: a later reload cannot lose an earlier one's.
        """
        workspace = self.workspace
        if workspace is None:
            return
        if open_next is not None:
            self._pending_open = open_next
        if select is not None:
            self._pending_select = select
        keep = self.binder.selected
        entries = await workspace.binder()
        self.binder.set_entries(entries)
        self.binder.mark_active(self.path)
        select, self._pending_select = self._pending_select, None
        open_next, self._pending_open = self._pending_open, None
        if select is None and keep is not None and keep.path != self.path:
            select = keep.path
        if open_next is not None:
            # Its own worker: a later reload (this group is exclusive) must not cancel it.
            self.open_file(open_next)
        elif select is not None:
            self.binder.select_path(select)

    # -- binder operations --------------------------------------------------------------

    def follow(self, change: BinderChangeLike) -> None:
        """The binder changed: the open file takes its new path (the editor keeps its text
        and cursor), or, if it went to the trash, closes and the next scene opens."""
        old_items = self.binder.items
        selected = self.binder.selected
        select = change.new_path(selected.path) if selected is not None else None
        open_next: str | None = None
        if self.path is not None:
            new = change.new_path(self.path)
            if new is None:
                open_next = next_scene(old_items, self.path, change)
                self._close_file()
            elif new != self.path:
                self.path = new
                self._show_file(new)
        self._reload_binder(select=select, open_next=open_next)

    def action_binder_op(self, operation: str) -> None:
        """A binder key (see :data:`BINDER_ACTIONS`)."""
        self.run_binder_operation(operation)

    def run_binder_operation(self, operation: str) -> None:
        if operation not in OPERATIONS:
            raise ValueError(f"unknown binder operation {operation!r}")
        self.binder_op(operation)

    @work(group="binder-op", exit_on_error=False)
    async def binder_op(self, operation: str) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        if workspace.read_only:
            self.notify("Read-only: the binder cannot change in this window.", severity="warning")
            return
        item = self.binder.selected
        if item is None and operation not in ("new_scene", "new_chapter", "undo_delete"):
            self.notify("Select a scene or chapter in the binder first.")
            return
        try:
            if operation == "new_scene":
                await self._new_scene(workspace, item)
            elif operation == "new_chapter":
                await self._new_chapter(workspace, item)
            elif operation == "undo_delete":
                await self._undo_delete(workspace)
            elif item is not None and operation == "rename":
                await self._rename(workspace, item)
            elif item is not None and operation == "delete":
                await self._delete(workspace, item)
            elif item is not None and operation in ("move_up", "move_down"):
                await self._move(workspace, item, "up" if operation == "move_up" else "down")
            elif item is not None and operation == "move_into":
                await self._move_into(workspace, item)
        except ValueError as problem:  # the workspace's one-line refusal
            self.notify(str(problem), title="Binder", severity="warning")

    async def _new_scene(self, workspace: WorkspaceLike, item: BinderItem | None) -> None:
        after = item.path if item is not None and not item.is_folder else None
        folder = item.path if item is not None and item.is_folder else None
        where = f" in {item.title}" if folder and item is not None else ""

        async def create(title: str) -> BinderChangeLike:
            return await workspace.create_scene(title, after=after, folder=folder)

        change = await self.app.push_screen_wait(
            TitlePrompt(f"New scene{where}", create, placeholder="The scene's title")
        )
        if change is not None:
            await self._opened_created(change, "scene")

    async def _new_chapter(self, workspace: WorkspaceLike, item: BinderItem | None) -> None:
        after = chapter_of(self.binder.items, item)

        async def create(title: str) -> BinderChangeLike:
            change = await workspace.create_chapter(title, after=after)
            chapters = [path for path in change.created if not path.lower().endswith(".md")]
            if not chapters or any(path.lower().endswith(".md") for path in change.created):
                return change
            # The binder lists folders through their files, and a writer opening a chapter
            # wants to write in it: give it its first scene, ``N.1 TITLE.md`` (as
            # ``writers-tui`` templates do).
            return await workspace.create_scene(title, folder=chapters[0])

        change = await self.app.push_screen_wait(
            TitlePrompt("New chapter", create, placeholder="The chapter's title")
        )
        if change is not None:
            await self._opened_created(change, "chapter")

    async def _opened_created(self, change: BinderChangeLike, what: str) -> None:
        created = change.created
        if not created:
            return
        scenes = [path for path in created if path.lower().endswith(".md")]
        self.notify(f"New {what}: {title_of(created[0])}", timeout=3)
        self._reload_binder(select=created[0], open_next=scenes[0] if scenes else None)
        if not scenes:
            self.binder.focus()

    async def _rename(self, workspace: WorkspaceLike, item: BinderItem) -> None:
        async def rename(title: str) -> BinderChangeLike:
            return await workspace.rename_entry(item.path, title)

        what = "chapter" if item.is_folder else "scene"
        await self.app.push_screen_wait(
            TitlePrompt(
                f"Rename the {what} “{item.title}”",
                rename,
                value=bare_title(item.title),
                action="Rename",
            )
        )

    async def _delete(self, workspace: WorkspaceLike, item: BinderItem) -> None:
        files = sum(
            1
            for other in self.binder.items
            if not other.is_folder and other.path.startswith(item.path + "/")
        )
        sure = await self.app.push_screen_wait(
            ConfirmDelete(item.title, is_folder=item.is_folder, files=files)
        )
        if not sure:
            return
        change = await workspace.delete_entry(item.path)
        if change.trash_id:
            self.trash_ids.append(change.trash_id)
        self.notify(f"“{item.title}” is in the trash. Press u in the binder to undo.", timeout=6)

    async def _undo_delete(self, workspace: WorkspaceLike) -> None:
        trash_id = self.trash_ids[-1] if self.trash_ids else None
        change = await workspace.undo_delete(trash_id)
        if trash_id is not None:
            self.trash_ids.pop()
        if change.created:
            self.notify(f"Restored “{title_of(change.created[0])}”.", timeout=4)
            self._reload_binder(select=change.created[0])

    async def _move(
        self, workspace: WorkspaceLike, item: BinderItem, direction: Literal["up", "down"]
    ) -> None:
        change = await workspace.move_entry(item.path, direction)
        if not change.moved:
            self.notify(
                f"“{item.title}” is already at the {'top' if direction == 'up' else 'bottom'}."
            )

    async def _move_into(self, workspace: WorkspaceLike, item: BinderItem) -> None:
        parent = item.path.rsplit("/", 1)[0]
        chapters = [
            ChapterChoice(other.path, other.title)
            for other in self.binder.items
            if other.is_folder
            and other.path != item.path
            and other.path != parent
            and not other.path.startswith(item.path + "/")
        ]
        if not chapters:
            self.notify("There is no other chapter to move it into.")
            return
        folder = await self.app.push_screen_wait(ChapterPicker(item.title, chapters))
        if folder is None:
            return
        await workspace.move_entry_into(item.path, folder)
        self.notify(f"Moved “{item.title}” into {title_of(folder)}.", timeout=3)

    # -- AI suggestions (keys and helpers in writing_ai) ---------------------------------

    def _suggestion_shown(self) -> None:
        """The panel opened or closed: the binder and inspector make room, then return."""
        self._show_binder()
        self._show_inspector()
        self.refresh_bindings()

    @on(StreamView.Finished)
    def _suggestion_done(self) -> None:
        self.refresh_bindings()  # escape has nothing left to stop: the footer says so

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Accept and reject only with a suggestion shown; escape stops only a stream."""
        if action in SUGGESTION_ACTIONS:
            return self.suggestion.shown
        if action == "ai_stop":
            return self.suggestion.shown and self.suggestion.stream.streaming
        return True

    def _suggestion_keys(self) -> SuggestionKeys:
        key = self.studio.key_for
        return SuggestionKeys(
            key("ai.accept", "alt+a"), key("ai.reject", "alt+r"), key("ai.stop", "escape")
        )

    def _ai_ready(self) -> bool:
        if self.suggestion.busy:
            self.notify("An AI suggestion is on its way; escape stops it.", timeout=4)
            return False
        if self.path is None or self.workspace is None:
            self.notify("Open a scene first.", timeout=4)
            return False
        if self.editor.read_only:
            self.notify("This scene is read-only here: a suggestion could not go in.")
            return False
        status = self.workspace.ai.status("writing")
        if not status.on:  # before anything else: the writer needs to hear this first
            say_off(self.app, status.message)
            return False
        return True

    def action_ai_continue(self) -> None:
        """ctrl+g: continue from the cursor, into the suggestion panel."""
        workspace = self.workspace
        if not self._ai_ready() or workspace is None:
            return
        editor = self.editor
        before = text_before(editor.document, editor.cursor_location)
        if not before.strip():
            self.notify("Write a little first: the AI continues from the text before the cursor.")
            return
        ai = workspace.ai
        self.suggestion.request(
            ai,
            "continue",
            lambda: ai.estimate_continue(before),
            self._suggestion_keys(),
            path=self.path or "",
            title=title_of(self.path or ""),
        )

    def action_ai_draft(self) -> None:
        """alt+d: draft this scene from its synopsis or beat, into the suggestion panel."""
        workspace, path = self.workspace, self.path
        if not self._ai_ready() or workspace is None or path is None:
            return
        front = self.front_matter()
        brief = brief_of(front)
        if not brief:
            self.notify(
                "This scene has no synopsis or beat to draft from: add one in the "
                "inspector (f10), then draft.",
                timeout=8,
            )
            return
        editor = self.editor
        start = (front.end_line + 1, 0) if front.end_line is not None else (0, 0)
        before = text_before(editor.document, editor.cursor_location, start=start)
        title = bare_title(title_of(path))
        ai = workspace.ai

        def estimate() -> Awaitable[Estimate]:
            return ai.estimate_draft(
                title, brief, previous_text=before, target_words=draft_words(front)
            )

        self.suggestion.request(
            ai, "draft_scene", estimate, self._suggestion_keys(), path=path, title=title_of(path)
        )

    async def action_ai_stop(self) -> None:
        await self.suggestion.stream.stop()

    async def action_ai_accept(self) -> None:
        """Insert the suggestion at the cursor as one edit (a stream is stopped first)."""
        panel, editor = self.suggestion, self.editor
        if not panel.shown:
            return
        if editor.read_only:
            self.notify("This scene cannot change here (read-only).", severity="warning")
            return
        if panel.path != self.path:
            self.notify(
                f"This suggestion was written for “{panel.title}”: open that scene to accept "
                "it, or reject it.",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        await panel.stream.stop()
        text = panel.stream.text
        if not text.strip():
            self.notify("There is no suggestion text to insert.", timeout=3)
            return
        cursor = editor.cursor_location
        before = text_before(editor.document, cursor, limit=2)
        editor.insert(fit_at_cursor(before, text, panel.operation), cursor)
        panel.close()
        editor.focus()

    async def action_ai_reject(self) -> None:
        """Discard the suggestion (a stream is stopped first: what arrived is billed)."""
        panel = self.suggestion
        if panel.shown:
            await panel.stream.stop()
            panel.close()
            self.editor.focus()

    # -- focus mode ----------------------------------------------------------------------

    def watch_focus_mode(self, on: bool) -> None:
        self.set_class(on, "-focus-mode")
        self.editor.focus()

    def toggle_focus_mode(self) -> None:
        self.focus_mode = not self.focus_mode


def chapter_of(items: list[BinderItem], item: BinderItem | None) -> str | None:
    """Where a new chapter goes after: the selected top-level chapter (or top-level
    scene), or the top-level chapter holding the selected scene."""
    if item is None:
        return None
    if item.depth == 0:
        return item.path
    top = [other for other in items if other.depth == 0 and item.path.startswith(other.path + "/")]
    return top[0].path if top else None


def next_scene(items: list[BinderItem], gone: str, change: BinderChangeLike) -> str | None:
    """The scene to open when ``gone`` went to the trash: the next one still there in
    binder order, else the one before it (at its path after the change)."""
    files = [item.path for item in items if not item.is_folder]
    if gone not in files:
        return None
    index = files.index(gone)
    for candidate in files[index + 1 :] + files[:index][::-1]:
        moved = change.new_path(candidate)
        if moved is not None:
            return moved
    return None
