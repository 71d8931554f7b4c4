"""The project is open in another writers-tui: offer to open it read-only, or quit.

Two writers on one project would overwrite each other, so the second instance never
writes (ARCHITECTURE rule 9). The dialog says who holds the project so the writer can go
and close that window instead.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from writers_tui.ui.ports import HolderLike
from writers_tui.ui.timefmt import parse_time

ReadOnlyChoice = Literal["read-only", "quit"]


def holder_lines(holder: HolderLike | None) -> list[str]:
    if holder is None:
        return ["Held by   another writers-tui (it did not say who)"]
    started = parse_time(holder.started_at)
    since = started.astimezone().strftime("%Y-%m-%d %H:%M") if started else str(holder.started_at)
    return [f"Host      {holder.host}", f"Process   {holder.pid}", f"Since     {since}"]


class ReadOnlyOffer(ModalScreen[ReadOnlyChoice]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('read-only')", "Open read-only", show=False),
        Binding("q,escape", "choose('quit')", "Quit", show=False),
    ]

    DEFAULT_CSS = """
    ReadOnlyOffer { align: center middle; }
    ReadOnlyOffer > #dialog {
        width: 70; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ReadOnlyOffer #title { text-style: bold; color: $warning; }
    ReadOnlyOffer #holder { margin: 1 0; }
    ReadOnlyOffer #buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ReadOnlyOffer Button { margin-left: 2; }
    ReadOnlyOffer .keys { color: $foreground-muted; margin-top: 1; }
    """

    def __init__(self, project_name: str, holder: HolderLike | None) -> None:
        super().__init__()
        self.project_name = project_name
        self.holder = holder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"{self.project_name} is open in another writers-tui", id="title")
            yield Static("\n".join(holder_lines(self.holder)), id="holder")
            yield Static(
                "Only one window may write to a project. You can read it here without "
                "changing anything, or quit and close the other window first."
            )
            yield Static("r open read-only · q quit", classes="keys")
            with Horizontal(id="buttons"):
                yield Button("Quit", id="quit")
                yield Button("Open read-only", id="read-only", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#read-only", Button).focus()

    def action_choose(self, choice: ReadOnlyChoice) -> None:
        self.dismiss(choice)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss("read-only" if event.button.id == "read-only" else "quit")
