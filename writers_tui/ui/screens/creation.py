"""The Creation stage: the story bible and the plan, edited like the manuscript.

Left, ``reference/`` and ``planning/`` as a tree; middle, the chosen file in the same
editor as Writing (:class:`FileEditor`: same auto-save and conflict rules); right, the
bible's completeness — characters without goal, flaw or arc, beats without scenes, scenes
whose POV the bible lacks — each row jumping to its file and line. New entries come from
templates through :class:`NewEntryDialog`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from writers_tui.ui.messages import BinderStale
from writers_tui.ui.ports import BinderEntryLike
from writers_tui.ui.screens.base import StudioScreen
from writers_tui.ui.stages import place
from writers_tui.ui.textsafe import visible
from writers_tui.ui.widgets.bible_tree import BibleTree
from writers_tui.ui.widgets.entry_dialog import NewEntryDialog
from writers_tui.ui.widgets.file_editor import FileEditor

#: Seconds after the last edit before the completeness list is checked again.
RECHECK_DELAY = 2.0


class BibleIssueLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def subject(self) -> str: ...
    @property
    def message(self) -> str: ...


class BibleWorkspace(Protocol):
    """What Creation needs beyond :class:`~writers_tui.ui.ports.WorkspaceLike`."""

    async def bible_files(self) -> Sequence[BinderEntryLike]: ...
    async def bible_issues(self) -> Sequence[BibleIssueLike]: ...
    async def create_entry(self, kind: str, title: str, *, after: str | None = None) -> Any: ...


_ICONS = {
    "missing-goal": "◇",
    "missing-flaw": "◇",
    "missing-arc": "◇",
    "beat-without-scenes": "▭",
    "unknown-pov": "?",
}


def created_path(result: Any) -> str:
    """The new file's path from what ``create_entry`` returns (a path, or a change whose
    ``created`` lists it; for a chapter, its first scene is the file to open)."""
    if isinstance(result, str):
        return result
    created = [p for p in getattr(result, "created", ()) if p.endswith(".md")]
    if not created:
        raise ValueError("The entry was created, but the workspace did not say where.")
    return str(created[-1])


def issue_row(issue: BibleIssueLike) -> Text:
    """A gap as the list shows it: what is missing, then where (file name and line)."""
    row = Text(visible(f"{_ICONS.get(issue.kind, '·')} {issue.message}"))
    row.append(f"\n  {issue.path.rsplit('/', 1)[-1]}:{issue.line}", style="dim")
    return row


class CreationScreen(StudioScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_entry", "New entry", id="creation.new_entry"),
        Binding("ctrl+r", "check", "Check bible", id="creation.check"),
        Binding("ctrl+o", "focus_tree", "Files", id="creation.files"),
        Binding("ctrl+l", "focus_issues", "Gaps", id="creation.issues"),
    ]

    DEFAULT_CSS = """
    CreationScreen #creation { height: 1fr; }
    CreationScreen #gaps { width: 44; height: 1fr; border: round $panel; background: $surface; }
    CreationScreen #gaps:focus-within { border: round $primary; }
    CreationScreen #issues { height: 1fr; background: $surface; border: none; }
    CreationScreen #issues:focus { border: none; }
    CreationScreen #gaps-state { color: $text-muted; height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(place("creation"))
        self.issues: list[BibleIssueLike] = []
        self._select: str | None = None  # a file the next load opens (a new entry)

    def compose(self) -> ComposeResult:
        with Horizontal(id="creation"):
            yield BibleTree(id="bible-tree")
            yield FileEditor(id="bible-editor")
            with Vertical(id="gaps") as gaps:
                gaps.border_title = "Completeness"
                yield Label("", id="gaps-state")
                yield OptionList(id="issues")
        yield from self.compose_status()

    @property
    def bible_tree(self) -> BibleTree:
        return self.query_one(BibleTree)

    @property
    def file_editor(self) -> FileEditor:
        return self.query_one(FileEditor)

    @property
    def issue_list(self) -> OptionList:
        return self.query_one("#issues", OptionList)

    def _bible(self) -> BibleWorkspace | None:
        workspace = self.studio.workspace
        if workspace is None:
            return None
        return cast(BibleWorkspace, workspace)

    def on_mount(self) -> None:
        super().on_mount()
        self.studio.writing_signal.subscribe(self, self._on_signal)
        self._load()

    def on_screen_resume(self) -> None:
        self.action_check()

    # -- loading ----------------------------------------------------------------------------

    @work(exclusive=True, group="creation-load", exit_on_error=False)
    async def _load(self) -> None:
        # A newer load cancels an older one (exclusive), so the file to select waits in
        # an attribute, not an argument: a refresh never loses the entry just created.
        select = self._select
        bible = self._bible()
        if bible is None:
            return
        self.bible_tree.set_entries(await bible.bible_files())
        files = self.bible_tree.files()
        target = select or (self.file_editor.path if self.file_editor.path in files else None)
        target = target or (files[0] if files else None)
        if target is None:
            self.file_editor.clear("No bible files yet: ctrl+n creates one.")
        elif target != self.file_editor.path:
            await self.file_editor.open(target)
        self.bible_tree.mark(target)
        await self._check()
        if select is not None:
            self._select = None
            self.file_editor.editor.focus()
        elif self.focused is None:  # the first load; a refresh never moves the focus
            self.bible_tree.focus()

    @work(exclusive=True, group="creation-check", exit_on_error=False)
    async def _check_worker(self) -> None:
        await self._check()

    async def _check(self) -> None:
        bible = self._bible()
        state = self.query_one("#gaps-state", Label)
        if bible is None:
            return
        state.update("checking…")
        self.issues = list(await bible.bible_issues())
        issue_list = self.issue_list
        highlighted = issue_list.highlighted
        issue_list.clear_options()
        issue_list.add_options(
            Option(issue_row(issue), id=f"issue-{index}") for index, issue in enumerate(self.issues)
        )
        if self.issues and highlighted is not None:
            issue_list.highlighted = min(highlighted, len(self.issues) - 1)
        count = len(self.issues)
        state.update(
            "Nothing missing: every character has a goal, a flaw and an arc."
            if not count
            else f"{count} gap{'s' if count != 1 else ''} · enter jumps to the line"
        )

    # -- choosing and jumping -----------------------------------------------------------------

    @on(BibleTree.FileChosen)
    def _chosen(self, event: BibleTree.FileChosen) -> None:
        self._open(event.path)

    @work(exclusive=True, group="creation-open", exit_on_error=False)
    async def _open(self, path: str, line: int | None = None) -> None:
        if path != self.file_editor.path:
            await self.file_editor.open(path, line=line)
        elif line is not None:
            self.file_editor.go_to_line(line)
        self.bible_tree.mark(path)
        self.file_editor.editor.focus()

    @on(OptionList.OptionSelected, "#issues")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        issue = self.issues[event.option_index]
        self._open(issue.path, issue.line)

    @on(FileEditor.Edited)
    def _edited(self, event: FileEditor.Edited) -> None:
        # Debounced: the check reads every bible file; once the writer pauses is enough.
        timer = getattr(self, "_recheck", None)
        if timer is not None:
            timer.stop()
        self._recheck = self.set_timer(RECHECK_DELAY, self.action_check)

    def _on_signal(self, message: object) -> None:
        if isinstance(message, BinderStale):
            self._load()

    # -- actions --------------------------------------------------------------------------------

    def action_check(self) -> None:
        """Check the bible's completeness again (also after edits and on return here)."""
        self._check_worker()

    def action_new_entry(self) -> None:
        """A character, place, chapter or beat sheet from its template."""
        bible = self._bible()
        if bible is None:
            return
        if self.studio.workspace is not None and self.studio.workspace.read_only:
            self.notify("Read-only: nothing can be created in this window.", severity="warning")
            return

        async def create(kind: str, title: str) -> str:
            return created_path(await bible.create_entry(kind, title))

        def created(path: str | None) -> None:
            if path is not None:
                self.notify(f"Created {path}.")
                self._select = path
                self._load()

        self.app.push_screen(NewEntryDialog(create), created)

    def action_focus_tree(self) -> None:
        self.bible_tree.focus()

    def action_focus_issues(self) -> None:
        self.issue_list.focus()

    def action_focus_editor(self) -> None:
        self.file_editor.editor.focus()
