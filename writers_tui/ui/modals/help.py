"""The keys in force, as a list: what a writer reaches for when an F-key does nothing.

Some terminals eat F-keys or ctrl combinations, and a keymap may have moved them, so the
rows are built by the App from the bindings actually active (after ``set_keymap``), not
from the defaults. Every action listed is also in the command palette (ctrl+p).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static


@dataclass(frozen=True)
class KeyRow:
    keys: str
    description: str
    binding_id: str | None = None


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close", show=False)
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #dialog {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    HelpScreen #title { text-style: bold; color: $primary; }
    HelpScreen DataTable { height: auto; max-height: 20; margin: 1 0; }
    HelpScreen .hint { color: $foreground-muted; }
    """

    def __init__(self, rows: Sequence[KeyRow]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Keys in force", id="title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(
                "Every action is also in the command palette (ctrl+p): type a few letters "
                "of its name. Keys can be remapped with 'keymap' in your settings.\n"
                "Esc closes this list.",
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Binding id")
        for row in self.rows:
            table.add_row(row.keys, row.description, row.binding_id or "")
        table.focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
