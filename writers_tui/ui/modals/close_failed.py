"""Quitting could not finish: the session end could not be written (a full disk…).

The workspace keeps the project locked when ``close()`` fails, so nothing is lost yet.
The writer chooses: **Retry** (free some space, then close again) or **Quit anyway**
(``abandon()``: the lock is dropped and the session is left interrupted, so the next
start offers to recover it). The app never exits silently with work unsaved.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

CloseChoice = Literal["retry", "abandon"]


def one_line(error: BaseException) -> str:
    """The error as one line for a dialog (its first line, or its type's name)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class CloseFailed(ModalScreen[CloseChoice]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('retry')", "Retry", show=False),
        Binding("q", "choose('abandon')", "Quit anyway", show=False),
    ]

    DEFAULT_CSS = """
    CloseFailed { align: center middle; }
    CloseFailed > #dialog {
        width: 72; max-width: 95%; height: auto;
        border: thick $error; background: $surface; padding: 1 2;
    }
    CloseFailed #title { text-style: bold; color: $error; }
    CloseFailed #error { margin: 1 0; text-style: bold; }
    CloseFailed .hint { color: $foreground-muted; margin-top: 1; }
    CloseFailed #buttons { height: auto; margin-top: 1; align-horizontal: right; }
    CloseFailed Button { margin-left: 2; }
    """

    def __init__(self, error: str, attempts: int = 1) -> None:
        super().__init__()
        self.error = error
        self.attempts = attempts

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("writers-tui could not finish closing the project", id="title")
            yield Static(self.error, id="error")
            yield Static(
                "Your prose is on disk or in .session/recovery/, and the project is still "
                "locked by this window. Free some space and retry, or quit anyway: the "
                "session is then left open and offered for recovery next time."
            )
            if self.attempts > 1:
                yield Static(f"Tried {self.attempts} times.", classes="hint", id="attempts")
            yield Static("r retry · q quit anyway", classes="hint")
            with Horizontal(id="buttons"):
                yield Button("Quit anyway", id="abandon")
                yield Button("Retry", id="retry", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#retry", Button).focus()

    def action_choose(self, choice: CloseChoice) -> None:
        self.dismiss(choice)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss("retry" if event.button.id == "retry" else "abandon")
