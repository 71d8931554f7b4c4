"""The screen shown while a project opens (and between two projects).

If opening fails (an unsafe ``.session``, an unreadable lock…) it becomes the failure
screen: the one-line error, where the log is, and "q quits" — never a dead "Opening…".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Label

if TYPE_CHECKING:
    from writers_tui.ui.app import WritersApp


class StartScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "leave", "Quit", show=False),
    ]

    message: reactive[str] = reactive("Opening the project…")

    def __init__(self) -> None:
        super().__init__(id="screen-start")
        #: The one-line error when opening failed (None while opening, or when it worked).
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Label(self.message, id="start-message")

    def watch_message(self, message: str) -> None:
        if self.is_mounted:
            self.query_one("#start-message", Label).update(message)

    def say(self, message: str) -> None:
        self.error = None
        self.set_class(False, "-failed")
        self.message = message

    def fail(self, error: str, log_path: str | None) -> None:
        """Opening failed: show ``error`` (one line), the log's place, and how to leave."""
        self.error = error
        self.set_class(True, "-failed")
        lines = [error, ""]
        lines.append(f"Details are in the log: {log_path}" if log_path else "No log was written.")
        lines.append("Press q to quit.")
        self.message = "\n".join(lines)

    def action_leave(self) -> None:
        """q quits once opening has failed (while opening, ctrl+q does)."""
        if self.error is not None:
            cast("WritersApp", self.app).open_failed_exit(self.error)
