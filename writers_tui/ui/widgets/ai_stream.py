"""An AI answer as it streams: the text, and one line saying where the call stands.

Both AI panels (the Writing stage's suggestion panel and the ask-the-bible panel) show a
call through a :class:`StreamView`. It consumes the call in a worker and appends the text
to a :class:`StreamTail` in batches (at most :data:`FLUSH_SECONDS` apart; the first at
once), which only repaints the rows at its bottom, so a fast model sending thousands of
chunks costs the event loop a few short repaints a second and the writer's typing stays
live. When the call is over the whole text goes into a read-only text area, once, for
scrolling and selecting. A provider error is shown on the status line, never as text;
whatever text arrived before it stays. When the call is over (recorded in the ledger),
:class:`StreamView.Finished` carries the outcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, TextArea

from writers_tui.ui.status import format_money
from writers_tui.ui.textsafe import plain
from writers_tui.ui.widgets.stream_tail import StreamTail
from writers_tui.workspace_ai import AIError

if TYPE_CHECKING:
    from writers_tui.workspace_ai import AICall, CallOutcome

#: Longest wait between a chunk arriving and it being on screen.
FLUSH_SECONDS = 0.1
#: How often the status line checks whether the call is waiting (to retry).
PROGRESS_SECONDS = 0.5


def describe_outcome(outcome: CallOutcome) -> str:
    """One line for the status: how the call ended and what it cost."""
    record = outcome.record
    cost = format_money(record.cost) if record is not None else "$0.00"
    if outcome.cache_hit:
        return f"From the response cache · {cost} (nothing sent)"
    usage = outcome.usage
    if usage is None:
        billed = "nothing billed"
    else:
        tokens = f"{usage.input_tokens + usage.cached_tokens:,} in · {usage.output_tokens:,} out"
        if usage.source != "provider":
            tokens += f" ({usage.source})"
        billed = f"{tokens} · {cost}"
    if record is not None and not record.priced:
        billed += " (no price known for this model)"
    if outcome.status == "cancelled":
        return f"Stopped — the text so far is kept · {billed}"
    if outcome.status == "error":
        why = str(outcome.error) if outcome.error is not None else "the call failed"
        return f"Failed: {why} · {billed}"
    return f"Done · {billed}"


class StreamView(Vertical):
    """One call's text and status line. :meth:`show` a call; the view consumes it."""

    DEFAULT_CSS = """
    StreamView { height: 1fr; }
    StreamView > .stream-status { width: 1fr; height: auto; color: $text-muted; }
    StreamView > .stream-status.-failed { color: $error; }
    StreamView > TextArea { height: 1fr; border: none; padding: 0 1; }
    StreamView > StreamTail { display: none; }
    """

    @dataclass
    class Finished(Message):
        """The call is over and recorded; ``outcome.text`` is everything that arrived."""

        view: StreamView
        outcome: CallOutcome

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.call: AICall | None = None
        self.outcome: CallOutcome | None = None
        self._pending: list[str] = []
        self._flush_timer: Timer | None = None
        #: Only while a call streams: the status line checks whether it waits to retry.
        self._progress_timer: Timer | None = None
        self._heading = ""
        self._flushed_at = 0.0
        self._said: tuple[str, bool] | None = None
        #: Chunks appended to the text area (the benchmark and tests read it).
        self.chunks_shown = 0

    def compose(self) -> ComposeResult:
        yield Label("", classes="stream-status")
        yield StreamTail(classes="stream-tail")
        yield TextArea(
            "", read_only=True, soft_wrap=True, show_line_numbers=False, classes="stream-text"
        )

    @property
    def text_area(self) -> TextArea:
        return self.query_one(".stream-text", TextArea)

    @property
    def tail(self) -> StreamTail:
        return self.query_one(StreamTail)

    def _streaming_view(self, streaming: bool) -> None:
        """The cheap tail while text arrives; the full text area once it is all there."""
        if not streaming:
            self.text_area.load_text(self.tail.text)
            self.text_area.scroll_end(animate=False)
        self.tail.display = streaming
        self.text_area.display = not streaming

    @property
    def status_label(self) -> Label:
        return self.query_one(".stream-status", Label)

    @property
    def streaming(self) -> bool:
        return self.call is not None and self.outcome is None

    @property
    def text(self) -> str:
        """What is shown plus what is about to be."""
        shown = self.tail.text if self.tail.display else self.text_area.text
        return shown + "".join(self._pending)

    def say(self, line: str, *, failed: bool = False) -> None:
        if (line, failed) == self._said:
            return
        self._said = (line, failed)
        label = self.status_label
        label.update(plain(line))
        label.set_class(failed, "-failed")

    def clear(self) -> None:
        """Empty the view; a call still streaming into it is stopped (and billed)."""
        if self.call is not None and self.outcome is None:
            self.run_worker(self.call.cancel(), group="ai-stop", exit_on_error=False)
        self._stop_progress()
        self.call = None
        self.outcome = None
        self._pending.clear()
        self.tail.clear()
        self.text_area.load_text("")
        self._streaming_view(False)
        self.say("")

    def show(self, call: AICall, heading: str) -> None:
        """Stream ``call`` into the view (replacing what was there)."""
        self.clear()
        self.call = call
        self._streaming_view(True)
        self._heading = heading
        self._show_progress()
        self._progress_timer = self.set_interval(PROGRESS_SECONDS, self._show_progress)
        self._consume(call)

    def _stop_progress(self) -> None:
        if self._progress_timer is not None:
            self._progress_timer.stop()
            self._progress_timer = None

    def _show_progress(self) -> None:
        """While streaming: "streaming…", or why it waits (a retry after a 429)."""
        call = self.call
        if call is None or self.outcome is not None:
            return
        waiting = call.waiting
        self.say(f"{self._heading} — {waiting or 'streaming…'} (escape stops it)")

    async def stop(self) -> None:
        """Stop the stream; the text so far stays, and the call is billed as cancelled."""
        if self.call is not None and self.outcome is None:
            await self.call.cancel()

    @work(group="ai-stream", exit_on_error=False)
    async def _consume(self, call: AICall) -> None:
        try:
            async for chunk in call:
                if call is not self.call:
                    break  # replaced or cleared: not this view's text any more
                self._pending.append(chunk.text)
                if self._flush_timer is None:
                    wait = self._flushed_at + FLUSH_SECONDS - time.monotonic()
                    if wait <= 0:
                        self._flush()  # nothing shown for a while (the first text): now
                    else:
                        self._flush_timer = self.set_timer(wait, self._flush)
        except AIError:
            pass  # the outcome carries it, with what was billed
        outcome = await call.wait()
        if call is not self.call:
            return  # replaced by a newer call meanwhile
        self._flush()
        self._streaming_view(False)
        self._stop_progress()
        self.outcome = outcome
        self.say(describe_outcome(outcome), failed=outcome.status == "error")
        self.post_message(self.Finished(self, outcome))

    def _flush(self) -> None:
        self._flush_timer = None
        if not self._pending:
            return
        text, count = "".join(self._pending), len(self._pending)
        self._pending.clear()
        self._flushed_at = time.monotonic()
        self.tail.append(text)
        self.chunks_shown += count
