"""Search and replace across the project: a rename that reaches every chapter and note.

The dialog only shows and asks; the Workspace does the work (docs/workspace.md, "Search
and replace"): :meth:`~writers_tui.workspace.Workspace.search` (open buffers win over the
disk), ``plan_replace`` / ``apply_replace`` (every changed file snapshotted first, saved
through its buffer so the conflict rules hold) and ``undo_replace`` (the whole last replace
at once). Searching runs as you type, debounced, in an exclusive worker, so a keystroke
never waits for the disk and a stale search never overwrites a newer one.

The writer types in the two inputs, so the toggles are alt keys (never bare letters), and
the action keys are ctrl keys, each also a button. Enter on a result dismisses with
:class:`~writers_tui.ui.screens.scoring.OpenAtLine`; the caller posts it and the app opens
the file in Writing at that line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Label, Static, Tree
from textual.widgets.tree import TreeNode

from writers_tui import search_replace
from writers_tui.search_replace import Match, ReplacePlan, SearchError, StaleMatchError
from writers_tui.ui.screens.scoring import OpenAtLine
from writers_tui.ui.textsafe import visible


@runtime_checkable
class SearchTools(Protocol):
    """The four Workspace methods this dialog uses (the app's ``WorkspaceLike`` does not
    list them: check ``isinstance(workspace, SearchTools)`` before pushing the dialog)."""

    async def search(
        self, query: str, *, whole_word: bool = ..., case_sensitive: bool = ..., regex: bool = ...
    ) -> list[Match]: ...

    async def plan_replace(
        self, matches: Sequence[Match], replacement: str, *, preserve_case: bool = ...
    ) -> ReplacePlan: ...

    async def apply_replace(self, plan: ReplacePlan) -> ReplacePlan: ...

    async def undo_replace(self) -> list[str]: ...


#: Typing pauses this long (seconds) before a search starts.
DEBOUNCE = 0.25
#: More results than this are counted but not listed (a tree of 50,000 lines helps no one).
MAX_LISTED = 1000
#: Characters of context shown before a match in a result line.
CONTEXT = 30
#: Widest a result line is drawn (the rest is cut with an ellipsis).
LINE_WIDTH = 86

#: The toggles: checkbox id, label, key.
TOGGLES = (
    ("whole-word", "Whole word", "alt+w"),
    ("match-case", "Match case", "alt+c"),
    ("regex", "Regex", "alt+r"),
    ("preserve-case", "Preserve case", "alt+p"),
)

MATCH_STYLE = "bold reverse"


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count:,} {word}" + ("es" if word.endswith(("ch", "s", "sh", "x")) else "s")


def excerpt(line_text: str, column: int, length: int, *, width: int = LINE_WIDTH) -> Text:
    """The result line around its match, the match highlighted; control characters made
    visible piece by piece so the highlight stays on the match."""
    start = column - 1
    end = start + length
    before = line_text[max(0, start - CONTEXT) : start]
    if start > CONTEXT:
        before = "…" + before
    found = visible(line_text[start:end])
    after = visible(line_text[end:])
    before = visible(before.lstrip()) if start <= CONTEXT else visible(before)
    room = max(0, width - len(before) - len(found))
    if len(after) > room:
        after = after[: max(0, room - 1)] + "…"
    text = before + found + after
    line = Text(text)
    line.stylize(MATCH_STYLE, len(before), len(before) + len(found))
    return line


def replaced_line(match: Match, replacement: str, *, preserve_case: bool) -> str:
    """The match's line with only this match replaced (what "replace this one" writes)."""
    on_line = dataclasses.replace(match, offset=match.column - 1)
    return search_replace.preview(
        match.line_text, [on_line], replacement, preserve_case=preserve_case
    )


