"""The Writing stage's suggestion panel: AI text beside the editor, never inside it.

A continuation or a drafted scene streams here while the writer keeps typing in the
editor. Nothing reaches the manuscript until the writer accepts it (the Writing screen
inserts it at the cursor as one undoable edit); rejecting discards it. The panel only
shows; the keys live on the Writing screen (:mod:`writers_tui.ui.screens.writing_ai`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Label

from writers_tui.ui.ai_flow import start_call
from writers_tui.ui.ai_words import operation_name
from writers_tui.ui.textsafe import plain
from writers_tui.ui.widgets.ai_stream import StreamView

if TYPE_CHECKING:
    from writers_tui.workspace_ai import AICall, Estimate, WorkspaceAI


@dataclass(frozen=True)
class SuggestionKeys:
    """The keys in force for a suggestion (after the writer's keymap), for the hint line."""

    accept: str = "alt+a"
    reject: str = "alt+r"
    stop: str = "escape"

    def hint(self, *, streaming: bool) -> str:
        parts = [f"{self.accept} accept", f"{self.reject} reject"]
        if streaming:
            parts.append(f"{self.stop} stop")
        return " · ".join(parts)


class SuggestionPanel(Vertical):
    """A heading (operation · model), the streaming text, and the keys that apply.

    ``shown`` says whether the panel is open; the Writing screen watches it to fold the
    inspector away meanwhile, so the text keeps its width. On a narrow terminal the screen
    gives it the ``-below`` class: it docks under the text instead of beside it.
    """

    shown: reactive[bool] = reactive(False)

    DEFAULT_CSS = """
    SuggestionPanel {
        width: 45%;
        min-width: 30;
        border-left: tall $primary;
        padding: 0 0 0 1;
    }
    SuggestionPanel.-below {
        dock: bottom;
        width: 100%;
        height: 45%;
        min-height: 6;
        border-left: none;
        border-top: tall $primary;
        padding: 0 1;
    }
    SuggestionPanel > #suggestion-heading {
        text-style: bold; width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    SuggestionPanel > #suggestion-keys { color: $text-muted; width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__(id="suggestion")
        self.operation = ""
        self.keys = SuggestionKeys()
        #: The scene the suggestion was written for (it is accepted only there).
        self.path: str | None = None
        self.title = ""
        self._preparing = False

    def compose(self) -> ComposeResult:
        yield Label("", id="suggestion-heading")
        yield StreamView(id="suggestion-stream")
        yield Label("", id="suggestion-keys")

    @property
    def stream(self) -> StreamView:
        return self.query_one(StreamView)

    @property
    def has_text(self) -> bool:
        return bool(self.stream.text.strip())

    @property
    def busy(self) -> bool:
        """A call is being prepared (estimate, dialogs) or is streaming."""
        return self._preparing or self.stream.streaming

    def request(
        self,
        ai: WorkspaceAI,
        operation: str,
        estimate_it: Callable[[], Awaitable[Estimate]],
        keys: SuggestionKeys,
        *,
        path: str,
        title: str,
    ) -> None:
        """Estimate, confirm, check the budget (:func:`start_call`), then stream here.

        :attr:`busy` is true from this moment, so a second key press cannot start a
        second call while the first is still being estimated.
        """
        self._preparing = True
        self._request(ai, operation, estimate_it, keys, path, title)

    @work(group="suggestion", exit_on_error=False)
    async def _request(
        self,
        ai: WorkspaceAI,
        operation: str,
        estimate_it: Callable[[], Awaitable[Estimate]],
        keys: SuggestionKeys,
        path: str,
        title: str,
    ) -> None:
        try:
            call = await start_call(self.app, ai, "writing", estimate_it)
        finally:
            self._preparing = False
        if call is not None:
            self.show_call(call, operation, keys, path=path, title=title)

    def show_call(
        self, call: AICall, operation: str, keys: SuggestionKeys, *, path: str, title: str
    ) -> None:
        """Open the panel on a new call (the previous suggestion is discarded)."""
        self.operation = operation
        self.keys = keys
        self.path = path
        self.title = title
        self.query_one("#suggestion-heading", Label).update(
            plain(f"{operation_name(operation)} · {title} · {call.estimate.model}")
        )
        self.query_one("#suggestion-keys", Label).update(plain(keys.hint(streaming=True)))
        self.shown = True
        self.stream.show(call, operation_name(operation))

    def on_stream_view_finished(self, event: StreamView.Finished) -> None:
        """Over: escape has nothing left to stop, so the hint stops offering it."""
        hint = self.keys.hint(streaming=False)
        self.query_one("#suggestion-keys", Label).update(plain(hint))

    def close(self) -> None:
        self.stream.clear()
        self.operation = ""
        self.path = None
        self.shown = False

    def watch_shown(self, shown: bool) -> None:
        self.display = shown
