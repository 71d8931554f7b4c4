"""One open file in the prose editor, wired to the Workspace exactly as Writing does it.

Creation (the bible) and Enhancing (the current scene) both edit a file with the same
auto-save and conflict rules as Writing: every edit is only *noted* (``note_edit`` with a
callable that reads the text), the editor's debounced count goes to ``note_words``, the
cursor to ``set_cursor``, and a ``ReloadFile`` from the app (an outside change, a resolved
conflict) replaces the text. The editor itself comes from
:func:`writers_tui.ui.screens.writing.make_editor`, the one place that picks the widget.

Positions: :meth:`select_span` takes the analysis' 1-based lines and columns (end column
exclusive) and selects that span, so a flag or a completeness row can "jump to" it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, TextArea
from textual.widgets.text_area import Selection

from writers_tui.ui.messages import ReloadFile
from writers_tui.ui.screens.writing import make_editor, title_of
from writers_tui.ui.widgets.editor import ProseEditor

if TYPE_CHECKING:
    from writers_tui.ui.app import WritersApp
    from writers_tui.ui.ports import WorkspaceLike


class FileEditor(Vertical):
    """A title line and the prose editor for one project file at a time."""

    DEFAULT_CSS = """
    FileEditor { height: 1fr; width: 1fr; }
    FileEditor > #file-title { height: 1; padding: 0 2; text-style: bold; color: $text-muted; }
    """

    class Edited(Message):
        """The writer changed the open file (after the workspace was told)."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    class Reloaded(Message):
        """The open file's text was replaced from outside (a reload or a restore)."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path: str | None = None
        self._loads_pending = 0  # load_text posts one Changed that is not an edit

    def compose(self) -> ComposeResult:
        yield Label("", id="file-title")
        yield make_editor()

    def on_mount(self) -> None:
        self.studio.writing_signal.subscribe(self, self._on_signal)

    @property
    def studio(self) -> WritersApp:
        return cast("WritersApp", self.app)

    @property
    def workspace(self) -> WorkspaceLike | None:
        return self.studio.workspace

    @property
    def editor(self) -> ProseEditor:
        return self.query_one("#editor", ProseEditor)

    # -- opening --------------------------------------------------------------------------

    async def open(self, path: str, *, line: int | None = None) -> None:
        """Open ``path`` (the workspace flushes the previous file first); ``line`` is
        1-based and wins over the remembered cursor."""
        workspace = self.workspace
        if workspace is None:
            return
        opened = await workspace.open_file(path)
        self.path = opened.path
        editor = self.editor
        self._loads_pending += 1
        editor.load_text(opened.text)
        editor.read_only = opened.read_only or workspace.read_only
        last = editor.document.line_count - 1
        if line is not None:
            editor.cursor_location = (min(max(0, line - 1), last), 0)
        else:
            row = min(opened.cursor_line, last)
            editor.cursor_location = (max(0, row), max(0, opened.cursor_col))
        editor.scroll_cursor_visible(center=True)
        self.query_one("#file-title", Label).update(title_of(opened.path))
        self.studio.show_file(title_of(opened.path))
        notice = getattr(opened, "notice", None)
        if notice:
            self.notify(notice, severity="warning", timeout=8)

    def clear(self, message: str = "") -> None:
        """No file: an empty, read-only editor and ``message`` as the title line."""
        self.path = None
        self._loads_pending += 1
        self.editor.load_text("")
        self.editor.read_only = True
        self.query_one("#file-title", Label).update(message)

    # -- positions ------------------------------------------------------------------------

    def select_span(self, line: int, column: int, end_line: int, end_column: int) -> None:
        """Select a span given 1-based lines and columns (end column exclusive)."""
        editor = self.editor
        last = editor.document.line_count - 1

        def location(row: int, col: int) -> tuple[int, int]:
            r = min(max(0, row - 1), last)
            return r, min(max(0, col - 1), len(editor.document[r]))

        editor.selection = Selection(location(line, column), location(end_line, end_column))
        editor.scroll_cursor_visible(center=True)

    def go_to_line(self, line: int) -> None:
        """Put the cursor at the start of a 1-based line."""
        editor = self.editor
        row = min(max(0, line - 1), editor.document.line_count - 1)
        editor.cursor_location = (row, 0)
        editor.scroll_cursor_visible(center=True)

    def replace_text(self, text: str) -> None:
        """Replace the whole text *as an edit*: saved by the usual rules, undoable (ctrl+z)."""
        editor = self.editor
        document = editor.document
        end = (document.line_count - 1, len(document[document.line_count - 1]))
        editor.history.checkpoint()  # its own undo step, not merged with the last typing
        editor.replace(text, (0, 0), end)
        editor.history.checkpoint()
        if self.path is not None:
            self.post_message(self.Reloaded(self.path))

    # -- the editor's events --------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._loads_pending:
            self._loads_pending -= 1
            return
        workspace, path = self.workspace, self.path
        if workspace is None or path is None or workspace.read_only:
            return
        editor = self.editor
        workspace.note_edit(path, lambda: editor.text)
        self.post_message(self.Edited(path))

    def on_prose_editor_words_changed(self, event: ProseEditor.WordsChanged) -> None:
        workspace, path = self.workspace, self.path
        if workspace is not None and path is not None:
            workspace.note_words(path, event.words)

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        workspace, path = self.workspace, self.path
        if workspace is not None and path is not None:
            line, col = event.selection.end
            workspace.set_cursor(path, line, col)

    def _on_signal(self, message: Any) -> None:
        if not isinstance(message, ReloadFile) or message.path != self.path:
            return
        text = message.text
        workspace = self.workspace
        if text is None and workspace is not None:
            text = workspace.text_of(message.path)
        if text is None or text == self.editor.text:
            # Already showing it (a restore this editor applied as an undoable edit, which
            # the workspace then announces): reloading would only wipe the undo history.
            return
        editor = self.editor
        cursor = editor.cursor_location
        self._loads_pending += 1
        editor.load_text(text)
        editor.cursor_location = (min(cursor[0], editor.document.line_count - 1), cursor[1])
        self.post_message(self.Reloaded(message.path))