def file_counts(matches: Sequence[Match]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for match in matches:
        counts[match.path] = counts.get(match.path, 0) + 1
    return counts


async def undo_last_replace(workspace: SearchTools) -> tuple[str, bool]:
    """The palette's "Undo replace across files" outside the dialog: a one-line message
    for a toast, and whether it is a warning (nothing to undo, or files left as they are)."""
    try:
        blocked = await workspace.undo_replace()
    except (ValueError, OSError) as error:  # nothing to undo; read-only; disk
        return f"Nothing undone: {first_line(error)}", True
    if blocked:
        return "Undone, except (edited since, left as they are): " + ", ".join(blocked), True
    return "The last replace across files is undone.", False


class ConfirmReplaceAll(ModalScreen[bool]):
    """ "N replacements in M files": the one question before a project-wide write."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    ConfirmReplaceAll { align: center middle; }
    ConfirmReplaceAll > #confirm {
        width: 64; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmReplaceAll #confirm-title { text-style: bold; color: $warning; }
    ConfirmReplaceAll #confirm-body { margin: 1 0; }
    ConfirmReplaceAll #confirm-buttons { height: auto; align-horizontal: right; }
    ConfirmReplaceAll Button { margin-left: 2; }
    ConfirmReplaceAll .keys { color: $text-muted; }
    """

    def __init__(self, query: str, replacement: str, replacements: int, files: int) -> None:
        super().__init__()
        self.summary = f"{plural(replacements, 'replacement')} in {plural(files, 'file')}"
        self.query_text = query
        self.replacement = replacement

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label("Replace all?", id="confirm-title")
            yield Static(
                f"{self.summary}: “{visible(self.query_text)}” → "
                f"“{visible(self.replacement)}”.\n"
                "Each file is snapshotted first; ctrl+z in this dialog (or the palette's "
                "“Undo replace across files”) puts them all back.",
                id="confirm-body",
            )
            yield Static("enter replace · escape cancel · tab switch button", classes="keys")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button(f"Replace ({self.summary})", id="confirm-ok", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-ok", Button).focus()

    @on(Button.Pressed, "#confirm-ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)


class SearchReplaceScreen(ModalScreen[OpenAtLine | None]):
    """Find in every manuscript, reference and planning file; replace one or all; undo."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("alt+w", "flip('whole-word')", "Whole word", show=False),
        Binding("alt+c", "flip('match-case')", "Match case", show=False),
        Binding("alt+r", "flip('regex')", "Regex", show=False),
        Binding("alt+p", "flip('preserve-case')", "Preserve case", show=False),
        Binding("ctrl+r", "replace_one", "Replace this one", show=False, priority=True),
        Binding("ctrl+shift+r", "replace_all", "Replace all", show=False, priority=True),
        Binding("ctrl+z", "undo_replace", "Undo replace", show=False, priority=True),
        Binding("down", "results", "Results", show=False),
    ]

    DEFAULT_CSS = """
    SearchReplaceScreen { align: center middle; }
    SearchReplaceScreen > #sr-dialog {
        width: 110; max-width: 98%; height: 34; max-height: 98%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    SearchReplaceScreen #sr-title { text-style: bold; color: $primary; }
    SearchReplaceScreen #sr-fields { grid-size: 2; grid-columns: 10 1fr; grid-rows: 3; height: 6; }
    SearchReplaceScreen #sr-fields Label { padding: 1 0 0 0; }
    SearchReplaceScreen #sr-toggles { height: 3; }
    SearchReplaceScreen #sr-toggles Checkbox { margin-right: 1; }
    SearchReplaceScreen #sr-status { height: 1; color: $text-muted; }
    SearchReplaceScreen #sr-status.error { color: $error; }
    SearchReplaceScreen #sr-status.done { color: $success; }
    SearchReplaceScreen #sr-results { height: 1fr; background: $panel; }
    SearchReplaceScreen #sr-preview { height: 2; color: $text; background: $boost; }
    SearchReplaceScreen #sr-buttons { height: 3; }
    SearchReplaceScreen #sr-buttons Button { margin-right: 1; min-width: 10; }
    SearchReplaceScreen .keys { color: $text-muted; height: 1; }
    """

    def __init__(self, workspace: SearchTools, *, query: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.initial_query = query
        #: The last search's results (all of them, also those not listed).
        self.matches: list[Match] = []
        #: The last search's error (a bad regex), shown on the status line.
        self.error = ""
        #: The plan the last replace applied here (None after an undo).
        self.last_plan: ReplacePlan | None = None
        #: How many searches finished (tests wait on it).
        self.searches = 0
        self._debounce: Timer | None = None

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="sr-dialog"):
            yield Label("Search & replace across the project", id="sr-title")
            with Grid(id="sr-fields"):
                yield Label("Find")
                yield Input(
                    self.initial_query,
                    placeholder="text to find in manuscript/, reference/, planning/",
                    id="sr-query",
                )
                yield Label("Replace")
                yield Input(placeholder="replacement (literal text)", id="sr-replacement")
            with Horizontal(id="sr-toggles"):
                for toggle_id, label, key in TOGGLES:
                    yield Checkbox(f"{label} ({key})", id=toggle_id)
            yield Static("Type to search.", id="sr-status")
            tree: Tree[Match | str] = Tree("results", id="sr-results")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            yield Static("", id="sr-preview")
            with Horizontal(id="sr-buttons"):
                yield Button("Replace this one (ctrl+r)", id="sr-replace-one")
                yield Button("Replace all (ctrl+shift+r)", id="sr-replace-all", variant="warning")
                yield Button("Undo replace (ctrl+z)", id="sr-undo")
                yield Button("Close (esc)", id="sr-close")
            yield Static(
                "↓ results · ↑↓ move · enter open at line · space fold file · "
                "tab next control · alt+w/c/r/p toggles",
                classes="keys",
            )

    def on_mount(self) -> None:
        self.query_one("#sr-query", Input).focus()
        self._update_buttons()
        if self.initial_query:
            self.run_search()

    # -- widgets ----------------------------------------------------------------------------

    @property
    def results(self) -> Tree[Match | str]:
        return self.query_one("#sr-results", Tree)

    def _flag(self, toggle_id: str) -> bool:
        return self.query_one(f"#{toggle_id}", Checkbox).value

    @property
    def query_text(self) -> str:
        return self.query_one("#sr-query", Input).value

    @property
    def replacement(self) -> str:
        return self.query_one("#sr-replacement", Input).value

    def selected_match(self) -> Match | None:
        node = self.results.cursor_node
        if node is None or not isinstance(node.data, Match):
            return None
        return node.data

    def set_status(self, text: str, kind: str = "") -> None:
        status = self.query_one("#sr-status", Static)
        status.set_classes(kind)
        status.update(text)

    def _update_buttons(self) -> None:
        has_matches = bool(self.matches)
        self.query_one("#sr-replace-one", Button).disabled = self.selected_match() is None
        self.query_one("#sr-replace-all", Button).disabled = not has_matches
        self.query_one("#sr-undo", Button).disabled = self.last_plan is None

    # -- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#sr-query")
    @on(Checkbox.Changed)
    def _query_changed(self, event: Input.Changed | Checkbox.Changed) -> None:
        event.stop()
        if isinstance(event, Checkbox.Changed) and event.checkbox.id == "preserve-case":
            self._show_preview()  # preserve case changes the replacement, not the matches
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self.run_search)

    @on(Input.Changed, "#sr-replacement")
    def _replacement_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_preview()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in an input: search now (no wait for the pause) and go to the results."""
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self.run_search()
        self.results.focus()

    def run_search(self) -> None:
        self._debounce = None
        self._search(
            self.query_text,
            whole_word=self._flag("whole-word"),
            case_sensitive=self._flag("match-case"),
            regex=self._flag("regex"),
        )

    @work(exclusive=True, group="search_replace", exit_on_error=False)
    async def _search(
        self, query: str, *, whole_word: bool, case_sensitive: bool, regex: bool
    ) -> None:
        if not query:
            self._show_results([], "")
            return
        try:
            matches = await self.workspace.search(
                query, whole_word=whole_word, case_sensitive=case_sensitive, regex=regex
            )
        except SearchError as error:
            self._show_results([], first_line(error))
            return
        self._show_results(matches, "")

    def _show_results(self, matches: list[Match], error: str) -> None:
        previous = self.selected_match()
        self.matches = matches
        self.error = error
        self.searches += 1
        tree = self.results
        tree.clear()
        cursor_line = -1
        counts = file_counts(matches)
        file_nodes: dict[str, TreeNode[Match | str]] = {}
        for listed, match in enumerate(matches):
            if listed >= MAX_LISTED:
                break
            node = file_nodes.get(match.path)
            if node is None:
                label = Text.assemble(
                    (visible(match.path), "bold"),
                    (f"  ({plural(counts[match.path], 'match')})", "dim"),
                )
                node = tree.root.add(label, data=match.path, expand=True)
                file_nodes[match.path] = node
            leaf = node.add_leaf(
                Text.assemble(
                    (f"{match.line:>5}:{match.column:<4}", "dim"),
                    excerpt(match.line_text, match.column, match.length),
                ),
                data=match,
            )
            if previous is not None and (match.path, match.line) == (previous.path, previous.line):
                cursor_line = leaf.line if cursor_line < 0 else cursor_line
        if error:
            self.set_status(error, "error")
        elif not self.query_text:
            self.set_status("Type to search.")
        elif not matches:
            self.set_status("No matches.")
        else:
            shown = "" if len(matches) <= MAX_LISTED else f" (the first {MAX_LISTED:,} listed)"
            self.set_status(
                f"{plural(len(matches), 'match')} in {plural(len(counts), 'file')}{shown}"
            )
        self.call_after_refresh(self._place_cursor, cursor_line)

    def _place_cursor(self, line: int) -> None:
        """After a refresh the cursor goes back near where it was, else to the first match."""
        tree = self.results
        if line < 0 and self.matches:
            line = 1  # the first file's first match
        if line >= 0:
            tree.cursor_line = line
        self._show_preview()
        self._update_buttons()

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Match | str]) -> None:
        event.stop()
        self._show_preview()
        self._update_buttons()

    def _show_preview(self) -> None:
        preview = self.query_one("#sr-preview", Static)
        match = self.selected_match()
        if match is None:
            preview.update("Preview: select a match to see its line after replacement.")
            return
        after = replaced_line(match, self.replacement, preserve_case=self._flag("preserve-case"))
        line = Text.assemble(
            ("Before: ", "dim"), excerpt(match.line_text, match.column, match.length)
        )
        start = match.column - 1
        new_text = after[start : len(after) - (len(match.line_text) - start - match.length)]
        changed = Text.assemble(
            ("After:  ", "dim"),
            excerpt(after, match.column, len(new_text)) if new_text else Text(visible(after[:90])),
        )
        preview.update(Text("\n").join([line, changed]))

    # -- opening a result -------------------------------------------------------------------

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Match | str]) -> None:
        event.stop()
        match = event.node.data
        if isinstance(match, Match):
            self.dismiss(OpenAtLine(match.path, match.line, match.column))

    # -- actions ----------------------------------------------------------------------------

    def action_flip(self, toggle_id: str) -> None:
        """Flip a toggle (not ``action_toggle``: DOMNode's toggles an attribute)."""
        self.query_one(f"#{toggle_id}", Checkbox).toggle()

    def action_results(self) -> None:
        if isinstance(self.focused, Input) and self.matches:
            self.results.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_replace_one(self) -> None:
        match = self.selected_match()
        if match is None:
            self.set_status("Select a match first (↓ to the results).", "error")
            return
        self._replace([match], confirm=False)

    def action_replace_all(self) -> None:
        if not self.matches:
            self.set_status("Nothing to replace: search for something first.", "error")
            return
        self._replace(list(self.matches), confirm=True)

    def action_undo_replace(self) -> None:
        self._undo()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "sr-replace-one": self.action_replace_one,
            "sr-replace-all": self.action_replace_all,
            "sr-undo": self.action_undo_replace,
            "sr-close": self.action_close,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    @work(exclusive=True, group="search_replace_write", exit_on_error=False)
    async def _replace(self, matches: list[Match], *, confirm: bool) -> None:
        replacement = self.replacement
        try:
            plan = await self.workspace.plan_replace(
                matches, replacement, preserve_case=self._flag("preserve-case")
            )
        except StaleMatchError as error:
            self.set_status(f"{first_line(error)}; searching again", "error")
            self.run_search()
            return
        if not plan.files:
            self.set_status("Nothing would change: the replacement is the same text.", "error")
            return
        if confirm:
            dialog = ConfirmReplaceAll(
                self.query_text, replacement, plan.replacements, len(plan.files)
            )
            if not await self.app.push_screen_wait(dialog):
                self.set_status("Replace all cancelled; nothing changed.")
                return
        try:
            applied = await self.workspace.apply_replace(plan)
        except (StaleMatchError, ValueError, OSError) as error:  # stale, read-only, disk
            self.set_status(first_line(error), "error")
            return
        self.last_plan = applied
        self._after_write(
            f"Replaced {plural(applied.replacements, 'match')} in "
            f"{plural(len(applied.files), 'file')}; ctrl+z undoes it."
        )

    @work(exclusive=True, group="search_replace_write", exit_on_error=False)
    async def _undo(self) -> None:
        try:
            blocked = await self.workspace.undo_replace()
        except ValueError as error:  # nothing to undo (or read-only: PermissionError is OSError)
            self.set_status(f"Nothing to undo: {first_line(error)}.", "error")
            return
        except OSError as error:
            self.set_status(first_line(error), "error")
            return
        self.last_plan = None
        if blocked:
            message = "Undone, except (edited since, left as they are): " + ", ".join(blocked)
            self._after_write(message, kind="error")
        else:
            self._after_write("The last replace is undone.")

    def _after_write(self, message: str, *, kind: str = "done") -> None:
        """Results refresh after a write; the message stays on the status line meanwhile
        and comes back once the fresh results are in."""
        self.set_status(message, kind)
        self._refresh_then_say(message, kind)

    @work(exclusive=True, group="search_replace", exit_on_error=False)
    async def _refresh_then_say(self, message: str, kind: str) -> None:
        matches: list[Match] = []
        if self.query_text:
            try:
                matches = await self.workspace.search(
                    self.query_text,
                    whole_word=self._flag("whole-word"),
                    case_sensitive=self._flag("match-case"),
                    regex=self._flag("regex"),
                )
            except SearchError:
                matches = []
        self._show_results(matches, "")
        found = f" {plural(len(matches), 'match')} left." if self.query_text else ""
        self.set_status(message + found, kind)
