"""Ask the story bible (any stage, from the palette): a question, the answer as it streams.

The answer comes from ``reference/`` and ``planning/`` only; the panel names the files the
question was sent with, and the cost line appears when the call is over (it is in the
ledger by then, and the status bar's cost has moved). Escape stops a stream (the answer so
far stays, the call is billed) and, with nothing streaming, closes the panel. Questions go
to the session's recent queries; the last ones are offered as the field's suggestions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from writers_tui.ui.ai_flow import start_call
from writers_tui.ui.ai_words import sources_line
from writers_tui.ui.textsafe import plain
from writers_tui.ui.widgets.ai_stream import StreamView

if TYPE_CHECKING:
    from writers_tui.workspace_ai import WorkspaceAI


class AskBible(ModalScreen[None]):
    """The ask-the-bible panel. ``stage`` picks the model (its preference, else a default)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop_or_close", "Stop / close", show=False),
    ]
    DEFAULT_CSS = """
    AskBible { align: center middle; }
    AskBible > #ask {
        width: 90; max-width: 96%; height: 80%; min-height: 14;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    AskBible #ask-title { text-style: bold; color: $primary; width: 1fr; }
    AskBible #ask-sources, AskBible #ask-hint { color: $foreground-muted; width: 1fr; }
    """

    def __init__(self, ai: WorkspaceAI, stage: str) -> None:
        super().__init__()
        self.ai = ai
        self.stage = stage
        self._preparing = False

    def compose(self) -> ComposeResult:
        status = self.ai.status(self.stage)
        model = status.model or "AI is off"
        with Vertical(id="ask"):
            yield Label(plain(f"Ask the story bible · {model}"), id="ask-title")
            yield Input(
                placeholder="A question about your book, e.g. Who is Mickey's sister?",
                id="ask-question",
                max_length=4_000,
            )
            yield StreamView(id="ask-answer")
            yield Label("", id="ask-sources")
            yield Label("enter asks · escape stops the answer, or closes", id="ask-hint")

    @property
    def answer(self) -> StreamView:
        return self.query_one(StreamView)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        status = self.ai.status(self.stage)
        if not status.on:
            self.answer.say(status.message, failed=True)

    @on(Input.Submitted, "#ask-question")
    def _asked(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if self._preparing or self.answer.streaming:
            self.notify("An answer is on its way; escape stops it.", timeout=4)
            return
        self._preparing = True  # from now: a second enter cannot ask twice
        self._ask(question)

    @work(group="ask-bible", exit_on_error=False)
    async def _ask(self, question: str) -> None:
        try:
            call = await start_call(
                self.app, self.ai, self.stage, lambda: self.ai.estimate_ask(question, self.stage)
            )
        finally:
            self._preparing = False
        if call is None:
            return
        line = "Sent with " + sources_line(call.estimate.sources)
        self.query_one("#ask-sources", Label).update(plain(line))
        self.answer.show(call, "Answer")

    @on(StreamView.Finished)
    def _answered(self, event: StreamView.Finished) -> None:
        self.query_one(Input).focus()

    async def action_stop_or_close(self) -> None:
        if self.answer.streaming:
            await self.answer.stop()
            return
        self.dismiss(None)
